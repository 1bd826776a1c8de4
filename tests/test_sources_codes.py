"""Problem codes of the reading stages: yaml.* (yamlsrc), schema.*, version.*, find.*, whatif.* (and file.*).

Every problem these stages make carries a stable code (errors.CODE), so
scripts and tests can match on the kind of mistake, never on its wording.
The meaning stage (loader.build_model) is another's: in the golden invalid
cases it is replaced by a stub here, so every problem seen comes from the
reading, format and schema stages.
"""

from __future__ import annotations

import ast
import hashlib
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from kaoping.errors import CODE, KaopingError, Problem
from kaoping.ruleset import load as load_stage
from kaoping.ruleset.load import load_ruleset
from kaoping.ruleset.resolve import exact, file_ref, named
from kaoping.ruleset.schema import validator_code
from kaoping.ruleset.versions import (
    check_not_edited_copy,
    choose,
    in_effect,
    new_version,
    parse_date,
    read_lock,
    release,
)
from kaoping.ruleset.whatif import apply_overrides, parse_overrides
from kaoping.ruleset.yamlsrc import MAX_BYTES, parse_yaml, read_yaml

from .conftest import ROOT, SEED_RULESET

OURS = ("yaml", "schema", "version", "find", "whatif", "file")
OWN_FILES = [
    ROOT / "engine" / "ruleset" / f"{name}.py"
    for name in ("yamlsrc", "schema", "versions", "resolve", "whatif", "load")
]
INVALID = sorted((ROOT / "tests" / "cases" / "invalid").glob("*.yaml"))
NAME = "jintai-hotline"


class _Built(Exception):
    """The stub meaning stage was reached: the reading stages found nothing wrong."""


def problems_of(call, *args, **kwargs) -> list[Problem]:
    with pytest.raises(KaopingError) as refused:
        call(*args, **kwargs)
    return list(refused.value.problems)


def codes_of(call, *args, **kwargs) -> list[str]:
    return [p.code for p in problems_of(call, *args, **kwargs)]


def assert_coded(problems: list[Problem]) -> None:
    for p in problems:
        assert CODE.fullmatch(p.code), f"{p.file}:{p.line}: {p.message!r} has no code ({p.code!r})"
        assert p.code.split(".")[0] in OURS, p


@pytest.fixture
def rulesets(tmp_path: Path) -> Path:
    target = tmp_path / "rulesets"
    shutil.copytree(ROOT / "rulesets" / NAME, target / NAME)
    return target


def test_every_problem_call_in_these_files_passes_a_literal_code():
    """Statically: each Problem(...), fail(...), src.problem(...), problem_at(...) and _Refused(...) says code=."""
    makers = {"Problem", "fail", "problem", "problem_at", "_Refused"}
    missing = []
    for path in OWN_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in makers and not any(k.arg == "code" for k in node.keywords):
                missing.append(f"{path.name}:{node.lineno} {name}(...)")
    assert not missing


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.stem)
def test_every_reading_stage_problem_of_the_invalid_cases_has_a_code(monkeypatch, case):
    def stub(*args, **kwargs):
        raise _Built

    monkeypatch.setattr(load_stage, "build_model", stub)
    try:
        load_ruleset(case, str(case))
    except _Built:
        return  # nothing wrong before the meaning stage: its problems are coded by the meaning stage's owner
    except KaopingError as e:
        assert e.problems
        assert_coded(list(e.problems))
    else:
        pytest.fail("the stub meaning stage never ran and nothing was refused")


