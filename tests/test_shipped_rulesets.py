"""Golden tests for the two shipped, illustrative rulesets.

city-hotline@2025.01 (a deduction model with groups, grades, lists, flags, a
minimum volume and `combine`) and rate-hotline@2025.01 (percentage rates,
steps, floors, bands, tie-breaks, ranking on the printed total).

Every expected number below was worked out by hand from the example inputs
and the formulas declared in the ruleset; the arithmetic is in the comments.
None is copied from the engine's output.  As a check on the hand tables
themselves, `test_the_hand_table_*` recomputes them from the CSV files with
exact fractions (no engine code, no binary floats): the tables must agree with
the declared rules; `test_the_engine_gives_the_fraction_table_*` then
compares those fraction tables, unit by unit, with the engine's output.

Conventions of the hand arithmetic:
- round(x, n) is half away from zero, as the ruleset declares;
- a penalty is deducted at most its weight, a bonus added at most its weight;
- city-hotline: 县区组 starts at 150 (full marks 150) and may lose up to 60 for
  unfinished orders; the other groups start at 100.  The total is capped at
  the group's full marks and floored at 0.  Grades are on the printed total as
  a share of the group's full marks.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest

from .conftest import ROOT, run_cli

CITY = "city-hotline@2025.01"
RATE = "rate-hotline@2025.01"
CITY_JAN = Path("examples/city-hotline-2025-01.csv")
CITY_FEB = Path("examples/city-hotline-2025-02.csv")
RATE_JAN = Path("examples/rate-hotline-2025-01.csv")

CITY_INDICATORS = (
    "unfinished",
    "first_contact_shortfall",
    "dissatisfaction",
    "nonstandard_replies",
    "overdue_orders",
    "commendation",
)
CITY_DERIVED = ("completion_rate", "first_rate", "satisfaction_rate")
RATE_INDICATORS = ("completion", "first_contact", "satisfaction", "all_round", "response")
FLAG = "below_standard"


@dataclass(frozen=True)
class Expected:
    """One unit as worked out by hand."""

    group: str | None
    derived: tuple[float, ...]  # the derived values, in declared order
    scores: tuple[float, ...]  # each indicator's contribution, unrounded, in declared order (penalties negative)
    shown: tuple[str, ...]  # each indicator's printed text, then the printed total
    total: float  # unrounded
    rank: int | None
    grade: str
    flags: tuple[str, ...] = ()


# --------------------------------------------------------------------------
# city-hotline, January 2025 (examples/city-hotline-2025-01.csv)
# --------------------------------------------------------------------------

CITY_2025_01: dict[str, Expected] = {
    # ---- 县区组: start 150, full marks 150, unfinished capped at 60 ----
    # completion_rate = round(215/220 × 100, 2) = round(97.7272…, 2) = 97.73
    # first_rate = round(200/215 × 100, 2) = round(93.0232…, 2) = 93.02
    # satisfaction_rate = round(194/200 × 100, 2) = 97.00
    # unfinished = min(2 × (220 − 215), 60) = 10 → −10.00
    # first_contact_shortfall = max(0, 90 − 93.02) = 0
    # dissatisfaction = 0.5 × max(0, 96 − 97.00) = 0
    # nonstandard_replies = 0.5 × 1 = 0.5 → −0.50;  overdue_orders = 2 → −2.00
    # commendation = min(3, 5) = 3 → +3.00
    # total = 150 − 10 − 0 − 0 − 0.5 − 2 + 3 = 140.50;  140.50/150 = 93.67% → 优秀
    "东城区": Expected(
        "县区组",
        (97.73, 93.02, 97.00),
        (-10, 0, 0, -0.5, -2, 3),
        ("-10.00", "0.00", "0.00", "-0.50", "-2.00", "3.00", "140.50"),
        140.5,
        3,
        "优秀",
    ),
    # completion_rate = round(min(1, 182/180) × 100, 2) = 100.00 (a backlog cleared: capped at 100%)
    # first_rate = round(170/182 × 100, 2) = round(93.4065…, 2) = 93.41
    # satisfaction_rate = round(165/170 × 100, 2) = round(97.0588…, 2) = 97.06
    # unfinished = 2 × max(0, 180 − 182) = 0;  no other deduction
    # commendation = min(6, 5) = 5 → +5.00
    # total = 150 + 5 = 155, capped at full marks → 150.00;  100% → 优秀
    "西城区": Expected(
        "县区组",
        (100.00, 93.41, 97.06),
        (0, 0, 0, 0, 0, 5),
        ("0.00", "0.00", "0.00", "0.00", "0.00", "5.00", "150.00"),
        150.0,
        1,
        "优秀",
    ),
    # completion_rate = round(80/90 × 100, 2) = round(88.888…, 2) = 88.89
    # first_rate = round(60/80 × 100, 2) = 75.00
    # satisfaction_rate = round(50/60 × 100, 2) = round(83.333…, 2) = 83.33
    # unfinished = min(2 × (90 − 80), 60) = 20 → −20.00
    # first_contact_shortfall = min(90 − 75.00, 20) = 15 → −15.00
    # dissatisfaction = 0.5 × (96 − 83.33) = 0.5 × 12.67 = 6.335 → −6.34 (half away from zero)
    # nonstandard_replies = 0.5 × 4 = 2 → −2.00;  overdue_orders = 3 → −3.00;  commendation 0
    # total = 150 − 20 − 15 − 6.335 − 2 − 3 = 103.665 → 103.67
    # grade: 103.67/150 = 69.11% → 合格;  every rate ≥ 70 → no flag
    "南山县": Expected(
        "县区组",
        (88.89, 75.00, 83.33),
        (-20, -15, -6.335, -2, -3, 0),
        ("-20.00", "-15.00", "-6.34", "-2.00", "-3.00", "0.00", "103.67"),
        103.665,
        4,
        "合格",
    ),
    # completion_rate = 75/75 → 100.00
    # first_rate = round(70/75 × 100, 2) = round(93.333…, 2) = 93.33
    # satisfaction_rate = round(68/70 × 100, 2) = round(97.1428…, 2) = 97.14
    # overdue_orders = 1 → −1.00;  commendation = 1 → +1.00
    # total = 150 − 1 + 1 = 150.00 → ties 西城区 for rank 1 (shared), 东城区 is 3rd
    "北川县": Expected(
        "县区组",
        (100.00, 93.33, 97.14),
        (0, 0, 0, 0, -1, 1),
        ("0.00", "0.00", "0.00", "0.00", "-1.00", "1.00", "150.00"),
        150.0,
        1,
        "优秀",
    ),
    # ---- 市直部门组: start 100, full marks 100, unfinished capped at 40 ----
    # completion_rate = round(138/140 × 100, 2) = round(98.5714…, 2) = 98.57
    # first_rate = round(120/138 × 100, 2) = round(86.9565…, 2) = 86.96
    # satisfaction_rate = round(114/120 × 100, 2) = 95.00
    # unfinished = 2 × (140 − 138) = 4 → −4.00
    # first_contact_shortfall = 90 − 86.96 = 3.04 → −3.04
    # dissatisfaction = 0.5 × (96 − 95.00) = 0.5 → −0.50
    # nonstandard_replies = 0.5 × 2 = 1 → −1.00;  overdue_orders = 1 → −1.00;  commendation = 2 → +2.00
    # total = 100 − 4 − 3.04 − 0.5 − 1 − 1 + 2 = 92.46 → 优秀
    "市住建局": Expected(
        "市直部门组",
        (98.57, 86.96, 95.00),
        (-4, -3.04, -0.5, -1, -1, 2),
        ("-4.00", "-3.04", "-0.50", "-1.00", "-1.00", "2.00", "92.46"),
        92.46,
        3,
        "优秀",
    ),
    # completion_rate = 100.00;  first_rate = round(56/60 × 100, 2) = 93.33
    # satisfaction_rate = round(54/56 × 100, 2) = round(96.4285…, 2) = 96.43 (≥ 96: no deduction)
    # total = 100.00 → shares rank 1 with 市教育局
    "市交通局": Expected(
        "市直部门组",
        (100.00, 93.33, 96.43),
        (0, 0, 0, 0, 0, 0),
        ("0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "100.00"),
        100.0,
        1,
        "优秀",
    ),
    # completion_rate = 100.00;  first_rate = 45/48 × 100 = 93.75
    # satisfaction_rate = round(44/45 × 100, 2) = round(97.777…, 2) = 97.78
    # total = 100.00
    "市教育局": Expected(
        "市直部门组",
        (100.00, 93.75, 97.78),
        (0, 0, 0, 0, 0, 0),
        ("0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "100.00"),
        100.0,
        1,
        "优秀",
    ),
    # completion_rate = round(90/95 × 100, 2) = round(94.7368…, 2) = 94.74
    # first_rate = round(55/90 × 100, 2) = round(61.111…, 2) = 61.11
    # satisfaction_rate = round(36/55 × 100, 2) = round(65.4545…, 2) = 65.45
    # unfinished = 2 × (95 − 90) = 10 → −10.00
    # first_contact_shortfall = min(90 − 61.11, 20) = min(28.89, 20) = 20 → −20.00 (capped at its weight)
    # dissatisfaction = 0.5 × (96 − 65.45) = 0.5 × 30.55 = 15.275 → −15.28
    # nonstandard_replies = 0.5 × 6 = 3 → −3.00;  overdue_orders = 4 → −4.00
    # total = 100 − 10 − 20 − 15.275 − 3 − 4 = 47.725 → 47.73 → 不合格
    # flag: first_rate 61.11 < 70 (and satisfaction_rate 65.45 < 70)
    "市市场监管局": Expected(
        "市直部门组",
        (94.74, 61.11, 65.45),
        (-10, -20, -15.275, -3, -4, 0),
        ("-10.00", "-20.00", "-15.28", "-3.00", "-4.00", "0.00", "47.73"),
        47.725,
        4,
        "不合格",
        (FLAG,),
    ),
    # ---- 功能区: start 100, full marks 100 ----
    # completion_rate = 100.00;  first_rate = 46/50 × 100 = 92.00
    # satisfaction_rate = round(45/46 × 100, 2) = round(97.8260…, 2) = 97.83
    # nonstandard_replies = 0.5 × 1 = 0.5 → −0.50;  commendation = 2 → +2.00
    # total = 100 − 0.5 + 2 = 101.5, capped → 100.00
    "高新区": Expected(
        "功能区",
        (100.00, 92.00, 97.83),
        (0, 0, 0, -0.5, 0, 2),
        ("0.00", "0.00", "0.00", "-0.50", "0.00", "2.00", "100.00"),
        100.0,
        1,
        "优秀",
    ),
    # completion_rate = round(40/42 × 100, 2) = round(95.2380…, 2) = 95.24
    # first_rate = 38/40 × 100 = 95.00;  satisfaction_rate = round(37/38 × 100, 2) = round(97.3684…, 2) = 97.37
    # unfinished = 2 × (42 − 40) = 4 → −4.00;  overdue_orders = 1 → −1.00
    # total = 100 − 4 − 1 = 95.00
    "经开区": Expected(
        "功能区",
        (95.24, 95.00, 97.37),
        (-4, 0, 0, 0, -1, 0),
        ("-4.00", "0.00", "0.00", "0.00", "-1.00", "0.00", "95.00"),
        95.0,
        3,
        "优秀",
    ),
    # completion_rate = 100.00;  first_rate = 24/25 × 100 = 96.00
    # satisfaction_rate = round(23/24 × 100, 2) = round(95.8333…, 2) = 95.83
    # dissatisfaction = 0.5 × (96 − 95.83) = 0.5 × 0.17 = 0.085 → −0.09 (half away from zero)
    # total = 100 − 0.085 = 99.915 → 99.92;  due 25 ≥ 20: ranked
    "综保区": Expected(
        "功能区",
        (100.00, 96.00, 95.83),
        (0, 0, -0.085, 0, 0, 0),
        ("0.00", "0.00", "-0.09", "0.00", "0.00", "0.00", "99.92"),
        99.915,
        2,
        "优秀",
    ),
    # ---- below the minimum volume: due 8 < 20 → scored, not ranked ----
    # every rate 8/8 → 100.00;  no deduction → 100.00 → 优秀
    "市档案馆": Expected(
        "市直部门组",
        (100.00, 100.00, 100.00),
        (0, 0, 0, 0, 0, 0),
        ("0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "100.00"),
        100.0,
        None,
        "优秀",
    ),
}

# the order of the results: declared groups in order, each by rank (exact ties in input order), then the unranked
CITY_2025_01_ORDER = [
    (1, "西城区"),
    (1, "北川县"),
    (3, "东城区"),
    (4, "南山县"),
    (1, "市交通局"),
    (1, "市教育局"),
    (3, "市住建局"),
    (4, "市市场监管局"),
    (1, "高新区"),
    (2, "综保区"),
    (3, "经开区"),
    (None, "市档案馆"),
]


# --------------------------------------------------------------------------
# city-hotline, February 2025 (examples/city-hotline-2025-02.csv; 经开区 has no row)
# --------------------------------------------------------------------------

CITY_2025_02: dict[str, Expected] = {
    # completion_rate = round(228/230 × 100, 2) = round(99.1304…, 2) = 99.13
    # first_rate = round(210/228 × 100, 2) = round(92.1052…, 2) = 92.11
    # satisfaction_rate = round(200/210 × 100, 2) = round(95.2380…, 2) = 95.24
    # unfinished = 2 × (230 − 228) = 4 → −4.00;  dissatisfaction = 0.5 × (96 − 95.24) = 0.38 → −0.38
    # nonstandard_replies = 0.5 × 2 = 1 → −1.00;  overdue_orders = 1 → −1.00;  commendation = 2 → +2.00
    # total = 150 − 4 − 0.38 − 1 − 1 + 2 = 145.62;  97.08% → 优秀
    "东城区": Expected(
        "县区组",
        (99.13, 92.11, 95.24),
        (-4, 0, -0.38, -1, -1, 2),
        ("-4.00", "0.00", "-0.38", "-1.00", "-1.00", "2.00", "145.62"),
        145.62,
        2,
        "优秀",
    ),
    # completion_rate = 195/200 × 100 = 97.50;  first_rate = round(180/195 × 100, 2) = round(92.3076…, 2) = 92.31
    # satisfaction_rate = round(170/180 × 100, 2) = round(94.444…, 2) = 94.44
    # unfinished = 2 × 5 = 10 → −10.00;  dissatisfaction = 0.5 × (96 − 94.44) = 0.5 × 1.56 = 0.78 → −0.78
    # commendation = 1 → +1.00
    # total = 150 − 10 − 0.78 + 1 = 140.22;  93.48% → 优秀
    "西城区": Expected(
        "县区组",
        (97.50, 92.31, 94.44),
        (-10, 0, -0.78, 0, 0, 1),
        ("-10.00", "0.00", "-0.78", "0.00", "0.00", "1.00", "140.22"),
        140.22,
        3,
        "优秀",
    ),
    # completion_rate = 60/100 × 100 = 60.00;  first_rate = round(40/60 × 100, 2) = round(66.666…, 2) = 66.67
    # satisfaction_rate = 25/40 × 100 = 62.50
    # unfinished = min(2 × 40, 60) = min(80, 60) = 60 → −60.00 (the county's own cap)
    # first_contact_shortfall = min(90 − 66.67, 20) = min(23.33, 20) = 20 → −20.00
    # dissatisfaction = min(0.5 × (96 − 62.50), 20) = 0.5 × 33.5 = 16.75 → −16.75
    # nonstandard_replies = 0.5 × 10 = 5 → −5.00;  overdue_orders = min(12, 10) = 10 → −10.00
    # total = 150 − 60 − 20 − 16.75 − 5 − 10 = 38.25;  25.5% → 不合格;  flag (60.00 < 70)
    "南山县": Expected(
        "县区组",
        (60.00, 66.67, 62.50),
        (-60, -20, -16.75, -5, -10, 0),
        ("-60.00", "-20.00", "-16.75", "-5.00", "-10.00", "0.00", "38.25"),
        38.25,
        4,
        "不合格",
        (FLAG,),
    ),
    # completion_rate = 100.00;  first_rate = 63/70 × 100 = 90.00 (exactly the threshold: no deduction)
    # satisfaction_rate = round(61/63 × 100, 2) = round(96.8253…, 2) = 96.83
    # total = 150.00
    "北川县": Expected(
        "县区组",
        (100.00, 90.00, 96.83),
        (0, 0, 0, 0, 0, 0),
        ("0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "150.00"),
        150.0,
        1,
        "优秀",
    ),
    # completion_rate = 100.00;  first_rate = 138/150 × 100 = 92.00
    # satisfaction_rate = round(126/130 × 100, 2) = round(96.9230…, 2) = 96.92;  total = 100.00
    "市住建局": Expected(
        "市直部门组",
        (100.00, 92.00, 96.92),
        (0, 0, 0, 0, 0, 0),
        ("0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "100.00"),
        100.0,
        1,
        "优秀",
    ),
    # completion_rate = round(62/64 × 100, 2) = round(96.875, 2) = 96.88 (an exact half, rounded away from zero)
    # first_rate = round(58/62 × 100, 2) = round(93.5483…, 2) = 93.55
    # satisfaction_rate = round(55/58 × 100, 2) = round(94.8275…, 2) = 94.83
    # unfinished = 2 × 2 = 4 → −4.00;  dissatisfaction = 0.5 × (96 − 94.83) = 0.5 × 1.17 = 0.585 → −0.59
    # nonstandard_replies = 0.5 × 1 → −0.50
    # total = 100 − 4 − 0.585 − 0.5 = 94.915 → 94.92
    "市交通局": Expected(
        "市直部门组",
        (96.88, 93.55, 94.83),
        (-4, 0, -0.585, -0.5, 0, 0),
        ("-4.00", "0.00", "-0.59", "-0.50", "0.00", "0.00", "94.92"),
        94.915,
        3,
        "优秀",
    ),
    # completion_rate = 100.00;  first_rate = 44/50 × 100 = 88.00 → shortfall 90 − 88 = 2 → −2.00
    # satisfaction_rate = round(43/44 × 100, 2) = round(97.7272…, 2) = 97.73;  total = 98.00
    "市教育局": Expected(
        "市直部门组",
        (100.00, 88.00, 97.73),
        (0, -2, 0, 0, 0, 0),
        ("0.00", "-2.00", "0.00", "0.00", "0.00", "0.00", "98.00"),
        98.0,
        2,
        "优秀",
    ),
    # completion_rate = 96/100 × 100 = 96.00;  first_rate = round(80/96 × 100, 2) = round(83.333…, 2) = 83.33
    # satisfaction_rate = 70/80 × 100 = 87.50
    # unfinished = 2 × 4 = 8 → −8.00;  first_contact_shortfall = 90 − 83.33 = 6.67 → −6.67
    # dissatisfaction = 0.5 × (96 − 87.50) = 4.25 → −4.25;  nonstandard 0.5 × 2 = 1 → −1.00;  overdue 1 → −1.00
    # total = 100 − 8 − 6.67 − 4.25 − 1 − 1 = 79.08 → 合格 (below 80);  every rate ≥ 70: no flag
    "市市场监管局": Expected(
        "市直部门组",
        (96.00, 83.33, 87.50),
        (-8, -6.67, -4.25, -1, -1, 0),
        ("-8.00", "-6.67", "-4.25", "-1.00", "-1.00", "0.00", "79.08"),
        79.08,
        4,
        "合格",
    ),
    # due 10 < 20 again: not ranked.  completion_rate 100.00;  first_rate = 9/10 × 100 = 90.00;  satisfaction 100.00
    "市档案馆": Expected(
        "市直部门组",
        (100.00, 90.00, 100.00),
        (0, 0, 0, 0, 0, 0),
        ("0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "100.00"),
        100.0,
        None,
        "优秀",
    ),
    # completion_rate = 100.00;  first_rate = round(52/55 × 100, 2) = round(94.5454…, 2) = 94.55
    # satisfaction_rate = 49/50 × 100 = 98.00
    # nonstandard_replies = 0.5 × 1 → −0.50;  overdue_orders = 2 → −2.00
    # total = 100 − 0.5 − 2 = 97.50 → 2nd of 功能区
    "高新区": Expected(
        "功能区",
        (100.00, 94.55, 98.00),
        (0, 0, 0, -0.5, -2, 0),
        ("0.00", "0.00", "0.00", "-0.50", "-2.00", "0.00", "97.50"),
        97.5,
        2,
        "优秀",
    ),
    # completion_rate = 100.00;  first_rate = round(64/73 × 100, 2) = round(87.6712…, 2) = 87.67
    # satisfaction_rate = round(23/24 × 100, 2) = 95.83
    # first_contact_shortfall = 90 − 87.67 = 2.33 → −2.33;  dissatisfaction = 0.5 × 0.17 = 0.085 → −0.09
    # total = 100 − 2.33 − 0.085 = 97.585 → 97.59 → 1st of 功能区
    "综保区": Expected(
        "功能区",
        (100.00, 87.67, 95.83),
        (0, -2.33, -0.085, 0, 0, 0),
        ("0.00", "-2.33", "-0.09", "0.00", "0.00", "0.00", "97.59"),
        97.585,
        1,
        "优秀",
    ),
}

# --------------------------------------------------------------------------
# city-hotline, the two months combined: combine: {function: mean, missing: skip}
# entity: (group, (Jan printed total, Jan rank), (Feb printed, Feb rank) or None, mean, printed mean, combined rank)
# --------------------------------------------------------------------------

COMBINED: dict[str, tuple[str, tuple[str, int | None], tuple[str, int | None] | None, float, str, int | None]] = {
    "北川县": ("县区组", ("150.00", 1), ("150.00", 1), 150.0, "150.00", 1),  # (150 + 150) / 2 = 150
    "西城区": ("县区组", ("150.00", 1), ("140.22", 3), 145.11, "145.11", 2),  # (150 + 140.22) / 2 = 290.22 / 2
    "东城区": ("县区组", ("140.50", 3), ("145.62", 2), 143.06, "143.06", 3),  # (140.5 + 145.62) / 2 = 286.12 / 2
    "南山县": ("县区组", ("103.67", 4), ("38.25", 4), 70.9575, "70.96", 4),  # (103.665 + 38.25) / 2 = 141.915 / 2
    "市教育局": ("市直部门组", ("100.00", 1), ("98.00", 2), 99.0, "99.00", 1),  # (100 + 98) / 2
    "市交通局": ("市直部门组", ("100.00", 1), ("94.92", 3), 97.4575, "97.46", 2),  # (100 + 94.915) / 2 = 194.915 / 2
    "市住建局": ("市直部门组", ("92.46", 3), ("100.00", 1), 96.23, "96.23", 3),  # (92.46 + 100) / 2 = 192.46 / 2
    "市市场监管局": (
        "市直部门组",
        ("47.73", 4),
        ("79.08", 4),
        63.4025,
        "63.40",
        4,
    ),  # (47.725 + 79.08) / 2 = 126.805 / 2
    "高新区": ("功能区", ("100.00", 1), ("97.50", 2), 98.75, "98.75", 1),  # (100 + 97.5) / 2 = 197.5 / 2
    "综保区": (
        "功能区",
        ("99.92", 2),
        ("97.59", 1),
        98.75,
        "98.75",
        1,
    ),  # (99.915 + 97.585) / 2 = 197.5 / 2: a tie, shared
    "经开区": ("功能区", ("95.00", 3), None, 95.0, "95.00", 3),  # no February row, skipped: 95 / 1
    # fewer than 20 orders in both months (8, then 10): never eligible, so not ranked in the combined table either
    "市档案馆": ("市直部门组", ("100.00", None), ("100.00", None), 100.0, "100.00", None),  # (100 + 100) / 2
}

# combined order: groups as met, each by combined rank (the tie in the first period's order)
COMBINED_RANKED_ORDER = [
    ("县区组", 1, "北川县"),
    ("县区组", 2, "西城区"),
    ("县区组", 3, "东城区"),
    ("县区组", 4, "南山县"),
    ("市直部门组", 1, "市教育局"),
    ("市直部门组", 2, "市交通局"),
    ("市直部门组", 3, "市住建局"),
    ("市直部门组", 4, "市市场监管局"),
    ("功能区", 1, "高新区"),
    ("功能区", 1, "综保区"),
    ("功能区", 3, "经开区"),
]


# --------------------------------------------------------------------------
# rate-hotline, January 2025 (examples/rate-hotline-2025-01.csv); one decimal place
# --------------------------------------------------------------------------

RATE_2025_01: dict[str, Expected] = {
    # inputs 98.06%, 91.25%, 100%, 97.40%, 98.50%
    # first_rounded = round(91.25, 1) = 91.3 (half away from zero)
    # completion = 20 × min(100, 98.06) / 100 = 19.612 → 19.6
    # first_contact = max(0, 25 − max(0, 90 − 91.3)) = 25
    # satisfaction = max(10, 20 − 0.5 × max(0, 96 − 97.40)) = 20
    # all_round: 98.06 ≥ 95, 回访率 100 == 100, 97.40 ≥ 85 → 15
    # response: 98.50 ≥ 98 → 20
    # total = 19.612 + 25 + 20 + 15 + 20 = 99.612 → 99.6 → 3rd;  优秀
    "城关镇": Expected(
        None, (91.3,), (19.612, 25, 20, 15, 20), ("19.6", "25.0", "20.0", "15.0", "20.0", "99.6"), 99.612, 3, "优秀"
    ),
    # inputs 102.50%, 88.34%, 100%, 95.00%, 96.00%
    # first_rounded = round(88.34, 1) = 88.3
    # completion = 20 × min(100, 102.5) / 100 = 20
    # first_contact = 25 − (90 − 88.3) = 25 − 1.7 = 23.3
    # satisfaction = 20 − 0.5 × (96 − 95) = 19.5
    # all_round: 102.5 ≥ 95, 100, 95 ≥ 85 → 15;  response: 95 ≤ 96.00 < 98 → 16
    # total = 20 + 23.3 + 19.5 + 15 + 16 = 93.8
    "河东乡": Expected(
        None, (88.3,), (20, 23.3, 19.5, 15, 16), ("20.0", "23.3", "19.5", "15.0", "16.0", "93.8"), 93.8, 4, "优秀"
    ),
    # inputs 93.10%, 85.96%, 98.00%, 92.00%, 94.99%
    # first_rounded = round(85.96, 1) = 86.0
    # completion = 20 × 93.1 / 100 = 18.62 → 18.6
    # first_contact = 25 − (90 − 86.0) = 21
    # satisfaction = 20 − 0.5 × (96 − 92) = 18
    # all_round: 93.10 < 95 → 0;  response: 90 ≤ 94.99 < 95 → 10
    # total = 18.62 + 21 + 18 + 0 + 10 = 67.62 → 67.6 → 合格
    "河西乡": Expected(
        None, (86.0,), (18.62, 21, 18, 0, 10), ("18.6", "21.0", "18.0", "0.0", "10.0", "67.6"), 67.62, 5, "合格"
    ),
    # inputs 100.00%, 90.00%, 100%, 96.00%, 99.00%: every indicator at full marks
    # 20 + 25 (90 − 90.0 = 0) + 20 (96 − 96 = 0) + 15 + 20 (99 ≥ 98) = 100.0
    "县卫健局": Expected(
        None, (90.0,), (20, 25, 20, 15, 20), ("20.0", "25.0", "20.0", "15.0", "20.0", "100.0"), 100.0, 1, "优秀"
    ),
    # inputs 96.00%, 84.04%, 100%, 84.50%, 89.90%
    # first_rounded = round(84.04, 1) = 84.0
    # completion = 20 × 96 / 100 = 19.2
    # first_contact = 25 − (90 − 84.0) = 19
    # satisfaction = max(10, 20 − 0.5 × (96 − 84.5)) = 20 − 5.75 = 14.25 → 14.3 (half away from zero)
    # all_round: 满意率 84.50 < 85 → 0;  response: 89.90 < 90 → 0
    # total = 19.2 + 19 + 14.25 + 0 + 0 = 52.45 → 52.5 → 不合格
    "县住建局": Expected(
        None, (84.0,), (19.2, 19, 14.25, 0, 0), ("19.2", "19.0", "14.3", "0.0", "0.0", "52.5"), 52.45, 6, "不合格"
    ),
    # inputs 99.00%, 92.00%, 100%, 96.50%, 98.00%
    # completion = 20 × 99 / 100 = 19.8;  first_contact 25;  satisfaction 20;  all_round 15
    # response: 98.00 ≥ 98 → 20 (the band starts at 98)
    # total = 19.8 + 25 + 20 + 15 + 20 = 99.8
    "县人社局": Expected(
        None, (92.0,), (19.8, 25, 20, 15, 20), ("19.8", "25.0", "20.0", "15.0", "20.0", "99.8"), 99.8, 2, "优秀"
    ),
    # inputs 68.50%, 65.00%, 90.00%, 72.00%, 80.00%
    # completion = 20 × 68.5 / 100 = 13.7
    # first_contact = max(0, 25 − (90 − 65.0)) = max(0, 0) = 0
    # satisfaction = max(10, 20 − 0.5 × (96 − 72)) = max(10, 8) = 10 (the half-marks floor)
    # all_round: 68.50 < 95 → 0;  response: 80 < 90 → 0
    # total = 13.7 + 0 + 10 + 0 + 0 = 23.7 → 不合格;  flag: 办结率 68.50 < 70 (and 一次性办结率 65 < 70)
    "县交通局": Expected(
        None, (65.0,), (13.7, 0, 10, 0, 0), ("13.7", "0.0", "10.0", "0.0", "0.0", "23.7"), 23.7, 7, "不合格", (FLAG,)
    ),
}

RATE_2025_01_ORDER = ["县卫健局", "县人社局", "城关镇", "河东乡", "河西乡", "县住建局", "县交通局"]


# --------------------------------------------------------------------------
# the hand arithmetic in exact fractions (no engine code)
# --------------------------------------------------------------------------

F = Fraction


def half_away(x: Fraction, places: int) -> Fraction:
    """round(x, places), half away from zero, exactly."""
    scale = 10**places
    q = math.floor(abs(x) * scale + F(1, 2))
    return F(q if x >= 0 else -q, scale)


def printed(x: Fraction, places: int) -> str:
    """The text a table prints: rounded half away from zero, exactly `places` decimals, no '-0.00'."""
    q = half_away(x, places) * 10**places
    n = abs(q.numerator)
    text = f"{n // 10**places}.{n % 10**places:0{places}d}"
    return f"-{text}" if q < 0 else text


def band(share: Fraction) -> str:
    """Both rulesets' grade bands."""
    return "优秀" if share >= 90 else "良好" if share >= 80 else "合格" if share >= 60 else "不合格"


