"""The export's body read by DuckDB into the typed temp table `orders` (design §4.4 steps 2-4), for source.py.

UTF-8 is read in place; GB 18030 is transcoded first (the encodings extension cannot be installed offline) and a
workbook written out as CSV, both to temp files removed once the table is made.  Everything is typed in one
`CREATE TEMP TABLE orders AS SELECT kp_row, <typed columns>, <bad-cell flags>`; the flags are counted in the
table, and only when one is set is the file read again, by the csv module and only as far as the bad rows, to
word each problem at its line and column.  duckdb is imported inside functions only (tests/test_cold_start.py).
"""

from __future__ import annotations

import codecs
import csv
import re
import shutil
import tempfile
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..data.files import os_problem
from ..errors import KaopingError, Problem, fail
from ..i18n import _
from .cells import bad_cell, bad_sql, default_sql, filled_sql, sql_type, typed_sql
from .formats import TRIM, _sql_string
from .model import OrderColumn, Orders
from .parquet import parquet_cells, parquet_texts
from .source import MAX_PROBLEMS, Head, Loaded, problem_at, workbook

if TYPE_CHECKING:
    import duckdb

MAX_LINE_BYTES = 2 * 2**20  # a line longer than this is no order (DuckDB's own default, said explicitly)
_CHUNK = 2**20  # GB 18030 is transcoded a megabyte at a time
_DUCKDB_LINE = re.compile(r"CSV Error on Line: ([0-9]+)")
_FOUND = re.compile(r"Expected Number of Columns: ([0-9]+) Found: ([0-9]+)")


def load(con: duckdb.DuckDBPyConnection, orders: Orders, head: Head) -> Loaded:
    """The table `orders` made on `con` from the export `head` describes, or KaopingError at the bad cells."""
    _settings(con)
    digest = _Digest(head)
    with _source(orders, head) as (relation, raw_of, sheet_rows, workbook_cells):
        try:
            _create(con, orders, head, relation, workbook_cells)
        except KaopingError:
            digest.result()
            if head.kind == "csv" and digest.long_line:
                raise _long_line(head, digest.long_line) from None
            raise
        sha256 = digest.result()
        if head.kind == "csv" and digest.long_line:
            raise _long_line(head, digest.long_line)
        rows = _checked(con, orders, head, raw_of, sheet_rows, workbook_cells)
    return Loaded(head, sha256, rows, sheet_rows)


def _long_line(head: Head, line: int) -> KaopingError:
    return fail(
        head.display,
        _("this line is longer than {mb} MB: no work order is this long", mb=MAX_LINE_BYTES // 2**20),
        _('if a quote (") opened on this line or above it is never closed, close it; otherwise check the file'),
        line=line,
        code="export.line-too-long",
    )


def _settings(con: duckdb.DuckDBPyConnection) -> None:
    """Bounded memory, spilling to a temp folder removed with the connection, and no order kept that costs."""
    spill = tempfile.mkdtemp(prefix="kaoping-duckdb-")
    weakref.finalize(con, shutil.rmtree, spill, True)
    con.execute("SET memory_limit = '600MB'")
    con.execute(f"SET temp_directory = {_sql_string(spill)}")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")


class _Digest:
    """The file's sha256, computed in a thread while DuckDB scans it (hashlib releases the GIL), and the first
    line longer than MAX_LINE_BYTES, found in the same pass: DuckDB 2.0.1 reports a line of 3 MB but silently
    drops one of 50 MB, so the reader does not rely on it."""

    def __init__(self, head: Head) -> None:
        self.value = ""
        self.long_line = 0  # the 1-based file line of the first line over MAX_LINE_BYTES, 0 when none
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(head,), daemon=True)
        self.thread.start()

    def _run(self, head: Head) -> None:
        import hashlib

        try:
            digest, lines, run = hashlib.sha256(), 1, 0
            with head.path.open("rb") as f:
                for chunk in iter(lambda: f.read(_CHUNK), b""):
                    digest.update(chunk)
                    if self.long_line:
                        continue
                    first = chunk.find(b"\n")
                    if run + (len(chunk) if first < 0 else first) > MAX_LINE_BYTES:
                        self.long_line = lines  # (a line inside a chunk is shorter than the chunk)
                    if first >= 0:
                        lines += chunk.count(b"\n")
                        run = len(chunk) - chunk.rfind(b"\n") - 1
                    else:
                        run += len(chunk)
            self.value = digest.hexdigest()
        except OSError as e:
            self.error = os_problem(e, head.display)
        except BaseException as e:  # handed to the caller's thread in result()
            self.error = e

    def result(self) -> str:
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.value


