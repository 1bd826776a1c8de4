"""Issue 13, item 7: a year across a policy change.

Each month scored under the version in effect then, units renamed during the
year mapped by aliases, a mean weighted by volume, a formula over the period
values and a review read from its own file, and a combine declared apart from
the monthly ruleset (--plan).  Every expected number is worked out by hand in
the comments beside it, from the small tables written here.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from .conftest import ROOT, run_cli

# tiny@2024.01: completion 60, timeliness 40.  tiny@2024.03 (from 2024-03-01): completion 40, timeliness 60.
TINY = """\
schema: 1
name: tiny
version: "{version}"
title: 小测试考评
effective: "{effective}"
entity: {{key: unit}}
inputs:
  - {{id: unit, type: text, label: 单位}}
  - {{id: due, type: integer, label: 应办结, min: 0}}
  - {{id: done, type: integer, label: 办结, min: 0}}
  - {{id: ontime, type: integer, label: 按期, min: 0}}
indicators:
  - {{id: completion, label: 办结, weight: {a}, formula: "weight * ratio(done, due, 1)"}}
  - {{id: timeliness, label: 按期, weight: {b}, formula: "weight * ratio(ontime, due, 1)"}}
total: {{max: {full}}}
rounding: {{places: 2}}
ranking: {{ties: shared}}
combine: {{function: mean}}
"""

# Under 2024.01 (60/40):  jan 甲 60*10/10 + 40*5/10 = 80, 乙 60*10/20 + 40*20/20 = 70
#                         feb 甲 60*5/10 + 40*10/10 = 70, 乙 60*40/40 + 40*20/40 = 80
# March under 2024.03 (40/60): 甲 40*30/30 + 60*15/30 = 70, 乙 40*5/10 + 60*10/10 = 80
# March under 2024.01 (60/40): 甲 60 + 20 = 80,            乙 30 + 40 = 70
MONTHS = {
    "jan": "单位,应办结,办结,按期\n甲,10,10,5\n乙,20,10,20\n",
    "feb": "单位,应办结,办结,按期\n甲,10,5,10\n乙,40,40,20\n",
    "mar": "单位,应办结,办结,按期\n甲,30,30,15\n乙,10,5,10\n",
}


def _release(root: Path, version: str, effective: str, a: int, b: int, full: int = 100) -> None:
    folder = root / "tiny"
    folder.mkdir(parents=True, exist_ok=True)
    text = TINY.format(version=version, effective=effective, a=a, b=b, full=full)
    (folder / f"{version}.yaml").write_text(text, encoding="utf-8")
    done = run_cli("release", f"tiny@{version}", "--rulesets", root)
    assert done.code == 0, done.err


@pytest.fixture
def year(tmp_path: Path) -> Path:
    """A rulesets folder with tiny@2024.01 and tiny@2024.03 released, and the three months' files."""
    _release(tmp_path / "rulesets", "2024.01", "2024-01-01", 60, 40)
    _release(tmp_path / "rulesets", "2024.03", "2024-03-01", 40, 60)
    for name, text in MONTHS.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    return tmp_path


def _months(root: Path, mar: str = "mar") -> list[str]:
    return [f"2024-01={root / 'jan.csv'}", f"2024-02={root / 'feb.csv'}", f"2024-03={root / f'{mar}.csv'}"]


def _problem(err: str) -> str:
    """The error's text from its first line on (after the notes said before the choice failed)."""
    lines = err.splitlines()
    return "\n".join(lines[next(i for i, x in enumerate(lines) if not x.startswith(("note: ", "warning: "))) :])


def _scores(out: str) -> dict[str, tuple[float, int | None]]:
    doc = json.loads(out)
    return {r["entity"]: (round(r["score"], 4), r["rank"]) for r in doc["results"]}


# -- 1. each month under the version in effect then ------------------------------------------------


