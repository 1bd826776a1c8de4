"""Two units scored again after one input of one of them changed, as `kaoping evaluate` on the changed table
would score them, without scoring the other units again.

The input search (input_changes.py) asks, for many candidate changes at once, whether the lower unit of a
pair now reaches the upper one's printed total and whether it now comes before it.  Rescoring the whole table
for each candidate is far too slow for 10,000 units, so each candidate is two rows: the changed unit (its one
input replaced) and the unit it is compared with, both scored by the engine's own compiled column formulas
(engine/columns, bit for bit the reference's arithmetic) with the population aggregates as the changed table
has them.  An aggregate changes only through the changed unit's own value of `of`:

- a sum (or mean) of whole numbers is the group's integer sum less the unit's old value plus its new one,
  exact in float64 while every figure stays below 2**53; any other sum is the reference's own left-to-right
  fold, continued from the unit's position with its new value (a spreadsheet's SUM; floats differ in their
  last bits with any other order, and a last bit decides a printed tie): for every candidate at once by
  `suffix_folds`, a pass over the rest of the unit's group each (the one cost here that grows with the table);
- a max (min) is the others' extreme or the new value, the first in table order on equal values, as
  Python's max picks;
- a count does not change.

Where that is not enough the whole changed table is scored by `evaluate_table` itself, one candidate at a
time (`Rescorer.slow`): an aggregate whose `of` reads another aggregate that the change moves (every unit's
value then changes, e.g. a max of a share of a total), a table the columns cannot hold, a formula the
columns do not compile, or an integer past 2**53.  A candidate for which a formula fails (evaluate would refuse the table) counts as not reaching.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from ..columns.compile import FAILS, Column, NeedsReference, column_of, to_python
from ..columns.frame import Columns, columns_of_records
from ..columns.rounding import round_many, seen_many
from ..columns.score import Env, _indicator, _total, _truths, formulas_of, score_columns
from ..data.records import Record
from ..errors import KaopingError
from ..evaluate.pipeline import evaluate_table
from ..evaluate.ranking import Evaluation
from ..ruleset.expr import Number
from ..ruleset.model import Aggregate, Ruleset

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
LIMIT = 2.0**53


@dataclass(frozen=True, slots=True, eq=False)
class Verdicts:
    """Per candidate: the lower unit's printed value reaches or passes the upper's (both still ranked), and
    the lower unit comes before the upper in the published order."""

    reach: Bools
    overtake: Bools


class Population:
    """One aggregate's values over the table (`of` for each unit), and what is needed to recompute it
    quickly with one unit's value replaced."""

    def __init__(self, aggregate: Aggregate, values: list[Number], groups: Sequence[str | None]) -> None:
        self.function = aggregate.function
        self.values = values
        self.own = np.array([float(v) for v in values])
        self.members: dict[str | None, list[int]] = {}
        for i, g in enumerate(groups if aggregate.per_group else [None] * len(values)):
            self.members.setdefault(g, []).append(i)
        self.key = [None] * len(values) if not aggregate.per_group else list(groups)
        self.position = np.zeros(len(values), dtype=np.int64)
        self.sums = np.zeros(len(values))
        self.counts = np.zeros(len(values))
        self.whole = all(type(v) is int and abs(v) < LIMIT for v in values)
        self.small = all(type(v) is not int or abs(v) < LIMIT for v in values)  # float64 holds each exactly
        self.group_of = np.zeros(len(values), dtype=np.int64)
        for number, members in enumerate(self.members.values()):
            self.group_of[members] = number
        self._arrays: dict[int, tuple[Floats, Floats]] = {}
        self.extreme = np.full(len(values), np.nan), np.zeros(len(values), np.bool_), np.full(len(values), -1)
        self._prefix: dict[str | None, list[Number]] = {}
        for members in self.members.values():
            self._fill(members)

    def _fill(self, members: list[int]) -> None:
        """Each member's position, its group's integer sum and count, and the extreme of the others."""
        mine = [self.values[i] for i in members]
        total = float(sum(mine)) if self.whole else 0.0  # Python ints: exact whatever the order
        for position, i in enumerate(members):
            self.position[i], self.sums[i], self.counts[i] = position, total, len(members)
        if self.function not in ("max", "min") or not members:
            return
        pick = max if self.function == "max" else min
        first = members[mine.index(pick(mine))]  # the first of equal extremes, as Python's max gives
        rest = [i for i in members if i != first]
        second = rest[[self.values[i] for i in rest].index(pick(self.values[i] for i in rest))] if rest else -1
        for i in members:
            at = second if i == first else first
            if at >= 0:
                self.extreme[0][i], self.extreme[1][i] = float(self.values[at]), type(self.values[at]) is int
                self.extreme[2][i] = at

    def replaced(self, units: Ints, new: Column) -> tuple[Floats, Bools]:
        """The aggregate with each unit's value replaced by its new one (one candidate each): values, whole."""
        if self.function == "count":
            return self.counts[units], np.ones(len(units), np.bool_)
        if self.function in ("max", "min"):
            return self._extreme(units, new)
        less = self.sums[units] - self.own[units]
        values = less + new.values
        big = np.maximum(np.maximum(np.abs(self.sums[units]), np.abs(less)), np.abs(values)) >= LIMIT
        slow = ~(self.whole & new.whole) | big
        whole = ~slow
        by_rows = slow & (big | (not self.small))  # Python's own fold: integers float64 cannot hold
        if (slow & ~by_rows).any():
            rows = np.flatnonzero(slow & ~by_rows)
            values[rows] = self._float_folds(units[rows], new.values[rows])  # a float among them: a float sum
        for r in np.flatnonzero(by_rows).tolist():
            folded = self._fold(int(units[r]), int(new.values[r]) if new.whole[r] else float(new.values[r]))
            values[r], whole[r] = float(folded), type(folded) is int
            if whole[r] and abs(folded) >= LIMIT:
                raise NeedsReference("an aggregate is an integer past 2**53")
        if self.function == "mean":
            return values / self.counts[units], np.zeros(len(units), np.bool_)
        return values, whole

    def _fold(self, unit: int, value: Number) -> Number:
        """The reference's left-to-right sum of the unit's group with its value replaced (from 0, as SUM)."""
        members = self.members[self.key[unit]]
        prefix = self._prefix.get(self.key[unit])
        if prefix is None:
            prefix = self._prefix[self.key[unit]] = [0]
            for i in members:
                prefix.append(prefix[-1] + self.values[i])
        at = int(self.position[unit])
        return functools.reduce(operator.add, (self.values[i] for i in members[at + 1 :]), prefix[at] + value)

    def _float_folds(self, units: Ints, new: Floats) -> Floats:
        """The reference's left-to-right sum of each unit's group with its value replaced, where a float is
        among them: float64 additions in the fold's order are Python's own (every integer below 2**53)."""
        out = np.empty(len(units))
        groups = self.group_of[units]
        for number in np.unique(groups).tolist():
            rows = np.flatnonzero(groups == number)
            found = self._arrays.get(number)
            if found is None:
                values = self.own[list(self.members.values())[number]]
                found = self._arrays[number] = values, np.add.accumulate(np.concatenate([[0.0], values]))
            positions = self.position[units[rows]]
            out[rows] = suffix_folds(found[0], positions, found[1][positions] + new[rows])
        return out

    def _extreme(self, units: Ints, new: Column) -> tuple[Floats, Bools]:
        other, other_whole, at = (a[units] for a in self.extreme)
        better = new.values > other if self.function == "max" else new.values < other
        equal_first = (new.values == other) & (units < at)
        take = better | equal_first | (at < 0)
        return np.where(take, new.values, other), np.where(take, new.whole, other_whole)


