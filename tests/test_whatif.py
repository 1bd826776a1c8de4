"""What-if: --set changes a ruleset in memory, re-validates it, and says so in the output."""

from __future__ import annotations

import csv
import json

import pytest

from .conftest import PUBLISHED, SEED_INPUT, run_cli

WHAT_IF = ("--set", "timeliness.weight=45", "--set", "completion.weight=30")


def seed_inputs() -> dict[str, dict[str, int]]:
    with open(PUBLISHED, encoding="utf-8") as f:
        return {
            r["department"]: {k: int(r[k]) for k in ("due", "completed", "on_time", "overdue_returns", "alerts")}
            for r in csv.DictReader(f)
        }


def by_hand(u: dict[str, int]) -> float:
    """The seed's formulas with completion 30 and timeliness 45; Σ overdue returns 44, Σ alerts 3, max completed 343."""
    return (
        30 * u["completed"] / u["due"]
        + 45 * u["on_time"] / u["due"]
        + 5 * (1 - u["overdue_returns"] / 44)
        + 10 * (1 - u["alerts"] / 3)
        + 5 * u["completed"] / 343
        + 5  # no reworks anywhere: no deduction
    )


@pytest.fixture(scope="module")
def what_if() -> dict:
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "json", *WHAT_IF)
    assert run.code == 0, run.err
    return json.loads(run.out)


def test_the_new_totals_match_a_hand_calculation(what_if):
    results = {r["entity"]: r for r in what_if["results"]}
    # 区林业局: 30·7/7 + 45·6/7 + 5·(1 − 1/44) + 10 + 5·7/343 + 5 = 88.5598… → 88.56
    assert results["区林业局"]["total"] == pytest.approx(
        30 + 45 * 6 / 7 + 5 * (1 - 1 / 44) + 10 + 5 * 7 / 343 + 5, abs=1e-9
    )
    assert results["区林业局"]["display"]["total"] == "88.56"
    # 区医疗保障局: 30 + 45·5/6 + 5 + 10 + 5·6/343 + 5 = 87.5875 → 87.59
    assert results["区医疗保障局"]["total"] == pytest.approx(30 + 37.5 + 5 + 10 + 5 * 6 / 343 + 5, abs=1e-9)
    assert results["区医疗保障局"]["display"]["total"] == "87.59"


def test_the_bottom_five_are_reordered_as_the_hand_calculation_says(what_if):
    totals = {name: by_hand(u) for name, u in seed_inputs().items()}
    expected = sorted(totals, key=lambda name: -totals[name])[-5:]
    assert [r["entity"] for r in what_if["results"][-5:]] == expected
    assert expected == ["市自然资源和规划局金台分局", "区应急管理局", "区发展和改革局", "区交通运输局", "长乐塬管委办"]


def test_a_what_if_is_marked_as_such(what_if):
    assert what_if["ruleset"]["what_if"] == ["timeliness.weight=45", "completion.weight=30"]
    table = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, *WHAT_IF).out
    assert (
        table.splitlines()[0]
        == "WHAT-IF, not an adopted ruleset: jintai-hotline@2024.02 (what-if: timeliness.weight=45, completion.weight=30)"
    )
    assert "按期办结得分（45分）" in table and "办结得分（30分）" in table  # headers follow the weights


def test_a_what_if_is_validated_again():
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "--set", "timeliness.weight=50")
    assert run.code == 1
    assert "timeliness.weight=50" in run.err  # the message says which --set made it invalid
    # 35 + 50 + 5 + 10 + 5 + 5 = 110
    assert "the indicators' weights add up to 110, but total.max is 100" in run.err


def evaluate_with(*settings: str) -> list[dict]:
    args = [a for s in settings for a in ("--set", s)]
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "json", *args)
    assert run.code == 0, run.err
    return json.loads(run.out)["results"]