RawOf = dict[int, Sequence[str]]  # kp_row -> the row's cells as text, when they are already at hand (workbook)


@contextmanager
def _source(orders: Orders, head: Head) -> Iterator[tuple[str, RawOf, tuple[int, ...], bool]]:
    """The FROM clause that reads the body as (c0, c1, ..., kp_ord), and for a workbook its rows' cells and sheet
    rows; temp files (a transcoded or written-out CSV) are removed once the caller is done."""
    if head.kind == "parquet":
        yield "", {}, (), False
        return
    scratch = Path(tempfile.mkdtemp(prefix="kaoping-export-"))
    try:
        if head.kind == "xlsx":
            path, raw_of, sheet_rows = _workbook_csv(head, scratch / "sheet.csv")
            yield _read_csv(path, head, skip=0, delimiter=","), raw_of, sheet_rows, True
        elif head.encoding == "gb18030":
            yield _read_csv(_transcoded(head, scratch / "utf8.csv"), head, head.skip, head.delimiter), {}, (), False
        else:
            yield _read_csv(head.path, head, head.skip, head.delimiter), {}, (), False
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _read_csv(path: Path, head: Head, skip: int, delimiter: str) -> str:
    """read_csv over every cell of the header's width, as text: no guessing, quotes as RFC 4180 has them."""
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(head.width)) + "}"
    names = ", ".join(f"c{i}" for i in range(head.width))
    return (
        f"read_csv({_sql_string(str(path))}, header = false, skip = {skip}, auto_detect = false, "
        f"columns = {columns}, delim = {_sql_string(delimiter)}, quote = '\"', escape = '\"', strict_mode = true, "
        f"null_padding = false, max_line_size = {MAX_LINE_BYTES}, encoding = 'utf-8') "
        f"WITH ORDINALITY AS kp_src({names}, kp_ord)"
    )


def _transcoded(head: Head, out: Path) -> Path:
    """A GB 18030 export as a UTF-8 temp file, a megabyte at a time; a byte neither can read told at its line."""
    decoder = codecs.getincrementaldecoder("gb18030")()
    line = 1
    try:
        with head.path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
            for chunk in iter(lambda: src.read(_CHUNK), b""):
                try:
                    dst.write(decoder.decode(chunk))
                except UnicodeDecodeError as e:
                    raise _not_text(head, line + chunk.count(b"\n", 0, e.start)) from None
                line += chunk.count(b"\n")
            try:
                dst.write(decoder.decode(b"", final=True))
            except UnicodeDecodeError:
                raise _not_text(head, line) from None
    except OSError as e:
        raise os_problem(e, head.display) from None
    return out


def _not_text(head: Head, line: int) -> KaopingError:
    return fail(
        head.display,
        _("this line is neither UTF-8 nor GBK text"),
        _("save the export from Excel as 'CSV UTF-8 (comma delimited)'"),
        line=line,
        code="csv.encoding",
    )


def _workbook_csv(head: Head, out: Path) -> tuple[Path, RawOf, tuple[int, ...]]:
    """A workbook's data rows (below the header, not blank) as a temp CSV of the header's width, with each
    row's cells and sheet row; a row with cells beyond the header is a bad row, at most 100 told."""
    book = workbook(head.path, head.display, head.sheet)
    raw_of: RawOf = {}
    sheet_rows: list[int] = []
    problems: list[Problem] = []
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        for number, cells in book.rows:
            if number <= head.header_line or not any(c.strip(TRIM) for c in cells):
                continue
            if any(c.strip() for c in cells[head.width :]):
                problems.append(_ragged(head, number, len(cells), workbook_row=True))
                continue
            sheet_rows.append(number)
            row = [*cells, *[""] * (head.width - len(cells))][: head.width]
            raw_of[len(sheet_rows)] = row
            writer.writerow(row)
    if problems:
        raise _capped(problems, len(problems))
    return out, raw_of, tuple(sheet_rows)


