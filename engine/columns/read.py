"""A CSV's body read into typed columns by DuckDB: a screen in front of the reference reader, never a second reader.

The reference (engine/data: csv_in, headers, rows, cells, ...) reads a CSV
row by row in Python, which at a million units costs seconds and gigabytes.
Here the header is found and mapped by exactly the reference's functions, on
the first rows only; the body below it is parsed in C by DuckDB, and then
checked on whole columns.  Every check is one the reference makes, stated
so that passing it proves the reference would accept the row and read the
same value from it; a row the screen cannot vouch for makes the whole read
return None, and the caller runs the reference, which reports every bad cell
at its row and column as it always has.  So a clean file is fast, and a file
with a mistake in it is exactly as well explained as before.

What the screen vouches for, and why each is enough:

- the text: decoded as the reference decodes it (UTF-8, with a BOM or not,
  else GB 18030); the body holds no control or format character (the whole
  text, less its line breaks and tab separators, is printable, which also
  leaves ' ' its only whitespace); no lone CR; no line longer than a cell
  may be (DuckDB's max_line_size, in bytes, is the csv module's limit);
- the rows: one row a physical line (DuckDB's row count equals the body's
  line count, so no blank line and no quoted line break: each row's line is
  the header's last line plus its place); every row as wide as the first
  (DuckDB's strict mode); a quote only in well-formed quoted cells ("…", ""
  inside), the one form in which the csv module and DuckDB agree;
- the cells, taken as written (spaces around a value are not vouched for:
  cheaper than trimming every cell): an integer is `[+-]?[0-9]{1,15}`,
  optionally `.0…`, which int() or Decimal and DuckDB's BIGINT cast read
  alike; a number or percent (its one % or ％ off) is a plain decimal numeral
  of at most 15 digits: an integer mantissa below 10**15 < 2**53 over a power
  of ten up to 10**15, both exact doubles, so one IEEE division already gives
  the correctly rounded value, and float(Decimal(...)), the reference's, and
  DuckDB's cast (fast_float, whose fast path is that division) agree on it,
  sign of zero included; a text does not start with ' (which the reference may take off); an
  empty cell takes the input's default only when the default's type is the
  column's (an int default of a number input would put an int among floats);
- the rows as units: no totals label in the key column except rows the
  reference's own totals_cell confirms (left out with its note); unique keys;
  bounds and declared groups hold; and no row is (even roughly) the running
  sum of the rows above it, nor the first row the sum of the others, so the
  reference would give no warning.

DuckDB reads a file: the body goes into a temporary file (deleted at once),
the file's own bytes for UTF-8 and the body's text encoded as UTF-8 for GB
18030 (about 0.1 s and 30 MB more at a million units).  numpy and DuckDB are
imported here only.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt

from ..data.csv_in import Row, _decode, _delimiter, filled_rows, separator, wide_row
from ..data.files import HEAD_BYTES, MAX_INPUT_BYTES, real_kind
from ..data.headers import (
    HEADER_SEARCH,
    MAX_COLUMNS,
    Header,
    header_index,
    layout_names,
    map_header,
    normalise,
    refuse_absurd_width,
)
from ..data.totals import totals_cell, totals_left_out
from ..errors import KaopingError, Problem
from ..ruleset.model import Input, Ruleset
from .frame import Array, Columns

# the plain numerals whose conversion is provably the reference's (see the module's docstring)
_INTEGER = r"[+-]?[0-9]{1,15}(\.0*)?"
_NUMBER = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)"
_PERCENT = _NUMBER + r"( *[%％])?"
_DIGITS = 15
_PREFIX = 1 << 16  # characters parsed in Python to find the header; doubled while the first rows run past it
_CHUNK = 1 << 20  # characters tested for printability at a time (a copy of the whole body would double its memory)
_SHARED_BYTES = 1 << 23  # bodies up to 8 MB (some 250,000 units) are read in the shared database
_EPS = float(np.finfo(np.float64).eps)
Floats = npt.NDArray[np.floating[Any]]


@dataclass(frozen=True, slots=True, eq=False)
class ColumnRead:
    """A CSV's units as columns, and what the reference reader would have said about the file.

    `notes` are the reference's notes (Checked.notes): a totals row left
    out, each at its row.  `ignored` is the header's columns no input claims.
    """

    columns: Columns
    encoding: str
    ignored: tuple[str, ...]
    notes: tuple[Problem, ...]


def read_csv_columns(raw: bytes, ruleset: Ruleset, display: str) -> ColumnRead | None:
    """The units of the CSV file whose bytes are `raw` as columns, or None when the reference must read it.

    Not None only when kaoping.data.table.read_table would read this file
    without a problem and give exactly these values (types included), rows,
    ignored columns and notes; None otherwise, or when the screen cannot tell.
    `raw` is a file read_table reads as CSV (its name does not end in .xlsx).
    """
    if len(raw) > MAX_INPUT_BYTES or real_kind(raw[:HEAD_BYTES]) != "text":
        return None
    if wide_row(raw, HEADER_SEARCH, MAX_COLUMNS) is not None:
        return None
    try:
        text, encoding = _decode(raw, display)
    except KaopingError:
        return None
    delimiter = _sniffed(text)
    found = _header(text, delimiter, ruleset, display)
    if found is None:
        return None
    header, last = found
    body = _Body.cut(text, raw, encoding, delimiter, last)
    del text  # not needed from here on: a million units' text is some 50-80 MB
    if body is None:
        return None
    fetched = _fetch(body, header, ruleset, delimiter)
    units = None if fetched is None else _units(fetched, body, header, ruleset, display, delimiter)
    if units is None:
        return None
    columns, notes = units
    return ColumnRead(columns, encoding, header.ignored, notes)


# -- the header: the reference's own functions, on the first rows only ---------------------------------------------


def _header(text: str, delimiter: str, ruleset: Ruleset, display: str) -> tuple[Header, int] | None:
    """The header as the reference maps it and the line it ends on, or None when the reference would refuse it."""
    rows = _first_rows(text, delimiter)
    if not rows:
        return None
    try:
        for row in rows:
            refuse_absurd_width(row, display)
        layout = layout_names(ruleset)
        head = rows[max(header_index(rows, ruleset.inputs, layout), 0)]
        # a CSV has no merged group rows, so the reference never joins a two-level header here
        return map_header(head, ruleset.inputs, delimiter, display, layout), head.last
    except KaopingError:
        return None


def _first_rows(text: str, delimiter: str) -> list[Row] | None:
    """The first HEADER_SEARCH non-empty rows exactly as csv_in's reader gives them, parsing only a prefix.

    A row that ends before the prefix's last line is read as in the whole
    text (the reader's state at a line's end outside quotes is fresh); when
    the rows needed run into the last line, the prefix grows.
    """
    size = _PREFIX
    while True:
        cut = text.find("\n", size)
        end = len(text) if cut < 0 else cut + 1
        parsed = _rows(text[:end], delimiter)
        if parsed is None:
            return None
        rows, lines = parsed
        if end == len(text) or (len(rows) >= HEADER_SEARCH and rows[HEADER_SEARCH - 1].last < lines):
            return rows[:HEADER_SEARCH]
        size *= 4


def _rows(text: str, delimiter: str) -> tuple[list[Row], int] | None:
    """csv_in's rows of `text` (the non-empty ones, with their lines) and the lines read; None on a csv.Error."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = filled_rows(reader)
    except csv.Error:
        return None
    return rows, reader.line_num


