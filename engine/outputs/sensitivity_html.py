"""`kaoping sensitivity -f html`: one self-contained page, a chart per weight and the tables under it.

Each chart is inline SVG (the page loads nothing: html.page_head's CSP): the
weight across its valid range on the x axis, each unit's total on the y axis,
one polyline a unit through the points the tracer found (the totals are
piecewise linear in one weight, so the lines are exact, a threshold's jump a
vertical step).  The current weight is a vertical line; where a pair's
unrounded totals cross (swap_at) and where its printed order flips
(printed_swap_at) is a dot, its tooltip naming the two units.  With more than
MAX_LINES units the lines would be a tangle, so only the units of the
TIGHTEST pairs are drawn, and the caption says so.

The y axis spans the drawn totals, not 0..100: the seed's totals bunch
between 89 and 100, and from 0 every line would look alike.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from html import escape

from ..analysis.sensitivity_model import Line, PairTip, Sensitivity, WeightResult
from ..i18n import _, n_
from .html import page_head
from .sensitivity import (
    INPUT_HEADINGS,
    TOP,
    decimals,
    input_pairs,
    input_rows,
    pair_headings,
    pair_rows,
    rebalance_text,
    stability_lines,
    tip_places,
    title_text,
    value_text,
    weight_heading,
)
from .table import footer

WIDTH, HEIGHT = 900, 380
"""The chart's viewBox; it is drawn as wide as the page allows (at most MAX_WIDTH pixels), keeping its shape."""
LEFT, RIGHT, TOP_MARGIN, BOTTOM = 64, 24, 20, 52
"""The room around the plot: tick labels and the y axis's title left, the x axis's ticks and title below."""
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP_MARGIN - BOTTOM
MAX_LINES = 12
"""More units than this and only those of the TIGHTEST pairs are drawn."""
TIGHTEST = 6
INPUT_ROWS = 100
"""The pairs the page's input table lists (tightest first); the JSON has them all."""

COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#393b79",
    "#637939",
)

STYLE = """
.sens { max-width: 1000px; margin: 0 auto 36px; }
.sens ul.stable { margin: 4px 0 8px; padding-left: 20px; }
.sens figure { margin: 8px 0; }
.sens svg { display: block; width: 100%; height: auto; background: #fff; }
.sens svg text { font-size: 12px; fill: #333; }
.sens svg .axis-title { font-size: 13px; fill: #1a1a1a; }
.sens svg .grid { stroke: #e3e6ea; stroke-width: 1; }
.sens svg .axis { stroke: #555; stroke-width: 1; }
.sens svg polyline { fill: none; stroke-width: 1.6; }
.sens svg .current { stroke: #111; stroke-width: 1.5; stroke-dasharray: 5 3; }
.sens svg .current-label { font-weight: bold; fill: #111; }
.sens svg circle.swap { fill: #d62728; stroke: #fff; stroke-width: 1; }
.sens svg circle.printed-swap { fill: #fff; stroke: #d62728; stroke-width: 2; }
.sens figcaption { font-size: 13px; color: #555; }
.sens ul.legend { list-style: none; padding: 0; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 2px 16px; font-size: 13px; }
.sens ul.legend .swatch { display: inline-block; width: 18px; height: 3px; vertical-align: middle; margin-right: 4px; }
.sens table.report td { white-space: nowrap; }
"""


