"""Properties every shipped ruleset must have, on input tables hypothesis makes up.

Each ruleset's inputs and their bounds are written here as its YAML declares
them (a generated table is always valid), and so is what each indicator may
score -- literals copied from the YAML with the line they come from, never
read from the engine's model:

- jintai-hotline@2024.02: six `score` indicators, each in [0, weight]; no
  floor is declared, so the total is in [0, 100] (each score is at least 0).
- city-hotline@2025.01: five `penalty` indicators, each in [-cap, 0] (a
  penalty's score is the negative points deducted, at most its weight), one
  `bonus` in [0, 5]; 县区组 has full marks 150 and an unfinished cap of 60;
  `total: {cap: true, floor: 0}`: the total is in [0, the group's max].
- rate-hotline@2025.01: five `score` indicators, each in [0, weight]; the
  total is in [0, 100].

The roles the monotonicity properties need, ruleset by ruleset:

- on-time closures: jintai-hotline's `on_time` (按期办结工单数); city-hotline
  has no on-time count, but `completed` (办结数) less `overdue` (超期件数) is
  the orders closed on time, so one more on-time closure with everything else
  equal is one fewer `overdue`; rate-hotline has only rates, no closure
  counts, so the property does not apply to it.
- alerts: only jintai-hotline has them (`alerts`, 告警工单数).  Its other
  adverse counts (`overdue_returns`, `reworks`) and city-hotline's
  (`nonstandard`, `overdue`) get the same "never raises the total" check.
- rate-hotline gets its own: a higher rate never lowers the total.

Every property runs on a database-free, derandomized profile, so CI sees the
same examples on every run.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kaoping.evaluate.pipeline import evaluate
from kaoping.evaluate.ranking import Evaluation, UnitResult
from kaoping.outputs.machine import to_json
from kaoping.ruleset.load import load_ruleset

from .conftest import ROOT

PROPERTY = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI is reproducible
    database=None,  # no .hypothesis/ folder, no examples carried over from an earlier run
    suppress_health_check=[HealthCheck.too_slow],
)

Row = dict[str, int | str]


@dataclass(frozen=True)
class Shipped:
    """One shipped ruleset as these tests see it: its file, its CSV header, and what it may score."""

    ref: str
    path: Path
    header: tuple[tuple[str, str], ...]  # (input id, the column label the CSV gets), in order
    bounds: Callable[[str | None], dict[str, tuple[float, float]]]  # group -> indicator -> (lowest, highest)
    total: Callable[[str | None], tuple[float, float]]  # group -> (floor, max)
    ties: str  # ranking.ties
    tie_key: Callable[[UnitResult], tuple]  # what the ruleset ranks on: units with equal keys are exactly tied


def _jintai_bounds(group: str | None) -> dict[str, tuple[float, float]]:
    # rulesets/jintai-hotline/2024.02.yaml, indicators: completion 35, timeliness 40, overdue_return 5,
    # alert 10, workload 5, rework 5 (all kind: score)
    return {
        "completion": (0, 35),
        "timeliness": (0, 40),
        "overdue_return": (0, 5),
        "alert": (0, 10),
        "workload": (0, 5),
        "rework": (0, 5),
    }


def _city_bounds(group: str | None) -> dict[str, tuple[float, float]]:
    # rulesets/city-hotline/2025.01.yaml: penalties unfinished 40 (县区组: weights {unfinished: 60}),
    # first_contact_shortfall 20, dissatisfaction 20, nonstandard_replies 10, overdue_orders 10; bonus commendation 5
    unfinished = 60 if group == "县区组" else 40
    return {
        "unfinished": (-unfinished, 0),
        "first_contact_shortfall": (-20, 0),
        "dissatisfaction": (-20, 0),
        "nonstandard_replies": (-10, 0),
        "overdue_orders": (-10, 0),
        "commendation": (0, 5),
    }


def _rate_bounds(group: str | None) -> dict[str, tuple[float, float]]:
    # rulesets/rate-hotline/2025.01.yaml: completion 20, first_contact 25, satisfaction 20, all_round 15, response 20
    return {
        "completion": (0, 20),
        "first_contact": (0, 25),
        "satisfaction": (0, 20),
        "all_round": (0, 15),
        "response": (0, 20),
    }


JINTAI = Shipped(
    "jintai-hotline@2024.02",
    ROOT / "rulesets" / "jintai-hotline" / "2024.02.yaml",
    (("department", "部门名称"), ("due", "应办结工单数"), ("completed", "办结工单数"), ("on_time", "按期办结工单数"),
     ("overdue_returns", "逾期退单工单数"), ("alerts", "告警工单数"), ("reworks", "返工工单数")),
    _jintai_bounds,
    lambda group: (0, 100),  # total.max 100, no floor: the sum of six scores that are each at least 0
    "sequential",
    lambda u: (u.total,),  # ranking.by total, on the unrounded total
)  # fmt: skip

CITY = Shipped(
    "city-hotline@2025.01",
    ROOT / "rulesets" / "city-hotline" / "2025.01.yaml",
    (("unit", "单位名称"), ("group", "分组"), ("due", "应办结数"), ("completed", "办结数"), ("first_contact", "一次性办结数"),
     ("visited", "回访数"), ("satisfied", "满意数"), ("nonstandard", "不规范答复数"), ("overdue", "超期件数"), ("commended", "表扬件数")),
    _city_bounds,
    lambda group: (0, 150 if group == "县区组" else 100),  # total.floor 0; max 100, 县区组 150
    "shared",
    lambda u: (u.group, u.total),  # ranking.within group, on the unrounded total
)  # fmt: skip

RATE = Shipped(
    "rate-hotline@2025.01",
    ROOT / "rulesets" / "rate-hotline" / "2025.01.yaml",
    (("unit", "单位"), ("orders", "工单量"), ("completion_rate", "办结率"), ("first_rate", "一次性办结率"),
     ("visit_rate", "回访率"), ("satisfaction_rate", "满意率"), ("response_rate", "响应及时率")),
    _rate_bounds,
    lambda group: (0, 100),  # total.max 100
    "shared",
    # ranking: {on: display, tie_break: [satisfaction, first_contact]}
    lambda u: (u.display["total"], u.scores["satisfaction"], u.scores["first_contact"]),
)  # fmt: skip

# jintai-hotline's scoring, its inputs counted from work orders (issue 11); a unit table is still read as is
JINTAI_ORDERS = replace(JINTAI, ref="jintai-orders@2024.02", path=ROOT / "rulesets" / "jintai-orders" / "2024.02.yaml")

SHIPPED = (JINTAI, CITY, RATE, JINTAI_ORDERS)
LOADED = {s.ref: load_ruleset(s.path, str(s.path.relative_to(ROOT))) for s in SHIPPED}


# --- valid tables ------------------------------------------------------------------------------


def up_to(high: int) -> st.SearchStrategy[int]:
    """0..high, often exactly `high` or 0: full marks and empty counts, where caps and floors bind."""
    return st.one_of(st.just(high), st.just(0), st.integers(0, high))


def count(high: int) -> st.SearchStrategy[int]:
    """An adverse count: often none at all."""
    return st.one_of(st.just(0), st.integers(0, high))


@st.composite
def jintai_row(draw) -> Row:
    """min 0 everywhere; completed ≤ due; on_time ≤ completed; reworks defaults to 0."""
    due = draw(st.integers(0, 400))
    completed = draw(up_to(due))
    on_time = draw(up_to(completed))
    return {"due": due, "completed": completed, "on_time": on_time,
            "overdue_returns": draw(count(12)), "alerts": draw(count(4)), "reworks": draw(count(3))}  # fmt: skip


@st.composite
def city_row(draw) -> Row:
    """min 0 everywhere; first_contact and visited ≤ completed; satisfied ≤ visited; completed may exceed due."""
    completed = draw(st.integers(0, 300))
    visited = draw(up_to(completed))
    return {
        "group": draw(st.sampled_from(["县区组", "市直部门组", "功能区"])),
        "due": draw(st.one_of(st.just(completed), st.integers(0, 300))),  # below 20: scored, not ranked
        "completed": completed,
        "first_contact": draw(up_to(completed)),
        "visited": visited,
        "satisfied": draw(up_to(visited)),
        "nonstandard": draw(count(25)),
        "overdue": draw(count(15)),
        "commended": draw(count(8)),
    }


def hundredths(high: int) -> st.SearchStrategy[int]:
    """A rate in hundredths of a per cent (9806 is 98.06%), often at the thresholds the ruleset names."""
    return st.one_of(
        st.integers(0, high * 100), st.sampled_from([x * 100 for x in (70, 85, 90, 95, 96, 98, 100) if x <= high])
    )


@st.composite
def rate_row(draw) -> Row:
    """Percentages: 办结率 0..200 (a backlog cleared), the other rates 0..100; 工单量 min 0."""
    return {
        "orders": draw(st.integers(0, 500)),
        "completion_rate": draw(hundredths(200)),
        "first_rate": draw(hundredths(100)),
        "visit_rate": draw(hundredths(100)),
        "satisfaction_rate": draw(hundredths(100)),
        "response_rate": draw(hundredths(100)),
    }


ROWS = {JINTAI.ref: jintai_row(), CITY.ref: city_row(), RATE.ref: rate_row(), JINTAI_ORDERS.ref: jintai_row()}


@st.composite
def table(draw, shipped: Shipped, min_size: int = 1) -> list[Row]:
    """1 to 10 units, some of them copies of another's numbers: exact ties are common, not rare."""
    fresh = draw(st.lists(ROWS[shipped.ref], min_size=min_size, max_size=10))
    rows = [
        dict(draw(st.sampled_from(fresh[:i])) if i and draw(st.integers(0, 3)) == 0 else row)
        for i, row in enumerate(fresh)
    ]
    key = shipped.header[0][0]
    for i, row in enumerate(rows):
        row[key] = f"单位{i + 1:02d}"
    return rows


