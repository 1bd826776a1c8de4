"""Reading an order export into the typed DuckDB table `orders` (engine/orders/source.py; design §4.3-4.4, §5.2).

Every expectation comes from the CSV text itself, read here by the csv module and typed by the reference
(formats.parse_python for datetimes, int and Decimal for numbers, str.strip for text), or from hand-picked cells
written out below; none from source.py.  Workbooks are made with XlsxWriter, Parquet files with DuckDB COPY.
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import kaoping
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kaoping.errors import KaopingError, render_problems
from kaoping.orders import source
from kaoping.orders.formats import TRIM, parse_python
from kaoping.orders.model import OrderColumn, Orders

from .conftest import ROOT

EXAMPLE = ROOT / "examples" / "jintai-orders-2024-02.csv"
CASES = ROOT / "tests" / "cases" / "orders-bad"
RULESET = kaoping.load("jintai-orders@2024.02").model
ORDERS: Orders = RULESET.orders  # type: ignore[assignment]
WITH_FEE = replace(ORDERS, columns=(*ORDERS.columns, OrderColumn("fee", "number", "费用", places=2, default=0)))


def load(path: Path, orders: Orders = ORDERS, sheet: str | None = None) -> tuple[duckdb.DuckDBPyConnection, Any]:
    con = duckdb.connect()
    head = source.read_head(orders, path, path.name, sheet)
    return con, source.load_export(con, orders, head)


def table(con: duckdb.DuckDBPyConnection, orders: Orders = ORDERS) -> list[dict[str, Any]]:
    names = ", ".join(f'"{c.id}"' for c in orders.columns)
    cursor = con.execute(f"SELECT kp_row, {names} FROM orders ORDER BY kp_row")
    keys = [d[0] for d in cursor.description or ()]
    return [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]


def refused(path: Path, orders: Orders = ORDERS, sheet: str | None = None) -> KaopingError:
    with pytest.raises(KaopingError) as caught:
        load(path, orders, sheet)
    return caught.value


def expected(column: OrderColumn, cell: str | None) -> object:
    """The reference typing of one cell (design §4.3), written without source.py."""
    if cell is None:
        cell = "" if column.default is None else str(column.default)
    text = cell.strip(TRIM)
    if column.type == "datetime":
        return parse_python(text, column.formats)
    if not text:
        return None
    if column.type == "integer":
        return int(text)
    if column.type == "number":
        return Decimal(text).quantize(Decimal(1).scaleb(-column.places))
    return text


def reference(path: Path, orders: Orders = ORDERS, encoding: str = "utf-8-sig", header_at: int = 0) -> list[dict]:
    """The non-empty rows below the header, each typed by the reference, numbered 1, 2, ... as kp_row."""
    with path.open(encoding=encoding, newline="") as f:
        rows = [r for r in csv.reader(f) if any(c.strip() for c in r)]
    header = [h.strip() for h in rows[header_at]]
    out = []
    for k, cells in enumerate(rows[header_at + 1 :], start=1):
        row: dict[str, object] = {"kp_row": k}
        for column in orders.columns:
            at = next((header.index(h) for h in column.headers if h in header), None)
            row[column.id] = expected(column, cells[at] if at is not None else None)
        out.append(row)
    return out


# --- the example ---------------------------------------------------------------------------------------------


def test_the_example_loads_every_row_and_hand_picked_cells_are_typed_as_written():
    con, loaded = load(EXAMPLE)
    assert loaded.rows == 1945
    assert con.execute("SELECT count(*) FROM orders").fetchone() == (1945,)
    rows = {r["kp_row"]: r for r in table(con)}
    # file line 25: JT202401030006,政民互动,建议,区农业农村局,已归档,,2024-01-03 11:16:31,2024/1/3 11:26,...,否,1,...
    r = rows[24]
    assert (r["order_id"], r["unit"], r["channel"], r["status"], r["mark"]) == (
        "JT202401030006",
        "区农业农村局",
        "政民互动",
        "已归档",
        None,
    )
    assert r["received_at"] == datetime(2024, 1, 3, 11, 16, 31)
    assert r["first_dispatched_at"] == datetime(2024, 1, 3, 11, 26)
    assert r["deadline"] == datetime(2024, 1, 10, 18, 0)
    assert (r["returned_by"], r["returned_at"], r["alerted"], r["reopened"]) == (None, None, "否", 1)
    # file line 596: ...,2024/2/4 10:59,2024-02-09 18:00:00,2024/2/7 18:32,蟠龙镇,2024-02-04T10:39,否,0,...
    r = rows[595]
    assert r["order_id"] == "JT202402010021"
    assert r["dispatched_at"] == datetime(2024, 2, 4, 10, 59)
    assert r["closed_at"] == datetime(2024, 2, 7, 18, 32)
    assert (r["returned_by"], r["returned_at"]) == ("蟠龙镇", datetime(2024, 2, 4, 10, 39))
    assert r["reopened"] == 0
    head = loaded.head
    assert (head.encoding, head.delimiter, head.header_line, head.width, head.ignored) == (
        "utf-8",
        ",",
        1,
        17,
        ("诉求标题",),
    )
    assert head.position("deadline") == 10 and dict(head.headers)["deadline"] == "办理时限"


def test_the_table_has_each_column_by_id_with_its_type_and_nothing_else():
    con, _ = load(EXAMPLE)
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE orders)").fetchall())
    want = {"kp_row": "BIGINT"} | {
        c.id: {"datetime": "TIMESTAMP", "integer": "BIGINT"}.get(c.type, "VARCHAR") for c in ORDERS.columns
    }
    assert types == want


def test_every_typed_cell_of_the_example_equals_the_reference_typing_of_its_text():
    con, _ = load(EXAMPLE)
    assert table(con) == reference(EXAMPLE)


def test_the_sha256_is_the_files():
    import hashlib

    _, loaded = load(EXAMPLE)
    assert loaded.sha256 == hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()


def test_is_export_knows_an_export_from_a_unit_table():
    assert source.is_export(EXAMPLE, RULESET, None)
    assert not source.is_export(ROOT / "examples" / "jintai-hotline-2024-02.csv", RULESET, None)
    seed = kaoping.load("jintai-hotline@2024.02").model
    assert not source.is_export(EXAMPLE, seed, None)  # no orders: section, never an export


# --- a made-up export: formats, spaces, U+3000, empties, a number column -------------------------------------

_PAD = st.sampled_from(["", " ", "\u3000", "\t", "  \u3000"])
_MOMENT = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)
_WRITTEN = {
    "YYYY-MM-DD HH:mm:ss": lambda d: d.strftime("%Y-%m-%d %H:%M:%S"),
    "YYYY-MM-DD HH:mm": lambda d: d.strftime("%Y-%m-%d %H:%M"),
    "YYYY/M/D H:mm": lambda d: f"{d.year}/{d.month}/{d.day} {d.hour}:{d.minute:02d}",
    "YYYY/M/D H:mm:ss": lambda d: f"{d.year}/{d.month}/{d.day} {d.hour}:{d.minute:02d}:{d.second:02d}",
    "YYYY-MM-DDTHH:mm": lambda d: d.strftime("%Y-%m-%dT%H:%M"),
    "YYYY-MM-DDTHH:mm:ss": lambda d: d.strftime("%Y-%m-%dT%H:%M:%S"),
}


@st.composite
def _cell(draw: st.DrawFn, column: OrderColumn) -> str:
    if draw(st.integers(0, 5)) == 0:
        return draw(_PAD)  # empty, or only spaces
    if column.type == "datetime":
        text = _WRITTEN[draw(st.sampled_from(sorted(_WRITTEN)))](draw(_MOMENT))
    elif column.type == "integer":
        text = draw(st.sampled_from(["", "+", "-"])) + str(draw(st.integers(0, 10**18 - 1)))
    elif column.type == "number":
        whole, frac = draw(st.integers(0, 10**6)), draw(st.text("0123456789", min_size=0, max_size=2))
        text = draw(st.sampled_from(["", "-"])) + f"{whole}" + (f".{frac}" if frac or draw(st.booleans()) else "")
    elif column.values:
        text = draw(st.sampled_from(column.values))
    else:
        text = draw(st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Cf"]), max_size=8))
        text += draw(st.sampled_from(["", ",", '"', '""', "\n"]))
    return draw(_PAD) + text + draw(_PAD)


@st.composite
def _export(draw: st.DrawFn) -> list[list[str]]:
    columns = WITH_FEE.columns
    n = draw(st.integers(1, 6))
    return [[draw(_cell(c)) for c in columns] for _ in range(n)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_export())
def test_a_made_up_export_types_every_cell_as_the_reference(tmp_path: Path, rows: list[list[str]]) -> None:
    path = tmp_path / "made.csv"
    kept = [r for r in rows if any(c.strip() for c in r)]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([c.label for c in WITH_FEE.columns])
        writer.writerows(rows)
    if not kept:
        con, loaded = load(path, WITH_FEE)
        assert loaded.rows == 0
        return
    con, loaded = load(path, WITH_FEE)
    assert loaded.rows == len(kept)
    assert table(con, WITH_FEE) == reference(path, WITH_FEE)


def test_a_number_column_is_an_exact_decimal_of_its_places(tmp_path: Path) -> None:
    path = tmp_path / "fee.csv"
    header, first = EXAMPLE.read_text(encoding="utf-8").splitlines()[:2]
    header += ",费用"
    path.write_text(f"{header}\n{first},12.5\n{first},.05\n{first},-3\n{first},\n", encoding="utf-8")
    con, _ = load(path, WITH_FEE)
    fees = [r[0] for r in con.execute("SELECT fee FROM orders ORDER BY kp_row").fetchall()]
    assert fees == [Decimal("12.50"), Decimal("0.05"), Decimal("-3.00"), None]
    assert con.execute("SELECT typeof(fee) FROM orders LIMIT 1").fetchone() == ("DECIMAL(38,2)",)


def test_an_absent_column_takes_its_default(tmp_path: Path) -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()[:3]
    cut = [",".join(cell for i, cell in enumerate(line.split(",")) if i not in (13, 14)) for line in lines]
    path = tmp_path / "no-alerts.csv"
    path.write_text("\n".join(cut) + "\n", encoding="utf-8")
    con, loaded = load(path)
    assert loaded.head.position("alerted") == 0 and loaded.head.position("reopened") == 0
    assert con.execute("SELECT alerted, reopened FROM orders").fetchall() == [("否", 0), ("否", 0)]


# --- encodings, title rows, blank lines, quoted line breaks --------------------------------------------------


def _example_text(rows: int = 40) -> str:
    return "\n".join(EXAMPLE.read_text(encoding="utf-8").splitlines()[: rows + 1]) + "\n"


def test_a_gbk_export_reads_as_its_utf8_twin(tmp_path: Path) -> None:
    text = _example_text()
    utf8, gbk = tmp_path / "u.csv", tmp_path / "g.csv"
    utf8.write_text(text, encoding="utf-8")
    gbk.write_bytes(text.encode("gbk"))
    con_u, _ = load(utf8)
    con_g, loaded = load(gbk)
    assert loaded.head.encoding == "gb18030"
    assert table(con_g) == table(con_u) == reference(gbk, encoding="gb18030")
    assert not list(tmp_path.glob("*.tmp")) and sorted(p.name for p in tmp_path.iterdir()) == ["g.csv", "u.csv"]


def test_a_bom_is_read_and_said(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _example_text().encode("utf-8"))
    con, loaded = load(path)
    assert loaded.head.encoding == "utf-8-sig" and loaded.head.position("order_id") == 1
    assert table(con) == reference(path)


def test_title_rows_blank_lines_and_quoted_line_breaks_are_placed_right(tmp_path: Path) -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:6]
    broken = rows[2].rsplit(",", 1)[0] + ',"两行\n标题"'
    text = "\n".join(
        [
            "金台区12345热线工单明细（2024年2月）,,",  # line 1: a title
            "",  # 2
            header,  # 3
            rows[0],  # 4: kp_row 1
            "",  # 5
            rows[1],  # 6: kp_row 2
            broken,  # 7-8: kp_row 3
            ",,,,,,,,,,,,,,,,",  # 9: only separators, no row
            rows[3],  # 10: kp_row 4
        ]
    )
    path = tmp_path / "titled.csv"
    path.write_text(text + "\n", encoding="utf-8")
    con, loaded = load(path)
    assert (loaded.rows, loaded.head.header_line) == (4, 3)
    assert source.places(loaded, [1, 2, 3, 4]) == {1: 4, 2: 6, 3: 7, 4: 10}
    ids = [r[0] for r in con.execute("SELECT order_id FROM orders ORDER BY kp_row").fetchall()]
    assert ids == [rows[i].split(",")[0] for i in (0, 1, 2, 3)]
    titled = con.execute("SELECT kp_row FROM orders ORDER BY kp_row").fetchall()
    assert titled == [(1,), (2,), (3,), (4,)]
    # and a bad cell below them is told at its own line
    path.write_text(text.replace(rows[3], rows[3].replace(",否,0,", ",否,x,")) + "\n", encoding="utf-8")
    error = refused(path)
    assert [(p.line, p.col, p.code) for p in error.problems] == [(10, 15, "export.bad-number")]


def test_problem_at_places_a_problem_at_the_columns_position(tmp_path: Path) -> None:
    _, loaded = load(EXAMPLE)
    p = source.problem_at(loaded, 57, "deadline", "m", "h", "export.check-failed")
    assert (p.file, p.line, p.col, p.cell, p.code) == (EXAMPLE.name, 57, 10, "", "export.check-failed")
    assert source.problem_at(loaded, 57, None, "m", "h", "export.bad-row").col == 0


# --- workbooks and Parquet -----------------------------------------------------------------------------------


def _workbook(path: Path, rows: list[list[str]], header: list[str], dates: set[int], fraction: bool = False) -> None:
    """An .xlsx of the rows, the `dates` columns written as Excel date cells (write_datetime)."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("工单")
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, header)
    for r, cells in enumerate(rows, start=1):
        for c, cell in enumerate(cells):
            if c in dates and cell.strip():
                moment = parse_python(cell)
                assert moment is not None
                if fraction:
                    moment = moment.replace(microsecond=500_000)
                sheet.write_datetime(r, c, moment, stamp)
            elif cell:
                sheet.write_string(r, c, cell)
    book.close()


