"""The public Python API (engine/api.py), with records built in memory, no files written.

Expected numbers come from tests/fixtures/published-2024-02.csv (the
published table) or are computed by hand in the test, never by the code under test.
"""

from __future__ import annotations

import csv
import json
import re

import kaoping
import pytest

from .conftest import PUBLISHED, ROOT, SEED_INPUT, run_cli

INPUT_COLUMNS = ("department", "due", "completed", "on_time", "overdue_returns", "alerts")


def published() -> list[dict[str, str]]:
    with open(PUBLISHED, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def seed_records() -> list[dict[str, str | int]]:
    """The seed's 32 rows from the published table's input columns, counts as ints (as a program would hold them)."""
    return [{k: (row[k] if k == "department" else int(row[k])) for k in INPUT_COLUMNS} for row in published()]


@pytest.fixture(scope="module")
def seed() -> kaoping.Ruleset:
    return kaoping.load("jintai-hotline@2024.02")


def test_exports_are_declared() -> None:
    assert {
        "load",
        "loads",
        "evaluate",
        "render",
        "to_json",
        "with_overrides",
        "diff",
        "explain",
        "KaopingError",
    } <= set(kaoping.__all__)
    assert all(hasattr(kaoping, name) for name in kaoping.__all__)


def test_records_give_the_published_totals_and_order(seed: kaoping.Ruleset) -> None:
    ev = kaoping.evaluate(seed, seed_records(), period="2024-02")
    expected = published()
    assert [r.entity for r in ev.results] == [row["department"] for row in expected]
    assert [r.display["total"] for r in ev.results] == [row["final_score"] for row in expected]
    assert [r.rank for r in ev.results] == list(range(1, 33))
    assert ev.notes == ()


def test_records_by_label_read_like_the_file(seed: kaoping.Ruleset) -> None:
    with open(SEED_INPUT, encoding="utf-8") as f:
        by_label = list(csv.DictReader(f))  # header texts are the labels, values all str
    from_records = kaoping.to_json(kaoping.evaluate(seed, by_label))
    from_file = kaoping.to_json(kaoping.evaluate(seed, SEED_INPUT))
    assert _results(from_records) == _results(from_file)


def _results(document: str) -> str:
    return document[document.index('"results"') :]


def test_a_bad_record_is_refused_at_its_row_and_column(seed: kaoping.Ruleset) -> None:
    records = seed_records()
    records[4]["completed"] = "abc"
    with pytest.raises(kaoping.KaopingError) as caught:
        kaoping.evaluate(seed, records)
    (p,) = caught.value.problems
    assert (p.file, p.line, p.col) == ("<records>", 5, 3)  # record 5, the third key (completed)
    assert p.cell == "record 5, field completed"
    assert "completed" in p.message and "abc" in p.message


def test_a_bound_naming_another_field_and_a_wrong_type_are_told(seed: kaoping.Ruleset) -> None:
    records = seed_records()
    records[0]["on_time"] = records[0]["completed"] + 1  # on_time may not exceed completed
    records[1]["alerts"] = [1]
    with pytest.raises(kaoping.KaopingError) as caught:
        kaoping.evaluate(seed, records)
    places = [(p.line, p.cell) for p in caught.value.problems]
    assert places == [(2, "record 2, field alerts")]  # a value no cell can hold is refused before the checks
    records[1]["alerts"] = 0
    with pytest.raises(kaoping.KaopingError) as caught:
        kaoping.evaluate(seed, records)
    assert [(p.line, p.cell) for p in caught.value.problems] == [(1, "record 1, field on_time")]


def test_a_totals_record_is_left_out_with_a_note(seed: kaoping.Ruleset) -> None:
    records = seed_records()
    records.append({"department": "合计", **{k: 0 for k in INPUT_COLUMNS[1:]}})
    ev = kaoping.evaluate(seed, records)
    assert len(ev.results) == 32
    assert any("record 33" in n and "合计" in n for n in ev.notes)


def test_loads_of_bad_yaml_gives_line_and_column() -> None:
    text = (ROOT / "rulesets" / "jintai-hotline" / "2024.02.yaml").read_text(encoding="utf-8")
    broken = text.replace("  - id: due\n    type: integer\n", "  - id: due\n    type: [integer\n", 1)
    with pytest.raises(kaoping.KaopingError) as caught:
        kaoping.loads(broken, source="inline.yaml")
    p = caught.value.problems[0]
    line = broken.splitlines().index("    type: [integer") + 1
    assert p.file == "inline.yaml" and p.line >= line and p.col >= 1


def test_loads_checks_meaning_at_its_place() -> None:
    text = (ROOT / "rulesets" / "jintai-hotline" / "2024.02.yaml").read_text(encoding="utf-8")
    own = re.sub(r"^version: .*$", 'version: "0.0-api"', text, count=1, flags=re.M)
    assert kaoping.loads(own).version == "0.0-api"
    wrong = own.replace("weight * ratio(completed, due, 1)", "weight * ratio(complete, due, 1)", 1)
    with pytest.raises(kaoping.KaopingError) as caught:
        kaoping.loads(wrong, source="inline.yaml")
    p = caught.value.problems[0]
    assert (p.file, p.line) == (
        "inline.yaml",
        own.splitlines().index(next(t for t in own.splitlines() if "ratio(completed, due, 1)" in t)) + 1,
    )


def test_loads_refuses_an_edited_copy_of_a_released_version() -> None:
    text = (ROOT / "rulesets" / "jintai-hotline" / "2024.02.yaml").read_text(encoding="utf-8")
    assert kaoping.loads(text).ref == "jintai-hotline@2024.02"  # the released bytes
    with pytest.raises(kaoping.KaopingError, match="edited copy"):
        kaoping.loads(text.replace("title: 金台区", "title: 金台", 1))


def test_with_overrides_reproduces_the_hand_numbers(seed: kaoping.Ruleset) -> None:
    what_if = kaoping.with_overrides(seed, {"timeliness.weight": 45, "completion.weight": 30})
    ev = kaoping.evaluate(what_if, seed_records())
    forestry = next(r for r in ev.results if r.entity == "区林业局")
    # 区林业局 (7 due, 7 completed, 6 on time, 1 of 44 overdue returns, 7 of the most 343 completed):
    assert forestry.total == pytest.approx(30 * 7 / 7 + 45 * 6 / 7 + 5 * (1 - 1 / 44) + 10 + 5 * 7 / 343 + 5, abs=1e-9)
    assert forestry.display["total"] == "88.56"
    assert "what-if" in what_if.label and seed.model.overrides == ()  # the original is unchanged


def test_with_overrides_on_text_and_its_mistakes() -> None:
    text = (ROOT / "rulesets" / "jintai-hotline" / "2024.02.yaml").read_text(encoding="utf-8")
    rs = kaoping.with_overrides(kaoping.loads(text), {"timeliness.weight": 45, "completion.weight": 30})
    assert rs.model.total.max == 100
    with pytest.raises(kaoping.KaopingError) as caught:
        kaoping.with_overrides(rs, {"timeliness.weight": 50})  # the weights no longer add up
    assert caught.value.problems and "timeliness.weight=50" in caught.value.problems[0].message
    with pytest.raises(kaoping.KaopingError):
        kaoping.with_overrides(rs, {"timelines.weight": 45})


def test_diff_and_explain(seed: kaoping.Ruleset) -> None:
    records = seed_records()
    what_if = kaoping.with_overrides(seed, {"timeliness.weight": 45, "completion.weight": 30})
    change = kaoping.diff(seed, what_if, records)
    forestry = next(u for u in change.units if u.entity == "区林业局")
    assert (forestry.old_shown, forestry.new_shown) == ("89.27", "88.56")
    assert '"区林业局"' in kaoping.render(change, "json")
    text = kaoping.render(kaoping.explain(kaoping.evaluate(seed, records), "区林业局"))
    assert text.startswith("区林业局: rank 25 of 32, total 89.27")


def test_render_csv_equals_the_cli(seed: kaoping.Ruleset) -> None:
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", str(SEED_INPUT), "--period", "2024-02", "-f", "csv")
    assert run.code == 0
    assert kaoping.render(kaoping.evaluate(seed, str(SEED_INPUT), period="2024-02"), "csv") == run.out
    assert kaoping.render(kaoping.evaluate(seed, seed_records(), period="2024-02"), "csv") == run.out


def test_every_format_renders(seed: kaoping.Ruleset) -> None:
    ev = kaoping.evaluate(seed, seed_records(), period="2024-02")
    for fmt in kaoping.FORMATS:
        out = kaoping.render(ev, fmt)
        assert isinstance(out, bytes if fmt in ("xlsx", "docx", "pdf") else str) and out
    assert kaoping.render(ev, "json") == kaoping.to_json(ev)
    with pytest.raises(kaoping.KaopingError):
        kaoping.render(ev, "odt")


def test_a_bare_name_says_its_choice_in_notes_not_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    rs = kaoping.load("jintai-hotline", period="2024-02")
    assert rs.version == "2024.02" and any("in effect on 2024-02-01" in n for n in rs.notes)
    assert capsys.readouterr() == ("", "")


def test_no_records_and_not_records(seed: kaoping.Ruleset) -> None:
    for data in ([], [1, 2], {"department": "x"}):
        with pytest.raises(kaoping.KaopingError):
            kaoping.evaluate(seed, data)  # type: ignore[arg-type]


def test_the_readme_example_runs_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Python API") :]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    exec(compile(code.group(1), "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert printed.startswith("1 区卫生健康局 97.50\n")
    assert "record 1, field 应办结工单数" in printed


def test_a_period_is_taken_as_the_cli_takes_it_and_a_wrong_one_is_a_coded_problem(seed: kaoping.Ruleset) -> None:
    records = seed_records()
    assert json.loads(kaoping.to_json(kaoping.evaluate(seed, records, period="2024-2")))["period"] == "2024-02"
    with pytest.raises(kaoping.KaopingError) as refused:
        kaoping.evaluate(seed, records, period="2024-13")
    assert refused.value.codes == ("data.not-a-month",)
    assert "'2024-13' is not a month" in refused.value.problems[0].message
