"""Counting an order export end to end (engine/orders/run.py, checks.py, the pipeline hook).

Expectations come from hand counts written here, from the published files (the seed's per-unit inputs and its
published table), or from the reference counter (engine/orders/reference.py) over rows this file reads with the
csv module and formats.parse_python: never from run.py.  The bad exports are golden cases under
tests/cases/orders-bad/orders-check-*.csv, each with its .codes; their exact messages are asserted here.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import kaoping
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kaoping.errors import KaopingError, UsageError
from kaoping.evaluate.pipeline import evaluate
from kaoping.orders import formats
from kaoping.orders.ir import Col, Compare, Text, Window
from kaoping.orders.model import Orders
from kaoping.orders.reference import count_reference, kept_rows
from kaoping.orders.run import Counted, OrdersRun, count_export, counted_table, counting, window_of
from kaoping.orders.sql import check_names
from kaoping.ruleset.model import Ruleset

from .conftest import ROOT

EXPORT = ROOT / "examples" / "jintai-orders-2024-02.csv"
SEED_INPUTS = ROOT / "rulesets" / "jintai-hotline" / "cases" / "2024-02-input.csv"
SEED_PUBLISHED = ROOT / "rulesets" / "jintai-hotline" / "cases" / "2024-02-published.csv"
CASES = ROOT / "tests" / "cases" / "orders-bad"
FEB = Window("2024-02", datetime(2024, 2, 1), datetime(2024, 3, 1))


@pytest.fixture(scope="module")
def jintai() -> Ruleset:
    return kaoping.load("jintai-orders@2024.02").model


# ---- the independent reader: the csv module and formats.parse_python ----


def _typed(kind: str, places: int, fmts: Sequence[str], text: str | None) -> Any:
    cell = (text or "").strip(formats.TRIM)
    if not cell:
        return None
    if kind == "datetime":
        return formats.parse_python(cell, fmts)
    if kind == "integer":
        return int(cell)
    if kind == "number":
        return Decimal(cell)
    return cell


def reference_rows(path: Path, o: Orders) -> list[dict[str, Any]]:
    """The export's data rows typed by column id (header on line 1, blank rows skipped)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        header, *body = list(csv.reader(f))
    at = {c.id: next((header.index(h) for h in c.headers if h in header), None) for c in o.columns}
    rows = []
    for cells in body:
        if not any(x.strip() for x in cells):
            continue
        row = {}
        for c in o.columns:
            i = at[c.id]
            text = cells[i] if i is not None else (None if c.default is None else str(c.default))
            row[c.id] = _typed(c.type, c.places, c.formats, text)
        rows.append(row)
    return rows


def reference_values(o: Orders, w: Window, rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, int | float]]:
    """unit -> input -> value by count_reference, with means and if_none applied by hand (Fraction, not run.py)."""
    out: dict[str, dict[str, int | float]] = {}
    for unit, got in count_reference(o, w, rows).counts.items():
        values: dict[str, int | float] = {}
        for m in o.measures:
            if m.function == "mean":
                total, n = got[f"{m.input}__sum"], got[f"{m.input}__n"]
                assert isinstance(n, int)
                values[m.input] = float(Fraction(total) / n) if n else m.if_none  # type: ignore[arg-type]
            else:
                v = got[m.input]
                values[m.input] = m.if_none if v is None else (float(v) if isinstance(v, Decimal) else v)  # type: ignore[assignment]
        out[unit] = values
    return out


def as_dict(counted: Counted) -> dict[str, dict[str, int | float]]:
    return {u: dict(v) for u, v in zip(counted.units, counted.values, strict=True)}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# ---- the example: the seed's inputs and its published table ----


def test_the_example_counts_the_seeds_six_inputs_for_all_32_units(jintai: Ruleset) -> None:
    counted = count_export(jintai, EXPORT, OrdersRun("2024-02"), "examples/jintai-orders-2024-02.csv")
    by_label = {i.label: i.id for i in jintai.inputs}
    seed = read_csv(SEED_INPUTS)
    assert counted.units == tuple(r["部门名称"] for r in seed)
    expected = [{by_label[k]: int(v) for k, v in r.items() if k != "部门名称"} | {"reworks": 0} for r in seed]
    assert [dict(v) for v in counted.values] == expected
    assert all(type(v) is int for unit in counted.values for _, v in unit)


