"""The published table as a Word document (.docx), the form the office attaches it to its notice in.

The page is the one the seed table was published on: A4 landscape, the
title (the report's, its placeholders filled), the two-level header as the
ruleset's report layout declares it (a group header such as 办结得分（35分）
merged across its columns, every other header merged down over both header
rows), one row per unit in the table's order, each titled section (a group
ranked apart, the units not ranked) under a row of its own, then the lists,
flags and notes.  Every cell holds the text the other renderers print
(layout.cell: scores with the ruleset's decimals, counts as integers).

Printed: the header rows repeat on every page (w:tblHeader), no row is split
across pages (w:cantSplit), and the last rows keep together, so a page never
ends with one unit alone on the next.  Column widths come from their texts
(a Chinese character counting two, as the terminal and the workbook measure
it), a header allowed two lines, then stretched to the page's width.

Fonts are those government documents use (GB/T 9704): 仿宋_GB2312 for the
body, 黑体 for the header rows, 方正小标宋简体 for the title, each named for
East Asian text (w:eastAsia) with Times New Roman for Latin text and digits.
A computer without one of them substitutes by the font table's entries,
which name the font Windows ships under another name (仿宋, 宋体, 黑体 as
w:altName) and the GB2312 character set (w:charset 86), so Word and WPS fall
back to a Chinese font, never to a Latin one; LibreOffice substitutes by
fontconfig (Noto CJK on Debian).

One small line in the page footer says what the table was derived from (the
ruleset and input with short sha256s, kaoping's version: table.footer); the
full hashes stay in the JSON and the sidecar.  The file is dated by the
ruleset's effective date, not the clock, so rerunning a month gives the same
bytes.  python-docx is imported here only; the CLI imports this module when
it writes a .docx.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len

from .. import __version__
from ..evaluate.ranking import Evaluation
from .layout import (
    Blocks,
    Leaf,
    blocks,
    cell,
    group_spans,
    markers,
    notes,
    sections_of,
    table_leaves,
    table_notes,
    title,
)
from .table import footer
from .xlsx import redated, stamp

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table, _Cell, _Row

# A4 landscape and its margins, in centimetres
PAGE_WIDTH, PAGE_HEIGHT = 29.7, 21.0
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM = 1.8, 1.6, 1.6
BODY_POINTS, TITLE_POINTS, NOTE_POINTS, FOOTER_POINTS = 10.5, 18.0, 9.0, 7.5  # 五号, 小二, 小五, 六号
CELL_PADDING_CM = 0.1  # Word's default left and right cell margin (0.19 cm) made smaller: more text a line
HEADER_LINES = 2  # a header may take two lines: 应办结 / 工单数
KEEP_LAST_ROWS = 3  # the last rows of a section go to the next page together, never one alone

LATIN = "Times New Roman"
BODY_FONT, HEADER_FONT, TITLE_FONT = "仿宋_GB2312", "黑体", "方正小标宋简体"
# (font, the name a computer without it most likely has it under or near, panose): the font table's entries
_FALLBACKS = (
    ("仿宋_GB2312", "仿宋", "02010609030101010101"),
    ("黑体", "SimHei", "02010609060101010101"),
    ("方正小标宋简体", "宋体", "02000000000000000000"),
)
_MARKED = "9C0006"  # a what-if's or a version not in effect's banner: dark red, as the workbook's title


def to_docx(evaluation: Evaluation, period: str | None = None) -> bytes:
    """The document's bytes: banner (when marked), title, the table, the notes; provenance in the page footer."""
    from docx import Document as new_document

    heading = title(evaluation.ruleset, period)
    document = new_document()
    _page(document, footer(evaluation))
    _styles(document)
    _font_table(document)
    around = blocks(evaluation, period)
    for line in markers(evaluation.ruleset):
        _paragraph(document, line, BODY_POINTS, bold=True, colour=_MARKED)
    if around.attachment:  # 附件1, at the left above the title, in 黑体 as GB/T 9704 sets it
        _paragraph(document, around.attachment, BODY_POINTS + 1.5, font=HEADER_FONT, align="left", after=3)
    _paragraph(document, heading, TITLE_POINTS, font=TITLE_FONT, after=6)
    cols = table_leaves(evaluation)
    _table(document, evaluation, cols)
    _under_table(document, around, notes(evaluation), table_notes(evaluation, period))
    return saved(document, heading, stamp(evaluation))


