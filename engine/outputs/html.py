"""The ranked table as one self-contained HTML page, for publishing and printing.

The page loads nothing: no fonts, scripts, stylesheets or images from
anywhere (a Content-Security-Policy meta tag says so to the browser too), so
it reads the same offline, attached to a notice, or years later.  It holds:

- the title (and a what-if warning when --set changed the ruleset);
- the published table with its real two-level header: a group header
  (办结得分（35分）) spans its columns, an ungrouped column's header spans
  both header rows; one <tbody> per section (a group ranked apart, the units
  not ranked) with a title row;
- a horizontal bar chart of the totals: one bar per ranked unit, its width
  the total as a share of the unit's full marks (its group's, when groups
  differ), labelled with the unit and the total as the table prints it;
- the lists and flags, and the provenance footer (ruleset and input digests,
  kaoping version);
- a print stylesheet: A4 landscape, the table header repeated on every page,
  no row split across pages, bars drawn as outlines rather than ink fills.

Every text from the ruleset or the data goes through html.escape.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from .. import __version__
from ..evaluate.ranking import Evaluation, UnitResult
from ..i18n import _
from ..numbers import plain_number
from .layout import Leaf, cell, group_spans, not_in_effect_line, notes, sections_of, table_leaves, table_notes, title
from .table import footer

FONTS = (
    '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "微软雅黑", "Noto Sans CJK SC", '
    '"Source Han Sans SC", "Noto Sans SC", "WenQuanYi Micro Hei", "SimHei", "SimSun", sans-serif'
)

STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 24px; font-family: %(fonts)s; font-size: 14px; line-height: 1.45; color: #1a1a1a; background: #fff; }
h1 { font-size: 20px; text-align: center; margin: 0 0 16px; }
h2 { font-size: 16px; margin: 28px 0 8px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
.whatif { border: 2px solid #b45309; background: #fef3c7; color: #78350f; padding: 8px 12px; font-weight: bold; }
.scroll { overflow-x: auto; }
table.report { border-collapse: collapse; margin: 0 auto; }
table.report th, table.report td { border: 1px solid #8c8c8c; padding: 4px 8px; white-space: nowrap; }
table.report thead th { background: #eef1f5; font-weight: bold; text-align: center; vertical-align: middle; }
table.report tbody tr.section th { background: #f7f7f7; text-align: left; font-weight: bold; }
table.report tbody tr:not(.section):nth-child(even) td { background: #fafbfc; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.text { text-align: left; }
.chart { max-width: 1100px; margin: 0 auto; }
.bars { display: grid; grid-template-columns: max-content 1fr max-content; gap: 3px 10px; align-items: center; }
.bars h3 { grid-column: 1 / -1; margin: 10px 0 2px; }
.bars .who { text-align: right; white-space: nowrap; }
.bars .track { display: block; height: 14px; background: #eef1f5; }
.bars .bar { display: block; height: 100%%; background: #2f6db5; }
.bars .val { font-variant-numeric: tabular-nums; text-align: right; min-width: 4em; }
ul.notes { padding-left: 20px; }
footer { margin-top: 24px; font-size: 12px; color: #555; }
footer .digests { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; word-break: break-all; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { margin: 0; font-size: 9pt; color: #000; }
  h1 { font-size: 14pt; }
  h2 { font-size: 11pt; }
  .scroll { overflow: visible; }
  table.report { width: 100%%; }
  table.report th, table.report td { padding: 2px 4px; border-color: #000; }
  table.report thead { display: table-header-group; }
  table.report thead th, table.report tbody tr.section th, table.report tbody tr td { background: none !important; }
  tr, .bars > * { break-inside: avoid; page-break-inside: avoid; }
  .chart { max-width: none; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  .bars .track { background: none; height: 9pt; }
  .bars .bar { background: none; border: 0.75pt solid #000; }
  .whatif { background: none; color: #000; border: 2pt solid #000; }
  footer { color: #000; }
}
""" % {"fonts": FONTS}  # noqa: UP031 -- CSS is all braces, so %-format, not str.format

CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def to_html(evaluation: Evaluation, period: str | None = None) -> str:
    """One HTML5 page: title, the two-level table, a bar chart of the totals, lists and flags, provenance."""
    ruleset = evaluation.ruleset
    heading = title(ruleset, period)
    page_title = (
        (_("[WHAT-IF] ") if ruleset.overrides else "")
        + (_("[NOT IN EFFECT] ") if ruleset.not_in_effect else "")
        + heading
    )
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{escape(CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="kaoping {escape(__version__)}">',
        f"<title>{escape(page_title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
    ]
    if ruleset.overrides:
        said = _("WHAT-IF, not an adopted ruleset（模拟测算，非正式规则）: {label}", label=escape(ruleset.label))
        out.append(f'<p class="whatif" role="alert">{said}</p>')
    if ruleset.not_in_effect:
        out.append(f'<p class="whatif" role="alert">{escape(not_in_effect_line(ruleset))}</p>')
    out.append(f"<h1>{escape(heading)}</h1>")
    out += _table(evaluation)
    out += _chart(evaluation)
    lines = notes(evaluation) + table_notes(evaluation, period)
    if lines:
        out.append('<ul class="notes">')
        out += [f"<li>{escape(line)}</li>" for line in lines]
        out.append("</ul>")
    out += _footer(evaluation, period)
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


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
        return ["<tr>" + "".join(f'<th scope="col">{escape(c.label)}</th>' for c in cols) + "</tr>"]
    upper: list[str] = []
    lower: list[str] = []
    for group, run in _runs(cols):
        if group is None:
            upper += [f'<th rowspan="2" scope="col">{escape(c.label)}</th>' for c in run]
        else:
            upper.append(f'<th colspan="{len(run)}" scope="colgroup">{escape(group)}</th>')
            lower += [f'<th scope="col">{escape(c.label)}</th>' for c in run]
    return ["<tr>" + "".join(upper) + "</tr>", "<tr>" + "".join(lower) + "</tr>"]


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
    """A bar per ranked unit, in rank order, each section apart; width = total / the unit's full marks."""
    ruleset = evaluation.ruleset
    sections = [
        (label, results) for label, results in sections_of(evaluation) if any(r.rank is not None for r in results)
    ]
    if not sections:
        return []
    maxima = {_full_marks(evaluation, r) for r in evaluation.ranked}
    said = f"（满分{plain_number(next(iter(maxima)))}分）" if len(maxima) == 1 else "（占满分的比例）"
    out = ['<section class="chart">', f"<h2>{escape(ruleset.total.label)}{escape(said)}</h2>", '<div class="bars">']
    for label, results in sections:
        if label:  # inside the one grid, so every section's bars start and end at the same place
            full = {_full_marks(evaluation, r) for r in results if r.rank is not None}
            extra = f"（满分{plain_number(next(iter(full)))}分）" if len(full) == 1 and len(maxima) > 1 else ""
            out.append(f"<h3>{escape(label + extra)}</h3>")
        for r in results:
            if r.rank is None:
                continue
            shown = r.display["total"]
            out.append(
                f'<span class="who">{escape(r.entity)}</span>'
                f'<span class="track"><span class="bar" style="width: {_share(shown, r.total, _full_marks(evaluation, r))}%" '
                f'title="{escape(r.entity)}: {escape(shown)}"></span></span>'
                f'<span class="val">{escape(shown)}</span>'
            )
    out.append("</div>")
    out.append("</section>")
    return out


def _full_marks(evaluation: Evaluation, result: UnitResult) -> float:
    """A unit's full marks: its group's own when it has a group (groups may differ), else the total's."""
    ruleset = evaluation.ruleset
    return ruleset.group(result.group).max if result.group is not None else ruleset.total.max


def _share(shown: str, total: float, full_marks: float) -> str:
    """The bar's width in per cent of its track: the total as printed (two units showing 95.20 get the same
    bar) over full marks, kept within 0..100 (a total may exceed full marks without a cap, or be negative)."""
    try:
        value = float(shown)
    except ValueError:
        value = total
    if not full_marks > 0 or value != value:
        return "0"
    return f"{max(0.0, min(100.0, value / full_marks * 100)):.2f}"


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
