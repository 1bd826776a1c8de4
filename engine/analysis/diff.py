"""Diff: what a policy change does to the rules and to the ranking.

Two evaluations of the same input (two versions, or a version and a
what-if) are compared: the rules semantically (weights, formulas, rounding,
ranking, inputs, aggregates: not the text of the files), and the results
per unit (old and new total, delta, old and new rank, movement), with a
summary: how many units moved and Kendall's tau-b between the rankings.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields, is_dataclass
from typing import TYPE_CHECKING, Any, overload

from ..evaluate.ranking import Evaluation
from ..i18n import _
from ..numbers import plain_number
from ..ruleset.expr import Formula
from ..ruleset.model import Ruleset

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from ..columns.compile import Column
    from ..columns.rank import ColumnRanking

    Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class RuleChange:
    what: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class UnitChange:
    entity: str
    old_total: float
    new_total: float
    old_shown: str
    new_shown: str
    old_rank: int | None
    new_rank: int | None
    old_grade: str | None = None
    new_grade: str | None = None

    @property
    def delta(self) -> float:
        return self.new_total - self.old_total

    @property
    def movement(self) -> int:
        """Places gained (positive) or lost (negative)."""
        if self.old_rank is None or self.new_rank is None:
            return 0
        return self.old_rank - self.new_rank


@dataclass(frozen=True, slots=True)
class Diff:
    old: Evaluation
    new: Evaluation
    rules: tuple[RuleChange, ...]
    units: Sequence[UnitChange]  # a tuple, or ColumnChanges (built when first read) for two columnar evaluations
    moved: int
    tau: float | None  # None: not computed (groups ranked apart, or fewer than two units ranked under both)

    @property
    def regraded(self) -> tuple[UnitChange, ...]:
        """Units that crossed a grade boundary."""
        if isinstance(self.units, ColumnChanges):
            return self.units.regraded()
        return tuple(u for u in self.units if u.old_grade != u.new_grade and None not in (u.old_grade, u.new_grade))

    @property
    def memberships(self) -> tuple[Membership, ...]:
        """Who entered and who left each list (红榜, 黑榜), each flag and each grade."""
        return memberships(self.old, self.new)


@dataclass(frozen=True, slots=True)
class Membership:
    """The units that entered or left one list, flag or grade between two evaluations.

    A leader reading a what-if asks first "who is now on the 黑榜, who is off
    it": the ranks alone make them work that out.  `kind` is "list", "flag"
    or "grade"; `id` is the list's or flag's id, or the grade's label; a list
    or flag declared by one ruleset only has all its units entering or leaving.
    """

    kind: str
    id: str
    label: str
    entered: tuple[str, ...]
    left: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.entered or self.left)


def memberships(old: Evaluation, new: Evaluation) -> tuple[Membership, ...]:
    """Every list's, flag's and grade's entries and exits, lists first, each in the order the rulesets declare."""
    before, after = _members_of(old), _members_of(new)
    out = []
    for key in list(before) + [k for k in after if k not in before]:
        label, was = before.get(key, ("", ()))
        new_label, now = after.get(key, (label, ()))
        kept = set(was) & set(now)
        out.append(
            Membership(
                key[0],
                key[1],
                new_label or label,
                tuple(u for u in now if u not in kept),
                tuple(u for u in was if u not in kept),
            )
        )
    return tuple(out)


def _members_of(evaluation: Evaluation) -> dict[tuple[str, str], tuple[str, tuple[str, ...]]]:
    """(kind, id) -> (label, the units in it in table order) for the evaluation's lists, flags and grades."""
    members: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}
    for unit_list, units in evaluation.lists:
        members[("list", unit_list.id)] = (unit_list.label, tuple(u.entity for u in units))
    ruleset = evaluation.ruleset
    if ruleset.flags or ruleset.grades is not None:
        results = evaluation.results
        for flag in ruleset.flags:
            members[("flag", flag.id)] = (flag.label, tuple(r.entity for r in results if flag.id in r.flags))
        if ruleset.grades is not None:
            for band in ruleset.grades.bands:
                grade = str(band.value)
                members[("grade", grade)] = (grade, tuple(r.entity for r in results if r.grade == grade))
    return members


def diff(old: Evaluation, new: Evaluation) -> Diff:
    """The two evaluations compared: from their columns when both have them over the same units (a diff of
    100,000 units then builds no UnitChange), else unit by unit (the reference)."""
    columns = unit_columns(old, new)
    if columns is not None:
        return Diff(
            old, new, tuple(rule_changes(old.ruleset, new.ruleset)), ColumnChanges(columns), columns.moved, columns.tau
        )
    return reference_diff(old, new)


