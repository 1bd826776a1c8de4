"""Reading an old Excel workbook (.xls, Excel 97-2003, what many platforms still export) as an .xlsx is read.

calamine reads the cells' values; what it does not say is read here from the
file's records (BIFF8 inside an OLE compound file), in one pass over the
workbook stream before calamine builds a sheet: every sheet's cells counted
against the workbook cap, and the chosen sheet's box, merged ranges, hidden
rows, percentage cells (a cell whose format shows '%': stored 0.9806, shown
98.06%) and error values (#DIV/0!).  Only the records that say these are
read; the rest are skipped by their length.  A workbook protected by a
password (a FILEPASS record), or one whose container does not hold together,
is refused as the old-Excel refusal always was: save it as .xlsx.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import KaopingError, fail
from ..i18n import _
from .files import MAX_INPUT_BYTES
from .xlsx_in import MAX_CELLS, Layout, Sheet, _default_sheet, no_such_sheet, open_book, read_sheet, too_many_cells

_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE  # a compound file's free sector, and the end of a chain
_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A"}
_BUILTIN_PERCENT = {9, 10}  # Excel's own formats 0% and 0.00%
# BIFF8 record types read here
_BOF, _EOF, _FILEPASS, _BOUNDSHEET, _FORMAT, _XF = 0x0809, 0x000A, 0x002F, 0x0085, 0x041E, 0x00E0
_ROW, _MERGED = 0x0208, 0x00E5
_NUMBER, _RK, _LABELSST, _LABEL, _BOOLERR, _FORMULA, _BLANK, _MULRK, _MULBLANK = (
    0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x0201, 0x00BD, 0x00BE,
)  # fmt: skip
_NUMERIC = {_NUMBER, _RK, _MULRK, _FORMULA}


def xls_sheet(path: Path, display: str, sheet: str | None) -> Sheet:
    """The first visible sheet of the .xls, or the one named `sheet`, as text."""
    try:
        stream = workbook_stream(path.read_bytes())
        sheets, percent = _globals(stream)
    except (ValueError, IndexError, struct.error) as e:
        raise _refused(display) from e
    names = tuple(s.name for s in sheets)
    if sheet is not None and sheet not in names:
        raise no_such_sheet(display, sheet, names)
    name, why = (
        (sheet, "") if sheet is not None else _default_sheet([(s.name, s.part, s.hidden) for s in sheets], display)
    )
    chosen = next(s for s in sheets if s.name == name)
    if chosen.part.startswith("chart:"):
        raise fail(
            display,
            _("the sheet '{name}' is a chart, not a table", name=name),
            _("give --sheet the sheet that holds the figures"),
            code="xlsx.chart-sheet",
        )
    try:
        total = 0
        for entry in sheets:
            total += count_cells(stream, entry.offset, MAX_CELLS - total)
            if total > MAX_CELLS:
                raise too_many_cells(display)
        scan = _Scan(percent)
        scan.read(stream, chosen.offset)
        layout = scan.layout()
    except (ValueError, IndexError, struct.error) as e:
        raise _refused(display) from e
    return replace(read_sheet(open_book(path, display), name, layout, display, names, kind="xls"), chosen_why=why)


def _refused(display: str) -> KaopingError:
    return fail(
        display,
        _("this old Excel workbook (.xls) cannot be read: it is damaged, or protected by a password"),
        _("in Excel or WPS, remove any password and save it as .xlsx (or as CSV UTF-8)"),
        code="file.old-excel",
    )


# --- the compound file -------------------------------------------------------------------------


def workbook_stream(data: bytes) -> bytes:
    """The Workbook (or, in Excel 5 files, Book) stream of an OLE compound file.  Every chain is followed at most
    as many steps as the file has sectors, so a loop in a damaged file ends; ValueError when it does not hold."""
    if data[:8] != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or len(data) < 512:
        raise ValueError("not a compound file")
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    size, mini = 1 << shift, 1 << mini_shift
    if size not in (512, 4096) or mini != 64:
        raise ValueError("sector size")
    fat_count, directory, _unused, cutoff, mini_fat, mini_count, difat, difat_count = struct.unpack_from(
        "<8I", data, 44
    )
    sectors = (len(data) - size) // size + 1

    def sector(n: int) -> bytes:
        if n >= sectors:
            raise ValueError("sector beyond the file")
        return data[(n + 1) * size : (n + 2) * size]

    fat_sectors = [n for n in struct.unpack_from("<109I", data, 76) if n != _FREE]
    for _step in range(min(difat_count, sectors)):  # the DIFAT's own chain, for files over ~7 MB
        if difat in (_FREE, _END):
            break
        block = struct.unpack(f"<{size // 4}I", sector(difat))
        fat_sectors += [n for n in block[:-1] if n != _FREE]
        difat = block[-1]
    fat = [n for s in fat_sectors[:fat_count] for n in struct.unpack(f"<{size // 4}I", sector(s))]

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        out: list[int] = []
        while start not in (_END, _FREE) and len(out) <= limit:
            out.append(start)
            start = table[start]
        if len(out) > limit:
            raise ValueError("a chain loops")
        return out

    entries = b"".join(sector(n) for n in chain(directory, fat, sectors))
    found = {}
    for at in range(0, len(entries) - 127, 128):
        length, kind = struct.unpack_from("<HB", entries, at + 64)
        name = entries[at : at + max(length - 2, 0)].decode("utf-16-le", "replace")
        start, stream_size = struct.unpack_from("<II", entries, at + 116)
        found[name] = (kind, start, stream_size)
    root = found.get("Root Entry")
    book = found.get("Workbook") or found.get("Book")
    if book is None or root is None or book[2] > MAX_INPUT_BYTES:
        raise ValueError("no workbook stream")
    if book[2] >= cutoff:
        stream = b"".join(sector(n) for n in chain(book[1], fat, sectors))
    else:  # a small stream lives in the mini stream, in 64-byte pieces
        mini_table = [
            n for s in chain(mini_fat, fat, sectors)[:mini_count] for n in struct.unpack(f"<{size // 4}I", sector(s))
        ]
        mini_stream = b"".join(sector(n) for n in chain(root[1], fat, sectors))
        pieces = chain(book[1], mini_table, len(mini_stream) // mini)
        stream = b"".join(mini_stream[n * mini : (n + 1) * mini] for n in pieces)
    return stream[: book[2]]


# --- the records -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    name: str
    offset: int  # where the sheet's records begin in the stream (its BOF)
    hidden: bool
    part: str  # "chart:" for a sheet that is not a worksheet, as xlsx_in marks them


_HEAD = struct.Struct("<HH")  # a record's type and length
_CELL_RECORDS = frozenset({_NUMBER, _RK, _LABELSST, _LABEL, _BOOLERR, _FORMULA})


def records(stream: bytes, at: int) -> Iterator[tuple[int, int, int]]:
    """(type, start of data, length) of each record from `at` to the substream's EOF, one at a time (a 200 MB
    stream holds tens of millions of records: never all of them in a list)."""
    while at + 4 <= len(stream):
        kind, length = _HEAD.unpack_from(stream, at)
        yield kind, at + 4, length
        at += 4 + length
        if kind == _EOF:
            break


def count_cells(stream: bytes, at: int, budget: int) -> int:
    """The cells of the sheet whose records begin at `at`, as _Scan counts them (cells holding something, and every
    cell of a merged range), counted in one tight loop that stops once more than `budget` are seen: a workbook of
    millions of cells is refused after reading only the cap's worth of its records."""
    unpack, end, cells = _HEAD.unpack_from, len(stream), 0
    while at + 4 <= end and cells <= budget:
        kind, length = unpack(stream, at)
        if kind in _CELL_RECORDS:
            cells += 1
        elif kind == _MULRK:
            cells += max(length - 6, 0) // 6
        elif kind == _MERGED:
            (count,) = struct.unpack_from("<H", stream, at + 4)
            for i in range(min(count, (length - 2) // 8)):
                r1, r2, c1, c2 = struct.unpack_from("<4H", stream, at + 6 + i * 8)
                cells += (r2 - r1 + 1) * (c2 - c1 + 1)
        elif kind == _EOF:
            break
        at += 4 + length
    return cells


def _globals(stream: bytes) -> tuple[list[_Entry], set[int]]:
    """The sheets (name, where their records are, hidden, kind) and the cell formats (XF indexes) that show a
    percentage; ValueError for a workbook protected by a password (its records are encrypted)."""
    formats: dict[int, str] = {}
    xfs: list[int] = []
    sheets: list[_Entry] = []
    for kind, at, length in records(stream, 0):
        if kind == _FILEPASS:
            raise ValueError("a password")
        if kind == _FORMAT:
            index, count, flags = struct.unpack_from("<HHB", stream, at)
            raw = stream[at + 5 : at + length]
            formats[index] = (
                raw[: count * 2].decode("utf-16-le", "replace") if flags & 1 else raw[:count].decode("latin-1")
            )
        elif kind == _XF:
            xfs.append(struct.unpack_from("<H", stream, at + 2)[0])
        elif kind == _BOUNDSHEET:
            offset, state, sheet_kind, count, flags = struct.unpack_from("<IBBBB", stream, at)
            raw = stream[at + 8 : at + length]
            name = raw[: count * 2].decode("utf-16-le", "replace") if flags & 1 else raw[:count].decode("latin-1")
            sheets.append(_Entry(name, offset, state & 3 != 0, "" if sheet_kind == 0 else f"chart:{name}"))
    percent = {i for i, f in enumerate(xfs) if f in _BUILTIN_PERCENT or "%" in formats.get(f, "")}
    return sheets, percent


@dataclass
class _Scan:
    """One sheet's records read: cells counted, and for the sheet to be read its layout (mutable while read)."""

    percent: set[int]
    cells: int = 0
    rows: int = 0
    cols: int = 0
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden: set[int] = field(default_factory=set)
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)

    def read(self, stream: bytes, at: int) -> None:
        """Note the sheet's layout from its records (its cells are within the cap: count_cells said so)."""
        for kind, start, length in records(stream, at):
            if kind in (_NUMBER, _RK, _LABELSST, _LABEL, _BOOLERR, _FORMULA, _BLANK):
                row, col, xf = struct.unpack_from("<HHH", stream, start)
                self._cell(kind, row + 1, col + 1, xf, stream, start)
            elif kind in (_MULRK, _MULBLANK):
                row, first = struct.unpack_from("<HH", stream, start)
                step = 6 if kind == _MULRK else 2
                for i in range((length - 6) // step):
                    xf = struct.unpack_from("<H", stream, start + 4 + i * step)[0]
                    self._cell(kind, row + 1, first + i + 1, xf, stream, start)
            elif kind == _ROW:
                row, flags = struct.unpack_from("<H10xH", stream, start)
                if flags & 0x20:  # fDyZero: the row is hidden (by hand or by a filter)
                    self.hidden.add(row + 1)
            elif kind == _MERGED:
                (count,) = struct.unpack_from("<H", stream, start)
                for i in range(min(count, (length - 2) // 8)):
                    r1, r2, c1, c2 = struct.unpack_from("<4H", stream, start + 2 + i * 8)
                    self.merges.append((r1 + 1, c1 + 1, r2 + 1, c2 + 1))
                    self.rows, self.cols = max(self.rows, r2 + 1), max(self.cols, c2 + 1)

    def _cell(self, kind: int, row: int, col: int, xf: int, stream: bytes, start: int) -> None:
        self.rows, self.cols = max(self.rows, row), max(self.cols, col)
        if kind in (_BLANK, _MULBLANK):
            return
        self.cells += 1
        if kind in _NUMERIC and xf in self.percent and not _formula_text(kind, stream, start):
            self.formats[(row, col)] = "0%"
        error = _error(kind, stream, start)
        if error:
            self.errors[(row, col)] = error

    def layout(self) -> Layout:
        return Layout(
            max(self.rows, 1),
            max(self.cols, 1),
            self.cells,
            tuple(sorted(set(self.merges))),
            frozenset(self.hidden),
            dict(self.formats),
            dict(self.errors),
        )


def _formula_text(kind: int, stream: bytes, start: int) -> bool:
    """Whether a FORMULA record's saved result is not a number (a text, a boolean, an error, nothing)."""
    return kind == _FORMULA and stream[start + 12 : start + 14] == b"\xff\xff"


def _error(kind: int, stream: bytes, start: int) -> str:
    """The error value (#DIV/0!) a BOOLERR or FORMULA record holds, or ""."""
    if kind == _BOOLERR and stream[start + 7] == 1:
        return _ERRORS.get(stream[start + 6], "#N/A")
    if kind == _FORMULA and _formula_text(kind, stream, start) and stream[start + 6] == 2:
        return _ERRORS.get(stream[start + 8], "#N/A")
    return ""
