"""Counting an order export on Spark (issue 11, docs/orders-design.md §4.5): `--engine spark`.

The same compiled SQL as DuckDB's (sql.checks_sql / counts_sql in the "spark" dialect) runs with spark.sql on a
temp view `orders` typed by Spark SQL the way source.py types the DuckDB table (formats.spark_sql for datetimes,
regex-gated integers and decimals, trimmed text), so the two engines give the same numbers; run.py re-runs the
DuckDB path on the local file to word any problem at its line.  pyspark is an optional extra (`.[spark]`) and is
imported inside the functions only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .ir import Window
    from .model import Orders
    from .source import Head


def spark_rows(
    orders: Orders, window: Window, head: Head, master: str | None
) -> tuple[dict[str, object], list[dict[str, object]]]:
    """(the one row of checks_sql, the rows of counts_sql), both run by spark.sql on a temp view `orders`.

    Same keys and exact values as DuckDB's fetch: ints as int, DECIMAL as Decimal.  KaopingError
    engine.spark-missing (no pyspark), engine.spark-failed (no JVM), export.spark-title-rows (the header is
    not the first line)."""
    raise NotImplementedError
