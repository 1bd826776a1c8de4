"""Reading a work-order export into a typed DuckDB table `orders` (issue 11, docs/orders-design.md §4.3-4.4).

An export is the platform's raw list of work orders: far larger than a unit table (the order cap is 8 GiB, by
stat), so only its head (64 KB) is read in Python, to find and map the header with the data readers' own
machinery (engine/data/headers.py: title rows skipped, did-you-mean and wrong-separator messages).  The body is
read by DuckDB in place, all VARCHAR, and typed in one `CREATE TEMP TABLE orders AS SELECT ...` by the SQL of
formats.py: no Python loop over the orders on the happy path.  Only when a cell is bad is the file read again,
by the csv module and only as far as the bad rows, to say where each one is (file line and column).

duckdb is imported inside functions only: tests/test_cold_start.py forbids it on the unit-table path, and
is_export/read_head run on that path for a ruleset with `orders:` (Spark uses Head too, without DuckDB).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..errors import Problem
from ..frozen import frozen

if TYPE_CHECKING:
    import duckdb

    from ..ruleset.model import Ruleset
    from .model import Orders

MAX_EXPORT_BYTES = 8 * 2**30  # an export larger than this is refused from its size alone (by stat)
HEAD_BYTES = 64 * 2**10  # what is read in Python to find the header, its encoding and its separator
MAX_PROBLEMS = 100  # bad cells located and told before the run stops


@frozen
class Head:
    """The export's header, mapped to the order columns; read without DuckDB (Spark uses it too).

    `columns` gives every order column, in the ruleset's order, with its 1-based position in the file (0 when
    the column is absent and takes its default).  `header_line` is the file line of the header (title rows
    above it skipped), so rows are counted from the line after it.
    """

    display: str
    path: Path
    kind: Literal["csv", "xlsx", "parquet"]
    encoding: str  # "utf-8", "utf-8-sig", "gb18030", "xlsx", "parquet"
    delimiter: str  # "," or "\t" ("" for xlsx/parquet)
    header_line: int  # 1-based file line (or sheet row) of the header
    width: int  # cells in the header
    columns: tuple[tuple[str, int], ...]  # (order column id, 1-based position in the file); 0 = absent
    headers: tuple[tuple[str, str], ...]  # (order column id, header text as found in the file), present ones
    ignored: tuple[str, ...]  # headers no column claims (told in a note)
    sheet: str | None

    def position(self, column: str) -> int:
        """The 1-based position of order column `column` in the file, 0 when absent."""
        return dict(self.columns).get(column, 0)


@frozen
class Loaded:
    """An export read into the connection's temp table `orders`, with what later stages say about the file."""

    head: Head
    sha256: str
    rows: int  # data rows in the table `orders` (non-empty rows after the header)


def is_export(path: Path, ruleset: Ruleset, sheet: str | None) -> bool:
    """True when `path` is an order export for `ruleset`, so the pipeline counts it instead of reading a unit table.

    Only for a ruleset with `orders:`.  A .parquet file always is; otherwise one of the first 10 non-empty rows
    of the head (64 KB; a workbook's first rows) names the order-key column by its label or an alias
    (headers.normalise).  A file that cannot be read says False here: the unit-table reader then tells why.
    Imports neither duckdb nor sqlglot.
    """
    raise NotImplementedError


def read_head(orders: Orders, path: Path, display: str, sheet: str | None) -> Head:
    """The export's header found and mapped, or KaopingError.

    Refused first, before a row is decoded: a file over 8 GiB, one whose bytes are not what its name says
    (files.refuse_disguised), a header too wide, with a control character or a quote never closed.  Then the
    header is mapped by headers.header_index/map_header through Input-like stand-ins of the order columns
    (required = no default), so a missing column gets the data readers' did-you-mean and wrong-separator
    hints, under the code export.missing-column.
    """
    raise NotImplementedError


def load_export(
    con: duckdb.DuckDBPyConnection,
    orders: Orders,
    head: Head,
    progress: Callable[[str], None] | None = None,
) -> Loaded:
    """CREATE TEMP TABLE orders (kp_row BIGINT, <column id> <typed>, ...) on `con` in one scan of the file.

    Every order column is a column of the table, by id: datetime TIMESTAMP (formats.duckdb_sql), integer
    BIGINT, number DECIMAL(38, places), text and id VARCHAR trimmed of ' \\t\\u3000', an empty cell NULL; an
    absent column takes its default.  kp_row is the 1-based ordinal of the row among the non-empty data rows.
    Bad cells (export.bad-datetime, export.bad-number, export.unknown-value) and ragged rows (export.bad-row)
    raise KaopingError located at line:col (or Sheet1!J57), at most 100, before anything else is checked.
    The connection's settings are set here (memory_limit 600MB, a temp_directory removed afterwards,
    preserve_insertion_order=false).  `progress` is told each stage's name ("read").
    """
    raise NotImplementedError


def places(loaded: Loaded, kp_rows: Iterable[int]) -> dict[int, int]:
    """kp_row -> 1-based file line (or sheet row) of that row, for messages.

    Right across title rows, blank lines and quoted line breaks: the file is read again by the csv module (or
    the workbook's rows), only as far as the last row asked for.  The error path only.
    """
    raise NotImplementedError


def problem_at(loaded: Loaded, line: int, column: str | None, message: str, hint: str, code: str) -> Problem:
    """A Problem placed the way every stage places one in an export.

    file = the display name, `line` the file line (or sheet row), col = the 1-based position of order column
    `column` (0 when None or absent), cell = "Sheet1!J57" in a workbook, source = that line's text for a CSV
    when it is cheap to read (not for a line far into a large file).
    """
    raise NotImplementedError
