"""Every problem the CLI, the Python API, output files, scoring, combine, diff and explain create has its code.

Codes are what scripts and tests match on (never the wording), so each kind
of mistake is triggered here and its code asserted.  Command-line mistakes
are UsageErrors (exit 2): their code is on the exception, as a KaopingError's
are on its problems, so the commands are run directly to see the exception.
"""

from __future__ import annotations

import argparse
import errno
import io
import os
import shutil
import types
from pathlib import Path

import kaoping
import kaoping.commands
import kaoping.files
import pytest
from kaoping.cli import build_parser, os_problem
from kaoping.errors import CODE, KaopingError, UsageError
from kaoping.evaluate.scoring import _failure
from kaoping.files import write_files

from .conftest import ROOT, SEED_INPUT, SEED_RULESET, run_cli

CITY_JAN = ROOT / "examples" / "city-hotline-2025-01.csv"
CITY_FEB = ROOT / "examples" / "city-hotline-2025-02.csv"
CASES = ROOT / "tests" / "cases" / "constructs"


def codes(*argv: str | os.PathLike[str]) -> tuple[str, ...]:
    """The codes of what `kaoping ARGV...` refuses (its UsageError's, or its KaopingError's problems')."""
    args = build_parser().parse_args([str(a) for a in argv])
    try:
        args.run(args, io.StringIO(), io.StringIO())
    except KaopingError as e:
        return e.codes
    except UsageError as e:
        return (e.code,)
    raise AssertionError(f"kaoping {' '.join(map(str, argv))} refused nothing")


def api_codes(call: object, *args: object, **kwargs: object) -> tuple[str, ...]:
    assert callable(call)
    with pytest.raises(KaopingError) as e:
        call(*args, **kwargs)
    return e.value.codes


@pytest.fixture(scope="module")
def seed() -> kaoping.Ruleset:
    return kaoping.load(SEED_RULESET)


def evaluate_cmd(*extra: str | os.PathLike[str]) -> tuple[str, ...]:
    return codes("evaluate", "-r", "jintai-hotline@2024.02", *extra)


# -- cli.*: values on the command line ------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, code",
    [
        (["--sheet", "一月", SEED_INPUT], "cli.sheet-not-xlsx"),
        ([SEED_INPUT, "-o", "out.xls"], "cli.excel-suffix"),
        ([SEED_INPUT, "-f", "json", "-o", "out.csv"], "cli.format-mismatch"),
        ([SEED_INPUT, "-f", "json", "--excel"], "cli.excel-needs-csv"),
        ([SEED_INPUT, "-f", "xlsx"], "cli.binary-to-terminal"),
    ],
)
def test_evaluate_command_line_mistakes(argv: list[str], code: str) -> None:
    assert evaluate_cmd(*argv) == (code,)


def test_diff_command_line_mistakes() -> None:
    assert codes("diff", "-r", "jintai-hotline@2024.02", SEED_INPUT) == ("cli.diff-needs-two",)
    two = ("-r", "jintai-hotline@2024.02", "--set", "timeliness.weight=45")
    assert codes("diff", *two, SEED_INPUT, "-o", "out.csv") == ("cli.format-not-written",)


def test_combine_command_line_mistakes(tmp_path: Path) -> None:
    city = ("combine", "-r", "city-hotline@2025.01")
    assert codes(*city, f"={CITY_JAN}") == ("cli.empty-label",)
    assert codes(*city, f"{tmp_path / 'book.xlsx'}#") == ("cli.empty-sheet",)
    assert codes(*city, CITY_JAN, "--sheet", "1月") == ("cli.sheet-not-xlsx",)


def test_release_command_line_mistakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert codes("release", "jintai-hotline") == ("cli.release-needs-version",)
    monkeypatch.chdir(tmp_path)  # no ./rulesets: the name would be the shipped one's
    assert codes("release", "jintai-hotline@2024.02") == ("cli.shipped-rulesets",)


def test_writing_into_the_installed_package_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kaoping.commands, "in_installed_package", lambda root: True)
    assert codes("new-version", "jintai-hotline", "2025.01", "--rulesets", tmp_path) == ("cli.installed-package",)


# -- file.*: inputs that cannot be read, outputs that cannot be written ---------------------------