def saved(document: Document, title: str, when: dt.datetime) -> bytes:
    """The document's bytes, titled and dated `when` (the ruleset's effective date, not the clock: rerunning a
    month gives the same bytes), every zip entry dated the same."""
    properties = document.core_properties
    properties.title, properties.author, properties.created, properties.modified = (
        title,
        f"kaoping {__version__}",
        when,
        when,
    )
    properties.last_modified_by, properties.revision = f"kaoping {__version__}", 1
    buffer = io.BytesIO()
    document.save(buffer)
    return redated(buffer.getvalue(), when)


def _under_table(document: Document, around: Blocks, lists: Sequence[str], said: Sequence[str]) -> None:
    """Under the table: its lists and flags, the report's 说明 (heading on the first line), its 落款 at the
    right, then kaoping's own notes."""
    for index, line in enumerate(lists):
        _paragraph(document, line, NOTE_POINTS, align="left", before=0 if index else 6)
    for index, line in enumerate(around.notes):
        text = (around.heading if index == 0 else "\u3000" * len(around.heading)) + line
        _paragraph(document, text, BODY_POINTS, align="left", before=0 if index else 6)
    for index, line in enumerate(around.sign_off):
        _paragraph(document, line, BODY_POINTS, align="right", before=0 if index else 12)
    for index, line in enumerate(said):
        _paragraph(document, line, NOTE_POINTS, align="left", before=0 if index else 6)


# --- the page, styles and fonts ---------------------------------------------------------------


def _page(document: Document, provenance: str) -> None:
    """A4 landscape with narrow margins (a 16-column table), the provenance line in the page footer."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(PAGE_WIDTH), Cm(PAGE_HEIGHT)
    section.left_margin = section.right_margin = Cm(MARGIN_SIDE)
    section.top_margin, section.bottom_margin = Cm(MARGIN_TOP), Cm(MARGIN_BOTTOM)
    section.header_distance, section.footer_distance = Cm(0.8), Cm(0.8)
    line = section.footer.paragraphs[0]
    line.text = ""
    _format(line, FOOTER_POINTS, align="center")
    _run(line, provenance, FOOTER_POINTS, colour="595959")


def _styles(document: Document) -> None:
    """The Normal style: 仿宋_GB2312 (East Asian) and Times New Roman (Latin), 五号, no space between
    paragraphs; the table style's own paragraph spacing follows it."""
    from docx.shared import Pt

    normal: Any = document.styles["Normal"]
    normal.font.size = Pt(BODY_POINTS)
    _fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    spacing = normal.paragraph_format
    spacing.space_before = spacing.space_after = Pt(0)
    spacing.line_spacing = 1.0


def _fonts(rpr: Any, east_asian: str) -> None:
    """Name the fonts of a run or style: `east_asian` for Chinese (w:eastAsia), Times New Roman otherwise."""
    from docx.oxml.ns import qn

    fonts = rpr.get_or_add_rFonts()
    for key in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(key), LATIN)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


