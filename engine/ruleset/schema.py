"""The structural check: the ruleset against schemas/ruleset.schema.json.

The format version (`schema: 1`) is checked first and alone: a file in
another format would otherwise produce twenty confusing errors.  JSON Schema
errors are turned into problems at the line and column of the offending key
or value, with the list item named by its id (`indicators[timeliness].weight`)
and a did-you-mean for misspelt keys and choices.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from yaml.nodes import Node, ScalarNode

from ..errors import Problem, did_you_mean
from .yamlsrc import WIDE_COLON, WIDE_SPACE, Source, child, locate, scalar_column

# The schema is package data (kaoping.schemas, from the project's schemas/ folder), read through
# importlib.resources: never from a folder that merely sits beside the package (in site-packages,
# another distribution's schemas/ could).
SCHEMA_PATH = files("kaoping.schemas").joinpath("ruleset.schema.json")
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
        return [
            src.problem(
                src.root, "the ruleset does not say which format it is written in", "add `schema: 1` as its first key"
            )
        ]
    if data["schema"] != FORMAT_VERSION or isinstance(data["schema"], bool):
        node = child(src.root, "schema")
        said = node.value if isinstance(node, ScalarNode) else "this"
        return [src.problem(node, f"unknown ruleset format '{said}'", f"this kaoping reads `schema: {FORMAT_VERSION}`")]
    return []


def check_schema(src: Source) -> list[Problem]:
    """Every structural mistake in the file, each at its line and column."""
    errors = [_most_relevant(e) for e in _validator().iter_errors(src.data)]
    misspelt = _misspelt_keys(errors)
    problems: list[Problem] = []
    for error in errors:
        if error.validator == "required":
            absent = [k for k in error.validator_value if k not in error.instance]
            if all((tuple(error.absolute_path), k) in misspelt for k in absent):
                continue  # the unknown-key error already says "did you mean"
        problems.extend(_to_problems(src, error))
    return problems


def _misspelt_keys(errors: list[ValidationError]) -> set[tuple[tuple[Any, ...], str]]:
    """(mapping path, allowed key) for every unknown key that is a near miss of it."""
    found = set()
    for error in errors:
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = list(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in allowed:
                    close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                    if close:
                        found.add((tuple(error.absolute_path), close[0]))
    return found


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
                wide = _wide_key(src, node, str(key), [*path, key])
                if wide is not None:
                    yield wide
                    continue
                hint = (
                    did_you_mean(str(key), allowed)
                    or _flow_hint(str(key))
                    or f"the keys allowed here are: {', '.join(allowed)}"
                )
                yield src.problem(node, f"unknown key '{key}' in {where or 'the ruleset'}", hint, [*path, key])
        return
    node = locate(src.root, path)
    typed = node.value if isinstance(node, ScalarNode) and node.style is None else None
    yield src.problem(node, _message(error, where, typed), _hint(error, typed), path)


_WIDE_IN_KEY = re.compile(r"([A-Za-z_][\w-]*)([ \u3000]*[：:]?[ \u3000]*)(.*)", re.DOTALL)


def _wide_key(src: Source, node: Node, key: str, path: Sequence[Any]) -> Problem | None:
    """`label：序号` inside { } is one unknown key to YAML; the author typed a key and its value with a full-width colon or space.

    Told like the same slip in block style (yamlsrc), at the full-width
    character, with the key written right, instead of "did you mean 'label'".
    """
    match = _WIDE_IN_KEY.fullmatch(key)
    if match is None or not isinstance(node, ScalarNode) or src.override_of(path):
        return None
    name, between, rest = match.groups()
    if "：" in between:
        message, offset = WIDE_COLON, len(name) + between.index("：")
    elif "\u3000" in between and (":" in between or rest):
        message, offset = WIDE_SPACE, len(name) + between.index("\u3000")
    else:
        return None
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if node.start_mark.line == node.end_mark.line:
        col += scalar_column(src.lines[line - 1][node.start_mark.column : node.end_mark.column], offset, node.style)
    return src.problem_at(line, col, message, f"write {name}: {rest}".rstrip())


def _flow_hint(key: str) -> str:
    """A formula's comma inside {…} splits the formula into a bogus key: say to quote it."""
    if any(ch in key for ch in "()*/+"):
        return 'inside { }, a value with a comma must be quoted: formula: "2 * max(0, 100 - rate)"'
    return ""


