"""The `orders:` rules compiled to SQL: IR -> sqlglot expressions -> text for DuckDB, Spark or Trino.

One compiler, three dialects, so the engines cannot drift apart: every query reads one table (`orders` by
default) of typed columns named by their ids, and is a chain of CTEs (design §4.2): the dedup window
(`kp_ranked`), the exclusions (`kp_flagged`), the kept orders with their units mapped through the aliases
(`kp_kept`), the working-day numbers when `workdays()` is used (`kp_cal`, joined in `kp_ranked`), one GROUP BY per unit
column (`kp_by_<col>`), and the units list LEFT JOINed to them (`kp_units`), so a listed unit with no orders
gets its zero row.

Two-valued logic, as ir.py's contract says: a comparison, membership or period test with an empty operand is
FALSE (`COALESCE(cmp, FALSE)`), so every compiled condition is TRUE or FALSE, never NULL, and NOT, AND and OR
keep it so.  Engines give exact values only: counts, integer and DECIMAL sums, min, max; a mean is given as its
sum and count (`<id>__sum`, `<id>__n`) and divided in Python.

sqlglot is imported inside the functions: this module's names (the Protocols, the column names) are read by the
reference counter and the runner without paying sqlglot's import (tests/test_cold_start.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Literal, Protocol

from .calendar import CalendarLike, numbered_days
from .ir import (
    All,
    Always,
    Any_,
    Bound,
    Col,
    ColumnType,
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
)

if TYPE_CHECKING:
    from sqlglot import exp

Dialect = Literal["duckdb", "spark", "trino"]


class ColumnLike(Protocol):
    """An order column as the compiler reads it (model.OrderColumn)."""

    @property
    def id(self) -> str: ...
    @property
    def type(self) -> ColumnType: ...
    @property
    def places(self) -> int: ...
    @property
    def filled(self) -> bool: ...


class LabelledLike(Protocol):
    """An exclusion or a check: a label and its condition."""

    @property
    def label(self) -> str: ...
    @property
    def when(self) -> Cond: ...


class DuplicatesLike(Protocol):
    @property
    def keep(self) -> Literal["latest", "earliest"] | None: ...
    @property
    def by(self) -> str | None: ...


class UnitNameLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...


class MeasureLike(Protocol):
    @property
    def input(self) -> str: ...
    @property
    def function(self) -> str: ...
    @property
    def of(self) -> str | None: ...
    @property
    def where(self) -> Cond: ...
    @property
    def unit(self) -> str: ...
    @property
    def if_none(self) -> int | float | None: ...


class OrdersLike(Protocol):
    """The parts of model.Orders the compiler and the reference counter read."""

    @property
    def columns(self) -> Sequence[ColumnLike]: ...
    @property
    def order_key(self) -> str: ...
    @property
    def unit_key(self) -> str: ...
    @property
    def dated_by(self) -> str: ...
    @property
    def duplicates(self) -> DuplicatesLike: ...
    @property
    def exclusions(self) -> Sequence[LabelledLike]: ...
    @property
    def checks(self) -> Sequence[LabelledLike]: ...
    @property
    def units(self) -> Sequence[UnitNameLike] | None: ...
    @property
    def measures(self) -> Sequence[MeasureLike]: ...
    @property
    def calendar(self) -> CalendarLike | None: ...


# ---- names shared with the reference counter and the runner (no sqlglot) ----


def unit_columns(o: OrdersLike) -> tuple[str, ...]:
    """The columns units are read from: the unit key, then each measure's own `unit`, each once."""
    return tuple(dict.fromkeys((o.unit_key, *(m.unit for m in o.measures))))


def all_conditions(o: OrdersLike) -> tuple[Cond, ...]:
    return (*(e.when for e in o.exclusions), *(c.when for c in o.checks), *(m.where for m in o.measures))


