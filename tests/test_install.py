"""Installing cleanly: the wheel holds only the package kaoping; data is read through importlib.resources;
new-version and release write only where the user's rulesets live.

The wheel is built once (offline, from a copy of the project, so that no build/ folder appears in the
checkout) and unpacked into a folder that stands for site-packages; a subprocess runs the unpacked
kaoping from there (PYTHONPATH comes before the checkout's editable install).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from importlib.resources import files
from pathlib import Path

import pytest

from .conftest import ROOT, SEED_INPUT, run_cli

SOURCES = ("pyproject.toml", "README.md", "cli.py", "engine", "schemas", "rulesets")
FIRST = ("区人力资源和社会保障局", "99.88")  # the published table's first row


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, source / name)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        cwd=source,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (built,) = out.glob("kaoping-*.whl")
    return built


@pytest.fixture(scope="module")
def site(wheel, tmp_path_factory) -> Path:
    """The wheel unpacked as pip would install it, beside a stray schemas/ and rulesets/ of someone else's."""
    site = tmp_path_factory.mktemp("site-packages")
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    (site / "schemas").mkdir()
    (site / "schemas" / "ruleset.schema.json").write_text("{}", encoding="utf-8")
    (site / "rulesets" / "jintai-hotline").mkdir(parents=True)
    (site / "rulesets" / "jintai-hotline" / "2024.02.yaml").write_text("not kaoping's\n", encoding="utf-8")
    return site


