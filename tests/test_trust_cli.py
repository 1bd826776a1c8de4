"""Issue 8, the command line's part: every choice kaoping makes for the user is said, every mistake
is told in its place, and nothing (an OS error, an interrupt, running out of memory) ends in a traceback.

Expected texts are written out by hand here, never taken from the code under test.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT, SEED_INPUT, SEED_RULESET, run_cli

CITY_INPUT = ROOT / "examples" / "city-hotline-2025-01.csv"


# -- 2. a version kaoping chooses is always said; one named but not in effect is warned about -------


@pytest.fixture
def two_releases(tmp_path: Path) -> Path:
    """A rulesets folder holding jintai-hotline 2024.02 and a later 2025.01, both released."""
    root = tmp_path / "rulesets"
    shutil.copytree(ROOT / "rulesets" / "jintai-hotline", root / "jintai-hotline")
    made = run_cli("new-version", "jintai-hotline", "2025.01", "--rulesets", root)
    assert made.code == 0, made.err
    released = run_cli("release", "jintai-hotline@2025.01", "--rulesets", root)
    assert released.code == 0, released.err
    return root


def evaluate(root: Path, *args: str) -> tuple[int, str, dict]:
    run = run_cli("evaluate", *args, SEED_INPUT, "-f", "json", "--rulesets", root)
    return run.code, run.err, json.loads(run.out) if run.code == 0 else {}


def test_a_bare_name_says_it_took_the_latest_release_even_with_no_newer_draft(two_releases):
    code, err, result = evaluate(two_releases, "-r", "jintai-hotline")
    assert code == 0
    assert (
        err
        == "note: using jintai-hotline@2025.01, the latest released; give --period or --as-of for the version in effect then\n"
    )
    assert result["ruleset"]["version"] == "2025.01"


def test_a_bare_name_with_a_period_says_which_version_was_in_effect_that_month(two_releases):
    code, err, result = evaluate(two_releases, "-r", "jintai-hotline", "--period", "2024-02")
    assert (code, err) == (0, "note: using jintai-hotline@2024.02, in effect on 2024-02-01 (--period 2024-02)\n")
    assert result["ruleset"]["version"] == "2024.02"
    code, err, _ = evaluate(two_releases, "-r", "jintai-hotline", "--as-of", "2025-03-15")
    assert (code, err) == (0, "note: using jintai-hotline@2025.01, in effect on 2025-03-15 (--as-of 2025-03-15)\n")


def test_an_exact_version_in_effect_that_month_is_taken_without_a_word(two_releases):
    assert evaluate(two_releases, "-r", "jintai-hotline@2024.02", "--period", "2024-02")[:2] == (0, "")
    assert evaluate(two_releases, "-r", "jintai-hotline@2025.01", "--period", "2025-01")[:2] == (0, "")


def test_an_exact_version_not_yet_in_effect_in_the_period_is_warned_about(two_releases):
    code, err, _ = evaluate(two_releases, "-r", "jintai-hotline@2025.01", "--period", "2024-02")
    assert (code, err) == (0, "warning: jintai-hotline@2025.01 takes effect on 2025-01-01, after the period 2024-02\n")
    path = two_releases / "jintai-hotline" / "2025.01.yaml"
    code, err, _ = evaluate(two_releases, "-r", str(path), "--period", "2024-12")
    assert (code, err) == (0, "warning: jintai-hotline@2025.01 takes effect on 2025-01-01, after the period 2024-12\n")


def test_an_exact_version_already_replaced_in_the_period_is_warned_about(two_releases):
    code, err, _ = evaluate(two_releases, "-r", "jintai-hotline@2024.02", "--period", "2025-03")
    assert (code, err) == (
        0,
        "warning: jintai-hotline@2024.02 was replaced on 2025-01-01 by jintai-hotline@2025.01, before the period 2025-03\n",
    )


def loaded(root: Path, *argv: str):
    """The model of the Ruleset commands.load gives for an evaluate command line (how it was chosen, not in effect)."""
    from kaoping.cli import build_parser
    from kaoping.commands import load

    args = build_parser().parse_args(["evaluate", *argv, str(SEED_INPUT), "--rulesets", str(root)])
    return load(args, args.ruleset, io.StringIO()).model


def test_how_a_version_was_chosen_is_kept_on_the_ruleset_for_the_outputs(two_releases):
    latest = loaded(two_releases, "-r", "jintai-hotline")
    assert (latest.chosen, latest.not_in_effect) == ("latest-released", "")
    assert (
        latest.chosen_why
        == "using jintai-hotline@2025.01, the latest released; give --period or --as-of for the version in effect then"
    )
    dated = loaded(two_releases, "-r", "jintai-hotline", "--period", "2024-02")
    assert (dated.chosen, dated.version) == ("in-effect", "2024.02")
    named = loaded(two_releases, "-r", "jintai-hotline@2025.01", "--period", "2024-02")
    assert (named.chosen, named.chosen_why) == ("named", "")
    assert named.not_in_effect == "jintai-hotline@2025.01 takes effect on 2025-01-01, after the period 2024-02"
    by_path = loaded(two_releases, "-r", str(two_releases / "jintai-hotline" / "2024.02.yaml"))
    assert (by_path.chosen, by_path.chosen_why, by_path.not_in_effect) == ("path", "", "")


def test_a_draft_taken_because_nothing_is_released_is_said_and_recorded(tmp_path):
    folder = tmp_path / "jintai-hotline"
    folder.mkdir()
    text = (
        SEED_RULESET.read_text(encoding="utf-8")
        .replace('version: "2024.02"', 'version: "2024.03"')
        .split("\ntests:")[0]
    )
    (folder / "2024.03.yaml").write_text(text, encoding="utf-8")
    code, err, _ = evaluate(tmp_path, "-r", "jintai-hotline")
    assert (code, err) == (0, "note: jintai-hotline has no released version yet; using the latest draft, 2024.03\n")
    assert loaded(tmp_path, "-r", "jintai-hotline").chosen == "latest-draft"


def test_the_shipped_rulesets_taken_for_want_of_any_other_are_said(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./rulesets here, no --rulesets, no $KAOPING_RULESETS
    run = run_cli("validate", "jintai-hotline@2024.02")
    assert run.code == 0, run.err
    assert run.err.startswith(
        "note: no --rulesets, $KAOPING_RULESETS or ./rulesets: looking names up in the rulesets shipped with kaoping ("
    )
    assert run_cli("validate", str(SEED_RULESET)).err == ""  # a path looks nothing up
    released = run_cli("release", "jintai-hotline@2024.02")  # never into the shipped rulesets
    assert released.code == 2 and "make a new version in ./rulesets" in released.err
    assert not (tmp_path / "rulesets").exists()


# -- 3. combine: the same data twice is refused; a workbook's sheets, one per month ---------------------


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def city_rows(extra: int = 0) -> list[list[object]]:
    """city-hotline's example month, with every unit's 表扬件数 raised by `extra` (so months differ)."""
    rows = list(csv.reader(CITY_INPUT.read_text(encoding="utf-8-sig").splitlines()))
    return [rows[0]] + [[*r[:-1], int(r[-1]) + extra] for r in rows[1:]]


def test_a_workbook_named_twice_without_sheets_is_refused(tmp_path):
    book = workbook(tmp_path / "book.xlsx", {"1月": city_rows(), "2月": city_rows(1)})
    run = run_cli("combine", "-r", "city-hotline", f"1月={book}", f"2月={book}")
    assert run.code == 1
    assert f"periods '1月' ({book}) and '2月' ({book}) are the same sheet of the same workbook" in run.err
    assert "1月=book.xlsx#1月 2月=book.xlsx#2月" in run.err
    assert run.out == ""


def test_a_workbook_with_one_sheet_per_month_is_combined_sheet_by_sheet(tmp_path):
    book = workbook(tmp_path / "book.xlsx", {"1月": city_rows(), "2月": city_rows(1)})
    run = run_cli("combine", "-r", "city-hotline@2025.01", f"1月={book}#1月", f"2月={book}#2月", "-f", "json")
    assert run.code == 0, run.err
    periods = json.loads(run.out)["periods"]
    assert [p["label"] for p in periods] == ["1月", "2月"]
    assert run.err == ""


def test_a_sheet_gives_its_label_when_none_is_written_and_that_is_said(tmp_path):
    book = workbook(tmp_path / "book.xlsx", {"1月": city_rows(), "2月": city_rows(1)})
    run = run_cli("combine", "-r", "city-hotline@2025.01", f"{book}#1月", f"{book}#2月", "-f", "json")
    assert run.code == 0, run.err
    assert [p["label"] for p in json.loads(run.out)["periods"]] == ["1月", "2月"]
    assert (
        run.err
        == f"note: periods labelled by their sheet or file names: 1月 ({book}#1月), 2月 ({book}#2月) (write LABEL=FILE to choose)\n"
    )


def test_the_same_sheet_of_the_same_workbook_twice_is_refused(tmp_path):
    book = workbook(tmp_path / "book.xlsx", {"1月": city_rows(), "2月": city_rows(1)})
    run = run_cli("combine", "-r", "city-hotline", f"a={book}#1月", f"b={book}#1月")
    assert run.code == 1
    assert f"periods 'a' ({book}#1月) and 'b' ({book}#1月) are the same sheet of the same workbook" in run.err
    # the first sheet by default, and the first sheet by its name, are the same sheet too
    run = run_cli("combine", "-r", "city-hotline", f"a={book}", f"b={book}#1月")
    assert (
        run.code == 1
        and f"periods 'a' ({book}) and 'b' ({book}#1月) are the same sheet of the same workbook" in run.err
    )


def test_two_files_with_identical_bytes_are_refused_naming_both(tmp_path):
    jan, feb = tmp_path / "jan.csv", tmp_path / "feb.csv"
    shutil.copy(CITY_INPUT, jan)
    shutil.copy(CITY_INPUT, feb)
    run = run_cli("combine", "-r", "city-hotline", f"2025-01={jan}", f"2025-02={feb}")
    assert run.code == 1
    assert run.err.startswith(f"{feb}: periods '2025-01' ({jan}) and '2025-02' ({feb}) are the same bytes (sha256 ")
    assert "one period's data would count twice" in run.err


def test_a_file_whose_name_holds_a_hash_is_a_file(tmp_path):
    from kaoping.commands import period_input

    odd = tmp_path / "march.xlsx#copy"
    odd.write_bytes(b"")
    assert period_input(f"3月={odd}", None).path == str(odd)
    assert period_input(f"3月={odd}", None).sheet is None
    assert (period_input("3月=book.xlsx#3月", None).path, period_input("3月=book.xlsx#3月", None).sheet) == (
        "book.xlsx",
        "3月",
    )


def test_an_empty_sheet_name_after_the_hash_is_a_usage_error(tmp_path):
    run = run_cli("combine", "-r", "city-hotline", "1月=book.xlsx#", "2月=book.xlsx#2月")
    assert run.code == 2 and "'book.xlsx#' has no sheet name after '#'" in run.err


def test_sheet_applied_to_every_workbook_is_said(tmp_path):
    a = workbook(tmp_path / "a.xlsx", {"说明": [["notes"]], "数据": city_rows()})
    b = workbook(tmp_path / "b.xlsx", {"说明": [["notes"]], "数据": city_rows(1)})
    run = run_cli("combine", "-r", "city-hotline@2025.01", f"1月={a}", f"2月={b}", "--sheet", "数据", "-f", "json")
    assert run.code == 0, run.err
    assert run.err == f"note: --sheet 数据 read from {a}, {b}\n"


def test_labels_taken_from_file_names_are_said(tmp_path):
    jan = tmp_path / "jan.csv"
    shutil.copy(CITY_INPUT, jan)
    feb = tmp_path / "feb.csv"
    feb.write_text(
        CITY_INPUT.read_text(encoding="utf-8").replace("东城区,县区组,220,215", "东城区,县区组,220,216"),
        encoding="utf-8",
    )
    run = run_cli("combine", "-r", "city-hotline@2025.01", jan, feb, "-f", "json")
    assert run.code == 0, run.err
    assert (
        run.err
        == f"note: periods labelled by their file names: jan ({jan}), feb ({feb}) (write LABEL=FILE to choose)\n"
    )


def test_months_labelled_before_the_version_took_effect_are_warned_about(tmp_path):
    jan = tmp_path / "jan.csv"
    shutil.copy(CITY_INPUT, jan)
    feb = tmp_path / "feb.csv"
    feb.write_text(
        CITY_INPUT.read_text(encoding="utf-8").replace("东城区,县区组,220,215", "东城区,县区组,220,216"),
        encoding="utf-8",
    )
    run = run_cli("combine", "-r", "city-hotline@2025.01", f"2024-12={jan}", f"2025-01={feb}", "-f", "json")
    assert run.code == 0, run.err
    assert run.err == f"warning: city-hotline@2025.01 takes effect on 2025-01-01, after the period 2024-12 ({jan})\n"


# -- 4. the format comes from -o's name; -f and the name must agree -----------------------------------


@pytest.mark.parametrize(
    "name, starts",
    [
        ("out.json", b"{"),
        ("out.xlsx", b"PK"),
        ("out.csv", "序号".encode()),
        ("out.md", b"#"),
        ("out.html", b"<!doctype html>"),
    ],
)
def test_without_f_the_format_is_the_one_the_file_name_says(tmp_path, name, starts):
    out = tmp_path / name
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "--period", "2024-02", "-o", out)
    assert run.code == 0, run.err
    assert out.read_bytes().lstrip().lower().startswith(starts.lower()), out.read_bytes()[:40]


def test_a_csv_named_by_its_extension_gets_its_sidecar(tmp_path):
    out = tmp_path / "out.csv"
    assert run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-o", out).code == 0
    assert json.loads((tmp_path / "out.csv.meta.json").read_text(encoding="utf-8"))["ruleset"]["version"] == "2024.02"


def test_a_txt_file_gets_the_plain_table_and_an_unknown_extension_is_said(tmp_path):
    txt = tmp_path / "out.txt"
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "--period", "2024-02", "-o", txt)
    assert run.code == 0 and "区人力资源和社会保障局" in txt.read_text(encoding="utf-8")
    assert run.err == f"wrote {txt}\n"
    other = tmp_path / "out.rtf"
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "--period", "2024-02", "-o", other)
    assert run.code == 0
    assert run.err.startswith(
        f"note: writing the table as plain text to {other} (the name does not end in .json .csv .xlsx .docx .pdf .md .html .htm; -f chooses another format)\n"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "csv", "-o", "x.json"),
        ("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "table", "-o", "x.xlsx"),
        ("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "json", "-o", "x.html"),
        (
            "diff",
            "-r",
            "jintai-hotline@2024.02",
            "--set",
            "timeliness.weight=45",
            "--set",
            "completion.weight=30",
            SEED_INPUT,
            "-f",
            "table",
            "-o",
            "x.json",
        ),
        ("combine", "-r", "city-hotline", f"a={CITY_INPUT}", "-f", "json", "-o", "x.md"),
    ],
)
def test_f_and_an_extension_that_disagree_are_a_usage_error(argv):
    run = run_cli(*argv)
    assert run.code == 2
    assert " disagree: a ." in run.err and "drop -f (the name decides)" in run.err


def test_diff_and_combine_refuse_a_file_name_for_a_format_they_cannot_write(tmp_path):
    run = run_cli(
        "diff",
        "-r",
        "jintai-hotline@2024.02",
        "--set",
        "timeliness.weight=45",
        "--set",
        "completion.weight=30",
        SEED_INPUT,
        "-o",
        tmp_path / "d.csv",
    )
    assert run.code == 2
    assert "diff writes table, json, xlsx, html, docx or pdf, not csv" in run.err
    assert run.err.endswith(": name the file .json, .xlsx, .html, .docx, .pdf or .txt\n")
    assert not (tmp_path / "d.csv").exists()


def test_diff_writes_json_to_a_json_file_without_f(tmp_path):
    out = tmp_path / "d.json"
    run = run_cli(
        "diff",
        "-r",
        "jintai-hotline@2024.02",
        "--set",
        "timeliness.weight=45",
        "--set",
        "completion.weight=30",
        SEED_INPUT,
        "-o",
        out,
    )
    assert run.code == 0, run.err
    json.loads(out.read_text(encoding="utf-8"))


def test_excel_with_a_format_other_than_csv_is_a_usage_error():
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "json", "--excel")
    assert run.code == 2 and "--excel is for -f csv" in run.err


def test_an_old_excel_extension_is_refused_for_output():
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-o", "out.xls")
    assert run.code == 2 and "kaoping writes Excel files as .xlsx, not .xls" in run.err


# -- 6. an edited copy of a released version is refused, wherever it lies ------------------------------


def test_an_edited_copy_of_a_released_version_is_refused_wherever_it_lies(tmp_path):
    copy = tmp_path / "elsewhere" / "mine.yaml"
    copy.parent.mkdir()
    text = SEED_RULESET.read_text(encoding="utf-8")
    copy.write_text(
        text.replace("weight: 35", "weight: 36", 1).replace("weight: 40", "weight: 39", 1), encoding="utf-8"
    )
    for argv in (("evaluate", "-r", copy, SEED_INPUT), ("validate", copy)):
        run = run_cli(*argv)
        assert run.code == 1, run.err
        assert run.err.startswith(
            f"{copy}: this file says it is jintai-hotline@2024.02, but it is an edited copy of that released version (released on "
        )
        assert "make a new version (kaoping new-version jintai-hotline <new version>)" in run.err
        assert run.out == ""


def test_an_unchanged_copy_or_a_copy_with_its_own_version_is_accepted(tmp_path):
    same = tmp_path / "same.yaml"
    shutil.copy(SEED_RULESET, same)
    assert run_cli("evaluate", "-r", same, SEED_INPUT).code == 0
    own = tmp_path / "own.yaml"
    own.write_text(
        SEED_RULESET.read_text(encoding="utf-8")
        .replace('version: "2024.02"', 'version: "2024.02-trial"')
        .replace("weight: 35", "weight: 36", 1)
        .replace("weight: 40", "weight: 39", 1),
        encoding="utf-8",
    )
    assert run_cli("evaluate", "-r", own, SEED_INPUT).code == 0


def test_an_edited_copy_is_refused_when_the_lock_is_in_the_rulesets_folder_in_use(tmp_path, monkeypatch):
    root = tmp_path / "mine"
    shutil.copytree(ROOT / "rulesets" / "city-hotline", root / "city-hotline")
    monkeypatch.setenv("KAOPING_RULESETS", str(root))
    copy = tmp_path / "copy.yaml"
    copy.write_text(
        (root / "city-hotline" / "2025.01.yaml").read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8"
    )
    run = run_cli("validate", copy)
    assert run.code == 1 and "this file says it is city-hotline@2025.01, but it is an edited copy" in run.err


# -- 7. new-version says what it copied and which effective date it wrote -----------------------------


@pytest.fixture
def rulesets(tmp_path: Path) -> Path:
    target = tmp_path / "rulesets"
    shutil.copytree(ROOT / "rulesets", target)
    return target


def test_a_version_that_is_not_a_month_needs_effective(rulesets):
    run = run_cli("new-version", "jintai-hotline", "2024.13", "--rulesets", rulesets)
    assert run.code == 2
    assert "'2024.13' does not read as a month (YYYY.MM)" in run.err
    assert (
        "give --effective YYYY-MM-DD, e.g. kaoping new-version jintai-hotline 2024.13 --effective 2025-01-01" in run.err
    )
    assert not (rulesets / "jintai-hotline" / "2024.13.yaml").exists()


def test_new_version_says_what_it_copied_and_the_effective_date_it_wrote(rulesets):
    run = run_cli("new-version", "jintai-hotline", "2025.01", "--rulesets", rulesets)
    draft = rulesets / "jintai-hotline" / "2025.01.yaml"
    assert run.out == (
        f"created {draft}: a draft copied from jintai-hotline@2024.02 (the latest version), "
        "effective 2025-01-01 (from its version 2025.01); edit it, check it (kaoping test jintai-hotline@2025.01), then: kaoping release jintai-hotline@2025.01\n"
    )
    run = run_cli(
        "new-version",
        "jintai-hotline",
        "2025-special",
        "--effective",
        "2025-06-15",
        "--from",
        "2024.02",
        "--rulesets",
        rulesets,
    )
    assert run.code == 0, run.err
    assert "a draft copied from jintai-hotline@2024.02 (--from), effective 2025-06-15 (--effective)" in run.out
    assert 'effective: "2025-06-15"' in (rulesets / "jintai-hotline" / "2025-special.yaml").read_text(encoding="utf-8")


# -- 11. diff --as-of, test's "and N more", usage errors from any stage --------------------------------


def test_diff_takes_as_of_for_a_bare_name_and_never_swallows_the_input():
    run = run_cli(
        "diff",
        "-r",
        "jintai-hotline",
        "-r",
        "jintai-hotline@2024.02",
        "--as-of",
        "2024-02-15",
        SEED_INPUT,
        "-f",
        "json",
    )
    assert run.code == 0, run.err
    assert run.err == "note: using jintai-hotline@2024.02, in effect on 2024-02-15 (--as-of 2024-02-15)\n"
    run = run_cli("diff", "-r", "jintai-hotline", "-r", "jintai-hotline@2024.02", "--as-of", SEED_INPUT)
    assert run.code == 2 and "is not a date: write it as YYYY-MM-DD" in run.err


def test_diff_warns_of_an_exact_version_not_in_effect_on_the_day(two_releases):
    run = run_cli(
        "diff",
        "-r",
        "jintai-hotline@2024.02",
        "-r",
        "jintai-hotline@2025.01",
        "--period",
        "2024-02",
        SEED_INPUT,
        "-f",
        "json",
        "--rulesets",
        two_releases,
    )
    assert run.code == 0, run.err
    assert run.err == "warning: jintai-hotline@2025.01 takes effect on 2025-01-01, after the period 2024-02\n"


def test_kaoping_test_says_how_many_mismatches_it_did_not_show(rulesets):
    expected = rulesets / "jintai-hotline" / "cases" / "2024-02-published.csv"
    lines = expected.read_text(encoding="utf-8").splitlines()
    wrong = [lines[0]] + [
        ",".join([*line.split(",")[:-1], "0.00"]) for line in lines[1:]
    ]  # every one of 32 totals wrong
    expected.write_text("\n".join(wrong) + "\n", encoding="utf-8")
    run = run_cli("test", "jintai-hotline@2024.02", "--rulesets", rulesets)
    assert run.code == 1
    shown = [line for line in run.out.splitlines() if line.startswith("    row ")]
    assert len(shown) == 20
    assert "    … and 12 more mismatches\n" in run.out
    assert run.out.endswith("0 passed, 1 failed\n")


def test_set_without_an_equals_sign_is_a_usage_error():
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "--set", "timeliness.weight")
    assert run.code == 2 and run.err.startswith("kaoping evaluate: error: ")


def test_as_of_outside_the_period_is_warned_about(two_releases):
    code, err, _ = evaluate(two_releases, "-r", "jintai-hotline", "--period", "2024-02", "--as-of", "2025-02-01")
    assert code == 0
    assert err.startswith(
        "warning: --as-of 2025-02-01 is not in the period 2024-02: the version is the one in effect on 2025-02-01\n"
    )


@pytest.mark.parametrize("stage", ["parse_overrides", "load_ruleset", "_evaluate_file"])
def test_a_usage_error_from_any_stage_exits_2(monkeypatch, stage):
    import kaoping.api
    from kaoping.errors import UsageError

    def refuse(*args, **kwargs):
        raise UsageError("said by a stage", code="cli.test-stage")

    monkeypatch.setattr(kaoping.api, stage, refuse)  # the stages kaoping.load and kaoping.evaluate call for the CLI
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT)
    assert (run.code, run.err) == (2, "kaoping evaluate: error: said by a stage\n")


# -- 15. operating-system errors, interrupts, memory, sizes --------------------------------------------


LONG = "a" * 300


@pytest.mark.parametrize(
    "argv, place",
    [
        (("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-o", f"{LONG}.json"), f"{LONG}.json"),
        (("evaluate", "-r", "jintai-hotline@2024.02", f"{LONG}.csv"), f"{LONG}.csv"),
        (("evaluate", "-r", f"{LONG}.yaml", SEED_INPUT), f"{LONG}.yaml"),
        (("validate", f"{LONG}.yaml"), f"{LONG}.yaml"),
    ],
)
def test_a_300_character_file_name_is_told_not_crashed_on(argv, place):
    run = run_cli(*argv)
    assert run.code == 1, run.err
    assert run.err.startswith(f"{place}: ") and "File name too long" in run.err
    assert "Traceback" not in run.err and "internal error" not in run.err


def test_an_unreadable_input_is_told_with_its_place(monkeypatch):
    import kaoping.commands

    def denied(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(kaoping.commands, "estimated_rows", denied)
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT)
    assert run.code == 1
    assert run.err.startswith(f"{SEED_INPUT}: cannot read the input file: Permission denied\n")


def test_any_other_os_error_is_told_with_its_file_not_as_a_bug(monkeypatch):
    import kaoping.api

    def broken(*args, **kwargs):
        raise OSError(5, "Input/output error", "/mnt/usb/feb.csv")

    monkeypatch.setattr(kaoping.api, "_evaluate_file", broken)
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT)
    assert (run.code, run.err.splitlines()[0]) == (
        1,
        "/mnt/usb/feb.csv: the system refused this file: Input/output error",
    )


def test_running_out_of_memory_says_how_big_the_input_is_and_what_it_needs(monkeypatch):
    import kaoping.api

    def exhausted(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(kaoping.api, "_evaluate_file", exhausted)
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT)
    assert run.code == 1
    # the seed is 1,159 bytes in 33 lines, a header and 32 units: 50 MB of base plus 32 x 1 kB = 50.03 MB
    assert run.err.splitlines()[0] == (
        f"{SEED_INPUT}: not enough memory: the input is 1.2 kB, about 32 rows, "
        "and kaoping needs roughly 50.0 MB of memory for it (about 1 kB a row)"
    )
    assert "Traceback" not in run.err


def test_a_device_a_folder_and_a_missing_folder_are_still_refused_as_outputs(tmp_path):
    for target, said in (
        ("/dev/null", "that is not an ordinary file"),
        (tmp_path, "that is a folder, not a file"),
        (tmp_path / "no" / "x.json", "does not exist"),
    ):
        run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "json", "-o", target)
        assert run.code == 1 and said in run.err, run.err


def test_list_over_a_1_gb_version_file_is_quick_and_never_reads_it(tmp_path):
    root = tmp_path / "rulesets"
    shutil.copytree(ROOT / "rulesets" / "jintai-hotline", root / "jintai-hotline")
    huge = root / "jintai-hotline" / "2025.01.yaml"
    with huge.open("wb") as f:
        f.truncate(1 << 30)  # sparse: no disk used
    started = time.process_time()  # CPU time: the wall clock also counts waiting for a core on a loaded machine
    run = run_cli("list", "--rulesets", root)
    elapsed = time.process_time() - started
    assert run.code == 0, run.err
    assert elapsed < 0.5, f"list took {elapsed:.2f} s"
    row = next(line for line in run.out.splitlines() if "2025.01" in line)
    assert row.split()[:3] == ["jintai-hotline", "2025.01", "draft"]
    assert "INVALID (over 1000 kB, too big for a ruleset)" in row


def test_a_released_version_grown_to_1_gb_is_refused_without_hashing_it(tmp_path):
    root = tmp_path / "rulesets"
    shutil.copytree(ROOT / "rulesets" / "jintai-hotline", root / "jintai-hotline")
    path = root / "jintai-hotline" / "2024.02.yaml"
    with path.open("r+b") as f:
        f.truncate(1 << 30)
    started = time.process_time()  # CPU time, as above
    run = run_cli("validate", path)
    assert time.process_time() - started < 0.5
    assert (
        run.code == 1
        and "its file has changed since (released sha256 9ba742879557, now larger than any ruleset may be)" in run.err
    )
    assert "released, CHANGED" in run_cli("list", "--rulesets", root).out


def test_the_ignored_columns_note_names_the_first_20_and_counts_the_rest(tmp_path):
    lines = SEED_INPUT.read_text(encoding="utf-8-sig").splitlines()
    extra = [f"备注{i}" for i in range(1, 26)]
    rows = [lines[0] + "," + ",".join(extra)] + [line + "," * 25 for line in lines[1:]]
    wide = tmp_path / "wide.csv"
    wide.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", wide, "-f", "json")
    assert run.code == 0, run.err
    names = ", ".join(f"备注{i}" for i in range(1, 21))
    assert f"note: columns not used by jintai-hotline@2024.02: {names} … and 5 more\n" in run.err


# Interrupts, with a real process: the output is written slowly (a patched os.fdopen) so that the
# signal lands while the temporary file exists.
SLOW_WRITER = """
import os, sys, time
sys.path.insert(0, {root!r})
real = os.fdopen
class Slow:
    def __init__(self, f): self.f = f
    def __enter__(self): return self
    def __exit__(self, *exc): self.f.close()
    def write(self, data):
        for i in range(0, len(data), 4096):
            self.f.write(data[i:i + 4096]); self.f.flush(); time.sleep(0.01)
