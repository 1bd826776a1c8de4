"""The datetime formats: hand examples, and Python's parser == DuckDB's typing expression on generated cells.

The two must accept and refuse the same cells with the same value, since the DuckDB path types the export and
the Python parser writes the error path's messages and backs the reference counter.  The generated cells are
built from parts near the edges the gate and the parsers disagree on when left alone: 02-29 in 2023 and 2024,
24:00, single digits, stray spaces, seconds present or not, year 0.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kaoping.orders.formats import (
    BY_NAME,
    DEFAULT_FORMATS,
    FORMATS,
    duckdb_bad_sql,
    duckdb_sql,
    parse_python,
)

ALL = tuple(f.name for f in FORMATS)

# (cell, expected) by hand; None means empty, "bad" means refused.
HAND: list[tuple[str, datetime | None | str]] = [
    ("2024-02-03 14:25:00", datetime(2024, 2, 3, 14, 25)),
    ("2024/2/3 14:25", datetime(2024, 2, 3, 14, 25)),
    ("2024-02-03T14:25", datetime(2024, 2, 3, 14, 25)),
    ("2024-02-03T14:25:07", datetime(2024, 2, 3, 14, 25, 7)),
    ("2024/02/03 09:05:59", datetime(2024, 2, 3, 9, 5, 59)),
    ("2024-2-3 8:05", datetime(2024, 2, 3, 8, 5)),
    ("  2024-02-29 23:59:59\u3000", datetime(2024, 2, 29, 23, 59, 59)),
    ("", None),
    ("   ", None),
    ("2023-02-29 10:00:00", "bad"),
    ("2024-02-30 10:00", "bad"),
    ("2024-02-03 24:00", "bad"),
    ("2024-02-03 14:5", "bad"),
    ("2024-02-03 14:25:60", "bad"),
    ("2024-02-03T4:25", "bad"),
    ("2024-2-03T14:25", "bad"),
    ("2024-02-03  14:25", "bad"),
    ("2024-02-03", "bad"),  # date-only is not a default: a bare deadline would silently mean midnight
    ("2024年2月3日 14:25", "bad"),
    ("0000-01-01 00:00:00", "bad"),
    ("２０２４-02-03 14:25", "bad"),  # full-width digits
    ("45325.6", "bad"),
]

DECLARED: list[tuple[str, datetime | str]] = [
    ("2024-02-03", datetime(2024, 2, 3)),
    ("2024/2/3", datetime(2024, 2, 3)),
    ("2024年2月3日 14:25", datetime(2024, 2, 3, 14, 25)),
    ("2023年2月29日 14:25", "bad"),
]


def _duckdb(cells: list[str], formats: tuple[str, ...]) -> list[tuple[datetime | None, bool]]:
    """Each cell through the typing expression and the bad-cell flag, in one query."""
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, c VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(cells)))
    rows = con.execute(
        f"SELECT {duckdb_sql('c', formats)}, {duckdb_bad_sql('c', formats)} FROM t ORDER BY i"
    ).fetchall()
    con.close()
    return [(r[0], bool(r[1])) for r in rows]


def _python(cell: str, formats: tuple[str, ...]) -> datetime | None | str:
    try:
        return parse_python(cell, formats)
    except ValueError:
        return "bad"


@pytest.mark.parametrize(("cell", "expected"), HAND)
def test_hand_examples_python(cell: str, expected: datetime | None | str) -> None:
    assert _python(cell, DEFAULT_FORMATS) == expected


def test_hand_examples_duckdb() -> None:
    got = _duckdb([c for c, _ in HAND], DEFAULT_FORMATS)
    for (cell, expected), (value, bad) in zip(HAND, got, strict=True):
        if expected == "bad":
            assert (value, bad) == (None, True), cell
        else:
            assert (value, bad) == (expected, False), cell


def test_declared_formats_both_ways() -> None:
    got = _duckdb([c for c, _ in DECLARED], ALL)
    for (cell, expected), (value, bad) in zip(DECLARED, got, strict=True):
        assert _python(cell, ALL) == expected, cell
        assert (value if not bad else "bad") == expected, cell


def test_messages_say_what_was_expected() -> None:
    with pytest.raises(
        ValueError, match=r"cannot read '2024-02-03 24:00' as a datetime: expected one of .*2024/2/3 14:25"
    ):
        parse_python("2024-02-03 24:00")
    with pytest.raises(ValueError, match=r"'2023-02-29 10:00' is written as YYYY-MM-DD HH:mm but is not a real date"):
        parse_python("2023-02-29 10:00")
    assert parse_python(None) is None


def test_table_examples_read_as_themselves() -> None:
    for fmt in FORMATS:
        assert parse_python(fmt.example, [fmt.name]) is not None, fmt.name
    assert set(DEFAULT_FORMATS) == {n for n, f in BY_NAME.items() if f.default}
    with pytest.raises(KeyError, match="unknown datetime format"):
        parse_python("2024-02-03", ["YYYYMMDD"])


def _two(n: int) -> st.SearchStrategy[str]:
    """A number written with one or two digits (or a stray third), as exports and typos do."""
    return st.sampled_from([str(n), f"{n:02d}", f"{n:03d}", f" {n}"])


@st.composite
def cells(draw: st.DrawFn) -> str:
    """A cell assembled from parts around the edges: leap days, 24:00, 60 s, single digits, spaces."""
    year = draw(st.sampled_from([2023, 2024, 1900, 2000, 1, 0, 9999]))
    month = draw(st.sampled_from([0, 1, 2, 9, 12, 13]))
    day = draw(st.sampled_from([0, 1, 9, 28, 29, 30, 31, 32]))
    hour = draw(st.sampled_from([0, 5, 9, 10, 23, 24]))
    minute = draw(st.sampled_from([0, 5, 59, 60]))
    second = draw(st.sampled_from([0, 7, 59, 60]))
    ysep, tsep = draw(st.sampled_from([("-", " "), ("/", " "), ("-", "T"), ("/", "T"), ("-", "  "), ("年", " ")]))
    ytext = draw(st.sampled_from([f"{year:04d}", str(year)]))
    date = f"{ytext}{ysep}{draw(_two(month))}{ysep}{draw(_two(day))}"
    if ysep == "年":
        date = f"{ytext}年{draw(_two(month))}月{draw(_two(day))}日"
    shape = draw(st.sampled_from(["date", "hm", "hms"]))
    time = "" if shape == "date" else f"{tsep}{draw(_two(hour))}:{draw(_two(minute))}"
    if shape == "hms":
        time += f":{draw(_two(second))}"
    pad = draw(st.sampled_from(["", " ", "\t", "\u3000", "\n"]))
    return pad + date + time + draw(st.sampled_from(["", " ", "x"]))


@settings(max_examples=300, deadline=None)
@given(batch=st.lists(cells(), min_size=1, max_size=20), every=st.booleans())
def test_python_equals_duckdb(batch: list[str], every: bool) -> None:
    formats = ALL if every else DEFAULT_FORMATS
    for cell, (value, bad) in zip(batch, _duckdb(batch, formats), strict=True):
        expected = _python(cell, formats)
        got: datetime | None | str = "bad" if bad else value
        assert got == expected, cell
        assert not (bad and value is not None), cell
