"""Checked formulas compiled once into numpy column operations, with exactly the reference's semantics.

simpleeval costs about 10 µs a unit for each formula; at a million units that
is the score stage's whole budget many times over.  So a checked formula's
tree is walked once into a tree of small node objects, and each call runs
every node once over whole columns.

"Exactly" means what `Evaluator.evaluate` followed by scoring's `finite()`
gives for each unit, to the last bit and in its type:

- a value is a float64 plus a `whole` flag: True where the reference holds a
  Python int (a bool counts as an int, as the reference turns a final bool
  into an int).  int op int is computed in float64, which is exact while
  every integer involved stays below 2**53 in magnitude; an integer at or
  past that (an input, a scalar or an intermediate) marks its unit *inexact*,
  and the call hands the case to the reference.  An int is never -0.0 (the
  int 0 has no sign), so int products and negations are normalised;
- `and`/`or` give one of their operands, `a if c else b`, comparison chains
  and `ratio`'s zero guard evaluate what the reference evaluates: every node
  runs on whole columns, but a failure (a division by zero, a value outside
  every band, a round of inf/nan, a result that is not finite) counts only on
  the units where the reference would have evaluated that node;
- min/max pick as Python's builtins do (the first of equal items; NaN never
  compares less or greater).

When the result cannot be guaranteed equal, `__call__` raises NeedsReference
with the units concerned, and the caller runs the reference (which also gives
the messages a user reads).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ..ruleset.expr import MAX_PLACES, OPERATORS, Formula
from ..ruleset.model import Lookup
from .rounding import round_many

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Mask = Bools | None  # the units a node is evaluated for; None: every unit

LIMIT = 2.0**53  # below this every integer is a float exactly, and int arithmetic in float64 is exact

INEXACT = "an integer at or past 2**53 in magnitude, which a float cannot hold exactly"
FAILS = "the reference raises an error for these units"
UNSUPPORTED = "the formula has a construct the columnar path does not compile"

_DIVISION = "division by zero"
_OUTSIDE = "a value outside every band of a lookup"
_ROUND = "round of a value that is not finite"
_NOT_FINITE = "a result that is not finite"


class NeedsReference(Exception):
    """The columnar result cannot be guaranteed equal to the reference's: the caller re-runs the reference.

    `reason` is INEXACT (integers past 2**53: the reference may well succeed),
    FAILS (the reference raises for `units`, every one of them) or
    UNSUPPORTED (from compile_columns).  `units` are the indices concerned;
    `detail` names the kinds of failure seen.
    """

    def __init__(self, reason: str, units: Sequence[int] = (), detail: str = "") -> None:
        super().__init__(f"{reason} ({detail})" if detail else reason)
        self.reason = reason
        self.units = tuple(units)
        self.detail = detail


@dataclass(frozen=True, slots=True, eq=False)
class Column:
    """Every unit's value as a float, and where the reference's value is a Python int.

    A whole value is never -0.0 and, to be exact, below 2**53 in magnitude
    (one at or past it makes the units that read it inexact).
    """

    values: Floats
    whole: Bools


def column_of(values: npt.NDArray[Any]) -> Column:
    """An input column as the reference sees it: integers (and bools) are Python ints, floats are floats."""
    kind = values.dtype.kind
    if kind in "iub":
        return Column(values.astype(np.float64), np.ones(values.shape, np.bool_))
    if kind == "f":
        return Column(values.astype(np.float64, copy=False), np.zeros(values.shape, np.bool_))
    raise TypeError(f"a column of numbers is int or float, not {values.dtype}")


def to_python(column: Column) -> list[int | float]:
    """What the reference gives for each unit: Python ints where whole, floats elsewhere."""
    return [int(v) if w else v for v, w in zip(column.values.tolist(), column.whole.tolist(), strict=True)]


def _round(values: Floats, places: int) -> Floats:
    """spreadsheet_round of each (finite) value, vectorised and exact (engine/columns/rounding.py)."""
    return round_many(values, places)


def _frozen(value: bool) -> Bools:
    array = np.asarray(value, dtype=np.bool_)
    array.flags.writeable = False
    return array


_TRUE = _frozen(True)
_FALSE = _frozen(False)


@dataclass(frozen=True, slots=True, eq=False)
class _V:
    """A value in flight: values and whole are 0-d (the same for every unit) or one entry a unit."""

    values: Floats
    whole: Bools


def _within(active: Mask, where: Bools) -> Bools:
    return where if active is None else active & where


def _pick(take: Bools, a: _V, b: _V) -> _V:
    """a where `take`, else b: values and their types travel together."""
    if a.whole.ndim == 0 and b.whole.ndim == 0 and bool(a.whole) == bool(b.whole):
        whole = a.whole
    else:
        whole = np.where(take, a.whole, b.whole)
    return _V(np.where(take, a.values, b.values), whole)


def _truthy(value: _V) -> Bools:
    return np.not_equal(value.values, 0)  # NaN is truthy, -0.0 is not: as Python's bool()


Seen = dict[int, tuple[object, _V, Bools | None]]
"""Env items already looked at (by id, the item kept so that its id stays its own): a column's summary is
the same for every formula that reads it, and scoring one table calls many formulas on the same columns."""


@dataclass(frozen=True, slots=True, eq=False)
class _Run:
    """One call's scratch: the env, and where units failed or went inexact (filled in place, never shared)."""

    env: Mapping[str, Column | int | float]
    n: int
    failed: Bools
    inexact: Bools
    seen: Seen
    kinds: set[str] = field(default_factory=set)
    loaded: dict[str, tuple[_V, Bools | None]] = field(default_factory=dict)

    def fail(self, where: Bools, active: Mask, kind: str) -> None:
        """The reference raises on the active units `where` holds."""
        hit = _within(active, where)
        if hit.any():
            np.logical_or(self.failed, hit, out=self.failed)
            self.kinds.add(kind)

    def past_limit(self, where: Bools, active: Mask) -> None:
        """The active units `where` holds read or made an integer float64 cannot hold exactly."""
        hit = _within(active, where)
        if hit.any():
            np.logical_or(self.inexact, hit, out=self.inexact)
            self.kinds.add(INEXACT)

    def load(self, name: str) -> tuple[_V, Bools | None]:
        """The env's value for `name` (once a call), and where it is an integer past the limit."""
        found = self.loaded.get(name)
        if found is None:
            item = self.env[name]
            kept = self.seen.get(id(item))
            if kept is None or kept[0] is not item:
                kept = self.seen[id(item)] = (item, *_as_value(item, self.n))
            found = self.loaded[name] = kept[1], kept[2]
        return found


