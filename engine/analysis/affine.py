"""A formula's value as an exact affine function of one weight, w, on the interval where it holds.

Every construct kaoping's formulas have (weight × f(inputs), min/max/clamp,
thresholds, caps, floors, bands, round) is piecewise linear in a weight.
So instead of sampling the float engine, which can only ever bracket a kink
and can step over a narrow piece, the ruleset's own checked formula is run
by the same simpleeval allowlist on `Aff` values: a + b·w with `Fraction`
coefficients, at one exact point w.  Each comparison the formula makes
(inside min, max, a threshold, a band, a ratio's zero guard, round's cell)
is decided at that point and narrows the `Region`, the interval of w on which
every decision, and so the resulting a + b·w, stays the same.  What comes
back is exact: one linear piece and where it starts and ends.

A product of two w-dependent values or a division by one is not linear;
`NonLinear` says so and the caller falls back to bisection, saying it did.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from copy import deepcopy as copy_tree
from fractions import Fraction
from typing import TYPE_CHECKING

from simpleeval import SimpleEval  # type: ignore[import-untyped]  # simpleeval ships no type information

from ..ruleset.expr import HELPERS, OPERATORS, Formula

if TYPE_CHECKING:
    Q = Fraction
else:  # exact rationals as gmpy2's mpq: the same numbers as Fraction's, about ten times faster (C, not Python)
    from gmpy2 import mpq as Q

Real = int | float | Q


class NonLinear(Exception):
    """The formula is not piecewise linear in the weight: it multiplies or divides by the weight."""


class Region:
    """The interval of w around `at` on which every decision taken so far stays the same.

    Mutable on purpose: one trace narrows it many times; `Trace` makes a fresh one per point."""

    __slots__ = ("at", "lo", "hi", "lo_closed", "hi_closed")

    def __init__(self, at: Q, lo: Q, hi: Q) -> None:
        self.at, self.lo, self.hi = at, lo, hi
        self.lo_closed = self.hi_closed = True

    def above(self, root: Q, closed: bool) -> None:
        """Keep only w > root (w >= root when closed)."""
        if root > self.lo or (root == self.lo and not closed):
            self.lo, self.lo_closed = root, closed

    def below(self, root: Q, closed: bool) -> None:
        """Keep only w < root (w <= root when closed)."""
        if root < self.hi or (root == self.hi and not closed):
            self.hi, self.hi_closed = root, closed


_REGION: list[Region] = []  # the region of the trace under way (one at a time: tracing is not re-entrant)


def _sign(d: Aff) -> int:
    """The sign of d at the point, narrowing the region to where it stays so."""
    if d.b == 0:
        return (d.a > 0) - (d.a < 0)
    region = _REGION[-1]
    value = d.a + d.b * region.at
    root = -d.a / d.b
    if value == 0:
        region.above(root, True)
        region.below(root, True)
        return 0
    if (value > 0) == (d.b > 0):  # the sign holds above the root
        region.above(root, False)
    else:
        region.below(root, False)
    return 1 if value > 0 else -1


def fraction(q: Q) -> Fraction:
    """An exact value as the standard library's Fraction, as the result model holds it."""
    return Fraction(int(q.numerator), int(q.denominator))


def exact(x: Real) -> Q:
    """A number as the decimal it was written or read as: 0.1 is 1/10, not the binary float near it."""
    if isinstance(x, Q):
        return x
    if isinstance(x, float):
        return Q(repr(x))
    return Q(x)


ZERO = Q(0)


class Aff:
    """a + b·w, exactly."""

    __slots__ = ("a", "b")

    def __init__(self, a: Q, b: Q = ZERO) -> None:
        self.a, self.b = a, b

    def at(self, w: Q) -> Q:
        return self.a + self.b * w

    def __add__(self, other: object) -> Aff:
        if isinstance(other, Q):  # the common case: a number that does not move with w
            return Aff(self.a + other, self.b)
        o = lift(other)
        return Aff(self.a + o.a, self.b + o.b)

    __radd__ = __add__

    def __sub__(self, other: object) -> Aff:
        o = lift(other)
        return Aff(self.a - o.a, self.b - o.b)

    def __rsub__(self, other: object) -> Aff:
        return lift(other) - self

    def __neg__(self) -> Aff:
        return Aff(-self.a, -self.b)

    def __pos__(self) -> Aff:
        return self

    def __mul__(self, other: object) -> Aff:
        if isinstance(other, Q):
            return Aff(self.a * other, self.b * other)
        o = lift(other)
        if self.b and o.b:
            raise NonLinear
        return Aff(self.a * o.a, self.a * o.b + self.b * o.a)

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> Aff:
        o = lift(other)
        if o.b:
            raise NonLinear
        if o.a == 0:
            raise ZeroDivisionError
        return Aff(self.a / o.a, self.b / o.a)

    def __rtruediv__(self, other: object) -> Aff:
        return lift(other) / self

    def __abs__(self) -> Aff:
        return -self if _sign(self) < 0 else self

    def __bool__(self) -> bool:
        return _sign(self) != 0

    def __lt__(self, other: object) -> bool:
        return _sign(self - lift(other)) < 0

    def __le__(self, other: object) -> bool:
        return _sign(self - lift(other)) <= 0

    def __gt__(self, other: object) -> bool:
        return _sign(self - lift(other)) > 0

    def __ge__(self, other: object) -> bool:
        return _sign(self - lift(other)) >= 0

    def __eq__(self, other: object) -> bool:
        return _sign(self - lift(other)) == 0

    def __ne__(self, other: object) -> bool:
        return _sign(self - lift(other)) != 0

    __hash__ = None  # type: ignore[assignment]

    def __float__(self) -> float:
        return float(self.at(_REGION[-1].at)) if _REGION else float(self.a)

    def __format__(self, spec: str) -> str:
        return format(float(self), spec)

    def __repr__(self) -> str:
        return f"Aff({self.a}, {self.b})"


