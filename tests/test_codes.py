"""Problem codes: pinned for every golden case, well formed, and documented.

- tests/cases/invalid/<name>.codes and tests/cases/bad-data/<name>.codes list,
  one a line and in the order reported, the codes of the case's problems.  A
  message may be reworded or translated; these must not change.
- Every code the package can give is in the README's "Problem codes" list, and
  the list names no code the package has dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

import kaoping
import pytest
from kaoping.errors import CODE

from .conftest import ROOT

CASES = ROOT / "tests" / "cases"
SEED = "jintai-hotline@2024.02"
AREAS = "yaml|schema|ruleset|formula|orders|calendar|export|engine|version|find|whatif|file|csv|xlsx|data|score|combine|explain|diff|pdf|cli"
LITERAL = re.compile(rf"\"((?:{AREAS})\.[a-z0-9]+(?:-[a-z0-9]+)*)\"")
# Quoted strings in the package that look like codes but are JSON keys of the outputs' `ruleset` object.
NOT_CODES = {"ruleset.chosen", "ruleset.name", "ruleset.path", "ruleset.sha256", "ruleset.version"}


def pinned(case: Path) -> list[str]:
    return case.with_suffix(".codes").read_text(encoding="utf-8").split()


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # case paths as a user at the project's root types them, as the .txt goldens were made


@pytest.mark.parametrize("case", sorted((CASES / "invalid").glob("*.yaml")), ids=lambda p: p.stem)
def test_an_invalid_ruleset_gives_exactly_its_pinned_codes(case: Path) -> None:
    with pytest.raises(kaoping.KaopingError) as refused:
        kaoping.load(relative(case))
    assert list(refused.value.codes) == pinned(case)


@pytest.mark.parametrize("case", sorted((CASES / "bad-data").glob("*.csv")), ids=lambda p: p.stem)
def test_bad_data_gives_exactly_its_pinned_codes(case: Path) -> None:
    own = case.with_suffix(".yaml")
    ruleset = kaoping.load(relative(own) if own.exists() else SEED)
    with pytest.raises(kaoping.KaopingError) as refused:
        kaoping.evaluate(ruleset, relative(case))
    assert list(refused.value.codes) == pinned(case)


def test_every_case_has_its_codes_and_every_codes_file_its_case() -> None:
    for case in [*(CASES / "invalid").glob("*.yaml"), *(CASES / "bad-data").glob("*.csv")]:
        assert case.with_suffix(".codes").is_file(), f"{relative(case)} has no .codes beside it"
    for codes in [*(CASES / "invalid").glob("*.codes"), *(CASES / "bad-data").glob("*.codes")]:
        assert codes.with_suffix(".yaml").exists() or codes.with_suffix(".csv").exists(), relative(codes)
        assert all(CODE.fullmatch(c) for c in pinned(codes)), relative(codes)


def package_codes() -> set[str]:
    found: set[str] = set()
    for source in (ROOT / "engine").rglob("*.py"):
        found |= set(LITERAL.findall(source.read_text(encoding="utf-8")))
    return found - NOT_CODES


def documented_codes() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Problem codes\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9.-]+)` \|", section, re.M))


def test_every_code_the_package_gives_is_documented_and_the_list_has_no_stale_code() -> None:
    used, documented = package_codes(), documented_codes()
    assert len(used) > 200  # the scan finds the codes (a broken pattern would find none and pass)
    schema_keywords = {c for c in used if c.startswith("schema.") and c not in documented}
    assert schema_keywords <= {"schema.additional-properties"}  # the schema.<keyword> family is described in prose
    assert used - documented - schema_keywords == set()
    assert documented - used == set()
    assert all(CODE.fullmatch(c) for c in documented)


def test_the_pinned_codes_are_codes_the_package_gives() -> None:
    every = {c for f in CASES.glob("*/*.codes") for c in pinned(f)}
    keyword_family = {c for c in every if c.startswith("schema.")} - package_codes()
    assert keyword_family <= {"schema.required", "schema.type", "schema.enum", "schema.minimum", "schema.pattern"}
    assert every - keyword_family <= package_codes()
