"""The report layout: which columns a published table shows, and their text.

Shared by every renderer (the terminal table, CSV, later xlsx and HTML), so a
number reads the same wherever it is printed: scores and totals as rounded by
the ruleset, whole-number inputs and aggregates as integers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..evaluate.ranking import Evaluation, UnitResult
from ..frozen import frozen
from ..i18n import _, current, n_
from ..numbers import format_fixed, plain_number
from ..ruleset.model import TITLE_FIELDS, Column, ColumnGroup, Input, Ruleset

PERIOD = re.compile(r"^(\d{4})-(\d{1,2})$")


@frozen
class Leaf:
    """A printed column: its field, its lower header, its group header (if any)."""

    field: str
    label: str
    group: str | None
    numeric: bool
    group_index: int = -1  # which report item the column belongs to: two groups may share a header text


def leaves(ruleset: Ruleset) -> tuple[Leaf, ...]:
    """The report's columns left to right, headers filled in (weights may change)."""
    out: list[Leaf] = []
    for index, item in enumerate(ruleset.report.columns):
        if isinstance(item, ColumnGroup):
            header = ruleset.fill_label(item.header)
            out += [_leaf(ruleset, c, header, index) for c in item.columns]
        else:
            out.append(_leaf(ruleset, item, None, index))
    return tuple(out)


def table_leaves(evaluation: Evaluation) -> tuple[Leaf, ...]:
    """The report's columns, then a column for each input the report hides but some unit needs (added_inputs).

    A written table (CSV, xlsx) is also an input: without these columns it
    would read back with that input at its default for every unit, and score
    differently without a word.
    """
    base = leaves(evaluation.ruleset)
    after = len(evaluation.ruleset.report.columns)
    return base + tuple(Leaf(i.id, i.label, None, i.numeric, after + n) for n, i in enumerate(added_inputs(evaluation)))


def added_inputs(evaluation: Evaluation) -> tuple[Input, ...]:
    """Optional inputs the report does not show and some unit does not have at their default.

    None when the report hides a required input too (city-hotline shows rates,
    not counts): such a table cannot read back whatever is added, and reading
    it is refused for the missing column, so its published layout stays as
    declared.
    """
    shown = {leaf.field for leaf in leaves(evaluation.ruleset)}
    if any(i.required and i.id not in shown for i in evaluation.ruleset.inputs):
        return ()
    hidden = [i for i in evaluation.ruleset.inputs if not i.required and i.id not in shown]
    return tuple(i for i in hidden if _off_default(evaluation, i))


def _off_default(evaluation: Evaluation, item: Input) -> int:
    """How many units' value of `item` is not its default."""
    if evaluation.columns is not None:
        values = evaluation.columns.scoring.columns.values[item.id]
        return int((values != item.default).sum())
    return sum(1 for r in evaluation.results if r.inputs.get(item.id, item.default) != item.default)


def added_notes(evaluation: Evaluation) -> list[str]:
    """Why each column after the report's own is there: one sentence per added input."""
    out = []
    for item in added_inputs(evaluation):
        n = _off_default(evaluation, item)
        if isinstance(item.default, (int, float)):
            default = plain_number(item.default)
            out.append(
                n_(
                    "{label}: not in the report's layout, added at the end of the table because {n} unit has a value other than the default {default} (so that the table, read back as input, scores the same)",
                    "{label}: not in the report's layout, added at the end of the table because {n} units have a value other than the default {default} (so that the table, read back as input, scores the same)",
                    n,
                    label=item.label,
                    n=n,
                    default=default,
                )
            )
        else:
            out.append(
                n_(
                    "{label}: not in the report's layout, added at the end of the table because {n} unit has a value other than the default '{default}' (so that the table, read back as input, scores the same)",
                    "{label}: not in the report's layout, added at the end of the table because {n} units have a value other than the default '{default}' (so that the table, read back as input, scores the same)",
                    n,
                    label=item.label,
                    n=n,
                    default=item.default,
                )
            )
    return out


def table_notes(evaluation: Evaluation, period: str | None) -> list[str]:
    """What the table itself must say under it, beyond its lists and flags: why a column was added, a title
    that is not the report's, and scoring's warnings (a score above its weight)."""
    fallback = title_fallback(evaluation.ruleset, period)
    left_out = blocks_left_out(evaluation.ruleset, period)
    return [
        *added_notes(evaluation),
        *([_("note: {text}", text=fallback)] if fallback else []),
        *([_("note: {text}", text=left_out)] if left_out else []),
        *(_("warning: {text}", text=w) for w in evaluation.warnings),
    ]


