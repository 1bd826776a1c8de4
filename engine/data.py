"""Checking the month's records: rows of cells in, records fit to score out.

The rows come from a CSV export (engine/csv_in.py) or an Excel sheet
(engine/xlsx_in.py); whichever file the figures came in, the same checks
apply, so they live here once.  A title row above the header (the sheet's
caption) is skipped.  Header cells are matched to the ruleset's inputs by id,
label or alias, or by the published table's own headers (a group header over
its labels reads as "办结得分（35分）/工单数"); columns the ruleset does not
use are ignored and named in a note.  Every row is checked for the mistakes a
spreadsheet or a hand edit makes (a quote never closed and the wrong
separator, as engine/csv_in.py recognises them; cells beyond the header;
control characters), every cell for its value (exact whole numbers, bounds,
bounds naming another field, groups, empty and duplicate keys), and every
problem is reported at its row and column (at its cell, Sheet1!D7, in a
workbook) before anything is scored.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from .csv_in import SEPARATORS, USE, Row, csv_rows, separator, unclosed_quote, wrong_separator
from .errors import KaopingError, Problem, did_you_mean, fail
from .model import ColumnGroup, Input, Ruleset

if TYPE_CHECKING:
    from .xlsx_in import Sheet

MAX_PROBLEMS = 100
HEADER_SEARCH = 10  # non-empty rows searched for the header: title rows above it are skipped
Value = int | float | str

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # exactly Unicode category Cc
_NUMERAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_LARGEST = int(sys.float_info.max)  # scores are floats: a larger value cannot be scored


@dataclass(frozen=True, slots=True)
class Record:
    """One unit's row: its line in the file and its input values by id."""

    row: int
    values: Mapping[str, Value]


@dataclass(frozen=True, slots=True)
class Table:
    path: str
    sha256: str
    encoding: str
    records: tuple[Record, ...]
    ignored_columns: tuple[str, ...]
    # what the reader left out or wants the user to hear (a 合计 row skipped, full-width digits read),
    # each one sentence naming its row; printed on stderr as "note: ..." and kept in the JSON's input.notes
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Header:
    """What the header row says about the rows below it: where each input is, and how wide a row may be."""

    columns: Mapping[str, int]  # input id -> 0-based column
    names: Mapping[int, str]  # 0-based column -> "label (id)" of the input it holds
    width: int  # the header's last non-empty cell, 1-based
    ignored: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Source:
    """Rows to check, from either reader, and what the checks need to know about where they came from."""

    rows: list[Row]
    encoding: str
    delimiter: str  # what every row should be separated by (',' for a sheet, whose cells are already apart)
    sheet: str  # the sheet's name, or "" for CSV: a sheet's problems are named Sheet1!D7
    group_rows: set[int]  # a sheet's rows holding a merged group header (the upper row of a two-level header)


class CellError(ValueError):
    """A cell that does not hold a value of its column's type; `hint` says how to fix it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


def read_table(path: Path, ruleset: Ruleset, display: str | None = None, sheet: str | None = None) -> Table:
    """Read and check the records in `path` (CSV, or the first or named sheet of an .xlsx), or raise KaopingError with every problem."""
    display = display or str(path)
    raw = _read_bytes(path, display)
    source = _source(path, raw, ruleset, display, sheet)
    records, ignored = _checked(source, ruleset, display)
    return Table(display, hashlib.sha256(raw).hexdigest(), source.encoding, tuple(records), ignored)


def _read_bytes(path: Path, display: str) -> bytes:
    """The file's bytes: read once, for the CSV reader and for the table's checksum."""
    try:
        return path.read_bytes()
    except OSError as e:
        raise fail(display, f"cannot read the input file: {e.strerror}") from None


def _source(path: Path, raw: bytes, ruleset: Ruleset, display: str, sheet: str | None) -> Source:
    """The rows to check, from the reader the file's suffix calls for; an old .xls is refused."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise fail(display, "old Excel files (.xls) cannot be read", "in Excel or WPS, save it as .xlsx (or as CSV UTF-8)")
    if suffix == ".xlsx":
        return _sheet_source(path, ruleset, display, sheet)
    text = csv_rows(raw, display)
    return Source(text.rows, text.encoding, text.delimiter, "", set())


