"""The ruleset model: frozen dataclasses built once by the loader.

Nothing past the loader sees the raw YAML dict; every later stage (data
reading, scoring, ranking, rendering) reads these objects only.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..frozen import frozen
from ..i18n import _
from ..numbers import plain_number, seen
from .expr import Formula
from .vocab import (
    AggregateFunction,
    CombineFunction,
    IndicatorKind,
    InputType,
    ListEnd,
    MissingPolicy,
    RankingOn,
    RankingOrder,
    RoundingMode,
    TiePolicy,
)

if TYPE_CHECKING:  # the orders model is imported only for a ruleset with orders: (tests/test_cold_start.py)
    from ..orders.model import Orders

SPECIAL_FIELDS = ("rank", "total", "grade")
TITLE_FIELDS = ("year", "month", "period")  # what a report title may take from --period
COUNT_FIELDS = ("units", "ranked")  # what the report's blocks may say besides: units in the table, units ranked
# The labels an office sheet's summary rows carry in the key column: such a row is not a unit.
# the sections whose items carry an id (one namespace: an id names one thing in the whole ruleset)
ID_SECTIONS = ("inputs", "derived", "lookups", "aggregates", "indicators", "lists", "flags")
# the sheet kaoping writes beside its table in an xlsx (what it was derived from): never the figures
PROVENANCE_SHEET = "来源"
DEFAULT_TOTALS_LABELS = ("合计", "总计", "小计", "全区合计", "平均", "平均值", "均值", "总数", "汇总")


@frozen
class Input:
    """A field every record carries.  `min`/`max` may name another input."""

    id: str
    type: InputType
    label: str
    aliases: tuple[str, ...] = ()
    min: float | str | None = None
    max: float | str | None = None
    default: float | str | None = None
    description: str = ""

    @property
    def numeric(self) -> bool:
        return self.type != "text"

    @property
    def required(self) -> bool:
        return self.default is None


@frozen
class Aggregate:
    """A value over all records, or over each unit's group (`per_group`): sum, max, min, mean, count of `of`."""

    id: str
    label: str
    function: AggregateFunction
    of: Formula | None
    per_group: bool = False


@frozen
class Derived:
    """A per-record value that is not scored: a rate, rounded or capped, read by indicators and flags."""

    id: str
    label: str
    formula: Formula


@frozen
class Band:
    """One row of a decision table: values in [at_least, below) give `value` (points, or a grade's label)."""

    at_least: float | None
    below: float | None
    value: float | str

    def holds(self, x: float) -> bool:
        return (self.at_least is None or x >= self.at_least) and (self.below is None or x < self.below)


@frozen
class Lookup:
    """A banded lookup table, called in formulas by its id: response_points(rate)."""

    id: str
    label: str
    bands: tuple[Band, ...]

    def __call__(self, x: float) -> float:
        for band in self.bands:
            if band.holds(x):
                return float(band.value)
        raise ArithmeticError(f"{x:g} is outside every band of {self.id}")


@frozen
class Indicator:
    """A scored item.  A penalty's formula gives points deducted, a bonus's points added, each at most `weight`."""

    id: str
    label: str
    weight: float
    formula: Formula
    kind: IndicatorKind = "score"


@frozen
class Group:
    """A group of units ranked on its own, with its own full marks and weights where they differ."""

    value: str
    label: str
    max: float
    weights: tuple[tuple[str, float], ...] = ()
    start: float | None = None  # None: the total's own start

    def weight(self, indicator: Indicator) -> float:
        return dict(self.weights).get(indicator.id, indicator.weight)


@frozen
class Grades:
    """Grade bands over the displayed total (or over total / max × 100 with `percent`)."""

    bands: tuple[Band, ...]
    percent: bool = False

    def of(self, total: float, max: float) -> str:
        """The grade of a total as printed; a share of full marks is seen at 15 digits (69.60 of 120 is 58%)."""
        x = seen(total * 100 / max) if self.percent else total
        return next((str(b.value) for b in self.bands if b.holds(x)), "")


@frozen
class UnitList:
    """A named list under the table: the top or bottom `size` ranked units, within each group or overall."""

    id: str
    label: str
    end: ListEnd
    size: int
    per_group: bool


@frozen
class Flag:
    id: str
    label: str
    when: Formula


@frozen
class Combine:
    """How several periods' results make one: the `function` of each unit's totals."""

    function: CombineFunction
    missing: MissingPolicy


@frozen
class Total:
    """Full marks; `formula` None means the sum of the unrounded indicator scores."""

    max: float
    label: str
    formula: Formula | None
    start: float = 0.0
    cap: bool = False
    floor: float | None = None


@frozen
class Rounding:
    places: int
    mode: RoundingMode


