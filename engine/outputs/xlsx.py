"""The published table as an Excel workbook (opens in Excel and WPS).

Sheet 1 is the table as the office publishes it: the title merged across the
table, the two-level header (a group header such as 办结得分（35分） over its
工单数 and 得分, every other header merged down over both header rows), one
row per unit in the table's order with each titled section (a group ranked
apart, the units not ranked) under a title row, then the lists and flags.
Numbers are real numbers, so the sheet can be summed and sorted: scores and
totals hold the value the table prints (rounded by the ruleset) with a number
format that shows its decimals, counts and ranks are integers.  Text is
always written as text, never as a formula, whatever it starts with.

Sheet 2, 来源, says what the table was derived from (output.provenance).

Written by XlsxWriter in constant_memory mode: each row goes to a temporary
file as soon as the next one starts, so 100,000 units write in seconds and in
little memory (openpyxl kept every cell as an object: a minute and a
gigabyte).  Rows are therefore written strictly top to bottom, each whole
before the next, and a header merged down over two rows is declared without
writing into a row already written (_merge_down).  The cells, merges, number
formats, widths, frozen header and print setup are those the openpyxl writer
made (tests/test_excel_writer.py reads both back cell by cell).  XlsxWriter is
imported here only; the CLI imports this module when it writes an xlsx.

The units' rows, nearly every cell, skip XlsxWriter's per-cell work: their
XML text, XlsxWriter's own, goes straight to its row file (_RowText, checked
against XlsxWriter's cell-by-cell writing at first use), and for a table the
columnar core scored their values are read from its arrays (xlsx_columns.py)
rather than from a UnitResult a unit: 100,000 units write in about 1.5 s,
where XlsxWriter's own write_number took 8.  tests/test_excel_writer_fast.py
compares both with the cell-by-cell workbook byte for byte.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
import struct
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len

from .. import __version__
from ..evaluate.ranking import Evaluation, UnitResult
from ..i18n import _
from ..numbers import SIGNIFICANT
from ..ruleset.model import PROVENANCE_SHEET
from .layout import Leaf, blocks, cell, group_spans, markers, notes, sections_of, table_leaves, table_notes, title
from .machine import provenance

DEFAULT_SHEET = "考评表"
# every cell's font (the workbook's default format): 宋体 11 pt, the body font of Chinese Excel and WPS sheets
# printed by offices; its digits are 7 pixels wide, as Calibri 11's, so the columns' widths below hold
BODY_FONT = {"font_name": "宋体", "font_size": 11}
A4 = 9  # Excel's paper size code for A4 (its default is the printer's, often Letter)
# which look a unit's cell takes (Cells.score): a plain cell, a score's decimals, a percent input's percentage
BODY, SCORE, PERCENT = 0, 1, 2

# Excel refuses these in a sheet's name, and names longer than 31 characters
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31
# XML 1.0 cannot hold these (XlsxWriter would write them, and Excel refuse the file): shown as U+FFFD
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# beyond 15 significant digits Excel silently changes an integer: such a value is written as text
_EXACT_INTEGER = 10**SIGNIFICANT

# (key, 说明) of every row of the provenance sheet, and where its value is in output.provenance()
_PROVENANCE_ROWS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("kaoping", "kaoping 版本", ("kaoping",)),
    ("ruleset.name", "规则名称", ("ruleset", "name")),
    ("ruleset.version", "规则版本", ("ruleset", "version")),
    ("ruleset.sha256", "规则文件 SHA-256", ("ruleset", "sha256")),
    ("ruleset.path", "规则文件", ("ruleset", "path")),
    ("ruleset.what_if", "试算修改（--set，非正式规则）", ("ruleset", "what_if")),
    ("ruleset.chosen", "版本如何选定", ("ruleset", "chosen")),
    ("ruleset.chosen_why", "选定版本的原因", ("ruleset", "chosen_why")),
    ("ruleset.not_in_effect", "该月未生效（规则版本不适用于考评月份）", ("ruleset", "not_in_effect")),
    ("input.path", "数据文件", ("input", "path")),
    ("input.sha256", "数据文件 SHA-256", ("input", "sha256")),
    ("input.records", "记录数", ("input", "records")),
    ("input.encoding", "数据文件编码", ("input", "encoding")),
    ("input.notes", "读取数据时的说明", ("input", "notes")),
    ("period", "考评月份", ("period",)),
    ("warnings", "计算警告（得分超出分值等）", ("warnings",)),
)
# a zip entry cannot be dated before 1980; a ruleset without a usable effective date is dated here
_EARLIEST = dt.datetime(1980, 1, 1)
_LATEST = dt.datetime(2107, 12, 31)  # a zip entry's date holds the years 1980 to 2107


def to_xlsx(evaluation: Evaluation, period: str | None = None) -> bytes:
    """The workbook's bytes: the table (sheet 1) and what it was derived from (sheet 2, 来源)."""
    import xlsxwriter  # type: ignore[import-untyped]  # XlsxWriter ships no type hints

    heading = title(evaluation.ruleset, period)
    when = stamp(evaluation)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "default_format_properties": BODY_FONT,
        },
    )
    workbook.set_properties({"title": _text(heading), "author": f"kaoping {__version__}", "created": when})
    looks = _looks(workbook, evaluation, heading)
    _write_table(workbook.add_worksheet(sheet_name(heading)), looks, evaluation, heading, period)
    _write_provenance(workbook.add_worksheet(PROVENANCE_SHEET), looks, evaluation, period)
    workbook.close()
    return redated(buffer.getvalue(), when)


