"""Issue 8, loading a ruleset: hostile sizes, what-if paths and wording, placeholders, columns.

Expected messages and numbers are written here by hand (from the issue, the
seed's published table or the ruleset's own bands), never taken from the code
under test.  The time limits are generous hang guards only, not benchmarks.
"""

from __future__ import annotations

import json
import os
import re
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml
from kaoping.ruleset.expr import compile_formula
from kaoping.ruleset.load import load_ruleset
from kaoping.ruleset.model import DEFAULT_TOTALS_LABELS

from .conftest import ROOT, SEED_INPUT, run_cli

BASE = ROOT / "tests" / "cases" / "invalid" / "placeholder-misspelt-attribute.yaml"
SEED = "jintai-hotline@2024.02"
CITY = "rulesets/city-hotline/2025.01.yaml"
RATE = "rulesets/rate-hotline/2025.01.yaml"


def valid_base() -> str:
    """The trimmed seed of the golden cases, with its one mistake put right, as a version of its own.

    (Under the seed's own name@version an edited copy is refused as such.)
    """
    text = BASE.read_text(encoding="utf-8").replace("{completion.wieght}", "{completion.weight}")
    return text.replace('version: "2024.02"', 'version: "0.1"')


def timed(*args: str | os.PathLike[str]):
    start = time.perf_counter()
    run = run_cli(*args)
    return run, time.perf_counter() - start


