"""A what-if comparison as one self-contained HTML page (and, printed by Chromium, a PDF).

The page loads nothing (html.py's Content-Security-Policy and fonts).  It
holds the title, which ruleset is adopted and what each scenario changes,
the table (the adopted ruleset's columns, then each scenario's own, under a
two-level header), a slope chart of the rank movements, and under it each
scenario's summary and who entered and left each list, flag and grade.

The slope chart is an inline SVG, one panel a scenario: the adopted rank on
the left, the scenario's on the right, one line a unit ranked under both.
Lines of units that move are drawn thick and coloured (up green, down red),
the others thin and grey, so the eye goes to what changes; each line has a
<title> ("区交通运输局: 4 → 6") for a reader who points at it.
"""

from __future__ import annotations

from html import escape

from ..analysis.scenarios import Comparison, Outcome
from ..i18n import _
from .compare import change_lines, groups, heading, rows, settings_line, summary_line
from .html import page_head
from .table import footer

ROW = 18  # pixels between two ranks
TOP = 34  # room for the panel's heading
NAMES = 190  # room for a unit's name left of the first panel, and right of each
SPAN = 150  # a line's horizontal run

CHART_STYLE = """
svg.slope text { font-size: 12px; fill: #1a1a1a; }
svg.slope text.head { font-weight: bold; }
svg.slope line.same { stroke: #c4c4c4; stroke-width: 1; }
svg.slope line.up { stroke: #15803d; stroke-width: 2.5; }
svg.slope line.down { stroke: #b91c1c; stroke-width: 2.5; }
svg.slope text.up { fill: #15803d; font-weight: bold; }
svg.slope text.down { fill: #b91c1c; font-weight: bold; }
@media print { .chart { display: block; break-before: page; } }
"""


def to_html(c: Comparison) -> str:
    """One HTML5 page: title, rulesets and scenarios, the table, the slope chart, each scenario's changes."""
    title = heading(c)
    out = [
        *page_head(title, CHART_STYLE),
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(_('adopted: {label}', label=c.adopted.ruleset.label))}</p>",
        '<ul class="notes">',
        *(f"<li>{escape(settings_line(o))}</li>" for o in c.outcomes),
        "</ul>",
        *_table(c),
        '<section class="chart">',
        f"<h2>{escape(_('Rank movements'))}</h2>",
        slope_chart(c),
        "</section>",
    ]
    for outcome in c.outcomes:
        out.append(f"<h3>{escape(summary_line(outcome))}</h3>")
        out += ['<ul class="notes">', *(f"<li>{escape(line)}</li>" for line in change_lines(outcome)), "</ul>"]
    out += [f"<footer><p>{escape(footer(c.adopted))}</p></footer>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def _table(c: Comparison) -> list[str]:
    header = groups(c)
    top, below = [], []
    for group, headings in header:
        if not group:
            top.append(f'<th rowspan="2">{escape(headings[0])}</th>')
            continue
        top.append(f'<th colspan="{len(headings)}">{escape(group)}</th>')
        below += [f"<th>{escape(h)}</th>" for h in headings]
    out = ['<div class="scroll"><table class="report">', "<thead>", f"<tr>{''.join(top)}</tr>"]
    out += [f"<tr>{''.join(below)}</tr>", "</thead>", "<tbody>"]
    for cells in rows(c):
        tds = [f'<td class="text">{escape(cells[0].text)}</td>']
        tds += [f'<td class="num">{escape(x.text)}</td>' for x in cells[1:]]
        out.append(f"<tr>{''.join(tds)}</tr>")
    return [*out, "</tbody>", "</table></div>"]


def slope_chart(c: Comparison) -> str:
    """The inline SVG: one panel a scenario, each unit ranked under both one <line> from its adopted rank to its
    rank in the scenario (class up, down or same), its name at the left of the first panel and, with its
    new rank, at the right of each."""
    ranked = [r for r in c.rows if r.adopted.old_rank is not None]
    deepest = max(
        [r.adopted.old_rank or 0 for r in ranked] + [u.new_rank or 0 for r in c.rows for u in r.scenarios if u]
    )
    height = TOP + ROW * max(deepest, 1) + 8
    width = NAMES + len(c.outcomes) * (SPAN + NAMES)
    out = [
        f'<svg class="slope" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(_("Rank movements"))}">'
    ]
    out.append(f'<text class="head" x="{NAMES - 8}" y="16" text-anchor="end">{escape(_("adopted"))}</text>')
    for r in ranked:
        y = _y(r.adopted.old_rank or 0)
        out.append(
            f'<text x="{NAMES - 8}" y="{y + 4}" text-anchor="end">{escape(f"{r.adopted.old_rank} {r.entity}")}</text>'
        )
    for index, outcome in enumerate(c.outcomes):
        out += _panel(c, index, outcome, NAMES + index * (SPAN + NAMES))
    out.append("</svg>")
    return "\n".join(out)


def _panel(c: Comparison, index: int, outcome: Outcome, left: int) -> list[str]:
    right = left + SPAN
    out = [f'<text class="head" x="{right + 8}" y="16">{escape(outcome.scenario.name)}</text>']
    if index:  # the adopted ranks again at the left of every panel after the first
        out.append(f'<text class="head" x="{left - 8}" y="16" text-anchor="end">{escape(_("adopted"))}</text>')
    for row in c.rows:
        u = row.scenarios[index]
        if u is None or u.old_rank is None or u.new_rank is None:
            continue
        way = "up" if u.movement > 0 else "down" if u.movement < 0 else "same"
        y0, y1 = _y(u.old_rank), _y(u.new_rank)
        tip = escape(f"{row.entity}: {u.old_rank} → {u.new_rank}")
        out.append(
            f'<line class="{way}" data-unit="{escape(row.entity)}" x1="{left}" y1="{y0}" x2="{right}" y2="{y1}">'
            f"<title>{tip}</title></line>"
        )
        label = escape(f"{u.new_rank} {row.entity}")
        out.append(f'<text class="{way}" x="{right + 8}" y="{y1 + 4}">{label}</text>')
    return out


def _y(rank: int) -> int:
    return TOP + ROW * (rank - 1)


def to_pdf(c: Comparison) -> bytes:
    """The page printed to PDF by the browser outputs/pdf.py finds (A4 landscape, by the page's print stylesheet)."""
    from .pdf import html_to_pdf

    return html_to_pdf(to_html(c))
