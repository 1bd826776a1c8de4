"""Every construct of docs/schemes.md, said in YAML alone and checked against hand arithmetic.

Each construct has a small ruleset in tests/cases/constructs/<construct>.yaml
and 2-6 units in <construct>.csv.  The expected numbers are worked out here,
by hand, with the arithmetic written out: none is taken from the engine's
own output.  Totals are compared unrounded (within 1e-9, as binary floats
are), and the published text (`display`) exactly.
"""

from __future__ import annotations

import json

import pytest

from .conftest import ROOT, run_cli

CASES = "tests/cases/constructs"


def evaluate(name: str, data: str | None = None) -> dict:
    """`kaoping evaluate -r <name>.yaml <data or name>.csv -f json`, parsed."""
    run = run_cli("evaluate", "-r", f"{CASES}/{name}.yaml", f"{CASES}/{data or name}.csv", "-f", "json")
    assert "Traceback" not in run.err
    assert run.code == 0, run.err
    return json.loads(run.out)


def units(document: dict) -> dict[str, dict]:
    return {r["entity"]: r for r in document["results"]}


def order(document: dict) -> list[str]:
    return [r["entity"] for r in document["results"]]


def ranks(document: dict) -> dict[str, int | None]:
    return {r["entity"]: r["rank"] for r in document["results"]}


def totals(document: dict) -> dict[str, float]:
    return {r["entity"]: r["total"] for r in document["results"]}


def shown(document: dict) -> dict[str, str]:
    return {r["entity"]: r["display"]["total"] for r in document["results"]}


def near(expected: dict[str, float]) -> dict[str, object]:
    return {k: pytest.approx(v, abs=1e-9) for k, v in expected.items()}


def listed(document: dict, list_id: str) -> list[str]:
    return [u["entity"] for u in next(x for x in document["lists"] if x["id"] == list_id)["units"]]


# -- rate × weight ------------------------------------------------------------


def test_rate_times_weight():
    doc = evaluate("rate-times-weight")
    assert totals(doc) == near(
        {
            "甲": 49 / 50 * 20,  # 19.6
            "乙": 30 / 40 * 20,  # 15
            "丙": 1 * 20,  # nothing due: ratio(0, 0, 1) = 1 -> full marks
            "丁": 299 / 300 * 20,  # 19.9333...
        }
    )
    assert shown(doc) == {"甲": "19.60", "乙": "15.00", "丙": "20.00", "丁": "19.93"}
    assert order(doc) == ["丙", "丁", "甲", "乙"]
    assert ranks(doc) == {"丙": 1, "丁": 2, "甲": 3, "乙": 4}


# -- deduction from full marks --------------------------------------------------


def test_deduction_from_full_marks_starts_at_100_and_subtracts_each_capped_penalty_never_below_0():
    doc = evaluate("deduction-from-full-marks")
    u = units(doc)
    # 乙: 2 unfinished (−2 each), 3 overdue (−1.5 each)
    assert u["乙"]["scores"] == near({"unfinished": -(2 * (10 - 8)), "overdue_orders": -(1.5 * 3)})
    # 丙: 2 × 40 = 80 and 1.5 × 50 = 75, each capped at its weight 60
    assert u["丙"]["scores"] == near({"unfinished": -60, "overdue_orders": -60})
    assert totals(doc) == near(
        {
            "甲": 100 - 0 - 0,
            "乙": 100 - 2 * (10 - 8) - 1.5 * 3,  # 91.5
            "丙": max(0, 100 - 60 - 60),  # −20 held at the floor 0
            "丁": 100 - 2 * (20 - 5) - 1.5 * 0,  # overdue empty: its default 0
        }
    )
    assert shown(doc) == {"甲": "100.00", "乙": "91.50", "丙": "0.00", "丁": "70.00"}
    assert order(doc) == ["甲", "乙", "丁", "丙"]


# -- threshold, −k per point, floor 0 -----------------------------------------


