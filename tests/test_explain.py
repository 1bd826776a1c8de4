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
