"""--engine spark (engine/orders/spark.py) against DuckDB's path and the Python reference (issue 11, design §4.5).

Every expectation comes from outside spark.py: DuckDB's reader and the same compiled SQL (source.load_export,
then sql.checks_sql / counts_sql in the duckdb dialect), the seed's published February inputs, formats.parse_python,
or a line number counted by hand.  One local[2] session serves the module (starting it is most of the cost).
No skips: developers install `.[test,spark]`, as CI does.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kaoping.errors import KaopingError, UsageError
from kaoping.orders import cells, formats, spark
from kaoping.orders.ir import Always, Window
from kaoping.orders.model import Measure, OrderColumn, Orders
from kaoping.orders.run import window_of
from kaoping.orders.source import Head, load_export, read_head
from kaoping.orders.sql import checks_sql, counts_sql, measure_values
from kaoping.ruleset.load import load_ruleset

from .test_orders_example import SEED_INPUTS, read_seed

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "jintai-orders-2024-02.csv"
RULESET = ROOT / "rulesets" / "jintai-orders" / "2024.02.yaml"
FEB = window_of("2024-02")


@pytest.fixture(scope="module")
def session() -> Iterator[Any]:
    """The module's one Spark session (local[2]); spark_rows reuses it, as one process does."""
    got = spark.session("local[2]")
    yield got
    got.stop()
    spark._SESSION = None


@pytest.fixture(scope="module")
def orders() -> Orders:
    o = load_ruleset(RULESET).orders
    assert o is not None
    return o


def head_of(o: Orders, path: Path) -> Head:
    return read_head(o, path, path.name, None)


def duckdb_rows(o: Orders, w: Window, head: Head) -> tuple[dict[str, object], list[dict[str, object]], list[Any]]:
    """The DuckDB path's checks row, counts rows and (kp_row, order_id) list: the reference for Spark's."""
    con = duckdb.connect(":memory:")
    try:
        load_export(con, o, head)

        def fetch(query: str) -> list[dict[str, object]]:
            cur = con.execute(query)
            names = [d[0] for d in cur.description or ()]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

        ids = con.execute("SELECT kp_row, order_id FROM orders ORDER BY kp_row").fetchall()
        return fetch(checks_sql(o, w, "duckdb"))[0], fetch(counts_sql(o, w, "duckdb")), ids
    finally:
        con.close()


def spark_ids(session: Any) -> list[Any]:
    """(kp_row, order_id) of the view spark_rows left, in kp_row order."""
    return [tuple(r) for r in session.sql("SELECT kp_row, order_id FROM orders ORDER BY kp_row").collect()]


def same_values(got: Sequence[dict[str, object]], want: Sequence[dict[str, object]]) -> None:
    """Equal rows, and every value of the same Python type (int stays int, Decimal stays Decimal)."""
    assert got == want
    for g, w in zip(got, want, strict=True):
        assert {k: type(v) for k, v in g.items()} == {k: type(v) for k, v in w.items()}


# ---- Spark == DuckDB ----


def test_the_example_counts_the_seed_inputs_as_duckdb_does(session: Any, orders: Orders) -> None:
    head = head_of(orders, EXAMPLE)
    checks, counts = spark.spark_rows(orders, FEB, head, None)
    want_checks, want_counts, want_ids = duckdb_rows(orders, FEB, head)
    assert checks == want_checks
    same_values([checks], [want_checks])
    same_values(counts, want_counts)
    # the published February inputs, all 32 units (reworks 0), through the same conversion run.py uses
    seed = read_seed(SEED_INPUTS[0])
    assert {str(r["kp_unit"]): measure_values(orders, r) for r in counts} == seed
    assert checks["kp_rows"] == 1945 and checks["kp_merged"] == 3
    assert spark_ids(session) == want_ids  # kp_row is DuckDB's ordinal, row for row


def test_a_generated_100k_file_counts_as_duckdb_does(
    session: Any, orders: Orders, tmp_path_factory: pytest.TempPathFactory
) -> None:
    out = tmp_path_factory.mktemp("big") / "orders-100k.csv"
    generator = ROOT / "examples" / "generate_orders.py"
    args = ["--scale", "100000", "--months", "2024-01..2024-03", "--out", str(out)]
    subprocess.run([sys.executable, str(generator), *args], check=True, capture_output=True)
    head = head_of(orders, out)
    checks, counts = spark.spark_rows(orders, FEB, head, None)
    want_checks, want_counts, _ = duckdb_rows(orders, FEB, head)
    same_values([checks], [want_checks])
    same_values(counts, want_counts)
    assert checks["kp_rows"] > 100_000 and checks["kp_merged"] > 0 and checks["kp_dated_in_period"] > 10_000


