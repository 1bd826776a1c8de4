"""Totals rows: a 合计/小计 row left out of the units, and a unit row whose counts are a sum of others warned about."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from ..errors import Problem
from ..i18n import _
from ..ruleset.model import Ruleset
from .csv_in import Row
from .headers import Header, normalise
from .records import Record, Value

_OPENING, _CLOSING, _PUNCTUATION = "（(【[", "）)】]", "：:。."
_BRACKETS = _OPENING + _CLOSING


def totals_cell(row: Row, key: int | None, labels: set[str]) -> tuple[str, int] | None:
    """The totals label (合计, "合 计", 小计, ...: one of `labels`) of a totals row and its column, or None for a unit's row.

    The label is in the key cell, or, when the key cell is empty, in any
    other cell: a sheet numbered in a 序号 column writes 合计 there and
    leaves the name empty, and that row is no more a unit than the other.
    """
    if key is None:
        return None
    own = normalise(row.cells[key]) if key < len(row.cells) else ""
    if own:
        return (own, key) if _is_totals_label(own, labels) else None
    return next(
        ((normalise(c), col) for col, c in enumerate(row.cells) if _is_totals_label(normalise(c), labels)), None
    )


def _is_totals_label(text: str, labels: set[str]) -> bool:
    """A label, decorated (合计：, 合计【32个单位】) or as a name's start or end (全区平均, 部门小计, 合计数,
    小计：县区组): an office's summary row, however worded, must not be ranked as a unit."""
    core = _label_core(text)
    return core in labels or any(
        len(label) >= 2 and (core.startswith(label) or core.endswith(label)) for label in labels
    )


def _label_core(text: str) -> str:
    """A totals label as offices decorate it: 合计： or 全区合计（32个单位） is still 合计 / 全区合计.

    What is taken off the end is a run of decorations: a bracketed note (an opening bracket, text without
    brackets, a closing one, of any of the kinds) or a colon or full stop, peeled from the right.  (It was the
    regex (?:[（(【\\[][^（）()【】\\[\\]]*[）)】\\]]|[：:。.])+$, whose character classes of Chinese brackets took
    half a millisecond to compile on every run; tests/test_without_regex.py checks the two agree.)
    """
    newline = "\n" if text.endswith("\n") else ""  # the regex's `$` matched before a last newline too
    text = text[: len(text) - len(newline)]  # (a normalised label has none)
    end = len(text)
    while end:
        last = text[end - 1]
        if last in _PUNCTUATION:
            end -= 1
            continue
        if last not in _CLOSING:
            break
        opening = end - 2  # the nearest bracket before the closing one: each character is looked at once
        while opening >= 0 and text[opening] not in _BRACKETS:
            opening -= 1
        if opening < 0 or text[opening] not in _OPENING:
            break
        end = opening
    return text[:end] + newline


WARNINGS = frozenset({"data.unlabelled-totals-row"})
"""The codes of the notes that are a doubt, not a fact: said as "warning: ..." (注意：...) by `note_text`.

Warning-ness is carried by the code, not by a "warning: " prefix in the message,
so that it survives translation (the Chinese message has no English prefix to find)."""


def totals_left_out(display: str, line: int, col: int, label: str) -> Problem:
    """The note for a row labelled as a total: it is not a unit, so it is not scored."""
    return Problem(
        display,
        line,
        col,
        _("the row '{label}' is a totals row: left out, not scored as a unit", label=label),
        code="data.totals-row-left-out",
    )


def totals_warning(display: str, line: int, col: int, key: str, summed: int, below: bool = False) -> Problem:
    """A unit row whose counts are exactly a sum of other rows (the `summed` rows above it, or `below` it, for a
    total put under the header): most likely a total without a totals label.  A warning (see WARNINGS)."""
    if below:
        message = _(
            "the row '{key}' looks like a totals row (each of its counts is the sum of the {n} rows below it), "
            "but is scored as a unit; if it is a total, delete it or add its name to the ruleset's entity.totals "
            "(which replaces the usual labels: list those too)",
            key=key,
            n=summed,
        )
    else:
        message = _(
            "the row '{key}' looks like a totals row (each of its counts is the sum of the {n} rows above it), "
            "but is scored as a unit; if it is a total, delete it or add its name to the ruleset's entity.totals "
            "(which replaces the usual labels: list those too)",
            key=key,
            n=summed,
        )
    return Problem(display, line, col, message, code="data.unlabelled-totals-row")


def first_row_total(records: Sequence[Record], ids: Sequence[str]) -> Record | None:
    """The first row, when it is the sum of all the rows below it (a total put under the header)."""
    if len(records) < 3 or not ids:
        return None
    first, rest = records[0], records[1:]
    sums = {id: sum(r.values[id] for r in rest) for id in ids}  # type: ignore[misc]
    if not any(sums.values()):
        return None
    return first if all(math.isclose(first.values[id], sums[id], rel_tol=1e-9, abs_tol=1e-9) for id in ids) else None  # type: ignore[arg-type]


class RunningSums:
    """The sums of the numeric columns the file holds over the rows read so far, to see a totals row that
    carries no totals label (全区, 区级部门汇总, ...)."""

    def __init__(self, header: Header, ruleset: Ruleset) -> None:
        self.ids = [i.id for i in ruleset.inputs if i.numeric and i.id in header.columns]
        self.every = _Sum(self.ids)  # the unit rows so far: a grand total sums these
        self.section = _Sum(self.ids)  # the unit rows since the last total: a subtotal sums these

    def add(self, values: Mapping[str, Value]) -> None:
        self.every.add(values)
        self.section.add(values)

    def new_section(self) -> None:
        self.section = _Sum(self.ids)

    def summed_by(self, values: Mapping[str, Value]) -> int:
        """How many rows above `values` it is exactly the sum of (the section's, else all of them), or 0."""
        return next((s.count for s in (self.section, self.every) if s.matches(values)), 0)


class _Sum:
    """The sums of some numeric columns over a run of rows."""

    def __init__(self, ids: Sequence[str]) -> None:
        self.ids, self.count = ids, 0
        self.totals: dict[str, float] = dict.fromkeys(ids, 0)

    def add(self, values: Mapping[str, Value]) -> None:
        for id in self.ids:
            self.totals[id] += values[id]  # type: ignore[operator]
        self.count += 1

    def matches(self, values: Mapping[str, Value]) -> bool:
        """Every count equal to the sum of at least two rows, and not all of them zero."""
        if self.count < 2 or not self.ids or not any(self.totals.values()):
            return False
        return all(math.isclose(values[id], self.totals[id], rel_tol=1e-9, abs_tol=1e-9) for id in self.ids)  # type: ignore[arg-type]
