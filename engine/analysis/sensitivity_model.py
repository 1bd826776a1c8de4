"""What `kaoping sensitivity` finds, as frozen data every renderer reads (table, JSON, HTML).

Tipping points are exact rationals (`Fraction`) wherever the tracer could
solve them (`method: exact`): a printed tie decided by the declared
half-up rounding sits at a point like 1921/36, which no float names.  The
renderers print them as decimals and JSON also carries the fraction.
Null (None) means no such point exists within the weight's valid range.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from ..evaluate.ranking import Evaluation, UnitResult
from ..frozen import frozen

Method = str  # "exact" | "bisection"


@frozen
class Interval:
    """[lo, hi] of weight values; an end that is open (the change happens exactly there) says so."""

    lo: Fraction
    hi: Fraction
    lo_closed: bool = True
    hi_closed: bool = True


@frozen
class PairTip:
    """Where one adjacent pair (above ranked before below at the current weight) stops being as published.

    Each value is the nearest such weight on either side of the current one, or None.  `*_closed` says
    whether that nearest value itself has the property (an open end: the tie holds just past it)."""

    above: str
    below: str
    group: str | None
    swap_at: Fraction | None  # the unrounded totals cross (below's passes above's)
    printed_tie_at: Fraction | None  # the printed totals become equal
    printed_swap_at: Fraction | None  # below's printed total passes above's
    method: Method = "exact"
    swap_closed: bool = False
    printed_tie_closed: bool = True
    printed_swap_closed: bool = True


@frozen
class Line:
    """One unit's total against the weight: (weight, total) at the range's ends and every breakpoint, in
    weight order; a jump (a threshold) gives two points at the same weight."""

    entity: str
    points: tuple[tuple[Fraction, Fraction], ...]


@frozen
class WeightResult:
    """One weight varied over its valid range."""

    id: str  # indicator id, or ID@GROUP for a group's own weight
    label: str
    current: Fraction
    range: Interval
    method: Method
    order_stable: Interval
    lists_stable: Mapping[str, Interval]  # list id -> the interval its membership stays the same
    grades_stable: Interval | None  # None: the ruleset has no grades
    pairs: tuple[PairTip, ...]  # tightest first (nearest tipping point to the current weight)
    lines: tuple[Line, ...]  # every ranked unit's total against the weight
    note: str = ""  # why the method is bisection, said to the user


@frozen
class InputChange:
    """The smallest change of one input of the lower unit, alone, that lets its printed total reach the upper's.

    `by` is signed, in the input's own units (whole orders for an integer input); `overtakes_by` is the
    smallest change that also puts it above in the published order (None if none within bounds)."""

    input: str
    by: int | float
    step: int | float = 1
    overtakes_by: int | float | None = None


@frozen
class PairChanges:
    above: str
    below: str
    group: str | None
    changes: tuple[InputChange, ...]  # only inputs with a change within bounds; smallest |by| first
    none: tuple[str, ...] = ()  # inputs no change within bounds can do it with


@frozen
class Sensitivity:
    evaluation: Evaluation  # the published result at the current weights
    rebalance: str  # "none" | "proportional"
    weights: tuple[WeightResult, ...]
    inputs: tuple[PairChanges, ...]
    notes: tuple[str, ...] = ()


def adjacent_pairs(evaluation: Evaluation) -> list[tuple[UnitResult, UnitResult]]:
    """Every pair of ranked units next to each other in the published order, within each group when
    groups are ranked apart: the first change to a sorted order is always between neighbours."""
    ranked = evaluation.ranked
    pairs = []
    for upper, lower in zip(ranked, ranked[1:], strict=False):
        if evaluation.ruleset.ranking.per_group and upper.group != lower.group:
            continue
        pairs.append((upper, lower))
    return pairs