def _rewritten(rows: list[list[str]], drop: str, newline: str) -> str:
    """The example's rows with a column dropped, blank and all-space rows, a quoted line break, `newline`."""
    at = rows[0].index(drop)
    body = [[c for i, c in enumerate(r) if i != at] for r in rows]
    width = len(body[0])
    body[30][-1] = "第一行\n第二行"  # 诉求标题, a free-text column: one cell over two lines
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    for n, row in enumerate(body):
        writer.writerow(row)
        if n == 10:
            out.write(newline)  # an empty line
        if n == 20:
            writer.writerow([""] * width)  # a row of empty cells
        if n == 40:
            writer.writerow([" ", "\t", "\u3000", *[""] * (width - 3)])  # spaces only: no order either
    return out.getvalue()


@pytest.mark.parametrize(
    ("encoding", "newline"), [("utf-8", "\r\n"), ("utf-8-sig", "\n"), ("gb18030", "\n")], ids=["crlf", "bom", "gbk"]
)
def test_layouts_duckdb_reads_give_the_same_rows_and_counts(
    session: Any, orders: Orders, tmp_path: Path, encoding: str, newline: str
) -> None:
    """Blank rows, a quoted line break, an absent column (重办次数: its default 0), CRLF, a BOM, GB 18030."""
    rows = list(csv.reader(EXAMPLE.open(encoding="utf-8", newline="")))
    path = tmp_path / "layout.csv"
    path.write_bytes(_rewritten(rows, "重办次数", newline).encode(encoding))
    head = head_of(orders, path)
    assert head.encoding == encoding and dict(head.columns)["reopened"] == 0
    checks, counts = spark.spark_rows(orders, FEB, head, None)
    want_checks, want_counts, want_ids = duckdb_rows(orders, FEB, head)
    same_values([checks], [want_checks])
    same_values(counts, want_counts)
    assert checks["kp_rows"] == 1945  # the three blank rows are no orders
    assert spark_ids(session) == want_ids


def test_decimals_means_and_other_measures_are_exact_as_duckdb_gives_them(
    session: Any, orders: Orders, tmp_path: Path
) -> None:
    """A number column (2 places) summed, averaged (sum and n), min'd; max of an integer; count_distinct."""
    scores = ["4.5", "3", ".25", "", "-1.05", "+2.", "0.1", "99.99", " 7 "]
    rows = list(csv.reader(EXAMPLE.open(encoding="utf-8", newline="")))
    rows = [[*rows[0], "评分"]] + [[*r, scores[n % len(scores)]] for n, r in enumerate(rows[1:])]
    path = tmp_path / "scored.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    score = OrderColumn("score", "number", "评分", places=2)
    measures = (
        Measure("score_sum", "sum", "score", Always(), "unit"),
        Measure("score_mean", "mean", "score", Always(), "unit", if_none=0),
        Measure("score_min", "min", "score", Always(), "unit", if_none=0),
        Measure("reopened_max", "max", "reopened", Always(), "unit", if_none=0),
        Measure("kinds", "count_distinct", "kind", Always(), "unit"),
    )
    scored = replace(orders, columns=(*orders.columns, score), measures=(*orders.measures, *measures))
    head = head_of(scored, path)
    checks, counts = spark.spark_rows(scored, FEB, head, None)
    want_checks, want_counts, _ = duckdb_rows(scored, FEB, head)
    same_values([checks], [want_checks])
    same_values(counts, want_counts)
    assert any(isinstance(r["score_sum"], Decimal) and r["score_sum"] != 0 for r in counts)
    assert [measure_values(scored, r) for r in counts] == [measure_values(scored, r) for r in want_counts]


# ---- typing: datetimes, integers, numbers ----

TRICKY = [
    "2024-02-29 10:00:00",
    "2023-02-29 10:00:00",
    "2024-02-30 00:00",
    "2024-02-03 24:00:00",
    "2024-02-03 23:59:59",
    "2024-02-03 14:25:60",
    "2024-2-3 1:05:00",
    "2024-02-03 1:05",
    "2024/2/3 9:05",
    "2024/02/03 09:05:07",
    "2024/2/29 0:00",
    "2023/2/29 0:00",
    "2024-02-03T14:25",
    "2024-02-03T14:25:00",
    "2024-2-03T14:25",
    "2024-02-03T1:25",
    "2024-02-03 14:25:00\n",
    "\n2024-02-03 14:25",
    " 2024-02-03 14:25 ",
    "\t2024-02-03 14:25\u3000",
    "2024-02-03  14:25",
    "2024-02-03 14:25:00.5",
    "2024-02-03",
    "2024/2/3",
    "0999-01-01 00:00",
    "9999-12-31 23:59:59",
    "2024年2月3日 14:25",
    "2024年02月29日 9:05",
    "2023年2月29日 9:05",
    "２０２４-02-03 14:25",
    "2024-13-01 00:00",
    "2024-00-10 00:00",
    "2024-01-00 00:00",
    "",
    "   ",
    "abc",
]
ALL_FORMATS = tuple(f.name for f in formats.FORMATS)