def test_the_invalid_cases_reach_the_reading_stages_codes_of_many_kinds(monkeypatch):
    monkeypatch.setattr(load_stage, "build_model", lambda *a, **k: (_ for _ in ()).throw(_Built()))
    seen = set()
    for case in INVALID:
        try:
            load_ruleset(case, str(case))
        except _Built:
            pass
        except KaopingError as e:
            seen |= {p.code for p in e.problems}
    assert {"yaml.duplicate-key", "schema.required", "schema.additional-properties", "schema.type"} <= seen, seen
    assert len(seen) >= 15, seen


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a: 1\na: 2\n", "yaml.duplicate-key"),
        ("a: &x 1\nb: *x\n", "yaml.anchor"),
        ("a: !!python/object 1\n", "yaml.tag"),
        ("a: !!binary aGk=\n", "yaml.tag"),
        ("<<: {a: 1}\n", "yaml.merge-key"),
        ("a: " + "[" * 50 + "]" * 50 + "\n", "yaml.too-deep"),
        ("a: [" + ", ".join("1" for _ in range(10_001)) + "]\n", "yaml.too-many-nodes"),
        ("", "yaml.empty"),
        ("a: 'x\n", "yaml.unclosed-quote"),
        ("a:\n\tb: 1\n", "yaml.tab-indent"),
        ("a：1\nb: 2\n", "yaml.wide-colon"),
        ("\u3000a: 1\n", "yaml.wide-indent"),
        ("a: .inf\n", "yaml.unusable-number"),
        ("a: 035\n", "yaml.number-leading-zero"),
        ("a: 0x1F\n", "yaml.number-base"),
        ("a: 1:30\n", "yaml.number-base-60"),
        ("a: 3_5\n", "yaml.number-underscore"),
        ('a: "\\x1b[31m"\n', "yaml.control-character"),
        ("a: \x07\n", "yaml.bad-character"),
        ("a: b: c\n", "yaml.unquoted-colon"),
        ("a: [1, 2\n", "yaml.syntax"),
    ],
)
def test_each_yaml_refusal_has_its_code(text, code):
    assert code in codes_of(parse_yaml, text, "t.yaml")


def test_a_file_that_cannot_be_a_ruleset_is_refused_with_a_code(tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.truncate(MAX_BYTES + 1)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"title: caf\xe9\n")
    assert codes_of(read_yaml, big, "big.yaml") == ["yaml.too-big"]
    assert codes_of(read_yaml, latin, "latin.yaml") == ["yaml.not-utf8"]
    assert codes_of(read_yaml, tmp_path, "folder.yaml") == ["file.not-regular"]
    assert codes_of(read_yaml, tmp_path / "gone.yaml", "gone.yaml") == ["file.unreadable"]


def test_every_json_schema_keyword_has_a_code():
    for keyword in Draft202012Validator.VALIDATORS:
        assert CODE.fullmatch(validator_code(keyword)), keyword
    assert validator_code("additionalProperties") == "schema.additional-properties"
    assert validator_code("$ref") == "schema.ref"
    assert validator_code("exclusiveMinimum") == "schema.exclusive-minimum"
    assert validator_code("") == "schema.invalid"


def seed_with(old: str, new: str) -> str:
    text = SEED_RULESET.read_text(encoding="utf-8").replace('version: "2024.02"', 'version: "0.0-test"')
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("schema: 1", "schema: 2", "schema.format-version"),
        ("schema: 1\n", "", "schema.format-missing"),
        ("title: ", "titel: ", "schema.misspelt-key"),
        ("title: ", "zzz_unknown: 1\ntitle: ", "schema.additional-properties"),
        ('version: "0.0-test"', "version: 2024.10", "schema.misread-number"),
        ("weight: 35", 'weight: "35"', "schema.quoted-number"),
        ("weight: 35", "weight: ３５", "schema.wide-digits"),
        ("weight: 35", "weight: -5", "schema.minimum"),
        ("weight: 35", "weight: [35]", "schema.type"),
    ],
)
def test_each_schema_problem_has_its_code(tmp_path, old, new, code):
    path = tmp_path / "r.yaml"
    path.write_text(seed_with(old, new), encoding="utf-8")
    problems = problems_of(load_ruleset, path)
    assert code in [p.code for p in problems], problems
    assert_coded(problems)


