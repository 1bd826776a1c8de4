"""Checking the month's records: rows of cells in, records fit to score out.

The rows come from a CSV export (engine/data/csv_in.py) or an Excel sheet
(engine/data/xlsx_in.py); whichever file the figures came in, the same checks
apply, so they live here once.  A title row above the header (the sheet's
caption) is skipped.  Header cells are matched to the ruleset's inputs by id,
label or alias, or by the published table's own headers (a group header over
its labels reads as "办结得分（35分）/工单数"); columns the ruleset does not
use are ignored and named in a note.  Every row is checked for the mistakes a
spreadsheet or a hand edit makes (a quote never closed and the wrong
separator, as engine/data/csv_in.py recognises them; cells beyond the header;
control characters), every cell for its value (exact whole numbers, bounds,
bounds naming another field, groups, empty and duplicate keys), and every
problem is reported at its row and column (at its cell, Sheet1!D7, in a
workbook) before anything is scored.
"""

from __future__ import annotations

import errno
import hashlib
import math
import re
import stat
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import KaopingError, Problem, did_you_mean, fail
from ..ruleset.model import ColumnGroup, Input, Ruleset
from .csv_in import ESCAPED_STARTS, SEPARATORS, USE, Row, csv_rows, separator, unclosed_quote, wide_row, wrong_separator

if TYPE_CHECKING:
    from .xlsx_in import Sheet

MAX_PROBLEMS = 100
MAX_INPUT_BYTES = 200 * 2**20  # a CSV or workbook larger than this is refused from its size alone, before it is read
MAX_COLUMNS = 16_384  # Excel's own limit: a header wider than this is a broken or hostile file
HEAD_BYTES = 4096  # what is read to tell a file's real kind (a workbook named .csv, UTF-16 text)
HEADER_SEARCH = 10  # non-empty rows searched for the header: title rows above it are skipped
Value = int | float | str

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # exactly Unicode category Cc
_NUMERAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_LARGEST = int(sys.float_info.max)  # scores are floats: a larger value cannot be scored


@dataclass(frozen=True, slots=True)
class Record:
    """One unit's row: its line in the file and its input values by id."""

    row: int
    values: Mapping[str, Value]


@dataclass(frozen=True, slots=True)
class Table:
    path: str
    sha256: str
    encoding: str
    records: tuple[Record, ...]
    ignored_columns: tuple[str, ...]
    # what the reader left out or wants the user to hear (a 合计 row skipped, full-width digits read),
    # each one sentence naming its row; printed on stderr as "note: ..." and kept in the JSON's input.notes
    notes: tuple[str, ...] = ()
    sheet: str = ""  # the workbook sheet the records were read from (named or by default), "" for a CSV


@dataclass(frozen=True, slots=True)
class Header:
    """What the header row says about the rows below it: where each input is, and how wide a row may be."""

    columns: Mapping[str, int]  # input id -> 0-based column
    names: Mapping[int, str]  # 0-based column -> "label (id)" of the input it holds
    width: int  # the header's last non-empty cell, 1-based
    ignored: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Source:
    """Rows to check, from either reader, and what the checks need to know about where they came from."""

    rows: list[Row]
    encoding: str
    delimiter: str  # what every row should be separated by (',' for a sheet, whose cells are already apart)
    sheet: str  # the sheet's name, or "" for CSV: a sheet's problems are named Sheet1!D7
    group_rows: set[int]  # a sheet's rows holding a merged group header (the upper row of a two-level header)
    sheets: tuple[str, ...] = ()  # every sheet of the workbook, for a hint when this one holds no table
    note: str = ""  # how the sheet was chosen, when kaoping chose it (several sheets, no --sheet)
    hidden_rows: frozenset[int] = frozenset()  # a sheet's filled rows that Excel does not show


class CellError(ValueError):
    """A cell that does not hold a value of its column's type; `hint` says how to fix it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


def read_table(path: Path, ruleset: Ruleset, display: str | None = None, sheet: str | None = None) -> Table:
    """Read and check the records in `path` (CSV, or the first or named sheet of an .xlsx), or raise KaopingError with every problem."""
    display = display or str(path)
    size = _input_size(path, display)
    kind = _refuse_disguised(path, _head(path, display), display)
    if kind == "xlsx":
        source, digest = _sheet_source(path, ruleset, display, sheet), _file_sha256(path, display)
    else:
        raw = _read_bytes(path, display, size)
        _refuse_wide_bytes(raw, display)
        text = csv_rows(raw, display)
        source, digest = Source(text.rows, text.encoding, text.delimiter, "", set()), hashlib.sha256(raw).hexdigest()
    records, ignored, notes = _checked(source, ruleset, display)
    return Table(display, digest, source.encoding, tuple(records), ignored, tuple(notes), source.sheet)


def input_size(path: Path, display: str) -> int:
    """The input's size in bytes, or KaopingError when it cannot be read or is beyond what kaoping reads.

    Checked from the file system before a byte is read, so a 1 GB file (even
    a sparse one) is refused at once, in no memory; callers that look at the
    file before read_table (a progress estimate) should call this first.
    """
    return _input_size(path, display)


def _input_size(path: Path, display: str) -> int:
    try:
        info = path.stat()
    except OSError as e:
        raise _os_problem(e, display) from None
    if stat.S_ISDIR(info.st_mode):
        raise fail(display, "this is a folder, not a data file", "give the CSV or .xlsx file itself")
    if not stat.S_ISREG(info.st_mode):
        raise fail(
            display, "this is not a regular file (a device, a pipe or a socket)", "give the CSV or .xlsx file itself"
        )
    if info.st_size > MAX_INPUT_BYTES:
        raise fail(
            display,
            f"the file is {info.st_size / 2**20:,.0f} MB; kaoping reads inputs of at most {MAX_INPUT_BYTES // 2**20} MB",
            "a month's records are far smaller: check that this is the right file, or split it",
        )
    return info.st_size


def _os_problem(error: OSError, display: str) -> KaopingError:
    """An operating-system refusal (no such file, no permission, a name too long) told as the user's problem."""
    reason = error.strerror or "the system refused to read it"  # never Python's name for the error
    hints = {
        errno.ENOENT: "check the path: no file has this name",
        errno.EACCES: "the file's permissions do not let you read it: ask its owner, or copy it somewhere you can",
        errno.ENAMETOOLONG: "a file name may be at most 255 bytes (a Chinese character takes 3): rename the file",
    }
    return fail(display, f"cannot read the input file: {reason}", hints.get(error.errno or 0, ""))


