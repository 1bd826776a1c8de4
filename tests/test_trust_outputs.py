"""Issue 8, outputs: what an evaluation produces says what it is, and reads back as it was written.

Expected values come from the published February 2024 table
(tests/fixtures/published-2024-02.csv) or from hand arithmetic written
beside them; the seed's aggregates are the published ones (逾期退单总数 44,
办结最高分值 343, 告警工单总数 3).
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
import zipfile
from dataclasses import replace
from decimal import InvalidOperation
from pathlib import Path

import openpyxl
import pytest
from kaoping.evaluate.pipeline import evaluate
from kaoping.evaluate.scoring import _reason
from kaoping.outputs.html import to_html
from kaoping.outputs.machine import provenance_json, to_csv, to_json
from kaoping.outputs.md import to_markdown
from kaoping.outputs.table import footer
from kaoping.outputs.xlsx import to_xlsx
from kaoping.ruleset.load import load_ruleset

from .conftest import PUBLISHED, ROOT, SEED_INPUT, SEED_RULESET, run_cli

SEED = "jintai-hotline@2024.02"
WHAT_IF = ("--set", "timeliness.weight=45", "--set", "completion.weight=30")
WHAT_IF_ROW = (
    "WHAT-IF, not an adopted ruleset: jintai-hotline@2024.02 (what-if: timeliness.weight=45, completion.weight=30)"
)
# the published layout's 16 headers, as -f csv writes them
SEED_HEADER_START = ["序号", "部门名称", "应办结工单数", "办结得分（35分）/工单数"]


def published_totals() -> dict[str, str]:
    with open(PUBLISHED, encoding="utf-8") as f:
        return {row["department"]: row["final_score"] for row in csv.DictReader(f)}


def totals(json_text: str) -> dict[str, str]:
    return {r["entity"]: r["display"]["total"] for r in json.loads(json_text)["results"]}


def seed_rows() -> list[list[str]]:
    with open(SEED_INPUT, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def seed_evaluation(ruleset=None):
    loaded = ruleset or load_ruleset(SEED_RULESET, str(SEED_RULESET.relative_to(ROOT)))
    return evaluate(loaded, SEED_INPUT, str(SEED_INPUT.relative_to(ROOT)))


# --- item 8: a what-if CSV says so in itself --------------------------------------------------


def test_a_what_if_csv_carries_its_marker_in_a_title_row_above_the_header(tmp_path):
    out = tmp_path / "wi.csv"
    run = run_cli("evaluate", "-r", SEED, *WHAT_IF, SEED_INPUT, "-f", "csv", "-o", out)
    assert run.code == 0, run.err
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0] == [WHAT_IF_ROW]
    assert rows[1][:4] == ["序号", "部门名称", "应办结工单数", "办结得分（30分）/工单数"]


def test_a_what_if_csv_reads_back_with_the_same_totals(tmp_path):
    out = tmp_path / "wi.csv"
    assert run_cli("evaluate", "-r", SEED, *WHAT_IF, SEED_INPUT, "-f", "csv", "-o", out).code == 0
    back = run_cli("evaluate", "-r", SEED, *WHAT_IF, out, "-f", "json")
    assert back.code == 0, back.err
    # 区人力资源和社会保障局 (343 due, 343 completed, 342 on time, no returns, alerts or reworks):
    # 30 + 45 × 342 / 343 + 5 + 10 + 5 + 5 = 99.8688... -> 99.87
    assert totals(back.out)["区人力资源和社会保障局"] == "99.87"
    original = run_cli("evaluate", "-r", SEED, *WHAT_IF, SEED_INPUT, "-f", "json")
    assert totals(back.out) == totals(original.out)
    assert len(totals(back.out)) == 32


def test_an_adopted_rulesets_csv_has_no_title_row():
    rows = list(csv.reader(io.StringIO(to_csv(seed_evaluation(), "2024-02"))))
    assert rows[0][:4] == SEED_HEADER_START and len(rows[0]) == 16


def test_every_format_of_a_what_if_says_so_above_its_table(tmp_path):
    for fmt in ("md", "html", "table"):
        run = run_cli("evaluate", "-r", SEED, *WHAT_IF, SEED_INPUT, "--period", "2024-02", "-f", fmt)
        assert run.code == 0, run.err
        first = run.out.index("WHAT-IF")
        assert first < run.out.index("区人力资源和社会保障局"), fmt
    out = tmp_path / "wi.xlsx"
    assert (
        run_cli("evaluate", "-r", SEED, *WHAT_IF, SEED_INPUT, "--period", "2024-02", "-f", "xlsx", "-o", out).code == 0
    )
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert sheet["A1"].value.splitlines() == [WHAT_IF_ROW, "2024年2月区级各部门市民热线办理考评表"]
    assert sheet["B4"].value == "区人力资源和社会保障局"  # the table stays where a reader expects it


# --- item 12: explain's threshold follows the places shown ------------------------------------

# 十里铺街道办 (26 due, 26 completed, 26 on time, 1 overdue return) is ranked between
# 东风路街道办 (35, 35, 35, 2 returns) and 硖石镇 (23, 23, 23, 1 return). By hand:
#   above: 逾期退单 5 × (1 − 1/44) − 5 × (1 − 2/44) = 5/44 = +0.1136; 工作量 5 × (26 − 35)/343 = −0.1312
#   below: 工作量 5 × (26 − 23)/343 = 15/343 = +0.0437; every other indicator equal
EXPLAINED = {
    2: ("工作量 -0.13, 逾期退单 +0.11", "工作量 +0.04"),
    1: ("工作量 -0.1, 逾期退单 +0.1", "no indicator differs by 0.05 or more"),
    0: ("no indicator differs by 0.5 or more", "no indicator differs by 0.5 or more"),
}


@pytest.mark.parametrize("places", [2, 1, 0])
def test_explain_lists_only_differences_the_places_can_show(places):
    run = run_cli("explain", "-r", SEED, "--set", f"rounding.places={places}", SEED_INPUT, "十里铺街道办")
    assert run.code == 0, run.err
    above = next(line for line in run.out.splitlines() if line.strip().startswith("above:"))
    below = next(line for line in run.out.splitlines() if line.strip().startswith("below:"))
    assert above.endswith(f": {EXPLAINED[places][0]}"), above
    assert below.endswith(f": {EXPLAINED[places][1]}"), below
    assert "+0," not in run.out and not run.out.rstrip().endswith("+0")


# --- read-back: an optional input the layout hides gets a column when it is used --------------


def reworks_input(tmp_path: Path) -> Path:
    """The seed month with a 返工工单数 column: 区人力资源和社会保障局 has 2 reworks, every other unit 0."""
    rows = seed_rows()
    rows[0].append("返工工单数")
    for row in rows[1:]:
        row.append("2" if row[0] == "区人力资源和社会保障局" else "0")
    return write_rows(tmp_path / "reworks.csv", rows)


def expected_with_reworks() -> dict[str, str]:
    """The published totals, but 区人力资源和社会保障局's rework score is 5 × (1 − 2/2) = 0 instead of 5:
    99.883... − 5 = 94.88; nobody else's changes (5 × (1 − 0/2) = 5 as published)."""
    expected = published_totals()
    expected["区人力资源和社会保障局"] = "94.88"
    return expected


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_month_with_reworks_reads_back_from_its_own_table_with_the_same_totals(tmp_path, fmt):
    data = reworks_input(tmp_path)
    original = run_cli("evaluate", "-r", SEED, data, "-f", "json")
    assert original.code == 0, original.err
    assert totals(original.out) == expected_with_reworks()
    written = tmp_path / f"out.{fmt}"
    assert run_cli("evaluate", "-r", SEED, data, "-f", fmt, "--period", "2024-02", "-o", written).code == 0
    back = run_cli("evaluate", "-r", SEED, written, "-f", "json")
    assert back.code == 0, back.err
    assert totals(back.out) == expected_with_reworks()
    unit = next(r for r in json.loads(back.out)["results"] if r["entity"] == "区人力资源和社会保障局")
    assert unit["inputs"]["reworks"] == 2 and unit["display"]["rework"] == "0.00"


