"""Golden cases for user mistakes: a data folder per kind of mistake, walked here.

- tests/cases/invalid/<name>.yaml: a trimmed copy of the seed ruleset with one
  mistake (or, in several-errors.yaml, several); <name>.txt beside it is the
  exact stderr of `kaoping validate tests/cases/invalid/<name>.yaml`.
- tests/cases/bad-data/<name>.csv: a month's records with one kind of mistake
  (several in several-problems.csv); <name>.txt is the exact stderr of
  `kaoping evaluate -r jintai-hotline@2024.02 tests/cases/bad-data/<name>.csv`,
  or of `-r tests/cases/bad-data/<name>.yaml` when that ruleset exists.

To add a case, add the two files and its <name>.codes (the codes of its problems,
one a line: tests/test_codes.py checks them); no code changes.  Paths are relative to the
project root, as a user there would type them (run_cli chdirs there).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .conftest import ROOT, SEED_INPUT, run_cli

CASES = ROOT / "tests" / "cases"
INVALID = sorted((CASES / "invalid").glob("*.yaml"))
BAD_DATA = sorted((CASES / "bad-data").glob("*.csv"))
SEED = "jintai-hotline@2024.02"


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def expected_stderr(case: Path) -> str:
    return case.with_suffix(".txt").read_text(encoding="utf-8")


def ruleset_for(data: Path) -> str:
    own = data.with_suffix(".yaml")
    return relative(own) if own.exists() else SEED


def test_every_case_folder_holds_cases_and_every_case_has_its_expected_output():
    assert INVALID and BAD_DATA
    for case in [*INVALID, *BAD_DATA]:
        assert case.with_suffix(".txt").is_file(), f"{relative(case)} has no .txt beside it"
    for txt in [*(CASES / "invalid").glob("*.txt"), *(CASES / "bad-data").glob("*.txt")]:
        if txt.name.endswith((".zh.txt", ".en.txt")):
            txt = txt.with_suffix("")  # the Chinese (or export) golden of the case <name>: tests/test_i18n_corpus.py
        assert txt.with_suffix(".yaml").exists() or txt.with_suffix(".csv").exists(), f"{relative(txt)} has no case"


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.stem)
def test_an_invalid_ruleset_is_refused_with_exactly_the_expected_messages(case):
    run = run_cli("validate", relative(case))
    assert "Traceback" not in run.err
    assert run.code == 1, run.err
    assert run.out == ""
    assert run.err == expected_stderr(case)


def test_several_mistakes_in_one_ruleset_are_all_reported_in_line_order():
    run = run_cli("validate", "tests/cases/invalid/several-errors.yaml")
    lines = [
        int(m.group(1)) for m in re.finditer(r"^tests/cases/invalid/several-errors\.yaml:(\d+):\d+: ", run.err, re.M)
    ]
    assert len(lines) == 4 and lines == sorted(lines)
    assert run.err.endswith("\n4 errors\n")


@pytest.mark.parametrize("case", BAD_DATA, ids=lambda p: p.stem)
def test_bad_data_is_refused_with_exactly_the_expected_messages_and_no_output_file(case, tmp_path):
    out = tmp_path / "out.json"
    run = run_cli("evaluate", "-r", ruleset_for(case), relative(case), "-f", "json", "-o", out)
    assert "Traceback" not in run.err
    assert run.code == 1, run.err
    assert run.out == ""
    assert run.err == expected_stderr(case)
    assert list(tmp_path.iterdir()) == [], "a failed run must leave no file (not even a temporary one)"


@pytest.mark.parametrize("case", BAD_DATA, ids=lambda p: p.stem)
def test_bad_data_shown_on_screen_prints_nothing_but_the_messages(case):
    run = run_cli("evaluate", "-r", ruleset_for(case), relative(case))
    assert run.code == 1, run.err
    assert run.out == ""
    assert run.err == expected_stderr(case)


def test_the_division_by_zero_message_names_the_unit_the_indicator_and_the_formula():
    text = expected_stderr(CASES / "bad-data" / "divzero.csv")
    assert "区民政局" in text and "'timeliness'" in text and "`weight * on_time / due`" in text


def test_the_ruleset_of_the_division_by_zero_case_is_itself_valid():
    run = run_cli("validate", "tests/cases/bad-data/divzero.yaml")
    assert run.code == 0, run.err


def _json_results(path: Path) -> tuple[dict, dict]:
    run = run_cli("evaluate", "-r", SEED, path, "-f", "json")
    assert run.code == 0, run.err
    document = json.loads(run.out)
    return document, {"aggregates": document["aggregates"], "results": document["results"]}


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("gbk", "gb18030"), ("utf-8-sig", "utf-8-sig")],
    ids=["a GBK file from Excel on Chinese Windows", "a UTF-8 file with a byte order mark"],
)
def test_a_valid_file_in_another_encoding_scores_and_ranks_exactly_like_the_utf8_example(encoding, reported, tmp_path):
    text = SEED_INPUT.read_text(encoding="utf-8")
    converted = tmp_path / f"export-{encoding}.csv"
    converted.write_bytes(text.encode(encoding))
    assert converted.read_bytes() != SEED_INPUT.read_bytes()

    _, expected = _json_results(SEED_INPUT)
    document, got = _json_results(converted)

    assert got == expected
    assert document["input"]["records"] == 32
    assert document["input"]["encoding"] == reported


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_a_file_in_another_encoding_prints_the_same_table(encoding, tmp_path):
    converted = tmp_path / "export.csv"
    converted.write_bytes(SEED_INPUT.read_text(encoding="utf-8").encode(encoding))
    expected = run_cli("evaluate", "-r", SEED, SEED_INPUT, "-f", "csv")
    got = run_cli("evaluate", "-r", SEED, converted, "-f", "csv")
    assert got.code == expected.code == 0, got.err
    assert got.out == expected.out
