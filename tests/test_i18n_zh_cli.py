"""The command line in Chinese (issue 12): help, `kaoping test`'s lines, validate's ok, usage errors, the API's problems.

Each expected text is written here by hand, as a Chinese reader should see it;
the English beside it is checked too, so a translation never replaces the English.
"""

from __future__ import annotations

import kaoping
import pytest
from kaoping import i18n

from .conftest import ROOT, run_cli

SEED = "jintai-hotline@2024.02"


def test_every_help_is_chinese_and_a_command_line_keeps_its_metavars() -> None:
    top = run_cli("--help", "--lang", "zh")
    assert top.code == 0
    assert top.out.startswith("用法：kaoping")
    assert "按有版本号的 YAML 规则集给各单位评分、排名。" in top.out
    assert "显示程序版本号并退出" in top.out
    assert "退出码：0 成功；" in top.out
    evaluate = run_cli("evaluate", "--help", "--lang", "zh")
    assert "\n用规则集给 INPUT 评分，列出排名表\n" in evaluate.out
    english = run_cli("evaluate", "--help", "--lang", "en")
    assert "\nscore INPUT with a ruleset and print the ranked table\n" in english.out


def test_the_golden_cases_pass_line_and_summary() -> None:
    zh = run_cli("test", SEED, "--lang", "zh")
    assert zh.code == 0
    assert zh.out == (
        "通过 jintai-hotline@2024.02：「2024年2月区级各部门市民热线办理考评表 (as published)」（32 个单位）\n"
        "通过 1 个，未通过 0 个\n"
    )
    en = run_cli("test", SEED, "--lang", "en")
    assert en.out == (
        "PASS jintai-hotline@2024.02: 2024年2月区级各部门市民热线办理考评表 (as published) (32 units)\n"
        "1 passed, 0 failed\n"
    )


def test_validate_says_ok_with_its_indicators_counted() -> None:
    run = run_cli("validate", "rulesets/jintai-hotline/2024.02.yaml", "--lang", "zh")
    assert run.out == "rulesets/jintai-hotline/2024.02.yaml：没有问题（jintai-hotline@2024.02，6 个指标）\n"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ("release", "jintai-hotline"),
            "kaoping release：错误：`kaoping release` 要写 NAME@VERSION，如 `kaoping release jintai-hotline@2025.01`\n",
        ),
        (
            ("evaluate", "-r", SEED, "examples/jintai-hotline-2024-02.csv", "-o", "out.xls"),
            "kaoping evaluate：错误：kaoping 写出的 Excel 文件是 .xlsx，不是 .xls：把文件命名为 out.xlsx\n",
        ),
    ],
)
def test_a_usage_error_in_chinese(args: tuple[str, ...], said: str) -> None:
    run = run_cli(*args, "--lang", "zh")
    assert (run.code, run.err) == (2, said)


def test_an_option_given_twice_and_a_bad_date_are_said_by_the_parser_in_chinese() -> None:
    twice = run_cli("evaluate", "-r", "a", "-r", "b", "x.csv", "--lang", "zh")
    assert twice.code == 2
    assert twice.err.endswith(
        "kaoping evaluate：错误：-r 给了两次；只能给一次（只有 `diff` 接受两个：-r OLD -r NEW）\n"
    )
    date = run_cli("evaluate", "--as-of", "2024-13-01", "-r", "a", "x.csv", "--lang", "zh")
    assert date.err.endswith("「2024-13-01」不是日期：写成 YYYY-MM-DD，如 2024-03-15\n")


def test_the_api_says_a_record_that_is_not_a_mapping_in_chinese() -> None:
    ruleset = kaoping.load(str(ROOT / "rulesets" / "jintai-hotline" / "2024.02.yaml"))
    with i18n.speaking("zh"), pytest.raises(kaoping.KaopingError) as caught:
        kaoping.evaluate(ruleset, [{"部门名称": "区林业局"}, 7])
    problem = caught.value.problems[0]
    assert problem.message == "第 2 条记录是 `int`，不是从表头文字到值的映射"
    assert problem.cell == "第 2 条记录"
    with i18n.speaking("zh"), pytest.raises(kaoping.KaopingError) as empty:
        kaoping.evaluate(ruleset, [])
    assert (empty.value.problems[0].message, empty.value.problems[0].hint) == (
        "没有给任何记录",
        "至少给一条记录（从表头文字到值的映射）",
    )
