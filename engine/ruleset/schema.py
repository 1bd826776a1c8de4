"""The structural check: the ruleset against schemas/ruleset.schema.json.

The format version (`schema: 1`) is checked first and alone: a file in
another format would otherwise produce twenty confusing errors.  JSON Schema
errors are turned into problems at the line and column of the offending key
or value, with the list item named by its id (`indicators[timeliness].weight`)
and a did-you-mean for misspelt keys and choices.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from yaml.nodes import Node, ScalarNode

from ..errors import Problem, did_you_mean
from ..frozen import frozen
from ..i18n import N_, _, n_
from .yamlsrc import WIDE_COLON, WIDE_COLON_CODE, WIDE_SPACE, WIDE_SPACE_CODE, Source, child, locate, scalar_column

# The schema is package data (kaoping.schemas, from the project's schemas/ folder), read through
# importlib.resources: never from a folder that merely sits beside the package (in site-packages,
# another distribution's schemas/ could).
SCHEMA_PATH = files("kaoping.schemas").joinpath("ruleset.schema.json")
FORMAT_VERSION = 1


@lru_cache(maxsize=1)
def ruleset_schema() -> dict[str, Any]:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    if not isinstance(schema, dict):
        raise RuntimeError(_("{path} is not a JSON Schema (an object): reinstall kaoping", path=SCHEMA_PATH))
    return schema


@frozen
class _Mistake:
    """One JSON Schema error, its fields narrowed once from the types jsonschema leaves open (Unset).

    `expected` is the keyword's value in the schema (the keys `required`
    lists, the choices of `enum`, the type names of `type`, a limit).
    """

    validator: str
    expected: object
    instance: object
    schema: Mapping[str, Any]
    path: tuple[str | int, ...]
    message: str

    @property
    def code(self) -> str:
        return validator_code(self.validator)


def _mistake(error: ValidationError) -> _Mistake:
    validator = error.validator if isinstance(error.validator, str) else ""
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    return _Mistake(validator, error.validator_value, error.instance, schema, tuple(error.absolute_path), error.message)


def validator_code(validator: str) -> str:
    """`schema.` and the JSON Schema keyword in kebab-case, for every keyword: additionalProperties is
    schema.additional-properties, $ref schema.ref; a keyword jsonschema did not name is schema.invalid."""
    kebab = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", validator).lower()
    return "schema." + (re.sub(r"[^a-z0-9]+", "-", kebab).strip("-") or "invalid")


def _listed(value: object) -> list[Any]:
    """A keyword's value as a list (the keys of `required`, the choices of `enum`); [] when it is not one."""
    return list(value) if isinstance(value, (list, tuple)) else []


def _kinds(expected: object) -> list[str]:
    """The type names of a `type` keyword, which is one name or a list of them."""
    return [expected] if isinstance(expected, str) else [str(k) for k in _listed(expected)]


def _absent(m: _Mistake) -> list[Any]:
    """The keys a `required` error lists that its mapping lacks."""
    held = m.instance if isinstance(m.instance, dict) else {}
    return [k for k in _listed(m.expected) if k not in held]


def _size(value: object) -> int:
    return len(value) if isinstance(value, (str, list, dict)) else 0


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(ruleset_schema())


def check_format_version(src: Source) -> list[Problem]:
    """One problem if the file is not a mapping in format `schema: 1`."""
    data = src.data
    if not isinstance(data, dict):
        message = _("a ruleset is a mapping (schema:, name:, version:, ...) at the top level")
        return [src.problem(src.root, message, code="schema.not-a-mapping")]
    if "schema" not in data:
        message = _("the ruleset does not say which format it is written in")
        hint = _("add `schema: 1` as its first key")
        return [src.problem(src.root, message, hint, code="schema.format-missing")]
    if data["schema"] != FORMAT_VERSION or isinstance(data["schema"], bool):
        node = child(src.root, "schema")
        hint = _("this kaoping reads `schema: {version}`", version=FORMAT_VERSION)
        if isinstance(node, ScalarNode):
            message = _("unknown ruleset format '{said}'", said=node.value)
        else:
            message = _("unknown ruleset format 'this'")
        return [src.problem(node, message, hint, code="schema.format-version")]
    return []


