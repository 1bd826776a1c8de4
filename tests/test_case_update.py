"""kaoping test --update NAME@VERSION: a draft's expected files rewritten from its current output.

The story a user lives (README "Changing policy safely", the guide's section 5): a new draft, a weight edited,
its case fails; --update lists what changes and rewrites the draft's own expected file; the case passes and the
draft can be released; a released version refuses.  Every expected value below is worked out by hand from the
seed's input (rulesets/jintai-hotline/cases/2024-02-input.csv) and the edited weights, never by kaoping.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .conftest import ROOT, run_cli

DRAFT = "jintai-hotline@2025.01"


def draft_of(tmp_path: Path, name: str = "jintai-hotline") -> Path:
    """A copy of the project's rulesets with a new draft 2025.01 of `name`, its weights edited as the guide does:
    completion 35 -> 30, timeliness 40 -> 45 (the total's 100 still adds up)."""
    rulesets = tmp_path / "rulesets"
    shutil.copytree(ROOT / "rulesets", rulesets, ignore=shutil.ignore_patterns("__pycache__"))
    made = run_cli("new-version", name, "2025.01", "--rulesets", rulesets)
    assert made.code == 0, made.err
    draft = rulesets / name / "2025.01.yaml"
    text = draft.read_text(encoding="utf-8")
    for indicator, old, new in (("completion", 35, 30), ("timeliness", 40, 45)):
        text, n = re.subn(rf"(- id: {indicator}\n(?:    .*\n)*?    weight: ){old}\n", rf"\g<1>{new}\n", text)
        assert n == 1
    draft.write_text(text, encoding="utf-8")
    return rulesets


def expected_file(rulesets: Path, name: str = "jintai-hotline") -> Path:
    return rulesets / name / "cases" / "2025.01" / "2024-02-published.csv"


def line_of(out: str, unit: str) -> str:
    [line] = [x for x in out.splitlines() if re.search(rf"^\s+\d+\s+{unit}\s", x)]
    return line


def test_update_lists_the_changes_rewrites_the_file_and_the_draft_then_passes_and_releases(tmp_path: Path) -> None:
    rulesets = draft_of(tmp_path)
    assert run_cli("test", DRAFT, "--rulesets", rulesets).code == 1  # the copied table is the old weights'

    ran = run_cli("test", "--update", DRAFT, "--rulesets", rulesets)
    assert ran.code == 0, ran.err
    # 区人力资源和社会保障局: due 343, completed 343, on time 342, no returns, alerts or reworks, the most completed.
    # completion 30 × 343/343 = 30.00 (was 35.00); timeliness 45 × 342/343 = 44.8688 -> 44.87 (was 39.88);
    # total 30 + 44.8688 + 5 + 10 + 5 + 5 = 99.8688 -> 99.87 (was 99.88).  Still first.
    first = line_of(ran.out, "区人力资源和社会保障局")
    assert re.match(r"\s+1\s", first)
    for change in ("35.00 → 30.00", "39.88 → 44.87", "99.88 → 99.87"):
        assert change in first, first
    # 区卫生健康局: 40 due, 40 completed, all on time: 35 + 40 becomes 30 + 45, so its total 95.47 does not change.
    second = line_of(ran.out, "区卫生健康局")
    assert "35.00 → 30.00" in second and "40.00 → 45.00" in second and "95.47" not in second, second
    # Every unit's completion changes (35·r against 30·r, and every unit completed some orders): all 32 rows.
    assert re.search(r"^\s+32 rows change \(\d+ values\)$", ran.out, re.M), ran.out
    assert ran.out.splitlines()[-1] == f"rewrote 1 expected file (32 rows changed); kaoping test {DRAFT} now passes"

    rows = expected_file(rulesets).read_text(encoding="utf-8").splitlines()
    assert rows[0] == "rank,department,completion,timeliness,overdue_return,alert,workload,rework,total"
    assert rows[1] == "1,区人力资源和社会保障局,30.00,44.87,5.00,10.00,5.00,5.00,99.87"
    # 长乐塬管委办: 2 due, 2 completed, none on time: 30.00, 0.00; workload 5 × 2/343 = 0.029 -> 0.03;
    # total 30 + 0 + 5 + 10 + 0.029 + 5 = 50.03 (was 55.03).  Still last.
    assert rows[32] == "32,长乐塬管委办,30.00,0.00,5.00,10.00,0.03,5.00,50.03"
    assert len(rows) == 33
    # the parent's expected file stays as released
    assert (rulesets / "jintai-hotline/cases/2024-02-published.csv").read_bytes() == (
        ROOT / "rulesets/jintai-hotline/cases/2024-02-published.csv"
    ).read_bytes()

    passed = run_cli("test", DRAFT, "--rulesets", rulesets)
    assert passed.code == 0 and passed.out.endswith("1 passed, 0 failed\n"), passed.out
    assert run_cli("release", DRAFT, "--rulesets", rulesets).code == 0


def test_nothing_changes_nothing_is_written(tmp_path: Path) -> None:
    rulesets = draft_of(tmp_path)
    assert run_cli("test", "--update", DRAFT, "--rulesets", rulesets).code == 0
    before = expected_file(rulesets).stat()
    again = run_cli("test", "--update", DRAFT, "--rulesets", rulesets)
    assert again.code == 0
    assert "    no change: it matches the current output" in again.out
    assert again.out.splitlines()[-1] == "nothing to rewrite: every expected file matches; nothing written"
    after = expected_file(rulesets).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


@pytest.mark.parametrize("version", ["2024.02", "2025.01"])
def test_a_released_version_is_refused_and_nothing_is_written(tmp_path: Path, version: str) -> None:
    rulesets = draft_of(tmp_path)
    if version == "2025.01":
        assert run_cli("test", "--update", DRAFT, "--rulesets", rulesets).code == 0
        assert run_cli("release", DRAFT, "--rulesets", rulesets).code == 0
    files = sorted((rulesets / "jintai-hotline").rglob("*"))
    before = {p: p.read_bytes() for p in files if p.is_file()}
    ran = run_cli("test", "--update", f"jintai-hotline@{version}", "--rulesets", rulesets)
    assert ran.code == 1
    assert f"jintai-hotline@{version} is released: its golden cases and their expected files stay" in ran.err
    assert "make a new version with kaoping new-version jintai-hotline VERSION" in ran.err
    assert "Traceback" not in ran.err and ran.out == ""
    assert sorted((rulesets / "jintai-hotline").rglob("*")) == files
    assert {p: p.read_bytes() for p in files if p.is_file()} == before


@pytest.mark.parametrize(
    "args",
    [("--update", "jintai-hotline"), ("--update", DRAFT, "jintai-orders@2024.02"), ("--update", "x.yaml")],
    ids=["bare-name", "two-rulesets", "a-path"],
)
def test_update_takes_exactly_one_name_at_version(tmp_path: Path, args: tuple[str, ...]) -> None:
    rulesets = draft_of(tmp_path)
    before = expected_file(rulesets).read_bytes()
    ran = run_cli("test", *args, "--rulesets", rulesets)
    assert ran.code == 2
    assert "--update takes exactly one NAME@VERSION, a draft, and no other RULESET" in ran.err
    assert expected_file(rulesets).read_bytes() == before


def test_update_given_twice_is_a_usage_error(tmp_path: Path) -> None:
    ran = run_cli("test", "--update", DRAFT, "--update", DRAFT)
    assert ran.code == 2 and "--update is given twice" in ran.err


def test_an_expected_file_the_released_parent_names_is_not_rewritten(tmp_path: Path) -> None:
    rulesets = draft_of(tmp_path)
    draft = rulesets / "jintai-hotline/2025.01.yaml"
    draft.write_text(
        draft.read_text(encoding="utf-8").replace("cases/2025.01/2024-02-published.csv", "cases/2024-02-published.csv"),
        encoding="utf-8",
    )
    parent = rulesets / "jintai-hotline/cases/2024-02-published.csv"
    before = parent.read_bytes()
    ran = run_cli("test", "--update", DRAFT, "--rulesets", rulesets)
    assert ran.code == 1
    assert (
        "jintai-hotline@2024.02's golden case '2024年2月区级各部门市民热线办理考评表 (as published)' expects" in ran.err
    )
    assert "copy it to cases/2025.01/" in ran.err
    assert parent.read_bytes() == before


def test_two_cases_sharing_a_file_that_disagree_write_nothing(tmp_path: Path) -> None:
    rulesets = draft_of(tmp_path)
    folder = rulesets / "jintai-hotline"
    seed = (folder / "cases/2024-02-input.csv").read_text(encoding="utf-8")
    (folder / "cases/other-input.csv").write_text(
        seed.replace("区卫生健康局,40,40,40", "区卫生健康局,40,40,39"), "utf-8"
    )
    draft = folder / "2025.01.yaml"
    text = draft.read_text(encoding="utf-8")
    text = text.replace(
        '    period: "2024-02"\n',
        '    period: "2024-02"\n  - name: another month\n    input: cases/other-input.csv\n'
        "    expect: cases/2025.01/2024-02-published.csv\n",
        1,
    )
    draft.write_text(text, encoding="utf-8")
    before = expected_file(rulesets).read_bytes()
    ran = run_cli("test", "--update", DRAFT, "--rulesets", rulesets)
    assert ran.code == 1
    assert "'another month' share this expected file but give different tables" in ran.err
    assert expected_file(rulesets).read_bytes() == before


def test_cases_counted_from_a_work_order_export_are_updated_too(tmp_path: Path) -> None:
    rulesets = draft_of(tmp_path, "jintai-orders")
    ran = run_cli("test", "--update", "jintai-orders@2025.01", "--rulesets", rulesets)
    assert ran.code == 0, ran.err
    # one expected file, named by both cases (the unit table and the export it is counted from): listed once
    assert ran.out.count("2024-02-published.csv (") == 1
    assert "counted from the raw work-order export" in ran.out
    rows = expected_file(rulesets, "jintai-orders").read_text(encoding="utf-8").splitlines()
    assert rows[1] == "1,区人力资源和社会保障局,30.00,44.87,5.00,10.00,5.00,5.00,99.87"  # as worked out above
    passed = run_cli("test", "jintai-orders@2025.01", "--rulesets", rulesets)
    assert passed.code == 0 and passed.out.endswith("2 passed, 0 failed\n"), passed.out


def test_the_listing_in_chinese(tmp_path: Path) -> None:
    rulesets = draft_of(tmp_path)
    ran = run_cli("--lang", "zh", "test", "--update", DRAFT, "--rulesets", rulesets)
    assert ran.code == 0, ran.err
    lines = ran.out.splitlines()
    assert lines[0] == f"{DRAFT}：核对用例现在算出的结果和预期表的对比"
    assert re.match(r"^\s+行\s+单位\s+department\s+completion\s+timeliness", lines[2]), lines[2]
    assert "39.88 → 44.87" in line_of(ran.out, "区人力资源和社会保障局")
    assert re.search(r"^\s+32 行有变化（共 \d+ 个值）$", ran.out, re.M), ran.out
    assert lines[-1] == f"已重写 1 份预期表（32 行有变化）；现在 `kaoping test {DRAFT}` 能通过了"
    again = run_cli("--lang", "zh", "test", "--update", DRAFT, "--rulesets", rulesets)
    assert "没有变化：和现在算出的结果一致" in again.out
    assert again.out.splitlines()[-1] == "不用重写：每份预期表都和结果一致，没有写任何文件"
    refused = run_cli("--lang", "zh", "test", "--update", "jintai-hotline@2024.02", "--rulesets", rulesets)
    assert refused.code == 1
    assert "jintai-hotline@2024.02 已发布" in refused.err
    assert "`kaoping new-version jintai-hotline 版本号`" in refused.err


def test_the_listing_in_english_header(tmp_path: Path) -> None:
    rulesets = draft_of(tmp_path)
    ran = run_cli("test", "--update", DRAFT, "--rulesets", rulesets)
    lines = ran.out.splitlines()
    assert lines[0] == f"{DRAFT}: what its golden cases now give, against their expected files"
    assert lines[1] == (f"  {expected_file(rulesets)} (2024年2月区级各部门市民热线办理考评表 (as published)):")
    assert re.match(r"^\s+row\s+unit\s+department\s+completion\s+timeliness", lines[2]), lines[2]


def test_an_expected_file_that_is_not_utf8_is_refused_not_overwritten(tmp_path: Path) -> None:
    rulesets = draft_of(tmp_path)
    expected_file(rulesets).write_bytes(b"rank,department\n\xff\xfe1,x\n")
    ran = run_cli("test", "--update", DRAFT, "--rulesets", rulesets)
    assert ran.code == 1
    assert "this expected file is not CSV text in UTF-8" in ran.err and "Traceback" not in ran.err
    assert expected_file(rulesets).read_bytes() == b"rank,department\n\xff\xfe1,x\n"


def test_a_file_written_by_f_csv_is_rewritten_in_the_comparisons_own_header(tmp_path: Path) -> None:
    """An expected file made with `evaluate -f csv` names the report's labels, none of them the comparison's ids:
    --update says each column is left out and writes the ids' header."""
    rulesets = draft_of(tmp_path)
    made = run_cli(
        "evaluate",
        "-r",
        DRAFT,
        "--rulesets",
        rulesets,
        rulesets / "jintai-hotline/cases/2024-02-input.csv",
        "-f",
        "csv",
        "-o",
        expected_file(rulesets),
    )
    assert made.code == 0, made.err
    ran = run_cli("test", "--update", DRAFT, "--rulesets", rulesets)
    assert ran.code == 0, ran.err
    assert "column '序号' left out: it is not rank, the entity key, an indicator or total" in ran.out
    rows = expected_file(rulesets).read_text(encoding="utf-8").splitlines()
    assert rows[0] == "rank,department,completion,timeliness,overdue_return,alert,workload,rework,total"
    assert rows[1] == "1,区人力资源和社会保障局,30.00,44.87,5.00,10.00,5.00,5.00,99.87"
    assert run_cli("test", DRAFT, "--rulesets", rulesets).code == 0
