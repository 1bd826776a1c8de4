"""The Chinese of reading a ruleset: YAML slips, the format's own checks, and choosing a version (the zh-yaml part).

Each expected text is written by hand, as an office worker should read it:
the place words (第 38 行第 11 列：) come from errors.py, the rest from the
catalog; the file:line:col an editor jumps to stays as in English.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from kaoping import i18n
from kaoping.ruleset.versions import choose

from .conftest import ROOT, run_cli

INVALID = Path("tests") / "cases" / "invalid"  # relative: messages name it as a user at the root types it


def test_a_full_width_colon_is_named_at_its_line_and_column_with_the_key_written_right() -> None:
    run = run_cli("--lang", "zh", "validate", INVALID / "yaml-full-width-colon.yaml")
    assert run.code == 1
    assert run.err == (
        "tests/cases/invalid/yaml-full-width-colon.yaml:38:11: 第 38 行第 11 列："
        "这一行用了全角冒号「：」，YAML 要的是半角冒号 `:`\n"
        "    提示：应写成 `weight: 40`\n"
        "      38 |     weight： 40\n"
        "         |           ^\n"
        "共 1 处错误\n"
    )


def test_an_octal_looking_weight_says_what_yaml_makes_of_it() -> None:
    run = run_cli("--lang", "zh", "validate", INVALID / "yaml-octal-weight.yaml")
    assert run.code == 1
    assert run.err.splitlines()[:2] == [
        "tests/cases/invalid/yaml-octal-weight.yaml:34:13: 第 34 行第 13 列：「060」以 0 开头，YAML 会把它当成八进制数 48，而不是 60",
        '    提示：写成 60；如果它是文字，就加上引号：`"060"`',
    ]


def test_an_unknown_key_is_said_with_its_place_in_the_ruleset_and_a_did_you_mean() -> None:
    run = run_cli("--lang", "zh", "validate", INVALID / "unknown-key-in-indicator.yaml")
    assert run.code == 1
    assert run.err.splitlines()[:2] == [
        "tests/cases/invalid/unknown-key-in-indicator.yaml:38:5: 第 38 行第 5 列：`indicators[workload]` 里有未知的字段「descripton」",
        "    提示：是不是想写「description」？",
    ]


@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("indicator-without-weight", "`indicators[workload]` 缺少必填字段 `weight`"),
        ("weight-not-a-number", "`indicators[workload].weight` 应为数字，而不是文本「abc」"),
        ("ties-misspelt", "`ranking.ties` 只能是 `sequential`、`shared`、`dense` 之一，现在写的是「shard」"),
        ("list-size-zero", "`lists[red].top` 是 0，超出了允许的范围（最小只能是 1）"),
        ("version-unquoted-loses-its-trailing-zero", "`version` 应为文本，但 YAML 会把 2024.10 读成数字 2024.1"),
        ("misspelt-required-top-level-key", "规则集里有未知的字段「indicatorz」"),
    ],
)
def test_the_format_checks_read_as_chinese_sentences(case: str, said: str) -> None:
    run = run_cli("--lang", "zh", "validate", INVALID / f"{case}.yaml")
    assert run.code == 1
    first = run.err.splitlines()[0]
    assert first.split("列：", 1)[1] == said


def test_the_english_of_the_same_checks_is_unchanged() -> None:
    run = run_cli("--lang", "en", "validate", INVALID / "indicator-without-weight.yaml")
    assert run.err.splitlines()[0].endswith(": indicators[workload] is missing the key 'weight'")


def test_no_version_in_effect_names_the_month_and_the_released_versions() -> None:
    run = run_cli(
        "--lang", "zh", "evaluate", "-r", "jintai-hotline", "--period", "2023-01", "examples/jintai-hotline-2024-02.csv"
    )
    assert run.code == 1
    assert run.err == (
        "jintai-hotline --period 2023-01: 2023-01-01 那天 `jintai-hotline` 没有生效的已发布版本"
        "（`--period 2023-01` 指的是该月的第一天）\n"
        "    提示：它的已发布版本：2024.02（2024-02-01 起）\n"
        "共 1 处错误\n"
    )


def test_a_version_number_written_two_ways_is_refused_in_chinese(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "rulesets" / "jintai-hotline", tmp_path / "jintai-hotline")
    run = run_cli("--lang", "zh", "--rulesets", tmp_path, "new-version", "jintai-hotline", "2024.2")
    assert run.code == 1
    assert run.err == (
        f"jintai-hotline@2024.2: 「2024.2」和现有的 `jintai-hotline@2024.02`（{tmp_path}/jintai-hotline/2024.02.yaml）"
        "是同一个版本号\n"
        "    提示：换一个还没用过的版本号；版本号按各段数字比较，所以 2024.2 和 2024.02 算同一个版本\n"
        "共 1 处错误\n"
    )


def test_the_note_of_a_version_chosen_by_date_in_chinese() -> None:
    with i18n.speaking("zh"):
        chosen = choose("jintai-hotline", ROOT / "rulesets", period="2024-03")
    assert chosen.note == "使用 2024-03-01 那天生效的 `jintai-hotline@2024.02`（`--period 2024-03`）"
