"""Explain: how one unit's result came about, for "why did we get 89.27?".

For one unit: the aggregates with their values; each indicator's formula,
the same formula with the unit's values written in, its unrounded and shown
score; the total; the rank; and the units just above and below with the
indicator differences that separate them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..errors import did_you_mean, fail
from ..evaluate.ranking import Evaluation, UnitResult
from ..i18n import N_, _, current
from ..numbers import plain_number, seen_text, signed_fixed, spreadsheet_decimal
from ..ruleset.expr import Evaluator, Formula
from ..ruleset.model import Aggregate, Indicator, Ruleset


@dataclass(frozen=True, slots=True)
class Line:
    """One indicator of the explanation."""

    id: str
    label: str
    weight: float
    formula: str
    substituted: str
    score: float
    shown: str
    kind: str = "score"
    points: float | None = None  # a penalty's or bonus's formula value, before its cap and sign


@dataclass(frozen=True, slots=True)
class Neighbour:
    result: UnitResult
    differences: tuple[tuple[str, float], ...]  # (indicator id, this unit's score minus the neighbour's)


@dataclass(frozen=True, slots=True)
class Explanation:
    evaluation: Evaluation
    unit: UnitResult
    aggregates: tuple[tuple[str, str, str, int | float], ...]  # id, label, how, value
    lines: tuple[Line, ...]
    above: Neighbour | None
    below: Neighbour | None


def find_unit(evaluation: Evaluation, query: str) -> UnitResult:
    """The unit named `query`: an exact name, else the one name containing it."""
    results = evaluation.results
    for r in results:
        if r.entity == query:
            return r
    partial = [r for r in results if query in r.entity]
    if len(partial) == 1:
        return partial[0]
    if partial:
        names = _comma().join(r.entity for r in partial[:10]) + (_comma() + "…" if len(partial) > 10 else "")
        raise fail(
            query,
            _("'{query}' matches {n} units: {names}", query=query, n=len(partial), names=names),
            _("give more of the name"),
            code="explain.ambiguous-unit",
        )
    hint = did_you_mean(query, [r.entity for r in results]) or _("kaoping evaluate shows every unit's name")
    message = _("no unit named '{query}' in {path}", query=query, path=evaluation.table.path)
    raise fail(query, message, hint, code="explain.unknown-unit")


def _comma() -> str:
    """Between the names of a list: a comma in English, 、 in Chinese."""
    return "、" if current() == "zh" else ", "


def explain(evaluation: Evaluation, query: str) -> Explanation:
    unit = find_unit(evaluation, query)
    ruleset = evaluation.ruleset
    peers = _peers(evaluation, unit)
    index = peers.index(unit)
    above = peers[index - 1] if index > 0 else None
    below = peers[index + 1] if index + 1 < len(peers) else None
    return Explanation(
        evaluation,
        unit,
        tuple((a.id, a.label, _how(a), unit.values[a.id]) for a in ruleset.aggregates),
        tuple(_line(ruleset, evaluation, unit, i.id) for i in ruleset.indicators),
        _neighbour(ruleset, unit, above),
        _neighbour(ruleset, unit, below),
    )


def _peers(evaluation: Evaluation, unit: UnitResult) -> tuple[UnitResult, ...]:
    """The units `unit` is ranked among: its group's when groups are ranked apart; none when it is not ranked."""
    if unit.rank is None:
        return (unit,)
    if evaluation.ruleset.ranking.per_group:
        return tuple(r for r in evaluation.ranked if r.group == unit.group)
    return evaluation.ranked


def _standing(x: Explanation) -> str:
    """ "rank 3 of 4 in 市直部门组", or why the unit has no rank."""
    ruleset, unit = x.evaluation.ruleset, x.unit
    if unit.rank is None:
        return _("not ranked ({label})", label=ruleset.ranking.ineligible_label)
    peers = _peers(x.evaluation, unit)
    if ruleset.ranking.per_group:
        group = ruleset.group(unit.group).label
        return _("rank {rank} of {n} in {group}", rank=unit.rank, n=len(peers), group=group)
    return _("rank {rank} of {n}", rank=unit.rank, n=len(peers))