def lift(x: object) -> Aff:
    if isinstance(x, Aff):
        return x
    if isinstance(x, (int, float, Q)):
        return Aff(exact(x))
    raise TypeError("not a number")


def printed(q: Q, places: int, mode: str) -> Q:
    """q rounded to `places` decimals as the published table rounds: half away from zero, or half to even."""
    scaled = abs(q) * 10**places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    twice = 2 * rest
    if twice > scaled.denominator or (
        twice == scaled.denominator and (mode == "half_away_from_zero" or whole % 2 == 1)
    ):
        whole += 1
    return Q(whole if q >= 0 else -whole, 10**places)


def _round(value: object, places: object = 0) -> Aff:
    """round(x, places) as a step: the cell x falls in at the point, the region narrowed to that cell."""
    x, p = lift(value), int(exact(places))  # type: ignore[arg-type]
    point = x.at(_REGION[-1].at) if x.b else x.a
    cell = printed(point, p, "half_away_from_zero")
    if x.b:
        half = Q(1, 2 * 10**p)
        low, high = cell - half, cell + half
        lift_low, lift_high = x - low, x - high
        # the cell's ends belong to it when they round to it (half away from zero)
        _keep(lift_low, printed(low, p, "half_away_from_zero") == cell, positive=True)
        _keep(lift_high, printed(high, p, "half_away_from_zero") == cell, positive=False)
    return Aff(cell)


def _keep(d: Aff, closed: bool, *, positive: bool) -> None:
    """Narrow the region to d >= 0 (d > 0 unless closed), or to d <= 0 when not `positive`."""
    region = _REGION[-1]
    root = -d.a / d.b
    if (d.b > 0) == positive:
        region.above(root, closed)
    else:
        region.below(root, closed)


class Tracer:
    """The ruleset's formulas evaluated exactly, under the same allowlist as the engine's Evaluator.

    Values that do not move with w stay plain Qs (the formula's own numbers too: `0.5` is 1/2,
    and `1 / 2` is not the float 0.5), so most of the arithmetic is Q's own; only what reads
    the weight is an Aff."""

    def __init__(self, lookups: Mapping[str, Callable[[float], float]]) -> None:
        functions: dict[str, Callable[..., object]] = {name: h.function for name, h in HELPERS.items()}
        functions["round"] = _round
        for id, lookup in lookups.items():
            functions[id] = _exactly(lookup)
        self._simple = SimpleEval(operators=dict(OPERATORS), functions=functions, names={})
        self._trees: dict[int, ast.Expr] = {}

    def value(self, formula: Formula, names: Mapping[str, object]) -> Aff | Q:
        tree = self._trees.get(id(formula))
        if tree is None:
            tree = self._trees[id(formula)] = _exact_constants(formula.tree)
        self._simple.names = names
        got = self._simple.eval(formula.text, previously_parsed=tree)
        return got if isinstance(got, (Aff, Q)) else exact(got)


def _exactly(lookup: Callable[[float], float]) -> Callable[[object], Q]:
    """A band lookup giving its points as an exact number (a band's points are written decimals)."""
    return lambda x: exact(lookup(x))  # type: ignore[arg-type]


def _exact_constants(tree: ast.Expr) -> ast.Expr:
    """A copy of a checked formula's tree with every number written in it as an exact Q."""
    copy = copy_tree(tree)
    for node in ast.walk(copy):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            node.value = exact(node.value)  # type: ignore[assignment]  # simpleeval returns a Constant's value as is
    return copy


class Trace:
    """Run one evaluation at the exact point `at`, inside [lo, hi]: `with Trace(...) as region:`."""

    def __init__(self, at: Q, lo: Q, hi: Q) -> None:
        self.region = Region(at, lo, hi)

    def __enter__(self) -> Region:
        _REGION.append(self.region)
        return self.region

    def __exit__(self, *_: object) -> None:
        _REGION.pop()