def check_schema(src: Source) -> list[Problem]:
    """Every structural mistake in the file, each at its line and column."""
    errors = [_mistake(_most_relevant(e)) for e in _validator().iter_errors(src.data)]
    misspelt = _misspelt_keys(errors)
    problems: list[Problem] = []
    for error in errors:
        if error.validator == "required" and all((error.path, k) in misspelt for k in _absent(error)):
            continue  # the unknown-key error already says "did you mean"
        problems.extend(_to_problems(src, error))
    return problems


def _misspelt_keys(errors: list[_Mistake]) -> set[tuple[tuple[Any, ...], str]]:
    """(mapping path, allowed key) for every unknown key that is a near miss of it."""
    found = set()
    for error in errors:
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = list(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in allowed:
                    import difflib  # only a mistake needs a did-you-mean: not imported by a run that has none

                    close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                    if close:
                        found.add((error.path, close[0]))
    return found


def _most_relevant(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf, the error of the alternative the author most likely meant."""
    while error.context:
        deeper = [e for e in error.context if e.validator != "type"] or list(error.context)
        error = best_match(deeper) or error
        if not error.context:
            break
    return error


def _to_problems(src: Source, error: _Mistake) -> Iterator[Problem]:
    path = list(error.path)
    where = item_path(src.data, path)
    instance = error.instance
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        allowed = list(error.schema.get("properties", {}))
        for key in instance:
            if key not in allowed:
                yield _unknown_key(src, [*path, key], where, allowed)
        return
    node = locate(src.root, path)
    typed = node.value if isinstance(node, ScalarNode) and node.style is None else None
    hint, special = _hint(error, typed)
    code = "schema.misread-number" if _misread(error, typed) else special or error.code
    yield src.problem(node, _message(error, where, typed), hint, path, code=code)


def _unknown_key(src: Source, path: list[Any], where: str, allowed: list[str]) -> Problem:
    """A key the format does not have here: a typo (did you mean), a formula's comma inside { }, or a full-width colon."""
    key = str(path[-1])
    node = locate(src.root, path, key=True)
    wide = _wide_key(src, node, key, path)
    if wide is not None:
        return wide
    if where:
        message = _("unknown key '{key}' in {where}", key=key, where=_subject(where))
    else:
        message = _("unknown key '{key}' in the ruleset", key=key)
    close, flow = did_you_mean(key, allowed), _flow_hint(key)
    if close:
        return src.problem(node, message, close, path, code="schema.misspelt-key")
    if flow:
        return src.problem(node, message, flow, path, code="schema.unquoted-flow-comma")
    hint = _("the keys allowed here are: {keys}", keys=_names(allowed))
    return src.problem(node, message, hint, path, code="schema.additional-properties")


_WIDE_IN_KEY = (
    r"([A-Za-z_][\w-]*)([ \u3000]*[：:]?[ \u3000]*)(.*)"  # compiled (and cached by re) at its first unknown key
)


def _wide_key(src: Source, node: Node, key: str, path: Sequence[Any]) -> Problem | None:
    """`label：序号` inside { } is one unknown key to YAML; the author typed a key and its value with a full-width colon or space.

    Told like the same slip in block style (yamlsrc), at the full-width
    character, with the key written right, instead of "did you mean 'label'";
    and with the same code, for it is the same slip.
    """
    match = re.fullmatch(_WIDE_IN_KEY, key, re.DOTALL)
    if match is None or not isinstance(node, ScalarNode) or src.override_of(path):
        return None
    name, between, rest = match.groups()
    if "：" in between:
        message, offset, code = WIDE_COLON, len(name) + between.index("："), WIDE_COLON_CODE
    elif "\u3000" in between and (":" in between or rest):
        message, offset, code = WIDE_SPACE, len(name) + between.index("\u3000"), WIDE_SPACE_CODE
    else:
        return None
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if node.start_mark.line == node.end_mark.line:
        col += scalar_column(src.lines[line - 1][node.start_mark.column : node.end_mark.column], offset, node.style)
    return src.problem_at(line, col, _(message), _("write {fixed}", fixed=f"{name}: {rest}".rstrip()), code=code)


def _flow_hint(key: str) -> str:
    """A formula's comma inside {…} splits the formula into a bogus key: say to quote it."""
    if any(ch in key for ch in "()*/+"):
        return _('inside {{ }}, a value with a comma must be quoted: formula: "2 * max(0, 100 - rate)"')
    return ""


def _misread(error: _Mistake, typed: str | None) -> bool:
    """`2024.10` where text is wanted: YAML read the number 2024.1, not what the author typed."""
    instance = error.instance
    return (
        error.validator == "type"
        and isinstance(instance, (int, float))
        and not isinstance(instance, bool)
        and typed is not None
        and typed != str(instance)
    )


def _subject(where: str) -> str:
    """The place in the ruleset a message is about: `indicators[timeliness].weight`, or the ruleset itself.

    A path is the author's own keys, so the Chinese writes it as code (in
    backticks); "the ruleset" is a word, translated.
    """
    return _("{item_path}", item_path=where) if where else _("the ruleset")


def _names(items: Sequence[object], quoted: bool = False) -> str:
    """Keys or choices listed as the English says them (a, b, c; with their repr when `quoted`, as the English
    says a missing key); in Chinese as code, 、-separated."""
    text = ""
    for item in items:
        word = _("{listed!r}", listed=item) if quoted else _("{listed}", listed=item)
        text = _("{listed_before}, {listed}", listed_before=text, listed=word) if text else word
    return text


_LIMITS = {
    # jsonschema's own words for a number out of range, after "is " (as the English has always said them)
    "minimum": N_("less than the minimum of {limit!r}"),
    "maximum": N_("greater than the maximum of {limit!r}"),
    "exclusiveMinimum": N_("less than or equal to the minimum of {limit!r}"),
    "exclusiveMaximum": N_("greater than or equal to the maximum of {limit!r}"),
}


def _message(error: _Mistake, where: str, typed: str | None = None) -> str:
    """A schema mistake in kaoping's own words (so they can be said in Chinese); jsonschema's only where none fit."""
    v, instance, expected = error.validator, error.instance, error.expected
    subject = _subject(where)
    if v == "required":
        absent = _absent(error)
        keys = _names(absent, quoted=True)
        return n_(
            "{subject} is missing the key {keys}",
            "{subject} is missing the keys {keys}",
            len(absent),
            subject=subject,
            keys=keys,
        )
    if v == "enum":
        choices = _names(_listed(expected))
        return _(
            "{subject} must be one of {choices}; got {instance!r}", subject=subject, choices=choices, instance=instance
        )
    if v == "type":
        kinds = _type_words(expected)
        if _misread(error, typed):
            # `2024.10` is the number 2024.1 to YAML: say so, or the author sees a version they never wrote
            return _(
                "{subject} must be {kinds}, but YAML reads {typed} as the number {number!r}",
                subject=subject,
                kinds=kinds,
                typed=typed,
                number=instance,
            )
        return _("{subject} must be {kinds}, not {actual}", subject=subject, kinds=kinds, actual=_type_of(instance))
    if v == "pattern":
        words = _PATTERN_WORDS.get(error.schema.get("pattern", ""))
        if words is None:
            return _("{subject}: '{instance}' is not allowed here", subject=subject, instance=instance)
        return _("{subject}: '{instance}' is not {words}", subject=subject, instance=instance, words=_(words))
    return _sized(error, subject)


def _sized(error: _Mistake, subject: str) -> str:
    """A number out of range, a text too long or empty, a list too short or long, and what jsonschema says itself."""
    v, instance, expected = error.validator, error.instance, error.expected
    if v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        said = error.message.split(" is ", 1)[-1]
        known = _LIMITS[v]
        # jsonschema's own words, translated when they are the ones this kaoping knows
        limit = _(known, limit=expected) if said == known.format(limit=expected) else said
        return _(
            "{subject} is {instance!r}, which is out of range ({limit})",
            subject=subject,
            instance=instance,
            limit=limit,
        )
    if v == "maxLength":
        return _(
            "{subject} is {n} characters long; at most {limit} are allowed",
            subject=subject,
            n=_size(instance),
            limit=expected,
        )
    if v == "minLength":
        return _("{subject} is empty", subject=subject)
    if v == "minItems":
        return _(
            "{subject} has {n} items; at least {limit} are allowed", subject=subject, n=_size(instance), limit=expected
        )
    if v == "maxItems":
        return _(
            "{subject} has {n} items; at most {limit} are allowed", subject=subject, n=_size(instance), limit=expected
        )
    if v == "const" and error.message == f"{expected!r} was expected":
        return _("{subject}: {expected!r} was expected", subject=subject, expected=expected)
    if v == "uniqueItems" and error.message == f"{instance!r} has non-unique elements":
        return _("{subject}: {instance!r} has non-unique elements", subject=subject, instance=instance)
    return _("{subject}: {message}", subject=subject, message=error.message)


_PATTERN_WORDS = {
    "^[a-z_][a-z0-9_]*$": N_("a valid id"),
    "^[a-z0-9][a-z0-9-]*$": N_("a valid ruleset name"),
    "^[0-9A-Za-z][0-9A-Za-z.-]*$": N_("a valid version"),
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": N_("a date written YYYY-MM-DD"),
}
_PATTERN_HINTS = {
    "^[a-z_][a-z0-9_]*$": N_("ids are lowercase letters a-z, digits and _, not starting with a digit, e.g. on_time"),
    "^[a-z0-9][a-z0-9-]*$": N_("a ruleset name is lowercase letters, digits and -, e.g. jintai-hotline"),
    "^[0-9A-Za-z][0-9A-Za-z.-]*$": N_('a version is letters, digits, . and -, e.g. "2024.02"'),
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": N_('e.g. "2024-02-01"'),
}


def _hint(error: _Mistake, typed: str | None = None) -> tuple[str, str]:
    """What to write instead, and the code of a mistake the hint tells apart ("" for the validator's own).

    `typed` is the plain scalar as the author wrote it, where there is one.
    """
    if error.validator == "enum" and isinstance(error.instance, str):
        return did_you_mean(error.instance, [str(x) for x in _listed(error.expected)]), ""
    if error.validator == "pattern":
        hint = _PATTERN_HINTS.get(error.schema.get("pattern", ""))
        return (_(hint) if hint else ""), ""
    if error.validator != "type":
        return "", ""
    quotable = error.path and error.path[-1] in ("version", "effective", "title", "label", "name")
    if error.expected == "string" and isinstance(error.instance, (int, float)) and quotable:
        # as typed: YAML reads `version: 2024.10` as 2024.1, and quoting "2024.1" would name another version
        return _('put it in quotes: "{typed}"', typed=typed if typed is not None else error.instance), ""
    kinds = _kinds(error.expected)
    if isinstance(error.instance, str) and ("number" in kinds or "integer" in kinds):
        return _wide_digits_hint(error.instance)
    return "", ""


def _wide_digits_hint(text: str) -> tuple[str, str]:
    """`６０` (full-width digits, or Arabic-Indic ones) or a quoted "60" is text to YAML: say the number as YAML reads one."""
    folded = unicodedata.normalize("NFKC", text).strip()
    plain = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in folded)
    if not re.fullmatch(r"[-+]?(?:\d+\.?\d*|\.\d+)", plain):
        return "", ""
    if plain == text:
        return _("write it without quotes: {number}", number=plain), "schema.quoted-number"
    if folded != text:
        return _(
            "write {number} in ordinary digits (switch the input method to half-width)", number=plain
        ), "schema.wide-digits"
    return _("write {number} in ordinary digits", number=plain), "schema.wide-digits"


_TYPE_WORDS = {
    "string": N_("text"),
    "number": N_("a number"),
    "integer": N_("a whole number"),
    "object": N_("a mapping (key: value)"),
    "array": N_("a list"),
    "boolean": N_("true or false"),
    "null": N_("empty"),
}


def _type_words(expected: object) -> str:
    text = ""
    for kind in _kinds(expected):
        word = _(_TYPE_WORDS[kind]) if kind in _TYPE_WORDS else kind
        text = _("{either} or {other}", either=text, other=word) if text else word
    return text


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, (int, float)):
        return _("the number {value!r}", value=value)
    if isinstance(value, str):
        return _("the text {value!r}", value=value)
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    return _("empty") if value is None else type(value).__name__


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