def test_full_marks_at_a_threshold_minus_1_per_point_below_never_below_0():
    doc = evaluate("threshold-step-floor")
    assert totals(doc) == near(
        {
            "甲": 25,  # 95 ≥ 90
            "乙": 25,  # exactly 90: full marks
            "丙": 25 - 1 * (90 - 86.5),  # 21.5
            "丁": 25 - 1 * (90 - 65),  # 0 exactly
            "戊": max(0, 25 - 1 * (90 - 40)),  # −25 -> 0
        }
    )
    assert shown(doc) == {"甲": "25.00", "乙": "25.00", "丙": "21.50", "丁": "0.00", "戊": "0.00"}
    assert ranks(doc) == {"甲": 1, "乙": 2, "丙": 3, "丁": 4, "戊": 5}  # sequential: ties in input order


# -- a floor that is not zero ---------------------------------------------------


def test_a_floor_of_half_marks_on_an_indicator():
    doc = evaluate("nonzero-floor")
    assert totals(doc) == near(
        {
            "甲": 20,  # 98 ≥ 96
            "乙": 20 - 0.5 * (96 - 90),  # 17
            "丙": 20 - 0.5 * (96 - 76),  # 10: exactly half marks
            "丁": max(20 / 2, 20 - 0.5 * (96 - 50)),  # −3 -> 10
            "戊": 20 - 0.5 * (96 - 95.5),  # 19.75
        }
    )
    assert shown(doc) == {"甲": "20.00", "乙": "17.00", "丙": "10.00", "丁": "10.00", "戊": "19.75"}


def test_a_floor_of_half_marks_on_the_total():
    doc = evaluate("nonzero-floor-total")
    assert units(doc)["丁"]["scores"] == near({"complaint": -(5 * 12)})  # 60, under the weight 100
    assert totals(doc) == near(
        {
            "甲": 100 - 5 * 0,
            "乙": 100 - 5 * 4,  # 80
            "丙": 100 - 5 * 10,  # 50: exactly the floor
            "丁": max(50, 100 - 5 * 12),  # 40 -> 50
        }
    )


# -- all or nothing on several conditions -----------------------------------


def test_all_or_nothing_on_three_conditions():
    doc = evaluate("all-or-nothing")
    assert totals(doc) == near(
        {
            "甲": 15,  # 95 ≥ 95 and 100 == 100 and 85 ≥ 85: every bound met exactly
            "乙": 0,  # 办结率 94.99 < 95
            "丙": 0,  # 回访率 99.9 ≠ 100
            "丁": 0,  # 满意率 84.99 < 85
            "戊": 15,
        }
    )


# -- rates rounded before scoring ---------------------------------------------


def test_a_rate_is_rounded_to_2_places_half_away_from_zero_before_it_is_scored():
    doc = evaluate("rates-rounded-before-scoring")
    u = units(doc)
    # the derived rate, as a spreadsheet's ROUND(x, 2) gives it
    assert {k: r["derived"]["rate"] for k, r in u.items()} == near(
        {
            "甲": 90.00,  # 22499 / 25000 = 89.996%
            "乙": 89.93,  # 3597 / 4000 = 89.925% (a binary float just under ...25): half away from zero
            "丙": 89.67,  # 269 / 300 = 89.666...%
            "丁": 89.90,  # 1798 / 2000
        }
    )
    assert totals(doc) == near(
        {
            "甲": 25,  # unrounded it would be 25 − 5 × 0.004 = 24.98
            "乙": 25 - 5 * (90 - 89.93),  # 24.65 (unrounded: 24.625; Python's round: 24.60)
            "丙": 25 - 5 * (90 - 89.67),  # 23.35 (unrounded: 23.33)
            "丁": 25 - 5 * (90 - 89.90),  # 24.5
        }
    )
    assert shown(doc) == {"甲": "25.00", "乙": "24.65", "丙": "23.35", "丁": "24.50"}


# -- a rate capped at 100% ------------------------------------------------------