def stamp(evaluation: Evaluation) -> dt.datetime:
    """The time the workbook says it was made: the ruleset's effective date, not the clock, so that
    rerunning a month gives the same bytes (as JSON and CSV do) and a digest of the file can be checked."""
    try:
        day = dt.datetime.strptime(evaluation.ruleset.effective, "%Y-%m-%d")
    except (TypeError, ValueError):
        return _EARLIEST
    return min(max(day, _EARLIEST), _LATEST)


def redated(data: bytes, when: dt.datetime) -> bytes:
    """The zip `data` with every entry dated `when` (XlsxWriter dates each 1980-01-31), patched in place in each
    entry's local header and central-directory record: no part is unpacked or packed again."""
    stamp_bytes = struct.pack(
        "<HH",
        when.hour << 11 | when.minute << 5 | when.second // 2,
        (when.year - 1980) << 9 | when.month << 5 | when.day,
    )
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
        directory = archive.start_dir  # where the central directory begins
    for info in entries:
        out[info.header_offset + 10 : info.header_offset + 14] = stamp_bytes
    at = directory
    for _entry in entries:
        assert out[at : at + 4] == b"PK\x01\x02"
        out[at + 12 : at + 16] = stamp_bytes
        name, extra, comment = struct.unpack("<HHH", out[at + 28 : at + 34])
        at += 46 + name + extra + comment
    return bytes(out)


def sheet_name(heading: str) -> str:
    """The title as a sheet's name: Excel's forbidden characters replaced, at most 31 characters; else 考评表."""
    name = _SHEET_FORBIDDEN.sub("_", _ILLEGAL.sub("", heading)).strip().strip("'")[:_SHEET_MAX].strip().strip("'")
    if not name or name == PROVENANCE_SHEET or name.lower() == "history":  # History is reserved by Excel
        return DEFAULT_SHEET
    return name


@dataclass(frozen=True)
class _Looks:
    """The workbook's cell formats, made once (XlsxWriter keeps one object per distinct format)."""

    title: Any  # row 1: bold 14 pt, red when marked, centred
    header: Any  # the header rows: bold, centred and wrapped, a thin border
    body: Any  # a unit's cell: a thin border
    score: Any  # a score or a rate: a thin border and the ruleset's decimals
    percent: Any  # a percent input (98.06 held as 0.9806): a thin border and the ruleset's decimals, then %
    section: Any  # a section's title row: bold, a thin border
    bold: Any  # the provenance sheet's header


