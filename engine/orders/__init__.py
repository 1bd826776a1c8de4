"""Counting a ruleset's inputs from a platform's raw work-order export (issue 11): conditions, SQL, the reference.

Imported only for an order export: the unit-table path never loads it (tests/test_cold_start.py).
"""

from collections.abc import Sequence

from ..i18n import current


def listed(items: Sequence[str]) -> str:
    """Items said as a list: `a, b` in English, `a、b` in Chinese (the enumeration comma), for the notes and
    messages that list labels, months or cells."""
    return ("、" if current() == "zh" else ", ").join(items)


def code(text: str) -> str:
    """Rules' own text (an id, a condition as written) set apart as code: in backticks in Chinese, as the
    Chinese messages quote code, and bare in English, as it always was."""
    return f"`{text}`" if current() == "zh" else text
