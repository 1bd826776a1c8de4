"""The command line: commands, ruleset references, outputs and exit codes."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest

from .conftest import ROOT, SEED_INPUT, SEED_RULESET, run_cli


def test_list_shows_each_version_with_its_title_and_effective_date():
    run = run_cli("list")
    assert run.code == 0
    line = next(line for line in run.out.splitlines() if line.startswith("jintai-hotline"))
    assert "2024.02" in line and "2024-02-01" in line and "金台区区级各部门市民热线办理考评" in line


def test_validate_accepts_the_seed_ruleset_by_path_and_by_name():
    for ref in (SEED_RULESET, "jintai-hotline@2024.02"):
        run = run_cli("validate", ref)
        assert run.code == 0, run.err
        assert "ok (jintai-hotline@2024.02, 6 indicators)" in run.out


def test_a_bare_name_means_the_latest_version(tmp_path):
    folder = tmp_path / "jintai-hotline"
    folder.mkdir()
    for version in ("2024.9", "2024.10", "2023.12"):
        text = SEED_RULESET.read_text(encoding="utf-8").replace('version: "2024.02"', f'version: "{version}"')
        (folder / f"{version}.yaml").write_text(text, encoding="utf-8")
    run = run_cli("validate", "jintai-hotline", "--rulesets", tmp_path)
    assert "jintai-hotline@2024.10" in run.out  # 10 > 9: versions compare as numbers


def test_the_rulesets_folder_can_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("KAOPING_RULESETS", str(tmp_path))
    run = run_cli("validate", "jintai-hotline@2024.02")
    assert run.code == 1
    assert "no ruleset named 'jintai-hotline'" in run.err


def test_an_unknown_ruleset_name_gets_a_suggestion():
    run = run_cli("validate", "jintai-hotlne@2024.02")
    assert run.code == 1
    assert run.err.startswith("jintai-hotlne@2024.02: no ruleset named 'jintai-hotlne' under rulesets/")
    assert "did you mean 'jintai-hotline'?" in run.err


def test_an_unknown_version_lists_the_versions_there_are():
    run = run_cli("evaluate", "-r", "jintai-hotline@2099.01", SEED_INPUT)
    assert run.code == 1
    assert "has no version '2099.01'" in run.err and "its versions are: 2024.02" in run.err


def test_bad_command_lines_exit_2():
    assert run_cli("evaluate", SEED_INPUT).code == 2  # no -r
    assert run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "odt").code == 2
    assert run_cli("frobnicate").code == 2


@pytest.mark.parametrize("period", ["2024-13", "202402", "2024年2月"])
def test_a_bad_period_is_a_command_line_error(period):
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "--period", period)
    assert run.code == 2
    assert f"'{period}' is not a month" in run.err and "YYYY-MM" in run.err


def test_a_missing_input_file_is_a_user_error():
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", "nowhere.csv")
    assert (run.code, run.err.splitlines()[0]) == (1, "nowhere.csv: no such input file")


def test_csv_output_has_the_published_headers_and_numbers(tmp_path):
    out = tmp_path / "table.csv"
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "csv", "-o", out)
    assert run.code == 0 and run.out == ""
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0][:4] == ["序号", "部门名称", "应办结工单数", "办结得分（35分）/工单数"]
    assert rows[0][-2:] == ["返工工单得分（5分）", "最终得分"]
    # published row 24: 区市场监督管理局 ... 93.26
    assert rows[24][:2] == ["24", "区市场监督管理局"] and rows[24][-1] == "93.26"


def test_table_output_to_a_file_is_plain_text(tmp_path):
    out = tmp_path / "table.txt"
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "--period", "2024-02", "-o", out)
    assert run.code == 0
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0].strip() == "2024年2月区级各部门市民热线办理考评表"
    assert "\x1b[" not in text  # no colour codes in a file


def test_without_a_period_the_title_is_the_rulesets_own(tmp_path):
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT)
    assert run.out.splitlines()[0].strip() == "金台区区级各部门市民热线办理考评"


def test_output_into_a_missing_folder_fails_cleanly(tmp_path):
    run = run_cli(
        "evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "json", "-o", tmp_path / "no" / "x.json"
    )
    assert run.code == 1 and "does not exist" in run.err
    assert not (tmp_path / "no").exists()


def test_a_failed_evaluation_leaves_an_existing_output_file_untouched(tmp_path):
    out = tmp_path / "result.json"
    out.write_text("last month's result", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("部门名称,应办结工单数\nX,1\n", encoding="utf-8")
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", bad, "-f", "json", "-o", out)
    assert run.code == 1
    assert out.read_text(encoding="utf-8") == "last month's result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "result.json"]


def test_an_unexpected_exception_is_reported_as_a_bug_with_exit_3(monkeypatch):
    import kaoping.cli as cli

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli.commands, "evaluate_input", broken)
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT)
    assert run.code == 3
    assert "this is a bug in kaoping" in run.err and "RuntimeError: boom" in run.err


def test_python_cli_py_is_the_same_program():
    proc = subprocess.run(
        [sys.executable, "cli.py", "evaluate", "-r", "jintai-hotline@2024.02", str(SEED_INPUT), "-f", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["results"][0]["display"]["total"] == "99.88"


COMMANDS = ("list", "validate", "evaluate", "diff", "explain", "combine", "new-version", "release", "test")

# Each command's options and arguments as they are today and as the README's "Command line" section documents
# them.  Other options may be added; none of these may go missing.  Every command takes --rulesets DIR.
HELP = {
    "list": ["--rulesets"],
    "validate": ["RULESET", "--set", "--as-of", "--rulesets"],
    "evaluate": ["INPUT", "-r", "--ruleset", "-f", "--format", "-o", "--output", "--excel", "--period",
                 "--set", "--as-of", "--sheet", "--rulesets"],
    "diff": ["INPUT", "-r", "--ruleset", "--set", "-f", "--format", "-o", "--output", "--sheet", "--rulesets"],
    "explain": ["INPUT", "UNIT", "-r", "--ruleset", "--set", "--as-of", "--sheet", "--rulesets"],
    "combine": ["[LABEL=]INPUT", "-r", "--ruleset", "-f", "--format", "-o", "--output", "--set", "--as-of", "--sheet", "--rulesets"],
    "new-version": ["NAME", "VERSION", "--from", "--effective", "--rulesets"],
    "release": ["NAME@VERSION", "--rulesets"],
    "test": ["RULESET", "--rulesets"],
}  # fmt: skip


def said(word: str, text: str) -> bool:
    """`word` appears in `text` as a whole option or argument name (--set, not --settings)."""
    return re.search(rf"(?<![\w=@\[-]){re.escape(word)}(?![\w@=-])", text) is not None


def test_help_names_every_command():
    run = run_cli("--help")
    assert run.code == 0
    assert run.out.startswith("usage: kaoping ")
    for command in COMMANDS:
        assert re.search(rf"^    {re.escape(command)}\s", run.out, re.M), command  # listed with its summary
    assert said("--version", run.out) and said("--rulesets", run.out)


def test_help_lists_every_command_and_no_other():
    run = run_cli("--help")
    listed = [group for group in re.findall(r"\{([a-z,-]+)\}", run.out) if "evaluate" in group]  # not {zh,en}
    if listed:  # argparse's usage line names the commands when it has room
        assert sorted(listed[0].split(",")) == sorted(COMMANDS)
    assert sorted(HELP) == sorted(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_each_commands_help_shows_its_options(command):
    run = run_cli(command, "--help")
    assert run.code == 0, run.err
    assert run.out.startswith(f"usage: kaoping {command} ")
    missing = [word for word in HELP[command] if not said(word, run.out)]
    assert missing == [], f"kaoping {command} --help does not show {missing}"


@pytest.mark.parametrize(("command", "formats"), [
    ("evaluate", ["table", "json", "csv", "xlsx", "docx", "pdf", "md", "html"]),  # README: -f table|json|csv|xlsx|docx|pdf|md|html
    ("diff", ["table", "json"]),  # README: diff ... [-f table|json]
    ("combine", ["table", "json"]),  # README: combine ... [-f table|json]
])  # fmt: skip
def test_each_commands_help_shows_its_output_formats(command, formats):
    text = " ".join(run_cli(command, "--help").out.split())
    offered = re.search(r"-f \{([a-z,]+)\}", text)
    assert offered, text
    assert [f for f in formats if f not in offered.group(1).split(",")] == []


def test_rounding_places_written_as_2_point_0_works_like_2(tmp_path):
    ruleset = tmp_path / "r.yaml"
    # an edited copy of a released version must say it is a version of its own
    text = SEED_RULESET.read_text(encoding="utf-8").replace('version: "2024.02"', 'version: "2024.02-places"')
    ruleset.write_text(text.replace("  places: 2\n", "  places: 2.0\n"), encoding="utf-8")
    run = run_cli("evaluate", "-r", ruleset, SEED_INPUT, "-f", "json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["results"][0]["display"]["total"] == "99.88"


def test_only_the_first_100_data_errors_are_shown_and_the_count_says_so(tmp_path):
    data = tmp_path / "many.csv"
    rows = [f"单位{i},x,1,1,0,0" for i in range(150)]  # 150 rows, each with a non-number in 应办结工单数
    data.write_text(
        "部门名称,应办结工单数,办结工单数,按期办结工单数,逾期退单工单数,告警工单数\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", data)
    assert run.code == 1
    assert run.err.count("'x' is not a number") == 100
    assert run.err.rstrip().endswith("the first 100 of 150 errors are shown; fix these and run again")


def test_output_onto_a_folder_is_refused(tmp_path):
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "csv", "-o", tmp_path)
    assert run.code == 1 and "that is a folder, not a file" in run.err
    assert list(tmp_path.iterdir()) == []


def test_output_onto_the_input_is_refused(tmp_path):
    data = tmp_path / "in.csv"
    data.write_bytes(SEED_INPUT.read_bytes())
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", data, "-f", "csv", "-o", data)
    assert run.code == 1 and "that is an input of this run" in run.err
    assert data.read_bytes() == SEED_INPUT.read_bytes()


def test_output_files_get_ordinary_permissions_and_links_are_written_through(tmp_path):
    import os
    import stat

    target = tmp_path / "result.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    old_umask = os.umask(0o022)
    try:
        assert run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "json", "-o", link).code == 0
        fresh = tmp_path / "fresh.json"
        assert run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "json", "-o", fresh).code == 0
    finally:
        os.umask(old_umask)
    assert link.is_symlink() and json.loads(target.read_text(encoding="utf-8"))["input"]["records"] == 32
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644


def test_text_that_a_spreadsheet_would_run_as_a_formula_stays_text_in_csv(tmp_path):
    data = tmp_path / "evil.csv"
    data.write_text(
        "部门名称,应办结工单数,办结工单数,按期办结工单数,逾期退单工单数,告警工单数\n"
        '=HYPERLINK("http://x"),2,2,2,0,0\n@SUM(1),1,1,1,0,0\n',
        encoding="utf-8",
    )
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", data, "-f", "csv")
    rows = list(csv.reader(io.StringIO(run.out)))
    assert rows[1][1] == '\'=HYPERLINK("http://x")' and rows[2][1] == "'@SUM(1)"
    assert rows[1][-1] == "100.00"  # numbers are left alone


def test_a_csv_and_its_sidecar_are_written_together_or_not_at_all(tmp_path):
    out = tmp_path / "t.csv"
    (tmp_path / "t.csv.meta.json").mkdir()  # the sidecar cannot be written
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "csv", "-o", out)
    assert run.code == 1 and "that is a folder, not a file" in run.err
    assert not out.exists()


def test_release_without_a_version_is_a_command_line_error():
    run = run_cli("release", "jintai-hotline")
    assert run.code == 2 and "release takes NAME@VERSION" in run.err


def test_as_of_with_an_exact_version_is_a_command_line_error():
    run = run_cli("validate", "jintai-hotline@2024.02", "--as-of", "2024-03-01")
    assert run.code == 2 and "--as-of picks a version by date" in run.err


def test_adjacent_groups_with_the_same_header_stay_apart(tmp_path):
    text = SEED_RULESET.read_text(encoding="utf-8").split("\ntests:")[0]
    text = text.replace('version: "2024.02"', 'version: "2024.02-headers"')  # an edited copy: a version of its own
    text = text.replace('"按期办结得分（{timeliness.weight}分）"', '"办结得分（{completion.weight}分）"')
    ruleset = tmp_path / "r.yaml"
    ruleset.write_text(text, encoding="utf-8")
    run = run_cli("evaluate", "-r", ruleset, SEED_INPUT)
    assert run.code == 0, run.err
    assert run.out.splitlines()[2].count("办结得分（35分）") == 2  # two spans, not one merged over four columns


class _Terminal(io.StringIO):
    """A captured stream that says it is a terminal, as a user's stderr is."""

    def isatty(self) -> bool:
        return True


def test_a_large_input_shows_a_progress_bar_on_stderr_and_never_in_the_output(tmp_path):
    from kaoping.cli import main

    big = tmp_path / "big.csv"
    rows = [f"单位{i:05d},{10 + i % 7},{10 + i % 7},{9 + i % 7},{i % 3},{i % 2}" for i in range(60_000)]
    big.write_text(
        "部门名称,应办结工单数,办结工单数,按期办结工单数,逾期退单工单数,告警工单数\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    out, err = io.StringIO(), _Terminal()
    assert main(["evaluate", "-r", "jintai-hotline@2024.02", str(big), "-f", "json"], stdout=out, stderr=err) == 0
    assert "scoring big.csv" in err.getvalue()
    assert (
        json.loads(out.getvalue())["input"]["records"] == 60_000
    )  # the JSON is whole: nothing else was written into it


def test_a_small_input_shows_no_progress_bar():
    from kaoping.cli import main

    err = _Terminal()
    assert (
        main(
            ["evaluate", "-r", "jintai-hotline@2024.02", str(SEED_INPUT), "-f", "json"],
            stdout=io.StringIO(),
            stderr=err,
        )
        == 0
    )
    assert "scoring" not in err.getvalue()
