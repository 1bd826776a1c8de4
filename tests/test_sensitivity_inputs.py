"""The input side of `kaoping sensitivity` (issue 14, "Inputs"): the smallest change of one input of the lower
unit of an adjacent pair that lets its printed total reach the upper's, and the one that puts it above.

Every expected change is worked out by hand in the test from the CSV's figures and the ruleset's formulas,
then checked with the real `kaoping evaluate -f json` on the changed table: at exactly `by` the printed
totals reach, at one step less (toward zero) they do not; the same for `overtakes_by` with the published order.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import operator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from kaoping.analysis import input_changes as search
from kaoping.analysis.input_changes import EXHAUSTIVE, input_changes, limits, one_by_one, steps_of
from kaoping.analysis.input_rescore import Rescorer, plan, suffix_folds
from kaoping.analysis.sensitivity_model import InputChange, PairChanges
from kaoping.data.table import read_table
from kaoping.evaluate.pipeline import evaluate_table
from kaoping.evaluate.ranking import Evaluation
from kaoping.ruleset.load import load_ruleset
from kaoping.ruleset.model import Ruleset

from .conftest import SEED_INPUT, SEED_RULESET, run_cli

SEED_HEADER = ["部门名称", "应办结工单数", "办结工单数", "按期办结工单数", "逾期退单工单数", "告警工单数"]
COLUMN = {"due": "应办结工单数", "completed": "办结工单数", "on_time": "按期办结工单数", "alerts": "告警工单数"}


def evaluated(ruleset_path: Path, input_path: Path) -> tuple[Ruleset, Evaluation]:
    ruleset = load_ruleset(ruleset_path)
    return ruleset, evaluate_table(ruleset, read_table(input_path, ruleset), lambda _stage: None)


def pair(found: tuple[PairChanges, ...], above: str, below: str) -> PairChanges:
    return next(p for p in found if (p.above, p.below) == (above, below))


def change(found: tuple[PairChanges, ...], above: str, below: str, input_id: str) -> InputChange:
    return next(c for c in pair(found, above, below).changes if c.input == input_id)


def seed_rows() -> list[dict[str, str]]:
    with SEED_INPUT.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def published(ruleset_path: Path, input_path: Path) -> list[tuple[str, str]]:
    """What `kaoping evaluate -f json` publishes: (unit, printed total) in the published order."""
    run = run_cli("evaluate", "-r", ruleset_path, input_path, "-f", "json")
    assert run.code == 0, run.err
    return [(r["entity"], r["display"]["total"]) for r in json.loads(run.out)["results"]]


def seed_changed(tmp_path: Path, unit: str, input_id: str, value: int) -> list[tuple[str, str]]:
    """The seed month with one cell changed, as evaluate publishes it."""
    rows = seed_rows()
    row = next(r for r in rows if r["部门名称"] == unit)
    row[COLUMN[input_id]] = str(value)
    return published(SEED_RULESET, write_csv(tmp_path / f"{input_id}-{value}.csv", SEED_HEADER, rows))


def standing(table: list[tuple[str, str]], above: str, below: str) -> tuple[bool, bool]:
    """(below's printed total reaches above's, below comes before above) in a published table."""
    order = [u for u, _t in table]
    printed = dict(table)
    return float(printed[below]) >= float(printed[above]), order.index(below) < order.index(above)


# --- the seed: hand figures ---------------------------------------------------------------------------

S_OVERDUE, S_ALERTS, MAX_COMPLETED = 44, 3, 343  # sums and max of the seed CSV's columns (by hand, from the file)


def seed_total(due: int, completed: int, on_time: int, overdue: int, alerts: int, total_alerts: int) -> float:
    """The seed's total by hand: 35·completed/due + 40·on_time/due + 5(1 − overdue/44) + 10(1 − alerts/S)
    + 5·completed/343 + 5 (no reworks in the file: full marks)."""
    return (
        35 * completed / due
        + 40 * on_time / due
        + 5 * (1 - overdue / S_OVERDUE)
        + 10 * (1 - alerts / total_alerts)
        + 5 * completed / MAX_COMPLETED
        + 5
    )


@pytest.fixture(scope="module")
def seed() -> tuple[PairChanges, ...]:
    ruleset, evaluation = evaluated(SEED_RULESET, SEED_INPUT)
    return input_changes(ruleset, evaluation)


def test_the_hand_formula_gives_the_published_totals() -> None:
    assert f"{seed_total(7, 7, 6, 1, 0, 3):.2f}" == "89.27"  # 区林业局
    assert f"{seed_total(165, 165, 161, 8, 2, 3):.2f}" == "88.86"  # 区住房和城乡建设局
    assert f"{seed_total(6, 6, 5, 0, 0, 3):.2f}" == "88.42"  # 区医疗保障局
    assert f"{seed_total(27, 27, 22, 2, 0, 3):.2f}" == "87.76"  # 市自然资源和规划局金台分局


def test_on_time_two_more_lifts_housing_to_forestry(seed: tuple[PairChanges, ...], tmp_path: Path) -> None:
    # 区住房和城乡建设局 (88.86, on_time 161 of 165 due) below 区林业局 (89.27): one more on time is
    # 40·162/165 = 39.27, total 89.10 < 89.27; two more 40·163/165 = 39.52, total 89.34 ≥ 89.27 (and above it)
    assert f"{seed_total(165, 165, 162, 8, 2, 3):.2f}" == "89.10"
    assert f"{seed_total(165, 165, 163, 8, 2, 3):.2f}" == "89.34"
    found = change(seed, "区林业局", "区住房和城乡建设局", "on_time")
    assert (found.by, found.step, found.overtakes_by) == (2, 1, 2)
    assert standing(seed_changed(tmp_path, "区住房和城乡建设局", "on_time", 163), "区林业局", "区住房和城乡建设局") == (
        True,
        True,
    )
    assert standing(seed_changed(tmp_path, "区住房和城乡建设局", "on_time", 162), "区林业局", "区住房和城乡建设局") == (
        False,
        False,
    )


def test_on_time_one_more_lifts_natural_resources_to_medical_insurance(
    seed: tuple[PairChanges, ...], tmp_path: Path
) -> None:
    # 市自然资源和规划局金台分局 (87.76, on_time 22 of 27) below 区医疗保障局 (88.42): 23 on time is
    # 40·23/27 = 34.07, total 89.24; 22 (no change) is the published 87.76
    assert f"{seed_total(27, 27, 23, 2, 0, 3):.2f}" == "89.24"
    found = change(seed, "区医疗保障局", "市自然资源和规划局金台分局", "on_time")
    assert (found.by, found.overtakes_by) == (1, 1)
    table = seed_changed(tmp_path, "市自然资源和规划局金台分局", "on_time", 23)
    assert standing(table, "区医疗保障局", "市自然资源和规划局金台分局") == (True, True)
    assert standing(published(SEED_RULESET, SEED_INPUT), "区医疗保障局", "市自然资源和规划局金台分局") == (False, False)


def test_one_alert_fewer_moves_the_district_total(seed: tuple[PairChanges, ...], tmp_path: Path) -> None:
    # 区住房和城乡建设局 has 2 of the district's 3 alerts; with 1 the total is 2: its alert score is
    # 10(1 − 1/(3 − 2 + 1)) = 5 (from 3.33), total 90.53 ≥ 89.27; 区林业局 has none: 10(1 − 0/2) = 10, still 89.27
    assert f"{seed_total(165, 165, 161, 8, 1, 2):.2f}" == "90.53"
    assert f"{seed_total(7, 7, 6, 1, 0, 2):.2f}" == "89.27"
    found = change(seed, "区林业局", "区住房和城乡建设局", "alerts")
    assert (found.by, found.overtakes_by) == (-1, -1)
    table = seed_changed(tmp_path, "区住房和城乡建设局", "alerts", 1)
    assert dict(table)["区住房和城乡建设局"] == "90.53" and dict(table)["区林业局"] == "89.27"
    assert standing(table, "区林业局", "区住房和城乡建设局") == (True, True)
    # the smallest change of the pair comes first: one alert fewer, two more on time, four overdue returns fewer
    found_pair = pair(seed, "区林业局", "区住房和城乡建设局")
    assert [c.input for c in found_pair.changes] == ["alerts", "on_time", "overdue_returns"]
    assert found_pair.none == ("due", "completed", "reworks")


def test_fewer_overdue_returns_lower_the_district_total_and_both_scores(
    seed: tuple[PairChanges, ...], tmp_path: Path
) -> None:
    # 区住房和城乡建设局 has 8 of the district's 44 overdue returns, 区林业局 1.  With x returns the district
    # has 36 + x, and each unit's score is 5(1 − own/(36 + x)) — the upper unit's moves too.
    # x = 5 (−3): 住建 89.16, 林业 89.27: not reached.  x = 4 (−4): 住建 89.27, 林业 89.26: reached and above
    def totals(x: int) -> tuple[str, str]:
        housing = seed_total(165, 165, 161, 8, 2, 3) - 5 * (1 - 8 / 44) + 5 * (1 - x / (36 + x))
        forestry = seed_total(7, 7, 6, 1, 0, 3) - 5 * (1 - 1 / 44) + 5 * (1 - 1 / (36 + x))
        return f"{housing:.2f}", f"{forestry:.2f}"

    assert totals(5) == ("89.16", "89.27") and totals(4) == ("89.27", "89.26")
    found = change(seed, "区林业局", "区住房和城乡建设局", "overdue_returns")
    assert (found.by, found.overtakes_by) == (-4, -4)
    rows = seed_rows()
    for x, expected in ((4, (True, True)), (5, (False, False))):
        next(r for r in rows if r["部门名称"] == "区住房和城乡建设局")["逾期退单工单数"] = str(x)
        table = published(SEED_RULESET, write_csv(tmp_path / f"overdue-{x}.csv", SEED_HEADER, rows))
        assert (dict(table)["区住房和城乡建设局"], dict(table)["区林业局"]) == totals(x)
        assert standing(table, "区林业局", "区住房和城乡建设局") == expected


def test_the_market_regulator_needs_its_one_alert_gone(seed: tuple[PairChanges, ...], tmp_path: Path) -> None:
    # 区市场监督管理局 (93.26, the district's third alert) below 陈仓镇 (94.13): with 0 alerts the district has 2
    # and its alert score is 10(1 − 0/2) = 10: total 96.59
    assert f"{seed_total(117, 117, 117, 1, 0, 2):.2f}" == "96.59"
    found = change(seed, "陈仓镇", "区市场监督管理局", "alerts")
    assert (found.by, found.overtakes_by) == (-1, -1)
    assert standing(seed_changed(tmp_path, "区市场监督管理局", "alerts", 0), "陈仓镇", "区市场监督管理局") == (
        True,
        True,
    )


def test_a_printed_tie_is_reached_already_and_nothing_overtakes(seed: tuple[PairChanges, ...]) -> None:
    # 区民政局 and 区退役军人事务局 have the same figures (1 due, 1 completed, 1 on time, nothing else): both
    # 95.01, the later in the file ranked second (sequential ties).  Every input is at a bound that only a
    # loss lies beyond, so none puts it above: overtakes_by is None, and `by` is 0 (already reached)
    found = pair(seed, "区民政局", "区退役军人事务局")
    assert found.none == ()
    assert {(c.by, c.overtakes_by) for c in found.changes} == {(0, None)}


def test_a_unit_at_every_bound_can_do_nothing(seed: tuple[PairChanges, ...]) -> None:
    # 区卫生健康局 (95.47) is 4.41 below 区人力资源和社会保障局 (99.88): everything is complete and on time
    # (on_time = completed = due = 40), and its one overdue return is worth 5·1/44 = 0.11
    found = pair(seed, "区人力资源和社会保障局", "区卫生健康局")
    assert found.changes == ()
    assert set(found.none) == {"due", "completed", "on_time", "overdue_returns", "alerts", "reworks"}


# --- the aggregate moves both units' scores ---------------------------------------------------------------


def test_fewer_alerts_of_the_lower_unit_lower_the_upper_units_score(tmp_path: Path) -> None:
    # two units, alerts 1 and 2 (total 3).  A: 35 + 40 + 5 + 10(1 − 1/3) + 5 + 5 = 96.67;
    # B (9 of 10 on time): 35 + 36 + 5 + 10(1 − 2/3) + 5 + 5 = 89.33.
    # B with 1 alert: total 2, A 35 + 40 + 5 + 5 + 5 + 5 = 95, B 91: not reached.
    # B with 0 alerts: total 1, A's alert score 10(1 − 1/1) = 0: A 90, B 96: reached and above.
    # Had the total stayed 3, B at 0 alerts would be 96 against A's 96.67: the moving total decides.
    path = write_csv(
        tmp_path / "two.csv",
        SEED_HEADER,
        [
            dict(zip(SEED_HEADER, ["A", "10", "10", "10", "0", "1"], strict=True)),
            dict(zip(SEED_HEADER, ["B", "10", "10", "9", "0", "2"], strict=True)),
        ],
    )
    assert published(SEED_RULESET, path) == [("A", "96.67"), ("B", "89.33")]
    found = change(input_changes(*evaluated(SEED_RULESET, path)), "A", "B", "alerts")
    assert (found.by, found.overtakes_by) == (-2, -2)
    for alerts, expected in ((0, [("B", "96.00"), ("A", "90.00")]), (1, [("A", "95.00"), ("B", "91.00")])):
        rows = [
            dict(zip(SEED_HEADER, ["A", "10", "10", "10", "0", "1"], strict=True)),
            dict(zip(SEED_HEADER, ["B", "10", "10", "9", "0", str(alerts)], strict=True)),
        ]
        assert published(SEED_RULESET, write_csv(tmp_path / f"two-{alerts}.csv", SEED_HEADER, rows)) == expected


# --- bounds ------------------------------------------------------------------------------------------


def test_on_time_cannot_pass_completed(tmp_path: Path) -> None:
    # A: 10 due, 10 completed, 7 on time: 35 + 28 + 5 + 10 + 5 + 5 = 88.  B: 10 due, 8 completed, 6 on time:
    # 28 + 24 + 5 + 10 + 4 + 5 = 76.  Each more on time is +4: B would need 9 on time (88), one more than it
    # completed, so on_time is in `none`; each more completed is +3.5 + 0.5 = +4, at most 2 more (due 10): 84
    rows = [
        dict(zip(SEED_HEADER, ["A", "10", "10", "7", "0", "0"], strict=True)),
        dict(zip(SEED_HEADER, ["B", "10", "8", "6", "0", "0"], strict=True)),
    ]
    path = write_csv(tmp_path / "bound.csv", SEED_HEADER, rows)
    assert published(SEED_RULESET, path) == [("A", "88.00"), ("B", "76.00")]
    found = pair(input_changes(*evaluated(SEED_RULESET, path)), "A", "B")
    assert "on_time" in found.none and "completed" in found.none
    rows[1]["按期办结工单数"] = "9"  # what it would need: refused by evaluate, more on time than completed
    run = run_cli("evaluate", "-r", SEED_RULESET, write_csv(tmp_path / "nine.csv", SEED_HEADER, rows))
    assert run.code == 1 and "按期办结工单数 (on_time) is 9, more than 办结工单数 (completed) 8" in run.err


def test_completed_may_not_fall_below_on_time_nor_rise_past_due() -> None:
    ruleset, evaluation = evaluated(SEED_RULESET, SEED_INPUT)
    steps = steps_of(ruleset, evaluation, ruleset.input("completed"))
    at = [r.values["department"] for r in evaluation.table.records].index("区住房和城乡建设局")
    # 165 due, 165 completed, 161 on time: up 0 (due), down 4 (on time)
    assert (int(steps.up[at]), int(steps.down[at])) == (0, 4)
    alerts = steps_of(ruleset, evaluation, ruleset.input("alerts"))
    # no max: up to max(2 · the column's largest (2), 2 · its own (2)) + 100 = 104, from 2: 102 up; min 0: 2 down
    assert limits([0, 2, 1]) == (4.0, 0.0)
    assert (int(alerts.up[at]), int(alerts.down[at])) == (102, 2)


# --- a band: the change jumps at the band's edge -------------------------------------------------------------

BAND = """\
schema: 1
name: band-test
version: "0.1"
title: band test
effective: "2024-01-01"
description: ten points from 90 completed, six from 80
entity:
  key: unit
