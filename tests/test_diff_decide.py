"""A what-if leaders can read (issue 13, item 6): who enters and leaves each list, flag and grade, several
scenarios side by side, and the comparison as xlsx, html and docx.  Expected values are worked by hand in
tests/cases/diff-decide/lists.yaml's comment and below."""

from __future__ import annotations

import json

import pytest
from kaoping import api
from kaoping.analysis import scenarios
from kaoping.errors import KaopingError, UsageError
from kaoping.outputs import compare

from .conftest import SEED_INPUT, run_cli

CASE = "tests/cases/diff-decide"
WHAT_IF = ("--set", "completion.weight=30", "--set", "satisfaction.weight=70")


def _diff(*args: str) -> dict:
    run = run_cli("diff", "-r", f"{CASE}/lists.yaml", *WHAT_IF, f"{CASE}/lists.csv", *args)
    assert run.code == 0, run.err
    return json.loads(run.out) if "json" in args else {"text": run.out}


def test_the_diff_names_who_enters_and_leaves_each_list_flag_and_grade_in_json():
    d = _diff("-f", "json")
    changes = {(c["kind"], c["id"]): (c["entered"], c["left"]) for c in d["changes"]}
    assert changes == {
        ("list", "red"): ([], ["乙"]),
        ("list", "black"): ([], []),
        ("flag", "below_standard"): ([], []),
        ("flag", "failing"): ([], ["戊"]),
        ("grade", "优秀"): (["丙"], ["乙"]),
        ("grade", "良好"): (["乙"], ["丙"]),
    }
    assert d["regraded"] == [
        {"entity": "乙", "old": "优秀", "new": "良好"},
        {"entity": "丙", "old": "良好", "new": "优秀"},
    ]
    assert d["summary"]["regraded"] == 2  # the keys there before stay as they were


def test_the_diff_names_who_enters_and_leaves_each_list_flag_and_grade_on_screen():
    text = _diff()["text"]
    assert "list 红榜: left: 乙\n" in text
    assert "list 黑榜: no change\n" in text
    assert "flag 总分低于56: left: 戊\n" in text
    assert "grade 优秀: entered: 丙; left: 乙\n" in text
    assert "grade: 乙 优秀 -> 良好\n" in text


# -- several scenarios side by side ------------------------------------------------------------------

SEED = "jintai-hotline@2024.02"
PLANS = ("方案一: timeliness.weight=45, completion.weight=30", "方案二：timeliness.weight=50，completion.weight=25")


def _compared(ref: str, data: object, texts: tuple[str, ...]) -> scenarios.Comparison:
    ruleset = api.load(ref)
    adopted = api.evaluate(ruleset, data).evaluation  # type: ignore[arg-type]
    runs = [(s, api.evaluate(scenarios.apply(ruleset, s), data).evaluation) for s in scenarios.parse(texts)]  # type: ignore[arg-type]
    return scenarios.compare(adopted, runs)


def test_a_scenario_is_a_name_a_colon_and_set_changes_separated_by_commas():
    one, two, three = scenarios.parse([*PLANS, "方案三: completion.formula=weight * min(1, ratio(completed, due, 1))"])
    assert (one.name, one.settings) == ("方案一", ("timeliness.weight=45", "completion.weight=30"))
    assert (two.name, two.settings) == ("方案二", ("timeliness.weight=50", "completion.weight=25"))  # full-width ：，
    assert [(o.key, o.value) for o in one.overrides] == [("timeliness.weight", 45), ("completion.weight", 30)]
    # a comma inside a formula stays in it
    assert three.settings == ("completion.formula=weight * min(1, ratio(completed, due, 1))",)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("timeliness.weight=45", "--scenario 'timeliness.weight=45' has no name"),
        (": timeliness.weight=45", "has no name before the colon"),
        ("方案一:", "scenario '方案一' changes nothing"),
        ("方案一: timeliness.weight", "scenario '方案一': --set 'timeliness.weight' is not KEY=VALUE"),
    ],
)
def test_a_scenario_written_wrong_is_a_command_line_mistake_naming_it(text: str, said: str):
    with pytest.raises(UsageError) as e:
        scenarios.parse([text])
    assert said in str(e.value)


def test_two_scenarios_of_one_name_are_refused():
    with pytest.raises(UsageError, match="two scenarios are named '方案一'"):
        scenarios.parse(["方案一: a.weight=1", "方案一: b.weight=2"])


