"""Reading an Excel workbook (.xlsx) as rows of text, the way the CSV reader sees a file.

The offices keep the month's figures in Excel or WPS, often with a title row
above the header and, in a sheet laid out like the published table, a
two-level header: a group header merged across its columns (办结得分（35分）)
over their own labels (工单数, 得分), and single columns merged down over both
header rows.  Each cell becomes text as a spreadsheet shows it (numbers
stored as text are accepted later like any other); a group header's value is
spread over the columns it covers, and the rows that hold such a header are
reported so the reader can join it with the row below.  openpyxl is imported
here only, so commands that never read Excel never load it.
"""

from __future__ import annotations

import csv
import datetime as dt
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.etree.ElementTree import ParseError

from ..errors import KaopingError, Problem, fail
from ..numbers import plain_number, seen_text
from ..ruleset.model import PROVENANCE_SHEET

MAX_BOX = 5_000_000  # a sheet whose real cells span more than this (rows × columns) is a formatting accident or a hostile file
# cells in the whole workbook: openpyxl keeps every cell of every sheet as an object (with the reading, ~600 bytes
# and ~15 µs a cell), so 100,000 cells read in ~1.5 s and ~90 MB; a million would take ~16 s and ~600 MB.
# A month's table is a few hundred units of a dozen columns; a bigger one reads as CSV, which has no such cap
MAX_CELLS = 100_000
MAX_SHEET_XML = 200 * 2**20  # uncompressed size of one sheet's XML
MAX_SHARED_STRINGS = 64 * 2**20  # uncompressed size of the shared strings (every text cell's text, once)
MAX_OTHER_MEMBER = 16 * 2**20  # any other part: styles, theme, document properties
MAX_UNPACKED = 300 * 2**20  # the whole workbook, uncompressed
# Excel's own limit, and below the CSV reader's (131,072): openpyxl silently cuts a longer text to this
# length, so a cell this long may have been cut and is refused, never read short
MAX_CELL_CHARS = min(32_767, csv.field_size_limit())
MAX_ROW, MAX_COL = 1_048_576, 16_384  # Excel's grid

_PREFIX = re.compile(rb"<(\w+:)?worksheet\b")  # the namespace prefix a sheet's elements carry, if any (<x:c ...>)
_DOCTYPE = (b"<!DOCTYPE", b"<!ENTITY")  # Excel and WPS never write either: an entity may expand to gigabytes
DOCTYPE_SEARCH = (
    64 * 2**10
)  # how much of each XML part is searched for a DOCTYPE (it must come before the root element)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+[0-9]+)(?::([A-Z]+[0-9]+))?"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="(?:[A-Z]+[0-9]+:)?([A-Z]+)([0-9]+)"')
# a cell holding a formula, and the value saved with it if any: <c r="D7"><f>SUM(B7:C7)</f><v>12</v></c>
_FORMULA = re.compile(
    rb"<(?:\w+:)?c\b([^>]*[^/])?>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>)\s*(?:<(?:\w+:)?v\b[^>]*?(/>|>([^<]*)<))?"
)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


@dataclass(frozen=True, slots=True)
class Sheet:
    """A sheet as rows of text, and what its layout says about them."""

    name: str
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (row number, cells) of the rows that are not empty
    group_rows: frozenset[int]  # rows holding a merged group header (the upper row of a two-level header)
    title_rows: frozenset[int]  # rows that are one merged cell across the table: a title or a section title
    # the first row of each run of empty rows between filled ones: a table ends at one below its header
    empty_rows: frozenset[int]
    merges: tuple[tuple[int, str], ...]  # (first row, A1 range) of every other merged range: header or error
    sheets: tuple[str, ...] = ()  # every sheet of the workbook, in order, for a hint when this one holds no table
    chosen_why: str = ""  # when kaoping chose the sheet (no --sheet, several sheets): which one it read and why
    hidden_rows: frozenset[int] = frozenset()  # filled rows Excel does not show (hidden, or filtered out)