def test_each_month_is_scored_under_the_version_in_effect_that_month(year: Path):
    run = run_cli("combine", "-r", "tiny", *_months(year), "--rulesets", year / "rulesets", "-f", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert [p["ruleset"] for p in doc["periods"]] == ["tiny@2024.01", "tiny@2024.01", "tiny@2024.03"]
    # 甲 (80 + 70 + 70) / 3 = 73.3333; 乙 (70 + 80 + 80) / 3 = 76.6667
    assert _scores(run.out) == {"乙": (76.6667, 1), "甲": (73.3333, 2)}
    by_unit = {r["entity"]: [p["total"] for p in r["periods"]] for r in doc["results"]}
    assert by_unit == {"甲": [80, 70, 70], "乙": [70, 80, 80]}
    assert (
        "note: each month scored under the version of tiny in effect then: "
        "tiny@2024.01 for 2024-01, 2024-02; tiny@2024.03 for 2024-03" in run.err
    )


def test_the_table_says_which_version_each_month_used(year: Path):
    run = run_cli("combine", "-r", "tiny", *_months(year), "--rulesets", year / "rulesets")
    assert run.code == 0, run.err
    assert (
        "each month under the version in effect then: tiny@2024.01 for 2024-01, 2024-02; tiny@2024.03 for 2024-03"
        in run.out
    )
    assert "76.67" in run.out and "73.33" in run.out


def test_every_version_that_scored_a_month_is_named_with_its_files_sha256(year: Path):
    import hashlib

    folder = year / "rulesets" / "tiny"
    sha = {v: hashlib.sha256((folder / f"{v}.yaml").read_bytes()).hexdigest() for v in ("2024.01", "2024.03")}
    doc = json.loads(
        run_cli("combine", "-r", "tiny", *_months(year), "--rulesets", year / "rulesets", "-f", "json").out
    )
    assert [p["ruleset_sha256"] for p in doc["periods"]] == [sha["2024.01"], sha["2024.01"], sha["2024.03"]]
    table = run_cli("combine", "-r", "tiny", *_months(year), "--rulesets", year / "rulesets").out
    # the footer: the combining version (the latest) first, then the other, each with its file's sha256
    assert f"tiny@2024.03 (sha256 {sha['2024.03'][:12]}), tiny@2024.01 (sha256 {sha['2024.01'][:12]}) · " in table


def test_a_named_version_scores_every_month(year: Path):
    run = run_cli("combine", "-r", "tiny@2024.01", *_months(year), "--rulesets", year / "rulesets", "-f", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert [p["ruleset"] for p in doc["periods"]] == ["tiny@2024.01"] * 3
    # March under 60/40: 甲 80, 乙 70.  甲 (80 + 70 + 80) / 3 = 76.6667, 乙 (70 + 80 + 70) / 3 = 73.3333
    assert _scores(run.out) == {"甲": (76.6667, 1), "乙": (73.3333, 2)}


def test_a_month_with_no_version_in_effect_is_refused_at_its_label(year: Path):
    months = [f"2023-12={year / 'jan.csv'}", f"2024-02={year / 'feb.csv'}"]
    run = run_cli("combine", "-r", "tiny", *months, "--rulesets", year / "rulesets")
    assert run.code == 1
    assert _problem(run.err).startswith("2023-12: no released version of tiny was in effect in 2023-12")
    assert "hint: its released versions: 2024.01 from 2024-01-01, 2024.03 from 2024-03-01" in run.err


def test_a_label_that_is_not_a_month_is_refused_when_it_picks_the_version(year: Path):
    months = [f"2024-13={year / 'jan.csv'}", f"2024-02={year / 'feb.csv'}"]
    run = run_cli("combine", "-r", "tiny", *months, "--rulesets", year / "rulesets")
    assert run.code == 1
    assert _problem(run.err).startswith("2024-13: '2024-13' is not a month, so no version of tiny can be picked for it")
    assert "-r tiny@VERSION" in run.err


def test_months_out_of_different_full_marks_are_not_combined(tmp_path: Path):
    _release(tmp_path / "rulesets", "2024.01", "2024-01-01", 60, 40)
    _release(tmp_path / "rulesets", "2024.03", "2024-03-01", 60, 60, full=120)
    for name, text in MONTHS.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    run = run_cli("combine", "-r", "tiny", *_months(tmp_path), "--rulesets", tmp_path / "rulesets")
    assert run.code == 1
    assert _problem(run.err).startswith(
        "2024-03: tiny@2024.03 (2024-03) scores out of 120 by unit, tiny@2024.01 (2024-01) out of 100 by unit"
    )


# -- 2. a unit renamed during the year --------------------------------------------------------------


def test_a_renamed_unit_is_mapped_by_the_alias_table(year: Path):
    (year / "mar2.csv").write_text(MONTHS["mar"].replace("乙,", "乙局,"), encoding="utf-8")
    (year / "aliases.csv").write_text("old,new\n乙,乙局\n丙,丙局\n", encoding="utf-8")
    run = run_cli(
        "combine", "-r", "tiny", *_months(year, "mar2"), "--rulesets", year / "rulesets",
        "--aliases", year / "aliases.csv", "-f", "json",
    )  # fmt: skip
    assert run.code == 0, run.err
    # 乙局 is 乙 renamed in March: (70 + 80 + 80) / 3 = 76.6667, as if never renamed
    assert _scores(run.out) == {"乙局": (76.6667, 1), "甲": (73.3333, 2)}
    assert "note: 乙's results in 2024-01, 2024-02 count for 乙局 (alias)" in run.err
    assert f"warning: the alias 丙 -> 丙局 names 丙, a unit in no period ({year / 'aliases.csv'})" in run.err
    assert json.loads(run.out)["combine"]["aliases"] == {"乙": "乙局", "丙": "丙局"}


def test_without_the_alias_a_renamed_unit_is_missing(year: Path):
    (year / "mar2.csv").write_text(MONTHS["mar"].replace("乙,", "乙局,"), encoding="utf-8")
    run = run_cli("combine", "-r", "tiny", *_months(year, "mar2"), "--rulesets", year / "rulesets")
    assert run.code == 1
    assert "2024-03: 乙 has no result in this period" in run.err


def test_an_alias_table_without_its_columns_is_refused(year: Path):
    (year / "aliases.csv").write_text("旧,新\n乙,乙局\n", encoding="utf-8")
    run = run_cli(
        "combine", "-r", "tiny", *_months(year), "--rulesets", year / "rulesets", "--aliases", year / "aliases.csv"
    )
    assert run.code == 1
    assert f"{year / 'aliases.csv'}:1: this file has no column old, new" in run.err


# -- 3. weighted and formula combines, and 4. the plan ------------------------------------------------


def _plan(root: Path, text: str) -> Path:
    path = root / "year.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_mean_weighted_by_due_orders(year: Path):
    plan = _plan(year, "schema: 1\nruleset: tiny\nmethod: weighted\nweight_by: due\n")
    run = run_cli("combine", "--plan", plan, *_months(year), "--rulesets", year / "rulesets", "-f", "json")
    assert run.code == 0, run.err
    # 甲 (80*10 + 70*10 + 70*30) / (10 + 10 + 30) = 3600 / 50 = 72
    # 乙 (70*20 + 80*40 + 80*10) / (20 + 40 + 10) = 5400 / 70 = 77.142857
    assert _scores(run.out) == {"乙": (77.1429, 1), "甲": (72.0, 2)}
    doc = json.loads(run.out)
    assert doc["combine"]["function"] == "weighted" and doc["combine"]["weight_by"] == "due"
    assert [r["display"] for r in doc["results"]] == ["77.14", "72.00"]


def test_a_formula_over_the_months_and_a_review_read_from_its_own_file(year: Path):
    plan = _plan(
        year,
        "schema: 1\nruleset: tiny\ntitle: 年度考评\nmethod: formula\n"
        'formula: "mean(total) * 0.7 + review * 0.3"\n'
        "values:\n  review: {unit: 单位, value: 年度评议}\n",
    )
    (year / "review.csv").write_text("单位,年度评议\n甲,90\n乙,60\n", encoding="utf-8")
    run = run_cli(
        "combine", "--plan", plan, *_months(year), "--rulesets", year / "rulesets",
        "--value", f"review={year / 'review.csv'}", "-f", "json",
    )  # fmt: skip
    assert run.code == 0, run.err
    # 甲 73.3333 * 0.7 + 90 * 0.3 = 51.3333 + 27 = 78.3333; 乙 76.6667 * 0.7 + 60 * 0.3 = 53.6667 + 18 = 71.6667
    assert _scores(run.out) == {"甲": (78.3333, 1), "乙": (71.6667, 2)}
    table = run_cli(
        "combine", "--plan", plan, *_months(year), "--rulesets", year / "rulesets",
        "--value", f"review={year / 'review.csv'}",
    )  # fmt: skip
    assert "年度考评 · mean(total) * 0.7 + review * 0.3 over 3 periods" in table.out


def test_a_review_missing_a_unit_is_refused(year: Path):
    plan = _plan(year, 'schema: 1\nruleset: tiny\nmethod: formula\nformula: "mean(total) * 0.7 + review * 0.3"\n'
                 "values:\n  review: {unit: 单位, value: 评议}\n")  # fmt: skip
    (year / "review.csv").write_text("单位,评议\n甲,90\n", encoding="utf-8")
    run = run_cli("combine", "--plan", plan, *_months(year), "--rulesets", year / "rulesets",
                  "--value", f"review={year / 'review.csv'}")  # fmt: skip
    assert run.code == 1
    assert f"{year / 'review.csv'}: 乙 has no review value in this file" in run.err


def test_a_plan_mistake_is_told_at_its_line_and_column(year: Path):
    plan = _plan(year, "schema: 1\nruleset: tiny\nmethod: median\n")
    run = run_cli("combine", "--plan", plan, *_months(year), "--rulesets", year / "rulesets")
    assert run.code == 1
    assert _problem(run.err).startswith(f"{plan}:3:9: ")
    assert "median" in run.err


def test_a_misspelt_or_missing_plan_key_is_told_in_the_plans_words(year: Path):
    plan = _plan(year, "schema: 1\nruleset: tiny\nwieght_by: due\n")
    run = run_cli("combine", "--plan", plan, *_months(year), "--rulesets", year / "rulesets")
    assert run.code == 1
    assert f"{plan}:1:1: the combine plan is missing the key 'method'" in run.err
    assert f"{plan}:3:1: unknown key 'wieght_by' in the combine plan\n    hint: did you mean 'weight_by'?" in run.err


def test_an_unknown_name_in_the_formula_is_told_at_its_column(year: Path):
    plan = _plan(year, 'schema: 1\nruleset: tiny\nmethod: formula\nformula: "mean(total) * 0.7 + reveiw * 0.3"\n'
                 "values:\n  review: {unit: 单位, value: 评议}\n")  # fmt: skip
    (year / "review.csv").write_text("单位,评议\n甲,90\n乙,60\n", encoding="utf-8")
    run = run_cli("combine", "--plan", plan, *_months(year), "--rulesets", year / "rulesets",
                  "--value", f"review={year / 'review.csv'}")  # fmt: skip
    assert run.code == 1
    # line 4, `formula: "` is 10 characters, `mean(total) * 0.7 + ` 20 more: the name starts at column 31
    assert _problem(run.err).startswith(f"{plan}:4:31: unknown name 'reveiw' in the formula")


def test_weighting_by_an_input_the_ruleset_lacks_is_told_at_its_line(year: Path):
    plan = _plan(year, "schema: 1\nruleset: tiny\nmethod: weighted\nweight_by: volume\n")
    run = run_cli("combine", "--plan", plan, *_months(year), "--rulesets", year / "rulesets")
    assert run.code == 1
    assert _problem(run.err).startswith(f"{plan}:4:12: tiny@2024.03 has no number input 'volume'")


# -- 4. the seed office's yearly mean, without editing its released ruleset -------------------------

SHIPPED_PLAN = ROOT / "rulesets" / "jintai-hotline" / "combine" / "2024.yaml"


def test_the_shipped_plan_gives_the_seed_office_its_mean_without_a_new_ruleset():
    run = run_cli("combine", "--plan", SHIPPED_PLAN, "2024-02=examples/jintai-hotline-2024-02.csv", "-f", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert [p["ruleset"] for p in doc["periods"]] == ["jintai-hotline@2024.02"]
    published = {
        row["department"]: row["final_score"]
        for row in csv.DictReader(io.StringIO((ROOT / "tests/fixtures/published-2024-02.csv").read_text("utf-8")))
    }
    # one month: each department's yearly mean is its published February score
    assert {r["entity"]: r["display"] for r in doc["results"]} == published


def test_the_shipped_plan_is_found_by_its_ruleset_name_too():
    run = run_cli("combine", "--plan", "jintai-hotline/2024", "2024-02=examples/jintai-hotline-2024-02.csv")
    assert run.code == 0, run.err
    assert run.out.splitlines()[0].strip() == "金台区区级各部门市民热线办理2024年度考评 · mean of 1 period"
    # the published February table's first and last departments
    assert "区人力资源和社会保障局" in run.out.splitlines()[2] and "99.88" in run.out.splitlines()[2]


def test_as_of_keeps_one_version_for_every_month(year: Path):
    run = run_cli(
        "combine", "-r", "tiny", "--as-of", "2024-01-15", *_months(year), "--rulesets", year / "rulesets", "-f", "json"
    )  # fmt: skip
    assert run.code == 0, run.err
    assert [p["ruleset"] for p in json.loads(run.out)["periods"]] == ["tiny@2024.01"] * 3
    assert _scores(run.out) == {"甲": (76.6667, 1), "乙": (73.3333, 2)}  # as under -r tiny@2024.01


def test_a_what_if_applies_to_each_months_version(year: Path):
    sets = ("--set", "completion.weight=50", "--set", "timeliness.weight=50")
    run = run_cli("combine", "-r", "tiny", *sets, *_months(year), "--rulesets", year / "rulesets", "-f", "json")
    assert run.code == 0, run.err
    # 50/50 every month: jan 甲 50 + 25 = 75, 乙 25 + 50 = 75; feb 甲 25 + 50 = 75, 乙 50 + 25 = 75;
    # mar 甲 50 + 25 = 75, 乙 25 + 50 = 75
    assert _scores(run.out) == {"甲": (75.0, 1), "乙": (75.0, 1)}


def test_without_a_ruleset_or_a_plan_combine_is_a_usage_error(year: Path):
    run = run_cli("combine", *_months(year))
    assert run.code == 2
    assert "combine needs the ruleset: -r RULESET, or a plan naming it (--plan FILE)" in run.err


def test_a_plan_declares_its_aliases_and_weights_the_renamed_unit_by_its_orders(year: Path):
    (year / "mar2.csv").write_text(MONTHS["mar"].replace("乙,", "乙局,"), encoding="utf-8")
    plan = _plan(
        year,
        "schema: 1\nruleset: tiny\nmethod: weighted\nweight_by: due\naliases:\n  - {old: 乙, new: 乙局, since: 2024-03}\n",
    )
    run = run_cli("combine", "--plan", plan, *_months(year, "mar2"), "--rulesets", year / "rulesets", "-f", "json")
    assert run.code == 0, run.err
    # 乙局 is 乙 renamed: (70*20 + 80*40 + 80*10) / 70 = 77.142857; 甲 3600 / 50 = 72
    assert _scores(run.out) == {"乙局": (77.1429, 1), "甲": (72.0, 2)}
    assert "note: 乙's results in 2024-01, 2024-02 count for 乙局 (alias)" in run.err


def test_a_plan_giving_one_old_name_two_new_names_is_refused_at_its_line(year: Path):
    plan = _plan(
        year, "schema: 1\nruleset: tiny\nmethod: mean\naliases:\n  - {old: 乙, new: 乙局}\n  - {old: 乙, new: 乙委}\n"
    )
    run = run_cli("combine", "--plan", plan, *_months(year), "--rulesets", year / "rulesets")
    assert run.code == 1
    assert _problem(run.err).startswith(f"{plan}:6:5: 乙 is given two new names")
