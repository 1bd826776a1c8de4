"""A Parquet export: its column names for the header machinery, and how each column reaches the table.

Parquet carries types, so a column already of the order column's type (TIMESTAMP for a datetime, an integer for
an integer, a DECIMAL of no more places for a number) is taken as it is; any other goes through VARCHAR and the
same gate as a CSV cell (a DOUBLE 1.5 is '1.5'), so a file's type never silently rounds a value.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import KaopingError, fail
from ..i18n import _
from .formats import _sql_string
from .model import OrderColumn, Orders

if TYPE_CHECKING:
    import duckdb

    from .source import Head

_INTEGERS = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"}
_TIMESTAMPS = {"TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"}
_DECIMAL = re.compile(r"DECIMAL\(([0-9]+),([0-9]+)\)")


def parquet_schema(path: Path, display: str) -> list[tuple[str, str]]:
    """(name, DuckDB type) of every column, in the file's order; KaopingError when it is no Parquet file."""
    import duckdb

    try:
        with duckdb.connect() as con:
            rows = con.execute(f"DESCRIBE SELECT * FROM read_parquet({_sql_string(str(path))})").fetchall()
    except duckdb.Error:
        raise _unreadable(display) from None
    return [(str(name), str(kind)) for name, kind, *_rest in rows]


def _unreadable(display: str) -> KaopingError:
    return fail(
        display,
        _("this file cannot be read as Parquet"),
        _("export it again, or as CSV UTF-8; a .parquet name must hold a Parquet file"),
        code="file.unreadable",
    )


def parquet_names(path: Path, display: str) -> list[str]:
    """The column names, as a header row's cells."""
    return [name for name, _kind in parquet_schema(path, display)]


def native(column: OrderColumn, kind: str) -> bool:
    """Whether a Parquet column of DuckDB type `kind` is already what `column` holds, with nothing to check."""
    decimal = _DECIMAL.fullmatch(kind.replace(" ", ""))
    if column.type == "datetime":
        return kind in _TIMESTAMPS
    if column.type == "integer":
        return kind in _INTEGERS
    if column.type == "number":
        return kind in _INTEGERS or bool(decimal and int(decimal.group(2)) <= column.places)
    return False


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def parquet_cells(orders: Orders, head: Head) -> dict[str, tuple[str, bool]]:
    """Order column id -> (its expression over kp_src, taken as it is); a non-native column as VARCHAR."""
    schema = parquet_schema(head.path, head.display)
    cells: dict[str, tuple[str, bool]] = {}
    for column_id, at in head.columns:
        if at:
            name, kind = schema[at - 1]
            column = orders.column(column_id)
            is_native = native(column, kind)
            text = (
                f"kp_src.{_quoted(name)}"
                if kind == "VARCHAR" or is_native
                else f"CAST(kp_src.{_quoted(name)} AS VARCHAR)"
            )
            cells[column_id] = (text, is_native)
    return cells


def parquet_texts(con: duckdb.DuckDBPyConnection, head: Head, wanted: set[int]) -> dict[int, list[str]]:
    """The cells of the rows wanted (kp_row = Parquet row number + 1) as text, for messages."""
    names = parquet_names(head.path, head.display)
    every = ", ".join(f"CAST({_quoted(n)} AS VARCHAR)" for n in names)
    listed = ", ".join(str(k - 1) for k in sorted(wanted))
    rows = con.execute(
        f"SELECT file_row_number + 1, {every} FROM read_parquet({_sql_string(str(head.path))}, file_row_number = true)"
        f" WHERE file_row_number IN ({listed})"
    ).fetchall()
    return {int(k): ["" if v is None else str(v) for v in cells] for k, *cells in rows}