os.fdopen = lambda fd, mode="r", *a, **k: Slow(real(fd, mode, *a, **k))
import kaoping.cli as cli
sys.exit(cli.main(sys.argv[1:]))
"""


def big_input(path: Path, units: int) -> Path:
    lines = SEED_INPUT.read_text(encoding="utf-8-sig").splitlines()
    body = lines[1:]
    with path.open("w", encoding="utf-8") as f:
        f.write(lines[0] + "\n")
        for i in range(units):
            f.write(f"单位{i}," + body[i % len(body)].split(",", 1)[1] + "\n")
    return path


@pytest.mark.parametrize(
    "sig, code, said", [(signal.SIGTERM, 143, "terminated\n"), (signal.SIGINT, 130, "interrupted\n")]
)
def test_an_interrupted_write_leaves_no_temporary_file_and_no_traceback(tmp_path, sig, code, said):
    source = big_input(tmp_path / "big.csv", 5_000)
    out = tmp_path / "out.json"
    script = tmp_path / "slow_cli.py"
    script.write_text(SLOW_WRITER.format(root=str(ROOT)), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, script, "evaluate", "-r", "jintai-hotline@2024.02", source, "-o", out],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".out.json.*.tmp")):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.01)
    process.send_signal(sig)
    _, err = process.communicate(timeout=30)
    assert process.returncode == code, err
    assert err == said
    assert list(tmp_path.glob(".out.json*")) == [] and not out.exists()


def test_explain_takes_period_to_choose_the_version_and_says_which():
    run = run_cli(
        "explain", "-r", "jintai-hotline", "--period", "2024-02", "examples/jintai-hotline-2024-02.csv", "区林业"
    )
    assert run.code == 0, run.err
    assert "note: using jintai-hotline@2024.02, in effect on 2024-02-01 (--period 2024-02)\n" in run.err
    # the published row: 区林业局 25th of 32 at 89.27
    assert run.out.startswith("区林业局: rank 25 of 32, total 89.27 under jintai-hotline@2024.02\n")


def test_explain_warns_of_a_named_version_not_in_effect_in_the_period():
    run = run_cli(
        "explain",
        "-r",
        "jintai-hotline@2024.02",
        "--period",
        "2023-02",
        "examples/jintai-hotline-2024-02.csv",
        "区林业",
    )
    assert run.code == 0, run.err
    assert "warning: jintai-hotline@2024.02 takes effect on 2024-02-01, after the period 2023-02\n" in run.err


# -- review of issue 8 ---------------------------------------------------------------------------------


def test_an_edited_copy_calling_itself_the_released_version_written_differently_is_refused(tmp_path):
    """2024.2 is the same version number as the released 2024.02: an edited copy may not hide behind the spelling."""
    copy = tmp_path / "mine.yaml"
    text = SEED_RULESET.read_text(encoding="utf-8").replace('version: "2024.02"', 'version: "2024.2"')
    copy.write_text(text.replace("weight: 35", "weight: 30", 1).replace("weight: 5", "weight: 10", 1), encoding="utf-8")
    run = run_cli("evaluate", "-r", copy, SEED_INPUT)
    assert (run.code, run.out) == (1, "")
    assert run.err.startswith(
        f"{copy}: this file says it is jintai-hotline@2024.2 (the same number as the released 2024.02), "
        "but it is an edited copy of that released version (released on "
    )


def test_combine_refuses_two_sheets_holding_the_same_records(tmp_path):
    """3月 a copy of 1月: other sheet, same workbook bytes, same records — one month counted twice."""
    book = workbook(tmp_path / "book3.xlsx", {"1月": city_rows(), "2月": city_rows(1), "3月": city_rows()})
    run = run_cli("combine", "-r", "city-hotline@2025.01", f"1月={book}#1月", f"3月={book}#3月")
    assert (run.code, run.out) == (1, "")
    assert run.err.startswith(
        f"{book}#3月: periods '1月' ({book}#1月) and '3月' ({book}#3月) hold the same records "
        "(every unit's input values are equal; digest "
    )
    assert ": one period's data would count twice\n" in run.err


def test_the_same_records_in_two_files_are_refused_even_with_other_bytes(tmp_path):
    """The same month saved twice (CRLF and LF, rows in another order) is still one month."""
    lines = CITY_INPUT.read_text(encoding="utf-8-sig").splitlines()
    jan, again = tmp_path / "jan.csv", tmp_path / "feb.csv"
    jan.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    again.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n", encoding="utf-8")
    run = run_cli("combine", "-r", "city-hotline@2025.01", f"1月={jan}", f"2月={again}")
    assert run.code == 1
    assert f"periods '1月' ({jan}) and '2月' ({again}) hold the same records" in run.err


def test_combines_footer_names_each_periods_sheet(tmp_path):
    book = workbook(tmp_path / "book.xlsx", {"1月": city_rows(), "2月": city_rows(1)})
    run = run_cli("combine", "-r", "city-hotline@2025.01", f"1月={book}", f"2月={book}#2月")
    assert run.code == 0, run.err
    footer = run.out.rstrip("\n").splitlines()[-1]
    assert "· 1月: book.xlsx#1月 (sha256 " in footer and ", 2月: book.xlsx#2月 (sha256 " in footer
    run = run_cli("combine", "-r", "city-hotline@2025.01", f"1月={book}", f"2月={book}#2月", "-f", "json")
    assert [(p["label"], p["sheet"]) for p in json.loads(run.out)["periods"]] == [("1月", "1月"), ("2月", "2月")]
    run = run_cli("combine", "-r", "city-hotline@2025.01", f"{CITY_INPUT}", f"2月={book}#2月", "-f", "json")
    assert [p["sheet"] for p in json.loads(run.out)["periods"]] == [None, "2月"]


def test_a_file_given_by_path_inside_a_rulesets_folder_gets_the_name_and_version_check(tmp_path):
    """list calls it INVALID; validate by path must say the same."""
    root = tmp_path / "rs3"
    (root / "jintai-hotline").mkdir(parents=True)
    text = (
        SEED_RULESET.read_text(encoding="utf-8")
        .split("\ntests:")[0]
        .replace('version: "2024.02"', 'version: "2099.01"')
    )
    lying = root / "jintai-hotline" / "2099.02.yaml"
    lying.write_text(text, encoding="utf-8")
    assert "INVALID (1 error)" in run_cli("list", "--rulesets", root).out
    run = run_cli("validate", lying, "--rulesets", root)
    assert (run.code, run.out) == (1, "")
    assert run.err.startswith(f"{lying}:4:10: this file says version '2099.01', but its file name says '2099.02'\n")
    run = run_cli("test", lying, "--rulesets", root)
    assert run.code == 1 and "this file says version '2099.01', but its file name says '2099.02'" in run.err
    # the same file outside any rulesets folder is taken as it says
    elsewhere = tmp_path / "elsewhere" / "2099.02.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(text, encoding="utf-8")
    assert run_cli("validate", elsewhere, "--rulesets", root).code == 0


@pytest.mark.parametrize("kind", ["folder", "fifo", "device"])
def test_an_input_that_is_not_a_file_is_told_as_what_it_is(tmp_path, kind):
    if kind == "folder":
        target, said = tmp_path, "this is a folder, not a data file"
    elif kind == "fifo":
        target, said = tmp_path / "pipe.csv", "this is not a regular file (a device, a pipe or a socket)"
        os.mkfifo(target)
    else:
        target, said = Path("/dev/zero"), "this is not a regular file (a device, a pipe or a socket)"
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", target)
    assert (run.code, run.err.splitlines()[0]) == (1, f"{target}: {said}")


def test_a_version_not_in_effect_for_the_period_names_the_option_given():
    run = run_cli("evaluate", "-r", "jintai-hotline", "--period", "2023-05", SEED_INPUT)
    assert run.code == 1
    assert run.err.splitlines()[0] == (
        "jintai-hotline --period 2023-05: no released version of jintai-hotline was in effect "
        "on 2023-05-01 (--period 2023-05 means the month's first day)"
    )
    run = run_cli("evaluate", "-r", "jintai-hotline", "--as-of", "2023-05-10", SEED_INPUT)
    assert (
        run.err.splitlines()[0]
        == "jintai-hotline --as-of 2023-05-10: no released version of jintai-hotline was in effect on 2023-05-10"
    )


def test_out_of_memory_figures_for_the_reviewers_456594_rows(monkeypatch):
    import kaoping.api
    import kaoping.commands

    def exhausted(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(kaoping.api, "_evaluate_file", exhausted)
    monkeypatch.setattr(kaoping.commands, "estimated_rows", lambda path: 456_594)
    monkeypatch.setattr(kaoping.commands, "available_memory", lambda: None)
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT)
    # 50 MB + 456,594 x 1 kB = 506.6 MB (the row path needed 3.3 GB for that file; the columnar core 0.6 kB a row)
    assert "about 456,594 rows, and kaoping needs roughly 506.6 MB of memory for it (about 1 kB a row)" in run.err


def test_too_little_memory_is_warned_about_before_scoring(monkeypatch):
    import kaoping.commands

    monkeypatch.setattr(kaoping.commands, "estimated_rows", lambda path: 456_594)
    monkeypatch.setattr(kaoping.commands, "available_memory", lambda: 400_000_000)
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "json")
    assert run.code == 0  # a warning, not a refusal: the estimate is rough
    # 50 MB + 456,594 x 1 kB = 506.6 MB
    assert run.err == (
        f"warning: {SEED_INPUT} has about 456,594 rows; scoring them needs roughly 506.6 MB of memory, "
        "and 400.0 MB is available: the run may fail for want of memory (split the input, by group say, "
        "or run it where there is more)\n"
    )
    monkeypatch.setattr(kaoping.commands, "available_memory", lambda: 600_000_000)
    assert run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "json").err == ""


def test_available_memory_is_the_smaller_of_meminfo_and_the_address_space_limit(monkeypatch):
    import resource

    from kaoping.commands import available_memory

    have = available_memory()
    meminfo = next(
        int(line.split()[1]) * 1024
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemAvailable:")
    )
    assert have is not None and abs(have - meminfo) < 200 * 2**20  # memory moves a little between the two reads
    monkeypatch.setattr(resource, "getrlimit", lambda which: (1_000_000, resource.RLIM_INFINITY))
    assert available_memory() == 1_000_000


def test_an_option_given_twice_is_a_usage_error_not_the_last_one_silently():
    twice_r = run_cli(
        "evaluate", "-r", "jintai-hotline@2024.02", "-r", "rate-hotline", "examples/rate-hotline-2025-01.csv"
    )
    assert twice_r.code == 2 and twice_r.err.endswith(
        "kaoping evaluate: error: -r is given twice; give it once (only diff takes two: -r OLD -r NEW)\n"
    )
    twice_period = run_cli(
        "evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "--period", "2024-02", "--period", "2025-03"
    )
    assert twice_period.code == 2 and twice_period.err.endswith(
        "kaoping evaluate: error: --period is given twice; give it once\n"
    )
    assert run_cli("diff", "-r", "jintai-hotline@2024.02", "-r", "jintai-hotline@2024.02", SEED_INPUT).code == 0


def test_the_readers_doubt_about_a_totals_like_row_is_said_as_a_warning(tmp_path):
    data = tmp_path / "t.csv"
    data.write_text(
        "部门名称,应办结工单数,办结工单数,按期办结工单数,逾期退单工单数,告警工单数\n甲局,4,4,4,0,0\n乙局,2,2,1,1,0\n全区,6,6,5,1,0\n",
        encoding="utf-8",
    )
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", data, "-f", "json")
    assert run.code == 0, run.err
    assert f"warning: {data}:4:1: the row '全区' looks like a totals row" in run.err and ": warning: " not in run.err
    assert json.loads(run.out)["input"]["notes"][0].startswith(f"warning: {data}:4:1: the row '全区'")


def test_the_memory_estimate_does_not_count_the_header_row(tmp_path):
    from kaoping.commands import estimated_rows

    data = tmp_path / "t.csv"
    data.write_text("部门名称,应办结工单数\n甲局,4\n乙局,2\n", encoding="utf-8")
    assert estimated_rows(data) == 2


def test_combine_says_which_unit_was_skipped_in_which_period(tmp_path):
    """combine: {missing: skip} combines 丁 over 2025-02 only; a renamed unit (丁 -> 丁局) would look the same."""
    cases = ROOT / "tests" / "cases" / "constructs"
    ruleset = tmp_path / "skip.yaml"
    text = (
        (cases / "combine-periods.yaml")
        .read_text(encoding="utf-8")
        .replace("combine: {function: mean}", "combine: {function: mean, missing: skip}")
    )
    ruleset.write_text(text, encoding="utf-8")
    renamed = tmp_path / "mar.csv"
    renamed.write_text(
        (cases / "combine-periods-2025-03.csv").read_text(encoding="utf-8") + "丁局,50\n", encoding="utf-8"
    )
    run = run_cli(
        "combine", "-r", ruleset, f"2025-02={cases}/combine-periods-2025-02.csv", f"2025-03={renamed}", "-f", "json"
    )
    assert run.code == 0, run.err
    assert (
        "note: 丁 has no result in 2025-03: its combined score is over the other periods (combine: {missing: skip}); did you mean '丁局'?\n"
        in run.err
    )
    assert (
        "note: 丁局 has no result in 2025-02: its combined score is over the other periods (combine: {missing: skip}); did you mean '丁'?\n"
        in run.err
    )