def test_a_workbook_with_date_cells_reads_as_the_csv(tmp_path: Path) -> None:
    lines = list(csv.reader(io.StringIO(_example_text(30))))
    header, rows = lines[0], lines[1:]
    dates = {header.index(c.label) for c in ORDERS.columns if c.type == "datetime"}
    path = tmp_path / "book.xlsx"
    _workbook(path, rows, header, dates)
    con, loaded = load(path)
    csv_path = tmp_path / "same.csv"
    csv_path.write_text(_example_text(30), encoding="utf-8")
    con_csv, _ = load(csv_path)
    assert loaded.head.kind == "xlsx" and loaded.head.sheet == "工单"
    assert table(con) == table(con_csv)
    assert source.places(loaded, [1, 30]) == {1: 2, 30: 31}


def test_a_workbook_date_with_half_a_second_rounds_up(tmp_path: Path) -> None:
    lines = list(csv.reader(io.StringIO(_example_text(2))))
    header, rows = lines[0], lines[1:]
    at = header.index("受理时间")
    path = tmp_path / "half.xlsx"
    _workbook(path, rows, header, {at}, fraction=True)
    con, _ = load(path)
    got = [r[0] for r in con.execute("SELECT received_at FROM orders ORDER BY kp_row").fetchall()]
    # 2024-01-02 08:25:19.5 and 09:00:07.5, shown by Excel as :20 and :08
    assert got == [datetime(2024, 1, 2, 8, 25, 20), datetime(2024, 1, 2, 9, 0, 8)]


