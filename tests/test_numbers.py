"""Display rounding is a spreadsheet's ROUND: half away from zero on 15 significant digits."""

from __future__ import annotations

import pytest

from engine.numbers import format_fixed, spreadsheet_round


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (0.125, 2, "0.13"),  # Python's round gives 0.12
        (35 * 107 / 1400, 2, "2.68"),  # stored as 2.67499999..., a spreadsheet shows 2.68
        (2.5, 0, "3"),
        (-2.5, 0, "-3"),  # away from zero, also below zero
        (-0.001, 2, "0.00"),  # never "-0.00"
        (5, 2, "5.00"),
        (40 * 342 / 343, 2, "39.88"),
        (1.005, 2, "1.01"),  # stored as 1.00499999999999989..., seen as 1.005
    ],
)
def test_scores_are_shown_as_a_spreadsheet_rounds_them(value, places, shown):
    assert format_fixed(value, places) == shown


def test_half_even_is_available_when_declared():
    assert format_fixed(0.125, 2, "half_even") == "0.12"
    assert format_fixed(0.135, 2, "half_even") == "0.14"


def test_rounding_in_formulas_uses_the_same_rule():
    assert spreadsheet_round(0.125, 2) == 0.13
    assert spreadsheet_round(35 * 107 / 1400, 2) == 2.68


def test_python_round_would_have_been_wrong():
    """Guards the reason this module exists: if Python agreed, the tests above prove nothing new."""
    assert round(0.125, 2) == 0.12 and round(35 * 107 / 1400, 2) == 2.67
