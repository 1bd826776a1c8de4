"""The nearest weight, either side of the current one, at which a condition on linear pieces first holds.

A condition between two units (their unrounded totals cross, their printed
totals tie, the printed order flips, the published order changes) can only
change where one of its parts does: at a piece's end, at a root of the
difference of two lines, or where a line crosses a rounding cell's edge
(k + ½)·10^-places.  `walk` tests the condition exactly at each such
candidate and once inside each gap between two (where nothing changes), in
order outward from the current weight, so the first hit is the nearest.
Candidates for the printed conditions are only looked for where they can
hold: printed totals can only tie where the totals are less than one cell
apart, so the walk never steps through thousands of cells.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from .affine import Aff, Q, printed
from .pieces import Piece


class Found(NamedTuple):
    """The nearest value; `closed`: the condition holds at it (else just past it, away from the current)."""

    at: Q
    closed: bool


class Fn:
    """One unit's pieces, located fast (most units have one piece)."""

    __slots__ = ("pieces", "his")

    def __init__(self, pieces: Sequence[Piece]) -> None:
        self.pieces = pieces
        self.his = [p.hi for p in pieces]

    def piece(self, x: Q) -> Piece:
        """The piece holding x (a jump's own point piece, where x is one)."""
        if len(self.pieces) == 1:
            return self.pieces[0]
        i = bisect.bisect_left(self.his, x)
        p = self.pieces[min(i, len(self.pieces) - 1)]
        if p.hi == x and not p.hi_closed:
            p = self.pieces[i + 1]
        return p

    def ends(self) -> list[Q]:
        return [p.lo for p in self.pieces] + [self.pieces[-1].hi]


def walk(
    current: Q,
    candidates: Iterable[Q],
    holds: Callable[[Q], bool],
    tolerance: Q | None = None,
) -> tuple[Found | None, Found | None]:
    """The nearest value below and above `current` where `holds` (each None where it never does).

    `holds` may change only at a candidate; the range's ends must be among the candidates.  With a
    `tolerance` the candidates are only a grid (a formula that is not piecewise linear in the weight):
    a hit is then narrowed by bisection to within the tolerance, and the value returned holds."""
    if holds(current):
        return Found(current, True), Found(current, True)
    points = sorted(set(candidates))
    i = bisect.bisect_right(points, current)
    up = _first(current, points[i:], holds, tolerance)
    j = bisect.bisect_left(points, current)
    down = _first(current, points[:j][::-1], holds, tolerance)
    return down, up


def _first(current: Q, points: Sequence[Q], holds: Callable[[Q], bool], tolerance: Q | None) -> Found | None:
    previous = current
    for x in points:
        mid = (previous + x) / 2
        if holds(mid):
            return Found(previous, False) if tolerance is None else _narrow(previous, mid, holds, tolerance)
        if holds(x):
            return Found(x, True) if tolerance is None else _narrow(mid, x, holds, tolerance)
        previous = x
    return None


def _narrow(no: Q, yes: Q, holds: Callable[[Q], bool], tolerance: Q) -> Found:
    """Bisect between a value where the condition fails and one where it holds, to within the tolerance."""
    while abs(yes - no) > tolerance:
        mid = (no + yes) / 2
        if holds(mid):
            yes = mid
        else:
            no = mid
    return Found(yes, True)


def nearest(down: Found | None, up: Found | None, current: Q) -> Found | None:
    """The nearer of the two (the lower one when they are as near)."""
    if down is None or up is None:
        return down or up
    return down if current - down.at <= up.at - current else up


def atoms(a: Fn, b: Fn) -> list[tuple[Q, Q]]:
    """The open gaps between the two units' merged piece ends: on each, both are one line."""
    ends = sorted(set(a.ends()) | set(b.ends()))
    return list(zip(ends, ends[1:], strict=False))


def roots(d: Aff, lo: Q, hi: Q, levels: Iterable[Q] = (Q(0),)) -> list[Q]:
    """Where the line d equals each level, inside (lo, hi)."""
    if d.b == 0:
        return []
    found = [(level - d.a) / d.b for level in levels]
    return [x for x in found if lo < x < hi]


def window(d: Aff, lo: Q, hi: Q, below: Q, above: Q) -> tuple[Q, Q] | None:
    """The part of (lo, hi) where below < d < above, or None where there is none."""
    if d.b == 0:
        return (lo, hi) if below < d.a < above else None
    x1, x2 = sorted(((below - d.a) / d.b, (above - d.a) / d.b))
    start, end = max(lo, x1), min(hi, x2)
    return (start, end) if start < end else None


def printed_steps(a: Fn, b: Fn, lo: Q, hi: Q, places: int, current: Q, swap: bool = False) -> list[Q]:
    """The places where the two units' printed totals can become equal, or b's pass a's (`swap`).

    Printed values are cells: G prints as cell floor(G/u + ½), so two print the same exactly when no
    cell edge (k − ½)·u lies between them.  Where they are a cell or more apart they never print the
    same, so only the part of each gap where they are less than a cell apart (only where b is above a,
    for `swap`) is looked at; there at most one edge lies between them.  Walking from where the walk
    enters (either end of that part, or the current weight), the first change is where that edge
    leaves (for a tie), or where the next edge enters (for a swap): where a or b crosses an edge
    within a cell of where it entered.  So a handful of candidates per gap, however many cells the
    totals sweep through."""
    u = Q(1, 10**places)
    top = Q(0) if swap else u
    found: list[Q] = []
    for x, y in atoms(a, b):
        if y <= lo or x >= hi:
            continue
        mid = (x + y) / 2
        la, lb = a.piece(mid).key, b.piece(mid).key
        w = window(la - lb, max(x, lo), min(y, hi), -u, top)
        if w is None:
            continue
        start, end = w
        found += [start, end]
        # the walk enters this part from the current weight's side, or at the current weight itself
        entry = current if start < current < end else (start if start >= current else end)
        for line in (la, lb):
            if line.b == 0:
                continue
            cell = math.floor(line.at(entry) / u + Q(1, 2))
            # its cell's edges and the next cell's either side: at an entry exactly on an edge, the cell it
            # moves into is a neighbour of the one it is counted in
            for edge in ((cell + k) * u for k in (Q(-3, 2), Q(-1, 2), Q(1, 2), Q(3, 2))):
                x = (edge - line.a) / line.b
                if start < x < end:
                    found.append(x)
    return found


def value(fn: Fn, x: Q) -> Q:
    return fn.piece(x).key.at(x)


def shown(fn: Fn, x: Q, places: int, mode: str) -> Q:
    return printed(fn.piece(x).key.at(x), places, mode)
