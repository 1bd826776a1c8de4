"""The columnar compiler against the reference evaluator, unit by unit: the same bits, the same type.

The reference is what scoring does for one unit: `Evaluator.evaluate` (simpleeval),
then `finite()`; an ArithmeticError there is a failure.  The compiled formula runs on
all units at once and must give, for every unit, either

- the reference's value: the same float64 bits and the same type (int or float), or
- NeedsReference(FAILS) listing it, where the reference fails for it, or
- NeedsReference(INEXACT) listing it, where the reference fails or met an integer at or
  past 2**53 (seen by a second, watching run of simpleeval, not by the code under test).

`agree` checks all three: after a NeedsReference it runs the compiled formula again on
the units not listed, until every unit is accounted for.

Formulas come from every shipped and test ruleset (on their own example inputs and on
made-up values) and from a grammar over the whole allowlist; values include ties, zeros,
-0.0, 1e300, 1e-300, integers near 2**53 and rounding edges (0.125, 2.675, 1.005, 35*107/1400).
"""

from __future__ import annotations

import contextlib
import math
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import kaoping
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kaoping.columns.compile import (
    FAILS,
    INEXACT,
    UNSUPPORTED,
    Column,
    NeedsReference,
    column_of,
    compile_columns,
    to_python,
)
from kaoping.data.table import read_table
from kaoping.errors import KaopingError
from kaoping.evaluate.scoring import finite, score
from kaoping.ruleset.expr import HELPERS, OPERATORS, Evaluator, Formula, compile_formula
from kaoping.ruleset.model import Band, Lookup, Ruleset
from simpleeval import SimpleEval

from .conftest import ROOT

Number = int | float
Outcome = Number | ArithmeticError
Lookups = Mapping[str, Lookup]

BIG = 2**53

