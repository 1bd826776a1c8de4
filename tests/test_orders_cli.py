"""The order-export commands through the CLI: count (4 formats), sql (goldens, re-parsed, run), explain's funnel
and order lists, the usage errors, and no partial output file.

Expectations come from outside the code under test: the seed's unit table (rulesets/jintai-hotline/cases/
2024-02-input.csv), counts made here from the example export with the csv module (the rules restated from the
ruleset's description, below), and a hand-built typed table with hand-counted results for the SQL.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
import sqlglot

from .conftest import ROOT, edited_copy, run_cli

RULESET = "jintai-orders@2024.02"
EXPORT = ROOT / "examples" / "jintai-orders-2024-02.csv"
SEED_INPUT = ROOT / "rulesets" / "jintai-hotline" / "cases" / "2024-02-input.csv"
GOLDEN = Path(__file__).parent / "fixtures" / "orders-sql"
INPUT_IDS = ("due", "completed", "on_time", "overdue_returns", "alerts", "reworks")
HEADER = ["部门名称", "应办结工单数", "办结工单数", "按期办结工单数", "逾期退单工单数", "告警工单数", "返工工单数"]


def seed_counts() -> dict[str, list[int]]:
    """The published inputs per unit (reworks 0: the seed's table has no such column)."""
    with SEED_INPUT.open(encoding="utf-8", newline="") as f:
        return {r["部门名称"]: [int(r[h]) for h in HEADER[1:6]] + [0] for r in csv.DictReader(f)}


def count(*args: str | Path) -> tuple[int, str, str]:
    run = run_cli("count", "-r", RULESET, EXPORT, "--period", "2024-02", *args)
    return run.code, run.out, run.err


# ---- count ----


def test_count_csv_is_the_seed_table_in_table_order():
    code, out, err = count("-f", "csv")
    assert code == 0, err
    assert out.startswith("部门名称,应办结工单数,") and "\r\n" in out and not out.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0] == HEADER
    expected = seed_counts()
    assert [r[0] for r in rows[1:]] == sorted(expected)  # no units list order other than code points here
    got = {r[0]: [int(x) for x in r[1:]] for r in rows[1:]}
    assert got == expected
    assert got["区林业局"] == [7, 7, 6, 1, 0, 0]
    assert got["区人力资源和社会保障局"] == [343, 343, 342, 0, 0, 0]
    assert got["区民政局"] == [1, 1, 1, 0, 0, 0]
    assert "1,226 orders due in 2024-02" in err


def test_count_excel_csv_has_a_bom(tmp_path):
    out = tmp_path / "c.csv"
    code, _, err = count("--excel", "-o", out)
    assert code == 0, err
    raw = out.read_bytes()
    assert raw.startswith("\ufeff部门名称".encode()) and raw.count(b"\r\n") == 33


