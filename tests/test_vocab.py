"""The closed vocabularies and the defaults: one source of truth each, so Python and the schema cannot drift.

The vocabularies live in kaoping.ruleset.vocab and under the schema's
`$defs`; the defaults live in the schema and are filled in once
(kaoping.ruleset.defaults) before the builders read the document.
"""

from __future__ import annotations

import copy
import json
import typing
from pathlib import Path
from typing import Any

from kaoping.ruleset import model, vocab
from kaoping.ruleset.defaults import schema_defaults, with_defaults
from kaoping.ruleset.load import load_source
from kaoping.ruleset.model import DEFAULT_TOTALS_LABELS, Ruleset
from kaoping.ruleset.yamlsrc import parse_yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "ruleset.schema.json").read_text(encoding="utf-8"))


def _enums(node: Any, path: str = "") -> list[str]:
    """The schema path of every `enum` keyword."""
    found = []
    if isinstance(node, dict):
        if "enum" in node:
            found.append(path)
        for key, value in node.items():
            found += _enums(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _enums(value, f"{path}/{i}")
    return found


def test_each_schema_vocabulary_is_the_python_one():
    defs = {name: tuple(d["enum"]) for name, d in SCHEMA["$defs"].items() if "enum" in d}
    assert defs == vocab.SCHEMA_VOCABULARIES


def test_every_enum_of_the_schema_is_a_named_vocabulary_under_defs():
    assert sorted(_enums(SCHEMA)) == sorted(f"/$defs/{name}" for name in vocab.SCHEMA_VOCABULARIES)


def test_each_vocabulary_tuple_holds_its_literal_words():
    for alias, words in (
        (vocab.InputType, vocab.INPUT_TYPES),
        (vocab.TiePolicy, vocab.TIE_POLICIES),
        (vocab.RoundingMode, vocab.ROUNDING_MODES),
        (vocab.ListEnd, vocab.LIST_ENDS),
        (vocab.ColumnType, vocab.COLUMN_TYPES),
        (vocab.DatetimeFormat, vocab.DATETIME_FORMATS),
        (vocab.MeasureFunction, vocab.MEASURE_FUNCTIONS),
        (vocab.DuplicatesKeep, vocab.DUPLICATES_KEEP),
    ):
        assert typing.get_args(alias) == words


def test_the_model_fields_are_typed_by_the_vocabularies():
    hints = {cls: typing.get_type_hints(cls) for cls in (model.Input, model.Ranking, model.Rounding, model.Combine)}
    assert hints[model.Input]["type"] == vocab.InputType
    assert hints[model.Ranking]["ties"] == vocab.TiePolicy
    assert hints[model.Ranking]["order"] == vocab.RankingOrder
    assert hints[model.Ranking]["on"] == vocab.RankingOn
    assert hints[model.Rounding]["mode"] == vocab.RoundingMode
    assert hints[model.Combine]["missing"] == vocab.MissingPolicy
    assert typing.get_type_hints(model.Indicator)["kind"] == vocab.IndicatorKind
    assert typing.get_type_hints(model.Aggregate)["function"] == vocab.AggregateFunction


def test_the_orders_model_is_typed_by_the_vocabularies_and_its_column_types_are_the_irs():
    from kaoping.orders import ir
    from kaoping.orders import model as orders_model

    assert typing.get_args(ir.ColumnType) == vocab.COLUMN_TYPES
    assert typing.get_type_hints(orders_model.OrderColumn)["type"] == ir.ColumnType
    assert typing.get_type_hints(orders_model.Measure)["function"] == vocab.MeasureFunction
    assert typing.get_type_hints(orders_model.Duplicates)["keep"] == vocab.DuplicatesKeep | None


# A ruleset that writes none of the defaulted keys (but has grades and combine, whose keys have defaults).
BARE = """\
schema: 1
name: bare
version: "1"
title: 考评
effective: "2024-01-01"
entity: {key: unit}
inputs:
  - {id: unit, type: text, label: 单位}
  - {id: done, type: number, label: 办结数}
indicators:
  - {id: speed, label: 速度, weight: 100, formula: "min(done, weight)"}
total: {max: 100}
rounding: {places: 2}
ranking: {}
grades: {bands: [{label: 好}]}
combine: {function: mean}
calendar: {years: [2024], holidays: ["2024-01-01"]}
orders:
  columns:
    - {id: order_id, type: id, label: 工单编号}
    - {id: unit, type: text, label: 承办单位}
    - {id: closed_at, type: datetime, label: 办结时间}
    - {id: score, type: number, label: 评分}
  keys: {order: order_id, unit: unit}
  period: {dated_by: closed_at}
  measures:
    - {input: done, function: sum, of: score}
"""

# where each schema default shows in the model built from BARE
IN_MODEL = {
    ("description",): lambda m: m.description,
    ("entity", "totals"): lambda m: m.totals_labels,
    ("inputs", "[]", "aliases"): lambda m: m.inputs[0].aliases,
    ("inputs", "[]", "description"): lambda m: m.inputs[0].description,
    ("indicators", "[]", "kind"): lambda m: m.indicators[0].kind,
    ("total", "label"): lambda m: m.total.label,
    ("total", "start"): lambda m: m.total.start,
    ("total", "cap"): lambda m: m.total.cap,
    ("rounding", "mode"): lambda m: m.rounding.mode,
    ("ranking", "by"): lambda m: m.ranking.by,
    ("ranking", "order"): lambda m: m.ranking.order,
    ("ranking", "ties"): lambda m: m.ranking.ties,
    ("ranking", "tie_break"): lambda m: m.ranking.tie_break,
    ("ranking", "on"): lambda m: m.ranking.on,
    ("ranking", "ineligible_label"): lambda m: m.ranking.ineligible_label,
    ("grades", "percent"): lambda m: m.grades.percent,
    ("combine", "missing"): lambda m: m.combine.missing,
    ("aggregates",): lambda m: m.aggregates,
    ("derived",): lambda m: m.derived,
    ("lookups",): lambda m: m.lookups,
    ("groups",): lambda m: m.groups,
    ("lists",): lambda m: m.lists,
    ("flags",): lambda m: m.flags,
    ("tests",): lambda m: m.tests,
    ("calendar", "workdays"): lambda m: sorted(m.orders.calendar.workdays),
    ("orders", "label"): lambda m: m.orders.label,
    ("orders", "columns", "[]", "aliases"): lambda m: m.orders.columns[0].aliases,
    ("orders", "columns", "[]", "places"): lambda m: m.orders.columns[0].places,
    ("orders", "columns", "[]", "filled"): lambda m: m.orders.columns[0].filled,
    ("orders", "columns", "[]", "description"): lambda m: m.orders.columns[0].description,
    ("orders", "exclude"): lambda m: m.orders.exclusions,
    ("orders", "checks"): lambda m: m.orders.checks,
    ("orders", "conditions"): lambda m: m.orders.conditions,
    ("orders", "ledgers"): lambda m: m.orders.ledgers,
}


def _bare() -> Ruleset:
    return load_source(parse_yaml(BARE, "bare.yaml"))


def _at(doc: Any, path: tuple[str, ...]) -> Any:
    for step in path:
        doc = doc[0] if step == "[]" else doc[step]
    return doc


def test_every_schema_default_is_applied_and_is_what_the_model_holds():
    defaults = dict(schema_defaults())
    assert set(defaults) == set(IN_MODEL), "a new schema default needs a line in IN_MODEL"
    doc = with_defaults(parse_yaml(BARE, "bare.yaml").data)
    ruleset = _bare()
    for path, default in defaults.items():
        assert _at(doc, path) == default, path
        held = IN_MODEL[path](ruleset)
        assert (list(held) if isinstance(held, tuple) else held) == default, path


def test_filling_defaults_leaves_the_document_as_written():
    data = parse_yaml(BARE, "bare.yaml").data
    before = copy.deepcopy(data)
    with_defaults(data)
    assert data == before


def test_a_written_value_wins_over_its_default():
    doc = with_defaults({**parse_yaml(BARE, "bare.yaml").data, "ranking": {"ties": "dense"}})
    assert doc["ranking"]["ties"] == "dense" and doc["ranking"]["order"] == "descending"


def test_the_default_summary_row_labels_are_the_schemas():
    assert list(DEFAULT_TOTALS_LABELS) == dict(schema_defaults())[("entity", "totals")]