def city_by_hand(path: Path) -> dict[str, Expected]:
    """city-hotline's rules applied to each row, in fractions."""
    units: dict[str, tuple[str, tuple[Fraction, ...], tuple[Fraction, ...], Fraction, bool, bool]] = {}
    with open(ROOT / path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            due, completed, first, visited, satisfied, nonstandard, overdue, commended = (
                int(row[k])
                for k in (
                    "应办结数",
                    "办结数",
                    "一次性办结数",
                    "回访数",
                    "满意数",
                    "不规范答复数",
                    "超期件数",
                    "表扬件数",
                )
            )
            county = row["分组"] == "县区组"
            completion_rate = half_away(min(F(1), F(completed, due)) * 100, 2)
            first_rate = half_away(F(first, completed) * 100, 2)
            satisfaction_rate = half_away(F(satisfied, visited) * 100, 2)
            scores = (
                -min(F(2 * max(0, due - completed)), F(60 if county else 40)),
                -min(max(F(0), 90 - first_rate), F(20)),
                -min(F(1, 2) * max(F(0), 96 - satisfaction_rate), F(20)),
                -min(F(1, 2) * nonstandard, F(10)),
                -min(F(overdue), F(10)),
                min(F(commended), F(5)),
            )
            full = F(150 if county else 100)
            total = max(F(0), min(full, full + sum(scores, F(0))))  # start = full marks in every group
            flagged = min(completion_rate, first_rate, satisfaction_rate) < 70
            units[row["单位名称"]] = (
                row["分组"],
                (completion_rate, first_rate, satisfaction_rate),
                scores,
                total,
                due >= 20,
                flagged,
            )
    result = {}
    for name, (group, rates, contributions, total, eligible, flagged) in units.items():
        # shared ranks within the group: 1 + the number of eligible units of the group scoring more
        rank = (
            1 + sum(1 for g, _, _, t, ok, _ in units.values() if ok and g == group and t > total) if eligible else None
        )
        marks = 150 if group == "县区组" else 100
        grade = band(half_away(total, 2) / marks * 100)
        shown = tuple(printed(x, 2) for x in contributions) + (printed(total, 2),)
        result[name] = Expected(
            group,
            tuple(map(float, rates)),
            tuple(map(float, contributions)),
            shown,
            float(total),
            rank,
            grade,
            (FLAG,) if flagged else (),
        )
    return result


def rate_by_hand(path: Path) -> dict[str, Expected]:
    """rate-hotline's rules applied to each row, in fractions; ranked on (printed total, 满意度, 一次性办结), ties shared."""
    units = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            c, r1, v, s, t = (
                F(row[k].rstrip("%")) for k in ("办结率", "一次性办结率", "回访率", "满意率", "响应及时率")
            )
            first_rounded = half_away(r1, 1)
            scores = (
                20 * min(F(100), c) / 100,
                max(F(0), 25 - max(F(0), 90 - first_rounded)),
                max(F(10), 20 - F(1, 2) * max(F(0), 96 - s)),
                F(15) if c >= 95 and v == 100 and s >= 85 else F(0),
                F(20) if t >= 98 else F(16) if t >= 95 else F(10) if t >= 90 else F(0),
            )
            total = sum(scores, F(0))
            key = (half_away(total, 1), scores[2], scores[1])
            units[row["单位"]] = (first_rounded, scores, total, key, min(c, r1, v, s, t) < 70)
    result = {}
    for name, (first_rounded, scores, total, key, flagged) in units.items():
        rank = 1 + sum(1 for *_, k, _ in units.values() if k > key)
        shown = tuple(printed(x, 1) for x in scores) + (printed(total, 1),)
        result[name] = Expected(
            None,
            (float(first_rounded),),
            tuple(map(float, scores)),
            shown,
            float(total),
            rank,
            band(half_away(total, 1)),
            (FLAG,) if flagged else (),
        )
    return result


@pytest.mark.parametrize(
    ("path", "table"), [(CITY_JAN, CITY_2025_01), (CITY_FEB, CITY_2025_02)], ids=["2025-01", "2025-02"]
)
def test_the_hand_table_for_city_hotline_follows_the_declared_rules(path, table):
    assert city_by_hand(path) == table


def test_the_hand_table_for_rate_hotline_follows_the_declared_rules():
    assert rate_by_hand(ROOT / RATE_JAN) == RATE_2025_01


def engine_table(document: dict, indicators: tuple[str, ...], derived: tuple[str, ...]) -> dict[str, Expected]:
    """The engine's JSON result in the form of the hand tables."""
    return {
        r["entity"]: Expected(
            r.get("group"),
            tuple(r["derived"][d] for d in derived),
            tuple(r["scores"][i] for i in indicators),
            tuple(r["display"][i] for i in (*indicators, "total")),
            r["total"],
            r["rank"],
            r["grade"],
            tuple(r["flags"]),
        )
        for r in document["results"]
    }


def assert_same_table(engine: dict[str, Expected], hand: dict[str, Expected]) -> None:
    """Every unit alike: texts, ranks, grades, flags and rounded rates exactly; unrounded scores to 1e-9 (binary floats)."""
    assert sorted(engine) == sorted(hand)
    for name, want in hand.items():
        got = engine[name]
        assert (got.group, got.derived, got.shown, got.rank, got.grade, got.flags) == (
            want.group,
            want.derived,
            want.shown,
            want.rank,
            want.grade,
            want.flags,
        ), name
        assert got.scores == pytest.approx(want.scores, abs=1e-9), name
        assert got.total == pytest.approx(want.total, abs=1e-9), name


@pytest.mark.parametrize("path", [CITY_JAN, CITY_FEB], ids=["2025-01", "2025-02"])
def test_the_engine_gives_the_fraction_table_for_city_hotline(path):
    assert_same_table(engine_table(evaluate_json(CITY, path), CITY_INDICATORS, CITY_DERIVED), city_by_hand(path))


def test_the_engine_gives_the_fraction_table_for_rate_hotline():
    assert_same_table(
        engine_table(evaluate_json(RATE, RATE_JAN), RATE_INDICATORS, ("first_rounded",)), rate_by_hand(ROOT / RATE_JAN)
    )


def test_the_engine_gives_the_fraction_table_for_the_made_up_rate_hotline_ties(tmp_path):
    data = tmp_path / "ties.csv"
    data.write_text(RATE_TIES, encoding="utf-8")
    assert_same_table(engine_table(evaluate_json(RATE, data), RATE_INDICATORS, ("first_rounded",)), rate_by_hand(data))


def test_the_hand_combined_scores_are_the_means_of_the_hand_monthly_totals():
    for name, (_group, _, _, mean, shown, _) in COMBINED.items():
        totals = [F(str(t[name].total)) for t in (CITY_2025_01, CITY_2025_02) if name in t]
        assert sum(totals) / len(totals) == F(str(mean)), name
        assert printed(F(str(mean)), 2) == shown, name


# --------------------------------------------------------------------------
# validate
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "label", "indicators"),
    [
        ("rulesets/city-hotline/2025.01.yaml", CITY, 6),
        ("rulesets/rate-hotline/2025.01.yaml", RATE, 5),
    ],
)
def test_kaoping_validate_passes_on_the_shipped_ruleset(path, label, indicators):
    run = run_cli("validate", path)
    assert run.code == 0, run.err
    assert run.out == f"{path}: ok ({label}, {indicators} indicators)\n"


