"""Ranking, grades, lists and display rounding: the last stage before rendering.

Units are ordered by the declared value (the unrounded total by default, or
the total as printed), then by the declared tie-break values, with a stable
sort so that exact ties keep their input order.  Each group is ranked on its
own when the ruleset says so; units that are not eligible (too few orders)
are scored but not ranked, and come after the ranked ones.  How tied units
are numbered is declared by the ruleset:

- sequential: 1, 2, 3, 4  (the seed: ties numbered in input order)
- shared:     1, 2, 2, 4  (并列: tied units share a rank, the next is skipped)
- dense:      1, 2, 2, 3
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field
from types import MappingProxyType
from typing import TYPE_CHECKING

from ..data.table import Table
from ..frozen import frozen, frozen_per_row
from ..numbers import format_fixed, seen, spreadsheet_decimal
from ..ruleset.model import Ruleset, UnitList
from .scoring import Scored, Scoring

if TYPE_CHECKING:  # numpy is imported only by a command that scores
    from ..columns.rank import ColumnRanking

Key = tuple[float, ...]


@frozen_per_row  # made once per row: dataclass compiles its __init__
class UnitResult:
    """One unit's result: unrounded scores, the text the table prints, its rank (None: not ranked)."""

    rank: int | None
    entity: str
    inputs: Mapping[str, int | float | str]
    scores: Mapping[str, float]
    total: float
    display: Mapping[str, str]
    group: str | None = None
    grade: str | None = None
    flags: tuple[str, ...] = ()
    values: Mapping[str, int | float] = field(default_factory=dict)


@frozen
class Evaluation:
    """Everything one evaluation produced, as every renderer needs it."""

    ruleset: Ruleset
    table: Table
    aggregates: Mapping[str, int | float | Mapping[str, int | float]]
    results: Sequence[UnitResult]  # a tuple, or the columnar core's results, built when first read
    lists: tuple[tuple[UnitList, tuple[UnitResult, ...]], ...] = ()
    # what scoring noticed and the user must hear (a score above its indicator's weight), one sentence each;
    # printed on stderr as "warning: ..." and kept in the JSON's "warnings"
    warnings: tuple[str, ...] = ()
    # the same result as columns, when the columnar core scored it: JSON and CSV are written from them
    columns: ColumnRanking | None = None

    @property
    def ranked(self) -> tuple[UnitResult, ...]:
        return tuple(r for r in self.results if r.rank is not None)

    @property
    def unranked(self) -> tuple[UnitResult, ...]:
        return tuple(r for r in self.results if r.rank is None)


def rank(ruleset: Ruleset, table: Table, scoring: Scoring) -> Evaluation:
    results: list[UnitResult] = []
    partitions: list[list[tuple[Key, UnitResult]]] = []
    for part in _partitions(ruleset, [u for u in scoring.units if u.eligible]):
        ordered = sorted(part, key=lambda u: _key(ruleset, u))
        keys = [_key(ruleset, u) for u in ordered]
        ranked = [
            _result(ruleset, u, n) for u, n in zip(ordered, rank_numbers(keys, ruleset.ranking.ties), strict=False)
        ]
        partitions.append(list(zip(keys, ranked, strict=False)))
        results += ranked
    results += [_result(ruleset, u, None) for u in scoring.units if not u.eligible]
    order = _group_order(ruleset, scoring.units)
    lists = tuple((unit_list, _members(ruleset, unit_list, partitions, order)) for unit_list in ruleset.lists)
    return Evaluation(ruleset, table, scoring.aggregates, tuple(results), lists, scoring.warnings)


def _group_order(ruleset: Ruleset, units: Sequence[Scored]) -> list[str]:
    """Declared groups first, in their order, then the others as met in the input."""
    return list(dict.fromkeys([g.value for g in ruleset.groups] + [u.group for u in units if u.group is not None]))


def _partitions(ruleset: Ruleset, units: list[Scored]) -> list[list[Scored]]:
    """All units together, or each group apart (in _group_order)."""
    if not ruleset.ranking.per_group:
        return [units]
    return [
        [u for u in units if u.group == g] for g in _group_order(ruleset, units) if any(u.group == g for u in units)
    ]


