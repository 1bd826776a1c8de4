"""Edge cases a review found: each once gave a wrong number, lost data, a crash, or wrote over an input."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from .conftest import ROOT, run_cli

RATE = "rate-hotline@2025.01"
RATE_HEADER = ["单位", "工单量", "办结率", "一次性办结率", "回访率", "满意率", "响应及时率"]


def _rate_book(path: Path, rows: list[list[object]], percent_format: bool = False) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(RATE_HEADER)
    for row in rows:
        ws.append(row)
        if percent_format:
            for cell in ws[ws.max_row][2:]:
                cell.number_format = "0.00%"
    book.save(path)
    return path


def test_excel_percentage_cells_are_read_as_they_are_shown(tmp_path):
    # stored 0.9806, shown 98.06%: rate-hotline reads 98.06
    book = _rate_book(tmp_path / "pct.xlsx", [["城关镇", 312, 0.9806, 0.9125, 1, 0.974, 0.985]], percent_format=True)
    run = run_cli("evaluate", "-r", RATE, book, "-f", "json")
    assert run.code == 0, run.err
    result = json.loads(run.out)["results"][0]
    assert result["inputs"]["completion_rate"] == 98.06
    # 20 × 98.06 / 100 = 19.612; 一次性 91.3 ≥ 90: 25; 满意 97.4 ≥ 96: 20; all three conditions: 15; 及时 98.5: 20
    assert result["display"]["total"] == "99.6"


def test_a_blank_row_inside_a_sheets_table_does_not_end_it(tmp_path):
    rows = [
        ["甲", 100, 99, 95, 100, 97, 99],
        [None] * 7,
        ["乙", 90, 98, 92, 100, 96, 98],
        ["丙", 80, 97, 91, 100, 96, 98],
    ]
    run = run_cli("evaluate", "-r", RATE, _rate_book(tmp_path / "gap.xlsx", rows), "-f", "json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["input"]["records"] == 3


def test_merged_cells_in_the_data_are_refused_at_their_place(tmp_path):
    path = _rate_book(tmp_path / "merged.xlsx", [["甲", 100, 99, 95, 100, 97, 99], ["乙", 90, 98, 92, 100, 96, 98]])
    book = openpyxl.load_workbook(path)
    book.active.merge_cells("C3:D3")
    book.save(path)
    run = run_cli("evaluate", "-r", RATE, path)
    assert run.code == 1
    assert run.err.splitlines()[0] == f"{path}:Sheet!C3:D3: the cells C3:D3 are merged, in the data"


def test_a_sheet_claiming_a_million_rows_is_refused_quickly(tmp_path):
    path = _rate_book(tmp_path / "bomb.xlsx", [["甲", 100, 99, 95, 100, 97, 99]])
    book = openpyxl.load_workbook(path)
    book.active["XFD1048576"] = 1
    book.save(path)
    run = run_cli("evaluate", "-r", RATE, path)
    assert run.code == 1 and "claims 1,048,576 rows × 16,384 columns" in run.err


def test_a_chart_sheet_is_not_read_as_a_table(tmp_path):
    path = _rate_book(tmp_path / "chart.xlsx", [["甲", 100, 99, 95, 100, 97, 99]])
    book = openpyxl.load_workbook(path)
    book.create_chartsheet("图表")
    book.save(path)
    run = run_cli("evaluate", "-r", RATE, path, "--sheet", "图表")
    assert run.code == 1 and "Traceback" not in run.err  # openpyxl cannot even open this file: said as such


def test_diff_and_combine_never_write_over_their_input(tmp_path):
    data = tmp_path / "jan.txt"  # a name whose extension says no format, so -f json and -o agree
    data.write_bytes((ROOT / "examples" / "city-hotline-2025-01.csv").read_bytes())
    before = data.read_bytes()
    diff = run_cli(
        "diff", "-r", "city-hotline@2025.01", "--set", "unfinished.weight=30", data, "-f", "json", "-o", data
    )
    combine = run_cli("combine", "-r", "city-hotline@2025.01", f"2025-01={data}", "-f", "json", "-o", data)
    assert diff.code == combine.code == 1
    assert "that is an input of this run" in diff.err and "that is an input of this run" in combine.err
    assert data.read_bytes() == before


def test_combine_refuses_a_unit_that_changed_group(tmp_path):
    moved = tmp_path / "feb.csv"
    text = (ROOT / "examples" / "city-hotline-2025-02.csv").read_text(encoding="utf-8")
    moved.write_text(text.replace("南山县,县区组", "南山县,功能区"), encoding="utf-8")
    run = run_cli(
        "combine", "-r", "city-hotline@2025.01", "2025-01=examples/city-hotline-2025-01.csv", f"2025-02={moved}"
    )
    assert run.code == 1 and "南山县 is in different groups in different periods (功能区, 县区组)" in run.err


def test_tie_breaks_are_highest_first_even_when_lower_totals_rank_first(tmp_path):
    # order: ascending (fewer points is better); 甲 and 乙 tie on the total, 乙 has the higher tie-break value
    ruleset = tmp_path / "asc.yaml"
    ruleset.write_text(
        'schema: 1\nname: asc\nversion: "1"\ntitle: t\neffective: "2025-01-01"\nentity: {key: u}\n'
        "inputs:\n  - {id: u, type: text, label: 单位}\n  - {id: a, type: number, label: A}\n  - {id: b, type: number, label: B}\n"
        "derived:\n  - {id: quality, formula: b}\n"
        "indicators:\n  - {id: x, label: X, weight: 100, formula: a}\n"
        "total: {max: 100}\nrounding: {places: 2}\nranking: {order: ascending, tie_break: [quality]}\n",
        encoding="utf-8",
    )
    data = tmp_path / "d.csv"
    data.write_text("单位,A,B\n甲,10,1\n乙,10,5\n丙,5,0\n", encoding="utf-8")
    run = run_cli("evaluate", "-r", ruleset, data, "-f", "json")
    assert [(r["rank"], r["entity"]) for r in json.loads(run.out)["results"]] == [(1, "丙"), (2, "乙"), (3, "甲")]


def test_explain_shows_a_penaltys_points_its_cap_and_its_sign():
    run = run_cli("explain", "-r", "city-hotline@2025.01", "examples/city-hotline-2025-01.csv", "市市场监管局")
    # 一次性办结率 55/90 = 61.11%: 90 − 61.11 = 28.89 points, at most the weight 20: −20
    assert "= max(0, 90 - 61.11)" in run.out
    assert "= 28.89 points deducted, counted between 0 and the weight 20" in run.out
    assert "penalty: -20 -> -20.00" in run.out


def test_diff_of_groups_ranked_apart_does_not_pretend_to_a_correlation():
    run = run_cli(
        "diff",
        "-r",
        "city-hotline@2025.01",
        "--set",
        "unfinished.weight=30",
        "examples/city-hotline-2025-01.csv",
        "-f",
        "json",
    )
    assert json.loads(run.out)["summary"]["kendall_tau_b"] is None
