"""Several periods into one: monthly results combined into a quarter's or a year's.

Each period's input is evaluated under the same ruleset; each unit's period
score is the ruleset's declared `combine.function` (mean, sum, min, max) of
its totals, then ranked the way the ruleset ranks (order, ties, groups).  A
unit missing from a period is an error unless the ruleset says to skip it.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .. import __version__
from ..data.table import Table as InputTable
from ..errors import KaopingError, Problem, did_you_mean, fail
from ..evaluate.ranking import Evaluation, UnitResult, rank_numbers
from ..i18n import _, current, n_
from ..numbers import format_fixed, seen, spreadsheet_decimal
from ..outputs.machine import dump_json, input_info, ruleset_info
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


@dataclass(frozen=True, slots=True)
class Combined:
    ruleset: Ruleset
    labels: tuple[str, ...]
    evaluations: tuple[Evaluation, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()  # units skipped in a period (combine: {missing: skip}), said on stderr


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


def combine(ruleset: Ruleset, labels: Sequence[str], evaluations: Sequence[Evaluation]) -> Combined:
    """Each unit's combined score and rank.  A unit ranked in at least one period is ranked on the
    combined score; one never ranked (too few orders every month) is shown, not ranked."""
    if ruleset.combine is None:
        raise fail(
            ruleset.path,
            _("this ruleset does not say how periods are combined"),
            _("add to it: combine: {{function: mean}}"),
            code="combine.not-declared",
        )
    twice = sorted(label for label, count in Counter(labels).items() if count > 1)
    if twice:
        raise fail(
            twice[0],
            _("two periods have the same label"),
            _("label each input: 2025-01=jan.csv 2025-02=feb.csv"),
            code="combine.same-label",
        )
    names = list(dict.fromkeys(r.entity for ev in evaluations for r in ev.results))
    found = [{r.entity: r for r in ev.results} for ev in evaluations]
    across = _across(names, found)
    missing = [
        (n, label)
        for n, ps in zip(names, across, strict=True)
        for label, p in zip(labels, ps, strict=False)
        if p is None
    ]
    if missing and ruleset.combine.missing == "error":
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
    notes = tuple(_skipped(name, label, where[label]) for name, label in missing)
    _refuse_changed_groups(names, across)
    scored = []
    for name, periods in zip(names, across, strict=True):
        totals = [p.total for p in periods if p is not None]
        group = next(p.group for p in periods if p is not None)
        scored.append((name, group, periods, FUNCTIONS[ruleset.combine.function](totals)))
    ranked, never = _split_ranked(scored)
    rows = _ranked(ruleset, ranked) + [_row(ruleset, s, None) for s in never]
    return Combined(ruleset, tuple(labels), tuple(evaluations), tuple(rows), notes)


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


def render_combined(c: Combined, console: Console) -> None:
    table = Table(
        box=None,
        pad_edge=False,
        title=_combined_title(c),
    )
    table.add_column("排名", justify="right")
    table.add_column(c.ruleset.input(c.ruleset.key).label)
    if c.ruleset.group_field:
        table.add_column(c.ruleset.input(c.ruleset.group_field).label)
    for label in c.labels:
        table.add_column(f"{label}（名次）", justify="right")
    table.add_column(
        "合计" if c.ruleset.combine and c.ruleset.combine.function == "sum" else "期间得分", justify="right"
    )
    for row in c.rows:
        cells = [
            "" if row.rank is None else str(row.rank),
            row.entity,
            *([row.group or ""] if c.ruleset.group_field else []),
        ]
        cells += [f"{p.display['total']} ({p.rank if p.rank is not None else '—'})" if p else "—" for p in row.periods]
        table.add_row(*(Text(x) for x in (*cells, row.shown)))  # text, not Rich markup
    console.print(table)
    inputs = ("；" if current() == "zh" else ", ").join(
        _("{label}: {source} (sha256 {sha})", label=label, source=source_name(e.table), sha=e.table.sha256[:12])
        for label, e in zip(c.labels, c.evaluations, strict=False)
    )
    console.print(
        _(
            "{ruleset} (sha256 {sha}) · {inputs} · kaoping {version}",
            ruleset=c.ruleset.label,
            sha=c.ruleset.sha256[:12],
            inputs=inputs,
            version=__version__,
        ),
        style="dim",
        highlight=False,
        markup=False,
    )


def _combined_title(c: Combined) -> str:
    """The table's title: the ruleset's, and how many periods are combined how (one sentence a function)."""
    title, n = c.ruleset.title, len(c.labels)
    function = c.ruleset.combine.function if c.ruleset.combine else ""
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
        "combine": {"function": c.ruleset.combine.function if c.ruleset.combine else None},
        "periods": [
            {"label": label, **input_info(e.table), "sheet": sheet_of(e.table)}
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