def _message(error: ValidationError, where: str, typed: str | None = None) -> str:
    v, instance, schema = error.validator, error.instance, error.schema
    subject = where or "the ruleset"
    if v == "required":
        missing = error.validator_value
        absent = [k for k in missing if k not in instance]
        return f"{subject} is missing the key{'s' if len(absent) > 1 else ''} {', '.join(repr(k) for k in absent)}"
    if v == "enum":
        return f"{subject} must be one of {', '.join(map(str, error.validator_value))}; got {instance!r}"
    if v == "type":
        if (
            isinstance(instance, (int, float))
            and not isinstance(instance, bool)
            and typed is not None
            and typed != str(instance)
        ):
            # `2024.10` is the number 2024.1 to YAML: say so, or the author sees a version they never wrote
            return f"{subject} must be {_type_words(error.validator_value)}, but YAML reads {typed} as the number {instance!r}"
        return f"{subject} must be {_type_words(error.validator_value)}, not {_type_of(instance)}"
    if v == "pattern":
        return f"{subject}: '{instance}' is not {_PATTERN_WORDS.get(schema.get('pattern', ''), 'allowed here')}"
    if v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return f"{subject} is {instance!r}, which is out of range ({error.message.split(' is ', 1)[-1]})"
    if v == "maxLength":
        return f"{subject} is {len(instance)} characters long; at most {error.validator_value} are allowed"
    if v == "minLength":
        return f"{subject} is empty"
    if v in ("minItems", "maxItems"):
        return f"{subject} has {len(instance)} items; {'at least' if v == 'minItems' else 'at most'} {error.validator_value} are allowed"
    return f"{subject}: {error.message}"


_PATTERN_WORDS = {
    "^[a-z_][a-z0-9_]*$": "a valid id",
    "^[a-z0-9][a-z0-9-]*$": "a valid ruleset name",
    "^[0-9A-Za-z][0-9A-Za-z.-]*$": "a valid version",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "a date written YYYY-MM-DD",
}
_PATTERN_HINTS = {
    "^[a-z_][a-z0-9_]*$": "ids are lowercase letters a-z, digits and _, not starting with a digit, e.g. on_time",
    "^[a-z0-9][a-z0-9-]*$": "a ruleset name is lowercase letters, digits and -, e.g. jintai-hotline",
    "^[0-9A-Za-z][0-9A-Za-z.-]*$": 'a version is letters, digits, . and -, e.g. "2024.02"',
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": 'e.g. "2024-02-01"',
}


def _hint(error: ValidationError, typed: str | None = None) -> str:
    """What to write instead; `typed` is the plain scalar as the author wrote it, where there is one."""
    if error.validator == "enum" and isinstance(error.instance, str):
        return did_you_mean(error.instance, [str(x) for x in error.validator_value])
    if error.validator == "pattern":
        return _PATTERN_HINTS.get(error.schema.get("pattern", ""), "")
    path = list(error.absolute_path)
    quotable = path and path[-1] in ("version", "effective", "title", "label", "name")
    if (
        error.validator == "type"
        and error.validator_value == "string"
        and isinstance(error.instance, (int, float))
        and quotable
    ):
        # as typed: YAML reads `version: 2024.10` as 2024.1, and quoting "2024.1" would name another version
        return f'put it in quotes: "{typed if typed is not None else error.instance}"'
    expected = error.validator_value if error.validator == "type" else ()
    if isinstance(error.instance, str) and ("number" in expected or "integer" in expected):
        return _wide_digits_hint(error.instance)
    return ""


def _wide_digits_hint(text: str) -> str:
    """`６０` (full-width digits, or Arabic-Indic ones) or a quoted "60" is text to YAML: say the number as YAML reads one."""
    folded = unicodedata.normalize("NFKC", text).strip()
    plain = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in folded)
    if not re.fullmatch(r"[-+]?(?:\d+\.?\d*|\.\d+)", plain):
        return ""
    if plain == text:
        return f"write it without quotes: {plain}"
    return f"write {plain} in ordinary digits" + (" (switch the input method to half-width)" if folded != text else "")


def _type_words(expected: str | Sequence[str]) -> str:
    words = {
        "string": "text",
        "number": "a number",
        "integer": "a whole number",
        "object": "a mapping (key: value)",
        "array": "a list",
        "boolean": "true or false",
        "null": "empty",
    }
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