# -- the body: its text screened, its bytes handed to DuckDB ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Body:
    """The lines below the header, screened as text: UTF-8 bytes for DuckDB, how many lines, how many cells a row."""

    data: bytes | memoryview
    first_line: int  # the body's first line in the file
    lines: int
    width: int  # the cells of its first row: DuckDB's strict mode holds every row to it

    @staticmethod
    def cut(text: str, raw: bytes, encoding: str, delimiter: str, last: int) -> _Body | None:
        """The body after line `last`, or None when its text holds what the screen does not vouch for."""
        start, end = _line_start(text, last), len(text)
        if start is None:
            return None
        while end > start and text[end - 1] in "\r\n":  # trailing blank lines, which the reference skips
            end -= 1
        if end <= start:
            return None
        if encoding.startswith("utf-8"):  # the file's own bytes, less the BOM and the header: nothing copied
            buffer, low = raw, len(text[:start].encode("utf-8")) + (3 if encoding == "utf-8-sig" else 0)
            high = len(raw) - _trailing(raw)
        else:
            buffer = text[start:end].encode("utf-8")
            low, high = 0, len(buffer)
        # line breaks are single bytes in UTF-8: a CR only before a LF, else the reference's lines may not be DuckDB's
        crlf = buffer.find(b"\r", low, high) >= 0
        if crlf and buffer.count(b"\r", low, high) != buffer.count(b"\r\n", low, high):
            return None
        if not _plain(text, start, end, delimiter, crlf):
            return None
        first = text[start : _stop(text, start, end)].rstrip("\r")
        width = len(next(csv.reader([first], delimiter=delimiter), []))
        return _Body(memoryview(buffer)[low:high], last + 1, buffer.count(b"\n", low, high) + 1, width)


