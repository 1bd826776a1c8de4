"""The ranked table on screen, with the published two-level header.

Rich's Table has one header row and no column spans, but the published
table puts a group header (办结得分（35分）) over its count and score
columns.  So the grid is drawn here, line by line, measuring text with
Rich's `cell_len` (a Chinese character takes two cells) and printed through
a Rich Console, which handles colour and terminals.  Columns that are not in
a group have their header on the middle header line, centred vertically.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING

from rich.cells import cell_len

from .. import __version__
from ..evaluate.ranking import Evaluation, UnitResult
from ..i18n import _
from .layout import (
    Blocks,
    Leaf,
    blocks,
    cell,
    compact_leaves,
    group_spans,
    markers,
    not_in_effect_line,
    notes,
    sections_of,
    table_leaves,
    table_notes,
    title,
)

if TYPE_CHECKING:
    from rich.console import Console

Section = tuple[str, Sequence[Sequence[str]]]  # a title ("" for none) and its rows


def render_table(evaluation: Evaluation, console: Console, period: str | None = None) -> None:
    """The published table, then its lists and flags; on a terminal too narrow for it, the scores only."""
    from rich.text import Text  # here, not at the top: md and html read footer() from this module without Rich's text

    cols = table_leaves(evaluation)
    lines = _lines(evaluation, cols)
    narrow = console.is_terminal and cell_len(lines[0]) > console.width
    if narrow:
        cols = compact_leaves(evaluation.ruleset)
        lines = _lines(evaluation, cols)
    heading = title(evaluation.ruleset, period)
    around = blocks(evaluation, period)
    for marker in markers(evaluation.ruleset):
        console.print(Text(marker, style="bold yellow"), soft_wrap=True)
    if around.attachment:
        console.print(Text(around.attachment), soft_wrap=True, highlight=False)
    console.print(Text(_centre(heading, cell_len(lines[0])).rstrip(), style="bold"), soft_wrap=True)
    header_lines = 3 if any(c.group for c in cols) else 1
    for i, line in enumerate(lines):
        console.print(Text(line, style="bold" if 0 < i <= header_lines else ""), soft_wrap=True, highlight=False)
    for line in notes(evaluation) + block_lines(around, cell_len(lines[0])):
        console.print(Text(line), soft_wrap=True, highlight=False)
    for line in table_notes(evaluation, period):
        console.print(Text(line, style="yellow"), soft_wrap=True, highlight=False)
    console.print(Text(footer(evaluation), style="dim"), soft_wrap=True, highlight=False)
    if narrow:
        note = _(
            "the window is too narrow for the full table, so only the scores are shown: widen it, or write the table with -o FILE or -f csv"
        )
        console.print(Text(note, style="yellow"), soft_wrap=True)


def block_lines(around: Blocks, width: int) -> list[str]:
    """The notes under the table (说明：, later lines indented under the first), then the issuer and the date
    at the table's right edge, as plain text lines."""
    out = []
    indent = " " * cell_len(around.heading)
    for n, line in enumerate(around.notes):
        out.append((around.heading if n == 0 else indent) + line)
    if around.sign_off:
        out.append("")
    for line in around.sign_off:
        out.append(" " * max(width - cell_len(line), 0) + line)
    return out


def _lines(evaluation: Evaluation, cols: Sequence[Leaf]) -> list[str]:
    def rows(results: Sequence[UnitResult]) -> list[list[str]]:
        return [[cell(evaluation, r, c.field) for c in cols] for r in results]

    sections: list[Section] = [(label, rows(part)) for label, part in sections_of(evaluation)]
    every = [row for _, part in sections for row in part]
    return table_lines(cols, sections, _widths(cols, every, [label for label, _ in sections]))


def footer(evaluation: Evaluation) -> str:
    """What the table was derived from.  The input by its file name only: a published page must not
    carry the folders of the office's computer (the JSON keeps the path as given)."""
    r, t = evaluation.ruleset, evaluation.table
    return _(
        "{ruleset} (sha256 {ruleset_sha}) · {file} (sha256 {file_sha}) · {n} units · kaoping {version}",
        ruleset=r.label,
        ruleset_sha=r.sha256[:12],
        file=PurePath(t.path).name,
        file_sha=t.sha256[:12],
        n=len(evaluation.results),
        version=__version__,
    ) + (f" · {not_in_effect_line(r)}" if r.not_in_effect else "")


