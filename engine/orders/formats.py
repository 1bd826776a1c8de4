"""The datetime formats an order export may use: one table, rendered for Python, DuckDB and Spark.

Exports write times as `2024-02-03 14:25:00`, `2024/2/3 14:25` or `2024-02-03T14:25`.  Engines disagree on
leniency (Python's `%M` takes one digit, DuckDB's `%Y` takes year 0), so every cell is first trimmed, then gated
by one anchored regex per format, and only a gated cell reaches the engine's parser, which then only has to
refuse impossible dates (2024-02-30, 2023-02-29).  The first format whose regex matches decides: a cell that
passes the gate but is no real date is bad, it never falls through to another format.  That makes the Python
parser (the reference, and the error path's messages) and the DuckDB typing expression agree cell for cell,
which tests/test_orders_formats.py holds them to.

Stdlib only: the DuckDB and Spark renderings are SQL text, built here without importing an engine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..i18n import _

# What the gate allows in each part; calendar validity (02-30, 02-29 in 2023) is the parsers' job.
_Y = "[1-9][0-9]{3}"
_MO = "(0?[1-9]|1[0-2])"
_D = "(0?[1-9]|[12][0-9]|3[01])"
_H = "([01]?[0-9]|2[0-3])"
_MO2 = "(0[1-9]|1[0-2])"
_D2 = "(0[1-9]|[12][0-9]|3[01])"
_H2 = "([01][0-9]|2[0-3])"
_MS = "[0-5][0-9]"

# Trimmed from both ends before the gate, as text cells are (orders/ir.py's contract).
TRIM = " \t\u3000"


@dataclass(frozen=True, slots=True)
class DatetimeFormat:
    """One accepted way of writing a datetime: its YAML name, the gate and each engine's pattern."""

    name: str
    example: str
    regex: str
    strptime: str
    spark: str
    default: bool


FORMATS: tuple[DatetimeFormat, ...] = (
    DatetimeFormat(
        "YYYY-MM-DD HH:mm:ss",
        "2024-02-03 14:25:00",
        f"{_Y}-{_MO}-{_D} {_H}:{_MS}:{_MS}",
        "%Y-%m-%d %H:%M:%S",
        "yyyy-M-d H:mm:ss",
        True,
    ),
    DatetimeFormat(
        "YYYY-MM-DD HH:mm",
        "2024-02-03 14:25",
        f"{_Y}-{_MO}-{_D} {_H}:{_MS}",
        "%Y-%m-%d %H:%M",
        "yyyy-M-d H:mm",
        True,
    ),
    DatetimeFormat(
        "YYYY/M/D H:mm",
        "2024/2/3 14:25",
        f"{_Y}/{_MO}/{_D} {_H}:{_MS}",
        "%Y/%m/%d %H:%M",
        "yyyy/M/d H:mm",
        True,
    ),
    DatetimeFormat(
        "YYYY/M/D H:mm:ss",
        "2024/2/3 14:25:00",
        f"{_Y}/{_MO}/{_D} {_H}:{_MS}:{_MS}",
        "%Y/%m/%d %H:%M:%S",
        "yyyy/M/d H:mm:ss",
        True,
    ),
    DatetimeFormat(
        "YYYY-MM-DDTHH:mm",
        "2024-02-03T14:25",
        f"{_Y}-{_MO2}-{_D2}T{_H2}:{_MS}",
        "%Y-%m-%dT%H:%M",
        "yyyy-MM-dd'T'HH:mm",
        True,
    ),
    DatetimeFormat(
        "YYYY-MM-DDTHH:mm:ss",
        "2024-02-03T14:25:00",
        f"{_Y}-{_MO2}-{_D2}T{_H2}:{_MS}:{_MS}",
        "%Y-%m-%dT%H:%M:%S",
        "yyyy-MM-dd'T'HH:mm:ss",
        True,
    ),
    DatetimeFormat("YYYY-MM-DD", "2024-02-03", f"{_Y}-{_MO}-{_D}", "%Y-%m-%d", "yyyy-M-d", False),
    DatetimeFormat("YYYY/M/D", "2024/2/3", f"{_Y}/{_MO}/{_D}", "%Y/%m/%d", "yyyy/M/d", False),
    DatetimeFormat(
        "YYYY年M月D日 H:mm",
        "2024年2月3日 14:25",
        f"{_Y}年{_MO}月{_D}日 {_H}:{_MS}",
        "%Y年%m月%d日 %H:%M",
        "yyyy年M月d日 H:mm",
        False,
    ),
)

