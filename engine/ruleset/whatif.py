"""What-if: `--set KEY=VALUE` overrides applied to a ruleset in memory.

An override changes one scalar of the ruleset before it is validated, so the
changed ruleset goes through every check again (weights must still add up,
formulas must still name declared things).

KEY is a path of dot-separated steps to one value:

- it starts with an id of anything the ruleset declares (an input, derived
  value, lookup, aggregate, indicator, list or flag: `timeliness.weight`,
  `completion_rate.formula`, `red.top`), or with a top-level key
  (`rounding.places`, `ranking.ties`, `report.title`, `title`);
- a list item is named by its position, counted from 1 (`response_band.bands.2.points`,
  or `bands[2]`, which means the same), or by its id or, for a group, its
  value (`groups.县区组.max`, `grades.bands.1.at_least`).

VALUE is read as one YAML value: `45` is a number, `shared` is text; where
it replaces text (a formula, a label), it stays text as typed: `completion.formula=35`.  A KEY
without `=`, an empty KEY or VALUE, or a VALUE that is not one value is a
mistake on the command line (exit 2); a KEY that names nothing in this
ruleset is told with the real keys nearest to it (exit 1).
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from ..errors import KaopingError, Problem, UsageError
from ..frozen import frozen
from ..i18n import _, n_
from .model import ID_SECTIONS
from .schema import ruleset_schema
from .yamlsrc import Source, misread_number, parse_yaml

WHERE = "--set"
# what identifies a ruleset version, or must stay as released: a what-if never changes these
FIXED = frozenset({"schema", "name", "version", "effective", "tests"})
_INDEX = re.compile(r"^(.*)\[(-?\d+)\]$")
_POSITION = re.compile(r"-?\d+")


@frozen
class Override:
    text: str
    key: str
    value: Any
    raw: str = ""  # VALUE as typed: it stays text where it replaces text (`completion.formula=35`)


def parse_overrides(texts: Sequence[str]) -> tuple[Override, ...]:
    """Each `KEY=VALUE`, its VALUE read as one YAML value; UsageError (exit 2) for a malformed one."""
    mistakes: list[str] = []
    parsed: list[Override] = []
    for text in texts:
        override = _parse_one(text)
        if isinstance(override, str):
            mistakes.append(override)
        else:
            parsed.append(override)
    if mistakes:
        raise UsageError("; ".join(mistakes), code="cli.bad-set")
    return tuple(parsed)


def _parse_one(text: str) -> Override | str:
    """The override, or what is wrong with it as typed on the command line."""
    key, sep, raw = text.partition("=")
    key, raw = key.strip(), raw.strip()
    if not sep:
        return _("--set {text!r} is not KEY=VALUE: e.g. --set timeliness.weight=45", text=text)
    if not key:
        return _("--set {text!r} has no KEY before '=': e.g. --set timeliness.weight=45", text=text)
    if not raw:
        return _(
            "--set {text!r} has no VALUE after '=': e.g. --set {key}=45, or --set '{key}=\"text\"'", text=text, key=key
        )
    misread = misread_number(raw)
    if misread:
        return _("the value of --set {key}: {message}: {hint}", key=key, message=misread[0], hint=misread[1])
    try:
        value = parse_yaml(raw, f"{WHERE} {key}").data
    except KaopingError:
        return _("the value of --set {key} is not a single value: {hint}", key=key, hint=_value_hint(key, raw))
    if isinstance(value, (dict, list)):
        return _("the value of --set {key} is not a single value: {hint}", key=key, hint=_value_hint(key, raw))
    if value is None:
        return _(
            "the value of --set {key} is empty (YAML reads {raw!r} as nothing): "
            "put it in quotes: --set '{key}=\"{raw}\"' if it is text",
            key=key,
            raw=raw,
        )
    return Override(text, key, value, raw)


def _value_hint(key: str, raw: str) -> str:
    """How to write a VALUE for KEY, from what the ruleset format expects there.

    Quoting a broken value only helps where text is wanted (a title, a label,
    a formula); for a weight it would only lead on to "must be a number".
    """
    kinds = _expected_kinds(_steps(key))
    if kinds == {"text"}:
        return _("put it in quotes: --set '{key}=\"{raw}\"'", key=key, raw=raw)
    if kinds == {"number"}:
        return _("write a number, e.g. {key}=35", key=key)
    if kinds == {"integer"}:
        return _("write a whole number, e.g. {key}=2", key=key)
    if kinds == {"boolean"}:
        return _("write true or false, e.g. {key}=true", key=key)
    if kinds and all(kind.startswith("one of ") for kind in kinds):
        choices = sorted({c for kind in kinds for c in kind[len("one of ") :].split(", ")})
        return _("write one of {choices}, e.g. {key}={first}", choices=", ".join(choices), key=key, first=choices[0])
    return _(
        "write a number, e.g. {key}=35; if it is text, put it in quotes: --set '{key}=\"{raw}\"'", key=key, raw=raw
    )


def _expected_kinds(steps: list[str]) -> set[str]:
    """What the format allows for the last step of a KEY ("number", "text", "one of a, b", ...); empty when unknown.

    Found by the key's name wherever the schema declares it; a position or a
    name of the author's own (a group's weight for an indicator) takes what its
    list or mapping holds.
    """
    last = steps[-1]
    if not last.lstrip("-").isdecimal() and last in _properties():
        return {kind for schema in _properties()[last] for kind in _kinds(schema)}
    if len(steps) > 1 and steps[-2] in _properties():
        inner = [
            sub
            for schema in _properties()[steps[-2]]
            for sub in (schema.get("items"), schema.get("additionalProperties"))
        ]
        return {kind for schema in inner if isinstance(schema, dict) for kind in _kinds(schema)}
    return set()


def _kinds(schema: dict[str, Any]) -> set[str]:
    """The kinds of value a (sub)schema accepts, in the words of `_value_hint`."""
    if "enum" in schema or "const" in schema:
        return {"one of " + ", ".join(str(v) for v in schema.get("enum", [schema.get("const")]))}
    if "$ref" in schema:
        return _kinds(ruleset_schema().get("$defs", {}).get(schema["$ref"].rsplit("/", 1)[-1], {}))
    kinds: set[str] = set()
    for branch in (*schema.get("oneOf", ()), *schema.get("anyOf", ())):
        kinds |= _kinds(branch)
    types = schema.get("type", [])
    for kind in [types] if isinstance(types, str) else types:
        kinds.add({"string": "text"}.get(kind, kind))
    return kinds


@lru_cache(maxsize=1)
def _properties() -> dict[str, list[dict[str, Any]]]:
    """Every property the ruleset format declares, by name, with each schema it has under that name."""
    found: dict[str, list[dict[str, Any]]] = {}
    stack: list[Any] = [ruleset_schema()]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for name, schema in (node.get("properties") or {}).items():
                if isinstance(schema, dict):
                    found.setdefault(name, []).append(schema)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def apply_overrides(src: Source, overrides: Sequence[Override]) -> Source:
    """A copy of `src` whose data has every override applied, and which paths they changed."""
    data = copy.deepcopy(src.data)
    problems: list[Problem] = []
    changed: dict[tuple[Any, ...], str] = {}
    for override in overrides:
        path = _path(data, override.key)
        if isinstance(path, Problem):
            problems.append(path)
            continue
        if path[0] in FIXED:
            problems.append(
                Problem(
                    WHERE,
                    0,
                    0,
                    _("'{key}' identifies the version and cannot be changed by a what-if", key=override.key),
                    _("make a new version with kaoping new-version"),
                    code="whatif.fixed-key",
                )
            )
            continue
        parent = _at(data, path[:-1])
        current = parent.get(path[-1]) if isinstance(parent, dict) else parent[path[-1]]
        if isinstance(current, (dict, list)):
            problems.append(
                Problem(
                    WHERE,
                    0,
                    0,
                    _("'{key}' is a whole section, not one value", key=override.key),
                    _("set one of its values, e.g. {example}", example=_example_inside(override.key, current)),
                    code="whatif.not-a-value",
                )
            )
            continue
        changed[tuple(path)] = override.text
        parent[path[-1]] = (
            override.raw
            if isinstance(current, str) and override.raw and not isinstance(override.value, str)
            else override.value
        )
    if problems:
        raise KaopingError(problems)
    return replace(src, data=data, overridden=changed)


def _at(data: Any, path: Sequence[Any]) -> Any:
    for step in path:
        data = data[step]
    return data


def _steps(key: str) -> list[str]:
    """`bands[2].points` -> ['bands', '2', 'points']: brackets are another way to write a position."""
    return [step for step, _at in _spans(key)]


def _spans(key: str) -> list[tuple[str, int]]:
    """Each step of KEY with where it starts in KEY, so a hint can rewrite one step as the user wrote it."""
    spans: list[tuple[str, int]] = []
    at = 0
    for part in key.split("."):
        match = _INDEX.match(part)
        if match and match.group(1):
            spans += [(match.group(1), at), (match.group(2), at + match.start(2))]
        else:
            spans.append((part, at))
        at += len(part) + 1
    return spans


def _position_problem(key: str, step: int, items: list[Any]) -> Problem | None:
    """A position outside the list (0, -1, or past its end), told as such rather than with the nearest key.

    Positions count from 1, as an office worker counts rows; a 0 typed by a
    programmer would otherwise get "did you mean" some unrelated item.
    """
    text, at = _spans(key)[step]
    if not _POSITION.fullmatch(text) or 1 <= int(text) <= len(items):
        return None
    listed = key[:at].rstrip(".[")
    if not items:
        return Problem(
            WHERE,
            0,
            0,
            _("'{key}' names nothing in this ruleset: the list '{listed}' is empty", key=key, listed=listed),
            code="whatif.empty-list",
        )
    if int(text) < 1:
        return Problem(
            WHERE,
            0,
            0,
            _("'{key}' names nothing in this ruleset", key=key),
            _("positions count from 1: {example}", example=_at_position(key, at, text, 1)),
            code="whatif.position-from-1",
        )
    n = len(items)
    return Problem(
        WHERE,
        0,
        0,
        n_(
            "'{key}' names nothing in this ruleset: '{listed}' has {n} item",
            "'{key}' names nothing in this ruleset: '{listed}' has {n} items",
            n,
            key=key,
            listed=listed,
            n=n,
        ),
        _("a position there is 1 to {n}, e.g. {example}", n=n, example=_at_position(key, at, text, n)),
        code="whatif.position-past-end",
    )


def _at_position(key: str, at: int, text: str, n: int) -> str:
    """KEY with the position `text` at `at` replaced by `n`, written as the user wrote the rest."""
    return f"{key[:at]}{n}{key[at + len(text) :]}"


def _path(data: dict[str, Any], key: str) -> list[Any] | Problem:
    """The data path KEY names, or a problem with the nearest real keys."""
    steps = _steps(key)
    start = _start(data, steps)
    if start is None:
        return _bad(key, data)
    path, rest = start
    node = _at(data, path)
    for i, step in enumerate(rest):
        last = i == len(rest) - 1
        if isinstance(node, dict) and (step in node or (last and node)):
            path.append(step)
        elif isinstance(node, list) and _ambiguous(node, step):
            return Problem(
                WHERE,
                0,
                0,
                _(
                    "'{key}' could mean two items: position {step} and the one whose value is '{step}'",
                    key=key,
                    step=step,
                ),
                _(
                    "a what-if must change exactly what you mean: "
                    "give the group's value in a version of its own, or edit a copy"
                ),
                code="whatif.ambiguous-key",
            )
        elif isinstance(node, list) and _item(node, step) is not None:
            path.append(_item(node, step))
        elif (
            isinstance(node, list) and (outside := _position_problem(key, len(steps) - len(rest) + i, node)) is not None
        ):
            return outside
        else:
            return _bad(key, data)
        node = node.get(step) if isinstance(node, dict) else node[path[-1]]
    return path if rest or len(path) == 1 else _bad(key, data)


def _start(data: dict[str, Any], steps: list[str]) -> tuple[list[Any], list[str]] | None:
    """Where KEY's first step points: a top-level key when it is alone, else an id first."""
    head, rest = steps[0], steps[1:]
    if not rest and head in data:
        return [head], []
    for section in ID_SECTIONS:
        for index, item in enumerate(data.get(section) or []):
            if isinstance(item, dict) and item.get("id") == head:
                return [section, index], rest
    if head in data:
        return [head], rest
    return None