def test_kaoping_validate_passes_on_both_by_name():
    run = run_cli("validate", CITY, RATE)
    assert run.code == 0, run.err
    assert run.out.count(": ok (") == 2


# --------------------------------------------------------------------------
# city-hotline: one month
# --------------------------------------------------------------------------


def evaluate_json(ruleset: str, path: Path | str, *extra: str) -> dict:
    run = run_cli("evaluate", "-r", ruleset, path, "-f", "json", *extra)
    assert run.code == 0, run.err
    return json.loads(run.out)


@pytest.fixture(scope="module")
def city_jan() -> dict:
    return evaluate_json(CITY, CITY_JAN)


@pytest.fixture(scope="module")
def city_feb() -> dict:
    return evaluate_json(CITY, CITY_FEB)


def check_unit(result: dict, want: Expected, indicators: tuple[str, ...], derived: tuple[str, ...]) -> None:
    assert result["rank"] == want.rank
    assert result.get("group") == want.group
    assert result["derived"] == dict(zip(derived, want.derived, strict=False))
    assert result["scores"] == pytest.approx(dict(zip(indicators, want.scores, strict=False)), abs=1e-9)
    assert list(result["scores"]) == list(indicators)  # in indicator order
    assert result["display"] == dict(zip((*indicators, "total"), want.shown, strict=False))
    assert result["total"] == pytest.approx(want.total, abs=1e-9)
    assert result["grade"] == want.grade
    assert tuple(result["flags"]) == want.flags


