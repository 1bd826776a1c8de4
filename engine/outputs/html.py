"""The ranked table as one self-contained HTML page, for publishing and printing.

The page loads nothing: no fonts, scripts, stylesheets or images from
anywhere (a Content-Security-Policy meta tag says so to the browser too), so
it reads the same offline, attached to a notice, or years later.  It holds:

- the title (and a what-if warning when --set changed the ruleset);
- the published table with its real two-level header: a group header
  (办结得分（35分）) spans its columns, an ungrouped column's header spans
  both header rows; one <tbody> per section (a group ranked apart, the units
  not ranked) with a title row;
- a horizontal bar chart of the totals: one bar per ranked unit, on an axis
  that starts near the lowest total and says so (the totals bunch near the
  top: from 0 their bars would look alike), labelled with the unit and the
  total as the table prints it;
- the lists and flags, and the provenance footer (one line, then the full
  ruleset and input digests);
- on screen, headers that wrap (before a bracketed part only) so the seed's
  table fits a 1366-pixel window with its last column in view;
- a print stylesheet that prints the published table and the lines under
  it (outputs/pdf.py prints the page with it): A4 landscape, small margins,
  the header rows repeated on every page, no row split or left alone on a
  page, the chart and the full digests left out, the provenance one small
  line.

Every text from the ruleset or the data goes through html.escape.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from .. import __version__
from ..evaluate.ranking import Evaluation, UnitResult
from ..i18n import _
from ..numbers import plain_number
from .layout import (
    Blocks,
    Leaf,
    blocks,
    cell,
    group_spans,
    not_in_effect_line,
    notes,
    sections_of,
    table_leaves,
    table_notes,
    title,
)
from .table import footer

FONTS = (
    '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "微软雅黑", "Noto Sans CJK SC", '
    '"Source Han Sans SC", "Noto Sans SC", "WenQuanYi Micro Hei", "SimHei", "SimSun", sans-serif'
)

STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 16px; font-family: %(fonts)s; font-size: 14px; line-height: 1.45; color: #1a1a1a; background: #fff; }
h1 { font-size: 20px; text-align: center; margin: 0 0 14px; }
h2 { font-size: 16px; margin: 28px 0 8px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
.whatif { border: 2px solid #b45309; background: #fef3c7; color: #78350f; padding: 8px 12px; font-weight: bold; }
.scroll { overflow-x: auto; }
table.report { border-collapse: collapse; margin: 0 auto; }
table.report th, table.report td { border: 1px solid #8c8c8c; padding: 3px 6px; white-space: nowrap; }
table.report thead th { background: #eef1f5; font-weight: bold; text-align: center; vertical-align: middle; white-space: normal; text-wrap: balance; min-width: 3.2em; line-height: 1.25; }
table.report tbody tr.section th { background: #f7f7f7; text-align: left; font-weight: bold; }
table.report tbody tr:not(.section):nth-child(even) td { background: #fafbfc; }
thead .nw { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.text { text-align: left; }
.chart { max-width: 1100px; margin: 0 auto; }
.chart .axis-note { font-weight: normal; font-size: 13px; color: #555; }
.bars { display: grid; grid-template-columns: max-content 1fr max-content; gap: 3px 10px; align-items: center; }
.bars h3 { grid-column: 1 / -1; margin: 10px 0 2px; }
.bars .who { text-align: right; white-space: nowrap; }
.bars .track { position: relative; display: block; height: 14px; background: #eef1f5; }
.bars .track::after { content: ""; position: absolute; inset: 0; pointer-events: none;
  background-image: repeating-linear-gradient(to right, transparent 0, transparent calc(var(--tick) - 1px), rgba(0, 0, 0, 0.28) calc(var(--tick) - 1px), rgba(0, 0, 0, 0.28) var(--tick)); }
.bars .bar { display: block; height: 100%%; background: #2f6db5; }
.bars .track.cut { background: repeating-linear-gradient(135deg, #eef1f5 0, #eef1f5 4px, #d5dbe3 4px, #d5dbe3 6px); }
.bars .val { font-variant-numeric: tabular-nums; text-align: right; min-width: 4em; }
.bars .scale { position: relative; display: block; height: 1.3em; border-bottom: 1px solid #555; font-size: 12px; color: #333; }
.bars .scale span { position: absolute; bottom: 1px; transform: translateX(-50%%); font-variant-numeric: tabular-nums; }
.bars .scale span.first { transform: none; font-weight: bold; }
.bars .scale span.last { transform: translateX(-100%%); }
ul.notes { padding-left: 20px; }
p.attachment { margin: 0 0 4px; font-size: 16px; font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; }
p.report-notes { margin: 10px 0; line-height: 1.6; display: grid; grid-template-columns: max-content 1fr; }
p.sign-off { text-align: right; margin: 12px 4em 0 0; line-height: 1.8; }
footer { margin-top: 24px; font-size: 12px; color: #555; }
footer .digests { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; word-break: break-all; }
@page { size: A4 landscape; margin: 8mm 10mm; }
@media print {
  body { margin: 0; font-size: 8.5pt; line-height: 1.2; color: #000; }
  h1 { font-size: 13pt; margin: 0 0 4pt; }
  .whatif { background: none; color: #000; border: 1.5pt solid #000; padding: 2pt 4pt; margin: 0 0 4pt; }
  .scroll { overflow: visible; }
  table.report { width: 100%%; }
  table.report th, table.report td { padding: 0.8pt 3pt; border: 0.5pt solid #000; }
  table.report thead { display: table-header-group; }
  table.report thead th, table.report tbody tr.section th, table.report tbody tr td { background: none !important; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  table.report tbody:last-of-type tr:last-child, ul.notes, footer { break-before: avoid; page-break-before: avoid; }
  .chart, footer .digests { display: none; }
  ul.notes { margin: 3pt 0 0; padding-left: 12pt; font-size: 8pt; }
  p.attachment { font-size: 10pt; margin: 0 0 2pt; }
  p.report-notes, p.sign-off { margin: 3pt 0 0; font-size: 8.5pt; line-height: 1.4; break-before: avoid; }
  footer { margin-top: 3pt; font-size: 6.5pt; color: #000; }
  footer p { margin: 0; }
}
""" % {"fonts": FONTS}  # noqa: UP031 -- CSS is all braces, so %-format, not str.format

CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def page_head(title: str, style: str = "") -> list[str]:
    """A kaoping page's head, up to <body>: self-contained (the CSP loads nothing), the house style plus `style`."""
    return [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{escape(CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="kaoping {escape(__version__)}">',
        f"<title>{escape(title)}</title>",
        f"<style>{STYLE}{style}</style>",
        "</head>",
        "<body>",
    ]


def to_html(evaluation: Evaluation, period: str | None = None) -> str:
    """One HTML5 page: title, the two-level table, a bar chart of the totals, lists and flags, provenance."""
    ruleset = evaluation.ruleset
    heading = title(ruleset, period)
    page_title = (
        (_("[WHAT-IF] ") if ruleset.overrides else "")
        + (_("[NOT IN EFFECT] ") if ruleset.not_in_effect else "")
        + heading
    )
    out = page_head(page_title)
    if ruleset.overrides:
        said = _("WHAT-IF, not an adopted ruleset（模拟测算，非正式规则）: {label}", label=escape(ruleset.label))
        out.append(f'<p class="whatif" role="alert">{said}</p>')
    if ruleset.not_in_effect:
        out.append(f'<p class="whatif" role="alert">{escape(not_in_effect_line(ruleset))}</p>')
    around = blocks(evaluation, period)
    if around.attachment:
        out.append(f'<p class="attachment">{escape(around.attachment)}</p>')
    out.append(f"<h1>{escape(heading)}</h1>")
    out += _table(evaluation)
    out += _chart(evaluation)
    out += _bullets(notes(evaluation)) + _blocks(around) + _bullets(table_notes(evaluation, period))
    out += _footer(evaluation, period)
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _bullets(lines: Sequence[str]) -> list[str]:
    """Lines under the table as a list: the lists and flags, or kaoping's own notes."""
    if not lines:
        return []
    return ['<ul class="notes">', *(f"<li>{escape(line)}</li>" for line in lines), "</ul>"]


def _blocks(around: Blocks) -> list[str]:
    """The report's 说明 (its heading, then each line as written) and its 落款 (issuer, date) at the right."""
    out = []
    if around.notes:
        lines = "<br>".join(escape(line) for line in around.notes)
        out.append(f'<p class="report-notes"><span>{escape(around.heading)}</span><span>{lines}</span></p>')
    if around.sign_off:
        out.append(f'<p class="sign-off">{"<br>".join(escape(line) for line in around.sign_off)}</p>')
    return out


def _table(evaluation: Evaluation) -> list[str]:
    cols = table_leaves(evaluation)
    out = ['<div class="scroll">', '<table class="report">', "<thead>"]
    out += _header_rows(cols)
    out.append("</thead>")
    for label, results in sections_of(evaluation):
        out.append("<tbody>")
        if label:
            out.append(f'<tr class="section"><th colspan="{len(cols)}" scope="rowgroup">{escape(label)}</th></tr>')
        out += [_row(evaluation, cols, r) for r in results]
        out.append("</tbody>")
    out += ["</table>", "</div>"]
    return out


def _header_rows(cols: Sequence[Leaf]) -> list[str]:
    """One header row, or two when some columns sit under a group header (the published layout)."""
    if not any(c.group is not None for c in cols):
        return ["<tr>" + "".join(f'<th scope="col">{_header_text(c.label)}</th>' for c in cols) + "</tr>"]
    upper: list[str] = []
    lower: list[str] = []
    for group, run in _runs(cols):
        if group is None:
            upper += [f'<th rowspan="2" scope="col">{_header_text(c.label)}</th>' for c in run]
        else:
            upper.append(f'<th colspan="{len(run)}" scope="colgroup">{_header_text(group)}</th>')
            lower += [f'<th scope="col">{_header_text(c.label)}</th>' for c in run]
    return ["<tr>" + "".join(upper) + "</tr>", "<tr>" + "".join(lower) + "</tr>"]


def _header_text(label: str) -> str:
    """A header that may wrap before its bracketed part only: 按期办结得分 / （40分）, never 按期办结得 / 分（40分）."""
    cut = min((i for i in (label.find("（"), label.find("(")) if i > 0), default=-1)
    if cut < 0:
        return escape(label)
    return f'<span class="nw">{escape(label[:cut])}</span><wbr><span class="nw">{escape(label[cut:])}</span>'


def _runs(cols: Sequence[Leaf]) -> list[tuple[str | None, list[Leaf]]]:
    """Consecutive columns of one report item: a group's columns together, every other column alone."""
    spans = {start: (end, header) for start, end, header in group_spans(cols)}
    runs: list[tuple[str | None, list[Leaf]]] = []
    i = 0
    while i < len(cols):
        end, header = spans.get(i, (i + 1, None))
        runs.append((header, list(cols[i:end])))
        i = end
    return runs


def _row(evaluation: Evaluation, cols: Sequence[Leaf], result: UnitResult) -> str:
    cells = "".join(
        f'<td class="{"num" if c.numeric else "text"}">{escape(cell(evaluation, result, c.field))}</td>' for c in cols
    )
    return f"<tr>{cells}</tr>"


def _chart(evaluation: Evaluation) -> list[str]:
    """A bar per ranked unit, in rank order, each section apart, on an axis that starts near the lowest total.

    Totals bunch near the top (the seed has 20 units between 94.5 and 95.5):
    from 0 their bars would all look the same.  The axis starts near the
    bulk of the totals (axis_start: the seed's 85), a total below it drawn
    cut, and says so in the heading and on its scale
    (labels every 10 points, grid lines every 5, drawn over the bars so the
    line at 95 splits the seed's bunch; every 5 and 1 when the axis spans 25
    points or less), so no reader takes a bar for the whole score.
    A bar is the total as printed, measured from the axis start.
    """
    ruleset = evaluation.ruleset
    sections = [
        (label, results) for label, results in sections_of(evaluation) if any(r.rank is not None for r in results)
    ]
    if not sections:
        return []
    maxima = {_full_marks(evaluation, r) for r in evaluation.ranked}
    one = next(iter(maxima)) if len(maxima) == 1 else None
    percents = [_percent(r.display["total"], r.total, _full_marks(evaluation, r)) for r in evaluation.ranked]
    start = axis_start(percents)
    cut = any(p < start for p in percents if p == p)
    said = f"（满分{plain_number(one)}分）" if one is not None else "（占满分的比例）"
    step, grid = (5, 1) if 100 - start <= 25 else (10, 5)
    out = [
        '<section class="chart">',
        f"<h2>{escape(ruleset.total.label)}{escape(said)}"
        f'<span class="axis-note">{escape(_axis_note(start, one, cut))}</span></h2>',
        f'<div class="bars" style="--tick: {grid / (100 - start) * 100:.4f}%">',
        f"<span></span>{_scale(start, step, one)}<span></span>",
    ]
    for label, results in sections:
        if label:  # inside the one grid, so every section's bars start and end at the same place
            full = {_full_marks(evaluation, r) for r in results if r.rank is not None}
            extra = f"（满分{plain_number(next(iter(full)))}分）" if len(full) == 1 and len(maxima) > 1 else ""
            out.append(f"<h3>{escape(label + extra)}</h3>")
        out += [_bar(evaluation, r, start) for r in results if r.rank is not None]
    out.append("</div>")
    out.append("</section>")
    return out


def _bar(evaluation: Evaluation, result: UnitResult, start: float) -> str:
    """One unit's bar; a total below the axis start is drawn cut (class "cut": an empty track marked at its
    left end), so no reader takes it for a total near the start."""
    shown = result.display["total"]
    percent = _percent(shown, result.total, _full_marks(evaluation, result))
    cut = percent == percent and percent < start
    width = _width(percent, start)
    return (
        f'<span class="who">{escape(result.entity)}</span>'
        f'<span class="track{" cut" if cut else ""}"><span class="bar" style="width: {width}%" '
        f'title="{escape(result.entity)}: {escape(shown)}"></span></span>'
        f'<span class="val">{"◀ " if cut else ""}{escape(shown)}</span>'
    )


def axis_start(percents: Sequence[float]) -> float:
    """Where the chart's axis starts, in per cent of full marks: near the bulk of the totals, not the lowest one.

    The reference is the total a quarter of the way up from the bottom (nearest rank: the ceil(n/4)-th
    lowest; the lowest itself for fewer than 5 units), less 2, rounded down to a multiple of 5, never below 0
    and never above 90 (a bar at full marks is still a bar).  The seed's 8th lowest of 32 is 89.27, so its
    axis spans 85..100 and its 20 units between 94.5 and 95.5 lie over a fifteenth of it, not a fiftieth;
    the few below the start are drawn cut (`_bar`), their printed total beside them.
    """
    finite = sorted(p for p in percents if p == p)
    if not finite:
        return 0.0
    reference = finite[math.ceil(len(finite) / 4) - 1]
    start = math.floor((reference - 2) / 5) * 5
    return float(max(0, min(90, start)))


def _axis_note(start: float, one: float | None, cut: bool = False) -> str:
    if start == 0:
        return ""
    below = "；标 ◀ 的总分低于起点，不画条形" if cut else ""
    if one is not None:
        return f"　横轴从 {plain_number(start * one / 100)} 分起，不从 0 起{below}"
    return f"　横轴从满分的 {plain_number(start)}% 起，不从 0 起{below}"


def _scale(start: float, step: int, one: float | None) -> str:
    """The axis's tick labels above the bars: its start (bold: it is not 0), every `step`, and full marks."""
    ticks = [start + k * step for k in range(int((100 - start) // step) + 1)]
    if ticks[-1] < 100:
        ticks.append(100.0)
    spans = []
    for i, tick in enumerate(ticks):
        where = "first" if i == 0 else "last" if i == len(ticks) - 1 else ""
        text = plain_number(tick * one / 100) if one is not None else f"{plain_number(tick)}%"
        left = (tick - start) / (100 - start) * 100
        spans.append(f'<span class="{where}" style="left: {left:.4f}%">{escape(text)}</span>')
    return f'<span class="scale" aria-hidden="true">{"".join(spans)}</span>'


def _full_marks(evaluation: Evaluation, result: UnitResult) -> float:
    """A unit's full marks: its group's own when it has a group (groups may differ), else the total's."""
    ruleset = evaluation.ruleset
    return ruleset.group(result.group).max if result.group is not None else ruleset.total.max


def _percent(shown: str, total: float, full_marks: float) -> float:
    """The total as printed (two units showing 95.20 get the same bar) in per cent of full marks; NaN when
    there are no full marks to measure by."""
    try:
        value = float(shown)
    except ValueError:
        value = total
    if not full_marks > 0:
        return math.nan
    return value / full_marks * 100


def _width(percent: float, start: float) -> str:
    """The bar's width in per cent of its track, from the axis start, kept within 0..100 (a total may exceed
    full marks without a cap, or fall below the start when it is negative)."""
    if percent != percent:
        return "0"
    return f"{max(0.0, min(100.0, (percent - start) / (100 - start) * 100)):.2f}"


def _footer(evaluation: Evaluation, period: str | None) -> list[str]:
    r, t = evaluation.ruleset, evaluation.table
    month = _(" · period {period}", period=escape(period)) if period else ""
    digests = _(
        "ruleset {ref} sha256 {ruleset_sha}<br>input sha256 {input_sha}",
        ref=escape(r.ref),
        ruleset_sha=escape(r.sha256),
        input_sha=escape(t.sha256),
    )
    return ["<footer>", f"<p>{escape(footer(evaluation))}{month}</p>", f'<p class="digests">{digests}</p>', "</footer>"]
