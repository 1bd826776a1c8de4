"""The meaning checks and the build of `orders:` and `calendar:` (issue 11), each problem at its YAML node.

The schema has checked the shapes; here: which column a key, a measure or a rule may name and with which type,
that each condition is in the grammar (conditions.py, at its character), that every input is counted, given
by a ledger or defaulted, and that the calendar is a real one (dates within its years, make-up days on
weekends).  Imported by the loader only when the ruleset has `orders:` or `calendar:`: the unit-table path
never loads it, nor conditions.py.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ..errors import did_you_mean
from ..i18n import N_, _, current
from ..orders.conditions import ConditionError, Scope, compile_condition, uses_workdays
from ..orders.ir import Always, Cond
from ..orders.model import (
    Calendar,
    Check,
    Duplicates,
    Exclusion,
    Ledger,
    Measure,
    NamedCondition,
    OrderColumn,
    Orders,
    UnitName,
)
from .context import Context, DocPath
from .vocab import DEFAULT_DATETIME_FORMATS

FAILED: Cond = Always()
"""Stands for a condition that did not compile: its problem is reported, so no model is built with it."""
NUMERIC_INPUTS = ("integer", "number", "percent")
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"))
"""The days of the week by `date.weekday()`, as strftime('%A') names them in the C locale (and in the catalog)."""


def build_orders(ctx: Context) -> Orders | None:
    """The `orders:` model, or None when the ruleset has none (a calendar alone is then a problem)."""
    if "orders" not in ctx.doc:
        if "calendar" in ctx.doc:
            ctx.problem(
                ["calendar"],
                _("calendar: is read by workdays() in orders:, and this ruleset has no orders:"),
                _("remove calendar:, or add orders:"),
                code="calendar.unused",
                key=True,
            )
        return None
    doc = ctx.doc["orders"]
    columns = _columns(ctx)
    by_id = {c.id: c for c in columns}
    conditions = _named_conditions(ctx, by_id)
    scope = Scope(by_id, {c.id: c for c in conditions})
    exclusions = tuple(
        Exclusion(x["label"], _cond(ctx, ["orders", "exclude", i, "when"], scope)) for i, x in enumerate(doc["exclude"])
    )
    checks = tuple(
        Check(x["label"], _cond(ctx, ["orders", "checks", i, "when"], scope)) for i, x in enumerate(doc["checks"])
    )
    unit_key = _key(ctx, by_id, ["orders", "keys", "unit"], ("text",))
    measures = _measures(ctx, by_id, scope, unit_key)
    ledgers = _ledgers(ctx, {m.input for m in measures})
    calendar = build_calendar(ctx)
    _check_calendar_needed(ctx, calendar, (*exclusions, *checks, *conditions, *measures))
    return Orders(
        label=doc["label"],
        columns=columns,
        order_key=_key(ctx, by_id, ["orders", "keys", "order"], ("id", "text")),
        unit_key=unit_key,
        dated_by=_key(ctx, by_id, ["orders", "period", "dated_by"], ("datetime",)),
        duplicates=_duplicates(ctx, by_id),
        exclusions=exclusions,
        checks=checks,
        units=_units(ctx),
        conditions=conditions,
        measures=measures,
        calendar=calendar,
        ledgers=ledgers,
    )


def _columns(ctx: Context) -> tuple[OrderColumn, ...]:
    built: list[OrderColumn] = []
    headers: dict[str, str] = {}
    for i, raw in enumerate(ctx.doc["orders"]["columns"]):
        path = ["orders", "columns", i]
        column = _column(raw)
        if column.id.startswith("kp_"):
            ctx.problem(
                [*path, "id"],
                _("the column id '{id}' starts with kp_, which kaoping keeps for itself", id=column.id),
                _("choose another id"),
                code="orders.reserved-id",
            )
        if any(c.id == column.id for c in built):
            ctx.problem(
                [*path, "id"], _("the column id '{id}' is declared twice", id=column.id), code="orders.duplicate-column"
            )
        for j, header in enumerate(column.headers):
            where = [*path, "label"] if j == 0 else [*path, "aliases", j - 1]
            if headers.get(header, column.id) != column.id:
                ctx.problem(
                    where,
                    _("the header '{header}' already names the column {column}", header=header, column=headers[header]),
                    _("a header (label or alias) names one column"),
                    code="orders.duplicate-header",
                )
            headers.setdefault(header, column.id)
        _check_column_options(ctx, path, raw, column)
        built.append(column)
    return tuple(built)


def _column(raw: dict[str, Any]) -> OrderColumn:
    formats = raw.get("formats") or (DEFAULT_DATETIME_FORMATS if raw["type"] == "datetime" else ())
    return OrderColumn(
        id=raw["id"],
        type=raw["type"],
        label=raw["label"],
        aliases=tuple(raw["aliases"]),
        values=tuple(raw.get("values", ())),
        formats=tuple(formats),
        places=int(raw["places"]),
        filled=bool(raw["filled"]),
        default=raw.get("default"),
        description=raw["description"],
    )


_OPTION_TYPES = {"values": ("text", "id"), "formats": ("datetime",), "places": ("number",)}
_TAKES = {"integer": N_("a whole number"), "number": N_("a number"), "text": N_("text"), "id": N_("text")}
"""What a column's default must be, by its type (said in the message of a default that does not fit)."""