def _head(path: Path, display: str) -> bytes:
    """The file's first bytes, enough to tell what kind of file it really is."""
    try:
        with path.open("rb") as f:
            return f.read(HEAD_BYTES)
    except OSError as e:
        raise _os_problem(e, display) from None


def _real_kind(head: bytes) -> str:
    """What the bytes say the file is, whatever its name: xlsx, xls (an OLE container), utf32, utf16, html or text."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE container: .xls, or a workbook encrypted with a password
        return "xls"
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")) or _utf32_without_bom(head):
        return "utf32"  # before UTF-16: a UTF-32 LE byte order mark starts with UTF-16's
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(head):
        return "utf16"
    if re.match(rb"\s*(<!doctype html|<html|<table|<\?xml[^>]*>\s*<html)", head[:512], re.I):
        return "html"
    return "text"


def _utf16_without_bom(head: bytes) -> bool:
    """UTF-16 that lost its byte order mark: NULs, nearly all on the same side of their byte pairs, and a line break
    written as UTF-16 ('\\n\\0' or '\\0\\n').  One NUL in a CSV is a control character, told as such later."""
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if max(odd, even) < 2 or min(odd, even) * 4 > max(
        odd, even
    ):  # a few CJK characters (一 is 00 4E) have a NUL byte too
        return False
    return b"\n\x00" in head if odd > even else b"\x00\n" in head


def _utf32_without_bom(head: bytes) -> bool:
    """UTF-32 that lost its byte order mark: every character of the Basic Multilingual Plane (ASCII and CJK alike)
    has two NUL bytes on the same side of its four, and a line break is '\\n\\0\\0\\0' or '\\0\\0\\0\\n'."""
    body = head[: len(head) // 4 * 4]
    if len(body) < 8:
        return False
    if body[2::4].count(0) + body[3::4].count(0) == len(body) // 2:
        return b"\n\x00\x00\x00" in body
    if body[0::4].count(0) + body[1::4].count(0) == len(body) // 2:
        return b"\x00\x00\x00\n" in body
    return False


def _refuse_disguised(path: Path, head: bytes, display: str) -> str:
    """'xlsx' or 'csv', the reader the file needs; a file whose bytes are not what its name says is refused, saying what it is."""
    kind, named = _real_kind(head), path.suffix.lower()
    if kind == "html":
        raise fail(
            display,
            "this is a web page (HTML), not a CSV file or a workbook, whatever its name",
            "open it in Excel or WPS and save it as .xlsx (or as CSV UTF-8)",
        )
    if kind == "xls":
        raise fail(
            display,
            "this is an old Excel workbook (.xls), or a workbook protected by a password",
            "in Excel or WPS, remove the password and save it as .xlsx (or as CSV UTF-8)",
        )
    if kind == "utf32":
        raise fail(
            display,
            "this file is UTF-32 text, four bytes a character",
            "in Excel or WPS, or in a text editor, save it as 'CSV UTF-8 (逗号分隔)' ('CSV UTF-8 (Comma delimited)')",
        )
    if kind == "utf16":
        raise fail(
            display,
            "this file is UTF-16 text (what Excel saves as 'Unicode 文本' / 'Unicode Text')",
            "in Excel or WPS, save it as 'CSV UTF-8 (逗号分隔)' ('CSV UTF-8 (Comma delimited)')",
        )
    if named in (".xlsx", ".xls") and kind != "xlsx":
        raise fail(
            display,
            f"this is not an Excel workbook kaoping can read: it is text (a CSV file?), though its name ends in {named}",
            "if it is the month's CSV, rename it to .csv",
        )
    if named == ".xlsx":
        return "xlsx"
    if kind == "xlsx":
        raise fail(
            display,
            f"this is an Excel workbook (.xlsx), though its name ends in '{named or '(no extension)'}'",
            "rename it to .xlsx",
        )
    return "csv"


def _read_bytes(path: Path, display: str, size: int) -> bytes:
    """The file's bytes: read once, for the CSV reader and for the table's checksum; never more than the cap,
    even if the file grew since it was measured."""
    try:
        with path.open("rb") as f:
            raw = f.read(size + 1)  # not read(MAX_INPUT_BYTES + 1), which sets aside the whole cap's memory first
            if len(raw) > size:
                raw += f.read(MAX_INPUT_BYTES + 1 - len(raw))
    except OSError as e:
        raise _os_problem(e, display) from None
    if len(raw) > MAX_INPUT_BYTES:
        raise fail(
            display,
            f"the file grew beyond {MAX_INPUT_BYTES // 2**20} MB while it was read",
            "read it once it is complete",
        )
    return raw


def _file_sha256(path: Path, display: str) -> str:
    """A workbook's checksum, read in pieces (openpyxl reads the file itself)."""
    try:
        digest = hashlib.sha256()
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError as e:
        raise _os_problem(e, display) from None


