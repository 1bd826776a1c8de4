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

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..errors import KaopingError, Problem, UsageError
from ..frozen import frozen
from ..i18n import _, n_
from . import code, listed
from .checks import CheckRow, check_row, refuse_problems
from .ir import Window
from .sql import check_names, measure_values

if TYPE_CHECKING:
    import duckdb

    from ..data.records import Table, Value
    from ..ruleset.model import Ruleset
    from .model import Ledger, Orders
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
    m = re.fullmatch(r"([0-9]{4})-([0-9]{2})", period)
    if m is None or not 1 <= int(m[2]) <= 12 or not 1 <= int(m[1]) <= 9998:
        raise ValueError(_("the period {period!r} is not a month: give YYYY-MM, e.g. 2024-02", period=period))
    year, month = int(m[1]), int(m[2])
    start = datetime(year, month, 1)
    end = datetime(year + month // 12, month % 12 + 1, 1)
    return Window(f"{year:04d}-{month:02d}", start, end)


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
    o = _orders(ruleset)
    window = window_of(run.period)
    display = display or str(path)
    tell = progress or (lambda _stage: None)
    if run.engine == "spark":
        checks, rows, loaded = _spark(ruleset, path, run, window, display, sheet, tell)
    else:
        with _checked(ruleset, path, window, display, sheet, tell) as (con, loaded, checks):
            rows = _counts(con, o, window)
    tell("count")
    return _counted(ruleset, run, window, loaded, checks, rows)


def _orders(ruleset: Ruleset) -> Orders:
    if ruleset.orders is None:
        raise ValueError(f"{ruleset.ref} has no orders: section: it reads unit tables, not exports")
    return ruleset.orders


@contextmanager
def _checked(
    ruleset: Ruleset, path: Path, window: Window, display: str, sheet: str | None, tell: Progress
) -> Iterator[tuple[duckdb.DuckDBPyConnection, Loaded, CheckRow]]:
    """A connection with the export loaded into `orders` and checked: every problem raised, at its row."""
    import duckdb

    from .source import load_export, read_head

    o = _orders(ruleset)
    head = read_head(o, path, display, sheet)
    con = duckdb.connect(":memory:")
    try:
        loaded = load_export(con, o, head, tell)
        checks = check_row(con, ruleset, window)
        refuse_problems(con, ruleset, window, loaded, checks)
        tell("checks")
        yield con, loaded, checks
    finally:
        con.close()


def _counts(con: duckdb.DuckDBPyConnection, o: Orders, window: Window) -> list[dict[str, object]]:
    """counts_sql's rows as dicts (exact: HUGEINT sums are ints, DECIMAL ones Decimals)."""
    from .sql import counts_sql

    cur = con.execute(counts_sql(o, window, "duckdb"))
    names = [d[0] for d in cur.description or ()]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _spark(
    ruleset: Ruleset, path: Path, run: OrdersRun, window: Window, display: str, sheet: str | None, tell: Progress
) -> tuple[CheckRow, list[dict[str, object]], Loaded]:
    """Spark's checks row and counts; a problem is located by the DuckDB path on the local file, so its
    messages are DuckDB's word for word."""
    import importlib

    from ..data.files import file_sha256
    from .source import Loaded, read_head

    spark = importlib.import_module(".spark", __package__)  # orders/spark.py, which needs pyspark only when used

    o = _orders(ruleset)
    head = read_head(o, path, display, sheet)
    got, rows = spark.spark_rows(o, window, head, run.master)
    checks = {str(k): int(v) for k, v in got.items()}
    tell("read")
    if _problems_counted(o, checks):
        with _checked(ruleset, path, window, display, sheet, lambda _stage: None):
            pass
        raise RuntimeError(f"Spark counted problems in {display} that DuckDB does not find: {checks}")
    tell("checks")
    return checks, rows, Loaded(head, file_sha256(path, display), checks["kp_rows"])


def _problems_counted(o: Orders, checks: Mapping[str, int]) -> bool:
    from .checks import PROBLEM_COUNTERS

    problems = any(checks[n] for n in check_names(o) if n.startswith(PROBLEM_COUNTERS))
    return problems or checks["kp_dated_in_period"] == 0


def _counted(
    ruleset: Ruleset,
    run: OrdersRun,
    window: Window,
    loaded: Loaded,
    checks: CheckRow,
    rows: Sequence[dict[str, object]],
) -> Counted:
    o = _orders(ruleset)
    measured = {str(r["kp_unit"]): measure_values(o, r) for r in rows}
    units = tuple(measured) if o.units is not None else tuple(sorted(measured))
    given = _ledgers(ruleset, run, units)
    values = tuple(_unit_values(ruleset, measured[u], given.get(u, {})) for u in units)
    excluded = tuple((e.label, checks[f"kp_excluded_{i}"]) for i, e in enumerate(o.exclusions, 1))
    counted = Counted(
        ruleset.ref,
        window,
        run.engine,
        loaded,
        units,
        values,
        checks["kp_merged"],
        excluded,
        checks["kp_kept"],
        checks["kp_dated_in_period"],
        (),
    )
    return replace(counted, notes=(summary_note(o, counted), *_ignored_note(ruleset, loaded)))


def _unit_values(
    ruleset: Ruleset, measured: Mapping[str, int | float], ledgered: Mapping[str, Value]
) -> tuple[tuple[str, int | float], ...]:
    """Every non-key input of one unit, in input order: counted, else from a ledger, else the input's default."""
    out: list[tuple[str, int | float]] = []
    for i in ruleset.inputs:
        if i.id == ruleset.key:
            continue
        got: object = measured.get(i.id, ledgered.get(i.id, i.default))
        if isinstance(got, float) and i.type == "integer" and got.is_integer():
            got = int(got)
        if isinstance(got, (int, float)):
            out.append((i.id, got))
    return tuple(out)


def summary_note(o: Orders, counted: Counted) -> str:
    """The one line said about the counting (stderr, input.notes): rows, merged copies, what was left out, due."""
    rows = counted.loaded.rows
    parts = [n_("{n:,} row", "{n:,} rows", rows, n=rows)]
    if counted.merged:
        d, n = o.duplicates, counted.merged
        if d.keep is not None and d.by is not None:
            header = _header(o, counted.loaded, d.by)
            if d.keep == "latest":
                parts.append(
                    n_(
                        "{n:,} order exported more than once counted once (the copy with the latest {header})",
                        "{n:,} orders exported more than once counted once (the copy with the latest {header})",
                        n,
                        n=n,
                        header=header,
                    )
                )
            else:
                parts.append(
                    n_(
                        "{n:,} order exported more than once counted once (the copy with the earliest {header})",
                        "{n:,} orders exported more than once counted once (the copy with the earliest {header})",
                        n,
                        n=n,
                        header=header,
                    )
                )
        else:
            parts.append(
                n_(
                    "{n:,} order exported more than once counted once (identical copies)",
                    "{n:,} orders exported more than once counted once (identical copies)",
                    n,
                    n=n,
                )
            )
    left = [_("{label} {n:,}", label=label, n=n) for label, n in counted.excluded if n]
    if left:
        parts.append(_("left out before counting: {left}", left=listed(left)))
    due = counted.dated_in_period
    parts.append(
        n_("{n:,} order due in {month}", "{n:,} orders due in {month}", due, n=due, month=counted.window.month)
    )
    return _("{file}: {text}", file=counted.loaded.head.display, text=_("; ").join(parts))


def _header(o: Orders, loaded: Loaded, column: str) -> str:
    return dict(loaded.head.headers).get(column) or o.column(column).label


def _ignored_note(ruleset: Ruleset, loaded: Loaded) -> tuple[str, ...]:
    """The export's headers no order column claims, said as the unit-table reader says its own."""
    ignored = loaded.head.ignored
    if not ignored:
        return ()
    return (
        _(
            "{file}: columns not used by {ref}: {columns}",
            file=loaded.head.display,
            ref=ruleset.ref,
            columns=listed(ignored),
        ),
    )


# ---- ledgers: unit-level tables giving the inputs orders do not ----


def _ledgers(ruleset: Ruleset, run: OrdersRun, units: Sequence[str]) -> dict[str, dict[str, Value]]:
    """unit -> input -> value from every ledger given; a unit a ledger does not list is left to the default."""
    o = _orders(ruleset)
    out: dict[str, dict[str, Value]] = {}
    for ledger_id, path in run.ledgers:
        ledger = next((led for led in o.ledgers if led.id == ledger_id), None)
        if ledger is None:
            from ..errors import did_you_mean

            hint = did_you_mean(ledger_id, [led.id for led in o.ledgers]) or _(
                "its ledgers: {ledgers}", ledgers=listed([code(led.id) for led in o.ledgers]) or _("none")
            )
            raise UsageError(
                _(
                    "--input {ledger}=...: {ref} has no ledger {ledger!r} ({hint})",
                    ledger=ledger_id,
                    ref=ruleset.ref,
                    hint=hint,
                ),
                code="cli.unknown-ledger",
            )
        for unit, values in _read_ledger(ruleset, ledger, path, units).items():
            out.setdefault(unit, {}).update(values)
    return out


def _read_ledger(ruleset: Ruleset, ledger: Ledger, path: Path, units: Sequence[str]) -> dict[str, dict[str, Value]]:
    """A ledger read by the unit-table reader, as a ruleset whose inputs are the entity key and the ledger's."""
    from ..data.table import read_table

    o = _orders(ruleset)
    key = ruleset.input(ruleset.key)
    inputs = (key, *(i for i in ruleset.inputs if i.id in ledger.inputs))
    model = replace(ruleset, inputs=inputs, orders=None, group_field=None, groups=())
    display = str(path)
    table = read_table(path, model, display)
    aliases = {a: u.name for u in o.units or () for a in u.aliases}
    known = set(units)
    out: dict[str, dict[str, Value]] = {}
    problems: list[Problem] = []
    for record in table.records:
        named = str(record.values[ruleset.key])
        unit = aliases.get(named, named)
        if unit not in known:
            problems.append(_unknown_ledger_unit(ruleset, display, record.row, key.label, named, units))
            continue
        out[unit] = {i: record.values[i] for i in ledger.inputs if i in record.values}
    if problems:
        raise KaopingError(problems, limit=100)
    return out


def _unknown_ledger_unit(
    ruleset: Ruleset, display: str, line: int, header: str, named: str, units: Sequence[str]
) -> Problem:
    import difflib

    o = _orders(ruleset)
    spellings = [s for u in o.units or () for s in (u.name, *u.aliases)] or list(units)
    close = difflib.get_close_matches(named, spellings, n=1, cutoff=0.6)
    if o.units is not None:
        message = _("{header} '{name}' is not a unit of {ref}", header=header, name=named, ref=ruleset.ref)
        advice = _("add it to orders.units, or as an alias there")
    else:
        message = _("{header} '{name}' is not a unit of the export: no order names it", header=header, name=named)
        advice = _("a ledger gives values to the units the export counts")
    hint = _("did you mean {name}? {advice}", name=close[0], advice=advice) if close else advice
    return Problem(display, line, 0, message, hint, code="export.unknown-unit")


# ---- the unit table evaluate_table scores ----


def counted_table(ruleset: Ruleset, counted: Counted) -> Table:
    """The unit-level Table evaluate_table scores, built through data.rows.read_rows as API records are, so
    bounds, types and defaults are checked as for a file; a failure reads `counted from t.csv: unit X: ...`.
    Its path and sha256 are the export's; its notes are the counting's."""
    from ..data.csv_in import Row
    from ..data.records import Source, Table
    from ..data.rows import note_text, read_rows

    inputs = [i for i in ruleset.inputs if i.id != ruleset.key]
    header = [ruleset.input(ruleset.key).label, *(i.label for i in inputs)]
    rows = [Row(0, 0, header)]
    for n, (unit, values) in enumerate(zip(counted.units, counted.values, strict=True), 1):
        given = dict(values)
        rows.append(Row(n, n, [unit, *(_cell(given.get(i.id)) for i in inputs)]))
    loaded = counted.loaded
    display = loaded.head.display
    try:
        records, _unused, notes = read_rows(Source(rows, loaded.head.encoding, ",", "", frozenset()), ruleset, display)
    except KaopingError as e:
        placed = KaopingError([_counted_problem(p, counted) for p in e.problems])
        placed.total = e.total
        raise placed from None
    said = tuple(n for n in counted.notes if n not in _ignored_note(ruleset, loaded))
    said += tuple(note_text(_counted_problem(n, counted)) for n in notes)
    return Table(
        display, loaded.sha256, loaded.head.encoding, records, loaded.head.ignored, said, loaded.head.sheet or ""
    )


def _cell(value: int | float | None) -> str:
    """A counted value as the text a cell holds: str of an int; the shortest text that reads back as the float."""
    return "" if value is None else str(value)


def _counted_problem(p: Problem, counted: Counted) -> Problem:
    """A problem in the counted rows, named by its unit: `counted from t.csv: unit X: ...`."""
    unit = counted.units[p.line - 1] if 0 < p.line <= len(counted.units) else ""
    message = _("unit {unit}: {message}", unit=unit, message=p.message) if unit else p.message
    return replace(
        p,
        file=_("counted from {file}", file=counted.loaded.head.display),
        line=0,
        col=0,
        message=message,
        source="",
    )


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
    """The export loaded into `orders` and checked (KaopingError as count_export's), the connection closed after.

    Always DuckDB, whatever `run.engine` says: explain lists rows, which only the local table can give."""
    o = _orders(ruleset)
    window = window_of(run.period)
    with _checked(ruleset, path, window, display or str(path), sheet, lambda _stage: None) as (con, loaded, _unused):
        yield Session(con, loaded, window, o)
