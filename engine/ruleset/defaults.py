"""The schema's defaults, applied once: the builders read plain keys.

The defaults live in schemas/ruleset.schema.json as `default` keywords (where
editors show them too); after the schema check, `with_defaults` fills a copy
of the document with every default whose key is absent, so no builder repeats
a default as a literal.  The document as written stays as it was: a check
that asks whether the author wrote a key (total.start beside total.formula)
reads that one.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from .schema import ruleset_schema


def with_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of a schema-valid document with every absent defaulted key filled in."""
    doc = copy.deepcopy(data)
    _fill(doc, ruleset_schema())
    return doc


def schema_defaults() -> Iterator[tuple[tuple[str, ...], Any]]:
    """(path of property names, default) for every `default` in the schema; `[]` in a path is a list's items."""
    yield from _defaults_under(ruleset_schema(), ())


def _fill(value: Any, schema: dict[str, Any]) -> None:
    schema = _resolved(schema)
    if isinstance(value, dict):
        for key, sub in schema.get("properties", {}).items():
            sub = _resolved(sub)
            if key not in value and "default" in sub:
                value[key] = copy.deepcopy(sub["default"])
            if key in value:
                _fill(value[key], sub)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            _fill(item, schema["items"])


def _defaults_under(schema: dict[str, Any], path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    schema = _resolved(schema)
    for key, sub in schema.get("properties", {}).items():
        sub = _resolved(sub)
        if "default" in sub:
            yield (*path, key), sub["default"]
        yield from _defaults_under(sub, (*path, key))
    if isinstance(schema.get("items"), dict):
        yield from _defaults_under(schema["items"], (*path, "[]"))


def _resolved(schema: dict[str, Any]) -> dict[str, Any]:
    """A subschema with its `$ref` (to the schema's own `$defs`) merged under its own keywords."""
    ref = schema.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
        return schema
    target = ruleset_schema()["$defs"][ref.rsplit("/", 1)[-1]]
    return {**_resolved(target), **{k: v for k, v in schema.items() if k != "$ref"}}