DIFFERENTIAL = settings(
    deadline=None,
    derandomize=True,  # the same examples on every run: CI is reproducible
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- the reference, and the check ----------------------------------------------------------------


def reference(
    formula: Formula, lookups: Lookups, env: Mapping[str, Number], evaluator: Evaluator | None = None
) -> Outcome:
    """What scoring's evaluate_all gets for one unit: the value, or the error it reports."""
    try:
        return finite((evaluator or Evaluator(dict(lookups))).evaluate(formula, env))
    except ArithmeticError as e:
        return e


class _Watched(dict[str, Number]):
    """A unit's names, noting every integer read at or past 2**53 in magnitude."""

    def __init__(self, env: Mapping[str, Number], seen: list[int]) -> None:
        super().__init__(env)
        self.seen = seen

    def __getitem__(self, key: str) -> Number:
        value = super().__getitem__(key)
        if isinstance(value, int) and abs(value) >= BIG:
            self.seen.append(value)
        return value


def meets_big_int(formula: Formula, lookups: Lookups, env: Mapping[str, Number]) -> bool:
    """Whether simpleeval, evaluating as the reference does, reads or makes an int at or past 2**53."""
    seen: list[int] = []

    def watch(operator: Callable[..., Any]) -> Callable[..., Any]:
        def watched(*args: Any) -> Any:
            result = operator(*args)
            if isinstance(result, int) and abs(result) >= BIG:
                seen.append(result)
            return result

        return watched

    functions: dict[str, Any] = {name: helper.function for name, helper in HELPERS.items()}
    functions.update(lookups)
    evaluator = SimpleEval({k: watch(f) for k, f in OPERATORS.items()}, functions, _Watched(env, seen))
    with contextlib.suppress(ArithmeticError):  # a failing unit: what it met before failing is what counts
        evaluator.eval(formula.text, previously_parsed=formula.tree)
    return bool(seen)


def column(values: Sequence[Number]) -> Column:
    """The column the reference's values make: floats, and where they are ints."""
    return Column(
        np.array([float(v) for v in values], dtype=np.float64),
        np.array([isinstance(v, int) for v in values], dtype=np.bool_),
    )


def bits(value: float) -> bytes:
    return struct.pack("<d", value)


@dataclass(frozen=True)
class Case:
    formula: Formula
    lookups: Lookups
    columns: Mapping[str, Sequence[Number]]  # a value per unit
    scalars: Mapping[str, Number]  # one value for all units
    n: int

    def env(self, unit: int) -> dict[str, Number]:
        return {**self.scalars, **{name: values[unit] for name, values in self.columns.items()}}


def agree(case: Case) -> None:
    """Every unit: the reference's bits and type, or a NeedsReference the reference bears out."""
    evaluator = Evaluator(dict(case.lookups))
    outcomes = [reference(case.formula, case.lookups, case.env(i), evaluator) for i in range(case.n)]
    compiled = compile_columns(case.formula, case.lookups)
    units = list(range(case.n))
    while units:
        env: dict[str, Column | Number] = dict(case.scalars)
        env.update({name: column([values[i] for i in units]) for name, values in case.columns.items()})
        try:
            got = compiled(env, len(units))
        except NeedsReference as e:
            listed = [units[k] for k in e.units]
            _bears_out(case, outcomes, units, listed, e)
            units = [i for i in units if i not in listed]
            continue
        _same(case, outcomes, units, got)
        return


def _bears_out(case: Case, outcomes: Sequence[Outcome], units: list[int], listed: list[int], e: NeedsReference) -> None:
    where = f"`{case.formula.text}`"
    assert listed, f"{where}: NeedsReference names no unit"
    failing = [i for i in units if isinstance(outcomes[i], ArithmeticError)]
    if e.reason == FAILS:
        wrong = [case.env(i) for i in listed if i not in failing]
        assert not wrong, f"{where}: said to fail where the reference gives {[outcomes[i] for i in listed]} on {wrong}"
        return
    assert e.reason == INEXACT, f"{where}: {e.reason}"
    assert set(failing) <= set(listed), f"{where}: INEXACT, but the reference fails for {failing}, not all listed"
    for i in listed:
        if i not in failing:
            assert meets_big_int(case.formula, case.lookups, case.env(i)), f"{where}: INEXACT on {case.env(i)}"


def _same(case: Case, outcomes: Sequence[Outcome], units: list[int], got: Column) -> None:
    python = to_python(got)
    for k, i in enumerate(units):
        want = outcomes[i]
        where = f"`{case.formula.text}` on {case.env(i)}"
        assert not isinstance(want, ArithmeticError), f"{where}: the reference raises {want!r}, compiled gave a value"
        assert type(python[k]) is type(want), f"{where}: {python[k]!r}, the reference {want!r}"
        assert bool(got.whole[k]) == isinstance(want, int)
        assert bits(float(got.values[k])) == bits(float(want)), f"{where}: {got.values[k]!r}, the reference {want!r}"
        assert python[k] == want


# --- values --------------------------------------------------------------------------------------

ROUNDING_EDGES = (0.125, 2.675, 1.005, 35 * 107 / 1400, 0.5, 1.5, 2.5, -2.5, 0.045, 4.35, 1e15 + 0.3, 0.285)
EDGES: tuple[Number, ...] = (
    *ROUNDING_EDGES,
    0,
    0.0,
    -0.0,
    1,
    1.0,
    -1,
    2,
    3,
    0.1,
    1e300,
    -1e300,
    1e-300,
    -1e-300,
    5e-324,
    1.7976931348623157e308,
    BIG - 1,
    BIG,
    BIG + 1,
    -BIG,
    float(BIG),
    2**27,
    94906265,  # its square is just below 2**53
    94906266,  # and this one's just past it
    10**15,
    math.inf,
    -math.inf,
    math.nan,
)
SMALL = st.sampled_from((0, 0.0, -0.0, 1, 1.0, 2, -1, 0.5, 2.675, 0.125))  # ties between columns, often
VALUES = st.one_of(
    SMALL,
    st.sampled_from(EDGES),
    st.integers(-1000, 1000),
    st.integers(-(2**62), 2**62),
    st.floats(width=64),
    st.floats(-1e6, 1e6, allow_nan=False),
)


# --- the grammar ---------------------------------------------------------------------------------

COLUMN_NAMES = ("a", "b", "c", "d")
GRAMMAR_LOOKUPS: Lookups = {
    "pts": Lookup("pts", "points", (Band(None, 0, 0), Band(0, 0.5, 1), Band(0.5, 2.675, 2.5), Band(2.675, None, 5))),
    # an int bound no float holds: each unit calls the table
    "far": Lookup("far", "far", (Band(None, BIG + 1, 1), Band(BIG + 1, None, 2))),
    # not loaded through the checks: a gap, so [0, 1) is outside every band
    "gap": Lookup("gap", "gap", (Band(None, 0, 1), Band(1, None, 2.5))),
}
LITERALS = ("0", "1", "2", "3", "10", "100", "999999999999999", "1e15", "0.0", "0.5", "0.125", "2.675", "1.005")
NAMES = st.sampled_from((*COLUMN_NAMES, "s", "t"))
LEAVES = st.one_of(  # names most of the time: values come from the columns' edges
    st.sampled_from(COLUMN_NAMES),
    NAMES,
    st.sampled_from(COLUMN_NAMES),
    st.sampled_from(LITERALS + ("1.5", "2.5", "0.1", "1e-300", "35", "1400", "107")),
    st.one_of(st.integers(0, 10**6).map(str), st.floats(0, 1e15).map(repr)),
)
COMPARE = st.sampled_from(("<", "<=", ">", ">=", "==", "!="))
PLACES = st.sampled_from(("0", "1", "2", "3", "15", "2.0"))


def _joined(parts: tuple[list[str], list[str]]) -> str:
    terms, ops = parts
    text = terms[0]
    for op, term in zip(ops, terms[1:], strict=False):
        text += f" {op} {term}"
    return f"({text})"


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    two = st.tuples(inner, inner)
    three = st.tuples(inner, inner, inner)
    chain = st.lists(inner, min_size=2, max_size=4).flatmap(
        lambda terms: st.tuples(st.just(terms), st.lists(COMPARE, min_size=len(terms) - 1, max_size=len(terms) - 1))
    )
    arithmetic = st.tuples(inner, st.sampled_from("+-*/"), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
    unary = st.tuples(st.sampled_from(("-", "+", "not ", "abs", "round")), inner).map(
        lambda t: f"{t[0]}({t[1]})" if t[0] in ("abs", "round") else f"({t[0]}{t[1]})"
    )
    return st.one_of(  # one_of weighs its branches alike: the binary forms come twice, unary ones share one
        arithmetic,
        arithmetic,
        unary,
        chain.map(_joined),
        st.tuples(st.lists(inner, min_size=2, max_size=3), st.sampled_from(("and", "or"))).map(
            lambda t: f"({f' {t[1]} '.join(t[0])})"
        ),
        three.map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.tuples(st.sampled_from(("ratio", "clamp")), three).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        st.tuples(st.sampled_from(("min", "max")), st.lists(inner, min_size=2, max_size=4)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        ),
        st.tuples(inner, PLACES).map(lambda t: f"round({t[0]}, {t[1]})"),
        st.tuples(st.sampled_from(tuple(GRAMMAR_LOOKUPS)), inner).map(lambda t: f"{t[0]}({t[1]})"),
        two.map(lambda t: f"({t[0]} and {t[1]} or 0)"),
    )


FORMULAS = st.recursive(LEAVES, _extend, max_leaves=12)


@st.composite
def grammar_cases(draw: st.DrawFn) -> Case:
    formula = compile_formula(draw(FORMULAS), GRAMMAR_LOOKUPS)
    n = draw(st.integers(1, 6))
    used = [name for name in COLUMN_NAMES if name in formula.names]
    columns = {name: draw(st.lists(VALUES, min_size=n, max_size=n)) for name in used}
    scalars = {
        "s": draw(st.one_of(SMALL.map(int), st.sampled_from((BIG - 1, BIG, -BIG - 2, 2**60)))),
        "t": draw(VALUES),
    }
    scalars["t"] = float(scalars["t"])
    return Case(formula, GRAMMAR_LOOKUPS, columns, scalars, n)


@given(grammar_cases())
@settings(DIFFERENTIAL, max_examples=5000)
def test_generated_formulas_agree_with_the_reference(case: Case) -> None:
    agree(case)


@st.composite
def one_operation(draw: st.DrawFn) -> Case:
    """One operator or helper on edge values: where last bits, signs and types are decided."""
    template = draw(
        st.sampled_from(
            (
                "a + b", "a - b", "a * b", "a / b", "-a", "not a", "a < b", "a == b", "a != b", "a >= b",
                "a < b < c", "a and b", "a or b", "a if b else c", "ratio(a, b, c)", "clamp(a, b, c)", "min(a, b)",
                "max(a, b)", "min(a, b, c)", "max(a, b, c)", "abs(a)", "round(a)", "round(a, 2)", "round(a, 1)",
                "round(a, 15)", "pts(a)", "far(a)", "gap(a)", "a * b * 1.5", "a * 0 * 1.5", "-a * 1.5",
                "a * b - c", "(a + b) / c", "a * a", "a * a * a",
            )
        )
    )  # fmt: skip
    n = draw(st.integers(1, 8))
    pool = st.one_of(SMALL, st.sampled_from(EDGES))
    columns = {name: draw(st.lists(pool, min_size=n, max_size=n)) for name in ("a", "b", "c")}
    return Case(compile_formula(template, GRAMMAR_LOOKUPS), GRAMMAR_LOOKUPS, columns, {}, n)


@given(one_operation())
@settings(DIFFERENTIAL, max_examples=2600)
def test_each_operation_on_edge_values_agrees_with_the_reference(case: Case) -> None:
    agree(case)


# --- the rulesets' own formulas ------------------------------------------------------------------

RULESET_FILES = sorted(
    [
        *(ROOT / "rulesets").glob("*/*.yaml"),
        *(ROOT / "tests" / "cases" / "valid").glob("*.yaml"),
        *(ROOT / "tests" / "cases" / "constructs").glob("*.yaml"),
        *(ROOT / "tests" / "cases" / "diff").glob("*.yaml"),
        *(ROOT / "tests" / "cases" / "bad-data").glob("*.yaml"),
    ]
)


@dataclass(frozen=True)
class Place:
    """A formula of a ruleset, and which special names it sees."""

    ruleset: Ruleset
    what: str
    formula: Formula
    indicator: str | None = None  # an indicator's formula also sees its weight
    flag: bool = False  # a flag's sees the total

    @property
    def lookups(self) -> Lookups:
        return {x.id: x for x in self.ruleset.lookups}


def places(model: Ruleset) -> list[Place]:
    found = [Place(model, f"derived {x.id}", x.formula) for x in model.derived]
    found += [Place(model, f"indicator {x.id}", x.formula, indicator=x.id) for x in model.indicators]
    found += [Place(model, f"aggregate {x.id}", x.of) for x in model.aggregates if x.of is not None]
    found += [Place(model, f"flag {x.id}", x.when, flag=True) for x in model.flags if x.when is not None]
    if model.total.formula is not None:
        found.append(Place(model, "total", model.total.formula))
    if model.ranking.eligible is not None:
        found.append(Place(model, "ranking.eligible", model.ranking.eligible))
    return found


def _models() -> list[Ruleset]:
    return [kaoping.load(path).model for path in RULESET_FILES]


MODELS = _models()
PLACES_ALL = [place for model in MODELS for place in places(model)]


def test_every_ruleset_file_loads_and_has_formulas() -> None:
    assert len(MODELS) == len(RULESET_FILES) >= 30
    assert len(PLACES_ALL) >= 100
    kinds = {p.what.split()[0] for p in PLACES_ALL}
    assert kinds == {"derived", "indicator", "aggregate", "flag", "ranking.eligible"}  # no file has a total formula
    assert any(p.lookups for p in PLACES_ALL)


def example_inputs(model: Ruleset, path: Path) -> list[Path]:
    """The CSVs that go with a ruleset: its golden cases', its stem's, the example named after it."""
    found = [path.parent / case.input for case in model.tests]
    found += [p for p in path.parent.glob("*.csv") if p.stem == path.stem or p.stem.startswith(f"{path.stem}-")]
    found += [ROOT / "examples" / f"{model.name}-{model.version.replace('.', '-')}.csv"]
    return [p for p in dict.fromkeys(found) if p.is_file()]


def unit_envs(model: Ruleset, csv: Path) -> list[dict[str, Number]] | None:
    """Every unit's names as scoring leaves them (inputs, aggregates, derived, scores), or None if it fails."""
    try:
        table = read_table(csv, model)
        scoring = score(model, table)
    except KaopingError:
        return None
    envs = []
    for unit in scoring.units:
        env: dict[str, Number] = {i.id: unit.record.values[i.id] for i in model.inputs if i.numeric}  # type: ignore[misc]
        env.update(unit.values)
        env.update(unit.scores)
        env["total"] = unit.total
        env["_group"] = unit.group  # type: ignore[assignment]
        envs.append(env)
    return envs


def _weight(model: Ruleset, indicator: str, group: str | None) -> float:
    # scoring: an indicator's formula sees its group's weight, where the unit has a group
    item = model.indicator(indicator)
    return model.group(group).weight(item) if group is not None else item.weight


def case_from_units(place: Place, envs: Sequence[dict[str, Number]]) -> Case:
    columns: dict[str, list[Number]] = {name: [] for name in place.formula.names}
    for env in envs:
        for name in place.formula.names:
            if name == "weight" and place.indicator is not None:
                columns[name].append(_weight(place.ruleset, place.indicator, env["_group"]))  # type: ignore[arg-type]
            else:
                columns[name].append(env[name])
    return Case(place.formula, place.lookups, columns, {}, len(envs))


def _example_cases() -> list[tuple[str, Case]]:
    cases = []
    for model, path in zip(MODELS, RULESET_FILES, strict=True):
        for csv in example_inputs(model, path):
            envs = unit_envs(model, csv)
            if envs is None:
                continue
            for place in places(model):
                cases.append((f"{path.relative_to(ROOT)} {csv.name} {place.what}", case_from_units(place, envs)))
    return cases


EXAMPLE_CASES = _example_cases()


def test_the_rulesets_examples_are_found() -> None:
    scored = {label.split()[0] for label, _ in EXAMPLE_CASES}
    assert len(scored) >= 25, scored
    assert "rulesets/jintai-hotline/2024.02.yaml" in scored


@pytest.mark.parametrize("label_case", EXAMPLE_CASES, ids=lambda lc: lc[0])
def test_ruleset_formulas_on_their_examples_agree(label_case: tuple[str, Case]) -> None:
    agree(label_case[1])


@st.composite
def ruleset_cases(draw: st.DrawFn) -> Case:
    place = draw(st.sampled_from(PLACES_ALL))
    n = draw(st.integers(1, 6))
    columns = {name: draw(st.lists(VALUES, min_size=n, max_size=n)) for name in place.formula.names}
    return Case(place.formula, place.lookups, columns, {}, n)


@given(ruleset_cases())
@settings(DIFFERENTIAL, max_examples=2600)
def test_ruleset_formulas_on_generated_values_agree(case: Case) -> None:
    agree(case)


# --- by hand -------------------------------------------------------------------------------------


def run(text: str, n: int = 0, **names: Sequence[Number] | Number) -> list[Number]:
    formula = compile_formula(text, GRAMMAR_LOOKUPS)
    env: dict[str, Column | Number] = {
        k: column(v) if isinstance(v, (list, tuple)) else v  # type: ignore[misc]
        for k, v in names.items()
    }
    size = n or next(len(v) for v in names.values() if isinstance(v, (list, tuple)))
    return to_python(compile_columns(formula, GRAMMAR_LOOKUPS)(env, size))


def typed(values: Sequence[Number]) -> list[tuple[str, str]]:
    """Type and exact bits, so 0 and 0.0 and -0.0 are three different things."""
    return [(type(v).__name__, v.hex() if isinstance(v, float) else str(v)) for v in values]


def raises(reason: str, text: str, n: int = 0, **names: Sequence[Number] | Number) -> tuple[int, ...]:
    with pytest.raises(NeedsReference) as e:
        run(text, n, **names)
    assert e.value.reason == reason, e.value
    return e.value.units


def test_and_gives_its_first_falsy_operand_and_never_divides_then() -> None:
    assert typed(run("due and completed / due", due=[0, 4, 0.0, -0.0], completed=[3, 3, 1, 1])) == typed(
        [0, 0.75, 0.0, -0.0]
    )


def test_or_gives_its_first_truthy_operand() -> None:
    assert typed(run("a or b", a=[0, 2.5, 0.0, -0.0], b=[7, 1, 0, 0.0])) == typed([7, 2.5, 0, 0.0])


def test_only_the_chosen_branch_can_fail() -> None:
    assert run("x if due else 1 / due", due=[2, 5], x=[1.5, 3]) == [1.5, 3]
    assert raises(FAILS, "x if due else 1 / due", due=[2, 0, 5, 0.0], x=[1, 1, 1, 1]) == (1, 3)
    assert run("1 / due if due else 0", due=[0, 4]) == [0, 0.25]


def test_a_comparison_chain_stops_at_the_first_false_comparison() -> None:
    assert typed(run("a < b < 1 / c", a=[2, 1], b=[1, 2], c=[0, 0.25])) == typed([0, 1])
    assert raises(FAILS, "a < b < 1 / c", a=[2, 1], b=[1, 2], c=[0, 0]) == (1,)


def test_min_and_max_pick_as_pythons_builtins() -> None:
    assert typed(run("min(0, 0.0)", 2)) == typed([0, 0])
    assert typed(run("min(0.0, 0)", 1)) == typed([0.0])
    assert typed(run("max(-0.0, 0)", 1)) == typed([-0.0])
    # NaN is never less: min(nan, 1) is nan (so not 1), min(1, nan) is 1
    assert run("min(a, b) == 1", a=[math.nan, 1], b=[1, math.nan]) == [0, 1]
    assert run("max(a, b) == 1", a=[math.nan, 1], b=[1, math.nan]) == [0, 1]


def test_an_int_zero_has_no_sign() -> None:
    # the reference: -1 * 0 is the int 0, and 0 * 1.5 is 0.0 (not -0.0)
    assert typed(run("a * 0 * 1.5", a=[-1, 2])) == typed([0.0, 0.0])
    assert typed(run("-a * 1.5", a=[0, 0.0])) == typed([0.0, -0.0])
    assert typed(run("0 / a", a=[-5])) == typed([-0.0])  # a float quotient keeps IEEE's sign


def test_ratio_guards_only_a_zero_denominator() -> None:
    assert typed(run("ratio(a, b, 7)", a=[1, 1, 1, 1], b=[0, 0.0, -0.0, 4])) == typed([7, 7, 7, 0.25])
    assert raises(FAILS, "ratio(a, b, 7)", a=[1], b=[math.nan]) == (0,)  # 1 / nan is nan: not finite


def test_round_is_the_spreadsheets() -> None:
    assert run("round(a, 2)", a=[2.675, 35 * 107 / 1400, 1.005, 0.125, -0.125]) == [2.68, 2.68, 1.01, 0.13, -0.13]
    assert typed(run("round(a)", a=[2, -0.4])) == typed([2.0, -0.0])
    assert raises(FAILS, "round(a * 10, 2) + 1", a=[1e308, 1]) == (0,)


def test_inf_on_the_way_is_no_failure_but_an_inf_result_is() -> None:
    assert typed(run("min(a * 10, 1)", a=[1e308])) == typed([1])
    assert raises(FAILS, "a * 10", a=[1, 1e308]) == (1,)


def test_lookups_answer_as_the_table_does() -> None:
    # 35 * 107 / 1400 is the very float 2.675 is; the one just below it is in the band below
    assert run("pts(a)", a=[-1, -0.0, 0.49, 0.5, 2.675, 35 * 107 / 1400, 2.6749999999999994, 1e300]) == [
        0,
        1,
        1,
        2.5,
        5,
        5,
        2.5,
        5,
    ]
    assert raises(FAILS, "gap(a)", a=[-1, 0.5, 1]) == (1,)
    assert raises(FAILS, "pts(a)", a=[1, math.nan]) == (1,)


def test_a_table_whose_points_no_float_holds_fails_where_it_is_hit() -> None:
    # Lookup.__call__ answers float(10**400): OverflowError, for the units in that band only
    huge = {"huge": Lookup("huge", "huge", (Band(None, 0, 1), Band(0, None, 10**400)))}
    formula = compile_formula("huge(a)", huge)
    with pytest.raises(NeedsReference) as e:
        compile_columns(formula, huge)({"a": column([-1, 1, -0.5])}, 3)
    assert (e.value.reason, e.value.units) == (FAILS, (1,))
    agree(Case(formula, huge, {"a": [-1, 1, -0.5]}, {}, 3))


def test_ints_past_2_53_go_to_the_reference() -> None:
    assert run("a + 1", a=[BIG - 2]) == [BIG - 1]
    assert raises(INEXACT, "a * a", a=[3, 2**27]) == (1,)
    assert raises(INEXACT, "a + 0.5", a=[1, BIG + 1]) == (1,)
    assert raises(INEXACT, "s * 1.0", 2, s=2**60) == (0, 1)
    assert run("a if b else s", a=[1, 2], b=[1, 1], s=2**60) == [1, 2]  # never read: no matter


def test_a_certain_failure_is_said_before_an_inexact_unit() -> None:
    assert raises(FAILS, "a * a / b", a=[2**27, 1], b=[1, 0]) == (1,)


def test_an_inexact_int_is_never_taken_for_a_certain_failure() -> None:
    # 94906267 ** 2 is 9007199515875289, past 2**53: float64 rounds it to ...288, so a float path divides by 0,
    # while the reference's exact ints give 1 / 1 = 1.0
    assert raises(INEXACT, "1 / (a * a - b)", a=[94906267], b=[9007199515875288]) == (0,)
    assert reference(compile_formula("1 / (a * a - b)"), {}, {"a": 94906267, "b": 9007199515875288}) == 1.0


def test_no_units() -> None:
    assert run("a * 2 + 1 / a", 0, a=[]) == []


def test_column_of_and_to_python() -> None:
    ints = column_of(np.array([0, -3, 2**40], dtype=np.int64))
    floats = column_of(np.array([0.5, -0.0]))
    assert ints.whole.tolist() == [True, True, True] and floats.whole.tolist() == [False, False]
    assert typed(to_python(ints)) == typed([0, -3, 2**40])
    assert typed(to_python(floats)) == typed([0.5, -0.0])
    with pytest.raises(TypeError):
        column_of(np.array(["x"]))


def test_a_construct_outside_the_allowlist_is_not_compiled() -> None:
    import ast

    tree = ast.parse("a % b").body[0]
    assert isinstance(tree, ast.Expr)
    with pytest.raises(NeedsReference) as e:
        compile_columns(Formula("a % b", tree, ("a", "b"), ()), {})
    assert e.value.reason == UNSUPPORTED


def test_agree_can_fail() -> None:
    """The check itself sees a wrong value, a wrong type and a failure the compiled path missed."""
    formula = compile_formula("a / 2")
    with pytest.raises(AssertionError):
        _same(Case(formula, {}, {"a": [1]}, {}, 1), [0.5000000000000001], [0], column([0.5]))
    with pytest.raises(AssertionError):
        _same(Case(formula, {}, {"a": [1]}, {}, 1), [1], [0], column([1.0]))
    with pytest.raises(AssertionError):
        _same(Case(formula, {}, {"a": [1]}, {}, 1), [ZeroDivisionError()], [0], column([1.0]))
    with pytest.raises(AssertionError):
        _bears_out(Case(formula, {}, {"a": [1]}, {}, 1), [0.5], [0], [0], NeedsReference(INEXACT, (0,)))
