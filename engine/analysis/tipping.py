"""The conditions `kaoping sensitivity` solves on two units' (or one unit's) exact pieces.

Each returns the nearest weight below and above the current one at which it
first holds, by crossing.walk over the candidates where it can change.
Units are compared on their signed key (larger is better; the total, or the
ranking indicator, negated for an ascending ranking), as ranking._key
compares them: the unrounded value, or the printed one with `on: display`,
then each tie-break (highest first), then the input order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..ruleset.model import Ruleset, UnitList
from .affine import Q, printed
from .crossing import Fn, Found, atoms, printed_steps, roots, shown, value, walk

Side = tuple[Found | None, Found | None]


class Pairing:
    """What the conditions on one weight's pieces need: the range, the current weight, the rounding."""

    def __init__(self, ruleset: Ruleset, lo: Q, hi: Q, current: Q, tolerance: Q | None = None) -> None:
        self.ruleset, self.lo, self.hi, self.current = ruleset, lo, hi, current
        self.tolerance = tolerance  # None: exact; else the pieces are a grid and hits are bisected
        self.places, self.mode = ruleset.rounding.places, ruleset.rounding.mode

    def _walk(self, candidates: list[Q], holds: Callable[[Q], bool]) -> Side:
        return walk(self.current, candidates, holds, self.tolerance)

    def _base(self, *fns: Fn) -> list[Q]:
        ends = [self.lo, self.hi]
        for fn in fns:
            ends += fn.ends()
        return ends

    def _roots(self, a: Fn, b: Fn) -> list[Q]:
        found: list[Q] = []
        for x, y in atoms(a, b):
            mid = (x + y) / 2
            pa, pb = a.piece(mid), b.piece(mid)
            found += roots(pa.key - pb.key, x, y)
            for ba, bb in zip(pa.breakers, pb.breakers, strict=False):
                found += roots(ba - bb, x, y)
        return found

    def _printed(self, a: Fn, b: Fn, swap: bool = False) -> list[Q]:
        return printed_steps(a, b, self.lo, self.hi, self.places, self.current, swap)

    def swap(self, a: Fn, b: Fn) -> Side:
        """b's unrounded key passes a's."""
        return self._walk(self._base(a, b) + self._roots(a, b), lambda x: value(b, x) > value(a, x))

    def printed_tie(self, a: Fn, b: Fn) -> Side:
        return self._walk(
            self._base(a, b) + self._printed(a, b),
            lambda x: shown(a, x, self.places, self.mode) == shown(b, x, self.places, self.mode),
        )

    def printed_swap(self, a: Fn, b: Fn) -> Side:
        return self._walk(
            self._base(a, b) + self._printed(a, b, swap=True),
            lambda x: shown(b, x, self.places, self.mode) > shown(a, x, self.places, self.mode),
        )

    def relation(self, a: Fn, b: Fn, a_first_in_input: bool) -> Callable[[Q], tuple[bool, bool]]:
        """(a is ranked before b, their keys are equal) at a weight: what the published table shows of them."""
        display = self.ruleset.ranking.on == "display"

        def at(x: Q) -> tuple[bool, bool]:
            pa, pb = a.piece(x), b.piece(x)
            ka = printed(pa.key.at(x), self.places, self.mode) if display else pa.key.at(x)
            kb = printed(pb.key.at(x), self.places, self.mode) if display else pb.key.at(x)
            key_a = (ka, *(v.at(x) for v in pa.breakers))
            key_b = (kb, *(v.at(x) for v in pb.breakers))
            if key_a == key_b:
                return a_first_in_input, True
            return key_a > key_b, False

        return at

    def order_change(self, a: Fn, b: Fn, a_first_in_input: bool) -> Side:
        """Where the pair's published relation (who is first; with shared or dense ranks, whether tied) changes."""
        relation = self.relation(a, b, a_first_in_input)
        sequential = self.ruleset.ranking.ties == "sequential"
        now = relation(self.current)
        candidates = self._base(a, b) + self._roots(a, b)
        if self.ruleset.ranking.on == "display":
            candidates += self._printed(a, b)

        def changed(x: Q) -> bool:
            r = relation(x)
            return r[0] != now[0] if sequential else r != now

        return self._walk(candidates, changed)

    def grade_change(self, fn: Fn, full_marks: float) -> Side:
        """Where one unit's grade (of its printed total) changes."""
        grades = self.ruleset.grades
        assert grades is not None
        edges = {Q(repr(e)) for b in grades.bands for e in (b.at_least, b.below) if e is not None}
        if grades.percent:
            edges = {e * Q(repr(full_marks)) / 100 for e in edges}
        half = Q(1, 2 * 10**self.places)
        levels = [e + d for e in edges for d in (-half, Q(0), half)]
        candidates = self._base(fn)
        for x, y in zip(fn.ends(), fn.ends()[1:], strict=False):
            total = fn.piece((x + y) / 2).total
            candidates += roots(total, x, y, levels)

        def grade(x: Q) -> str:
            return grades.of(float(printed(fn.piece(x).total.at(x), self.places, self.mode)), full_marks)

        now = grade(self.current)
        return self._walk(candidates, lambda x: grade(x) != now)

    def list_change(
        self,
        unit_list: UnitList,
        fns: Sequence[Fn],
        groups: Sequence[str | None],
        scale: Sequence[Q],
        members: Callable[[Q], frozenset[int]],
    ) -> Side:
        """Where a list's membership changes: only where a member's key meets a non-member's (keys times
        `scale`, 100/full marks, where units of groups with different full marks are compared on shares)."""
        candidates = self._base(*fns)
        now = members(self.current)
        outside = [o for o in range(len(fns)) if o not in now]
        for i in now:
            for o in outside:
                if unit_list.per_group and groups[i] != groups[o]:
                    continue
                for x, y in atoms(fns[i], fns[o]):
                    mid = (x + y) / 2
                    candidates += roots(fns[i].piece(mid).key * scale[i] - fns[o].piece(mid).key * scale[o], x, y)
                    if self.ruleset.ranking.on == "display" and scale[i] == scale[o]:
                        candidates += self._printed(fns[i], fns[o])
                    for ba, bb in zip(fns[i].piece(mid).breakers, fns[o].piece(mid).breakers, strict=False):
                        candidates += roots(ba - bb, x, y)
        return self._walk(candidates, lambda x: members(x) != now)
