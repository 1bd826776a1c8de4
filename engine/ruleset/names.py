"""The table of what a ruleset declares, built first and once, before any meaning check.

Every section's check reads this table (and the shared problem collector),
never what another check built: so the checks can run in any order.  It is
built from the schema-valid document with its defaults filled in (`doc`) and
from the document as written (`written`, for "did the author write this
key"), and holds plain facts only: ids by section, the inputs, labels, the
entity key and group field.  It checks nothing.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..frozen import frozen
from .expr import HELPERS
from .model import ID_SECTIONS, SPECIAL_FIELDS, Input

RESERVED = frozenset(
    {*SPECIAL_FIELDS, "weight", "year", "month", "period", *HELPERS, "true", "false", "none", *keyword.kwlist}
)
ID = re.compile(r"[a-z_][a-z0-9_]*")
RANK_LABEL = "排名"
GRADE_LABEL = "等级"


@frozen
class Names:
    """What the ruleset declares, by section, in the document's order."""

    inputs: tuple[Input, ...]
    input_by_id: Mapping[str, Input]  # an id used twice names its last input (its first is told as a duplicate)
    aggregates: tuple[str, ...]
    indicators: tuple[str, ...]
    derived: tuple[str, ...]
    lookups: tuple[str, ...]
    key: str
    group_field: str | None
    title: str
    total_label: str
    field_labels: Mapping[str, str]  # every field a report column can show, with its header
    label_paths: Mapping[str, tuple[Any, ...]]  # where a field's own label is written, where it is
    duplicate_ids: bool  # an id (valid, not reserved) names two things: the dependency graph is wrong then

    @property
    def has_group(self) -> bool:
        return self.group_field is not None


def declared_names(doc: dict[str, Any], written: dict[str, Any]) -> Names:
    """The names table of a schema-valid document (`doc` with defaults, `written` without)."""
    inputs = tuple(_input(raw) for raw in doc["inputs"])
    return Names(
        inputs=inputs,
        input_by_id=MappingProxyType({i.id: i for i in inputs}),
        aggregates=_ids(doc, "aggregates"),
        indicators=_ids(doc, "indicators"),
        derived=_ids(doc, "derived"),
        lookups=_ids(doc, "lookups"),
        key=doc["entity"]["key"],
        group_field=doc["entity"].get("group"),
        title=doc["title"],
        total_label=doc["total"]["label"],
        field_labels=MappingProxyType(_field_labels(doc)),
        label_paths=MappingProxyType(_label_paths(written)),
        duplicate_ids=_has_duplicate_ids(doc),
    )


def _ids(doc: dict[str, Any], section: str) -> tuple[str, ...]:
    return tuple(item["id"] for item in doc[section])


def _input(raw: dict[str, Any]) -> Input:
    return Input(
        id=raw["id"],
        type=raw["type"],
        label=raw["label"],
        aliases=tuple(raw["aliases"]),
        min=raw.get("min"),
        max=raw.get("max"),
        default=raw.get("default"),
        description=raw["description"],
    )


def _field_labels(doc: dict[str, Any]) -> dict[str, str]:
    labels = {"rank": RANK_LABEL, "total": doc["total"]["label"]}
    labels.update({i["id"]: i["label"] for i in doc["inputs"]})
    labels.update({a["id"]: a.get("label", a["id"]) for a in doc["aggregates"]})
    labels.update({i["id"]: i["label"] for i in doc["indicators"]})
    labels.update({x["id"]: x.get("label", x["id"]) for x in doc["derived"]})
    if "grades" in doc:
        labels["grade"] = GRADE_LABEL
    return labels


def _label_paths(written: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    """Where each field's own label is written: a column without a label of its own shows it."""
    paths: dict[str, tuple[Any, ...]] = {"total": ("total", "label")} if "label" in written["total"] else {}
    for section in ("inputs", "aggregates", "indicators", "derived"):
        for i, item in enumerate(written.get(section, [])):
            if "label" in item:
                paths.setdefault(item["id"], (section, i, "label"))
    return paths


def _has_duplicate_ids(doc: dict[str, Any]) -> bool:
    usable = [raw["id"] for s in ID_SECTIONS for raw in doc[s] if ID.fullmatch(raw["id"])]
    usable = [ident for ident in usable if ident not in RESERVED]
    return len(usable) != len(set(usable))