@frozen
class Ranking:
    by: str
    order: RankingOrder
    ties: TiePolicy
    tie_break: tuple[str, ...] = ()
    on: RankingOn = "value"  # value (unrounded) | display (as printed)
    per_group: bool = False
    eligible: Formula | None = None
    ineligible_label: str = ""


@frozen
class Column:
    """One column of the report: a field and its header (a label template)."""

    field: str
    label: str


@frozen
class ColumnGroup:
    """A header spanning several columns (the upper row of a two-level header)."""

    header: str
    columns: tuple[Column, ...]


ReportItem = Column | ColumnGroup


@frozen
class Report:
    """What the published table shows.  The blocks around it (attachment label, notes, issuer, date) are
    templates, "" or () when the ruleset declares none: a ruleset without them prints what it always did."""

    title: str
    columns: tuple[ReportItem, ...]
    attachment: str = ""
    notes: tuple[str, ...] = ()
    issuer: str = ""
    date: str = ""

    @property
    def has_blocks(self) -> bool:
        """Whether the ruleset declares any of the blocks around the table."""
        return bool(self.attachment or self.notes or self.issuer or self.date)


@frozen
class GoldenCase:
    """A ruleset's own test: an input and the table it must produce (paths relative to the ruleset)."""

    name: str
    input: str
    expect: str
    period: str | None


@frozen
class Ruleset:
    """A validated ruleset.  `steps` is the evaluation order of aggregates and indicators."""

    name: str
    version: str
    title: str
    effective: str
    description: str
    key: str
    inputs: tuple[Input, ...]
    aggregates: tuple[Aggregate, ...]
    indicators: tuple[Indicator, ...]
    total: Total
    rounding: Rounding
    ranking: Ranking
    report: Report
    steps: tuple[str, ...]
    path: str
    sha256: str
    overrides: tuple[str, ...] = ()
    tests: tuple[GoldenCase, ...] = ()
    derived: tuple[Derived, ...] = ()
    lookups: tuple[Lookup, ...] = ()
    group_field: str | None = None
    groups: tuple[Group, ...] = ()
    grades: Grades | None = None
    lists: tuple[UnitList, ...] = ()
    flags: tuple[Flag, ...] = ()
    combine: Combine | None = None
    # key-column labels of summary rows (合计, 总计, ...), left out of the data: entity.totals in the YAML
    totals_labels: tuple[str, ...] = DEFAULT_TOTALS_LABELS
    # how this version was chosen for the run (set by the command that resolved RULESET), e.g.
    # "named": name@version; "path": a file; "latest-released"; "in-effect": by --period/--as-of
    chosen: str = ""
    chosen_why: str = ""  # the sentence said on stderr and recorded in the JSON, "" when given exactly
    # non-empty when the version was named explicitly but was not in effect in the --period month
    not_in_effect: str = ""
    # how the inputs are counted from a raw work-order export (orders: and calendar:), None for unit tables
    orders: Orders | None = None

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def label(self) -> str:
        """name@version, marked as a what-if when --set changed it (in the language in use: it is shown, not matched)."""
        if not self.overrides:
            return self.ref
        return _("{ref} (what-if: {overrides})", ref=self.ref, overrides=", ".join(self.overrides))

    def input(self, id: str) -> Input:
        return next(i for i in self.inputs if i.id == id)

    def indicator(self, id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == id)

    def aggregate(self, id: str) -> Aggregate:
        return next(a for a in self.aggregates if a.id == id)

    def group(self, value: str | None) -> Group:
        """The declared group called `value`; undeclared groups take the ruleset's own max and weights."""
        found = next((g for g in self.groups if g.value == value), None)
        return found or Group(value or "", value or "", self.total.max)

    def start(self, group: str | None) -> float:
        """Where a unit's total starts: its group's own start, else the total's."""
        own = self.group(group).start if group is not None else None
        return self.total.start if own is None else own

    def kind_of(self, id: str) -> str:
        """'input', 'aggregate', 'indicator' or the special field's own name."""
        if id in SPECIAL_FIELDS:
            return id
        for kind, items in (
            ("input", self.inputs),
            ("aggregate", self.aggregates),
            ("indicator", self.indicators),
            ("derived", self.derived),
        ):
            if any(item.id == id for item in items):
                return kind
        raise KeyError(id)

    def fill_label(self, template: str) -> str:
        """A header with `{indicator.weight}` and `{total.max}` filled in."""
        return _PLACEHOLDER.sub(lambda m: plain_number(self._placeholder_value(m.group(1), m.group(2))), template)

    def _placeholder_value(self, id: str, attr: str) -> float:
        if id == "total":
            return self.total.max
        return self.indicator(id).weight


_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\.(weight|max)\}")


def placeholders(template: str) -> list[tuple[str, str, int]]:
    """(id, attribute, offset) of every `{id.attr}` placeholder in a label."""
    return [(m.group(1), m.group(2), m.start()) for m in _PLACEHOLDER.finditer(template)]
