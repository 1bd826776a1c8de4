"""What-if: `--set KEY=VALUE` overrides applied to a ruleset in memory.

An override changes one scalar of the ruleset before it is validated, so the
changed ruleset goes through every check again (weights must still add up,
formulas must still name declared things).  KEY is `<id>.<key>` for an input,
aggregate or indicator (`timeliness.weight`, `completion.formula`),
`<section>.<key>` for a mapping (`rounding.places`, `ranking.ties`,
`total.max`), or a top-level key (`title`).  VALUE is read as YAML:
`45` is a number, `shared` is text.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import Any, Sequence

from .errors import KaopingError, Problem, did_you_mean
from .yamlsrc import Source, parse_yaml

SECTIONS = ("inputs", "aggregates", "indicators")
WHERE = "--set"
# what identifies a ruleset version, or must stay as released: a what-if never changes these
FIXED = frozenset({"schema", "name", "version", "effective", "tests"})


@dataclass(frozen=True, slots=True)
class Override:
    text: str
    key: str
    value: Any


def parse_overrides(texts: Sequence[str]) -> tuple[Override, ...]:
    problems: list[Problem] = []
    parsed: list[Override] = []
    for text in texts:
        key, sep, raw = text.partition("=")
        if not sep or not key.strip() or not raw.strip():
            problems.append(Problem(WHERE, 0, 0, f"'{text}' is not KEY=VALUE", "e.g. --set timeliness.weight=45"))
            continue
        try:
            value = parse_yaml(raw.strip(), f"{WHERE} {key.strip()}").data
        except KaopingError as e:
            problems += e.problems
            continue
        if isinstance(value, (dict, list)) or value is None:
            problems.append(Problem(WHERE, 0, 0, f"'{text}': the value must be a single number or text", "quote text that contains ':' or ','"))
            continue
        parsed.append(Override(text, key.strip(), value))
    if problems:
        raise KaopingError(problems)
    return tuple(parsed)


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
            problems.append(Problem(WHERE, 0, 0, f"'{override.key}' identifies the version and cannot be changed by a what-if", "make a new version with kaoping new-version"))
            continue
        changed[tuple(path)] = override.text
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent.get(path[-1]), (dict, list)):
            problems.append(Problem(WHERE, 0, 0, f"'{override.key}' is a whole section, not one value", "set one of its keys, e.g. rounding.places=1"))
            continue
        parent[path[-1]] = override.value
    if problems:
        raise KaopingError(problems)
    return replace(src, data=data, overridden=changed)


def _path(data: dict[str, Any], key: str) -> list[Any] | Problem:
    head, _, rest = key.partition(".")
    for section in SECTIONS:
        for index, item in enumerate(data.get(section) or []):
            if isinstance(item, dict) and item.get("id") == head:
                return [section, index, rest] if rest and "." not in rest else _bad(key, [f"{head}.weight", f"{head}.formula"])
    if isinstance(data.get(head), dict) and rest and "." not in rest:
        return [head, rest]
    if not rest and head in data:
        return [head]
    return _bad(key, _candidates(data))


def _candidates(data: dict[str, Any]) -> list[str]:
    ids = [item["id"] for s in SECTIONS for item in data.get(s) or [] if isinstance(item, dict) and "id" in item]
    keys = [f"{k}.{sub}" for k, v in data.items() if isinstance(v, dict) for sub in v]
    return [*(f"{i}.weight" for i in ids), *(f"{i}.formula" for i in ids), *keys, *(k for k, v in data.items() if not isinstance(v, (dict, list)))]


def _bad(key: str, candidates: list[str]) -> Problem:
    hint = did_you_mean(key, candidates) or "KEY is <id>.<key> (timeliness.weight), <section>.<key> (rounding.places) or a top-level key"
    return Problem(WHERE, 0, 0, f"'{key}' names nothing in this ruleset", hint)
