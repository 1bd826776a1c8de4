"""The renderers of `kaoping sensitivity` (table, JSON, HTML), on hand-made results.

The tracer is not run: each `Sensitivity` is built here from the seed's (or
the city ruleset's) published evaluation and tipping points written by hand,
so every expected text below follows from the object and the rules of the
output (two more decimals than the ruleset's 2 places; the chart's plot area
is x 64..876 and y 20..328 of its 900 × 380 viewBox), worked out in the
comments.
"""

from __future__ import annotations

import io
import json
import re
from fractions import Fraction as F

import kaoping
import pytest
from kaoping import i18n
from kaoping.analysis.sensitivity_model import (
    InputChange,
    Interval,
    Line,
    PairChanges,
    PairTip,
    Sensitivity,
    WeightResult,
)
from kaoping.evaluate.ranking import Evaluation
from kaoping.outputs.sensitivity import decimals, render_table, to_json, value_text
from kaoping.outputs.sensitivity_html import to_html
from rich.console import Console

from .conftest import ROOT, SEED_INPUT, SEED_RULESET

# the seed's published order, ranks 2-4 and 1: 95.47, 95.45, 95.41 and 99.88
HEALTH, CITY_MGMT, ZHONGSHAN_E, HR = "区卫生健康局", "金台区城市管理执法局", "中山东路街道", "区人力资源和社会保障局"


@pytest.fixture(scope="module")
def seed() -> Evaluation:
    return kaoping.evaluate(kaoping.load(SEED_RULESET), SEED_INPUT).evaluation


def small(seed: Evaluation) -> Sensitivity:
    """Two weights; the first with three units' lines and two pairs, the second with no pairs."""
    lines = (
        Line(HEALTH, ((F(0), F(70)), (F(100), F(130)))),  # 70 + 0.6 w
        Line(CITY_MGMT, ((F(0), F(62)), (F(100), F(137)))),  # 62 + 0.75 w: meets 区卫生健康局 at w = 8/0.15 = 160/3
        Line(ZHONGSHAN_E, ((F(0), F(65)), (F(40), F(95)), (F(100), F(125)))),
    )
    pairs = (
        PairTip(HEALTH, CITY_MGMT, None, swap_at=F(160, 3), printed_tie_at=F(1921, 36), printed_swap_at=None),
        PairTip(CITY_MGMT, ZHONGSHAN_E, None, swap_at=None, printed_tie_at=F(39), printed_swap_at=F(157, 4)),
    )
    timeliness = WeightResult(
        "timeliness",
        "按期办结",
        F(40),
        Interval(F(0), F(100)),
        "exact",
        Interval(F(191, 5), F(167, 4), True, False),  # 38.2 .. 41.75, open at 41.75
        {},
        None,
        pairs,
        lines,
    )
    alert_lines = tuple(Line(n, ((F(0), F(90 + k)), (F(20), F(100 - k)))) for k, n in enumerate((HEALTH, CITY_MGMT)))
    alert = WeightResult(
        "alert", "告警工单", F(10), Interval(F(0), F(20)), "exact", Interval(F(9), F(11)), {}, None, (), alert_lines
    )
    inputs = (
        PairChanges(HEALTH, CITY_MGMT, None, (InputChange("on_time", 3, overtakes_by=4), InputChange("alerts", -1.0))),
        PairChanges(HR, HEALTH, None, (), none=("due", "completed")),
    )
    return Sensitivity(seed, "proportional", (timeliness, alert), inputs, ("note: something the tracer said",))


def screen(s: Sensitivity, lang: str = "en") -> str:
    out = io.StringIO()
    with i18n.speaking(lang):
        render_table(s, Console(file=out, width=160, color_system=None))
    return out.getvalue()


# --- numbers -----------------------------------------------------------------------------------------------------


def test_a_tipping_point_is_rounded_half_up_on_its_exact_fraction() -> None:
    assert decimals(F(1921, 36), 4) == "53.3611"  # 53.36111...
    assert decimals(F(160, 3), 4) == "53.3333"
    assert decimals(F(1, 20000), 4) == "0.0001"  # exactly half: up, away from zero
    assert decimals(F(-1, 20000), 4) == "-0.0001"
    assert decimals(F(-1, 30000), 4) == "0.0000"  # no -0.0000
    assert decimals(F(40), 4) == "40.0000"


def test_a_weight_reads_as_the_ruleset_writes_it() -> None:
    assert value_text(F(40), 4) == "40"
    assert value_text(F(25, 2), 4) == "12.5"
    assert value_text(F(100, 3), 4) == "33.3333"  # no short decimal: the tipping points' decimals


# --- JSON ----------------------------------------------------------------------------------------------------------


