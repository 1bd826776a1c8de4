"""How units are ranked, and what is named under the table: lists (红榜, 黑榜) and flags."""

from __future__ import annotations

from typing import Any

from ..errors import did_you_mean
from ..i18n import _
from .context import Context
from .entity import NO_GROUP_FIELD
from .formulas import FAILED, compile_at, record_names
from .model import Flag, Ranking, UnitList
from .vocab import LIST_ENDS, ListEnd


def build_ranking(ctx: Context) -> Ranking:
    raw, indicators = ctx.doc["ranking"], ctx.names.indicators
    by = raw["by"]
    if by != "total" and by not in indicators:
        ctx.problem(
            ["ranking", "by"],
            _("ranking.by names '{by}', which is neither total nor an indicator", by=by),
            did_you_mean(by, ["total", *indicators]),
            code="ruleset.ranking-by-unknown",
        )
    breakers = [*indicators, *ctx.names.derived]
    for index, ident in enumerate(raw["tie_break"]):
        if ident not in breakers:
            ctx.problem(
                ["ranking", "tie_break", index],
                _("ranking.tie_break names '{id}', which is not an indicator or derived value", id=ident),
                did_you_mean(ident, breakers),
                code="ruleset.tie-break-unknown",
            )
    per_group = raw.get("within") == "group"
    if per_group and not ctx.names.has_group:
        ctx.problem(
            ["ranking", "within"],
            _("ranking is within groups, but entity.group names no group field"),
            _("add entity: {{group: <text input>}}"),
            code=NO_GROUP_FIELD,
        )
    eligible = compile_at(ctx, ["ranking", "eligible"], record_names(ctx.names)) if "eligible" in raw else None
    return Ranking(
        by, raw["order"], raw["ties"], tuple(raw["tie_break"]), raw["on"], per_group, eligible, raw["ineligible_label"]
    )


def build_lists(ctx: Context) -> tuple[UnitList, ...]:
    return tuple(_list(ctx, i, raw) for i, raw in enumerate(ctx.doc["lists"]))


def build_flags(ctx: Context) -> tuple[Flag, ...]:
    allowed = {**record_names(ctx.names), "total": "total"}
    return tuple(
        Flag(raw["id"], raw["label"], compile_at(ctx, ["flags", i, "when"], allowed) or FAILED)
        for i, raw in enumerate(ctx.doc["flags"])
    )


def _list(ctx: Context, index: int, raw: dict[str, Any]) -> UnitList:
    path = ["lists", index]
    ends: list[ListEnd] = [end for end in LIST_ENDS if end in raw]
    if len(ends) != 1:
        ctx.problem(
            path,
            _("{where} needs exactly one of top: N or bottom: N", where=ctx.where(path)),
            _("e.g. top: 5 for 红榜, bottom: 5 for 黑榜"),
            code="ruleset.list-end",
        )
    per_group = raw.get("within") == "group"
    if per_group and not ctx.names.has_group:
        ctx.problem(
            [*path, "within"],
            _("{where} is within groups, but entity.group names no group field", where=ctx.where(path)),
            code=NO_GROUP_FIELD,
        )
    end = ends[0] if ends else "top"
    return UnitList(raw["id"], raw["label"], end, int(raw.get(end, 1)), per_group)
