"""Versions: drafts and releases, the release lock, --as-of, new-version."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import ROOT, SEED_INPUT, SEED_RULESET, run_cli


@pytest.fixture
def rulesets(tmp_path: Path) -> Path:
    """A copy of the shipped rulesets folder, lock file and golden cases included."""
    target = tmp_path / "rulesets"
    shutil.copytree(ROOT / "rulesets", target)
    return target


def test_the_seed_version_is_released_and_listed_as_such():
    run = run_cli("list")
    line = next(line for line in run.out.splitlines() if line.startswith("jintai-hotline"))
    assert line.split()[:4] == ["jintai-hotline", "2024.02", "2024-02-01", "released"]


def test_a_released_file_changed_by_one_byte_is_refused_by_validate_and_evaluate(rulesets):
    path = rulesets / "jintai-hotline" / "2024.02.yaml"
    path.write_bytes(
        path.read_bytes().replace(b"weight: 35", b"weight: 36", 1).replace(b"weight: 40", b"weight: 39", 1)
    )
    for args in (
        ("validate", path),
        ("evaluate", "-r", path, SEED_INPUT),
        ("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "--rulesets", rulesets),
    ):
        run = run_cli(*args)
        assert run.code == 1, args
        assert "jintai-hotline@2024.02 was released on" in run.err and "its file has changed since" in run.err
        assert "kaoping new-version jintai-hotline <new version>" in run.err
        assert run.out == ""


def test_new_version_then_edit_then_release(rulesets):
    run = run_cli("new-version", "jintai-hotline", "2025.01", "--rulesets", rulesets)
    assert run.code == 0, run.err
    draft = rulesets / "jintai-hotline" / "2025.01.yaml"
    text = draft.read_text(encoding="utf-8")
    assert 'version: "2025.01"' in text and 'effective: "2025-01-01"' in text
    assert text.splitlines()[0].startswith("# yaml-language-server")  # comments survive the copy
    # the draft has its own copy of the golden case's expected table, so editing it leaves the parent's alone
    assert "expect: cases/2025.01/2024-02-published.csv" in text
    parent = rulesets / "jintai-hotline" / "cases" / "2024-02-published.csv"
    assert (
        rulesets / "jintai-hotline" / "cases" / "2025.01" / "2024-02-published.csv"
    ).read_bytes() == parent.read_bytes()
    listed = run_cli("list", "--rulesets", rulesets).out
    assert any(line.split()[:4] == ["jintai-hotline", "2025.01", "2025-01-01", "draft"] for line in listed.splitlines())

    draft.write_text(text.replace("title: 金台区", "title: 2025年起金台区"), encoding="utf-8")  # a draft may be edited
    assert run_cli("validate", draft).code == 0
    released = run_cli("release", "jintai-hotline@2025.01", "--rulesets", rulesets)
    assert released.code == 0, released.err
    assert f"recorded in {rulesets / 'jintai-hotline' / 'release.lock'};" in released.out  # says where it wrote
    lock = (rulesets / "jintai-hotline" / "release.lock").read_text(encoding="utf-8")
    assert [line.split()[0] for line in lock.splitlines() if not line.startswith("#")] == ["2024.02", "2025.01"]
    # the bare name now means the new release
    assert "jintai-hotline@2025.01" in run_cli("validate", "jintai-hotline", "--rulesets", rulesets).out
    again = run_cli("release", "jintai-hotline@2025.01", "--rulesets", rulesets)
    assert again.code == 1 and "is released already" in again.err


def test_new_version_refuses_an_existing_version(rulesets):
    run = run_cli("new-version", "jintai-hotline", "2024.02", "--rulesets", rulesets)
    assert run.code == 1 and "that version exists already" in run.err


def test_release_refuses_a_version_whose_golden_case_fails(rulesets):
    run_cli("new-version", "jintai-hotline", "2025.01", "--rulesets", rulesets)
    draft = rulesets / "jintai-hotline" / "2025.01.yaml"
    draft.write_text(
        draft.read_text(encoding="utf-8").replace("weight: 40", "weight: 39").replace("weight: 35", "weight: 36"),
        encoding="utf-8",
    )
    run = run_cli("release", "jintai-hotline@2025.01", "--rulesets", rulesets)
    assert run.code == 1 and "1 of its golden cases fail" in run.err
    assert "2025.01" not in (rulesets / "jintai-hotline" / "release.lock").read_text(encoding="utf-8")


def three_versions(tmp_path: Path) -> Path:
    """Released versions taking effect 2023-01-01, 2024-02-01 and 2025-07-01, and a later draft."""
    folder = tmp_path / "rs" / "jintai-hotline"
    folder.mkdir(parents=True)
    base = SEED_RULESET.read_text(encoding="utf-8").split("\ntests:")[0] + "\n"
    for version, effective in (
        ("2023.01", "2023-01-01"),
        ("2024.02", "2024-02-01"),
        ("2025.07", "2025-07-01"),
        ("2026.01", "2026-01-01"),
    ):
        text = base.replace('version: "2024.02"', f'version: "{version}"').replace(
            'effective: "2024-02-01"', f'effective: "{effective}"'
        )
        (folder / f"{version}.yaml").write_text(text, encoding="utf-8")
        if version != "2026.01":
            assert run_cli("release", f"jintai-hotline@{version}", "--rulesets", folder.parent).code == 0
    return folder.parent


@pytest.mark.parametrize(
    ("day", "version"),
    [
        ("2023-06-30", "2023.01"),
        ("2024-02-01", "2024.02"),
        ("2025-06-30", "2024.02"),
        ("2025-07-01", "2025.07"),
        ("2026-05-01", "2025.07"),
    ],
)
def test_as_of_picks_the_released_version_in_effect_that_day(tmp_path, day, version):
    root = three_versions(tmp_path)
    run = run_cli("validate", "jintai-hotline", "--as-of", day, "--rulesets", root)
    assert run.code == 0, run.err
    assert f"(jintai-hotline@{version}," in run.out
    assert f"note: using jintai-hotline@{version}, in effect on {day} (--as-of {day})" in run.err


def test_as_of_says_so_when_no_version_was_in_effect(tmp_path):
    root = three_versions(tmp_path)
    run = run_cli("evaluate", "-r", "jintai-hotline", SEED_INPUT, "--as-of", "2022-12-31", "--rulesets", root)
    assert run.code == 1
    assert "no released version of jintai-hotline was in effect on 2022-12-31" in run.err
    assert "2023.01 from 2023-01-01" in run.err


def test_a_bare_name_skips_drafts(tmp_path):
    root = three_versions(tmp_path)
    assert "jintai-hotline@2025.07" in run_cli("validate", "jintai-hotline", "--rulesets", root).out


def test_a_bad_as_of_date_is_a_command_line_error(tmp_path):
    run = run_cli("validate", "jintai-hotline", "--as-of", "2024-02-30")
    assert run.code == 2 and "'2024-02-30' is not a date" in run.err


def test_provenance_is_in_every_output(tmp_path):
    import json

    document = json.loads(run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "json").out)
    assert document["kaoping"] and len(document["ruleset"]["sha256"]) == 64 and len(document["input"]["sha256"]) == 64
    table = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT).out
    footer = table.rstrip().splitlines()[-1]
    assert footer.startswith("jintai-hotline@2024.02 (sha256 ") and "kaoping " in footer
    out = tmp_path / "t.csv"
    assert run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "csv", "-o", out).code == 0
    meta = json.loads(Path(f"{out}.meta.json").read_text(encoding="utf-8"))
    assert (
        meta["ruleset"]["sha256"] == document["ruleset"]["sha256"]
        and meta["input"]["sha256"] == document["input"]["sha256"]
    )


def test_period_picks_the_version_in_effect_that_month(tmp_path):
    root = three_versions(tmp_path)
    run = run_cli(
        "evaluate", "-r", "jintai-hotline", SEED_INPUT, "--period", "2024-02", "-f", "json", "--rulesets", root
    )
    assert run.code == 0, run.err
    assert "note: using jintai-hotline@2024.02, in effect on 2024-02-01 (--period 2024-02)" in run.err


def test_a_newer_draft_is_mentioned_when_a_bare_name_skips_it(tmp_path):
    root = three_versions(tmp_path)
    run = run_cli("validate", "jintai-hotline", "--rulesets", root)
    assert (
        "note: using jintai-hotline@2025.07, the latest released; not the draft 2026.01 (name it as jintai-hotline@2026.01)"
        in run.err
    )


def test_a_version_file_must_say_its_own_version(rulesets):
    copy = rulesets / "jintai-hotline" / "2024.04.yaml"
    copy.write_bytes((rulesets / "jintai-hotline" / "2024.02.yaml").read_bytes())
    run = run_cli("validate", "jintai-hotline@2024.04", "--rulesets", rulesets)
    assert run.code == 1
    assert f"{copy}:4:10: this file says version '2024.02', but its file name says '2024.04'" in run.err
    listed = run_cli("list", "--rulesets", rulesets).out
    assert "INVALID (1 error)" in next(line for line in listed.splitlines() if "2024.04" in line)


@pytest.mark.parametrize(("existing", "asked"), [("2024.02", "2024.2"), ("2025.1", "2025.01")])
def test_new_version_refuses_a_number_an_existing_version_has_written_differently(rulesets, existing, asked):
    if existing != "2024.02":
        assert (
            run_cli("new-version", "jintai-hotline", existing, "--effective", "2025-01-01", "--rulesets", rulesets).code
            == 0
        )
    run = run_cli("new-version", "jintai-hotline", asked, "--rulesets", rulesets)
    assert (run.code, run.out) == (1, "")
    assert run.err.startswith(
        f"jintai-hotline@{asked}: '{asked}' is the same version number as the existing jintai-hotline@{existing} ("
    )
    assert not (rulesets / "jintai-hotline" / f"{asked}.yaml").exists()


def test_release_refuses_a_draft_numbered_like_a_released_version(rulesets):
    """A draft made by hand, beside 2024.02, as 2024.2: releasing it would give one number two released files."""
    folder = rulesets / "jintai-hotline"
    text = (folder / "2024.02.yaml").read_text(encoding="utf-8").replace('version: "2024.02"', 'version: "2024.2"')
    (folder / "2024.2.yaml").write_text(text, encoding="utf-8")
    run = run_cli("release", "jintai-hotline@2024.2", "--rulesets", rulesets)
    assert run.code == 1
    assert "jintai-hotline@2024.02 is released already, and 2024.2 is the same version number" in run.err
    assert "2024.2 " not in (folder / "release.lock").read_text(encoding="utf-8")


def test_naming_a_version_written_differently_says_how_it_is_written(rulesets):
    run = run_cli("validate", "jintai-hotline@2024.2", "--rulesets", rulesets)
    assert run.code == 1
    assert run.err.splitlines()[:2] == [
        "jintai-hotline@2024.2: ruleset 'jintai-hotline' has no version '2024.2', but has 2024.02, the same number written differently",
        "    hint: name it as written: jintai-hotline@2024.02",
    ]


def test_two_released_versions_taking_effect_the_same_day_are_refused_as_ambiguous(tmp_path):
    root = three_versions(tmp_path)
    folder = root / "jintai-hotline"
    text = (folder / "2024.02.yaml").read_text(encoding="utf-8").replace('version: "2024.02"', 'version: "2024.03"')
    (folder / "2024.03.yaml").write_text(text, encoding="utf-8")  # effective 2024-02-01, like 2024.02
    assert run_cli("release", "jintai-hotline@2024.03", "--rulesets", root).code == 0
    run = run_cli("evaluate", "-r", "jintai-hotline", "--period", "2024-05", SEED_INPUT, "--rulesets", root)
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines()[:2] == [
        "jintai-hotline --period 2024-05: jintai-hotline@2024.02 and jintai-hotline@2024.03 are both released and both take effect "
        "on 2024-02-01, so kaoping cannot tell which was in effect on 2024-05-01",
        "    hint: name the version you mean, e.g. -r jintai-hotline@2024.03; a release with the wrong date needs a new version with the right one",
    ]
    # a day after the later release, nothing is ambiguous
    run = run_cli("validate", "jintai-hotline", "--as-of", "2025-07-02", "--rulesets", root)
    assert run.code == 0 and "(jintai-hotline@2025.07," in run.out


def test_new_version_into_a_rulesets_folder_without_the_ruleset_says_it_started_it_from_the_shipped_one(tmp_path):
    rulesets = tmp_path / "rulesets"
    (rulesets / "another-office").mkdir(parents=True)
    run = run_cli("new-version", "jintai-hotline", "2025.01", "--rulesets", rulesets)
    assert run.code == 0, run.err
    first = run.out.splitlines()[0]
    assert first.startswith(f"{rulesets}/ had no jintai-hotline: started {rulesets}/jintai-hotline/ from the rulesets")
    assert "no --rulesets" not in run.out  # the folder was given: the other sentence would mislead
    shipped = (SEED_RULESET).read_bytes()
    assert (rulesets / "jintai-hotline" / "2024.02.yaml").read_bytes() == shipped
    assert (rulesets / "jintai-hotline" / "2025.01.yaml").is_file()
    assert run_cli("validate", "jintai-hotline@2025.01", "--rulesets", rulesets).code == 0