inputs:
  - {id: unit, type: text, label: 单位}
  - {id: done, type: integer, label: 办结数, min: 0, max: 100}
lookups:
  - id: done_points
    label: 办结得分
    bands:
      - {at_least: 90, points: 10}
      - {at_least: 80, below: 90, points: 6}
      - {below: 80, points: 0}
indicators:
  - {id: completion, label: 办结, weight: 10, formula: done_points(done)}
total:
  max: 10
  label: 得分
rounding: {places: 2, mode: half_away_from_zero}
ranking: {by: total, order: ORDER, ties: sequential}
report:
  title: band
  columns: [{field: rank, label: 名次}, unit, done, completion, total]
"""


@pytest.mark.parametrize("budget", [search.EXHAUSTIVE_BUDGET, 0], ids=["one-by-one", "doubling"])
def test_a_band_edge_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, budget: int) -> None:
    # B (70 done: 0 points) below A (95: 10 points).  89 done is 6 points, 90 is 10: a tie with A, and B is
    # first in the file, so the tie puts it above (sequential ties keep the file's order).  20 steps: within
    # the steps tried one by one for a table this small; with no budget for them, past the 16 always tried,
    # found by doubling to the bound (30 steps up, to 100) and halving
    monkeypatch.setattr(search, "EXHAUSTIVE_BUDGET", budget)
    assert one_by_one(np.array([30, 70])) == (1024 if budget else EXHAUSTIVE)
    rules = tmp_path / "band.yaml"
    rules.write_text(BAND.replace("ORDER", "descending"), encoding="utf-8")
    path = tmp_path / "band.csv"
    path.write_text("unit,done\nB,70\nA,95\n", encoding="utf-8")
    assert EXHAUSTIVE < 20
    found = change(input_changes(*evaluated(rules, path)), "A", "B", "done")
    assert (found.by, found.overtakes_by) == (20, 20)
    for done, expected in ((90, [("B", "10.00"), ("A", "10.00")]), (89, [("A", "10.00"), ("B", "6.00")])):
        path.write_text(f"unit,done\nB,{done}\nA,95\n", encoding="utf-8")
        assert published(rules, path) == expected


# --- ascending: smaller is better -------------------------------------------------------------------------

LATE = """\
schema: 1
name: late-test
version: "0.1"
title: late orders, fewest first
effective: "2024-01-01"
description: the share of late orders; the smallest ranks first
entity:
  key: unit
