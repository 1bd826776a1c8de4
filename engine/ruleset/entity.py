"""The entity: the input naming each unit, its group field, and the labels of summary rows."""

from __future__ import annotations

from ..errors import did_you_mean
from ..i18n import _
from .context import Context

NO_GROUP_FIELD = "ruleset.no-group-field"  # per group, within groups, groups: all need entity.group


def entity_key(ctx: Context) -> str:
    """entity.key: a text input without a default (every row must name its unit)."""
    key = ctx.names.key
    found = ctx.names.input_by_id.get(key)
    if found is None:
        ctx.problem(
            ["entity", "key"],
            _("entity.key names '{key}', which is not an input", key=key),
            did_you_mean(key, ctx.names.input_by_id),
            code="ruleset.entity-key-unknown",
        )
    elif found.type != "text":
        ctx.problem(
            ["entity", "key"],
            _("entity.key '{key}' must be a text input (the unit's name)", key=key),
            code="ruleset.entity-key-not-text",
        )
    elif found.default is not None:
        ctx.problem(
            ["entity", "key"],
            _("entity.key '{key}' cannot have a default: every row must name its unit", key=key),
            code="ruleset.entity-key-default",
        )
    return key


def group_field(ctx: Context) -> str | None:
    """entity.group: a text input, when there is one."""
    field, inputs = ctx.names.group_field, ctx.names.input_by_id
    if field is not None and (field not in inputs or inputs[field].type != "text"):
        if field in inputs:
            message = _("entity.group names '{field}', which is a numeric input; a group is text", field=field)
        else:
            message = _("entity.group names '{field}', which is not an input", field=field)
        ctx.problem(
            ["entity", "group"],
            message,
            did_you_mean(field, [i for i, x in inputs.items() if x.type == "text"]),
            code="ruleset.group-field-not-text-input",
        )
    return field


def totals_labels(ctx: Context) -> tuple[str, ...]:
    """entity.totals: the key-column labels of summary rows (合计, 总计 ...), which are not units.

    Absent, the schema's default labels apply; `[]` says the data has no
    summary rows.  Each label must be text that can match a cell, once.
    """
    seen: dict[str, int] = {}
    for index, label in enumerate(ctx.doc["entity"]["totals"]):
        path = ["entity", "totals", index]
        if not label.strip():
            ctx.problem(
                path,
                _("entity.totals has an empty label"),
                _("write the text the key column shows on a summary row, e.g. 合计"),
                code="ruleset.totals-label-empty",
            )
        elif label.strip() in seen:
            first = ctx.line_of(["entity", "totals", seen[label.strip()]])
            ctx.problem(
                path,
                _("'{label}' is in entity.totals twice (first on line {first})", label=label.strip(), first=first),
                _("keep one of them"),
                code="ruleset.totals-label-duplicate",
            )
        else:
            seen[label.strip()] = index
    return tuple(seen)