def _sniffed(text: str) -> str:
    """csv_in's choice of separator, made on the text up to the line it is made on (its io.StringIO of the whole
    text would copy it all): the lines before hold neither a comma nor a tab."""
    found = [at for at in (text.find(","), text.find("\t")) if at >= 0]
    if not found:
        return ","
    end = text.find("\n", min(found))
    return _delimiter(text if end < 0 else text[: end + 1])


def _line_start(text: str, last: int) -> int | None:
    """Where line `last` + 1 starts, lines counted as csv_in's reader counts them (CR LF, LF or CR ends one)."""
    if last == 0:
        return 0
    breaks = re.finditer(r"\r\n|\r|\n", text)
    found = next(islice(breaks, last - 1, None), None)
    return None if found is None else found.end()


def _trailing(raw: bytes) -> int:
    """How many line-break bytes end `raw`."""
    n = 0
    while n < len(raw) and raw[len(raw) - 1 - n] in b"\r\n":
        n += 1
    return n


def _stop(text: str, start: int, end: int) -> int:
    """The end of the line starting at `start` (before its line break), within `end`."""
    cut = text.find("\n", start, end)
    return end if cut < 0 else cut


def _plain(text: str, start: int, end: int, delimiter: str, crlf: bool) -> bool:
    """No control or format character anywhere (the reference checks every cell, in every column), and quotes only
    in well-formed quoted cells: the text less its line breaks (and tab separators) is printable."""
    for at in range(start, end, _CHUNK):
        chunk = text[at : min(at + _CHUNK, end)].replace("\n", " ")
        chunk = chunk.replace("\r", " ") if crlf else chunk
        if not (chunk.replace("\t", " ") if delimiter == "\t" else chunk).isprintable():
            return False
    return _quotes_well_formed(text, start, end, delimiter)


def _quotes_well_formed(text: str, start: int, end: int, delimiter: str) -> bool:
    """Every line holding a quote is cells each either free of quotes or one quoted cell ("…", with "" inside).

    Such a line reads the same in the csv module and in DuckDB (which, for
    one, trims the spaces around a quoted cell that the csv module keeps).  A
    quoted cell holds no tab: _plain takes every tab for a separator.
    """
    sep = re.escape(delimiter)
    # a tab inside quotes is a control character in a cell, not a separator _plain may take for one
    cell = rf'(?:[^"{sep}\r\n]*|"(?:[^"\t]|"")*")'
    line = re.compile(rf"{cell}(?:{sep}{cell})*\r?")
    at = text.find('"', start, end)
    while at >= 0:
        begin, stop = max(text.rfind("\n", start, at) + 1, start), _stop(text, at, end)
        if not line.fullmatch(text, begin, stop):
            return False
        at = text.find('"', stop, end)
    return True


# -- DuckDB: the body parsed, each cell checked and converted in SQL ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Fetched:
    """DuckDB's answer, a row a line: each read input's values, whether the screen vouches for the row as a unit
    (`ok`), whether its key may be a totals label (`totals`, to be confirmed by the reference's own function), and
    for such rows how many cells are filled (`filled`: a row of one cell may be written with another separator)."""

    values: Mapping[str, Array]
    ok: npt.NDArray[np.bool_]
    totals: npt.NDArray[np.bool_]
    filled: npt.NDArray[np.int64]


def _fetch(body: _Body, header: Header, ruleset: Ruleset, delimiter: str) -> _Fetched | None:
    """The body through DuckDB; None when DuckDB refuses it (a row of another width, a quote never closed, a line
    too long), it has another number of rows than lines, or the temporary file cannot be written (the reference
    needs none)."""
    query = _Query(body.width, header, ruleset)
    sql = query.sql(delimiter)
    if sql is None:
        return None
    try:
        got = _query(body.data, sql, query.params)
    except (duckdb.Error, OSError):
        return None
    if len(got["ok"]) != body.lines:  # a blank line skipped, or a quoted line break joining two lines
        return None
    values = {id: np.asarray(got[f"v{n}"]) for n, id in enumerate(query.read)}
    ok, totals = (np.asarray(got[name]).astype(bool) for name in ("ok", "totals"))
    return _Fetched(values, ok, totals, np.asarray(got["filled"], dtype=np.int64))


