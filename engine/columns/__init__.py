"""The columnar core: a month's units as one array per input, scored, ranked and written column by column.

The row path (engine/data, engine/evaluate, simpleeval) stays the reference:
it gives every message, and `explain` walks a formula through it.  The
columnar path gives the same bytes, faster, and hands a case over to the
reference whenever it cannot be sure of that (a bad cell, a division by zero,
an integer past 2**53).
"""