def cell(input_id: str, value: int | str) -> str:
    if input_id.endswith("_rate"):  # hundredths of a per cent, written as the platform exports them
        return f"{value // 100}.{value % 100:02d}%"  # type: ignore[operator]
    return str(value)


def csv_text(shipped: Shipped, rows: Sequence[Row]) -> str:
    lines = [",".join(label for _, label in shipped.header)]
    lines += [",".join(cell(i, row[i]) for i, _ in shipped.header) for row in rows]
    return "\n".join(lines) + "\n"


def run(shipped: Shipped, rows: Sequence[Row]) -> Evaluation:
    """The engine in-process: the shipped ruleset, the rows written as a CSV file."""
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "input.csv"
        data.write_text(csv_text(shipped, rows), encoding="utf-8")
        return evaluate(LOADED[shipped.ref], data, "input.csv")


def by_unit(evaluation: Evaluation) -> dict[str, UnitResult]:
    return {u.entity: u for u in evaluation.results}


def every_ruleset(test):
    """Run `test(shipped, rows)` on each shipped ruleset, a table drawn for it."""
    return given(st.sampled_from(SHIPPED).flatmap(lambda s: st.tuples(st.just(s), table(s))))(test)


# --- the properties ----------------------------------------------------------------------------


def test_the_properties_cover_every_shipped_ruleset():
    shipped = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "rulesets").glob("*/*.yaml"))
    assert shipped == sorted(s.path.relative_to(ROOT).as_posix() for s in SHIPPED)