def workday_columns(o: OrdersLike) -> tuple[str, ...]:
    """The columns `workdays()` reads, each once, in the order the rules meet them."""
    found: dict[str, None] = {}
    for cond in all_conditions(o):
        _workdays_in(cond, found)
    return tuple(found)


def _workdays_in(node: Cond | Value, found: dict[str, None]) -> None:
    if isinstance(node, Workdays):
        found.update(dict.fromkeys((node.since.id, node.until.id)))
    elif isinstance(node, Compare):
        _workdays_in(node.left, found)
        _workdays_in(node.right, found)
    elif isinstance(node, (All, Any_)):
        for item in node.items:
            _workdays_in(item, found)
    elif isinstance(node, Not):
        _workdays_in(node.item, found)
    elif isinstance(node, Named):
        _workdays_in(node.cond, found)


def read_columns(o: OrdersLike) -> tuple[str, ...]:
    """Every column the rules read: two copies that differ only elsewhere are one order."""
    ids: dict[str, None] = dict.fromkeys((o.order_key, o.unit_key, o.dated_by))
    for cond in all_conditions(o):
        ids.update(dict.fromkeys(columns_read(cond)))
    for m in o.measures:
        ids.update(dict.fromkeys((m.unit, *((m.of,) if m.of else ()))))
    return tuple(ids)


def empty_columns(o: OrdersLike) -> tuple[str, ...]:
    """The columns a kept order must have filled: the `filled` ones and the unit key (the order key too,
    checked on every row)."""
    return tuple(dict.fromkeys((o.order_key, *(c.id for c in o.columns if c.filled), o.unit_key)))


def check_names(o: OrdersLike) -> tuple[str, ...]:
    """The columns of checks_sql's one row, in order (exclusions and checks numbered from 1)."""
    names = ["kp_rows", "kp_merged", "kp_conflicts"]
    names += [f"kp_excluded_{i}" for i in range(1, len(o.exclusions) + 1)]
    names += ["kp_kept", "kp_dated_in_period"]
    names += [f"kp_empty_{c}" for c in empty_columns(o)]
    names += [f"kp_fail_{i}" for i in range(1, len(o.checks) + 1)]
    if o.units is not None:
        names += [f"kp_unknown_{c}" for c in unit_columns(o)]
    names += [f"kp_outside_calendar_{c}" for c in workday_columns(o)]
    return tuple(names)


def count_names(o: OrdersLike) -> tuple[str, ...]:
    """The value columns of counts_sql after kp_unit: one per measure, a mean as `<id>__sum`, `<id>__n`."""
    return tuple(name for m in o.measures for name in count_names_of(m))


def measure_values(o: OrdersLike, row: Mapping[str, object]) -> dict[str, int | float]:
    """One unit's counted values, input -> number, from a counts row (count_names(o) -> value).

    Engines give exact values only; here they become the inputs' numbers: ints stay ints, an exact DECIMAL
    becomes the float nearest to it, a mean is float(Fraction(sum) / n), and a min, max or mean over no orders
    (NULL) is the measure's `if_none`."""
    out: dict[str, int | float] = {}
    for m in o.measures:
        got: object
        if m.function == "mean":
            total, n = row[f"{m.input}__sum"], row[f"{m.input}__n"]
            got = None if not n else float(Fraction(_exact(total)) / Fraction(_exact(n)))
        else:
            got = row[m.input]
        if got is None:
            if m.if_none is None:
                raise ValueError(f"{m.input}: no orders, and the measure has no if_none")
            got = m.if_none
        out[m.input] = float(got) if isinstance(got, Decimal) else _number(got)
    return out


def _exact(v: object) -> int | Decimal:
    if isinstance(v, (int, Decimal)):
        return v
    raise TypeError(f"an engine gave {v!r} where an exact number was expected")


def _number(v: object) -> int | float:
    if isinstance(v, (int, float)):
        return v
    raise TypeError(f"an engine gave {v!r} where a number was expected")


