"""The Chinese of formulas, what-if (--set) and the ruleset's own checks (the zh-expr part).

Each expected text is written by hand, as a spreadsheet user typing a
formula should read it: the place words errors.py adds (第 35 行第 21 列：),
then the message, formulas and keys in backticks, the user's own text in 「」.
The English of the same runs is pinned by the corpus (tests/cases/invalid)
and tests/test_whatif.py; here one English case per kind checks the
templates still give it byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import kaoping
from kaoping import i18n
from kaoping.ruleset.expr import FormulaError, compile_formula

from .conftest import ROOT, SEED_INPUT, run_cli

INVALID = Path("tests") / "cases" / "invalid"  # relative: messages name it as a user at the root types it
SEED = ROOT / "rulesets" / "jintai-hotline" / "2024.02.yaml"


def test_a_multiplication_sign_in_a_formula_is_told_at_its_line_and_column() -> None:
    run = run_cli("--lang", "zh", "validate", INVALID / "formula-multiplication-sign.yaml")
    assert run.code == 1
    assert run.err.splitlines()[:2] == [
        "tests/cases/invalid/formula-multiplication-sign.yaml:35:21: 第 35 行第 21 列："
        "`indicators[completion].formula`：公式里不能用「×」（乘号）",
        "    提示：乘法用 `*`：`weight * rate`",
    ]


def test_python_s_syntax_reason_is_said_in_chinese_and_kept_in_english() -> None:
    zh = run_cli("--lang", "zh", "validate", INVALID / "formula-syntax-error.yaml")
    assert zh.err.splitlines()[0] == (
        "tests/cases/invalid/formula-syntax-error.yaml:35:47: 第 35 行第 47 列：`indicators[completion].formula`："
        "公式不是一个有效的算式（多了一个「)」，前面没有和它配对的括号）"
    )
    en = run_cli("--lang", "en", "validate", INVALID / "formula-syntax-error.yaml")
    assert en.err.splitlines()[0] == (
        "tests/cases/invalid/formula-syntax-error.yaml:35:47: in indicators[completion].formula: "
        "the formula is not a valid expression (unmatched ')')"
    )


def test_a_helper_given_too_few_arguments_shows_its_usage_with_chinese_argument_names() -> None:
    run = run_cli("--lang", "zh", "validate", INVALID / "formula-ratio-two-arguments.yaml")
    assert run.err.splitlines()[:2] == [
        "tests/cases/invalid/formula-ratio-two-arguments.yaml:35:23: 第 35 行第 23 列："
        "`indicators[completion].formula`：`ratio(...)` 的参数个数不对：给了 2 个",
        "    提示：应写成 `ratio(分子, 分母, 分母为0时的值)`",
    ]


def test_a_full_width_digit_and_a_spreadsheet_function_in_chinese_and_english() -> None:
    def error(text: str) -> FormulaError:
        try:
            compile_formula(text)
        except FormulaError as e:
            return e
        raise AssertionError(f"{text!r} compiled")

    with i18n.speaking("zh"):
        digit, function, one = error("weight * ３"), error("IF(due, 1, 0)"), error("abs(1, 2)")
    assert (digit.message, digit.hint, digit.offset) == ("公式里不能用「３」（全角数字）", "写成 `3`", 9)
    assert (function.message, function.hint) == (
        "没有 `IF` 这个函数",
        "按条件取值写成 `条件成立时的值 if 条件 else 不成立时的值`",
    )
    assert one.message == "`abs(...)` 的参数个数不对：给了 2 个"
    with i18n.speaking("en"):
        digit, one = error("weight * ３"), error("min(1)")
    assert (digit.message, digit.hint) == ("'３' (a full-width digit) is not allowed in a formula", "write 3")
    assert one.message == "min(...) is given 1 argument"  # the singular: n_ picks it as the f-string did


def test_a_set_without_an_equals_sign_is_a_command_line_mistake_in_chinese() -> None:
    run = run_cli("--lang", "zh", "evaluate", "-r", "jintai-hotline@2024.02", "--set", "timeliness", SEED_INPUT)
    assert run.code == 2
    assert "`--set timeliness` 不是 `KEY=VALUE` 的写法：例如 `--set timeliness.weight=45`" in run.err


def test_a_what_if_cannot_change_the_version_nor_name_a_key_that_is_not_there() -> None:
    fixed = run_cli("--lang", "zh", "evaluate", "-r", "jintai-hotline@2024.02", "--set", "version=2", SEED_INPUT)
    assert fixed.code == 1
    assert fixed.err == (
        "--set: `version` 标明的是这个版本本身，假设测算不能改它\n"
        "    提示：要改就用 `kaoping new-version` 建一个新版本\n"
        "共 1 处错误\n"
    )
    unknown = run_cli(
        "--lang", "zh", "evaluate", "-r", "jintai-hotline@2024.02", "--set", "nosuch.weight=3", SEED_INPUT
    )
    assert unknown.err.splitlines()[:2] == [
        "--set: 这个规则集里没有 `nosuch.weight`",
        "    提示：是不是想写 `rework.weight`？",
    ]


def test_the_what_if_label_follows_the_language() -> None:
    ruleset = kaoping.with_overrides(kaoping.load(SEED), {"timeliness.weight": 45, "completion.weight": 30}).model
    with i18n.speaking("zh"):
        zh = ruleset.label
    with i18n.speaking("en"):
        en = ruleset.label
    assert zh == "jintai-hotline@2024.02（假设测算：timeliness.weight=45, completion.weight=30）"
    assert en == "jintai-hotline@2024.02 (what-if: timeliness.weight=45, completion.weight=30)"
    assert kaoping.load(SEED).model.label == "jintai-hotline@2024.02"  # no what-if: the ref alone, in any language


def test_weights_that_do_not_add_up_to_a_group_s_max_name_the_group_in_chinese() -> None:
    run = run_cli("--lang", "zh", "validate", INVALID / "group-weights-do-not-add-up.yaml")
    assert run.err.splitlines()[:2] == [
        "tests/cases/invalid/group-weights-do-not-add-up.yaml:31:10: 第 31 行第 10 列："
        "各指标的权重加起来是 140，但分组「县区组」的满分是 150",
        "    提示：`completion 90 + workload 50 = 140`；请改某个权重，或者改分组「县区组」的满分",
    ]