def test_the_added_column_is_last_and_the_sidecar_says_why(tmp_path):
    data = reworks_input(tmp_path)
    written = tmp_path / "out.csv"
    assert run_cli("evaluate", "-r", SEED, data, "-f", "csv", "-o", written).code == 0
    rows = list(csv.reader(io.StringIO(written.read_text(encoding="utf-8"))))
    assert len(rows[0]) == 17 and rows[0][-1] == "返工工单数"
    by_unit = {row[1]: row[-1] for row in rows[1:]}
    assert by_unit["区人力资源和社会保障局"] == "2" and by_unit["区卫生健康局"] == "0"
    sidecar = json.loads((tmp_path / "out.csv.meta.json").read_text(encoding="utf-8"))
    assert any(
        n.startswith("返工工单数: not in the report's layout") and "1 unit has a value other than the default 0" in n
        for n in sidecar["notes"]
    )


def test_the_seed_month_with_no_reworks_gets_no_extra_column():
    rows = list(csv.reader(io.StringIO(to_csv(seed_evaluation(), "2024-02"))))
    assert len(rows[0]) == 16 and "返工工单数" not in rows[0]


# --- writer escape ---------------------------------------------------------------------------


def quoted_units_input(tmp_path: Path) -> Path:
    """Two units named @ and '@ (an input CSV, like kaoping's own, says '@ as ''@: one leading ' is dropped)."""
    rows = seed_rows()
    rows[1][0], rows[2][0] = "@", "''@"
    data = write_rows(tmp_path / "quoted.csv", rows)
    read = run_cli("evaluate", "-r", SEED, data, "-f", "json")
    assert read.code == 0 and {"@", "'@"} <= set(totals(read.out)), read.err
    return data