def _query(data: bytes | memoryview, sql: str, params: Mapping[str, object]) -> dict[str, Array]:
    """`sql` run on `data` written to a temporary file, deleted whatever happens.

    A small body queries the shared database (a cursor costs nothing, opening
    a database some 70 ms); a large one a database of its own, closed after,
    which gives its buffers (some 100 MB at a million units) back at once.
    """
    fd, path = tempfile.mkstemp(prefix="kaoping-", suffix=".csv")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        connection = _database().cursor() if len(data) <= _SHARED_BYTES else duckdb.connect(":memory:")
        try:
            got: dict[str, Array] = connection.execute(sql, {**params, "path": path}).fetchnumpy()
        finally:
            connection.close()
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
    return got


@functools.cache
def _database() -> duckdb.DuckDBPyConnection:
    """The in-memory database every read queries, made at the first (opening one costs some 70 ms, a query 2 ms)."""
    return duckdb.connect(":memory:")


def _filled(col: int) -> str:
    """Whether a cell holds more than spaces, as the reference's c.strip() tests it (the screen leaves ' ' the
    only whitespace)."""
    return f"coalesce(trim(c{col}, ' ') <> '', false)"


class _Query:
    """The SQL reading the body: an expression per input read from the file, and the checks of each row.

    A cell DuckDB reads as NULL is empty (nothing, or ""); any other cell is
    taken as written, so a number or a text with spaces around it is not
    vouched for (the reference strips them): cheaper than trimming each cell.
    """

    def __init__(self, width: int, header: Header, ruleset: Ruleset) -> None:
        self.width, self.header, self.ruleset = width, header, ruleset
        self.params: dict[str, object] = {}
        self.read: list[str] = []  # the inputs read from the file, in the order of their v0, v1, ...
        self.checks: list[str] = []

    def sql(self, delimiter: str) -> str | None:
        """The query, or None when an input is of a kind the screen leaves to the reference (see _value)."""
        picked = []
        for item in self.ruleset.inputs:
            col = self.header.columns.get(item.id)
            if col is None or col >= self.width:
                continue  # in no row: its default for every unit (_units)
            value = self._value(item, f"c{col}")
            if value is None:
                return None
            picked.append(f"{value} AS v{len(self.read)}")
            self.read.append(item.id)
        if self.ruleset.key not in self.read:
            return None
        self.checks += [f"c{col} IS NULL" for col in range(self.header.width, self.width)]  # nothing beyond
        ok = " AND ".join(f"coalesce({c}, false)" for c in self.checks)
        totals = self._totals(f"c{self.header.columns[self.ruleset.key]}")
        filled = " + ".join(f"{_filled(col)}::BIGINT" for col in range(self.width))
        required = sum(1 for id in self.read if _usable(self.ruleset.input(id), self.ruleset) is None)
        filled = f"CASE WHEN {totals} THEN {filled} ELSE 2 END" if required >= 2 else filled
        columns = ", ".join(f"'c{col}': 'VARCHAR'" for col in range(self.width))
        source = (
            f"read_csv($path, header = false, auto_detect = false, columns = {{{columns}}}, delim = '{delimiter}', "
            "quote = '\"', escape = '\"', strict_mode = true, null_padding = false, skip = 0, ignore_errors = false, "
            f"max_line_size = {csv.field_size_limit()})"  # bytes, no fewer than characters: no cell over the csv limit
        )
        return f"SELECT {', '.join(picked)}, {ok} AS ok, {totals} AS totals, {filled} AS filled FROM {source}"

    def _value(self, item: Input, cell: str) -> str | None:
        """`item`'s value from its cell, its checks appended; None for a key or group the screen does not read."""
        default, own = _usable(item, self.ruleset), f"$d{len(self.read)}"
        if item.id in (self.ruleset.key, self.ruleset.group_field) and item.type != "text":
            return None
        if default is not None:
            self.params[own[1:]] = default
        empty, fallback = (f"{cell} IS NULL OR ", own) if default is not None else ("", "NULL")
        if item.type == "text":
            edges = f"starts_with({cell}, ' ') OR ends_with({cell}, ' ') OR starts_with({cell}, '''')"
            self.checks += [f"{empty}NOT ({edges})", *self._group(item, cell)]
            return f"coalesce({cell}, {fallback}::VARCHAR, '')"
        if item.type == "integer":
            self.checks.append(f"{empty}regexp_full_match({cell}, '{_INTEGER}')")
            return f"coalesce(TRY_CAST({cell} AS BIGINT), {fallback}::BIGINT, 0)"
        number = cell if item.type == "number" else f"rtrim(rtrim({cell}, '%％'), ' ')"
        pattern = _NUMBER if item.type == "number" else _PERCENT
        digits = f"length({number}) - (strpos({number}, '.') > 0)::INT - (left({number}, 1) IN ('+', '-'))::INT"
        self.checks.append(f"{empty}(regexp_full_match({cell}, '{pattern}') AND {digits} <= {_DIGITS})")
        return f"coalesce(TRY_CAST({number} AS DOUBLE), {fallback}::DOUBLE, 0.0)"

    def _group(self, item: Input, cell: str) -> list[str]:
        """A group cell must name a declared group (when the ruleset declares any), as groups.py checks."""
        if item.id != self.ruleset.group_field or not self.ruleset.groups:
            return []
        names = []
        for n, group in enumerate(self.ruleset.groups):
            self.params[f"g{n}"] = group.value
            names.append(f"$g{n}")
        return [f"{cell} IN ({', '.join(names)})"]

    def _totals(self, key: str) -> str:
        """Whether the key cell holds a totals label anywhere, spaces allowed between its characters: a superset of
        totals.py's test (made on the cell less its whitespace, which the screen leaves ' ' alone), which confirms it.

        One regular expression, inlined (a constant pattern is compiled once), not a contains() a label."""
        labels = sorted({normalise(t) for t in self.ruleset.totals_labels})
        if not labels:
            return "false"
        pattern = "|".join(" *".join(_re2_literal(ch) for ch in label) for label in labels)
        return f"coalesce(regexp_matches({key}, '{pattern.replace(chr(39), chr(39) * 2)}'), false)"