def python_datetime(text: str, names: Sequence[str]) -> datetime | None:
    try:
        return formats.parse_python(text, names)
    except ValueError:
        return None


def spark_datetimes(session: Any, texts: Sequence[str], names: Sequence[str]) -> list[datetime | None]:
    """formats.spark_sql over `texts`, one query, in order."""
    frame = session.createDataFrame([(i, t) for i, t in enumerate(texts)], "i INT, c STRING")
    rows = frame.selectExpr("i", f"{formats.spark_sql('c', names)} AS d").orderBy("i").collect()
    return [r["d"] for r in rows]


@pytest.mark.parametrize("names", [formats.DEFAULT_FORMATS, ALL_FORMATS], ids=["default", "all"])
def test_spark_datetime_typing_matches_python_on_the_tricky_texts(session: Any, names: Sequence[str]) -> None:
    got = spark_datetimes(session, TRICKY, names)
    assert got == [python_datetime(t, names) for t in TRICKY]
    # the table above does reach both sides of the gate and of the calendar
    assert got[0] == datetime(2024, 2, 29, 10) and got[1] is None and got[6] == datetime(2024, 2, 3, 1, 5)


def _part(n: int, pad: bool) -> str:
    return f"{n:02d}" if pad else str(n)


@st.composite
def written(draw: st.DrawFn) -> str:
    """A datetime written nearly right: parts at and past their limits, padded or not, in any layout."""
    year = draw(st.sampled_from([999, 1000, 2023, 2024, 2100, 9999]))
    month, day = draw(st.integers(0, 13)), draw(st.integers(0, 32))
    hour, minute, second = draw(st.integers(0, 25)), draw(st.integers(0, 61)), draw(st.integers(0, 61))
    pad = draw(st.lists(st.booleans(), min_size=5, max_size=5))
    sep, mid = draw(st.sampled_from(["-", "/"])), draw(st.sampled_from([" ", "T", "  "]))
    date_text = f"{year}{sep}{_part(month, pad[0])}{sep}{_part(day, pad[1])}"
    if draw(st.booleans()):
        date_text = f"{year}年{_part(month, pad[0])}月{_part(day, pad[1])}日"
    time_text = f"{_part(hour, pad[2])}:{_part(minute, pad[3])}"
    if draw(st.booleans()):
        time_text += f":{_part(second, pad[4])}"
    text = draw(st.sampled_from([date_text, f"{date_text}{mid}{time_text}"]))
    return draw(st.sampled_from(["", " ", "\t", "\u3000"])) + text + draw(st.sampled_from(["", " ", "\u3000"]))


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.large_base_example],
)
@given(st.lists(written(), min_size=60, max_size=60))
def test_spark_datetime_typing_matches_python_on_generated_texts(session: Any, texts: list[str]) -> None:
    """One Spark query a batch of 60 texts, against formats.parse_python, with every format allowed."""
    assert spark_datetimes(session, texts, ALL_FORMATS) == [python_datetime(t, ALL_FORMATS) for t in texts]


NUMBERS = [
    "0",
    "-0",
    "+5",
    "007",
    " 12 ",
    "\u300012\t",
    "12\n",
    "1.",
    ".5",
    "1.25",
    "1.234",
    "-.05",
    "+.",
    ".",
    "1e3",
    "1,000",
    "１２",
    "999999999999999999",
    "9999999999999999999",
    "",
    "次",
]


