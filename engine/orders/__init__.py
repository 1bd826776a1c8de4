"""Counting a ruleset's inputs from a platform's raw work-order export (issue 11): conditions, SQL, the reference.

Imported only for an order export: the unit-table path never loads it (tests/test_cold_start.py).
"""