def _create(con: duckdb.DuckDBPyConnection, orders: Orders, head: Head, relation: str, workbook: bool) -> None:
    """The one scan: CREATE TEMP TABLE orders AS SELECT kp_row, typed columns, bad-cell flags, kp_blank."""
    import duckdb

    select = _select(orders, head, workbook)
    if head.kind == "parquet":
        relation = f"read_parquet({_sql_string(str(head.path))}, file_row_number = true) AS kp_src"
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE orders AS SELECT {select} FROM {relation}")
    except duckdb.OutOfMemoryException:
        raise fail(
            head.display,
            _("the export does not fit in the memory and temporary disk space kaoping gives DuckDB (600 MB)"),
            _("export fewer months at a time, or free disk space in the temporary folder"),
            code="export.too-big",
        ) from None
    except duckdb.Error as e:
        raise _scan_problem(head, str(e)) from None


def _select(orders: Orders, head: Head, workbook: bool) -> str:
    """kp_row, every order column typed by id, kp_filled_<id> beside each typed column (its cell is not
    empty), and kp_blank; DuckDB trims each cell once for all of them (one expression text, one evaluation)."""
    positions = dict(head.columns)
    parquet = parquet_cells(orders, head) if head.kind == "parquet" else {}
    items = ["kp_src.file_row_number + 1 AS kp_row" if head.kind == "parquet" else "kp_src.kp_ord AS kp_row"]
    filled: list[str] = []
    for column in orders.columns:
        at = positions[column.id]
        cell, native = parquet.get(column.id, (f"kp_src.c{at - 1}", False))
        if not at or native:
            items.append(f'CAST({default_sql(column) if not at else cell} AS {sql_type(column)}) AS "{column.id}"')
            continue
        items.append(f'CAST({typed_sql(column, cell, workbook)} AS {sql_type(column)}) AS "{column.id}"')
        flag = filled_sql(column, cell)
        if flag is not None:
            filled.append(f'{flag} AS "kp_filled_{column.id}"')
    if head.kind == "parquet":
        blank = "false"
    else:  # fails at a row's first character that is not a space: nearly every row, at once
        every = ", ".join(f"kp_src.c{i}" for i in range(head.width))
        blank = f"regexp_full_match(concat({every}), {_sql_string('[' + TRIM + ']*')})"
    return ", ".join([*items, *filled, f"{blank} AS kp_blank"])


def _checked(
    con: duckdb.DuckDBPyConnection,
    orders: Orders,
    head: Head,
    raw_of: RawOf,
    sheet_rows: tuple[int, ...],
    workbook: bool,
) -> int:
    """The rows of the table, once blank rows are dropped (kp_row renumbered) and no cell is bad; else the
    first 100 bad cells told, sorted, with how many there are in all."""
    names = {d[0] for d in con.execute("SELECT * FROM orders LIMIT 0").description or ()}
    bad_of = {c.id: _bad(c, names) for c in orders.columns if dict(head.columns)[c.id]}
    flagged = [c for c in orders.columns if bad_of.get(c.id)]
    counts = ", ".join(
        ["count(*)", "count(*) FILTER (WHERE kp_blank)", *(f"count(*) FILTER (WHERE {bad_of[c.id]})" for c in flagged)]
    )
    total, blank, *bad = con.execute(f"SELECT {counts} FROM orders").fetchone() or (0, 0)
    if not total and head.kind == "csv" and data_rows(head, {1}):
        raise _line_ends(head)  # DuckDB read nothing, though the file has a row below its header
    if blank:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE orders AS SELECT CAST(row_number() OVER (ORDER BY kp_row) AS BIGINT) "
            "AS kp_row, * EXCLUDE (kp_row) FROM orders WHERE NOT kp_blank"
        )
    if sum(bad):
        raise _bad_cells(con, head, [(c, bad_of[c.id]) for c in flagged], sum(bad), raw_of, sheet_rows, workbook)
    for name in sorted(n for n in names if n.startswith("kp_filled_")):
        con.execute(f'ALTER TABLE orders DROP COLUMN "{name}"')
    con.execute("ALTER TABLE orders DROP COLUMN kp_blank")
    return int(total) - int(blank)


