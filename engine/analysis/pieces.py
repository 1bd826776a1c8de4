"""Each unit's ranking value as exact linear pieces over a weight's whole range.

One unit is scored as engine/evaluate/scoring.py scores it (each step in the
ruleset's order, a penalty or bonus held to its weight, the total started,
summed left to right, floored and capped), but on `affine.Aff` values at one
exact weight: what comes back is the piece of w around that point on which
the unit's total is one a + b·w.  Walking from the range's low end to its
high end, point after point just past each piece, gives every piece, jumps
(a threshold on a score) as pieces of a single point.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from ..evaluate.ranking import Evaluation
from ..ruleset.model import Indicator, Ruleset
from .affine import Aff, NonLinear, Q, Trace, Tracer, exact, lift

MAX_PIECES = 2_000  # past this many pieces for one unit, the weight is solved by bisection instead


class Piece(NamedTuple):
    """On [lo, hi] (ends as closed), the unit ranks on `key` (larger is better) then `breakers`."""

    lo: Q
    hi: Q
    lo_closed: bool
    hi_closed: bool
    key: Aff  # the total (or the ranking indicator), negated when the ranking is ascending
    total: Aff
    breakers: tuple[Aff, ...]


Weights = Mapping[str, Aff | Q]  # indicator id -> its weight as a + b·w, for one unit's group


class Units:
    """What every trace of a table's units shares: the ruleset, the tracer, each unit's fixed values."""

    def __init__(self, ruleset: Ruleset, evaluation: Evaluation) -> None:
        self.ruleset = ruleset
        self.tracer = Tracer({x.id: x for x in ruleset.lookups})
        self.sign = -1 if ruleset.ranking.order == "ascending" else 1
        self.fixed: list[dict[str, object]] = []
        self.groups: list[str | None] = []
        for record in evaluation.table.records:
            env: dict[str, object] = {i.id: lift(record.values[i.id]) for i in ruleset.inputs if i.numeric}
            group = str(record.values[ruleset.group_field]) if ruleset.group_field else None
            for a in ruleset.aggregates:
                seen = evaluation.aggregates[a.id]
                env[a.id] = exact(seen[group] if isinstance(seen, Mapping) else seen)  # type: ignore[index]
            self.fixed.append(env)
            self.groups.append(group)

    def at(self, index: int, weights: Weights, w: Q, lo: Q, hi: Q) -> Piece:
        """The unit's piece around the exact weight value w, within [lo, hi]."""
        r = self.ruleset
        with Trace(w, lo, hi) as region:
            env: dict[str, object] = dict(self.fixed[index])
            derived = {x.id: x.formula for x in r.derived}
            for step in r.steps:
                if step in derived:
                    env[step] = self.tracer.value(derived[step], env)
                elif step not in env:
                    env[step] = self._indicator(step, weights, env)
            total = self._total(index, env)
            env["total"] = total
            key = total if r.ranking.by == "total" else lift(env[r.ranking.by])
            breakers = tuple(lift(env[b]) for b in r.ranking.tie_break)
        signed = key if self.sign > 0 else -key
        return Piece(region.lo, region.hi, region.lo_closed, region.hi_closed, signed, total, breakers)

    def _indicator(self, id: str, weights: Weights, env: dict[str, object]) -> Aff | Q:
        indicator = self.ruleset.indicator(id)
        weight = weights[id]
        value = self.tracer.value(indicator.formula, ChainMap({"weight": weight}, env))
        if indicator.kind == "score":
            return value
        held = min(max(value, Q(0)), weight)
        return -held if indicator.kind == "penalty" else held

    def _total(self, index: int, env: Mapping[str, object]) -> Aff:
        r = self.ruleset
        group = self.groups[index]
        total: Aff | Q
        if r.total.formula is not None:
            total = self.tracer.value(r.total.formula, env)
        else:
            total = exact(r.start(group))
            for i in r.indicators:
                total = total + env[i.id]  # type: ignore[operator]
        if r.total.floor is not None:
            total = max(total, exact(r.total.floor))
        if r.total.cap:
            total = min(total, exact(r.group(group).max if group is not None else r.total.max))
        return lift(total)

    def pieces(self, index: int, weights: Weights, lo: Q, hi: Q) -> list[Piece]:
        """Every piece of [lo, hi], in order; NonLinear past MAX_PIECES."""
        out: list[Piece] = []
        p, at_point = lo, True
        while True:
            piece = self.at(index, weights, p, lo, hi) if at_point else self._just_after(index, weights, p, lo, hi)
            if piece.lo < p or (piece.lo == p and not at_point and piece.lo_closed):
                piece = piece._replace(lo=p, lo_closed=at_point)
            out.append(piece)
            if len(out) > MAX_PIECES:
                raise NonLinear
            if piece.hi > hi or (piece.hi == hi and piece.hi_closed):
                return out
            p, at_point = piece.hi, not piece.hi_closed

    def _just_after(self, index: int, weights: Weights, p: Q, lo: Q, hi: Q) -> Piece:
        """The piece that starts just after p (open at p): halve toward p until the piece found starts there."""
        cap = hi
        for _ in range(MAX_PIECES):
            piece = self.at(index, weights, (p + cap) / 2, lo, hi)
            if piece.lo <= p:
                return piece
            cap = piece.lo
        raise NonLinear


def weights_for(ruleset: Ruleset, group: str | None, varied: str, rebalance: str) -> dict[str, Aff | Q]:
    """Every indicator's weight in `group` as a + b·w when `varied` (an id, or ID@GROUP) takes the value w.

    proportional: the other score weights of the group share what w takes or gives in proportion to their
    size, w_k·(S − w)/(S − w0), so the score weights still add up to S, full marks less where totals start."""
    id, _, only = varied.partition("@")
    affected = (not only or only == group) and (
        bool(only) or group is None or id not in dict(ruleset.group(group).weights)
    )
    out: dict[str, Aff | Q] = {}
    current = exact(_base(ruleset, group, ruleset.indicator(id)))
    full = exact(_full(ruleset, group)) - exact(ruleset.start(group))
    for i in ruleset.indicators:
        base = exact(_base(ruleset, group, i))
        if affected and i.id == id:
            out[i.id] = Aff(Q(0), Q(1))
        elif affected and rebalance == "proportional" and i.kind == "score" and full != current:
            out[i.id] = Aff(base * full / (full - current), -base / (full - current))
        else:
            out[i.id] = base
    return out


def _base(ruleset: Ruleset, group: str | None, indicator: Indicator) -> float:
    return ruleset.group(group).weight(indicator) if group is not None else indicator.weight


def _full(ruleset: Ruleset, group: str | None) -> float:
    return ruleset.group(group).max if group is not None else ruleset.total.max


def unit_weights(
    ruleset: Ruleset, groups: Sequence[str | None], varied: str, rebalance: str
) -> dict[str | None, dict[str, Aff | Q]]:
    """The weights of each group met, as weights_for gives them."""
    return {g: weights_for(ruleset, g, varied, rebalance) for g in dict.fromkeys(groups)}
