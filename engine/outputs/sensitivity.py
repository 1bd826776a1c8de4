"""`kaoping sensitivity` on screen (Rich) and as JSON: where each weight, and each input, tips the order.

The tracer (analysis/sensitivity.py) fills a frozen `Sensitivity`; this module
only says it.  Tipping points are exact fractions; the screen prints them with
two more decimals than the ruleset prints its totals (53.3611 under 2 places),
enough to tell two tipping points apart that round alike, and the JSON writes
them as floats with the fraction beside them (`exact`), so a script can both
compare and re-derive them.

The screen shows the tightest pairs first and at most TOP of them a weight,
saying how many more there are: an office reads the few that matter, the
JSON and the page carry the rest.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .. import __version__
from ..analysis.sensitivity_model import InputChange, Interval, PairChanges, PairTip, Sensitivity, WeightResult
from ..evaluate.ranking import Evaluation, UnitResult
from ..i18n import N_, _, n_
from ..numbers import plain_number
from .machine import input_info, ruleset_info
from .table import footer

TOP = 10
"""The pairs a weight (and the input changes) shows on screen, tightest first."""

Number = int | float | Fraction


# --- numbers ---------------------------------------------------------------------------------------------------


def as_json_number(value: Number | None) -> int | float | None:
    """A value as JSON writes it: a whole number as an int (the contract's `"current": 20`), else a float."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def decimals(value: Fraction, places: int) -> str:
    """`value` with exactly `places` decimals, rounded half away from zero on the exact fraction (no float
    on the way, so 1921/36 is 53.3611 and never 53.3610); no '-0.0000'."""
    units = int(abs(value) * 10**places + Fraction(1, 2))
    digits = str(units).rjust(places + 1, "0")
    text = f"{digits[:-places]}.{digits[-places:]}" if places > 0 else digits
    return f"-{text}" if value < 0 and units else text


def tip_places(s: Sensitivity) -> int:
    """The decimals of a tipping point: two more than the totals are printed with."""
    return max(s.evaluation.ruleset.rounding.places, 0) + 2


def value_text(value: Fraction, places: int) -> str:
    """A weight as the ruleset would write it (40, 12.5), or with `places` decimals when it has more."""
    shown = decimals(value, places)
    if Fraction(shown) == value:  # exactly so: without its trailing zeros
        return shown.rstrip("0").rstrip(".") if "." in shown else shown
    return shown


def signed(value: Fraction, places: int) -> str:
    """A distance from the current weight: +13.3611, -0.2500."""
    text = decimals(value, places)
    return text if text.startswith("-") else f"+{text}"


def signed_change(by: int | float) -> str:
    """An input's change in its own units: +3, -1, +0.5."""
    text = plain_number(by)
    return text if text.startswith("-") else f"+{text}"


def interval_text(interval: Interval, places: int) -> str:
    """'38.2000 – 41.7500', with a word for an open end (the change happens exactly there, so that value is
    not in the interval), or 'only at 40' when the interval is one point."""
    lo, hi = decimals(interval.lo, places), decimals(interval.hi, places)
    if interval.lo == interval.hi:
        return _("only at {value}", value=lo)
    if interval.lo_closed and interval.hi_closed:
        return _("{lo} – {hi}", lo=lo, hi=hi)
    if not interval.lo_closed and not interval.hi_closed:
        return _("{lo} – {hi} (neither end included)", lo=lo, hi=hi)
    return _("{lo} – {hi} ({end} itself not included)", lo=lo, hi=hi, end=hi if interval.lo_closed else lo)


# --- JSON --------------------------------------------------------------------------------------------------------


def to_json(s: Sensitivity) -> str:
    """The contract of issue 14 (ruleset, input, rebalance, weights, inputs), with the extra keys it allows."""
    evaluation = s.evaluation
    document: dict[str, Any] = {
        "kaoping": __version__,
        "ruleset": ruleset_info(evaluation.ruleset),
        "input": input_info(evaluation.table),
        "rebalance": s.rebalance,
        "weights": {w.id: weight_item(w) for w in s.weights},
        "inputs": {"pairs": [input_pair_item(p) for p in s.inputs]},
        "notes": list(s.notes),
        "warnings": list(evaluation.warnings),
    }
    return dump(document)


def interval_item(interval: Interval) -> list[int | float | None]:
    return [as_json_number(interval.lo), as_json_number(interval.hi)]


def closed_item(interval: Interval) -> list[bool]:
    return [interval.lo_closed, interval.hi_closed]


def weight_item(w: WeightResult) -> dict[str, Any]:
    """One weight: the contract's current, order_stable and pairs, then what else the result knows."""
    return {
        "current": as_json_number(w.current),
        "order_stable": interval_item(w.order_stable),
        "pairs": [pair_item(p) for p in w.pairs],
        "label": w.label,
        "range": interval_item(w.range),
        "method": w.method,
        "order_stable_closed": closed_item(w.order_stable),
        "lists_stable": {k: interval_item(v) for k, v in w.lists_stable.items()},
        "lists_stable_closed": {k: closed_item(v) for k, v in w.lists_stable.items()},
        "grades_stable": interval_item(w.grades_stable) if w.grades_stable is not None else None,
        "grades_stable_closed": closed_item(w.grades_stable) if w.grades_stable is not None else None,
        "note": w.note,
    }


def pair_item(p: PairTip) -> dict[str, Any]:
    """One adjacent pair's tipping points: floats (null for none), and the exact fractions as text."""
    return {
        "above": p.above,
        "below": p.below,
        "printed_tie_at": as_json_number(p.printed_tie_at),
        "printed_swap_at": as_json_number(p.printed_swap_at),
        "swap_at": as_json_number(p.swap_at),
        "method": p.method,
        "group": p.group,
        "printed_tie_closed": p.printed_tie_closed,
        "printed_swap_closed": p.printed_swap_closed,
        "swap_closed": p.swap_closed,
        "exact": {
            "printed_tie_at": _exact(p.printed_tie_at),
            "printed_swap_at": _exact(p.printed_swap_at),
            "swap_at": _exact(p.swap_at),
        },
    }


def _exact(value: Fraction | None) -> str | None:
    return None if value is None else str(value)


def input_pair_item(p: PairChanges) -> dict[str, Any]:
    return {
        "above": p.above,
        "below": p.below,
        "changes": [change_item(c) for c in p.changes],
        "group": p.group,
        "none": list(p.none),
    }


def change_item(c: InputChange) -> dict[str, Any]:
    return {
        "input": c.input,
        "by": as_json_number(c.by),
        "step": as_json_number(c.step),
        "overtakes_by": as_json_number(c.overtakes_by),
    }


def dump(document: Mapping[str, Any]) -> str:
    """As machine.dump_json writes a document (indented, not ASCII-escaped, a final newline), with each item
    of a `pairs` list, and each list of plain values ([lo, hi]), on one line of its own: a pair reads as one
    line, and a weight's 31 pairs stay a screenful."""
    return _text(document, 0) + "\n"


def _text(value: Any, depth: int) -> str:
    pad = "  " * depth
    if isinstance(value, Mapping) and value:
        members = [
            f"{pad}  {json.dumps(key, ensure_ascii=False)}: {_member(key, item, depth + 1)}"
            for key, item in value.items()
        ]
        return "{\n" + ",\n".join(members) + f"\n{pad}}}"
    if isinstance(value, list) and not any(isinstance(item, (list, Mapping)) for item in value):
        return json.dumps(value, ensure_ascii=False)  # [38.2, 41.75] on one line
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + pad)


