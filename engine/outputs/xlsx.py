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

openpyxl is imported here only; the CLI imports this module when it writes
an xlsx.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len

from .. import __version__
from ..evaluate.ranking import Evaluation, UnitResult
from ..numbers import SIGNIFICANT
from ..ruleset.model import PROVENANCE_SHEET
from .layout import Leaf, cell, group_spans, markers, notes, sections_of, table_leaves, table_notes, title
from .machine import provenance

DEFAULT_SHEET = "考评表"

# Excel refuses these in a sheet's name, and names longer than 31 characters
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31
# XML 1.0 cannot hold these (openpyxl refuses them): shown as U+FFFD rather than failing the whole file
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
    from openpyxl import Workbook

    heading = title(evaluation.ruleset, period)
    workbook = Workbook()
    sheet = workbook.worksheets[0]  # a new workbook's one sheet, the active one
    sheet.title = sheet_name(heading)
    _write_table(sheet, evaluation, heading, period)
    _write_provenance(workbook.create_sheet(PROVENANCE_SHEET), evaluation, period)
    workbook.properties.title = _text(heading)
    workbook.properties.creator = f"kaoping {__version__}"
    return _save(workbook, stamp(evaluation))


def stamp(evaluation: Evaluation) -> dt.datetime:
    """The time the workbook says it was made: the ruleset's effective date, not the clock, so that
    rerunning a month gives the same bytes (as JSON and CSV do) and a digest of the file can be checked."""
    try:
        day = dt.datetime.strptime(evaluation.ruleset.effective, "%Y-%m-%d")
    except (TypeError, ValueError):
        return _EARLIEST
    return min(max(day, _EARLIEST), _LATEST)


class _DatedZip(zipfile.ZipFile):
    """A zip whose every entry carries one fixed date (openpyxl would date each with the clock)."""

    when: tuple[int, int, int, int, int, int] = _EARLIEST.timetuple()[:6]

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None, compresslevel: Any = None) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.when)
            info.compress_type = self.compression
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None, compresslevel: Any = None) -> None:
        """A file openpyxl wrote aside (a sheet) goes in with the fixed date, not the file's own time."""
        with open(filename, "rb") as f:
            self.writestr(str(arcname or filename), f.read())


def _save(workbook: Any, when: dt.datetime) -> bytes:
    """The workbook's bytes, created and modified at `when` (Workbook.save would stamp the clock's time)."""
    from openpyxl.writer.excel import ExcelWriter

    workbook.properties.created = workbook.properties.modified = when
    buffer = io.BytesIO()
    archive = _DatedZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    archive.when = when.timetuple()[:6]
    ExcelWriter(workbook, archive).save()
    return buffer.getvalue()


def sheet_name(heading: str) -> str:
    """The title as a sheet's name: Excel's forbidden characters replaced, at most 31 characters; else 考评表."""
    name = _SHEET_FORBIDDEN.sub("_", _ILLEGAL.sub("", heading)).strip().strip("'")[:_SHEET_MAX].strip().strip("'")
    if not name or name == PROVENANCE_SHEET or name.lower() == "history":  # History is reserved by Excel
        return DEFAULT_SHEET
    return name


# --- sheet 1: the table ------------------------------------------------------------------------


def _write_table(sheet: Any, evaluation: Evaluation, heading: str, period: str | None) -> None:
    """Title, two-level header, sections of units, notes, column widths, print setup."""
    cols = table_leaves(evaluation)
    spans = group_spans(cols)
    header_rows = 2 if spans else 1
    _write_title(sheet, heading, len(cols), markers(evaluation.ruleset))
    _write_header(sheet, cols, spans, header_rows)
    sheet.freeze_panes = sheet.cell(2 + header_rows, 1).coordinate
    row, widths, titles = _write_body(sheet, evaluation, cols, 2 + header_rows)
    _write_notes(sheet, evaluation, row + 1, period)
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(_fit(widths, spans, [heading, *titles])):
        sheet.column_dimensions[get_column_letter(i + 1)].width = width
    _print_setup(sheet, header_rows)


def _styles() -> tuple[Any, Any, Any]:
    """(thin border all round, centred and wrapped, bold): the table's look."""
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin")
    return (
        Border(left=thin, right=thin, top=thin, bottom=thin),
        Alignment(horizontal="center", vertical="center", wrap_text=True),
        Font(bold=True),
    )


def _write_title(sheet: Any, heading: str, width: int, marks: Sequence[str] = ()) -> None:
    """Row 1: the title over the whole table; a what-if or a version not in effect says so above the title,
    in the same cell, so whoever sees the table sees it (and the rows below stay where a reader expects them)."""
    from openpyxl.styles import Alignment, Font

    text = "\n".join([*marks, heading])
    sheet.cell(1, 1, _text(text)).font = Font(bold=True, size=14, color="9C0006" if marks else None)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=bool(marks))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.row_dimensions[1].height = 28 + 20 * len(marks)