def _font_table(document: Document) -> None:
    """Add the Chinese fonts to the document's font table, each with the name to fall back to (w:altName) and
    the GB2312 character set, so a computer without 仿宋_GB2312 substitutes a Chinese font (see the module)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree  # type: ignore[import-untyped]  # python-docx's own XML library; no stubs installed

    part: Any = document.part.part_related_by(RT.FONT_TABLE)
    root = etree.fromstring(part.blob)
    w = root.nsmap["w"]
    for name, alternative, panose in _FALLBACKS:
        font = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": name})
        for tag, value in (
            ("altName", alternative),
            ("panose1", panose),
            ("charset", "86"),
            ("family", "modern"),
            ("pitch", "variable"),
        ):
            etree.SubElement(font, f"{{{w}}}{tag}", {f"{{{w}}}val": value})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _paragraph(
    document: Document,
    text: str,
    points: float,
    *,
    font: str = BODY_FONT,
    bold: bool = False,
    colour: str | None = None,
    align: str = "center",
    before: float = 0,
    after: float = 0,
) -> None:
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    _format(paragraph, points, align=align, after=after)
    paragraph.paragraph_format.space_before = Pt(before)
    _run(paragraph, text, points, font=font, bold=bold, colour=colour)


def _format(paragraph: Any, points: float, *, align: str = "center", after: float = 0) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    paragraph.paragraph_format.space_after = Pt(after)


def _run(
    paragraph: Any, text: str, points: float, *, font: str = BODY_FONT, bold: bool = False, colour: str | None = None
) -> None:
    """One run of `text` in `font` (East Asian) at `points`; a line break in the text is a line break."""
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(_clean(text))
    if points != BODY_POINTS:  # the body's size and fonts are the Normal style's: a unit's cell says nothing itself
        run.font.size = Pt(points)
    if bold:
        run.bold = True
    if colour is not None:
        run.font.color.rgb = RGBColor.from_string(colour)
    if font != BODY_FONT or points != BODY_POINTS:
        _fonts(run._element.get_or_add_rPr(), font)


def _clean(text: str) -> str:
    """Text XML 1.0 can hold (a control character in a unit's name would make Word refuse the file)."""
    return "".join(ch if ch in "\t\n" or ch >= " " else "\ufffd" for ch in text)


# --- the table ----------------------------------------------------------------------------------


def _table(document: Document, evaluation: Evaluation, cols: Sequence[Leaf]) -> None:
    """The two-level header, then each section's title row and its units' rows, in fixed column widths."""
    from docx.enum.table import WD_TABLE_ALIGNMENT

    spans = group_spans(cols)
    header_rows = 2 if spans else 1
    sections = [
        (label, [[cell(evaluation, r, c.field) for c in cols] for r in units])
        for label, units in sections_of(evaluation)
    ]
    widths = column_widths(cols, [row for _, rows in sections for row in rows], spans)
    table = document.add_table(rows=header_rows, cols=len(cols))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _fixed_layout(table)
    _header(table, cols, spans, header_rows)
    for label, rows in sections:
        if label:
            _section_row(table, label)
        for index, texts in enumerate(rows):
            _unit_row(table, cols, texts, keep=len(rows) - KEEP_LAST_ROWS <= index < len(rows) - 1)
    _set_widths(table, widths)


def _fixed_layout(table: Table) -> None:
    """Small cell margins (w:tblCellMar), in their place in w:tblPr (before w:tblLook, as the schema orders
    them: Word refuses a file that does not); table.autofit = False has made the layout fixed (w:tblLayout)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    properties = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(int(Cm(CELL_PADDING_CM).twips)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    look = properties.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)
    else:
        properties.append(margins)


def _header(table: Table, cols: Sequence[Leaf], spans: Sequence[tuple[int, int, str]], header_rows: int) -> None:
    """Group headers merged across their columns (w:gridSpan), every other header merged down over both rows
    (w:vMerge); both rows repeat on every page (w:tblHeader)."""
    grouped = {i for start, end, _ in spans for i in range(start, end)}
    for start, end, header in spans:
        merged = table.cell(0, start).merge(table.cell(0, end - 1)) if end - start > 1 else table.cell(0, start)
        _fill(merged, header, font=HEADER_FONT)
        for i in range(start, end):
            if header_rows > 1:
                _fill(table.cell(1, i), cols[i].label, font=HEADER_FONT)
    for i, leaf in enumerate(cols):
        if i not in grouped:
            merged = table.cell(0, i).merge(table.cell(header_rows - 1, i)) if header_rows > 1 else table.cell(0, i)
            _fill(merged, leaf.label, font=HEADER_FONT)
    for row in table.rows:
        _row_properties(row, header=True)


def _section_row(table: Table, label: str) -> None:
    """A section's title (a group ranked apart, the units not ranked) in one row across the table."""
    row = table.add_row()  # type: ignore[no-untyped-call]
    _row_properties(row, keep=True)
    merged = row.cells[0].merge(row.cells[-1]) if len(row.cells) > 1 else row.cells[0]
    _fill(merged, label, font=HEADER_FONT, align="left")


def _unit_row(table: Table, cols: Sequence[Leaf], texts: Sequence[str], *, keep: bool) -> None:
    row = table.add_row()  # type: ignore[no-untyped-call]
    _row_properties(row, keep=keep)
    for place, leaf, text in zip(row.cells, cols, texts, strict=True):
        _fill(place, text, align="center" if leaf.numeric else "left", keep=keep)


def _fill(place: _Cell, text: str, *, font: str = BODY_FONT, align: str = "center", keep: bool = False) -> None:
    """A cell's one paragraph: `text`, centred vertically."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

    place.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = place.paragraphs[0]
    _format(paragraph, BODY_POINTS, align=align)
    paragraph.paragraph_format.keep_with_next = keep or None
    _run(paragraph, text, BODY_POINTS, font=font)


def _row_properties(row: _Row, *, header: bool = False, keep: bool = False) -> None:
    """Never split a row across pages; a header row repeats on every page."""
    from docx.oxml import OxmlElement

    properties = row._tr.get_or_add_trPr()
    for tag, wanted in (("w:cantSplit", True), ("w:tblHeader", header)):
        if wanted:
            properties.append(OxmlElement(tag))


# --- widths -------------------------------------------------------------------------------------


def column_widths(
    cols: Sequence[Leaf], rows: Sequence[Sequence[str]], spans: Sequence[tuple[int, int, str]]
) -> list[float]:
    """Each column's width in centimetres, filling the page between the margins.

    First each column's widest cell, and its header in two lines (a group header likewise over its columns);
    then the room left makes headers one line again, the cheapest first (序号 and 得分 before 返工工单得分（5分）);
    what is left after that is shared in proportion.  A table too wide even so is shrunk in proportion (its
    cells wrap)."""
    unit = BODY_POINTS / 2 / 72 * 2.54  # a cell width (half a Chinese character) in centimetres
    room = (PAGE_WIDTH - 2 * MARGIN_SIDE) / unit - len(cols) * (2 * CELL_PADDING_CM + 0.05) / unit
    need = [max([_lines(leaf.label), *(cell_len(r[i]) for r in rows), 2]) for i, leaf in enumerate(cols)]
    headers = [(i, i + 1, leaf.label) for i, leaf in enumerate(cols) if leaf.group is None] + list(spans)
    for start, end, header in spans:
        _widen(need, start, end, _lines(header))
    for start, end, header in sorted(headers, key=lambda h: cell_len(h[2]) - sum(need[h[0] : h[1]])):
        if sum(need) + max(cell_len(header) - sum(need[start:end]), 0) <= room:
            _widen(need, start, end, cell_len(header))
    scale = room / sum(need)
    return [(n * scale * unit) + 2 * CELL_PADDING_CM + 0.05 for n in need]


def _widen(need: list[int], start: int, end: int, width: int) -> None:
    """Make columns start..end at least `width` cell widths together, a cell width at a time, left to right."""
    for k in range(max(width - sum(need[start:end]), 0)):
        need[start + k % (end - start)] += 1


def _lines(text: str) -> int:
    """The width a header takes in HEADER_LINES lines (one line for four characters or fewer), in cell
    widths, rounded up to whole characters."""
    if cell_len(text) <= 8:
        return cell_len(text)
    width = math.ceil(cell_len(text) / HEADER_LINES)
    return width + width % 2


def _set_widths(table: Table, widths: Sequence[float]) -> None:
    """Word reads a column's width from each of its cells (w:tcW) and LibreOffice from the grid (w:gridCol)."""
    from docx.shared import Cm

    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        grid = 0
        for tc in row._tr.tc_lst:
            span = tc.grid_span
            tc.width = Cm(sum(widths[grid : grid + span]))
            grid += span