def _member(key: str, value: Any, depth: int) -> str:
    if key == "pairs" and isinstance(value, list) and value:
        pad = "  " * depth
        lines = [f"{pad}  {json.dumps(item, ensure_ascii=False)}" for item in value]
        return "[\n" + ",\n".join(lines) + f"\n{pad}]"
    return _text(value, depth)


# --- the screen --------------------------------------------------------------------------------------------------

METHODS = {"exact": N_("solved exactly"), "bisection": N_("found by bisection")}
"""How a weight's tipping points were found, as the screen says it."""


def method_text(method: str) -> str:
    return _(METHODS[method]) if method in METHODS else method


def render_table(s: Sensitivity, console: Console) -> None:
    """Each weight (its stable intervals, then its tightest pairs), the input changes, the notes, the footer."""
    evaluation = s.evaluation
    console.print(Text(title_text(s), style="bold"), soft_wrap=True, highlight=False)
    console.print(Text(rebalance_text(s)), soft_wrap=True, highlight=False)
    places = tip_places(s)
    for w in s.weights:
        console.print()
        _print_weight(s, w, places, console)
    console.print()
    _print_inputs(s, console)
    for note in s.notes:
        console.print(Text(note, style="yellow"), soft_wrap=True, highlight=False)
    console.print(Text(footer(evaluation), style="dim"), soft_wrap=True, highlight=False)