# ---- conditions ----


def _col(name: str, table: str | None = None) -> exp.Column:
    from sqlglot import exp

    return exp.column(name, table=table)


def _ts(moment: datetime) -> exp.Expr:
    from sqlglot import exp

    return exp.cast(exp.Literal.string(moment.strftime("%Y-%m-%d %H:%M:%S")), "TIMESTAMP")


def value_sql(v: Value, w: Window) -> exp.Expr:
    """A value of a condition; `Workdays` reads the numbers kp_ranked put beside each date."""
    from sqlglot import exp

    if isinstance(v, Col):
        return _col(v.id)
    if isinstance(v, Text):
        return exp.Literal.string(v.value)
    if isinstance(v, Num):
        return exp.Literal.number(str(v.value))
    if isinstance(v, Bound):
        return _ts(w.start if v.which == "start" else w.end)
    if isinstance(v, Shift):
        step = exp.Interval(this=exp.Literal.string(str(abs(v.seconds))), unit=exp.var("SECOND"))
        base = value_sql(v.base, w)
        return exp.Sub(this=base, expression=step) if v.seconds < 0 else exp.Add(this=base, expression=step)
    return exp.Sub(this=_col(f"kp_n_{v.until.id}"), expression=_col(f"kp_n_{v.since.id}"))


_OPS = {"==": "EQ", "!=": "NEQ", "<": "LT", "<=": "LTE", ">": "GT", ">=": "GTE"}


def _two_valued(e: exp.Expr) -> exp.Expr:
    from sqlglot import exp

    return exp.func("COALESCE", e, exp.false())


def cond_sql(c: Cond, w: Window) -> exp.Expr:
    """A condition as a SQL boolean that is never NULL."""
    from sqlglot import exp

    if isinstance(c, Compare):
        node: type[exp.Expr] = getattr(exp, _OPS[c.op])
        return _two_valued(node(this=value_sql(c.left, w), expression=value_sql(c.right, w)))
    if isinstance(c, Member):
        options = [exp.Literal.string(o) if isinstance(o, str) else exp.Literal.number(str(o)) for o in c.options]
        return _two_valued(_col(c.column.id).isin(*options)) if options else exp.false()
    if isinstance(c, InPeriod):
        v = value_sql(c.value, w)
        return _two_valued(exp.and_(v.copy() >= _ts(w.start), v < _ts(w.end)))
    if isinstance(c, Filled):
        return exp.Not(this=exp.Is(this=_col(c.column.id), expression=exp.null()))
    if isinstance(c, All):
        return exp.and_(*(cond_sql(i, w) for i in c.items)) if c.items else exp.true()
    if isinstance(c, Any_):
        return exp.or_(*(cond_sql(i, w) for i in c.items)) if c.items else exp.false()
    if isinstance(c, Not):
        return exp.Not(this=exp.paren(cond_sql(c.item, w), copy=False))
    if isinstance(c, Named):
        inner = exp.paren(cond_sql(c.cond, w), copy=False)
        inner.add_comments([f" {c.label} "])
        return inner
    assert isinstance(c, Always)
    return exp.true()


# ---- the CTE chain ----