def markers(ruleset: Ruleset) -> list[str]:
    """What every output must say above its table when it is not an adopted ruleset's official result."""
    out = []
    if ruleset.overrides:
        out.append(_("WHAT-IF, not an adopted ruleset: {label}", label=ruleset.label))
    if ruleset.not_in_effect:
        out.append(not_in_effect_line(ruleset))
    return out


def not_in_effect_line(ruleset: Ruleset) -> str:
    """The version was named explicitly, but it was not the one in effect in the month assessed."""
    return _("NOT IN EFFECT that month（该月未生效的规则版本）: {version}", version=ruleset.not_in_effect)


def title_fallback(ruleset: Ruleset, period: str | None) -> str:
    """A sentence when the title shown is not the report's (it needs --period), else ""."""
    template = ruleset.fill_label(ruleset.report.title)
    if period is not None or not any(f"{{{f}}}" in template for f in TITLE_FIELDS):
        return ""
    return _(
        "the report's title needs the month (--period YYYY-MM); the ruleset's title '{title}' is shown instead",
        title=ruleset.title,
    )


def compact_leaves(ruleset: Ruleset) -> tuple[Leaf, ...]:
    """Rank, unit, each indicator under its short label, total: for a window too narrow for the report."""
    full = {leaf.field: leaf for leaf in leaves(ruleset) if leaf.group is None}
    rank = full.get("rank", Leaf("rank", "排名", None, True))
    key = Leaf(ruleset.key, ruleset.input(ruleset.key).label, None, False)
    scores = [Leaf(i.id, i.label, None, True, n) for n, i in enumerate(ruleset.indicators)]
    total = full.get("total", Leaf("total", ruleset.total.label, None, True))
    grade = (Leaf("grade", full["grade"].label if "grade" in full else "等级", None, False),) if ruleset.grades else ()
    return (rank, key, *scores, total, *grade)


def _leaf(ruleset: Ruleset, column: Column, group: str | None, index: int) -> Leaf:
    kind = ruleset.kind_of(column.field)
    numeric = ruleset.input(column.field).numeric if kind == "input" else kind != "grade"
    return Leaf(column.field, ruleset.fill_label(column.label), group, numeric, index)


def cell(evaluation: Evaluation, result: UnitResult, field: str) -> str:
    """The text a published table shows for `field` of one unit."""
    ruleset = evaluation.ruleset
    if field == "rank":
        return "" if result.rank is None else str(result.rank)
    if field == "grade":
        return result.grade or ""
    if field in result.display:
        return result.display[field]
    if field in result.inputs:  # an input reads as it was given: 94.99 must not show as 95.0
        value = result.inputs[field]
        return value if isinstance(value, str) else plain_number(value)
    return number_text(result.values[field], ruleset.rounding.places, ruleset.rounding.mode)


def number_text(value: int | float | str, places: int, mode: str) -> str:
    """Counts (ints) as integers; other numbers (rates, means) rounded like scores."""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    return format_fixed(value, places, mode)


def title(ruleset: Ruleset, period: str | None) -> str:
    """The report title with {year}, {month} and {period} filled from --period (YYYY-MM).

    Without a period a title that needs one falls back to the ruleset's title.
    """
    template = ruleset.fill_label(ruleset.report.title)
    if not any(f"{{{f}}}" in template for f in TITLE_FIELDS):
        return template
    if period is None:
        return ruleset.title
    year, month = parse_period(period)
    return template.replace("{year}", str(year)).replace("{month}", str(month)).replace("{period}", period)


def parse_period(period: str) -> tuple[int, int]:
    m = PERIOD.match(period)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(_("'{period}' is not a month: write it as YYYY-MM, e.g. --period 2024-02", period=period))
    return int(m.group(1)), int(m.group(2))


def canonical_period(text: str) -> str:
    """A month as YYYY-MM (2024-2 -> 2024-02); ValueError if it is not one."""
    year, month = parse_period(text)
    return f"{year:04d}-{month:02d}"


def sections_of(evaluation: Evaluation) -> list[tuple[str, tuple[UnitResult, ...]]]:
    """The table's parts: each group apart when groups are ranked apart, then the units not ranked."""
    ruleset = evaluation.ruleset
    ranked = evaluation.ranked
    if ruleset.ranking.per_group:
        order = dict.fromkeys(r.group for r in ranked)
        parts = [(ruleset.group(g).label, tuple(r for r in ranked if r.group == g)) for g in order]
    else:
        parts = [("", ranked)]
    if evaluation.unranked:
        parts.append((ruleset.ranking.ineligible_label, evaluation.unranked))
    return parts