def _write_header(sheet: Any, cols: Sequence[Leaf], spans: Sequence[tuple[int, int, str]], header_rows: int) -> None:
    """Rows 2-3: group headers over their columns, every other header down over both rows."""
    border, centred, bold = _styles()
    grouped: set[int] = set()
    for start, end, header in spans:
        _put(sheet, 2, start + 1, header)
        if end - start > 1:
            sheet.merge_cells(start_row=2, start_column=start + 1, end_row=2, end_column=end)
        for i in range(start, end):
            _put(sheet, 3, i + 1, cols[i].label)
            grouped.add(i)
    for i, leaf in enumerate(cols):
        if i not in grouped:
            _put(sheet, 2, i + 1, leaf.label)
            if header_rows == 2:
                sheet.merge_cells(start_row=2, start_column=i + 1, end_row=3, end_column=i + 1)
    for row in range(2, 2 + header_rows):
        sheet.row_dimensions[row].height = 20
        for col in range(1, len(cols) + 1):
            target = sheet.cell(row, col)
            target.font, target.alignment, target.border = bold, centred, border


def _write_body(sheet: Any, evaluation: Evaluation, cols: Sequence[Leaf], row: int) -> tuple[int, list[int], list[str]]:
    """Each section's title row (when it has a title), then its units; the next free row, column widths, titles."""
    border, _, bold = _styles()
    score_format = _number_format(evaluation.ruleset.rounding.places)
    widths = [max(cell_len(leaf.label), 1) for leaf in cols]
    titles: list[str] = []
    for label, results in sections_of(evaluation):
        if label:
            _put(sheet, row, 1, label).font = bold
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(cols))
            for col in range(1, len(cols) + 1):
                sheet.cell(row, col).border = border
            titles.append(label)
            row += 1
        for result in results:
            for i, leaf in enumerate(cols):
                value, number_format = cell_value(evaluation, result, leaf, score_format)
                target = _put(sheet, row, i + 1, value)
                target.border = border
                if number_format is not None:
                    target.number_format = number_format
                widths[i] = max(widths[i], cell_len(cell(evaluation, result, leaf.field)))
            row += 1
    return row, widths, titles


def _write_notes(sheet: Any, evaluation: Evaluation, row: int, period: str | None) -> None:
    """Under the table, after an empty row: the lists and flags, why a column was added, warnings, and a
    what-if says so."""
    lines = notes(evaluation) + table_notes(evaluation, period)
    if evaluation.ruleset.overrides:
        lines.append(f"试算（WHAT-IF），非正式规则: {evaluation.ruleset.label}")
    for offset, line in enumerate(lines):
        _put(sheet, row + offset, 1, line)


def _print_setup(sheet: Any, header_rows: int) -> None:
    """Printed: landscape, as wide as the page, the header repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"2:{1 + header_rows}"


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
        return _plain(result.inputs[field]), None
    value = result.values[field]
    if isinstance(value, float):  # a rate or a mean (derived values, aggregates): rounded as scores are
        return float(cell(evaluation, result, field)), score_format
    return _plain(value), None


def _plain(value: int | float | str) -> int | float | str:
    """A number as it is, unless Excel would change it (an integer past 15 digits): then its text."""
    if isinstance(value, (bool, str)) or isinstance(value, int) and abs(value) >= _EXACT_INTEGER:
        return str(value)
    return value


def _number_format(places: int) -> str:
    return "0" if places <= 0 else "0." + "0" * places


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


# --- sheet 2: provenance -----------------------------------------------------------------------


def _write_provenance(sheet: Any, evaluation: Evaluation, period: str | None) -> None:
    from openpyxl.styles import Font

    facts = provenance(evaluation, period)
    for col, header in enumerate(("key", "value", "说明"), start=1):
        _put(sheet, 1, col, header).font = Font(bold=True)
    for row, (key, meaning, path) in enumerate(_PROVENANCE_ROWS, start=2):
        value: Any = facts
        for part in path:
            value = value[part]
        if isinstance(value, (list, tuple)):
            value = "; ".join(str(v) for v in value)
        _put(sheet, row, 1, key)
        _put(sheet, row, 2, value)
        _put(sheet, row, 3, meaning)
    sheet.freeze_panes = "A2"
    for letter, texts in (("A", [k for k, _, _ in _PROVENANCE_ROWS]), ("C", [m for _, m, _ in _PROVENANCE_ROWS])):
        sheet.column_dimensions[letter].width = max(cell_len(t) for t in texts) + 2
    sheet.column_dimensions["B"].width = 68  # a sha256 is 64 characters


# --- cells ------------------------------------------------------------------------------------


def _put(sheet: Any, row: int, col: int, value: Any) -> Any:
    """Write one cell; text stays text (never a formula, whatever it starts with)."""
    target = sheet.cell(row, col)
    if isinstance(value, str):
        target.value = _text(value)
        target.data_type = "s"
    else:
        target.value = value
    return target


def _text(value: str) -> str:
    return _ILLEGAL.sub("\ufffd", value)