def _sheet_source(path: Path, ruleset: Ruleset, display: str, sheet: str | None) -> Source:
    """A sheet's table as rows, each starting and ending on its row number; its separator is taken to be ','."""
    from .xlsx_in import sheet_rows

    book = sheet_rows(path, display, sheet)
    rows = _table_rows([Row(n, n, c) for n, c in book.rows], book, ruleset, display)
    return Source(
        rows, f"xlsx sheet {book.name}", ",", book.name, book.group_rows, book.sheets, book.chosen_why, book.hidden_rows
    )


def _checked(source: Source, ruleset: Ruleset, display: str) -> tuple[list[Record], tuple[str, ...], list[str]]:
    """The source's records, checked, and the reader's notes; a sheet's problems and notes are named the way
    the spreadsheet names the place."""
    try:
        records, ignored, notes = _read_rows(source, ruleset, display)
    except KaopingError as e:
        if not source.sheet:
            raise
        placed = KaopingError([_in_sheet(p, source.sheet) for p in e.problems])
        placed.total = e.total
        raise placed from None
    said = [_note_text(_in_sheet(n, source.sheet) if source.sheet else n) for n in notes]
    return (
        records,
        ignored,
        ([f"{display}: {source.note}"] if source.note else []) + said + _hidden_note(records, source, display),
    )


def _hidden_note(records: Sequence[Record], source: Source, display: str) -> list[str]:
    """Units read from rows Excel hides (or a filter leaves out): the person who checks the sheet does not see them."""
    hidden = [r.row for r in records if r.row in source.hidden_rows]
    if not hidden:
        return []
    shown = ", ".join(map(str, hidden[:20])) + (f" … and {len(hidden) - 20} more" if len(hidden) > 20 else "")
    return [
        f"{display}: the sheet '{source.sheet}' hides {len(hidden)} row{'s' if len(hidden) != 1 else ''} (hidden, or left out by a filter) "
        f"that were read as units like the others: row{'s' if len(hidden) != 1 else ''} {shown}; unhide them (or clear the filter) to see what was scored"
    ]


def _note_text(note: Problem) -> str:
    """A note as one line, its place first as in an error: book.csv:34:1: ... or book.xlsx:Sheet1!A34: ..."""
    where = (
        f"{note.file}:{note.cell}"
        if note.cell
        else f"{note.file}:{note.line}:{note.col}"
        if note.col
        else f"{note.file}:{note.line}"
    )
    severity, warned, rest = note.message.partition("warning: ")
    if warned and not severity:  # a doubt, not a fact: it leads its line, whatever the file's name holds
        return f"warning: {where}: {rest}"
    return f"{where}: {note.message}"


def _read_rows(source: Source, ruleset: Ruleset, display: str) -> tuple[list[Record], tuple[str, ...], list[Problem]]:
    """The records below the header row, checked, and notes on rows left out or worth a look; the header may
    be two rows (a group header over labels)."""
    rows = source.rows
    if not rows:
        raise fail(display, "the file has no header row and no data", line=1)
    for row in rows[:HEADER_SEARCH]:
        _refuse_absurd_width(row, display)
    layout = _layout_names(ruleset)
    at = _header_index(rows, ruleset.inputs, layout)
    found = max(at, 0)
    head, lower = rows[found], None
    if head.line in source.group_rows and found + 1 < len(rows):
        lower = rows[found + 1].cells
        head, found = _two_level(head, rows[found + 1]), found + 1
    try:
        header = _map_header(head, ruleset.inputs, source.delimiter, display, layout, lower)
    except KaopingError as e:
        if at < 0 and len(source.sheets) > 1 and all(p.col == 0 for p in e.problems):
            raise _wrong_sheet(source, ruleset, display) from None
        raise
    at = found
    records, problems, notes = _records(rows[at + 1 :], header, ruleset, source, display)
    if not records and not problems:
        problems.append(Problem(display, head.last + 1, 0, "the file has a header but no data rows"))
    if problems:
        raise KaopingError(problems, limit=MAX_PROBLEMS)
    return records, header.ignored, notes


def _wrong_sheet(source: Source, ruleset: Ruleset, display: str) -> KaopingError:
    """One problem, not one per missing column, when no row of a sheet names a column of the ruleset and the workbook
    has other sheets: the figures are most likely on another (a notes sheet first).  It is placed at the workbook,
    as the fix is to choose another sheet, not to edit this one's first row."""
    required = [i.label for i in ruleset.inputs if i.required]
    named = ", ".join(required[:3]) + (", …" if len(required) > 3 else "")
    others = ", ".join(f"'{name}'" for name in source.sheets)
    example = next(name for name in source.sheets if name != source.sheet)
    return fail(
        display,
        f"the sheet '{source.sheet}' has no header row naming the ruleset's columns ({named})",
        f"its sheets are {others}: give --sheet the one that holds the figures (e.g. --sheet '{example}')",
    )