inputs:
  - {id: unit, type: text, label: 单位}
  - {id: orders, type: integer, label: 工单数, min: 1}
  - {id: late, type: integer, label: 超期数, min: 0, max: orders}
indicators:
  - {id: lateness, label: 超期率, weight: 100, formula: "weight * ratio(late, orders, 0)"}
total:
  max: 100
  label: 超期得分
rounding: {places: 2, mode: half_away_from_zero}
ranking: {by: total, order: ascending, ties: sequential}
report:
  title: late
  columns: [{field: rank, label: 名次}, unit, orders, late, total]
"""


def test_ascending_ranking_reaches_by_going_down(tmp_path: Path) -> None:
    # A: 1 late of 10 (10.00) ranks above B: 3 late of 10 (30.00).  B with 1 late: 10.00, a printed tie, but A
    # is first in the file and stays above; with 0 late B is 0.00 and above.  More orders dilute B's share:
    # 30 · 10 / (10 + k) ≤ 10 needs 20 more orders; with 19 it is 100 · 3/29 = 10.34
    rules = tmp_path / "late.yaml"
    rules.write_text(LATE, encoding="utf-8")
    path = tmp_path / "late.csv"
    path.write_text("unit,orders,late\nA,10,1\nB,10,3\n", encoding="utf-8")
    found = input_changes(*evaluated(rules, path))
    late = change(found, "A", "B", "late")
    assert (late.by, late.overtakes_by) == (-2, -3)
    orders = change(found, "A", "B", "orders")
    assert (orders.by, orders.overtakes_by) == (20, 21)
    assert [c.input for c in pair(found, "A", "B").changes] == ["late", "orders"]
    cases = {
        "10,1": [("A", "10.00"), ("B", "10.00")],
        "10,0": [("B", "0.00"), ("A", "10.00")],
        "10,2": [("A", "10.00"), ("B", "20.00")],
        "30,3": [("A", "10.00"), ("B", "10.00")],
        "29,3": [("A", "10.00"), ("B", "10.34")],
        "31,3": [("B", "9.68"), ("A", "10.00")],
    }
    for b, expected in cases.items():
        path.write_text(f"unit,orders,late\nA,10,1\nB,{b}\n", encoding="utf-8")
        assert published(rules, path) == expected, b


# --- the fast path is the engine's own verdict --------------------------------------------------------------


def test_the_two_row_rescoring_agrees_with_scoring_the_whole_changed_table() -> None:
    """Random changes of every input of the seed, judged by two rows and by evaluate_table on the whole table."""
    ruleset, evaluation = evaluated(SEED_RULESET, SEED_INPUT)
    rescorer = Rescorer(ruleset, evaluation)
    assert rescorer.fast
    rng = np.random.default_rng(14)
    n, seen = len(evaluation.table.records), []
    for item in (i for i in ruleset.inputs if i.numeric):
        steps = steps_of(ruleset, evaluation, item)
        lower, upper = rng.integers(0, n, 60), rng.integers(0, n, 60)
        keep = lower != upper
        lower, upper = lower[keep], upper[keep]
        t = np.array([rng.integers(-int(steps.down[u]), int(steps.up[u]) + 1) for u in lower])
        new = steps.value(steps.own[lower] + t)
        fast, whole = rescorer.verdicts(item.id, lower, upper, new), rescorer.slow(item.id, lower, upper, new)
        assert (fast.reach == whole.reach).all() and (fast.overtake == whole.overtake).all(), item.id
        seen += whole.reach.tolist() + whole.overtake.tolist()
    assert True in seen and False in seen  # the check sees both verdicts


def test_what_a_change_moves() -> None:
    ruleset = load_ruleset(SEED_RULESET)
    assert plan(ruleset, "alerts") == ("total_alerts",)
    assert plan(ruleset, "completed") == ("max_completed",)
    assert plan(ruleset, "on_time") == ()


# --- every value tried by evaluate itself: per-group float sums, a max of a rate, a mean ---------------------

MIXED = """\
schema: 1
name: mixed-test
version: "0.1"
title: per-group float sums, a max of a rate, a mean
effective: "2024-01-01"
description: the aggregates the seed does not have
entity:
  key: unit
  group: group