def test_rounding_places_can_be_changed():
    results = evaluate_with("rounding.places=1")
    # 区人力资源和社会保障局: 35 + 40·342/343 + 5 + 10 + 5 + 5 = 99.8833… -> 99.9 (published 99.88)
    assert (results[0]["entity"], results[0]["display"]["total"]) == ("区人力资源和社会保障局", "99.9")
    # 区市场监督管理局: published 93.26 (93.2606…) -> 93.3
    assert next(r for r in results if r["entity"] == "区市场监督管理局")["display"]["total"] == "93.3"


def test_ranking_ties_can_be_changed():
    results = evaluate_with("ranking.ties=shared")
    # 区民政局 and 区退役军人事务局 tie exactly (published 16 and 17, 95.01 each): both 16, then 18
    assert [(r["rank"], r["entity"]) for r in results[15:18]] == [
        (16, "区民政局"),
        (16, "区退役军人事务局"),
        (18, "区文化和旅游局"),
    ]


def test_an_indicator_formula_can_be_changed():
    # completion scored on the orders closed ON TIME: weight · ratio(on_time, due, 1) instead of completed / due
    results = {r["entity"]: r for r in evaluate_with("completion.formula=weight * ratio(on_time, due, 1)")}
    # 区人力资源和社会保障局 (343 due, 342 on time): completion 35·342/343 = 34.8979…;
    # total 34.8979… + 40·342/343 (39.8833…) + 5 + 10 + 5·343/343 + 5 = 99.7813… -> 99.78 (published 99.88)
    hr = results["区人力资源和社会保障局"]
    assert hr["scores"]["completion"] == pytest.approx(35 * 342 / 343, abs=1e-12)
    assert (hr["display"]["completion"], hr["display"]["total"]) == ("34.90", "99.78")
    # 区林业局 (7 due, 6 on time): completion 35·6/7 = 30 instead of 35: 89.27 (published) − 5 = 84.27;
    # 30 + 40·6/7 + 5·(1 − 1/44) + 10 + 5·7/343 + 5 = 30 + 34.2857 + 4.8864 + 10 + 0.1020 + 5 = 84.2741…
    forestry = results["区林业局"]
    assert (forestry["display"]["completion"], forestry["display"]["total"]) == ("30.00", "84.27")
    # 长乐塬管委办 (2 due, 0 on time): completion 0 and timeliness 0; 0 + 0 + 5 + 10 + 5·2/343 + 5 = 20.0292 -> 20.03
    last = results["长乐塬管委办"]
    assert (last["display"]["completion"], last["display"]["total"], last["rank"]) == ("0.00", "20.03", 32)
    # 区卫生健康局 (40 due, 40 on time): completion unchanged at 35, total as published 95.47
    assert results["区卫生健康局"]["display"]["total"] == "95.47"


def test_an_unknown_key_gets_a_suggestion():
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "--set", "timelines.weight=45")
    assert run.code == 1
    assert "--set: 'timelines.weight' names nothing in this ruleset" in run.err
    assert "did you mean 'timeliness.weight'?" in run.err


def test_a_whole_section_cannot_be_replaced():
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "--set", "rounding=2")
    assert run.code == 1 and "'rounding' is a whole section, not one value" in run.err


def test_a_set_without_a_value_is_refused():
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "--set", "timeliness.weight")
    assert run.code == 2 and "'timeliness.weight' is not KEY=VALUE" in run.err  # a command-line mistake: exit 2


def test_a_mistake_in_a_set_value_is_pointed_at_the_set_not_the_file():
    run = run_cli(
        "evaluate",
        "-r",
        "jintai-hotline@2024.02",
        SEED_INPUT,
        "--set",
        "completion.formula=weight * ratio(complted, due, 1)",
    )
    assert run.code == 1
    assert (
        "--set completion.formula=weight * ratio(complted, due, 1): in indicators[completion].formula: unknown name 'complted'"
        in run.err
    )
    assert "2024.02.yaml:" not in run.err  # the file's own formula is fine


@pytest.mark.parametrize("key", ["version", "name", "effective", "schema"])
def test_a_what_if_cannot_change_what_identifies_the_version(key):
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "--set", f"{key}=x")
    assert run.code == 1 and f"'{key}' identifies the version and cannot be changed by a what-if" in run.err