def test_a_rate_is_capped_at_100_percent():
    doc = evaluate("rate-capped-at-100")
    u = units(doc)
    assert {k: r["derived"]["completion_rate"] for k, r in u.items()} == near(
        {
            "甲": min(100, 120 / 100 * 100),  # 120 closed of 100 due -> 100
            "乙": 90 / 100 * 100,
            "丙": 100,  # nothing due: ratio(3, 0, 1) = 1
            "丁": min(100, 101 / 100 * 100),
        }
    )
    assert totals(doc) == near({"甲": 20 * 100 / 100, "乙": 20 * 90 / 100, "丙": 20, "丁": 20})


# -- share of the population's total ------------------------------------------


def test_share_of_the_population_total():
    doc = evaluate("share-of-total")
    assert doc["aggregates"] == {"total_overdue_returns": 0 + 1 + 3 + 4}
    assert totals(doc) == near(
        {
            "甲": 10 * (1 - 0 / 8),
            "乙": 10 * (1 - 1 / 8),  # 8.75
            "丙": 10 * (1 - 3 / 8),  # 6.25
            "丁": 10 * (1 - 4 / 8),  # 5
        }
    )


def test_share_of_a_population_total_of_zero_takes_no_points():
    doc = evaluate("share-of-total", "share-of-total-none")
    assert doc["aggregates"] == {"total_overdue_returns": 0}
    assert totals(doc) == near({"甲": 10 * (1 - 0), "乙": 10 * (1 - 0)})  # ratio(0, 0, 0) = 0


# -- normalised by the best unit ----------------------------------------------


def test_normalised_by_the_best_unit():
    doc = evaluate("normalised-by-best")
    assert doc["aggregates"] == {"max_completed": 200}
    assert totals(doc) == near(
        {
            "甲": 5 * 200 / 200,
            "乙": 5 * 150 / 200,  # 3.75
            "丙": 5 * 1 / 200,  # 0.025
            "丁": 5 * 0 / 200,
        }
    )
    assert shown(doc)["丙"] == "0.03"  # 0.025 rounds half away from zero


# -- fixed deduction per case ---------------------------------------------------


def test_fixed_deduction_per_case_capped_at_its_weight():
    doc = evaluate("fixed-deduction-per-case")
    u = units(doc)
    assert {k: r["scores"]["nonstandard_replies"] for k, r in u.items()} == near(
        {
            "甲": -0.5 * 0,
            "乙": -0.5 * 3,  # −1.5
            "丙": -min(0.5 * 25, 10),  # 12.5 -> at most 10
            "丁": -min(0.5 * 21, 10),  # 10.5 -> 10
            "戊": -0.5 * 20,  # exactly 10
        }
    )
    assert totals(doc) == near(
        {
            "甲": 100 * 10 / 10 - 0,
            "乙": 100 * 10 / 10 - 1.5,  # 98.5
            "丙": 100 * 9 / 10 - 10,  # 80
            "丁": 100 * 5 / 10 - 10,  # 40
            "戊": 100 * 10 / 10 - 10,  # 90
        }
    )


# -- bonus and penalty items, capped ------------------------------------------


def test_a_bonus_restores_full_marks_but_never_exceeds_them():
    doc = evaluate("bonus-and-penalty-capped")
    u = units(doc)
    assert u["丙"]["scores"] == near({"overdue_orders": -2 * 3, "commendation": min(15, 10)})
    assert u["丁"]["scores"] == near({"overdue_orders": -min(2 * 15, 20), "commendation": 0})
    assert totals(doc) == near(
        {
            "甲": min(100, 100 - 0 + 3),  # 103 -> 100
            "乙": 100 - 2 * 4 + 5,  # 97
            "丙": min(100, 100 - 2 * 3 + 10),  # 104 -> 100
            "丁": 100 - 20 + 0,  # 80
            "戊": 100 - 2 * 5 + 10,  # 100 exactly
        }
    )
    assert order(doc) == ["甲", "丙", "戊", "乙", "丁"]


# -- inputs given as percentages ----------------------------------------------