inputs:
  - {id: unit, type: text, label: 单位}
  - {id: group, type: text, label: 分组}
  - {id: points, type: number, label: 评议分, min: 0, max: 20}
  - {id: volume, type: integer, label: 工单量, min: 1, max: 60}
  - {id: cases, type: integer, label: 办结量, min: 0, max: volume}
derived:
  - {id: rate, label: 办结率, formula: "ratio(cases, volume, 0) * 100"}
aggregates:
  - {id: group_points, label: 组内评议分合计, function: sum, of: points, per: group}
  - {id: best_rate, label: 组内最高办结率, function: max, of: rate, per: group}
  - {id: mean_volume, label: 平均工单量, function: mean, of: volume}
indicators:
  - {id: share, label: 评议, weight: 30, formula: "weight * ratio(points, group_points, 0)"}
  - {id: rating, label: 办结, weight: 40, formula: "weight * ratio(rate, best_rate, 0)"}
  - {id: load, label: 工作量, weight: 30, formula: "weight * min(1, ratio(volume, mean_volume, 0))"}
total:
  max: 100
  label: 得分
rounding: {places: 2, mode: half_away_from_zero}
groups:
  - {value: 甲组}
  - {value: 乙组}
ranking: {within: group, by: total, order: descending, ties: sequential, tie_break: [rating]}
report:
  title: mixed
  columns: [{field: rank, label: 名次}, unit, group, points, volume, cases, total]