def reference_diff(old: Evaluation, new: Evaluation) -> Diff:
    """The diff unit by unit, each a UnitChange: the definition unit_columns must give the same as."""
    units = _unit_changes(old, new)
    both = [u for u in units if u.old_rank is not None and u.new_rank is not None]
    # ranks within different groups do not compare, and two units are the fewest a correlation needs
    ranks = ([u.old_rank or 0 for u in both], [u.new_rank or 0 for u in both])  # never 0: both are ranked
    tau = None if _apart(old, new) or len(both) < 2 else kendall_tau_b(*ranks)
    ordered = sorted(units, key=lambda u: (-abs(u.movement), -abs(u.delta), u.new_rank or 0))
    return Diff(
        old, new, tuple(rule_changes(old.ruleset, new.ruleset)), tuple(ordered), sum(1 for u in both if u.movement), tau
    )


def _apart(old: Evaluation, new: Evaluation) -> bool:
    return old.ruleset.ranking.per_group or new.ruleset.ranking.per_group


def _unit_changes(old: Evaluation, new: Evaluation) -> list[UnitChange]:
    before, after = _by_entity(old), _by_entity(new)
    names = list(before) + [n for n in after if n not in before]
    absent: Seen = (math.nan, "", None, None)
    changes = []
    for name in names:
        a, b = before.get(name, absent), after.get(name, absent)
        changes.append(UnitChange(name, a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3]))
    return changes


Seen = tuple[float, str, "int | None", "str | None"]


def _by_entity(evaluation: Evaluation) -> dict[str, Seen]:
    """Each unit's total, printed total, rank and grade, in table order: from the columns when the evaluation
    has them, so that a diff of 100,000 units builds no UnitResult."""
    ranking = evaluation.columns
    if ranking is None:
        return {r.entity: (r.total, r.display["total"], r.rank, r.grade) for r in evaluation.results}
    from ..columns.rounding import fixed_many

    s, order = ranking.scoring, ranking.order
    rounding = evaluation.ruleset.rounding
    totals = s.total.values[order]
    whole = s.total.whole[order].tolist()
    grades = [ranking.grade[u] for u in order.tolist()] if ranking.grade is not None else [None] * len(order)
    return {
        name: (int(total) if w else total, shown, rank or None, grade)
        for name, total, w, shown, rank, grade in zip(
            s.entity[order].tolist(),
            totals.tolist(),
            whole,
            fixed_many(totals, rounding.places, rounding.mode),
            ranking.rank.tolist(),
            grades,
            strict=True,
        )
    }


def kendall_tau_b(x: list[int], y: list[int]) -> float:
    """Kendall's tau-b of two rankings of the same units (1.0: the same order; ties allowed).

    tau-b = (C - D) / sqrt((C + D + T) * (C + D + U)), with C and D the concordant
    and discordant pairs, T the pairs tied in x only and U those tied in y only;
    1.0 when the denominator is 0 (fewer than two units, or one ranking all tied).

    Counting pair by pair is O(n^2): about 26 minutes for a city-wide diff of
    200,000 units. This is Knight's O(n log n) method instead (W. R. Knight, "A
    Computer Method for Calculating Kendall's Tau with Ungrouped Data", Journal
    of the American Statistical Association 61(314), 1966, pp. 436-439): sort the
    units by (x, y), count the pairs tied in x and those tied in both, then merge
    sort y counting the swaps (each swap is one discordant pair, since x is
    already in order and y is in order within ties in x), and count the pairs
    tied in y. Every count is an exact integer, so the result is the same float
    the pair-by-pair count gives.
    """
    n = len(x)
    if len(y) != n:
        raise ValueError(f"kendall_tau_b needs two rankings of the same units, got {n} and {len(y)} ranks")
    pairs = sorted(zip(x, y, strict=False))
    tied_x = _tied_pairs([a for a, _ in pairs])  # pairs tied in x (in both or not)
    tied_xy = _tied_pairs(pairs)  # pairs tied in both
    ys, discordant = _merge_sort_counting_swaps([b for _, b in pairs])
    tied_y = _tied_pairs(ys)  # pairs tied in y (in both or not)
    return _tau_of_counts(n, tied_x, tied_y, tied_xy, discordant)


def _tau_of_counts(n: int, tied_x: int, tied_y: int, tied_xy: int, discordant: int) -> float:
    """tau-b from Knight's exact counts (Python ints: the products pass 2**63 from about 55,000 units)."""
    untied = n * (n - 1) // 2 - tied_x - tied_y + tied_xy  # C + D
    concordant_minus_discordant = untied - 2 * discordant
    denominator = math.sqrt((untied + tied_x - tied_xy) * (untied + tied_y - tied_xy))
    return concordant_minus_discordant / denominator if denominator else 1.0