def _looks(workbook: Any, evaluation: Evaluation, heading: str) -> _Looks:
    marked = bool(markers(evaluation.ruleset))
    thin = {"border": 1}
    title = {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter", "text_wrap": marked}
    if marked:
        title["font_color"] = "#9C0006"
    return _Looks(
        workbook.add_format(title),
        workbook.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True, **thin}),
        workbook.add_format(thin),
        workbook.add_format({**thin, "num_format": _number_format(evaluation.ruleset.rounding.places)}),
        workbook.add_format({**thin, "num_format": _number_format(evaluation.ruleset.rounding.places) + "%"}),
        workbook.add_format({"bold": True, **thin}),
        workbook.add_format({"bold": True}),
    )


# --- sheet 1: the table ------------------------------------------------------------------------


def _write_table(sheet: Any, looks: _Looks, evaluation: Evaluation, heading: str, period: str | None) -> None:
    """Title, two-level header, sections of units, notes, column widths, print setup (the widths and the frozen
    header are declared first: in constant_memory mode a row is final once the next is begun)."""
    cols = table_leaves(evaluation)
    spans = group_spans(cols)
    header_rows = 2 if spans else 1
    sections = _sections(evaluation, cols)
    widths, titles = _widths(evaluation, cols, sections), [label for label, _ in sections if label]
    for i, width in enumerate(_fit(widths, spans, [heading, *titles])):
        sheet.set_column_pixels(i, i, width * _PIXELS_PER_CHARACTER)  # exactly `width` characters (see below)
    sheet.freeze_panes(1 + header_rows, 0)
    _print_setup(sheet, header_rows)
    around = blocks(evaluation, period)
    marks = [*markers(evaluation.ruleset), *([around.attachment] if around.attachment else [])]
    _write_title(sheet, looks, heading, len(cols), marks)
    _write_header(sheet, looks, cols, spans, header_rows)
    row = _write_body(sheet, looks, sections, len(cols), 1 + header_rows)
    _write_notes(sheet, evaluation, row + 1, period)


# XlsxWriter stores a width in pixels, 7 a character of Calibri 11, and writes pixels × 256 // 7 / 256: a whole
# number of characters, given as 7 pixels each, is written exactly (set_column would add 5 pixels of padding)
_PIXELS_PER_CHARACTER = 7


def _widths(evaluation: Evaluation, cols: Sequence[Leaf], sections: Sequence[Section]) -> list[int]:
    """Each column's widest text (header or cell, a Chinese character counting two).  A column of plain ASCII
    (numbers, ranks) is measured by len, in C; any other text by its terminal width."""
    widths = []
    for leaf, texts in zip(cols, _texts(evaluation, cols, sections), strict=True):
        joined = "".join(texts)
        measure = len if joined.isascii() and joined.isprintable() else cell_len
        widths.append(max(max(map(measure, texts), default=0), cell_len(leaf.label), 1))
    return widths


def _texts(evaluation: Evaluation, cols: Sequence[Leaf], sections: Sequence[Section]) -> list[list[str]]:
    """Each column's printed text (layout.cell) for every unit: from the columns when the core scored them (in
    unit order: a width does not depend on the order), else from the results."""
    if evaluation.columns is not None:
        from ..columns.stream import csv_cells

        ranking = evaluation.columns
        return [make(ranking.order) for make in csv_cells(evaluation, ranking, [(c.field, True) for c in cols])]
    results = [result for _, section in sections_of(evaluation) for result in section]
    return [[cell(evaluation, result, leaf.field) for result in results] for leaf in cols]


def _write_title(sheet: Any, looks: _Looks, heading: str, width: int, marks: Sequence[str] = ()) -> None:
    """Row 1: the title over the whole table; a what-if or a version not in effect says so above the title,
    in the same cell, so whoever sees the table sees it (and the rows below stay where a reader expects them)."""
    _height(sheet, 0, 28 + 20 * len(marks))
    text = _text("\n".join([*marks, heading]))
    if width > 1:
        sheet.merge_range(0, 0, 0, width - 1, text, looks.title)
    else:
        sheet.write_string(0, 0, text, looks.title)


