"""Ranking, display text and grades over columns: the reference's rules (engine/evaluate/ranking.py) as array work.

Units are ordered by one stable sort per key, last key first, on the keys
the reference compares (seen at 15 significant digits, or as printed), so
exact ties keep their input order as `sorted` keeps them.  Rank numbers come
from where each run of equal keys starts.  The result is the reference's
`Evaluation`, whose `results` are built only when a renderer asks for them:
JSON and CSV are written from the columns without them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import overload

import numpy as np
import numpy.typing as npt

from ..data.records import Table
from ..evaluate.ranking import Evaluation, UnitResult, _members
from ..evaluate.scoring import NAMED_UNITS, _units
from ..i18n import _
from ..numbers import plain_number, seen
from ..ruleset.model import Ruleset, UnitList
from .compile import Column, to_python
from .frame import input_dicts
from .rounding import fixed_many, round_many, seen_many
from .score import ColumnScoring

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class ColumnRanking:
    """The ranked result as columns: `order` holds each result's unit index, in the table's order."""

    scoring: ColumnScoring
    order: Ints
    rank: Ints  # by result position; 0 for a unit that is not ranked
    grade: list[str] | None  # by unit index
    # the printed text is made where it is written (a block at a time), never held for a million units


def rank_columns(ruleset: Ruleset, table: Table, scoring: ColumnScoring, warnings: tuple[str, ...]) -> Evaluation:
    """The Evaluation the reference's `rank` gives for the same scores."""
    n = scoring.columns.n
    eligible = np.flatnonzero(scoring.eligible)
    keys = _keys(ruleset, scoring)
    order_parts, rank_parts, parts = [], [], []
    for part in _partitions(ruleset, scoring, eligible):
        ordered = _sorted(part, keys)
        order_parts.append(ordered)
        rank_parts.append(rank_numbers([k[ordered] for k in keys], ruleset.ranking.ties))
        parts.append(ordered)
    unranked = np.flatnonzero(~scoring.eligible)
    order = np.concatenate([*order_parts, unranked]).astype(np.int64) if n else np.zeros(0, dtype=np.int64)
    rank = np.concatenate([*rank_parts, np.zeros(len(unranked), dtype=np.int64)]).astype(np.int64)
    ranking = ColumnRanking(scoring, order, rank, _grades(ruleset, scoring))
    results = Results(ruleset, ranking)
    lists = _lists(ruleset, results, parts, keys, order) if ruleset.lists else ()
    return Evaluation(ruleset, table, scoring.aggregates, results, lists, warnings, ranking)


def _keys(ruleset: Ruleset, scoring: ColumnScoring) -> list[Floats]:
    """Each unit's ranking keys, as the reference's _key: the declared value (seen, or as printed), then the
    tie-break values seen and negated (highest first)."""
    r = ruleset.ranking
    sign = -1.0 if r.order == "descending" else 1.0
    main = scoring.total.values if r.by == "total" else scoring.scores[r.by]
    first = round_many(main, ruleset.rounding.places, ruleset.rounding.mode) if r.on == "display" else seen_many(main)
    breakers = [-seen_many(_values_of(scoring, b)) for b in r.tie_break]
    return [sign * first, *breakers]


def _values_of(scoring: ColumnScoring, id: str) -> Floats:
    if id in scoring.scores:
        return scoring.scores[id]
    value = scoring.values[id]
    return value.values if isinstance(value, Column) else np.full(scoring.columns.n, float(value))


def _partitions(ruleset: Ruleset, scoring: ColumnScoring, eligible: Ints) -> list[Ints]:
    """The eligible units all together, or each group apart in the reference's group order."""
    if not ruleset.ranking.per_group or scoring.group is None:
        return [eligible]
    groups = scoring.group[eligible]
    return [eligible[groups == g] for g in group_order(ruleset, scoring) if (groups == g).any()]


def group_order(ruleset: Ruleset, scoring: ColumnScoring) -> list[str]:
    """Declared groups first, in their order, then the others as met in the input."""
    met = scoring.group.tolist() if scoring.group is not None else []
    return list(dict.fromkeys([g.value for g in ruleset.groups] + met))


def _sorted(part: Ints, keys: Sequence[Floats]) -> Ints:
    """`part` ordered as Python's stable sort orders tuples of these keys: one stable sort a key, the last first."""
    ordered = part
    for key in reversed(keys):
        ordered = ordered[np.argsort(key[ordered], kind="stable")]
    return ordered


def rank_numbers(keys: Sequence[Floats], ties: str) -> Ints:
    """The reference's rank_numbers for keys already in order: a run of equal keys is a tie."""
    n = len(keys[0]) if keys else 0
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    tied = np.zeros(n, dtype=bool)
    tied[1:] = True
    for key in keys:
        tied[1:] &= key[1:] == key[:-1]
    positions = np.arange(1, n + 1, dtype=np.int64)
    if ties == "sequential":
        return positions
    if ties == "dense":
        return np.cumsum(~tied).astype(np.int64)
    return np.maximum.accumulate(np.where(tied, 0, positions)).astype(np.int64)  # shared: where the run starts