def _as_value(item: Column | int | float, n: int) -> tuple[_V, Bools | None]:
    if isinstance(item, Column):
        if item.values.shape != (n,) or item.whole.shape != (n,):
            raise ValueError(f"a column of {item.values.shape} values where {n} units were expected")
        whole = _TRUE if item.whole.all() else _FALSE if not item.whole.any() else item.whole
        value = _V(item.values, whole)
    elif isinstance(item, (int, np.integer, np.bool_)):
        number = int(item)
        held = float(number) if abs(number) < LIMIT else math.copysign(LIMIT, number)
        value = _V(np.asarray(held, dtype=np.float64), _TRUE)
    else:
        value = _V(np.asarray(float(item), dtype=np.float64), _FALSE)
    return value, _past_limit(value)


def _past_limit(value: _V) -> Bools | None:
    """Where a whole value is at or past 2**53 in magnitude, or None when nowhere."""
    if not value.whole.any() or not value.values.size or value.values.min() > -LIMIT and value.values.max() < LIMIT:
        return None  # two reductions, no temporary array: the common case, every value well within
    big = value.whole & (np.abs(value.values) >= LIMIT)
    return big if big.any() else None


def _whole_result(run: _Run, active: Mask, values: Floats, whole: Bools, product: bool) -> _V:
    """An arithmetic result: where both operands were ints it is an int, checked against the limit.

    Exact ints below 2**53 give an exact float64 result whenever the true
    result is below 2**53 too; when it is not, the rounded result is at or
    past 2**53 as well (rounding is monotonic), so the check sees it.
    A product of ints that is 0 may be -0.0 in float64 (0 * -1): + 0.0 makes it the int's 0.
    """
    if not whole.any():
        return _V(values, whole)
    past = _past_limit(_V(values, whole))
    if past is not None:
        run.past_limit(past, active)
    if product:
        values = values + 0.0 if whole.ndim == 0 else np.where(whole, values + 0.0, values)
    return _V(values, whole)


