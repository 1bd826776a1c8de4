"""A workbook described cell by cell as openpyxl reads it back: what tests/test_excel_writer.py compares with the
description of the workbooks the openpyxl writer made (tests/fixtures/xlsx-layout.json, written once by
`python -m tests.excel_layout` before the writer moved to XlsxWriter)."""

from __future__ import annotations

import importlib.metadata
import io
import json
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import MergedCell

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "xlsx-layout.json"
# (name, ruleset, input, period, --set): the layouts the writer makes (two header rows, one, sections, what-if)
CASES = (
    ("seed", "rulesets/jintai-hotline/2024.02.yaml", "examples/jintai-hotline-2024-02.csv", "2024-02", ()),
    (
        "what-if",
        "rulesets/jintai-hotline/2024.02.yaml",
        "examples/jintai-hotline-2024-02.csv",
        "2024-02",
        ("rounding.places=1",),
    ),
    ("city", "rulesets/city-hotline/2025.01.yaml", "examples/city-hotline-2025-01.csv", "2025-01", ()),
    ("city-no-period", "rulesets/city-hotline/2025.01.yaml", "examples/city-hotline-2025-01.csv", None, ()),
)


def describe(data: bytes) -> dict:
    """Every sheet's cells (value, type, number format, bold, alignment, borders), merged ranges, widths, row
    heights, frozen panes and print titles; the kaoping version is left out (it changes with every release)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    version = importlib.metadata.version("kaoping")
    sheets = []
    for sheet in book.worksheets:
        cells = []
        for row in sheet.iter_rows():
            for c in row:
                if isinstance(c, MergedCell) or (c.value is None and not c.has_style):
                    continue
                b = c.border
                cells.append(
                    [
                        c.coordinate,
                        "<version>" if c.value == version else c.value,
                        c.data_type,
                        c.number_format,
                        bool(c.font.b),
                        c.font.sz if c.coordinate == "A1" and sheet is book.worksheets[0] else None,  # the title's
                        c.alignment.horizontal,
                        c.alignment.vertical,
                        bool(c.alignment.wrap_text),
                        [b.left.style, b.right.style, b.top.style, b.bottom.style],
                    ]
                )
        sheets.append(
            {
                "name": sheet.title,
                "max_row": sheet.max_row,
                "max_column": sheet.max_column,
                "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
                "freeze_panes": sheet.freeze_panes,
                "widths": widths(sheet),
                "heights": {str(k): d.height for k, d in sorted(sheet.row_dimensions.items()) if d.height},
                "print_title_rows": sheet.print_title_rows,
                "landscape": sheet.page_setup.orientation,
                "cells": cells,
            }
        )
    return {
        "sheets": sheets,
        "title": book.properties.title,
        "creator": book.properties.creator.replace(version, "<version>"),
    }


def widths(sheet) -> dict[str, float]:
    """Each column's width, as Excel shows it: a <col min max> range gives every column in it its width (XlsxWriter
    writes equal neighbours as one range, openpyxl each alone)."""
    from openpyxl.utils import get_column_letter

    out = {}
    for dim in sheet.column_dimensions.values():
        if dim.customWidth:
            for col in range(dim.min, dim.max + 1):
                out[get_column_letter(col)] = dim.width
    return dict(sorted(out.items(), key=lambda kv: (len(kv[0]), kv[0])))


def written(case: tuple) -> bytes:
    from kaoping.evaluate.pipeline import evaluate
    from kaoping.outputs.xlsx import to_xlsx
    from kaoping.ruleset.load import load_ruleset
    from kaoping.ruleset.whatif import parse_overrides

    _, ruleset, data, period, sets = case
    loaded = load_ruleset(Path(ruleset), ruleset, parse_overrides(list(sets)))
    return to_xlsx(evaluate(loaded, Path(data), data), period)


def dumped(layouts: dict) -> str:
    """The layouts as JSON with one cell a line, so that a change reads as the cells it changed."""
    lines = []
    for name, layout in layouts.items():
        sheets = []
        for sheet in layout["sheets"]:
            head = {k: v for k, v in sheet.items() if k != "cells"}
            cells = ",\n".join(json.dumps(c, ensure_ascii=False) for c in sheet["cells"])
            sheets.append(json.dumps(head, ensure_ascii=False)[:-1] + ', "cells": [\n' + cells + "\n]}")
        rest = json.dumps({k: v for k, v in layout.items() if k != "sheets"}, ensure_ascii=False)[1:]
        lines.append(json.dumps(name) + ': {"sheets": [\n' + ",\n".join(sheets) + "\n], " + rest)
    return "{\n" + ",\n".join(lines) + "\n}\n"


if __name__ == "__main__":
    FIXTURE.write_text(dumped({c[0]: describe(written(c)) for c in CASES}), encoding="utf-8")
