"""Ranking and display rounding: the last stage before rendering.

Units are ordered by the declared value (the unrounded total by default),
with a stable sort so that exact ties keep their input order.  How tied
units are numbered is declared by the ruleset:

- sequential: 1, 2, 3, 4  (the seed: ties numbered in input order)
- shared:     1, 2, 2, 4  (并列: tied units share a rank, the next is skipped)
- dense:      1, 2, 2, 3
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping, Sequence

from .data import Table
from .model import Ruleset
from .numbers import format_fixed
from .scoring import Scored, Scoring


@dataclass(frozen=True, slots=True)
class UnitResult:
    """One ranked unit, with its unrounded scores and the text the table prints."""

    rank: int
    entity: str
    inputs: Mapping[str, int | float | str]
    scores: Mapping[str, float]
    total: float
    display: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Everything one evaluation produced, as every renderer needs it."""

    ruleset: Ruleset
    table: Table
    aggregates: Mapping[str, int | float]
    results: tuple[UnitResult, ...]


def rank(ruleset: Ruleset, table: Table, scoring: Scoring) -> Evaluation:
    ordered = _ordered(ruleset, scoring.units)
    values = [_rank_value(ruleset, u) for u in ordered]
    ranks = rank_numbers(values, ruleset.ranking.ties)
    results = tuple(_result(ruleset, unit, n) for unit, n in zip(ordered, ranks))
    return Evaluation(ruleset, table, scoring.aggregates, results)


def _rank_value(ruleset: Ruleset, unit: Scored) -> float:
    """The value ranked on, as a spreadsheet sees it (15 significant digits).

    96.66666666666667 and 96.66666666666666 are the same score on paper (12
    orders at 11 on time, 4 at 4): seen at 15 digits they tie, as they must
    for shared (并列) and dense ranks.
    """
    value = unit.total if ruleset.ranking.by == "total" else unit.scores[ruleset.ranking.by]
    return float(format(value, ".15g"))


def _ordered(ruleset: Ruleset, units: Sequence[Scored]) -> list[Scored]:
    sign = -1.0 if ruleset.ranking.order == "descending" else 1.0
    return sorted(units, key=lambda u: sign * _rank_value(ruleset, u))


def rank_numbers(values: Sequence[float], ties: str) -> list[int]:
    """Rank numbers for already-ordered values; equal values are ties."""
    ranks: list[int] = []
    for i, value in enumerate(values):
        tied = i > 0 and value == values[i - 1]
        if ties == "sequential" or not tied:
            ranks.append(i + 1 if ties != "dense" else (ranks[-1] + 1 if ranks else 1))
        else:
            ranks.append(ranks[-1])
    return ranks


def _result(ruleset: Ruleset, unit: Scored, number: int) -> UnitResult:
    places, mode = ruleset.rounding.places, ruleset.rounding.mode
    display = {k: format_fixed(v, places, mode) for k, v in unit.scores.items()}
    display["total"] = format_fixed(unit.total, places, mode)
    return UnitResult(number, unit.entity, MappingProxyType(dict(unit.record.values)), unit.scores, unit.total, MappingProxyType(display))
