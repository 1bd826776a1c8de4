"""Reading a workbook (.xlsx, and .xls or .ods through their own modules) as rows of text, the way the CSV reader sees a file.

The offices keep the month's figures in Excel or WPS, often with a title row
above the header and, in a sheet laid out like the published table, a
two-level header: a group header merged across its columns (办结得分（35分）)
over their own labels (工单数, 得分), and single columns merged down over both
header rows.  Each cell becomes text as a spreadsheet shows it (numbers
stored as text are accepted later like any other); a group header's value is
spread over the columns it covers, and the rows that hold such a header are
reported so the reader can join it with the row below.

The cells' values are read by python-calamine (Rust: 100,000 rows in about a
second, where openpyxl took twelve), imported here only, so commands that
never read a workbook never load it.  What calamine does not say — a cell's
number format (a percentage shows 0.9806 as 98.06%), an error value
(#DIV/0!, which it reads as empty), rows the sheet hides, a formula saved
without its result — and what must be known before calamine builds the
sheet's whole bounding box in memory (the box, the cell count) is read from
the sheet's XML in streamed passes (`_scan` counts, `_note` notes), with byte searches and
regular expressions that stay in C.  The reading openpyxl gave is the
reference: tests/test_excel_reader.py reads the same workbooks both ways.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import compress, repeat
from operator import ne
from pathlib import Path
from types import MappingProxyType
from typing import Any
from xml.etree import ElementTree
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import unescape

from ..errors import KaopingError, Problem, fail
from ..i18n import N_, _, current, n_
from ..numbers import SIGNIFICANT, plain_number, seen_text
from ..ruleset.model import PROVENANCE_SHEET
from .files import system_reason

MAX_BOX = 5_000_000  # a sheet whose real cells span more than this (rows × columns) is a formatting accident or a hostile file
# cells in the whole workbook: 100,000 units of 15 columns, 125,000 of 12.  Measured with calamine (a 2-core
# machine, 2026-12): reading a sheet costs 160 bytes of peak RSS a cell of figures and 240 a cell of distinct
# texts (the worst: every cell its own shared string), about 390 MB at the cap, and the CLI's whole evaluation
# of 1.2M cells of figures peaked at 374 MB; counting a workbook's cells up to the cap before reading it
# costs ~0.2 s.  (The cap was 100,000 while openpyxl read workbooks: ~600 bytes and ~15 µs a cell.)
MAX_CELLS = 1_500_000
MAX_SHEET_XML = 200 * 2**20  # uncompressed size of one sheet's XML
MAX_SHARED_STRINGS = 64 * 2**20  # uncompressed size of the shared strings (every text cell's text, once)
MAX_OTHER_MEMBER = 16 * 2**20  # any other part: styles, theme, document properties
MAX_UNPACKED = 300 * 2**20  # the whole workbook, uncompressed
# Excel's own limit, and below the CSV reader's (131,072): a program writing a longer text (or openpyxl, which
# silently cut one to this length) may have cut it, so a cell this long is refused, never read short
MAX_CELL_CHARS = min(32_767, csv.field_size_limit())
MAX_ROW, MAX_COL = 1_048_576, 16_384  # Excel's grid

SAVE_AGAIN = N_("if Excel or WPS opens it, save it again as .xlsx; otherwise ask for the file again")
SAVE_AS_XLSX = N_("save it from Excel or WPS as .xlsx")
TOO_MANY_CELLS_HINT = N_(
    "copy the month's table to a workbook of its own, or save the sheet as CSV UTF-8 (a CSV may be much larger)"
)
# the hints said by more than one refusal (marked here, translated where they are said)

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
# what the chosen sheet's XML says that calamine does not (see Marks): literal prefixes, so that each search runs
# at memory speed in C over a sheet of 700,000 cells and only its matches cost Python time
_ROW_OF_REF = re.compile(rb'r="[A-Z]+([0-9]+)"')
_COLUMN_OF_REF = re.compile(rb'r="([A-Z]+)[0-9]')
_STYLE_USED = re.compile(rb's="([0-9]+)"')
_HIDDEN = re.compile(rb'hidden="(?:1|true)"')
_ERROR_TYPE = re.compile(rb't="e"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_ROW_NUMBER = re.compile(rb'\br="([0-9]+)"')
# the sheet's cells, and every cell's or row's reference, for renumbering a sparse sheet (see _compacted)
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData\b[^>]*?(?:/>|>.*?</(?:\w+:)?sheetData>)", re.S)
_REF_ATTR = re.compile(rb'(<(?:\w+:)?(?:c|row)\b[^>]*?\br=")([A-Z]*)([0-9]+)"')
_REF_PARTS = re.compile(rb'<(?:\w+:)?(?:c|row)\b[^>]*?\br="([A-Z]*)([0-9]+)"')
_DIMENSION_TAG = re.compile(rb"<(?:\w+:)?dimension\b[^>]*>")
# a sheet whose box holds SPARSE times more places than its cells (and 10,000 more) is read compacted
SPARSE = 4
_EXACT = 10**SIGNIFICANT  # below it, a whole float reads as an integer (numbers.plain_number)
_TAG_NAME = re.compile(rb"</?(?:\w+:)?(\w+)")
_CELL_CLOSE = re.compile(rb"</(?:\w+:)?c>")
_BUILTIN_PERCENT = {9: "0%", 10: "0.00%"}  # Excel's built-in number formats that show a percentage
_FIRST_CUSTOM_FORMAT = 164  # below it, a format id is Excel's own (unknown ones show as General)
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
    kind: str = "xlsx"  # the workbook's format: xlsx, xls or ods


Places = tuple[list[int], list[int]] | None  # a compacted sheet's rows and columns: where each was in the file


@dataclass(frozen=True, slots=True)
class Layout:
    """What the reader needs to know about the chosen sheet besides its values, which calamine reads.

    Positions are 1-based (row, column).  `rows` × `cols` is the sheet's box as openpyxl measured it (every cell
    the file holds, even an empty one, and every merged range), checked before calamine builds it in memory.
    """

    rows: int
    cols: int
    cells: int = 0  # the cells the sheet's XML holds, empty or not
    merges: tuple[tuple[int, int, int, int], ...] = ()  # (first row, first col, last row, last col), in place order
    hidden_rows: frozenset[int] = frozenset()
    formats: Mapping[tuple[int, int], str] = field(
        default_factory=dict
    )  # a cell's number format, where it matters (a percentage)
    errors: Mapping[tuple[int, int], str] = field(
        default_factory=dict
    )  # a cell's error value (#DIV/0!), which calamine reads as empty
    damaged: frozenset[tuple[int, int]] = frozenset()  # cells whose style names a number format the file lacks


@dataclass(frozen=True, slots=True)
class Scan:
    """What a sheet's XML holds, counted before calamine builds a cell of it."""

    cells: int
    merged_cells: int  # cells inside merged ranges: openpyxl made every one of them, and they count as cells
    partial: bool = False  # the scan stopped early, once the cells were over the cap