def test_a_document_that_is_not_a_mapping_is_coded(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("- 1\n", encoding="utf-8")
    assert codes_of(load_ruleset, path) == ["schema.not-a-mapping"]


@pytest.mark.parametrize(
    ("setting", "code"),
    [
        ("timelines.weight=45", "whatif.unknown-key"),
        ("rounding=2", "whatif.not-a-value"),
        ("name=x", "whatif.fixed-key"),
        ("version=x", "whatif.fixed-key"),
        ("report.columns.0.field=x", "whatif.position-from-1"),
        ("report.columns.99.field=x", "whatif.position-past-end"),
    ],
)
def test_each_set_problem_has_its_code(setting, code):
    problems = problems_of(load_ruleset, SEED_RULESET, overrides=parse_overrides([setting]))
    assert [p.code for p in problems] == [code], problems
    assert problems[0].file == "--set"


@pytest.mark.parametrize(
    ("setting", "code"),
    [("report.columns.1=x", "whatif.empty-list"), ("groups.1.max=3", "whatif.ambiguous-key")],
)
def test_a_set_problem_in_a_list_that_is_empty_or_ambiguous_is_coded(setting, code):
    src = parse_yaml('report:\n  columns: []\ngroups:\n  - {value: "2", max: 1}\n  - {value: "1", max: 2}\n', "t.yaml")
    assert codes_of(apply_overrides, src, parse_overrides([setting])) == [code]


def test_each_finding_problem_has_its_code(rulesets, tmp_path):
    versions = named(rulesets, NAME, NAME)
    assert codes_of(named, rulesets, "jintai-hotlin", "jintai-hotlin") == ["find.no-such-ruleset"]
    assert codes_of(exact, versions, "2024.2", "x") == ["find.version-written-differently"]
    assert codes_of(exact, versions, "1999.01", "x") == ["find.no-such-version"]
    assert codes_of(file_ref, str(tmp_path / "nothing.yaml")) == ["find.no-such-file"]
    assert codes_of(file_ref, "x" * 300 + ".yaml") == ["find.cannot-open"]
    assert codes_of(choose, "nothing-here", rulesets) == ["find.no-such-ruleset"]


def test_each_version_problem_has_its_code(rulesets):
    folder = rulesets / NAME
    seed = folder / "2024.02.yaml"
    versions = named(rulesets, NAME, NAME)
    assert codes_of(in_effect, versions, "2020-01-01") == ["version.none-in-effect"]
    assert codes_of(parse_date, "2024-02-30", "--as-of") == ["version.not-a-date"]
    assert codes_of(new_version, rulesets, NAME, "bad version!", None, None) == ["version.invalid"]
    assert codes_of(new_version, rulesets, NAME, "2024.02", None, None) == ["version.exists"]
    assert codes_of(new_version, rulesets, NAME, "2024.2", None, None) == ["version.same-number"]
    assert codes_of(new_version, rulesets, NAME, "2025.01", None, "1999.01") == ["find.no-such-version"]
    assert codes_of(new_version, rulesets, "nothing-here", "2025.01", None, None) == ["find.no-such-ruleset"]
    assert codes_of(release, versions[0]) == ["version.already-released"]
    copy = rulesets.parent / "elsewhere" / "2024.02.yaml"
    copy.parent.mkdir()
    copy.write_bytes(seed.read_bytes().replace(b"weight: 35", b"weight: 36", 1))
    assert codes_of(check_not_edited_copy, copy, str(copy), NAME, "2024.02", (rulesets,)) == ["version.edited-copy"]
    seed.write_bytes(copy.read_bytes())
    assert codes_of(load_ruleset, seed) == ["version.released-changed"]
    (folder / "release.lock").write_text("2024.02 not-a-sha 2024-01-01\n", encoding="utf-8")
    assert codes_of(read_lock, folder) == ["version.lock-malformed"]


def test_two_releases_taking_effect_the_same_day_are_coded(rulesets):
    folder = rulesets / NAME
    text = (folder / "2024.02.yaml").read_text(encoding="utf-8").replace('version: "2024.02"', 'version: "2024.03"')
    (folder / "2024.03.yaml").write_text(text, encoding="utf-8")
    digest = hashlib.sha256((folder / "2024.03.yaml").read_bytes()).hexdigest()
    with (folder / "release.lock").open("a", encoding="utf-8") as lock:
        lock.write(f"2024.03 {digest} 2026-11-27\n")
    versions = named(rulesets, NAME, NAME)
    assert codes_of(in_effect, versions, "2024-05-01") == ["version.same-effective-date"]
    draft = rulesets / NAME / "2024.3.yaml"
    draft.write_text(text.replace('version: "2024.03"', 'version: "2024.3"'), encoding="utf-8")
    found = next(f for f in named(rulesets, NAME, NAME) if f.version == "2024.3")
    assert codes_of(release, found) == ["version.same-number"]
