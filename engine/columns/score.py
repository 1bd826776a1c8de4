"""Scoring column by column: the reference's steps (engine/evaluate/scoring.py), one array operation at a time.

Each step is the reference's, over every unit at once: an aggregate is one
value (or one per group), a derived value or indicator one Column, the total
a left-to-right sum of the indicator columns.  Whatever the reference would
report (a division by zero, a value too large, an integer past 2**53 that a
float cannot hold) raises NeedsReference, and the caller scores the table
with the reference instead, which names every unit it fails for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from ..evaluate.scoring import AGGREGATE_FUNCTIONS
from ..ruleset.expr import Formula, Number
from ..ruleset.model import Ruleset
from .compile import Column, Compiled, NeedsReference, Seen, column_of, compile_columns, to_python
from .frame import Columns

Floats = npt.NDArray[np.float64]
Scalar = int | float
Env = dict[str, Column | Scalar]


@dataclass(frozen=True, slots=True, eq=False)
class ColumnScoring:
    """What the reference's Scoring holds, as arrays: one entry per unit, in input order."""

    columns: Columns
    entity: npt.NDArray[np.object_]
    group: npt.NDArray[np.object_] | None
    scores: Mapping[str, Floats]  # indicator id -> unrounded contribution
    total: Column  # a floor or full marks that is a whole number makes a total whole, as in the reference
    values: Mapping[str, Column | Scalar]  # derived values and aggregates as each unit sees them, in step order
    aggregates: Mapping[str, Number | Mapping[str, Number]]
    eligible: npt.NDArray[np.bool_]
    flags: Mapping[str, npt.NDArray[np.bool_]]


class Formulas:
    """Every formula of one ruleset compiled once; a sweep that scores the same ruleset again reuses them."""

    def __init__(self, ruleset: Ruleset) -> None:
        self._lookups = {x.id: x for x in ruleset.lookups}
        self._done: dict[int, Compiled] = {}

    def __call__(self, formula: Formula) -> Compiled:
        compiled = self._done.get(id(formula))
        if compiled is None:
            compiled = self._done[id(formula)] = compile_columns(formula, self._lookups)
        return compiled

    def run(self) -> Run:
        """The formulas as one scoring of a table calls them: sharing what each has seen of the table's columns."""
        return Run(self, {})


@dataclass(frozen=True, slots=True, eq=False)
class Run:
    """One scoring's calls: `run(formula)(env, n)` is the compiled formula's value, with the columns seen once."""

    formulas: Formulas
    seen: Seen

    def __call__(self, formula: Formula) -> Callable[[Env, int], Column]:
        return partial(self.formulas(formula), seen=self.seen)


_COMPILED: dict[int, tuple[Ruleset, Formulas]] = {}


def formulas_of(ruleset: Ruleset) -> Formulas:
    """The ruleset's compiled formulas, kept for the last few rulesets scored (the ruleset is kept alive with them)."""
    kept = _COMPILED.get(id(ruleset))
    if kept is None or kept[0] is not ruleset:
        if len(_COMPILED) >= 8:
            _COMPILED.pop(next(iter(_COMPILED)))
        kept = _COMPILED[id(ruleset)] = (ruleset, Formulas(ruleset))
    return kept[1]


def score_columns(ruleset: Ruleset, columns: Columns) -> ColumnScoring:
    """Score every unit, or raise NeedsReference when the reference must (it reports what failed, and where)."""
    formulas, n = formulas_of(ruleset).run(), columns.n
    env: Env = {i.id: column_of(columns.values[i.id]) for i in ruleset.inputs if i.numeric}
    group = _strings(columns.values[ruleset.group_field]) if ruleset.group_field else None
    aggregates: dict[str, Number | Mapping[str, Number]] = {}
    derived = {x.id: x.formula for x in ruleset.derived}
    with np.errstate(all="ignore"):
        for step in ruleset.steps:
            if any(a.id == step for a in ruleset.aggregates):
                aggregates[step], env[step] = _aggregate(ruleset, formulas, step, env, group, n)
            elif step in derived:
                env[step] = formulas(derived[step])(env, n)
            else:
                env[step] = column_of(_indicator(ruleset, formulas, step, env, group, n))
        total = _total(ruleset, formulas, env, group, n)
        eligible = _truths(formulas, ruleset.ranking.eligible, env, n, default=True)
        with_total: Env = {**env, "total": total}
        flags = {f.id: _truths(formulas, f.when, with_total, n, default=False) for f in ruleset.flags}
    kept = {s: env[s] for s in ruleset.steps if s in derived or s in aggregates}
    return ColumnScoring(
        columns,
        _strings(columns.values[ruleset.key]),
        group,
        MappingProxyType({i.id: _floats(env[i.id], n) for i in ruleset.indicators}),
        total,
        MappingProxyType(kept),
        MappingProxyType(aggregates),
        eligible,
        MappingProxyType(flags),
    )


