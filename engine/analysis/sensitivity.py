"""`kaoping sensitivity`: how far each weight, and each input, can move before the published table changes.

For each weight, every unit's total is traced as exact linear pieces over
the weight's valid range (engine/analysis/pieces.py); each adjacent pair's
tipping points, and the intervals within which the order, each list and
each grade stay as published, are solved on those pieces
(engine/analysis/tipping.py).  A formula that is not piecewise linear in
the weight (a product of two weighted scores) is instead sampled exactly on
a grid and every hit bisected: `method: bisection`, with its tolerance said.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from types import MappingProxyType

from ..errors import UsageError
from ..evaluate.ranking import Evaluation
from ..i18n import _
from ..ruleset.model import Ruleset, UnitList
from .affine import Aff, NonLinear, Q, exact, fraction, printed
from .crossing import Fn, Found, nearest
from .pieces import Piece, Units, unit_weights
from .sensitivity_model import Interval, Line, PairTip, Sensitivity, WeightResult, adjacent_pairs
from .tipping import Pairing, Side

GRID = 256  # grid intervals over the range when the formula is not piecewise linear in the weight
TOLERANCE = Q(1, 10**9)  # of the range: how near bisection comes to a tipping point


def default_rebalance(ruleset: Ruleset) -> str:
    """proportional where the score weights must add up to full marks (so a change keeps them adding up)."""
    has_scores = any(i.kind == "score" for i in ruleset.indicators)
    return "proportional" if has_scores and ruleset.total.formula is None else "none"


def weight_ids(ruleset: Ruleset) -> list[str]:
    """Every weight that can be varied: each indicator's, and each group's own (ID@GROUP)."""
    ids = [i.id for i in ruleset.indicators]
    ids += [f"{id}@{g.value}" for g in ruleset.groups for id, _w in g.weights]
    return ids


def sensitivity(
    ruleset: Ruleset, evaluation: Evaluation, weights: Sequence[str] = (), rebalance: str | None = None
) -> Sensitivity:
    """Every weight's tipping points (or those named) and, for each adjacent pair, the input changes."""
    known = weight_ids(ruleset)
    unknown = [w for w in weights if w not in known]
    if unknown:
        raise UsageError(
            _(
                "--weight {name!r} is not a weight of this ruleset; its weights are: {known}",
                name=unknown[0],
                known=", ".join(known),
            ),
            code="cli.unknown-weight",
        )
    chosen = rebalance or default_rebalance(ruleset)
    units = Units(ruleset, evaluation)
    results = tuple(_weight(ruleset, evaluation, units, id, chosen) for id in (list(weights) or known))
    from .input_changes import input_changes

    notes = tuple(r.note for r in results if r.note)
    return Sensitivity(evaluation, chosen, results, input_changes(ruleset, evaluation), notes)


def _range(ruleset: Ruleset, units: Units, varied: str, rebalance: str) -> tuple[Q, Q]:
    """0 up to full marks (less where totals start) of the groups the weight reaches; with proportional,
    up to all the score weights together."""
    only = varied.partition("@")[2]
    groups = [only] if only else list(dict.fromkeys(units.groups))
    tops = []
    for g in groups:
        full = exact(ruleset.group(g).max if g is not None else ruleset.total.max)
        tops.append(full - exact(ruleset.start(g)) if rebalance == "proportional" else full)
    return Q(0), min(tops)


