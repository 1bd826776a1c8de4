"""The rows below the header checked into records: each row's mistakes, duplicate units, totals rows, and the notes said about them."""

from __future__ import annotations

from ..errors import KaopingError, Problem, fail, place_words
from ..i18n import _
from ..ruleset.model import Ruleset
from .bounds import check_bounds
from .cells import control_characters, parse_row
from .csv_in import Row, unclosed_quote, wrong_separator
from .groups import check_group
from .headers import (
    HEADER_SEARCH,
    Header,
    header_index,
    layout_names,
    map_header,
    normalise,
    refuse_absurd_width,
    two_level,
)
from .records import Checked, Record, Source, Value
from .sheets import column_letter
from .totals import WARNINGS, RunningSums, first_row_total, totals_cell, totals_left_out, totals_warning

MAX_PROBLEMS = 100


def read_rows(source: Source, ruleset: Ruleset, display: str) -> Checked:
    """The records below the header row, checked, and notes on rows left out or worth a look; the header may
    be two rows (a group header over labels).  Every problem is raised at once, as one KaopingError."""
    rows = source.rows
    if not rows:
        raise fail(display, _("the file has no header row and no data"), line=1, code="data.empty-file")
    for row in rows[:HEADER_SEARCH]:
        refuse_absurd_width(row, display)
    layout = layout_names(ruleset)
    at = header_index(rows, ruleset.inputs, layout)
    found = max(at, 0)
    head, lower = rows[found], None
    if head.line in source.group_rows and found + 1 < len(rows):
        lower = rows[found + 1].cells
        head, found = two_level(head, rows[found + 1]), found + 1
    try:
        header = map_header(head, ruleset.inputs, source.delimiter, display, layout, lower)
    except KaopingError as e:
        if at < 0 and len(source.sheets) > 1 and all(p.col == 0 for p in e.problems):
            raise _wrong_sheet(source, ruleset, display) from None
        raise
    reading = _Reading(header, ruleset, source, display)
    for row in rows[found + 1 :]:
        reading.read(row)
    reading.note_first_row_total()
    problems = reading.problems
    if not reading.records and not problems:
        problems.append(
            Problem(display, head.last + 1, 0, _("the file has a header but no data rows"), code="data.no-data-rows")
        )
    if problems:
        raise KaopingError(problems, limit=MAX_PROBLEMS)
    return Checked(tuple(reading.records), header.ignored, tuple(reading.notes))


def _wrong_sheet(source: Source, ruleset: Ruleset, display: str) -> KaopingError:
    """One problem, not one per missing column, when no row of a sheet names a column of the ruleset and the workbook
    has other sheets: the figures are most likely on another (a notes sheet first).  It is placed at the workbook,
    as the fix is to choose another sheet, not to edit this one's first row."""
    required = [i.label for i in ruleset.inputs if i.required]
    comma = _(", ")
    named = comma.join(required[:3]) + (comma + "…" if len(required) > 3 else "")
    others = comma.join(_("'{name}'", name=name) for name in source.sheets)
    example = next(name for name in source.sheets if name != source.sheet)
    return fail(
        display,
        _(
            "the sheet '{sheet}' has no header row naming the ruleset's columns ({named})",
            sheet=source.sheet,
            named=named,
        ),
        _(
            "its sheets are {others}: give --sheet the one that holds the figures (e.g. --sheet '{example}')",
            others=others,
            example=example,
        ),
        code="xlsx.no-table-on-sheet",
    )