def _re2_literal(ch: str) -> str:
    """One character as a literal in an RE2 pattern: ASCII punctuation escaped, anything else as itself."""
    return "\\" + ch if ch.isascii() and not ch.isalnum() else ch


def _usable(item: Input, ruleset: Ruleset) -> int | float | str | None:
    """`item`'s default when an empty cell may take it on the fast path: of the column's own type (an integer
    column holds ints, a number column floats), and not the key's or the group's; None otherwise."""
    default = item.default
    if default is None or item.id in (ruleset.key, ruleset.group_field):
        return None
    if item.type == "text":
        return default if isinstance(default, str) else None
    if item.type == "integer":
        return default if type(default) is int and abs(default) < 2**63 else None
    return default if type(default) is float else None


# -- the rows as units: totals rows, keys, bounds and sums, on whole columns ------------------------------------------


def _units(
    fetched: _Fetched, body: _Body, header: Header, ruleset: Ruleset, display: str, delimiter: str
) -> tuple[Columns, tuple[Problem, ...]] | None:
    """The units as columns and the reference's notes, or None when a row is not one the screen vouches for."""
    confirmed = _totals_rows(fetched, header, ruleset, display, body.first_line, delimiter)
    if confirmed is None:
        return None
    totals, notes = confirmed
    keep = ~totals
    # a unit row of one filled cell may be a row written with another separator (csv_in.wrong_separator)
    if not keep.any() or not fetched.ok[keep].all() or bool((fetched.filled[keep] < 2).any()):
        return None
    values = {id: column if not totals.any() else column[keep] for id, column in fetched.values.items()}
    n = int(keep.sum())
    for item in ruleset.inputs:
        if item.id not in values:
            default = _usable(item, ruleset)
            if default is None:
                return None
            values[item.id] = np.full(n, default, dtype=_DTYPES[item.type])
    keys = values[ruleset.key].tolist()
    if len(set(keys)) != n or not _within_bounds(values, ruleset):
        return None
    summed = [values[i.id] for i in ruleset.inputs if i.numeric and i.id in header.columns]
    if _may_be_summed(summed, _section_starts(totals)):
        return None
    rows = (body.first_line + np.flatnonzero(keep)).astype(np.int64)
    return Columns(n, rows, values), notes


_DTYPES: dict[str, type[np.generic]] = {
    "text": np.object_,
    "integer": np.int64,
    "number": np.float64,
    "percent": np.float64,
}