@dataclass(frozen=True, slots=True)
class Scan:
    """What a sheet's XML holds, counted before openpyxl builds a cell of it."""

    cells: int
    merged_cells: int  # cells inside merged ranges: openpyxl makes every one of them
    unsaved_formulas: list[str]  # A1 names of formula cells with no saved result
    partial: bool = False  # the scan stopped early, once the cells were over the cap


def sheet_rows(path: Path, display: str, sheet: str | None) -> Sheet:
    """The first sheet of the workbook, or the one named `sheet`, as text.

    The zip's parts are measured, and every sheet's cells counted, before
    openpyxl parses anything: openpyxl keeps the whole workbook in memory,
    and a small file can claim gigabytes.
    """
    names, chosen, why = _check_package(path, display, sheet)
    ws = _worksheet(_load(path, display), chosen, display)
    return replace(_sheet(ws, display, names), chosen_why=why)


def _check_package(path: Path, display: str, sheet: str | None) -> tuple[tuple[str, ...], str, str]:
    """The workbook's sheet names, the name of the sheet to read and why it was chosen ("" when --sheet named it),
    once every part's size and every sheet's cells are within bounds."""
    try:
        with zipfile.ZipFile(path) as zf:
            _check_sizes(zf.infolist(), display)
            _refuse_entities(zf, display)
            sheets = _sheet_parts(zf, display)
            names = tuple(name for name, _, _ in sheets)
            if sheet is not None and sheet not in names:
                raise fail(
                    display,
                    f"the workbook has no sheet '{sheet}'",
                    f"its sheets are: {', '.join(names)}",
                    code="xlsx.sheet-not-found",
                )
            name, why = (sheet, "") if sheet is not None else _default_sheet(sheets, display)
            chosen = next(part for n, part, _ in sheets if n == name)
            if chosen.startswith("chart:"):
                raise fail(
                    display,
                    f"the sheet '{name}' is a chart, not a table",
                    "give --sheet the sheet that holds the figures",
                    code="xlsx.chart-sheet",
                )
            if chosen not in zf.NameToInfo:  # openpyxl would silently skip it and offer the next sheet as the first
                raise fail(
                    display,
                    f"this workbook is damaged: it lists the sheet '{name}', but the sheet's data ({chosen}) is missing",
                    "if Excel or WPS opens it, save it again as .xlsx; otherwise ask for the file again"
                    + (
                        f" (or give --sheet one of: {', '.join(n for n in names if n != name)})"
                        if len(names) > 1
                        else ""
                    ),
                    code="xlsx.sheet-data-missing",
                )
            _check_cells(zf, [(n, p) for n, p, _ in sheets], chosen, name, display)
            return names, name, why
    except _BROKEN as e:
        raise _unreadable(e, display) from None


# what reading a damaged workbook raises, in zipfile, zlib, the XML parser or openpyxl's load_workbook (even a
# chart sheet without a chart); each is told in words by _unreadable, never by its class name.  Caught only around
# the reading of the package (_check_package) and openpyxl's load (_load); once loaded, only the two lookups
# openpyxl still makes in the file's contents (_worksheet, _number_format) are guarded, each for its own error
_BROKEN = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    KeyError,
    IndexError,
    ParseError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    AttributeError,
    TypeError,
    OSError,
)