def test_inputs_given_as_percentages_with_or_without_the_percent_sign():
    doc = evaluate("percent-inputs")
    u = units(doc)
    assert {k: r["inputs"]["completion_rate"] for k, r in u.items()} == near(
        {"甲": 98.06, "乙": 98.06, "丙": 100, "丁": 87.5, "戊": 103.2}
    )
    assert totals(doc) == near(
        {
            "甲": 20 * 98.06 / 100 + 80 * 90 / 100,  # 19.612 + 72 = 91.612
            "乙": 20 * 98.06 / 100 + 80 * 90 / 100,  # the same cells without '%'
            "丙": 20 * 100 / 100 + 80 * 100 / 100,  # '100％' (full-width sign)
            "丁": 20 * 87.5 / 100 + 80 * 50.5 / 100,  # '87.5 %': 17.5 + 40.4 = 57.9
            "戊": 20 * min(100, 103.2) / 100 + 80 * 80 / 100,  # 20 + 64
        }
    )
    assert shown(doc) == {"甲": "91.61", "乙": "91.61", "丙": "100.00", "丁": "57.90", "戊": "84.00"}


# -- grade bands ----------------------------------------------------------------


def test_grade_bands_on_the_total_as_printed():
    doc = evaluate("grade-bands")
    assert {k: r["grade"] for k, r in units(doc).items()} == {
        "甲": "优秀",  # 90 ≥ 90
        "乙": "良好",  # 89.99
        "丙": "优秀",  # 89.996 is printed 90.00
        "丁": "良好",  # 80: the lower bound of 良好
        "戊": "合格",  # 60: the lower bound of 合格
        "己": "不合格",  # 59.99
    }


# -- groups ranked separately ---------------------------------------------------


def test_groups_ranked_separately_declared_groups_first():
    doc = evaluate("groups-ranked-separately")
    assert [(r["group"], r["entity"], r["rank"]) for r in doc["results"]] == [
        ("县区组", "丁", 1),  # 85
        ("县区组", "乙", 2),  # 80
        ("市直部门组", "丙", 1),  # 95
        ("市直部门组", "甲", 2),  # 90
        ("市直部门组", "己", 3),  # 60
        ("功能区", "戊", 1),  # 70
    ]


def test_a_group_the_ruleset_does_not_declare_is_an_error(tmp_path):
    data = tmp_path / "typo.csv"
    text = (ROOT / CASES / "groups-ranked-separately.csv").read_text(encoding="utf-8")
    data.write_text(text.replace("丁,县区组", "丁,县区"), encoding="utf-8")  # row 5: a typo in the group
    run = run_cli("evaluate", "-r", f"{CASES}/groups-ranked-separately.yaml", data)
    assert run.code == 1
    assert f"{data}:5:2: '县区' is not one of the ruleset's groups" in run.err
    assert "did you mean '县区组'?" in run.err


# -- different full marks per group -------------------------------------------


def test_different_full_marks_weights_and_start_per_group():
    doc = evaluate("group-full-marks")
    u = units(doc)
    assert u["甲"]["scores"] == near(
        {
            "completion": 90 * 100 / 100,  # 县区组 weight 90
            "satisfaction": 60 * 90 / 100,  # 县区组 weight 60: 54
            "overdue_orders": -min(20, 15),  # 县区组 weight 15
            "commendation": 0,
        }
    )
    assert totals(doc) == near(
        {
            "甲": 90 + 54 - 15,  # 129 of 150
            "乙": 90 * 50 / 100 + 60 * 50 / 100,  # 45 + 30 = 75 of 150
            "己": min(150, 90 + 60 + 3),  # 153 -> 150, its own group's full marks
            "丙": 20 + 60 + 40 - min(12, 10),  # start 20: 110 of 120
            "丁": 20 + 60 * 90 / 100 + 40 * 80 / 100 - 2,  # 20 + 54 + 32 − 2 = 104 of 120
            "戊": min(100, 60 + 40 + 3),  # 103 -> 100
        }
    )
    assert {k: r["grade"] for k, r in u.items()} == {
        "甲": "良好",  # 129 / 150 = 86%
        "乙": "不合格",  # 75 / 150 = 50%
        "己": "优秀",  # 100%
        "丙": "优秀",  # 110 / 120 = 91.67%
        "丁": "良好",  # 104 / 120 = 86.67%
        "戊": "优秀",  # 100%
    }
    assert [(r["group"], r["entity"], r["rank"]) for r in doc["results"]] == [
        ("县区组", "己", 1),
        ("县区组", "甲", 2),
        ("县区组", "乙", 3),
        ("市直部门组", "丙", 1),
        ("市直部门组", "丁", 2),
        ("功能区", "戊", 1),
    ]