def _sheet_source(path: Path, ruleset: Ruleset, display: str, sheet: str | None) -> Source:
    """A sheet's table as rows, each starting and ending on its row number; its separator is taken to be ','."""
    from .xlsx_in import sheet_rows

    book = sheet_rows(path, display, sheet)
    rows = _table_rows([Row(n, n, c) for n, c in book.rows], book, ruleset, display)
    return Source(rows, f"xlsx sheet {book.name}", ",", book.name, book.group_rows)


def _checked(source: Source, ruleset: Ruleset, display: str) -> tuple[list[Record], tuple[str, ...]]:
    """The source's records, checked; a sheet's problems are named the way the spreadsheet names the place."""
    try:
        return _read_rows(source.rows, source.group_rows, ruleset, source.delimiter, display)
    except KaopingError as e:
        if not source.sheet:
            raise
        placed = KaopingError([_in_sheet(p, source.sheet) for p in e.problems])
        placed.total = e.total
        raise placed from None


def _read_rows(rows: list[Row], group_rows: set[int], ruleset: Ruleset, delimiter: str, display: str) -> tuple[list[Record], tuple[str, ...]]:
    """The records below the header row, checked; the header may be two rows (a group header over labels)."""
    if not rows:
        raise fail(display, "the file has no header row and no data", line=1)
    layout = _layout_names(ruleset)
    at = _header_index(rows, ruleset.inputs, layout)
    head = rows[at]
    if head.line in group_rows and at + 1 < len(rows):
        head, at = _two_level(head, rows[at + 1]), at + 1
    header = _map_header(head, ruleset.inputs, delimiter, display, layout)
    records, problems = _records(rows[at + 1 :], header, ruleset, delimiter, display)
    if not records and not problems:
        problems.append(Problem(display, head.last + 1, 0, "the file has a header but no data rows"))
    if problems:
        raise KaopingError(problems, limit=MAX_PROBLEMS)
    return records, header.ignored


def _table_rows(rows: list[Row], book: Sheet, ruleset: Ruleset, display: str) -> list[Row]:
    """A sheet's table: without title rows (a caption, or a section title such as 县区组), and without
    the notes kaoping writes under a table (one cell a line, after an empty row).  Other empty rows are
    simply skipped."""
    kept = [r for r in rows if r.line not in book.title_rows]
    at = _header_index(kept, ruleset.inputs, _layout_names(ruleset)) if kept else 0
    header_end = kept[at + 1].line if kept and kept[at].line in book.group_rows and at + 1 < len(kept) else (kept[at].line if kept else 0)
    for row, coord in book.merges:
        if row > header_end:  # a merged cell below the header would copy one value into several cells
            raise fail(display, f"the cells {coord} are merged, in the data", "unmerge them: every row needs its own values", cell=f"{book.name}!{coord}")
    for gap in sorted(n for n in book.empty_rows if kept and n > kept[at].line):
        after = [r for r in kept if r.line > gap]
        if after and all(not any(c.strip() for c in r.cells[1:]) for r in after):
            return [r for r in kept if r.line < gap]  # only notes (lists, flags) follow: the table ended
    return kept


def _two_level(top: Row, below: Row) -> Row:
    """One header from a group row over a label row: 办结得分（35分） over 工单数 is "办结得分（35分）/工单数"."""
    width = max(len(top.cells), len(below.cells))
    upper = [*top.cells, *[""] * (width - len(top.cells))]
    lower = [*below.cells, *[""] * (width - len(below.cells))]
    return Row(top.line, below.line, [f"{u}/{l}" if l.strip() and u.strip() else (u or l) for u, l in zip(upper, lower)])


