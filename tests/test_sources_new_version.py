"""new-version where ./rulesets exists but has no such ruleset: it starts ./rulesets/NAME/ from the shipped one."""

from __future__ import annotations

from pathlib import Path

from .conftest import ROOT, run_cli

NAME = "jintai-hotline"
SHIPPED = ROOT / "rulesets" / NAME


def test_new_version_in_a_rulesets_folder_without_the_ruleset_copies_the_shipped_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rulesets" / "other").mkdir(parents=True)  # the user's own folder, holding something else
    run = run_cli("new-version", NAME, "2025.01")
    assert run.code == 0, run.err
    folder = Path("rulesets") / NAME
    assert (folder / "2024.02.yaml").read_bytes() == (SHIPPED / "2024.02.yaml").read_bytes()
    assert (folder / "release.lock").read_text(encoding="utf-8").splitlines()[-1].startswith("2024.02 ")
    assert (folder / "cases" / "2024-02-input.csv").is_file()
    assert f"created {folder / '2025.01.yaml'}: a draft copied from {NAME}@2024.02" in run.out
    assert not (SHIPPED / "2025.01.yaml").exists()
    listed = run_cli("list").out
    assert "2024.02  2024-02-01  released" in listed and "2025.01  2025-01-01  draft" in listed
    chosen = run_cli("validate", NAME)
    assert chosen.code == 0 and f"using {NAME}@2024.02, the latest released" in chosen.err


def test_new_version_in_an_empty_rulesets_folder_copies_the_shipped_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rulesets").mkdir()
    assert run_cli("new-version", NAME, "2025.01").code == 0
    assert (tmp_path / "rulesets" / NAME / "2025.01.yaml").is_file()


def test_a_name_neither_there_nor_shipped_is_still_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rulesets").mkdir()
    run = run_cli("new-version", "no-such-ruleset", "2025.01")
    assert run.code == 1 and "no ruleset named 'no-such-ruleset' under rulesets/" in run.err
    assert list((tmp_path / "rulesets").iterdir()) == []


def test_a_folder_for_the_name_with_no_versions_is_not_overwritten(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lock = tmp_path / "rulesets" / NAME / "release.lock"
    lock.parent.mkdir(parents=True)
    lock.write_text("# the user's own lock\n", encoding="utf-8")
    run = run_cli("new-version", NAME, "2025.01")
    assert run.code == 1 and f"no ruleset named '{NAME}' under rulesets/" in run.err
    assert lock.read_text(encoding="utf-8") == "# the user's own lock\n"
