"""The inputs: their bounds and defaults, and the column headers that name them."""

from __future__ import annotations

from typing import Any

from ..errors import did_you_mean
from ..i18n import _
from .context import Context
from .model import Input


def build_inputs(ctx: Context) -> tuple[Input, ...]:
    """The inputs (as the names table holds them), after checking each one and the headers they answer to."""
    for index, raw in enumerate(ctx.doc["inputs"]):
        _check_bounds(ctx, ["inputs", index], raw)
        _check_default(ctx, ["inputs", index], raw)
    _check_header_names(ctx)
    return ctx.names.inputs


def _check_bounds(ctx: Context, path: list[Any], raw: dict[str, Any]) -> None:
    """min/max are numbers, or another numeric input's id; a text input has neither."""
    numeric = [r["id"] for r in ctx.doc["inputs"] if r["type"] != "text" and r["id"] != raw["id"]]
    for bound in ("min", "max"):
        ref = raw.get(bound)
        if isinstance(ref, str) and ref not in numeric:
            where = ctx.where([*path, bound])
            ctx.problem(
                [*path, bound],
                _("{where} names '{ref}', which is the input itself", where=where, ref=ref)
                if ref == raw["id"]
                else _("{where} names '{ref}', which is not another numeric input", where=where, ref=ref),
                did_you_mean(ref, numeric),
                code="ruleset.bound-not-an-input",
            )
    if raw["type"] == "text" and ("min" in raw or "max" in raw):
        ctx.problem(
            path, _("{where} is text, so it cannot have min or max", where=ctx.where(path)), code="ruleset.text-bounds"
        )
    low, high = raw.get("min"), raw.get("max")
    if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low > high:
        ctx.problem(
            [*path, "min"],
            _("{where} has min {low:g} above max {high:g}", where=ctx.where(path), low=low, high=high),
            _("swap them"),
            code="ruleset.min-above-max",
        )


def _check_default(ctx: Context, path: list[Any], raw: dict[str, Any]) -> None:
    """A default must fit the input's type and its fixed bounds: the data is checked against them."""
    default, at = raw.get("default"), [*path, "default"]
    where = ctx.where(at)
    if default is None:
        return
    if (raw["type"] == "text") != isinstance(default, str):
        wanted = (
            _("{where} must be text", where=where)
            if raw["type"] == "text"
            else _("{where} must be a number", where=where)
        )
        ctx.problem(at, wanted, code="ruleset.default-type")
    elif raw["type"] == "integer" and isinstance(default, float) and not default.is_integer():
        ctx.problem(at, _("{where} must be a whole number", where=where), code="ruleset.default-not-whole")
    elif isinstance(default, (int, float)):
        low, high = raw.get("min"), raw.get("max")
        if (isinstance(low, (int, float)) and default < low) or (isinstance(high, (int, float)) and default > high):
            ctx.problem(
                at,
                _("{where} is {default:g}, outside the input's own min/max", where=where, default=default),
                code="ruleset.default-out-of-range",
            )


def _check_header_names(ctx: Context) -> None:
    """Every id, label and alias names one input only: a data file's header must map one way."""
    owner: dict[str, str] = {}
    for i, raw in enumerate(ctx.doc["inputs"]):
        names = [("id", raw["id"]), ("label", raw["label"]), *(("aliases", a) for a in raw["aliases"])]
        for key, name in names:
            folded = "".join(str(name).split())
            path = ["inputs", i, key] if key != "aliases" else ["inputs", i, "aliases", raw["aliases"].index(name)]
            if folded in owner and owner[folded] != raw["id"]:
                ctx.problem(
                    path,
                    _("'{name}' already names the input '{owner}'", name=name, owner=owner[folded]),
                    _("a column header must mean one input: rename or remove one"),
                    code="ruleset.header-names-two-inputs",
                )
            owner.setdefault(folded, raw["id"])
