"""Shared test helpers: run the CLI in-process and capture what it prints."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from kaoping.cli import main

# The tests' expected messages are English unless a test asks for Chinese: whatever this machine's locale says
# (tests/test_i18n.py sets the language itself, and runs the CLI with --lang zh).
os.environ["KAOPING_LANG"] = "en"

ROOT = Path(__file__).resolve().parent.parent
SEED_RULESET = ROOT / "rulesets" / "jintai-hotline" / "2024.02.yaml"
SEED_INPUT = ROOT / "examples" / "jintai-hotline-2024-02.csv"
PUBLISHED = Path(__file__).resolve().parent / "fixtures" / "published-2024-02.csv"


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str | os.PathLike[str]) -> Run:
    """`kaoping ARGS...` in this process; its exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in args], stdout=out, stderr=err)
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture(autouse=True)
def _run_from_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths in messages read as they do for a user at the project root."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("KAOPING_RULESETS", raising=False)


def edited_copy(text: str, version: str = "0.0-test") -> str:
    """A shipped ruleset's text, edited by a test, under a version of its own.

    kaoping refuses a file that calls itself a released name@version but
    whose bytes differ (an edited copy of a released version), so a test that
    changes a copy must also give it another version, as a user must.
    """
    import re

    return re.sub(r"^version: .*$", f'version: "{version}"', text, count=1, flags=re.M)