class _Node:
    """A compiled piece of the formula: called with the run and the units it is evaluated for."""

    __slots__ = ()

    def __call__(self, run: _Run, active: Mask) -> _V:
        raise NotImplementedError


@dataclass(frozen=True, slots=True, eq=False)
class _Const(_Node):
    python: int | float
    value: _V

    def __call__(self, run: _Run, active: Mask) -> _V:
        return self.value


def _const(python: object) -> _Const:
    number = int(python) if isinstance(python, bool) else python
    if not isinstance(number, (int, float)):
        raise NeedsReference(UNSUPPORTED, detail=f"the constant {python!r}")
    if isinstance(number, int) and abs(number) >= LIMIT:
        raise NeedsReference(UNSUPPORTED, detail="an integer constant past 2**53")
    values = np.asarray(float(number), dtype=np.float64)
    values.flags.writeable = False
    return _Const(number, _V(values, _TRUE if isinstance(number, int) else _FALSE))


@dataclass(frozen=True, slots=True, eq=False)
class _Name(_Node):
    id: str

    def __call__(self, run: _Run, active: Mask) -> _V:
        value, past = run.load(self.id)
        if past is not None:
            run.past_limit(past, active)
        return value


@dataclass(frozen=True, slots=True, eq=False)
class _Neg(_Node):
    operand: _Node

    def __call__(self, run: _Run, active: Mask) -> _V:
        value = self.operand(run, active)
        negated = -value.values
        if value.whole.any():  # the same magnitude: only -0 needs its int's 0
            negated = negated + 0.0 if value.whole.ndim == 0 else np.where(value.whole, negated + 0.0, negated)
        return _V(negated, value.whole)


@dataclass(frozen=True, slots=True, eq=False)
class _Not(_Node):
    operand: _Node

    def __call__(self, run: _Run, active: Mask) -> _V:
        return _V((self.operand(run, active).values == 0).astype(np.float64), _TRUE)


_ARITHMETIC: Mapping[type, Callable[[Floats, Floats], Floats]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
}


@dataclass(frozen=True, slots=True, eq=False)
class _Arithmetic(_Node):
    """+ - *: float64 is Python's float arithmetic; int op int stays an int."""

    function: Callable[[Floats, Floats], Floats]
    product: bool
    left: _Node
    right: _Node

    def __call__(self, run: _Run, active: Mask) -> _V:
        a, b = self.left(run, active), self.right(run, active)
        return _whole_result(run, active, self.function(a.values, b.values), _both(a.whole, b.whole), self.product)


def _both(a: Bools, b: Bools) -> Bools:
    """Where both operands are whole: without a new array when either is the same for every unit."""
    if a is b or b is _TRUE or a is _FALSE:
        return a
    if a is _TRUE or b is _FALSE:
        return b
    return a & b


@dataclass(frozen=True, slots=True, eq=False)
class _Divide(_Node):
    """True division, a float: int / int of exact ints is the correctly rounded quotient, as Python's."""

    left: _Node
    right: _Node

    def __call__(self, run: _Run, active: Mask) -> _V:
        a, b = self.left(run, active), self.right(run, active)
        run.fail(b.values == 0, active, _DIVISION)
        return _V(a.values / b.values, _FALSE)


@dataclass(frozen=True, slots=True, eq=False)
class _Compare(_Node):
    """a < b <= c: each comparator evaluated only where every comparison before it held."""

    first: _Node
    ops: tuple[Callable[[Floats, Floats], Bools], ...]
    rest: tuple[_Node, ...]

    def __call__(self, run: _Run, active: Mask) -> _V:
        left = self.first(run, active)
        going: Bools | None = None
        for compare, node in zip(self.ops, self.rest, strict=True):
            sub = active
            if going is not None:
                sub = _within(active, going)
                if not sub.any():
                    break
            right = node(run, sub)
            held = compare(left.values, right.values)
            going = held if going is None else going & held
            left = right
        assert going is not None  # there is always a first comparison, on every active unit
        return _V(going.astype(np.float64), _TRUE)


