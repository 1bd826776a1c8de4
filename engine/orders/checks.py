"""The export's checks: checks_sql's counters, and every non-zero one turned into problems at their rows.

The checks query (sql.checks_sql) gives one row of counts; all of its problem counters must be 0 before the
counts mean anything.  When one is not, a locate query per counter (sql.locate_sql: kp_row and the cells
involved, ORDER BY kp_row LIMIT 101) finds the rows, and each becomes a Problem placed by source.problem_at at
its file line (or Sheet1!J57): conflicting copies, empty cells, failed checks, unknown units (grouped: one
problem each, with its count and first row), dates outside the calendar.  They are reported together, sorted by
row, at most 100 (design §5.2).  Only then is an empty period told, naming the months the export covers.

Messages name columns by the header the export has them under, so a user finds the column they see.  The
rows a message cites besides its own place (the other copy of a conflict, an unknown unit's first row) are
file lines too: every kp_row is mapped once, by source.places, on this error path only.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..errors import KaopingError, Problem
from ..frozen import frozen
from ..i18n import _, n_
from . import listed
from .ir import Window, columns_read
from .sql import check_names, conflict_columns, locate_sql, months_sql

if TYPE_CHECKING:
    import duckdb

    from ..ruleset.model import Ruleset
    from .model import Orders
    from .source import Loaded

CheckRow = dict[str, int]
Lines = Mapping[int, int]  # kp_row -> file line

MAX_PROBLEMS = 100
LOCATE_LIMIT = MAX_PROBLEMS + 1  # one more than is shown: the message then says there are more
PROBLEM_COUNTERS = ("kp_conflicts", "kp_empty_", "kp_fail_", "kp_unknown_", "kp_outside_calendar_")


@frozen
class Found:
    """A problem located by its kp_row, worded once every cited row's file line is known."""

    kp_row: int
    column: str | None  # the order column it is placed at (its position in the file), None: the whole row
    words: Callable[[Lines], str]
    hint: str
    code: str
    cited: tuple[int, ...] = ()  # other kp_rows the message names


def check_row(con: duckdb.DuckDBPyConnection, ruleset: Ruleset, window: Window) -> CheckRow:
    """checks_sql's one row on the connection's table `orders`: check_names(orders) -> count."""
    o = _orders(ruleset)
    from .sql import checks_sql

    cur = con.execute(checks_sql(o, window, "duckdb"))
    got = cur.fetchone()
    assert got is not None and cur.description is not None
    return {d[0]: int(v) for d, v in zip(cur.description, got, strict=True)}


def refuse_problems(
    con: duckdb.DuckDBPyConnection, ruleset: Ruleset, window: Window, loaded: Loaded, row: CheckRow
) -> None:
    """Raise KaopingError with every problem the non-zero counters of `row` stand for, located at their rows;
    then, when nothing else is wrong and no kept order is dated in the window, export.empty-period."""
    o = _orders(ruleset)
    named = _Names(o, loaded, ruleset.ref)
    found: list[Found] = []
    total = 0
    for name in check_names(o):
        if row.get(name) and name.startswith(PROBLEM_COUNTERS):
            located = _locate(con, named, window, name)
            found += located
            # told once per name (an unknown unit) or per order (a conflict), however many rows; rows with no
            # order id are one group to SQL, but each is told as an empty cell, never as conflicting copies
            grouped = name.startswith("kp_unknown_") or name == "kp_conflicts"
            total += len(located) if grouped else max(row[name], len(located))
    if found:
        raise _error(loaded, found, total)
    if row.get("kp_dated_in_period", 1) == 0:
        raise _empty_period(con, named, window)


def _orders(ruleset: Ruleset) -> Orders:
    if ruleset.orders is None:
        raise ValueError(f"{ruleset.ref} has no orders: section")
    return ruleset.orders


def _error(loaded: Loaded, found: Sequence[Found], total: int) -> KaopingError:
    from .source import places, problem_at

    lines = places(loaded, sorted({r for f in found for r in (f.kp_row, *f.cited)}))
    problems = [problem_at(loaded, lines[f.kp_row], f.column, f.words(lines), f.hint, f.code) for f in found]
    error = KaopingError(problems, limit=MAX_PROBLEMS)
    error.total = max(total, len(problems))
    return error