"""
MIXED_CSV = """\
unit,group,points,volume,cases
A,甲组,12.5,40,36
B,甲组,9.3,30,29
C,甲组,11.1,20,15
D,乙组,8.7,50,45
E,乙组,14.2,25,20
F,乙组,7.9,35,35
"""


def brute_force(
    ruleset: Ruleset, evaluation: Evaluation, above: str, below: str, input_id: str
) -> tuple[object, object]:
    """The smallest change (the increase on a tie) that reaches and that overtakes, every value within the
    bounds (by hand: points 0..20 by 0.1, volume from cases to 60, cases up to volume) scored by evaluate_table."""
    records = list(evaluation.table.records)
    at = next(i for i, r in enumerate(records) if r.values["unit"] == below)
    row = dict(records[at].values)
    values: list[int | float] = {
        "points": [k / 10 for k in range(0, 201)],
        "volume": list(range(max(1, int(row["cases"])), 61)),
        "cases": list(range(0, int(row["volume"]) + 1)),
    }[input_id]
    own = row[input_id]
    hits: dict[str, list[int | float]] = {"reach": [], "overtake": []}
    for value in values:
        changed = [*records]
        changed[at] = replace(records[at], values={**row, input_id: value})
        result = evaluate_table(
            ruleset, replace(evaluation.table, records=tuple(changed), columns=None), lambda _stage: None
        )
        order = [r.entity for r in result.results]
        printed = {r.entity: float(r.display["total"]) for r in result.results}
        by = round(value - own, 1) if input_id == "points" else int(value) - int(own)  # type: ignore[operator]
        if printed[below] >= printed[above]:
            hits["reach"].append(by)
        if order.index(below) < order.index(above):
            hits["overtake"].append(by)
    smallest = [min(h, key=lambda b: (abs(b), b < 0)) if h else None for h in hits.values()]
    return smallest[0], smallest[1]


# an aggregate over an indicator that reads another aggregate: a change of points moves every unit's share, so
# the best share is found by scoring the whole changed table, candidate by candidate
NON_LOCAL = (
    MIXED.replace(
        "  - {id: mean_volume,",
        "  - {id: best_share, label: 最高评议分, function: max, of: share}\n  - {id: mean_volume,",
    )
    .replace('weight: 30, formula: "weight * min(', 'weight: 20, formula: "weight * min(')
    .replace(
        'formula: "weight * ratio(points, group_points, 0)"}',
        'formula: "weight * ratio(points, group_points, 0)"}\n'
        '  - {id: relative, label: 相对评议, weight: 10, formula: "weight * ratio(share, best_share, 0)"}',
    )
)


@pytest.mark.parametrize("budget", [search.EXHAUSTIVE_BUDGET, 0], ids=["one-by-one", "doubling"])
@pytest.mark.parametrize("rules_text", [MIXED, NON_LOCAL], ids=["two-rows", "whole-table"])
def test_every_value_scored_by_evaluate_agrees_with_the_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rules_text: str, budget: int
) -> None:
    monkeypatch.setattr(search, "EXHAUSTIVE_BUDGET", budget)
    rules, path = tmp_path / "mixed.yaml", tmp_path / "mixed.csv"
    rules.write_text(rules_text, encoding="utf-8")
    path.write_text(MIXED_CSV, encoding="utf-8")
    ruleset, evaluation = evaluated(rules, path)
    if rules_text == MIXED:
        assert plan(ruleset, "points") == ("group_points",) and plan(ruleset, "cases") == ("best_rate",)
    else:
        assert plan(ruleset, "points") is None and plan(ruleset, "cases") == ("best_rate",)
    found = input_changes(ruleset, evaluation)
    pairs = [("A", "B", "甲组"), ("B", "C", "甲组"), ("F", "D", "乙组"), ("D", "E", "乙组")]
    if rules_text == NON_LOCAL:  # E's relative share (14.2 is the best) puts it above D
        pairs[2:] = [("F", "E", "乙组"), ("E", "D", "乙组")]
    assert [(p.above, p.below, p.group) for p in found] == pairs
    assert any(p.changes for p in found) and any(p.none for p in found)
    for p in found:
        for input_id in ("points", "volume", "cases"):
            mine = next((c for c in p.changes if c.input == input_id), None)
            expected = brute_force(ruleset, evaluation, p.above, p.below, input_id)
            got = (None, None) if mine is None else (mine.by, mine.overtakes_by)
            assert got == expected, (p.above, p.below, input_id)
            assert (mine is None) == (input_id in p.none)


def test_suffix_folds_add_as_the_reference_folds() -> None:
    """Floats whose sum depends on the order of the additions: each row exactly Python's left-to-right sum."""
    rng = np.random.default_rng(7)
    values = rng.random(300) * 10.0 ** rng.integers(-3, 6, 300)
    positions = rng.integers(0, 300, 500)
    starts = rng.random(500) * 1000
    expected = [
        functools.reduce(operator.add, values[p + 1 :].tolist(), s) for p, s in zip(positions, starts, strict=True)
    ]
    assert suffix_folds(values, positions, starts).tolist() == expected
    forward = functools.reduce(operator.add, values.tolist(), 0.0)
    assert forward != functools.reduce(operator.add, values.tolist()[::-1], 0.0)  # the order matters here