@dataclass(frozen=True, slots=True, eq=False)
class _BoolOp(_Node):
    """`and`/`or`: the first operand that decides (falsy for and, truthy for or), else the last."""

    conjunction: bool
    operands: tuple[_Node, ...]

    def __call__(self, run: _Run, active: Mask) -> _V:
        result = self.operands[0](run, active)
        going = self._goes_on(result)
        for node in self.operands[1:]:
            sub = _within(active, going)
            if not sub.any():
                break
            value = node(run, sub)
            result = _pick(going, value, result)
            going = going & self._goes_on(value)
        return result

    def _goes_on(self, value: _V) -> Bools:
        truth = _truthy(value)
        return truth if self.conjunction else ~truth


@dataclass(frozen=True, slots=True, eq=False)
class _IfElse(_Node):
    """`body if test else orelse`: each branch evaluated (and able to fail) only where it is chosen."""

    test: _Node
    body: _Node
    orelse: _Node

    def __call__(self, run: _Run, active: Mask) -> _V:
        truth = _truthy(self.test(run, active))
        yes, no = _within(active, truth), _within(active, ~truth)
        if not no.any():
            return self.body(run, yes)
        if not yes.any():
            return self.orelse(run, no)
        return _pick(truth, self.body(run, yes), self.orelse(run, no))


@dataclass(frozen=True, slots=True, eq=False)
class _MinMax(_Node):
    """min/max as Python's builtins: an item replaces the one held only when strictly less (greater)."""

    smallest: bool
    args: tuple[_Node, ...]

    def __call__(self, run: _Run, active: Mask) -> _V:
        values = [arg(run, active) for arg in self.args]
        return _min_max(self.smallest, values)


def _min_max(smallest: bool, values: Sequence[_V]) -> _V:
    held = values[0]
    for item in values[1:]:
        take = item.values < held.values if smallest else item.values > held.values
        held = _pick(take, item, held)
    return held


@dataclass(frozen=True, slots=True, eq=False)
class _Clamp(_Node):
    """clamp(value, low, high) = max(low, min(high, value)), all three evaluated first (a call)."""

    value: _Node
    low: _Node
    high: _Node

    def __call__(self, run: _Run, active: Mask) -> _V:
        value, low, high = self.value(run, active), self.low(run, active), self.high(run, active)
        return _min_max(False, [low, _min_max(True, [high, value])])


@dataclass(frozen=True, slots=True, eq=False)
class _Abs(_Node):
    operand: _Node

    def __call__(self, run: _Run, active: Mask) -> _V:
        value = self.operand(run, active)
        return _V(np.abs(value.values), value.whole)


@dataclass(frozen=True, slots=True, eq=False)
class _Ratio(_Node):
    """ratio(n, d, if_zero): `if_zero if d == 0 else n / d`, every argument evaluated first (a call)."""

    numerator: _Node
    denominator: _Node
    if_zero: _Node

    def __call__(self, run: _Run, active: Mask) -> _V:
        n, d, z = self.numerator(run, active), self.denominator(run, active), self.if_zero(run, active)
        zero = d.values == 0
        quotient = _V(n.values / d.values, _FALSE)
        return _pick(zero, z, quotient) if zero.any() else quotient


@dataclass(frozen=True, slots=True, eq=False)
class _Round(_Node):
    """round(x, places): numbers.spreadsheet_round, a float; inf or NaN cannot be rounded (OverflowError)."""

    value: _Node
    places: int

    def __call__(self, run: _Run, active: Mask) -> _V:
        values = np.broadcast_to(self.value(run, active).values, (run.n,))
        finite = np.isfinite(values)
        run.fail(~finite, active, _ROUND)
        todo = _within(active, finite)
        out = np.zeros(run.n, dtype=np.float64)
        out[todo] = _round(values[todo], self.places)
        return _V(out, _FALSE)


Band = tuple[float | None, float | None, float]