def test_count_json(tmp_path):
    code, out, err = count("-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["ruleset"] == RULESET and doc["period"] == "2024-02" and doc["engine"] == "duckdb"
    assert doc["window"] == ["2024-02-01 00:00:00", "2024-03-01 00:00:00"]
    assert doc["input"]["rows"] == 1945 and doc["input"]["due_in_period"] == 1226
    assert doc["input"]["path"] == str(EXPORT)
    units = {u["department"]: [u[i] for i in INPUT_IDS] for u in doc["units"]}
    assert units == seed_counts()


def test_count_xlsx_one_header_row_over_numbers(tmp_path):
    from python_calamine import CalamineWorkbook

    out = tmp_path / "c.xlsx"
    code, _, err = count("-o", out)
    assert code == 0, err
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[0] == HEADER
    got = {r[0]: r[1:] for r in rows[1:]}
    assert len(got) == 32
    assert all(isinstance(v, (int, float)) for r in got.values() for v in r)
    assert {u: [int(v) for v in r] for u, r in got.items()} == seed_counts()


def test_count_table_on_the_screen():
    code, out, err = count()
    assert code == 0, err
    lines = out.splitlines()
    assert lines[1].split() == HEADER
    forestry = next(line for line in lines if line.startswith("区林业局"))
    assert forestry.split() == ["区林业局", "7", "7", "6", "1", "0", "0"]


def test_count_then_evaluate_gives_the_exports_results(tmp_path):
    out = tmp_path / "c.csv"
    assert count("-o", out)[0] == 0
    from_export = run_cli("evaluate", "-r", RULESET, EXPORT, "--period", "2024-02", "-f", "json")
    from_counts = run_cli("evaluate", "-r", RULESET, out, "-f", "json", "--period", "2024-02")
    assert from_export.code == 0 and from_counts.code == 0, from_export.err + from_counts.err
    a, b = json.loads(from_export.out), json.loads(from_counts.out)
    assert len(a["results"]) == 32
    assert a["results"] == b["results"]


def test_count_refuses_a_unit_table():
    run = run_cli("count", "-r", RULESET, SEED_INPUT, "--period", "2024-02")
    assert run.code == 1
    assert "its header has no 工单编号; count reads an order export" in run.err
    assert run.out == ""


def test_count_needs_a_ruleset_with_orders():
    run = run_cli("count", "-r", "jintai-hotline@2024.02", EXPORT, "--period", "2024-02")
    assert run.code == 1 and "has no orders: section" in run.err


def test_no_partial_file_when_the_export_is_bad(tmp_path):
    text = EXPORT.read_bytes().decode("utf-8")
    lines = text.split("\r\n")
    cells = lines[5].split(",")
    cells[9] = "2024-02-30 10:00:00"  # 办理时限, a day February never has
    lines[5] = ",".join(cells)
    bad = tmp_path / "bad.csv"
    bad.write_bytes("\r\n".join(lines).encode("utf-8"))
    for name in ("c.csv", "c.json", "c.xlsx"):
        out = tmp_path / name
        run = run_cli("count", "-r", RULESET, bad, "--period", "2024-02", "-o", out)
        assert run.code == 1, run.err
        assert "bad.csv:6:10:" in run.err
        assert not out.exists() and list(tmp_path.glob(f"*{name}*")) == []
    kept = tmp_path / "kept.csv"
    kept.write_text("before", encoding="utf-8")
    assert run_cli("count", "-r", RULESET, bad, "--period", "2024-02", "-o", kept).code == 1
    assert kept.read_text(encoding="utf-8") == "before"


# ---- usage errors (exit 2) ----


def _usage(*args: str | Path) -> str:
    run = run_cli(*args)
    assert run.code == 2, (run.code, run.err)
    assert run.out == ""
    return run.err


def test_export_without_period_is_a_usage_error():
    err = _usage("evaluate", "-r", RULESET, EXPORT)
    assert "an order export is counted for one month: give --period YYYY-MM" in err
    err = _usage("explain", "-r", RULESET, EXPORT, "区林业局")
    assert "give --period YYYY-MM" in err


def test_master_without_spark():
    err = _usage("evaluate", "-r", RULESET, EXPORT, "--period", "2024-02", "--master", "local[2]")
    assert "--master" in err and "--engine spark" in err


def test_spark_refuses_a_workbook(tmp_path):
    book = tmp_path / "orders.xlsx"
    book.write_bytes(b"")
    err = _usage("count", "-r", RULESET, book, "--period", "2024-02", "--engine", "spark")
    assert "--engine spark reads CSV or Parquet exports, not a workbook" in err


def test_combine_refuses_an_export():
    err = _usage("combine", "-r", RULESET, f"2024-02={EXPORT}")
    assert "kaoping count each month, then combine" in err


def test_input_with_a_bad_form():
    err = _usage("evaluate", "-r", RULESET, EXPORT, "--period", "2024-02", "--input", "bonus.csv")
    assert "is not NAME=PATH" in err


def _with_ledger(tmp_path: Path) -> Path:
    text = (ROOT / "rulesets" / "jintai-orders" / "2024.02.yaml").read_text(encoding="utf-8")
    measure = "    - {input: reworks, function: sum, of: reopened, where: is_due}\n"
    assert measure in text
    text = text.replace(measure, "  ledgers:\n    - {id: bonus, label: 加减分台账, inputs: [reworks]}\n")
    path = tmp_path / "with-ledger.yaml"
    path.write_text(edited_copy(text), encoding="utf-8")
    return path


def test_unknown_ledger_with_a_did_you_mean(tmp_path):
    ruleset = _with_ledger(tmp_path)
    err = _usage("evaluate", "-r", ruleset, EXPORT, "--period", "2024-02", "--input", "bonsu=x.csv")
    assert "has no ledger 'bonsu'" in err and "did you mean 'bonus'?" in err
    err = _usage("count", "-r", RULESET, EXPORT, "--period", "2024-02", "--input", "bonus=x.csv")
    assert "declares no ledgers" in err


def test_a_ledger_fills_its_input(tmp_path):
    ruleset = _with_ledger(tmp_path)
    ledger = tmp_path / "bonus.csv"
    ledger.write_text("部门名称,返工工单数\r\n区林业局,2\r\n区人社局,1\r\n", encoding="utf-8")
    run = run_cli("count", "-r", ruleset, EXPORT, "--period", "2024-02", "-f", "json", "--input", f"bonus={ledger}")
    assert run.code == 0, run.err
    units = {u["department"]: u["reworks"] for u in json.loads(run.out)["units"]}
    assert units["区林业局"] == 2 and units["区人力资源和社会保障局"] == 1  # an alias names the unit
    assert sum(units.values()) == 3


# ---- sql ----


@pytest.mark.parametrize("dialect", ["duckdb", "spark", "trino"])
def test_sql_golden(dialect, tmp_path):
    run = run_cli("sql", "-r", RULESET, "--period", "2024-02", "--dialect", dialect)
    assert run.code == 0, run.err
    assert run.out == (GOLDEN / f"kaoping-sql-{dialect}.sql").read_text(encoding="utf-8")
    assert run.out.startswith(
        f"-- kaoping sql: {RULESET}, period 2024-02 [2024-02-01 00:00:00, 2024-03-01 00:00:00), dialect {dialect}\n"
    )
    varchar = {"duckdb": "TEXT", "spark": "STRING", "trino": "VARCHAR"}[dialect]
    assert f"--   order_id             {varchar} (工单编号)\n" in run.out
    assert "--   deadline             TIMESTAMP (办理时限)\n" in run.out
    statements = [s for s in sqlglot.parse(run.out, read=dialect) if s is not None]
    assert len(statements) == 2
    again = run_cli("sql", "-r", RULESET, "--period", "2024-02", "--dialect", dialect, "-o", tmp_path / "q.sql")
    assert again.code == 0 and (tmp_path / "q.sql").read_text(encoding="utf-8") == run.out


def test_sql_table_option():
    run = run_cli("sql", "-r", RULESET, "--period", "2024-02", "--dialect", "trino", "--table", "hotline.orders")
    assert run.code == 0, run.err
    assert '"hotline"."orders"' in run.out and 'FROM "orders"' not in run.out


COLUMNS = (
    "order_id", "unit", "channel", "kind", "status", "mark", "received_at", "first_dispatched_at", "dispatched_at",
    "deadline", "closed_at", "returned_by", "returned_at", "alerted", "reopened", "updated_at",
)  # fmt: skip


def _order(order_id: str, unit: str | None, **cells: object) -> tuple[object, ...]:
    row: dict[str, object] = dict.fromkeys(COLUMNS)
    row.update(order_id=order_id, unit=unit, status="已办结", received_at=datetime(2024, 2, 1, 8))
    row.update(dispatched_at=datetime(2024, 2, 1, 9), first_dispatched_at=datetime(2024, 2, 1, 9))
    row.update(updated_at=datetime(2024, 2, 20), alerted="否", reopened=0)
    row.update(cells)
    return tuple(row[c] for c in COLUMNS)


def test_the_duckdb_text_runs_on_a_typed_table():
    """Hand-built orders of 区林业局 and 区商务局; the counts below are counted by hand."""
    d = datetime
    orders = [
        # due in Feb, closed on time
        _order("A1", "区林业局", deadline=d(2024, 2, 6, 18), closed_at=d(2024, 2, 6, 18)),
        # due, closed late, alerted, reopened twice
        _order("A2", "区林业局", deadline=d(2024, 2, 6, 18), closed_at=d(2024, 2, 7), alerted="是", reopened=2),
        # due, still open
        _order("A3", "区林业局", status="处理中", deadline=d(2024, 2, 20, 18)),
        # not due: deadline in March
        _order("A4", "区林业局", deadline=d(2024, 3, 1), closed_at=d(2024, 2, 27)),
        # voided: left out
        _order("A5", "区林业局", status="作废", deadline=d(2024, 2, 6, 18)),
        # exported twice: the later copy (closed) wins
        _order("A6", "区商务局", status="处理中", deadline=d(2024, 2, 8, 18), updated_at=d(2024, 2, 7)),
        _order("A6", "区商务局", deadline=d(2024, 2, 8, 18), closed_at=d(2024, 2, 8), updated_at=d(2024, 2, 9)),
        # returned by 区林业局: dispatched Fri 2024-02-09, returned Mon 2024-02-19: 2 working days (2-18 调休)
        _order("A7", "区商务局", deadline=d(2024, 2, 28, 18), closed_at=d(2024, 2, 27), returned_by="区林业局",
               first_dispatched_at=d(2024, 2, 9, 10), returned_at=d(2024, 2, 19, 10)),
        # returned the next working day: not late
        _order("A8", "区商务局", deadline=d(2024, 2, 28, 18), closed_at=d(2024, 2, 27), returned_by="区林业局",
               first_dispatched_at=d(2024, 2, 5, 10), returned_at=d(2024, 2, 6, 10)),
    ]  # fmt: skip
    con = duckdb.connect()
    types = {"reopened": "BIGINT"} | {c: "TIMESTAMP" for c in COLUMNS if c.endswith("_at") or c == "deadline"}
    typed = ", ".join(f"{c} {types.get(c, 'VARCHAR')}" for c in COLUMNS)
    con.execute(f"CREATE TABLE orders ({typed})")
    con.executemany(f"INSERT INTO orders VALUES ({', '.join('?' * len(COLUMNS))})", orders)
    text = (GOLDEN / "kaoping-sql-duckdb.sql").read_text(encoding="utf-8")
    checks, counts = [s for s in text.split(";\n") if s.strip()]
    cur = con.execute(checks)
    row = dict(zip([c[0] for c in cur.description], cur.fetchone(), strict=True))
    assert row["kp_rows"] == 9 and row["kp_merged"] == 1 and row["kp_kept"] == 7
    assert row["kp_excluded_1"] == 1 and row["kp_conflicts"] == 0 and row["kp_dated_in_period"] == 6
    assert [k for k, v in row.items() if v and k.startswith(("kp_empty", "kp_fail", "kp_unknown", "kp_outside"))] == []
    cur = con.execute(counts)
    names = [c[0] for c in cur.description]
    got = {r[0]: dict(zip(names[1:], r[1:], strict=True)) for r in cur.fetchall()}
    assert len(got) == 32  # every listed unit gets its row
    assert got["区林业局"] == {"due": 3, "completed": 2, "on_time": 1, "overdue_returns": 1, "alerts": 1, "reworks": 2}
    assert got["区商务局"] == {"due": 3, "completed": 3, "on_time": 3, "overdue_returns": 0, "alerts": 0, "reworks": 0}
    assert got["区残联"] == dict.fromkeys(INPUT_IDS, 0)


# ---- explain: the funnel and the order lists, against counts made here from the export ----

FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M")
FEB, MAR = datetime(2024, 2, 1), datetime(2024, 3, 1)
HOLIDAYS = {date(2024, 1, 1), *(date(2024, 2, d) for d in range(10, 18))}  # the ruleset's, Jan-Mar 2024
MAKE_UP = {date(2024, 2, 4), date(2024, 2, 18)}
ALIASES = {"区人社局": "区人力资源和社会保障局"}


def when(text: str) -> datetime | None:
    if not text.strip():
        return None
    for f in FORMATS:
        try:
            return datetime.strptime(text.strip(), f)
        except ValueError:
            pass
    raise AssertionError(text)


def working(day: date) -> bool:
    assert date(2023, 12, 1) <= day <= date(2024, 3, 31), day  # the calendar facts above cover these months
    return day in MAKE_UP or (day.weekday() < 5 and day not in HOLIDAYS)


def workdays(since: datetime, until: datetime) -> int:
    """Working days after since's date up to and including until's."""
    a, b = since.date(), until.date()
    sign = 1 if b >= a else -1
    lo, hi = (a, b) if b >= a else (b, a)
    return sign * sum(working(lo + timedelta(n)) for n in range(1, (hi - lo).days + 1))


def export_rows() -> list[dict[str, str]]:
    with EXPORT.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def picked(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """Each order once: the copy with the latest 更新时间."""
    out: dict[str, dict[str, str]] = {}
    for r in rows:
        k = r["工单编号"]
        if k not in out or when(r["更新时间"]) > when(out[k]["更新时间"]):  # type: ignore[operator]
            out[k] = r
    return out


def left_out_by(r: dict[str, str]) -> str | None:
    if r["工单状态"] == "作废":
        return "作废"
    if r["工单标记"] in ("无效", "非受理范围"):
        return "无效或非受理范围"
    if r["工单标记"] == "重复件":
        return "重复件"
    if not r["派单时间"].strip():
        return "热线直接办结（未派单）"
    return None


def unit_of(text: str) -> str:
    return ALIASES.get(text.strip(), text.strip())


def due(r: dict[str, str]) -> bool:
    deadline = when(r["办理时限"])
    return deadline is not None and FEB <= deadline < MAR


def closed(r: dict[str, str]) -> bool:
    return when(r["办结时间"]) is not None and r["工单状态"] in ("已办结", "已归档")


def in_time(r: dict[str, str]) -> bool:
    c, d = when(r["办结时间"]), when(r["办理时限"])
    return c is not None and d is not None and c <= d


def returned_in_feb(r: dict[str, str]) -> bool:
    t = when(r["退单时间"])
    return t is not None and FEB <= t < MAR


def late(r: dict[str, str]) -> bool:
    a, b = when(r["首次派单时间"]), when(r["退单时间"])
    return a is not None and b is not None and workdays(a, b) > 1


def hand_funnel(unit: str) -> dict[str, object]:
    rows = export_rows()
    orders = picked(rows)
    copies = Counter(r["工单编号"] for r in rows)
    kept = [r for r in orders.values() if left_out_by(r) is None]
    mine = [r for r in kept if unit_of(r["承办单位"]) == unit]
    returned = [r for r in kept if unit_of(r["退单单位"]) == unit]
    d = [r for r in mine if due(r)]
    return {
        "rows": sum(unit_of(r["承办单位"]) == unit for r in rows),
        "merged": sum(copies[k] > 1 for k, r in orders.items() if unit_of(r["承办单位"]) == unit),
        "excluded": Counter(left_out_by(r) for r in orders.values() if unit_of(r["承办单位"]) == unit and left_out_by(r)),
        "due": [len(mine), len(d)],
        "on_time": [len(mine), len(d), sum(closed(r) for r in d), sum(closed(r) and in_time(r) for r in d)],
        "overdue_returns": [len(returned), sum(map(returned_in_feb, returned)),
                            sum(returned_in_feb(r) and late(r) for r in returned)],
        "on_time_ids": sorted(r["工单编号"] for r in d if closed(r) and in_time(r)),
        "on_time_left_out": sorted(
            (r["工单编号"], "已办结" if not closed(r) else "按期（办结时间不晚于办理时限）")
            for r in d if not (closed(r) and in_time(r))
        ),
        "returns_left_out": sorted(
            (r["工单编号"], "超过1个工作日退单") for r in returned if returned_in_feb(r) and not late(r)
        ),
    }  # fmt: skip


def _explain(unit: str, *more: str) -> dict[str, object]:
    run = run_cli("explain", "-r", RULESET, EXPORT, unit, "--period", "2024-02", "-f", "json", *more)
    assert run.code == 0, run.err
    doc: dict[str, object] = json.loads(run.out)
    return doc


@pytest.mark.parametrize("unit", ["区林业局", "区人力资源和社会保障局"])
def test_explain_funnel_against_hand_counts(unit):
    hand = hand_funnel(unit)
    doc = _explain(unit)
    assert doc["unit"] == unit
    assert doc["input"]["rows"] == hand["rows"] and doc["input"]["merged"] == hand["merged"]  # type: ignore[index]
    assert {k: v for k, v in doc["input"]["excluded"].items() if v} == dict(hand["excluded"])  # type: ignore[index, union-attr]
    measures = {m["input"]: m for m in doc["measures"]}  # type: ignore[union-attr]
    for name in ("due", "on_time", "overdue_returns"):
        m = measures[name]
        assert [m["orders"], *(s["in"] for s in m["steps"])] == hand[name], name
        chain = hand[name]
        assert [s["out"] for s in m["steps"]] == [a - b for a, b in zip(chain, chain[1:], strict=False)]  # type: ignore[arg-type]
        assert m["value"] == chain[-1]  # type: ignore[index]
    assert [s["label"] for s in measures["on_time"]["steps"]] == [
        "应办结（办理时限在本月）", "已办结", "按期（办结时间不晚于办理时限）",
    ]  # fmt: skip
    assert [s["label"] for s in measures["overdue_returns"]["steps"]] == ["returned_at in period", "超过1个工作日退单"]
    assert "total " in doc["explanation"]  # today's score explanation follows  # type: ignore[operator]


def test_the_hand_counts_are_the_seeds():
    """The hand counter above is itself right: it gives the published inputs for both units."""
    for unit in ("区林业局", "区人力资源和社会保障局"):
        hand = hand_funnel(unit)
        want = seed_counts()[unit]
        assert [hand["due"][-1], hand["on_time"][-1], hand["overdue_returns"][-1]] == [want[0], want[2], want[3]]  # type: ignore[index]


@pytest.mark.parametrize("unit", ["区林业局", "区人力资源和社会保障局"])
def test_explain_orders_lists(unit):
    hand = hand_funnel(unit)
    listed = _explain(unit, "--orders", "on_time")
    assert [o["order_id"] for o in listed["orders"]] == hand["on_time_ids"]  # type: ignore[union-attr, index]
    first = listed["orders"][0]  # type: ignore[index]
    assert list(first) == ["order_id", "unit", "deadline", "closed_at", "status"]
    dropped = _explain(unit, "--orders", "on_time", "--left-out")
    assert [(o["order_id"], o["kp_left_out_by"]) for o in dropped["orders"]] == hand["on_time_left_out"]  # type: ignore[union-attr, index]
    returns = _explain(unit, "--orders", "overdue_returns", "--left-out")
    assert [(o["order_id"], o["kp_left_out_by"]) for o in returns["orders"]] == hand["returns_left_out"]  # type: ignore[union-attr, index]


def test_explain_table_text():
    run = run_cli("explain", "-r", RULESET, "examples/jintai-orders-2024-02.csv", "区林业", "--period", "2024-02")
    assert run.code == 0, run.err
    assert run.out.startswith(
        "区林业局 — counted from examples/jintai-orders-2024-02.csv, 2024-02 [2024-02-01 00:00, 2024-03-01 00:00)\n"
    )
    assert "  按期办结工单数 (on_time) = 6\n" in run.out
    assert "区林业局: rank 25 of 32, total 89.27 under jintai-orders@2024.02" in run.out
    listed = run_cli("explain", "-r", RULESET, EXPORT, "区林业局", "--period", "2024-02", "--orders", "on_time")
    assert listed.out.startswith("区林业局: 6 orders counted in 按期办结工单数 (on_time)\n")


def test_explain_not_a_measure():
    run = run_cli("explain", "-r", RULESET, EXPORT, "区林业局", "--period", "2024-02", "--orders", "on_tme")
    assert run.code == 1
    assert "'on_tme' is not an input counted from orders" in run.err and "did you mean 'on_time'?" in run.err


def test_explain_orders_needs_an_export():
    err = _usage("explain", "-r", RULESET, SEED_INPUT, "区林业局", "--orders", "on_time")
    assert "--orders lists the orders behind a count of an order export" in err


def test_explain_of_a_unit_table_is_unchanged():
    a = run_cli("explain", "-r", "jintai-hotline@2024.02", ROOT / "examples" / "jintai-hotline-2024-02.csv", "区林业局")
    assert a.code == 0 and a.out.startswith("区林业局: rank 25 of 32, total 89.27 under jintai-hotline@2024.02\n")


def test_explain_takes_a_units_alias():
    run = run_cli("explain", "-r", RULESET, EXPORT, "区人社局", "--period", "2024-02")
    assert run.code == 0, run.err
    assert run.out.startswith("区人力资源和社会保障局 — counted from ")


# ---- help: every new command and option is shown ----

HELP = {
    "count": ["INPUT", "-r", "--ruleset", "--period", "-f", "--format", "-o", "--output", "--excel", "--engine",
              "--master", "--input", "--sheet", "--as-of", "--rulesets"],
    "sql": ["-r", "--ruleset", "--period", "--dialect", "--table", "-o", "--output", "--rulesets"],
    "evaluate": ["--engine", "--master", "--input"],
    "diff": ["--engine", "--master", "--input"],
    "explain": ["--engine", "--master", "--input", "--orders", "--left-out", "-f", "--format", "-o", "--output"],
}  # fmt: skip


@pytest.mark.parametrize("command", sorted(HELP))
def test_help_shows_the_new_options(command):
    from .test_cli import said

    run = run_cli(command, "--help")
    assert run.code == 0, run.err
    assert [w for w in HELP[command] if not said(w, run.out)] == []


def test_top_level_help_lists_count_and_sql():
    out = run_cli("--help").out
    assert "    count " in out and "    sql " in out


@pytest.mark.parametrize(("command", "formats"), [("count", "table,csv,json,xlsx"), ("sql", None)])
def test_help_formats(command, formats):
    text = " ".join(run_cli(command, "--help").out.split())
    if formats:
        assert f"-f {{{formats}}}" in text
    else:
        assert "--dialect {duckdb,spark,trino}" in text


# ---- the API ----


def test_api_count_sql_and_evaluate():
    import kaoping

    rs = kaoping.load(RULESET)
    counted = kaoping.count(rs, EXPORT, "2024-02")
    by_unit = {u: [dict(v)[i] for i in INPUT_IDS] for u, v in zip(counted.units, counted.values, strict=True)}
    assert by_unit == seed_counts()
    assert counted.engine == "duckdb" and counted.window.month == "2024-02" and counted.loaded.rows == 1945
    text = kaoping.sql(rs, "2024-02", "spark")
    assert text == (GOLDEN / "kaoping-sql-spark.sql").read_text(encoding="utf-8")
    result = kaoping.evaluate(rs, EXPORT, "2024-02")
    forestry = next(r for r in result.results if r.entity == "区林业局")
    assert forestry.display["total"] == "89.27" and forestry.rank == 25
    assert kaoping.to_json(result) == kaoping.to_json(kaoping.evaluate(rs, EXPORT, "2024-02", engine="duckdb"))


def test_api_refusals():
    import kaoping

    rs = kaoping.load(RULESET)
    with pytest.raises(kaoping.KaopingError) as e:
        kaoping.count(rs, SEED_INPUT, "2024-02")
    assert e.value.codes == ("export.not-an-export",)
    with pytest.raises(kaoping.KaopingError) as e:
        kaoping.sql(kaoping.load("jintai-hotline@2024.02"), "2024-02", "duckdb")
    assert e.value.codes == ("export.no-orders",)
    with pytest.raises(kaoping.KaopingError) as e:
        kaoping.sql(rs, "2024-02", "postgres")
    assert e.value.codes == ("export.unknown-dialect",)
    with pytest.raises(kaoping.KaopingError) as e:
        kaoping.count(rs, EXPORT, "2024-02", engine="flink")
    assert e.value.codes == ("engine.unknown",)


def test_sql_needs_a_ruleset_with_orders():
    run = run_cli("sql", "-r", "jintai-hotline@2024.02", "--period", "2024-02", "--dialect", "duckdb")
    assert run.code == 1 and "has no orders: section" in run.err and run.out == ""


def test_diff_of_an_export_with_a_what_if():
    run = run_cli(
        "diff", "-r", RULESET, "--set", "timeliness.weight=45", "--set", "completion.weight=30",
        EXPORT, "--period", "2024-02", "-f", "json",
    )  # fmt: skip
    assert run.code == 0, run.err
    baseline = run_cli("diff", "-r", "jintai-hotline@2024.02", "--set", "timeliness.weight=45",
                       "--set", "completion.weight=30", SEED_INPUT, "-f", "json")  # fmt: skip
    assert baseline.code == 0, baseline.err
    a, b = json.loads(run.out), json.loads(baseline.out)
    assert len(a["units"]) == 32 and a["units"] == b["units"]  # the same changes as from the unit table


def test_the_warehouse_path_gives_the_exports_results(tmp_path):
    """What the sql header tells a warehouse user: run the counts on the typed table, save them as CSV with
    kp_unit headed 部门名称, then kaoping evaluate.  The typed table here is the reader's own (run.counting)."""
    import kaoping
    from kaoping.orders.run import OrdersRun, counting

    rs = kaoping.load(RULESET)
    text = (GOLDEN / "kaoping-sql-duckdb.sql").read_text(encoding="utf-8")
    counts = [s for s in text.split(";\n") if s.strip()][1]
    with counting(rs.model, EXPORT, OrdersRun("2024-02")) as session:
        cur = session.con.execute(counts)
        names = ["部门名称" if c[0] == "kp_unit" else c[0] for c in cur.description]
        rows = cur.fetchall()
    saved = tmp_path / "warehouse.csv"
    with saved.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([names, *rows])
    from_warehouse = run_cli("evaluate", "-r", RULESET, saved, "-f", "json", "--period", "2024-02")
    from_export = run_cli("evaluate", "-r", RULESET, EXPORT, "-f", "json", "--period", "2024-02")
    assert from_warehouse.code == 0, from_warehouse.err
    assert json.loads(from_warehouse.out)["results"] == json.loads(from_export.out)["results"]


def test_more_usage_errors(tmp_path):
    err = _usage("explain", "-r", RULESET, EXPORT, "区林业局", "--period", "2024-02", "--left-out")
    assert "--left-out goes with --orders MEASURE" in err
    assert "--excel is for -f csv" in _usage(
        "count", "-r", RULESET, EXPORT, "--period", "2024-02", "-f", "json", "--excel"
    )
    assert "give -o FILE.xlsx" in _usage("count", "-r", RULESET, EXPORT, "--period", "2024-02", "-f", "xlsx")
    assert "--period" in _usage("count", "-r", RULESET, EXPORT)  # argparse: required
    assert "--dialect" in _usage("sql", "-r", RULESET, "--period", "2024-02")
    out = tmp_path / "c.json"
    _usage("count", "-r", RULESET, EXPORT, "--period", "2024-02", "-f", "csv", "-o", out)  # -f and the name disagree
    assert not out.exists()