def _strings(values: npt.NDArray[np.generic]) -> npt.NDArray[np.object_]:
    """A key or group column as the reference names it: str(value)."""
    if values.dtype == object:
        return values  # type: ignore[return-value]
    return np.array([str(v) for v in values.tolist()], dtype=object)


def _floats(value: Column | Scalar, n: int) -> Floats:
    if isinstance(value, Column):
        return value.values
    return np.full(n, float(value))


def _aggregate(
    ruleset: Ruleset, formulas: Run, id: str, env: Env, group: npt.NDArray[np.object_] | None, n: int
) -> tuple[Number | Mapping[str, Number], Column | Scalar]:
    """The aggregate, by the reference's own functions over the column's Python values (sum left to right), and
    what each unit sees of it: the value, or its group's."""
    agg = ruleset.aggregate(id)
    if not agg.per_group:
        column = formulas(agg.of)(env, n) if agg.of else None
        result = _reduced(agg.function, column, n) if column is not None else _combine(agg.function, [1] * n)
        return result, result
    values: list[Number] = to_python(formulas(agg.of)(env, n)) if agg.of else [1] * n
    assert group is not None  # the loader refuses a per-group aggregate without groups
    names, inverse = np.unique(group, return_inverse=True)
    order = list(dict.fromkeys(group.tolist()))
    members: dict[str, list[Number]] = {g: [] for g in order}
    for value, g in zip(values, group.tolist(), strict=True):
        members[g].append(value)
    per_group = {g: _combine(agg.function, members[g]) for g in order}
    seen_by_unit = np.array([per_group[str(g)] for g in names.tolist()], dtype=object)[inverse]
    return MappingProxyType(per_group), _column_of_numbers(seen_by_unit.tolist())


def _reduced(function: str, column: Column, n: int) -> Number:
    """The reference's _combine of a whole column, as a column reduction where it is provably the same number.

    A column of whole numbers sums exactly in int64 while n * its largest
    magnitude stays below 2**53; a column of floats sums left to right with
    add.accumulate, one IEEE addition at a time as the reference's fold does
    (numpy's own sum is pairwise, and its last bits differ).  Anything else,
    a mixed column among them, takes the reference's own functions.
    """
    values, whole = column.values, column.whole
    if function == "count":
        return n
    if n and function in ("max", "min") and not np.isnan(values).any():
        return _first_extreme(function, column)
    if n and function in ("sum", "mean") and (whole.all() or not whole.any()):
        if whole.all() and max(float(values.max()), -float(values.min())) * n < 2.0**53:
            total: Number = int(values.sum())  # whole numbers whose every partial sum is exact: any order is exact
        elif not whole.any():
            total = float(np.add.accumulate(np.concatenate(([0.0], values)))[-1])
        else:
            return _combine(function, to_python(column))
        if not np.isfinite(total):
            raise NeedsReference("an aggregate is not finite")
        return total if function == "sum" else total / n
    return _combine(function, to_python(column))


def _first_extreme(function: str, column: Column) -> Number:
    """Python's max (min) of the column's numbers: the first item no later one is strictly greater (less) than.

    argmax/argmin give the first index of the extreme, and comparing the float64
    values is comparing the Python numbers, each exact below 2**53 (a larger
    whole number would only be the reference's if it were the extreme: then
    the column's own number there is not its int, and the reference decides).
    """
    at = int(np.argmax(column.values) if function == "max" else np.argmin(column.values))
    value = float(column.values[at])
    if not column.whole[at]:
        return value
    if abs(value) >= 2.0**53:
        raise NeedsReference("an aggregate's extreme is an integer past 2**53")
    return int(value)


