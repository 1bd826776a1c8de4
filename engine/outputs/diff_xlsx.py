"""A what-if comparison as an Excel workbook: the adopted ruleset's columns, then each scenario's own.

The header has two levels, as the published table's: the group (现行, 方案一,
方案二, ...) merged over its columns (总分, 变化, 排名, 名次变化, 等级).
Totals and changes are numbers with the ruleset's decimals and ranks are
integers, so the sheet can be sorted and summed; the movement is text (↑2).
Under the table, each scenario's summary and who entered and left each list,
flag and grade.  A4 landscape, 宋体 as the published workbook (xlsx.py).
"""

from __future__ import annotations

import io
from typing import Any

from rich.cells import cell_len

from ..analysis.scenarios import Comparison
from .compare import change_lines, groups, heading, rows, settings_line, summary_line
from .xlsx import BODY_FONT, redated, stamp


def to_xlsx(c: Comparison) -> bytes:
    """The workbook's bytes (dated as the adopted evaluation's workbook is, so the same run gives the same bytes)."""
    import xlsxwriter  # type: ignore[import-untyped]  # XlsxWriter ships no type hints

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    workbook.formats[0].set_font_name(BODY_FONT["font_name"])
    workbook.formats[0].set_font_size(BODY_FONT["font_size"])
    sheet = workbook.add_worksheet(_sheet_name())
    looks = _looks(workbook, c.adopted.ruleset.rounding.places)
    header = groups(c)
    width = sum(len(h) for _group, h in header)
    sheet.merge_range(0, 0, 0, width - 1, heading(c), looks["title"])
    lines = [settings_line(o) for o in c.outcomes]
    for index, line in enumerate(lines, start=1):
        sheet.merge_range(index, 0, index, width - 1, line, looks["left"])
    top = len(lines) + 1
    _write_header(sheet, looks, header, top)
    row = top + 2
    for cells in rows(c):
        for col, cell in enumerate(cells):
            if cell.number is None or col == 0 or not _numeric(cell.text):  # 名次变化 (↑2, =) stays text
                sheet.write_string(row, col, cell.text, looks["text"] if col else looks["unit"])
            elif "." in cell.text:
                sheet.write_number(row, col, cell.number, looks["score"])
            else:
                sheet.write_number(row, col, cell.number, looks["int"])
        row += 1
    for outcome in c.outcomes:
        row += 1
        sheet.write_string(row, 0, summary_line(outcome), looks["bold"])
        for line in change_lines(outcome):
            row += 1
            sheet.write_string(row, 0, line)
    _widths(sheet, c)
    sheet.freeze_panes(top + 2, 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(top, top + 1)
    workbook.set_properties({"title": heading(c), "created": stamp(c.adopted)})
    workbook.close()
    return redated(buffer.getvalue(), stamp(c.adopted))


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _sheet_name() -> str:
    from ..i18n import _

    return _("what-if")[:31]


def _looks(workbook: Any, places: int) -> dict[str, Any]:
    border = {"border": 1, "valign": "vcenter", **BODY_FONT}
    score = "0." + "0" * places if places > 0 else "0"
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14, "align": "center", "font_name": "宋体"}),
        "left": workbook.add_format({"align": "left", **BODY_FONT}),
        "bold": workbook.add_format({"bold": True, **BODY_FONT}),
        "head": workbook.add_format({"bold": True, "align": "center", "text_wrap": True, **border}),
        "unit": workbook.add_format({"align": "left", **border}),
        "text": workbook.add_format({"align": "center", **border}),
        "score": workbook.add_format({"align": "right", "num_format": score, **border}),
        "int": workbook.add_format({"align": "center", "num_format": "0", **border}),
    }


def _write_header(sheet: Any, looks: dict[str, Any], header: list[tuple[str, list[str]]], top: int) -> None:
    """Two header rows: each group merged over its columns, the unit's heading merged down over both."""
    col = 0
    for group, headings in header:
        if not group:
            sheet.merge_range(top, col, top + 1, col, headings[0], looks["head"])
        else:
            if len(headings) > 1:
                sheet.merge_range(top, col, top, col + len(headings) - 1, group, looks["head"])
            else:
                sheet.write_string(top, col, group, looks["head"])
            for offset, h in enumerate(headings):
                sheet.write_string(top + 1, col + offset, h, looks["head"])
        col += len(headings)


def _widths(sheet: Any, c: Comparison) -> None:
    """Each column as wide as its widest cell (in terminal cells: a Chinese character is two), at least 8."""
    cells = rows(c)
    header = [h for _group, hs in groups(c) for h in hs]
    for col, h in enumerate(header):
        widest = max([cell_len(h), *(cell_len(r[col].text) for r in cells)])
        sheet.set_column(col, col, max(8, widest + 2))
