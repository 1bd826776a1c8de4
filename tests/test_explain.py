"""Explain: how one unit's result came about."""

from __future__ import annotations

from .conftest import SEED_INPUT, run_cli


def explain(unit: str):
    return run_cli("explain", "-r", "jintai-hotline@2024.02", str(SEED_INPUT), unit)


def test_the_market_regulator_explanation_shows_the_published_numbers():
    run = explain("区市场监督管理局")
    assert run.code == 0, run.err
    text = run.out
    assert text.startswith("区市场监督管理局: rank 24 of 32, total 93.26 under jintai-hotline@2024.02")
    # the aggregates the published table rests on
    for line in ("total_overdue_returns = 44", "total_alerts = 3", "max_completed = 343"):
        assert line in text
    # formulas with the unit's values written in, and the published scores
    assert "= 5 * (1 - ratio(1, 44, 0))" in text and "-> 4.89" in text
    assert "= 10 * (1 - ratio(1, 3, 0))" in text and "-> 6.67" in text
    assert "= 5 * ratio(117, 343, 0)" in text and "-> 1.71" in text
    assert "-> 93.26" in text
    # its neighbours in the published table
    assert "above: 23 陈仓镇 94.13" in text and "below: 25 区林业局 89.27" in text


def test_a_part_of_the_name_is_enough():
    assert explain("区林业").out.startswith("区林业局: rank 25 of 32, total 89.27")


def test_a_miss_gets_a_suggestion():
    run = explain("区林业句")
    assert run.code == 1
    assert "no unit named '区林业句'" in run.err and "did you mean '区林业局'?" in run.err


def test_an_ambiguous_part_lists_the_candidates():
    run = explain("街道")
    assert run.code == 1 and "'街道' matches" in run.err and "give more of the name" in run.err


def test_a_unit_ranked_within_its_group_is_compared_with_its_group_only():
    run = run_cli("explain", "-r", "city-hotline@2025.01", "examples/city-hotline-2025-01.csv", "市住建局")
    assert run.code == 0, run.err
    text = run.out
    # 市直部门组: 市交通局 and 市教育局 100.00 (shared rank 1), 市住建局 92.46 (3), 市市场监管局 47.73 (4)
    assert text.startswith("市住建局: rank 3 of 4 in 市直部门组, total 92.46")
    assert "above: 1 市教育局 100.00" in text and "below: 4 市市场监管局 47.73" in text
    # the deduction model: full marks, then penalties, held between 0 and 100
    assert "total = 100 + the unrounded scores (penalties negative), held at least 0 and at most 100" in text


def test_a_unit_below_the_minimum_volume_says_why_it_has_no_rank():
    run = run_cli("explain", "-r", "city-hotline@2025.01", "examples/city-hotline-2025-01.csv", "市档案馆")
    assert run.out.startswith("市档案馆: not ranked (办件量不足20件，不参与排名), total 100.00")
    assert "above:" not in run.out and "None" not in run.out