class _Names:
    """How messages name things: the ruleset, each column by its header in the file."""

    def __init__(self, orders: Orders, loaded: Loaded, ref: str) -> None:
        self.orders, self.loaded, self.ref = orders, loaded, ref
        self._found = dict(loaded.head.headers)

    def header(self, column: str) -> str:
        return self._found.get(column) or self.orders.column(column).label


def _fetch(con: duckdb.DuckDBPyConnection, query: str) -> list[tuple[Any, ...]]:
    return con.execute(query).fetchall()


def _locate(con: duckdb.DuckDBPyConnection, named: _Names, w: Window, name: str) -> list[Found]:
    o = named.orders
    rows = _fetch(con, locate_sql(o, w, "duckdb", name, limit=LOCATE_LIMIT))
    if name == "kp_conflicts":
        return _conflicts(named, rows)
    if name.startswith("kp_empty_"):
        return [_empty(named, name.removeprefix("kp_empty_"), r[0]) for r in rows]
    if name.startswith("kp_fail_"):
        i = int(name.removeprefix("kp_fail_"))
        return [_failed(named, i, r) for r in rows]
    if name.startswith("kp_unknown_"):
        return [_unknown(named, name.removeprefix("kp_unknown_"), r) for r in rows]
    column = name.removeprefix("kp_outside_calendar_")
    return [_outside(named, column, r) for r in rows]


def cell_text(value: object) -> str:
    """A typed cell as a message shows it: a datetime to the second, an empty cell as `(empty)`."""
    if value is None:
        return _("(empty)")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _empty(named: _Names, column: str, kp_row: int) -> Found:
    header = named.header(column)
    if column == named.orders.order_key:
        return Found(
            kp_row,
            column,
            lambda _lines: _("{header} is empty", header=header),
            _("every row needs its {header}: fill it in, or delete the row", header=header),
            "export.empty-cell",
        )
    return Found(
        kp_row,
        column,
        lambda _lines: _("{header} is empty (the order is not left out by orders.exclude)", header=header),
        _("fill in {header}, or leave such orders out with an orders.exclude rule", header=header),
        "export.empty-cell",
    )


def _failed(named: _Names, i: int, row: tuple[Any, ...]) -> Found:
    check = named.orders.checks[i - 1]
    read = columns_read(check.when)
    cells = listed(
        [_("{header} {value}", header=named.header(c), value=cell_text(v)) for c, v in zip(read, row[1:], strict=True)]
    )
    return Found(
        row[0],
        read[0] if read else None,
        lambda _lines: _("{check}: {cells}", check=check.label, cells=cells),
        _("fix the export, or change orders.checks[{i}]", i=i),
        "export.check-failed",
    )


def _unknown(named: _Names, column: str, row: tuple[Any, ...]) -> Found:
    cell, n, first = row
    o = named.orders
    header = named.header(column)
    spellings = [s for u in o.units or () for s in (u.name, *u.aliases)]
    close = difflib.get_close_matches(cell, spellings, n=1, cutoff=0.6)
    advice = _("add it to orders.units, or as an alias there")
    hint = _("did you mean {name}? {advice}", name=close[0], advice=advice) if close else advice

    def words(lines: Lines) -> str:
        line = lines[first]
        orders = (
            _("{n:,} orders, first at row {line}", n=n, line=line) if n > 1 else _("1 order, at row {line}", line=line)
        )
        return _(
            "{header} '{cell}' is not a unit of {ref} ({orders})",
            header=header,
            cell=cell,
            ref=named.ref,
            orders=orders,
        )

    return Found(first, column, words, hint, "export.unknown-unit")