class _Reading:
    """The rows below the header, read one at a time: the records so far, every problem in them, and the notes.

    A row with a quote never closed or the wrong separator is reported once:
    its cells are not what the user typed, so checking them would only add
    misleading "is empty" errors.  A row with a control character is
    reported for those alone, so that no other message echoes such a cell.
    A totals row (合计, 小计, ... in the key column) is not a unit: scored, it
    would rank among them and double every aggregate, so it is left out and
    named in a note.
    """

    def __init__(self, header: Header, ruleset: Ruleset, source: Source, display: str) -> None:
        self.header, self.ruleset, self.source, self.display = header, ruleset, source, display
        self.records: list[Record] = []
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []
        self.first_row: dict[str, int] = {}
        self.sums = RunningSums(header, ruleset)
        self.labels = {normalise(t) for t in ruleset.totals_labels}
        self.key_col = header.columns.get(ruleset.key)

    def read(self, row: Row) -> None:
        """Check one row: a record if it holds no mistake, else its problems; a totals row only noted."""
        broken = unclosed_quote(row, self.display) or wrong_separator(row, self.source.delimiter, self.display)
        controls = [] if broken else control_characters(row, self.header.names, self.display)
        if broken or controls:
            self.problems += [broken] if broken else controls
            return
        totals = totals_cell(row, self.key_col, self.labels)
        if totals:
            label, col = totals
            self.notes.append(totals_left_out(self.display, row.line, col + 1, label))
            self.sums.new_section()
            return
        values = self._values(row)
        if values is not None:
            self._unit(row, values)

    def _values(self, row: Row) -> dict[str, Value] | None:
        """The row's values, or None when a cell holds none (its problems recorded)."""
        header = self.header
        values, cell_problems = parse_row(
            row, header.columns, self.ruleset.inputs, self.display, unquote=not self.source.sheet
        )
        beyond = _extra_cells(row, header.width, self.display, bool(self.source.sheet))
        if beyond and not any(c.strip() for c in row.cells[: header.width]):
            self.problems += beyond  # a stray cell far right of an empty row: one mistake, not an "is empty" per column
            return None
        cell_problems += beyond
        self.problems += cell_problems
        return None if cell_problems else values

    def _unit(self, row: Row, values: dict[str, Value]) -> None:
        """A row whose cells all parsed: its bounds, group and key checked, and kept as a record."""
        ruleset, columns, display = self.ruleset, self.header.columns, self.display
        self.problems += check_bounds(row.line, values, columns, ruleset.inputs, display)
        self.problems += check_group(row.line, values, columns, ruleset, display)
        key = str(values[ruleset.key])
        if key in self.first_row:
            self.problems.append(
                Problem(
                    display,
                    row.line,
                    columns[ruleset.key] + 1,
                    _("'{key}' appears twice (first on row {first})", key=key, first=self.first_row[key]),
                    _("each unit must have exactly one row"),
                    code="data.duplicate-unit",
                    column=next(i.label for i in ruleset.inputs if i.id == ruleset.key),
                )
            )
        self.first_row.setdefault(key, row.line)
        summed = self.sums.summed_by(values)
        if summed:
            self.notes.append(totals_warning(display, row.line, columns[ruleset.key] + 1, key, summed))
            self.sums.new_section()  # a subtotal: the next one sums the rows after it; never part of a later total
        else:
            self.sums.add(values)
        self.records.append(Record(row.line, values))

    def note_first_row_total(self) -> None:
        """Once every row is read: a warning, first, when the first unit is the sum of all the others."""
        first = first_row_total(self.records, self.sums.ids)
        if first:
            col = self.header.columns[self.ruleset.key] + 1
            key = str(first.values[self.ruleset.key])
            below = len(self.records) - 1
            self.notes.insert(0, totals_warning(self.display, first.row, col, key, below, below=True))


def _extra_cells(row: Row, width: int, display: str, sheet: bool = False) -> list[Problem]:
    """A value beyond the header's last column, at the first such cell.

    No input reads it; worse, in a CSV a row shifted by one stray separator
    (an unquoted comma in a name) looks exactly like this.  In a `sheet` no
    separator can shift a cell, so the hint is only to delete it.  Empty
    cells there are what a spreadsheet pads rows with, and are ignored.
    """
    beyond = [col for col, cell in enumerate(row.cells[width:], width) if cell.strip()]
    if not beyond:
        return []
    if sheet:
        hint = _(
            "delete what is beyond the table's last column ({letter}), or give its column a header",
            letter=column_letter(width),
        )
    else:
        hint = _(
            "delete what is beyond the header's last column, or give its column a header; "
            "a cell holding the separator must be quoted"
        )
    message = _("this row has {n} cells but the header has {width}", n=beyond[-1] + 1, width=width)
    return [Problem(display, row.line, beyond[0] + 1, message, hint, code="data.cells-beyond-header")]


def note_text(note: Problem) -> str:
    """A note as one line, its place first as in an error: book.csv:34:1: ... or book.xlsx:Sheet1!A34: ..."""
    where = (
        f"{note.file}:{note.cell}"
        if note.cell
        else f"{note.file}:{note.line}:{note.col}"
        if note.col
        else f"{note.file}:{note.line}"
    )
    said = f"{where}: {place_words(note)}{note.message}"
    if (
        note.code in WARNINGS
    ):  # a doubt, not a fact: it leads its line (warning: / 注意：), whatever the file's name holds
        return _("warning: {text}", text=said)
    return said