def test_a_scenario_key_that_names_nothing_is_told_at_the_scenario_with_whatifs_hint():
    (plan,) = scenarios.parse(["方案一: timelines.weight=45, completion.weight=30"])
    with pytest.raises(KaopingError) as e:
        scenarios.apply(api.load(SEED), plan)
    (problem,) = e.value.problems
    assert problem.file == "--scenario 方案一"
    assert "'timelines.weight' names nothing in this ruleset" in problem.message
    assert "timeliness.weight" in problem.hint


def test_a_scenario_that_breaks_the_weights_is_said_of_the_scenario():
    (plan,) = scenarios.parse(["方案二: timeliness.weight=50"])  # 35 + 50 + 5 + 10 + 5 + 5 = 110
    with pytest.raises(KaopingError) as e:
        scenarios.apply(api.load(SEED), plan)
    assert e.value.problems[0].message.startswith("scenario '方案二': ")


def test_the_seed_under_two_scenarios_by_hand():
    c = _compared(SEED, SEED_INPUT, PLANS)
    rows = {row.entity: row for row in c.rows}
    # 区交通运输局: due 2, completed 2, on time 1, overdue returns 3 of the district's 44, no alerts or reworks;
    # workload 5 * 2 / 343 (the most completed, 区人力资源和社会保障局) = 0.029155
    # adopted: 35 * 2/2 + 40 * 1/2 + 5 * (1 - 3/44) + 10 + 0.029155 + 5 = 35 + 20 + 4.659091 + 15.029155 = 74.69
    # 方案一:  30 + 45 * 1/2 + 4.659091 + 15.029155 = 72.19;  方案二: 25 + 25 + 4.659091 + 15.029155 = 69.69
    transport = rows["区交通运输局"]
    assert transport.adopted.old_shown == "74.69"
    assert [u.new_shown for u in transport.scenarios if u is not None] == ["72.19", "69.69"]
    # 长乐塬管委办: due 2, completed 2, none on time, no overdue returns or alerts
    # adopted: 35 + 0 + 5 + 10 + 0.029155 + 5 = 55.03;  方案一: 30 + ... = 50.03;  方案二: 25 + ... = 45.03
    late = rows["长乐塬管委办"]
    assert late.adopted.old_shown == "55.03"
    assert [u.new_shown for u in late.scenarios if u is not None] == ["50.03", "45.03"]
    assert late.adopted.old_rank == 32 and [u.new_rank for u in late.scenarios if u is not None] == [32, 32]
    assert [o.scenario.name for o in c.outcomes] == ["方案一", "方案二"]
    assert len(c.rows) == 32


def test_each_scenario_names_who_enters_and_leaves_each_list_flag_and_grade():
    plans = (
        "方案一: completion.weight=30, satisfaction.weight=70",
        "方案二: completion.weight=70, satisfaction.weight=30",
    )
    c = _compared(f"{CASE}/lists.yaml", f"{CASE}/lists.csv", plans)
    one, two = ({(m.kind, m.id): (m.entered, m.left) for m in o.memberships} for o in c.outcomes)
    assert one[("list", "red")] == ((), ("乙",)) and one[("flag", "failing")] == ((), ("戊",))
    assert one[("grade", "优秀")] == (("丙",), ("乙",))
    # 方案二 by hand: 甲 63 + 27 = 90, 乙 70 + 24 = 94, 丙 42 + 30 = 72, 丁 70, 戊 35 + 18 = 53:
    # 红榜 乙 alone (甲 leaves), 黑榜 戊 丁 as before, 戊 still below 56, 甲 and 乙 still 优秀
    assert two[("list", "red")] == ((), ("甲",)) and two[("flag", "failing")] == ((), ())
    assert two[("grade", "优秀")] == ((), ())
    by_unit = {row.entity: row for row in c.rows}
    assert [(u.new_rank, u.movement) for u in by_unit["乙"].scenarios if u] == [(3, -2), (1, 0)]
    document = json.loads(compare.render(c, "json"))
    assert [s["name"] for s in document["scenarios"]] == ["方案一", "方案二"]
    assert document["units"][1]["entity"] == "乙"
    assert [(s["display"], s["rank"], s["movement"]) for s in document["units"][1]["scenarios"]] == [
        ("86.00", 3, -2),
        ("94.00", 1, 0),
    ]