def _tied_pairs(ordered: list[Any]) -> int:
    """The number of pairs of equal items in a sorted list: k(k-1)/2 for each run of k."""
    pairs = run = 0
    previous: Any = object()
    for item in ordered:
        if item == previous:
            run += 1
            pairs += run  # the new item ties with each of the `run` before it
        else:
            run = 0
            previous = item
    return pairs


def _merge_sort_counting_swaps(values: list[int]) -> tuple[list[int], int]:
    """Sort by a bottom-up (iterative) merge sort; return the sorted list and the
    number of inversions (pairs i < j with values[i] > values[j]; equal values are
    never swapped). O(n log n) time, O(n) extra space, no recursion."""
    n = len(values)
    source, target = list(values), [0] * n
    swaps = 0
    width = 1
    while width < n:
        for low in range(0, n - width, 2 * width):
            middle, high = low + width, min(low + 2 * width, n)
            if source[middle - 1] <= source[middle]:  # already in order (common: rankings barely move)
                target[low:high] = source[low:high]
                continue
            i, j, k = low, middle, low
            while i < middle and j < high:
                if source[j] < source[i]:
                    target[k] = source[j]
                    swaps += middle - i  # source[j] jumps over every item left in the first run
                    j += 1
                else:
                    target[k] = source[i]
                    i += 1
                k += 1
            if i < middle:
                target[k:high] = source[i:middle]
            else:
                target[k:high] = source[j:high]
        last = (n - 1) // width  # the run holding the last item
        if last % 2 == 0:  # it has no partner this pass: carry it over as it is
            target[last * width : n] = source[last * width : n]
        source, target = target, source
        width *= 2
    return source, swaps


def kendall_tau_b_arrays(x: Ints, y: Ints) -> float:
    """kendall_tau_b of two int64 arrays of ranks, by the same counts made over whole arrays (the same float).

    Sorted by (x, y) with one lexsort; ties counted from the runs of equal
    neighbours; the discordant pairs are the inversions of y, counted by a
    bottom-up merge whose every level is a few array operations (_inversions):
    O(n log n), about 17 levels for 100,000 units.
    """
    import numpy as np

    n = len(x)
    if len(y) != n:
        raise ValueError(f"kendall_tau_b needs two rankings of the same units, got {n} and {len(y)} ranks")
    if n < 2:
        return 1.0
    order = np.lexsort((y, x))
    xs, ys = x[order], y[order]
    same_x = xs[1:] == xs[:-1]
    tied_x = _tied_runs(same_x)
    tied_xy = _tied_runs(same_x & (ys[1:] == ys[:-1]))  # sorted by (x, y): units tied in both are neighbours
    discordant, merged = _inversions(ys)
    tied_y = _tied_runs(merged[1:] == merged[:-1])
    return _tau_of_counts(n, tied_x, tied_y, tied_xy, discordant)