def test_the_trimmed_seed_used_below_is_itself_valid(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(valid_base(), encoding="utf-8")
    run = run_cli("validate", path)
    assert run.code == 0, run.err


# -- sizes: stat before reading; caps while composing -----------------------------------------


@pytest.mark.parametrize(("size", "said"), [(10**9, "1.0 GB"), (3 * 10**9, "3.0 GB")])
def test_a_sparse_huge_ruleset_is_refused_by_its_size_before_it_is_read(tmp_path, size, said):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:
        handle.truncate(size)
    tracemalloc.start()
    try:
        run, seconds = timed("validate", path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert run.code == 1 and "Traceback" not in run.err
    assert run.err.startswith(f"{path}: the file is larger than 1000 kB ({said}); a ruleset is never this big\n")
    assert seconds < 1
    assert peak < 20_000_000, f"{peak} bytes allocated: the file was read"


def _many(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size < 1_000_000, "the case must stay under the size limit to test the other caps"
    return path


HOSTILE = {
    "20,000 unknown top-level keys": lambda base: base + "".join(f"k{i}: 1\n" for i in range(20_000)),
    "90,000 unknown top-level keys": lambda base: base + "".join(f"k{i}: 1\n" for i in range(90_000)),
    "90,000 duplicate keys": lambda base: base.replace("total:\n", "total:\n" + "  c: 1\n" * 90_000, 1),
    "10,000 indicators": lambda base: base.replace(
        "indicators:\n",
        "indicators:\n"
        + "".join(f"  - {{id: i{i}, label: L{i}, weight: 0, formula: weight}}\n" for i in range(10_000)),
        1,
    ),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_ruleset_declaring_absurdly_many_things_is_refused_quickly_at_a_place(tmp_path, kind):
    path = _many(tmp_path, "many.yaml", HOSTILE[kind](valid_base()))
    run, seconds = timed("validate", path)
    assert run.code == 1 and "Traceback" not in run.err
    first = run.err.splitlines()[0]
    assert re.fullmatch(
        rf"{re.escape(str(path))}:\d+:\d+: the file holds more than 10,000 keys and values; a ruleset is never this big",
        first,
    ), first
    assert run.err.endswith("\n1 error\n")
    assert seconds < 2


def test_thousands_of_problems_are_located_in_linear_time_and_the_first_100_are_shown(tmp_path):
    base = valid_base()
    lines = base.count("\n")
    path = _many(tmp_path, "keys.yaml", base + "".join(f"k{i}: 1\n" for i in range(4_000)))
    # evaluate: the ruleset is refused before INPUT is read (validate adds up several rulesets' problems)
    run, seconds = timed("evaluate", "-r", path, SEED_INPUT)
    assert run.code == 1 and "Traceback" not in run.err
    assert run.err.startswith(f"{path}:{lines + 1}:1: unknown key 'k0' in the ruleset\n")
    assert run.err.count("unknown key") == 100
    assert run.err.endswith("\nthe first 100 of 4000 errors are shown; fix these and run again\n")
    assert seconds < 2


# -- formulas: columns in characters ----------------------------------------------------------


def test_a_name_after_a_chinese_header_is_placed_by_characters_not_bytes():
    # 办结数 is 3 characters (9 UTF-8 bytes): 'abc' starts at character 6
    formula = compile_formula("办结数 + abc")
    assert formula.name_offsets == (("办结数", 0), ("abc", 6))


def test_the_caret_of_a_formula_error_after_chinese_text_is_under_the_operator():
    text = (ROOT / "tests/cases/invalid/formula-chinese-name-before-the-error.txt").read_text(encoding="utf-8")
    # "    formula: " is 13 characters; '**' is character 30 of the formula: column 44 (bytes would say 54)
    assert text.startswith("tests/cases/invalid/formula-chinese-name-before-the-error.yaml:35:44: ")


# -- the what-if: usage, wording, count, reach -------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ("timeliness.weight", "--set 'timeliness.weight' is not KEY=VALUE: e.g. --set timeliness.weight=45"),
        ("=45", "--set '=45' has no KEY before '=': e.g. --set timeliness.weight=45"),
        ("timeliness.weight=", "--set 'timeliness.weight=' has no VALUE after '='"),
        (
            "report.title={year}年{month}月考评",
            "the value of --set report.title is not a single value: put it in quotes: --set 'report.title=\"{year}年{month}月考评\"'",
        ),
        (
            "timeliness.weight=035",
            "the value of --set timeliness.weight: '035' starts with 0, so YAML reads it as the octal number 29, not 35",
        ),
    ],
)
def test_a_malformed_set_is_a_usage_error_in_words_of_its_own(setting, said):
    run = run_cli("validate", SEED, "--set", setting)
    assert run.code == 2
    assert run.err.startswith(f"kaoping validate: error: {said}")
    assert "document start" not in run.err and "lines above" not in run.err and "Traceback" not in run.err


def test_a_what_if_that_breaks_the_ruleset_counts_one_error_at_its_place():
    run = run_cli("validate", SEED, "--set", "timeliness.weight=50")
    assert run.code == 1
    # 35 + 50 + 5 + 10 + 5 + 5 = 110: total.max (line 114, column 8 of the seed) is 100
    assert run.err.startswith(
        "rulesets/jintai-hotline/2024.02.yaml:114:8: with --set timeliness.weight=50: the indicators' weights add up to 110, but total.max is 100\n"
    )
    assert run.err.endswith("\n1 error\n")


def _json(*args: str) -> dict:
    run = run_cli(*args, "-f", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def test_set_reaches_a_derived_value():
    # city-hotline's flag: completion_rate < 70 or ...; a completion rate of 0 puts all 12 units under it
    document = _json("evaluate", "-r", CITY, "examples/city-hotline-2025-01.csv", "--set", "completion_rate.formula=0")
    flagged = {u["entity"] for u in document["flags"][0]["units"]}
    assert len(flagged) == 12 and {"西城区", "市档案馆", "经开区"} <= flagged


def test_set_reaches_a_band_of_a_lookup_by_its_position():
    # rate-hotline's response_points: the first band, at_least 98, gives 20 points; set to 18
    for key in ("response_points.bands.1.points=18", "lookups.response_points.bands[1].points=18"):
        results = {
            r["entity"]: r
            for r in _json("evaluate", "-r", RATE, "examples/rate-hotline-2025-01.csv", "--set", key)["results"]
        }
        assert results["城关镇"]["scores"]["response"] == 18  # 98.50%
        assert results["县人社局"]["scores"]["response"] == 18  # 98.00%: at_least is inclusive
        assert results["河东乡"]["scores"]["response"] == 16  # 96.00%: the second band, unchanged


def test_set_reaches_a_list_a_group_and_a_grade():
    for key in ("red.top=1", "groups.县区组.label=县（区）组", "grades.bands.1.label=优"):
        run = run_cli("validate", CITY, "--set", key)
        assert run.code == 0, (key, run.err)


def test_a_set_naming_nothing_suggests_a_real_key_of_this_ruleset():
    run = run_cli("validate", CITY, "--set", "completon_rate.formula=0")
    assert run.code == 1
    assert run.err.startswith(
        "--set: 'completon_rate.formula' names nothing in this ruleset\n    hint: did you mean 'completion_rate.formula'?\n"
    )


@pytest.mark.parametrize(
    ("key", "said"),
    [
        # city-hotline's grades have 4 bands (优秀, 良好, 合格, 不合格)
        (
            "grades.bands[0].at_least=90",
            "--set: 'grades.bands[0].at_least' names nothing in this ruleset\n    hint: positions count from 1: grades.bands[1].at_least\n",
        ),
        (
            "grades.bands.0.at_least=90",
            "--set: 'grades.bands.0.at_least' names nothing in this ruleset\n    hint: positions count from 1: grades.bands.1.at_least\n",
        ),
        (
            "grades.bands[5].at_least=90",
            "--set: 'grades.bands[5].at_least' names nothing in this ruleset: 'grades.bands' has 4 items\n"
            "    hint: a position there is 1 to 4, e.g. grades.bands[4].at_least\n",
        ),
    ],
)
def test_a_set_position_outside_its_list_says_positions_count_from_1_and_how_many_there_are(key, said):
    run = run_cli("validate", CITY, "--set", key)
    assert run.code == 1
    assert run.err.startswith(said), run.err
    assert "did you mean" not in run.err


@pytest.mark.parametrize(
    ("setting", "hint"),
    [
        ("completion.weight=[1", "write a number, e.g. completion.weight=35"),
        ("rounding.places=[2]", "write a whole number, e.g. rounding.places=2"),
        ("ranking.ties={shared", "write one of dense, sequential, shared, e.g. ranking.ties=dense"),
        ("completion.label=[1", "put it in quotes: --set 'completion.label=\"[1\"'"),
        ("completion.formula=[1", "put it in quotes: --set 'completion.formula=\"[1\"'"),
    ],
)
def test_a_set_value_that_is_not_one_value_gets_a_hint_for_what_its_key_expects(setting, hint):
    # quoting a broken weight would only lead on to "must be a number"
    run = run_cli("validate", SEED, "--set", setting)
    assert run.code == 2
    key = setting.split("=", 1)[0]
    assert run.err.startswith(f"kaoping validate: error: the value of --set {key} is not a single value: {hint}\n"), (
        run.err
    )


def test_a_misspelt_key_added_by_set_is_told_at_the_set():
    run = run_cli("validate", SEED, "--set", "timeliness.wieght=45")
    assert run.code == 1
    assert run.err.startswith(
        "--set timeliness.wieght=45: unknown key 'wieght' in indicators[timeliness]\n    hint: did you mean 'weight'?\n"
    )


# -- the place of a version file, entity.totals ------------------------------------------------


def test_a_version_whose_file_name_disagrees_is_told_its_file_name_says(tmp_path):
    folder = tmp_path / "my-scheme"
    folder.mkdir()
    text = (
        valid_base().replace("name: jintai-hotline", "name: my-scheme").replace('version: "0.1"', 'version: "2024.03"')
    )
    (folder / "2024.04.yaml").write_text(text, encoding="utf-8")
    run = run_cli("validate", "my-scheme@2024.04", "--rulesets", tmp_path)
    assert run.code == 1
    assert "this file says version '2024.03', but its file name says '2024.04'" in run.err


def test_entity_totals_is_read_and_absent_means_the_usual_labels(tmp_path):
    plain = tmp_path / "plain.yaml"
    plain.write_text(valid_base(), encoding="utf-8")
    assert load_ruleset(plain).totals_labels == DEFAULT_TOTALS_LABELS
    own = tmp_path / "own.yaml"
    own.write_text(
        valid_base().replace("  label: 部门\n", "  label: 部门\n  totals: [全区合计, 各部门平均]\n"), encoding="utf-8"
    )
    assert load_ruleset(own).totals_labels == ("全区合计", "各部门平均")


def test_the_seed_still_validates_and_scores_as_published():
    run = run_cli("evaluate", "-r", SEED, SEED_INPUT, "-f", "json")
    assert run.code == 0, run.err
    first = json.loads(run.out)["results"][0]
    assert (first["entity"], first["display"]["total"]) == ("区人力资源和社会保障局", "99.88")


def test_a_set_step_that_is_both_a_position_and_another_groups_value_is_refused(tmp_path):
    """Groups valued "2" then "1": groups.1 could be the first group or the group "1"; neither is guessed."""
    text = (ROOT / "rulesets" / "city-hotline" / "2025.01.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    values = [g["value"] for g in data["groups"]]
    ruleset = tmp_path / "digits.yaml"
    for old, new in zip(values[:2], ("2", "1"), strict=False):
        text = text.replace(f"value: {old}", f'value: "{new}"').replace(f"{old}", new)
    ruleset.write_text(re.sub(r"^version: .*$", 'version: "0.0-test"', text, count=1, flags=re.M), encoding="utf-8")
    run = run_cli("validate", ruleset, "--set", "groups.1.label=第一组")
    assert run.code == 1, run.err
    assert "'groups.1.label' could mean two items: position 1 and the one whose value is '1'" in run.err


def test_a_set_position_written_in_other_digits_is_refused_not_crashed_on():
    """'²' is a digit to str.isdigit() but not to int(): it crashed with a traceback."""
    run = run_cli("validate", "rulesets/jintai-hotline/2024.02.yaml", "--set", "report.columns.².label=x")
    assert run.code == 1 and "Traceback" not in run.err
    assert "'report.columns.².label' names nothing in this ruleset" in run.err