def test_input_files_that_cannot_be_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert evaluate_cmd(tmp_path / "missing.csv") == ("file.not-found",)
    assert evaluate_cmd(tmp_path / ("a" * 300 + ".csv")) == ("file.cannot-open",)

    def denied(path: Path) -> int:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(kaoping.commands, "estimated_rows", denied)
    assert evaluate_cmd(SEED_INPUT) == ("file.unreadable",)


def test_any_other_refusal_of_the_system() -> None:
    assert os_problem(OSError(errno.EIO, "Input/output error", "/mnt/usb/feb.csv")).code == "file.system-refused"


def write_codes(path: Path, protect: tuple[Path, ...] = ()) -> tuple[str, ...]:
    return api_codes(write_files, [(path, "text")], protect=protect)


def test_outputs_that_cannot_be_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert write_codes(tmp_path / "no-such-folder" / "out.json") == ("file.no-such-folder",)
    assert write_codes(tmp_path) == ("file.folder",)
    assert write_codes(Path(os.devnull)) == ("file.not-regular",)
    data = tmp_path / "in.csv"
    data.write_text("x", encoding="utf-8")
    assert write_codes(data, protect=(data,)) == ("file.overwrites-input",)
    assert write_codes(tmp_path / ("a" * 300 + ".json")) == ("file.bad-name",)


def test_a_folder_or_a_disk_that_refuses_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(kaoping.files.os, "replace", full)
        assert write_codes(tmp_path / "out.json") == ("file.cannot-write",)

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(kaoping.files.tempfile, "mkstemp", denied)
    assert write_codes(tmp_path / "out.json") == ("file.folder-not-writable",)


def test_a_rulesets_place_that_is_not_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rulesets").write_text("not a folder", encoding="utf-8")
    assert codes("new-version", "jintai-hotline", "2025.01") == ("file.not-a-folder",)


def test_an_unknown_format_for_an_evaluation(seed: kaoping.Ruleset) -> None:
    result = kaoping.evaluate(seed, SEED_INPUT)
    assert api_codes(kaoping.render, result, "odt") == ("file.unknown-format",)


# -- find.* and version.* -------------------------------------------------------------------------


def test_a_rulesets_folder_that_does_not_exist(tmp_path: Path) -> None:
    assert codes("list", "--rulesets", tmp_path / "nope") == ("find.no-such-folder",)


def test_release_refuses_failing_golden_cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rulesets = tmp_path / "rulesets"
    shutil.copytree(ROOT / "rulesets" / "jintai-hotline", rulesets / "jintai-hotline")
    assert run_cli("new-version", "jintai-hotline", "2025.01", "--rulesets", rulesets).code == 0
    failing = types.SimpleNamespace(passed=False)
    monkeypatch.setattr(kaoping.commands, "run_all", lambda ruleset, folder: [failing])
    assert codes("release", "jintai-hotline@2025.01", "--rulesets", rulesets) == ("version.cases-fail",)


def test_an_edited_text_calling_itself_released_is_refused() -> None:
    text = SEED_RULESET.read_text(encoding="utf-8").replace("title: ", "title: 改 ", 1)
    assert api_codes(kaoping.loads, text) == ("version.edited-copy",)


# -- whatif.* and data.* from the Python API ------------------------------------------------------


def test_overrides_given_in_python(seed: kaoping.Ruleset) -> None:
    assert api_codes(kaoping.with_overrides, seed, {1: "2"}) == ("whatif.bad-key",)
    assert api_codes(kaoping.with_overrides, seed, {"timeliness.weight": [45]}) == ("whatif.bad-value",)


def test_records_in_memory(seed: kaoping.Ruleset) -> None:
    assert api_codes(kaoping.evaluate, seed, {"部门名称": "区林业局"}) == ("data.not-records",)
    assert api_codes(kaoping.evaluate, seed, b"bytes") == ("data.not-records",)
    assert api_codes(kaoping.evaluate, seed, []) == ("data.no-records",)
    assert api_codes(kaoping.evaluate, seed, [["not", "a", "mapping"]]) == ("data.not-a-mapping",)
    assert api_codes(kaoping.evaluate, seed, [{1: "x"}]) == ("data.key-not-text",)
    assert api_codes(kaoping.evaluate, seed, [{"部门名称": True}]) == ("data.unsupported-value",)


