"""Counting an order export on Spark (issue 11, docs/orders-design.md §4.5): `--engine spark`.

The same compiled SQL as DuckDB's (sql.checks_sql / counts_sql in the "spark" dialect) runs with spark.sql on a
temp view `orders` typed by Spark SQL exactly as load.py types the DuckDB table: formats.spark_sql for
datetimes, the same regex gates (cells.INTEGER, cells.number_regex) before every cast, text trimmed of
' \\t\\u3000' and empty as NULL.  So the engines agree value for value, which tests/test_orders_spark.py holds
them to.  Spark only counts: a ragged row or a bad cell makes it hand the local file to DuckDB's reader, which
words the problem at its line and column (run.py does the same for the checks' problems).

Two Spark habits are overruled for that: its regex `$` also matches before a final line break (the gates end
in `\\z`), and its CSV reader splits a file at any line break unless multiLine is set (a quoted line break is
part of a cell, as DuckDB and the csv module read it; multiLine also keeps one file in one partition, in order,
which kp_row relies on).

pyspark is an optional extra (`pip install -e '.[spark]'`), imported inside the functions only; one session
is started per process and reused.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import KaopingError, UsageError, fail
from ..i18n import N_, _
from .cells import INTEGER, number_regex
from .formats import DEFAULT_FORMATS, TRIM, spark_sql

if TYPE_CHECKING:
    from .ir import Window
    from .model import OrderColumn, Orders
    from .source import Head

MISSING = N_("--engine spark needs pyspark: pip install -e '.[spark]'")
FAILED = N_("Spark could not start (is Java 17 installed?)")
_SESSION: Any = None  # the process's one SparkSession, started by session() on first use
_LOG: Path | None = None  # where the JVM's own stdout and stderr go (kept off the user's terminal)
_BITS = 33  # monotonically_increasing_id(): the partition id above bit 33, the row within it below


def spark_rows(
    orders: Orders, window: Window, head: Head, master: str | None
) -> tuple[dict[str, object], list[dict[str, object]]]:
    """(the one row of checks_sql, the rows of counts_sql), both run by spark.sql on a temp view `orders`.

    Same keys and exact values as DuckDB's fetch: ints as int, DECIMAL as Decimal.  KaopingError
    engine.spark-missing (no pyspark), engine.spark-failed (no JVM), export.spark-title-rows (the header is
    not the first line); a ragged row or bad cell raises DuckDB's own located KaopingError."""
    from .sql import checks_sql, counts_sql

    refuse_layout(head)
    spark = session(master)
    view = typed_view(spark, orders, head)
    try:
        checks = _dicts(spark.sql(checks_sql(orders, window, "spark")).collect())
        counts = _dicts(spark.sql(counts_sql(orders, window, "spark")).collect())
    finally:
        view.unpersist()
    return checks[0], counts


def refuse_layout(head: Head) -> None:
    """What Spark cannot read as DuckDB does: a workbook (exit 2, as the CLI says it), a header below line 1."""
    if head.kind == "xlsx":
        raise UsageError(
            _(
                "--engine spark reads CSV or Parquet exports, not a workbook ({file}): save the sheet as CSV, "
                "or leave out --engine spark (DuckDB reads workbooks)",
                file=head.display,
            ),
            code="cli.spark-workbook",
        )
    if head.kind == "csv" and (head.header_line != 1 or head.skip > 1):
        raise fail(
            head.display,
            _("for --engine spark the header must be the first line"),
            _(
                "delete the {n} line(s) above the header, or leave out --engine spark",
                n=head.header_line - 1,
            ),
            line=head.header_line,
            code="export.spark-title-rows",
        )


# ---- the session ----


def session(master: str | None = None) -> Any:
    """The process's SparkSession, started once: `master`, else Spark Connect at $SPARK_REMOTE, else local[*].

    UI off, UTC, naive timestamps (TIMESTAMP_NTZ, as DuckDB's TIMESTAMP), ANSI SQL (an overflow is an error,
    not a wrapped number), 4 shuffle partitions, 1 GB of driver memory, log level ERROR."""
    global _SESSION
    if _SESSION is not None:
        return _SESSION
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise fail(
            "--engine spark",
            _(MISSING),
            _("or leave out --engine spark: DuckDB counts the export"),
            code="engine.spark-missing",
        ) from None
    builder = SparkSession.builder.appName("kaoping")
    remote = os.environ.get("SPARK_REMOTE")
    builder = builder.remote(remote) if master is None and remote else builder.master(master or "local[*]")
    for key, value in _CONF.items():
        builder = builder.config(key, value)
    try:
        with _quiet_jvm():
            started = builder.getOrCreate()
            if not remote or master is not None:
                started.sparkContext.setLogLevel("ERROR")
    except Exception as e:  # py4j, a missing java, a refused Connect server: all "could not start"
        raise _failed(e) from None
    if _LOG is not None:  # started: the JVM keeps writing to the file it has open, which goes when it exits
        _LOG.unlink(missing_ok=True)
    _SESSION = started
    return started