def test_the_example_says_what_it_counted_in_one_note(jintai: Ruleset) -> None:
    counted = count_export(jintai, EXPORT, OrdersRun("2024-02"), "t.csv")
    checks = count_reference(jintai.orders, FEB, reference_rows(EXPORT, jintai.orders)).checks  # type: ignore[arg-type]
    assert (checks["kp_rows"], checks["kp_merged"], checks["kp_dated_in_period"]) == (1945, 3, 1226)
    left = ", ".join(f"{e.label} {checks[f'kp_excluded_{i}']}" for i, e in enumerate(jintai.orders.exclusions, 1))  # type: ignore[union-attr]
    assert counted.notes == (
        "t.csv: 1,945 rows; 3 orders exported more than once counted once (the copy with the latest 更新时间); "
        f"left out before counting: {left}; 1,226 orders due in 2024-02",
        "t.csv: columns not used by jintai-orders@2024.02: 诉求标题",
    )
    assert left == "作废 16, 无效或非受理范围 10, 重复件 8, 热线直接办结（未派单） 150"
    assert (counted.merged, counted.kept, counted.dated_in_period) == (3, checks["kp_kept"], 1226)
    assert counted.excluded == (("作废", 16), ("无效或非受理范围", 10), ("重复件", 8), ("热线直接办结（未派单）", 150))


def test_evaluating_the_example_gives_the_published_table(jintai: Ruleset) -> None:
    evaluation = evaluate(jintai, EXPORT, "examples/jintai-orders-2024-02.csv", orders=OrdersRun("2024-02"))
    published = read_csv(SEED_PUBLISHED)
    assert len(evaluation.ranked) == len(published) == 32
    for row, unit in zip(published, evaluation.ranked, strict=True):
        assert (unit.rank, unit.entity) == (int(row["rank"]), row["department"])
        for column, shown in row.items():
            if column not in ("rank", "department"):
                assert unit.display[column] == shown, (unit.entity, column)
                assert len(unit.display[column].split(".")[1]) == 2
    table = evaluation.table
    assert table.path == "examples/jintai-orders-2024-02.csv" and table.ignored_columns == ("诉求标题",)
    assert table.notes[0].startswith("examples/jintai-orders-2024-02.csv: 1,945 rows; ")
    assert len(table.notes) == 1  # the ignored column is told once, from ignored_columns


def test_an_export_without_a_period_is_refused_and_a_unit_table_reads_as_before(jintai: Ruleset) -> None:
    with pytest.raises(UsageError) as refused:
        evaluate(jintai, EXPORT)
    assert refused.value.code == "cli.period-needed"
    assert str(refused.value) == "an order export is counted for one month: give --period YYYY-MM"
    plain = evaluate(jintai, SEED_INPUTS)  # jintai-orders still reads a per-unit table
    assert [u.entity for u in plain.ranked] == [r["department"] for r in read_csv(SEED_PUBLISHED)]


def test_window_of_is_the_half_open_month() -> None:
    assert window_of("2024-02") == FEB
    assert window_of("2024-12") == Window("2024-12", datetime(2024, 12, 1), datetime(2025, 1, 1))
    for bad in ("2024-13", "2024-2", "24-02", "2024-00"):
        with pytest.raises(ValueError):
            window_of(bad)


# ---- every construct on a hand-made export ----

