"""Counting a ruleset's inputs from a platform's raw work-order export (issue 11): conditions, SQL, the reference.

Imported only for an order export: the unit-table path never loads it (tests/test_cold_start.py).
"""

from collections.abc import Sequence

from ..i18n import current


def listed(items: Sequence[str]) -> str:
    """Items said as a list: `a, b` in English, `a、b` in Chinese (the enumeration comma), for the notes and
    messages that list labels, months or cells."""
    return ("、" if current() == "zh" else ", ").join(items)