def _key(ruleset: Ruleset, unit: Scored) -> Key:
    """What a unit is ranked on: the declared value, then each tie-break value; smaller sorts first.

    Values are compared as a spreadsheet sees them (15 significant digits):
    96.66666666666667 and 96.66666666666666 are the same score on paper and
    must tie, as they must for shared (并列) and dense ranks.  With `on:
    display` the value is compared as printed.
    """
    r = ruleset.ranking
    sign = -1.0 if r.order == "descending" else 1.0
    main = unit.total if r.by == "total" else unit.scores[r.by]
    first = (
        float(spreadsheet_decimal(main, ruleset.rounding.places, ruleset.rounding.mode))
        if r.on == "display"
        else _seen(main)
    )
    breakers = [-_seen(unit.scores[b] if b in unit.scores else float(unit.values[b])) for b in r.tie_break]
    return (sign * first, *breakers)  # tie-breaks: highest first, whichever way the total ranks


def _share_key(ruleset: Ruleset, result: UnitResult) -> Key:
    sign = -1.0 if ruleset.ranking.order == "descending" else 1.0
    return (sign * _seen(result.total * 100 / ruleset.group(result.group).max),)


_seen = seen


def rank_numbers(keys: Sequence[object], ties: str) -> list[int]:
    """Rank numbers for already-ordered keys; equal keys are ties."""
    ranks: list[int] = []
    for i, key in enumerate(keys):
        tied = i > 0 and key == keys[i - 1]
        if ties == "sequential" or not tied:
            ranks.append(i + 1 if ties != "dense" else (ranks[-1] + 1 if ranks else 1))
        else:
            ranks.append(ranks[-1])
    return ranks


def _members(
    ruleset: Ruleset, unit_list: UnitList, partitions: list[list[tuple[Key, UnitResult]]], order: list[str]
) -> tuple[UnitResult, ...]:
    """The top (or bottom) `size` ranked units of each group, or of everyone; a unit tied with the last one is in too.

    Across groups with different full marks, units are compared on their share of their group's full marks.
    """
    everyone = [pair for part in partitions for pair in part]
    if unit_list.per_group:  # by the units' groups, whether or not the ranking is
        parts = [[pair for pair in everyone if pair[1].group == g] for g in order]
    elif len({ruleset.group(r.group).max for _, r in everyone}) > 1:
        parts = [[(_share_key(ruleset, r), r) for _, r in everyone]]  # groups out of 150 and of 100: compare shares
    else:
        parts = [everyone]
    members: list[UnitResult] = []
    for part in parts:
        ordered = sorted(part, key=lambda pair: pair[0])  # stable: ties stay in table order
        if not ordered:
            continue
        size = min(unit_list.size, len(ordered))
        if unit_list.end == "top":
            members += [r for k, r in ordered if k <= ordered[size - 1][0]]
        else:  # worst first; sorting in reverse keeps tied units in table order
            members += [r for k, r in sorted(ordered, key=lambda pair: pair[0], reverse=True) if k >= ordered[-size][0]]
    return tuple(members)


def _result(ruleset: Ruleset, unit: Scored, number: int | None) -> UnitResult:
    places, mode = ruleset.rounding.places, ruleset.rounding.mode
    display = {k: format_fixed(v, places, mode) for k, v in unit.scores.items()}
    display["total"] = format_fixed(unit.total, places, mode)
    grade = None
    if ruleset.grades is not None:
        shown = float(spreadsheet_decimal(unit.total, places, mode))
        grade = ruleset.grades.of(shown, ruleset.group(unit.group).max if unit.group is not None else ruleset.total.max)
    return UnitResult(
        number,
        unit.entity,
        MappingProxyType(dict(unit.record.values)),
        unit.scores,
        unit.total,
        MappingProxyType(display),
        unit.group,
        grade,
        unit.flags,
        unit.values,
    )