def _unreadable(error: BaseException, display: str) -> KaopingError:
    """Why the workbook cannot be read, in the user's terms: damaged or cut short, a part missing, XML that does not
    parse, a packing kaoping cannot undo, or the system refusing the read.  Python's exception names mean nothing
    to the office that sent the file."""
    again = "if Excel or WPS opens it, save it again as .xlsx; otherwise ask for the file again"
    if isinstance(error, (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError)):
        return fail(
            display,
            "this workbook is damaged or cut short (truncated): its contents cannot be unpacked",
            again,
            code="xlsx.damaged-zip",
        )
    if isinstance(error, ParseError):
        return fail(
            display,
            "this workbook is damaged: the text inside it (its XML) is not well formed",
            again,
            code="xlsx.bad-xml",
        )
    if isinstance(error, (NotImplementedError, RuntimeError)) and not isinstance(
        error, RecursionError
    ):  # an unknown compression, a password
        return fail(
            display,
            "this workbook is packed or encrypted in a way kaoping cannot undo",
            "in Excel or WPS, remove any password and save it as .xlsx",
            code="xlsx.encrypted",
        )
    if isinstance(error, (KeyError, IndexError)):
        return fail(
            display,
            "this workbook is damaged or incomplete: a part every workbook has is missing",
            again,
            code="xlsx.missing-part",
        )
    if isinstance(error, OSError):
        return fail(
            display,
            f"cannot read the workbook: {error.strerror or 'the system refused to read it'}",
            "check that the file is readable, and not being written",
            code="file.unreadable",
        )
    return fail(
        display,
        "this workbook is damaged, or was written by a program that does not follow the .xlsx format",
        again,
        code="xlsx.damaged",
    )


def _refuse_entities(zf: zipfile.ZipFile, display: str) -> None:
    """Refuse a part that declares its own XML entities (a DOCTYPE): a few of them nest into gigabytes (a "billion
    laughs"), and no spreadsheet program writes one.  Only each part's head is read, where a DOCTYPE must be."""
    for info in zf.infolist():
        if not info.filename.endswith((".xml", ".rels")):
            continue
        with zf.open(info) as f:
            head = f.read(DOCTYPE_SEARCH)
        if any(mark in head for mark in _DOCTYPE):
            raise fail(
                display,
                f"the part {info.filename} of this workbook declares XML entities (<!DOCTYPE ...>), which kaoping refuses to expand",
                "Excel and WPS never write them (a damaged or hostile file): copy the table to a new workbook, or save it as CSV UTF-8",
                code="xlsx.doctype",
            )


def _check_sizes(members: list[zipfile.ZipInfo], display: str) -> None:
    """Refuse a zip bomb from the sizes the zip declares (zipfile never expands a part beyond its declared size)."""
    for info in members:
        cap = _member_cap(info.filename)
        if info.file_size > cap:
            raise fail(
                display,
                f"the part {info.filename} of this workbook unpacks to {info.file_size / 2**20:,.0f} MB; kaoping reads at most {cap // 2**20} MB",
                "this is not a month's table (a damaged or hostile file): copy the table to a new workbook, or save it as CSV UTF-8",
                code="xlsx.part-too-big",
            )
    total = sum(info.file_size for info in members)
    if total > MAX_UNPACKED:
        raise fail(
            display,
            f"this workbook unpacks to {total / 2**20:,.0f} MB; kaoping reads at most {MAX_UNPACKED // 2**20} MB",
            "copy the month's table to a workbook of its own, or save it as CSV UTF-8",
            code="xlsx.too-big",
        )


def _member_cap(name: str) -> int:
    if name.startswith("xl/worksheets/"):
        return MAX_SHEET_XML
    if name == "xl/sharedStrings.xml":
        return MAX_SHARED_STRINGS
    return MAX_OTHER_MEMBER


def _default_sheet(sheets: list[tuple[str, str, bool]], display: str) -> tuple[str, str]:
    """The sheet read when --sheet names none, and the note saying so when there was a choice.

    The first VISIBLE sheet is the one a person sees on opening the file, so a hidden first sheet (an old
    month, a lookup table) is never scored without a word.  kaoping's own 来源 sheet is not a choice.
    """
    if not sheets:
        raise fail(display, "the workbook has no sheet", "save it from Excel or WPS as .xlsx", code="xlsx.no-sheet")
    visible = [name for name, _, hidden in sheets if not hidden]
    name = visible[0] if visible else sheets[0][0]
    others = [n for n, part, _ in sheets if n != name and n != PROVENANCE_SHEET and not part.startswith("chart:")]
    if not others:
        return name, ""
    hidden = [n for n, _, h in sheets if h and n != name]
    skipped = (
        f"; the hidden sheet{'s' if len(hidden) > 1 else ''} {', '.join(repr(n) for n in hidden)} {'were' if len(hidden) > 1 else 'was'} not read"
        if hidden
        else ""
    )
    return name, (
        f"read the sheet '{name}', the first {'visible ' if hidden else ''}of the workbook's sheets "
        f"({', '.join(n for n, _, _ in sheets)}){skipped}; give --sheet NAME to read another"
    )


