"""Scenarios compared with the adopted ruleset, as every document writes them (analysis/scenarios.py's Comparison).

The cells are made here once (columns(), rows()), and each document lays
them out: the terminal table and the JSON here, the workbook, the web page
with its slope chart, the Word document and the PDF in their modules.
render() is the one entry: `kaoping diff` calls it with -f's format, for a
comparison of scenarios or, through comparison_of, for a two-ruleset diff.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..analysis.diff import Diff, UnitChange
from ..analysis.scenarios import Comparison, Outcome, comparison_of
from ..errors import fail
from ..i18n import _
from ..numbers import signed_fixed
from .diff import KINDS, membership_items, membership_lines, movement
from .machine import input_info, ruleset_info

DOCUMENTS = ("table", "json", "xlsx", "html", "docx", "pdf")
"""The formats a comparison is written in."""


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell as printed, and the number behind it (None: text, or empty) for the workbook."""

    text: str
    number: float | int | None = None


def render(thing: Comparison | Diff, fmt: str) -> str | bytes:
    """The comparison (or a diff, as a comparison of its new ruleset) in `fmt`: bytes for xlsx, docx, pdf."""
    c = comparison_of(thing) if isinstance(thing, Diff) else thing
    if fmt == "table":
        return text(c)
    if fmt == "json":
        return to_json(c)
    if fmt == "xlsx":
        from .diff_xlsx import to_xlsx

        return to_xlsx(c)
    if fmt in ("html", "pdf"):
        from .diff_html import to_html, to_pdf

        return to_html(c) if fmt == "html" else to_pdf(c)
    if fmt == "docx":
        from .diff_docx import to_docx

        return to_docx(c)
    raise fail(
        "-f",
        _("a what-if comparison is written as {formats}, not {fmt}", formats=", ".join(DOCUMENTS), fmt=fmt),
        code="diff.unknown-format",
    )


def heading(c: Comparison) -> str:
    """The documents' title."""
    return _("What-if comparison: {title}", title=c.adopted.ruleset.title)


def graded(c: Comparison) -> bool:
    return c.adopted.ruleset.grades is not None or any(o.evaluation.ruleset.grades is not None for o in c.outcomes)


def groups(c: Comparison) -> list[tuple[str, list[str]]]:
    """The header's two levels: (group, its columns' headings); the unit's group is empty."""
    grade = [_("grade")] if graded(c) else []
    adopted = (_("adopted"), [_("total"), _("rank"), *grade])
    each = [(o.scenario.name, [_("total"), _("change"), _("rank"), _("moved"), *grade]) for o in c.outcomes]
    return [("", [_("unit")]), adopted, *each]


def rows(c: Comparison) -> list[list[Cell]]:
    """Each unit's cells, in groups()' order, in the adopted table's order."""
    grade = graded(c)
    out = []
    for row in c.rows:
        a = row.adopted
        cells = [Cell(row.entity), _total(a.old_shown), Cell(_rank(a.old_rank), a.old_rank)]
        cells += [Cell(a.old_grade or "")] if grade else []
        for outcome, u in zip(c.outcomes, row.scenarios, strict=True):
            cells += _scenario_cells(outcome, u, grade)
        out.append(cells)
    return out


def _scenario_cells(outcome: Outcome, u: UnitChange | None, grade: bool) -> list[Cell]:
    if u is None:
        return [Cell("")] * (5 if grade else 4)
    rounding = outcome.evaluation.ruleset.rounding
    delta = Cell("") if math.isnan(u.delta) else Cell(signed_fixed(u.delta, rounding.places, rounding.mode))
    if delta.text:
        delta = Cell(delta.text, float(delta.text))
    cells = [_total(u.new_shown), delta, Cell(_rank(u.new_rank), u.new_rank), Cell(movement(u), u.movement)]
    return cells + ([Cell(u.new_grade or "")] if grade else [])


def _total(shown: str) -> Cell:
    try:
        return Cell(shown, float(shown))
    except ValueError:
        return Cell(shown)


def _rank(rank: int | None) -> str:
    return "" if rank is None else str(rank)


