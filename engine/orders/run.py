"""Counting an order export: the typed table, its checks, the counts per unit, the ledgers, the unit table out.

`count_export` is the one way an export becomes the ruleset's inputs (design §4.4): DuckDB reads the export into
the typed temp table `orders` (source.load_export), the checks query must find nothing (checks.py, every
problem located at its row), then the counts query gives one row a unit, turned into the inputs' numbers by
sql.measure_values (exact: ints stay ints, a mean is a Fraction divided once).  Ledgers add the inputs the
orders do not give, keyed by the entity key.  `counted_table` makes the unit-level Table that evaluate_table
scores, through data.rows.read_rows as API records are, so bounds (completed <= due) and types are checked as
for a file a user wrote; `counting` hands explain the loaded, checked connection.

duckdb and sqlglot are imported inside the functions only (tests/test_cold_start.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..frozen import frozen
from .ir import Window

if TYPE_CHECKING:
    import duckdb

    from ..data.records import Table
    from ..ruleset.model import Ruleset
    from .model import Orders
    from .source import Loaded

Progress = Callable[[str], None]


@frozen
class OrdersRun:
    """How to count an export: what the CLI (--period, --engine, --master, --input NAME=PATH) and the API pass down."""

    period: str  # YYYY-MM
    engine: Literal["duckdb", "spark"] = "duckdb"
    master: str | None = None
    ledgers: tuple[tuple[str, Path], ...] = ()  # (ledger id, path)


def window_of(period: str) -> Window:
    """The month `period` (YYYY-MM) as the half-open window [first of the month 00:00, first of the next month)."""
    raise NotImplementedError


@frozen
class Counted:
    """An export counted: one row of values a unit, and what the counting saw (for the note, count's JSON, explain)."""

    ruleset: str  # name@version
    window: Window
    engine: str
    loaded: Loaded
    units: tuple[str, ...]  # table order: orders.units' order, else code points
    values: tuple[tuple[tuple[str, int | float], ...], ...]  # per unit: (input id, value), every non-key input
    merged: int  # orders exported more than once, counted once
    excluded: tuple[tuple[str, int], ...]  # (exclusion label, orders left out), in declared order
    kept: int
    dated_in_period: int  # kept orders whose dated_by falls in the window
    notes: tuple[str, ...]  # the one-line summary (design §4.4 step 8), and the ignored-columns note


def count_export(
    ruleset: Ruleset,
    path: Path,
    run: OrdersRun,
    display: str | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> Counted:
    """Count `path` for `run.period`: read, check (KaopingError with every problem, at its row), count, add the
    ledgers.  `progress` is told each stage as it ends ("read", "checks", "count")."""
    raise NotImplementedError


def counted_table(ruleset: Ruleset, counted: Counted) -> Table:
    """The unit-level Table evaluate_table scores, built through data.rows.read_rows as API records are, so
    bounds, types and defaults are checked as for a file; a failure reads `counted from t.csv: unit X: ...`.
    Its path and sha256 are the export's; its notes are the counting's."""
    raise NotImplementedError


@frozen
class Session:
    """A DuckDB connection whose temp table `orders` is loaded and checked, for explain's queries."""

    con: duckdb.DuckDBPyConnection
    loaded: Loaded
    window: Window
    orders: Orders


@contextmanager
def counting(
    ruleset: Ruleset, path: Path, run: OrdersRun, display: str | None = None, sheet: str | None = None
) -> Iterator[Session]:
    """The export loaded into `orders` and checked (KaopingError as count_export's), the connection closed after."""
    raise NotImplementedError
    yield  # pragma: no cover
