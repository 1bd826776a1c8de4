"""The month's records: CSV and xlsx read as rows of text, then checked into records fit to score.

The stage's public names are these; other stages import them from here
(`from ..data import read_table, Table`), never a module's private names.
`read_table` reads a file; `read_rows` checks rows from anywhere else (the
Python API's records in memory, as a `Source` of `Row`s) with exactly the same
checks, and `note_text` says a note the way `read_table` says its own.
openpyxl is not loaded here: only reading a workbook loads it.
"""

from __future__ import annotations

from .csv_in import ESCAPED_STARTS, Row
from .records import Checked, Record, Source, Table, Value
from .rows import MAX_PROBLEMS, note_text, read_rows
from .table import input_size, read_table

__all__ = [
    "ESCAPED_STARTS",
    "MAX_PROBLEMS",
    "Checked",
    "Record",
    "Row",
    "Source",
    "Table",
    "Value",
    "input_size",
    "note_text",
    "read_rows",
    "read_table",
]
