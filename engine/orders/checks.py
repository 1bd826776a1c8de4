"""The export's checks: checks_sql's counters, and every non-zero one turned into problems at their rows.

The checks query (sql.checks_sql) gives one row of counts; all of its problem counters must be 0 before the
counts mean anything.  When one is not, a locate query per counter (sql.locate_sql: kp_row and the cells
involved, ORDER BY kp_row LIMIT 101) finds the rows, and each becomes a Problem placed by source.problem_at at
its file line (or Sheet1!J57): conflicting copies, empty cells, failed checks, unknown units (grouped: one
problem each, with its count and first row), dates outside the calendar.  They are reported together, sorted by
row, at most 100 (design §5.2).  Only then is an empty period told, naming the months the export covers.

duckdb is imported by the caller (run.py): the connection comes in with the table `orders` loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .ir import Window

if TYPE_CHECKING:
    import duckdb

    from ..ruleset.model import Ruleset
    from .source import Loaded

CheckRow = dict[str, int]


def check_row(con: duckdb.DuckDBPyConnection, ruleset: Ruleset, window: Window) -> CheckRow:
    """checks_sql's one row on the connection's table `orders`: check_names(orders) -> count."""
    raise NotImplementedError


def refuse_problems(
    con: duckdb.DuckDBPyConnection, ruleset: Ruleset, window: Window, loaded: Loaded, row: CheckRow
) -> None:
    """Raise KaopingError with every problem the non-zero counters of `row` stand for, located at their rows;
    then, when nothing else is wrong and no kept order is dated in the window, export.empty-period."""
    raise NotImplementedError