@pytest.mark.parametrize(
    "column",
    [
        OrderColumn("n", "integer", "n"),
        OrderColumn("n", "number", "n", places=0),
        OrderColumn("n", "number", "n", places=2),
        OrderColumn("n", "text", "n"),
    ],
    ids=["integer", "number0", "number2", "text"],
)
def test_spark_number_and_text_typing_matches_duckdb(session: Any, column: OrderColumn) -> None:
    """spark.typed_sql and bad_sql against cells.typed_sql in DuckDB, cell for cell, type for type."""
    frame = session.createDataFrame([(i, t) for i, t in enumerate(NUMBERS)], "i INT, c STRING")
    bad = spark.bad_sql(column, "c") or "false"
    got = frame.selectExpr("i", f"{spark.typed_sql(column, 'c')} AS v", f"{bad} AS b").orderBy("i").collect()
    con = duckdb.connect(":memory:")
    typed = f"CAST({cells.typed_sql(column, 'c')} AS {cells.sql_type(column)})"
    flagged = f"({cells.trimmed_sql('c')} IS NOT NULL AND {typed} IS NULL)" if column.type != "text" else "false"
    con.execute("CREATE TABLE t (i INTEGER, c VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(NUMBERS)))
    want = con.execute(f"SELECT {typed}, {flagged} FROM t ORDER BY i").fetchall()
    con.close()
    assert [(r["v"], r["b"]) for r in got] == want
    assert [type(r["v"]) for r in got] == [type(v) for v, _ in want]


# ---- what Spark refuses, and who words it ----


def _edited(tmp_path: Path, line: int, change: Any) -> Path:
    """The example with file line `line` (1-based) changed by `change(text) -> text`."""
    lines = EXAMPLE.read_text(encoding="utf-8").split("\n")
    lines[line - 1] = change(lines[line - 1])
    path = tmp_path / "edited.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def duckdb_error(o: Orders, head: Head) -> KaopingError:
    con = duckdb.connect(":memory:")
    try:
        with pytest.raises(KaopingError) as raised:
            load_export(con, o, head)
    finally:
        con.close()
    return raised.value


def test_a_bad_datetime_is_told_in_duckdbs_words_at_its_line(session: Any, orders: Orders, tmp_path: Path) -> None:
    # line 57's 办理时限 (the 10th cell) becomes a date that does not exist
    path = _edited(tmp_path, 57, lambda t: ",".join([*t.split(",")[:9], "2024-02-30 10:00", *t.split(",")[10:]]))
    head = head_of(orders, path)
    with pytest.raises(KaopingError) as raised:
        spark.spark_rows(orders, FEB, head, None)
    [problem] = raised.value.problems
    assert (problem.line, problem.col, problem.code) == (57, 10, "export.bad-datetime")
    assert "'2024-02-30 10:00' is not a date and time" in problem.message
    assert raised.value.problems == duckdb_error(orders, head).problems


def test_a_ragged_row_is_told_at_its_line(session: Any, orders: Orders, tmp_path: Path) -> None:
    path = _edited(tmp_path, 88, lambda t: t + ",多出的一格")
    head = head_of(orders, path)
    with pytest.raises(KaopingError) as raised:
        spark.spark_rows(orders, FEB, head, None)
    [problem] = raised.value.problems
    assert (problem.line, problem.code) == (88, "export.bad-row")
    assert problem.message == "the row has 18 cells and the header 17"


def test_a_title_row_above_the_header_is_refused(orders: Orders, tmp_path: Path) -> None:
    path = tmp_path / "titled.csv"
    path.write_text("金台区12345热线工单明细（2024年2月）\n" + EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    head = head_of(orders, path)
    assert head.header_line == 2  # DuckDB's reader takes it; Spark's header option reads line 1 only
    with pytest.raises(KaopingError) as raised:
        spark.spark_rows(orders, FEB, head, None)
    [problem] = raised.value.problems
    assert (problem.line, problem.code) == (2, "export.spark-title-rows")
    assert problem.message == "for --engine spark the header must be the first line"


def test_a_workbook_is_refused_before_spark_starts(orders: Orders) -> None:
    head = replace(head_of(orders, EXAMPLE), kind="xlsx")
    with pytest.raises(UsageError) as raised:
        spark.spark_rows(orders, FEB, head, None)
    assert raised.value.code == "cli.spark-workbook"


def test_no_pyspark_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spark, "_SESSION", None)
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark now raises ImportError
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(KaopingError) as raised:
        spark.session()
    [problem] = raised.value.problems
    assert problem.code == "engine.spark-missing"
    assert problem.message == "--engine spark needs pyspark: pip install -e '.[spark]'"


def test_no_java_is_told_as_spark_failing_to_start(tmp_path: Path) -> None:
    """In a child process with no java on PATH and JAVA_HOME pointing nowhere: engine.spark-failed, quietly."""
    env = {**os.environ, "JAVA_HOME": str(tmp_path / "no-java"), "PATH": str(Path(sys.executable).parent)}
    code = (
        "from kaoping.errors import KaopingError\n"
        "from kaoping.orders import spark\n"
        "try:\n    spark.session('local[1]')\n"
        "except KaopingError as e:\n    print(e.problems[0].code, '|', e.problems[0].message)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert run.stdout.strip() == "engine.spark-failed | Spark could not start (is Java 17 installed?)"
