"""Rounding the way the offices' spreadsheets do.

Scores are binary floats, as in a spreadsheet.  A spreadsheet's ROUND first
sees the value as 15 significant decimal digits, then rounds half away from
zero: 35 * 107 / 1400 is stored as 2.67499999999999982236431605997495353221893310546875
but shows, and rounds, as 2.675 -> 2.68.  Python's round() gives 2.67 there
and 0.12 for 0.125, so it must not be used for published numbers.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal

MODES = {"half_away_from_zero": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}


SIGNIFICANT = 15
"""How many significant decimal digits a spreadsheet sees of a float: the one statement of the rule.

Comparing, ranking, rounding, grading and reading an Excel cell all see a
value at this many digits (`seen`, `seen_text`), so 96.66666666666667 and
96.66666666666666 are the same score on paper, as they are in Excel and WPS.
"""

_SEEN = f".{SIGNIFICANT}g"
_EXACT_INTEGER = 10.0**SIGNIFICANT  # below this, every integer-valued float prints exactly as an integer


def seen_text(value: float) -> str:
    """`value` as a spreadsheet shows it, at SIGNIFICANT digits: 2.67499999999999982 -> '2.675'."""
    return format(value, _SEEN)


def seen(value: float) -> float:
    """`value` as a spreadsheet sees it, back as a float: 35.00000000000001 -> 35.0."""
    return float(format(value, _SEEN))  # not via seen_text: one call less, on the ranking's hot path


_WIDE = Context(prec=400)  # room for any float (up to 1e308) with its decimals


def spreadsheet_decimal(value: float, places: int, mode: str = "half_away_from_zero") -> Decimal:
    """`value` seen at SIGNIFICANT digits, rounded to `places` decimals."""
    if not math.isfinite(value):
        raise OverflowError(f"cannot round {value}")
    shown = Decimal(seen_text(value))
    return shown.quantize(Decimal(1).scaleb(-places), rounding=MODES[mode], context=_WIDE)


def spreadsheet_round(value: float, places: int = 0, mode: str = "half_away_from_zero") -> float:
    """As spreadsheet_decimal, as a float (for formulas that round a rate before scoring)."""
    return float(spreadsheet_decimal(value, places, mode))


def format_fixed(value: float, places: int, mode: str = "half_away_from_zero") -> str:
    """The text a published table shows: rounded, exactly `places` decimals, no '-0'."""
    text = f"{spreadsheet_decimal(value, places, mode):f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def plain_number(value: float | int) -> str:
    """How a number reads in a header or an explanation: 35.0 -> '35', 12.3456789 stays whole."""
    if isinstance(value, int) or float(value).is_integer() and abs(value) < _EXACT_INTEGER:
        return str(int(value))
    return seen_text(value)


def signed_fixed(value: float, places: int, mode: str = "half_away_from_zero") -> str:
    """A difference as shown: +0.93, -3.33, +0.00."""
    text = format_fixed(value, places, mode)
    return text if text.startswith("-") else f"+{text}"
