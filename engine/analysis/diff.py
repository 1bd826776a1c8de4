"""Diff: what a policy change does to the rules and to the ranking.

Two evaluations of the same input (two versions, or a version and a
what-if) are compared: the rules semantically (weights, formulas, rounding,
ranking, inputs, aggregates: not the text of the files), and the results
per unit (old and new total, delta, old and new rank, movement), with a
summary: how many units moved and Kendall's tau-b between the rankings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from ..evaluate.ranking import Evaluation
from ..numbers import plain_number
from ..ruleset.expr import Formula
from ..ruleset.model import Ruleset


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
    units: tuple[UnitChange, ...]
    moved: int
    tau: float | None  # None: not computed (groups ranked apart, or fewer than two units ranked under both)

    @property
    def regraded(self) -> tuple[UnitChange, ...]:
        """Units that crossed a grade boundary."""
        return tuple(u for u in self.units if u.old_grade != u.new_grade and None not in (u.old_grade, u.new_grade))


def diff(old: Evaluation, new: Evaluation) -> Diff:
    units = _unit_changes(old, new)
    both = [u for u in units if u.old_rank is not None and u.new_rank is not None]
    apart = old.ruleset.ranking.per_group or new.ruleset.ranking.per_group
    # ranks within different groups do not compare, and two units are the fewest a correlation needs
    tau = None if apart or len(both) < 2 else kendall_tau_b([u.old_rank for u in both], [u.new_rank for u in both])  # type: ignore[misc]
    ordered = sorted(units, key=lambda u: (-abs(u.movement), -abs(u.delta), u.new_rank or 0))
    return Diff(
        old, new, tuple(rule_changes(old.ruleset, new.ruleset)), tuple(ordered), sum(1 for u in both if u.movement), tau
    )


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
    return formula.text.strip() if isinstance(formula, Formula) else "(none)"


def _brief(value: Any) -> Any:
    """A value as a change line shows it: report layouts and band tables are summarised, not dumped."""
    if isinstance(value, tuple) and len(str(value)) > 80:
        return f"{len(value)} items"
    return value


def _compare(what: str, old: Any, new: Any) -> list[RuleChange]:
    return [] if old == new else [RuleChange(what, _show(old), _show(new))]


def _show(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return plain_number(value)
    return "(none)" if value is None else str(value)
