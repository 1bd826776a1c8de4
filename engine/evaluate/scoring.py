"""Scoring: aggregates and indicators in dependency order, then the total.

Population values (a share of the district's total, a fraction of the best
unit) need every record before any indicator that reads them, so scoring
walks the ruleset's `steps` one at a time over all records: an aggregate is
one value for the population, an indicator one value per record.  The total
is the sum of the UNROUNDED indicator scores (or the ruleset's own total
formula); rounding is for display only and happens in `ranking`.
"""

from __future__ import annotations

import functools
import math
import operator
from collections import ChainMap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import field
from decimal import DecimalException
from types import MappingProxyType

from ..data.table import MAX_PROBLEMS, Record, Table
from ..errors import KaopingError, Problem, fail
from ..frozen import frozen, frozen_per_row
from ..i18n import _, current, n_
from ..numbers import format_fixed, plain_number, seen
from ..ruleset.expr import MAX_PLACES, Evaluator, Formula, Number
from ..ruleset.model import Aggregate, Ruleset


def left_to_right(values: Iterable[Number], start: Number = 0) -> Number:
    """start + v1 + v2 + ..., one addition at a time, as a spreadsheet's SUM adds.

    Not the builtin sum: from Python 3.12 it compensates float rounding
    (Neumaier), which changes last bits, and a last bit decides a printed tie.
    Whole numbers stay exact whole numbers.
    """
    return functools.reduce(operator.add, values, start)


AGGREGATE_FUNCTIONS: Mapping[str, Callable[[Sequence[Number]], Number]] = {
    "sum": left_to_right,  # as a spreadsheet's SUM and the default total add
    "max": max,
    "min": min,
    "mean": lambda values: left_to_right(values) / len(values),
    "count": len,
}


@frozen_per_row  # made once per row: dataclass compiles its __init__
class Scored:
    """One unit before ranking: its inputs, unrounded scores and total, and what it was scored with."""

    record: Record
    entity: str
    scores: Mapping[str, float]
    total: float
    group: str | None = None
    values: Mapping[str, Number] = field(default_factory=dict)  # derived values, and aggregates as this unit saw them
    eligible: bool = True
    flags: tuple[str, ...] = ()


@frozen
class Scoring:
    aggregates: Mapping[str, Number | Mapping[str, Number]]
    units: tuple[Scored, ...]
    # scores and totals outside their bounds: published as computed, but never without a word
    warnings: tuple[str, ...] = ()


@frozen
class _Run:
    """What every step of one scoring run needs: the ruleset, the records, the evaluator."""

    ruleset: Ruleset
    records: Sequence[Record]
    path: str
    evaluator: Evaluator

    def evaluate_all(self, formula: Formula, envs: Sequence[Mapping[str, Number]], what: str) -> list[Number]:
        """The formula for every record; every record it fails for is reported."""
        values: list[Number] = []
        problems: list[Problem] = []
        for record, env in zip(self.records, envs, strict=False):
            try:
                values.append(finite(self.evaluator.evaluate(formula, env)))
            except (ArithmeticError, TypeError) as e:
                reason, hint, code = _failure(e)
                message = _("{what} {reason} in `{formula}`", what=what, reason=reason, formula=formula.text.strip())
                problems.append(self.problem(record, message, hint, code=code))
        if problems:
            raise KaopingError(problems, limit=MAX_PROBLEMS)
        return values

    def problem(self, record: Record, message: str, hint: str = "", *, code: str) -> Problem:
        entity = record.values[self.ruleset.key]
        return Problem(self.path, record.row, 0, _("{unit}: {problem}", unit=entity, problem=message), hint, code=code)


