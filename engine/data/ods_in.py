"""Reading an OpenDocument spreadsheet (.ods, what LibreOffice and many platforms export) as an .xlsx is read.

The package is checked as a workbook's is (the parts' sizes, no DOCTYPE) and
content.xml, which holds every sheet, is walked once (`_walk`) before calamine
reads it: the cells are counted against the same cap, repeats included (one
cell repeated 16,384 times is 16,384 cells, and calamine would build them
all), and the chosen sheet's layout is noted, which calamine does not give
for .ods: its merged cells (table:number-columns-spanned), its hidden rows
(table:visibility), its percentage cells (office:value-type="percentage",
stored 0.9806, shown 98.06%), and its box.  Sheets hidden in LibreOffice
(table:display="false") are skipped by default as hidden .xlsx sheets are.
The cells' values are calamine's, turned into text by xlsx_in, so the rows
read as an .xlsx of the same table does.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ..errors import fail
from ..i18n import _
from .xlsx_in import (
    _BROKEN,
    MAX_CELLS,
    Layout,
    Sheet,
    _check_sizes,
    _default_sheet,
    _refuse_entities,
    _unreadable,
    no_such_sheet,
    open_book,
    read_sheet,
    too_many_cells,
)

MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_T = f"{{{_TABLE}}}"
_CELLS = (f"{_T}table-cell", f"{_T}covered-table-cell")


def ods_sheet(path: Path, display: str, sheet: str | None) -> Sheet:
    """The first visible sheet of the .ods, or the one named `sheet`, as text."""
    try:
        with zipfile.ZipFile(path) as zf:
            _check_package(zf, display)
            tables = _walk(zf, display, sheet)
    except _BROKEN as e:
        raise _unreadable(e, display) from None
    names = tuple(t.name for t in tables)
    if sheet is not None and sheet not in names:
        raise no_such_sheet(display, sheet, names)
    name, why = (
        (sheet, "")
        if sheet is not None
        else _default_sheet([(t.name, "content.xml", t.hidden) for t in tables], display)
    )
    chosen = next(t for t in tables if t.name == name)
    if chosen.layout is None:  # the walk noted only the sheet it knew it would read: walk again for this one
        with zipfile.ZipFile(path) as zf:
            chosen = next(t for t in _walk(zf, display, name) if t.name == name)
    assert chosen.layout is not None
    return replace(
        read_sheet(open_book(path, display), name, chosen.layout, display, names, kind="ods"), chosen_why=why
    )


def _check_package(zf: zipfile.ZipFile, display: str) -> None:
    """Sizes, no DOCTYPE, and an OpenDocument spreadsheet indeed (an .xlsx renamed .ods is told so)."""
    _check_sizes(zf.infolist(), display)
    _refuse_entities(zf, display)
    if "xl/workbook.xml" in zf.NameToInfo:
        raise fail(
            display,
            _("this is an Excel workbook (.xlsx), though its name ends in '.ods'"),
            _("rename it to {suffix}", suffix=".xlsx"),
            code="file.workbook-misnamed",
        )
    if "content.xml" not in zf.NameToInfo:
        raise KeyError("content.xml")  # told as a missing part


@dataclass
class _Table:
    """One sheet as the walk saw it; `layout` only for the sheet to be read."""

    name: str
    hidden: bool
    layout: Layout | None = None


def _count_elements(zf: zipfile.ZipFile, budget: int) -> int:
    """How many cell elements content.xml holds (filled or not, each repeat counted once), by byte counts that
    stop once more than `budget` are seen: the walk below spends microseconds an element in Python, so a file of
    millions of them is refused in a fraction of a second, before it.  The tags are counted with the prefix
    content.xml binds to the table namespace (table:, in every file LibreOffice or Excel writes); a file that
    binds it again deeper down is still held to the cap by the walk's own count (_walk)."""
    count, carry = 0, b""
    tags: tuple[bytes, ...] = ()
    with zf.open("content.xml") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            piece = carry + chunk
            cut = piece.rfind(b"<")  # no tag is split between two pieces
            piece, carry = (piece[:cut], piece[cut:]) if cut > 0 else (piece, b"")
            tags = tags or _cell_tags(piece)  # the root element, with its namespaces, is in the first piece
            count += sum(map(piece.count, tags))
            if count > budget:
                return count
    return count + sum(map(carry.count, tags))


_TABLE_PREFIX = re.compile(rb'xmlns:([\w.-]+)="' + re.escape(_TABLE.encode()) + b'"')