def test_a_number_in_a_workbooks_datetime_column_is_refused_with_the_hint(tmp_path: Path) -> None:
    lines = list(csv.reader(io.StringIO(_example_text(2))))
    header, rows = lines[0], lines[1:]
    path = tmp_path / "general.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    for r, cells in enumerate(rows, start=1):
        sheet.write_row(r, 0, cells)
    sheet.write_number(2, header.index("办理时限"), 45325.6)
    book.close()
    error = refused(path)
    assert render_problems(error.problems) == (
        "general.xlsx:Sheet1!J3: 办理时限 '45325.6' is not a date and time\n"
        "    hint: the cell holds the number 45325.6, not a date: format the column as a date in Excel\n"
        "1 error"
    )
    assert error.codes == ("export.bad-datetime",)


def test_a_parquet_export_reads_as_the_csv(tmp_path: Path) -> None:
    path = tmp_path / "orders.parquet"
    text = tmp_path / "t.csv"
    text.write_text(_example_text(50), encoding="utf-8")
    duckdb.execute(
        f"COPY (SELECT * FROM read_csv('{text}', all_varchar = true)) TO '{path}' (FORMAT parquet)"
    )  # every column VARCHAR: typed by the same gate as a CSV cell
    con, loaded = load(path)
    con_csv, _ = load(text)
    assert loaded.head.kind == "parquet" and source.is_export(path, RULESET, None)
    assert table(con) == table(con_csv)
    typed = tmp_path / "typed.parquet"
    con_csv.execute(f"COPY (SELECT * EXCLUDE (kp_row) FROM orders ORDER BY kp_row) TO '{typed}' (FORMAT parquet)")
    renamed = tmp_path / "named.parquet"
    labels = ", ".join(f'"{c.id}" AS "{c.label}"' for c in ORDERS.columns)
    duckdb.execute(f"COPY (SELECT {labels} FROM '{typed}') TO '{renamed}' (FORMAT parquet)")
    con_typed, _ = load(renamed)  # TIMESTAMP and BIGINT columns taken as they are
    assert table(con_typed) == table(con_csv)