def _height(sheet: Any, row: int, points: float) -> None:
    """A row's height in points, exactly: set_row rounds to whole pixels (28 points would be 27.75); XlsxWriter
    writes a height given in pixels as pixels × 0.75 points."""
    sheet.set_row_pixels(row, points / 0.75)


def _write_header(
    sheet: Any, looks: _Looks, cols: Sequence[Leaf], spans: Sequence[tuple[int, int, str]], header_rows: int
) -> None:
    """Rows 2-3: group headers over their columns, every other header down over both rows; every cell of both
    rows bold, centred and bordered.  Row 2 is written whole before row 3."""
    grouped = {i for start, end, _ in spans for i in range(start, end)}
    starts = {start: (end, header) for start, end, header in spans}
    _height(sheet, 1, 20)
    for i, leaf in enumerate(cols):
        if i in starts:
            end, header = starts[i]
            if end - i > 1:
                sheet.merge_range(1, i, 1, end - 1, _text(header), looks.header)
            else:
                sheet.write_string(1, i, _text(header), looks.header)
        elif i not in grouped:
            sheet.write_string(1, i, _text(leaf.label), looks.header)
    if header_rows == 1:
        return
    _height(sheet, 2, 20)
    for i, leaf in enumerate(cols):
        if i in grouped:
            sheet.write_string(2, i, _text(leaf.label), looks.header)
        else:
            _merge_down(sheet, i, looks.header)


def _merge_down(sheet: Any, col: int, look: Any) -> None:
    """Merge column `col` of rows 2 and 3, from row 3: XlsxWriter's merge_range would write into row 2, already
    written in constant_memory mode, and refuse.  Row 2 holds the value; here row 3 gets its formatted blank and
    the range is recorded in the sheet's merge list, which XlsxWriter writes as <mergeCells> at the end."""
    sheet.write_blank(2, col, None, look)
    sheet.merge.append([1, col, 2, col])


def _write_body(sheet: Any, looks: _Looks, sections: Sequence[Section], width: int, row: int) -> int:
    """Each section's title row (when it has a title), then its units; the next free row (0-based).  The units'
    rows go to the sheet as XML text (_RowText) when this XlsxWriter writes the same text, else cell by cell."""
    rows = _RowText.of(sheet, looks) if _rows_as_text() else None
    for label, columns in sections:
        if label:
            if width > 1:
                sheet.merge_range(row, 0, row, width - 1, _text(label), looks.section)
            else:
                sheet.write_string(row, 0, _text(label), looks.section)
            row += 1
        row = rows.write(columns, row) if rows is not None else _write_cells(sheet, _by_flag(looks), columns, row)
    return row


def _by_flag(looks: _Looks) -> tuple[Any, Any, Any]:
    """The looks a unit's cell takes, by its flag (Cells.score): BODY, SCORE, PERCENT."""
    return looks.body, looks.score, looks.percent


def _write_cells(sheet: Any, looks: Sequence[Any], columns: Sequence[Cells], row: int) -> int:
    """The units' rows written cell by cell through XlsxWriter (the reference for _RowText)."""
    write_number = sheet.write_number
    n = len(columns[0].values) if columns else 0
    for index in range(n):
        for i, cells in enumerate(columns):
            value = cells.values[index]
            look = looks[cells.scored(index)]
            if type(value) is int or type(value) is float and math.isfinite(value):
                write_number(row, i, value, look)  # nearly every cell: _put's first question answered here
            else:
                _put(sheet, row, i, value, look)
        row += 1
    return row