@pytest.mark.parametrize("name", list(CITY_2025_01))
def test_city_hotline_january_unit_by_unit(city_jan, name):
    result = next(r for r in city_jan["results"] if r["entity"] == name)
    check_unit(result, CITY_2025_01[name], CITY_INDICATORS, CITY_DERIVED)


@pytest.mark.parametrize("name", list(CITY_2025_02))
def test_city_hotline_february_unit_by_unit(city_feb, name):
    result = next(r for r in city_feb["results"] if r["entity"] == name)
    check_unit(result, CITY_2025_02[name], CITY_INDICATORS, CITY_DERIVED)


def test_city_hotline_ranks_each_group_apart_with_shared_ties(city_jan):
    assert [(r["rank"], r["entity"]) for r in city_jan["results"]] == CITY_2025_01_ORDER


def test_city_hotline_key_values_recomputed(city_jan):
    units = {r["entity"]: r for r in city_jan["results"]}
    # 东城区: unfinished = min(2 × (220 − 215), 60) = 10;  first_rate = round(200/215 × 100, 2) = 93.02 ≥ 90
    dongcheng = units["东城区"]
    assert dongcheng["scores"]["unfinished"] == -min(2 * (220 - 215), 60) == -10
    assert dongcheng["derived"]["first_rate"] == 93.02  # 200 / 215 × 100 = 93.0232… -> 93.02
    assert dongcheng["scores"]["first_contact_shortfall"] == 0
    assert dongcheng["total"] == pytest.approx(150 - 10 - 0.5 * 1 - 2 + 3)
    # 南山县: 150 − 2×(90−80) − (90 − 75) − 0.5×(96 − 83.33) − 0.5×4 − 3 = 103.665, printed 103.67 (not 103.66)
    nanshan = units["南山县"]
    assert nanshan["total"] == pytest.approx(
        150 - 2 * (90 - 80) - (90 - 75) - 0.5 * (96 - 83.33) - 0.5 * 4 - 3, abs=1e-9
    )
    assert nanshan["display"]["total"] == "103.67" and nanshan["display"]["dissatisfaction"] == "-6.34"
    # 103.67 / 150 × 100 = 69.11, the county's share of its own full marks: 合格 (60 to 80);
    # on the total itself, 103.67, it would be 优秀
    assert nanshan["grade"] == "合格"
    # 市市场监管局: the first-contact shortfall 90 − 61.11 = 28.89 is held to the weight 20
    market = units["市市场监管局"]
    assert market["scores"]["first_contact_shortfall"] == -min(90 - 61.11, 20) == -20
    assert market["total"] == pytest.approx(100 - 10 - 20 - 0.5 * (96 - 65.45) - 0.5 * 6 - 4, abs=1e-9)
    # a bonus restores full marks and no more: 西城区 150 + 5 and 高新区 100 − 0.5 + 2 are both capped
    assert units["西城区"]["scores"]["commendation"] == min(6, 5) == 5 and units["西城区"]["total"] == min(150 + 5, 150)
    assert units["高新区"]["total"] == min(100 - 0.5 + 2, 100)
    # 综保区: 100 − 0.5 × (96 − 95.83) = 99.915, printed 99.92 (half away from zero)
    assert units["综保区"]["total"] == pytest.approx(100 - 0.5 * (96 - 95.83), abs=1e-9)
    assert units["综保区"]["display"]["total"] == "99.92"