def _bad(column: OrderColumn, names: set[str]) -> str:
    """The column's bad-cell test over the table ("" when none of its cells can be bad)."""
    return bad_sql(column, f"kp_filled_{column.id}" in names) or ""


def _bad_cells(
    con: duckdb.DuckDBPyConnection,
    head: Head,
    flagged: list[tuple[OrderColumn, str]],
    total: int,
    raw_of: RawOf,
    sheet_rows: tuple[int, ...],
    workbook: bool,
) -> KaopingError:
    """The first 100 bad cells, each at its line and column with its text, in design §5.2's words."""
    flags = ", ".join(f"coalesce({bad}, false)" for _column, bad in flagged)
    where = " OR ".join(bad for _column, bad in flagged)
    found = con.execute(f"SELECT kp_row, {flags} FROM orders WHERE {where} ORDER BY kp_row LIMIT {MAX_PROBLEMS}")
    hits = [
        (int(kp_row), [c for (c, _sql), bad in zip(flagged, marks, strict=True) if bad])
        for kp_row, *marks in found.fetchall()
    ]
    texts, lines = _texts(head, {k for k, _cols in hits}, raw_of, sheet_rows, con)
    positions, headers = dict(head.columns), dict(head.headers)
    loaded = Loaded(head, "", 0, sheet_rows)
    problems = []
    for kp_row, columns in hits:
        for column in columns:
            text = texts[kp_row][positions[column.id] - 1]
            message, hint, code = bad_cell(column, headers[column.id], text, workbook)
            problems.append(problem_at(loaded, lines[kp_row], column.id, message, hint, code))
    return _capped(problems, total)


def _texts(
    head: Head, wanted: set[int], raw_of: RawOf, sheet_rows: tuple[int, ...], con: duckdb.DuckDBPyConnection
) -> tuple[dict[int, Sequence[str]], dict[int, int]]:
    """The cells and the line (sheet row, Parquet row) of each kp_row wanted: read again, only that far."""
    if head.kind == "xlsx":
        return {k: raw_of[k] for k in wanted}, {k: sheet_rows[k - 1] for k in wanted}
    if head.kind == "parquet":
        return dict(parquet_texts(con, head, wanted)), {k: k for k in wanted}
    rows = data_rows(head, wanted)
    return {k: r.cells for k, r in rows.items()}, {k: r.line for k, r in rows.items()}


def _capped(problems: list[Problem], total: int) -> KaopingError:
    """At most 100 problems, sorted, saying how many there are in all ("the first 100 of 2,345")."""
    error = KaopingError(problems, limit=MAX_PROBLEMS)
    error.total = max(total, error.total)
    return error


class _CsvRow:
    """A CSV record of the export: its first and last file line and its cells."""

    __slots__ = ("cells", "last", "line")

    def __init__(self, line: int, last: int, cells: Sequence[str]) -> None:
        self.line, self.last, self.cells = line, last, cells


def _records(head: Head) -> Iterator[tuple[int, _CsvRow]]:
    """Every CSV record of the export from the top (blank lines too, as DuckDB counts its lines), numbered from 1."""
    encoding = "utf-8-sig" if head.encoding == "utf-8-sig" else head.encoding
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, MAX_LINE_BYTES))
    try:
        with head.path.open(encoding=encoding, errors="replace", newline="") as f:
            reader = csv.reader(f, delimiter=head.delimiter)
            start = 1
            for number, cells in enumerate(reader, start=1):
                yield number, _CsvRow(start, reader.line_num, cells)
                start = reader.line_num + 1
    except csv.Error:
        return
    except OSError as e:
        raise os_problem(e, head.display) from None
    finally:
        csv.field_size_limit(limit)