def _ranked(o: OrdersLike, table: str) -> exp.Select:
    import sqlglot
    from sqlglot import exp

    # Without `duplicates`, the window is ordered by the order key itself: every copy ties (rank 1, so any two
    # that differ are a conflict), and Spark, which refuses an unordered ROW_NUMBER or RANK, accepts it.  An
    # empty `by` sorts last in every dialect (NULLS LAST, spelled out: Spark's default differs).
    d = o.duplicates
    by, desc = (d.by, d.keep == "latest") if d.keep is not None and d.by is not None else (o.order_key, False)

    def window(fn: exp.Expr, ordered: bool) -> exp.Window:
        # qualified: an order column named `day` or `n` would otherwise meet kp_cal's
        key = exp.Ordered(this=_col(by, "kp_o"), desc=desc, nulls_first=False)
        order = exp.Order(expressions=[key]) if ordered else None
        return exp.Window(this=fn, partition_by=[_col(o.order_key, "kp_o")], order=order)

    q = sqlglot.select(
        exp.column(exp.Star(), table="kp_o"),
        *(exp.alias_(_col("n", f"kp_w_{c}"), f"kp_n_{c}") for c in workday_columns(o)),
        exp.alias_(window(exp.RowNumber(), True), "kp_pick"),
        exp.alias_(window(exp.func("RANK"), True), "kp_rank"),
        exp.alias_(window(exp.Count(this=exp.Star()), False), "kp_copies"),
    ).from_(exp.alias_(exp.to_table(table), "kp_o", table=True))
    # Every date workdays() reads gets its number here, before the exclusions, which may use it too.
    for c in workday_columns(o):
        on = exp.EQ(this=_col("day", f"kp_w_{c}"), expression=exp.cast(_col(c, "kp_o"), "DATE"))
        q = q.join(exp.alias_(exp.to_table("kp_cal"), f"kp_w_{c}", table=True), on=on, join_type="LEFT", copy=False)
    return q


def _flagged(o: OrdersLike, w: Window) -> exp.Select:
    import sqlglot
    from sqlglot import exp

    case = exp.Case(default=exp.Literal.number(0))
    for i, e in enumerate(o.exclusions, 1):
        case = case.when(cond_sql(e.when, w), exp.Literal.number(i))
    excluded = case if o.exclusions else exp.Literal.number(0)
    return sqlglot.select(exp.Star(), exp.alias_(excluded, "kp_excluded_by")).from_("kp_ranked").where("kp_pick = 1")


def _mapped(o: OrdersLike, column: str) -> exp.Expr:
    """The unit a cell names: an alias becomes its unit's name."""
    from sqlglot import exp

    pairs = [(a, u.name) for u in (o.units or ()) for a in u.aliases]
    if not pairs:
        return _col(column)
    case = exp.Case(this=_col(column), default=_col(column))
    for alias, name in pairs:
        case = case.when(exp.Literal.string(alias), exp.Literal.string(name))
    return case


def _kept(o: OrdersLike) -> exp.Select:
    import sqlglot
    from sqlglot import exp

    units = [exp.alias_(_mapped(o, c), f"kp_u_{c}") for c in unit_columns(o)]
    return sqlglot.select(exp.Star(), *units).from_("kp_flagged").where("kp_excluded_by = 0")


def _cal(cal: CalendarLike) -> exp.Select:
    import sqlglot
    from sqlglot import exp

    rows = [(exp.cast(exp.Literal.string(d.isoformat()), "DATE"), exp.Literal.number(n)) for d, n in numbered_days(cal)]
    return sqlglot.select(exp.Star()).from_(exp.values(rows, alias="t", columns=["day", "n"]))


def _measure(m: MeasureLike, w: Window) -> list[exp.Expr]:
    from sqlglot import exp

    where = cond_sql(m.where, w)
    of = _col(m.of) if m.of else exp.Literal.number(1)
    picked = exp.Case().when(where, of)
    if m.function == "count":
        return [exp.alias_(exp.Count(this=picked), m.input)]
    if m.function == "count_distinct":
        return [exp.alias_(exp.Count(this=exp.Distinct(expressions=[picked])), m.input)]
    if m.function == "mean":
        return [
            exp.alias_(exp.Sum(this=picked), f"{m.input}__sum"),
            exp.alias_(exp.Count(this=picked.copy()), f"{m.input}__n"),
        ]
    fn = {"sum": exp.Sum, "min": exp.Min, "max": exp.Max}[m.function]
    return [exp.alias_(fn(this=picked), m.input)]