@PROPERTY
@every_ruleset
def test_every_indicator_score_is_within_its_bounds(case):
    shipped, rows = case
    for u in run(shipped, rows).results:
        for indicator, (low, high) in shipped.bounds(u.group).items():
            assert low <= u.scores[indicator] <= high, (u.entity, u.group, indicator, u.scores[indicator])
        assert set(u.scores) == set(shipped.bounds(u.group))


@PROPERTY
@every_ruleset
def test_every_total_is_within_the_floor_and_full_marks(case):
    shipped, rows = case
    for u in run(shipped, rows).results:
        floor, full = shipped.total(u.group)
        assert floor <= u.total <= full, (u.entity, u.group, u.total)


@PROPERTY
@given(st.data())
def test_shuffling_the_rows_changes_no_score_and_no_rank_except_among_exact_ties(data):
    shipped = data.draw(st.sampled_from(SHIPPED))
    rows = data.draw(table(shipped, min_size=2))
    shuffled = data.draw(st.permutations(rows))
    before, after = by_unit(run(shipped, rows)), by_unit(run(shipped, shuffled))
    assert set(before) == set(after)
    for name, u in before.items():
        v = after[name]
        assert (dict(v.scores), v.total, dict(v.display), v.group, v.grade, v.flags) == (
            dict(u.scores),
            u.total,
            dict(u.display),
            u.group,
            u.grade,
            u.flags,
        )
        tied = (
            [w for w in before.values() if w.rank is not None and shipped.tie_key(w) == shipped.tie_key(u)]
            if u.rank is not None
            else [u]
        )
        if shipped.ties == "sequential" and len(tied) > 1:
            # exact ties are numbered in input order: the tied units may swap numbers among themselves, no more
            assert sorted(after[w.entity].rank for w in tied) == sorted(w.rank for w in tied), name
        else:
            assert v.rank == u.rank, (name, u.rank, v.rank)