def _cell_tags(piece: bytes) -> tuple[bytes, ...]:
    """How a cell's and a covered cell's tags start, with the prefix `piece` binds to the table namespace (each
    followed by a space, / or >: <table:table-cell-x would be another element)."""
    found = _TABLE_PREFIX.search(piece)
    prefix = found.group(1) if found else b"table"
    return tuple(
        b"<" + prefix + b":" + name + end
        for name in (b"table-cell", b"covered-table-cell")
        for end in (b" ", b"/", b">")
    )


def _walk(zf: zipfile.ZipFile, display: str, wanted: str | None) -> list[_Table]:
    """Every sheet of content.xml with its visibility, every sheet's cells counted (refused past the cap), and
    the layout of the sheet `wanted` (or, with None, of the first visible one, the default)."""
    if _count_elements(zf, MAX_CELLS) > MAX_CELLS:
        raise too_many_cells(display)
    hidden_styles: set[str] = set()
    style = ""
    tables: list[_Table] = []
    count = elements = 0  # cells holding something (repeats included), and cell elements of any kind
    walker = _Walker()
    with zf.open("content.xml") as f:
        for event, element in ElementTree.iterparse(f, events=("start", "end")):
            tag = element.tag
            if tag in _CELLS:
                if event == "end":
                    count += walker.cell(element)
                    elements += 1
                    if count > MAX_CELLS or elements > MAX_CELLS:
                        raise too_many_cells(display)
            elif tag == f"{_T}table-row":
                walker.row(element, event)
            elif event == "start" and tag == f"{{{_STYLE}}}style":
                style = element.get(f"{{{_STYLE}}}name", "")
            elif event == "start" and tag == f"{{{_STYLE}}}table-properties":
                if element.get(f"{_T}display") == "false":
                    hidden_styles.add(style)
            elif tag == f"{_T}table":
                if event == "start":
                    tables.append(
                        _Table(element.get(f"{_T}name", ""), element.get(f"{_T}style-name", "") in hidden_styles)
                    )
                    walker = _Walker()
                else:
                    table = tables[-1]
                    if (
                        table.name == wanted
                        if wanted is not None
                        else not table.hidden and not any(t.layout for t in tables)
                    ):
                        table.layout = walker.layout()
                    element.clear()
    return tables


class _Walker:
    """The chosen sheet's layout, noted cell by cell: positions with their repeats, merges, hidden rows,
    percentage cells, and the box of the cells that hold something."""

    def __init__(self) -> None:
        self.last_row = 0  # the last row seen (1-based)
        self.repeat = 1  # how many times the current row repeats
        self.col = 0
        self.rows = self.cols = 0
        self.merges: list[tuple[int, int, int, int]] = []
        self.hidden: set[int] = set()
        self.formats: dict[tuple[int, int], str] = {}

    def row(self, element: Any, event: str) -> None:
        repeat = int(element.get(f"{_T}number-rows-repeated", "1"))
        if event == "start":
            self.repeat, self.col = repeat, 0
            if element.get(f"{_T}visibility", "visible") != "visible":
                self.hidden.update(range(self.last_row + 1, self.last_row + 1 + min(repeat, MAX_CELLS)))
        else:
            self.last_row += repeat
            element.clear()

    def cell(self, element: Any) -> int:
        """Note one cell element; how many cells it is, when it holds something (repeats counted)."""
        repeat = int(element.get(f"{_T}number-columns-repeated", "1"))
        filled = element.get(f"{{{_OFFICE}}}value-type") is not None or len(element) > 0
        self.note(element, repeat, filled)
        return repeat * self.repeat if filled else 0

    def note(self, element: Any, repeat: int, filled: bool) -> None:
        row, first = self.last_row + 1, self.col + 1
        self.col += repeat
        span_cols = int(element.get(f"{_T}number-columns-spanned", "1"))
        span_rows = int(element.get(f"{_T}number-rows-spanned", "1"))
        if span_cols > 1 or span_rows > 1:
            self.merges.append((row, first, row + span_rows - 1, first + span_cols - 1))
            self.rows, self.cols = max(self.rows, row + span_rows - 1), max(self.cols, first + span_cols - 1)
        if not filled:
            return
        self.rows, self.cols = max(self.rows, row + self.repeat - 1), max(self.cols, self.col)
        if element.get(f"{{{_OFFICE}}}value-type") == "percentage":
            for r in range(row, row + min(self.repeat, MAX_CELLS)):
                for c in range(first, first + min(repeat, MAX_CELLS)):
                    self.formats[(r, c)] = "0%"

    def layout(self) -> Layout:
        return Layout(
            max(self.rows, 1),
            max(self.cols, 1),
            0,
            tuple(sorted(set(self.merges))),
            frozenset(self.hidden),
            dict(self.formats),
        )