def test_the_json_has_the_contract_s_keys_and_values(seed: Evaluation) -> None:
    text = to_json(small(seed))
    document = json.loads(text)
    assert {"ruleset", "input", "rebalance", "weights", "inputs"} <= set(document)
    assert document["ruleset"]["name"] == "jintai-hotline" and document["ruleset"]["version"] == "2024.02"
    assert document["input"]["records"] == 32
    assert document["rebalance"] == "proportional"
    assert list(document["weights"]) == ["timeliness", "alert"]
    w = document["weights"]["timeliness"]
    assert w["current"] == 40 and type(w["current"]) is int  # a whole Fraction is an int
    assert w["order_stable"] == [38.2, 41.75] and w["order_stable_closed"] == [True, False]
    assert w["range"] == [0, 100] and w["label"] == "按期办结" and w["method"] == "exact"
    assert w["grades_stable"] is None and w["lists_stable"] == {}
    first = w["pairs"][0]
    assert {k: first[k] for k in ("above", "below", "printed_tie_at", "printed_swap_at", "swap_at", "method")} == {
        "above": HEALTH,
        "below": CITY_MGMT,
        "printed_tie_at": 1921 / 36,
        "printed_swap_at": None,
        "swap_at": 53.333333333333336,
        "method": "exact",
    }
    assert first["exact"] == {"printed_tie_at": "1921/36", "printed_swap_at": None, "swap_at": "160/3"}
    assert w["pairs"][1]["printed_tie_at"] == 39 and type(w["pairs"][1]["printed_tie_at"]) is int
    assert w["pairs"][1]["printed_swap_at"] == 39.25 and w["pairs"][1]["exact"]["printed_swap_at"] == "157/4"
    assert document["weights"]["alert"]["pairs"] == []


def test_the_json_s_input_changes_and_how_it_is_written(seed: Evaluation) -> None:
    text = to_json(small(seed))
    document = json.loads(text)
    assert document["inputs"]["pairs"][0] == {
        "above": HEALTH,
        "below": CITY_MGMT,
        "changes": [
            {"input": "on_time", "by": 3, "step": 1, "overtakes_by": 4},
            {"input": "alerts", "by": -1, "step": 1, "overtakes_by": None},  # -1.0 is whole: written -1
        ],
        "group": None,
        "none": [],
    }
    assert document["inputs"]["pairs"][1]["changes"] == [] and document["inputs"]["pairs"][1]["none"] == [
        "due",
        "completed",
    ]
    assert document["notes"] == ["note: something the tracer said"]
    assert text.endswith("}\n") and HEALTH in text  # not ASCII-escaped
    assert '"swap_at": null' in text  # None is null
    assert '      "order_stable": [38.2, 41.75],\n' in text  # indented; [lo, hi] on one line
    pair_lines = [line for line in text.splitlines() if line.lstrip().startswith('{"above": ')]
    assert len(pair_lines) == 2 + 2  # each pair on one line of its own: two of timeliness, two input pairs
    assert pair_lines[0].startswith('        {"above": ') and pair_lines[2].startswith('      {"above": ')


# --- the screen ------------------------------------------------------------------------------------------------


def test_the_screen_in_english(seed: Evaluation) -> None:
    lines = screen(small(seed)).splitlines()
    assert lines[0] == "How robust the published order is: 金台区区级各部门市民热线办理考评"
    assert lines[1].startswith("rebalance: proportional (") and lines[1].endswith("so full marks stay 100)")
    assert "按期办结 (timeliness): weight now 40, valid range 0 – 100; solved exactly" in lines
    assert "  the whole order stays as published for 38.2000 – 41.7500 (41.7500 itself not included)" in lines
    assert "  the whole order stays as published for 9.0000 – 11.0000" in lines
    assert "  no two ranked units are next to each other" in lines  # alert has no pairs
    # 1921/36 = 53.36111 is 13.36111 above 40; 160/3 = 53.33333; 157/4 = 39.25 is 0.75 below; 39 is 1 below
    rows = [re.sub(r" {2,}", " | ", line.strip()) for line in lines if line.startswith(("  区", "  金台区"))]
    assert rows == [
        f"{HEALTH} | {CITY_MGMT} | 53.3611 (+13.3611) | — | 53.3333 (+13.3333)",
        f"{CITY_MGMT} | {ZHONGSHAN_E} | 39.0000 (-1.0000) | 39.2500 (-0.7500) | —",
        f"{HEALTH} | {CITY_MGMT} | 0.02 | 按期办结工单数 +3 (+4 to rank above)",
        f"{HR} | {HEALTH} | 4.41 | no single input can do it within its bounds",
    ]
    assert any(line.strip() == "告警工单数 -1" for line in lines)  # the second change, under the first
    assert "note: something the tracer said" in lines
    assert lines[-1].startswith("jintai-hotline@2024.02 (sha256 ")


