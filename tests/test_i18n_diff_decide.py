"""The what-if comparison's words in Chinese (written by hand)."""

from __future__ import annotations

import pytest
from kaoping import api, i18n
from kaoping.analysis import scenarios
from kaoping.errors import UsageError
from kaoping.outputs import compare

from .conftest import run_cli

CASE = "tests/cases/diff-decide"


def test_the_diff_says_who_entered_and_left_in_chinese():
    run = run_cli(
        "--lang", "zh", "diff", "-r", f"{CASE}/lists.yaml", "--set", "completion.weight=30",
        "--set", "satisfaction.weight=70", f"{CASE}/lists.csv",
    )  # fmt: skip
    assert run.code == 0, run.err
    assert "名单「红榜」：移出：乙\n" in run.out
    assert "名单「黑榜」：没有变化\n" in run.out
    assert "等级「优秀」：新进入：丙；移出：乙\n" in run.out


def test_a_scenario_without_a_name_is_told_in_chinese():
    with i18n.speaking("zh"), pytest.raises(UsageError) as e:
        scenarios.parse(["timeliness.weight=45"])
    assert str(e.value).startswith("--scenario 「timeliness.weight=45」没有方案名：写成「方案名: 字段=值, ...」")


def test_the_comparison_table_heads_its_columns_in_chinese():
    ruleset = api.load(f"{CASE}/lists.yaml")
    adopted = api.evaluate(ruleset, f"{CASE}/lists.csv").evaluation
    (plan,) = scenarios.parse(["方案一: completion.weight=30, satisfaction.weight=70"])
    c = scenarios.compare(
        adopted, [(plan, api.evaluate(scenarios.apply(ruleset, plan), f"{CASE}/lists.csv").evaluation)]
    )
    with i18n.speaking("zh"):
        text = compare.render(c, "table")
    assert isinstance(text, str)
    assert text.startswith("假设测算对比：名单、标记与等级的假设测算\n现行规则：diff-decide-lists@1\n")
    assert "现行规则 总分" in text and "方案一 分差" in text and "方案一 名次变动" in text
    assert "方案一：5 个单位中有 2 个名次变了；两次排名的相关系数 Kendall tau-b = 0.7379" in text
