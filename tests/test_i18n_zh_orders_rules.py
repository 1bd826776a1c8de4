"""The Chinese of the `orders:` and `calendar:` checks and of the condition grammar (the zh-orders-rules part).

Each expected text is written by hand, as a ruleset's author reads it: ruleset keys, ids and condition text
in backticks, the user's own words in 「」, the place words errors.py adds before the message.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from kaoping import i18n
from kaoping.orders.conditions import ConditionError, compile_condition
from kaoping.orders.formats import parse_python

from .conftest import run_cli
from .test_orders_ruleset import SCOPE

INVALID = Path("tests") / "cases" / "invalid"  # relative: messages name it as a user at the root types it


def _refusal(text: str) -> tuple[str, str]:
    """The Chinese message and hint a condition is refused with."""
    with i18n.speaking("zh"), pytest.raises(ConditionError) as caught:
        compile_condition(text, SCOPE)
    return caught.value.message, caught.value.hint


def test_a_make_up_day_on_a_weekday_names_the_day_of_the_week_in_chinese() -> None:
    run = run_cli("--lang", "zh", "validate", INVALID / "orders-calendar-workday-on-a-weekday.yaml")
    assert run.code == 1
    assert run.err.splitlines()[:2] == [
        "tests/cases/invalid/orders-calendar-workday-on-a-weekday.yaml:20:42: "
        "第 20 行第 42 列：2024-02-19 是星期一，本来就是工作日",
        "    提示：调休上班的日子应落在星期六或星期日",
    ]


def test_a_key_of_the_wrong_type_says_each_allowed_type_in_backticks() -> None:
    run = run_cli("--lang", "zh", "validate", INVALID / "orders-key-types.yaml")
    assert run.code == 1
    assert (
        "第 32 行第 17 列：`orders.keys.order` 须是 `id` 或 `text` 类型的列；`deadline` 的类型是 `datetime`\n"
        in run.err
    )
    assert "第 34 行第 22 列：`orders.period.dated_by` 须是 `datetime` 类型的列；`status` 的类型是 `text`\n" in run.err
    assert run.err.endswith("共 3 处错误\n")


def test_a_condition_error_says_which_condition_first() -> None:
    run = run_cli("--lang", "zh", "validate", INVALID / "orders-type-mismatch.yaml")
    assert run.code == 1
    assert run.err.splitlines()[0] == (
        "tests/cases/invalid/orders-type-mismatch.yaml:36:39: 第 36 行第 39 列：`orders.conditions[is_due].when`："
        "`deadline` 是时间，「2024-02-01」是文本：要与另一个时间、`period_start`/`period_end` 比较，或用 `hours(n)` 前后推移"
    )


def test_condition_refusals_in_chinese() -> None:
    assert _refusal("filled(status, status)") == ("`filled(...)` 的参数个数不对：给了 2 个", "写成 `filled(列)`")
    assert _refusal("status in [1]") == ("`status` 是文本，1 是数字", "列表里要写带引号的文本或文本列")
    assert _refusal("截止时间 in period") == (
        "没有声明过 `截止时间`",
        "「截止时间」是列 `deadline` 的表头：要写 `deadline`",
    )
    assert _refusal("status == '已完结'") == ("「已完结」不是「工单状态」的取值之一", "是不是想写「已办结」？")
    assert _refusal("deadline") == (
        "`deadline` 是列，不是条件",
        "写 `filled(deadline)`，或者拿它比较：`deadline in period`",
    )


def test_the_same_refusal_stays_english_without_chinese() -> None:
    with i18n.speaking("en"), pytest.raises(ConditionError) as caught:
        compile_condition("status in [1]", SCOPE)
    assert (caught.value.message, caught.value.hint) == (
        "status is text and 1 is a number",
        "list a text in quotes or a text column",
    )


def test_an_unreadable_datetime_is_said_in_chinese() -> None:
    with i18n.speaking("zh"), pytest.raises(ValueError) as caught:
        parse_python("2024-02-30 10:00")
    assert str(caught.value) == "「2024-02-30 10:00」按 YYYY-MM-DD HH:mm 格式写，但不是真实存在的日期时间"
