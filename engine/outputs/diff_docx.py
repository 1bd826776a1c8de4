"""A what-if comparison as a Word document, in the published document's page and fonts (outputs/docx.py).

A4 landscape, the title in 方正小标宋简体, which ruleset is adopted and what
each scenario changes, then the table: the unit, the adopted ruleset's
columns and each scenario's own under a two-level header repeated on every
page, no row split; under it each scenario's summary and who entered and
left each list, flag and grade.  The page, style and cell helpers are
docx.py's, so the two documents look alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len

from ..analysis.scenarios import Comparison
from .compare import change_lines, groups, heading, rows, settings_line, summary_line
from .docx import (
    BODY_POINTS,
    HEADER_FONT,
    MARGIN_SIDE,
    NOTE_POINTS,
    PAGE_WIDTH,
    TITLE_FONT,
    TITLE_POINTS,
    _fill,
    _fixed_layout,
    _font_table,
    _page,
    _paragraph,
    _row_properties,
    _set_widths,
    _styles,
    saved,
)
from .table import footer
from .xlsx import stamp

if TYPE_CHECKING:
    from docx.table import Table

CHARACTER_CM = 0.39  # a Chinese character at 五号 (10.5 pt), with a little room


def to_docx(c: Comparison) -> bytes:
    """The document's bytes, dated as the adopted evaluation's workbook is (the same run, the same bytes)."""
    from docx import Document as new_document
    from docx.enum.table import WD_TABLE_ALIGNMENT

    from ..i18n import _

    title = heading(c)
    document = new_document()
    _page(document, footer(c.adopted))
    _styles(document)
    _font_table(document)
    _paragraph(document, title, TITLE_POINTS, font=TITLE_FONT, after=6)
    _paragraph(document, _("adopted: {label}", label=c.adopted.ruleset.label), BODY_POINTS, align="left")
    for outcome in c.outcomes:
        _paragraph(document, settings_line(outcome), BODY_POINTS, align="left")
    header = groups(c)
    leaves = [h for _group, hs in header for h in hs]
    table = document.add_table(rows=2, cols=len(leaves))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _fixed_layout(table)
    _header(table, header)
    names = max([cell_len(r.entity) for r in c.rows] + [4])
    unit = min(CHARACTER_CM * (names / 2) + 0.4, 7.0)  # a Chinese character is two cells
    rest = (PAGE_WIDTH - 2 * MARGIN_SIDE - unit) / max(len(leaves) - 1, 1)
    _set_widths(table, [unit] + [rest] * (len(leaves) - 1))
    for cells in rows(c):
        row = table.add_row()
        _row_properties(row)
        for index, (place, cell) in enumerate(zip(row.cells, cells, strict=True)):
            _fill(place, cell.text, align="left" if index == 0 else "center")
    for outcome in c.outcomes:
        _paragraph(document, summary_line(outcome), NOTE_POINTS, align="left", bold=True, before=6)
        for line in change_lines(outcome):
            _paragraph(document, line, NOTE_POINTS, align="left")
    return saved(document, title, stamp(c.adopted))


def _header(table: Table, header: list[tuple[str, list[str]]]) -> None:
    """Each scenario's name merged over its columns, the unit's heading merged down; both rows repeat on every page."""
    col = 0
    for group, headings in header:
        if not group:
            _fill(table.cell(0, col).merge(table.cell(1, col)), headings[0], font=HEADER_FONT)
        else:
            end = col + len(headings) - 1
            merged = table.cell(0, col).merge(table.cell(0, end)) if end > col else table.cell(0, col)
            _fill(merged, group, font=HEADER_FONT)
            for offset, h in enumerate(headings):
                _fill(table.cell(1, col + offset), h, font=HEADER_FONT)
        col += len(headings)
    for row in table.rows:
        _row_properties(row, header=True)