@PROPERTY
@given(st.data())
def test_shuffling_the_rows_changes_no_list_or_flag(data):
    shipped = data.draw(st.sampled_from([CITY, RATE]))  # the two rulesets that declare lists or flags
    rows = data.draw(table(shipped, min_size=2))
    shuffled = data.draw(st.permutations(rows))

    def members(e: Evaluation) -> tuple:
        lists = {ul.id: sorted(u.entity for u in units) for ul, units in e.lists}
        flags = sorted((f, u.entity) for u in e.results for f in u.flags)
        return lists, flags

    assert members(run(shipped, shuffled)) == members(run(shipped, rows))


@PROPERTY
@given(st.data())
def test_exactly_tied_units_are_numbered_in_input_order_under_sequential_ties(data):
    rows = data.draw(table(JINTAI, min_size=2))  # the one ruleset with ties: sequential
    shuffled = data.draw(st.permutations(rows))
    position = {row["department"]: i for i, row in enumerate(shuffled)}
    ranked = run(JINTAI, shuffled).results
    for a, b in zip(ranked, ranked[1:], strict=False):
        assert b.rank == a.rank + 1
        if a.total == b.total:
            assert position[a.entity] < position[b.entity], (a.entity, b.entity)


@PROPERTY
@every_ruleset
def test_two_runs_give_byte_identical_json(case):
    shipped, rows = case
    first = to_json(run(shipped, rows), "2025-01").encode("utf-8")
    again = to_json(run(shipped, rows), "2025-01").encode("utf-8")
    assert first == again


def changed(rows: list[Row], at: int, **values: int) -> list[Row]:
    """The same table with one unit's inputs changed."""
    return [dict(row, **values) if i == at else row for i, row in enumerate(rows)]


def total_of(shipped: Shipped, rows: list[Row], at: int) -> float:
    return by_unit(run(shipped, rows))[rows[at][shipped.header[0][0]]].total


@st.composite
def one_unit_of(draw, shipped: Shipped, can_change: Callable[[Row], bool]) -> tuple[list[Row], int]:
    """A table and one of its units that the change can be made to."""
    rows = draw(table(shipped).filter(lambda rows: any(can_change(r) for r in rows)))
    at = draw(st.sampled_from([i for i, r in enumerate(rows) if can_change(r)]))
    return rows, at


