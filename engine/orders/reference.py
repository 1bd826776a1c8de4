"""The plain-Python reference counter: what checks_sql and counts_sql compute, one order at a time.

It shares no code with the SQL compiler beyond the IR and the output names, so a differential test holding
DuckDB (and Spark) to it catches a wrong compilation: dedup by values (the copy with the latest or earliest
`by`), exclusions in order, the checks, unit aliases, and the measures, with ir.py's two-valued logic.  Rows
are dicts of column id -> an already typed value (str, int, Decimal, datetime, or None for an empty cell).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from .calendar import numbering
from .ir import (
    All,
    Always,
    Any_,
    Bound,
    Col,
    Compare,
    Cond,
    Filled,
    InPeriod,
    Member,
    Named,
    Not,
    Num,
    Shift,
    Text,
    Value,
    Window,
    Workdays,
)
from .sql import (
    OrdersLike,
    check_names,
    count_names_of,
    empty_columns,
    read_columns,
    unit_columns,
    workday_columns,
)

Cell = str | int | Decimal | datetime | None
Row = Mapping[str, Cell]

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@dataclass(frozen=True, slots=True)
class ReferenceResult:
    """checks: check_names(o) -> count; counts: unit -> count_names(o) -> value (None: no such orders)."""

    checks: dict[str, int]
    counts: dict[str, dict[str, int | Decimal | None]]


def value(v: Value, row: Row, w: Window, days: Mapping[date, int]) -> Cell:
    """A value of a condition on one row; None when empty (a Workdays date outside the calendar too)."""
    if isinstance(v, Col):
        return row.get(v.id)
    if isinstance(v, Text):
        return v.value
    if isinstance(v, Num):
        return v.value
    if isinstance(v, Bound):
        return w.start if v.which == "start" else w.end
    if isinstance(v, Shift):
        base = value(v.base, row, w, days)
        return None if base is None else base + timedelta(seconds=v.seconds)  # type: ignore[operator]
    assert isinstance(v, Workdays)
    since, until = row.get(v.since.id), row.get(v.until.id)
    if not isinstance(since, datetime) or not isinstance(until, datetime):
        return None
    a, b = days.get(since.date()), days.get(until.date())
    return None if a is None or b is None else b - a


def evaluate(c: Cond, row: Row, w: Window, days: Mapping[date, int]) -> bool:
    """A condition on one row, two-valued: an empty operand makes a comparison false."""
    if isinstance(c, Compare):
        left, right = value(c.left, row, w, days), value(c.right, row, w, days)
        return left is not None and right is not None and _OPS[c.op](left, right)
    if isinstance(c, Member):
        cell = row.get(c.column.id)
        return cell is not None and cell in c.options
    if isinstance(c, InPeriod):
        moment = value(c.value, row, w, days)
        return isinstance(moment, datetime) and w.start <= moment < w.end
    if isinstance(c, Filled):
        return row.get(c.column.id) is not None
    if isinstance(c, All):
        return all(evaluate(i, row, w, days) for i in c.items)
    if isinstance(c, Any_):
        return any(evaluate(i, row, w, days) for i in c.items)
    if isinstance(c, Not):
        return not evaluate(c.item, row, w, days)
    if isinstance(c, Named):
        return evaluate(c.cond, row, w, days)
    assert isinstance(c, Always)
    return True


def _picked(o: OrdersLike, rows: Sequence[Row]) -> tuple[list[Row], int, int]:
    """The copy of each order that counts, the orders exported more than once, and those whose top copies
    differ in a column the rules read (a conflict: no value says which counts)."""
    groups: dict[Cell, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.get(o.order_key), []).append(row)
    d = o.duplicates
    read = [c for c in read_columns(o) if c != o.order_key]
    picked, merged, conflicts = [], 0, 0
    for copies in groups.values():
        top = copies
        if d.keep is not None and d.by is not None and len(copies) > 1:
            by = d.by
            # An empty `by` (an error of its own: the column is `filled`) sorts last, as NULLS LAST does.
            dated = [r[by] for r in copies if r.get(by) is not None]
            best = (max if d.keep == "latest" else min)(dated) if dated else None  # type: ignore[type-var]
            top = [r for r in copies if r.get(by) == best]
        merged += len(copies) > 1
        if len(copies) > 1 and len({tuple(r.get(c) for c in read) for r in top}) > 1:
            conflicts += 1
        picked.append(top[0])
    return picked, merged, conflicts


def _unit(o: OrdersLike, cell: Cell) -> Cell:
    aliases = {a: u.name for u in (o.units or ()) for a in u.aliases}
    return aliases.get(cell, cell) if isinstance(cell, str) else cell


def _checks(o: OrdersLike, w: Window, rows: Sequence[Row], days: Mapping[date, int]) -> dict[str, int]:
    picked, merged, conflicts = _picked(o, rows)
    out = dict.fromkeys(check_names(o), 0)
    out.update(kp_rows=len(rows), kp_merged=merged, kp_conflicts=conflicts)
    out[f"kp_empty_{o.order_key}"] = sum(r.get(o.order_key) is None for r in rows)
    kept = []
    for row in picked:
        first = next((i for i, e in enumerate(o.exclusions, 1) if evaluate(e.when, row, w, days)), 0)
        if first:
            out[f"kp_excluded_{first}"] += 1
        else:
            kept.append(row)
    out["kp_kept"] = len(kept)
    out["kp_dated_in_period"] = sum(evaluate(InPeriod(Col(o.dated_by, "datetime")), r, w, days) for r in kept)
    for c in empty_columns(o):
        if c != o.order_key:
            out[f"kp_empty_{c}"] = sum(r.get(c) is None for r in kept)
    for i, check in enumerate(o.checks, 1):
        out[f"kp_fail_{i}"] = sum(not evaluate(check.when, r, w, days) for r in kept)
    if o.units is not None:
        names = {u.name for u in o.units}
        for c in unit_columns(o):
            out[f"kp_unknown_{c}"] = sum(_unit(o, r.get(c)) not in names | {None} for r in kept)
    for c in workday_columns(o):
        out[f"kp_outside_calendar_{c}"] = sum(_outside(r.get(c), days) for r in kept)
    return out


def _outside(cell: Cell, days: Mapping[date, int]) -> bool:
    return isinstance(cell, datetime) and cell.date() not in days


def kept_rows(o: OrdersLike, w: Window, rows: Sequence[Row], days: Mapping[date, int]) -> list[Row]:
    """The orders counted: one copy each, none an exclusion holds for."""
    picked, _, _ = _picked(o, rows)
    return [r for r in picked if not any(evaluate(e.when, r, w, days) for e in o.exclusions)]


def _aggregate(function: str, values: list[Any]) -> dict[str, int | Decimal | None] | int | Decimal | None:
    if function == "count":
        return len(values)
    present = [v for v in values if v is not None]
    if function == "count_distinct":
        return len(set(present))
    total: int | Decimal = sum(present, 0)
    if function == "sum":
        return total
    if function == "mean":
        return {"sum": total if present else None, "n": len(present)}
    if not present:
        return None
    result: int | Decimal = (min if function == "min" else max)(present)
    return result


def _counts(
    o: OrdersLike, w: Window, kept: Sequence[Row], days: Mapping[date, int]
) -> dict[str, dict[str, int | Decimal | None]]:
    units: Iterable[Cell]
    if o.units is not None:
        units = [u.name for u in o.units]
    else:
        found = {_unit(o, r.get(c)) for c in dict.fromkeys(m.unit for m in o.measures) for r in kept}
        units = sorted(u for u in found if isinstance(u, str))
    counts: dict[str, dict[str, int | Decimal | None]] = {}
    for unit in units:
        assert isinstance(unit, str)
        values: dict[str, int | Decimal | None] = {}
        for m in o.measures:
            mine = [r for r in kept if _unit(o, r.get(m.unit)) == unit and evaluate(m.where, r, w, days)]
            got = _aggregate(m.function, [r.get(m.of) if m.of else 1 for r in mine])
            if isinstance(got, dict):
                sum_name, n_name = count_names_of(m)
                values[sum_name], values[n_name] = got["sum"], got["n"]
            else:
                values[m.input] = got
        counts[unit] = values
    return counts


def count_reference(o: OrdersLike, w: Window, rows: Sequence[Row]) -> ReferenceResult:
    """checks_sql's and counts_sql's values, in plain Python."""
    days = numbering(o.calendar) if o.calendar is not None else {}
    kept = kept_rows(o, w, rows, days)
    return ReferenceResult(_checks(o, w, rows, days), _counts(o, w, kept, days))