BY_NAME: dict[str, DatetimeFormat] = {f.name: f for f in FORMATS}

# A date-only value means midnight, which silently moves a deadline, so those formats must be declared.
DEFAULT_FORMATS: tuple[str, ...] = tuple(f.name for f in FORMATS if f.default)

_COMPILED: dict[str, re.Pattern[str]] = {f.name: re.compile(f.regex) for f in FORMATS}


def _lookup(formats: Sequence[str]) -> list[DatetimeFormat]:
    """The named formats, in order; an unknown name is a programming error (the schema's enum refuses it)."""
    unknown = [n for n in formats if n not in BY_NAME]
    if unknown:
        raise KeyError(f"unknown datetime format(s) {unknown}: expected one of {list(BY_NAME)}")
    return [BY_NAME[n] for n in formats]


def parse_python(text: str | None, formats: Sequence[str] = DEFAULT_FORMATS) -> datetime | None:
    """The cell as a naive datetime, None when empty; ValueError saying what was expected when unreadable."""
    if text is None:
        return None
    cell = text.strip(TRIM)
    if not cell:
        return None
    for fmt in _lookup(formats):
        if _COMPILED[fmt.name].fullmatch(cell):
            try:
                return datetime.strptime(cell, fmt.strptime)
            except ValueError:
                raise ValueError(
                    _("{text!r} is written as {format} but is not a real date and time", text=text, format=fmt.name)
                ) from None
    names = ", ".join(f"{f.name} ({f.example})" for f in _lookup(formats))
    raise ValueError(_("cannot read {text!r} as a datetime: expected one of {names}", text=text, names=names))


def _sql_string(value: str) -> str:
    """A SQL string literal (the patterns hold no quote, but a format list is data, so escape anyway)."""
    return "'" + value.replace("'", "''") + "'"


def trimmed_sql(column_sql: str) -> str:
    """The trimmed cell, NULL when empty: the same trim as parse_python's."""
    return f"NULLIF(trim({column_sql}, {_sql_string(TRIM)}), '')"


def duckdb_sql(column_sql: str, formats: Sequence[str] = DEFAULT_FORMATS) -> str:
    """A DuckDB TIMESTAMP expression for a VARCHAR column: the datetime, or NULL when empty or unreadable."""
    cell = trimmed_sql(column_sql)
    arms = " ".join(
        f"WHEN regexp_full_match({cell}, {_sql_string(f.regex)}) THEN try_strptime({cell}, {_sql_string(f.strptime)})"
        for f in _lookup(formats)
    )
    return f"CAST(CASE {arms} END AS TIMESTAMP)"


def duckdb_bad_sql(column_sql: str, formats: Sequence[str] = DEFAULT_FORMATS) -> str:
    """A DuckDB BOOLEAN expression: true for a non-empty cell that duckdb_sql cannot read (a bad cell)."""
    return f"({trimmed_sql(column_sql)} IS NOT NULL AND {duckdb_sql(column_sql, formats)} IS NULL)"


def spark_sql(column_sql: str, formats: Sequence[str] = DEFAULT_FORMATS) -> str:
    """The Spark SQL rendering of duckdb_sql (RLIKE gate, then try_to_timestamp), for orders/spark.py."""
    cell = f"NULLIF(trim(BOTH {_sql_string(TRIM)} FROM {column_sql}), '')"
    arms = " ".join(
        f"WHEN {cell} RLIKE {_sql_string('^' + f.regex + '$')} THEN try_to_timestamp({cell}, {_sql_string(f.spark)})"
        for f in _lookup(formats)
    )
    return f"CAST(CASE {arms} END AS TIMESTAMP_NTZ)"
