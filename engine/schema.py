"""The structural check: the ruleset against schemas/ruleset.schema.json.

The format version (`schema: 1`) is checked first and alone: a file in
another format would otherwise produce twenty confusing errors.  JSON Schema
errors are turned into problems at the line and column of the offending key
or value, with the list item named by its id (`indicators[timeliness].weight`)
and a did-you-mean for misspelt keys and choices.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Sequence

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from .errors import Problem, did_you_mean
from .yamlsrc import Source, child, locate

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "ruleset.schema.json"
FORMAT_VERSION = 1


@lru_cache(maxsize=1)
def ruleset_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(ruleset_schema())


def check_format_version(src: Source) -> list[Problem]:
    """One problem if the file is not a mapping in format `schema: 1`."""
    data = src.data
    if not isinstance(data, dict):
        return [src.problem(src.root, "a ruleset is a mapping (schema:, name:, version:, ...) at the top level")]
    if "schema" not in data:
        return [src.problem(src.root, "the ruleset does not say which format it is written in", "add `schema: 1` as its first key")]
    if data["schema"] != FORMAT_VERSION or isinstance(data["schema"], bool):
        node = child(src.root, "schema")
        return [src.problem(node, f"unknown ruleset format {data['schema']!r}", f"this kaoping reads `schema: {FORMAT_VERSION}`")]
    return []


def check_schema(src: Source) -> list[Problem]:
    """Every structural mistake in the file, each at its line and column."""
    problems: list[Problem] = []
    for error in _validator().iter_errors(src.data):
        problems.extend(_to_problems(src, _most_relevant(error)))
    return problems


def _most_relevant(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf, the error of the alternative the author most likely meant."""
    while error.context:
        deeper = [e for e in error.context if e.validator != "type"] or list(error.context)
        error = best_match(deeper) or error
        if not error.context:
            break
    return error


def _to_problems(src: Source, error: ValidationError) -> Iterator[Problem]:
    path = list(error.absolute_path)
    where = item_path(src.data, path)
    instance = error.instance
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        allowed = list(error.schema.get("properties", {}))
        for key in instance:
            if key not in allowed:
                node = locate(src.root, [*path, key], key=True)
                hint = did_you_mean(str(key), allowed) or f"the keys allowed here are: {', '.join(allowed)}"
                yield src.problem(node, f"unknown key '{key}' in {where or 'the ruleset'}", hint)
        return
    node = locate(src.root, path)
    yield src.problem(node, _message(error, where), _hint(error))


def _message(error: ValidationError, where: str) -> str:
    v, instance, schema = error.validator, error.instance, error.schema
    subject = where or "the ruleset"
    if v == "required":
        missing = error.validator_value
        absent = [k for k in missing if k not in instance]
        return f"{subject} is missing the key{'s' if len(absent) > 1 else ''} {', '.join(repr(k) for k in absent)}"
    if v == "enum":
        return f"{subject} must be one of {', '.join(map(str, error.validator_value))}; got {instance!r}"
    if v == "type":
        return f"{subject} must be {_type_words(error.validator_value)}, not {_type_of(instance)}"
    if v == "pattern":
        return f"{subject}: {instance!r} is not allowed here ({schema.get('description') or 'see the authoring guide'})"
    if v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return f"{subject} is {instance!r}, which is out of range ({error.message.split(' is ', 1)[-1]})"
    if v == "maxLength":
        return f"{subject} is {len(instance)} characters long; at most {error.validator_value} are allowed"
    if v == "minLength":
        return f"{subject} is empty"
    if v in ("minItems", "maxItems"):
        return f"{subject} has {len(instance)} items; {'at least' if v == 'minItems' else 'at most'} {error.validator_value} are allowed"
    return f"{subject}: {error.message}"


def _hint(error: ValidationError) -> str:
    if error.validator == "enum" and isinstance(error.instance, str):
        return did_you_mean(error.instance, [str(x) for x in error.validator_value])
    if error.validator == "pattern" and error.schema.get("pattern", "").startswith("^[a-z_]"):
        return "ids are lowercase letters, digits and _, e.g. on_time"
    if error.validator == "type" and error.validator_value == "string" and isinstance(error.instance, (int, float)):
        return "put the value in quotes, e.g. \"2024.10\""
    return ""


def _type_words(expected: str | Sequence[str]) -> str:
    words = {"string": "text", "number": "a number", "integer": "a whole number", "object": "a mapping (key: value)",
             "array": "a list", "boolean": "true or false", "null": "empty"}
    kinds = [expected] if isinstance(expected, str) else list(expected)
    return " or ".join(words.get(k, k) for k in kinds)


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "empty" if value is None else type(value).__name__


def item_path(data: Any, path: Sequence[Any]) -> str:
    """`indicators[timeliness].weight`: list items named by their id where they have one."""
    text = ""
    node = data
    for step in path:
        if isinstance(step, int):
            item = node[step] if isinstance(node, list) and step < len(node) else None
            ident = item.get("id") if isinstance(item, dict) else None
            text += f"[{ident}]" if isinstance(ident, str) else f"[{step + 1}]"
        else:
            text += f".{step}" if text else str(step)
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            node = None
    return text
