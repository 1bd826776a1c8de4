"""The meaning checks, one module a ruleset section: problem codes, and an order that does not matter.

Every problem the meaning stage creates carries a code (`ruleset.*`,
`formula.*`, `orders.*`, `calendar.*`); the cases checked here are the invalid rulesets that pass the
YAML and schema stages, whose problems the meaning stage alone creates (the
others are refused earlier, by yamlsrc and schema, which give their own codes).
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from kaoping.errors import CODE, KaopingError, Problem
from kaoping.ruleset import entity, ids, inputs, meta, orders, ranking, report, scored, tables, totals
from kaoping.ruleset.context import Context
from kaoping.ruleset.defaults import with_defaults
from kaoping.ruleset.expr import FormulaError, compile_formula
from kaoping.ruleset.loader import build_model
from kaoping.ruleset.names import declared_names
from kaoping.ruleset.order import evaluation_order
from kaoping.ruleset.schema import check_format_version, check_schema
from kaoping.ruleset.yamlsrc import Source, read_yaml

ROOT = Path(__file__).resolve().parent.parent
INVALID = sorted((ROOT / "tests" / "cases" / "invalid").glob("*.yaml"))
VALID = sorted((ROOT / "rulesets").glob("*/*.yaml")) + sorted((ROOT / "tests" / "cases" / "constructs").glob("*.yaml"))


def _schema_valid(path: Path) -> Source | None:
    """The parsed file when it reaches the meaning stage, else None."""
    try:
        src = read_yaml(path, path.relative_to(ROOT).as_posix())
    except KaopingError:
        return None
    return None if check_format_version(src) or check_schema(src) else src


MEANING = [p for p in INVALID if _schema_valid(p) is not None]


def test_most_invalid_cases_reach_the_meaning_stage():
    assert len(MEANING) >= 60


@pytest.mark.parametrize("case", MEANING, ids=lambda p: p.stem)
def test_every_meaning_problem_has_a_code(case):
    src = _schema_valid(case)
    assert src is not None
    with pytest.raises(KaopingError) as refused:
        build_model(src, None, ())
    for problem in refused.value.problems:
        assert CODE.fullmatch(problem.code), f"{problem.message!r} has no code"
        assert problem.code.split(".")[0] in ("ruleset", "formula", "orders", "calendar"), problem.code


SECTIONS: tuple[Callable[[Context], object], ...] = (
    ids.check_ids,
    meta.check_effective,
    meta.check_place,
    meta.build_tests,
    inputs.build_inputs,
    entity.entity_key,
    entity.group_field,
    entity.totals_labels,
    scored.build_aggregates,
    scored.build_derived,
    scored.build_indicators,
    tables.build_lookups,
    tables.build_grades,
    totals.build_total,
    totals.build_groups,
    ranking.build_ranking,
    ranking.build_lists,
    ranking.build_flags,
    report.build_report,
    orders.build_orders,
)


def _problems_in_order(src: Source, order: list[Callable[[Context], object]]) -> list[Problem]:
    doc = with_defaults(src.data)
    ctx = Context(src, doc, declared_names(doc, src.data))
    for check in order:
        check(ctx)
    evaluation_order(ctx, scored.build_aggregates(ctx), scored.build_derived(ctx), scored.build_indicators(ctx))
    return sorted(ctx.problems, key=lambda p: (*p.sort_key(), p.hint, p.code))


@pytest.mark.parametrize("case", MEANING + VALID, ids=lambda p: p.stem)
def test_the_section_checks_find_the_same_problems_in_any_order(case):
    src = _schema_valid(case)
    assert src is not None
    forward = _problems_in_order(src, list(SECTIONS))
    shuffled = list(SECTIONS)
    random.Random(case.stem).shuffle(shuffled)
    assert _problems_in_order(src, list(reversed(SECTIONS))) == forward
    assert _problems_in_order(src, shuffled) == forward
    try:
        build_model(src, None, ())
        built: set[Problem] = set()
    except KaopingError as e:
        built = set(e.problems)
    assert set(forward) == built, "SECTIONS lists every check the loader runs"


def test_the_names_table_is_frozen():
    src = _schema_valid(ROOT / "rulesets" / "jintai-hotline" / "2024.02.yaml")
    assert src is not None
    names = declared_names(with_defaults(src.data), src.data)
    with pytest.raises(dataclasses.FrozenInstanceError):
        names.key = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        names.input_by_id["x"] = names.inputs[0]  # type: ignore[index]


@pytest.mark.parametrize(
    ("formula", "code"),
    [
        ("a +", "formula.syntax"),
        ("a.b", "formula.not-allowed"),
        ("a ** 2", "formula.not-allowed"),
        ("SUM(a, b)", "formula.unknown-function"),
        ("a.b(1)", "formula.not-callable"),
        ("ratio(a, b)", "formula.argument-count"),
        ("round(a, 0.5)", "formula.round-places"),
        ("100%", "formula.percent-sign"),
        ("a × b", "formula.typed-character"),
        ("a = 1", "formula.single-equals"),
        ("  ", "formula.empty"),
        ("'text'", "formula.not-a-number"),
        ("1e300", "formula.number-too-large"),
        ("(" * 31 + "a" + ")" * 31, "formula.too-deep"),
        ("a" * 1001, "formula.too-long"),
    ],
)
def test_a_refused_formula_says_which_kind_of_mistake(formula, code):
    with pytest.raises(FormulaError) as refused:
        compile_formula(formula)
    assert refused.value.code == code
    assert CODE.fullmatch(code)