# -- the documents -------------------------------------------------------------------------------------------


def _seed_comparison() -> scenarios.Comparison:
    return _compared(SEED, SEED_INPUT, PLANS)


def test_the_pages_slope_chart_has_one_line_a_unit_a_scenario_and_marks_the_ones_that_move():
    import re

    page = compare.render(_seed_comparison(), "html")
    assert isinstance(page, str)
    svg = page[page.index("<svg") : page.index("</svg>")]
    lines = re.findall(r'<line class="(\w+)" data-unit="([^"]+)"', svg)
    assert len(lines) == 2 * 32  # two panels, 32 units each
    first = dict((unit, way) for way, unit in lines[:32])
    # 方案一 by hand: 区教育体育局 (55 due, 54 on time) loses 0.09 and drops from 12 to 17;
    # 中山东路街道 (all on time) keeps 95.41 and passes 金台区城市管理执法局 (95.45 -> 95.40): 4 -> 3
    assert first["区教育体育局"] == "down" and first["中山东路街道"] == "up"
    assert first["金台区城市管理执法局"] == "down" and first["区人力资源和社会保障局"] == "same"
    assert first["长乐塬管委办"] == "same"
    # the moved lines drawn apart from the others
    assert "line.down { stroke: #b91c1c; stroke-width: 2.5; }" in page and "line.same { stroke: #c4c4c4" in page
    assert "<script" not in page and 'http-equiv="Content-Security-Policy"' in page


def test_the_workbook_gives_each_scenario_its_own_columns(tmp_path):
    import openpyxl

    data = compare.render(_seed_comparison(), "xlsx")
    assert isinstance(data, bytes)
    (tmp_path / "w.xlsx").write_bytes(data)
    sheet = openpyxl.load_workbook(tmp_path / "w.xlsx").active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    top = next(i for i, r in enumerate(values) if r[0] == "unit")
    assert values[top][:8] == ["unit", "adopted", None, "方案一", None, None, None, "方案二"]
    assert values[top + 1][:7] == [None, "total", "rank", "total", "change", "rank", "moved"]
    rows = {r[0]: r for r in values[top + 2 : top + 34]}
    # 区交通运输局 by hand (above): 74.69 rank 31; 方案一 72.19 (-2.50), 31, =; 方案二 69.69 (-5.00), 31, =
    assert rows["区交通运输局"] == ["区交通运输局", 74.69, 31, 72.19, -2.5, 31, "=", 69.69, -5.0, 31, "="]
    assert rows["区教育体育局"][5:7] == [17, "↓5"]
    assert "A1:K1" in {str(m) for m in sheet.merged_cells.ranges}  # the title across all 11 columns


def test_the_word_document_has_the_two_level_header_and_a_row_a_unit():
    import io

    from docx import Document

    data = compare.render(_seed_comparison(), "docx")
    assert isinstance(data, bytes)
    (table,) = Document(io.BytesIO(data)).tables
    assert len(table.rows) == 2 + 32
    assert [c.text for c in table.rows[1].cells][:7] == ["unit", "total", "rank", "total", "change", "rank", "moved"]
    assert table.rows[0].cells[3].text == "方案一" and table.rows[0].cells[7].text == "方案二"
    assert [c.text for c in table.rows[-1].cells] == [
        "长乐塬管委办", "55.03", "32", "50.03", "-5.00", "32", "=", "45.03", "-10.00", "32", "=",
    ]  # fmt: skip


def test_a_two_ruleset_diff_is_written_as_a_comparison_of_one_scenario():
    ruleset = api.load(f"{CASE}/lists.yaml")
    what_if = api.with_overrides(ruleset, {"completion.weight": 30, "satisfaction.weight": 70})
    d = api.diff(ruleset, what_if, f"{CASE}/lists.csv")
    document = json.loads(compare.render(d, "json"))
    assert [s["settings"] for s in document["scenarios"]] == [["completion.weight=30", "satisfaction.weight=70"]]
    assert [u["scenarios"][0]["rank"] for u in document["units"]] == [1, 3, 2, 4, 5]  # 甲 乙 丙 丁 戊
    with pytest.raises(KaopingError, match="not csv"):
        compare.render(d, "csv")


def test_the_comparison_prints_to_pdf_through_the_page():
    data = compare.render(_seed_comparison(), "pdf")
    assert isinstance(data, bytes) and data.startswith(b"%PDF-")