# --- bad input: every case, its exact words and codes ---------------------------------------------------------

MESSAGES = {
    "orders-read-bad-datetime": [
        "orders-read-bad-datetime.csv:3:11: 办结时间 '2024-02-30 10:00' is not a date and time",
        "    hint: write it as 2024-02-03 14:25:00, 2024/2/3 14:25 or 2024-02-03T14:25",
        "orders-read-bad-datetime.csv:4:8: 首次派单时间 '2024.1.2 10:04' is not a date and time",
        "    hint: write it as 2024-02-03 14:25:00, 2024/2/3 14:25 or 2024-02-03T14:25",
        "orders-read-bad-datetime.csv:4:9: 派单时间 '2024.1.2 10:04' is not a date and time",
        "    hint: write it as 2024-02-03 14:25:00, 2024/2/3 14:25 or 2024-02-03T14:25",
        "3 errors",
    ],
    "orders-read-bad-number": [
        "orders-read-bad-number.csv:2:15: 重办次数 '1次' is not a whole number",
        "    hint: write it in digits only, like 2",
        "1 error",
    ],
    "orders-read-missing-column": [
        "orders-read-missing-column.csv:1:10: the column 办理时限 (deadline) is missing",
        "    hint: the header has 截至时间: did you mean 截止时间?",
        "1 error",
    ],
    "orders-read-mixed-line-ends": [
        "orders-read-mixed-line-ends.csv: this file cannot be read as CSV: its lines end in two ways"
        " (Windows CRLF and Unix LF), or a quote is out of place",
        "    hint: open it in Excel or WPS and save it again as 'CSV UTF-8 (comma delimited)'",
        "1 error",
    ],
    "orders-read-ragged-row": [
        "orders-read-ragged-row.csv:3: the row has 3 cells and the header 17",
        "    hint: a comma inside a cell that is not quoted?",
        "1 error",
    ],
    "orders-read-unknown-column": [
        "orders-read-unknown-column.csv:1:14: the column '是否告井' is no order column, so 是否告警 (alerted)"
        " would be 否 for every order",
        "    hint: did you mean 是否告警? rename the column, or add it to orders.columns[alerted].aliases",
        "1 error",
    ],
    "orders-read-unknown-value": [
        "orders-read-unknown-value.csv:3:5: 工单状态 '已办洁' is not one of 受理, 处理中, 已办结, 已归档, 已退单, 作废",
        "    hint: did you mean 已办结? or add it to orders.columns[status].values",
        "orders-read-unknown-value.csv:4:14: 是否告警 '不知道' is not one of 是, 否",
        "    hint: write one of those, or add it to orders.columns[alerted].values",
        "2 errors",
    ],
    "orders-read-many-bad-cells": [
        *(
            line
            for n in range(2, 102)
            for line in (
                f"orders-read-many-bad-cells.csv:{n}:15: 重办次数 'x' is not a whole number",
                "    hint: write it in digits only, like 2",
            )
        ),
        "the first 100 of 150 errors are shown; fix these and run again",
    ],
}