@dataclass(frozen=True, slots=True, eq=False)
class _Lookup(_Node):
    """A decision table, as Lookup.__call__ answers: the first band (low to high) that holds the value.

    `bands` has each band's bounds as floats when every bound is one exactly
    (then comparing a float64 column with it is Python's comparison of the
    number with the bound); otherwise None, and each unit calls the table.
    """

    table: Lookup
    bands: tuple[Band, ...] | None
    arg: _Node

    def __call__(self, run: _Run, active: Mask) -> _V:
        value = self.arg(run, active)
        if self.bands is None:
            return _each(run, active, self.table, value)
        x = np.broadcast_to(value.values, (run.n,))
        out = np.zeros(run.n, dtype=np.float64)
        placed = np.zeros(run.n, dtype=np.bool_)
        for low, below, points in self.bands:
            holds = ~placed
            if low is not None:
                holds &= x >= low
            if below is not None:
                holds &= x < below
            out[holds] = points
            placed |= holds
        run.fail(~placed, active, _OUTSIDE)
        return _V(out, _FALSE)


def _each(run: _Run, active: Mask, table: Lookup, value: _V) -> _V:
    """The table called unit by unit with the reference's number (an int where whole)."""
    x = np.broadcast_to(value.values, (run.n,))
    whole = np.broadcast_to(value.whole, (run.n,))
    out = np.zeros(run.n, dtype=np.float64)
    outside = np.zeros(run.n, dtype=np.bool_)
    todo = np.broadcast_to(_TRUE if active is None else active, (run.n,))
    for i in np.flatnonzero(todo).tolist():
        try:
            out[i] = table(int(x[i]) if whole[i] else float(x[i]))
        except ArithmeticError:
            outside[i] = True
    run.fail(outside, active, _OUTSIDE)
    return _V(out, _FALSE)


def _bands(table: Lookup) -> tuple[Band, ...] | None:
    """The bands with float bounds and points, or None when a bound is no float exactly (or points no number).

    None sends each unit to the table itself, which then raises as the reference's call does.
    """
    bands: list[Band] = []
    for band in table.bands:
        bounds = (band.at_least, band.below)
        points = _points(band.value)
        if points is None or not all(b is None or _a_float(b) for b in bounds):
            return None
        low, below = (None if b is None else float(b) for b in bounds)
        bands.append((low, below, points))
    return tuple(bands)


def _a_float(bound: float) -> bool:
    """Whether a bound is a float exactly (an int from the YAML may be past 2**53, or past any float)."""
    try:
        return not isinstance(bound, bool) and float(bound) == bound
    except OverflowError:
        return False


def _points(value: float | str) -> float | None:
    """float(value), as the table answers, or None where that raises (text, an int past any float)."""
    try:
        return None if isinstance(value, str) else float(value)
    except OverflowError:
        return None


@dataclass(frozen=True, slots=True, eq=False)
class Compiled:
    """A formula compiled once; called with every unit's names, it gives every unit's value."""

    text: str
    root: _Node

    def __call__(self, env: Mapping[str, Column | int | float], n: int, seen: Seen | None = None) -> Column:
        """Each unit's value, or NeedsReference when one would differ from the reference's (or it raises).

        `seen` may be shared by the calls that score one table (see Seen); by default each call looks afresh.
        """
        run = _Run(env, n, np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_), {} if seen is None else seen)
        with np.errstate(all="ignore"):
            result = self.root(run, None)
            values = result.values
            if values.shape != (n,):  # the same for every unit: one array of its own
                values = np.array(np.broadcast_to(values, (n,)), dtype=np.float64)
            if not np.isfinite(values).all():
                run.fail(~np.isfinite(values) & ~run.failed, None, _NOT_FINITE)
        if run.kinds:
            _verdict(run)
        return Column(values, np.array(np.broadcast_to(result.whole, (n,))))


def _verdict(run: _Run) -> None:
    """Failures the reference certainly has first (on units no inexact integer touched), then inexact units."""
    certain = run.failed & ~run.inexact
    if certain.any():
        detail = ", ".join(sorted(run.kinds - {INEXACT}))
        raise NeedsReference(FAILS, np.flatnonzero(certain).tolist(), detail)
    if run.inexact.any():
        raise NeedsReference(INEXACT, np.flatnonzero(run.inexact).tolist())


