"""The closed vocabularies of the ruleset format, in one place.

Each is a `Literal` type (so the model's fields and the builder are checked
by mypy) and a tuple of its words (what the JSON Schema's `$defs` lists:
tests/test_vocab.py asserts the two agree, so they cannot drift apart).
Model fields stay plain strings, so the JSON output is unchanged.
"""

from __future__ import annotations

from typing import Literal, get_args

InputType = Literal["integer", "number", "percent", "text"]
AggregateFunction = Literal["sum", "max", "min", "mean", "count"]
IndicatorKind = Literal["score", "penalty", "bonus"]
RoundingMode = Literal["half_away_from_zero", "half_even"]
RankingOrder = Literal["descending", "ascending"]
TiePolicy = Literal["sequential", "shared", "dense"]
RankingOn = Literal["value", "display"]
CombineFunction = Literal["mean", "sum", "min", "max"]
MissingPolicy = Literal["error", "skip"]
ListEnd = Literal["top", "bottom"]  # a list's end: its key in the YAML (top: 5), not an enum there
# orders: (issue 11).  ColumnType is orders/ir.py's, repeated so the unit-table path never imports orders/
ColumnType = Literal["id", "text", "integer", "number", "datetime"]
DatetimeFormat = Literal[
    "YYYY-MM-DD HH:mm:ss",
    "YYYY-MM-DD HH:mm",
    "YYYY/M/D H:mm",
    "YYYY/M/D H:mm:ss",
    "YYYY-MM-DDTHH:mm",
    "YYYY-MM-DDTHH:mm:ss",
    "YYYY-MM-DD",
    "YYYY/M/D",
    "YYYY年M月D日 H:mm",
]
MeasureFunction = Literal["count", "sum", "min", "max", "mean", "count_distinct"]
DuplicatesKeep = Literal["latest", "earliest"]

INPUT_TYPES: tuple[InputType, ...] = get_args(InputType)
AGGREGATE_FUNCTIONS: tuple[AggregateFunction, ...] = get_args(AggregateFunction)
INDICATOR_KINDS: tuple[IndicatorKind, ...] = get_args(IndicatorKind)
ROUNDING_MODES: tuple[RoundingMode, ...] = get_args(RoundingMode)
RANKING_ORDERS: tuple[RankingOrder, ...] = get_args(RankingOrder)
TIE_POLICIES: tuple[TiePolicy, ...] = get_args(TiePolicy)
RANKING_ON: tuple[RankingOn, ...] = get_args(RankingOn)
COMBINE_FUNCTIONS: tuple[CombineFunction, ...] = get_args(CombineFunction)
MISSING_POLICIES: tuple[MissingPolicy, ...] = get_args(MissingPolicy)
LIST_ENDS: tuple[ListEnd, ...] = get_args(ListEnd)
COLUMN_TYPES: tuple[ColumnType, ...] = get_args(ColumnType)
DATETIME_FORMATS: tuple[DatetimeFormat, ...] = get_args(DatetimeFormat)
DEFAULT_DATETIME_FORMATS: tuple[DatetimeFormat, ...] = DATETIME_FORMATS[:6]  # the rest must be declared
MEASURE_FUNCTIONS: tuple[MeasureFunction, ...] = get_args(MeasureFunction)
DUPLICATES_KEEP: tuple[DuplicatesKeep, ...] = get_args(DuplicatesKeep)

SCHEMA_VOCABULARIES: dict[str, tuple[str, ...]] = {
    "input_type": INPUT_TYPES,
    "aggregate_function": AGGREGATE_FUNCTIONS,
    "indicator_kind": INDICATOR_KINDS,
    "rounding_mode": ROUNDING_MODES,
    "ranking_order": RANKING_ORDERS,
    "tie_policy": TIE_POLICIES,
    "ranking_on": RANKING_ON,
    "combine_function": COMBINE_FUNCTIONS,
    "missing_policy": MISSING_POLICIES,
    "column_type": COLUMN_TYPES,
    "datetime_format": DATETIME_FORMATS,
    "measure_function": MEASURE_FUNCTIONS,
    "duplicates_keep": DUPLICATES_KEEP,
}
"""Each vocabulary by its name under the schema's `$defs`."""