def _by(o: OrdersLike, column: str, w: Window, source: str) -> exp.Select:
    import sqlglot
    from sqlglot import exp

    values = [v for m in o.measures if m.unit == column for v in _measure(m, w)]
    unit = _col(f"kp_u_{column}")
    return (
        sqlglot.select(exp.alias_(unit, "kp_unit"), *values)
        .from_(source)
        .where(exp.Not(this=exp.Is(this=unit.copy(), expression=exp.null())))
        .group_by(unit.copy())
    )


def _units(o: OrdersLike, measured: Sequence[str]) -> exp.Expr:
    import sqlglot
    from sqlglot import exp

    if o.units is not None:
        rows = [(exp.Literal.string(u.name), exp.Literal.number(i)) for i, u in enumerate(o.units, 1)]
        return sqlglot.select(exp.Star()).from_(exp.values(rows, alias="t", columns=["kp_unit", "kp_position"]))
    parts = [sqlglot.select("kp_unit").from_(f"kp_by_{c}") for c in measured]
    query: exp.Expr = parts[0]
    for part in parts[1:]:
        query = exp.union(query, part, distinct=True)
    return query


def _chain(o: OrdersLike, w: Window, table: str) -> list[tuple[str, exp.Expr]]:
    """kp_cal when workdays() is used, then kp_ranked, kp_flagged and kp_kept."""
    ctes: list[tuple[str, exp.Expr]] = []
    if workday_columns(o):
        if o.calendar is None:
            raise ValueError("workdays() needs the ruleset's calendar")
        ctes.append(("kp_cal", _cal(o.calendar)))
    ctes += [("kp_ranked", _ranked(o, table)), ("kp_flagged", _flagged(o, w)), ("kp_kept", _kept(o))]
    return ctes


def _with(ctes: Sequence[tuple[str, exp.Expr]], final: exp.Select) -> exp.Select:
    for name, query in ctes:
        final = final.with_(name, as_=query, copy=False)
    return final


def counts_expression(o: OrdersLike, w: Window, table: str = "orders") -> exp.Select:
    """The counts query: kp_unit, then count_names(o), one row a unit (a listed unit with no orders gets zeros)."""
    import sqlglot
    from sqlglot import exp

    ctes = _chain(o, w, table)
    source = "kp_kept"
    measured = tuple(dict.fromkeys(m.unit for m in o.measures))
    ctes += [(f"kp_by_{c}", _by(o, c, w, source)) for c in measured]
    ctes.append(("kp_units", _units(o, measured)))
    q = sqlglot.select(_col("kp_unit", "kp_units"))
    for m in o.measures:
        for name in count_names_of(m):
            value: exp.Expr = _col(name, f"kp_by_{m.unit}")
            if m.function in ("count", "count_distinct", "sum") or name.endswith("__n"):
                value = exp.func("COALESCE", value, exp.Literal.number(0))
            q = q.select(exp.alias_(value, name))
    q = q.from_("kp_units")
    for c in measured:
        on = exp.EQ(this=_col("kp_unit", f"kp_by_{c}"), expression=_col("kp_unit", "kp_units"))
        q = q.join(exp.to_table(f"kp_by_{c}"), on=on, join_type="LEFT", copy=False)
    order = _col("kp_position", "kp_units") if o.units is not None else _col("kp_unit", "kp_units")
    return _with(ctes, q.order_by(order))


def count_names_of(m: MeasureLike) -> tuple[str, ...]:
    return (f"{m.input}__sum", f"{m.input}__n") if m.function == "mean" else (m.input,)


def _count_if(cond: exp.Expr, alias: str) -> exp.Expr:
    from sqlglot import exp

    return exp.alias_(exp.Count(this=exp.Case().when(cond, exp.Literal.number(1))), alias)


