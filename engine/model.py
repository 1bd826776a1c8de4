"""The ruleset model: frozen dataclasses built once by the loader.

Nothing past the loader sees the raw YAML dict; every later stage (data
reading, scoring, ranking, rendering) reads these objects only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from .expr import Formula
from .numbers import plain_number

SPECIAL_FIELDS = ("rank", "total")


@dataclass(frozen=True, slots=True)
class Input:
    """A field every record carries.  `min`/`max` may name another input."""

    id: str
    type: str  # integer | number | text
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


@dataclass(frozen=True, slots=True)
class Aggregate:
    """A value over all records (sum, max, min, mean, count of `of`)."""

    id: str
    label: str
    function: str
    of: Formula | None


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    label: str
    weight: float
    formula: Formula


@dataclass(frozen=True, slots=True)
class Total:
    """Full marks; `formula` None means the sum of the unrounded indicator scores."""

    max: float
    label: str
    formula: Formula | None


@dataclass(frozen=True, slots=True)
class Rounding:
    places: int
    mode: str


@dataclass(frozen=True, slots=True)
class Ranking:
    by: str
    order: str  # descending | ascending
    ties: str  # sequential | shared | dense


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the report: a field and its header (a label template)."""

    field: str
    label: str


@dataclass(frozen=True, slots=True)
class ColumnGroup:
    """A header spanning several columns (the upper row of a two-level header)."""

    header: str
    columns: tuple[Column, ...]


ReportItem = Union[Column, ColumnGroup]


@dataclass(frozen=True, slots=True)
class Report:
    title: str
    columns: tuple[ReportItem, ...]


@dataclass(frozen=True, slots=True)
class GoldenCase:
    """A ruleset's own test: an input and the table it must produce (paths relative to the ruleset)."""

    name: str
    input: str
    expect: str
    period: str | None


@dataclass(frozen=True, slots=True)
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

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def label(self) -> str:
        """name@version, marked as a what-if when --set changed it."""
        return f"{self.ref} (what-if: {', '.join(self.overrides)})" if self.overrides else self.ref

    def input(self, id: str) -> Input:
        return next(i for i in self.inputs if i.id == id)

    def indicator(self, id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == id)

    def aggregate(self, id: str) -> Aggregate:
        return next(a for a in self.aggregates if a.id == id)

    def kind_of(self, id: str) -> str:
        """'input', 'aggregate', 'indicator' or the special field's own name."""
        if id in SPECIAL_FIELDS:
            return id
        for kind, items in (("input", self.inputs), ("aggregate", self.aggregates), ("indicator", self.indicators)):
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
