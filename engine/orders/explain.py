"""What `kaoping sql` prints, and explain's view of an export: each count's funnel and the orders behind it.

`sql_script` is the compiled SQL for a warehouse whose orders already sit in a typed table: a comment header
naming the columns that table must have (`expected_columns`), then sql.py's checks and counts queries.

The funnel (`explain_sql`) and the order lists (`orders_sql`) are built on sql.py's own CTE chain (the dedup
window, the exclusions, the kept orders with their units mapped): the same builders the counts query uses, so
the last step of a count's funnel is the count itself, never a second opinion.  They run on the `orders` table
of run.counting()'s session (DuckDB, loaded and checked).  Each step is a conjunct of the measure's `where`
(ir.conjuncts: `is_due and is_closed` is two steps, a named condition one step under its label); a step's "in"
is the orders of the unit that pass it and every step before, its "out" those the step itself drops.

sqlglot is imported inside the functions (tests/test_cold_start.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from ..errors import did_you_mean, fail
from ..frozen import frozen
from ..i18n import _
from . import code, listed
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
    columns_read,
    conjuncts,
)
from .sql import Dialect, checks_sql, counts_sql, measure_values

if TYPE_CHECKING:
    from sqlglot import exp

    from .model import Measure, Orders
    from .run import Session

SQL_TYPES = {"id": "VARCHAR", "text": "VARCHAR", "integer": "BIGINT", "datetime": "TIMESTAMP"}


def sql_type(column_type: str, places: int) -> str:
    """The SQL type an order column is read as (design §4.3): DECIMAL(38, places) for a number."""
    return f"DECIMAL(38, {places})" if column_type == "number" else SQL_TYPES[column_type]


def expected_columns(o: Orders) -> list[tuple[str, str, str]]:
    """(id, SQL type, label) of every order column: what the table `kaoping sql` reads must have."""
    return [(c.id, sql_type(c.type, c.places), c.label) for c in o.columns]


def _typed_in(sql_type_text: str, d: Dialect) -> str:
    """A generic SQL type as the dialect spells it (VARCHAR is Spark's STRING)."""
    from sqlglot import exp

    return exp.DataType.build(sql_type_text).sql(dialect=d)


def _moment(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


def sql_script(ref: str, key_label: str, o: Orders, w: Window, d: Dialect, table: str = "orders") -> str:
    """`kaoping sql`'s text: the header, then the checks query and the counts query, each ending in `;`."""
    ids = [code(c) for c, _type, _label in expected_columns(o)]
    width = max(len(c) for c in ids)
    columns = [
        f"--   {cid.ljust(width)}  {_typed_in(t, d)} ({label})"
        for cid, (_id, t, label) in zip(ids, expected_columns(o), strict=True)
    ]
    start, end = _moment(w.start), _moment(w.end)
    header = [
        _(
            "-- kaoping sql: {ref}, period {month} [{start}, {end}), dialect {dialect}",
            ref=ref,
            month=w.month,
            start=start,
            end=end,
            dialect=d,
        ),
        _(
            "-- Both queries read the table {table}: one row an order as exported (every copy of a repeated order,\n"
            "-- the rows orders.exclude leaves out included), a column per order column below, typed, named by id.\n"
            "-- An empty cell is NULL and text is trimmed. A column the export lacks holds its default.",
            table=table,
        ),
        *columns,
        "",
        _(
            "-- 1. checks: one row. kp_conflicts and every kp_empty_*, kp_fail_*, kp_unknown_* and\n"
            "-- kp_outside_calendar_* must be 0; the other columns count rows, merged copies and exclusions."
        ),
        checks_sql(o, w, d, table) + ";",
        "",
        _(
            "-- 2. counts: one row per unit; mean as <id>__sum, <id>__n; rates, scores and rounding are kaoping's\n"
            "-- (save as CSV with kp_unit headed {key_label}, then kaoping evaluate -r {ref} that.csv)",
            key_label=key_label,
            ref=ref,
        ),
        counts_sql(o, w, d, table) + ";",
    ]
    return "\n".join(header) + "\n"


# ---- conditions as text (a step that is not a named condition is shown as the rules would write it) ----


def value_text(v: Value) -> str:
    if isinstance(v, Col):
        return v.id
    if isinstance(v, Text):
        return repr(v.value)
    if isinstance(v, Num):
        return str(v.value)
    if isinstance(v, Bound):
        return f"period_{v.which}"
    if isinstance(v, Shift):
        return f"{value_text(v.base)} {'-' if v.seconds < 0 else '+'} {_duration(abs(v.seconds))}"
    assert isinstance(v, Workdays)
    return f"workdays({v.since.id}, {v.until.id})"


def _duration(seconds: int) -> str:
    for name, size in (("days", 86_400), ("hours", 3_600)):
        if seconds % size == 0:
            return f"{name}({seconds // size})"
    return f"minutes({seconds // 60})" if seconds % 60 == 0 else f"minutes({seconds / 60:g})"


def cond_text(c: Cond) -> str:
    """A condition as the rules would write it (a named one by its id)."""
    if isinstance(c, Compare):
        return f"{value_text(c.left)} {c.op} {value_text(c.right)}"
    if isinstance(c, Member):
        return f"{c.column.id} in [{', '.join(repr(x) if isinstance(x, str) else str(x) for x in c.options)}]"
    if isinstance(c, InPeriod):
        return f"{value_text(c.value)} in period"
    if isinstance(c, Filled):
        return f"filled({c.column.id})"
    if isinstance(c, Not):
        return _negated(c.item)
    if isinstance(c, (All, Any_)):
        word = " and " if isinstance(c, All) else " or "
        return word.join(_grouped(i) for i in c.items)
    if isinstance(c, Named):
        return c.id
    assert isinstance(c, Always)
    return _("every order")


def _negated(c: Cond) -> str:
    if isinstance(c, Filled):
        return f"empty({c.column.id})"
    if isinstance(c, Member):
        return cond_text(c).replace(" in [", " not in [", 1)
    return f"not {_grouped(c)}"


def _grouped(c: Cond) -> str:
    return f"({cond_text(c)})" if isinstance(c, (All, Any_)) else cond_text(c)


def step_label(c: Cond) -> str:
    """A funnel step's name: a named condition's label, else its text."""
    return c.label if isinstance(c, Named) else cond_text(c)


# ---- the funnel and the order lists, on sql.py's chain ----


def measure_of(o: Orders, name: str) -> Measure:
    """The measure filling input `name`; explain.not-a-measure (with a did-you-mean) for any other name."""
    for m in o.measures:
        if m.input == name:
            return m
    known = [m.input for m in o.measures]
    hint = did_you_mean(name, known) or _("the counted inputs are: {inputs}", inputs=listed([code(k) for k in known]))
    message = _("'{name}' is not an input counted from orders", name=name)
    raise fail("--orders", message, hint, code="explain.not-a-measure")


def _unit_is(column: str, unit: str) -> exp.Expr:
    from sqlglot import exp

    return exp.EQ(this=exp.column(f"kp_u_{column}"), expression=exp.Literal.string(unit))


def _steps_upto(m: Measure, w: Window, upto: int) -> list[exp.Expr]:
    from .sql import cond_sql

    return [cond_sql(s, w) for s in conjuncts(m.where)[:upto]]


def _counter(conds: Sequence[exp.Expr], alias: str) -> exp.Expr:
    from sqlglot import exp

    case = exp.Case().when(exp.and_(*conds) if len(conds) > 1 else conds[0], exp.Literal.number(1))
    return exp.alias_(exp.Count(this=case), alias)


def funnel_names(o: Orders) -> list[str]:
    """explain_sql's columns after kp_rows, kp_merged and kp_excluded_<i>: kp_m<i>_s<j>, step 0 the unit's orders."""
    return [f"kp_m{i}_s{j}" for i, m in enumerate(o.measures) for j in range(len(conjuncts(m.where)) + 1)]


def explain_expression(o: Orders, w: Window, table: str, unit: str) -> exp.Select:
    """One row: the unit's rows (by the unit key, every copy), its merged orders, its orders each exclusion left
    out, then every measure's funnel (funnel_names)."""
    import sqlglot
    from sqlglot import exp

    from .sql import _chain, _mapped, _with

    ctes = _chain(o, w, table)
    mine = exp.EQ(this=_mapped(o, o.unit_key), expression=exp.Literal.string(unit))
    picked = exp.and_(exp.column("kp_pick").eq(1), exp.column("kp_copies") > 1)
    rows = sqlglot.select(_counter([mine], "kp_rows"), _counter([mine.copy(), picked], "kp_merged")).from_("kp_ranked")
    ctes.append(("kp_e_rows", rows))
    excluded = [
        _counter([mine.copy(), exp.column("kp_excluded_by").eq(i)], f"kp_excluded_{i}")
        for i in range(1, len(o.exclusions) + 1)
    ]
    tables = ["kp_e_rows"]
    if excluded:
        ctes.append(("kp_e_excluded", sqlglot.select(*excluded).from_("kp_flagged")))
        tables.append("kp_e_excluded")
    steps = []
    for i, m in enumerate(o.measures):
        for j in range(len(conjuncts(m.where)) + 1):
            steps.append(_counter([_unit_is(m.unit, unit), *_steps_upto(m, w, j)], f"kp_m{i}_s{j}"))
    ctes.append(("kp_e_steps", sqlglot.select(*steps).from_("kp_kept")))
    tables.append("kp_e_steps")
    final = sqlglot.select(exp.Star()).from_(tables[0])
    for t in tables[1:]:
        final = final.join(exp.to_table(t), join_type="CROSS", copy=False)
    return _with(ctes, final)


def explain_sql(o: Orders, w: Window, d: Dialect, table: str, unit: str) -> str:
    from .sql import render

    return render(explain_expression(o, w, table, unit), d)


def listed_columns(o: Orders, m: Measure) -> tuple[str, ...]:
    """The columns an order list shows: the order id, the unit column, what the condition reads, the measured column."""
    return tuple(dict.fromkeys((o.order_key, m.unit, *columns_read(m.where), *((m.of,) if m.of else ()))))


def orders_sql(o: Orders, w: Window, d: Dialect, table: str, unit: str, measure: str, left_out: bool) -> str:
    """The orders behind a count (or, `left_out`, those of the unit that pass its first step and are dropped by a
    later one, with that step's label as kp_left_out_by), with listed_columns, sorted by the order id."""
    import sqlglot
    from sqlglot import exp

    from .sql import _chain, _with, cond_sql, render

    m = measure_of(o, measure)
    steps = conjuncts(m.where)
    shown: list[exp.Expr] = [exp.column(c) for c in listed_columns(o, m)]
    where: list[exp.Expr] = [_unit_is(m.unit, unit), *_steps_upto(m, w, 1 if left_out else len(steps))]
    if left_out:
        if len(steps) < 2:
            where.append(exp.false())
        else:
            case = exp.Case()
            for s in steps[1:]:
                case = case.when(exp.Not(this=exp.paren(cond_sql(s, w), copy=False)), exp.Literal.string(step_label(s)))
            shown.insert(1, exp.alias_(case, "kp_left_out_by"))
            where.append(exp.Not(this=exp.paren(exp.and_(*_steps_upto(m, w, len(steps))[1:]), copy=False)))
    q = sqlglot.select(*shown).from_("kp_kept").where(exp.and_(*where)).order_by(exp.column(o.order_key))
    return render(_with(_chain(o, w, table), q), d)


@frozen
class Step:
    label: str
    kept: int  # the unit's orders passing this step and every one before
    dropped: int  # those this step leaves out
    written: bool = False  # the label is the condition as the rules write it (code), not a named one's label


@frozen
class MeasureFunnel:
    input: str
    label: str  # the input's label
    function: str
    of: str | None
    value: int | float
    unit_column: str  # the column naming the unit (its label)
    by_unit_key: bool  # that column is the unit key (承办单位), not a measure's own (退单单位)
    orders: int  # the unit's kept orders under that column
    steps: tuple[Step, ...]


@frozen
class Funnel:
    """One unit's counting, as explain shows it before the score's explanation."""

    unit: str
    display: str
    window: Window
    rows: int
    merged: int
    excluded: tuple[tuple[str, int], ...]
    measures: tuple[MeasureFunnel, ...]


def funnel(session: Session, labels: dict[str, str], unit: str) -> Funnel:
    """The funnel of `unit` on a counting session; `labels` maps an input id to its label."""
    o, w, con = session.orders, session.window, session.con
    cur = con.execute(explain_sql(o, w, "duckdb", "orders", unit))
    names = [c[0] for c in cur.description or ()]
    row = dict(zip(names, cur.fetchone() or (), strict=True))
    values = _unit_values(session, unit)
    out = []
    for i, m in enumerate(o.measures):
        counts = [int(row[f"kp_m{i}_s{j}"]) for j in range(len(conjuncts(m.where)) + 1)]
        steps = tuple(
            Step(step_label(s), counts[j + 1], counts[j] - counts[j + 1], not isinstance(s, (Named, Always)))
            for j, s in enumerate(conjuncts(m.where))
        )
        column = o.column(m.unit).label
        out.append(
            MeasureFunnel(
                m.input,
                labels.get(m.input, m.input),
                m.function,
                m.of,
                values[m.input],
                column,
                m.unit == o.unit_key,
                counts[0],
                steps,
            )
        )
    excluded = tuple((e.label, int(row[f"kp_excluded_{i}"])) for i, e in enumerate(o.exclusions, 1))
    return Funnel(
        unit, session.loaded.head.display, w, int(row["kp_rows"]), int(row["kp_merged"]), excluded, tuple(out)
    )


def _unit_values(session: Session, unit: str) -> dict[str, int | float]:
    """The unit's counted values, by the counts query itself (so the funnel's value is count's number)."""
    cur = session.con.execute(counts_sql(session.orders, session.window, "duckdb"))
    names = [c[0] for c in cur.description or ()]
    for r in cur.fetchall():
        got = dict(zip(names, r, strict=True))
        if got["kp_unit"] == unit:
            return measure_values(session.orders, got)
    return {m.input: 0 for m in session.orders.measures}


@frozen
class OrderList:
    unit: str
    input: str
    label: str
    left_out: bool
    columns: tuple[tuple[str, str], ...]  # (column id, header label); kp_left_out_by is labelled "left out by"
    rows: tuple[tuple[object, ...], ...]


def order_list(session: Session, labels: dict[str, str], unit: str, measure: str, left_out: bool) -> OrderList:
    o = session.orders
    cur = session.con.execute(orders_sql(o, session.window, "duckdb", "orders", unit, measure, left_out))
    ids = [c[0] for c in cur.description or ()]
    heads = tuple((c, _("left out by") if c == "kp_left_out_by" else o.column(c).label) for c in ids)
    rows = tuple(tuple(_plain(v) for v in r) for r in cur.fetchall())
    return OrderList(unit, measure, labels.get(measure, measure), left_out, heads, rows)


def _plain(v: object) -> object:
    """A cell as text or a number: datetimes written as the export's first format does."""
    if isinstance(v, datetime):
        return _moment(v)
    if isinstance(v, Decimal):
        return float(v)
    return v
