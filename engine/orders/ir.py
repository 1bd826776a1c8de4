"""The typed form of an `orders:` condition, parsed once at load and read by every engine.

A condition written in the ruleset (`closed_at <= deadline and status in ['已办结']`) is checked against an
allowlist and turned into these frozen nodes.  Two readers follow one contract: the SQL compiler
(`orders/sql.py`, through sqlglot, for DuckDB, Spark and Trino) and the Python reference counter
(`orders/reference.py`), which the differential tests hold the engines to.

The contract, which both implementations follow:
- an empty cell is NULL in SQL and None in Python;
- `Compare`, `Member` and `InPeriod` are False when an operand is empty (two-valued: SQL's
  `COALESCE(cmp, FALSE)`), and `Workdays` is empty when either date is;
- `Not` negates that two-valued result, so `status not in [...]` holds for an empty status;
- datetimes are naive and to the second; text is trimmed of spaces, tabs and U+3000 when read, and empty
  text is empty;
- `Workdays(since, until)` is the number of working days after since's date up to and including until's
  (`calendar:`: Monday to Friday, less holidays, plus make-up working days).

Stdlib only: no engine is imported to describe a condition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal, TypeAlias

ColumnType: TypeAlias = Literal["id", "text", "integer", "number", "datetime"]
Op: TypeAlias = Literal["==", "!=", "<", "<=", ">", ">="]


@dataclass(frozen=True, slots=True)
class Col:
    """A column of the export, by its id, with its declared type."""

    id: str
    type: ColumnType


@dataclass(frozen=True, slots=True)
class Text:
    value: str


@dataclass(frozen=True, slots=True)
class Num:
    """A number written in the condition, exact from its source text (an int, or a Decimal)."""

    value: int | Decimal


@dataclass(frozen=True, slots=True)
class Bound:
    """period_start or period_end: the window `--period` gives, [start, end)."""

    which: Literal["start", "end"]


@dataclass(frozen=True, slots=True)
class Shift:
    """A datetime moved by a duration in whole seconds (hours(2) is 7200; negative for a minus)."""

    base: Col | Bound
    seconds: int


@dataclass(frozen=True, slots=True)
class Workdays:
    """The working days after since's date, up to and including until's: an int, empty when a date is."""

    since: Col
    until: Col


Value: TypeAlias = Col | Text | Num | Bound | Shift | Workdays


@dataclass(frozen=True, slots=True)
class Compare:
    op: Op
    left: Value
    right: Value


@dataclass(frozen=True, slots=True)
class Member:
    """`column in [...]`: membership in a literal list (text, or numbers for a numeric column)."""

    column: Col
    options: tuple[str | int | Decimal, ...]


@dataclass(frozen=True, slots=True)
class InPeriod:
    """`x in period`: period_start <= x < period_end."""

    value: Col | Shift


@dataclass(frozen=True, slots=True)
class Filled:
    """`filled(column)`: the cell is not empty (`empty(column)` is Not(Filled))."""

    column: Col


@dataclass(frozen=True, slots=True)
class All:
    items: tuple[Cond, ...]


@dataclass(frozen=True, slots=True)
class Any_:
    items: tuple[Cond, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Cond


@dataclass(frozen=True, slots=True)
class Named:
    """A named condition of `orders.conditions`, kept by name for explain's steps and the SQL's comments."""

    id: str
    label: str
    cond: Cond


@dataclass(frozen=True, slots=True)
class Always:
    """A measure without `where`: every kept order of the unit."""


Cond: TypeAlias = Compare | Member | InPeriod | Filled | All | Any_ | Not | Named | Always


@dataclass(frozen=True, slots=True)
class Window:
    """The month counted: `month` as given (`2024-02`), and its half-open window [start, end), naive."""

    month: str
    start: datetime
    end: datetime


def columns_read(cond: Cond) -> tuple[str, ...]:
    """The ids of the columns a condition reads, each once, in the order it reads them (for messages and lists)."""
    seen: dict[str, None] = {}
    _read(cond, seen)
    return tuple(seen)


def _read(node: Cond | Value, seen: dict[str, None]) -> None:
    if isinstance(node, Col):
        seen[node.id] = None
    elif isinstance(node, Compare):
        _read(node.left, seen)
        _read(node.right, seen)
    elif isinstance(node, (Member, Filled)):
        seen[node.column.id] = None
    elif isinstance(node, InPeriod):
        _read(node.value, seen)
    elif isinstance(node, Shift):
        _read(node.base, seen)
    elif isinstance(node, Workdays):
        seen.update(dict.fromkeys((node.since.id, node.until.id)))
    elif isinstance(node, (All, Any_)):
        for item in node.items:
            _read(item, seen)
    elif isinstance(node, Not):
        _read(node.item, seen)
    elif isinstance(node, Named):
        _read(node.cond, seen)


def conjuncts(cond: Cond) -> tuple[Cond, ...]:
    """The steps of a condition as explain shows them: a top-level `and` flattened (`is_due and is_closed`
    is two steps), a named condition kept whole as one step under its label; a measure without `where` has none."""
    if isinstance(cond, All):
        return tuple(step for item in cond.items for step in conjuncts(item))
    if isinstance(cond, Always):
        return ()
    return (cond,)
