"""The published February 2024 table, reproduced from the ruleset file.

Every expected number comes from tests/fixtures/published-2024-02.csv, a copy
of the published table; none is computed by the code under test.
"""

from __future__ import annotations

import csv
import json

import pytest

from .conftest import PUBLISHED, SEED_INPUT, run_cli

SCORE_COLUMNS = {
    "completion": "completion_score",
    "timeliness": "timeliness_score",
    "overdue_return": "overdue_return_score",
    "alert": "alert_score",
    "workload": "workload_score",
    "rework": "rework_score",
    "total": "final_score",
}


def published() -> list[dict[str, str]]:
    with open(PUBLISHED, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def two_places(text: str) -> str:
    """The published rework column prints `5`; every score is shown with 2 decimals."""
    return f"{float(text):.2f}" if "." not in text else text


@pytest.fixture(scope="module")
def results() -> list[dict]:
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)["results"]


@pytest.fixture(scope="module")
def table_text() -> str:
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "--period", "2024-02")
    assert run.code == 0, run.err
    return run.out


def test_the_json_ranks_all_32_departments_in_the_published_order(results):
    assert [r["entity"] for r in results] == [row["department"] for row in published()]
    assert [r["rank"] for r in results] == [int(row["serial"]) for row in published()]


@pytest.mark.parametrize("row", published(), ids=lambda row: row["department"])
def test_every_published_score_is_shown_exactly_in_the_json(results, row):
    result = next(r for r in results if r["entity"] == row["department"])
    for key, column in SCORE_COLUMNS.items():
        assert result["display"][key] == two_places(row[column]), key


def test_the_json_keeps_unrounded_scores_and_the_inputs(results):
    first = results[0]
    assert first["inputs"]["due"] == 343 and first["inputs"]["on_time"] == 342
    assert first["scores"]["timeliness"] == pytest.approx(40 * 342 / 343, abs=1e-12)
    assert first["total"] == pytest.approx(35 + 40 * 342 / 343 + 5 + 10 + 5 + 5, abs=1e-12)


def test_the_json_reports_the_population_aggregates():
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "json")
    document = json.loads(run.out)
    # from the published table: Σ overdue returns 44, Σ alerts 3, most completed 343
    assert document["aggregates"] == {
        "total_overdue_returns": 44,
        "total_alerts": 3,
        "total_reworks": 0,
        "max_completed": 343,
    }
    assert document["ruleset"]["name"] == "jintai-hotline" and document["ruleset"]["version"] == "2024.02"
    assert len(document["ruleset"]["sha256"]) == 64 and document["input"]["records"] == 32


def test_the_total_is_the_sum_of_unrounded_scores(results):
    market = next(r for r in results if r["entity"] == "区市场监督管理局")
    # published 93.26; the rounded scores 35.00+40.00+4.89+6.67+1.71+5.00 would give 93.27
    assert market["display"]["total"] == "93.26"
    assert sum(float(market["display"][k]) for k in SCORE_COLUMNS if k != "total") == pytest.approx(93.27)


def test_exact_ties_keep_input_order_and_are_numbered_in_sequence(results):
    tied = [(r["rank"], r["entity"]) for r in results if r["display"]["total"] == "95.01"]
    assert tied == [(16, "区民政局"), (17, "区退役军人事务局")]


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the rendered table, as lists of cell texts."""
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if line.startswith("│") and cells[0].isdigit():
            rows.append(cells)
    return rows


def test_the_table_shows_the_title_and_two_level_header(table_text):
    lines = table_text.splitlines()
    assert lines[0].strip() == "2024年2月区级各部门市民热线办理考评表"
    header = "\n".join(lines[1:6])
    for group in (
        "办结得分（35分）",
        "按期办结得分（40分）",
        "逾期退单得分（5分）",
        "告警工单得分（10分）",
        "工作量得分（5分）",
    ):
        assert group in lines[2], group
    for label in ("序号", "部门名称", "应办结工单数", "返工工单得分（5分）", "最终得分"):
        assert label in lines[3], label
    lower = [c.strip() for c in lines[4].split("│")]
    assert lower.count("工单数") == 4 and lower.count("得分") == 5
    assert "办结工单数量" in lower and "办结最高分值" in lower
    assert "├" in header and "┬" in header


def test_the_table_shows_every_published_number_in_order(table_text):
    rows = table_rows(table_text)
    expected = published()
    assert len(rows) == len(expected) == 32
    for cells, row in zip(rows, expected, strict=False):
        wanted = [
            row["serial"],
            row["department"],
            row["due"],
            row["completed"],
            row["completion_score"],
            row["on_time"],
            row["timeliness_score"],
            row["overdue_returns"],
            row["overdue_return_score"],
            row["alerts"],
            row["alert_score"],
            row["workload_completed"],
            row["workload_max"],
            row["workload_score"],
            two_places(row["rework_score"]),
            row["final_score"],
        ]
        assert cells == wanted


def test_table_columns_line_up_with_chinese_text(table_text):
    from rich.cells import cell_len

    lines = [line for line in table_text.splitlines() if line[:1] in "┌│├└"]
    assert len({cell_len(line) for line in lines}) == 1
    bars = {tuple(i for i, ch in enumerate(_cells(line)) if ch in "│┼┤├┬┴") for line in lines[5:-1]}
    assert len(bars) == 1


def _cells(line: str) -> str:
    """The line with every wide character doubled, so positions are screen columns."""
    from rich.cells import cell_len

    return "".join(ch * cell_len(ch) for ch in line)


def test_a_narrow_terminal_gets_the_scores_only_and_a_note_saying_so():
    import io
    from pathlib import Path

    from kaoping.evaluate.pipeline import evaluate
    from kaoping.outputs.table import render_table
    from kaoping.ruleset.load import load_ruleset
    from rich.cells import cell_len
    from rich.console import Console

    evaluation = evaluate(load_ruleset(Path("rulesets/jintai-hotline/2024.02.yaml")), SEED_INPUT)
    buffer = io.StringIO()
    render_table(evaluation, Console(file=buffer, width=120, force_terminal=True, color_system=None), "2024-02")
    lines = buffer.getvalue().splitlines()
    table = [line for line in lines if line[:1] in "┌│├└"]
    assert max(cell_len(line) for line in table) <= 120
    assert [c.strip() for c in table[1].strip("│").split("│")] == [
        "序号",
        "部门名称",
        "办结",
        "按期办结",
        "逾期退单",
        "告警工单",
        "工作量",
        "返工工单",
        "最终得分",
    ]
    # published row 24, scores only
    assert [c.strip() for c in table[3 + 23].strip("│").split("│")] == [
        "24",
        "区市场监督管理局",
        "35.00",
        "40.00",
        "4.89",
        "6.67",
        "1.71",
        "5.00",
        "93.26",
    ]
    assert lines[-1].startswith("the window is too narrow for the full table")


def test_the_json_has_one_line_per_unit():
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "json")
    lines = [line for line in run.out.splitlines() if line.startswith('    {"rank": ')]
    assert len(lines) == 32 and all(json.loads(line.rstrip(","))["display"] for line in lines)
