"""Full marks: the total, the weights that add up to it, and the groups with full marks of their own."""

from __future__ import annotations

from typing import Any

from ..errors import did_you_mean
from ..i18n import _
from .context import Context
from .entity import NO_GROUP_FIELD
from .formulas import compile_at, numeric_names
from .model import Group, Total

WEIGHT_TOLERANCE = 1e-9


def build_total(ctx: Context) -> Total:
    """total: a formula of its own, or the scored indicators' weights (plus its start) adding up to max."""
    raw = ctx.doc["total"]
    formula = None
    if "formula" in raw and (ctx.written(["total", "start"]) or any("start" in g for g in ctx.doc["groups"])):
        ctx.problem(
            ["total", "formula"],
            _("total.formula and a start cannot go together: the formula is the whole total"),
            _("add the start in the formula, or drop the formula"),
            code="ruleset.formula-with-start",
        )
    if "formula" in raw:
        names = {**numeric_names(ctx.names), **{a: "aggregate" for a in ctx.names.aggregates}}
        names.update({i: "indicator" for i in ctx.names.indicators})
        formula = compile_at(ctx, ["total", "formula"], names)
    else:
        _check_weights(ctx, ["total", "max"], None, raw["max"], raw["start"], _scored_weights(ctx, {}))
    floor = raw.get("floor")
    return Total(
        float(raw["max"]),
        raw["label"],
        formula,
        float(raw["start"]),
        bool(raw["cap"]),
        None if floor is None else float(floor),
    )


def build_groups(ctx: Context) -> tuple[Group, ...]:
    """The declared groups, each checked alone and then all together."""
    groups = tuple(_group(ctx, i, raw) for i, raw in enumerate(ctx.doc["groups"]))
    _check_groups_together(ctx)
    _check_grades_fit_groups(ctx)
    return groups


def _scored_weights(ctx: Context, own: dict[str, Any]) -> list[tuple[str, float]]:
    """(id, weight) of the scored indicators, with a group's `own` weights where it has them."""
    return [(i["id"], float(own.get(i["id"], i["weight"]))) for i in ctx.doc["indicators"] if i["kind"] == "score"]


def _check_weights(
    ctx: Context,
    path: list[Any],
    group: str | None,
    maximum: float,
    start: float,
    weights: list[tuple[str, float]],
) -> None:
    """Full marks are the scored indicators' weights plus where the total starts (penalties and bonuses apart).

    `group` is the group whose own max is checked, None for total.max: each
    is its own sentence, so a translation says the place as a whole.
    """
    added = sum(w for _i, w in weights) + start
    if abs(added - maximum) > WEIGHT_TOLERANCE:
        starts = [_("start {start:g}", start=start)] if start else []
        listing = " + ".join([*(f"{i} {w:g}" for i, w in weights), *starts]) or _("nothing")
        if group is None:
            message = _(
                "the indicators' weights add up to {added:g}, but total.max is {max:g}", added=added, max=maximum
            )
            hint = _("{listing} = {added:g}; change a weight or total.max", listing=listing, added=added)
        else:
            message = _(
                "the indicators' weights add up to {added:g}, but the max of group {group} is {max:g}",
                added=added,
                group=group,
                max=maximum,
            )
            hint = _(
                "{listing} = {added:g}; change a weight or the max of group {group}",
                listing=listing,
                added=added,
                group=group,
            )
        ctx.problem(path, message, hint, code="ruleset.weights-sum")


def _group(ctx: Context, index: int, raw: dict[str, Any]) -> Group:
    path, total = ["groups", index], ctx.doc["total"]
    if not ctx.names.has_group:
        ctx.problem(
            path,
            _("groups are declared, but entity.group names no group field"),
            _("add entity: {{group: <text input>}}"),
            code=NO_GROUP_FIELD,
        )
    weights = raw.get("weights", {})
    unknown = [ident for ident in weights if ident not in ctx.names.indicators]
    for ident in unknown:
        ctx.problem(
            [*path, "weights", ident],
            _("'{id}' in {where}.weights is not an indicator", id=ident, where=ctx.where(path)),
            did_you_mean(ident, ctx.names.indicators),
            code="ruleset.group-weight-not-an-indicator",
            key=True,
        )
    maximum = float(raw.get("max", total["max"]))
    start = float(raw.get("start", total["start"]))
    if "formula" not in total and not unknown:  # with a misspelt id the sum is wrong for that reason alone
        at = [*path, "max"] if "max" in raw else path
        _check_weights(ctx, at, str(raw["value"]), maximum, start, _scored_weights(ctx, weights))
    pairs = tuple((k, float(v)) for k, v in weights.items())
    return Group(raw["value"], raw.get("label", raw["value"]), maximum, pairs, raw.get("start"))


def _group_maxima(ctx: Context) -> set[float]:
    return {float(g.get("max", ctx.doc["total"]["max"])) for g in ctx.doc["groups"]}


def _check_groups_together(ctx: Context) -> None:
    """Each group is declared once; groups of different full marks cannot be ranked together."""
    seen: set[str] = set()
    for index, raw in enumerate(ctx.doc["groups"]):
        if raw["value"] in seen:
            ctx.problem(
                ["groups", index, "value"],
                _("the group '{value}' is declared twice", value=raw["value"]),
                _("declare each group once"),
                code="ruleset.duplicate-group",
            )
        seen.add(raw["value"])
    if len(_group_maxima(ctx)) > 1 and ctx.doc["ranking"].get("within") != "group":
        ctx.problem(
            ["ranking"],
            _("the groups have different full marks, so their totals cannot be ranked together"),
            _("rank each group apart: ranking: {{within: group}}"),
            code="ruleset.groups-ranked-together",
        )


def _check_grades_fit_groups(ctx: Context) -> None:
    """Grade bands on the raw total would grade groups of different full marks unevenly, without a word."""
    grades, maxima = ctx.doc.get("grades"), sorted(_group_maxima(ctx))
    if grades is None or grades["percent"] or len(maxima) < 2:
        return
    marks = ", ".join(f"{m:g}" for m in maxima)
    ctx.problem(
        ["grades"],
        _(
            "the groups have different full marks ({marks}), so grade bands on the raw total would grade them unevenly",
            marks=marks,
        ),
        _("grade on the share of full marks: grades: {{percent: true, bands: [...]}}"),
        code="ruleset.grades-uneven-full-marks",
        key=True,
    )