def _grades(ruleset: Ruleset, scoring: ColumnScoring) -> list[str] | None:
    """Each unit's grade from its total as printed, against its group's full marks."""
    grades = ruleset.grades
    if grades is None:
        return None
    shown = round_many(scoring.total.values, ruleset.rounding.places, ruleset.rounding.mode).tolist()
    groups = scoring.group.tolist() if scoring.group is not None else [None] * len(shown)
    full = {g: ruleset.group(g).max if g is not None else ruleset.total.max for g in set(groups)}
    return [grades.of(s, full[g]) for s, g in zip(shown, groups, strict=True)]


def _lists(
    ruleset: Ruleset, results: Results, parts: list[Ints], keys: list[Floats], order: Ints
) -> tuple[tuple[UnitList, tuple[UnitResult, ...]], ...]:
    """The reference's lists, from its own _members over the ranked units' key tuples."""
    at = {int(unit): position for position, unit in enumerate(order.tolist())}
    pairs = [[(tuple(float(k[u]) for k in keys), results[at[int(u)]]) for u in part.tolist()] for part in parts]
    groups = group_order(ruleset, results.ranking.scoring)
    return tuple((unit_list, _members(ruleset, unit_list, pairs, groups)) for unit_list in ruleset.lists)


class Results(Sequence[UnitResult]):
    """The UnitResults of a ColumnRanking, built all at once the first time a renderer reads one."""

    def __init__(self, ruleset: Ruleset, ranking: ColumnRanking) -> None:
        self.ruleset, self.ranking = ruleset, ranking
        self._built: list[UnitResult] | None = None

    def __len__(self) -> int:
        return len(self.ranking.order)

    @overload
    def __getitem__(self, index: int) -> UnitResult: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[UnitResult]: ...
    def __getitem__(self, index: int | slice) -> UnitResult | Sequence[UnitResult]:
        return self._all()[index]

    def __iter__(self) -> Iterator[UnitResult]:
        return iter(self._all())

    def _all(self) -> list[UnitResult]:
        if self._built is None:
            self._built = build_results(self.ruleset, self.ranking)
        return self._built


def build_results(ruleset: Ruleset, ranking: ColumnRanking) -> list[UnitResult]:
    """One UnitResult per unit, in result order, with the reference's mappings in the reference's key order."""
    s = ranking.scoring
    inputs = unit_inputs(ruleset, s)
    score_ids = list(s.scores)
    scores = list(zip(*(s.scores[i].tolist() for i in score_ids), strict=True)) if score_ids else [()] * s.columns.n
    shown_ids = [*score_ids, "total"]
    places, mode = ruleset.rounding.places, ruleset.rounding.mode
    printed = [fixed_many(s.scores[i], places, mode) for i in score_ids] + [fixed_many(s.total.values, places, mode)]
    shown = list(zip(*printed, strict=True))
    totals = to_python(s.total)
    values = _unit_values(s)
    groups = s.group.tolist() if s.group is not None else [None] * s.columns.n
    flags = _unit_flags(s)
    out = []
    for unit, number in zip(ranking.order.tolist(), ranking.rank.tolist(), strict=True):
        out.append(
            UnitResult(
                number or None,
                s.entity[unit],
                MappingProxyType(inputs[unit]),
                MappingProxyType(dict(zip(score_ids, scores[unit], strict=True))),
                totals[unit],
                MappingProxyType(dict(zip(shown_ids, shown[unit], strict=True))),
                groups[unit],
                ranking.grade[unit] if ranking.grade is not None else None,
                flags[unit],
                MappingProxyType(values[unit]),
            )
        )
    return out


def unit_inputs(ruleset: Ruleset, s: ColumnScoring) -> list[dict[str, int | float | str]]:
    return input_dicts(s.columns, ruleset.inputs)


def _unit_values(s: ColumnScoring) -> list[dict[str, int | float]]:
    ids = list(s.values)
    if not ids:
        return [{} for _unit in range(s.columns.n)]
    lists = [to_python(v) if isinstance(v, Column) else [v] * s.columns.n for v in s.values.values()]
    return [dict(zip(ids, row, strict=True)) for row in zip(*lists, strict=True)]


def _unit_flags(s: ColumnScoring) -> list[tuple[str, ...]]:
    if not s.flags:
        return [()] * s.columns.n
    raised = [[] for _unit in range(s.columns.n)]  # type: list[list[str]]
    for flag_id, hits in s.flags.items():
        for unit in np.flatnonzero(hits).tolist():
            raised[unit].append(flag_id)
    return [tuple(r) for r in raised]


# --- the warnings scoring says about bounds (the reference's out_of_bounds, over columns) -----------------


