"""The per-record values: aggregates (over units), derived values and the scored indicators."""

from __future__ import annotations

from typing import Any

from ..i18n import _
from .context import Context
from .entity import NO_GROUP_FIELD
from .formulas import FAILED, compile_at, record_names
from .model import Aggregate, Derived, Indicator


def build_aggregates(ctx: Context) -> tuple[Aggregate, ...]:
    return tuple(_aggregate(ctx, i, raw) for i, raw in enumerate(ctx.doc["aggregates"]))


def build_derived(ctx: Context) -> tuple[Derived, ...]:
    return tuple(_derived(ctx, i, raw) for i, raw in enumerate(ctx.doc["derived"]))


def build_indicators(ctx: Context) -> tuple[Indicator, ...]:
    return tuple(_indicator(ctx, i, raw) for i, raw in enumerate(ctx.doc["indicators"]))


def _aggregate(ctx: Context, index: int, raw: dict[str, Any]) -> Aggregate:
    """An aggregate reads no other aggregate; every function but count needs `of:`."""
    path = ["aggregates", index]
    per_group = raw.get("per") == "group"
    if per_group and not ctx.names.has_group:
        ctx.problem(
            [*path, "per"],
            _("{where} is per group, but entity.group names no group field", where=ctx.where(path)),
            _("add entity: {{group: <text input>}}"),
            code=NO_GROUP_FIELD,
        )
    of = None
    if "of" in raw:
        of = compile_at(ctx, [*path, "of"], record_names(ctx.names, aggregates=False))
    elif raw["function"] != "count":
        example = next((i.id for i in ctx.names.input_by_id.values() if i.numeric), None)
        ctx.problem(
            path,
            _(
                "{where} ({function}) needs `of:`, the value it is taken over",
                where=ctx.where(path),
                function=raw["function"],
            ),
            _("e.g. of: {example}", example=example) if example else _("e.g. of: <input id>"),
            code="ruleset.aggregate-needs-of",
        )
    return Aggregate(raw["id"], raw.get("label", raw["id"]), raw["function"], of, per_group)


def _derived(ctx: Context, index: int, raw: dict[str, Any]) -> Derived:
    allowed = record_names(ctx.names, but=raw["id"])
    formula = compile_at(ctx, ["derived", index, "formula"], allowed, own=raw["id"])
    return Derived(raw["id"], raw.get("label", raw["id"]), formula or FAILED)


def _indicator(ctx: Context, index: int, raw: dict[str, Any]) -> Indicator:
    allowed = {**record_names(ctx.names, but=raw["id"]), "weight": "weight"}
    formula = compile_at(ctx, ["indicators", index, "formula"], allowed, own=raw["id"])
    return Indicator(raw["id"], raw["label"], float(raw["weight"]), formula or FAILED, raw["kind"])