CONSTRUCTS = """\
schema: 1
name: orders-constructs
version: "1"
title: 工单计数（构造）
effective: "2024-02-01"
entity: {key: department, label: 部门}
inputs:
  - {id: department, type: text, label: 部门名称}
  - {id: due, type: integer, label: 应办结, min: 0}
  - {id: closed, type: integer, label: 办结, min: 0, max: due}
  - {id: channels, type: integer, label: 渠道数}
  - {id: mean_score, type: number, label: 平均评分}
  - {id: fastest, type: integer, label: 最短时长}
  - {id: slowest, type: integer, label: 最长时长}
  - {id: hours, type: integer, label: 总时长}
  - {id: returns, type: integer, label: 退单数}
  - {id: bonus, type: number, label: 加分, default: 0}
indicators:
  - {id: completion, label: 办结率, weight: 100, formula: "weight * ratio(closed, due, 1)"}
total: {max: 100}
rounding: {places: 2}
ranking: {}
orders:
  columns:
    - {id: order_id, type: id, label: 工单编号}
    - {id: unit, type: text, label: 承办单位}
    - {id: channel, type: text, label: 工单来源, aliases: [渠道], values: [热线, 网络, 信件]}
    - {id: status, type: text, label: 工单状态, values: [处理中, 已办结, 作废], filled: true}
    - {id: mark, type: text, label: 工单标记, values: [重复件]}
    - {id: deadline, type: datetime, label: 办理时限}
    - {id: closed_at, type: datetime, label: 办结时间}
    - {id: updated_at, type: datetime, label: 更新时间, filled: true}
    - {id: handling, type: integer, label: 处理时长, default: 0}
    - {id: score, type: number, label: 回访评分, places: 1}
    - {id: returned_by, type: text, label: 退单单位}
  keys: {order: order_id, unit: unit}
  duplicates: {keep: latest, by: updated_at}
  exclude:
    - {label: 作废, when: "status == '作废'"}
    - {label: 重复件, when: "mark == '重复件'"}
  period: {dated_by: deadline}
  checks:
    - {label: 办结时间不得晚于更新时间, when: "empty(closed_at) or closed_at <= updated_at"}
  units:
    - A局
    - {name: B局, aliases: [B]}
    - C局
  conditions:
    - {id: is_due, label: 应办结, when: "deadline in period"}
  measures:
    - {input: due, function: count, where: is_due}
    - {input: closed, function: count, where: "is_due and status == '已办结'"}
    - {input: channels, function: count_distinct, of: channel, where: is_due}
    - {input: mean_score, function: mean, of: score, where: is_due, if_none: 0}
    - {input: fastest, function: min, of: handling, where: is_due, if_none: 7}
    - {input: slowest, function: max, of: handling, where: is_due, if_none: 8}
    - {input: hours, function: sum, of: handling, where: is_due}
    - {input: returns, function: count, unit: returned_by, where: "filled(returned_by)"}
  ledgers:
    - {id: ledger, label: 加减分台账, inputs: [bonus]}
"""