# -- shared rank on equal scores ------------------------------------------------

# totals: 甲 45 + 45 = 90; 乙 42.5 + 42.5 = 85; 丙 40 + 45 = 85; 丁 40 + 40 = 80;
# 戊 0.3 + 0 = 0.3; 己 0.1 + 0.2 = 0.3 on paper (0.30000000000000004 as a float)


def test_shared_ranks_1_2_2_4():
    doc = evaluate("ties-shared", "ties")
    assert order(doc) == ["甲", "乙", "丙", "丁", "戊", "己"]
    assert ranks(doc) == {"甲": 1, "乙": 2, "丙": 2, "丁": 4, "戊": 5, "己": 5}


def test_dense_ranks_1_2_2_3():
    doc = evaluate("ties-dense", "ties")
    assert order(doc) == ["甲", "乙", "丙", "丁", "戊", "己"]
    assert ranks(doc) == {"甲": 1, "乙": 2, "丙": 2, "丁": 3, "戊": 4, "己": 4}


# -- top and bottom lists -------------------------------------------------------

# 县区组: 甲 90, 乙 80, 丙 80, 丁 70; 市直部门组: 戊 95, 己 70


def test_top_and_bottom_lists_with_ties_at_the_cut_off():
    doc = evaluate("lists")
    assert ranks(doc) == {"戊": 1, "甲": 2, "乙": 3, "丙": 3, "丁": 5, "己": 5}
    # 红榜, top 2 of each group: 丙 is tied with 乙, the second of 县区组
    assert listed(doc, "red") == ["甲", "乙", "丙", "戊", "己"]
    # 黑榜, bottom 1 of everyone: 丁 and 己 share the lowest total, 70
    assert sorted(listed(doc, "black")) == sorted(["丁", "己"])
    # top 3 of everyone: 95, 90, 80, and 丙 tied at 80
    assert listed(doc, "top3") == ["戊", "甲", "乙", "丙"]


def test_top_and_bottom_lists_when_each_group_is_ranked_on_its_own():
    doc = evaluate("lists-ranked-within-group", "lists")
    assert ranks(doc) == {"甲": 1, "乙": 2, "丙": 2, "丁": 4, "戊": 1, "己": 2}
    assert listed(doc, "red") == ["甲", "乙", "丙", "戊", "己"]
    assert sorted(listed(doc, "black")) == sorted(["丁", "己"])
    assert listed(doc, "top3") == ["戊", "甲", "乙", "丙"]


# -- minimum volume -------------------------------------------------------------


def test_a_unit_below_the_minimum_volume_is_scored_but_not_ranked_or_listed():
    doc = evaluate("minimum-volume")
    assert totals(doc) == near(
        {
            "甲": 100 * 27 / 30,  # 90
            "乙": 100 * 19 / 19,  # 100, but only 19 due
            "丙": 100 * 16 / 20,  # 80: 20 due is enough
            "丁": 100 * 1,  # nothing due: ratio(0, 0, 1)
            "戊": 100 * 30 / 40,  # 75
        }
    )
    assert order(doc) == ["甲", "丙", "戊", "乙", "丁"]
    assert ranks(doc) == {"甲": 1, "丙": 2, "戊": 3, "乙": None, "丁": None}
    assert doc["unranked"] == {
        "label": "办件量不足20件，不参与排名",
        "units": [
            {"entity": "乙", "group": None, "rank": None, "total": "100.00"},
            {"entity": "丁", "group": None, "rank": None, "total": "100.00"},
        ],
    }
    assert listed(doc, "red") == ["甲"]  # not 乙, though its total is higher
    assert listed(doc, "black") == ["戊"]