def _sheet_parts(zf: zipfile.ZipFile, display: str) -> list[tuple[str, str, bool]]:
    """(name, part, hidden) of every sheet in the workbook's order; a chart sheet's part is marked 'chart:'."""
    workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): (r.get("Target", ""), r.get("Type", "")) for r in rels.iter(_RELS)}
    parts = []
    for entry in workbook.iterfind("m:sheets/m:sheet", _NS):
        target, kind = targets.get(entry.get(f"{{{_NS['r']}}}id"), ("", ""))
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        hidden = entry.get("state", "visible") in ("hidden", "veryHidden")
        parts.append((entry.get("name", ""), f"chart:{part}" if kind.endswith("/chartsheet") else part, hidden))
    return parts


def _check_cells(zf: zipfile.ZipFile, sheets: list[tuple[str, str]], chosen: str, name: str, display: str) -> None:
    """Count every sheet's cells (openpyxl loads them all), and refuse the chosen sheet's formulas without a saved result.

    Counting stops as soon as the workbook is over the cap, so a sheet of
    millions of cells is refused after reading only the cap's worth of it.
    """
    total = 0
    for _, part in sheets:
        if part.startswith("chart:") or part not in zf.NameToInfo:
            continue
        scan = _scan(zf, part, display, name if part == chosen else "", MAX_CELLS - total)
        total += scan.cells + scan.merged_cells
        if total > MAX_CELLS:
            # stopped early: the cells are only known to be too many, unless a merged range alone is (merges follow the cells)
            held = f"more than {MAX_CELLS:,}" if scan.partial and scan.merged_cells <= MAX_CELLS else f"{total:,}"
            raise fail(
                display,
                f"the workbook holds {held} cells; kaoping reads a workbook of at most {MAX_CELLS:,}",
                "copy the month's table to a workbook of its own, or save the sheet as CSV UTF-8 (a CSV may be much larger)",
                code="xlsx.too-many-cells",
            )
        if part == chosen and scan.unsaved_formulas:
            _refuse_unsaved(scan.unsaved_formulas, name, display)


def _scan(zf: zipfile.ZipFile, part: str, display: str, name: str, budget: int) -> Scan:
    """A sheet's cells, merged cells and (when `name` is given) unsaved formulas, read from its XML in pieces.

    Cells are counted by their tags' bytes (bytes.count runs at memory speed; a regular expression over a 150 MB
    sheet takes seconds), and the scan stops once more than `budget` are seen: the workbook is refused anyway.
    """
    cells = merged = 0
    unsaved: list[str] = []
    tags: tuple[bytes, ...] = ()
    for piece in _pieces(zf, part):
        if not tags:
            found = _PREFIX.search(piece)
            tags = _cell_tags(found.group(1) or b"" if found else b"")
        cells += sum(piece.count(tag) for tag in tags)
        if b"mergeCell" in piece:
            merged += sum(_area(m.group(1), m.group(2) or m.group(1)) for m in _MERGE.finditer(piece))
        if b"dimension" in piece:
            _check_dimension(piece, part, display)
        if cells + merged > budget:
            return Scan(cells, merged, unsaved, partial=True)
        if name and b"<f" in piece:
            unsaved += _unsaved_formulas(piece)
    return Scan(cells, merged, unsaved)


