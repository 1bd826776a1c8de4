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
from collections import ChainMap
from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable, Mapping, Sequence

from .data import MAX_PROBLEMS, Record, Table
from .errors import KaopingError, Problem, fail
from .expr import Evaluator, Formula, Number
from .model import Ruleset

AGGREGATE_FUNCTIONS: Mapping[str, Callable[[Sequence[Number]], Number]] = {
    "sum": sum,  # left to right, as a spreadsheet's SUM and the default total add
    "max": max,
    "min": min,
    "mean": lambda values: sum(values) / len(values),
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


@dataclass(frozen=True, slots=True)
class _Run:
    """What every step of one scoring run needs: the ruleset, the records, the evaluator."""

    ruleset: Ruleset
    records: tuple[Record, ...]
    path: str
    evaluator: Evaluator

    def evaluate_all(self, formula: Formula, envs: Sequence[Mapping[str, Number]], what: str) -> list[Number]:
        """The formula for every record; every record it fails for is reported."""
        values: list[Number] = []
        problems: list[Problem] = []
        for record, env in zip(self.records, envs):
            try:
                values.append(finite(self.evaluator.evaluate(formula, env)))
            except (ArithmeticError, TypeError) as e:
                problems.append(self.problem(record, f"{what} {_reason(e)} in `{formula.text.strip()}`", _hint(e)))
        if problems:
            raise KaopingError(problems, limit=MAX_PROBLEMS)
        return values

    def problem(self, record: Record, message: str, hint: str = "") -> Problem:
        return Problem(self.path, record.row, 0, f"{record.values[self.ruleset.key]}: {message}", hint)


def score(ruleset: Ruleset, table: Table) -> Scoring:
    """Score every record, or raise KaopingError naming each unit a formula failed for.

    Each record's names live in its own dict, filled step by step: inputs,
    then each aggregate (the same value for all) and indicator as it is
    computed.  An indicator's formula also sees its own `weight`.
    """
    run = _Run(ruleset, table.records, table.path, Evaluator())
    envs: list[dict[str, Number]] = [_numeric_inputs(ruleset, r) for r in table.records]
    aggregate_ids = {a.id for a in ruleset.aggregates}
    aggregates: dict[str, Number] = {}
    for step in ruleset.steps:
        if step in aggregate_ids:
            aggregates[step] = _aggregate(run, step, envs)
            for env in envs:
                env[step] = aggregates[step]
        else:
            for env, value in zip(envs, _indicator(run, step, envs)):
                env[step] = value
    totals = _totals(run, envs)
    units = tuple(
        Scored(record, str(record.values[ruleset.key]), MappingProxyType({i.id: float(env[i.id]) for i in ruleset.indicators}), total)
        for record, env, total in zip(table.records, envs, totals)
    )
    return Scoring(MappingProxyType(aggregates), units)


def _numeric_inputs(ruleset: Ruleset, record: Record) -> dict[str, Number]:
    return {i.id: record.values[i.id] for i in ruleset.inputs if i.numeric}  # type: ignore[misc]


def _aggregate(run: _Run, id: str, envs: Sequence[Mapping[str, Number]]) -> Number:
    """Counts, sums, maxima and minima of whole numbers stay whole numbers."""
    agg = run.ruleset.aggregate(id)
    if agg.of is None:
        return len(envs)
    values = run.evaluate_all(agg.of, envs, f"the aggregate '{id}'")
    try:
        return finite(AGGREGATE_FUNCTIONS[agg.function](values))
    except ArithmeticError:
        raise fail(run.path, f"the aggregate '{id}' ({agg.function} of {agg.of.text.strip()}) is too large to compute", "check the data for absurdly large values") from None


def _indicator(run: _Run, id: str, envs: Sequence[Mapping[str, Number]]) -> list[Number]:
    indicator = run.ruleset.indicator(id)
    own = {"weight": indicator.weight}
    return run.evaluate_all(indicator.formula, [ChainMap(own, env) for env in envs], f"the indicator '{id}' ({indicator.label})")  # type: ignore[arg-type]


def _totals(run: _Run, envs: Sequence[Mapping[str, Number]]) -> list[float]:
    """The sum of the unrounded indicator scores, in indicator order, or the ruleset's total formula."""
    ruleset = run.ruleset
    if ruleset.total.formula is not None:
        return [float(v) for v in run.evaluate_all(ruleset.total.formula, envs, "the total")]
    totals: list[float] = []
    problems: list[Problem] = []
    for record, env in zip(run.records, envs):
        total = sum((float(env[i.id]) for i in ruleset.indicators), 0.0)
        if math.isfinite(total):
            totals.append(total)
        else:
            problems.append(run.problem(record, "the total of the indicator scores is too large to compute"))
    if problems:
        raise KaopingError(problems, limit=MAX_PROBLEMS)
    return totals


def finite(value: Number) -> Number:
    """`value` if it is a real, finite number: NaN and infinity never reach a result."""
    if not isinstance(value, (int, float)):
        raise TypeError("the formula did not give a number")
    if not math.isfinite(value):
        raise OverflowError("the result is not a finite number")
    return value


def _reason(e: Exception) -> str:
    return "divides by zero" if isinstance(e, ZeroDivisionError) else f"cannot be computed ({e})"


def _hint(e: Exception) -> str:
    return "guard the division, e.g. ratio(a, b, value_if_b_is_0)" if isinstance(e, ZeroDivisionError) else ""
