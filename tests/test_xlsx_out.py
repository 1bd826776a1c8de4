"""The published table as an Excel workbook (engine/outputs/xlsx.py), read back with openpyxl.

Every expected number comes from tests/fixtures/published-2024-02.csv (the
published February 2024 table) or from hand arithmetic written beside it;
the provenance with the sha256 of the files' bytes computed here, and the
lines under the table with a hand ranking (and with the terminal's).
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import io
import json
import numbers
from pathlib import Path

import openpyxl
import pytest
from kaoping.evaluate.pipeline import evaluate
from kaoping.outputs.xlsx import sheet_name, to_xlsx
from kaoping.ruleset.load import load_ruleset
from kaoping.ruleset.whatif import parse_overrides
from openpyxl.cell.cell import MergedCell

from .conftest import PUBLISHED, ROOT, SEED_INPUT, SEED_RULESET, run_cli

CITY_RULESET = ROOT / "rulesets" / "city-hotline" / "2025.01.yaml"
CITY_INPUT = ROOT / "examples" / "city-hotline-2025-01.csv"

SEED_TITLE = "2024年2月区级各部门市民热线办理考评表"
# the published layout: 16 columns, the two header rows as printed
SEED_ROW2 = [
    "序号", "部门名称", "应办结工单数",
    "办结得分（35分）", None, "按期办结得分（40分）", None, "逾期退单得分（5分）", None, "告警工单得分（10分）", None,
    "工作量得分（5分）", None, None, "返工工单得分（5分）", "最终得分",
]  # fmt: skip
SEED_ROW3 = [
    None, None, None, "工单数", "得分", "工单数", "得分", "工单数", "得分", "工单数", "得分",
    "办结工单数量", "办结最高分值", "得分", None, None,
]  # fmt: skip
SEED_MERGED = {"A1:P1", "A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:G2", "H2:I2", "J2:K2", "L2:N2", "O2:O3", "P2:P3"}
# published CSV columns that are scores (shown rounded, '0.00'), by position in the 16 columns
SCORE_POSITIONS = {4, 6, 8, 10, 13, 14, 15}  # E G I K N O P


def workbook_for(ruleset: Path, data: Path, period: str | None, sets: tuple[str, ...] = ()) -> openpyxl.Workbook:
    loaded = load_ruleset(ruleset, str(ruleset.relative_to(ROOT)), parse_overrides(list(sets)))
    evaluation = evaluate(loaded, data, str(data.relative_to(ROOT)) if data.is_relative_to(ROOT) else str(data))
    written = to_xlsx(evaluation, period)
    assert isinstance(written, bytes) and written[:2] == b"PK"  # a zip: what an .xlsx is
    return openpyxl.load_workbook(io.BytesIO(written))


def published() -> list[list[str]]:
    with open(PUBLISHED, encoding="utf-8") as f:
        return list(csv.reader(f))[1:]


def merged(sheet) -> set[str]:
    return {str(r) for r in sheet.merged_cells.ranges}


def row_values(sheet, row: int) -> list:
    return [c.value for c in sheet[row]]


def is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


@pytest.fixture(scope="module")
def seed() -> openpyxl.Workbook:
    return workbook_for(SEED_RULESET, SEED_INPUT, "2024-02")


@pytest.fixture(scope="module")
def city() -> openpyxl.Workbook:
    return workbook_for(CITY_RULESET, CITY_INPUT, "2025-01")


# --- the seed: the published table ------------------------------------------------------------


def test_the_table_sheet_is_named_after_the_title_and_the_provenance_sheet_is_second(seed):
    assert seed.sheetnames == [SEED_TITLE, "来源"]


def test_the_title_row_spans_the_16_columns_bold_and_centred(seed):
    sheet = seed.worksheets[0]
    assert sheet.max_column == 16
    assert sheet["A1"].value == SEED_TITLE
    assert sheet["A1"].font.b and sheet["A1"].alignment.horizontal == "center"
    assert "A1:P1" in merged(sheet)


def test_the_merged_ranges_are_exactly_the_published_two_level_header(seed):
    assert merged(seed.worksheets[0]) == SEED_MERGED


def test_the_header_texts_are_the_published_ones(seed):
    sheet = seed.worksheets[0]
    assert row_values(sheet, 2) == SEED_ROW2
    assert row_values(sheet, 3) == SEED_ROW3
    # openpyxl reads back a merged range's style on its first cell only
    assert all(
        c.font.b and c.alignment.horizontal == "center" for c in sheet[2] + sheet[3] if not isinstance(c, MergedCell)
    )


def test_the_header_stays_visible(seed):
    assert seed.worksheets[0].freeze_panes == "A4"


def test_every_value_equals_the_published_table_as_a_number(seed):
    sheet = seed.worksheets[0]
    expected = published()
    assert len(expected) == 32
    assert sheet.max_row == 3 + 32  # no section titles, no lists or flags under the seed's table
    for n, want in enumerate(expected):
        got = row_values(sheet, 4 + n)
        assert got[1] == want[1]  # the department, as text
        for i, text in enumerate(want):
            if i == 1:
                continue
            assert is_number(got[i]), (want[1], i, got[i])
            if i in SCORE_POSITIONS:
                # the value shown, not the unrounded score: 39.88, not 39.883381924198254
                assert got[i] == float(text) and round(got[i], 2) == round(float(text), 2), (want[1], i, got[i], text)
            else:  # rank and counts are integers
                assert isinstance(got[i], int) and got[i] == int(text), (want[1], i, got[i], text)


def test_score_cells_show_two_decimals_and_counts_are_plain_integers(seed):
    sheet = seed.worksheets[0]
    for row in range(4, 36):
        for col in range(1, 17):
            fmt = sheet.cell(row, col).number_format
            if col - 1 in SCORE_POSITIONS:
                assert fmt == "0.00", (row, col, fmt)
            else:
                assert fmt == "General", (row, col, fmt)
    # 区卫生健康局 40 × 35 / 40 = 35: the number 35, shown as 35.00
    assert sheet["E5"].value == 35 and sheet["E5"].number_format == "0.00"


def test_every_table_cell_has_a_border_and_the_title_has_none(seed):
    sheet = seed.worksheets[0]
    for row in sheet.iter_rows(min_row=2, max_row=35, max_col=16):
        for c in row:
            if isinstance(c, MergedCell):  # openpyxl reads back only the outer edges of a merged range
                continue
            sides = (c.border.left, c.border.right, c.border.top, c.border.bottom)
            assert all(s.style == "thin" for s in sides), c.coordinate
    assert sheet["A1"].border.bottom.style is None


def test_column_widths_fit_chinese_text(seed):
    sheet = seed.worksheets[0]
    # the longest department, 市自然资源和规划局金台分局: 13 characters, each two wide, + 2
    assert sheet.column_dimensions["B"].width == 13 * 2 + 2
    # 返工工单得分（5分）: 9 wide characters and one digit, + 2
    assert sheet.column_dimensions["O"].width == 9 * 2 + 1 + 2
    # 序号 (4) is wider than any rank (2): 4 + 2
    assert sheet.column_dimensions["A"].width == 4 + 2
    # 工作量得分（5分） (8 wide + 1 = 17) fits over L:N (办结工单数量 12+2, 办结最高分值 12+2, 得分 4+2)
    assert sum(sheet.column_dimensions[k].width for k in "LMN") >= 17 + 2


def test_the_provenance_sheet_names_the_files_by_their_own_sha256(seed):
    sheet = seed["来源"]
    facts = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert sheet["A1"].value == "key" and sheet["B1"].value == "value"
    # the digests of the files' bytes, computed here, not taken from any output of kaoping
    assert facts["ruleset.sha256"] == hashlib.sha256(SEED_RULESET.read_bytes()).hexdigest()
    assert facts["input.sha256"] == hashlib.sha256(SEED_INPUT.read_bytes()).hexdigest()
    assert facts["kaoping"] == importlib.metadata.version("kaoping")  # the installed package's version (pyproject.toml)
    assert facts["ruleset.name"] == "jintai-hotline"
    assert facts["ruleset.version"] == "2024.02"
    assert facts["ruleset.path"] == "rulesets/jintai-hotline/2024.02.yaml"  # as workbook_for names it
    assert facts["input.path"] == "examples/jintai-hotline-2024-02.csv"
    assert facts["input.records"] == 32  # the published table's 32 departments
    assert facts["period"] == "2024-02"
    assert facts["ruleset.what_if"] in (None, "")  # not a what-if


def test_the_provenance_sheet_agrees_with_the_json_output(seed):
    run = run_cli(
        "evaluate",
        "-r",
        SEED_RULESET.relative_to(ROOT),
        SEED_INPUT.relative_to(ROOT),
        "-f",
        "json",
        "--period",
        "2024-02",
    )
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    facts = {row[0]: row[1] for row in seed["来源"].iter_rows(min_row=2, values_only=True)}
    assert (facts["ruleset.sha256"], facts["input.sha256"], facts["kaoping"]) == (
        doc["ruleset"]["sha256"],
        doc["input"]["sha256"],
        doc["kaoping"],
    )


# --- other layouts ----------------------------------------------------------------------------


def test_a_what_if_is_said_on_both_sheets_and_one_decimal_shows_as_0_0():
    book = workbook_for(SEED_RULESET, SEED_INPUT, "2024-02", ("rounding.places=1",))
    sheet = book.worksheets[0]
    # 区人力资源和社会保障局: 40 × 342 / 343 = 39.883... -> 39.9; total 35 + 39.883 + 5 + 10 + 5 + 5 = 99.883... -> 99.9
    assert sheet["B4"].value == "区人力资源和社会保障局"
    assert sheet["G4"].value == 39.9 and sheet["G4"].number_format == "0.0"
    assert sheet["P4"].value == 99.9 and sheet["P4"].number_format == "0.0"
    assert sheet["D4"].value == 343 and sheet["D4"].number_format == "General"
    below = [sheet.cell(r, 1).value for r in range(36, sheet.max_row + 1)]
    assert any(v and "WHAT-IF" in v and "rounding.places=1" in v for v in below), below
    facts = {row[0]: row[1] for row in book["来源"].iter_rows(min_row=2, values_only=True)}
    assert facts["ruleset.what_if"] == "rounding.places=1"


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    with open(SEED_INPUT, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    formula = '=HYPERLINK("http://example.invalid","x")'
    rows[1][rows[0].index("部门名称")] = formula
    data = tmp_path / "input.csv"
    with open(data, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    sheet = workbook_for(SEED_RULESET, data, "2024-02").worksheets[0]
    found = [c for c in sheet["B"] if c.value == formula]
    assert len(found) == 1 and found[0].data_type == "s"


def test_a_report_without_groups_has_one_header_row(tmp_path):
    text = SEED_RULESET.read_text(encoding="utf-8")
    head = text[: text.index("\nreport:")]
    ruleset = tmp_path / "2024.02.yaml"
    ruleset.write_text(head + '\nreport:\n  title: "{year}年{month}月考评"\n', encoding="utf-8")
    loaded = load_ruleset(ruleset, str(ruleset))
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(evaluate(loaded, SEED_INPUT, str(SEED_INPUT)), "2024-02")))
    sheet = book.worksheets[0]
    # rank, the department, the six indicators, the total: 9 columns, one header row
    assert book.sheetnames[0] == "2024年2月考评"
    assert row_values(sheet, 2) == [
        "排名", "部门名称", "办结（35分）", "按期办结（40分）", "逾期退单（5分）", "告警工单（10分）", "工作量（5分）", "返工工单（5分）", "最终得分",
    ]  # fmt: skip
    assert merged(sheet) == {"A1:I1"}
    assert sheet.freeze_panes == "A3"
    assert row_values(sheet, 3)[:2] == [1, "区人力资源和社会保障局"] and sheet["I3"].value == 99.88


def test_sheet_names_follow_excels_rules():
    assert sheet_name(SEED_TITLE) == SEED_TITLE
    assert sheet_name("2024/02 考评[草稿]?") == "2024_02 考评_草稿__"
    assert len(sheet_name("考" * 40)) == 31
    assert sheet_name("") == sheet_name("'") == sheet_name("来源") == sheet_name("History") == "考评表"


# --- city-hotline: groups ranked apart, the units not ranked, grades ---------------------------

# (rank, unit, total, grade) by hand: each starts at full marks (县区组 150, others 100), loses its
# deductions, gains its bonus, never above full marks; grade on total ÷ full marks × 100
CITY_SECTIONS = [
    ("县区组", [
        (1, "西城区", 150.00, "优秀"),   # nothing lost; bonus 6 capped at 5, total capped at 150
        (1, "北川县", 150.00, "优秀"),   # 150 − 1 overdue + 1 bonus
        (3, "东城区", 140.50, "优秀"),   # 150 − 2×5 − 0.5 − 2 + 3 = 140.5; 93.7%
        (4, "南山县", 103.67, "合格"),   # 150 − 20 − (90−75) − 0.5×(96−83.33) − 2 − 3 = 103.665; 69.1%
    ]),
    ("市直部门组", [
        (1, "市交通局", 100.00, "优秀"),
        (1, "市教育局", 100.00, "优秀"),
        (3, "市住建局", 92.46, "优秀"),  # 100 − 4 − (90−86.96) − 0.5 − 1 − 1 + 2
        (4, "市市场监管局", 47.73, "不合格"),  # 100 − 10 − 20 − 0.5×(96−65.45) − 3 − 4 = 47.725
    ]),
    ("功能区", [
        (1, "高新区", 100.00, "优秀"),   # 100 − 0.5 + 2, capped
        (2, "综保区", 99.92, "优秀"),    # 100 − 0.5×(96−95.83) = 99.915
        (3, "经开区", 95.00, "优秀"),    # 100 − 2×2 − 1
    ]),
    ("办件量不足20件，不参与排名", [
        (None, "市档案馆", 100.00, "优秀"),  # 8 orders due: scored, not ranked
    ]),
]  # fmt: skip


def test_each_section_has_a_title_row_across_the_table(city):
    sheet = city.worksheets[0]
    assert city.sheetnames == ["2025年1月12345热线承办单位考评（示例）", "来源"]
    assert sheet.max_column == 14
    titles = {"A4:N4", "A9:N9", "A14:N14", "A18:N18"}
    header = {"A1:N1", "G2:K2"} | {f"{c}2:{c}3" for c in "ABCDEFLMN"}
    assert merged(sheet) == titles | header
    row = 4
    for label, units in CITY_SECTIONS:
        assert sheet.cell(row, 1).value == label and sheet.cell(row, 1).font.b
        row += 1 + len(units)
    assert sheet.freeze_panes == "A4"


def test_the_rows_ranks_totals_and_grades(city):
    sheet = city.worksheets[0]
    assert row_values(sheet, 2)[12:] == ["得分", "等级"]
    row = 4
    for _, units in CITY_SECTIONS:
        row += 1
        for rank, unit, total, grade in units:
            got = row_values(sheet, row)
            assert (got[0], got[1]) == (rank, unit)
            assert is_number(got[12]) and round(got[12], 2) == total and sheet.cell(row, 13).number_format == "0.00"
            assert got[13] == grade and isinstance(got[13], str)
            row += 1


def test_penalties_are_negative_numbers_and_rates_show_two_decimals(city):
    sheet = city.worksheets[0]
    nanshan = next(r for r in range(4, 20) if sheet.cell(r, 2).value == "南山县")
    got = row_values(sheet, nanshan)
    # 办结率 80/90 = 88.89%, 一次性 60/80 = 75%, 满意率 50/60 = 83.33%
    assert got[3:6] == [88.89, 75, 83.33]
    assert all(sheet.cell(nanshan, c).number_format == "0.00" for c in (4, 5, 6))
    # 未办结 −2×10, 一次性 −15, 满意度 −0.5×12.67 = −6.335 -> −6.34, 不规范 −0.5×4, 超期 −3, 加分 0
    assert got[6:12] == [-20, -15, -6.34, -2, -3, 0]


def test_the_lists_and_flags_follow_the_table_as_on_screen(city):
    sheet = city.worksheets[0]
    below = [sheet.cell(r, 1).value for r in range(20, sheet.max_row + 1)]
    assert below[0] is None  # a blank row under the table (row 19 is 市档案馆, the last unit)
    lines = below[1:]
    # by hand: the top two of each group (ties at the cut-off included), and the one unit with a rate under 70%
    assert lines[:3] == [
        "红榜 · 县区组: 西城区、北川县",
        "红榜 · 市直部门组: 市交通局、市教育局",
        "红榜 · 功能区: 高新区、综保区",
    ]
    # 黑榜, the bottom 3 overall on the share of each group's full marks (the groups' full marks differ):
    # 市市场监管局 47.73/100 = 47.73%, 南山县 103.67/150 = 69.11%, 市住建局 92.46/100 = 92.46%;
    # the next, 东城区 140.50/150 = 93.67%, is not on it
    assert lines[3] == "黑榜: 市市场监管局、南山县、市住建局"
    assert lines[4] == "低于最低标准（任一率低于70%）: 市市场监管局"  # 一次性 61.11%, 满意率 65.45%
    assert len(lines) == 5
    # and every line as the terminal prints it under its table
    run = run_cli("evaluate", "-r", CITY_RULESET.relative_to(ROOT), CITY_INPUT.relative_to(ROOT), "--period", "2025-01")
    assert run.code == 0, run.err
    screen = run.out.splitlines()
    bottom = next(i for i, line in enumerate(screen) if line.startswith("└"))
    assert lines == screen[bottom + 1 : bottom + 6]
