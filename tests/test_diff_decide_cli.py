"""`kaoping diff --scenario` and diff's documents on the command line (issue 13, item 6); the values by hand in
tests/test_diff_decide.py."""

from __future__ import annotations

import json

from .conftest import SEED_INPUT, run_cli

SEED = "jintai-hotline@2024.02"
ONE, TWO = "方案一: timeliness.weight=45, completion.weight=30", "方案二: timeliness.weight=50, completion.weight=25"


def test_two_scenarios_side_by_side_in_json():
    run = run_cli("diff", "-r", SEED, "--scenario", ONE, "--scenario", TWO, str(SEED_INPUT), "-f", "json")
    assert run.code == 0, run.err
    d = json.loads(run.out)
    assert [s["name"] for s in d["scenarios"]] == ["方案一", "方案二"]
    transport = next(u for u in d["units"] if u["entity"] == "区交通运输局")
    assert transport["adopted"]["display"] == "74.69"
    assert [s["display"] for s in transport["scenarios"]] == ["72.19", "69.69"]


def test_each_document_is_written(tmp_path):
    for suffix, start in (("xlsx", b"PK"), ("docx", b"PK"), ("html", b"<!DOCTYPE html>"), ("pdf", b"%PDF-")):
        out = tmp_path / f"what-if.{suffix}"
        run = run_cli("diff", "-r", SEED, "--scenario", ONE, str(SEED_INPUT), "-o", str(out))
        assert run.code == 0, run.err
        assert out.read_bytes().startswith(start), suffix


def test_a_plain_diff_is_written_as_a_document_too(tmp_path):
    out = tmp_path / "diff.html"
    run = run_cli(
        "diff",
        "-r",
        SEED,
        "--set",
        "timeliness.weight=45",
        "--set",
        "completion.weight=30",
        str(SEED_INPUT),
        "-o",
        str(out),
    )
    assert run.code == 0, run.err
    assert out.read_text(encoding="utf-8").count("<line ") == 32


def test_a_scenario_without_a_name_is_a_command_line_mistake():
    run = run_cli("diff", "-r", SEED, "--scenario", "timeliness.weight=45", str(SEED_INPUT))
    assert run.code == 2
    assert "--scenario 'timeliness.weight=45' has no name" in run.err


def test_a_scenario_key_that_names_nothing_is_told_at_the_scenario():
    run = run_cli("diff", "-r", SEED, "--scenario", "方案一: timelines.weight=45", str(SEED_INPUT))
    assert run.code == 1
    assert "--scenario 方案一: 'timelines.weight' names nothing in this ruleset" in run.err
    assert "did you mean 'timeliness.weight'?" in run.err
