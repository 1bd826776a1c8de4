"""`kaoping count`'s outputs: the counted units as a table, CSV, JSON or a workbook.

One row a unit, in table order: the entity key's label, then each non-key input's label in input order
(部门名称, 应办结工单数, ..., 返工工单数).  Those are the headers the unit-table reader maps, so a CSV or
workbook written here reads back as a unit-level input of the same ruleset (or of jintai-hotline) and scores
as the export does.  Numbers are written as the shortest text that reads back as the same number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ..ruleset.model import Ruleset
    from .run import Counted

Cell = str | int | float


def header(ruleset: Ruleset) -> list[str]:
    """The entity key's label, then every non-key input's label, in input order."""
    return [ruleset.input(ruleset.key).label, *(i.label for i in ruleset.inputs if i.id != ruleset.key)]


def rows(ruleset: Ruleset, counted: Counted) -> list[list[Cell]]:
    """One row a unit, its values in header()'s order (an input the counting did not fill is left empty)."""
    ids = [i.id for i in ruleset.inputs if i.id != ruleset.key]
    out: list[list[Cell]] = []
    for unit, values in zip(counted.units, counted.values, strict=True):
        given = dict(values)
        out.append([unit, *(given.get(i, "") for i in ids)])
    return out


def to_csv(ruleset: Ruleset, counted: Counted, excel: bool = False) -> str:
    """UTF-8 CSV with \\r\\n line ends (the text; --excel puts a BOM first, so Excel reads the Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header(ruleset))
    writer.writerows([[_text(c) for c in r] for r in rows(ruleset, counted)])
    return ("\ufeff" if excel else "") + buffer.getvalue()


def _text(c: Cell) -> str:
    return c if isinstance(c, str) else str(c)


def to_json(ruleset: Ruleset, counted: Counted) -> str:
    """The counts and what the counting saw (design §5.1); units keyed by input id."""
    ids = [ruleset.key, *(i.id for i in ruleset.inputs if i.id != ruleset.key)]
    loaded, w = counted.loaded, counted.window
    doc = {
        "ruleset": counted.ruleset,
        "period": w.month,
        "window": [w.start.strftime("%Y-%m-%d %H:%M:%S"), w.end.strftime("%Y-%m-%d %H:%M:%S")],
        "input": {
            "path": loaded.head.display,
            "sha256": loaded.sha256,
            "rows": loaded.rows,
            "merged": counted.merged,
            "excluded": dict(counted.excluded),
            "kept": counted.kept,
            "due_in_period": counted.dated_in_period,
        },
        "engine": counted.engine,
        "units": [dict(zip(ids, r, strict=True)) for r in rows(ruleset, counted)],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def to_xlsx(ruleset: Ruleset, counted: Counted) -> bytes:
    """A workbook of one sheet: one header row over the numbers (XlsxWriter), dated as evaluate's workbooks
    are (the ruleset's effective date), so the same month gives the same bytes."""
    import xlsxwriter  # type: ignore[import-untyped]  # XlsxWriter ships no type hints

    from ..outputs.xlsx import redated

    when = _stamp(ruleset)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": f"{ruleset.label} {counted.window.month}", "created": when})
    sheet = book.add_worksheet(counted.window.month)
    bold = book.add_format({"bold": True})
    for col, text in enumerate(header(ruleset)):
        sheet.write_string(0, col, text, bold)
    for r, row in enumerate(rows(ruleset, counted), 1):
        _write_row(sheet, r, row)
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, len(header(ruleset)) - 1, 14)
    book.close()
    return redated(buffer.getvalue(), when)


def _stamp(ruleset: Ruleset) -> dt.datetime:
    """The ruleset's effective date (as evaluate's workbooks are dated), held within what a zip entry can say."""
    try:
        day = dt.datetime.strptime(ruleset.effective, "%Y-%m-%d")
    except (TypeError, ValueError):
        return dt.datetime(1980, 1, 1)
    return min(max(day, dt.datetime(1980, 1, 1)), dt.datetime(2107, 12, 31))


def _write_row(sheet: object, r: int, row: Sequence[Cell]) -> None:
    for col, cell in enumerate(row):
        if isinstance(cell, str):
            sheet.write_string(r, col, cell)  # type: ignore[attr-defined]
        else:
            sheet.write_number(r, col, cell)  # type: ignore[attr-defined]


def render_table(ruleset: Ruleset, counted: Counted, console: Console) -> None:
    """The counts on the screen (Rich): the header, one line a unit, numbers right-aligned."""
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    body = [[_text(c) for c in row] for row in rows(ruleset, counted)]
    table = Table(box=None, pad_edge=False, title=f"{counted.ruleset} {counted.window.month}")
    for i, name in enumerate(header(ruleset)):
        # never squeezed to the terminal's width: a unit's name cut short is a different unit
        widest = max([cell_len(name), *(cell_len(r[i]) for r in body)])
        table.add_column(name, justify="left" if i == 0 else "right", no_wrap=True, min_width=widest)
    for row in body:
        table.add_row(*(Text(c) for c in row))
    console.print(table, crop=False)