def to_html(s: Sensitivity) -> str:
    """The page: the title and how the weights were varied, each weight's section, the input changes, notes."""
    heading = title_text(s)
    out = page_head(heading, STYLE)
    out.append(f"<h1>{escape(heading)}</h1>")
    out.append(f'<p class="sens">{escape(rebalance_text(s))}</p>')
    places = tip_places(s)
    for w in s.weights:
        out += weight_section(s, w, places)
    out += inputs_section(s)
    if s.notes:
        out += ['<ul class="notes">', *(f"<li>{escape(note)}</li>" for note in s.notes), "</ul>"]
    out += ["<footer>", f"<p>{escape(footer(s.evaluation))}</p>", "</footer>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def weight_section(s: Sensitivity, w: WeightResult, places: int) -> list[str]:
    """One weight: its heading, where the order stays as published, its chart, its tightest pairs."""
    out = ['<section class="sens">', f"<h2>{escape(weight_heading(w, places))}</h2>"]
    if w.note:
        out.append(f'<p class="note">{escape(w.note)}</p>')
    out.append('<ul class="stable">')
    out += [f"<li>{escape(line.strip())}</li>" for line in stability_lines(s, w, places)]
    out.append("</ul>")
    out += chart(w, places)
    if w.pairs:
        out.append(
            f"<h3>{escape(_('  the tightest pairs, nearest tipping point first (in brackets: how far it is from the current weight):').strip())}</h3>"
        )
        names = 3 if any(p.group is not None for p in w.pairs) else 2
        out += html_table(pair_headings(w.pairs), pair_rows(w, places)[:TOP], names)
        out += more_line(len(w.pairs) - TOP)
    out.append("</section>")
    return out


def more_line(more: int) -> list[str]:
    if more <= 0:
        return []
    said = n_("  {n} more pair (-f json lists them all)", "  {n} more pairs (-f json lists them all)", more, n=more)
    return [f'<p class="more">{escape(said.strip())}</p>']


def html_table(headings: Sequence[str], rows: Sequence[Sequence[str]], names: int) -> list[str]:
    """A plain report table: the first `names` columns text, the rest numbers; a newline in a cell a <br>."""
    out = ['<div class="scroll">', '<table class="report">', "<thead><tr>"]
    out += [f'<th scope="col">{escape(h)}</th>' for h in headings]
    out.append("</tr></thead><tbody>")
    for cells in rows:
        tds = (f'<td class="{"text" if i < names else "num"}">{cell_html(c)}</td>' for i, c in enumerate(cells))
        out.append("<tr>" + "".join(tds) + "</tr>")
    out += ["</tbody>", "</table>", "</div>"]
    return out


def cell_html(text: str) -> str:
    return "<br>".join(escape(line) for line in text.split("\n"))


def inputs_section(s: Sensitivity) -> list[str]:
    """The smallest change of one input that lets the lower unit of a pair reach the upper one, tightest first."""
    heading = _("Smallest change of one input of the lower unit that lets its printed total reach the upper one's:")
    out = ['<section class="sens">', f"<h2>{escape(heading.rstrip(':：'))}</h2>"]
    if not s.inputs:
        out.append(f"<p>{escape(_('  no two ranked units are next to each other').strip())}</p>")
    else:
        pairs = input_pairs(s)
        out += html_table([_(h) for h in INPUT_HEADINGS], input_rows(s, pairs[:INPUT_ROWS]), names=2)
        if len(pairs) > INPUT_ROWS:
            out += more_line(len(pairs) - INPUT_ROWS)
    out.append("</section>")
    return out


# --- the chart ---------------------------------------------------------------------------------------------------


def drawn(w: WeightResult) -> tuple[list[Line], list[PairTip]]:
    """The lines drawn and the pairs whose crossings are marked: every unit, or with more than MAX_LINES
    units, those of the TIGHTEST pairs only (the pairs' own order, tightest first)."""
    if len(w.lines) <= MAX_LINES:
        return list(w.lines), list(w.pairs)
    pairs = list(w.pairs[:TIGHTEST])
    names = {p.above for p in pairs} | {p.below for p in pairs}
    return [line for line in w.lines if line.entity in names], pairs


def chart(w: WeightResult, places: int) -> list[str]:
    """The figure: the SVG, a legend of the drawn units, and a caption saying what the marks are."""
    lines, pairs = drawn(w)
    if not lines or w.range.hi <= w.range.lo:
        return []
    x_axis = Axis(float(w.range.lo), float(w.range.hi), LEFT, LEFT + PLOT_WIDTH, exact=True)
    totals = [float(total) for line in lines for _w, total in line.points]
    y_axis = Axis(min(totals), max(totals), TOP_MARGIN + PLOT_HEIGHT, TOP_MARGIN)
    colours = {line.entity: COLOURS[i % len(COLOURS)] for i, line in enumerate(lines)}
    label = _("the totals against the weight of {label}", label=w.label)
    svg = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
    ]
    svg += grid(x_axis, y_axis, w)
    svg += [polyline(line, x_axis, y_axis, colours[line.entity]) for line in lines]
    svg += current_mark(w, x_axis, places)
    svg += crossings(pairs, {line.entity: line for line in lines}, x_axis, y_axis, places)
    svg.append("</svg>")
    return ["<figure>", *svg, *legend(lines, colours), caption(w, lines), "</figure>"]


