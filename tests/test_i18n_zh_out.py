"""The Chinese of scoring, the table's words, explain, diff, combine and the golden cases (the zh-out part).

Each expected text is written by hand: what an office worker reads, with
the place words errors.py adds.  The bound warnings are said by both the
reference and the columnar core: one msgid each, so one Chinese for both.
"""

from __future__ import annotations

from pathlib import Path

import kaoping
from kaoping import i18n
from kaoping.analysis.casetests import run_case
from kaoping.evaluate.pipeline import evaluate_table
from kaoping.outputs.diff import movement
from kaoping.outputs.notes import capped
from kaoping.ruleset.model import GoldenCase

from .conftest import ROOT, SEED_INPUT, run_cli

SEED = ROOT / "rulesets" / "jintai-hotline" / "2024.02.yaml"
BAD = Path("tests") / "cases" / "bad-data"  # relative: messages name it as a user at the root types it


def test_a_division_by_zero_names_its_row_unit_and_formula_in_chinese() -> None:
    run = run_cli("--lang", "zh", "evaluate", "-r", BAD / "divzero.yaml", BAD / "divzero.csv")
    assert run.code == 1
    assert run.err == (
        "tests/cases/bad-data/divzero.csv:3: 第 3 行：「区民政局」：指标 `timeliness`（按期办结）的公式 "
        "`weight * on_time / due` 除数为零\n"
        "    提示：给除法加上保护，例如写成 `ratio(a, b, value_if_b_is_0)`\n"
        "共 1 处错误\n"
    )


def _warnings(overrides: dict[str, object], columnar: bool) -> tuple[str, ...]:
    ruleset = kaoping.with_overrides(kaoping.load(SEED), overrides)
    table = kaoping.evaluate(ruleset, SEED_INPUT).evaluation.table
    evaluation = evaluate_table(ruleset.model, table, lambda _stage: None, columnar=columnar)
    assert (evaluation.columns is not None) is columnar
    return evaluation.warnings


def test_a_score_above_its_weight_is_said_alike_by_the_reference_and_the_columns() -> None:
    with i18n.speaking("zh"):
        by_rows = _warnings({"completion.formula": "clamp(weight, 40, 0)"}, columnar=False)
        by_columns = _warnings({"completion.formula": "clamp(weight, 40, 0)"}, columnar=True)
    assert by_rows == by_columns
    assert by_rows[0] == (
        "指标 `completion`（办结）有 32 个单位（「东风路街道办」40.00/35、「中山东路街道」40.00/35、"
        "「中山西路街道办」40.00/35，另有 29 个）得分高于权重：得分不会自动限制在权重以内，请检查公式（例如用 `min(weight, ...)`）"
    )
    assert by_rows[1].startswith("有 17 个单位（「东风路街道办」100.28/100、") and by_rows[1].endswith(
        "总分高于满分：设 `total.cap: true` 可把总分限制在满分以内"
    )


def test_one_unit_below_zero_is_one_unit_in_both_languages() -> None:
    overrides = {"rework.formula": "0 - 1e-300"}
    with i18n.speaking("en"):
        english = _warnings(overrides, columnar=True)
    with i18n.speaking("zh"):
        chinese = _warnings(overrides, columnar=True)
    assert english[0].startswith("the indicator 'rework' (返工工单) scores below 0 for 32 units (")
    assert chinese[0].startswith("指标 `rework`（返工工单）有 32 个单位（")
    assert chinese[0].endswith("得分低于 0：请检查公式（例如用 `max(0, ...)`）")


def test_the_table_footer_and_the_title_note_are_chinese() -> None:
    run = run_cli("--lang", "zh", "evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert (
        lines[-2]
        == "说明：报表标题要用到考核月份，请用 --period YYYY-MM 指定；这里改用规则集的标题「金台区区级各部门市民热线办理考评」"
    )
    assert lines[-1].endswith(
        "）· jintai-hotline-2024-02.csv（sha256 51c144f58519）· 共 32 个单位 · kaoping " + kaoping.__version__
    )


