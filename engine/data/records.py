"""The data stage's own types, in one module every other imports: what a check reads (Source) and hands on (Record, Table)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from typing import TYPE_CHECKING, NamedTuple

from ..errors import Problem
from ..frozen import frozen, frozen_per_row
from .csv_in import Row

if TYPE_CHECKING:  # numpy is imported only by a command that scores
    from ..columns.frame import Columns

Value = int | float | str


@frozen_per_row  # made once per row: dataclass compiles its __init__
class Record:
    """One unit's row: its line in the file and its input values by id."""

    row: int
    values: Mapping[str, Value]


@frozen
class Table:
    """The month's records, checked, and what the reader knows about the file they came from."""

    path: str
    sha256: str
    encoding: str
    records: Sequence[Record]  # a tuple, or built from `columns` when first read
    ignored_columns: tuple[str, ...]
    # what the reader left out or wants the user to hear (a 合计 row skipped, full-width digits read),
    # each one sentence naming its row; printed on stderr as "note: ..." and kept in the JSON's input.notes
    notes: tuple[str, ...] = ()
    sheet: str = ""  # the workbook sheet the records were read from (named or by default), "" for a CSV
    columns: Columns | None = None  # the same records as columns, when the columnar reader read them


@frozen
class Source:
    """Rows to check, from either reader (or from records in memory), and what the checks need to know about
    where they came from."""

    rows: Sequence[Row]
    encoding: str
    delimiter: str  # what every row should be separated by (',' for a sheet, whose cells are already apart)
    sheet: str  # the sheet's name, or "" for CSV: a sheet's problems are named Sheet1!D7
    group_rows: Set[int]  # a sheet's rows holding a merged group header (the upper row of a two-level header)
    sheets: tuple[str, ...] = ()  # every sheet of the workbook, for a hint when this one holds no table
    note: str = ""  # how the sheet was chosen, when kaoping chose it (several sheets, no --sheet)
    hidden_rows: frozenset[int] = frozenset()  # a sheet's filled rows that Excel does not show


class Checked(NamedTuple):
    """A source's rows once checked: the records, the headers no input claims, and notes (rows left out, doubts).

    A tuple, so `records, ignored, notes = read_rows(...)` reads as it always has.
    """

    records: tuple[Record, ...]
    ignored: tuple[str, ...]
    notes: tuple[Problem, ...]