@dataclass(frozen=True, slots=True)
class _Named:
    entity: str


def bound_warnings(ruleset: Ruleset, s: ColumnScoring) -> tuple[str, ...]:
    """The reference's out_of_bounds: an indicator scored outside 0..its weight, a total outside its bounds."""
    found: list[str] = []
    for indicator in ruleset.indicators:
        if indicator.kind != "score":
            continue
        score = s.scores[indicator.id]
        weight, moved = _weights_of(ruleset, indicator.id, s)
        what = _("the indicator '{id}' ({label})", id=indicator.id, label=indicator.label)
        above = _seen_above(score, weight, moved)
        below = _seen_below_zero(score)
        if len(above):
            found.append(
                _(
                    "{what} scores above its weight for {units}: nothing holds a score to its weight, so check its formula (e.g. min(weight, ...))",
                    what=what,
                    units=_hits(ruleset, s, above, score, weight),
                )
            )
        if len(below):  # named with its weight, as the reference names it
            found.append(
                _(
                    "{what} scores below 0 for {units}: check its formula (e.g. max(0, ...))",
                    what=what,
                    units=_hits(ruleset, s, below, score, weight),
                )
            )
    return tuple(found + _total_warnings(ruleset, s))


def _total_warnings(ruleset: Ruleset, s: ColumnScoring) -> list[str]:
    total, n, out = ruleset.total, s.columns.n, []
    values = s.total.values
    if not total.cap:
        full, moved = _full_of(ruleset, s)
        bonus = np.zeros(n)
        if total.formula is None:
            for i in ruleset.indicators:
                if i.kind == "bonus":
                    bonus = bonus + s.scores[i.id]
        above = _seen_above(values - bonus, full, moved)
        if len(above):
            out.append(
                _(
                    "the total is above full marks for {units}: total.cap: true would hold it to full marks",
                    units=_hits(ruleset, s, above, values, full),
                )
            )
    if total.floor is None:
        below = _seen_below_zero(values)
        if len(below):
            out.append(
                _(
                    "the total is below 0 for {units}: total.floor: 0 would hold it at 0",
                    units=_hits(ruleset, s, below, values, np.zeros(n)),
                )
            )
    return out


def _hits(ruleset: Ruleset, s: ColumnScoring, units: Ints, value: Floats, bound: Floats) -> str:
    """The reference's wording, from its own _units: the first few units by name, then how many more."""
    first = units[:NAMED_UNITS].tolist()
    hits: list[tuple[object, float, float]] = [(_Named(s.entity[u]), float(value[u]), _number(bound[u])) for u in first]
    hits += [(None, 0.0, 0.0)] * (len(units) - len(first))
    return _units(ruleset, hits)  # type: ignore[arg-type]


def _number(x: float) -> float:
    return x


def _seen_above(values: Floats, bound: Floats, moved: bool) -> Ints:
    """np.flatnonzero(seen_many(values) > bound), seeing only the values that can be above.

    seen (15 digits, read back) is monotone, so v <= b gives seen(v) <= seen(b), which is b itself unless
    seen moves b up (`moved`, said of the few bounds there are): then no value at or below its bound is
    seen above it, and only the rest (few, or none) are seen.  At a million units that is 8 passes of
    seen_many saved on the seed.
    """
    maybe = np.arange(len(values)) if moved else np.flatnonzero(~(values <= bound))
    return maybe[seen_many(values[maybe]) > bound[maybe]]


def _seen_below_zero(values: Floats) -> Ints:
    """np.flatnonzero(seen_many(values) < 0): seen is monotone and seen(0) is 0, so only negative values can be."""
    maybe = np.flatnonzero(values < 0)
    return maybe[seen_many(values[maybe]) < 0]


def _per_unit(s: ColumnScoring, of: Callable[[str | None], float]) -> tuple[Floats, bool]:
    """Each unit's bound (the ruleset's, or its group's), and whether seen moves any of them up."""
    if s.group is None:
        value = of(None)
        return np.full(s.columns.n, value), seen(value) > value
    groups = s.group.tolist()
    by_group = {g: of(g) for g in set(groups)}
    return np.array([by_group[g] for g in groups], dtype=np.float64), any(seen(v) > v for v in by_group.values())


def _weights_of(ruleset: Ruleset, id: str, s: ColumnScoring) -> tuple[Floats, bool]:
    indicator = ruleset.indicator(id)
    return _per_unit(s, lambda g: float(indicator.weight) if g is None else float(ruleset.group(g).weight(indicator)))


def _full_of(ruleset: Ruleset, s: ColumnScoring) -> tuple[Floats, bool]:
    return _per_unit(s, lambda g: float(ruleset.total.max) if g is None else float(ruleset.group(g).max))


__all__ = ["ColumnRanking", "Results", "bound_warnings", "plain_number", "rank_columns", "rank_numbers"]