# -- flag below a minimum standard --------------------------------------------


def test_flag_below_a_minimum_standard():
    doc = evaluate("flags")
    assert totals(doc) == near(
        {
            "甲": 50 * 90 / 100 + 50 * 80 / 100,  # 85
            "乙": 50 * 69.99 / 100 + 50 * 100 / 100,  # 84.995
            "丙": 50 * 70 / 100 + 50 * 70 / 100,  # 70
            "丁": 50 * 50 / 100 + 50 * 60 / 100,  # 55
            "戊": 50 * 100 / 100 + 50 * 10 / 100,  # 55
        }
    )
    assert shown(doc)["乙"] == "85.00"
    assert {k: r["flags"] for k, r in units(doc).items()} == {
        "甲": [],
        "乙": ["below_standard"],  # 69.99 < 70
        "丙": [],  # exactly 70 is not below
        "丁": ["below_standard", "failing"],
        "戊": ["below_standard", "failing"],
    }
    assert doc["flags"] == [
        {
            "id": "below_standard",
            "label": "低于最低标准（任一率低于70%）",
            "units": [
                {"entity": "乙", "group": None, "rank": 2, "total": "85.00"},
                {"entity": "丁", "group": None, "rank": 4, "total": "55.00"},
                {"entity": "戊", "group": None, "rank": 5, "total": "55.00"},
            ],
        },
        {
            "id": "failing",
            "label": "总分低于60",
            "units": [
                {"entity": "丁", "group": None, "rank": 4, "total": "55.00"},
                {"entity": "戊", "group": None, "rank": 5, "total": "55.00"},
            ],
        },
    ]


# -- monthly scores feeding a yearly one --------------------------------------


def test_monthly_scores_combined_by_their_mean():
    run = run_cli(
        "combine",
        "-r",
        f"{CASES}/combine-periods.yaml",
        f"2025-01={CASES}/combine-periods-2025-01.csv",
        f"2025-02={CASES}/combine-periods-2025-02.csv",
        "-f",
        "json",
    )
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert doc["combine"] == {"function": "mean"}
    assert [p["label"] for p in doc["periods"]] == ["2025-01", "2025-02"]
    rows = {r["entity"]: r for r in doc["results"]}
    assert {k: r["score"] for k, r in rows.items()} == near(
        {
            "甲": (90 + 70) / 2,  # 80
            "乙": (80 + 85) / 2,  # 82.5
            "丙": (70 + 75) / 2,  # 72.5
            "丁": (60.5 + 100) / 2,  # 80.25
        }
    )
    assert [(r["entity"], r["rank"], r["display"]) for r in doc["results"]] == [
        ("乙", 1, "82.50"),
        ("丁", 2, "80.25"),
        ("甲", 3, "80.00"),
        ("丙", 4, "72.50"),
    ]
    # each month's own total and rank: January 甲 乙 丙 丁, February 丁 乙 丙 甲
    assert rows["甲"]["periods"] == [
        {"total": 90, "display": "90.00", "rank": 1},
        {"total": 70, "display": "70.00", "rank": 4},
    ]
    assert rows["丁"]["periods"] == [
        {"total": 60.5, "display": "60.50", "rank": 4},
        {"total": 100, "display": "100.00", "rank": 1},
    ]


def test_a_unit_missing_from_a_period_is_an_error_by_default():
    run = run_cli(
        "combine",
        "-r",
        f"{CASES}/combine-periods.yaml",
        f"2025-02={CASES}/combine-periods-2025-02.csv",
        f"2025-03={CASES}/combine-periods-2025-03.csv",
        "-f",
        "json",
    )
    assert "Traceback" not in run.err
    assert run.code == 1
    assert run.out == ""
    assert run.err == (
        "2025-03: 丁 has no result in this period\n"
        "    hint: add its row, or declare combine: {missing: skip}\n"
        "1 error\n"
    )


