"""The banded tables: lookups (points, called in formulas) and grades (labels over the total)."""

from __future__ import annotations

from typing import Any

from ..i18n import _
from .bands import build_bands
from .context import Context
from .model import Band, Grades, Lookup


def build_lookups(ctx: Context) -> tuple[Lookup, ...]:
    return tuple(
        Lookup(raw["id"], raw.get("label", raw["id"]), _bands(ctx, ["lookups", i, "bands"], raw["bands"], "points"))
        for i, raw in enumerate(ctx.doc["lookups"])
    )


def build_grades(ctx: Context) -> Grades | None:
    raw = ctx.doc.get("grades")
    if raw is None:
        return None
    return Grades(_bands(ctx, ["grades", "bands"], raw["bands"], "label"), bool(raw["percent"]))


def _bands(ctx: Context, path: list[Any], raw: list[dict[str, Any]], value_key: str) -> tuple[Band, ...]:
    bands, problems = build_bands(raw, value_key)
    for p in problems:
        at = [*path, p.index]
        ctx.problem(at, _("{where}: {message}", where=ctx.where(at), message=p.message), p.hint, code=p.code)
    return bands