def test_the_screen_in_chinese(seed: Evaluation) -> None:
    lines = screen(small(seed), "zh").splitlines()
    assert lines[0] == "排名稳定性测算：金台区区级各部门市民热线办理考评"
    assert lines[1] == "权重调整方式：按比例（改动一项权重时，其余得分权重按各自大小分摊这一变化，满分仍为 100 分）"
    assert "按期办结（`timeliness`）：现行权重 40，可取范围 0 – 100；精确求解" in lines
    assert "  整个排名保持不变的稳定区间：38.2000 – 41.7500（不含 41.7500）" in lines
    assert "  最接近临界点的相邻单位，临界点最近的在前（括号内是与现行权重之差）：" in lines
    headings = [re.sub(r" {2,}", " | ", line.strip()) for line in lines if line.startswith("  前一名")]
    assert headings == [
        "前一名 | 后一名 | 公布总分打平于 | 公布名次互换于 | 未舍入总分反超于",
        "前一名 | 后一名 | 公布总分差 | 只改一个输入项的最小改动",
    ]
    assert "后一名只改一个输入项、公布总分就能追平前一名所需的最小改动：" in lines
    assert any(line.endswith("按期办结工单数 +3（+4 可排到前面）") for line in lines)
    assert any(line.endswith("在取值范围内只改一个输入项做不到") for line in lines)
    assert "  没有相邻的参与排名单位" in lines


def many(seed: Evaluation) -> Sensitivity:
    """Every ranked unit of the seed with a line, its 31 adjacent pairs, the odd-numbered ones tightest."""
    ranked = seed.ranked
    lines = tuple(Line(u.entity, ((F(0), F(60 + k)), (F(100), F(140 - k)))) for k, u in enumerate(ranked))
    adjacent = [(ranked[k].entity, ranked[k + 1].entity) for k in range(31)]
    order = list(range(0, 31, 2)) + list(range(1, 31, 2))  # ranks 1-2, 3-4, 5-6, ... first
    pairs = tuple(
        PairTip(*adjacent[k], None, swap_at=F(41 + n, 1), printed_tie_at=None, printed_swap_at=None)
        for n, k in enumerate(order)
    )
    w = WeightResult(
        "timeliness", "按期办结", F(40), Interval(F(0), F(100)), "exact", Interval(F(39), F(41)), {}, None, pairs, lines
    )
    inputs = tuple(PairChanges(a, b, None, (InputChange("on_time", 1),)) for a, b in adjacent)
    return Sensitivity(seed, "none", (w,), inputs)


def test_the_screen_shows_ten_pairs_and_says_how_many_more(seed: Evaluation) -> None:
    lines = screen(many(seed)).splitlines()
    # the 31 pairs: 10 shown, 21 more; swap at 41 + n is n + 1 above 40
    assert "  21 more pairs (-f json lists them all)" in lines
    assert lines.count("  21 more pairs (-f json lists them all)") == 2  # the weights' pairs and the input pairs
    shown = [line for line in lines if "(+" in line and "—" in line]
    assert len(shown) == 10 and shown[0].endswith("41.0000 (+1.0000)") and shown[9].endswith("50.0000 (+10.0000)")
    assert lines[1] == "rebalance: none (only the weight varied changes; full marks change with it)"
    assert "  另有 21 对未列出（-f json 列出全部）" in screen(many(seed), "zh").splitlines()


def city() -> Sensitivity:
    """The city ruleset (groups ranked apart, lists 红榜 and 黑榜, grades): a group column and the lists' lines."""
    evaluation = kaoping.evaluate(
        kaoping.load(ROOT / "rulesets" / "city-hotline" / "2025.01.yaml"),
        ROOT / "examples" / "city-hotline-2025-01.csv",
    ).evaluation
    pair = PairTip("东城区", "南山县", "县区组", swap_at=F(25, 2), printed_tie_at=None, printed_swap_at=None)
    bisected = PairTip("西城区", "北川县", "县区组", F(11), None, None, method="bisection")
    w = WeightResult(
        "satisfaction",
        "满意率",
        F(10),
        Interval(F(0), F(30)),
        "bisection",
        Interval(F(10), F(10)),
        {"red": Interval(F(8), F(12), False, True), "black": Interval(F(5), F(15), False, False)},
        Interval(F(9), F(21, 2)),
        (bisected, pair),
        (),
        note="found by bisection, to 1e-9",
    )
    return Sensitivity(evaluation, "none", (w,), ())


