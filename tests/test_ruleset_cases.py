"""`kaoping test`: the golden cases a ruleset carries."""

from __future__ import annotations

import shutil

from .conftest import ROOT, run_cli


def test_the_seed_carries_the_published_table_and_passes_it():
    run = run_cli("test", "jintai-hotline@2024.02")
    assert run.code == 0, run.out
    assert run.out.splitlines() == [
        "PASS jintai-hotline@2024.02: 2024年2月区级各部门市民热线办理考评表 (as published) (32 units)",
        "1 passed, 0 failed",
    ]


def test_a_wrong_expected_number_fails_and_says_where(tmp_path):
    rulesets = tmp_path / "rulesets"
    shutil.copytree(ROOT / "rulesets", rulesets)
    expected = rulesets / "jintai-hotline" / "cases" / "2024-02-published.csv"
    expected.write_text(expected.read_text(encoding="utf-8").replace("93.26", "93.27"), encoding="utf-8")
    run = run_cli("test", "--rulesets", rulesets)
    assert run.code == 1
    assert "FAIL jintai-hotline@2024.02" in run.out
    assert "row 24 (区市场监督管理局): total is '93.26', expected '93.27'" in run.out
    # jintai-orders' own copies of the published table are untouched: its two cases still pass
    assert run.out.rstrip().endswith("2 passed, 1 failed")