def test_city_hotline_unit_below_the_minimum_volume_is_scored_not_ranked(city_jan):
    archive = next(r for r in city_jan["results"] if r["entity"] == "市档案馆")
    assert archive["rank"] is None and archive["inputs"]["due"] == 8 and archive["display"]["total"] == "100.00"
    assert city_jan["results"][-1]["entity"] == "市档案馆"  # after every ranked unit
    assert city_jan["unranked"] == {
        "label": "办件量不足20件，不参与排名",
        "units": [{"entity": "市档案馆", "group": "市直部门组", "rank": None, "total": "100.00"}],
    }
    # nor on any list, though its 100.00 is the best score of 市直部门组
    assert all(u["entity"] != "市档案馆" for lst in city_jan["lists"] for u in lst["units"])


def who(name: str, table: dict[str, Expected]) -> dict:
    want = table[name]
    return {"entity": name, "group": want.group, "rank": want.rank, "total": want.shown[-1]}


def test_city_hotline_red_list_is_the_top_two_of_each_group(city_jan):
    red = next(lst for lst in city_jan["lists"] if lst["id"] == "red")
    assert (red["label"], red["top"], red["within_group"]) == ("红榜", 2, True)
    # 县区组: 西城区 and 北川县 share rank 1;  市直部门组: 市交通局 and 市教育局 share rank 1;  功能区: 高新区 1, 综保区 2
    assert red["units"] == [
        who(n, CITY_2025_01) for n in ("西城区", "北川县", "市交通局", "市教育局", "高新区", "综保区")
    ]