@dataclass(frozen=True, slots=True)
class Styles:
    """The workbook's cell styles, as far as reading needs them: how many, and which show a percentage or name a
    number format the workbook does not define (a damaged styles part)."""

    count: int | None  # None: no styles part
    percent: Mapping[int, str]  # style index -> its number format, for those holding a '%'
    broken: frozenset[int]


def sheet_rows(path: Path, display: str, sheet: str | None) -> Sheet:
    """The first sheet of the workbook, or the one named `sheet`, as text: an .xlsx here, an .ods or .xls in
    their own modules.

    The zip's parts are measured, every sheet's cells counted and the chosen
    sheet's box measured before calamine reads a cell: calamine builds a
    sheet's whole bounding box in memory, and a small file can claim gigabytes.
    """
    suffix = path.suffix.lower()
    if suffix == ".ods":
        from .ods_in import ods_sheet

        return ods_sheet(path, display, sheet)
    if suffix == ".xls":
        from .xls_in import xls_sheet

        return xls_sheet(path, display, sheet)
    names, chosen, why, layout, part = _check_package(path, display, sheet)
    if layout.rows * layout.cols > SPARSE * (layout.cells + 10_000):
        book, places = _compacted(path, part, layout, chosen, display)
        return replace(read_sheet(book, chosen, layout, display, names, places=places), chosen_why=why)
    return replace(read_sheet(open_book(path, display), chosen, layout, display, names), chosen_why=why)


def _check_package(path: Path, display: str, sheet: str | None) -> tuple[tuple[str, ...], str, str, Layout, str]:
    """The workbook's sheet names, the name of the sheet to read and why it was chosen ("" when --sheet named it),
    and the chosen sheet's layout, once every part's size and every sheet's cells are within bounds."""
    try:
        with zipfile.ZipFile(path) as zf:
            _check_sizes(zf.infolist(), display)
            _refuse_entities(zf, display)
            sheets = _sheet_parts(zf, display)
            names = tuple(name for name, _part, _hidden in sheets)
            if sheet is not None and sheet not in names:
                raise no_such_sheet(display, sheet, names)
            name, why = (sheet, "") if sheet is not None else _default_sheet(sheets, display)
            chosen = next(part for n, part, _hidden in sheets if n == name)
            if chosen.startswith("chart:"):
                raise fail(
                    display,
                    _("the sheet '{name}' is a chart, not a table", name=name),
                    _("give --sheet the sheet that holds the figures"),
                    code="xlsx.chart-sheet",
                )
            if chosen not in zf.NameToInfo:  # openpyxl would silently skip it and offer the next sheet as the first
                others = _(", ").join(n for n in names if n != name)
                raise fail(
                    display,
                    _(
                        "this workbook is damaged: it lists the sheet '{name}', but the sheet's data ({part}) is missing",
                        name=name,
                        part=chosen,
                    ),
                    _(
                        "if Excel or WPS opens it, save it again as .xlsx; otherwise ask for the file again"
                        " (or give --sheet one of: {others})",
                        others=others,
                    )
                    if len(names) > 1
                    else _(SAVE_AGAIN),
                    code="xlsx.sheet-data-missing",
                )
            marks = Marks(_styles(zf))
            _check_cells(zf, [(n, p) for n, p, _hidden in sheets], chosen, name, display, marks)
            return names, name, why, marks.layout(zf, chosen), chosen
    except _BROKEN as e:
        raise _unreadable(e, display) from None


# what reading a damaged workbook raises, in zipfile, zlib, the XML parser or calamine (python-calamine raises its
# CalamineError, and Python's own errors for what it cannot convert); each is told in words by _unreadable, never by
# its class name.  Caught only around the reading of the package (_check_package) and calamine's (open_book,
# _calamine_sheet); the rows calamine gives are kaoping's own code, and a mistake there shows as the bug it is
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
    """Why the workbook cannot be read, in the user's words; calamine's own errors are sorted by their kind first."""
    return _told(_calamine_kind(error), display)


