"""Display rounding is a spreadsheet's ROUND: half away from zero on 15 significant digits.

Every expected text below is what a spreadsheet shows (ROUND, half away from
zero, on the value seen at 15 significant digits), worked out by hand in the
comment beside it; where Python's own round() would print something else,
the comment says so.  The last tests check the same rule in the engine's
output, not only in engine/numbers.py.
"""

from __future__ import annotations

import json

import pytest
from kaoping.numbers import format_fixed, spreadsheet_round

from .conftest import run_cli


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (0.125, 2, "0.13"),  # an exact binary half: away from zero (Python's round gives 0.12)
        (35 * 107 / 1400, 2, "2.68"),  # stored as 2.67499999999999982..., seen at 15 digits as 2.675 (round: 2.67)
        (2.675, 2, "2.68"),  # the same float written directly
        (0.285, 2, "0.29"),  # stored as 0.28499999999999998..., seen as 0.285 (round: 0.28)
        (0.045, 2, "0.05"),  # stored as 0.04499999999999999833..., seen as 0.045 (round: 0.04)
        (1.005, 2, "1.01"),  # stored as 1.00499999999999989..., seen as 1.005
        (2.5, 0, "3"),  # round(2.5) is 2 (half even)
        (0.5, 0, "1"),  # round(0.5) is 0
        (1.5, 0, "2"),
        (5, 2, "5.00"),
        (40 * 342 / 343, 2, "39.88"),  # 39.8833...
        (1234567.125, 2, "1234567.13"),  # 10 significant digits and an exact half (round: 1234567.12)
        (99.995, 2, "100.00"),  # a carry through every digit
    ],
)
def test_scores_are_shown_as_a_spreadsheet_rounds_them(value, places, shown):
    assert format_fixed(value, places) == shown


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (-0.125, 2, "-0.13"),  # away from zero below zero too (round: -0.12)
        (-35 * 107 / 1400, 2, "-2.68"),  # -2.67499999999999982..., seen as -2.675
        (-2.5, 0, "-3"),  # round(-2.5) is -2
        (-0.5, 0, "-1"),  # round(-0.5) is -0.0
        (-1.5, 0, "-2"),
        (-0.005, 2, "-0.01"),  # -0.005000000000000000104..., seen as -0.005: a half, away from zero
        (-0.001, 2, "0.00"),  # rounds to zero: never "-0.00"
        (-0.004, 2, "0.00"),
    ],
)
def test_negative_halves_round_away_from_zero_and_zero_has_no_sign(value, places, shown):
    assert format_fixed(value, places) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        # 16 significant digits 2.674999999999999: seen at 15 as 2.67500000000000, a half -> 2.68
        (2.674999999999999, "2.68"),
        # 15 significant digits 2.67499999999999: seen as it is, below the half -> 2.67
        (2.67499999999999, "2.67"),
        # 0.1 + 0.2 is 0.30000000000000004: the 17th digit is never seen -> 0.30
        (0.1 + 0.2, "0.30"),
        # 1.0000000000000049: seen at 15 digits as 1.00000000000000 -> 1.00
        (1.0000000000000049, "1.00"),
        # 15 significant digits exactly: 123456789012.345 is seen whole, a half -> .35
        (123456789012.345, "123456789012.35"),
    ],
)
def test_the_value_is_seen_at_15_significant_digits_before_it_is_rounded(value, shown):
    assert format_fixed(value, 2) == shown


def test_beyond_15_digits_the_16th_is_not_seen():
    # 1000000000000000.5 has 17 significant digits; at 15 it is 1.00000000000000e15: nothing to round up
    assert format_fixed(1e15 + 0.5, 0) == "1000000000000000"


def test_half_even_is_available_when_declared():
    assert format_fixed(0.125, 2, "half_even") == "0.12"
    assert format_fixed(0.135, 2, "half_even") == "0.14"  # seen as 0.135: half, to the even 4
    assert format_fixed(-2.5, 0, "half_even") == "-2"