def test_city_hotline_red_list_takes_in_a_unit_tied_with_the_second(tmp_path):
    # 经开区 given 综保区's numbers: both 99.915, both rank 2 of 功能区, both on the red list
    # (an exact tie keeps input order, and 经开区's row comes before 综保区's)
    lines = (ROOT / CITY_JAN).read_text(encoding="utf-8").splitlines()
    lines = [("经开区,功能区,25,25,24,24,23,0,0,0" if line.startswith("经开区,") else line) for line in lines]
    data = tmp_path / "tied.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    document = evaluate_json(CITY, data)
    area = [(r["rank"], r["entity"], r["display"]["total"]) for r in document["results"] if r["group"] == "功能区"]
    assert area == [(1, "高新区", "100.00"), (2, "经开区", "99.92"), (2, "综保区", "99.92")]
    red = next(lst for lst in document["lists"] if lst["id"] == "red")
    assert [u["entity"] for u in red["units"] if u["group"] == "功能区"] == ["高新区", "经开区", "综保区"]


# 黑榜 is "bottom 3 overall", but the groups have different full marks (县区组 150, the others 100), so
# "overall" can only compare each unit's share of its own full marks -- the measure the ruleset itself
# grades on "as groups differ".  Shares: 市市场监管局 47.73/100 = 47.73%, 南山县 103.67/150 = 69.11%,
# 市住建局 92.46/100 = 92.46%, then 东城区 140.50/150 = 93.67%, 经开区 95.00/100 = 95%, ...
# Comparing raw totals instead would put 经开区 (95.00, graded 优秀) on the black list and keep
# 南山县 (103.67 of 150, graded 合格) off it.
BLACK_2025_01 = ["市市场监管局", "南山县", "市住建局"]