def test_every_case_has_its_words_here_and_its_codes_beside_it():
    cases = {p.stem for p in CASES.glob("orders-read-*.csv")}
    assert cases == set(MESSAGES)
    assert {p.stem for p in CASES.glob("orders-read-*.codes")} == cases


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_a_bad_export_is_refused_with_its_exact_words_and_codes(name: str) -> None:
    case = CASES / f"{name}.csv"
    error = refused(case)
    assert render_problems(error.problems, error.total).splitlines() == MESSAGES[name]
    assert list(error.codes) == case.with_suffix(".codes").read_text(encoding="utf-8").split()


def test_a_wrong_separator_is_told_for_every_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text(_example_text(3).replace(",", ";"), encoding="utf-8")
    error = refused(path)
    required = [c for c in ORDERS.columns if c.default is None]
    assert len(error.problems) == len(required)
    assert {p.hint for p in error.problems} == {"the header row is separated by ';' (semicolons); use ','"}
    assert set(error.codes) == {"export.missing-column"}


def test_a_gbk_byte_that_is_no_text_is_told_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    body = _example_text(3).encode("gbk")
    path.write_bytes(body + "JT9,".encode("gbk") + b"\x81\x20" + b",x\n")
    error = refused(path)
    assert [(p.line, p.code) for p in error.problems] == [(5, "csv.encoding")]