def settings_line(outcome: Outcome) -> str:
    """'方案一: timeliness.weight=45, completion.weight=30'."""
    said = ", ".join(outcome.scenario.settings) or outcome.evaluation.ruleset.label
    return _("{name}: {settings}", name=outcome.scenario.name, settings=said)


def summary_line(outcome: Outcome) -> str:
    d = outcome.diff
    tau = _("Kendall's tau-b = {tau:.4f}", tau=d.tau) if d.tau is not None else _("Kendall's tau-b not computed")
    return _(
        "{name}: {moved} of {n} units changed rank; {tau}",
        name=outcome.scenario.name,
        moved=d.moved,
        n=len(d.units),
        tau=tau,
    )


def change_lines(outcome: Outcome) -> list[str]:
    """What the scenario does to the lists, flags and grades: who entered and left each, who changed grade."""
    regraded = [
        _("grade: {unit} {old} -> {new}", unit=u.entity, old=u.old_grade, new=u.new_grade)
        for u in outcome.diff.regraded
    ]
    return membership_lines(outcome.memberships) + regraded


def text(c: Comparison) -> str:
    """The terminal's text: which rulesets, the table, then each scenario's summary and changes."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=io.StringIO(), width=10_000, color_system=None, highlight=False)
    console.print(heading(c), markup=False)
    console.print(_("adopted: {label}", label=c.adopted.ruleset.label), markup=False)
    for outcome in c.outcomes:
        console.print(settings_line(outcome), markup=False)
    console.print(_("input: {path} ({n} units)", path=c.adopted.table.path, n=len(c.rows)), markup=False)
    console.print()
    table = Table(box=None, pad_edge=False)
    for group, headings in groups(c):
        for h in headings:
            table.add_column(f"{group} {h}" if group else h, justify="right" if group else "left")
    for cells in rows(c):
        table.add_row(*(Text(x.text) for x in cells))
    console.print(table)
    for outcome in c.outcomes:
        console.print()
        console.print(summary_line(outcome), markup=False)
        for line in change_lines(outcome):
            console.print(f"  {line}", markup=False)
    return console.file.getvalue()  # type: ignore[attr-defined, no-any-return]


def to_json(c: Comparison) -> str:
    """The comparison as one JSON document: the rulesets, each scenario's summary and changes, each unit."""
    import json

    document: dict[str, Any] = {
        "kaoping": __version__,
        "adopted": ruleset_info(c.adopted.ruleset),
        "input": input_info(c.adopted.table),
        "scenarios": [_scenario_item(o) for o in c.outcomes],
        "units": [
            {
                "entity": row.entity,
                "adopted": {
                    "total": row.adopted.old_total,
                    "display": row.adopted.old_shown,
                    "rank": row.adopted.old_rank,
                }
                | ({"grade": row.adopted.old_grade} if graded(c) else {}),
                "scenarios": [_unit_item(o, u) for o, u in zip(c.outcomes, row.scenarios, strict=True)],
            }
            for row in c.rows
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _scenario_item(o: Outcome) -> dict[str, Any]:
    d = o.diff
    return {
        "name": o.scenario.name,
        "settings": list(o.scenario.settings),
        "ruleset": ruleset_info(o.evaluation.ruleset),
        "summary": {"moved": d.moved, "units": len(d.units), "kendall_tau_b": d.tau, "regraded": len(d.regraded)},
        "changes": membership_items(o.memberships),
        "regraded": [{"entity": u.entity, "old": u.old_grade, "new": u.new_grade} for u in d.regraded],
    }


def _unit_item(o: Outcome, u: UnitChange | None) -> dict[str, Any] | None:
    if u is None:
        return None
    return {
        "name": o.scenario.name,
        "total": None if math.isnan(u.new_total) else u.new_total,
        "display": u.new_shown,
        "delta": None if math.isnan(u.delta) else u.delta,
        "rank": u.new_rank,
        "movement": u.movement,
        "grade": u.new_grade,
    }


def kind_word(kind: str) -> str:
    return _(KINDS[kind])


def moved_units(c: Comparison) -> Sequence[str]:
    """The units whose rank any scenario changes (the slope chart highlights their lines)."""
    return [row.entity for row in c.rows if row.moved]