def _total_how(ruleset: Ruleset, unit: UnitResult) -> str:
    """How the total is made, in words: where it starts, what is added, what holds it."""
    total = ruleset.total
    if total.formula is not None:
        how = total.formula.text.strip()
    else:
        start = ruleset.start(unit.group)
        how = (
            _("the sum of the unrounded scores")
            if not start
            else _("{start} + the unrounded scores (penalties negative)", start=plain_number(start))
        )
    floor = plain_number(total.floor) if total.floor is not None else None
    cap = plain_number(ruleset.group(unit.group).max if unit.group is not None else total.max) if total.cap else None
    if floor is not None and cap is not None:
        return how + _(", held at least {floor} and at most {cap}", floor=floor, cap=cap)
    if floor is not None:
        return how + _(", held at least {floor}", floor=floor)
    if cap is not None:
        return how + _(", held at most {cap}", cap=cap)
    return how


def _how(a: Aggregate) -> str:
    if a.of:
        of = a.of.text.strip()
        template = _FUNCTION_OF.get(a.function)
        what = _(template, of=of) if template else _("{function} of {of}", function=a.function, of=of)
    else:
        what = _("count of units")
    return _("{how}, within the unit's group", how=what) if a.per_group else what


_FUNCTION_OF = {
    "sum": N_("sum of {of}"),
    "max": N_("max of {of}"),
    "min": N_("min of {of}"),
    "mean": N_("mean of {of}"),
    "count": N_("count of {of}"),
}
"""How an aggregate is taken, by its function: one phrase each, so that Chinese can say it in its own order."""


def weight_of(ruleset: Ruleset, unit: UnitResult, indicator: Indicator) -> float:
    return ruleset.group(unit.group).weight(indicator) if unit.group is not None else indicator.weight


def _line(ruleset: Ruleset, evaluation: Evaluation, unit: UnitResult, id: str) -> Line:
    indicator = ruleset.indicator(id)
    values: dict[str, int | float | str] = {
        **unit.inputs,
        **unit.values,
        **unit.scores,
        "weight": weight_of(ruleset, unit, indicator),
    }
    score = unit.scores[id]
    points = None
    if indicator.kind != "score":
        points = float(Evaluator({x.id: x for x in ruleset.lookups}).evaluate(indicator.formula, values))  # type: ignore[arg-type]
    weight = weight_of(ruleset, unit, indicator)
    return Line(
        id,
        indicator.label,
        weight,
        indicator.formula.text.strip(),
        substitute(indicator.formula, values),
        score,
        unit.display[id],
        indicator.kind,
        points,
    )


def substitute(formula: Formula, values: Mapping[str, int | float | str]) -> str:
    """The formula's text with every name replaced by its value."""
    text = formula.text.strip()
    lead = len(formula.text) - len(formula.text.lstrip())
    out, last = [], 0
    for name, offset in formula.name_offsets:
        start = offset - lead
        out += [text[last:start], number(values[name])]
        last = start + len(name)
    out.append(text[last:])
    return " ".join("".join(out).split())


def number(value: int | float | str) -> str:
    """A value as a person reads it in a formula: whole numbers plain, others to 6 significant digits."""
    if isinstance(value, str):
        return value
    return plain_number(value) if float(value).is_integer() else f"{value:.6g}"


def _neighbour(ruleset: Ruleset, unit: UnitResult, other: UnitResult | None) -> Neighbour | None:
    if other is None:
        return None
    diffs = [(i.id, unit.scores[i.id] - other.scores[i.id]) for i in ruleset.indicators]
    diffs = [d for d in diffs if shows(d[1], ruleset)]
    diffs.sort(key=lambda d: -abs(d[1]))
    return Neighbour(other, tuple(diffs))


def shows(difference: float, ruleset: Ruleset) -> bool:
    """Whether a difference is visible at the ruleset's places: at least half a unit of the last place shown
    (0.005 at 2 places, 0.5 at 0), as the ruleset rounds it.  A smaller one would be listed as "+0.00"
    (or "+0" at 0 places): a difference the table cannot show is no reason a neighbour ranks apart."""
    return spreadsheet_decimal(abs(difference), ruleset.rounding.places, ruleset.rounding.mode) != 0


def threshold(ruleset: Ruleset) -> str:
    """The smallest difference `shows` lists, as text: 0.005 at 2 places, 0.5 at 0."""
    return format(Decimal(5).scaleb(-ruleset.rounding.places - 1), "f")