def _tied_runs(same: npt.NDArray[np.bool_]) -> int:
    """The pairs within runs of equal items, from same[i] = (item i + 1 == item i): k(k-1)/2 a run of k."""
    import numpy as np

    starts = np.flatnonzero(np.concatenate(([True], ~same, [True])))  # where each run starts, and the end
    lengths = np.diff(starts).astype(np.int64)
    return int((lengths * (lengths - 1) // 2).sum())


def _inversions(values: Ints) -> tuple[int, Ints]:
    """The pairs i < j with values[i] > values[j], and the values sorted: _merge_sort_counting_swaps on arrays.

    At the level of runs `width` long, runs 2k and 2k + 1 are merged; each
    item of the right run jumps over the items of the left run above it,
    counted for all of them at once by one searchsorted on keys made of
    (pair, value), which keep every left run sorted and the runs in order.
    One stable sort of the same keys merges the pairs for the next level.
    """
    import numpy as np

    n = len(values)
    low = int(values.min()) if n else 0
    span = (int(values.max()) - low + 1) if n else 1
    current = values.astype(np.int64) - low  # in [0, span): key = pair * span + value never overflows
    position = np.arange(n, dtype=np.int64)
    inversions = 0
    width = 1
    while width < n:
        pair = position // (2 * width)
        keys = pair * span + current
        right = (position // width) % 2 == 1
        left_keys, right_pair = keys[~right], pair[right]
        # left items of the same pair at most the right item's value: those of earlier pairs are all below
        not_above = np.searchsorted(left_keys, keys[right], side="right") - right_pair * width
        inversions += int((width - not_above).sum())  # a right run's left run is always `width` long
        keys.sort(kind="stable")
        current = keys - pair * span
        width *= 2
    return inversions, current + low


# -- the columnar diff: two evaluations of the same table, as arrays ---------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class UnitColumns:
    """Every unit's UnitChange fields as columns, in the diff's order; the units are those of both evaluations.

    `old_rank`/`new_rank` are 0 where the unit is not ranked; `delta` is new
    total minus old, whole where both totals are (as int - int is in Python).
    """

    entity: list[str]
    old_total: Column
    new_total: Column
    delta: Column
    old_shown: list[str]
    new_shown: list[str]
    old_rank: Ints
    new_rank: Ints
    movement: Ints
    old_grade: list[str] | None  # None: the ruleset grades no unit
    new_grade: list[str] | None
    moved: int
    tau: float | None

    def __len__(self) -> int:
        return len(self.entity)


def unit_columns(old: Evaluation, new: Evaluation) -> UnitColumns | None:
    """reference_diff's units and summary from the columns, or None where they are not surely the same.

    Only for two columnar evaluations of the same units in the same order
    (a what-if or another version on the same file), each name once, every
    total finite and every whole difference exact: then the reference's
    match by name is a match by position, and each field below is what it
    computes unit by unit.  The reference's order is the old table's; its
    stable sort on (-|movement|, -|delta|, new rank or 0) is one lexsort.
    """
    a, b = old.columns, new.columns
    if a is None or b is None:
        return None
    names = a.scoring.entity.tolist()
    if names != b.scoring.entity.tolist() or len(set(names)) != len(names):
        return None
    import numpy as np

    from ..columns.compile import Column

    at = a.order  # the units in the old table's order, as the reference lists them
    old_rank, new_rank = a.rank, _rank_by_unit(b)[at]
    old_total, new_total = _taken(a.scoring.total, at), _taken(b.scoring.total, at)
    if not (np.isfinite(old_total.values).all() and np.isfinite(new_total.values).all()):
        return None
    delta = Column(new_total.values - old_total.values, old_total.whole & new_total.whole)
    if (np.abs(delta.values[delta.whole]) >= 2.0**53).any():  # int - int past 2**53: the floats may not be exact
        return None
    both = (old_rank > 0) & (new_rank > 0)
    movement = np.where(both, old_rank - new_rank, 0)
    by = np.lexsort((new_rank, -np.abs(delta.values), -np.abs(movement)))  # the last key first; stable
    tau = None if _apart(old, new) or both.sum() < 2 else kendall_tau_b_arrays(old_rank[both], new_rank[both])
    units = at[by]
    return UnitColumns(
        a.scoring.entity[units].tolist(),
        _taken(old_total, by),
        _taken(new_total, by),
        _taken(delta, by),
        _shown(old, a.scoring.total.values[units]),
        _shown(new, b.scoring.total.values[units]),
        old_rank[by],
        new_rank[by],
        movement[by],
        _grades_at(a.grade, units),
        _grades_at(b.grade, units),
        int(np.count_nonzero(movement)),
        tau,
    )


def _rank_by_unit(ranking: ColumnRanking) -> Ints:
    import numpy as np

    by_unit = np.zeros(len(ranking.order), dtype=np.int64)
    by_unit[ranking.order] = ranking.rank
    return by_unit


def _taken(column: Column, at: Ints) -> Column:
    from ..columns.compile import Column

    return Column(column.values[at], column.whole[at])


def _shown(evaluation: Evaluation, totals: npt.NDArray[np.float64]) -> list[str]:
    from ..columns.rounding import fixed_many

    rounding = evaluation.ruleset.rounding
    return fixed_many(totals, rounding.places, rounding.mode)


def _grades_at(grades: list[str] | None, units: Ints) -> list[str] | None:
    if grades is None:
        return None
    import numpy as np

    return np.array(grades, dtype=object)[units].tolist()  # type: ignore[no-any-return]


class ColumnChanges(Sequence[UnitChange]):
    """A diff's UnitChanges over UnitColumns, built all at once the first time someone reads one.

    The renderers read the columns; a program reading `Diff.units` gets the
    reference's UnitChanges, equal field for field (tests/test_diff_columns.py).
    """

    def __init__(self, columns: UnitColumns) -> None:
        self.columns = columns
        self._built: list[UnitChange] | None = None

    def __len__(self) -> int:
        return len(self.columns)

    @overload
    def __getitem__(self, index: int) -> UnitChange: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[UnitChange]: ...
    def __getitem__(self, index: int | slice) -> UnitChange | Sequence[UnitChange]:
        return self._all()[index]

    def __iter__(self) -> Iterator[UnitChange]:
        return iter(self._all())

    def regraded_at(self) -> list[int]:
        """The positions of the units that crossed a grade boundary (Diff.regraded's), without building the rest."""
        c = self.columns
        if c.old_grade is None or c.new_grade is None:
            return []
        pairs = enumerate(zip(c.old_grade, c.new_grade, strict=True))  # Grades.of is always a str: none is None
        return [i for i, (a, b) in pairs if a != b]

    def regraded(self) -> tuple[UnitChange, ...]:
        return tuple(self._changes(self.regraded_at()))

    def _all(self) -> list[UnitChange]:
        if self._built is None:
            self._built = self._changes(range(len(self.columns)))
        return self._built

    def _changes(self, at: Sequence[int]) -> list[UnitChange]:
        if not at:
            return []
        from ..columns.compile import to_python

        c, none = self.columns, [None] * len(self.columns)
        old_total, new_total = to_python(c.old_total), to_python(c.new_total)
        old_rank, new_rank = c.old_rank.tolist(), c.new_rank.tolist()
        old_grade, new_grade = c.old_grade or none, c.new_grade or none
        return [
            UnitChange(
                c.entity[i],
                old_total[i],
                new_total[i],
                c.old_shown[i],
                c.new_shown[i],
                old_rank[i] or None,
                new_rank[i] or None,
                old_grade[i],
                new_grade[i],
            )
            for i in at
        ]


# what identifies a file rather than a rule, or how this run chose the version (chosen, chosen_why,
# not_in_effect: the same file chosen by name or by version is the same rules): never a rule change
_NOT_RULES = frozenset(
    {"name", "path", "sha256", "steps", "overrides", "tests", "description", "chosen", "chosen_why", "not_in_effect"}
)


def rule_changes(a: Ruleset, b: Ruleset) -> list[RuleChange]:
    """What differs between two rulesets, field by field of the model, in reading order.

    Walking the frozen model itself (not a list of chosen fields) means a new
    kind of rule shows up in a diff without anyone remembering to add it.
    Items with an id (inputs, indicators, groups, ...) are matched by id.
    """
    changes = []
    if b.overrides:
        changes.append(RuleChange("what-if", "", ", ".join(b.overrides)))
    for f in fields(a):
        if f.name not in _NOT_RULES:
            changes += _walk(f.name, getattr(a, f.name), getattr(b, f.name))
    return changes


def _walk(path: str, old: Any, new: Any) -> list[RuleChange]:
    if old == new:
        return []
    if isinstance(old, Formula) or isinstance(new, Formula):
        return _compare(path, _text(old), _text(new))
    if is_dataclass(old) and type(old) is type(new):
        return [c for f in fields(old) for c in _walk(f"{path}.{f.name}", getattr(old, f.name), getattr(new, f.name))]
    if isinstance(old, tuple) and isinstance(new, tuple) and _keyed(old) and _keyed(new):
        return _walk_items(path, old, new)
    return _compare(path, _brief(old), _brief(new))


def _keyed(items: tuple[Any, ...]) -> bool:
    return all(is_dataclass(x) and (hasattr(x, "id") or hasattr(x, "value") and hasattr(x, "max")) for x in items)


def _key(item: Any) -> str:
    return str(getattr(item, "id", None) or getattr(item, "value", ""))


def _walk_items(path: str, old: tuple[Any, ...], new: tuple[Any, ...]) -> list[RuleChange]:
    before, after = {_key(x): x for x in old}, {_key(x): x for x in new}
    changes = [RuleChange(f"{path}[{k}]", "present", "removed") for k in before if k not in after]
    for k, item in after.items():
        changes += (
            [RuleChange(f"{path}[{k}]", "absent", "added")]
            if k not in before
            else _walk(f"{path}[{k}]", before[k], item)
        )
    return changes


def _text(formula: Any) -> str:
    return formula.text.strip() if isinstance(formula, Formula) else _("(none)")


def _brief(value: Any) -> Any:
    """A value as a change line shows it: report layouts and band tables are summarised, not dumped."""
    if isinstance(value, tuple) and len(str(value)) > 80:
        return _("{n} items", n=len(value))
    return value


def _compare(what: str, old: Any, new: Any) -> list[RuleChange]:
    return [] if old == new else [RuleChange(what, _show(old), _show(new))]


def _show(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return plain_number(value)
    return _("(none)") if value is None else str(value)