def _either(types: tuple[str, ...]) -> str:
    """One column type, or two said `a or b` (no place names more than two); in Chinese each type in backticks."""
    if len(types) == 1:
        return f"`{types[0]}`" if current() == "zh" else types[0]
    return _("{first} or {second}", first=types[0], second=types[1])


def _check_column_options(ctx: Context, path: list[Any], raw: dict[str, Any], column: OrderColumn) -> None:
    """values on text columns, formats on datetime, places on number; a default fits the type and values."""
    written = ctx.src.data["orders"]["columns"][path[-1]]
    for option, types in _OPTION_TYPES.items():
        if option in written and column.type not in types:
            ctx.problem(
                [*path, option],
                _(
                    "{option} is for {types} columns; {id} is {type}",
                    option=option,
                    types=_either(types),
                    id=column.id,
                    type=column.type,
                ),
                _("remove {option}", option=option),
                code="orders.column-option",
                key=True,
            )
    if "default" not in raw:
        return
    default = raw["default"]
    fits = (isinstance(default, int) and column.type in ("integer", "number")) or (
        isinstance(default, str) and column.type in ("text", "id") and (not column.values or default in column.values)
    )
    if not fits:
        if column.values and isinstance(default, str):
            said: str | None = _("one of {values}", values=", ".join(column.values))
        else:
            said = _(_TAKES[column.type]) if column.type in _TAKES else None
        message = (
            _("the default {default!r} does not fit {id}, which takes {said}", default=default, id=column.id, said=said)
            if said is not None
            else _(
                "the default {default!r} does not fit {id}, which takes no default (a datetime column)",
                default=default,
                id=column.id,
            )
        )
        ctx.problem(
            [*path, "default"],
            message,
            _("the default fills the column when the export lacks it: give a value of that kind, or remove default:"),
            code="orders.bad-default",
        )


def _key(ctx: Context, by_id: dict[str, OrderColumn], path: DocPath, types: tuple[str, ...]) -> str:
    """A column named by a key (keys.order, keys.unit, period.dated_by, a measure's unit): declared, of a type."""
    name = ctx.value(path)
    column = by_id.get(name)
    if column is None:
        ctx.problem(
            path,
            _("{where} names '{name}', which is not a column of orders.columns", where=ctx.where(path), name=name),
            did_you_mean(name, by_id),
            code="orders.unknown-column",
        )
    elif column.type not in types:
        where, said_types = ctx.where(path), _either(types)
        ctx.problem(
            path,
            (
                _(
                    "{where} must be an {types} column; {name} is {type}",
                    where=where,
                    types=said_types,
                    name=name,
                    type=column.type,
                )
                if types[0] == "id"
                else _(
                    "{where} must be a {types} column; {name} is {type}",
                    where=where,
                    types=said_types,
                    name=name,
                    type=column.type,
                )
            ),
            code="orders.column-type",
        )
    return str(name)