class Axis:
    """A linear scale from data values to SVG coordinates, with round tick values (1, 2 or 5 × 10ⁿ apart).

    `exact` keeps the data's own ends (the weight's valid range); otherwise the ends are widened to ticks."""

    def __init__(self, lo: float, hi: float, start: float, end: float, exact: bool = False) -> None:
        if hi <= lo:
            lo, hi = lo - 1, hi + 1
        self.step = nice_step((hi - lo) / 5)
        if not exact:
            lo, hi = math.floor(lo / self.step) * self.step, math.ceil(hi / self.step) * self.step
        self.lo, self.hi, self.start, self.end = lo, hi, start, end

    def at(self, value: float) -> float:
        return self.start + (value - self.lo) / (self.hi - self.lo) * (self.end - self.start)

    def ticks(self) -> list[float]:
        first = math.ceil(self.lo / self.step - 1e-9)
        last = math.floor(self.hi / self.step + 1e-9)
        return [k * self.step for k in range(first, last + 1)]


def nice_step(rough: float) -> float:
    """The round step nearest above `rough`: 1, 2 or 5 times a power of ten."""
    power = 10.0 ** math.floor(math.log10(rough))
    return float(next(k * power for k in (1, 2, 5, 10) if k * power >= rough - 1e-12))


def tick_text(value: float, step: float) -> str:
    decimals_needed = max(0, -math.floor(math.log10(step) + 1e-9))
    return f"{value:.{decimals_needed}f}"


def grid(x: Axis, y: Axis, w: WeightResult) -> list[str]:
    """Grid lines and tick labels on both axes, the axes themselves, and their titles."""
    bottom, top = TOP_MARGIN + PLOT_HEIGHT, TOP_MARGIN
    out = []
    for v in y.ticks():
        py = y.at(v)
        out.append(f'<line class="grid" x1="{LEFT}" y1="{py:.2f}" x2="{LEFT + PLOT_WIDTH}" y2="{py:.2f}"/>')
        out.append(f'<text x="{LEFT - 6}" y="{py + 4:.2f}" text-anchor="end">{tick_text(v, y.step)}</text>')
    for v in x.ticks():
        px = x.at(v)
        out.append(f'<line class="grid" x1="{px:.2f}" y1="{top}" x2="{px:.2f}" y2="{bottom}"/>')
        out.append(f'<text x="{px:.2f}" y="{bottom + 16}" text-anchor="middle">{tick_text(v, x.step)}</text>')
    out.append(f'<line class="axis" x1="{LEFT}" y1="{bottom}" x2="{LEFT + PLOT_WIDTH}" y2="{bottom}"/>')
    out.append(f'<line class="axis" x1="{LEFT}" y1="{top}" x2="{LEFT}" y2="{bottom}"/>')
    x_title = _("weight of {label} ({id})", label=w.label, id=w.id)
    out.append(
        f'<text class="axis-title" x="{LEFT + PLOT_WIDTH / 2:.2f}" y="{HEIGHT - 8}" text-anchor="middle">{escape(x_title)}</text>'
    )
    y_title = _("total")
    out.append(
        f'<text class="axis-title" transform="translate(14 {top + PLOT_HEIGHT / 2:.2f}) rotate(-90)" text-anchor="middle">{escape(y_title)}</text>'
    )
    return out