def _widths(cols: Sequence[Leaf], rows: Sequence[Sequence[str]], titles: Sequence[str] = ()) -> list[int]:
    widths = [max([cell_len(c.label), *(cell_len(r[i]) for r in rows)]) for i, c in enumerate(cols)]
    short = max((cell_len(t) for t in titles), default=0) - (sum(widths) + 3 * (len(widths) - 1))
    widths[-1] += max(short, 0)  # a section title spans the whole table
    for start, end, header in group_spans(cols):
        inner = sum(widths[start:end]) + 3 * (end - start - 1)
        short = cell_len(header) - inner
        for k in range(max(short, 0)):
            widths[start + k % (end - start)] += 1
    return widths


def table_lines(cols: Sequence[Leaf], sections: Sequence[Section], widths: Sequence[int]) -> list[str]:
    """Every line of the table as plain text: borders, one or three header lines, then each section's
    title (spanning the table) and rows."""
    grouped = [c.group is not None for c in cols]
    same = [
        i + 1 < len(cols) and grouped[i] and cols[i].group_index == cols[i + 1].group_index for i in range(len(cols))
    ]
    top = _rule("┌", "┐", ["─" if s else "┬" for s in same[:-1]], widths)
    middle = _middle_line(cols, widths, grouped, same)
    if not any(grouped):  # a one-level header needs one line
        header = [middle]
    else:
        header = [_header_line(cols, widths, same, upper=True), middle, _header_line(cols, widths, same, upper=False)]
    sep = _rule("├", "┤", ["┼"] * (len(cols) - 1), widths)
    body: list[str] = []
    inner = sum(widths) + 3 * (len(widths) - 1)
    for label, rows in sections:
        if label:
            body += [
                _rule("├", "┤", ["┴"] * (len(cols) - 1), widths),
                "│" + _pad(label, inner, "left") + "│",
                _rule("├", "┤", ["┬"] * (len(cols) - 1), widths),
            ]
        body += [
            "│"
            + "│".join(_pad(v, w, "right" if c.numeric else "left") for v, c, w in zip(r, cols, widths, strict=False))
            + "│"
            for r in rows
        ]
    if body and body[0].startswith("├"):
        body = body[1:]  # the header's own rule already separates the first title
        sep = _rule("├", "┤", ["┴"] * (len(cols) - 1), widths)
    bottom = _rule("└", "┘", ["┴"] * (len(cols) - 1), widths)
    return [top, *header, sep, *body, bottom]


def _rule(left: str, right: str, joins: Sequence[str], widths: Sequence[int]) -> str:
    parts = ["─" * (w + 2) for w in widths]
    return left + "".join(p + j for p, j in zip(parts, [*joins, ""], strict=False)) + right


def _header_line(cols: Sequence[Leaf], widths: Sequence[int], same: Sequence[bool], upper: bool) -> str:
    out = "│"
    i = 0
    while i < len(cols):
        if upper and cols[i].group is not None:
            j = i
            while same[j]:
                j += 1
            span = sum(widths[i : j + 1]) + 3 * (j - i)
            out += _pad(cols[i].group or "", span, "centre") + "│"
            i = j + 1
            continue
        text = cols[i].label if (not upper and cols[i].group is not None) else ""
        out += _pad(text, widths[i], "centre") + "│"
        i += 1
    return out


def _middle_line(cols: Sequence[Leaf], widths: Sequence[int], grouped: Sequence[bool], same: Sequence[bool]) -> str:
    """Ungrouped columns show their header here; grouped ones a rule under the group header."""
    out = "├" if grouped[0] else "│"
    for i, c in enumerate(cols):
        out += "─" * (widths[i] + 2) if grouped[i] else _pad(c.label, widths[i], "centre")
        if i + 1 == len(cols):
            out += "┤" if grouped[i] else "│"
        elif same[i]:
            out += "┬"
        else:
            out += _junction(grouped[i], grouped[i + 1])
    return out


def _junction(left_ruled: bool, right_ruled: bool) -> str:
    return {(True, True): "┼", (True, False): "┤", (False, True): "├", (False, False): "│"}[(left_ruled, right_ruled)]


def _pad(text: str, width: int, align: str) -> str:
    gap = width - cell_len(text)
    if align == "right":
        return " " + " " * gap + text + " "
    if align == "left":
        return " " + text + " " * gap + " "
    left = gap // 2
    return " " + " " * left + text + " " * (gap - left) + " "


def _centre(text: str, width: int) -> str:
    gap = max(width - cell_len(text), 0)
    return " " * (gap // 2) + text