def _write_notes(sheet: Any, evaluation: Evaluation, row: int, period: str | None) -> None:
    """Under the table, after an empty row: the lists and flags, why a column was added, warnings, and a
    what-if says so."""
    around = blocks(evaluation, period)
    said = [
        (around.heading if i == 0 else "\u3000" * len(around.heading)) + line for i, line in enumerate(around.notes)
    ]
    lines = notes(evaluation) + said + list(around.sign_off) + table_notes(evaluation, period)
    if evaluation.ruleset.overrides:
        lines.append(_("试算（WHAT-IF），非正式规则: {label}", label=evaluation.ruleset.label))
    for offset, line in enumerate(lines):
        _put(sheet, row + offset, 0, line)


def _print_setup(sheet: Any, header_rows: int) -> None:
    """Printed: A4 landscape (not the printer's default paper: LibreOffice printed the table on Letter), as wide
    as the page, the header repeated on every page."""
    sheet.set_paper(A4)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(1, header_rows)


def cell_value(evaluation: Evaluation, result: UnitResult, leaf: Leaf, score_format: str) -> tuple[Any, str | None]:
    """What the sheet holds for one cell, and its number format (None: General).

    Scores and totals hold the value the table prints (its rounded text read
    back), so the sheet shows, sums and sorts what was published; inputs hold
    the value given; whole numbers are integers.
    """
    field = leaf.field
    if field == "rank":
        return result.rank, None
    if field == "grade" or not leaf.numeric:
        return cell(evaluation, result, field), None
    if field in result.display:
        return float(result.display[field]), score_format
    if field in result.inputs:  # as given: 94.99 stays 94.99, a count stays an integer
        value = result.inputs[field]
        if evaluation.ruleset.input(field).type == "percent" and isinstance(value, (int, float)):
            return percent(value), score_format + "%"
        return _plain(value), None
    value = result.values[field]
    if isinstance(value, float):  # a rate or a mean (derived values, aggregates): rounded as scores are
        return float(cell(evaluation, result, field)), score_format
    return _plain(value), None


def percent(value: int | float) -> float:
    """A percent input (98.06, as the platform exports it and the formulas read it) as a percentage cell holds
    it: 0.9806, shown 98.06% by its format.  Read back, kaoping takes such a cell as 98.06% (data/xlsx_in.py)."""
    return value / 100


def _plain(value: int | float | str) -> int | float | str:
    """A number as it is, unless Excel would change it (an integer past 15 digits): then its text."""
    if isinstance(value, (bool, str)) or isinstance(value, int) and abs(value) >= _EXACT_INTEGER:
        return str(value)
    return value


def _number_format(places: int) -> str:
    return "0" if places <= 0 else "0." + "0" * places


# --- the cells of the units' rows ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cells:
    """One column's cells in a section, top to bottom: the values the sheet holds (cell_value's), and which show
    a score's decimals (True for the whole column, or one flag a cell)."""

    values: list[Any]
    score: int | list[int]  # BODY, SCORE or PERCENT (False and True are BODY and SCORE)

    def scored(self, index: int) -> int:
        return self.score if isinstance(self.score, int) else self.score[index]


Section = tuple[str, list[Cells]]  # a section's title ("" for none) and its columns


def _sections(evaluation: Evaluation, cols: Sequence[Leaf]) -> list[Section]:
    """The table's sections (layout.sections_of) as columns of cells: from the columns when the core scored
    them, without a UnitResult a unit, else from the results by cell_value (the reference)."""
    if evaluation.columns is not None:
        from .xlsx_columns import sections

        return sections(evaluation, evaluation.columns, cols)
    score_format = _number_format(evaluation.ruleset.rounding.places)
    out: list[Section] = []
    for label, results in sections_of(evaluation):
        columns = []
        for leaf in cols:
            pairs = [cell_value(evaluation, result, leaf, score_format) for result in results]
            columns.append(Cells([v for v, _ in pairs], [_flag(f) for _, f in pairs]))
        out.append((label, columns))
    return out


def _flag(number_format: str | None) -> int:
    """The look of a cell of this number format (cell_value's): General, a score's, a percentage."""
    return BODY if number_format is None else PERCENT if number_format.endswith("%") else SCORE