def _weight(ruleset: Ruleset, evaluation: Evaluation, units: Units, varied: str, rebalance: str) -> WeightResult:
    id, _at, only = varied.partition("@")
    indicator = ruleset.indicator(id)
    mode = rebalance if indicator.kind == "score" else "none"
    current = exact(ruleset.group(only).weight(indicator) if only else indicator.weight)
    lo, hi = _range(ruleset, units, varied, mode)
    weights = unit_weights(ruleset, units.groups, varied, mode)
    n = len(units.groups)
    tolerance: Q | None = None
    note = ""
    try:
        fns: list[Fn] = [Fn(units.pieces(i, weights[units.groups[i]], lo, hi)) for i in range(n)]
    except NonLinear:
        tolerance = (hi - lo) * TOLERANCE
        fns = [_sampled(units, i, weights[units.groups[i]], lo, hi) for i in range(n)]
        note = _(
            "{id}: a formula is not piecewise linear in this weight (it multiplies or divides by a weighted value), so its tipping points were found by bisection, to within {tolerance:g}; a crossing and a re-crossing within one step of {step:g} of the weight can be missed",
            id=varied,
            tolerance=float(tolerance),
            step=float((hi - lo) / GRID),
        )
    pairing = Pairing(ruleset, lo, hi, current, tolerance)
    method = "exact" if tolerance is None else "bisection"
    solved = Solved(ruleset, evaluation, fns, pairing, method)
    return WeightResult(
        varied,
        indicator.label,
        fraction(current),
        Interval(fraction(lo), fraction(hi)),
        method,
        solved.order_stable(),
        MappingProxyType({x.id: solved.list_stable(x) for x in ruleset.lists}),
        solved.grades_stable() if ruleset.grades is not None else None,
        solved.pairs(),
        tuple(
            Line(str(r.values[ruleset.key]), _points(f)) for r, f in zip(evaluation.table.records, fns, strict=False)
        ),
        note,
    )


class _Sampled(Fn):
    """A unit scored exactly at any weight asked for (a formula not linear in the weight), with a grid of
    ends for the walk to bisect between."""

    __slots__ = ("units", "index", "weights", "grid", "seen")

    def __init__(self, units: Units, index: int, weights: Mapping[str, Aff | Q], grid: list[Q]) -> None:
        self.units, self.index, self.weights, self.grid = units, index, weights, grid
        self.seen: dict[Q, Piece] = {}
        super().__init__([self.piece(x) for x in grid])

    def piece(self, x: Q) -> Piece:
        found = self.seen.get(x)
        if found is None:
            fixed = {k: v.at(x) if isinstance(v, Aff) else v for k, v in self.weights.items()}
            found = self.units.at(self.index, fixed, x, x, x)._replace(lo=x, hi=x)
            self.seen[x] = found
        return found

    def ends(self) -> list[Q]:
        return self.grid


def _sampled(units: Units, index: int, weights: Mapping[str, Aff | Q], lo: Q, hi: Q) -> Fn:
    return _Sampled(units, index, weights, [lo + (hi - lo) * k / GRID for k in range(GRID + 1)])


def _points(fn: Fn) -> tuple[tuple[Fraction, Fraction], ...]:
    """(weight, total) at the ends of every piece, in order (a jump: two points at one weight)."""
    out: list[tuple[Fraction, Fraction]] = []
    for p in fn.pieces:
        for x in (p.lo, p.hi) if p.lo != p.hi else (p.lo,):
            point = (fraction(x), fraction(p.total.at(x)))
            if not out or out[-1] != point:
                out.append(point)
    return tuple(out)