def installed(
    site: Path, cwd: Path, *args: str | os.PathLike[str], lang: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`kaoping ARGS` run from `cwd` with the unpacked wheel as the only kaoping on the path (`lang`: its locale)."""
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("KAOPING_RULESETS", None)
    if lang is not None:
        for name in ("KAOPING_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
            env.pop(name, None)
        env.update(lang)
    return subprocess.run(
        [sys.executable, "-m", "kaoping.cli", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


def test_the_wheel_installs_only_the_package_kaoping(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        entry_points = next(z.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert {n.split("/")[0] for n in names} == {
        "kaoping",
        "kaoping-0.1.0.dist-info",
    }  # no cli, engine, schemas, rulesets
    for data in (
        "kaoping/cli.py",
        "kaoping/py.typed",
        "kaoping/schemas/ruleset.schema.json",
        "kaoping/rulesets/jintai-hotline/2024.02.yaml",
        "kaoping/rulesets/jintai-hotline/release.lock",
        "kaoping/rulesets/jintai-hotline/cases/2024-02-published.csv",
        "kaoping/locale/zh_CN/LC_MESSAGES/kaoping.mo",
    ):
        assert data in names
    assert "kaoping = kaoping.cli:main" in entry_points
    # every module of the source tree is in the wheel: a subpackage left out of pyproject's list
    # (engine/orders once was) imports in a checkout and fails only once installed
    source = {
        "kaoping/" + p.relative_to(ROOT / "engine").as_posix()
        for p in (ROOT / "engine").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert source - set(names) == set()


def test_the_schema_and_the_shipped_rulesets_come_from_the_package_through_importlib_resources():
    import kaoping.rulesets
    import kaoping.schemas
    from kaoping.ruleset.resolve import BUNDLED
    from kaoping.ruleset.schema import SCHEMA_PATH, ruleset_schema

    assert files("kaoping.schemas").joinpath("ruleset.schema.json") == SCHEMA_PATH
    assert Path(str(SCHEMA_PATH)).parent == Path(kaoping.schemas.__file__).parent
    assert Path(kaoping.rulesets.__file__).parent == BUNDLED
    assert ruleset_schema()["$schema"].startswith("https://json-schema.org/")


def test_an_installed_kaoping_ignores_a_stray_schema_and_rulesets_beside_it(site, tmp_path):
    code = (
        "import json, kaoping, kaoping.ruleset.schema as s, kaoping.ruleset.resolve as r; "
        "print(json.dumps([kaoping.__file__, str(s.SCHEMA_PATH), len(s.ruleset_schema()), str(r.BUNDLED)]))"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    module, schema, keys, bundled = json.loads(proc.stdout)
    assert Path(module).parent == site / "kaoping"
    assert Path(schema) == site / "kaoping" / "schemas" / "ruleset.schema.json" and keys > 1  # not the stray {}
    assert Path(bundled) == site / "kaoping" / "rulesets"
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        ROOT.joinpath("rulesets/jintai-hotline/2024.02.yaml")
        .read_text(encoding="utf-8")
        .replace("weight:", "wieght:", 1),
        encoding="utf-8",
    )
    assert installed(site, tmp_path, "validate", bad).returncode == 1  # the real schema refuses it
    # the Chinese catalog came in the wheel: a Chinese locale (no flag, no $KAOPING_LANG) speaks Chinese, C English
    zh = installed(site, tmp_path, "validate", bad, lang={"LANG": "zh_CN.UTF-8"})
    assert zh.returncode == 1 and zh.stderr.endswith("共 1 处错误\n"), zh.stderr
    en = installed(site, tmp_path, "validate", bad, lang={"LANG": "C"})
    assert en.returncode == 1 and en.stderr.endswith("\n1 error\n"), en.stderr


def test_an_installed_kaoping_evaluates_the_seed_and_starts_rulesets_from_an_empty_folder(site, tmp_path):
    shipped = sorted(p.relative_to(site) for p in (site / "kaoping").rglob("*") if p.is_file())
    run = installed(site, tmp_path, "evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "json")
    assert run.returncode == 0, run.stderr
    first = json.loads(run.stdout)["results"][0]
    assert (first["entity"], first["display"]["total"]) == FIRST

    made = installed(site, tmp_path, "new-version", "jintai-hotline", "2025.01")
    assert made.returncode == 0, made.stderr
    folder = tmp_path / "rulesets" / "jintai-hotline"
    assert (folder / "2024.02.yaml").read_bytes() == (
        site / "kaoping/rulesets/jintai-hotline/2024.02.yaml"
    ).read_bytes()
    assert {"2025.01.yaml", "2024.02.yaml", "release.lock"} <= {p.name for p in folder.iterdir()}
    for path in (
        "2024.02.yaml",
        "release.lock",
        "cases/2024-02-input.csv",
        "cases/2024-02-published.csv",
        "2025.01.yaml",
    ):
        assert f"rulesets/jintai-hotline/{path}:" in made.stdout  # every file it wrote is said
    listed = installed(site, tmp_path, "list")
    assert "jintai-hotline  2024.02  2024-02-01  released" in listed.stdout
    assert "jintai-hotline  2025.01  2025-01-01  draft" in listed.stdout
    assert installed(site, tmp_path, "test", "jintai-hotline@2025.01").returncode == 0  # its golden case came along
    assert (
        sorted(p.relative_to(site) for p in (site / "kaoping").rglob("*") if p.is_file()) == shipped
    )  # nothing written there


def test_an_installed_kaoping_never_writes_into_its_own_package(site, tmp_path):
    package = site / "kaoping" / "rulesets"
    lock = (package / "jintai-hotline" / "release.lock").read_bytes()
    released = installed(site, tmp_path, "release", "jintai-hotline@2024.02")
    assert released.returncode == 2 and "make a new version in ./rulesets" in released.stderr
    for command in (("release", "jintai-hotline@2024.02"), ("new-version", "jintai-hotline", "2025.02")):
        run = installed(site, tmp_path, *command, "--rulesets", package)
        assert run.returncode == 2 and "inside the installed kaoping package" in run.stderr, run.stderr
    assert not (package / "jintai-hotline" / "2025.02.yaml").exists()
    assert (package / "jintai-hotline" / "release.lock").read_bytes() == lock
    assert not (tmp_path / "rulesets").exists()


def test_from_an_empty_folder_evaluate_new_version_and_list(tmp_path, monkeypatch):
    """The same, in this process (the checkout's editable install): the shipped rulesets are never written to."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KAOPING_RULESETS", raising=False)
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "json")
    assert run.code == 0, run.err
    first = json.loads(run.out)["results"][0]
    assert (first["entity"], first["display"]["total"]) == FIRST
    assert run_cli("new-version", "jintai-hotline", "2025.01").code == 0
    folder = tmp_path / "rulesets" / "jintai-hotline"
    assert all((folder / name).is_file() for name in ("2025.01.yaml", "2024.02.yaml", "release.lock"))
    assert not (ROOT / "rulesets" / "jintai-hotline" / "2025.01.yaml").exists()
    listed = run_cli("list").out
    assert "2024.02  2024-02-01  released" in listed and "2025.01  2025-01-01  draft" in listed
    chosen = run_cli(
        "evaluate", "-r", "jintai-hotline", SEED_INPUT, "-f", "json"
    )  # a bare name: the released version, found here
    assert chosen.code == 0 and "using jintai-hotline@2024.02, the latest released" in chosen.err
