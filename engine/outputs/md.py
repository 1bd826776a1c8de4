"""The ranked table as a Markdown document (GitHub-flavoured tables).

Markdown tables have one header row and no spans, so a grouped column's
header reads "group / label" (办结得分（35分） / 工单数), as the CSV's
"group/label" does.  Each titled section (a group ranked apart, the units
not ranked) gets its own `##` heading and table.  The lists and flags follow
as bullets, then the provenance line the terminal table prints under itself.

Every text that comes from the ruleset or the data is escaped: Markdown
punctuation with a backslash (so 区*局 is not set in italics and <b> is not
HTML), a pipe so it does not split a cell, a line break as <br> in a cell and
as a space elsewhere.

The report's blocks, when the ruleset declares them: the attachment label
(附件1) as a paragraph above the title; after the lists and flags, the notes
as one paragraph (说明： and the first line, each later line after a hard
line break) and the issuer and the date as another.  Markdown cannot align
text right without HTML, which this file never holds, so the 落款 sits at the
left.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..evaluate.ranking import Evaluation, UnitResult
from ..i18n import _
from .layout import Blocks, Leaf, blocks, cell, not_in_effect_line, notes, sections_of, table_leaves, table_notes, title
from .table import footer

# the ASCII punctuation GFM would read as markup here (emphasis, code, links, HTML, entities, cell
# borders, strikethrough, a closing heading #); a backslash makes each literal
_MARKUP = re.compile(r"([\\`*_\[\]<>#|~&])")
_BREAK = re.compile(r"\r\n|\r|\n")
# what would start a list, a heading or a code block at the start of a line of a paragraph
_LINE_START = re.compile(r"^(?:\d{1,9}[.)]|[-+=])")


def to_markdown(evaluation: Evaluation, period: str | None = None) -> str:
    """The published table as Markdown: title, what-if warning, one table per section, lists and flags, provenance."""
    ruleset = evaluation.ruleset
    cols = table_leaves(evaluation)
    around = blocks(evaluation, period)
    out: list[str] = [_paragraph([around.attachment]), ""] if around.attachment else []
    out += [f"# {text(title(ruleset, period))}", ""]
    if ruleset.overrides:
        out += [
            "> " + _("**WHAT-IF, not an adopted ruleset（模拟测算，非正式规则）:** {label}", label=text(ruleset.label)),
            "",
        ]
    if ruleset.not_in_effect:
        out += [f"> **{text(not_in_effect_line(ruleset))}**", ""]
    for label, results in sections_of(evaluation):
        if label:
            out += [f"## {text(label)}", ""]
        out += _table(evaluation, cols, results)
        out.append("")
    said = table_notes(evaluation, period)
    if around.empty:  # one list, as before the blocks existed
        out += _bullets(notes(evaluation) + said)
    else:
        out += _bullets(notes(evaluation)) + _blocks(around) + _bullets(said)
    out.append(text(footer(evaluation)))
    return "\n".join(out) + "\n"


def _bullets(lines: Sequence[str]) -> list[str]:
    """One bullet a line, then the blank line that ends the list; nothing for no lines."""
    return [*(f"- {text(line)}" for line in lines), ""] if lines else []


def _blocks(around: Blocks) -> list[str]:
    """The notes (说明：…) as one paragraph, then the issuer and the date as another, each line kept."""
    out = []
    if around.notes:
        out += [_paragraph([around.heading + around.notes[0], *around.notes[1:]]), ""]
    if around.sign_off:
        out += [_paragraph(list(around.sign_off)), ""]
    return out


def _paragraph(lines: Sequence[str]) -> str:
    """Lines of one paragraph, a hard line break (a trailing backslash) between them, each read as text:
    a line starting "1." or "-" stays a line of the paragraph, not a list."""
    return "\\\n".join(_LINE_START.sub(_escaped_last, text(line).strip()) for line in lines)


def _escaped_last(m: re.Match[str]) -> str:
    """`1.` -> `1\\.`, `-` -> `\\-`: the punctuation that would make the line a list item, read literally."""
    return m.group(0)[:-1] + "\\" + m.group(0)[-1]


def _table(evaluation: Evaluation, cols: Sequence[Leaf], results: Sequence[UnitResult]) -> list[str]:
    header = [cell_text(f"{c.group} / {c.label}" if c.group else c.label) for c in cols]
    rule = ["---:" if c.numeric else ":---" for c in cols]
    rows = [_row(header), _row(rule)]
    rows += [_row([cell_text(cell(evaluation, r, c.field)) for c in cols]) for r in results]
    return rows


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def text(value: str) -> str:
    """Literal text in a Markdown paragraph, heading or list item: markup escaped, line breaks as spaces."""
    return _MARKUP.sub(r"\\\1", _BREAK.sub(" ", value))


def cell_text(value: str) -> str:
    """Literal text in a table cell: markup and pipes escaped, line breaks as <br>."""
    return "<br>".join(_MARKUP.sub(r"\\\1", part) for part in _BREAK.split(value.strip()))