def _conflicts(o: OrdersLike) -> exp.Select:
    """Orders whose top copies differ in a column the rules read: some column has two values, or is empty in
    one copy and filled in another.  Per column, so no separator or NULL marker can make two copies look alike."""
    import sqlglot
    from sqlglot import exp

    differs: list[exp.Expr] = []
    for c in read_columns(o):
        if c == o.order_key:
            continue
        distinct = exp.Count(this=exp.Distinct(expressions=[_col(c)]))
        filled = exp.Count(this=_col(c))
        differs += [distinct > 1, exp.and_(filled > 0, filled.copy() < exp.Count(this=exp.Star()))]
    having = exp.or_(*differs) if differs else exp.false()
    return (
        sqlglot.select(_col(o.order_key))
        .from_("kp_ranked")
        .where("kp_rank = 1 AND kp_copies > 1")
        .group_by(_col(o.order_key))
        .having(having)
    )


def _kept_counters(o: OrdersLike, w: Window) -> list[exp.Expr]:
    from sqlglot import exp

    out = [exp.alias_(exp.Count(this=exp.Star()), "kp_kept")]
    out.append(_count_if(cond_sql(InPeriod(Col(o.dated_by, "datetime")), w), "kp_dated_in_period"))
    for c in empty_columns(o):
        if c != o.order_key:
            out.append(_count_if(exp.Is(this=_col(c), expression=exp.null()), f"kp_empty_{c}"))
    for i, check in enumerate(o.checks, 1):
        out.append(_count_if(exp.Not(this=exp.paren(cond_sql(check.when, w), copy=False)), f"kp_fail_{i}"))
    if o.units is not None:
        names = [exp.Literal.string(u.name) for u in o.units]
        for c in unit_columns(o):
            unit = _col(f"kp_u_{c}")
            known = unit.copy().isin(*(n.copy() for n in names))
            filled = exp.Not(this=exp.Is(this=unit, expression=exp.null()))
            out.append(_count_if(exp.and_(filled, exp.Not(this=known)), f"kp_unknown_{c}"))
    for c in workday_columns(o):
        outside = exp.and_(
            exp.Not(this=exp.Is(this=_col(c), expression=exp.null())),
            exp.Is(this=_col(f"kp_n_{c}"), expression=exp.null()),
        )
        out.append(_count_if(outside, f"kp_outside_calendar_{c}"))
    return out


def checks_expression(o: OrdersLike, w: Window, table: str = "orders") -> exp.Select:
    """One row, check_names(o): the rows, merged copies, conflicts, exclusions, kept and dated orders, and the
    problems (empty cells, failed checks, unknown units, dates outside the calendar), each a count."""
    import sqlglot
    from sqlglot import exp

    ctes = _chain(o, w, table)
    ctes.append(("kp_conflicting", _conflicts(o)))
    source = "kp_kept"
    rows = sqlglot.select(
        exp.alias_(exp.Count(this=exp.Star()), "kp_rows"),
        _count_if(exp.and_(exp.column("kp_pick").eq(1), exp.column("kp_copies") > 1), "kp_merged"),
        _count_if(exp.Is(this=_col(o.order_key), expression=exp.null()), f"kp_empty_{o.order_key}"),
    ).from_("kp_ranked")
    flagged = sqlglot.select(
        *(_count_if(exp.column("kp_excluded_by").eq(i), f"kp_excluded_{i}") for i in range(1, len(o.exclusions) + 1))
    ).from_("kp_flagged")
    ctes.append(("kp_c_rows", rows))
    if o.exclusions:
        ctes.append(("kp_c_excluded", flagged))
    ctes.append(("kp_c_kept", sqlglot.select(*_kept_counters(o, w)).from_(source)))
    ctes.append(
        (
            "kp_c_conflicts",
            sqlglot.select(exp.alias_(exp.Count(this=exp.Star()), "kp_conflicts")).from_("kp_conflicting"),
        )
    )
    tables = ["kp_c_rows", "kp_c_conflicts", *(["kp_c_excluded"] if o.exclusions else []), "kp_c_kept"]
    final = sqlglot.select(*(exp.column(n) for n in check_names(o))).from_(tables[0])
    for t in tables[1:]:
        final = final.join(exp.to_table(t), join_type="CROSS", copy=False)
    return _with(ctes, final)