def test_groups_lists_grades_and_bisection_on_the_screen() -> None:
    lines = screen(city()).splitlines()
    assert "满意率 (satisfaction): weight now 10, valid range 0 – 30; found by bisection" in lines
    assert "  found by bisection, to 1e-9" in lines
    assert "  the whole order stays as published for only at 10.0000" in lines
    assert "  list 红榜 keeps its members for 8.0000 – 12.0000 (8.0000 itself not included)" in lines
    assert "  list 黑榜 keeps its members for 5.0000 – 15.0000 (neither end included)" in lines
    assert "  every unit keeps its grade for 9.0000 – 10.5000" in lines
    rows = [re.sub(r" {2,}", " | ", line.strip()) for line in lines if line.startswith(("  group", "  县区组"))]
    assert rows == [
        "group | above | below | printed tie at | printed swap at | unrounded swap at | method",
        "县区组 | 西城区 | 北川县 | — | — | 11.0000 (+1.0000) | found by bisection",
        "县区组 | 东城区 | 南山县 | — | — | 12.5000 (+2.5000) | solved exactly",
    ]


# --- the page ----------------------------------------------------------------------------------------------------


def test_the_page_has_a_chart_a_weight_with_a_line_a_unit(seed: Evaluation) -> None:
    page = to_html(small(seed))
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert page.count("<svg ") == 2  # two weights
    assert page.count("<polyline ") == 3 + 2
    # the current weight 40 of 0..100 on a plot from x 64 to 876: 64 + 0.4 × 812 = 388.8
    assert '<line class="current" x1="388.80" y1="20" x2="388.80" y2="328"/>' in page
    # alert's 10 of 0..20: 64 + 0.5 × 812 = 470
    assert '<line class="current" x1="470.00" y1="20" x2="470.00" y2="328"/>' in page
    assert ">now 40</text>" in page and ">now 10</text>" in page


def test_the_page_marks_each_crossing_where_it_is(seed: Evaluation) -> None:
    page = to_html(small(seed))
    # the totals drawn span 62..137, so the y axis runs 60..140 (ticks 20 apart) over y 328..20: 3.85 px a point.
    # swap at 160/3: x = 64 + 812 × 160/300 = 497.07; on 区卫生健康局's line 70 + 0.6 × 160/3 = 102,
    # y = 328 - 42 × 3.85 = 166.30
    swap = re.findall(r'<circle class="swap" cx="([\d.]+)" cy="([\d.]+)" r="4.5"><title>([^<]*)</title>', page)
    assert swap == [("497.07", "166.30", f"{CITY_MGMT} passes {HEALTH} at 53.3333 (unrounded totals)")]
    # printed swap at 157/4 = 39.25: x = 64 + 812 × 0.3925 = 382.71; on 金台区城市管理执法局's line
    # 62 + 0.75 × 39.25 = 91.4375, y = 328 - 31.4375 × 3.85 = 206.97
    printed = re.findall(
        r'<circle class="printed-swap" cx="([\d.]+)" cy="([\d.]+)" r="4.5"><title>([^<]*)</title>', page
    )
    assert printed == [("382.71", "206.97", f"{ZHONGSHAN_E} passes {CITY_MGMT} at 39.2500 (printed totals)")]
    assert ">60</text>" in page and ">140</text>" in page and ">100</text>" in page


def test_a_page_of_many_units_draws_those_of_the_six_tightest_pairs(seed: Evaluation) -> None:
    page = to_html(many(seed))
    # the six tightest pairs are ranks 1-2, 3-4, ..., 11-12: twelve units, no unit in two of them
    assert page.count("<polyline ") == 12
    assert "only the 12 units of the 6 tightest pairs are drawn, of 32 units" in page
    assert page.count('<circle class="swap"') == 6  # each drawn pair's crossing, 41..46 all within 0..100
    assert page.count("<tr>") - 2 == 10 + 31  # ten pairs under the chart, all 31 input pairs (and two header rows)


def test_the_page_in_chinese(seed: Evaluation) -> None:
    with i18n.speaking("zh"):
        page = to_html(many(seed))
    assert "<h1>排名稳定性测算：金台区区级各部门市民热线办理考评</h1>" in page
    assert ">现行 40</text>" in page
    assert "共 32 个单位，图中只画出最接近临界点的 6 对相邻单位（12 个单位）" in page
    assert "虚线：现行权重；●：未舍入总分交叉；○：公布名次互换" in page
    assert f"权重为 41.0000 时，「{seed.ranked[1].entity}」的未舍入总分超过「{seed.ranked[0].entity}」" in page
    assert "「按期办结」（`timeliness`）的权重" in page
    assert "now" not in page.replace("nowrap", "")