def _duplicates(ctx: Context, by_id: dict[str, OrderColumn]) -> Duplicates:
    doc = ctx.doc["orders"].get("duplicates")
    if doc is None:
        return Duplicates()
    path = ["orders", "duplicates", "by"]
    by = _key(ctx, by_id, path, ("datetime", "integer"))
    if by in by_id and not by_id[by].filled:
        ctx.problem(
            path,
            _("duplicates.by reads {by}, which may be empty: which copy wins would be unknown", by=by),
            _("declare {by} with filled: true", by=by),
            code="orders.column-type",
        )
    return Duplicates(doc["keep"], by)


def _cond(ctx: Context, path: DocPath, scope: Scope) -> Cond:
    try:
        return compile_condition(ctx.value(path), scope)
    except ConditionError as e:
        ctx.problem_in_text(
            path, e.offset, _("in {where}: {message}", where=ctx.where(path), message=e.message), e.hint, code=e.code
        )
        return FAILED


def _named_conditions(ctx: Context, by_id: dict[str, OrderColumn]) -> tuple[NamedCondition, ...]:
    """Each named condition, compiled with the ones above it only (so none reads itself or a later one)."""
    raw = ctx.doc["orders"]["conditions"]
    ids = [c["id"] for c in raw]
    built: dict[str, NamedCondition] = {}
    for i, item in enumerate(raw):
        path = ["orders", "conditions", i]
        if item["id"] in by_id or item["id"] in built:
            ctx.problem(
                [*path, "id"],
                _("the condition id '{id}' is already a column", id=item["id"])
                if item["id"] in by_id
                else _("the condition id '{id}' is already an earlier condition", id=item["id"]),
                _("ids of columns and conditions are one namespace"),
                code="orders.duplicate-condition",
            )
        scope = Scope(by_id, dict(built), frozenset(ids[i:]))
        cond = _cond(ctx, [*path, "when"], scope)
        built.setdefault(item["id"], NamedCondition(item["id"], item.get("label", item["id"]), cond))
    return tuple(built.values())


def _measures(ctx: Context, by_id: dict[str, OrderColumn], scope: Scope, unit_key: str) -> tuple[Measure, ...]:
    built: list[Measure] = []
    for i, raw in enumerate(ctx.doc["orders"]["measures"]):
        path = ["orders", "measures", i]
        where = _cond(ctx, [*path, "where"], scope) if "where" in raw else Always()
        unit = _key(ctx, by_id, [*path, "unit"], ("text",)) if "unit" in raw else unit_key
        if any(m.input == raw["input"] for m in built):
            ctx.problem(
                [*path, "input"],
                _("the input '{input}' is already filled by an earlier measure", input=raw["input"]),
                code="orders.measure-input",
            )
        _check_measure(ctx, path, raw, by_id)
        built.append(Measure(raw["input"], raw["function"], raw.get("of"), where, unit, raw.get("if_none")))
    _check_every_input_filled(ctx, {m.input for m in built})
    return tuple(built)