def score(ruleset: Ruleset, table: Table, done: Callable[[str], None] | None = None) -> Scoring:
    """Score every record, or raise KaopingError naming each unit a formula failed for.

    Each record's names live in its own dict, filled step by step: inputs,
    then each aggregate (one value for all, or for the unit's group),
    derived value and indicator as it is computed.  An indicator's formula
    also sees its own `weight` (its group's, where the group has its own).
    """
    run = _Run(ruleset, table.records, table.path, Evaluator({x.id: x for x in ruleset.lookups}))
    envs: list[dict[str, Number]] = [_numeric_inputs(ruleset, r) for r in table.records]
    groups = [_group_of(ruleset, r) for r in table.records]
    aggregate_ids = {a.id for a in ruleset.aggregates}
    derived_ids = {x.id for x in ruleset.derived}
    aggregates: dict[str, Number | Mapping[str, Number]] = {}
    tell = done or (lambda _stage: None)
    for step in ruleset.steps:
        tell(step)
        if step in aggregate_ids:
            aggregates[step] = _aggregate(run, step, envs, groups)
        elif step in derived_ids:
            formula = next(x.formula for x in ruleset.derived if x.id == step)
            for env, value in zip(
                envs, run.evaluate_all(formula, envs, _("the derived value '{id}'", id=step)), strict=False
            ):
                env[step] = value
        else:
            for env, value in zip(envs, _indicator(run, step, envs, groups), strict=False):
                env[step] = value
    totals = _totals(run, envs, groups)
    tell("total")
    eligible = (
        _truths(run, ruleset.ranking.eligible, envs, _("ranking.eligible"))
        if ruleset.ranking.eligible
        else [True] * len(envs)
    )
    flags = _flags(run, envs, totals)
    units = tuple(
        Scored(
            record,
            str(record.values[ruleset.key]),
            MappingProxyType({i.id: float(env[i.id]) for i in ruleset.indicators}),
            total,
            group,
            MappingProxyType({k: v for k, v in env.items() if k in aggregate_ids or k in derived_ids}),
            ok,
            tuple(flag_ids),
        )
        for record, env, total, group, ok, flag_ids in zip(
            table.records, envs, totals, groups, eligible, flags, strict=False
        )
    )
    return Scoring(MappingProxyType(aggregates), units, out_of_bounds(ruleset, units))


def _group_of(ruleset: Ruleset, record: Record) -> str | None:
    return str(record.values[ruleset.group_field]) if ruleset.group_field else None


def _numeric_inputs(ruleset: Ruleset, record: Record) -> dict[str, Number]:
    return {i.id: record.values[i.id] for i in ruleset.inputs if i.numeric}  # type: ignore[misc]


def _aggregate(
    run: _Run, id: str, envs: Sequence[dict[str, Number]], groups: Sequence[str | None]
) -> Number | Mapping[str, Number]:
    """Compute the aggregate and give every record the value it sees (its group's, for a per-group aggregate)."""
    agg = run.ruleset.aggregate(id)
    values = run.evaluate_all(agg.of, envs, _("the aggregate '{id}'", id=id)) if agg.of else [1] * len(envs)
    if not agg.per_group:
        result = _combine(run, agg, values)
        for env in envs:
            env[id] = result
        return result
    per_group = {
        g: _combine(run, agg, [v for v, h in zip(values, groups, strict=False) if h == g])
        for g in dict.fromkeys(groups)
        if g is not None
    }
    for env, group in zip(envs, groups, strict=False):
        env[id] = per_group[group]  # type: ignore[index]
    return MappingProxyType(per_group)


def _combine(run: _Run, agg: Aggregate, values: Sequence[Number]) -> Number:
    """Counts, sums, maxima and minima of whole numbers stay whole numbers."""
    if agg.function == "count":
        return len(values)
    try:
        return finite(AGGREGATE_FUNCTIONS[agg.function](values))
    except ArithmeticError:
        of = agg.of.text.strip() if agg.of else ""
        raise fail(
            run.path,
            _(
                "the aggregate '{id}' ({function} of {of}) is too large to compute",
                id=agg.id,
                function=agg.function,
                of=of,
            ),
            _("check the data for absurdly large values"),
            code="score.too-large",
        ) from None