def _fit(widths: list[int], spans: Sequence[tuple[int, int, str]], wide: Sequence[str]) -> list[int]:
    """Column widths (a Chinese character counts two): the longest cell or header + 2, a group header
    fitting over its columns, the title and section titles over the table."""
    out = [w + 2 for w in widths]
    for start, end, header in spans:
        short = cell_len(header) + 2 - sum(out[start:end])
        for k in range(max(short, 0)):
            out[start + k % (end - start)] += 1
    for text in wide:
        short = cell_len(text) + 2 - sum(out)
        for k in range(max(short, 0)):
            out[k % len(out)] += 1
    return out


# --- the units' rows as XML text --------------------------------------------------------------

ROW_BLOCK = 8192  # rows made into text at a time: a few MB, whatever the table's size
# a text XlsxWriter writes as it is between <t> and </t>: none of what it escapes or marks (& < > " and control
# characters, an _xHHHH_ look-alike, space at either end); anything else is left to XlsxWriter itself
_ODD_TEXT = re.compile(r'[&<>"\x00-\x1f]|_x[0-9a-fA-F]{4}_|^\s|\s$')
_PLAIN_TEXT_MAX = 32_767 // 2  # XlsxWriter cuts a longer text (in UTF-16 units); below half, it cannot be longer