def _combine(function: str, values: Sequence[Number]) -> Number:
    """The reference's _combine: counts stay whole; anything not finite is the reference's to report."""
    if function == "count":
        return len(values)
    try:
        result = AGGREGATE_FUNCTIONS[function](values)
    except (ArithmeticError, ValueError) as e:
        raise NeedsReference(f"the aggregate cannot be computed ({e})") from None
    if not np.isfinite(result):
        raise NeedsReference("an aggregate is not finite")
    return result


def _column_of_numbers(values: list[Number]) -> Column:
    whole = np.array([isinstance(v, int) for v in values], dtype=bool)
    return Column(np.array(values, dtype=np.float64), whole)


def _weights(ruleset: Ruleset, id: str, group: npt.NDArray[np.object_] | None) -> Column | Scalar:
    """The indicator's weight each unit is scored with: its group's own, where the group has one."""
    indicator = ruleset.indicator(id)
    if group is None:
        return indicator.weight
    names, inverse = np.unique(group, return_inverse=True)
    weights = [ruleset.group(str(g)).weight(indicator) for g in names.tolist()]
    return _column_of_numbers([weights[i] for i in inverse.tolist()])


def _indicator(
    ruleset: Ruleset, formulas: Run, id: str, env: Env, group: npt.NDArray[np.object_] | None, n: int
) -> Floats:
    """As the reference's _indicator: float(v) for a score; a penalty or bonus held to 0..weight, signed."""
    indicator = ruleset.indicator(id)
    weight = _weights(ruleset, id, group)
    value = formulas(indicator.formula)(env | {"weight": weight}, n).values
    if indicator.kind == "score":
        return value  # float(v): a whole value is never -0.0, so its float is the same number
    w = _floats(weight, n)
    held = np.where(value < 0.0, 0.0, value)  # max(float(v), 0.0): Python keeps v unless 0.0 is greater
    held = np.where(w < held, w, held)  # min(held, w)
    sign = -1.0 if indicator.kind == "penalty" else 1.0
    return sign * held + 0.0  # + 0.0: no "-0.0"


def _total(ruleset: Ruleset, formulas: Run, env: Env, group: npt.NDArray[np.object_] | None, n: int) -> Column:
    """The start plus each indicator's contribution, left to right (or the total formula); then floor and cap."""
    total = ruleset.total
    if total.formula is not None:
        raw = formulas(total.formula)(env, n).values.astype(np.float64)
    else:
        raw = _starts(ruleset, group, n)  # a new array, added to in place: one IEEE addition a unit a step
        for indicator in ruleset.indicators:
            np.add(raw, _floats(env[indicator.id], n), out=raw)
    if not np.isfinite(raw).all():
        raise NeedsReference("a total is too large to compute")
    whole = np.zeros(n, dtype=bool)
    if total.floor is not None:
        below = total.floor > raw  # max(t, floor): the floor only where it is greater
        raw = np.where(below, float(total.floor), raw)
        whole = below & isinstance(total.floor, int)
    if total.cap:
        full = _full_marks(ruleset, group, n)
        above = full.values < raw  # min(t, full): full marks only where they are less
        raw = np.where(above, full.values, raw)
        whole = np.where(above, full.whole, whole)
    return Column(raw, whole)


def _starts(ruleset: Ruleset, group: npt.NDArray[np.object_] | None, n: int) -> Floats:
    """Where each unit's total starts, as a float: int 0 + x and 0.0 + x are the same float for every x."""
    if group is None:
        return np.full(n, float(ruleset.start(None)))
    names, inverse = np.unique(group, return_inverse=True)
    return np.array([float(ruleset.start(str(g))) for g in names.tolist()])[inverse]


def _full_marks(ruleset: Ruleset, group: npt.NDArray[np.object_] | None, n: int) -> Column:
    if group is None:
        return _column_of_numbers([ruleset.total.max] * n) if n else Column(np.zeros(0), np.zeros(0, dtype=bool))
    names, inverse = np.unique(group, return_inverse=True)
    marks = [ruleset.group(str(g)).max for g in names.tolist()]
    return _column_of_numbers([marks[i] for i in inverse.tolist()])


def _truths(formulas: Run, formula: Formula | None, env: Env, n: int, *, default: bool) -> npt.NDArray[np.bool_]:
    """bool(value) for every unit (NaN is true, as in Python), or `default` when there is no formula."""
    if formula is None:
        return np.full(n, default)
    truths: npt.NDArray[np.bool_] = formulas(formula)(env, n).values != 0
    return truths