@PROPERTY
@given(one_unit_of(JINTAI, lambda r: r["on_time"] < r["completed"]), st.integers(1, 50))
def test_jintai_hotline_more_on_time_closures_never_lower_a_units_total(case, more):
    rows, at = case
    u = rows[at]
    better = changed(rows, at, on_time=min(u["completed"], u["on_time"] + more))  # on_time ≤ completed
    assert total_of(JINTAI, better, at) >= total_of(JINTAI, rows, at)


@PROPERTY
@given(one_unit_of(CITY, lambda r: r["overdue"] > 0), st.integers(1, 15))
def test_city_hotline_more_on_time_closures_never_lower_a_units_total(case, more):
    # completed is held: one order closed on time instead of late is one fewer overdue (超期件数)
    rows, at = case
    better = changed(rows, at, overdue=max(0, rows[at]["overdue"] - more))
    assert total_of(CITY, better, at) >= total_of(CITY, rows, at)


@PROPERTY
@given(one_unit_of(JINTAI, lambda r: True), st.integers(1, 5))
def test_jintai_hotline_more_alerts_never_raise_a_units_total(case, more):
    # the district's total of alerts grows with the unit's own: 10 × (1 − (a + k) / (Σ + k)) ≤ 10 × (1 − a / Σ)
    rows, at = case
    worse = changed(rows, at, alerts=rows[at]["alerts"] + more)
    assert total_of(JINTAI, worse, at) <= total_of(JINTAI, rows, at)


@PROPERTY
@given(st.data())
def test_more_of_another_adverse_count_never_raises_a_units_total(data):
    shipped, adverse = data.draw(st.sampled_from([
        (JINTAI, "overdue_returns"), (JINTAI, "reworks"), (CITY, "nonstandard"), (CITY, "overdue"),
    ]))  # fmt: skip
    rows, at = data.draw(one_unit_of(shipped, lambda r: True))
    more = data.draw(st.integers(1, 10))
    worse = changed(rows, at, **{adverse: rows[at][adverse] + more})
    assert total_of(shipped, worse, at) <= total_of(shipped, rows, at), adverse


@PROPERTY
@given(st.data())
def test_rate_hotline_a_higher_rate_never_lowers_a_units_total(data):
    rate, high = data.draw(st.sampled_from([
        ("completion_rate", 20000), ("first_rate", 10000), ("visit_rate", 10000), ("satisfaction_rate", 10000), ("response_rate", 10000),
    ]))  # fmt: skip
    rows, at = data.draw(one_unit_of(RATE, lambda r: r[rate] < high))
    higher = data.draw(st.integers(rows[at][rate] + 1, high))
    better = changed(rows, at, **{rate: higher})
    assert total_of(RATE, better, at) >= total_of(RATE, rows, at), rate


def test_the_generated_tables_are_read_as_written():
    """The CSV these properties write says what the rows say: 98.06% is the rate 98.06, reworks as given."""
    rows = [
        {
            "department": "单位01",
            "due": 10,
            "completed": 9,
            "on_time": 8,
            "overdue_returns": 1,
            "alerts": 0,
            "reworks": 2,
        }
    ]
    assert run(JINTAI, rows).results[0].inputs == {**rows[0]}
    rates = [
        {
            "unit": "单位01",
            "orders": 3,
            "completion_rate": 10250,
            "first_rate": 9806,
            "visit_rate": 10000,
            "satisfaction_rate": 7,
            "response_rate": 0,
        }
    ]
    assert dict(run(RATE, rates).results[0].inputs) == {"unit": "单位01", "orders": 3, "completion_rate": 102.5, "first_rate": 98.06,
                                                         "visit_rate": 100.0, "satisfaction_rate": 0.07, "response_rate": 0.0}  # fmt: skip