# --- hostile files --------------------------------------------------------------------------------------------


def test_a_five_thousand_column_header_is_refused_fast(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"列{i}" for i in range(5000)) + "\n" + ",".join("1" * 5000) + "\n", encoding="utf-8")
    start = time.process_time()
    error = refused(path)
    assert time.process_time() - start < 5  # generous: a few tenths of a second on this machine
    assert set(error.codes) == {"export.missing-column"}


def test_a_fifty_megabyte_cell_on_one_line_is_refused_fast(tmp_path: Path) -> None:
    header = _example_text(1)
    for name, text in [("in-body.csv", header + "JT1," + "x" * 50_000_000 + "\n"), ("in-head.csv", "x" * 50_000_000)]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        start = time.process_time()
        error = refused(path)
        assert time.process_time() - start < 5
        assert error.codes == ("export.line-too-long",)
        assert error.problems[0].line == (3 if name == "in-body.csv" else 1)  # header, one row, then the long line


def test_a_quote_never_closed_in_a_row_is_told_at_the_line_it_opens(tmp_path: Path) -> None:
    lines = _example_text(4).splitlines()
    lines[2] = lines[2].replace(",投诉,", ',"投诉,')
    path = tmp_path / "quote.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    error = refused(path)
    assert [(p.line, p.code) for p in error.problems] == [(3, "csv.unclosed-quote")]


def test_windows_line_ends_with_a_line_break_typed_in_a_cell_read_and_place_right(tmp_path: Path) -> None:
    lines = _example_text(3).splitlines()
    lines[2] = lines[2].rsplit(",", 1)[0] + ',"两行\n标题"'  # Excel writes Alt+Enter as LF inside CRLF rows
    path = tmp_path / "crlf.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    con, loaded = load(path)
    assert loaded.rows == 3 and source.places(loaded, [1, 2, 3]) == {1: 2, 2: 3, 3: 5}
    assert table(con) == reference(path)


def test_a_gbk_export_places_its_rows_and_tells_a_bad_cell_at_its_line(tmp_path: Path) -> None:
    lines = _example_text(5).splitlines()
    lines.insert(0, "金台区工单明细,,")
    lines[4] = lines[4].replace(",否,0,", ",否,两次,")
    path = tmp_path / "gbk.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    error = refused(path)
    assert render_problems(error.problems).splitlines()[0] == "gbk.csv:5:15: 重办次数 '两次' is not a whole number"


def test_a_workbook_date_cell_is_taken_whatever_formats_the_column_declares(tmp_path: Path) -> None:
    slashed = tuple(replace(c, formats=("YYYY/M/D H:mm",)) if c.type == "datetime" else c for c in ORDERS.columns)
    orders = replace(ORDERS, columns=slashed)
    lines = list(csv.reader(io.StringIO(_example_text(3))))
    header, rows = lines[0], lines[1:]
    path = tmp_path / "dates.xlsx"
    _workbook(path, rows, header, {header.index(c.label) for c in ORDERS.columns if c.type == "datetime"})
    con, _ = load(path, orders)
    got = con.execute("SELECT received_at, deadline FROM orders ORDER BY kp_row").fetchall()
    assert got[0] == (datetime(2024, 1, 2, 8, 25, 19), datetime(2024, 1, 9, 18, 0))


def test_is_export_and_read_head_import_neither_duckdb_nor_sqlglot() -> None:
    import subprocess
    import sys

    code = (
        "import sys, kaoping; from pathlib import Path; from kaoping.orders import source; "
        "r = kaoping.load('jintai-orders@2024.02').model; p = Path(sys.argv[1]); "
        "assert source.is_export(p, r, None); source.read_head(r.orders, p, 't.csv', None); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('duckdb', 'sqlglot')))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(EXAMPLE)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