def render(e: exp.Expr, d: Dialect) -> str:
    """SQL text in a dialect, every identifier quoted (a column id may be a keyword somewhere), pretty."""
    return e.sql(dialect=d, identify=True, pretty=True)


def counts_sql(o: OrdersLike, w: Window, d: Dialect, table: str = "orders") -> str:
    return render(counts_expression(o, w, table), d)


def checks_sql(o: OrdersLike, w: Window, d: Dialect, table: str = "orders") -> str:
    return render(checks_expression(o, w, table), d)


# ---- the error path: which rows a non-zero counter stands for, and the months an export covers ----


def _rows_where(source: str, where: exp.Expr, cells: Sequence[str], limit: int) -> exp.Select:
    import sqlglot

    return (
        sqlglot.select(_col("kp_row"), *(_col(c) for c in cells))
        .from_(source)
        .where(where)
        .order_by(_col("kp_row"))
        .limit(limit)
    )


def _unknown_units(o: OrdersLike, column: str, limit: int) -> exp.Select:
    """One row per unknown unit name: the cell, how many kept orders name it, the first of them."""
    import sqlglot
    from sqlglot import exp

    unit = _col(f"kp_u_{column}")
    known = unit.copy().isin(*(exp.Literal.string(u.name) for u in (o.units or ())))
    first = exp.alias_(exp.Min(this=_col("kp_row")), "kp_first")
    return (
        sqlglot.select(_col(column), exp.alias_(exp.Count(this=exp.Star()), "kp_orders"), first)
        .from_("kp_kept")
        .where(exp.and_(exp.Not(this=exp.Is(this=unit, expression=exp.null())), exp.Not(this=known)))
        .group_by(_col(column))
        .order_by(_col("kp_first"))
        .limit(limit)
    )


def _conflicting_rows(o: OrdersLike, limit: int) -> tuple[list[tuple[str, exp.Expr]], exp.Select]:
    """The top copies of the first `limit` conflicting orders (by their first row): kp_row, the order key,
    then every other column the rules read, ordered by the order's first row, then the copy's."""
    import sqlglot
    from sqlglot import exp

    key = o.order_key
    top = exp.and_(exp.column("kp_rank").eq(1), exp.column("kp_copies") > 1)
    firsts = (
        sqlglot.select(_col(key), exp.alias_(exp.Min(this=_col("kp_row")), "kp_first"))
        .from_("kp_ranked")
        .where(exp.and_(top, _col(key).isin(query=sqlglot.select(_col(key)).from_("kp_conflicting"))))
        .group_by(_col(key))
        .order_by(_col("kp_first"))
        .limit(limit)
    )
    read = conflict_columns(o)
    on = exp.EQ(this=_col(key, "kp_r"), expression=_col(key, "kp_f"))
    final = (
        sqlglot.select(
            _col("kp_row", "kp_r"), _col(key, "kp_r"), _col("kp_copies", "kp_r"), *(_col(c, "kp_r") for c in read)
        )
        .from_(exp.alias_(exp.to_table("kp_ranked"), "kp_r", table=True))
        .join(exp.alias_(exp.to_table("kp_firsts"), "kp_f", table=True), on=on, join_type="INNER", copy=False)
        .where(exp.and_(exp.column("kp_rank", "kp_r").eq(1), exp.column("kp_copies", "kp_r") > 1))
        .order_by(_col("kp_first", "kp_f"), _col("kp_row", "kp_r"))
    )
    return [("kp_conflicting", _conflicts(o)), ("kp_firsts", firsts)], final