def _table_rows(rows: list[Row], book: Sheet, ruleset: Ruleset, display: str) -> list[Row]:
    """A sheet's table: without title rows (a caption, or a section title such as 县区组), and without
    the notes kaoping writes under a table (one cell a line, after an empty row).  Other empty rows are
    simply skipped."""
    kept = [r for r in rows if r.line not in book.title_rows]
    at = max(_header_index(kept, ruleset.inputs, _layout_names(ruleset)), 0) if kept else 0
    header_end = (
        kept[at + 1].line
        if kept and kept[at].line in book.group_rows and at + 1 < len(kept)
        else (kept[at].line if kept else 0)
    )
    for row, coord in book.merges:
        if row > header_end:  # a merged cell below the header would copy one value into several cells
            raise fail(
                display,
                f"the cells {coord} are merged, in the data",
                "unmerge them: every row needs its own values",
                cell=f"{book.name}!{coord}",
            )
    if not kept:
        return kept
    last_table_row = max((r.line for r in kept if any(c.strip() for c in r.cells[1:])), default=0)
    gap = min((n for n in book.empty_rows if n > max(kept[at].line, last_table_row)), default=0)
    if gap and any(r.line > gap for r in kept):
        return [r for r in kept if r.line < gap]  # only notes (lists, flags) follow: the table ended
    return kept


def _two_level(top: Row, below: Row) -> Row:
    """One header from a group row over a label row: 办结得分（35分） over 工单数 is "办结得分（35分）/工单数"."""
    width = max(len(top.cells), len(below.cells))
    upper = [*top.cells, *[""] * (width - len(top.cells))]
    lower = [*below.cells, *[""] * (width - len(below.cells))]
    return Row(
        top.line,
        below.line,
        [f"{u}/{lo}" if lo.strip() and u.strip() else (u or lo) for u, lo in zip(upper, lower, strict=False)],
    )


def _layout_names(ruleset: Ruleset) -> dict[str, Input]:
    """The published table's own headers for the inputs it shows ("办结得分（35分）/工单数"), so a table
    kaoping wrote (CSV or Excel) reads back as input."""
    names: dict[str, Input] = {}
    inputs = {i.id: i for i in ruleset.inputs}
    for item in ruleset.report.columns:
        if isinstance(item, ColumnGroup):
            group = ruleset.fill_label(item.header)
            pairs = [(f"{group}/{ruleset.fill_label(c.label)}", c.field) for c in item.columns]
        else:
            pairs = [(ruleset.fill_label(item.label), item.field)]
        for name, field in pairs:
            if field in inputs:
                names.setdefault(_normalise(name), inputs[field])
    return names


def _in_sheet(p: Problem, sheet: str) -> Problem:
    """A problem named the way the spreadsheet names the place: Sheet1!D7, or Sheet1!7:7 for a whole row."""
    if not p.line:
        return p
    place = f"{sheet}!{_column_letter(p.col)}{p.line}" if p.col else f"{sheet}!{p.line}:{p.line}"
    return replace(p, cell=place)


