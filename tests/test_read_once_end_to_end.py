"""The real entry points read each ruleset file once per load: kaoping.load, and the CLI's -r.

tests/test_sources_reads.py proves the stages can share one reader; this
proves the API and the command line do share it.
"""

from __future__ import annotations

from pathlib import Path

import kaoping
import pytest

from .conftest import run_cli
from .test_sources_reads import NAME, Counted, make_rulesets


@pytest.fixture
def rulesets(tmp_path: Path) -> Path:
    return make_rulesets(tmp_path)


CASES = [
    pytest.param(NAME, None, id="bare-name"),
    pytest.param(f"{NAME}@2024.06", None, id="name@version"),
    pytest.param(NAME, "2024-07-15", id="as-of"),
]


@pytest.mark.parametrize(("ref", "as_of"), CASES)
def test_kaoping_load_reads_and_parses_each_ruleset_file_once(
    ref: str,
    as_of: str | None,
    rulesets: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counted = Counted(monkeypatch)
    kaoping.load(ref, as_of=as_of, rulesets=rulesets)
    assert counted.yaml() and set(counted.yaml().values()) == {1}, counted.yaml()
    assert set(counted.parsed.values()) == {1}, counted.parsed
    assert set(counted.locks().values()) <= {1}, counted.locks()


@pytest.mark.parametrize(("ref", "as_of"), CASES)
def test_the_command_line_reads_and_parses_each_ruleset_file_once(
    ref: str,
    as_of: str | None,
    rulesets: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counted = Counted(monkeypatch)
    args = ["validate", ref, "--rulesets", rulesets, *(["--as-of", as_of] if as_of else [])]
    run = run_cli(*args)
    assert run.code == 0, run.err
    assert counted.yaml() and set(counted.yaml().values()) == {1}, counted.yaml()
    assert set(counted.parsed.values()) == {1}, counted.parsed