FOLDED = 4_000_000  # additions of one suffix_folds batch (32 MB)


def suffix_folds(values: Floats, positions: Ints, starts: Floats) -> Floats:
    """For each row, starts[r] + values[positions[r] + 1] + ... + values[-1], one IEEE addition at a time.

    A batch of rows is one matrix, each row its suffix padded with zeros at the end (x + 0.0 is x: the
    running sum of a fold from 0 is never -0.0), its first element added to its start; np.add.accumulate
    along a row then adds one element at a time, in order, as the reference's fold does (numpy's sum is
    pairwise and differs).
    """
    out = starts.astype(np.float64, copy=True)
    order = np.argsort(positions, kind="stable")  # the longest suffixes first
    n, at = len(values), 0
    padded = np.concatenate([values, np.zeros(n)])
    while at < len(order):
        width = n - 1 - int(positions[order[at]])
        if width == 0:
            break  # the last of the group: nothing follows, the sum is the start
        chunk = order[at : at + max(1, FOLDED // width)]
        windows = np.lib.stride_tricks.sliding_window_view(padded, width)
        matrix = windows[positions[chunk] + 1]  # a copy: row r is values[p + 1 :], then zeros
        matrix[:, 0] += out[chunk]
        np.add.accumulate(matrix, axis=1, out=matrix)
        out[chunk] = matrix[:, -1]
        at += len(chunk)
    return out


def plan(ruleset: Ruleset, input_id: str) -> tuple[str, ...] | None:
    """The aggregates a change of this input moves (through the changed unit's own `of` only), or None when
    one of them reads a value the change moves for every unit (the whole table must be scored again)."""
    mine, everyone, moved = {input_id}, set[str](), list[str]()
    derived = {x.id: x.formula for x in ruleset.derived}
    for step in ruleset.steps:
        if any(a.id == step for a in ruleset.aggregates):
            of = ruleset.aggregate(step).of
            reads = set(of.names) if of else set()
            if reads & everyone:
                return None
            if reads & mine:
                moved.append(step)
                everyone.add(step)
                mine.add(step)
            continue
        formula = derived[step] if step in derived else ruleset.indicator(step).formula
        reads = set(formula.names)
        if reads & everyone:
            everyone.add(step)
        if reads & (mine | everyone):
            mine.add(step)
    return tuple(moved)


class Rescorer:
    """Verdicts for candidate changes of one input of the lower unit of a pair (see the module's doc)."""

    def __init__(self, ruleset: Ruleset, evaluation: Evaluation) -> None:
        self.ruleset, self.table, self.evaluation = ruleset, evaluation.table, evaluation
        self.records = tuple(evaluation.table.records)
        self.index = {str(r.values[ruleset.key]): i for i, r in enumerate(self.records)}
        self.columns = evaluation.table.columns or columns_of_records(self.records, ruleset.inputs)
        self.populations: dict[str, Population] = {}
        self.plans: dict[str, tuple[str, ...] | None] = {}
        self.base: Env = {}
        self.group: npt.NDArray[np.object_] | None = None
        self.fast = self.columns is not None and self._start(self.columns)

    def _start(self, columns: Columns) -> bool:
        """Score the table by columns once (the env every candidate starts from); False if they cannot."""
        try:
            scoring = score_columns(self.ruleset, columns)
        except NeedsReference:
            return False
        env: Env = {i.id: column_of(columns.values[i.id]) for i in self.ruleset.inputs if i.numeric}
        env.update(scoring.values)
        env.update({k: column_of(v) for k, v in scoring.scores.items()})
        self.base, self.group = env, scoring.group
        return True

    def verdicts(self, input_id: str, lower: Ints, upper: Ints, new: Column) -> Verdicts:
        """For each candidate r: unit lower[r] with `input_id` set to new[r], compared with unit upper[r]."""
        valid = np.ones(len(lower), np.bool_)
        moved = self._plan(input_id) if self.fast else None
        while moved is not None:
            keep = np.flatnonzero(valid)
            if not len(keep):
                return Verdicts(valid, valid.copy())
            try:
                found = self._fast(input_id, moved, lower[keep], upper[keep], _take(new, keep))
            except NeedsReference as e:
                if e.reason != FAILS or not e.units:
                    break
                valid[keep[np.unique(np.array(e.units) % len(keep))]] = False  # evaluate would refuse these
                continue
            reach, overtake = np.zeros(len(lower), np.bool_), np.zeros(len(lower), np.bool_)
            reach[keep], overtake[keep] = found.reach, found.overtake
            return Verdicts(reach, overtake)
        return self.slow(input_id, lower, upper, new)

    def _plan(self, input_id: str) -> tuple[str, ...] | None:
        if input_id not in self.plans:
            self.plans[input_id] = plan(self.ruleset, input_id)
        return self.plans[input_id]

    def _population(self, aggregate: Aggregate) -> Population:
        found = self.populations.get(aggregate.id)
        if found is None:
            assert aggregate.of is not None and self.columns is not None  # plan() moves only aggregates of a value
            n = self.columns.n
            values = to_python(formulas_of(self.ruleset)(aggregate.of)(self.base, n))
            groups = self.group.tolist() if self.group is not None else [None] * n
            found = self.populations[aggregate.id] = Population(aggregate, values, groups)
        return found

    def _fast(self, input_id: str, moved: tuple[str, ...], lower: Ints, upper: Ints, new: Column) -> Verdicts:
        """Both rows of every candidate scored at once, step by step, as score_columns scores a table."""
        ruleset, r, rows = self.ruleset, len(lower), np.concatenate([lower, upper])
        n = len(rows)
        inputs = {i.id: _take(_column(self.base[i.id]), rows) for i in ruleset.inputs if i.numeric}
        kept = inputs[input_id].values[r:], inputs[input_id].whole[r:]  # the upper rows keep their own value
        inputs[input_id] = Column(np.concatenate([new.values, kept[0]]), np.concatenate([new.whole, kept[1]]))
        env: Env = dict(inputs)
        group = self.group[rows] if self.group is not None else None
        formulas = formulas_of(ruleset).run()
        derived = {x.id: x.formula for x in ruleset.derived}
        with np.errstate(all="ignore"):
            for step in ruleset.steps:
                if step in moved:
                    of = ruleset.aggregate(step).of
                    assert of is not None  # plan() moves only an aggregate of a value
                    env[step] = self._moved(step, env, lower, upper, formulas(of)(env, n))
                elif any(a.id == step for a in ruleset.aggregates):
                    base = self.base[step]
                    env[step] = _take(base, rows) if isinstance(base, Column) else base
                elif step in derived:
                    env[step] = formulas(derived[step])(env, n)
                else:
                    env[step] = column_of(_indicator(ruleset, formulas, step, env, group, n))
            total = _total(ruleset, formulas, env, group, n)
            eligible = _truths(formulas, ruleset.ranking.eligible, env, n, default=True)
        return self._judge(env, total, eligible, lower, upper)

    def _moved(self, id: str, env: Env, lower: Ints, upper: Ints, of: Column) -> Column:
        """A moved aggregate as each row sees it: the lower unit's group has the new value; the upper unit
        sees it too, unless the aggregate is per group and the upper unit is in another group."""
        aggregate, r = self.ruleset.aggregate(id), len(lower)
        values, whole = self._population(aggregate).replaced(lower, _take(of, np.arange(r)))
        base = self.base[id]
        if aggregate.per_group and isinstance(base, Column) and self.group is not None:
            other = self.group[upper] != self.group[lower]
            upper_values = np.where(other, base.values[upper], values)
            upper_whole = np.where(other, base.whole[upper], whole)
        else:
            upper_values, upper_whole = values, whole
        return Column(np.concatenate([values, upper_values]), np.concatenate([whole, upper_whole]))

    def _judge(self, env: Env, total: Column, eligible: Bools, lower: Ints, upper: Ints) -> Verdicts:
        """Printed values compared in the ranking's direction; then the ranking keys, as ranking._key builds them."""
        ruleset, r = self.ruleset, len(lower)
        ranking, places, mode = ruleset.ranking, ruleset.rounding.places, ruleset.rounding.mode
        main = total.values if ranking.by == "total" else _values(env[ranking.by], 2 * r)
        sign = -1.0 if ranking.order == "descending" else 1.0
        printed = round_many(main, places, mode)
        ranked = eligible[:r] & eligible[r:]
        reach = ranked & (sign * printed[:r] <= sign * printed[r:])
        first = printed if ranking.on == "display" else seen_many(main)
        keys = [sign * first, *(-seen_many(_values(env[b], 2 * r)) for b in ranking.tie_break)]
        less, equal = np.zeros(r, np.bool_), np.ones(r, np.bool_)
        for key in keys:
            less |= equal & (key[:r] < key[r:])
            equal &= key[:r] == key[r:]
        return Verdicts(reach, ranked & (less | (equal & (lower < upper))))

    def slow(self, input_id: str, lower: Ints, upper: Ints, new: Column) -> Verdicts:
        """Each candidate's whole changed table scored by evaluate_table itself, and the two units read off it."""
        reach, overtake = np.zeros(len(lower), np.bool_), np.zeros(len(lower), np.bool_)
        for c, (u, p) in enumerate(zip(lower.tolist(), upper.tolist(), strict=True)):
            value: Number = int(new.values[c]) if new.whole[c] else float(new.values[c])
            records = list(self.records)
            records[u] = Record(records[u].row, MappingProxyType({**records[u].values, input_id: value}))
            try:
                evaluation = evaluate_table(
                    self.ruleset, replace(self.table, records=tuple(records), columns=None), _quiet
                )
            except KaopingError:
                continue
            reach[c], overtake[c] = self._read(evaluation, u, p)
        return Verdicts(reach, overtake)

    def _read(self, evaluation: Evaluation, lower: int, upper: int) -> tuple[bool, bool]:
        """Whether the lower unit's printed value reaches the upper's, and whether it comes first, both ranked."""
        names = str(self.records[lower].values[self.ruleset.key]), str(self.records[upper].values[self.ruleset.key])
        found = {r.entity: (i, r) for i, r in enumerate(evaluation.results) if r.entity in names}
        (at_lower, low), (at_upper, up) = found[names[0]], found[names[1]]
        if low.rank is None or up.rank is None:
            return False, False
        field = self.ruleset.ranking.by
        a, b = Decimal(low.display[field]), Decimal(up.display[field])
        reach = a >= b if self.ruleset.ranking.order == "descending" else a <= b
        return reach, at_lower < at_upper


def _quiet(_stage: str) -> None:
    """evaluate_table's progress, unheard."""


def _column(value: Column | Number) -> Column:
    assert isinstance(value, Column)  # an input's values, one a unit
    return value


def _take(value: Column, rows: Ints) -> Column:
    return Column(value.values[rows], value.whole[rows])


def _values(value: Column | Number, n: int) -> Floats:
    return value.values if isinstance(value, Column) else np.full(n, float(value))
