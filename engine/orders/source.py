"""Reading a work-order export into a typed DuckDB table `orders` (issue 11, docs/orders-design.md §4.3-4.4).

An export is the platform's raw list of work orders: far larger than a unit table (the order cap is 8 GiB, by
stat), so only its head (64 KB) is read in Python, to find and map the header with the data readers' own
machinery (engine/data/headers.py: title rows skipped, did-you-mean and wrong-separator messages).  The body is
read by DuckDB in place, all VARCHAR, and typed in one `CREATE TEMP TABLE orders AS SELECT ...` by the SQL of
formats.py: no Python loop over the orders on the happy path.  Only when a cell is bad is the file read again,
by the csv module and only as far as the bad rows, to say where each one is (file line and column).

duckdb is imported inside functions only: tests/test_cold_start.py forbids it on the unit-table path, and
is_export/read_head run on that path for a ruleset with `orders:` (Spark uses Head too, without DuckDB).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..data import files
from ..data.csv_in import Row, _decode, _delimiter, separator
from ..data.files import input_size, os_problem, refuse_disguised
from ..data.headers import (
    _ONE_SEPARATOR,
    HEADER_SEARCH,
    header_index,
    map_header,
    normalise,
    refuse_absurd_width,
    refuse_wide_bytes,
)
from ..data.sheets import in_sheet
from ..errors import KaopingError, Problem, fail
from ..frozen import frozen
from ..i18n import _
from ..ruleset.model import Input
from . import listed

if TYPE_CHECKING:
    import duckdb

    from ..data.xlsx_in import Sheet
    from ..ruleset.model import Ruleset
    from .model import OrderColumn, Orders

MAX_EXPORT_BYTES = 8 * 2**30  # an export larger than this is refused from its size alone (by stat)
HEAD_BYTES = 64 * 2**10  # what is read in Python to find the header, its encoding and its separator
MAX_PROBLEMS = 100  # bad cells located and told before the run stops


@frozen
class Head:
    """The export's header, mapped to the order columns; read without DuckDB (Spark uses it too).

    `columns` gives every order column, in the ruleset's order, with its 1-based position in the file (0 when
    the column is absent and takes its default).  `header_line` is the file line of the header (title rows
    above it skipped), so rows are counted from the line after it.
    """

    display: str
    path: Path
    kind: Literal["csv", "xlsx", "parquet"]
    encoding: str  # "utf-8", "utf-8-sig", "gb18030", "xlsx", "parquet"
    delimiter: str  # "," or "\t" ("" for xlsx/parquet)
    header_line: int  # 1-based file line (or sheet row) of the header
    width: int  # cells in the header
    columns: tuple[tuple[str, int], ...]  # (order column id, 1-based position in the file); 0 = absent
    headers: tuple[tuple[str, str], ...]  # (order column id, header text as found in the file), present ones
    ignored: tuple[str, ...]  # headers no column claims (told in a note)
    sheet: str | None  # a workbook's sheet as read (its name), else None
    skip: int = 0  # CSV records up to and including the header (blank lines count): DuckDB's read_csv skip=

    def position(self, column: str) -> int:
        """The 1-based position of order column `column` in the file, 0 when absent."""
        return dict(self.columns).get(column, 0)


@frozen
class Loaded:
    """An export read into the connection's temp table `orders`, with what later stages say about the file."""

    head: Head
    sha256: str
    rows: int  # data rows in the table `orders` (non-empty rows after the header)
    sheet_rows: tuple[int, ...] = ()  # a workbook's sheet row of each kp_row (kp_row 1 is sheet_rows[0])


def is_export(path: Path, ruleset: Ruleset, sheet: str | None) -> bool:
    """True when `path` is an order export for `ruleset`, so the pipeline counts it instead of reading a unit table.

    Only for a ruleset with `orders:`.  A .parquet file always is; otherwise one of the first 10 non-empty rows
    of the head (64 KB; a workbook's first rows) names the order-key column by its label or an alias
    (headers.normalise).  A file that cannot be read says False here: the unit-table reader then tells why.
    Imports neither duckdb nor sqlglot.
    """
    orders = ruleset.orders
    if orders is None:
        return False
    if path.suffix.lower() == ".parquet":
        return True
    key = orders.column(orders.order_key)
    names = {normalise(n) for n in (key.id, *key.headers)}
    try:
        rows = _head_rows(path, str(path), sheet)[0]
    except (KaopingError, OSError):
        return False
    return any(normalise(part) in names for row in rows for cell in row.cells for part in _parts(cell))