def test_markdown_and_html_say_a_what_if_in_chinese(tmp_path: Path) -> None:
    args = ("--lang", "zh", "evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "--set", "rework.weight=5")
    md = run_cli(*args, "-f", "md", "--period", "2024-02")
    assert md.code == 0, md.err
    assert "> **假设测算，非正式规则：** jintai-hotline@2024.02" in md.out
    page = tmp_path / "x.html"
    assert run_cli(*args, "-f", "html", "-o", page, "--period", "2024-02").code == 0
    html = page.read_text(encoding="utf-8")
    assert "<title>[假设测算] 2024年2月区级各部门市民热线办理考评表</title>" in html
    assert " · 考核月份 2024-02</p>" in html and '<p class="digests">规则集 jintai-hotline@2024.02 sha256 ' in html


def test_explain_walks_through_in_chinese() -> None:
    run = run_cli("--lang", "zh", "explain", "-r", "jintai-hotline@2024.02", SEED_INPUT, "区林业局")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0] == "「区林业局」：32 个单位中排第 25 名，总分 89.27（按 jintai-hotline@2024.02）"
    assert "  办结最高分值 `max_completed` = 343    （`completed` 的最大值）" in lines
    assert "  按期办结 `timeliness`（权重 40）" in lines
    assert "总分 = 各项未舍入得分之和" in lines
    assert "32 个单位中排第 25 名（按 `total` 从高到低排名，并列方式 `sequential`）" in lines
    assert lines[-1].startswith("  后一名：第 26 名「区住房和城乡建设局」88.86（+0.41）：告警工单 +6.67、")


def test_explain_names_a_unit_it_cannot_find_in_chinese() -> None:
    run = run_cli("--lang", "zh", "explain", "-r", "jintai-hotline@2024.02", SEED_INPUT, "街道")
    assert run.code == 1
    assert "「街道」能对上 " in run.err and " 个单位：" in run.err
    assert "    提示：把名称写得再完整些" in run.err


def test_diff_headings_and_movements_are_chinese() -> None:
    run = run_cli(
        "--lang", "zh", "diff", "-r", "jintai-hotline@2024.02", SEED_INPUT,
        "--set", "timeliness.weight=45", "--set", "completion.weight=30",
    )  # fmt: skip
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[1] == f"输入文件：{SEED_INPUT}（共 32 个单位）"
    assert "改动的规则：" in lines and "  `indicators[timeliness].weight`：40 -> 45" in lines
    assert "  假设测算：timeliness.weight=45, completion.weight=30" in lines
    assert any(line.split() == ["单位", "原总分", "新总分", "变化", "原排名", "新排名", "名次变动"] for line in lines)
    assert lines[-1] == "32 个单位中有 10 个名次变了；两次排名的相关系数 Kendall tau-b = 0.9718"


def test_a_unit_ranked_under_one_side_only_says_so_in_chinese() -> None:
    from kaoping.analysis.diff import UnitChange

    fields = {f: None for f in UnitChange.__dataclass_fields__}
    with i18n.speaking("zh"):
        now = movement(UnitChange(**{**fields, "old_rank": None, "new_rank": 3}))  # type: ignore[arg-type]
        gone = movement(UnitChange(**{**fields, "old_rank": 3, "new_rank": None}))  # type: ignore[arg-type]
    assert (now, gone) == ("新进排名", "退出排名")


def test_combine_titles_the_periods_in_chinese() -> None:
    run = run_cli(
        "--lang", "zh", "combine", "-r", "city-hotline",
        "2025-01=examples/city-hotline-2025-01.csv", "2025-02=examples/city-hotline-2025-02.csv",
    )  # fmt: skip
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == "某市12345热线承办单位考评（扣分制，示例） · 2 期平均"
    assert "「经开区」在 2025-02 没有结果：它的合并得分只按其余各期计算（`combine: {missing: skip}`）" in run.err


def test_a_golden_case_that_differs_says_where_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_bytes(SEED_INPUT.read_bytes())
    expect = ROOT / "rulesets" / "jintai-hotline" / "cases" / "2024-02-published.csv"
    lines = expect.read_text(encoding="utf-8-sig").splitlines()
    first = lines[1].split(",")
    first[-1] = "0.01"
    (tmp_path / "expect.csv").write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n", encoding="utf-8")
    ruleset = kaoping.load(SEED).model
    with i18n.speaking("zh"):
        outcome = run_case(ruleset, GoldenCase("t", "in.csv", "expect.csv", None), tmp_path)
        missing = run_case(ruleset, GoldenCase("t", "nothing.csv", "expect.csv", None), tmp_path)
    column = lines[0].split(",")[-1]
    assert outcome.failures == (f"第 1 行（「区人力资源和社会保障局」）：`{column}` 是 '99.88'，应为 '0.01'",)
    assert missing.failures == (f"找不到文件 {tmp_path / 'nothing.csv'}",)


def test_lines_left_out_are_counted_in_chinese() -> None:
    with i18n.speaking("zh"):
        assert capped(["a", "b", "c"], 1, "mismatches") == ["a", "……另有 2 处不符"]
        assert capped(["a", "b"], 1, "warnings") == ["a", "……另有 1 条注意"]
    assert capped(["a", "b"], 1, "notes") == ["a", "… and 1 more notes"]