def _indicator(run: _Run, id: str, envs: Sequence[dict[str, Number]], groups: Sequence[str | None]) -> list[float]:
    """The indicator's contribution to the total: a score, or a penalty (negative) or bonus capped at its weight."""
    ruleset = run.ruleset
    indicator = ruleset.indicator(id)
    weights = [ruleset.group(g).weight(indicator) if g is not None else indicator.weight for g in groups]
    named: list[Mapping[str, Number]] = [ChainMap({"weight": w}, env) for env, w in zip(envs, weights, strict=False)]
    values = run.evaluate_all(
        indicator.formula, named, _("the indicator '{id}' ({label})", id=id, label=indicator.label)
    )
    if indicator.kind == "score":
        return [float(v) for v in values]
    sign = -1.0 if indicator.kind == "penalty" else 1.0
    return [sign * min(max(float(v), 0.0), w) + 0.0 for v, w in zip(values, weights, strict=False)]  # + 0.0: no "-0.0"


def _totals(run: _Run, envs: Sequence[Mapping[str, Number]], groups: Sequence[str | None]) -> list[float]:
    """Where the total starts plus every indicator's unrounded contribution, in indicator order (or the
    ruleset's total formula); then held to the floor and, when capped, to the full marks of the unit's group."""
    ruleset = run.ruleset
    total = ruleset.total
    if total.formula is not None:
        raw = [float(v) for v in run.evaluate_all(total.formula, envs, _("the total"))]
    else:
        raw = [
            float(left_to_right((float(env[i.id]) for i in ruleset.indicators), ruleset.start(g)))
            for env, g in zip(envs, groups, strict=False)
        ]
    problems = [
        run.problem(r, _("the total of the indicator scores is too large to compute"), code="score.too-large")
        for r, t in zip(run.records, raw, strict=False)
        if not math.isfinite(t)
    ]
    if problems:
        raise KaopingError(problems, limit=MAX_PROBLEMS)
    held = [max(t, total.floor) if total.floor is not None else t for t in raw]
    if total.cap:
        held = [
            min(t, ruleset.group(g).max if g is not None else total.max) for t, g in zip(held, groups, strict=False)
        ]
    return held


def _truths(run: _Run, formula: Formula | None, envs: Sequence[Mapping[str, Number]], what: str) -> list[bool]:
    return [bool(v) for v in run.evaluate_all(formula, envs, what)] if formula else [False] * len(envs)


def _flags(run: _Run, envs: Sequence[dict[str, Number]], totals: Sequence[float]) -> list[list[str]]:
    """The ids of the flags each unit raises (`when` may read the total)."""
    raised: list[list[str]] = [[] for _env in envs]
    named: list[Mapping[str, Number]] = [ChainMap({"total": t}, env) for env, t in zip(envs, totals, strict=False)]
    for flag in run.ruleset.flags:
        for ids, hit in zip(raised, _truths(run, flag.when, named, _("the flag '{id}'", id=flag.id)), strict=False):
            if hit:
                ids.append(flag.id)
    return raised


def finite(value: Number) -> Number:
    """`value` if it is a real, finite number: NaN and infinity never reach a result."""
    if not isinstance(value, (int, float)):
        raise TypeError("the formula did not give a number")
    if not math.isfinite(value):
        raise OverflowError("the result is not a finite number")
    return value


def _reason(e: Exception) -> str:
    """What went wrong, in words: a user never sees Python's own names for it."""
    return _failure(e)[0]


def _failure(e: Exception) -> tuple[str, str, str]:
    """A formula's failure for one record: what went wrong in words, the hint, and the problem code."""
    if isinstance(e, ZeroDivisionError):
        return (
            _("divides by zero"),
            _("guard the division, e.g. ratio(a, b, value_if_b_is_0)"),
            "score.division-by-zero",
        )
    if isinstance(e, DecimalException):  # round(x, 400): more places than any number has room for
        return (
            _("cannot be computed: the value cannot be rounded to that many places"),
            _("round to between 0 and {max} places, e.g. round(x, 2)", max=MAX_PLACES),
            "score.too-many-places",
        )
    if isinstance(e, OverflowError):
        return (
            _("cannot be computed: the value is too large"),
            _("check the formula and the data for absurdly large values"),
            "score.too-large",
        )
    if isinstance(e, TypeError):
        return _("cannot be computed: the formula does not give a number"), "", "score.not-a-number"
    return _("cannot be computed"), "", "score.cannot-compute"


# --- bounds -----------------------------------------------------------------------------------

NAMED_UNITS = 3  # a warning names this many units, then says how many more