def _column_letter(col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _normalise(header: str) -> str:
    """A header cell as it is matched: exports differ in spacing, wrap captions onto two lines and leave stray BOMs."""
    return "".join(header.split()).replace("\ufeff", "")


def _header_index(rows: Sequence[Row], inputs: Sequence[Input], layout: Mapping[str, Input]) -> int:
    """Which row is the header: the first of the first HEADER_SEARCH rows naming a required input.

    An export often carries the sheet's title ("2024年2月…考评表") above the
    header; skipping it spares the user an edit.  A cell is also tried split
    on every separator, so a header written with ';' is still found and told
    about its separator.  With no such row the first row is the header, and
    the missing-column errors say what is wrong with it; -1 says so.
    """
    names = {_normalise(n) for i in inputs if i.required for n in (i.id, i.label, *i.aliases)}
    names |= {name for name, i in layout.items() if i.required}
    split = re.compile("|".join(map(re.escape, SEPARATORS)))
    for index, row in enumerate(rows[:HEADER_SEARCH]):
        if any(_normalise(part) in names for cell in row.cells for part in split.split(cell)):
            return index
    return -1


def _map_header(
    row: Row,
    inputs: Sequence[Input],
    delimiter: str,
    display: str,
    layout: Mapping[str, Input],
    lower: Sequence[str] | None = None,
) -> Header:
    """Column of every input present, and the headers no input claims.

    A quote never closed or a control character makes the header's text
    untrustworthy (and unfit to echo in a message), so either stops here.
    Under a group header, a column's own label (`lower`) is enough when it
    is exactly an input's label or alias: 办结情况 over 办结工单数 is 办结工单数.
    A header written with another separator explains every missing column at once.
    """
    _refuse_absurd_width(row, display)
    broken = unclosed_quote(row, display, delimiter)
    if broken:
        raise KaopingError([broken])
    controls = [
        _control_problem(row.line, col, "the header cell", _normalise(cell), display)
        for col, cell in enumerate(row.cells)
    ]
    if any(controls):
        raise KaopingError([p for p in controls if p])
    named = {_normalise(n): i for i in inputs for n in (i.id, i.label, *i.aliases)}
    columns: dict[str, int] = {}
    unclaimed: list[tuple[int, str]] = []
    problems: list[Problem] = []
    for col, cell in enumerate(row.cells):
        target = named.get(_normalise(cell))
        if target is None and lower is not None and col < len(lower) and _normalise(cell) not in layout:
            target = named.get(_normalise(lower[col]))
        if target is None and _normalise(cell) in layout:
            target = layout[_normalise(cell)]
            if target.id in columns:
                continue  # the published layout may show an input twice (办结工单数 under two groups)
        if target is None:
            if cell.strip():
                unclaimed.append((col, cell.strip()))
        elif target.id in columns:
            message = f"the columns {columns[target.id] + 1} and {col + 1} both hold {target.label} ({target.id})"
            problems.append(Problem(display, row.line, col + 1, message, "delete or rename one of them"))
        else:
            columns[target.id] = col
    found = separator(row.cells, delimiter)
    why = ""
    if found:
        why = f"the header row is separated by {SEPARATORS[found]}; use {USE[delimiter]}"
    problems += _absent_inputs(inputs, columns, unclaimed, why, display, row.line)
    if problems:
        raise KaopingError(problems)
    width = max((col + 1 for col, cell in enumerate(row.cells) if cell.strip()), default=0)
    held = {columns[i.id]: f"{i.label} ({i.id})" for i in inputs if i.id in columns}
    return Header(columns, held, width, tuple(text for _, text in unclaimed))


def _refuse_wide_bytes(raw: bytes, display: str) -> None:
    """A CSV whose first rows are wider than Excel's limit, refused from its bytes before it is decoded and parsed
    (a million-column header would take 170 MB to parse); the same message as _refuse_absurd_width."""
    wide = wide_row(raw, HEADER_SEARCH, MAX_COLUMNS)
    if wide:
        _refuse_width(wide.cells, wide.exact, wide.line, display)


def _refuse_width(cells: int, exact: bool, line: int, display: str) -> None:
    raise fail(
        display,
        f"the header row has {'' if exact else 'more than '}{cells if exact else MAX_COLUMNS:,} cells; a table has at most {MAX_COLUMNS:,} columns (Excel's own limit)",
        "this is not the month's table: check the file, or delete the columns after the table",
        line=line,
        col=MAX_COLUMNS + 1,
    )


def _refuse_absurd_width(row: Row, display: str) -> None:
    """A header wider than Excel's own limit is a broken or hostile file, not a table: refused before any
    cell of it is matched or echoed."""
    if len(row.cells) > MAX_COLUMNS:
        _refuse_width(len(row.cells), True, row.line, display)


def _absent_inputs(
    inputs: Sequence[Input],
    columns: Mapping[str, int],
    unclaimed: Sequence[tuple[int, str]],
    why: str,
    display: str,
    line: int,
) -> list[Problem]:
    """A problem for every required column missing, and every header that nearly names an absent optional one.

    A header already offered as the near miss of a missing required column is
    not offered again for an optional one: one misspelling, one error.  `why`
    is a hint that explains every missing column at once (a header written
    with the wrong separator), or "".
    """
    problems: list[Problem] = []
    offered: set[int] = set()
    for item in inputs:
        if item.required and item.id not in columns:
            near = _near_misses(item, unclaimed)[:1]
            offered.update(col for col, _ in near)
            problems.append(_missing_column(item, near[0] if near else None, why, display, line))
    rest = [(col, text) for col, text in unclaimed if col not in offered]
    for item in inputs:
        if not item.required and item.id not in columns:
            problems += [_optional_near_miss(item, col, text, display, line) for col, text in _near_misses(item, rest)]
    return problems


def _near_misses(item: Input, unclaimed: Sequence[tuple[int, str]]) -> list[tuple[int, str]]:
    """The unclaimed headers (column, text) that look like a misspelling of `item`'s label or an alias."""
    names = [_normalise(n) for n in (item.label, *item.aliases)]
    return [(col, text) for col, text in unclaimed if did_you_mean(_normalise(text), names)]


def _optional_near_miss(item: Input, col: int, candidate: str, display: str, line: int) -> Problem:
    """An optional input whose column is absent but a header looks like it.

    Ignoring such a column would silently score every unit with the default,
    so a near miss is an error, not a note.
    """
    return Problem(
        display,
        line,
        col + 1,
        f"the column '{candidate}' is not an input of the ruleset, so {item.label} ({item.id}) would be {item.default} for every row",
        f"did you mean '{item.label}'? rename the column, or add '{candidate}' to the input's aliases",
    )


def _missing_column(item: Input, near: tuple[int, str] | None, why: str, display: str, line: int) -> Problem:
    """A required column the header lacks, at the header that nearly names it (if one does).

    The hint says the likeliest cause: `why` (the header's own mistake), a
    misspelt header, or none.
    """
    if why:
        hint = why
    elif near:
        hint = f"the column '{near[1]}' looks close: rename it to '{item.label}', or add it to the input's aliases"
    else:
        hint = f"add a column headed '{item.label}' (or one of: {', '.join((item.id, *item.aliases))})"
    col = near[0] + 1 if near else 0
    return Problem(display, line, col, f"the required column '{item.label}' ({item.id}) is missing", hint)


def _records(
    rows: Sequence[Row], header: Header, ruleset: Ruleset, source: Source, display: str
) -> tuple[list[Record], list[Problem], list[Problem]]:
    """The records below the header, every problem in them, and notes on rows left out or worth a look.

    A row with a quote never closed or the wrong separator is reported once:
    its cells are not what the user typed, so checking them would only add
    misleading "is empty" errors.  A row with a control character is
    reported for those alone, so that no other message echoes such a cell.
    A totals row (合计, 小计, ... in the key column) is not a unit: scored, it
    would rank among them and double every aggregate, so it is left out and
    named in a note.
    """
    records: list[Record] = []
    problems: list[Problem] = []
    notes: list[Problem] = []
    first_row: dict[str, int] = {}
    sums = _RunningSums(header, ruleset)
    labels = {_normalise(t) for t in ruleset.totals_labels}
    for row in rows:
        broken = unclosed_quote(row, display) or wrong_separator(row, source.delimiter, display)
        controls = [] if broken else _control_characters(row, header.names, display)
        if broken or controls:
            problems += [broken] if broken else controls
            continue
        totals = _totals_cell(row, header.columns.get(ruleset.key), labels)
        if totals:
            label, col = totals
            notes.append(
                Problem(
                    display, row.line, col + 1, f"the row '{label}' is a totals row: left out, not scored as a unit"
                )
            )
            sums.new_section()
            continue
        values, cell_problems = _parse_row(row, header.columns, ruleset.inputs, display, unquote=not source.sheet)
        beyond = _extra_cells(row, header.width, display, bool(source.sheet))
        if beyond and not any(c.strip() for c in row.cells[: header.width]):
            problems += beyond  # a stray cell far right of an empty row: one mistake, not an "is empty" per column
            continue
        cell_problems += beyond
        problems += cell_problems
        if cell_problems:
            continue
        problems += _check_bounds(row.line, values, header.columns, ruleset.inputs, display)
        problems += _check_group(row.line, values, header.columns, ruleset, display)
        key = str(values[ruleset.key])
        if key in first_row:
            col = header.columns[ruleset.key] + 1
            problems.append(
                Problem(
                    display,
                    row.line,
                    col,
                    f"'{key}' appears twice (first on row {first_row[key]})",
                    "each unit must have exactly one row",
                )
            )
        first_row.setdefault(key, row.line)
        summed = sums.summed_by(values)
        if summed:
            notes.append(
                _totals_warning(
                    display, row.line, header.columns[ruleset.key] + 1, key, f"the sum of the {summed} rows above it"
                )
            )
            sums.new_section()  # a subtotal: the next one sums the rows after it; never part of a later total
        else:
            sums.add(values)
        records.append(Record(row.line, values))
    first = _first_row_total(records, sums.ids)
    if first:
        col = header.columns[ruleset.key] + 1
        notes.insert(
            0,
            _totals_warning(
                display,
                first.row,
                col,
                str(first.values[ruleset.key]),
                f"the sum of the {len(records) - 1} rows below it",
            ),
        )
    return records, problems, notes


def _totals_warning(display: str, line: int, col: int, key: str, what: str) -> Problem:
    """A unit row whose counts are exactly a sum of other rows: most likely a total without a totals label."""
    return Problem(
        display,
        line,
        col,
        f"warning: the row '{key}' looks like a totals row (each of its counts is {what}), but is scored as a unit; "
        "if it is a total, delete it or add its name to the ruleset's entity.totals (which replaces the usual labels: list those too)",
    )


def _first_row_total(records: Sequence[Record], ids: Sequence[str]) -> Record | None:
    """The first row, when it is the sum of all the rows below it (a total put under the header)."""
    if len(records) < 3 or not ids:
        return None
    first, rest = records[0], records[1:]
    sums = {id: sum(r.values[id] for r in rest) for id in ids}  # type: ignore[misc]
    if not any(sums.values()):
        return None
    return first if all(math.isclose(first.values[id], sums[id], rel_tol=1e-9, abs_tol=1e-9) for id in ids) else None  # type: ignore[arg-type]


def _totals_cell(row: Row, key: int | None, labels: set[str]) -> tuple[str, int] | None:
    """The totals label (合计, "合 计", 小计, ...: one of `labels`) of a totals row and its column, or None for a unit's row.

    The label is in the key cell, or, when the key cell is empty, in any
    other cell: a sheet numbered in a 序号 column writes 合计 there and
    leaves the name empty, and that row is no more a unit than the other.
    """
    if key is None:
        return None
    own = _normalise(row.cells[key]) if key < len(row.cells) else ""
    if own:
        return (own, key) if _is_totals_label(own, labels) else None
    return next(
        ((_normalise(c), col) for col, c in enumerate(row.cells) if _is_totals_label(_normalise(c), labels)), None
    )


def _is_totals_label(text: str, labels: set[str]) -> bool:
    """A label, decorated (合计：, 合计【32个单位】) or as a name's start or end (全区平均, 部门小计, 合计数,
    小计：县区组): an office's summary row, however worded, must not be ranked as a unit."""
    core = _label_core(text)
    return core in labels or any(
        len(label) >= 2 and (core.startswith(label) or core.endswith(label)) for label in labels
    )


_LABEL_TAIL = re.compile(r"(?:[（(【\[][^（）()【】\[\]]*[）)】\]]|[：:。.])+$")


def _label_core(text: str) -> str:
    """A totals label as offices decorate it: 合计： or 全区合计（32个单位） is still 合计 / 全区合计."""
    return _LABEL_TAIL.sub("", text)


class _RunningSums:
    """The sums of the numeric columns the file holds over the rows read so far, to see a totals row that
    carries no totals label (全区, 区级部门汇总, ...)."""

    def __init__(self, header: Header, ruleset: Ruleset) -> None:
        self.ids = [i.id for i in ruleset.inputs if i.numeric and i.id in header.columns]
        self.every = _Sum(self.ids)  # the unit rows so far: a grand total sums these
        self.section = _Sum(self.ids)  # the unit rows since the last total: a subtotal sums these

    def add(self, values: Mapping[str, Value]) -> None:
        self.every.add(values)
        self.section.add(values)

    def new_section(self) -> None:
        self.section = _Sum(self.ids)

    def summed_by(self, values: Mapping[str, Value]) -> int:
        """How many rows above `values` it is exactly the sum of (the section's, else all of them), or 0."""
        return next((s.count for s in (self.section, self.every) if s.matches(values)), 0)


class _Sum:
    """The sums of some numeric columns over a run of rows."""

    def __init__(self, ids: Sequence[str]) -> None:
        self.ids, self.count = ids, 0
        self.totals: dict[str, float] = dict.fromkeys(ids, 0)

    def add(self, values: Mapping[str, Value]) -> None:
        for id in self.ids:
            self.totals[id] += values[id]  # type: ignore[operator]
        self.count += 1

    def matches(self, values: Mapping[str, Value]) -> bool:
        """Every count equal to the sum of at least two rows, and not all of them zero."""
        if self.count < 2 or not self.ids or not any(self.totals.values()):
            return False
        return all(math.isclose(values[id], self.totals[id], rel_tol=1e-9, abs_tol=1e-9) for id in self.ids)  # type: ignore[arg-type]


def _check_group(
    line: int, values: Mapping[str, Value], columns: Mapping[str, int], ruleset: Ruleset, display: str
) -> list[Problem]:
    """A unit's group must be one the ruleset declares (when it declares any): a typo would score the
    unit out of the wrong full marks and rank it alone."""
    if ruleset.group_field is None:
        return []
    value = str(values[ruleset.group_field]).strip()
    col = columns.get(ruleset.group_field, -1) + 1
    declared = [g.value for g in ruleset.groups]
    if not value:
        return [
            Problem(display, line, col, f"the group ({ruleset.group_field}) is empty", "every unit belongs to a group")
        ]
    if declared and value not in declared:
        hint = did_you_mean(value, declared) or f"the groups are: {', '.join(declared)}"
        return [Problem(display, line, col, f"'{value}' is not one of the ruleset's groups", hint)]
    return []


def _extra_cells(row: Row, width: int, display: str, sheet: bool = False) -> list[Problem]:
    """A value beyond the header's last column, at the first such cell.

    No input reads it; worse, in a CSV a row shifted by one stray separator
    (an unquoted comma in a name) looks exactly like this.  In a `sheet` no
    separator can shift a cell, so the hint is only to delete it.  Empty
    cells there are what a spreadsheet pads rows with, and are ignored.
    """
    beyond = [col for col, cell in enumerate(row.cells[width:], width) if cell.strip()]
    if not beyond:
        return []
    if sheet:
        hint = f"delete what is beyond the table's last column ({_column_letter(width)}), or give its column a header"
    else:
        hint = "delete what is beyond the header's last column, or give its column a header; a cell holding the separator must be quoted"
    return [
        Problem(
            display, row.line, beyond[0] + 1, f"this row has {beyond[-1] + 1} cells but the header has {width}", hint
        )
    ]


def _control_problem(line: int, col: int, what: str, text: str, display: str) -> Problem | None:
    """A control character (Unicode Cc: ESC, NUL, ...) or an invisible format character (Cf: a right-to-left
    override, a zero-width space) in a cell's `text`.

    A control character would reach the terminal and the CSV output; a format
    character makes two different names print identically (or one print
    backwards).  Either is named by its code point and never echoed: ESC
    starts a terminal escape sequence.
    """
    found = _invisible(text)
    if not found:
        return None
    if unicodedata.category(found) == "Cc":
        message = f"{what} contains a control character (U+{ord(found):04X})"
    else:
        message = f"{what} contains an invisible formatting character (U+{ord(found):04X} {unicodedata.name(found, 'FORMAT CHARACTER')})"
    return Problem(
        display,
        line,
        col + 1,
        message,
        "delete it; it is invisible in most editors and often comes with a copy and paste",
    )


def _invisible(text: str) -> str:
    """The first control (Cc) or format (Cf) character in `text`, or "".  isprintable() first: it is false for
    both, and true for nearly every cell."""
    if text.isprintable():
        return ""
    return next((ch for ch in text if unicodedata.category(ch) in ("Cc", "Cf")), "")


def _control_characters(row: Row, names: Mapping[int, str], display: str) -> list[Problem]:
    """Control and format characters in any cell of `row`, each cell named by the input it holds (`names`) if any.

    One test of the whole row first, as nearly every row has none.  A cell's
    surrounding whitespace (a tab, a line feed) is stripped, never shown, and
    so allowed.
    """
    joined = "".join(row.cells)
    if joined.isprintable() or not _invisible("".join(c.strip() for c in row.cells)):
        return []
    found = (
        _control_problem(row.line, col, names.get(col, "the cell"), cell.strip(), display)
        for col, cell in enumerate(row.cells)
    )
    return [p for p in found if p]


def _parse_row(
    row: Row, columns: Mapping[str, int], inputs: Sequence[Input], display: str, unquote: bool = False
) -> tuple[dict[str, Value], list[Problem]]:
    """The row's value for every input, or a problem for each cell that has none; `unquote` (CSV) takes off
    the ' kaoping's own CSV puts before text a spreadsheet would run as a formula."""
    values: dict[str, Value] = {}
    problems: list[Problem] = []
    for item in inputs:
        col = columns.get(item.id)
        cell = row.cells[col].strip() if col is not None and col < len(row.cells) else ""
        where = (col or 0) + 1
        if not cell:
            if item.default is None:
                problems.append(
                    Problem(display, row.line, where, f"{item.label} ({item.id}) is empty", "fill in a value")
                )
            else:
                values[item.id] = item.default
            continue
        if unquote and item.type == "text":
            cell = _unquoted(cell)
        try:
            values[item.id] = _convert(cell, item.type)
        except CellError as e:
            problems.append(Problem(display, row.line, where, f"{item.label} ({item.id}): {e}", e.hint))
    return values, problems


def _unquoted(cell: str) -> str:
    """'=HYPERLINK(...) as =HYPERLINK(...): exactly one leading ' is taken off when a formula character (or
    another ') follows, as kaoping's CSV writer adds it, so '@ reads back as @ and ''@ as '@."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ESCAPED_STARTS else cell


def _convert(cell: str, kind: str) -> Value:
    """`cell` (stripped, not empty) as a value of type `kind`; CellError says why it is not one."""
    if kind == "text":
        return cell
    if kind == "percent" and cell.endswith(("%", "％")):
        cell = cell[:-1].rstrip()  # an export's "98.06%" is the rate 98.06, as written
    _refuse_digit_separators(cell)
    _refuse_other_digits(cell)
    if kind == "integer":
        return _integer(cell)
    return float(_decimal(cell))


def _refuse_digit_separators(cell: str) -> None:
    """Refuse '1_000' and '1,343', with the plain number as the hint.

    Python reads '1_000' (int, float and Decimal alike) but a spreadsheet
    reads it as text, so accepting it would score a cell the user's own
    sheet does not count.  '1,343' is how Excel exports a number formatted
    with thousands separators.
    """
    if "_" in cell:
        plain = cell.replace("_", "")
        raise CellError(
            f"'{cell}' is not a number", f"remove the digit separator: {plain}" if _NUMERAL.fullmatch(plain) else ""
        )
    if "," in cell and _THOUSANDS.fullmatch(cell):
        raise CellError(f"'{cell}' is not a number", f"remove the thousands separator: {cell.replace(',', '')}")


def _refuse_other_digits(cell: str) -> None:
    """Refuse full-width (１２３) and other non-ASCII digits (Arabic-Indic ١٢٣), with the ASCII number as the hint.

    Python reads them as numbers, but Excel and WPS keep them as text (SUM
    leaves them out), so accepting them would score a figure the office's own
    sheet does not count; and the cell is most often typed with a Chinese
    input method left in full-width mode, which the user should hear about.
    """
    if cell.isascii():
        return
    ascii_form = "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in unicodedata.normalize("NFKC", cell)
    )
    if ascii_form == cell or not any(ch.isdecimal() and not ch.isascii() for ch in cell):
        return
    hint = (
        f"type it in ASCII digits: {ascii_form}"
        if _NUMERAL.fullmatch(ascii_form)
        else "type it in ASCII digits (switch the input method to half-width)"
    )
    raise CellError(f"'{cell}' is written in full-width or non-ASCII digits", hint)


def _integer(cell: str) -> int:
    """A whole number, exactly.

    int() first, so 12345678901234567891 is not rounded through a float;
    then an integral decimal such as '12.0' or '3.43e2' (an export's way of
    writing a count), through Decimal for the same reason.
    """
    try:
        value = int(cell)
    except ValueError:
        number = _decimal(cell)
        if number != number.to_integral_value():
            raise CellError(f"'{cell}' is not a whole number") from None
        return int(number)
    _check_magnitude(value, cell)
    return value


def _decimal(cell: str) -> Decimal:
    """`cell` as an exact, finite decimal number of a size a score can hold."""
    try:
        number = Decimal(cell)
    except InvalidOperation:
        raise CellError(f"'{cell}' is not a number") from None
    if not number.is_finite():
        raise CellError(f"'{cell}' is not a number")
    _check_magnitude(number, cell)
    return number


def _check_magnitude(value: int | Decimal, cell: str) -> None:
    """Refuse a value beyond the largest float: scores are floats, and int(Decimal('1e999999999')) would not finish."""
    if not -_LARGEST <= value <= _LARGEST:
        raise CellError(f"'{cell}' is out of range", "no count or measure is this large: check the cell")


def _check_bounds(
    line: int, values: Mapping[str, Value], columns: Mapping[str, int], inputs: Sequence[Input], display: str
) -> list[Problem]:
    """Every value outside its input's min/max, checked only once the row's cells all parsed (a bound may name another cell)."""
    problems = []
    for item in inputs:
        if not item.numeric:
            continue
        value = values[item.id]
        col = columns.get(item.id, -1) + 1
        for bound, too in ((item.min, "below"), (item.max, "above")):
            if bound is None:
                continue
            limit = values[bound] if isinstance(bound, str) else bound
            if (too == "below" and value < limit) or (too == "above" and value > limit):  # type: ignore[operator]
                problems.append(Problem(display, line, col, _bound_message(item, value, too, bound, limit, inputs)))
    return problems


def _bound_message(
    item: Input, value: Value, too: str, bound: float | str, limit: Value, inputs: Sequence[Input]
) -> str:
    word = "less" if too == "below" else "more"
    if isinstance(bound, str):
        other = next(i for i in inputs if i.id == bound)
        return f"{item.label} ({item.id}) is {value}, {word} than {other.label} ({other.id}) {limit}"
    return f"{item.label} ({item.id}) is {value}, {word} than the allowed {limit:g}"  # type: ignore[str-format]