def title_text(s: Sensitivity) -> str:
    return _("How robust the published order is: {title}", title=s.evaluation.ruleset.title)


def rebalance_text(s: Sensitivity) -> str:
    """What happens to the other weights while one is varied."""
    if s.rebalance == "proportional":
        return _(
            "rebalance: proportional (the other score weights give up or take the change in proportion to their size, so full marks stay {max})",
            max=plain_number(s.evaluation.ruleset.total.max),
        )
    return _("rebalance: none (only the weight varied changes; full marks change with it)")


def weight_heading(w: WeightResult, places: int) -> str:
    return _(
        "{label} ({id}): weight now {current}, valid range {lo} – {hi}; {method}",
        label=w.label,
        id=w.id,
        current=value_text(w.current, places),
        lo=value_text(w.range.lo, places),
        hi=value_text(w.range.hi, places),
        method=method_text(w.method),
    )


def stability_lines(s: Sensitivity, w: WeightResult, places: int) -> list[str]:
    """Where the whole order, each list's members and every unit's grade stay as published."""
    lines = [_("  the whole order stays as published for {interval}", interval=interval_text(w.order_stable, places))]
    labels = {ul.id: ul.label for ul in s.evaluation.ruleset.lists}
    for list_id, interval in w.lists_stable.items():
        lines.append(
            _(
                "  list {label} keeps its members for {interval}",
                label=labels.get(list_id, list_id),
                interval=interval_text(interval, places),
            )
        )
    if w.grades_stable is not None:
        lines.append(_("  every unit keeps its grade for {interval}", interval=interval_text(w.grades_stable, places)))
    return lines


def _print_weight(s: Sensitivity, w: WeightResult, places: int, console: Console) -> None:
    console.print(Text(weight_heading(w, places), style="bold"), soft_wrap=True, highlight=False)
    if w.note:
        console.print(Text("  " + w.note, style="yellow"), soft_wrap=True, highlight=False)
    for line in stability_lines(s, w, places):
        console.print(Text(line), soft_wrap=True, highlight=False)
    if not w.pairs:
        console.print(Text(_("  no two ranked units are next to each other")), soft_wrap=True, highlight=False)
        return
    console.print(
        Text(
            _("  the tightest pairs, nearest tipping point first (in brackets: how far it is from the current weight):")
        ),
        soft_wrap=True,
        highlight=False,
    )
    console.print(rich_table(pair_headings(w.pairs), pair_rows(w, places)[:TOP]))
    if len(w.pairs) > TOP:
        more = len(w.pairs) - TOP
        said = n_("  {n} more pair (-f json lists them all)", "  {n} more pairs (-f json lists them all)", more, n=more)
        console.print(Text(said, style="dim"), soft_wrap=True, highlight=False)


PAIR_HEADINGS = (
    N_("above"),
    N_("below"),
    N_("printed tie at"),
    N_("printed swap at"),
    N_("unrounded swap at"),
)
"""The pairs table's columns (a group column first when groups are ranked apart, a method column last when
some pair was found by bisection)."""


def pair_headings(pairs: Sequence[PairTip]) -> list[str]:
    said = [_(h) for h in PAIR_HEADINGS]
    if any(p.group is not None for p in pairs):
        said.insert(0, _("group"))
    if any(p.method != "exact" for p in pairs):
        said.append(_("method"))
    return said


def pair_rows(w: WeightResult, places: int) -> list[list[str]]:
    """Each pair's cells: the units, then each tipping point with its distance from the current weight."""
    grouped = any(p.group is not None for p in w.pairs)
    bisected = any(p.method != "exact" for p in w.pairs)
    rows = []
    for p in w.pairs:
        cells = [p.above, p.below, *(tip_cell(v, w.current, places) for v in tip_values(p))]
        if grouped:
            cells.insert(0, p.group or "")
        if bisected:
            cells.append(method_text(p.method))
        rows.append(cells)
    return rows


def tip_values(p: PairTip) -> tuple[Fraction | None, Fraction | None, Fraction | None]:
    """The pair's tipping points in the table's order: printed tie, printed swap, unrounded swap."""
    return (p.printed_tie_at, p.printed_swap_at, p.swap_at)