class Solved:
    """One weight's pieces for every unit, and the questions `sensitivity` asks of them."""

    def __init__(self, ruleset: Ruleset, evaluation: Evaluation, fns: list[Fn], pairing: Pairing, method: str) -> None:
        self.ruleset, self.evaluation, self.fns, self.pairing, self.method = ruleset, evaluation, fns, pairing, method
        key = ruleset.key
        self.index = {str(r.values[key]): i for i, r in enumerate(evaluation.table.records)}
        self.ranked = [self.index[r.entity] for r in evaluation.ranked]

    def pairs(self) -> tuple[PairTip, ...]:
        tips = []
        for upper, lower in adjacent_pairs(self.evaluation):
            a, b = self.fns[self.index[upper.entity]], self.fns[self.index[lower.entity]]
            swap = nearest(*self.pairing.swap(a, b), self.pairing.current)
            tie = nearest(*self.pairing.printed_tie(a, b), self.pairing.current)
            flip = nearest(*self.pairing.printed_swap(a, b), self.pairing.current)
            tips.append(
                PairTip(
                    upper.entity,
                    lower.entity,
                    upper.group,
                    _at(swap),
                    _at(tie),
                    _at(flip),
                    self.method,
                    bool(swap and swap.closed),
                    bool(tie is None or tie.closed),
                    bool(flip is None or flip.closed),
                )
            )
        current = self.pairing.current
        return tuple(sorted(tips, key=lambda t: _distance(t, current)))

    def order_stable(self) -> Interval:
        sides = []
        for upper, lower in adjacent_pairs(self.evaluation):
            ia, ib = self.index[upper.entity], self.index[lower.entity]
            sides.append(self.pairing.order_change(self.fns[ia], self.fns[ib], ia < ib))
        return self._interval(sides)

    def grades_stable(self) -> Interval:
        r = self.ruleset
        sides = [
            self.pairing.grade_change(fn, r.group(g).max if g is not None else r.total.max)
            for fn, g in zip(self.fns, self._groups(), strict=False)
        ]
        return self._interval(sides)

    def list_stable(self, unit_list: UnitList) -> Interval:
        fns = [self.fns[i] for i in self.ranked]
        groups = [self._groups()[i] for i in self.ranked]
        scale = self._scale(unit_list, groups)
        side = self.pairing.list_change(
            unit_list, fns, groups, scale, lambda x: self._members(unit_list, fns, groups, scale, x)
        )
        return self._interval([side])

    def _groups(self) -> list[str | None]:
        g = self.ruleset.group_field
        return [str(r.values[g]) if g else None for r in self.evaluation.table.records]

    def _scale(self, unit_list: UnitList, groups: Sequence[str | None]) -> list[Q]:
        """100/full marks where the list compares units of groups with different full marks (ranking._members)."""
        r = self.ruleset
        maxes = [exact(r.group(g).max if g is not None else r.total.max) for g in groups]
        if unit_list.per_group or len(set(maxes)) <= 1:
            return [Q(1)] * len(groups)
        return [100 / m for m in maxes]

    def _members(
        self,
        unit_list: UnitList,
        fns: Sequence[Fn],
        groups: Sequence[str | None],
        scale: Sequence[Q],
        x: Q,
    ) -> frozenset[int]:
        """The list's members at weight x, as ranking._members chooses them (ties with the last one in)."""
        r = self.ruleset
        shares = any(s != 1 for s in scale)
        keys: list[tuple[Q, ...]] = []
        for fn, s in zip(fns, scale, strict=False):
            p = fn.piece(x)
            main = p.key.at(x)
            if shares:
                keys.append((main * s,))
            else:
                shown = printed(main, r.rounding.places, r.rounding.mode) if r.ranking.on == "display" else main
                keys.append((shown, *(b.at(x) for b in p.breakers)))
        parts: dict[str | None, list[int]] = {}
        for i, g in enumerate(groups):
            parts.setdefault(g if unit_list.per_group else None, []).append(i)
        members: set[int] = set()
        for part in parts.values():
            ordered = sorted((keys[i] for i in part), reverse=unit_list.end == "top")
            edge = ordered[min(unit_list.size, len(ordered)) - 1]
            members |= {i for i in part if (keys[i] >= edge if unit_list.end == "top" else keys[i] <= edge)}
        return frozenset(members)

    def _interval(self, sides: Sequence[Side]) -> Interval:
        """The values around the current one that no side's change reaches: the intersection."""
        p = self.pairing
        lo, lo_closed, hi, hi_closed = p.lo, True, p.hi, True
        for down, up in sides:
            if down is not None and (down.at > lo or (down.at == lo and down.closed)):
                lo, lo_closed = down.at, not down.closed
            if up is not None and (up.at < hi or (up.at == hi and up.closed)):
                hi, hi_closed = up.at, not up.closed
        return Interval(fraction(lo), fraction(hi), lo_closed, hi_closed)


def _at(found: Found | None) -> Fraction | None:
    return None if found is None else fraction(found.at)


def _distance(tip: PairTip, current: Q) -> Fraction:
    """How near the pair's nearest tipping point is; pairs with none come last."""
    found = [abs(x - current) for x in (tip.printed_tie_at, tip.printed_swap_at, tip.swap_at) if x is not None]
    return min(found) if found else Fraction(10**18)