def test_city_hotline_black_list_is_the_bottom_three_by_share_of_full_marks(city_jan):
    black = next(lst for lst in city_jan["lists"] if lst["id"] == "black")
    assert (black["label"], black["bottom"], black["within_group"]) == ("黑榜", 3, False)
    assert black["units"] == [who(n, CITY_2025_01) for n in BLACK_2025_01]


def test_city_hotline_flags(city_jan, city_feb):
    # January: only 市市场监管局 has a rate under 70 (一次性办结率 61.11, 满意率 65.45)
    assert city_jan["flags"] == [
        {"id": FLAG, "label": "低于最低标准（任一率低于70%）", "units": [who("市市场监管局", CITY_2025_01)]}
    ]
    # February: only 南山县 (办结率 60.00, 一次性办结率 66.67, 满意率 62.50)
    assert city_feb["flags"][0]["units"] == [who("南山县", CITY_2025_02)]


# --------------------------------------------------------------------------
# city-hotline: the rendered table
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def city_table() -> str:
    run = run_cli("evaluate", "-r", CITY, CITY_JAN, "--period", "2025-01")
    assert run.code == 0, run.err
    return run.out


def sections(text: str) -> list[tuple[str, list[list[str]]]]:
    """The table body: each section's title and its rows' cell texts."""
    found: list[tuple[str, list[list[str]]]] = []
    for line in text.splitlines():
        if not line.startswith("│"):
            continue
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if len(cells) == 1:
            found.append((cells[0], []))
        elif found:
            found[-1][1].append(cells)
    return found


def table_row(name: str, want: Expected) -> list[str]:
    """名次, 单位名称, 分组, the three rates, the five deductions, 加分, 得分, 等级."""
    rank = "" if want.rank is None else str(want.rank)
    return [rank, name, want.group or "", *(f"{r:.2f}" for r in want.derived), *want.shown, want.grade]


def test_city_hotline_table_has_the_title_and_one_section_per_group(city_table):
    assert city_table.splitlines()[0].strip() == "2025年1月12345热线承办单位考评（示例）"
    header = "\n".join(city_table.splitlines()[1:6])
    for label in (
        "名次",
        "单位名称",
        "分组",
        "办结率",
        "一次性办结率",
        "满意率",
        "扣分",
        "未办结",
        "一次性",
        "满意度",
        "不规范",
        "超期",
        "加分",
        "得分",
        "等级",
    ):
        assert label in header, label
    by_section = {title: [row[1] for row in rows] for title, rows in sections(city_table)}
    assert list(by_section) == ["县区组", "市直部门组", "功能区", "办件量不足20件，不参与排名"]
    assert by_section == {
        "县区组": ["西城区", "北川县", "东城区", "南山县"],
        "市直部门组": ["市交通局", "市教育局", "市住建局", "市市场监管局"],
        "功能区": ["高新区", "综保区", "经开区"],
        "办件量不足20件，不参与排名": ["市档案馆"],
    }


def test_city_hotline_table_prints_every_hand_computed_cell(city_table):
    for _, rows in sections(city_table):
        for cells in rows:
            assert cells == table_row(cells[1], CITY_2025_01[cells[1]])


def test_city_hotline_table_prints_the_red_list_and_flag_lines_under_it(city_table):
    lines = city_table.splitlines()
    bottom = next(i for i, line in enumerate(lines) if line.startswith("└"))
    notes = lines[bottom + 1 : bottom + 6]
    assert notes[:3] == [
        "红榜 · 县区组: 西城区、北川县",
        "红榜 · 市直部门组: 市交通局、市教育局",
        "红榜 · 功能区: 高新区、综保区",
    ]
    assert notes[4] == "低于最低标准（任一率低于70%）: 市市场监管局"
    assert lines[bottom + 6].startswith("city-hotline@2025.01 (sha256 ")


def test_city_hotline_table_prints_the_black_list_line(city_table):
    assert "黑榜: " + "、".join(BLACK_2025_01) in city_table.splitlines()


# --------------------------------------------------------------------------
# city-hotline: two months combined
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def combined() -> dict:
    run = run_cli(
        "combine", "-r", CITY, f"2025-01={CITY_JAN.as_posix()}", f"2025-02={CITY_FEB.as_posix()}", "-f", "json"
    )
    assert run.code == 0, run.err
    return json.loads(run.out)


def test_combine_names_the_function_and_the_periods(combined):
    assert combined["combine"] == {"function": "mean"}
    assert [(p["label"], p["path"], p["records"]) for p in combined["periods"]] == [
        ("2025-01", CITY_JAN.as_posix(), 12),
        ("2025-02", CITY_FEB.as_posix(), 11),
    ]
    assert combined["ruleset"]["name"] == "city-hotline" and combined["ruleset"]["version"] == "2025.01"
    assert sorted(r["entity"] for r in combined["results"]) == sorted(COMBINED)


@pytest.mark.parametrize("name", list(COMBINED))
def test_combine_gives_each_unit_the_mean_of_its_monthly_totals(combined, name):
    group, jan, feb, mean, shown, _ = COMBINED[name]
    row = next(r for r in combined["results"] if r["entity"] == name)
    assert row["group"] == group
    assert row["score"] == pytest.approx(mean, abs=1e-9)
    assert row["display"] == shown
    periods = [None if p is None else (p["display"], p["rank"]) for p in row["periods"]]
    assert periods == [jan, feb]  # each month's printed total and its rank in that month
    assert row["periods"][0]["total"] == pytest.approx(CITY_2025_01[name].total, abs=1e-9)


def test_combine_gives_the_hand_means_where_rounding_and_ties_matter(combined):
    rows = {r["entity"]: r for r in combined["results"]}
    # 南山县: (103.665 + 38.25) / 2 = 141.915 / 2 = 70.9575 -> 70.96 (half away from zero)
    assert rows["南山县"]["score"] == pytest.approx(70.9575, abs=1e-9) and rows["南山县"]["display"] == "70.96"
    # 市交通局: (100 + 94.915) / 2 = 194.915 / 2 = 97.4575 -> 97.46
    assert rows["市交通局"]["score"] == pytest.approx(97.4575, abs=1e-9) and rows["市交通局"]["display"] == "97.46"
    # 市市场监管局: (47.725 + 79.08) / 2 = 126.805 / 2 = 63.4025 -> 63.40
    assert (
        rows["市市场监管局"]["score"] == pytest.approx(63.4025, abs=1e-9) and rows["市市场监管局"]["display"] == "63.40"
    )
    # 高新区 (100 + 97.5) / 2 = 98.75 and 综保区 (99.915 + 97.585) / 2 = 98.75: an exact tie, rank 1 shared
    assert [(rows[n]["rank"], rows[n]["display"]) for n in ("高新区", "综保区")] == [(1, "98.75"), (1, "98.75")]


