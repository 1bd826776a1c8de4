"""A what-if leaders can read (issue 13, item 6): who enters and leaves each list, flag and grade, several
scenarios side by side, and the comparison as xlsx, html and docx.  Expected values are worked by hand in
tests/cases/diff-decide/lists.yaml's comment and below."""

from __future__ import annotations

import json

from .conftest import run_cli

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
