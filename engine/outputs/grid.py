"""A table that is not one month's evaluation (combine's year, for now) in the documents offices publish.

An evaluation's renderers (xlsx.py, html.py, docx.py, pdf.py) know its
two-level header, sections and blocks; a combined year is a plain grid: a
title, one header row, rows of printed text, lines under it and one line of
provenance.  `Grid` is that, built once by the analysis; each `to_*` here
writes it with the same page, fonts and print rules as the monthly table
(A4 landscape, header rows repeated, 仿宋/黑体 in Word, 宋体 in Excel, the
browser's print for PDF), by the monthly renderers' own helpers, so the two
cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from html import escape

from rich.cells import cell_len

from ..frozen import frozen
from .layout import Leaf

_NUMBER = re.compile(r"-?\d+(\.\d+)?")


@frozen
class Grid:
    """Title, header, rows (each cell the printed text), which columns are numbers, lines under, provenance."""

    title: str
    header: tuple[str, ...]
    numeric: tuple[bool, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...]
    footer: str
    effective: str = ""  # the ruleset's effective date: the documents are dated by it, not the clock (same bytes)


def _when(grid: Grid) -> dt.datetime:
    try:
        return dt.datetime.strptime(grid.effective, "%Y-%m-%d")
    except ValueError:
        return dt.datetime(2000, 1, 1)


def to_html(grid: Grid) -> str:
    """The grid as a self-contained page, with the monthly page's style and print stylesheet."""
    from .html import page_head

    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in grid.header)
    body = [
        "<tr>"
        + "".join(
            f'<td class="{"num" if n else "text"}">{escape(t)}</td>' for t, n in zip(row, grid.numeric, strict=True)
        )
        + "</tr>"
        for row in grid.rows
    ]
    notes = ['<ul class="notes">', *(f"<li>{escape(line)}</li>" for line in grid.notes), "</ul>"] if grid.notes else []
    return "\n".join(
        [
            *page_head(grid.title),
            f"<h1>{escape(grid.title)}</h1>",
            '<div class="scroll"><table class="report">',
            f"<thead><tr>{head}</tr></thead>",
            "<tbody>",
            *body,
            "</tbody></table></div>",
            *notes,
            f"<footer><p>{escape(grid.footer)}</p></footer>",
            "</body>",
            "</html>",
        ]
    )


def to_pdf(grid: Grid) -> bytes:
    """The grid's page printed by the browser, as `-f pdf` prints the monthly page."""
    from .pdf import html_to_pdf

    return html_to_pdf(to_html(grid))


def to_xlsx(grid: Grid) -> bytes:
    """One sheet: the title merged over the table, the header (frozen, repeated in print), the rows, the notes;
    A4 landscape one page wide, 宋体 11, numbers as numbers where the text is one."""
    import xlsxwriter  # type: ignore[import-untyped]  # XlsxWriter ships no type hints

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.formats[0].set_font_name("宋体")
    title = book.add_format(
        {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter", "font_name": "宋体"}
    )
    head = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True})
    text = book.add_format({"border": 1, "font_name": "宋体"})
    number = book.add_format({"border": 1, "align": "right", "font_name": "宋体"})
    sheet = book.add_worksheet()
    width = len(grid.header)
    if width > 1:
        sheet.merge_range(0, 0, 0, width - 1, grid.title, title)
    else:
        sheet.write_string(0, 0, grid.title, title)
    sheet.set_row(0, 28)
    for col, label in enumerate(grid.header):
        sheet.write_string(1, col, label, head)
        widest = max([cell_len(label), *(cell_len(row[col]) for row in grid.rows)])
        sheet.set_column(col, col, min(widest + 2, 60))
    shapes: dict[int, object] = {}
    for r, row in enumerate(grid.rows, start=2):
        for col, (cell, numeric) in enumerate(zip(row, grid.numeric, strict=True)):
            if numeric and _NUMBER.fullmatch(cell):  # a number as a number, shown with its printed decimals
                places = len(cell.partition(".")[2])
                if places not in shapes:
                    shapes[places] = book.add_format(
                        {
                            "border": 1,
                            "align": "right",
                            "font_name": "宋体",
                            "num_format": "0." + "0" * places if places else "0",
                        }
                    )
                sheet.write_number(r, col, float(cell), shapes[places])
            else:
                sheet.write_string(r, col, cell, number if numeric else text)
    for offset, line in enumerate([*grid.notes, grid.footer]):
        sheet.write_string(len(grid.rows) + 3 + offset, 0, line)
    sheet.freeze_panes(2, 0)
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(1)
    when = _when(grid)
    book.set_properties({"created": when})
    book.close()
    from .xlsx import redated

    return redated(buffer.getvalue(), when)


def to_docx(grid: Grid) -> bytes:
    """The grid in Word with the monthly document's page, fonts and row rules (python-docx, imported here)."""
    from docx import Document as new_document
    from docx.enum.table import WD_TABLE_ALIGNMENT

    from . import docx as monthly

    document = new_document()
    monthly._page(document, grid.footer)
    monthly._styles(document)
    monthly._font_table(document)
    monthly._paragraph(document, grid.title, monthly.TITLE_POINTS, font=monthly.TITLE_FONT, after=6)
    cols = [
        Leaf(str(i), label, None, numeric)
        for i, (label, numeric) in enumerate(zip(grid.header, grid.numeric, strict=True))
    ]
    table = document.add_table(rows=1, cols=len(cols))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    monthly._fixed_layout(table)
    monthly._row_properties(table.rows[0], header=True)
    for place, label in zip(table.rows[0].cells, grid.header, strict=True):
        monthly._fill(place, label, font=monthly.HEADER_FONT)
    for index, row in enumerate(grid.rows):
        monthly._unit_row(table, cols, row, keep=len(grid.rows) - monthly.KEEP_LAST_ROWS <= index < len(grid.rows) - 1)
    monthly._set_widths(table, monthly.column_widths(cols, grid.rows, ()))
    for index, line in enumerate(grid.notes):
        monthly._paragraph(document, line, monthly.NOTE_POINTS, align="left", before=0 if index else 6)
    return monthly.saved(document, grid.title, _when(grid))