@pytest.mark.parametrize(
    ("value", "places", "rounded"),
    [
        (0.125, 2, 0.13),
        (-0.125, 2, -0.13),
        (35 * 107 / 1400, 2, 2.68),
        (-35 * 107 / 1400, 2, -2.68),
        (91.25, 1, 91.3),  # an exact binary quarter (round: 91.2)
        (-2.5, 0, -3.0),
        (2.674999999999999, 2, 2.68),  # seen at 15 digits
        (2.67499999999999, 2, 2.67),
    ],
)
def test_rounding_in_formulas_uses_the_same_rule(value, places, rounded):
    assert spreadsheet_round(value, places) == rounded


def evaluate_json(ruleset: str, data, *extra: str) -> dict:
    run = run_cli("evaluate", "-r", ruleset, data, "-f", "json", *extra)
    assert run.code == 0, run.err
    return {r["entity"]: r for r in json.loads(run.out)["results"]}


def test_the_engine_shows_workload_halves_as_a_spreadsheet_does(tmp_path):
    # jintai-hotline workload = 5 × completed / max_completed, max_completed = 200 here
    data = tmp_path / "halves.csv"
    data.write_text(
        "部门名称,应办结工单数,办结工单数,按期办结工单数,逾期退单工单数,告警工单数\n"
        "甲,200,200,200,0,0\n"
        "乙,107,107,107,0,0\n"
        "丙,25,25,25,0,0\n",
        encoding="utf-8",
    )
    units = evaluate_json("jintai-hotline@2024.02", data)
    # 乙: 5 × 107 / 200 = 2.675, stored as 2.67499999999999982..., shown 2.68 (round: 2.67)
    assert units["乙"]["display"]["workload"] == "2.68"
    # its total: 35 + 40 + 5 + 10 + 2.675 + 5 = 97.675, shown 97.68
    assert units["乙"]["display"]["total"] == "97.68"
    # 丙: 5 × 25 / 200 = 0.625, an exact binary half, shown 0.63 (round: 0.62); total 95.625 -> 95.63
    assert units["丙"]["display"]["workload"] == "0.63"
    assert units["丙"]["display"]["total"] == "95.63"


def test_the_engine_shows_a_negative_half_away_from_zero(tmp_path):
    # city-hotline 功能区: satisfaction_rate = round(383 / 400 × 100, 2) = 95.75;
    # dissatisfaction = 0.5 × (96 − 95.75) = 0.125 deducted: the score −0.125 shows as −0.13 (round: −0.12)
    data = tmp_path / "half.csv"
    data.write_text(
        "单位名称,分组,应办结数,办结数,一次性办结数,回访数,满意数\n甲,功能区,400,400,400,400,383\n",
        encoding="utf-8",
    )
    unit = evaluate_json("city-hotline@2025.01", data)["甲"]
    assert unit["derived"]["satisfaction_rate"] == 95.75
    assert unit["scores"]["dissatisfaction"] == -0.125
    assert unit["display"]["dissatisfaction"] == "-0.13"
    # 100 − 0.125 = 99.875 -> 99.88
    assert unit["display"]["total"] == "99.88"


def test_the_engine_rounds_in_a_formula_before_it_scores(tmp_path):
    # rate-hotline first_rounded = round(first_rate, 1): 88.25 is an exact binary quarter -> 88.3 (round: 88.2);
    # first_contact = max(0, 25 − (90 − 88.3)) = 23.3 (it would be 23.2 with Python's round)
    data = tmp_path / "rates.csv"
    data.write_text(
        "单位,工单量,办结率,一次性办结率,回访率,满意率,响应及时率\n甲,10,100%,88.25%,100%,100%,100%\n", encoding="utf-8"
    )
    unit = evaluate_json("rate-hotline@2025.01", data)["甲"]
    assert unit["derived"]["first_rounded"] == 88.3
    assert unit["scores"]["first_contact"] == pytest.approx(23.3, abs=1e-9)
    assert unit["display"]["first_contact"] == "23.3"