def polyline(line: Line, x: Axis, y: Axis, colour: str) -> str:
    points = " ".join(f"{x.at(float(wv)):.2f},{y.at(float(tv)):.2f}" for wv, tv in line.points)
    return f'<polyline points="{points}" stroke="{colour}"><title>{escape(line.entity)}</title></polyline>'


def current_mark(w: WeightResult, x: Axis, places: int) -> list[str]:
    """The current weight: a dashed vertical line over the plot, its value at the top."""
    px = x.at(float(w.current))
    said = _("now {value}", value=value_text(w.current, places))
    anchor = "start" if px < LEFT + PLOT_WIDTH * 0.85 else "end"
    nudge = 4 if anchor == "start" else -4
    return [
        f'<line class="current" x1="{px:.2f}" y1="{TOP_MARGIN}" x2="{px:.2f}" y2="{TOP_MARGIN + PLOT_HEIGHT}"/>',
        f'<text class="current-label" x="{px + nudge:.2f}" y="{TOP_MARGIN + 12}" text-anchor="{anchor}">{escape(said)}</text>',
    ]


def crossings(pairs: Sequence[PairTip], lines: dict[str, Line], x: Axis, y: Axis, places: int) -> list[str]:
    """A dot where each pair's unrounded totals cross (filled) and where its printed order flips (a ring),
    on the upper unit's line, each with a tooltip naming the two units."""
    out = []
    for p in pairs:
        above = lines.get(p.above)
        if above is None or p.below not in lines:
            continue
        for value, kind in ((p.swap_at, "swap"), (p.printed_swap_at, "printed-swap")):
            if value is None or not x.lo <= float(value) <= x.hi:
                continue
            total = total_at(above, value)
            if total is None:
                continue
            tip = crossing_text(p, kind, decimals(value, places))
            out.append(
                f'<circle class="{kind}" cx="{x.at(float(value)):.2f}" cy="{y.at(float(total)):.2f}" r="4.5">'
                f"<title>{escape(tip)}</title></circle>"
            )
    return out


def crossing_text(p: PairTip, kind: str, at: str) -> str:
    if kind == "swap":
        return _("{below} passes {above} at {at} (unrounded totals)", below=p.below, above=p.above, at=at)
    return _("{below} passes {above} at {at} (printed totals)", below=p.below, above=p.above, at=at)


def total_at(line: Line, weight: Fraction) -> Fraction | None:
    """The line's total at `weight`, exactly: a point's own, or between the two points around it."""
    points = line.points
    for (w0, t0), (w1, t1) in zip(points, points[1:], strict=False):
        if w0 == weight:
            return t0
        if w0 < weight < w1:
            return t0 + (t1 - t0) * (weight - w0) / (w1 - w0)
    if points and points[-1][0] == weight:
        return points[-1][1]
    return None


def legend(lines: Sequence[Line], colours: dict[str, str]) -> list[str]:
    items = (
        f'<li><span class="swatch" style="background: {colours[line.entity]}"></span>{escape(line.entity)}</li>'
        for line in lines
    )
    return ['<ul class="legend">', *items, "</ul>"]


def caption(w: WeightResult, lines: Sequence[Line]) -> str:
    """What the marks mean, and when only some units are drawn, which."""
    said = [_("dashed line: the current weight; ● the unrounded totals cross; ○ the printed order flips")]
    if len(lines) < len(w.lines):
        said.append(
            _(
                "only the {drawn} units of the {pairs} tightest pairs are drawn, of {all} units",
                drawn=len(lines),
                pairs=min(TIGHTEST, len(w.pairs)),
                all=len(w.lines),
            )
        )
    return f"<figcaption>{'<br>'.join(escape(x) for x in said)}</figcaption>"
