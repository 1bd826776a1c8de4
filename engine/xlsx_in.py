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

import datetime as dt
import zipfile
from xml.etree.ElementTree import ParseError
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import fail

MAX_CELLS = 5_000_000  # a sheet's stated size beyond this is a formatting accident or a hostile file


@dataclass(frozen=True, slots=True)
class Sheet:
    """A sheet as rows of text, and what its layout says about them."""

    name: str
    rows: list[tuple[int, list[str]]]  # (row number, cells) of the rows that are not empty
    group_rows: set[int]  # rows holding a merged group header (the upper row of a two-level header)
    title_rows: set[int]  # rows that are one merged cell across the table: a title or a section title
    empty_rows: set[int]  # rows with nothing in them: a table ends at the first one below its header
    merges: list[tuple[int, str]]  # (first row, A1 range) of every other merged range: header or error


def sheet_rows(path: Path, display: str, sheet: str | None) -> Sheet:
    """The first sheet of the workbook, or the one named `sheet`, as text."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    from openpyxl.worksheet.worksheet import Worksheet

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError, ParseError, AttributeError, TypeError) as e:
        # openpyxl fails in many ways on a damaged or unusual file (even a chart sheet without a chart)
        raise fail(display, f"this is not an Excel workbook kaoping can read ({type(e).__name__})", "save it from Excel or WPS as .xlsx") from None
    if sheet is not None and sheet not in book.sheetnames:
        raise fail(display, f"the workbook has no sheet '{sheet}'", f"its sheets are: {', '.join(book.sheetnames)}")
    ws = book[sheet] if sheet is not None else book.worksheets[0]
    if not isinstance(ws, Worksheet):
        raise fail(display, f"the sheet '{ws.title}' is a chart, not a table", "give --sheet the sheet that holds the figures")
    if ws.max_row * ws.max_column > MAX_CELLS:
        raise fail(display, f"the sheet '{ws.title}' claims {ws.max_row:,} rows × {ws.max_column:,} columns", "delete the empty rows and columns after the table (or copy the table to a new sheet)")
    grid = [[_text(c.value, c.number_format) for c in row] for row in ws.iter_rows()]
    width = max((len(r) for r in grid), default=0)
    group_rows: set[int] = set()
    title_rows: set[int] = set()
    merges: list[tuple[int, str]] = []
    for merged in ws.merged_cells.ranges:
        top = grid[merged.min_row - 1] if merged.min_row <= len(grid) else []
        if merged.min_col == 1 and merged.max_col >= width > 1:
            title_rows.add(merged.min_row)
            continue
        merges.append((merged.min_row, merged.coord))
        if merged.max_col > merged.min_col and top:
            group_rows.add(merged.min_row)
            value = top[merged.min_col - 1]
            for col in range(merged.min_col, min(merged.max_col, len(top)) + 1):
                top[col - 1] = value  # a group header covers each of its columns
        elif merged.max_row > merged.min_row:
            group_rows.add(merged.min_row)
    filled = {n for n, cells in enumerate(grid, start=1) if any(c.strip() for c in cells)}
    rows = [(n, cells) for n, cells in enumerate(grid, start=1) if n in filled]
    return Sheet(ws.title, rows, group_rows, title_rows, set(range(1, len(grid) + 1)) - filled, merges)


def _text(value: Any, number_format: str = "General") -> str:
    """A cell as a spreadsheet shows it: 35.0 as 35, 2.675 as 2.675 (15 significant digits), dates as YYYY-MM-DD,
    and a percentage cell (stored 0.9806, shown 98.06%) as 98.06%."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in number_format:
        return f"{value * 100:.15g}%"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else format(value, ".15g")
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()  # a date typed in a cell is stored as midnight
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return " ".join(str(value).splitlines())  # a line break typed in a cell (Alt+Enter) is a space
