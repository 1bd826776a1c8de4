"""The workbook as it prints and reads in Chinese Excel and WPS: A4 landscape one page wide, 宋体 11 pt, and
percent inputs as percentages with the ruleset's decimals (read back with openpyxl; expected values by hand
from the example files)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl

from .conftest import SEED_INPUT, run_cli

RATES = Path("examples/rate-hotline-2025-01.csv")


def workbook(tmp_path: Path, ruleset: str, data: Path, *extra: str) -> openpyxl.Workbook:
    target = tmp_path / "out.xlsx"
    run = run_cli("evaluate", "-r", ruleset, data, "-o", target, *extra)
    assert run.code == 0, run.err
    return openpyxl.load_workbook(io.BytesIO(target.read_bytes()))


def test_the_table_prints_on_a4_landscape_one_page_wide(tmp_path: Path) -> None:
    book = workbook(tmp_path, "jintai-hotline@2024.02", SEED_INPUT, "--period", "2024-02")
    sheet, sources = book.worksheets
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation) == (9, "landscape")  # 9: Excel's code for A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0  # one page wide, as many long as it takes
    assert sheet.print_title_rows == "$2:$3"
    assert sources.page_setup.paperSize == 9


def test_every_cell_is_in_the_body_font(tmp_path: Path) -> None:
    sheet = workbook(tmp_path, "jintai-hotline@2024.02", SEED_INPUT, "--period", "2024-02").worksheets[0]
    for ref in ("B4", "P4", "D2", "B35"):  # a unit's name, a total, a group header, the last unit
        assert (sheet[ref].font.name, sheet[ref].font.sz) == ("宋体", 11)
    assert (sheet["A1"].font.name, sheet["A1"].font.sz, sheet["A1"].font.b) == ("宋体", 14, True)  # the title


def test_percent_inputs_are_percentages_with_the_rulesets_decimals(tmp_path: Path) -> None:
    sheet = workbook(tmp_path, "rate-hotline@2025.01", RATES).worksheets[0]
    assert (sheet["C3"].value, sheet["G3"].value) == ("办结率", "满意率")
    rows = {sheet.cell(r, 2).value: r for r in range(4, sheet.max_row + 1)}
    # 县卫健局: 办结率 100.00%, 满意率 96.00%; 县人社局: 99.00%, 96.50% (the example's own cells); places: 1
    for unit, completion, satisfaction in (("县卫健局", 1, 0.96), ("县人社局", 0.99, 0.965)):
        row = rows[unit]
        assert (sheet.cell(row, 3).value, sheet.cell(row, 7).value) == (completion, satisfaction)
        assert sheet.cell(row, 3).number_format == sheet.cell(row, 7).number_format == "0.0%"
        assert sheet.cell(row, 4).number_format == "0.0"  # the score beside it: a score's decimals, no %