def test_a_leading_quote_is_escaped_too_so_two_units_stay_two(tmp_path):
    written = tmp_path / "out.csv"
    assert run_cli("evaluate", "-r", SEED, quoted_units_input(tmp_path), "-f", "csv", "-o", written).code == 0
    names = [row[1] for row in csv.reader(io.StringIO(written.read_text(encoding="utf-8")))][1:]
    assert "'@" in names and "''@" in names and "@" not in names


def test_units_at_and_quote_at_read_back_as_themselves(tmp_path):
    data = quoted_units_input(tmp_path)
    written = tmp_path / "out.csv"
    assert run_cli("evaluate", "-r", SEED, data, "-f", "csv", "-o", written).code == 0
    back = run_cli("evaluate", "-r", SEED, written, "-f", "json")
    assert back.code == 0, back.err
    assert {"@", "'@"} <= set(totals(back.out))


def test_the_xlsx_writes_such_names_as_typed_text_without_a_prefix(tmp_path):
    written = tmp_path / "out.xlsx"
    assert run_cli("evaluate", "-r", SEED, quoted_units_input(tmp_path), "-f", "xlsx", "-o", written).code == 0
    cells = {c.value: c for c in openpyxl.load_workbook(written).worksheets[0]["B"] if c.value in ("@", "'@")}
    assert set(cells) == {"@", "'@"} and all(c.data_type == "s" for c in cells.values())


# --- deterministic xlsx ----------------------------------------------------------------------


