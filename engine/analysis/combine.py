"""Several periods into one: monthly results combined into a quarter's or a year's.

Each period's input is evaluated under its own ruleset version (the one in
effect that month, or one version for all when the user names it); each
unit's period score is the declared function (mean, sum, min, max) of its
totals, a mean weighted by each month's volume, or a formula over the period
values, then ranked the way the combining version ranks (order, ties,
groups).  A unit missing from a period is an error unless the declaration
says to skip it; a unit renamed during the year is mapped by declared aliases.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .. import __version__
from ..data.table import Table as InputTable
from ..errors import KaopingError, Problem, did_you_mean, fail
from ..evaluate.ranking import Evaluation, UnitResult, rank_numbers
from ..frozen import frozen
from ..i18n import _, current, n_
from ..numbers import format_fixed, seen, spreadsheet_decimal
from ..outputs.machine import dump_json, input_info, ruleset_info
from ..ruleset.expr import Evaluator, Formula

if TYPE_CHECKING:
    from ..outputs.grid import Grid
from ..ruleset.model import Ruleset

FUNCTIONS: dict[str, Callable[[Sequence[float]], float]] = {
    "mean": statistics.fmean,
    "sum": sum,
    "min": min,
    "max": max,
}


@dataclass(frozen=True, slots=True)
class Row:
    """One unit across the periods: each period's result (None where it is absent), and the combined score."""

    entity: str
    group: str | None
    periods: tuple[UnitResult | None, ...]
    score: float
    shown: str
    rank: int | None  # None: not ranked in any period (too few orders)


@frozen
class How:
    """How the periods make one score, declared by the ruleset's `combine:` or by a combine plan (--plan).

    `method` is a FUNCTIONS name, "weighted" (each period's total weighted by the
    unit's `weight_by` input that period) or "formula" (`formula` over the
    period totals and the `values` read from their own files, unit -> value);
    `aliases` maps an old unit name to its new one; `source` names the
    declaration (the ruleset's file or the plan's) for the messages.
    """

    method: str
    missing: str = "error"
    weight_by: str | None = None
    formula: Formula | None = None
    values: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    value_files: Mapping[str, str] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)
    source: str = ""
    title: str = ""