def conflict_columns(o: OrdersLike) -> tuple[str, ...]:
    """The cells a conflict's rows carry after kp_row, the order key and kp_copies: the columns the rules read
    (less the key), then `duplicates.by` (the value the copies tie on) when the rules do not read it."""
    read = [c for c in read_columns(o) if c != o.order_key]
    by = o.duplicates.by
    return tuple(read + ([by] if by is not None and by not in read else []))


def locate_expression(o: OrdersLike, w: Window, problem: str, table: str = "orders", limit: int = 101) -> exp.Select:
    """The rows behind one of checks_sql's problem counters (a name of check_names(o)), for its messages.

    - `kp_conflicts`: kp_row, the order key, kp_copies (all its copies), then conflict_columns(o):
      each top copy of a conflicting order, grouped by order (at most `limit` orders);
    - `kp_empty_<col>`: kp_row (the order key on every row, the others on kept orders);
    - `kp_fail_<i>`: kp_row, then the columns the check reads;
    - `kp_unknown_<col>`: one row per unknown name: the cell, kp_orders, kp_first (the first kp_row);
    - `kp_outside_calendar_<col>`: kp_row and the date.
    Rows in kp_row order, at most `limit` (101: one more than is shown tells there are more).  The table
    must have kp_row, as the DuckDB reader's does."""
    from sqlglot import exp

    ctes = _chain(o, w, table)
    if problem == "kp_conflicts":
        more, final = _conflicting_rows(o, limit)
        return _with([*ctes, *more], final)
    if problem == f"kp_empty_{o.order_key}":
        final = _rows_where(table, exp.Is(this=_col(o.order_key), expression=exp.null()), (), limit)
        return final
    for c in empty_columns(o):
        if problem == f"kp_empty_{c}":
            return _with(ctes, _rows_where("kp_kept", exp.Is(this=_col(c), expression=exp.null()), (), limit))
    for i, check in enumerate(o.checks, 1):
        if problem == f"kp_fail_{i}":
            failed = exp.Not(this=exp.paren(cond_sql(check.when, w), copy=False))
            return _with(ctes, _rows_where("kp_kept", failed, columns_read(check.when), limit))
    for c in unit_columns(o):
        if problem == f"kp_unknown_{c}" and o.units is not None:
            return _with(ctes, _unknown_units(o, c, limit))
    for c in workday_columns(o):
        if problem == f"kp_outside_calendar_{c}":
            outside = exp.and_(
                exp.Not(this=exp.Is(this=_col(c), expression=exp.null())),
                exp.Is(this=_col(f"kp_n_{c}"), expression=exp.null()),
            )
            return _with(ctes, _rows_where("kp_kept", outside, (c,), limit))
    raise ValueError(f"{problem!r} is not a problem counter of checks_sql")


def locate_sql(o: OrdersLike, w: Window, d: Dialect, problem: str, table: str = "orders", limit: int = 101) -> str:
    return render(locate_expression(o, w, problem, table, limit), d)


def months_expression(o: OrdersLike, w: Window, table: str = "orders") -> exp.Select:
    """The months the kept orders are dated in (by `period.dated_by`): kp_year, kp_month, kp_orders, in order.

    The window matters only where an exclusion reads it (`in period`): the same orders as the counts keep."""
    import sqlglot
    from sqlglot import exp

    dated = _col(o.dated_by)
    year, month = exp.Year(this=dated.copy()), exp.Month(this=dated.copy())
    q = (
        sqlglot.select(
            exp.alias_(year, "kp_year"),
            exp.alias_(month, "kp_month"),
            exp.alias_(exp.Count(this=exp.Star()), "kp_orders"),
        )
        .from_("kp_kept")
        .where(exp.Not(this=exp.Is(this=dated, expression=exp.null())))
        .group_by(year.copy(), month.copy())
        .order_by(_col("kp_year"), _col("kp_month"))
    )
    return _with(_chain(o, w, table), q)


def months_sql(o: OrdersLike, w: Window, d: Dialect, table: str = "orders") -> str:
    return render(months_expression(o, w, table), d)