def test_xlsx_output_is_byte_identical_from_run_to_run(tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run_cli("evaluate", "-r", SEED, SEED_INPUT, "--period", "2024-02", "-f", "xlsx", "-o", first).code == 0
    time.sleep(2.1)  # zip entries are dated to 2 seconds
    assert run_cli("evaluate", "-r", SEED, SEED_INPUT, "--period", "2024-02", "-f", "xlsx", "-o", second).code == 0
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as book:
        assert {info.date_time for info in book.infolist()} == {(2024, 2, 1, 0, 0, 0)}  # the ruleset's effective date
        core = book.read("docProps/core.xml").decode("utf-8")
    assert core.count("2024-02-01T00:00:00Z") == 2  # created and modified


# --- run-time warnings -----------------------------------------------------------------------

CLAMP = ("--set", "completion.formula=clamp(weight, 40, 0)")


def test_a_score_above_its_weight_is_warned_about_in_the_json():
    run = run_cli("evaluate", "-r", SEED, *CLAMP, SEED_INPUT, "-f", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    # 40 for every unit: 区人力资源和社会保障局's total is 99.883... − 35 + 40 = 104.88
    assert totals(run.out)["区人力资源和社会保障局"] == "104.88"
    score, total = doc["warnings"]
    assert score.startswith("the indicator 'completion' (办结) scores above its weight for 32 units (")
    assert "40.00 of 35" in score and "and 29 more" in score
    # 东风路街道办, published 95.28 with 35 for completion: 95.28 + 5 = 100.28 of 100 (no total.cap)
    assert total.startswith("the total is above full marks for ") and "东风路街道办 100.28 of 100" in total


def test_the_seed_has_no_warnings_and_says_so_with_an_empty_list():
    doc = json.loads(to_json(seed_evaluation(), "2024-02"))
    assert doc["warnings"] == []


def test_a_warning_is_printed_under_a_published_table():
    run = run_cli("evaluate", "-r", SEED, *CLAMP, SEED_INPUT, "--period", "2024-02", "-f", "md")
    assert run.code == 0, run.err
    assert "- warning: the indicator 'completion' (办结) scores above its weight" in run.out


# --- Python internals never reach a user ------------------------------------------------------


def test_a_rounding_failure_is_said_in_words():
    said = _reason(InvalidOperation([InvalidOperation]))
    assert "class" not in said and "InvalidOperation" not in said
    assert said == "cannot be computed: the value cannot be rounded to that many places"


def test_a_value_too_large_to_compute_is_said_in_words():
    formula = "weight" + " * 1e15" * 21  # 35 × 10^315: beyond any float, though every literal is small
    run = run_cli("evaluate", "-r", SEED, "--set", f"completion.formula={formula}", SEED_INPUT.relative_to(ROOT))
    assert run.code == 1
    first = run.err.splitlines()[0]
    assert first.startswith(
        "examples/jintai-hotline-2024-02.csv:2: 东风路街道办: the indicator 'completion' (办结) cannot be computed: the value is too large in `weight * 1e15"
    )
    assert "<class" not in run.err and "Error" not in run.err


# --- provenance: how the version was chosen, not in effect, the reader's notes ----------------


def test_the_json_records_how_the_version_was_chosen_and_the_readers_notes():
    doc = json.loads(to_json(seed_evaluation(), "2024-02"))
    assert set(doc["ruleset"]) >= {"chosen", "chosen_why", "not_in_effect"}
    assert doc["input"]["notes"] == []


NOT_IN_EFFECT = "jintai-hotline@2024.02 takes effect on 2024-02-01, after the period 2023-12"


@pytest.fixture(scope="module")
def not_in_effect():
    loaded = load_ruleset(SEED_RULESET, str(SEED_RULESET.relative_to(ROOT)))
    return seed_evaluation(replace(loaded, not_in_effect=NOT_IN_EFFECT, chosen="named"))


def test_a_version_not_in_effect_is_marked_in_every_output(not_in_effect):
    doc = json.loads(to_json(not_in_effect, "2023-12"))
    assert doc["ruleset"]["not_in_effect"] == NOT_IN_EFFECT and doc["ruleset"]["chosen"] == "named"
    assert json.loads(provenance_json(not_in_effect, "2023-12"))["ruleset"]["not_in_effect"] == NOT_IN_EFFECT
    assert NOT_IN_EFFECT in footer(not_in_effect) and "NOT IN EFFECT" in footer(not_in_effect)
    for page in (to_markdown(not_in_effect, "2023-12"), to_html(not_in_effect, "2023-12")):
        assert page.index("NOT IN EFFECT") < page.index("区人力资源和社会保障局")
    first = next(csv.reader(io.StringIO(to_csv(not_in_effect, "2023-12"))))
    assert first[0].startswith("NOT IN EFFECT") and NOT_IN_EFFECT in first[0]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(not_in_effect, "2023-12")))
    assert book.worksheets[0]["A1"].value.startswith("NOT IN EFFECT")
    facts = {row[0]: row[1] for row in book["来源"].iter_rows(min_row=2, values_only=True)}
    assert facts["ruleset.not_in_effect"] == NOT_IN_EFFECT