def _check_measure(ctx: Context, path: list[Any], raw: dict[str, Any], by_id: dict[str, OrderColumn]) -> None:
    """The input is a numeric non-key input of the type the function gives; `of` and `if_none` as it needs."""
    function, of = raw["function"], raw.get("of")
    target = _numeric_input(ctx, [*path, "input"])
    if function != "count" and of is None:
        ctx.problem(
            path,
            _("a {function} measure needs of: the column it reads", function=function),
            _("add of: and the id of the column whose values the {function} takes", function=function),
            code="orders.measure-of",
        )
        return
    if function in ("min", "max", "mean") and "if_none" not in raw:
        ctx.problem(
            path,
            _("a {function} measure needs if_none: what a unit with no such orders gets", function=function),
            _("e.g. if_none: 0"),
            code="orders.measure-if-none",
        )
    column = by_id.get(of) if of is not None else None
    if of is not None and column is None:
        ctx.problem(
            [*path, "of"],
            _("of names '{of}', which is not a column of orders.columns", of=of),
            did_you_mean(of, by_id),
            code="orders.unknown-column",
        )
        return
    if function in ("sum", "min", "max", "mean") and column is not None and column.type not in ("integer", "number"):
        ctx.problem(
            [*path, "of"],
            _("a {function} reads a number column; {of} is {type}", function=function, of=of, type=column.type),
            code="orders.column-type",
        )
        return
    integral = function in ("count", "count_distinct") or (
        function != "mean" and column is not None and column.type == "integer"
    )
    gives = "integer" if integral else "number"
    if target is not None and (target.type == "integer") != integral:
        ctx.problem(
            [*path, "input"],
            _measure_type(function, of, integral, target),
            _("declare {id} as type: {gives}", id=target.id, gives=gives),
            code="orders.measure-type",
        )


def _measure_type(function: str, of: str | None, integral: bool, target: Any) -> str:
    """What a measure gives against what its input is: four sentences, by whether `of` is named and the count whole."""
    id_, type_ = target.id, target.type
    if not of:
        if integral:
            return _(
                "a {function} of orders gives an integer; the input '{id}' is {type}",
                function=function,
                id=id_,
                type=type_,
            )
        return _(
            "a {function} of orders gives a number; the input '{id}' is {type}", function=function, id=id_, type=type_
        )
    if integral:
        return _(
            "a {function} of {of} gives an integer; the input '{id}' is {type}",
            function=function,
            of=of,
            id=id_,
            type=type_,
        )
    return _(
        "a {function} of {of} gives a number; the input '{id}' is {type}", function=function, of=of, id=id_, type=type_
    )


def _numeric_input(ctx: Context, path: DocPath) -> Any:
    """The ruleset input at `path` if it is numeric and not the entity key; None after reporting why not."""
    name = ctx.value(path)
    found = ctx.names.input_by_id.get(name)
    if found is None:
        ctx.problem(
            path,
            _("'{name}' is not an input of this ruleset", name=name),
            did_you_mean(name, ctx.names.input_by_id),
            code="orders.measure-input",
        )
    elif name == ctx.names.key or found.type not in NUMERIC_INPUTS:
        ctx.problem(
            path,
            _("'{name}' is the entity key: only a numeric input is counted", name=name)
            if name == ctx.names.key
            else _("'{name}' is a text input: only a numeric input is counted", name=name),
            code="orders.measure-input",
        )
    else:
        return found
    return None


def _check_every_input_filled(ctx: Context, measured: set[str]) -> None:
    ledgered = {name for ledger in ctx.doc["orders"]["ledgers"] for name in ledger["inputs"]}
    for i, item in enumerate(ctx.names.inputs):
        if item.id == ctx.names.key or item.id in measured or item.id in ledgered or item.default is not None:
            continue
        ctx.problem(
            ["inputs", i, "id"],
            _("the input '{id}' is neither counted from orders nor given by a ledger, and has no default", id=item.id),
            _("add a measure for it under orders.measures, or a default"),
            code="orders.input-not-filled",
        )


def _ledgers(ctx: Context, measured: set[str]) -> tuple[Ledger, ...]:
    built: list[Ledger] = []
    for i, raw in enumerate(ctx.doc["orders"]["ledgers"]):
        for j, name in enumerate(raw["inputs"]):
            path = ["orders", "ledgers", i, "inputs", j]
            found = _numeric_input(ctx, path)
            if found is not None and found.default is None:
                ctx.problem(
                    path,
                    _(
                        "the ledger input '{name}' needs a default: what a unit the ledger does not list gets",
                        name=name,
                    ),
                    _("add default: 0 to the input {name}", name=name),
                    code="orders.ledger-input",
                )
            if name in measured:
                ctx.problem(
                    path, _("the input '{name}' is also filled by a measure", name=name), code="orders.ledger-input"
                )
        built.append(Ledger(raw["id"], raw.get("label", raw["id"]), tuple(raw["inputs"])))
    return tuple(built)


