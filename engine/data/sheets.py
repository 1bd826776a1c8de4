"""A workbook sheet's rows as a table (title rows, merges in the data, notes under it left out), its places named Sheet1!D7."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Problem, fail
from ..i18n import _, n_
from ..ruleset.model import Ruleset
from .csv_in import Row
from .headers import header_index, layout_names
from .records import Record, Source

if TYPE_CHECKING:
    from .xlsx_in import Sheet


def sheet_source(path: Path, ruleset: Ruleset, display: str, sheet: str | None) -> Source:
    """A sheet's table (.xlsx, .xls or .ods) as rows, each starting and ending on its row number; its separator is
    taken to be ','; its encoding names the format and the sheet ("xlsx sheet 2月")."""
    from .xlsx_in import sheet_rows  # calamine is loaded only when a workbook is read

    book = sheet_rows(path, display, sheet)
    rows = _table_rows([Row(n, n, c) for n, c in book.rows], book, ruleset, display)
    return Source(
        rows,
        f"{book.kind} sheet {book.name}",
        ",",
        book.name,
        book.group_rows,
        book.sheets,
        book.chosen_why,
        book.hidden_rows,
    )


def _table_rows(rows: list[Row], book: Sheet, ruleset: Ruleset, display: str) -> tuple[Row, ...]:
    """A sheet's table: without title rows (a caption, or a section title such as 县区组), and without
    the notes kaoping writes under a table (one cell a line, after an empty row).  Other empty rows are
    simply skipped."""
    kept = [r for r in rows if r.line not in book.title_rows]
    at = max(header_index(kept, ruleset.inputs, layout_names(ruleset)), 0) if kept else 0
    header_end = (
        kept[at + 1].line
        if kept and kept[at].line in book.group_rows and at + 1 < len(kept)
        else (kept[at].line if kept else 0)
    )
    for row, coord in book.merges:
        if row > header_end:  # a merged cell below the header would copy one value into several cells
            raise fail(
                display,
                _("the cells {coord} are merged, in the data", coord=coord),
                _("unmerge them: every row needs its own values"),
                cell=f"{book.name}!{coord}",
                code="xlsx.merged-cells",
            )
    if not kept:
        return ()
    last_table_row = max((r.line for r in kept if any(c.strip() for c in r.cells[1:])), default=0)
    gap = min((n for n in book.empty_rows if n > max(kept[at].line, last_table_row)), default=0)
    if gap and any(r.line > gap for r in kept):
        return tuple(r for r in kept if r.line < gap)  # only notes (lists, flags) follow: the table ended
    return tuple(kept)


def in_sheet(p: Problem, sheet: str) -> Problem:
    """A problem named the way the spreadsheet names the place: Sheet1!D7, or Sheet1!7:7 for a whole row."""
    if not p.line:
        return p
    place = f"{sheet}!{column_letter(p.col)}{p.line}" if p.col else f"{sheet}!{p.line}:{p.line}"
    return replace(p, cell=place)


def column_letter(col: int) -> str:
    """A 1-based column as a spreadsheet names it: 1 is A, 27 is AA."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def hidden_note(records: Sequence[Record], source: Source, display: str) -> list[str]:
    """Units read from rows Excel hides (or a filter leaves out): the person who checks the sheet does not see them."""
    hidden = [r.row for r in records if r.row in source.hidden_rows]
    if not hidden:
        return []
    more = _(" … and {n} more", n=len(hidden) - 20) if len(hidden) > 20 else ""
    shown = _(", ").join(map(str, hidden[:20])) + more
    said = n_(
        "the sheet '{sheet}' hides {n} row (hidden, or left out by a filter) that were read as units like the others: "
        "row {shown}; unhide them (or clear the filter) to see what was scored",
        "the sheet '{sheet}' hides {n} rows (hidden, or left out by a filter) that were read as units like the others: "
        "rows {shown}; unhide them (or clear the filter) to see what was scored",
        len(hidden),
        sheet=source.sheet,
        n=len(hidden),
        shown=shown,
    )
    return [f"{display}: {said}"]