@dataclass(frozen=True, slots=True)
class Combined:
    ruleset: Ruleset
    labels: tuple[str, ...]
    evaluations: tuple[Evaluation, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()  # units skipped in a period (combine: {missing: skip}), aliases applied: on stderr
    how: How | None = None
    warnings: tuple[str, ...] = ()  # an alias naming a unit in no period

    @property
    def by_month(self) -> bool:
        """Whether the periods were scored under more than one version (each month its own)."""
        return len({e.ruleset.ref for e in self.evaluations}) > 1


def _skipped(name: str, label: str, present: dict[str, UnitResult]) -> str:
    """A unit absent from a period: combined over the others, which a reader must hear (a renamed unit looks the same)."""
    near = did_you_mean(name, list(present))
    if near:
        return _(
            "{name} has no result in {label}: its combined score is over the other periods (combine: {{missing: skip}}); {near}",
            name=name,
            label=label,
            near=near,
        )
    return _(
        "{name} has no result in {label}: its combined score is over the other periods (combine: {{missing: skip}})",
        name=name,
        label=label,
    )


def declared(ruleset: Ruleset) -> How:
    """The ruleset's own `combine:` as a How, or the existing refusal when it declares none."""
    if ruleset.combine is None:
        raise fail(
            ruleset.path,
            _("this ruleset does not say how periods are combined"),
            _(
                "declare the combine apart, in a plan (kaoping combine --plan FILE ...: a released file cannot "
                "change), or, in a draft, add combine: {{function: mean}}"
            ),
            code="combine.not-declared",
        )
    return How(ruleset.combine.function, ruleset.combine.missing, source=ruleset.path)


def combine(
    ruleset: Ruleset, labels: Sequence[str], evaluations: Sequence[Evaluation], how: How | None = None
) -> Combined:
    """Each unit's combined score and rank.  A unit ranked in at least one period is ranked on the
    combined score; one never ranked (too few orders every month) is shown, not ranked.

    `ruleset` is the combining version (rounding and ranking); each evaluation keeps its own."""
    how = how or declared(ruleset)
    twice = sorted(label for label, count in Counter(labels).items() if count > 1)
    if twice:
        raise fail(
            twice[0],
            _("two periods have the same label"),
            _("label each input: 2025-01=jan.csv 2025-02=feb.csv"),
            code="combine.same-label",
        )
    found, alias_notes, warnings = _aliased(labels, evaluations, how)
    names = list(dict.fromkeys(name for f in found for name in f))
    across = _across(names, found)
    missing = [
        (n, label)
        for n, ps in zip(names, across, strict=True)
        for label, p in zip(labels, ps, strict=False)
        if p is None
    ]
    if missing and how.missing == "error":
        problems = [
            Problem(
                label,
                0,
                0,
                _("{name} has no result in this period", name=name),
                _("add its row, or declare combine: {{missing: skip}}"),
                code="combine.missing-unit",
            )
            for name, label in missing
        ]
        raise KaopingError(problems, limit=100)
    where = {label: f for label, f in zip(labels, found, strict=False)}
    notes = alias_notes + tuple(_skipped(name, label, where[label]) for name, label in missing)
    _refuse_changed_groups(names, across)
    score = _scorer(how)
    scored = []
    for name, periods in zip(names, across, strict=True):
        group = next(p.group for p in periods if p is not None)
        scored.append((name, group, periods, score(name, periods)))
    ranked, never = _split_ranked(scored)
    rows = _ranked(ruleset, ranked) + [_row(ruleset, s, None) for s in never]
    return Combined(ruleset, tuple(labels), tuple(evaluations), tuple(rows), notes, how, warnings)


def _aliased(
    labels: Sequence[str], evaluations: Sequence[Evaluation], how: How
) -> tuple[list[dict[str, UnitResult]], tuple[str, ...], tuple[str, ...]]:
    """Each period's results by unit, an old name's under its new one (机构改革), with a note for each
    alias used and a warning for each naming a unit in no period (a typo would otherwise do nothing)."""
    found: list[dict[str, UnitResult]] = []
    used: dict[str, list[str]] = {}
    for label, ev in zip(labels, evaluations, strict=False):
        period: dict[str, UnitResult] = {}
        for r in ev.results:
            name = how.aliases.get(r.entity, r.entity)
            if name in period:
                raise fail(
                    label,
                    _(
                        "{old} and {new} both have a result in this period, and the aliases count {old} as {new}",
                        old=r.entity if name != r.entity else period[name].entity,
                        new=name,
                    ),
                    _("an alias is for a unit renamed during the year: remove it, or correct this period's data"),
                    code="combine.alias-both",
                )
            if name != r.entity:
                used.setdefault(r.entity, []).append(label)
            period[name] = r
        found.append(period)
    notes = tuple(
        _("{old}'s results in {labels} count for {new} (alias)", old=old, labels=", ".join(ls), new=how.aliases[old])
        for old, ls in used.items()
    )
    seen_names = {r.entity for ev in evaluations for r in ev.results}
    warnings = tuple(
        _("the alias {old} -> {new} names {old}, a unit in no period ({source})", old=old, new=new, source=how.source)
        for old, new in how.aliases.items()
        if old not in seen_names
    )
    return found, notes, warnings


def _scorer(how: How) -> Callable[[str, tuple[UnitResult | None, ...]], float]:
    """The combined score of one unit from its period results, by the declared method."""
    if how.method == "weighted":
        by = how.weight_by or ""
        return lambda name, periods: _weighted(name, [p for p in periods if p is not None], by)
    if how.method == "formula" and how.formula is not None:
        formula, evaluator = how.formula, Evaluator(PERIOD_FUNCTIONS)  # type: ignore[arg-type]
        return lambda name, periods: _by_formula(how, formula, evaluator, name, periods)
    function = FUNCTIONS[how.method]
    return lambda name, periods: function([p.total for p in periods if p is not None])


PERIOD_FUNCTIONS: Mapping[str, Callable[[Sequence[float]], float]] = {"mean": statistics.fmean, "sum": math.fsum}


def _weighted(name: str, periods: Sequence[UnitResult], by: str) -> float:
    """Each period's total weighted by the unit's volume that period (its due orders): a busy month counts more."""
    weights = [float(p.inputs[by]) for p in periods]  # an input the plan names, checked numeric when loaded
    if sum(weights) == 0:
        raise fail(
            name,
            _("{name} has {by} 0 in every period, so a mean weighted by {by} has no value", name=name, by=by),
            _("combine by the plain mean (method: mean), or leave the unit out of the year's table"),
            code="combine.zero-weight",
        )
    return math.fsum(p.total * w for p, w in zip(periods, weights, strict=True)) / math.fsum(weights)


def _by_formula(
    how: How, formula: Formula, evaluator: Evaluator, name: str, periods: tuple[UnitResult | None, ...]
) -> float:
    """The formula over the unit's period totals (`total`, read by mean(...) or sum(...)) and its values."""
    names: dict[str, Any] = {"total": [p.total for p in periods if p is not None]}
    for value, units in how.values.items():
        if name not in units:
            raise fail(
                how.value_files.get(value, value),
                _("{name} has no {value} value in this file", name=name, value=value),
                _("add its row: every unit combined needs one"),
                code="combine.value-missing",
            )
        names[value] = units[name]
    try:
        return float(evaluator.evaluate(formula, names))
    except (ZeroDivisionError, OverflowError):
        raise fail(
            how.source,
            _("the formula {formula} has no value for {name} (a division by zero?)", formula=formula.text, name=name),
            _("guard a division with ratio(a, b, value_if_b_is_0)"),
            code="combine.formula-failed",
        ) from None


def _across(names: Sequence[str], found: Sequence[dict[str, UnitResult]]) -> list[tuple[UnitResult | None, ...]]:
    """Each unit's result in each period (None where absent), looked up once: the missing units, the group
    check and the scores all read this, as three lookups a unit and period in dicts of 20,000 units
    (each a cache miss) made the cost per unit grow with the number of units."""
    return [tuple(f.get(n) for f in found) for n in names]


def _refuse_changed_groups(names: Sequence[str], across: Sequence[tuple[UnitResult | None, ...]]) -> None:
    """A unit in one group one month and another the next has no one full marks to combine over."""
    moved = [
        (n, sorted({r.group or "" for r in periods if r is not None})) for n, periods in zip(names, across, strict=True)
    ]
    problems = [
        Problem(
            n,
            0,
            0,
            _("{name} is in different groups in different periods ({groups})", name=n, groups=", ".join(g)),
            _("a period score needs one group (one full marks): combine the periods of each group apart"),
            code="combine.group-changed",
        )
        for n, g in moved
        if len(g) > 1
    ]
    if problems:
        raise KaopingError(problems, limit=100)


Scored = tuple[str, str | None, tuple[UnitResult | None, ...], float]


def _split_ranked(scored: list[Scored]) -> tuple[list[Scored], list[Scored]]:
    """Units ranked in at least one period, and those never ranked (e.g. too few orders: not ranked here either).

    One pass, each unit tested once: picking the never-ranked as `s not in ranked`
    compared every unit with every ranked one, O(n^2) (243 µs a unit at 20,000).
    """
    ranked: list[Scored] = []
    never: list[Scored] = []
    for s in scored:
        (ranked if any(p is not None and p.rank is not None for p in s[2]) else never).append(s)
    return ranked, never


def _ranked(ruleset: Ruleset, scored: list[Scored]) -> list[Row]:
    """Ranked on the combined score the way the ruleset ranks a month: order, ties, groups, on the value or as printed.

    (A month's tie-break values have no combined counterpart, so they do not apply here.)
    """
    rows: list[Row] = []
    groups = list(dict.fromkeys(s[1] for s in scored)) if ruleset.ranking.per_group else [None]
    for group in groups:
        part = [s for s in scored if not ruleset.ranking.per_group or s[1] == group]
        part.sort(key=lambda s: _key(ruleset, s[3]))
        keys = [_key(ruleset, s[3]) for s in part]
        rows += [
            _row(ruleset, s, number) for s, number in zip(part, rank_numbers(keys, ruleset.ranking.ties), strict=False)
        ]
    return rows


def _key(ruleset: Ruleset, score: float) -> float:
    sign = -1.0 if ruleset.ranking.order == "descending" else 1.0
    if ruleset.ranking.on == "display":
        return sign * float(spreadsheet_decimal(score, ruleset.rounding.places, ruleset.rounding.mode))
    return sign * seen(score)


def _row(ruleset: Ruleset, s: Scored, number: int | None) -> Row:
    name, group, periods, score = s
    return Row(name, group, periods, score, format_fixed(score, ruleset.rounding.places, ruleset.rounding.mode), number)


def _header(c: Combined) -> list[tuple[str, bool]]:
    """The combined table's columns: (label, whether it holds numbers)."""
    cols = [("排名", True), (c.ruleset.input(c.ruleset.key).label, False)]
    if c.ruleset.group_field:
        cols.append((c.ruleset.input(c.ruleset.group_field).label, False))
    cols += [(f"{label}（名次）", True) for label in c.labels]
    return [*cols, ("合计" if _method(c) == "sum" else "期间得分", True)]


def _cells(c: Combined, row: Row) -> list[str]:
    """One unit's printed cells: rank, name, group, each period's total (its rank), the combined score."""
    cells = [
        "" if row.rank is None else str(row.rank),
        row.entity,
        *([row.group or ""] if c.ruleset.group_field else []),
    ]
    cells += [f"{p.display['total']} ({p.rank if p.rank is not None else '—'})" if p else "—" for p in row.periods]
    return [*cells, row.shown]


def _provenance(c: Combined) -> str:
    """The line naming what the year was derived from: each version that scored a month (the combining one
    first) with its file's sha256, each period's input with its own, and kaoping's version."""
    comma = "；" if current() == "zh" else ", "
    inputs = comma.join(
        _("{label}: {source} (sha256 {sha})", label=label, source=source_name(e.table), sha=e.table.sha256[:12])
        for label, e in zip(c.labels, c.evaluations, strict=False)
    )
    others = {e.ruleset.ref: e.ruleset.sha256 for e in c.evaluations if e.ruleset.ref != c.ruleset.ref}
    rulesets = comma.join(
        [_("{ruleset} (sha256 {sha})", ruleset=c.ruleset.label, sha=c.ruleset.sha256[:12])]
        + [_("{ruleset} (sha256 {sha})", ruleset=ref, sha=sha[:12]) for ref, sha in others.items()]
    )
    return _("{rulesets} · {inputs} · kaoping {version}", rulesets=rulesets, inputs=inputs, version=__version__)


def render_combined(c: Combined, console: Console) -> None:
    table = Table(box=None, pad_edge=False, title=_combined_title(c))
    for label, numeric in _header(c):
        table.add_column(label, justify="right" if numeric else "left")
    for row in c.rows:
        table.add_row(*(Text(x) for x in _cells(c, row)))  # text, not Rich markup
    console.print(table)
    if c.by_month:
        console.print(_versions_line(c), highlight=False, markup=False)
    console.print(_provenance(c), style="dim", highlight=False, markup=False)


def combined_grid(c: Combined) -> Grid:
    """The combined table for the documents (xlsx, html, docx, pdf): the same cells as on screen."""
    from ..outputs.grid import Grid

    header = _header(c)
    return Grid(
        title=_combined_title(c),
        header=tuple(label for label, _n in header),
        numeric=tuple(numeric for _l, numeric in header),
        rows=tuple(tuple(_cells(c, row)) for row in c.rows),
        notes=((_versions_line(c),) if c.by_month else ()) + c.notes,  # a month skipped, an alias applied
        footer=_provenance(c),
        effective=c.ruleset.effective,
    )


def _method(c: Combined) -> str:
    if c.how is not None:
        return c.how.method
    return c.ruleset.combine.function if c.ruleset.combine else ""


def _versions_line(c: Combined) -> str:
    """Which version scored which months: each version once, with its months (a year has at most a few)."""
    months: dict[str, list[str]] = {}
    for label, e in zip(c.labels, c.evaluations, strict=False):
        months.setdefault(e.ruleset.ref, []).append(label)
    parts = [_("{ref} for {months}", ref=ref, months=", ".join(ls)) for ref, ls in months.items()]
    return _("each month under the version in effect then: {parts}", parts="; ".join(parts))


def _combined_title(c: Combined) -> str:
    """The table's title: the ruleset's, and how many periods are combined how (one sentence a function)."""
    title, n = (c.how.title if c.how and c.how.title else c.ruleset.title), len(c.labels)
    function = _method(c)
    if function == "weighted" and c.how is not None:
        by = c.how.weight_by or ""
        return n_(
            "{title} · mean of {n} period weighted by {by}",
            "{title} · mean of {n} periods weighted by {by}",
            n,
            title=title,
            n=n,
            by=by,
        )
    if function == "formula" and c.how is not None and c.how.formula is not None:
        text = c.how.formula.text
        return n_(
            "{title} · {formula} over {n} period",
            "{title} · {formula} over {n} periods",
            n,
            title=title,
            formula=text,
            n=n,
        )
    if function == "mean":
        return n_("{title} · mean of {n} period", "{title} · mean of {n} periods", n, title=title, n=n)
    if function == "sum":
        return n_("{title} · sum of {n} period", "{title} · sum of {n} periods", n, title=title, n=n)
    if function == "min":
        return n_("{title} · min of {n} period", "{title} · min of {n} periods", n, title=title, n=n)
    if function == "max":
        return n_("{title} · max of {n} period", "{title} · max of {n} periods", n, title=title, n=n)
    return n_(
        "{title} · {function} of {n} period",
        "{title} · {function} of {n} periods",
        n,
        title=title,
        function=function,
        n=n,
    )


def sheet_of(table: InputTable) -> str | None:
    """The sheet a table was read from (the first one too, when none was named), or None for a CSV."""
    return table.sheet or None


def source_name(table: InputTable) -> str:
    """book3.xlsx#1月 for a sheet, jan.csv for a CSV: two months of one workbook must not read as one file twice
    (the sha256 is the workbook's, the same for every sheet)."""
    name, sheet = PurePath(table.path).name, sheet_of(table)
    return f"{name}#{sheet}" if sheet is not None else name


def combined_json(c: Combined) -> str:
    document: dict[str, Any] = {
        "kaoping": __version__,
        "ruleset": ruleset_info(c.ruleset),
        "combine": _how_json(c),
        "periods": [
            {
                "label": label,
                **input_info(e.table),
                "sheet": sheet_of(e.table),
                "ruleset": e.ruleset.ref,
                "ruleset_sha256": e.ruleset.sha256,  # each month's version's own file, not only the combining one
            }
            for label, e in zip(c.labels, c.evaluations, strict=False)
        ],
        "results": [
            {
                "rank": row.rank,
                "entity": row.entity,
                "group": row.group,
                "score": row.score,
                "display": row.shown,
                "periods": [
                    None if p is None else {"total": p.total, "display": p.display["total"], "rank": p.rank}
                    for p in row.periods
                ],
            }
            for row in c.rows
        ],
    }
    return dump_json(document, "results")


def _how_json(c: Combined) -> dict[str, Any]:
    """The combine's declaration as run: `function` as before (the method), and what a plan adds."""
    how = c.how
    if how is None or (how.source == c.ruleset.path and not how.aliases):
        return {"function": _method(c) or None}  # the ruleset's own combine: as before
    return {
        "function": how.method,
        "weight_by": how.weight_by,
        "formula": how.formula.text if how.formula else None,
        "values": {name: how.value_files.get(name) for name in how.values},
        "aliases": dict(how.aliases),
        "declared_in": how.source,
        "by_month": c.by_month,
    }
