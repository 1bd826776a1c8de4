"""Scoring: aggregates and indicators in dependency order, then the total.

Population values (a share of the district's total, a fraction of the best
unit) need every record before any indicator that reads them, so scoring
walks the ruleset's `steps` one at a time over all records: an aggregate is
one value for the population, an indicator one value per record.  The total
is the sum of the UNROUNDED indicator scores (or the ruleset's own total
formula); rounding is for display only and happens in `ranking`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import fmean
from typing import Callable, Mapping, Sequence

from .data import Record, Table
from .errors import KaopingError, Problem
from .expr import Evaluator, Formula, Number
from .model import Ruleset

AGGREGATE_FUNCTIONS: Mapping[str, Callable[[Sequence[Number]], Number]] = {
    "sum": lambda values: sum(values) if all(isinstance(v, int) for v in values) else math.fsum(values),
    "max": max,
    "min": min,
    "mean": fmean,
    "count": len,
}


@dataclass(frozen=True, slots=True)
class Scored:
    """One unit before ranking: its inputs, unrounded scores and total."""

    record: Record
    entity: str
    scores: Mapping[str, float]
    total: float


@dataclass(frozen=True, slots=True)
class Scoring:
    aggregates: Mapping[str, Number]
    units: tuple[Scored, ...]


def score(ruleset: Ruleset, table: Table) -> Scoring:
    """Score every record, or raise KaopingError naming each unit a formula failed for."""
    envs = [_numeric_inputs(ruleset, r) for r in table.records]
    evaluator = Evaluator()
    aggregate_ids = {a.id for a in ruleset.aggregates}
    aggregates: dict[str, Number] = {}
    for step in ruleset.steps:
        if step in aggregate_ids:
            value = _aggregate(ruleset, step, envs, table, evaluator)
            aggregates[step] = value
            for env in envs:
                env[step] = value
        else:
            _indicator(ruleset, step, envs, table, evaluator)
    units = tuple(_unit(ruleset, record, env, table, evaluator) for record, env in zip(table.records, envs))
    return Scoring(aggregates, units)


def _numeric_inputs(ruleset: Ruleset, record: Record) -> dict[str, Number]:
    return {i.id: record.values[i.id] for i in ruleset.inputs if i.numeric}  # type: ignore[misc]


def _aggregate(ruleset: Ruleset, id: str, envs: list[dict[str, Number]], table: Table, ev: Evaluator) -> Number:
    """Counts, sums, maxima and minima of whole numbers stay whole numbers."""
    agg = ruleset.aggregate(id)
    if agg.of is None:
        return len(envs)
    values = _evaluate_all(ruleset, agg.of, envs, table.records, table.path, ev, f"the aggregate '{id}'")
    return AGGREGATE_FUNCTIONS[agg.function](values)


def _indicator(ruleset: Ruleset, id: str, envs: list[dict[str, Number]], table: Table, ev: Evaluator) -> None:
    indicator = ruleset.indicator(id)
    for env in envs:
        env["weight"] = indicator.weight
    what = f"the indicator '{id}' ({indicator.label})"
    values = _evaluate_all(ruleset, indicator.formula, envs, table.records, table.path, ev, what)
    for env, value in zip(envs, values):
        env[id] = value
        del env["weight"]


def _evaluate_all(
    ruleset: Ruleset,
    formula: Formula,
    envs: Sequence[Mapping[str, Number]],
    records: Sequence[Record],
    path: str,
    ev: Evaluator,
    what: str,
) -> list[Number]:
    """The formula for every record; every record it fails for is reported."""
    values: list[Number] = []
    problems: list[Problem] = []
    for record, env in zip(records, envs):
        try:
            values.append(_finite(ev.evaluate(formula, env)))
        except (ArithmeticError, TypeError) as e:
            problems.append(_formula_problem(ruleset, record, path, formula, what, e))
    if problems:
        raise KaopingError(problems)
    return values


def _finite(value: Number) -> Number:
    """`value` if it is a real, finite number: NaN and infinity never reach a result."""
    if not isinstance(value, (int, float)):
        raise TypeError("the formula did not give a number")
    if not math.isfinite(value):
        raise OverflowError("the result is not a finite number")
    return value


def _formula_problem(ruleset: Ruleset, record: Record, path: str, formula: Formula, what: str, e: Exception) -> Problem:
    entity = record.values[ruleset.key]
    if isinstance(e, ZeroDivisionError):
        reason = "divides by zero"
        hint = "guard the division, e.g. ratio(a, b, value_if_b_is_0)"
    else:
        reason = f"cannot be computed ({e})"
        hint = ""
    return Problem(path, record.row, 0, f"{entity}: {what} {reason} in `{formula.text}`", hint)


def _unit(ruleset: Ruleset, record: Record, env: Mapping[str, Number], table: Table, ev: Evaluator) -> Scored:
    scores = {i.id: float(env[i.id]) for i in ruleset.indicators}
    if ruleset.total.formula is None:
        total = sum(scores.values(), 0.0)
    else:
        total = _evaluate_all(ruleset, ruleset.total.formula, [env], [record], table.path, ev, "the total")[0]
    return Scored(record, str(record.values[ruleset.key]), scores, float(_finite(total)))