class _RowText:
    """The units' rows written into the sheet's row file as the XML text XlsxWriter would write for them.

    XlsxWriter spends some 3 µs a cell storing, checking and writing it (1.7 million cells at 100,000 units: five
    seconds); here a column's cells become text in one comprehension and the rows are laid out by slice
    assignment.  The text is XlsxWriter's own, by construction and by test: a cell is <c r="B7" s="2"> then
    <v>{number:.16G}</v>, a blank <c .../>, or a plain text inline (<is><t>…</t></is>); any other value (a text
    to escape, a boolean, an infinity) is written by XlsxWriter into a scratch sheet and its text copied.
    `_rows_as_text` checks at first use that this XlsxWriter writes such rows exactly so, else the rows are
    written cell by cell (_write_cells).  In constant_memory mode XlsxWriter keeps only the row being written:
    that row is written first (_write_single_row), the rows' extent is given to its dimension check, and its
    next row is set after them, so that what comes next (a section's title, the notes) follows as it would.
    """

    def __init__(self, sheet: Any, looks: Sequence[Any]) -> None:
        from xlsxwriter.utility import xl_col_to_name  # type: ignore[import-untyped]

        self.sheet, self.looks = sheet, tuple(looks)
        self.letters = [xl_col_to_name(col) for col in range(_MAX_COLUMNS)]
        self.scratch: Any = None

    @classmethod
    def of(cls, sheet: Any, looks: _Looks) -> _RowText:
        return cls(sheet, _by_flag(looks))

    def write(self, columns: Sequence[Cells], row: int) -> int:
        """The section's rows from `row` (0-based); the next free row.  The last is written cell by cell and left
        with XlsxWriter, which holds a sheet's last row until something follows it (a section's title, the notes,
        or the workbook's end, after the next sheet): the styles are numbered in the order XlsxWriter meets them
        as it writes rows, so a row it holds must be held here too."""
        n = len(columns[0].values) if columns else 0
        for start in range(0, n - 1, ROW_BLOCK):
            self._block(columns, start, min(start + ROW_BLOCK, n - 1), row + start)
        if n:
            last = [
                Cells(c.values[n - 1 :], c.score if isinstance(c.score, int) else c.score[n - 1 :]) for c in columns
            ]
            _write_cells(self.sheet, self.looks, last, row + n - 1)
        return row + n

    def _block(self, columns: Sequence[Cells], start: int, stop: int, first: int) -> None:
        sheet, last = self.sheet, first + stop - start - 1
        sheet._write_single_row(first)  # the row before, still held (a header or a section's title), is written
        xfs = self._xfs(columns, start, stop)
        sheet._check_dimensions(first, 0)
        sheet._check_dimensions(last, len(columns) - 1)
        numbers = [str(r + 1) for r in range(first, last + 1)]
        texts, tokens = ['<row r="'], [numbers]
        for col, cells in enumerate(columns):
            texts += [f'{"" if col else chr(34) + ">"}<c r="{self.letters[col]}', ""]
            tokens += [numbers, self._tails(cells, start, stop, xfs)]
        texts.append("</row>")
        sheet.fh.write(_lines(texts, tokens, stop - start))
        sheet.previous_row = last

    def _xfs(self, columns: Sequence[Cells], start: int, stop: int) -> dict[int, int]:
        """The style index of each look the rows use, assigned (when first asked, XlsxWriter numbers a format) in
        the order XlsxWriter meets them: row by row, left to right."""
        first: dict[int, tuple[int, int]] = {}
        for col, cells in enumerate(columns):
            if isinstance(cells.score, int):
                first[cells.score] = min(first.get(cells.score, (stop, col)), (start, col))
                continue
            flags = cells.score[start:stop]
            for flag in (BODY, SCORE, PERCENT):
                if flag in flags:
                    first[flag] = min(first.get(flag, (stop, col)), (start + flags.index(flag), col))
        return {flag: self.looks[flag]._get_xf_index() for flag in sorted(first, key=first.__getitem__)}

    def _tails(self, cells: Cells, start: int, stop: int, xfs: dict[int, int]) -> list[str]:
        """Each cell's text after its reference (<c r="B7), for the rows start..stop of one column."""
        values = cells.values[start:stop]
        if isinstance(cells.score, int):
            xf = xfs[cells.score]
            kinds = set(map(type, values))
            if kinds <= {int, float} and (float not in kinds or all(map(math.isfinite, values))):
                head = f'" s="{xf}"><v>'
                return [f"{head}{v:.16G}</v></c>" for v in values]
            return [self._tail(v, xf, cells.score) for v in values]
        flags = cells.score[start:stop]
        return [self._tail(v, xfs[f], f) for v, f in zip(values, flags, strict=True)]

    def _tail(self, value: Any, xf: int, scored: int) -> str:
        """One cell's text after its reference, as _put has XlsxWriter write it."""
        kind = type(value)
        if value is None or value == "":
            return f'" s="{xf}"/>'
        if kind is int or kind is float and math.isfinite(value):
            return f'" s="{xf}"><v>{value:.16G}</v></c>'
        if kind is str:
            text = _text(value)
            if len(text) <= _PLAIN_TEXT_MAX and not _ODD_TEXT.search(text):
                return f'" s="{xf}" t="inlineStr"><is><t>{text}</t></is></c>'
        return self._written(value, self.looks[scored])

    def _written(self, value: Any, look: Any) -> str:
        """The text XlsxWriter itself writes for a cell holding `value`, after its reference."""
        if self.scratch is None:
            from xlsxwriter.worksheet import Worksheet  # type: ignore[import-untyped]

            self.scratch = Worksheet()
            self.scratch.constant_memory = True
        scratch = self.scratch
        scratch.fh = io.StringIO()
        _put(scratch, 0, 0, value, look)
        scratch._write_cell(0, 0, scratch.table[0][0])
        scratch.table.clear()
        return str(scratch.fh.getvalue()).removeprefix('<c r="A1')


_MAX_COLUMNS = 16_384  # Excel's


def _lines(texts: Sequence[str], tokens: Sequence[Sequence[str]], n: int) -> str:
    """n rows, each texts[0] + tokens[0][i] + texts[1] + ... + texts[-1], joined once (no string made per row:
    the pieces are laid out by strided slice assignment, a C loop a column)."""
    width = 2 * len(tokens) + 1
    out: list[str] = [""] * (n * width)
    for j, text in enumerate(texts):
        out[2 * j :: width] = [text] * n
    for j, column in enumerate(tokens):
        out[2 * j + 1 :: width] = column
    return "".join(out)


