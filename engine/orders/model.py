"""The `orders:` and `calendar:` sections of a ruleset, as the loader builds them once (issue 11).

Every condition is already parsed into the typed IR of `ir.py` (by `conditions.py`, at load), so the SQL
compiler, the reference counter and explain read these objects and never the YAML.  Stdlib, `ir` and the
ruleset's vocabulary only: describing the rules imports no engine.
"""

from __future__ import annotations

from datetime import date

from ..frozen import frozen
from ..ruleset.vocab import DuplicatesKeep, MeasureFunction
from .ir import ColumnType, Cond

DEFAULT_LABEL = "工单明细"


@frozen
class OrderColumn:
    """A column of the export: its id in conditions, its type, and the headers it may be found under.

    `formats` is filled by the builder for datetime columns (the default formats when none are declared), so
    readers never decide a default; `places` is for number columns; `default` fills an absent column.
    """

    id: str
    type: ColumnType
    label: str
    aliases: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    places: int = 0
    filled: bool = False
    default: str | int | None = None
    description: str = ""

    @property
    def headers(self) -> tuple[str, ...]:
        """The label, then the aliases: every header the column may appear under."""
        return (self.label, *self.aliases)


@frozen
class Exclusion:
    """An order left out before counting when `when` holds; the first exclusion that holds names the reason."""

    label: str
    when: Cond


@frozen
class Check:
    """Every kept order must satisfy `when`, else an error at its row."""

    label: str
    when: Cond


@frozen
class Duplicates:
    """Which copy of a repeated order id counts: by `by`'s value, never by file order.

    Both None: no rule is declared, and only identical copies are allowed (they count once).
    """

    keep: DuplicatesKeep | None = None
    by: str | None = None


@frozen
class UnitName:
    """A unit of the optional `units` list: its name as the table shows it, and the spellings exports use."""

    name: str
    aliases: tuple[str, ...] = ()


@frozen
class Measure:
    """One input of the ruleset, counted from the kept orders of each unit (`unit` is the column naming it)."""

    input: str
    function: MeasureFunction
    of: str | None
    where: Cond
    unit: str
    if_none: int | float | None = None


@frozen
class NamedCondition:
    """A reusable condition (`is_due`), shown by explain under its label; `when` may read earlier ones only."""

    id: str
    label: str
    when: Cond


@frozen
class Calendar:
    """Working days: Monday to Friday, less `holidays`, plus the make-up `workdays` (调休), within `years`."""

    years: tuple[int, ...]
    holidays: frozenset[date]
    workdays: frozenset[date] = frozenset()

    def is_workday(self, day: date) -> bool:
        """The ruleset's own answer, never a package's: a make-up day works, a holiday does not."""
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


@frozen
class Ledger:
    """A second, unit-level source (`--input ID=PATH`) giving `inputs`, keyed by the entity key."""

    id: str
    label: str
    inputs: tuple[str, ...]


@frozen
class Orders:
    """The rules that count a ruleset's inputs from a raw work-order export."""

    label: str
    columns: tuple[OrderColumn, ...]
    order_key: str
    unit_key: str
    dated_by: str
    duplicates: Duplicates
    exclusions: tuple[Exclusion, ...]
    checks: tuple[Check, ...]
    units: tuple[UnitName, ...] | None
    conditions: tuple[NamedCondition, ...]
    measures: tuple[Measure, ...]
    calendar: Calendar | None = None
    ledgers: tuple[Ledger, ...] = ()

    def column(self, id: str) -> OrderColumn:
        return next(c for c in self.columns if c.id == id)

    def condition(self, id: str) -> NamedCondition:
        return next(c for c in self.conditions if c.id == id)