# --- a title that is not the report's is said ------------------------------------------------


def test_without_a_period_the_table_says_its_title_is_the_rulesets():
    run = run_cli("evaluate", "-r", SEED, SEED_INPUT, "-f", "md")
    assert run.code == 0, run.err
    assert run.out.startswith("# 金台区区级各部门市民热线办理考评\n")
    assert "note: the report's title needs the month (--period YYYY-MM)" in run.out
    with_period = run_cli("evaluate", "-r", SEED, SEED_INPUT, "-f", "md", "--period", "2024-02")
    assert "--period YYYY-MM" not in with_period.out


# --- explain says why units showing the same total rank apart --------------------------------


def test_explain_says_why_an_exact_tie_is_numbered_apart():
    # 区民政局 and 区退役军人事务局 have identical rows (1 due, 1 completed, 1 on time): published 16 and 17, both 95.01
    run = run_cli("explain", "-r", SEED, SEED_INPUT, "区民政局")
    lines = run.out.splitlines()
    below = next(
        i for i, line in enumerate(lines) if line.strip().startswith("below: 17 区退役军人事务局 95.01 (+0.00)")
    )
    assert (
        lines[below + 1].strip()
        == "tied exactly: numbered in the order of the input's rows (ranking.ties: sequential; shared would give both one rank)"
    )


def test_explain_says_when_totals_equal_as_printed_are_ranked_on_their_unrounded_values():
    # at 0 places 区农业农村局 (95 + 5 × 2/343 = 95.029) and 区民政局 (95 + 5/343 = 95.015) both show 95
    run = run_cli("explain", "-r", SEED, "--set", "rounding.places=0", SEED_INPUT, "区民政局")
    lines = run.out.splitlines()
    above = next(i for i, line in enumerate(lines) if line.strip().startswith("above: 15 区农业农村局 95 (+0)"))
    assert (
        lines[above + 1].strip()
        == "the same total as printed: ranked apart by the unrounded totals (ranking.on: total)"
    )


def test_an_xlsx_of_a_ruleset_effective_after_2107_is_written_dated_2107(tmp_path):
    """A zip entry's date holds the years 1980 to 2107; a later effective date crashed the writer (exit 3)."""
    ruleset = tmp_path / "future.yaml"
    text = SEED_RULESET.read_text(encoding="utf-8").split("\ntests:")[0]
    text = re.sub(r"^version: .*$", 'version: "2200.01"', text, count=1, flags=re.M)
    ruleset.write_text(
        re.sub(r"^effective: .*$", 'effective: "2200-01-01"', text, count=1, flags=re.M), encoding="utf-8"
    )
    out = tmp_path / "future.xlsx"
    run = run_cli("evaluate", "-r", ruleset, SEED_INPUT, "-o", out)
    assert run.code == 0, run.err
    with zipfile.ZipFile(out) as z:
        assert {info.date_time[:3] for info in z.infolist()} == {(2107, 12, 31)}