def data_rows(head: Head, wanted: set[int]) -> dict[int, _CsvRow]:
    """kp_row -> its CSV record, for the kp_rows wanted: the non-blank records after the header, counted."""
    found: dict[int, _CsvRow] = {}
    if not wanted:
        return found
    last, kp_row = max(wanted), 0
    for number, row in _records(head):
        if number <= head.skip or not any(c.strip(TRIM) for c in row.cells):
            continue
        kp_row += 1
        if kp_row in wanted:
            found[kp_row] = row
        if kp_row >= last:
            break
    return found


def _record(head: Head, wanted: int) -> _CsvRow | None:
    """CSV record number `wanted` (DuckDB's "Line: N"), or None when the file has fewer."""
    for number, row in _records(head):
        if number == wanted:
            return row
    return None


def _record_start(head: Head, wanted: int) -> int:
    """The file line CSV record `wanted` starts on, when the record itself cannot be read (a quote never
    closed, a cell over any limit): the line after the record before it."""
    if wanted <= 1:
        return 1
    for number, row in _records(head):
        if number == wanted - 1:
            return row.last + 1
    return 0


def _scan_problem(head: Head, error: str) -> KaopingError:
    """DuckDB's complaint about the file as the user's problem, at the line it names (mapped through the csv
    module: DuckDB counts records, a quoted line break is one line to it); anything else is a bug."""
    at = _DUCKDB_LINE.search(error)
    if "invalid state" in error:
        return _line_ends(head)
    if head.kind != "csv" or at is None:
        raise RuntimeError(f"DuckDB could not read {head.display}: {error}")
    row = _record(head, int(at.group(1)))
    line = row.line if row else _record_start(head, int(at.group(1)))
    if "Invalid unicode" in error:
        return fail(
            head.display,
            _("this line is not UTF-8 text, though the file begins as UTF-8"),
            _("save the whole export from Excel as 'CSV UTF-8 (comma delimited)'"),
            line=line,
            code="csv.encoding",
        )
    if "Maximum line size" in error:
        return _long_line(head, line)
    if "unterminated quote" in error:
        return fail(
            head.display,
            _('a quote (") opened in this row is never closed'),
            _("close the quote where the cell ends, or delete it"),
            line=line,
            code="csv.unclosed-quote",
        )
    found = _FOUND.search(error)
    cells = len(row.cells) if row else int(found.group(2)) if found else 0
    if row is None or cells == head.width:
        row = _first_ragged(head)
        cells = len(row.cells) if row else cells
        line = row.line if row else line
    return KaopingError([_ragged(head, line, cells)])


def _line_ends(head: Head) -> KaopingError:
    """DuckDB's CSV reader stops (or, skipping title rows, reads nothing) where a file's lines end in two ways."""
    return fail(
        head.display,
        _(
            "this file cannot be read as CSV: its lines end in two ways (Windows CRLF and Unix LF), "
            "or a quote is out of place"
        ),
        _("open it in Excel or WPS and save it again as 'CSV UTF-8 (comma delimited)'"),
        code="export.unreadable",
    )


def _first_ragged(head: Head) -> _CsvRow | None:
    """The first data record whose width is not the header's (when DuckDB's line cannot be trusted)."""
    for number, row in _records(head):
        if number > head.skip and row.cells and len(row.cells) != head.width:
            return row
    return None


def _ragged(head: Head, line: int, cells: int, workbook_row: bool = False) -> Problem:
    """export.bad-row: a row wider or narrower than the header (design §5.2)."""
    hint = (
        _("delete the cells right of the table, or give them a header")
        if workbook_row
        else _("a comma inside a cell that is not quoted?")
    )
    loaded = Loaded(head, "", 0)
    message = _("the row has {cells} cells and the header {width}", cells=cells, width=head.width)
    return problem_at(loaded, line, None, message, hint, "export.bad-row")
