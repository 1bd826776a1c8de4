"""Excel input: the first sheet or a named one, title rows, two-level merged headers, numbers stored as text."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import openpyxl

from .conftest import PUBLISHED, ROOT, SEED_INPUT, edited_copy, run_cli

HEADER = ["部门名称", "应办结工单数", "办结工单数", "按期办结工单数", "逾期退单工单数", "告警工单数"]


def seed_rows() -> list[list[object]]:
    with open(SEED_INPUT, encoding="utf-8-sig") as f:
        return [[row[0], *map(int, row[1:])] for row in list(csv.reader(f))[1:]]


def published_totals() -> list[tuple[str, str]]:
    with open(PUBLISHED, encoding="utf-8") as f:
        return [(r["department"], r["final_score"]) for r in csv.DictReader(f)]


def totals(path: Path, *extra: str) -> list[tuple[str, str]]:
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", path, "-f", "json", *extra)
    assert run.code == 0, run.err
    return [(r["entity"], r["display"]["total"]) for r in json.loads(run.out)["results"]]


def test_a_sheet_with_a_title_row_numbers_as_text_and_trailing_empty_rows_scores_like_the_csv(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["2024年2月区级各部门市民热线办理考评表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    ws.append(HEADER)
    for i, row in enumerate(seed_rows()):
        ws.append([row[0], *(str(v) if i % 2 else v for v in row[1:])])  # every other row: numbers stored as text
    for _ in range(3):
        ws.append([None] * 6)
    path = tmp_path / "month.xlsx"
    book.save(path)
    assert totals(path) == published_totals()


def test_a_named_sheet_is_read_and_a_missing_one_is_named(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表为示例"])
    data = book.create_sheet("2月")
    data.append(HEADER)
    for row in seed_rows():
        data.append(row)
    path = tmp_path / "book.xlsx"
    book.save(path)
    assert totals(path, "--sheet", "2月") == published_totals()
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", path, "--sheet", "3月")
    assert run.code == 1 and "the workbook has no sheet '3月'" in run.err and "说明, 2月" in run.err


def test_the_published_two_level_merged_header_is_read(tmp_path):
    # the published layout: 部门名称 and 应办结工单数 merged over two rows; 办结得分（35分） over 工单数 and 得分
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(
        [
            "序号",
            "部门名称",
            "应办结工单数",
            "办结得分（35分）",
            None,
            "按期办结得分（40分）",
            None,
            "逾期退单得分（5分）",
            None,
            "告警工单得分（10分）",
            None,
        ]
    )
    ws.append([None, None, None, "工单数", "得分", "工单数", "得分", "工单数", "得分", "工单数", "得分"])
    for start, end in (
        ("A1", "A2"),
        ("B1", "B2"),
        ("C1", "C2"),
        ("D1", "E1"),
        ("F1", "G1"),
        ("H1", "I1"),
        ("J1", "K1"),
    ):
        ws.merge_cells(f"{start}:{end}")
    for n, (name, due, completed, on_time, overdue, alerts) in enumerate(seed_rows(), start=1):
        ws.append([n, name, due, completed, 0.0, on_time, 0.0, overdue, 0.0, alerts, 0.0])
    path = tmp_path / "published.xlsx"
    book.save(path)
    assert sorted(totals(path)) == sorted(published_totals())


def test_a_bad_cell_is_named_as_excel_names_it(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Sheet1"
    ws.append(HEADER)
    rows = seed_rows()
    for row in rows[:5]:
        ws.append(row)
    ws.append(["区X", 3, 3, "三", 0, 0])  # row 7, column D: 按期办结工单数
    path = tmp_path / "bad.xlsx"
    book.save(path)
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", path)
    assert run.code == 1
    assert run.err.splitlines()[0] == f"{path}:Sheet1!D7: 按期办结工单数 (on_time): '三' is not a number"


def test_an_old_xls_file_gets_told_to_save_as_xlsx(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", path)
    assert run.code == 1 and "save it as .xlsx" in run.err


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("not a zip", encoding="utf-8")
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", path)
    assert run.code == 1 and "this is not an Excel workbook kaoping can read" in run.err


def test_printing_the_table_does_not_import_openpyxl():
    code = (
        "import io, sys; import kaoping.cli as cli; "
        "cli.main(['evaluate', '-r', 'jintai-hotline@2024.02', 'examples/jintai-hotline-2024-02.csv'], stdout=io.StringIO()); "
        "print('openpyxl' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.stdout.strip() == "False", proc.stderr


def test_csv_for_excel_starts_with_a_bom(tmp_path):
    out = tmp_path / "t.csv"
    assert run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "csv", "--excel", "-o", out).code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "部门名称" in data[3:].decode("utf-8")


def test_an_excel_file_cannot_go_to_the_screen():
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "xlsx")
    assert run.code == 2 and "give -o FILE.xlsx" in run.err


def test_kaopings_own_csv_reads_back_as_input(tmp_path):
    out = tmp_path / "published.csv"
    assert run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "csv", "-o", out).code == 0
    assert totals(out) == published_totals()


def test_the_seed_round_trips_through_kaopings_own_xlsx(tmp_path):
    out = tmp_path / "2024-02.xlsx"
    run = run_cli(
        "evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "xlsx", "--period", "2024-02", "-o", out
    )
    assert run.code == 0, run.err
    again = run_cli("evaluate", "-r", "jintai-hotline@2024.02", out, "-f", "json")
    assert again.code == 0, again.err
    results = json.loads(again.out)["results"]
    assert [(r["entity"], r["display"]["total"]) for r in results] == published_totals()
    with open(PUBLISHED, encoding="utf-8") as f:
        inputs = {
            r["department"]: (
                int(r["due"]),
                int(r["completed"]),
                int(r["on_time"]),
                int(r["overdue_returns"]),
                int(r["alerts"]),
            )
            for r in csv.DictReader(f)
        }
    assert {
        r["entity"]: tuple(r["inputs"][k] for k in ("due", "completed", "on_time", "overdue_returns", "alerts"))
        for r in results
    } == inputs


def test_a_grouped_table_with_section_rows_and_notes_round_trips_when_it_shows_every_input(tmp_path):
    """city-hotline's own layout shows rates, not counts; with a report that shows every input, the
    xlsx (section title rows 县区组 …, lists and flags under the table) reads back to the same result."""
    text = (ROOT / "rulesets" / "city-hotline" / "2025.01.yaml").read_text(encoding="utf-8")
    report = text.index("report:")
    text = text[:report] + (
        "report:\n  columns: [rank, unit, group, due, completed, first_contact, visited, satisfied,"
        " nonstandard, overdue, commended, total, grade]\n"
    )
    ruleset = tmp_path / "all-inputs.yaml"
    ruleset.write_text(edited_copy(text), encoding="utf-8")
    data = ROOT / "examples" / "city-hotline-2025-01.csv"
    book = tmp_path / "out.xlsx"
    assert run_cli("evaluate", "-r", ruleset, data, "-f", "xlsx", "-o", book).code == 0
    first = run_cli("evaluate", "-r", ruleset, data, "-f", "json")
    again = run_cli("evaluate", "-r", ruleset, book, "-f", "json")
    assert again.code == 0, again.err

    def summary(run):
        return [(r["entity"], r["rank"], r["display"]["total"], r["grade"]) for r in json.loads(run.out)["results"]]  # noqa: E731

    assert summary(again) == summary(first)
    assert len(summary(again)) == 12