def _totals_rows(
    fetched: _Fetched, header: Header, ruleset: Ruleset, display: str, first_line: int, delimiter: str
) -> tuple[npt.NDArray[np.bool_], tuple[Problem, ...]] | None:
    """Which rows the reference leaves out as totals rows (its own totals_cell decides), with its note for each;
    None when such a row is one cell the reference may read as written with another separator."""
    totals = np.zeros(len(fetched.ok), dtype=bool)
    labels = {normalise(t) for t in ruleset.totals_labels}
    keys, col = fetched.values[ruleset.key], header.columns[ruleset.key]
    notes = []
    for at in np.flatnonzero(fetched.totals).tolist():
        key = str(keys[at])
        found = totals_cell(Row(0, 0, [key]), 0, labels)
        if found is None:
            continue
        if fetched.filled[at] < 2 and separator([key], delimiter):
            return None
        totals[at] = True
        notes.append(totals_left_out(display, first_line + at, col + 1, found[0]))
    return totals, tuple(notes)


def _within_bounds(values: Mapping[str, Array], ruleset: Ruleset) -> bool:
    """Every value within its input's min and max (a bound may name another input), as bounds.py checks."""
    for item in ruleset.inputs:
        if not item.numeric:
            continue
        value = values[item.id]
        for bound, below in ((item.min, True), (item.max, False)):
            if bound is None:
                continue
            if isinstance(bound, str):
                if not ruleset.input(bound).numeric:
                    return False
                limit: object = values[bound]
            else:  # a Python int past int64 would overflow numpy; as a float it orders the same against 15 digits
                limit = float(bound) if isinstance(bound, int) and abs(bound) >= 2**53 else bound
            if bool((value < limit).any() if below else (value > limit).any()):  # type: ignore[operator]
                return False
    return True


def _section_starts(totals: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """For each unit, the index among units of the first unit after the last totals row above it (0 if none):
    where totals.py's running section starts."""
    keep = ~totals
    before: npt.NDArray[np.int64] = np.cumsum(keep) - keep
    return np.maximum.accumulate(np.where(totals, before, 0))[keep].astype(np.int64)


def _may_be_summed(columns: Sequence[Array], start: npt.NDArray[np.int64]) -> bool:
    """Whether the reference might warn that a unit is a sum of others (totals.py), tested loosely so as to be
    sure: a row within 1e-6 (plus a bound on a float cumsum's error) of the sum of the rows above it, all of them
    or those since the last totals row, at least two and not all zero; or a first row as close to the others' sum.

    totals.py compares with math.isclose (1e-9) against exact int sums or left-to-right float sums, so whenever
    it would warn, this is true too, and the reference reads the file.  Each column narrows the rows still in
    question, so the later columns cost little."""
    n = len(start)
    if not columns or n < 3:
        return False
    rows = np.arange(2, n)
    # with no totals row a section is the whole table: its test is `every`'s with twice the slack, so it holds
    # wherever `every` does, with the same nonzero flags, and `every` need not be made
    sectioned = bool(start.any())
    every, section = np.full(n - 2, sectioned), (rows - start[rows]) >= 2
    every_nonzero, section_nonzero = np.zeros(n - 2, dtype=bool), np.zeros(n - 2, dtype=bool)
    first, first_nonzero = True, False
    for column in columns:
        f = column.astype(np.float64)
        s, a = (np.concatenate(([0.0], np.cumsum(x))) for x in (f, np.abs(f)))
        z = np.concatenate(([0], np.cumsum(f != 0)))
        begin, slack = start[rows], 4 * (rows + 2) * _EPS * a[rows]
        if sectioned:
            every &= _near(f[rows], s[rows], slack)
        section &= _near(f[rows], s[rows] - s[begin], 2 * slack)
        every_nonzero |= z[rows] > 0
        section_nonzero |= (z[rows] - z[begin]) > 0
        still = every | section
        rows, every, section = rows[still], every[still], section[still]
        every_nonzero, section_nonzero = every_nonzero[still], section_nonzero[still]
        rest = np.array([s[n] - s[1]])
        first = first and bool(_near(f[:1], rest, np.array([4 * (n + 2) * _EPS * a[n]]))[0])
        first_nonzero = first_nonzero or bool(z[n] - z[1] > 0)
        if not rows.size and not first:
            return False
    return bool((every & every_nonzero).any() or (section & section_nonzero).any() or (first and first_nonzero))


def _near(a: Floats, b: Floats, slack: Floats) -> npt.NDArray[np.bool_]:
    """|a - b| within 1e-6 of the larger (or absolutely), plus `slack`: far looser than math.isclose's 1e-9."""
    return np.abs(a - b) <= 1e-6 * np.maximum(np.abs(a), np.abs(b)) + 1e-6 + slack