_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.ansi.enabled": "true",
    "spark.sql.legacy.timeParserPolicy": "CORRECTED",  # a pattern's meaning is java.time's, never SimpleDateFormat's
    "spark.sql.legacy.javaCharsets": "true",  # GB18030 (Spark 4 lists only the UTF and Latin-1 charsets without it)
    "spark.driver.memory": "1g",
}


@contextmanager
def _quiet_jvm() -> Iterator[None]:
    """The JVM inherits the process's stdout and stderr: while it starts, both point at a log file, so its
    banner and warnings (log4j's profile, the loopback address, native Hadoop) stay off the terminal."""
    global _LOG
    fd, name = tempfile.mkstemp(prefix="kaoping-spark-", suffix=".log")
    _LOG = Path(name)
    saved = [os.dup(1), os.dup(2)]
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for f in (*saved, fd):
            os.close(f)


def _failed(e: Exception) -> KaopingError:
    """engine.spark-failed, with the first line of what went wrong and where the JVM's log is."""
    said = str(e).strip().splitlines()[0][:200] if str(e).strip() else type(e).__name__
    if _LOG is not None and _LOG.exists() and _LOG.stat().st_size:
        hint = _("{said}; its log: {log}", said=said, log=_LOG)
    else:
        hint = said
    return fail("--engine spark", _(FAILED), hint, code="engine.spark-failed")


# ---- the typed view ----


def typed_view(spark: Any, orders: Orders, head: Head) -> Any:
    """The temp view `orders` (kp_row, every order column by id, typed) over a cached scan of the file;
    DuckDB's reader raises its located error when Spark finds a ragged row or a bad cell."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    raw = _read(spark, head, StructType([StructField(f"c{i}", StringType()) for i in range(head.width)]))
    typed = raw.selectExpr(*_items(orders, head), f"{_blank(head)} AS kp_blank").where("NOT kp_blank").drop("kp_blank")
    typed = typed.withColumn("kp_mono", F.monotonically_increasing_id()).cache()
    flags = [c for c in typed.columns if c.startswith("kp_bad_")]
    try:
        sizes, bad = _scan(typed, flags)
    except Exception as e:  # a ragged row (FAILFAST), a file that changed: DuckDB says where, or it is a bug
        typed.unpersist()
        raise _located(orders, head, e) from None
    if bad:
        typed.unpersist()
        raise _located(orders, head, RuntimeError(f"Spark found bad cells in {head.display}: {bad}"))
    columns = [f"`{c.id}`" for c in orders.columns]
    view = typed.selectExpr(f"{_kp_row(sizes)} AS kp_row", *columns)
    view.createOrReplaceTempView("orders")
    return typed


def _scan(typed: Any, flags: Sequence[str]) -> tuple[list[tuple[int, int]], dict[str, int]]:
    """One job over the cached rows: (partition, rows) in partition order, and the bad cells per column."""
    from pyspark.sql import functions as F

    part = F.shiftright("kp_mono", _BITS).alias("kp_part")
    sums = [F.sum(F.col(f).cast("int")).alias(f) for f in flags]
    per = typed.groupBy(part).agg(F.count(F.lit(1)).alias("kp_n"), *sums).collect()
    bad: dict[str, int] = {}
    for row in per:
        for f in flags:
            if row[f]:
                bad[f.removeprefix("kp_bad_")] = bad.get(f.removeprefix("kp_bad_"), 0) + int(row[f])
    return sorted((int(r["kp_part"]), int(r["kp_n"])) for r in per), bad


def _kp_row(sizes: Sequence[tuple[int, int]]) -> str:
    """kp_row: the 1-based ordinal of the row among the kept (non-blank) rows in file order, as DuckDB's.

    monotonically_increasing_id() is the partition above bit 33 and the row within it below, and a file's
    partitions are its consecutive pieces in order (one piece for a multiLine CSV), so the ordinal is the rows
    of the earlier partitions plus the row within its own."""
    offsets, seen = [], 0
    for part, n in sizes:
        offsets.append(f"WHEN {part} THEN {seen}")
        seen += n
    base = f"CASE shiftright(kp_mono, {_BITS}) {' '.join(offsets)} END" if offsets else "0"
    return f"CAST({base} + (kp_mono & {2**_BITS - 1}) + 1 AS BIGINT)"


def _located(orders: Orders, head: Head, cause: Exception) -> Exception:
    """What Spark could not read, read by DuckDB's reader, which raises it located (line, column, words of
    design §5.2); if DuckDB reads the file, the engines disagree: a bug, told with Spark's complaint."""
    import duckdb

    from .source import load_export

    con = duckdb.connect(":memory:")
    try:
        load_export(con, orders, head)
    except KaopingError as e:
        return e
    finally:
        con.close()
    said = str(cause).strip().splitlines()[0][:300] if str(cause).strip() else type(cause).__name__
    return RuntimeError(f"Spark could not read {head.display}, which DuckDB reads: {said}")


