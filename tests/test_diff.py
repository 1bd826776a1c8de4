"""Diff: the rules that changed and what it did to every unit's score and rank."""

from __future__ import annotations

import json

import pytest
from kaoping.analysis.diff import kendall_tau_b

from .conftest import SEED_INPUT, run_cli

SWAP = "tests/cases/diff"


def diff_json(*args: str) -> dict:
    run = run_cli("diff", *args, "-f", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def test_a_version_against_itself_changes_nothing():
    d = diff_json("-r", "jintai-hotline@2024.02", "-r", "jintai-hotline@2024.02", str(SEED_INPUT))
    assert d["rules"] == []
    assert d["summary"] == {"moved": 0, "units": 32, "kendall_tau_b": 1.0, "regraded": 0}
    assert all(u["delta"] == 0 and u["movement"] == 0 for u in d["units"])


def test_two_versions_that_swap_two_units_show_exactly_that_movement():
    # old weights x 60 / y 40, new 40 / 60; units R (a=1, b=1), P (1, 0), Q (0, 1)
    d = diff_json("-r", f"{SWAP}/swap-old.yaml", "-r", f"{SWAP}/swap-new.yaml", f"{SWAP}/swap.csv")
    # the two files differ in version, title and the two weights; the report's title is the ruleset's
    # title (the files declare none of their own), so the printed title changes with it
    assert [(r["what"], r["old"], r["new"]) for r in d["rules"]] == [
        ("version", "1", "2"),
        ("title", "two indicators, weights 60/40", "two indicators, weights 40/60"),
        ("indicators[x].weight", "60", "40"),
        ("indicators[y].weight", "40", "60"),
        ("report.title", "two indicators, weights 60/40", "two indicators, weights 40/60"),
    ]
    moves = {
        u["entity"]: (u["old_display"], u["new_display"], u["old_rank"], u["new_rank"], u["movement"])
        for u in d["units"]
    }
    assert moves == {
        "R": ("100.00", "100.00", 1, 1, 0),
        "P": ("60.00", "40.00", 2, 3, -1),
        "Q": ("40.00", "60.00", 3, 2, 1),
    }
    # largest movement first (P and Q both 1), then the largest change (both 20), then the new rank: Q 2nd, P 3rd
    assert [u["entity"] for u in d["units"]] == ["Q", "P", "R"]
    # pairs (R,P) and (R,Q) keep their order, (P,Q) swaps: tau = (2 − 1) / 3
    assert d["summary"]["moved"] == 2 and d["summary"]["kendall_tau_b"] == pytest.approx(1 / 3)


def test_a_what_if_can_be_diffed_against_its_version():
    d = diff_json(
        "-r",
        "jintai-hotline@2024.02",
        "--set",
        "timeliness.weight=45",
        "--set",
        "completion.weight=30",
        str(SEED_INPUT),
    )
    # exactly the two weights, in the order the file declares them, after the what-if itself
    assert [(r["what"], r["old"], r["new"]) for r in d["rules"]] == [
        ("what-if", "", "timeliness.weight=45, completion.weight=30"),
        ("indicators[completion].weight", "35", "30"),
        ("indicators[timeliness].weight", "40", "45"),
    ]
    assert d["new"]["what_if"] == ["timeliness.weight=45", "completion.weight=30"]
    forestry = next(u for u in d["units"] if u["entity"] == "区林业局")
    assert (forestry["old_display"], forestry["new_display"]) == (
        "89.27",
        "88.56",
    )  # published; hand-computed in test_whatif


def test_the_table_form_has_a_summary_line():
    run = run_cli("diff", "-r", f"{SWAP}/swap-old.yaml", "-r", f"{SWAP}/swap-new.yaml", f"{SWAP}/swap.csv")
    assert run.code == 0
    assert "indicators[x].weight: 60 -> 40" in run.out
    assert run.out.rstrip().endswith("2 of 3 units changed rank; Kendall's tau-b between the rankings = 0.3333")


def test_diff_needs_two_rulesets_or_a_what_if():
    run = run_cli("diff", "-r", "jintai-hotline@2024.02", str(SEED_INPUT))
    assert run.code == 2 and "diff compares two rulesets" in run.err


@pytest.mark.parametrize(
    ("x", "y", "tau"),
    [([1, 2, 3, 4], [1, 2, 3, 4], 1.0), ([1, 2, 3, 4], [4, 3, 2, 1], -1.0), ([1, 2, 3], [1, 3, 2], 1 / 3)],
)
def test_kendall_tau_b_by_hand(x, y, tau):
    assert kendall_tau_b(x, y) == pytest.approx(tau)


def test_kendall_tau_b_with_shared_ranks():
    # x ties the first two units; pairs: (1,2) tied in x only, (1,3) and (2,3) concordant
    # tau-b = (C − D) / sqrt((C + D + ties_x) · (C + D + ties_y)) = (2 − 0) / sqrt((2 + 0 + 1) · (2 + 0 + 0)) = 2 / sqrt(6)
    assert kendall_tau_b([1, 1, 3], [1, 2, 3]) == pytest.approx(2 / 6**0.5)


def _tau_b_pair_by_pair(x: list[int], y: list[int]) -> float:
    """The reference: tau-b from its definition, every pair looked at, O(n²)."""
    n = len(x)
    concordant = discordant = tied_x = tied_y = 0  # tied_x / tied_y include pairs tied in both
    for i in range(n):
        for j in range(i + 1, n):
            sign = (x[i] > x[j]) - (x[i] < x[j])
            sign *= (y[i] > y[j]) - (y[i] < y[j])
            concordant += sign > 0
            discordant += sign < 0
            tied_x += x[i] == x[j]
            tied_y += y[i] == y[j]
    pairs = n * (n - 1) // 2
    denominator = ((pairs - tied_x) * (pairs - tied_y)) ** 0.5
    return (concordant - discordant) / denominator if denominator else 1.0


def _shared_ranks(scores: list[int]) -> list[int]:
    """Standard competition ranking, highest first: 1, 2, 2, 4."""
    return [1 + sum(other > s for other in scores) for s in scores]


def _dense_ranks(scores: list[int]) -> list[int]:
    """Dense ranking, highest first: 1, 2, 2, 3."""
    distinct = sorted(set(scores), reverse=True)
    return [distinct.index(s) + 1 for s in scores]


def test_the_rank_helpers_rank_as_their_names_say():
    assert _shared_ranks([9, 7, 7, 5]) == [1, 2, 2, 4]
    assert _dense_ranks([9, 7, 7, 5]) == [1, 2, 2, 3]


@pytest.mark.parametrize("seed", range(4))
def test_kendall_tau_b_agrees_with_counting_every_pair(seed):
    import random

    rng = random.Random(seed)
    for _ in range(100):  # 400 pairs of rankings over the four seeds
        n = rng.randint(2, 80)
        levels = rng.choice([1, 2, 3, 5, 10, 1000])  # few score levels: many ties
        old_scores = [rng.randint(1, levels) for _ in range(n)]
        # the new scores are mostly the old ones, moved a little, as a policy change does
        new_scores = [s + rng.choice([0, 0, 1, -1, rng.randint(-levels, levels)]) for s in old_scores]
        for x, y in [
            (_shared_ranks(old_scores), _shared_ranks(new_scores)),
            (_dense_ranks(old_scores), _dense_ranks(new_scores)),
            (_shared_ranks(old_scores), _dense_ranks(new_scores)),
            ([rng.randint(1, levels) for _ in range(n)], [rng.randint(1, levels) for _ in range(n)]),
        ]:
            assert kendall_tau_b(x, y) == pytest.approx(_tau_b_pair_by_pair(x, y), abs=1e-12), (x, y)


@pytest.mark.parametrize(("x", "y"), [([], []), ([1], [1]), ([3], [7])])
def test_kendall_tau_b_of_no_unit_or_one_unit_is_1(x, y):
    assert kendall_tau_b(x, y) == 1.0


def test_kendall_tau_b_is_1_when_a_ranking_is_all_tied():
    assert kendall_tau_b([1, 1, 1, 1], [1, 2, 3, 4]) == 1.0
    assert kendall_tau_b([1, 2, 3, 4], [2, 2, 2, 2]) == 1.0
    assert kendall_tau_b([1, 1], [1, 1]) == 1.0


def test_kendall_tau_b_of_a_long_reversal_is_minus_1():
    n = 20_001  # odd: the merge sort carries an unpaired run over in most passes
    assert kendall_tau_b(list(range(1, n + 1)), list(range(n, 0, -1))) == -1.0


def test_kendall_tau_b_refuses_rankings_of_different_lengths():
    with pytest.raises(ValueError, match="same units"):
        kendall_tau_b([1, 2, 3], [1, 2])


def test_units_crossing_a_grade_boundary_are_named():
    # rate-hotline with the all-or-nothing item worth 0 and completion worth 35 (25 + 20 + 0 + 20 + 35 = 100):
    # each unit gains 35 × rate / 100 − 20 × rate / 100 on completion and loses its 15 for all_round, if it had it
    run = run_cli(
        "diff",
        "-r",
        "rate-hotline@2025.01",
        "--set",
        "all_round.weight=0",
        "--set",
        "completion.weight=35",
        "examples/rate-hotline-2025-01.csv",
        "-f",
        "json",
    )
    assert run.code == 0, run.err
    d = json.loads(run.out)
    got = {u["entity"]: (u["old_display"], u["new_display"], u["old_grade"], u["new_grade"]) for u in d["units"]}
    assert got == {
        # 96.00%, no all_round: 52.45 − 19.2 + 33.6 = 66.85 -> 66.9: 不合格 -> 合格
        "县住建局": ("52.5", "66.9", "不合格", "合格"),
        # 93.10%, no all_round: 67.62 − 18.62 + 32.585 = 81.585 -> 81.6: 合格 -> 良好
        "河西乡": ("67.6", "81.6", "合格", "良好"),
        # 68.50%, no all_round: 23.7 − 13.7 + 23.975 = 33.975 -> 34.0: still 不合格
        "县交通局": ("23.7", "34.0", "不合格", "不合格"),
        # 98.06%, all_round 15 lost: 99.612 − 19.612 + 34.321 − 15 = 99.321 -> 99.3
        "城关镇": ("99.6", "99.3", "优秀", "优秀"),
        # 99.00%, all_round lost: 99.8 − 19.8 + 34.65 − 15 = 99.65 -> 99.7
        "县人社局": ("99.8", "99.7", "优秀", "优秀"),
        # 100.00%: 100 − 20 + 35 − 15 = 100
        "县卫健局": ("100.0", "100.0", "优秀", "优秀"),
        # 102.50% (capped at 100): 93.8 − 20 + 35 − 15 = 93.8
        "河东乡": ("93.8", "93.8", "优秀", "优秀"),
    }
    # no rank moves (100, 99.7, 99.3, 93.8, 81.6, 66.9, 34.0 keep the old order): largest change first,
    # |14.4| > |13.965| > |10.275| > |−0.291| > |−0.15| > 0 = 0 (县卫健局 ranked 1st, 河东乡 4th)
    assert [u["entity"] for u in d["units"]] == [
        "县住建局",
        "河西乡",
        "县交通局",
        "城关镇",
        "县人社局",
        "县卫健局",
        "河东乡",
    ]
    assert d["summary"] == {"moved": 0, "units": 7, "kendall_tau_b": 1.0, "regraded": 2}


def test_a_version_chosen_by_name_against_itself_named_changes_no_rule():
    """How a version was chosen (chosen, chosen_why, not_in_effect) is not a rule: the same file is the same rules."""
    run = run_cli("diff", "-r", "jintai-hotline", "-r", "jintai-hotline@2024.02", SEED_INPUT)
    assert run.code == 0, run.err
    assert run.out.splitlines()[3] == "rules: no change"
    assert "chosen" not in run.out
    assert (
        run.err
        == "note: using jintai-hotline@2024.02, the latest released; give --period or --as-of for the version in effect then\n"
    )
    d = diff_json("-r", "jintai-hotline", "-r", "jintai-hotline@2024.02", "--period", "2025-03", str(SEED_INPUT))
    assert d["rules"] == []


def test_one_bare_name_with_set_says_its_choice_once():
    run = run_cli(
        "diff", "-r", "jintai-hotline", "--set", "timeliness.weight=30", "--set", "completion.weight=45", SEED_INPUT
    )
    assert run.code == 0, run.err
    assert (
        run.err
        == "note: using jintai-hotline@2024.02, the latest released; give --period or --as-of for the version in effect then\n"
    )