# the values the check writes both ways: integers and floats of every kind .16G tells apart, a blank, plain and odd
# texts (escaped, marked, an _xHHHH_ look-alike, space at an end, a line break), a boolean and an infinity
_PROBES: tuple[Any, ...] = (
    0, 7, -343, 10**15 - 1, 39.88, -0.5, 1e-7, 123456.789, 1 / 3, 2.5e20, -0.0, None, "", "区人力资源局", "x",
    "=1+2", "a&b<c>", 'say "hi"', "_x0041_", " lead", "trail ", "two\nlines", "\t", "<r>x</r>", True,
    float("inf"), "9" * 16,
)  # fmt: skip


@functools.cache
def _rows_as_text() -> bool:
    """Whether _RowText writes, for rows of the probes, exactly the text this XlsxWriter writes for them cell by
    cell (checked once a process, in a few milliseconds; any difference, or an XlsxWriter without the internals
    _RowText uses, and the rows are written cell by cell)."""
    try:
        from xlsxwriter.format import Format  # type: ignore[import-untyped]
        from xlsxwriter.worksheet import Worksheet

        texts = []
        for mine in (False, True):
            indices: dict[str, int] = {}
            looks = (
                Format({"border": 1}, indices, {}),
                Format({"border": 1, "num_format": "0.00"}, indices, {}),
                Format({"border": 1, "num_format": "0.00%"}, indices, {}),
            )
            sheet = Worksheet()
            sheet.constant_memory, sheet.fh = True, io.StringIO()
            sheet.write_string(2, 0, "header", looks[0])
            columns = [Cells([v, v], [i % 3, (i + 1) % 3]) for i, v in enumerate(_PROBES)]
            if mine:
                _RowText(sheet, looks).write(columns, 3)
            else:
                _write_cells(sheet, looks, columns, 3)
            sheet.write_string(6, 0, "after")
            sheet._write_single_row(7)
            texts.append((sheet.fh.getvalue(), sheet.dim_rowmax, sheet.dim_colmax, sheet.previous_row, indices))
        return texts[0] == texts[1]
    except Exception:  # an XlsxWriter whose internals differ: the rows are written cell by cell
        return False


# --- sheet 2: provenance -----------------------------------------------------------------------


def _write_provenance(sheet: Any, looks: _Looks, evaluation: Evaluation, period: str | None) -> None:
    facts = provenance(evaluation, period)
    sheet.freeze_panes(1, 0)
    sheet.set_paper(A4)
    for col, texts in ((0, [k for k, _m, _p in _PROVENANCE_ROWS]), (2, [m for _k, m, _p in _PROVENANCE_ROWS])):
        sheet.set_column_pixels(col, col, (max(cell_len(t) for t in texts) + 2) * _PIXELS_PER_CHARACTER)
    sheet.set_column_pixels(1, 1, 68 * _PIXELS_PER_CHARACTER)  # a sha256 is 64 characters
    for col, header in enumerate((_("key"), _("value"), "说明")):
        sheet.write_string(0, col, header, looks.bold)
    for row, (key, meaning, path) in enumerate(_PROVENANCE_ROWS, start=1):
        value: Any = facts
        for part in path:
            value = value[part]
        if isinstance(value, (list, tuple)):
            value = "; ".join(str(v) for v in value)
        _put(sheet, row, 0, key)
        _put(sheet, row, 1, value)
        _put(sheet, row, 2, meaning)


# --- cells ------------------------------------------------------------------------------------


def _put(sheet: Any, row: int, col: int, value: Any, look: Any = None) -> None:
    """Write one cell (0-based); text stays text (never a formula, whatever it starts with), an empty value is a
    blank (kept only when it has a format: a unit without a rank still has its border), as is an empty text."""
    if value is None or value == "":
        sheet.write_blank(row, col, None, look)
    elif isinstance(value, str):
        sheet.write_string(row, col, _text(value), look)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, look)
    elif isinstance(value, (int, float)) and math.isfinite(value):
        sheet.write_number(row, col, value, look)
    else:  # an infinity, or anything else: as its text, never a broken file
        sheet.write_string(row, col, _text(str(value)), look)


def _text(value: str) -> str:
    return _ILLEGAL.sub("\ufffd", value)