def render(x: Explanation) -> str:
    """The explanation as plain text (labels from the ruleset)."""
    unit, ruleset = x.unit, x.evaluation.ruleset
    head = _(
        "{unit}: {standing}, total {total} under {ruleset}",
        unit=unit.entity,
        standing=_standing(x),
        total=unit.display["total"],
        ruleset=ruleset.label,
    )
    out = [head, ""]
    if x.aggregates:
        out.append(_("aggregates (over all units):"))
        out += [
            _("  {label} {id} = {value}    ({how})", label=label, id=id, value=number(value), how=how)
            for id, label, how, value in x.aggregates
        ]
        out.append("")
    out.append(_("indicators:"))
    for line in x.lines:
        out += _indicator_lines(line)
    out += [
        "",
        _("total = {how}", how=_total_how(ruleset, unit)),
        f"      = {unit.total!r} -> {unit.display['total']}",
    ]
    if unit.grade:
        out.append(_("grade {grade}", grade=unit.grade))
    out.append(_standing_by(x))
    out += _neighbour_lines(x)
    return "\n".join(out) + "\n"


def _indicator_lines(line: Line) -> list[str]:
    """One indicator's lines: its formula, the values put in, and the score (a penalty or bonus capped at its weight)."""
    out = [
        _("  {label} {id} (weight {weight})", label=line.label, id=line.id, weight=number(line.weight)),
        _("      {formula}", formula=line.formula),
        f"    = {line.substituted}",
    ]
    if line.points is None:
        out.append(f"    = {line.score!r} -> {line.shown}")
        return out
    weight, points, shown = number(line.weight), number(abs(line.score)), line.shown
    if line.kind == "penalty":
        out.append(
            _(
                "    = {points!r} points deducted, counted between 0 and the weight {weight}",
                points=line.points,
                weight=weight,
            )
        )
        out.append(_("    penalty: -{points} -> {shown}", points=points, shown=shown))
    else:
        out.append(
            _(
                "    = {points!r} points added, counted between 0 and the weight {weight}",
                points=line.points,
                weight=weight,
            )
        )
        out.append(_("    {kind}: +{points} -> {shown}", kind=_kind(line.kind), points=points, shown=shown))
    return out


def _neighbour_lines(x: Explanation) -> list[str]:
    """The units just above and below: the gap, the indicators that make it, and why equal totals rank apart."""
    unit, ruleset = x.unit, x.evaluation.ruleset
    places, mode = ruleset.rounding.places, ruleset.rounding.mode
    out: list[str] = []
    for word, n in (("above", x.above), ("below", x.below)):
        if n is None:
            continue
        gap = unit.total - n.result.total
        shown = _comma().join(f"{ruleset.indicator(i).label} {signed_fixed(d, places, mode)}" for i, d in n.differences)
        fields = {
            "rank": n.result.rank,
            "unit": n.result.entity,
            "total": n.result.display["total"],
            "gap": signed_fixed(gap, places, mode),
            "parts": shown or _("no indicator differs by {threshold} or more", threshold=threshold(ruleset)),
        }
        if word == "above":
            out.append(_("  above: {rank} {unit} {total} ({gap}): {parts}", **fields))
        else:
            out.append(_("  below: {rank} {unit} {total} ({gap}): {parts}", **fields))
        apart = why_apart(ruleset, unit, n.result)
        if apart:
            out.append(f"    {apart}")
    return out


def why_apart(ruleset: Ruleset, unit: UnitResult, other: UnitResult) -> str:
    """Why two units that show the same total have different ranks, which the table alone never says."""
    ranking = ruleset.ranking
    if ranking.by != "total" or unit.display["total"] != other.display["total"] or unit.rank == other.rank:
        return ""
    if seen_text(unit.total) != seen_text(other.total):
        return _("the same total as printed: ranked apart by the unrounded totals (ranking.on: total)")
    if ranking.tie_break:
        keys = _comma().join(ranking.tie_break)
        return _("tied on the total: ranked apart by {keys} (ranking.tie_break)", keys=keys)
    return _(
        "tied exactly: numbered in the order of the input's rows (ranking.ties: sequential; shared would give both one rank)"
    )


def _kind(kind: str) -> str:
    """The word for an indicator that adds points (a bonus), in the language in use; any other kind as it is."""
    return _("bonus") if kind == "bonus" else kind


def _standing_by(x: Explanation) -> str:
    """The unit's standing and how the ranking is made: its key, its order, how ties are numbered."""
    r = x.evaluation.ruleset.ranking
    standing = _standing(x)
    if r.order == "descending":
        return _("{standing} (by {by}, descending, ties {ties})", standing=standing, by=r.by, ties=r.ties)
    if r.order == "ascending":
        return _("{standing} (by {by}, ascending, ties {ties})", standing=standing, by=r.by, ties=r.ties)
    return _("{standing} (by {by}, {order}, ties {ties})", standing=standing, by=r.by, order=r.order, ties=r.ties)