def _layout_names(ruleset: Ruleset) -> dict[str, Input]:
    """The published table's own headers for the inputs it shows ("办结得分（35分）/工单数"), so a table
    kaoping wrote (CSV or Excel) reads back as input."""
    names: dict[str, Input] = {}
    inputs = {i.id: i for i in ruleset.inputs}
    for item in ruleset.report.columns:
        if isinstance(item, ColumnGroup):
            group = ruleset.fill_label(item.header)
            pairs = [(f"{group}/{ruleset.fill_label(c.label)}", c.field) for c in item.columns]
        else:
            pairs = [(ruleset.fill_label(item.label), item.field)]
        for name, field in pairs:
            if field in inputs:
                names.setdefault(_normalise(name), inputs[field])
    return names


def _in_sheet(p: Problem, sheet: str) -> Problem:
    """A problem named the way the spreadsheet names the place: Sheet1!D7, or Sheet1!7:7 for a whole row."""
    if not p.line:
        return p
    place = f"{sheet}!{_column_letter(p.col)}{p.line}" if p.col else f"{sheet}!{p.line}:{p.line}"
    return replace(p, cell=place)


def _column_letter(col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _normalise(header: str) -> str:
    """A header cell as it is matched: exports differ in spacing, wrap captions onto two lines and leave stray BOMs."""
    return "".join(header.split()).replace("\ufeff", "")


def _header_index(rows: Sequence[Row], inputs: Sequence[Input], layout: Mapping[str, Input]) -> int:
    """Which row is the header: the first of the first HEADER_SEARCH rows naming a required input.

    An export often carries the sheet's title ("2024年2月…考评表") above the
    header; skipping it spares the user an edit.  A cell is also tried split
    on every separator, so a header written with ';' is still found and told
    about its separator.  With no such row the first row is the header, and
    the missing-column errors say what is wrong with it.
    """
    names = {_normalise(n) for i in inputs if i.required for n in (i.id, i.label, *i.aliases)}
    names |= {name for name, i in layout.items() if i.required}
    split = re.compile("|".join(map(re.escape, SEPARATORS)))
    for index, row in enumerate(rows[:HEADER_SEARCH]):
        if any(_normalise(part) in names for cell in row.cells for part in split.split(cell)):
            return index
    return 0


def _map_header(row: Row, inputs: Sequence[Input], delimiter: str, display: str, layout: Mapping[str, Input]) -> Header:
    """Column of every input present, and the headers no input claims.

    A quote never closed or a control character makes the header's text
    untrustworthy (and unfit to echo in a message), so either stops here.
    """
    broken = unclosed_quote(row, display, delimiter)
    if broken:
        raise KaopingError([broken])
    controls = [_control_problem(row.line, col, "the header cell", _normalise(cell), display) for col, cell in enumerate(row.cells)]
    if any(controls):
        raise KaopingError([p for p in controls if p])
    named = {_normalise(n): i for i in inputs for n in (i.id, i.label, *i.aliases)}
    columns: dict[str, int] = {}
    unclaimed: list[tuple[int, str]] = []
    problems: list[Problem] = []
    for col, cell in enumerate(row.cells):
        target = named.get(_normalise(cell))
        if target is None and _normalise(cell) in layout:
            target = layout[_normalise(cell)]
            if target.id in columns:
                continue  # the published layout may show an input twice (办结工单数 under two groups)
        if target is None:
            if cell.strip():
                unclaimed.append((col, cell.strip()))
        elif target.id in columns:
            message = f"the columns {columns[target.id] + 1} and {col + 1} both hold {target.label} ({target.id})"
            problems.append(Problem(display, row.line, col + 1, message, "delete or rename one of them"))
        else:
            columns[target.id] = col
    found = separator(row.cells, delimiter)
    why = f"the header row is separated by {SEPARATORS[found]}; use {USE[delimiter]}" if found else ""
    problems += _absent_inputs(inputs, columns, unclaimed, why, display, row.line)
    if problems:
        raise KaopingError(problems)
    width = max((col + 1 for col, cell in enumerate(row.cells) if cell.strip()), default=0)
    held = {columns[i.id]: f"{i.label} ({i.id})" for i in inputs if i.id in columns}
    return Header(columns, held, width, tuple(text for _, text in unclaimed))


def _absent_inputs(
    inputs: Sequence[Input],
    columns: Mapping[str, int],
    unclaimed: Sequence[tuple[int, str]],
    why: str,
    display: str,
    line: int,
) -> list[Problem]:
    """A problem for every required column missing, and every header that nearly names an absent optional one.

    A header already offered as the near miss of a missing required column is
    not offered again for an optional one: one misspelling, one error.  `why`
    is a hint that explains every missing column at once (a header written
    with the wrong separator), or "".
    """
    problems: list[Problem] = []
    offered: set[int] = set()
    for item in inputs:
        if item.required and item.id not in columns:
            near = _near_misses(item, unclaimed)[:1]
            offered.update(col for col, _ in near)
            problems.append(_missing_column(item, near[0] if near else None, why, display, line))
    rest = [(col, text) for col, text in unclaimed if col not in offered]
    for item in inputs:
        if not item.required and item.id not in columns:
            problems += [_optional_near_miss(item, col, text, display, line) for col, text in _near_misses(item, rest)]
    return problems


def _near_misses(item: Input, unclaimed: Sequence[tuple[int, str]]) -> list[tuple[int, str]]:
    """The unclaimed headers (column, text) that look like a misspelling of `item`'s label or an alias."""
    names = [_normalise(n) for n in (item.label, *item.aliases)]
    return [(col, text) for col, text in unclaimed if did_you_mean(_normalise(text), names)]


def _optional_near_miss(item: Input, col: int, candidate: str, display: str, line: int) -> Problem:
    """An optional input whose column is absent but a header looks like it.

    Ignoring such a column would silently score every unit with the default,
    so a near miss is an error, not a note.
    """
    return Problem(
        display, line, col + 1,
        f"the column '{candidate}' is not an input of the ruleset, so {item.label} ({item.id}) would be {item.default} for every row",
        f"did you mean '{item.label}'? rename the column, or add '{candidate}' to the input's aliases",
    )


def _missing_column(item: Input, near: tuple[int, str] | None, why: str, display: str, line: int) -> Problem:
    """A required column the header lacks, at the header that nearly names it (if one does).

    The hint says the likeliest cause: `why` (the header's own mistake), a
    misspelt header, or none.
    """
    if why:
        hint = why
    elif near:
        hint = f"the column '{near[1]}' looks close: rename it to '{item.label}', or add it to the input's aliases"
    else:
        hint = f"add a column headed '{item.label}' (or one of: {', '.join((item.id, *item.aliases))})"
    col = near[0] + 1 if near else 0
    return Problem(display, line, col, f"the required column '{item.label}' ({item.id}) is missing", hint)


def _records(
    rows: Sequence[Row], header: Header, ruleset: Ruleset, delimiter: str, display: str
) -> tuple[list[Record], list[Problem]]:
    """The records below the header, and every problem in them.

    A row with a quote never closed or the wrong separator is reported once:
    its cells are not what the user typed, so checking them would only add
    misleading "is empty" errors.  A row with a control character is
    reported for those alone, so that no other message echoes such a cell.
    """
    records: list[Record] = []
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    for row in rows:
        broken = unclosed_quote(row, display) or wrong_separator(row, delimiter, display)
        controls = [] if broken else _control_characters(row, header.names, display)
        if broken or controls:
            problems += [broken] if broken else controls
            continue
        values, cell_problems = _parse_row(row, header.columns, ruleset.inputs, display)
        cell_problems += _extra_cells(row, header.width, display)
        problems += cell_problems
        if cell_problems:
            continue
        problems += _check_bounds(row.line, values, header.columns, ruleset.inputs, display)
        problems += _check_group(row.line, values, header.columns, ruleset, display)
        key = str(values[ruleset.key])
        if key in first_row:
            col = header.columns[ruleset.key] + 1
            problems.append(Problem(display, row.line, col, f"'{key}' appears twice (first on row {first_row[key]})", "each unit must have exactly one row"))
        first_row.setdefault(key, row.line)
        records.append(Record(row.line, values))
    return records, problems


def _check_group(line: int, values: Mapping[str, Value], columns: Mapping[str, int], ruleset: Ruleset, display: str) -> list[Problem]:
    """A unit's group must be one the ruleset declares (when it declares any): a typo would score the
    unit out of the wrong full marks and rank it alone."""
    if ruleset.group_field is None:
        return []
    value = str(values[ruleset.group_field]).strip()
    col = columns.get(ruleset.group_field, -1) + 1
    declared = [g.value for g in ruleset.groups]
    if not value:
        return [Problem(display, line, col, f"the group ({ruleset.group_field}) is empty", "every unit belongs to a group")]
    if declared and value not in declared:
        hint = did_you_mean(value, declared) or f"the groups are: {', '.join(declared)}"
        return [Problem(display, line, col, f"'{value}' is not one of the ruleset's groups", hint)]
    return []


def _extra_cells(row: Row, width: int, display: str) -> list[Problem]:
    """A value beyond the header's last column, at the first such cell.

    No input reads it; worse, a row shifted by one stray separator (an
    unquoted comma in a name) looks exactly like this.  Empty cells there are
    what a spreadsheet pads rows with, and are ignored.
    """
    beyond = [col for col, cell in enumerate(row.cells[width:], width) if cell.strip()]
    if not beyond:
        return []
    return [
        Problem(
            display, row.line, beyond[0] + 1, f"this row has {beyond[-1] + 1} cells but the header has {width}",
            "delete what is beyond the header's last column, or give its column a header; a cell holding the separator must be quoted",
        )
    ]


def _control_problem(line: int, col: int, what: str, text: str, display: str) -> Problem | None:
    """A control character (Unicode Cc: ESC, NUL, ...) in a cell's `text`, which would reach the terminal and the CSV output.

    It is named by its code point and never echoed: ESC starts a terminal
    escape sequence.
    """
    found = _CONTROL.search(text)
    if not found:
        return None
    message = f"{what} contains a control character (U+{ord(found.group()):04X})"
    return Problem(display, line, col + 1, message, "delete it; it is invisible in most editors and often comes with a copy and paste")


def _control_characters(row: Row, names: Mapping[int, str], display: str) -> list[Problem]:
    """Control characters in any cell of `row`, each cell named by the input it holds (`names`) if any.

    One search of the whole row first, as nearly every row has none.  A
    cell's surrounding whitespace (a tab, a line feed) is stripped, never
    shown, and so allowed.
    """
    if not _CONTROL.search("".join(row.cells)):
        return []
    found = (_control_problem(row.line, col, names.get(col, "the cell"), cell.strip(), display) for col, cell in enumerate(row.cells))
    return [p for p in found if p]


def _parse_row(
    row: Row, columns: Mapping[str, int], inputs: Sequence[Input], display: str
) -> tuple[dict[str, Value], list[Problem]]:
    """The row's value for every input, or a problem for each cell that has none."""
    values: dict[str, Value] = {}
    problems: list[Problem] = []
    for item in inputs:
        col = columns.get(item.id)
        cell = row.cells[col].strip() if col is not None and col < len(row.cells) else ""
        where = (col or 0) + 1
        if not cell:
            if item.default is None:
                problems.append(Problem(display, row.line, where, f"{item.label} ({item.id}) is empty", "fill in a value"))
            else:
                values[item.id] = item.default
            continue
        try:
            values[item.id] = _convert(cell, item.type)
        except CellError as e:
            problems.append(Problem(display, row.line, where, f"{item.label} ({item.id}): {e}", e.hint))
    return values, problems


def _convert(cell: str, kind: str) -> Value:
    """`cell` (stripped, not empty) as a value of type `kind`; CellError says why it is not one."""
    if kind == "text":
        return cell
    if kind == "percent" and cell.endswith(("%", "％")):
        cell = cell[:-1].rstrip()  # an export's "98.06%" is the rate 98.06, as written
    _refuse_digit_separators(cell)
    if kind == "integer":
        return _integer(cell)
    return float(_decimal(cell))


def _refuse_digit_separators(cell: str) -> None:
    """Refuse '1_000' and '1,343', with the plain number as the hint.

    Python reads '1_000' (int, float and Decimal alike) but a spreadsheet
    reads it as text, so accepting it would score a cell the user's own
    sheet does not count.  '1,343' is how Excel exports a number formatted
    with thousands separators.
    """
    if "_" in cell:
        plain = cell.replace("_", "")
        raise CellError(f"'{cell}' is not a number", f"remove the digit separator: {plain}" if _NUMERAL.fullmatch(plain) else "")
    if "," in cell and _THOUSANDS.fullmatch(cell):
        raise CellError(f"'{cell}' is not a number", f"remove the thousands separator: {cell.replace(',', '')}")


def _integer(cell: str) -> int:
    """A whole number, exactly.

    int() first, so 12345678901234567891 is not rounded through a float;
    then an integral decimal such as '12.0' or '3.43e2' (an export's way of
    writing a count), through Decimal for the same reason.
    """
    try:
        value = int(cell)
    except ValueError:
        number = _decimal(cell)
        if number != number.to_integral_value():
            raise CellError(f"'{cell}' is not a whole number") from None
        return int(number)
    _check_magnitude(value, cell)
    return value


def _decimal(cell: str) -> Decimal:
    """`cell` as an exact, finite decimal number of a size a score can hold."""
    try:
        number = Decimal(cell)
    except InvalidOperation:
        raise CellError(f"'{cell}' is not a number") from None
    if not number.is_finite():
        raise CellError(f"'{cell}' is not a number")
    _check_magnitude(number, cell)
    return number


def _check_magnitude(value: int | Decimal, cell: str) -> None:
    """Refuse a value beyond the largest float: scores are floats, and int(Decimal('1e999999999')) would not finish."""
    if not -_LARGEST <= value <= _LARGEST:
        raise CellError(f"'{cell}' is out of range", "no count or measure is this large: check the cell")


def _check_bounds(
    line: int, values: Mapping[str, Value], columns: Mapping[str, int], inputs: Sequence[Input], display: str
) -> list[Problem]:
    """Every value outside its input's min/max, checked only once the row's cells all parsed (a bound may name another cell)."""
    problems = []
    for item in inputs:
        if not item.numeric:
            continue
        value = values[item.id]
        col = columns.get(item.id, -1) + 1
        for bound, too in ((item.min, "below"), (item.max, "above")):
            if bound is None:
                continue
            limit = values[bound] if isinstance(bound, str) else bound
            if (too == "below" and value < limit) or (too == "above" and value > limit):  # type: ignore[operator]
                problems.append(Problem(display, line, col, _bound_message(item, value, too, bound, limit, inputs)))
    return problems


def _bound_message(item: Input, value: Value, too: str, bound: float | str, limit: Value, inputs: Sequence[Input]) -> str:
    word = "less" if too == "below" else "more"
    if isinstance(bound, str):
        other = next(i for i in inputs if i.id == bound)
        return f"{item.label} ({item.id}) is {value}, {word} than {other.label} ({other.id}) {limit}"
    return f"{item.label} ({item.id}) is {value}, {word} than the allowed {limit:g}"  # type: ignore[str-format]