def _cell_tags(prefix: bytes) -> tuple[bytes, ...]:
    """Every way a cell's tag can start, <c r=...>, <c>, <c/> or with a line break after its name, with the sheet's namespace prefix."""
    return tuple(b"<" + prefix + b"c" + end for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))


def _pieces(zf: zipfile.ZipFile, part: str, size: int = 1 << 20) -> Iterator[bytes]:
    """The part's bytes in pieces of about `size`, each cut after a cell's end (</c>) so that no cell is split, or,
    in a stretch without one (cells written <c r="A1"/>), just before a tag, so that no tag is split either."""
    carry = b""
    with zf.open(part) as f:
        for chunk in iter(lambda: f.read(size), b""):
            carry += chunk
            cut = carry.rfind(b"</c>")
            cut = cut + 4 if cut >= 0 else carry.rfind(b"<")
            if cut <= 0:
                if len(carry) < 4 * size:
                    continue
                cut = len(carry)  # no tag at all in megabytes: whitespace or text, never a cell
            yield carry[:cut]
            carry = carry[cut:]
    if carry:
        yield carry


def _check_dimension(piece: bytes, part: str, display: str) -> None:
    """A declared dimension beyond Excel's own grid is a damaged or hostile file."""
    found = _DIMENSION.search(piece)
    if found and (_column_number(found.group(1)) > MAX_COL or int(found.group(2)) > MAX_ROW):
        raise fail(
            display,
            f"the sheet {part} declares cells beyond Excel's last cell (XFD1048576)",
            "save it from Excel or WPS as .xlsx",
            code="xlsx.beyond-grid",
        )


def _unsaved_formulas(piece: bytes) -> list[str]:
    """The cells of `piece` holding a formula with no value saved beside it."""
    found = []
    for m in _FORMULA.finditer(piece):
        saved = m.group(3)
        if m.group(2) is None or not (saved or b"").strip():  # no <v>, <v/>, or an empty <v></v>
            ref = _REF.search(m.group(1) or b"")
            found.append(ref.group(1).decode() if ref else "?")
    return found


def _refuse_unsaved(cells: list[str], name: str, display: str) -> None:
    """Formulas whose results were never computed (a workbook written by a program): openpyxl would read them as empty."""
    problems = [
        Problem(
            display,
            0,
            0,
            "formula without a saved result",
            "open and save it in Excel/WPS, so that its formulas are computed and saved",
            cell=f"{name}!{ref}",
            code="xlsx.unsaved-formula",
        )
        for ref in cells
    ]
    error = KaopingError(problems[:100])
    error.total = len(problems)
    raise error


def _area(first: bytes, last: bytes) -> int:
    """How many cells the range first:last covers."""
    (c1, r1), (c2, r2) = _split(first), _split(last)
    return (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)


def _split(ref: bytes) -> tuple[int, int]:
    letters = ref.rstrip(b"0123456789")
    return _column_number(letters), int(ref[len(letters) :] or b"0")


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - ord("A") + 1
    return number


