"""The ids: one namespace over every section whose items carry an id."""

from __future__ import annotations

from typing import Any

from ..i18n import _
from .context import Context
from .model import ID_SECTIONS
from .names import ID, RESERVED


def check_ids(ctx: Context) -> None:
    """Every id is well formed, not a reserved word, and used once in the whole ruleset."""
    seen: dict[str, list[Any]] = {}
    for section in ID_SECTIONS:
        for i, raw in enumerate(ctx.doc[section]):
            ident, path = raw["id"], [section, i, "id"]
            if not ID.fullmatch(ident):
                ctx.problem(
                    path,
                    _("{id!r} is not a valid id", id=ident),
                    _("ids are lowercase letters a-z, digits and _, e.g. on_time"),
                    code="ruleset.invalid-id",
                )
            elif ident in RESERVED:
                ctx.problem(
                    path,
                    _("'{id}' is a reserved name and cannot be an id", id=ident),
                    _("choose another id"),
                    code="ruleset.reserved-id",
                )
            elif ident in seen:
                ctx.problem(
                    path,
                    _("the id '{id}' is used twice (first on line {first})", id=ident, first=ctx.line_of(seen[ident])),
                    _("every input, aggregate, derived value, lookup and indicator needs its own id"),
                    code="ruleset.duplicate-id",
                )
            else:
                seen[ident] = path