def notes(evaluation: Evaluation) -> list[str]:
    """The lists (红榜, 黑榜) and flags under the table, one line each."""
    ruleset = evaluation.ruleset
    lines = []
    for unit_list, members in evaluation.lists:
        for group, names in _by_group(members, unit_list.per_group):
            where = f" · {ruleset.group(group).label}" if group is not None else ""
            lines.append(_("{list}{where}: {units}", list=unit_list.label, where=where, units=names or "—"))
    for flag in ruleset.flags:
        flagged = [r.entity for r in evaluation.results if flag.id in r.flags]
        lines.append(_("{flag}: {units}", flag=flag.label, units="、".join(flagged) or "—"))
    return lines


def _by_group(members: Sequence[UnitResult], per_group: bool) -> list[tuple[str | None, str]]:
    if not per_group:
        return [(None, "、".join(r.entity for r in members))]
    groups = dict.fromkeys(r.group for r in members)
    return [(g, "、".join(r.entity for r in members if r.group == g)) for g in groups]


def group_spans(cols: Sequence[Leaf]) -> list[tuple[int, int, str]]:
    """(first, past-last, header) of every run of columns under one group header (one report item)."""
    spans: list[tuple[int, int, str]] = []
    i = 0
    while i < len(cols):
        j = i + 1
        if cols[i].group is not None:
            while j < len(cols) and cols[j].group is not None and cols[j].group_index == cols[i].group_index:
                j += 1
            spans.append((i, j, cols[i].group))  # type: ignore[arg-type]
        i = j
    return spans


NOTES_HEADING = "说明："  # the published document's own word, in the ruleset's language as its labels are


@frozen
class Blocks:
    """The texts a published document carries around its table, placeholders filled in.

    Each is "" (or, for the notes, ()) when the ruleset does not declare it,
    or when it says the month and no --period was given (table_notes says
    so).  Renderers print, in this order: `attachment` above the title (at
    the left); the table; its lists and flags; `heading` and the `notes`, one
    line each as written; `issuer` then `date` (at the right where the format
    allows); then kaoping's own notes, warnings and provenance.
    """

    attachment: str = ""
    notes: tuple[str, ...] = ()
    issuer: str = ""
    date: str = ""
    heading: str = NOTES_HEADING

    @property
    def sign_off(self) -> tuple[str, ...]:
        """The 落款 lines, issuer then date, those declared only."""
        return tuple(line for line in (self.issuer, self.date) if line)

    @property
    def empty(self) -> bool:
        return not (self.attachment or self.notes or self.sign_off)


def blocks(evaluation: Evaluation, period: str | None) -> Blocks:
    """The report's attachment label, notes, issuer and date for this evaluation and month, filled in."""
    report = evaluation.ruleset.report
    if not report.has_blocks:
        return Blocks()

    def filled(template: str) -> str:
        return fill_block(evaluation, template, period) or ""

    notes = tuple(line for line in (fill_block(evaluation, t, period) for t in report.notes) if line is not None)
    return Blocks(filled(report.attachment), notes, filled(report.issuer), filled(report.date))


def fill_block(evaluation: Evaluation, template: str, period: str | None) -> str | None:
    """A block's text with every placeholder filled in; None when it says the month and there is none."""
    text = evaluation.ruleset.fill_label(template)
    if period is not None:
        year, month = parse_period(period)
        text = text.replace("{year}", str(year)).replace("{month}", str(month)).replace("{period}", period)
    elif _says_month(text):
        return None
    if "{units}" in text:
        text = text.replace("{units}", str(len(evaluation.results)))
    if "{ranked}" in text:
        text = text.replace("{ranked}", str(_ranked_count(evaluation)))
    return text


def _says_month(template: str) -> bool:
    return any(f"{{{f}}}" in template for f in TITLE_FIELDS)


def _ranked_count(evaluation: Evaluation) -> int:
    """How many units were given a rank (from the columns, without building every result, when it has them)."""
    if evaluation.columns is not None:
        return int((evaluation.columns.rank != 0).sum())
    return len(evaluation.ranked)


def blocks_left_out(ruleset: Ruleset, period: str | None) -> str:
    """A sentence naming the blocks left out because they say the month and no --period was given, else ""."""
    if period is not None:
        return ""
    report = ruleset.report
    named = [("report.attachment", report.attachment)]
    named += [(f"report.notes[{n}]", line) for n, line in enumerate(report.notes, start=1)]
    named += [("report.issuer", report.issuer), ("report.date", report.date)]
    left = [where for where, template in named if _says_month(template)]
    if not left:
        return ""
    return n_(
        "{places} says the month, so it is left out: give the month with --period YYYY-MM",
        "{places} say the month, so they are left out: give the month with --period YYYY-MM",
        len(left),
        places=("、" if current() == "zh" else ", ").join(f"`{where}`" for where in left),
    )