def tip_cell(value: Fraction | None, current: Fraction, places: int) -> str:
    """'53.3611 (+13.3611)': the weight, and how far it is from the current one; '—' for none in range."""
    if value is None:
        return "—"
    return f"{decimals(value, places)} ({signed(value - current, places)})"


def rich_table(headings: Sequence[str], rows: Sequence[Sequence[str]]) -> Padding:
    """A plain table as the diff's (no box), indented two cells under its heading; names left, numbers right."""
    table = Table(box=None, pad_edge=False, header_style="bold")
    for i, heading in enumerate(headings):
        table.add_column(heading, justify="left" if i < 2 or heading == _("group") else "right")
    for cells in rows:
        table.add_row(*(Text(cell) for cell in cells))  # text, not Rich markup
    return Padding(table, (0, 0, 0, 2), expand=False)


# --- the input changes -------------------------------------------------------------------------------------------


def input_pairs(s: Sensitivity) -> list[PairChanges]:
    """The pairs for their input changes, tightest first: the smallest gap between the two printed totals
    (the pairs' own order where the gaps are equal)."""
    units = {u.entity: u for u in s.evaluation.ranked}
    return sorted(s.inputs, key=lambda p: _gap_key(units.get(p.above), units.get(p.below)))


def _gap_key(above: UnitResult | None, below: UnitResult | None) -> Decimal:
    gap = printed_gap(above, below)
    return gap if gap is not None else Decimal("Infinity")


def printed_gap(above: UnitResult | None, below: UnitResult | None) -> Decimal | None:
    """How far apart the two printed totals are (95.40 and 95.38: 0.02); None when either is not a number."""
    if above is None or below is None:
        return None
    try:
        return Decimal(above.display["total"]) - Decimal(below.display["total"])
    except (InvalidOperation, KeyError):
        return None


def change_lines(evaluation: Evaluation, p: PairChanges) -> list[str]:
    """'按期办结工单数 +3', one input a line, smallest first; one line saying so when no input can do it."""
    if not p.changes:
        return [_("no single input can do it within its bounds")]
    if all(c.by == 0 for c in p.changes):  # nothing to change: one line, not "+0" for every input
        return [_("already equal in print")]
    return [change_text(evaluation, c) for c in p.changes]


def change_text(evaluation: Evaluation, c: InputChange) -> str:
    label = input_label(evaluation, c.input)
    if c.overtakes_by is None or c.overtakes_by == c.by:
        return _("{input} {by}", input=label, by=signed_change(c.by))
    return _(
        "{input} {by} ({overtakes} to rank above)",
        input=label,
        by=signed_change(c.by),
        overtakes=signed_change(c.overtakes_by),
    )


def input_label(evaluation: Evaluation, input_id: str) -> str:
    """An input's label as the ruleset gives it (按期办结工单数), its id when the ruleset has no such input."""
    found = next((i for i in evaluation.ruleset.inputs if i.id == input_id), None)
    return found.label if found is not None and found.label else input_id


INPUT_HEADINGS = (N_("above"), N_("below"), N_("printed gap"), N_("smallest change of one input"))


def input_rows(s: Sensitivity, pairs: Sequence[PairChanges]) -> list[list[str]]:
    units = {u.entity: u for u in s.evaluation.ranked}
    rows = []
    for p in pairs:
        gap = printed_gap(units.get(p.above), units.get(p.below))
        rows.append([p.above, p.below, "—" if gap is None else str(gap), "\n".join(change_lines(s.evaluation, p))])
    return rows


def _print_inputs(s: Sensitivity, console: Console) -> None:
    heading = _("Smallest change of one input of the lower unit that lets its printed total reach the upper one's:")
    console.print(Text(heading, style="bold"), soft_wrap=True, highlight=False)
    if not s.inputs:
        console.print(Text(_("  no two ranked units are next to each other")), soft_wrap=True, highlight=False)
        return
    pairs = input_pairs(s)
    console.print(rich_table([_(h) for h in INPUT_HEADINGS], input_rows(s, pairs[:TOP])))
    if len(pairs) > TOP:
        more = len(pairs) - TOP
        said = n_("  {n} more pair (-f json lists them all)", "  {n} more pairs (-f json lists them all)", more, n=more)
        console.print(Text(said, style="dim"), soft_wrap=True, highlight=False)