def _calamine_kind(error: BaseException) -> BaseException:
    """A calamine error as the Python error of the same meaning: a zip it cannot unpack, XML it cannot parse, a
    password; any other (a part missing, a value it cannot make) is a damaged workbook."""
    if not type(error).__module__.startswith("python_calamine"):
        return error  # not calamine's: nothing to import
    import python_calamine as calamine

    if not isinstance(error, calamine.CalamineError):
        return error
    if isinstance(error, calamine.ZipError):
        return zipfile.BadZipFile()
    if isinstance(error, calamine.XmlError):
        return ParseError()
    if isinstance(error, calamine.PasswordError):
        return NotImplementedError()
    if isinstance(error, calamine.WorksheetNotFound):
        return KeyError()
    return ValueError()


def _told(error: BaseException, display: str) -> KaopingError:
    """Why the workbook cannot be read, in the user's terms: damaged or cut short, a part missing, XML that does not
    parse, a packing kaoping cannot undo, or the system refusing the read.  Python's exception names mean nothing
    to the office that sent the file."""
    again = _(SAVE_AGAIN)
    if isinstance(error, (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError)):
        return fail(
            display,
            _("this workbook is damaged or cut short (truncated): its contents cannot be unpacked"),
            again,
            code="xlsx.damaged-zip",
        )
    if isinstance(error, ParseError):
        return fail(
            display,
            _("this workbook is damaged: the text inside it (its XML) is not well formed"),
            again,
            code="xlsx.bad-xml",
        )
    if isinstance(error, (NotImplementedError, RuntimeError)) and not isinstance(
        error, RecursionError
    ):  # an unknown compression, a password
        return fail(
            display,
            _("this workbook is packed or encrypted in a way kaoping cannot undo"),
            _("in Excel or WPS, remove any password and save it as .xlsx"),
            code="xlsx.encrypted",
        )
    if isinstance(error, (KeyError, IndexError)):
        return fail(
            display,
            _("this workbook is damaged or incomplete: a part every workbook has is missing"),
            again,
            code="xlsx.missing-part",
        )
    if isinstance(error, OSError):
        return fail(
            display,
            _("cannot read the workbook: {reason}", reason=system_reason(error)),
            _("check that the file is readable, and not being written"),
            code="file.unreadable",
        )
    return fail(
        display,
        _("this workbook is damaged, or was written by a program that does not follow the .xlsx format"),
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
                _(
                    "the part {part} of this workbook declares XML entities (<!DOCTYPE ...>), which kaoping refuses to expand",
                    part=info.filename,
                ),
                _(
                    "Excel and WPS never write them (a damaged or hostile file): "
                    "copy the table to a new workbook, or save it as CSV UTF-8"
                ),
                code="xlsx.doctype",
            )


def _check_sizes(members: list[zipfile.ZipInfo], display: str) -> None:
    """Refuse a zip bomb from the sizes the zip declares (zipfile never expands a part beyond its declared size)."""
    for info in members:
        cap = _member_cap(info.filename)
        if info.file_size > cap:
            raise fail(
                display,
                _(
                    "the part {part} of this workbook unpacks to {size:,.0f} MB; kaoping reads at most {most} MB",
                    part=info.filename,
                    size=info.file_size / 2**20,
                    most=cap // 2**20,
                ),
                _(
                    "this is not a month's table (a damaged or hostile file): "
                    "copy the table to a new workbook, or save it as CSV UTF-8"
                ),
                code="xlsx.part-too-big",
            )
    total = sum(info.file_size for info in members)
    if total > MAX_UNPACKED:
        raise fail(
            display,
            _(
                "this workbook unpacks to {size:,.0f} MB; kaoping reads at most {most} MB",
                size=total / 2**20,
                most=MAX_UNPACKED // 2**20,
            ),
            _("copy the month's table to a workbook of its own, or save it as CSV UTF-8"),
            code="xlsx.too-big",
        )


def no_such_sheet(display: str, sheet: str, names: tuple[str, ...]) -> KaopingError:
    """--sheet names a sheet the workbook (.xlsx, .xls or .ods alike) does not have."""
    return fail(
        display,
        _("the workbook has no sheet '{sheet}'", sheet=sheet),
        _("its sheets are: {names}", names=_(", ").join(names)),
        code="xlsx.sheet-not-found",
    )


def too_many_cells(display: str) -> KaopingError:
    """A workbook past MAX_CELLS, found while counting (an .xls's records, an .ods's repeated cells)."""
    return fail(
        display,
        _(
            "the workbook holds more than {most:,} cells; kaoping reads a workbook of at most {most:,}",
            most=MAX_CELLS,
        ),
        _(TOO_MANY_CELLS_HINT),
        code="xlsx.too-many-cells",
    )