def _load(path: Path, display: str) -> Any:
    """The workbook, its values as last saved."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, *_BROKEN) as e:
        # openpyxl fails in many ways on a damaged or unusual file (even a chart sheet without a chart)
        raise _unreadable(e, display) from None


def _worksheet(book: Any, name: str, display: str) -> Any:
    """The sheet `name` as openpyxl made it; the workbook's sheets were checked, so a KeyError here is openpyxl
    having left out a sheet it could not make (a damaged workbook)."""
    try:
        return book[name]
    except KeyError as e:
        raise _unreadable(e, display) from None


def _number_format(cell: Any, display: str) -> str:
    """A cell's number format, which openpyxl looks up only when asked: a style naming a format the workbook
    does not define (a damaged styles part) raises IndexError here, the one place openpyxl still reads the
    file's contents once the workbook is loaded.  Anything else in reading the sheet is kaoping's own code, and a
    mistake there must show as the bug it is, not as a damaged workbook."""
    try:
        number_format: str = cell.number_format
    except (IndexError, KeyError) as e:
        raise _unreadable(e, display) from None
    return number_format


def _sheet(ws: Any, display: str, names: tuple[str, ...]) -> Sheet:
    """The sheet's cells as rows of text, read from the cells that exist (never the whole bounding box)."""
    from openpyxl.worksheet.worksheet import Worksheet

    if not isinstance(ws, Worksheet):
        raise fail(
            display,
            f"the sheet '{ws.title}' is a chart, not a table",
            "give --sheet the sheet that holds the figures",
            code="xlsx.chart-sheet",
        )
    if ws.max_row * ws.max_column > MAX_BOX:
        raise fail(
            display,
            f"the sheet '{ws.title}' claims {ws.max_row:,} rows × {ws.max_column:,} columns",
            "delete the empty rows and columns after the table (or copy the table to a new sheet)",
            code="xlsx.sheet-too-large",
        )
    grid = _sparse_rows(ws, display)
    width = max((len(r) for r in grid.values()), default=0)
    group_rows: set[int] = set()
    title_rows: set[int] = set()
    merges: list[tuple[int, str]] = []
    for merged in ws.merged_cells.ranges:
        top = grid.get(merged.min_row, [])
        if merged.min_col == 1 and merged.max_col >= width > 1:
            title_rows.add(merged.min_row)
            continue
        merges.append((merged.min_row, merged.coord))
        if merged.max_col > merged.min_col and top and merged.min_col <= len(top):
            group_rows.add(merged.min_row)
            top.extend([""] * (min(merged.max_col, width) - len(top)))
            value = top[merged.min_col - 1]
            for col in range(merged.min_col, min(merged.max_col, len(top)) + 1):
                top[col - 1] = value  # a group header covers each of its columns
        elif merged.max_row > merged.min_row:
            group_rows.add(merged.min_row)
    rows = tuple(sorted((n, tuple(cells)) for n, cells in grid.items() if any(c.strip() for c in cells)))
    filled = {n for n, _ in rows}
    last = max(filled, default=0)
    gaps = frozenset(n + 1 for n in filled if n + 1 not in filled and n < last)
    hidden = frozenset(n for n, dim in ws.row_dimensions.items() if dim.hidden and n in filled)
    return Sheet(
        ws.title, rows, frozenset(group_rows), frozenset(title_rows), gaps, tuple(merges), names, hidden_rows=hidden
    )


def _sparse_rows(ws: Any, display: str) -> dict[int, list[str]]:
    """Row number -> its cells' text, up to its last cell holding something; only the cells the file holds are visited."""
    grid: dict[int, list[str]] = {}
    for (row, col), cell in ws._cells.items():
        value = cell.value
        if value is None:
            continue
        if isinstance(value, str) and len(value) >= MAX_CELL_CHARS:
            raise fail(
                display,
                f"this cell holds {MAX_CELL_CHARS:,} characters or more, Excel's most, so its text may have been cut off",
                "no name or figure is this long: check the cell",
                cell=f"{ws.title}!{cell.coordinate}",
                code="xlsx.cell-too-long",
            )
        text = _text(value, _number_format(cell, display))
        if not text:
            continue
        cells = grid.setdefault(row, [])
        if len(cells) < col:
            cells.extend([""] * (col - len(cells)))
        cells[col - 1] = text
    return grid


def _text(value: Any, number_format: str = "General") -> str:
    """A cell as a spreadsheet shows it: 35.0 as 35, 2.675 as 2.675 (15 significant digits), dates as YYYY-MM-DD,
    and a percentage cell (stored 0.9806, shown 98.06%) as 98.06%."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in number_format:
        return f"{seen_text(value * 100)}%"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return plain_number(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()  # a date typed in a cell is stored as midnight
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return " ".join(str(value).splitlines())  # a line break typed in a cell (Alt+Enter) is a space
