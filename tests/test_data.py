"""The CSV reader on input it must accept, and read exactly.

What it must refuse, and the message it gives, lives in tests/cases/bad-data/
(walked by test_invalid_cases.py); these are the files a spreadsheet writes
that are right, if untidy: a title row above the header, padding cells,
integers written as decimals, wrapped header captions.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kaoping.data.table import read_table
from kaoping.errors import KaopingError
from kaoping.ruleset.load import load_ruleset

from .conftest import ROOT, SEED_INPUT, SEED_RULESET, run_cli

HEADER = "部门名称,应办结工单数,办结工单数,按期办结工单数,逾期退单工单数,告警工单数"
NUMBER_RULESET = ROOT / "tests" / "cases" / "bad-data" / "number-with-digit-separator.yaml"


def read(tmp_path: Path, text: str, ruleset: Path = SEED_RULESET):
    data = tmp_path / "input.csv"
    data.write_text(text, encoding="utf-8", newline="")
    return read_table(data, load_ruleset(ruleset))


def results(path: Path) -> list[dict]:
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", path, "-f", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)["results"]


def test_a_whole_number_too_long_for_a_float_is_read_exactly(tmp_path):
    table = read(tmp_path, f"{HEADER}\n甲局,12345678901234567891,12345678901234567891,1,0,0\n")
    due = table.records[0].values["due"]
    assert type(due) is int and due == 12345678901234567891  # float() would make it ...7168


@pytest.mark.parametrize(
    ("cell", "value"), [("12.0", 12), ("3.43e2", 343), ("1.2E1", 12), ("+7", 7), (" 9 ", 9), ("-0", 0)]
)
def test_an_integral_decimal_is_a_whole_number(tmp_path, cell, value):
    table = read(tmp_path, f"{HEADER}\n甲局,400,{cell},0,0,0\n")
    completed = table.records[0].values["completed"]
    assert type(completed) is int and completed == value


@pytest.mark.parametrize(("cell", "value"), [("95.5", 95.5), ("3.5e1", 35.0), ("0.1", 0.1), ("100", 100.0)])
def test_a_number_column_reads_decimals_and_exponents(tmp_path, cell, value):
    table = read(tmp_path, f"部门名称,满意度\n甲局,{cell}\n", NUMBER_RULESET)
    assert table.records[0].values["satisfaction"] == value


@pytest.mark.parametrize(
    "title",
    [
        "2024年2月区级各部门市民热线办理考评表",
        "2024年2月区级各部门市民热线办理考评表,,,,,",
        "\n2024年2月区级各部门市民热线办理考评表\n\n单位：件",
    ],
    ids=["a bare title", "a title padded with commas", "blank lines, a title and a unit line"],
)
def test_title_rows_above_the_header_are_skipped_and_scores_are_those_of_the_example(tmp_path, title):
    with_title = tmp_path / "with-title.csv"
    with_title.write_text(f"{title}\n" + SEED_INPUT.read_text(encoding="utf-8"), encoding="utf-8")
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", with_title, "-f", "json")
    assert run.code == 0, run.err
    assert "note:" not in run.err, "a title row is not a column"
    assert json.loads(run.out)["results"] == results(SEED_INPUT)


def test_with_a_title_row_every_record_keeps_its_line_in_the_file(tmp_path):
    table = read(tmp_path, f"考评表\n\n{HEADER}\n甲局,4,4,4,0,0\n\n乙局,12,12,11,0,0\n")
    assert [r.row for r in table.records] == [4, 6]


def test_a_tab_separated_file_under_a_bare_title_is_read_as_tab_separated(tmp_path):
    text = "考评表\n" + HEADER.replace(",", "\t") + "\n甲局\t4\t4\t4\t0\t0\n"
    table = read(tmp_path, text)
    assert table.records[0].values == {
        "department": "甲局",
        "due": 4,
        "completed": 4,
        "on_time": 4,
        "overdue_returns": 0,
        "alerts": 0,
        "reworks": 0,
    }


def test_the_header_is_searched_for_in_the_first_ten_non_empty_rows_only(tmp_path):
    titles = "".join(f"说明第{i}行\n\n" for i in range(1, 10))
    assert read(tmp_path, f"{titles}{HEADER}\n甲局,4,4,4,0,0\n").records[0].row == 20
    with pytest.raises(KaopingError) as raised:
        read(tmp_path, f"{titles}说明第10行\n{HEADER}\n甲局,4,4,4,0,0\n")
    assert {p.line for p in raised.value.problems} == {1}, "beyond ten rows, the first row is taken as the header"


def test_empty_cells_beyond_the_header_are_ignored(tmp_path):
    table = read(tmp_path, f"{HEADER}\n甲局,4,4,4,0,0,,, \n乙局,12,12,11,0,0,,\n")
    assert [r.values["department"] for r in table.records] == ["甲局", "乙局"]


def test_a_header_wrapped_onto_two_lines_in_its_cell_still_names_its_column(tmp_path):
    header = HEADER.replace("应办结工单数", '"应办结\n工单数"')
    table = read(tmp_path, f"{header}\n甲局,4,4,4,0,0\n")
    assert table.records[0].values["due"] == 4
    assert table.records[0].row == 3


def test_a_quoted_cell_holding_a_comma_is_one_cell(tmp_path):
    table = read(tmp_path, f'{HEADER}\n"区民政局,老龄办",4,4,4,0,0\n')
    assert table.records[0].values["department"] == "区民政局,老龄办"


def test_surrounding_whitespace_in_a_cell_is_not_a_control_character(tmp_path):
    table = read(tmp_path, f"{HEADER}\r\n 甲局\t,4 ,4,4,0,0\r\n")
    assert table.records[0].values["department"] == "甲局"