def out_of_bounds(ruleset: Ruleset, units: Sequence[Scored]) -> tuple[str, ...]:
    """A warning for every indicator some unit scores outside 0..its weight, and for totals outside
    their bounds where nothing holds them.

    Penalties and bonuses are already held to their weight; a plain score is
    what its formula says, so `clamp(weight, 40, 0)` would publish 40 points
    of a 35-point indicator.  That may be a slip or a deliberate extra, so
    it is said (and kept in the JSON), not refused.
    """
    found = [w for i in ruleset.indicators if i.kind == "score" for w in _score_warnings(ruleset, i.id, units)]
    return tuple(found + _total_warnings(ruleset, units))


def _score_warnings(ruleset: Ruleset, id: str, units: Sequence[Scored]) -> list[str]:
    indicator = ruleset.indicator(id)
    weights = [_weight(ruleset, id, u) for u in units]
    above = [(u, u.scores[id], w) for u, w in zip(units, weights, strict=False) if _seen(u.scores[id]) > w]
    below = [(u, u.scores[id], w) for u, w in zip(units, weights, strict=False) if _seen(u.scores[id]) < 0]
    what = _("the indicator '{id}' ({label})", id=id, label=indicator.label)
    out = []
    if above:
        out.append(
            _(
                "{what} scores above its weight for {units}: nothing holds a score to its weight, so check its formula (e.g. min(weight, ...))",
                what=what,
                units=_units(ruleset, above),
            )
        )
    if below:
        out.append(
            _(
                "{what} scores below 0 for {units}: check its formula (e.g. max(0, ...))",
                what=what,
                units=_units(ruleset, below),
            )
        )
    return out


def _total_warnings(ruleset: Ruleset, units: Sequence[Scored]) -> list[str]:
    """Totals above full marks that bonuses do not account for (when not capped), and below 0 with no floor."""
    total = ruleset.total
    out = []
    if not total.cap:
        above = [
            (u, u.total, _full_marks(ruleset, u))
            for u in units
            if _seen(u.total - _bonus(ruleset, u)) > _full_marks(ruleset, u)
        ]
        if above:
            out.append(
                _(
                    "the total is above full marks for {units}: total.cap: true would hold it to full marks",
                    units=_units(ruleset, above),
                )
            )
    if total.floor is None:
        below = [(u, u.total, 0.0) for u in units if _seen(u.total) < 0]
        if below:
            out.append(
                _("the total is below 0 for {units}: total.floor: 0 would hold it at 0", units=_units(ruleset, below))
            )
    return out


def _units(ruleset: Ruleset, hits: Sequence[tuple[Scored, float, float]]) -> str:
    """ "2 units (区A 40 of 35, 区B 38.50 of 35)": the first few by name, with their value and bound, then a count."""
    places, mode = ruleset.rounding.places, ruleset.rounding.mode
    named = ("、" if current() == "zh" else ", ").join(
        _(
            "{entity} {value} of {bound}",
            entity=u.entity,
            value=format_fixed(v, places, mode),
            bound=plain_number(bound),
        )
        for u, v, bound in hits[:NAMED_UNITS]
    )
    more = _(" and {n} more", n=len(hits) - NAMED_UNITS) if len(hits) > NAMED_UNITS else ""
    n = len(hits)
    return n_("{n} unit ({named}{more})", "{n} units ({named}{more})", n, n=n, named=named, more=more)


def _weight(ruleset: Ruleset, id: str, unit: Scored) -> float:
    indicator = ruleset.indicator(id)
    return ruleset.group(unit.group).weight(indicator) if unit.group is not None else indicator.weight


def _full_marks(ruleset: Ruleset, unit: Scored) -> float:
    return ruleset.group(unit.group).max if unit.group is not None else ruleset.total.max


def _bonus(ruleset: Ruleset, unit: Scored) -> float:
    """The bonus points in a unit's total: a scheme with bonuses may mean its totals to pass full marks."""
    if ruleset.total.formula is not None:
        return 0.0
    return float(left_to_right(unit.scores[i.id] for i in ruleset.indicators if i.kind == "bonus"))


_seen = seen  # 35.00000000000001 is 35, not above a weight of 35