# -- 1 or 2 decimals ------------------------------------------------------------


@pytest.mark.parametrize(
    ("places", "expected"),
    [
        # half away from zero, on the value as a spreadsheet sees it (15 digits):
        # 12.345 and 2.675 are just under ...5 as binary floats, yet round up
        (1, {"甲": "12.3", "乙": "12.3", "丙": "2.7", "丁": "0.1", "戊": "0.0"}),
        (2, {"甲": "12.25", "乙": "12.35", "丙": "2.68", "丁": "0.05", "戊": "0.04"}),
    ],
)
def test_one_or_two_decimal_places(places, expected):
    doc = evaluate(f"decimals-{places}", "decimals")
    assert shown(doc) == expected
    assert {k: r["display"]["score"] for k, r in units(doc).items()} == expected
    # ranked on the unrounded total: 12.345 before 12.25 though both print 12.3
    assert ranks(doc) == {"乙": 1, "甲": 2, "丙": 3, "丁": 4, "戊": 5}


# -- per-group aggregates -------------------------------------------------------


def test_aggregates_per_group():
    doc = evaluate("per-group-aggregates")
    assert doc["aggregates"] == {
        "group_best": {"县区组": 200, "市直部门组": 50},
        "group_total": {"县区组": 200 + 100, "市直部门组": 50 + 25 + 0},
        "everyone_best": 200,
    }
    assert totals(doc) == near(
        {
            "甲": 5 * 200 / 200 + 5 * 200 / 300,  # 5 + 3.333...
            "乙": 5 * 100 / 200 + 5 * 100 / 300,  # 2.5 + 1.666...
            "丙": 5 * 50 / 50 + 5 * 50 / 75,  # against its own group: 5 + 3.333...
            "丁": 5 * 25 / 50 + 5 * 25 / 75,  # 2.5 + 1.666...
            "戊": 0 + 0,
        }
    )
    assert shown(doc) == {"甲": "8.33", "乙": "4.17", "丙": "8.33", "丁": "4.17", "戊": "0.00"}
    assert [(r["entity"], r["rank"]) for r in doc["results"]] == [("甲", 1), ("乙", 2), ("丙", 1), ("丁", 2), ("戊", 3)]


# -- tie_break ------------------------------------------------------------------


def test_tie_break_orders_equal_totals_by_the_declared_scores():
    doc = evaluate("tie-break")
    # totals: 甲 40 + 50, 乙 50 + 40, 丙 45 + 45, 戊 45 + 45 are all 90; 己 89; 丁 80
    # 90s by satisfaction: 乙 50, 丙 45 = 戊 45 (first_contact 45 = 45: shared), 甲 40
    assert order(doc) == ["乙", "丙", "戊", "甲", "己", "丁"]
    assert ranks(doc) == {"乙": 1, "丙": 2, "戊": 2, "甲": 4, "己": 5, "丁": 6}


# -- ranking on the displayed total -------------------------------------------


def test_ranking_on_the_total_as_printed():
    doc = evaluate("ranking-on-display")
    # one decimal: 84.94 -> 84.9; 84.95 -> 85.0 (half away from zero); 85.04, 85 -> 85.0; 85.05 -> 85.1
    assert shown(doc) == {"甲": "84.9", "乙": "85.0", "丙": "85.0", "丁": "85.0", "戊": "85.1"}
    assert order(doc) == ["戊", "乙", "丙", "丁", "甲"]  # the three 85.0s in input order
    assert ranks(doc) == {"戊": 1, "乙": 2, "丙": 2, "丁": 2, "甲": 5}


# -- banded lookup tables -------------------------------------------------------


def test_a_banded_lookup_table_called_in_a_formula():
    doc = evaluate("lookups")
    assert totals(doc) == near(
        {
            "甲": 20,  # 98: at_least 98
            "乙": 16,  # 97.99: [95, 98)
            "丙": 16,  # 95: at_least 95
            "丁": 10,  # 90: [90, 95)
            "戊": 0,  # 89.99: below 90
            "己": 20,  # 100
        }
    )
