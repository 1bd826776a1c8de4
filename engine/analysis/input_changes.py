"""The input side of `kaoping sensitivity`: for every pair of units next to each other in the published order,
the smallest change of one input of the lower unit, alone, that lets its printed total reach the upper's.

What "reach" means: the lower unit's total as printed (rounded as the ruleset prints it) is equal to or
better than the upper one's in the ranking's direction (higher for `order: descending`, lower for
`ascending`; the printed score of the ranking's indicator for `ranking.by: <indicator>`).  `overtakes_by`
is the smallest change that also puts the lower unit before the upper one in the published order (with
sequential ties a printed tie does not reorder: the unrounded total decides, then the tie-breaks, then the
input order).  A change that leaves either unit unranked (`ranking.eligible`) does neither.

Changes are whole steps of the input: 1 for an integer input, 10**-d for a number or percent input whose
column has at most d decimals in the table.  Every candidate is scored exactly as `kaoping evaluate` would
score the changed table (input_rescore.py: the engine's own arithmetic, the population aggregates such as
the district's total alerts recomputed with the changed value, both units of the pair scored again).

Bounds: the input's `min` and `max` (a bound naming another input is that input's unchanged value), and the
inputs whose bounds name this one (on_time <= completed <= due: completed may not fall below on_time).
A side with no bound is searched to a stated limit, in the input's own units: up to max(2 * the column's
largest value, 2 * the unit's own value, 0) + 100, and down to min(2 * the column's smallest value,
2 * the unit's own value, 0) - 100 (see `limits`; the seed's alerts, at most 2, are searched up to 104).

How the search goes, in each direction from the unit's own value: every step from 1 to K is tried, K the
largest power of two from 16 to 1024 for which one input's candidates stay within EXHAUSTIVE_BUDGET (50,000:
for the seed that is every value within the bounds, for 10,000 units 16); beyond K, steps are doubled
(2K, 4K, ... and the bound itself) until one reaches, then the interval between the last that did not and
the first that did is halved down to one step.  So a change of up to K steps is always the smallest there
is (in both directions: the other direction was tried as far).
A larger one is checked to reach, and one step less not to; it is the smallest if the verdict does not go
from "reaches" back to "does not" between two doubling points.  That holds whenever the pair's gap moves
one way as the input moves one way (ratios, shares of a total, caps, floors, bands and thresholds whose
points rise one way).  An input on both sides of the scheme may not (city-hotline's `completed` lowers the
unfinished penalty and is the first-contact rate's denominator), nor abs(x - target) or a band table whose
points go up then down: a smaller change could then hide between doubling points.  On the shipped examples
the doubling search gives what trying every value gives, and tests/test_sensitivity_inputs.py checks the
search against evaluate on every value within the bounds.  The smaller of the two directions is reported;
on a tie, the increase.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import numpy as np
import numpy.typing as npt

from ..columns.compile import Column
from ..evaluate.ranking import Evaluation
from ..ruleset.model import Input, Ruleset
from .input_rescore import Rescorer, Verdicts
from .sensitivity_model import InputChange, PairChanges, adjacent_pairs

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

EXHAUSTIVE = 16  # at least every step up to this many is tried one by one, in each direction
MAX_EXHAUSTIVE = 1024  # and at most this many
EXHAUSTIVE_BUDGET = 50_000  # candidates of one input tried one by one (the seed: every step of its bounds)
MAX_DECIMALS = 9  # a number input's step is at least 10**-9
CHUNK = 100_000  # candidates scored in one batch (memory, not speed)


def input_changes(ruleset: Ruleset, evaluation: Evaluation) -> tuple[PairChanges, ...]:
    """For every adjacent pair, each numeric input's smallest change that lets the lower unit reach the upper
    (see the module's doc for what that means, how it is searched and what is guaranteed)."""
    pairs = adjacent_pairs(evaluation)
    if not pairs:
        return ()
    rescorer = Rescorer(ruleset, evaluation)
    lower = np.array([rescorer.index[b.entity] for _a, b in pairs], dtype=np.int64)
    upper = np.array([rescorer.index[a.entity] for a, _b in pairs], dtype=np.int64)
    found = {item.id: _one_input(rescorer, item, lower, upper) for item in searched_inputs(ruleset)}
    out = []
    for n, (above, below) in enumerate(pairs):
        changes = [c for c in (change[n] for change in found.values()) if c is not None]
        changes.sort(key=lambda c: abs(c.by))  # stable: input order among equal changes
        none = tuple(id for id, change in found.items() if change[n] is None)
        group = below.group if ruleset.ranking.per_group else None
        out.append(PairChanges(above.entity, below.entity, group, tuple(changes), none))
    return tuple(out)


def searched_inputs(ruleset: Ruleset) -> list[Input]:
    """The numeric inputs a unit's figure could change in: not text, not the group field, not the unit's key."""
    return [i for i in ruleset.inputs if i.numeric and i.id not in (ruleset.group_field, ruleset.key)]


@dataclass(frozen=True, slots=True)
class Steps:
    """One input's column in whole steps: each unit's value and bounds as integers (value = m * 10**-places)."""

    places: int
    integer: bool
    own: Ints
    up: Ints  # how many steps each unit may go up
    down: Ints  # and down

    def value(self, m: Ints) -> Column:
        """The values that m steps are, as the table would hold them read from a CSV: ints, or the float of
        the decimal m * 10**-places (an exact integer divided by an exact power of ten: correctly rounded)."""
        if self.integer:
            return Column(m.astype(np.float64), np.ones(len(m), np.bool_))
        return Column(m.astype(np.float64) / 10.0**self.places, np.zeros(len(m), np.bool_))

    def amount(self, t: int) -> int | float:
        return int(t) if self.integer else float(Decimal(int(t)).scaleb(-self.places))

    @property
    def step(self) -> int | float:
        return self.amount(1)


def decimals(value: float) -> int:
    """How many decimals the number has as written shortest (98.06 -> 2, 98.0 -> 0)."""
    exponent = Decimal(repr(value)).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def steps_of(ruleset: Ruleset, evaluation: Evaluation, item: Input) -> Steps:
    """The input's column in steps, with each unit's bounds (see `limits` for a side without one)."""
    records = evaluation.table.records
    column = [_number(r.values[item.id]) for r in records]
    integer = item.type == "integer"
    places = 0 if integer else min(MAX_DECIMALS, max((decimals(float(v)) for v in column), default=0))
    scale = Decimal(1).scaleb(places)
    high, low = limits(column)
    own, up, down = [], [], []
    for value, record in zip(column, records, strict=True):
        lows, highs = _bounds(ruleset, item, record.values)
        here = _scaled(value, scale, ROUND_FLOOR)
        hi = (
            min(_scaled(b, scale, ROUND_FLOOR) for b in highs)
            if highs
            else _scaled(max(high, 2 * value) + 100, scale, ROUND_FLOOR)
        )
        lo = (
            max(_scaled(b, scale, ROUND_CEILING) for b in lows)
            if lows
            else _scaled(min(low, 2 * value) - 100, scale, ROUND_CEILING)
        )
        own.append(here)
        up.append(max(0, hi - here))
        down.append(max(0, here - lo))
    return Steps(places, integer, _ints(own), _ints(up), _ints(down))


def limits(column: Sequence[int | float]) -> tuple[float, float]:
    """Where a side without a bound is searched to, before the unit's own value is taken in and 100 added
    (subtracted): twice the column's largest value (at least 0) up, twice its smallest (at most 0) down."""
    return max(0.0, 2.0 * max(column, default=0)), min(0.0, 2.0 * min(column, default=0))


def _number(value: object) -> int | float:
    assert isinstance(value, (int, float))  # a numeric input's cells are numbers once read
    return value


def _ints(values: list[int]) -> Ints:
    return np.array(values, dtype=np.int64)


def _scaled(value: object, scale: Decimal, rounding: str) -> int:
    """value * scale as a whole number of steps, rounded the given way (a bound between two steps)."""
    number = _number(value)
    exact = Decimal(number) if isinstance(number, int) else Decimal(repr(number))
    return int((exact * scale).to_integral_value(rounding=rounding))


def _bounds(ruleset: Ruleset, item: Input, row: Mapping[str, object]) -> tuple[list[object], list[object]]:
    """The values the input may not go below and above for this unit: its own min/max (another input's value
    where one is named) and the other inputs whose min/max name it (completed may not go below on_time)."""
    lows: list[object] = []
    highs: list[object] = []
    for bound, into in ((item.min, lows), (item.max, highs)):
        if bound is not None:
            into.append(row[bound] if isinstance(bound, str) else bound)
    for other in ruleset.inputs:
        if other.max == item.id:
            lows.append(row[other.id])
        if other.min == item.id:
            highs.append(row[other.id])
    return lows, highs


def _one_input(rescorer: Rescorer, item: Input, lower: Ints, upper: Ints) -> list[InputChange | None]:
    """Each pair's change of this input (None where none within bounds reaches)."""
    steps = steps_of(rescorer.ruleset, rescorer.evaluation, item)
    search = _Search(rescorer, item.id, steps, lower, upper)
    already = search.probe(np.arange(len(lower)), np.zeros(len(lower), np.int64), both=False).reach
    reach, overtake = search.run(already)
    out: list[InputChange | None] = []
    for n in range(len(lower)):
        by = 0 if already[n] else _nearer(reach[n], reach[n + len(lower)])
        if by is None:
            out.append(None)
            continue
        over = _nearer(overtake[n], overtake[n + len(lower)])
        out.append(InputChange(item.id, steps.amount(by), steps.step, None if over is None else steps.amount(over)))
    return out


def _nearer(up: int, down: int) -> int | None:
    """The smaller of the two directions' changes (0: none that way), as a signed number of steps."""
    if up and (not down or up <= down):
        return up
    return -down if down else None


def one_by_one(room: Ints) -> int:
    """How many steps each search tries one by one: the most (a power of two from EXHAUSTIVE to MAX_EXHAUSTIVE)
    whose candidates fit EXHAUSTIVE_BUDGET, so a small table is searched over every value of its bounds."""
    k = MAX_EXHAUSTIVE
    while k > EXHAUSTIVE and int(np.minimum(room, k).sum()) > EXHAUSTIVE_BUDGET:
        k //= 2
    return k


class _Search:
    """Every pair's search in both directions at once, as arrays: search s < P goes up, s >= P down."""

    def __init__(self, rescorer: Rescorer, input_id: str, steps: Steps, lower: Ints, upper: Ints) -> None:
        self.rescorer, self.input_id, self.steps = rescorer, input_id, steps
        self.unit, self.partner = np.concatenate([lower, lower]), np.concatenate([upper, upper])
        self.sign = np.concatenate([np.ones(len(lower), np.int64), -np.ones(len(lower), np.int64)])
        self.room = np.concatenate([steps.up[lower], steps.down[lower]])

    def probe(self, searches: Ints, t: Ints, both: bool = True) -> Verdicts:
        """The verdicts of t steps for each of these searches, scored in chunks."""
        units = self.unit[searches] if both else self.unit[: len(self.unit) // 2][searches]
        partners = self.partner[searches] if both else self.partner[: len(self.unit) // 2][searches]
        moved = self.steps.own[units] + (self.sign[searches] if both else 1) * t
        reach, overtake = np.zeros(len(t), np.bool_), np.zeros(len(t), np.bool_)
        for start in range(0, len(t), CHUNK):
            part = slice(start, start + CHUNK)
            found = self.rescorer.verdicts(self.input_id, units[part], partners[part], self.steps.value(moved[part]))
            reach[part], overtake[part] = found.reach, found.overtake
        return Verdicts(reach, overtake)

    def run(self, already: Bools) -> tuple[Ints, Ints]:
        """Each search's smallest steps that reach and that overtake (0: none within its room)."""
        s, room, k = len(self.room), self.room, one_by_one(self.room)
        first = np.minimum(room, k)
        searches = np.repeat(np.arange(s), k)
        t = np.tile(np.arange(1, k + 1), s)
        tried = t <= room[searches]
        found = self.probe(searches[tried], t[tried])
        state = []
        for hits in (found.reach, found.overtake):
            grid = np.zeros((s, k), np.bool_)
            grid[searches[tried], t[tried] - 1] = hits
            hi = np.where(grid.any(axis=1), grid.argmax(axis=1) + 1, 0).astype(np.int64)
            state.append([np.where(hi > 0, hi - 1, first), hi])
        state[0][1][np.concatenate([already, already])] = 0  # a printed tie already: nothing to search
        state[0][0][np.concatenate([already, already])] = room[np.concatenate([already, already])]
        while self._round(state):
            pass
        return state[0][1], state[1][1]

    def _round(self, state: list[list[Ints]]) -> bool:
        """One doubling or halving probe for every search still open; False when none is."""
        wanted = []
        for lo, hi in state:
            open_ = np.where(hi == 0, lo < self.room, hi - lo > 1)
            wanted.append((open_, np.where(hi == 0, np.minimum(2 * np.maximum(lo, 1), self.room), (lo + hi) // 2)))
        searches = np.concatenate([np.flatnonzero(o) for o, _t in wanted])
        if not len(searches):
            return False
        t = np.concatenate([n[o] for o, n in wanted])
        pairs = np.unique(np.stack([searches, t], axis=1), axis=0)
        found = self.probe(pairs[:, 0], pairs[:, 1])
        for (lo, hi), (open_, nxt), hits in zip(state, wanted, (found.reach, found.overtake), strict=True):
            mine = open_[pairs[:, 0]] & (nxt[pairs[:, 0]] == pairs[:, 1])
            at, yes = pairs[mine, 0], hits[mine]
            hi[at[yes]] = pairs[mine, 1][yes]
            lo[at[~yes]] = pairs[mine, 1][~yes]
        return True