def _member_cap(name: str) -> int:
    if name.startswith("xl/worksheets/") or name == "content.xml":  # an .ods holds its sheets in content.xml
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
        raise fail(display, _("the workbook has no sheet"), _(SAVE_AS_XLSX), code="xlsx.no-sheet")
    visible = [name for name, _part, hidden in sheets if not hidden]
    name = visible[0] if visible else sheets[0][0]
    others = [n for n, part, _hidden in sheets if n != name and n != PROVENANCE_SHEET and not part.startswith("chart:")]
    if not others:
        return name, ""
    hidden = [n for n, _part, h in sheets if h and n != name]
    every = _(", ").join(n for n, _part, _hidden in sheets)
    if not hidden:
        return name, _(
            "read the sheet '{name}', the first of the workbook's sheets ({sheets}); give --sheet NAME to read another",
            name=name,
            sheets=every,
        )
    quoted = "、".join(f"「{n}」" for n in hidden) if current() == "zh" else ", ".join(repr(n) for n in hidden)
    return name, n_(
        "read the sheet '{name}', the first visible of the workbook's sheets ({sheets}); "
        "the hidden sheet {hidden} was not read; give --sheet NAME to read another",
        "read the sheet '{name}', the first visible of the workbook's sheets ({sheets}); "
        "the hidden sheets {hidden} were not read; give --sheet NAME to read another",
        len(hidden),
        name=name,
        sheets=every,
        hidden=quoted,
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


def _check_cells(
    zf: zipfile.ZipFile, sheets: list[tuple[str, str]], chosen: str, name: str, display: str, marks: Marks
) -> None:
    """Count every sheet's cells (a workbook is refused by its size, whichever sheet is read); then read the
    chosen sheet's XML again for what calamine does not say (`marks`) and its formulas without a saved result.

    Counting is cheap (two byte counts a piece) and stops as soon as the
    workbook is over the cap, so a sheet of millions of cells is refused after
    unpacking only the cap's worth of it, before any slower search runs.
    """
    total = 0
    counts: list[int] = []  # the chosen sheet's cells, piece by piece, for _note
    for _name, part in sheets:
        if part.startswith("chart:") or part not in zf.NameToInfo:
            continue
        scan = _scan(zf, part, display, MAX_CELLS - total, counts if part == chosen else None)
        total += scan.cells + scan.merged_cells
        if total > MAX_CELLS:
            # stopped early: the cells are only known to be too many, unless a merged range alone is (merges follow the cells)
            if scan.partial and scan.merged_cells <= MAX_CELLS:
                raise too_many_cells(display)  # the same words as counting an .xls or .ods says
            raise fail(
                display,
                _(
                    "the workbook holds {n:,} cells; kaoping reads a workbook of at most {most:,}",
                    n=total,
                    most=MAX_CELLS,
                ),
                _(TOO_MANY_CELLS_HINT),
                code="xlsx.too-many-cells",
            )
    unsaved = _note(zf, chosen, marks, counts)
    if unsaved:
        _refuse_unsaved(unsaved, name, display)


def _scan(zf: zipfile.ZipFile, part: str, display: str, budget: int, counts: list[int] | None = None) -> Scan:
    """A sheet's cells and merged cells, counted from its XML in pieces (each piece's cells appended to `counts`);
    a declared dimension beyond Excel's grid refused.  The scan stops once more than `budget` are seen: the
    workbook is refused anyway."""
    cells = merged = 0
    tags: tuple[bytes, ...] = ()
    for piece in _pieces(zf, part):
        tags = tags or _tags_of(piece)
        here = _cells_in(piece, tags)
        cells += here
        if counts is not None:
            counts.append(here)
        if b"mergeCell" in piece:
            merged += sum(_area(m.group(1), m.group(2) or m.group(1)) for m in _MERGE.finditer(piece))
        if b"dimension" in piece:
            _check_dimension(piece, part, display)
        if cells + merged > budget:
            return Scan(cells, merged, partial=True)
    return Scan(cells, merged)


def _note(zf: zipfile.ZipFile, part: str, marks: Marks, counts: list[int]) -> list[str]:
    """The chosen sheet's XML read again, once its cells are known to be within the cap: `marks` notes what
    calamine will not say, and the A1 names of its formula cells with no saved result are returned.  The pieces
    are the count's own (`counts`: each one's cells), cut from the same bytes in the same places."""
    unsaved: list[str] = []
    for index, piece in enumerate(_pieces(zf, part)):
        if index == 0:
            marks.row_tag = _tags_of(piece)[0][:-2] + b"row"  # <c plus a space, less both, plus row
        if b"<f" in piece:
            unsaved += _unsaved_formulas(piece)
        marks.note(piece, counts[index])
    return unsaved


def _tags_of(piece: bytes) -> tuple[bytes, ...]:
    """The cell tags of the sheet whose XML begins with `piece`, with its namespace prefix."""
    found = _PREFIX.search(piece)
    return _cell_tags(found.group(1) or b"" if found else b"")


def _cells_in(piece: bytes, tags: tuple[bytes, ...]) -> int:
    """How many cell tags `piece` holds, by their bytes (bytes.count runs at memory speed; a regular expression
    over a 150 MB sheet takes seconds).  Every way of writing one starts with <c (tags[0] less its space): when
    <c and <c plus a space are equally many, no other way is there, and two counts did the work of six (<col and
    <cfRule, outside the cells, only send a piece to the six)."""
    start = piece.count(tags[0][:-1])
    if start == 0:
        return 0
    spaced = piece.count(tags[0])
    return spaced if spaced == start else spaced + sum(piece.count(tag) for tag in tags[1:])


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
            _("the sheet {part} declares cells beyond Excel's last cell (XFD1048576)", part=part),
            _(SAVE_AS_XLSX),
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
            _("formula without a saved result"),
            _("open and save it in Excel/WPS, so that its formulas are computed and saved"),
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


def _styles(zf: zipfile.ZipFile) -> Styles:
    """The cell styles (cellXfs) of xl/styles.xml: which show a percentage, which name a number format the
    workbook lacks.  A format id below 164 is Excel's own, and one it does not know shows as General."""
    if "xl/styles.xml" not in zf.NameToInfo:
        return Styles(None, {}, frozenset())
    root = ElementTree.fromstring(zf.read("xl/styles.xml"))
    custom = {int(f.get("numFmtId", "-1")): f.get("formatCode", "") for f in root.iterfind("m:numFmts/m:numFmt", _NS)}
    percent: dict[int, str] = {}
    broken: set[int] = set()
    xfs = root.findall("m:cellXfs/m:xf", _NS)
    for index, xf in enumerate(xfs):
        number = int(xf.get("numFmtId", "0"))
        code = custom.get(number, _BUILTIN_PERCENT.get(number, ""))
        if number >= _FIRST_CUSTOM_FORMAT and number not in custom:
            broken.add(index)
        elif "%" in code:
            percent[index] = code
    return Styles(len(xfs), percent, frozenset(broken))


class Marks:
    """What the chosen sheet's XML says that calamine does not, noted piece by piece as the sheet is scanned: the
    box (the last row and column any cell names), merged ranges, hidden rows, cells whose style shows a
    percentage or is damaged, and error values.  Mutable while the scan runs; `layout` freezes it."""

    def __init__(self, styles: Styles) -> None:
        self.styles = styles
        self.row_tag = b"<row"  # with the sheet's namespace prefix once known (<x:row)
        self.rows = self.cols = self.cells = 0
        self.refless = False  # a cell or row without its r="..." (never Excel, WPS or LibreOffice): placed by counting
        self.merges: list[tuple[int, int, int, int]] = []
        self.hidden: set[int] = set()
        self.special: dict[tuple[int, int], str | None] = {}  # percent format, or None for a damaged style
        self.errors: dict[tuple[int, int], str] = {}

    def note(self, piece: bytes, cells: int) -> None:
        """Read one piece of the sheet (cut after a cell, see _pieces)."""
        self.cells += cells
        self.rows = max(self.rows, _last_row(piece))
        self.cols = max(self.cols, _last_column(piece))
        if piece.count(b'r="') < cells + piece.count(self.row_tag):  # fewer r="..." than cells and rows: some lack one
            self.refless = self.refless or _lacks_refs(piece)
        if b"mergeCell" in piece:
            for m in _MERGE.finditer(piece):
                (c1, r1), (c2, r2) = _split(m.group(1)), _split(m.group(2) or m.group(1))
                self.merges.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
        if b"hidden" in piece:
            self.hidden.update(_hidden_rows(piece))
        if b't="e"' in piece:
            self.errors.update(_error_cells(piece))
        self._note_styles(piece)

    def _note_styles(self, piece: bytes) -> None:
        styles = self.styles
        used = {int(n) for n in set(_STYLE_USED.findall(piece))} if b's="' in piece else set()
        if styles.count is not None and any(n >= styles.count for n in used):
            raise IndexError("a cell's style is not in the workbook's styles")  # told as a missing part
        wanted = used & (set(styles.percent) | styles.broken)
        if wanted:
            pattern = re.compile(b's="(?:' + b"|".join(str(n).encode() for n in sorted(wanted)) + b')"')
            for tag, at, _end in _tags_around(piece, pattern):
                ref = _REF.search(tag)
                if _tag_name(tag) == b"c" and ref:
                    style = int(_STYLE_USED.search(tag[at:]).group(1))  # type: ignore[union-attr]
                    self.special[_position(ref.group(1))] = styles.percent.get(style)

    def layout(self, zf: zipfile.ZipFile, part: str) -> Layout:
        """The layout noted, with the box counted cell by cell instead when some cell lacks its reference."""
        rows, cols = _counted_box(zf, part) if self.refless else (self.rows, self.cols)
        for _r1, _c1, r2, c2 in self.merges:  # openpyxl made a cell of every merged one
            rows, cols = max(rows, r2), max(cols, c2)
        special = self.special
        return Layout(
            max(rows, 1),
            max(cols, 1),
            self.cells,
            tuple(sorted(set(self.merges))),
            frozenset(self.hidden),
            MappingProxyType({k: v for k, v in special.items() if v is not None}),
            MappingProxyType(dict(self.errors)),
            frozenset(k for k, v in special.items() if v is None),
        )


def _last_row(piece: bytes) -> int:
    """The highest row any cell of `piece` names.  Rows come in order, so it is nearly always the last cell's; one
    search for a greater row number (in C) makes sure, and only a file out of order pays for reading every one."""
    tail = _ROW_OF_REF.findall(piece, max(len(piece) - 4096, 0))
    last = int(tail[-1]) if tail else 0
    if not tail or re.search(b'r="[A-Z]+(?:' + _greater_than(last) + b')"', piece):
        last = max((int(n) for n in _ROW_OF_REF.findall(piece)), default=0)
    return last


def _greater_than(n: int) -> bytes:
    """A regular expression matching the decimal numbers greater than n (written without leading zeros)."""
    digits = str(n)
    longer = f"[1-9][0-9]{{{len(digits)},}}"
    same = [f"{digits[:i]}[{int(d) + 1}-9][0-9]{{{len(digits) - i - 1}}}" for i, d in enumerate(digits) if d != "9"]
    return "|".join([longer, *same]).encode()


def _last_column(piece: bytes) -> int:
    """The highest column any cell of `piece` names.  A row's cells come in order, so the piece's last cell (the end
    of a row) is nearly always the widest; one search for greater column letters makes sure."""
    tail = _COLUMN_OF_REF.findall(piece, max(len(piece) - 4096, 0))
    last = max(tail, key=lambda c: (len(c), c)) if tail else b""
    if not tail or re.search(b'r="(?:' + _letters_after(last) + b")[0-9]", piece):
        found = set(_COLUMN_OF_REF.findall(piece))
        last = max(found, key=lambda c: (len(c), c)) if found else b""
    return _column_number(last)


def _letters_after(letters: bytes) -> bytes:
    """A regular expression matching the column letters after `letters` (AA after Z, XFD last)."""
    longer = b"[A-Z]{%d,}" % (len(letters) + 1)
    same = [
        letters[:i] + b"[" + bytes([ch + 1]) + b"-Z]" + (b"[A-Z]{%d}" % (len(letters) - i - 1))
        for i, ch in enumerate(letters)
        if ch < ord("Z")
    ]
    return b"|".join([longer, *same])


def _lacks_refs(piece: bytes) -> bool:
    """Whether a cell or row tag of `piece` has no r="..." (openpyxl and calamine then place it by counting)."""
    return any(b'r="' not in m.group(1) for m in re.finditer(rb"<(?:\w+:)?(?:c|row)\b([^>]*)>", piece))


def _counted_box(zf: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """The box of a sheet some of whose cells or rows lack their reference, counted as openpyxl placed them: a
    row without r is the one after the last, a cell without r the one right of the last (the sheet is within
    the cell cap, so reading it tag by tag is quick)."""
    rows = cols = row = 0
    with zf.open(part) as f:
        for _event, element in ElementTree.iterparse(f, events=("start",)):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "row":
                row = int(element.get("r") or row + 1)
                col = 0
            elif tag == "c":
                ref = element.get("r")
                if ref:
                    col, row_of_cell = _split(ref.encode())
                    rows = max(rows, row_of_cell)
                else:
                    col += 1
                    rows = max(rows, row)
                cols = max(cols, col)
            element.clear()
    return rows, cols


def _tags_around(piece: bytes, pattern: re.Pattern[bytes]) -> Iterator[tuple[bytes, int, int]]:
    """Each tag holding a match of `pattern` (an attribute), with the match's offset inside the tag and where in
    `piece` the tag ends."""
    for m in pattern.finditer(piece):
        start = piece.rfind(b"<", 0, m.start())
        end = piece.find(b">", m.end())
        if start >= 0 and end >= 0:
            yield piece[start : end + 1], m.start() - start, end + 1


def _tag_name(tag: bytes) -> bytes:
    """The element's name, without its namespace prefix: b'c' for <x:c r="A1">."""
    found = _TAG_NAME.match(tag)
    return found.group(1) if found else b""


def _hidden_rows(piece: bytes) -> Iterator[int]:
    """The rows of `piece` marked hidden (by hand, or by a filter)."""
    for tag, _at, _end in _tags_around(piece, _HIDDEN):
        number = _ROW_NUMBER.search(tag)
        if _tag_name(tag) == b"row" and number:
            yield int(number.group(1))


def _error_cells(piece: bytes) -> Iterator[tuple[tuple[int, int], str]]:
    """Cells of type e (an error value such as #DIV/0!, shown as such), with their saved text."""
    for tag, _at, end in _tags_around(piece, _ERROR_TYPE):
        ref = _REF.search(tag)
        if _tag_name(tag) != b"c" or not ref or tag.endswith(b"/>"):
            continue
        value = _VALUE.search(piece, end, _cell_end(piece, end))
        if value:
            yield _position(ref.group(1)), unescape(value.group(1).decode("utf-8", "replace"))


def _cell_end(piece: bytes, start: int) -> int:
    """Where the cell whose content starts at `start` ends (its </c>, with any namespace prefix)."""
    close = _CELL_CLOSE.search(piece, start)
    return close.end() if close else len(piece)


def _position(ref: bytes) -> tuple[int, int]:
    col, row = _split(ref)
    return row, col


# --- the cells, read by calamine ---------------------------------------------------------------


def open_book(path: Path, display: str) -> Any:
    """The workbook as calamine opens it (its sheet list and shared strings; no sheet is read yet)."""
    import python_calamine as calamine

    try:
        return calamine.CalamineWorkbook.from_path(str(path))
    except (calamine.CalamineError, *_BROKEN) as e:
        raise _unreadable(e, display) from None


def read_sheet(
    book: Any,
    name: str,
    layout: Layout,
    display: str,
    names: tuple[str, ...],
    kind: str = "xlsx",
    places: Places = None,
) -> Sheet:
    """The sheet `name` as rows of text, once its box is known to be within bounds (calamine builds all of it);
    `places` maps a compacted sheet's rows and columns back to the file's (see _compacted)."""
    if layout.rows * layout.cols > MAX_BOX:
        raise fail(
            display,
            _(
                "the sheet '{name}' claims {rows:,} rows × {cols:,} columns",
                name=name,
                rows=layout.rows,
                cols=layout.cols,
            ),
            _("delete the empty rows and columns after the table (or copy the table to a new sheet)"),
            code="xlsx.sheet-too-large",
        )
    grid = _grid(_calamine_sheet(book, name, display), layout, name, display, places)
    return replace(_sheet(name, grid, layout, names), kind=kind)


def _compacted(path: Path, part: str, layout: Layout, name: str, display: str) -> tuple[Any, Places]:
    """The workbook for calamine with the sheet's empty rows and columns taken out, and where each remaining one
    was.  calamine builds a sheet's whole bounding box and gives every row its full width, so one stray cell at
    XFD300 or F800000 (a few hundred cells in a box of millions) would cost seconds; renumbered, it costs none.
    A sheet with cells lacking their reference (placed by counting) cannot be renumbered, and is read whole."""
    try:
        with zipfile.ZipFile(path) as zf:
            xml = zf.read(part)
            data = _SHEET_DATA.search(xml)
            if data is None or _lacks_refs(data.group(0)):
                return open_book(path, display), None
            found = _REF_PARTS.findall(data.group(0))
            rows = sorted({int(n) for _c, n in found})
            cols = sorted({_column_number(c) for c, _n in found if c})
            row_to = {n: i for i, n in enumerate(rows, start=1)}
            col_to = {n: _letters(i) for i, n in enumerate(cols, start=1)}

            def renumber(m: re.Match[bytes]) -> bytes:
                letters = col_to[_column_number(m.group(2))] if m.group(2) else b""
                return m.group(1) + letters + str(row_to[int(m.group(3))]).encode() + b'"'

            head = _DIMENSION_TAG.sub(b"", xml[: data.start()])
            root = _PREFIX.search(xml)
            body = _REF_ATTR.sub(renumber, data.group(0))
            sheet_xml = head + body + b"</" + (root.group(1) or b"" if root else b"") + b"worksheet>"
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
                for info in zf.infolist():
                    out.writestr(info.filename, sheet_xml if info.filename == part else zf.read(info))
    except _BROKEN as e:
        raise _unreadable(e, display) from None
    buffer.seek(0)
    return _open_buffer(buffer, display), (rows, cols)


def _letters(col: int) -> bytes:
    from .sheets import column_letter

    return column_letter(col).encode()


def _open_buffer(buffer: io.BytesIO, display: str) -> Any:
    import python_calamine as calamine

    try:
        return calamine.CalamineWorkbook.from_filelike(buffer)
    except (calamine.CalamineError, *_BROKEN) as e:
        raise _unreadable(e, display) from None


def _calamine_sheet(book: Any, name: str, display: str) -> Any:
    import python_calamine as calamine

    try:
        return book.get_sheet_by_name(name)
    except (calamine.CalamineError, *_BROKEN) as e:
        raise _unreadable(e, display) from None


def _sheet(name: str, grid: dict[int, list[str]], layout: Layout, names: tuple[str, ...]) -> Sheet:
    """The grid as a Sheet: title rows, group-header rows and merges told apart, as openpyxl's reading told them."""
    width = max((len(r) for r in grid.values()), default=0)
    group_rows: set[int] = set()
    title_rows: set[int] = set()
    merges: list[tuple[int, str]] = []
    for min_row, min_col, max_row, max_col in layout.merges:
        top = grid.get(min_row, [])
        if min_col == 1 and max_col >= width > 1:
            title_rows.add(min_row)
            continue
        merges.append((min_row, _coord(min_row, min_col, max_row, max_col)))
        if max_col > min_col and top and min_col <= len(top):
            group_rows.add(min_row)
            top.extend([""] * (min(max_col, width) - len(top)))
            value = top[min_col - 1]
            for col in range(min_col, min(max_col, len(top)) + 1):
                top[col - 1] = value  # a group header covers each of its columns
        elif max_row > min_row:
            group_rows.add(min_row)
    # "".join(cells).strip(): any cell holding more than whitespace, in C
    rows = tuple(sorted((n, tuple(cells)) for n, cells in grid.items() if "".join(cells).strip()))
    filled = {n for n, _cells in rows}
    last = max(filled, default=0)
    gaps = frozenset(n + 1 for n in filled if n + 1 not in filled and n < last)
    hidden = frozenset(n for n in layout.hidden_rows if n in filled)
    return Sheet(
        name, rows, frozenset(group_rows), frozenset(title_rows), gaps, tuple(merges), names, hidden_rows=hidden
    )


def _coord(min_row: int, min_col: int, max_row: int, max_col: int) -> str:
    """A range as Excel names it: C3:D3, or C3 for one cell."""
    from .sheets import column_letter

    first = f"{column_letter(min_col)}{min_row}"
    return first if (min_row, min_col) == (max_row, max_col) else f"{first}:{column_letter(max_col)}{max_row}"


def _covered(layout: Layout) -> frozenset[tuple[int, int]]:
    """The cells of merged ranges other than each range's first: a spreadsheet shows nothing there, whatever the
    file holds (openpyxl dropped it too)."""
    return frozenset(
        (row, col)
        for r1, c1, r2, c2 in layout.merges
        for row in range(r1, r2 + 1)
        for col in range(c1, c2 + 1)
        if (row, col) != (r1, c1)
    )


def _grid(ws: Any, layout: Layout, title: str, display: str, places: Places = None) -> dict[int, list[str]]:
    """Row number -> its cells' text, up to its last cell holding something; empty rows are skipped whole.

    A row with nothing special (no merged, percentage or damaged cell, no text near Excel's limit) is made in one
    map over its values, with no Python work per cell but _text's, and none at all for a value seen before in a
    row of only numbers and texts (_Texts); any other row cell by cell (_careful_row).
    """
    grid: dict[int, list[str]] = {}
    seen = _Texts()
    covered = _covered(layout)
    marked = {r for r, _c in covered} | {r for r, _c in layout.formats} | {r for r, _c in layout.damaged}
    top, left = ws.start or (0, 0)
    # to_python starts at the sheet's first filled row and column (ws.start), as its documentation says;
    # iter_rows, in python-calamine 0.9, starts at row 1 but at the first filled column, so its rows are not
    # where they seem (tests/test_excel_reader.py reads cells far from A1 both ways)
    for row, values in enumerate(ws.to_python(), start=top + 1):
        if values.count("") == len(values):
            continue
        if places is None and row not in marked:
            try:
                texts = list(map(seen.__getitem__ if _PLAIN_KINDS.issuperset(map(type, values)) else _plain, values))
            except _Long:
                texts = []
            if texts:
                while not texts[-1]:
                    texts.pop()
                grid[row] = [""] * left + texts if left else texts
                continue
        cells = _careful_row(row, values, left, layout, covered, title, display, places)
        if cells:
            grid[places[0][row - 1] if places else row] = cells
    _put_errors(grid, layout, covered)
    return grid


_PLAIN_KINDS = frozenset({float, str})  # a row of these only may share _Texts: no True equal to 1.0 among them
_LONG = MAX_CELL_CHARS // 2 - 1  # a text is at least half its value (see _text): a shorter one is not near the limit


class _Long(Exception):
    """A text near Excel's limit: its row is read cell by cell, where such a cell is refused."""


class _Texts(dict[Any, str]):
    """Each value's _text, made once: a month's figures repeat (0 to 400 orders), so most cells are one lookup in
    C.  Only numbers (floats, where equal values show alike, 0.0 and -0.0 included) and texts are kept."""

    def __missing__(self, value: Any) -> str:
        text = self[value] = _plain(value)
        return text


def _plain(value: Any) -> str:
    """_text of a value in a row with nothing special; _Long for a text near Excel's limit."""
    text = _text(value)
    if len(text) >= _LONG:
        raise _Long
    return text


def _careful_row(
    row: int,
    values: list[Any],
    left: int,
    layout: Layout,
    covered: frozenset[tuple[int, int]],
    title: str,
    display: str,
    places: Places,
) -> list[str]:
    """One row's texts, cell by cell: merged cells left empty, a percentage's format applied, a damaged style or a
    text of Excel's maximum length refused.  calamine gives every row the sheet's full width, so the cells holding
    something are picked out in C (compress over a comparison with ""): a stray cell in column XFD costs no Python
    loop over 16,384 blanks."""
    cells: list[str] = []
    rows_of, cols_of = places or (None, None)
    row = rows_of[row - 1] if rows_of else row  # the file's own row number, once compacted
    for index in compress(range(len(values)), map(ne, values, repeat(""))):
        col = cols_of[left + index] if cols_of else left + index + 1
        if (row, col) in covered:
            continue
        value = values[index]
        if (row, col) in layout.damaged:
            raise _unreadable(IndexError(), display)  # the cell's number format is not in the workbook
        if isinstance(value, str) and len(value) >= MAX_CELL_CHARS:
            raise _too_long(title, row, col, display)
        text = _text(value, layout.formats.get((row, col), "General"))
        if text:
            cells.extend([""] * (col - 1 - len(cells)))
            cells.append(text)
    return cells


def _put_errors(grid: dict[int, list[str]], layout: Layout, covered: frozenset[tuple[int, int]]) -> None:
    """Error values (#DIV/0!, #N/A) into their cells, as a spreadsheet shows them: calamine reads them as empty,
    and an error where a count should be must be told, never taken for a blank."""
    for (row, col), error in sorted(layout.errors.items()):
        text = _text(error)
        if not text or (row, col) in covered:
            continue
        cells = grid.setdefault(row, [])
        cells.extend([""] * (col - len(cells)))
        cells[col - 1] = text


def _too_long(title: str, row: int, col: int, display: str) -> KaopingError:
    from .sheets import column_letter

    return fail(
        display,
        _(
            "this cell holds {most:,} characters or more, Excel's most, so its text may have been cut off",
            most=MAX_CELL_CHARS,
        ),
        _("no name or figure is this long: check the cell"),
        cell=f"{title}!{column_letter(col)}{row}",
        code="xlsx.cell-too-long",
    )


def _text(value: Any, number_format: str = "General") -> str:
    """A cell as a spreadsheet shows it: 35.0 as 35, 2.675 as 2.675 (15 significant digits), dates as YYYY-MM-DD,
    and a percentage cell (stored 0.9806, shown 98.06%) as 98.06%.  Called once for every cell of a sheet, so a
    float and a text (nearly every cell) are told first, each as the general rule below would tell it."""
    kind = type(value)
    if kind is float and "%" not in number_format:
        if value.is_integer() and -_EXACT < value < _EXACT:
            return str(int(value))
        return seen_text(value)
    if kind is str and value.isprintable():  # no line break (each is unprintable): the text as it is
        as_is: str = value
        return as_is
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in number_format:
        return f"{seen_text(value * 100 + 0.0)}%"  # + 0.0: a stored -0 shows as 0%, as Excel shows it
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return plain_number(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()  # a date typed in a cell is stored as midnight
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return " ".join(str(value).splitlines())  # a line break typed in a cell (Alt+Enter) is a space