def test_combine_ranks_within_groups_with_shared_ties(combined):
    ranked = [(r["group"], r["rank"], r["entity"]) for r in combined["results"] if r["entity"] != "市档案馆"]
    assert ranked == COMBINED_RANKED_ORDER


def test_combine_does_not_rank_a_unit_never_eligible(combined):
    # 市档案馆 had 8 orders in January and 10 in February (due >= 20 fails both months): it is scored,
    # not ranked, in each month, so it cannot take rank 1 of 市直部门组 in the combined table
    archive = next(r for r in combined["results"] if r["entity"] == "市档案馆")
    assert [p["rank"] for p in archive["periods"]] == [None, None]
    assert archive["rank"] is None


# --------------------------------------------------------------------------
# rate-hotline
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rate_jan() -> dict:
    return evaluate_json(RATE, RATE_JAN)


@pytest.mark.parametrize("name", list(RATE_2025_01))
def test_rate_hotline_unit_by_unit(rate_jan, name):
    result = next(r for r in rate_jan["results"] if r["entity"] == name)
    check_unit(result, RATE_2025_01[name], RATE_INDICATORS, ("first_rounded",))


def test_rate_hotline_order_flags_and_percent_inputs(rate_jan):
    assert [(r["rank"], r["entity"]) for r in rate_jan["results"]] == list(enumerate(RATE_2025_01_ORDER, 1))
    assert rate_jan["flags"] == [
        {"id": FLAG, "label": "低于最低标准（任一率低于70%）", "units": [who("县交通局", RATE_2025_01)]}
    ]
    assert "lists" not in rate_jan and "unranked" not in rate_jan  # the ruleset declares neither
    first = next(r for r in rate_jan["results"] if r["entity"] == "城关镇")
    # "98.06%" is the rate 98.06, as written
    assert first["inputs"] == {
        "unit": "城关镇",
        "orders": 312,
        "completion_rate": 98.06,
        "first_rate": 91.25,
        "visit_rate": 100.0,
        "satisfaction_rate": 97.4,
        "response_rate": 98.5,
    }


def test_rate_hotline_key_values_recomputed(rate_jan):
    units = {r["entity"]: r for r in rate_jan["results"]}
    assert units["城关镇"]["total"] == pytest.approx(20 * 98.06 / 100 + 25 + 20 + 15 + 20)
    assert units["河东乡"]["scores"]["completion"] == 20 * min(100, 102.5) / 100 == 20  # rate capped at 100%
    assert units["河东乡"]["scores"]["first_contact"] == pytest.approx(25 - (90 - 88.3))
    assert units["县住建局"]["scores"]["satisfaction"] == max(20 / 2, 20 - 0.5 * (96 - 84.5)) == 14.25
    assert units["县住建局"]["display"]["satisfaction"] == "14.3" and units["县住建局"]["display"]["total"] == "52.5"
    assert (
        units["县交通局"]["scores"]["satisfaction"] == max(20 / 2, 20 - 0.5 * (96 - 72)) == 10
    )  # the half-marks floor
    assert units["河西乡"]["scores"]["response"] == 10  # 94.99 is in the 90–95 band


# a made-up month to exercise the ranking rules: printed total first, then 满意度, then 一次性办结; ties shared
RATE_TIES = """\
单位,工单量,办结率,一次性办结率,回访率,满意率,响应及时率
戊,100,98.75%,90.00%,100%,96.00%,99.00%
丙,100,100.00%,90.00%,100%,95.66%,99.00%
甲,100,99.00%,90.00%,100%,96.00%,99.00%
辛,66,68.50%,65.00%,90.00%,72.00%,80.00%
丁,100,100.00%,89.80%,100%,96.00%,99.00%
乙,100,99.20%,90.00%,100%,96.00%,99.00%
庚,100,98.30%,90.00%,100%,96.00%,99.00%
己,100,98.25%,90.00%,100%,96.00%,99.00%
"""
# 戊: 19.75 + 25 + 20 + 15 + 20 = 99.75 → 99.8 (half away from zero);  满意度 20, 一次性 25
# 甲: 19.8  + 25 + 20 + 15 + 20 = 99.8  → 99.8;                       满意度 20, 一次性 25
# 乙: 19.84 + 25 + 20 + 15 + 20 = 99.84 → 99.8;                       满意度 20, 一次性 25
#     戊, 甲, 乙 print the same total and tie on both breakers: rank 1 shared, though their unrounded
#     totals differ (99.75 < 99.8 < 99.84): the ranking is on the printed total
# 丁: 20 + (25 − (90 − 89.8)) + 20 + 15 + 20 = 20 + 24.8 + 20 + 15 + 20 = 99.8;  满意度 20, 一次性 24.8
#     → after the three (its 一次性办结 is lower): rank 4
# 丙: 20 + 25 + (20 − 0.5 × (96 − 95.66)) + 15 + 20 = 20 + 25 + 19.83 + 15 + 20 = 99.83 → 99.8;  满意度 19.83
#     → after 丁 (满意度 is compared first), though its unrounded total is higher: rank 5
# 庚: 19.66 + 80 = 99.66 → 99.7;  己: 19.65 + 80 = 99.65 → 99.7 (half away from zero; half-even would give 99.6)
#     → both rank 6 (shared), in input order
# 辛: 13.7 + 0 + 10 + 0 + 0 = 23.7 → rank 8 (6, 6 take two places)
RATE_TIES_RANKS = [
    (1, "戊", "99.8"),
    (1, "甲", "99.8"),
    (1, "乙", "99.8"),
    (4, "丁", "99.8"),
    (5, "丙", "99.8"),
    (6, "庚", "99.7"),
    (6, "己", "99.7"),
    (8, "辛", "23.7"),
]


def test_rate_hotline_ties_share_a_rank_after_the_tie_breaks_on_the_printed_total(tmp_path):
    data = tmp_path / "ties.csv"
    data.write_text(RATE_TIES, encoding="utf-8")
    by_hand = rate_by_hand(data)
    assert sorted((w.rank, n, w.shown[-1]) for n, w in by_hand.items()) == sorted(RATE_TIES_RANKS)
    assert by_hand["戊"].total < by_hand["甲"].total < by_hand["丙"].total < by_hand["乙"].total
    document = evaluate_json(RATE, data)
    assert [(r["rank"], r["entity"], r["display"]["total"]) for r in document["results"]] == RATE_TIES_RANKS


def test_combine_refuses_two_periods_with_the_same_label():
    run = run_cli(
        "combine",
        "-r",
        "city-hotline@2025.01",
        "2025-01=examples/city-hotline-2025-01.csv",
        "2025-01=examples/city-hotline-2025-02.csv",
    )
    assert run.code == 1 and "two periods have the same label" in run.err


def test_combine_output_carries_its_provenance():
    run = run_cli(
        "combine",
        "-r",
        "city-hotline@2025.01",
        "2025-01=examples/city-hotline-2025-01.csv",
        "2025-02=examples/city-hotline-2025-02.csv",
        "-f",
        "json",
    )
    document = json.loads(run.out)
    assert document["kaoping"] and len(document["ruleset"]["sha256"]) == 64
    assert [len(p["sha256"]) for p in document["periods"]] == [64, 64]
    table = run_cli(
        "combine",
        "-r",
        "city-hotline@2025.01",
        "2025-01=examples/city-hotline-2025-01.csv",
        "2025-02=examples/city-hotline-2025-02.csv",
    ).out
    assert "city-hotline@2025.01 (sha256 " in table and "kaoping " in table