def _outside(named: _Names, column: str, row: tuple[Any, ...]) -> Found:
    kp_row, moment = row
    cal = named.orders.calendar
    years = sorted(cal.years) if cal is not None else []
    span = (
        f"{years[0]}–{years[-1]}"
        if years and years == list(range(years[0], years[-1] + 1))
        else ", ".join(map(str, years))
    )
    header = named.header(column)
    return Found(
        kp_row,
        column,
        lambda _lines: _(
            "{header} {moment} is outside the calendar ({span})", header=header, moment=cell_text(moment), span=span
        ),
        _("add {year} to calendar.years with its holidays", year=moment.year),
        "export.outside-calendar",
    )


def _conflicts(named: _Names, rows: Sequence[tuple[Any, ...]]) -> list[Found]:
    """One problem per conflicting order, at its first top copy: the first column the copies differ in."""
    o = named.orders
    read = conflict_columns(o)
    by_order: dict[object, list[tuple[Any, ...]]] = {}
    for r in rows:
        by_order.setdefault(r[1], []).append(r)
    return [_conflict(named, read, copies) for copies in by_order.values()]


def _conflict(named: _Names, read: Sequence[str], copies: Sequence[tuple[Any, ...]]) -> Found:
    o = named.orders
    values = [dict(zip(read, c[3:], strict=True)) for c in copies]
    column = next(c for c in read if len({v[c] for v in values}) > 1)
    first = copies[0]
    other = next(c for c, v in zip(copies, values, strict=True) if v[column] != values[0][column])
    order, times = first[1], int(first[2])
    header = named.header(column)
    by = o.duplicates.by if o.duplicates.keep is not None else None
    a, b = cell_text(values[0][column]), cell_text(dict(zip(read, other[3:], strict=True))[column])

    def words(lines: Lines) -> str:
        fields = {"order": order, "n": times, "header": header, "a": a, "b": b}
        fields |= {"row_a": lines[first[0]], "row_b": lines[other[0]]}
        if by is None:
            if times == 2:
                return _(
                    "the order {order} is exported twice with different {header} (row {row_a}: {a}, row {row_b}: {b})",
                    **fields,
                )
            return _(
                "the order {order} is exported {n} times with different {header} (row {row_a}: {a}, row {row_b}: {b})",
                **fields,
            )
        fields |= {"by": named.header(by), "same": cell_text(values[0][by])}
        if times == 2:
            return _(
                "the order {order} is exported twice with the same {by} {same} but different {header} "
                "(row {row_a}: {a}, row {row_b}: {b})",
                **fields,
            )
        return _(
            "the order {order} is exported {n} times with the same {by} {same} but different {header} "
            "(row {row_a}: {a}, row {row_b}: {b})",
            **fields,
        )

    if by is None:
        hint = _(
            "kaoping cannot tell which copy counts: delete the wrong copy from the export, "
            "or say which copy counts with orders.duplicates (keep: latest, by: a column)"
        )
    else:
        hint = _("kaoping cannot tell which copy counts: delete the wrong copy from the export")
    return Found(first[0], None, words, hint, "export.duplicate-conflict", (other[0],))


def _empty_period(con: duckdb.DuckDBPyConnection, named: _Names, w: Window) -> KaopingError:
    """No kept order is dated in the window: name the months the export does cover, with their orders."""
    o = named.orders
    months = _fetch(con, months_sql(o, w, "duckdb"))
    header = named.header(o.dated_by)
    said = [_("{month} ({n:,})", month=f"{y:04d}-{m:02d}", n=n) for y, m, n in months]
    if said:
        y0, m0, n0 = months[0]
        said[0] = n_("{month} ({n:,} order)", "{month} ({n:,} orders)", n0, month=f"{y0:04d}-{m0:02d}", n=n0)
        message = _(
            "no order's {header} falls in {month}; the export covers {months}",
            header=header,
            month=w.month,
            months=listed(said),
        )
        hint = _("give one of those months as --period")
    else:
        message = _(
            "no order's {header} falls in {month}; no order left after orders.exclude has a {header}",
            header=header,
            month=w.month,
        )
        hint = _("fill in {header} in the export, or check orders.exclude", header=header)
    return KaopingError([Problem(named.loaded.head.display, 0, 0, message, hint, code="export.empty-period")])