def _dicts(rows: Sequence[Any]) -> list[dict[str, object]]:
    """Spark Rows as plain dicts (COUNT and BIGINT sums are int, DECIMAL is Decimal, as DuckDB's fetch)."""
    return [dict(r.asDict()) for r in rows]


def _read(spark: Any, head: Head, schema: Any) -> Any:
    """Every cell of the header's width as text, RFC 4180 as DuckDB reads it (a ragged row fails the read)."""
    path = str(head.path)
    if head.kind == "parquet":
        return spark.read.parquet(path)
    encoding = "GB18030" if head.encoding == "gb18030" else "UTF-8"
    options = {
        "header": True,
        "encoding": encoding,
        "sep": head.delimiter,
        "quote": '"',
        "escape": '"',
        "mode": "FAILFAST",
        "multiLine": True,
    }
    return spark.read.schema(schema).options(**options).csv(path)


def _spark_string(value: str) -> str:
    """A Spark SQL string literal: backslash is Spark's escape character, so it is doubled, and so is `'`."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _trimmed(cell: str) -> str:
    return f"NULLIF(trim(BOTH {_spark_string(TRIM)} FROM {cell}), '')"


def _gate(regex: str) -> str:
    """An anchored Java regex: `\\z`, since `$` would also match before a final line break."""
    return _spark_string("^(" + regex + ")\\z")


def spark_type(column: OrderColumn) -> str:
    return {"datetime": "TIMESTAMP_NTZ", "integer": "BIGINT", "number": f"DECIMAL(38, {column.places})"}.get(
        column.type, "STRING"
    )


def typed_sql(column: OrderColumn, cell: str) -> str:
    """The Spark rendering of cells.typed_sql: NULL when empty or bad."""
    text = _trimmed(cell)
    if column.type == "datetime":
        return spark_sql(cell, column.formats or DEFAULT_FORMATS)
    if column.type == "integer":
        return f"CASE WHEN {text} RLIKE {_gate(INTEGER)} THEN CAST({text} AS BIGINT) END"
    if column.type == "number":
        return (
            f"CASE WHEN {text} RLIKE {_gate(number_regex(column.places))} THEN CAST({text} AS {spark_type(column)}) END"
        )
    return text


def bad_sql(column: OrderColumn, cell: str) -> str | None:
    """True for a cell DuckDB's reader refuses: not empty yet not typed, or not one of the declared values."""
    text = _trimmed(cell)
    if column.type in ("datetime", "integer", "number"):
        return f"({text} IS NOT NULL AND {typed_sql(column, cell)} IS NULL)"
    if column.values:
        return f"({text} IS NOT NULL AND NOT {text} IN ({', '.join(_spark_string(v) for v in column.values)}))"
    return None


def _items(orders: Orders, head: Head) -> list[str]:
    """Every order column typed by id (an absent one its default), then a bad-cell flag per column that has one."""
    positions = dict(head.columns)
    items: list[str] = []
    flags: list[str] = []
    for column in orders.columns:
        at = positions.get(column.id, 0)
        cell = _cell(column, head, at)
        if cell is None:
            default = "NULL" if column.default is None else typed_sql(column, _spark_string(str(column.default)))
            items.append(f"CAST({default} AS {spark_type(column)}) AS `{column.id}`")
            continue
        items.append(f"CAST({typed_sql(column, cell)} AS {spark_type(column)}) AS `{column.id}`")
        bad = bad_sql(column, cell)
        if bad is not None:
            flags.append(f"{bad} AS `kp_bad_{column.id}`")
    return items + flags


def _cell(column: OrderColumn, head: Head, at: int) -> str | None:
    """The text expression of a column's cell: c<i> by position in a CSV; by name in Parquet, as text."""
    if not at:
        return None
    if head.kind == "parquet":
        name = dict(head.headers)[column.id]
        return f"CAST(`{name}` AS STRING)"
    return f"c{at - 1}"


def _blank(head: Head) -> str:
    """A row with nothing but spaces, tabs and U+3000 in every cell: not an order (DuckDB drops it too)."""
    if head.kind == "parquet":
        return "false"
    every = ", ".join(f"c{i}" for i in range(head.width))
    return f"(concat_ws('', {every}) RLIKE {_gate('[' + TRIM + ']*')})"