HEADER = "工单编号,承办单位,渠道,工单状态,工单标记,办理时限,办结时间,更新时间,处理时长,回访评分,退单单位"
ROWS = [
    # O1 twice, identical: counted once
    "O1,A局,热线,已办结,,2024-02-05 18:00:00,2024-02-05 10:00:00,2024-02-06 00:00:00,5,4.5,",
    "O1,A局,热线,已办结,,2024-02-05 18:00:00,2024-02-05 10:00:00,2024-02-06 00:00:00,5,4.5,",
    # O2: the older copy first (处理中), the latest 更新时间 wins (已办结); returned by B (alias of B局)
    "O2,A局,网络,处理中,,2024/2/10 18:00,,2024-02-03 00:00:00,3,,B",
    "O2,A局,网络,已办结,,2024/2/10 18:00,2024-02-09T10:00,2024-02-11 00:00:00,3,3.0,B",
    # O3 through the alias B, due at the window's last second
    "O3,B,热线,已办结,,2024-02-29 23:59:59,2024-02-20 10:00:00,2024-03-01 00:00:00,10,5.0,",
    # O4 due at the window's end: not due
    "O4,B局,热线,已办结,,2024-03-01 00:00:00,2024-02-20 10:00:00,2024-03-02 00:00:00,8,4.0,",
    # O5 due at the window's start; no score
    "O5,B局,信件,已办结,,2024-02-01 00:00:00,2024-01-31 10:00:00,2024-02-01 00:00:00,2,,",
    # O6: its newer copy is 作废, so the order is left out
    "O6,A局,热线,已办结,,2024-02-15 18:00:00,2024-02-14 10:00:00,2024-02-16 00:00:00,1,1.0,",
    "O6,A局,热线,作废,,2024-02-15 18:00:00,2024-02-14 10:00:00,2024-02-17 00:00:00,1,1.0,",
    # O7 重复件; O8 作废 and 重复件 (the first exclusion names it)
    "O7,A局,网络,已办结,重复件,2024-02-12 18:00:00,2024-02-11 10:00:00,2024-02-12 00:00:00,1,2.0,",
    "O8,A局,网络,作废,重复件,2024-02-12 18:00:00,,2024-02-12 00:00:00,1,,",
    # O9 due in January, returned by A局
    "O9,B局,网络,处理中,,2024-01-31 23:59:59,,2024-02-01 00:00:00,1,,A局",
]
HAND = {  # counted by hand from the rows above
    "A局": {"due": 2, "closed": 2, "channels": 2, "mean_score": 3.75, "fastest": 3, "slowest": 5, "hours": 8},
    "B局": {"due": 2, "closed": 2, "channels": 2, "mean_score": 5.0, "fastest": 2, "slowest": 10, "hours": 12},
    "C局": {"due": 0, "closed": 0, "channels": 0, "mean_score": 0, "fastest": 7, "slowest": 8, "hours": 0},
}
RETURNS = {"A局": 1, "B局": 1, "C局": 0}


@pytest.fixture(scope="module")
def constructs() -> Ruleset:
    return kaoping.loads(CONSTRUCTS).model


def write(path: Path, header: str, rows: Sequence[str]) -> Path:
    path.write_text("\r\n".join([header, *rows]) + "\r\n", encoding="utf-8")
    return path