def compile_columns(formula: Formula, lookups: Mapping[str, Lookup]) -> Compiled:
    """The formula's tree walked once into column operations; NeedsReference(UNSUPPORTED) for what cannot be.

    `lookups` are the ruleset's decision tables by id, as the Evaluator is
    given them (a lookup's id shadows a helper's name there, and here).
    """
    return Compiled(formula.text, _Builder(lookups).build(formula.tree.value))


_COMPARISONS: Mapping[type, Callable[[Floats, Floats], Bools]] = {
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
}


@dataclass(frozen=True, slots=True)
class _Builder:
    lookups: Mapping[str, Lookup]

    def build(self, node: ast.expr) -> _Node:
        if isinstance(node, ast.Constant):
            return _const(node.value)
        if isinstance(node, ast.Name):
            return _Name(node.id)
        if isinstance(node, ast.UnaryOp):
            return self._unary(node)
        if isinstance(node, ast.BinOp):
            return self._binary(node)
        if isinstance(node, ast.Compare) and all(type(o) in _COMPARISONS for o in node.ops):
            ops = tuple(_COMPARISONS[type(o)] for o in node.ops)
            return _Compare(self.build(node.left), ops, tuple(self.build(c) for c in node.comparators))
        if isinstance(node, ast.BoolOp):
            operands = tuple(self.build(v) for v in node.values)
            return _BoolOp(isinstance(node.op, ast.And), operands)
        if isinstance(node, ast.IfExp):
            return _IfElse(self.build(node.test), self.build(node.body), self.build(node.orelse))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            return self._call(node.func.id, [self.build(a) for a in node.args])
        raise NeedsReference(UNSUPPORTED, detail=type(node).__name__)

    def _unary(self, node: ast.UnaryOp) -> _Node:
        operand = self.build(node.operand)
        kind = type(node.op)
        if isinstance(operand, _Const) and kind in (ast.USub, ast.UAdd, ast.Not):
            return _const(OPERATORS[kind](operand.python))  # Python's own answer: -0 is 0, -0.0 stays -0.0
        if kind is ast.USub:
            return _Neg(operand)
        if kind is ast.UAdd:
            return operand  # +x is x, in value and type
        if kind is ast.Not:
            return _Not(operand)
        raise NeedsReference(UNSUPPORTED, detail=kind.__name__)

    def _binary(self, node: ast.BinOp) -> _Node:
        left, right = self.build(node.left), self.build(node.right)
        kind = type(node.op)
        if kind is ast.Div:
            return _Divide(left, right)
        if kind in _ARITHMETIC:
            return _Arithmetic(_ARITHMETIC[kind], kind is ast.Mult, left, right)
        raise NeedsReference(UNSUPPORTED, detail=kind.__name__)

    def _call(self, name: str, args: list[_Node]) -> _Node:
        n = len(args)
        if name in self.lookups and n == 1:
            table = self.lookups[name]
            return _Lookup(table, _bands(table), args[0])
        if name in ("min", "max") and n >= 2 and name not in self.lookups:
            return _MinMax(name == "min", tuple(args))
        if name == "abs" and n == 1 and name not in self.lookups:
            return _Abs(args[0])
        if name in ("ratio", "clamp") and n == 3 and name not in self.lookups:
            return _Ratio(*args) if name == "ratio" else _Clamp(*args)
        if name == "round" and n in (1, 2) and name not in self.lookups:
            return _Round(args[0], _places(args[1] if n == 2 else _const(0)))
        raise NeedsReference(UNSUPPORTED, detail=f"the call {name}(...) with {n} arguments")


def _places(node: _Node) -> int:
    """round's places, a number written in the formula (the checker makes sure), as round_ takes it: int()."""
    if not isinstance(node, _Const) or not float(node.python).is_integer():
        raise NeedsReference(UNSUPPORTED, detail="round(x, places) with places not a whole number written")
    places = int(node.python)
    if not 0 <= places <= MAX_PLACES:
        raise NeedsReference(UNSUPPORTED, detail=f"round(x, {places})")
    return places