def read_head(orders: Orders, path: Path, display: str, sheet: str | None) -> Head:
    """The export's header found and mapped, or KaopingError.

    Refused first, before a row is decoded: a file over 8 GiB, one whose bytes are not what its name says
    (files.refuse_disguised), a header too wide, with a control character or a quote never closed.  Then the
    header is mapped by headers.header_index/map_header through Input-like stand-ins of the order columns
    (required = no default), so a missing column gets the data readers' did-you-mean and wrong-separator
    hints, under the code export.missing-column.
    """
    export_size(path, display)
    if path.suffix.lower() == ".parquet":
        from .parquet import parquet_names

        names = parquet_names(path, display)
        rows, text = [Row(0, 0, names)], _HeadText("parquet", "parquet", "", 0, None, (0,))
    else:
        rows, text = _head_rows(path, display, sheet)
    if not rows:
        raise fail(display, _("the file is empty: it has no header row"), line=1, code="data.empty-file")
    for row in rows[:HEADER_SEARCH]:
        refuse_absurd_width(row, display)
    inputs = [_stand_in(c) for c in orders.columns]
    at = max(header_index(rows, inputs, {}), 0)
    row = rows[at]
    try:
        header = map_header(row, inputs, text.delimiter, display, {})
    except KaopingError as e:
        raise KaopingError([_export_problem(p, orders, row, text.delimiter) for p in e.problems]) from None
    if text.cut and row is rows[-1] and row.last > row.line:  # a quoted cell may run on past the head
        raise fail(
            display,
            _("the header row does not end within the first {kb} KB of the file", kb=HEAD_BYTES // 1024),
            _("this is not a work-order export: check the file"),
            line=row.line,
            code="export.line-too-long",
        )
    return Head(
        display=display,
        path=path,
        kind=text.kind,
        encoding=text.encoding,
        delimiter=text.delimiter,
        header_line=row.line,
        width=len(row.cells),
        columns=tuple((c.id, header.columns[c.id] + 1 if c.id in header.columns else 0) for c in orders.columns),
        headers=tuple(
            (c.id, row.cells[header.columns[c.id]].strip()) for c in orders.columns if c.id in header.columns
        ),
        ignored=header.ignored,
        sheet=text.sheet,
        skip=text.ends[at],
    )


def load_export(
    con: duckdb.DuckDBPyConnection,
    orders: Orders,
    head: Head,
    progress: Callable[[str], None] | None = None,
) -> Loaded:
    """CREATE TEMP TABLE orders (kp_row BIGINT, <column id> <typed>, ...) on `con` in one scan of the file.

    Every order column is a column of the table, by id: datetime TIMESTAMP (formats.duckdb_sql), integer
    BIGINT, number DECIMAL(38, places), text and id VARCHAR trimmed of ' \\t\\u3000', an empty cell NULL; an
    absent column takes its default.  kp_row is the 1-based ordinal of the row among the non-empty data rows.
    Bad cells (export.bad-datetime, export.bad-number, export.unknown-value) and ragged rows (export.bad-row)
    raise KaopingError located at line:col (or Sheet1!J57), at most 100, before anything else is checked.
    The connection's settings are set here (memory_limit 600MB, a temp_directory removed with the connection,
    preserve_insertion_order=false).  `progress` is told each stage's name ("read").
    """
    from .load import load

    if progress is not None:
        progress("read")
    return load(con, orders, head)


def places(loaded: Loaded, kp_rows: Iterable[int]) -> dict[int, int]:
    """kp_row -> 1-based file line (or sheet row) of that row, for messages.

    Right across title rows, blank lines and quoted line breaks: the file is read again by the csv module (or
    the workbook's rows), only as far as the last row asked for.  The error path only.
    """
    wanted = set(kp_rows)
    if loaded.head.kind == "parquet":
        return {k: k for k in wanted}
    if loaded.head.kind == "xlsx":
        return {k: loaded.sheet_rows[k - 1] for k in wanted if 0 < k <= len(loaded.sheet_rows)}
    from .load import data_rows

    return {k: row.line for k, row in data_rows(loaded.head, wanted).items()}


def problem_at(loaded: Loaded, line: int, column: str | None, message: str, hint: str, code: str) -> Problem:
    """A Problem placed the way every stage places one in an export.

    file = the display name, `line` the file line (or sheet row), col = the 1-based position of order column
    `column` (0 when None or absent), cell = "Sheet1!J57" in a workbook.  No source line is shown: the column
    is a cell's position, not a character's, so a caret under it would point at the wrong place.  The column's
    header as found in the file goes with it (Problem.column), so Chinese says 第 7 行「受理时间」列.
    """
    head = loaded.head
    col = head.position(column) if column else 0
    label = dict(head.headers).get(column, "") if column and col else ""
    problem = Problem(head.display, line, col, message, hint, code=code, column=label)
    return in_sheet(problem, head.sheet or "") if head.kind == "xlsx" else problem


def export_size(path: Path, display: str) -> int:
    """The export's size by stat, refused over 8 GiB (the unit tables' 200 MB cap does not apply: a year of
    orders is gigabytes), and a folder or device told as what it is."""
    try:
        info = path.stat()
    except OSError as e:
        raise os_problem(e, display) from None
    if stat.S_ISDIR(info.st_mode) or not stat.S_ISREG(info.st_mode):
        input_size(path, display)  # says what it is: a folder, a device or a pipe
    if info.st_size > MAX_EXPORT_BYTES:
        raise fail(
            display,
            _(
                "the file is {size:,.1f} GiB; kaoping reads order exports of at most {most} GiB",
                size=info.st_size / 2**30,
                most=MAX_EXPORT_BYTES // 2**30,
            ),
            _("export one month (or a few) at a time"),
            code="export.too-big",
        )
    return info.st_size


@frozen
class _HeadText:
    """What reading the head chose: the reader, the encoding, the separator, and whether the head was cut."""

    kind: Literal["csv", "xlsx", "parquet"]
    encoding: str
    delimiter: str
    cut: int  # the head's bytes when it was cut at its last line break (the file is longer), else 0
    sheet: str | None
    ends: tuple[int, ...]  # for each row read, the CSV records up to and including it (blank lines count)


def _head_rows(path: Path, display: str, sheet: str | None) -> tuple[list[Row], _HeadText]:
    """The first non-empty rows of the export (at most HEADER_SEARCH), and how its text was read."""
    kind = refuse_disguised(path, files.head(path, display), display)
    if kind == "xlsx":
        book = workbook(path, display, sheet)
        sheet_head = [Row(n, n, cells) for n, cells in book.rows[:HEADER_SEARCH]]
        return sheet_head, _HeadText("xlsx", "xlsx", "", 0, book.name, (0,) * len(sheet_head))
    raw, cut = _head_bytes(path, display)
    refuse_wide_bytes(raw, display)
    text, encoding = _decoded(raw, display)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    ends: list[int] = []
    start = 1
    try:
        for records, cells in enumerate(reader, start=1):
            if any(c.strip() for c in cells):
                rows.append(Row(start, reader.line_num, cells))
                ends.append(records)
                if len(rows) == HEADER_SEARCH:
                    break
            start = reader.line_num + 1
    except csv.Error:
        pass  # a quote never closed in the head: the header check says so if it is the header's
    return rows, _HeadText("csv", encoding, delimiter, cut, None, tuple(ends))


def _decoded(raw: bytes, display: str) -> tuple[str, str]:
    """csv_in's decoding of the head, with the line of the first byte that is neither UTF-8 nor GBK."""
    try:
        return _decode(raw, display)
    except KaopingError:
        try:
            raw.decode("gb18030")
            line = 0
        except UnicodeDecodeError as e:
            line = raw.count(b"\n", 0, e.start) + 1
        raise fail(
            display,
            _("this line is neither UTF-8 nor GBK text"),
            _("save the export from Excel as 'CSV UTF-8 (comma delimited)'"),
            line=line,
            code="csv.encoding",
        ) from None


def _head_bytes(path: Path, display: str) -> tuple[bytes, int]:
    """The first 64 KB, cut after its last line break when the file is longer (no character is split)."""
    try:
        with path.open("rb") as f:
            raw = f.read(HEAD_BYTES + 1)
    except OSError as e:
        raise os_problem(e, display) from None
    if len(raw) <= HEAD_BYTES:
        return raw, 0
    end = raw.rfind(b"\n", 0, HEAD_BYTES)
    if end < 0:
        raise fail(
            display,
            _("the first {kb} KB of the file hold no line break, so it has no header row", kb=HEAD_BYTES // 1024),
            _("this is not a work-order export: check the file"),
            line=1,
            code="export.line-too-long",
        )
    return raw[: end + 1], end + 1


_BOOK: dict[tuple[str, int, int, str | None], Sheet] = {}


def workbook(path: Path, display: str, sheet: str | None) -> Sheet:
    """The workbook's sheet as text (xlsx_in.sheet_rows, its hostile-file checks included), read once for
    is_export, read_head and load_export alike: the last one read is kept, keyed by the file's size and time."""
    from ..data.xlsx_in import sheet_rows

    info = path.stat()
    key = (str(path.resolve()), info.st_size, info.st_mtime_ns, sheet)
    if key not in _BOOK:
        _BOOK.clear()
        _BOOK[key] = sheet_rows(path, display, sheet)
    return _BOOK[key]


def _parts(cell: str) -> list[str]:
    """A cell, and its parts split on every separator (a header written with ';' still names its columns)."""
    return [cell, *cell.translate(_ONE_SEPARATOR).split(",")]


def _stand_in(column: OrderColumn) -> Input:
    """An order column as the data readers' header machinery sees an input: required when it has no default."""
    return Input(column.id, "text", column.label, column.aliases, default=column.default)


def _export_problem(p: Problem, orders: Orders, row: Row, delimiter: str) -> Problem:
    """A header problem of the data readers in an export's words (design §5.2): code export.*, hints about
    orders.columns rather than the ruleset's inputs.

    The column is found by its id in the message (which names it in either language), the header cell by the
    problem's column, so the data readers' words may be translated without this losing track of them."""
    if p.code == "data.missing-column" and (column := _named(p, orders)) is not None:
        message = _("the column {label} ({id}) is missing", label=column.label, id=column.id)
        return replace(p, message=message, hint=_missing_hint(p, column, row, delimiter), code="export.missing-column")
    if p.code == "data.unknown-column" and p.col and (column := _named(p, orders)) is not None:
        found = row.cells[p.col - 1].strip()
        message = _(
            "the column '{found}' is no order column, so {label} ({id}) would be {default} for every order",
            found=found,
            label=column.label,
            id=column.id,
            default=column.default,
        )
        hint = _(
            "did you mean {label}? rename the column, or add it to orders.columns[{id}].aliases",
            label=column.label,
            id=column.id,
        )
        return replace(p, message=message, hint=hint, code="export.unknown-column")
    return p


def _named(p: Problem, orders: Orders) -> OrderColumn | None:
    """The order column a header problem names by its id: in parentheses (either width, the id maybe in
    backticks), else anywhere as a whole word; the longest id wins."""
    for pattern in (r"[(（]`?{}`?[)）]", r"(?<![\w.]){}(?![\w.])"):
        named = [c for c in orders.columns if re.search(pattern.format(re.escape(c.id)), p.message)]
        if named:
            return max(named, key=lambda c: len(c.id))
    return None


def _missing_hint(p: Problem, column: OrderColumn, row: Row, delimiter: str) -> str:
    """The wrong separator when that is why; else the header's near miss (did you mean?); else the headers."""
    if separator(row.cells, delimiter):
        return p.hint
    if p.col:
        near = row.cells[p.col - 1].strip()
        names = [n for n in column.headers]
        best = difflib.get_close_matches(near, names, n=1, cutoff=0) or [column.label]
        return _("the header has {near}: did you mean {best}?", near=near, best=best[0])
    shown = [c.strip() for c in row.cells if c.strip()]
    many = len(shown) > 20
    said = _("{first}, … ({n} in all)", first=listed(shown[:20]), n=len(shown)) if many else listed(shown)
    if column.aliases:
        return _(
            "the header has {listed}: add a column headed {label} (or {aliases})",
            listed=said,
            label=column.label,
            aliases=listed(column.aliases),
        )
    return _("the header has {listed}: add a column headed {label}", listed=said, label=column.label)