def _units(ctx: Context) -> tuple[UnitName, ...] | None:
    raw = ctx.doc["orders"].get("units")
    if raw is None:
        return None
    built: list[UnitName] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        unit = (
            UnitName(item.strip(), ())
            if isinstance(item, str)
            else UnitName(item["name"].strip(), tuple(a.strip() for a in item.get("aliases", ())))
        )
        for name in (unit.name, *unit.aliases):
            if name in seen:
                ctx.problem(
                    ["orders", "units", i],
                    _("the unit name '{name}' is listed twice", name=name),
                    _("each name or alias names one unit"),
                    code="orders.duplicate-unit",
                )
            seen.setdefault(name, i)
        built.append(unit)
    return tuple(built)


def _check_calendar_needed(ctx: Context, calendar: Calendar | None, rules: tuple[Any, ...]) -> None:
    if calendar is not None or "calendar" in ctx.doc:
        return
    for rule in rules:
        cond = getattr(rule, "when", None) or getattr(rule, "where", None)
        if cond is not None and uses_workdays(cond):
            ctx.problem(
                ["orders"],
                _("workdays() is used, and the ruleset has no calendar:"),
                _("add calendar: with years, holidays and workdays (调休)"),
                code="calendar.required",
                key=True,
            )
            return


def build_calendar(ctx: Context) -> Calendar | None:
    """The calendar: every date real and within its years, make-up days on weekends, none both, each year named."""
    doc = ctx.doc.get("calendar")
    if doc is None:
        return None
    years = tuple(int(y) for y in doc["years"])
    holidays: set[date] = set()
    for i, text in enumerate(doc["holidays"]):
        holidays |= _days(ctx, ["calendar", "holidays", i], text, years)
    workdays: set[date] = set()
    for i, text in enumerate(doc["workdays"]):
        path = ["calendar", "workdays", i]
        for day in _days(ctx, path, text, years):
            if day.weekday() < 5:
                ctx.problem(
                    path,
                    _(
                        "{day} is a {weekday}: already a working day",
                        day=day.isoformat(),
                        weekday=_(WEEKDAYS[day.weekday()]),
                    ),
                    _("a make-up working day (调休) falls on a Saturday or Sunday"),
                    code="calendar.workday",
                )
            elif day in holidays:
                ctx.problem(
                    path,
                    _("{day} is both a holiday and a working day", day=day.isoformat()),
                    code="calendar.both",
                )
            workdays.add(day)
    for year in years:
        if not any(d.year == year for d in holidays):
            ctx.problem(
                ["calendar", "years"],
                _("the year {year} names no holiday", year=year),
                _("list {year}'s holidays under calendar.holidays", year=year),
                code="calendar.year-without-holidays",
            )
    return Calendar(years, frozenset(holidays), frozenset(workdays))


def _days(ctx: Context, path: DocPath, text: str, years: tuple[int, ...]) -> set[date]:
    """`2024-02-10` or `2024-02-10..2024-02-17` (both ends included), each day real and within the years."""
    parts = text.split("..")
    try:
        first, last = date.fromisoformat(parts[0]), date.fromisoformat(parts[-1])
    except ValueError:
        ctx.problem(
            path,
            _("{text} is not a real date", text=text),
            _("write YYYY-MM-DD, e.g. 2024-02-10"),
            code="calendar.bad-date",
        )
        return set()
    if last < first:
        ctx.problem(path, _("the range {text} ends before it starts", text=text), code="calendar.bad-date")
        return set()
    if first.year not in years or last.year not in years:
        ctx.problem(
            path,
            _("{text} is outside calendar.years ({years})", text=text, years=", ".join(map(str, years))),
            _("add the year to calendar.years"),
            code="calendar.outside-years",
        )
        return set()
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}