def _named(items: list[Any], step: str) -> int | None:
    """The index of the item whose id or value (a group's) is `step`."""
    return next(
        (
            i
            for i, item in enumerate(items)
            if isinstance(item, dict) and step in (item.get("id"), str(item.get("value")))
        ),
        None,
    )


def _ambiguous(items: list[Any], step: str) -> bool:
    """A digit that is both a position and another item's value (groups "1" and "2" listed as 2, 1)."""
    named = _named(items, step)
    return step.isdecimal() and named is not None and 1 <= int(step) <= len(items) and named != int(step) - 1


def _item(items: list[Any], step: str) -> int | None:
    """The index of the list item `step` names: a position from 1, an id, or a group's value."""
    if step.isdecimal():
        return int(step) - 1 if 1 <= int(step) <= len(items) else None
    for index, item in enumerate(items):
        if isinstance(item, dict) and step in (item.get("id"), item.get("value")):
            return index
    return None


def keys(data: dict[str, Any]) -> list[str]:
    """Every KEY that names one value of this ruleset, in the shortest form (ids for declared things)."""
    found: list[str] = []
    for name, value in data.items():
        if name in ID_SECTIONS and isinstance(value, list):
            for index, item in enumerate(value):
                prefix = (
                    item["id"] if isinstance(item, dict) and isinstance(item.get("id"), str) else f"{name}.{index + 1}"
                )
                found += [f"{prefix}.{leaf}" for leaf in _leaves(item) if leaf != "id"]
        elif name not in FIXED:
            found += [f"{name}.{leaf}" if leaf else name for leaf in _leaves(value)]
    return found


