"""Diff: what a policy change does to the rules and to the ranking.

Two evaluations of the same input (two versions, or a version and a
what-if) are compared: the rules semantically (weights, formulas, rounding,
ranking, inputs, aggregates: not the text of the files), and the results
per unit (old and new total, delta, old and new rank, movement), with a
summary: how many units moved and Kendall's tau-b between the rankings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable

from .model import Ruleset
from .ranking import Evaluation


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
    tau: float


def diff(old: Evaluation, new: Evaluation) -> Diff:
    units = _unit_changes(old, new)
    both = [u for u in units if u.old_rank is not None and u.new_rank is not None]
    tau = kendall_tau_b([u.old_rank for u in both], [u.new_rank for u in both])  # type: ignore[misc]
    ordered = sorted(units, key=lambda u: (-abs(u.movement), -abs(u.delta), u.new_rank or 0))
    return Diff(old, new, tuple(rule_changes(old.ruleset, new.ruleset)), tuple(ordered), sum(1 for u in both if u.movement), tau)


def _unit_changes(old: Evaluation, new: Evaluation) -> list[UnitChange]:
    before = {r.entity: r for r in old.results}
    after = {r.entity: r for r in new.results}
    names = list(before) + [n for n in after if n not in before]
    changes = []
    for name in names:
        a, b = before.get(name), after.get(name)
        changes.append(UnitChange(
            name,
            a.total if a else math.nan, b.total if b else math.nan,
            a.display["total"] if a else "", b.display["total"] if b else "",
            a.rank if a else None, b.rank if b else None,
        ))
    return changes


def kendall_tau_b(x: list[int], y: list[int]) -> float:
    """Kendall's tau-b of two rankings of the same units (1.0: the same order; ties allowed)."""
    n = len(x)
    concordant = discordant = ties_x = ties_y = 0
    for i in range(n):
        for j in range(i + 1, n):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif (dx > 0) == (dy > 0):
                concordant += 1
            else:
                discordant += 1
    denominator = math.sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y))
    return (concordant - discordant) / denominator if denominator else 1.0


def rule_changes(a: Ruleset, b: Ruleset) -> list[RuleChange]:
    """What differs between two rulesets, key by key, in reading order."""
    changes = []
    changes += _compare("version", a.version, b.version)
    changes += _compare("effective", a.effective, b.effective)
    if b.overrides:
        changes.append(RuleChange("what-if", "", ", ".join(b.overrides)))
    changes += _items("input", _inputs(a), _inputs(b))
    changes += _items("aggregate", _aggregates(a), _aggregates(b))
    changes += _items("indicator", _indicators(a), _indicators(b))
    changes += _compare("total.max", a.total.max, b.total.max)
    changes += _compare("total.formula", _text(a.total.formula), _text(b.total.formula))
    changes += _compare("rounding.places", a.rounding.places, b.rounding.places)
    changes += _compare("rounding.mode", a.rounding.mode, b.rounding.mode)
    for key in ("by", "order", "ties"):
        changes += _compare(f"ranking.{key}", getattr(a.ranking, key), getattr(b.ranking, key))
    changes += _compare("report.title", a.report.title, b.report.title)
    if a.report.columns != b.report.columns:
        changes.append(RuleChange("report.columns", "", "the layout changed"))
    return changes


def _text(formula: Any) -> str:
    return formula.text.strip() if formula is not None else "(sum of the indicators)"


def _inputs(r: Ruleset) -> dict[str, dict[str, Any]]:
    return {i.id: {"type": i.type, "min": i.min, "max": i.max, "default": i.default, "label": i.label} for i in r.inputs}


def _aggregates(r: Ruleset) -> dict[str, dict[str, Any]]:
    return {a.id: {"function": a.function, "of": _text(a.of) if a.of else "", "label": a.label} for a in r.aggregates}


def _indicators(r: Ruleset) -> dict[str, dict[str, Any]]:
    return {i.id: {"weight": i.weight, "formula": i.formula.text.strip(), "label": i.label} for i in r.indicators}


def _items(kind: str, a: dict[str, dict[str, Any]], b: dict[str, dict[str, Any]]) -> Iterable[RuleChange]:
    for id in a:
        if id not in b:
            yield RuleChange(f"{kind} {id}", "present", "removed")
    for id in b:
        if id not in a:
            yield RuleChange(f"{kind} {id}", "absent", "added")
        else:
            for key in b[id]:
                yield from _compare(f"{id}.{key}", a[id][key], b[id][key])


def _compare(what: str, old: Any, new: Any) -> list[RuleChange]:
    return [] if old == new else [RuleChange(what, _show(old), _show(new))]


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "(none)" if value is None else str(value)