def test_running_out_of_memory() -> None:
    with_input = argparse.Namespace(input=str(SEED_INPUT))
    assert kaoping.commands.out_of_memory(with_input).code == "data.out-of-memory"
    assert kaoping.commands.out_of_memory(argparse.Namespace()).code == "data.out-of-memory"


# -- score.*: formulas failing for a record -------------------------------------------------------


@pytest.mark.parametrize(
    "formula, code",
    [
        ("weight * completed / (due - due)", "score.division-by-zero"),
        ("weight" + " * 1e15" * 21, "score.too-large"),
    ],
)
def test_a_formula_failing_for_records(seed: kaoping.Ruleset, formula: str, code: str) -> None:
    changed = kaoping.with_overrides(seed, {"completion.formula": formula})
    found = api_codes(kaoping.evaluate, changed, SEED_INPUT)
    assert found and set(found) == {code}


@pytest.mark.parametrize(
    "error, code",
    [
        (ZeroDivisionError(), "score.division-by-zero"),
        (OverflowError(), "score.too-large"),
        (TypeError(), "score.not-a-number"),
        (ArithmeticError(), "score.cannot-compute"),
    ],
)
def test_each_failure_of_a_formula_has_its_code(error: Exception, code: str) -> None:
    from decimal import InvalidOperation

    assert _failure(error)[2] == code
    assert _failure(InvalidOperation([InvalidOperation]))[2] == "score.too-many-places"


# -- combine.*, explain.*, diff.* -----------------------------------------------------------------


def test_combine_refuses_one_period_counted_twice(tmp_path: Path) -> None:
    city = ("combine", "-r", "city-hotline@2025.01")
    assert codes(*city, f"1月={CITY_JAN}", f"2月={CITY_JAN}") == ("combine.same-input",)
    lines = CITY_JAN.read_text(encoding="utf-8").splitlines()
    again = tmp_path / "again.csv"
    again.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n", encoding="utf-8")
    assert codes(*city, f"1月={CITY_JAN}", f"2月={again}") == ("combine.same-records",)


def test_combine_refuses_what_cannot_be_combined(tmp_path: Path) -> None:
    city = ("combine", "-r", "city-hotline@2025.01")
    assert codes("combine", "-r", "jintai-hotline@2024.02", f"1月={SEED_INPUT}") == ("combine.not-declared",)
    assert codes(*city, f"2025-01={CITY_JAN}", f"2025-01={CITY_FEB}") == ("combine.same-label",)
    moved = tmp_path / "feb.csv"
    moved.write_text(CITY_FEB.read_text(encoding="utf-8").replace("南山县,县区组", "南山县,功能区"), encoding="utf-8")
    assert codes(*city, f"2025-01={CITY_JAN}", f"2025-02={moved}") == ("combine.group-changed",)
    periods = ("combine", "-r", CASES / "combine-periods.yaml")
    missing = codes(
        *periods, f"2025-02={CASES}/combine-periods-2025-02.csv", f"2025-03={CASES}/combine-periods-2025-03.csv"
    )
    assert missing and set(missing) == {"combine.missing-unit"}


def test_explain_refuses_a_unit_it_cannot_find(seed: kaoping.Ruleset) -> None:
    result = kaoping.evaluate(seed, SEED_INPUT)
    assert api_codes(kaoping.explain, result, "没有这个单位") == ("explain.unknown-unit",)
    assert api_codes(kaoping.explain, result, "区") == ("explain.ambiguous-unit",)
    assert api_codes(kaoping.render, kaoping.explain(result, "区林业局"), "json") == ("explain.unknown-format",)


def test_diff_refuses_what_it_cannot_compare_or_render(seed: kaoping.Ruleset) -> None:
    result = kaoping.evaluate(seed, SEED_INPUT)
    assert api_codes(kaoping.diff, seed, seed) == ("diff.arguments",)
    assert api_codes(kaoping.diff, result, seed, SEED_INPUT) == ("diff.arguments",)
    assert api_codes(kaoping.render, kaoping.diff(result, result), "csv") == ("diff.unknown-format",)


def test_every_code_here_is_area_and_kebab_name() -> None:
    text = Path(__file__).read_text(encoding="utf-8")
    import re

    for code in re.findall(r'"((?:cli|file|find|version|whatif|data|score|combine|explain|diff)\.[^"]+)"', text):
        assert CODE.fullmatch(code), code