def _leaves(value: Any) -> Iterator[str]:
    """The dotted paths of every scalar inside `value` ("" for a scalar itself)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from (f"{k}.{leaf}" if leaf else str(k) for leaf in _leaves(v))
    elif isinstance(value, list):
        for i, v in enumerate(value, start=1):
            yield from (f"{i}.{leaf}" if leaf else str(i) for leaf in _leaves(v))
    else:
        yield ""


def _bad(key: str, data: dict[str, Any]) -> Problem:
    """KEY names nothing: the nearest real keys, else the keys under the same first step, else examples."""
    real = keys(data)
    close = difflib.get_close_matches(key, real, n=1, cutoff=0.6)
    head = _steps(key)[0]
    same_head = [k for k in real if k.split(".", 1)[0] == head][:8]
    if close:
        hint = _("did you mean '{key}'?", key=close[0])
    elif same_head:
        hint = _("the keys under '{head}' are: {keys}", head=head, keys=", ".join(same_head))
    else:
        hint = _("KEY is <id>.<key> or <section>.<key>, e.g. {examples}", examples=", ".join(_examples(real)))
    return Problem(WHERE, 0, 0, _("'{key}' names nothing in this ruleset", key=key), hint, code="whatif.unknown-key")


def _examples(real: list[str]) -> list[str]:
    """A few real keys of different kinds: an id's, a section's, a list item's."""
    picks = [k for k in real if k.endswith((".weight", ".formula"))][:2]
    picks += [k for k in real if k.startswith(("rounding.", "ranking."))][:1]
    picks += [k for k in real if re.search(r"\.\d+\.", k)][:1]
    return picks or real[:3]


def _example_inside(key: str, section: Any) -> str:
    leaves = [leaf for leaf in _leaves(section) if leaf]
    return f"{key}.{leaves[0]}" if leaves else f"{key}.<key>"