def test_every_construct_against_hand_counts(constructs: Ruleset, tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", HEADER, ROWS)
    counted = count_export(constructs, path, OrdersRun("2024-02"), "t.csv")
    assert counted.units == ("A局", "B局", "C局")  # the list's order; C局 has no orders and gets its row
    want = {u: {**HAND[u], "returns": RETURNS[u], "bonus": 0} for u in HAND}
    assert as_dict(counted) == want
    assert (counted.merged, counted.excluded, counted.kept, counted.dated_in_period) == (
        3,
        (("作废", 2), ("重复件", 1)),
        6,
        4,
    )
    assert counted.notes == (
        "t.csv: 12 rows; 3 orders exported more than once counted once (the copy with the latest 更新时间); "
        "left out before counting: 作废 2, 重复件 1; 4 orders due in 2024-02",
    )
    assert as_dict(counted) == {
        u: {**v, "bonus": 0}
        for u, v in reference_values(constructs.orders, FEB, reference_rows(path, constructs.orders)).items()  # type: ignore[arg-type]
    }


def test_without_a_units_list_the_units_are_the_exports_in_code_point_order(
    constructs: Ruleset, tmp_path: Path
) -> None:
    o = constructs.orders
    assert o is not None
    model = replace(constructs, orders=replace(o, units=None))
    path = write(tmp_path / "t.csv", HEADER, ROWS)
    counted = count_export(model, path, OrdersRun("2024-02"), "t.csv")
    # no aliases without the list: B is a unit of its own; C局 is named by no order
    assert counted.units == ("A局", "B", "B局")
    got = as_dict(counted)
    assert got["B"]["due"] == 1 and got["B局"]["due"] == 1 and got["B"]["returns"] == 1 and got["B局"]["returns"] == 0


def test_a_ledger_gives_its_inputs_by_unit_and_alias_and_the_default_elsewhere(
    constructs: Ruleset, tmp_path: Path
) -> None:
    path = write(tmp_path / "t.csv", HEADER, ROWS)
    ledger = write(tmp_path / "bonus.csv", "部门名称,加分", ["A局,2.5", "B,1"])
    run = OrdersRun("2024-02", ledgers=(("ledger", ledger),))
    got = as_dict(count_export(constructs, path, run, "t.csv"))
    assert {u: v["bonus"] for u, v in got.items()} == {"A局": 2.5, "B局": 1, "C局": 0}
    evaluation = evaluate(constructs, path, "t.csv", orders=run)
    assert {u.entity: u.inputs["bonus"] for u in evaluation.ranked} == {"A局": 2.5, "B局": 1, "C局": 0}


def test_a_ledger_naming_no_unit_is_refused_at_its_row(constructs: Ruleset, tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", HEADER, ROWS)
    ledger = write(tmp_path / "bonus.csv", "部门名称,加分", ["A局,2.5", "C局办,1"])
    with pytest.raises(KaopingError) as refused:
        count_export(constructs, path, OrdersRun("2024-02", ledgers=(("ledger", ledger),)), "t.csv")
    (p,) = refused.value.problems
    assert (p.code, p.file, p.line) == ("export.unknown-unit", str(ledger), 3)
    assert p.message == "部门名称 'C局办' is not a unit of orders-constructs@1"
    assert p.hint == "did you mean C局? add it to orders.units, or as an alias there"


def test_counted_values_go_through_the_unit_tables_bounds(constructs: Ruleset, tmp_path: Path) -> None:
    # `closed` counted without is_due: B局 then has 3 closed of 2 due, which closed's `max: due` refuses
    o = constructs.orders
    assert o is not None
    closed = replace(o.measures[1], where=Compare("==", Col("status", "text"), Text("已办结")))
    model = replace(constructs, orders=replace(o, measures=(o.measures[0], closed, *o.measures[2:])))
    path = write(tmp_path / "t.csv", HEADER, ROWS)
    counted = count_export(model, path, OrdersRun("2024-02"), "t.csv")
    assert dict(counted.values[1])["closed"] == 3
    with pytest.raises(KaopingError) as refused:
        counted_table(model, counted)
    (p,) = refused.value.problems
    assert p.file == "counted from t.csv" and p.message.startswith("unit B局: ")
    assert "办结" in p.message and p.code.startswith("data.")


def test_counting_hands_explain_the_loaded_table(constructs: Ruleset, tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", HEADER, ROWS)
    with counting(constructs, path, OrdersRun("2024-02"), "t.csv") as session:
        assert session.window == FEB and session.loaded.rows == 12
        assert session.con.execute("SELECT count(*) FROM orders").fetchone() == (12,)


# ---- the checks: every problem at its row, with its exact words (tests/cases/orders-bad) ----

CHECK_CASES = {
    "orders-check-duplicate-conflict": [
        (
            2,
            0,
            "the order JT1 is exported twice with the same 更新时间 2024-02-05 10:00:00 but different 工单状态 "
            "(row 2: 已办结, row 4: 处理中)",
            "kaoping cannot tell which copy counts: delete the wrong copy from the export",
        ),
    ],
    "orders-check-empty-cell": [
        (2, 1, "工单编号 is empty", "every row needs its 工单编号: fill it in, or delete the row"),
        (
            3,
            4,
            "承办单位 is empty (the order is not left out by orders.exclude)",
            "fill in 承办单位, or leave such orders out with an orders.exclude rule",
        ),
    ],
    "orders-check-failed": [
        (
            3,
            10,
            "办理时限不得早于派单时间: 办理时限 2024-02-01 09:00:00, 派单时间 2024-02-03 10:00:00",
            "fix the export, or change orders.checks[1]",
        ),
        (
            4,
            13,
            "退单时间不得早于首次派单时间: 退单时间 2024-02-02 09:00:00, 首次派单时间 2024-02-03 10:00:00",
            "fix the export, or change orders.checks[2]",
        ),
    ],
    "orders-check-unknown-unit": [
        (
            2,
            4,
            "承办单位 '区林业站' is not a unit of jintai-orders@2024.02 (2 orders, first at row 2)",
            "did you mean 区林业局? add it to orders.units, or as an alias there",
        ),
        (
            3,
            12,
            "退单单位 '区残连' is not a unit of jintai-orders@2024.02 (1 order, at row 3)",
            "did you mean 区残联? add it to orders.units, or as an alias there",
        ),
    ],
    "orders-check-outside-calendar": [
        (
            2,
            8,
            "首次派单时间 2022-12-30 10:00:00 is outside the calendar (2023–2024)",
            "add 2022 to calendar.years with its holidays",
        ),
    ],
    "orders-check-empty-period": [
        (
            0,
            0,
            "no order's 办理时限 falls in 2024-02; the export covers 2024-01 (2 orders), 2024-03 (1)",
            "give one of those months as --period",
        ),
    ],
    "orders-check-together": [
        (2, 1, "工单编号 is empty", "every row needs its 工单编号: fill it in, or delete the row"),
        (
            3,
            0,
            "the order JT3 is exported twice with the same 更新时间 2024-02-05 10:00:00 but different 办结时间 "
            "(row 3: 2024-02-05 10:00:00, row 6: (empty))",
            "kaoping cannot tell which copy counts: delete the wrong copy from the export",
        ),
        (
            4,
            4,
            "承办单位 '区林业站' is not a unit of jintai-orders@2024.02 (1 order, at row 4)",
            "did you mean 区林业局? add it to orders.units, or as an alias there",
        ),
        (
            5,
            10,
            "办理时限不得早于派单时间: 办理时限 2024-02-01 09:00:00, 派单时间 2024-02-03 10:00:00",
            "fix the export, or change orders.checks[1]",
        ),
    ],
}


def pinned(case: Path) -> list[str]:
    return case.with_suffix(".codes").read_text(encoding="utf-8").split()


def test_every_check_case_has_its_codes_and_its_assertions() -> None:
    cases = sorted(p.stem for p in CASES.glob("orders-check-*.csv"))
    assert cases == sorted(CHECK_CASES)
    assert all((CASES / f"{c}.codes").is_file() for c in cases)


@pytest.mark.parametrize("name", sorted(CHECK_CASES))
def test_each_check_problem_is_told_at_its_row_in_its_words(jintai: Ruleset, name: str) -> None:
    case = CASES / f"{name}.csv"
    display = f"tests/cases/orders-bad/{name}.csv"
    with pytest.raises(KaopingError) as refused:
        count_export(jintai, case, OrdersRun("2024-02"), display)
    problems = refused.value.problems
    assert list(refused.value.codes) == pinned(case)
    assert [(p.line, p.col, p.message, p.hint) for p in problems] == CHECK_CASES[name]
    assert all(p.file == display for p in problems)


def test_problems_are_capped_at_100_and_an_unknown_unit_is_told_once(jintai: Ruleset, tmp_path: Path) -> None:
    header = (CASES / "orders-check-failed.csv").read_text(encoding="utf-8").splitlines()[0]
    good = "JT{n},12345热线,投诉,{unit},已办结,,2024-02-01 09:00:00,2024/2/3 10:00,2024/2/3 10:00,{deadline},,,,否,0,2024-02-05 11:00:00"
    rows = [good.format(n=n, unit="区林业局", deadline="2024-02-01 09:00:00") for n in range(150)]
    rows += [good.format(n=n, unit="区林业站", deadline="2024-02-08 18:00:00") for n in range(150, 300)]
    path = write(tmp_path / "t.csv", header, rows)
    with pytest.raises(KaopingError) as refused:
        count_export(jintai, path, OrdersRun("2024-02"), "t.csv")
    error = refused.value
    assert len(error.problems) == 100 and error.total == 151
    assert [p.line for p in error.problems] == list(range(2, 102))
    assert set(error.codes) == {"export.check-failed"}
    with pytest.raises(KaopingError) as only_units:
        count_export(jintai, write(tmp_path / "u.csv", header, rows[150:]), OrdersRun("2024-02"), "u.csv")
    (p,) = only_units.value.problems
    assert p.message == "承办单位 '区林业站' is not a unit of jintai-orders@2024.02 (150 orders, first at row 2)"


# ---- differential: the DuckDB path == the csv module + count_reference, problems included ----

UNITS = ("A局", "B", "B局", "C局", "D局")  # D局 is no unit
STAMPS = [
    datetime(2024, m, d, h, mi)
    for m, d, h, mi in [(1, 31, 23, 59), (2, 1, 0, 0), (2, 10, 9, 30), (2, 29, 23, 59), (3, 1, 0, 0)]
]
WRITTEN = ("%Y-%m-%d %H:%M:%S", "%Y/%-m/%-d %H:%M", "%Y-%m-%dT%H:%M")


@st.composite
def exports(draw: st.DrawFn) -> list[str]:
    n = draw(st.integers(20, 200))
    clean = draw(st.booleans())  # half the files have no problem, so the counts are compared too
    rows = []
    for i in range(n):
        order = f"O{draw(st.integers(0, n // 2))}"
        unit = draw(st.sampled_from(UNITS[:4] if clean else UNITS))

        def moment(empty: bool = True) -> str:
            if empty and draw(st.integers(0, 4)) == 0:
                return ""
            return draw(st.sampled_from(STAMPS)).strftime(draw(st.sampled_from(WRITTEN)))

        updated = draw(st.sampled_from(STAMPS)).replace(minute=draw(st.integers(0, 59) if clean else st.just(0)))
        cells = [
            order if clean or draw(st.integers(0, 30)) else "",
            unit,
            draw(st.sampled_from(["热线", "网络", "信件", ""])),
            draw(st.sampled_from(["处理中", "已办结", "作废"])),
            draw(st.sampled_from(["", "", "重复件"])),
            moment(),
            moment() if clean is False else "",
            updated.strftime("%Y-%m-%d %H:%M:%S"),
            str(draw(st.integers(-3, 40))),
            draw(st.sampled_from(["", "3.5", "4", "-1.0", "5.0"])),
            draw(st.sampled_from(["", "", "A局", "B"])),
        ]
        rows.append(",".join(cells))
        if draw(st.integers(0, 6)) == 0:
            rows.append(rows[-1])  # an identical copy
        _ = i
    return rows


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(rows=exports())
def test_duckdb_path_equals_the_reference_on_generated_exports(
    constructs: Ruleset, tmp_path_factory: pytest.TempPathFactory, rows: list[str]
) -> None:
    o = constructs.orders
    assert o is not None
    path = write(tmp_path_factory.mktemp("gen") / "t.csv", HEADER, rows)
    typed = reference_rows(path, o)
    checks = count_reference(o, FEB, typed).checks
    problems = {
        "kp_conflicts": "export.duplicate-conflict",
        "kp_empty_": "export.empty-cell",
        "kp_fail_": "export.check-failed",
        "kp_unknown_": "export.unknown-unit",
    }
    expected = {
        code for name in check_names(o) for prefix, code in problems.items() if name.startswith(prefix) and checks[name]
    }
    if not expected and checks["kp_dated_in_period"] == 0:
        expected = {"export.empty-period"}
    kept = kept_rows(o, FEB, typed, {})
    names = {u.name for u in o.units or ()} | {a for u in o.units or () for a in u.aliases}
    unknown = sum(len({r[c] for r in kept if r[c] is not None and r[c] not in names}) for c in ("unit", "returned_by"))
    located = sum(checks[n] for n in check_names(o) if n.startswith(("kp_conflicts", "kp_empty_", "kp_fail_")))
    try:
        counted = count_export(constructs, path, OrdersRun("2024-02"), "t.csv")
    except KaopingError as e:
        assert set(e.codes) == expected
        if expected != {"export.empty-period"}:
            assert e.total == located + unknown and len(e.problems) == min(e.total, 100)
        return
    assert expected == set()
    assert as_dict(counted) == {u: {**v, "bonus": 0} for u, v in reference_values(o, FEB, typed).items()}
    assert (counted.merged, counted.kept, counted.dated_in_period) == (
        checks["kp_merged"],
        checks["kp_kept"],
        checks["kp_dated_in_period"],
    )
