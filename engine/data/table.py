"""Reading the month's records: the file opened, its rows read (CSV or a sheet) and checked, a Table out.

The rows come from a CSV export (engine/data/csv_in.py) or an Excel sheet
(engine/data/xlsx_in.py); whichever file the figures came in, the same checks
apply, each in a module of its own: the header (headers.py), each cell's
value (cells.py), bounds (bounds.py), groups (groups.py), totals rows
(totals.py) and the rows as a whole (rows.py); a sheet's layout and its
places (Sheet1!D7) are sheets.py's, the file itself files.py's.  Every
problem is reported at its row and column (at its cell, in a workbook)
before anything is scored.

The names other packages have always imported from here (read_table,
input_size, Record, Table, MAX_PROBLEMS, and the API's Source, _read_rows,
_note_text) stay importable from here; the data stage's public names are in
engine/data/__init__.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from ..digest import sha256_hex
from ..errors import KaopingError
from ..ruleset.model import Ruleset
from .cells import CellError
from .csv_in import csv_rows
from .files import HEAD_BYTES, MAX_INPUT_BYTES, file_sha256, head, input_size, read_bytes, refuse_disguised
from .headers import HEADER_SEARCH, MAX_COLUMNS, Header, refuse_wide_bytes
from .records import Checked, Record, Source, Table, Value
from .rows import MAX_PROBLEMS, note_text, read_rows
from .sheets import hidden_note, in_sheet, sheet_source

__all__ = [
    "HEADER_SEARCH",
    "HEAD_BYTES",
    "MAX_COLUMNS",
    "MAX_INPUT_BYTES",
    "MAX_PROBLEMS",
    "CellError",
    "Checked",
    "Header",
    "Record",
    "Source",
    "Table",
    "Value",
    "input_size",
    "note_text",
    "read_rows",
    "read_table",
]


def read_table(path: Path, ruleset: Ruleset, display: str | None = None, sheet: str | None = None) -> Table:
    """Read and check the records in `path` (CSV, or the first or named sheet of an .xlsx), or raise KaopingError with every problem."""
    display = display or str(path)
    size = input_size(path, display)
    kind = refuse_disguised(path, head(path, display), display)
    if kind == "xlsx":
        source, digest = sheet_source(path, ruleset, display, sheet), file_sha256(path, display)
        fast = _columnar_sheet(source, ruleset, display, digest)
        if fast is not None:
            return fast
    else:
        raw = read_bytes(path, display, size)
        refuse_wide_bytes(raw, display)
        fast = _columnar(raw, ruleset, display)
        if fast is not None:
            return fast
        text = csv_rows(raw, display)
        source, digest = (
            Source(text.rows, text.encoding, text.delimiter, "", frozenset()),
            sha256_hex(raw),
        )
    checked = _checked(source, ruleset, display)
    return Table(display, digest, source.encoding, checked.records, checked.ignored, checked.notes, source.sheet)


COLUMNAR_BYTES = 256 * 1024
"""A CSV this large (some 5,000 units) is read by the columnar reader (DuckDB); a smaller one by the reference
reader directly, which reads it faster than DuckDB starts."""


def _columnar(raw: bytes, ruleset: Ruleset, display: str) -> Table | None:
    """The table from the columnar reader, or None: a small file, or one whose every check the columnar reader
    cannot vouch for (a bad cell, a note to say), which the reference reader then reads and reports on."""
    if len(raw) < COLUMNAR_BYTES:
        return None
    from ..columns.frame import RecordsOf
    from ..columns.read import read_csv_columns

    read = read_csv_columns(raw, ruleset, display)
    if read is None:
        return None
    notes = tuple(note_text(n) for n in read.notes)
    records = RecordsOf(read.columns, ruleset.inputs)
    digest = sha256_hex(raw)
    return Table(display, digest, read.encoding, records, read.ignored, notes, "", read.columns)


def _columnar_sheet(source: Source, ruleset: Ruleset, display: str, digest: str) -> Table | None:
    """A plain sheet's table from the columnar reader, or None (the reference then reads the rows).

    A sheet is plain when its rows are what a CSV file's lines would be: numbered 1, 2, 3... with no gap (no
    title row taken out), no two-level header, no hidden row.  Its cells' texts, written as CSV, are then a
    file the columnar reader screens exactly as it screens a CSV (it vouches for the reference's values, rows,
    ignored columns and notes, or says None); its line numbers are the sheet's rows.  Only a screen with
    nothing to note is taken: a note names a line, where a sheet's is named Sheet1!A7."""
    rows = source.rows
    if source.group_rows or source.hidden_rows:
        return None
    if any(r.line != n or r.last != n for n, r in enumerate(rows, start=1)):
        return None
    import csv
    import io

    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(r.cells for r in rows)
    written = text.getvalue()
    # a first cell starting with U+FEFF would read as a byte-order mark, a tab could be taken for the separator
    if written.startswith("\ufeff") or "\t" in written:
        return None
    raw = written.encode("utf-8")
    if len(raw) < COLUMNAR_BYTES:  # a small sheet: the reference reads it faster than DuckDB starts
        return None
    from ..columns.frame import RecordsOf
    from ..columns.read import read_csv_columns

    read = read_csv_columns(raw, ruleset, display)
    if read is None or read.notes:
        return None
    chosen = (f"{display}: {source.note}",) if source.note else ()
    records = RecordsOf(read.columns, ruleset.inputs)
    return Table(display, digest, source.encoding, records, read.ignored, chosen, source.sheet, read.columns)


def _checked(source: Source, ruleset: Ruleset, display: str) -> _Said:
    """The source's records, checked, and the reader's notes as lines; a sheet's problems and notes are named the way
    the spreadsheet names the place."""
    try:
        records, ignored, notes = read_rows(source, ruleset, display)
    except KaopingError as e:
        if not source.sheet:
            raise
        placed = KaopingError([in_sheet(p, source.sheet) for p in e.problems])
        placed.total = e.total
        raise placed from None
    said = [note_text(in_sheet(n, source.sheet) if source.sheet else n) for n in notes]
    chosen = [f"{display}: {source.note}"] if source.note else []
    return _Said(records, ignored, (*chosen, *said, *hidden_note(records, source, display)))


class _Said(NamedTuple):
    """Checked records with their notes said as lines, as a Table keeps them."""

    records: tuple[Record, ...]
    ignored: tuple[str, ...]
    notes: tuple[str, ...]
