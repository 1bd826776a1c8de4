"""The report: its title, its columns (a field, a field with its own header, or a group of columns), and the
blocks a published document carries around the table (attachment label, notes, issuer, date)."""

from __future__ import annotations

from typing import Any

from ..errors import did_you_mean
from ..i18n import _
from .context import Context, DocPath
from .model import Column, ColumnGroup, Report, ReportItem
from .names import RANK_LABEL
from .placeholders import check_blocks, check_label, check_own_label, check_ruleset_title, check_title


def build_report(ctx: Context) -> Report:
    raw = ctx.doc.get("report", {})
    if "title" in raw:
        check_title(ctx, raw["title"])
    check_ruleset_title(ctx)
    if "columns" in raw:
        items = tuple(_report_item(ctx, i, c) for i, c in enumerate(raw["columns"]))
    else:
        items = _default_columns(ctx)
        for field in [ctx.names.key, *ctx.names.indicators, "total"]:
            check_own_label(ctx, field)
    check_blocks(ctx, raw)
    return Report(
        raw.get("title", ctx.doc["title"]),
        items,
        attachment=raw.get("attachment", ""),
        notes=tuple(raw.get("notes", ())),
        issuer=raw.get("issuer", ""),
        date=raw.get("date", ""),
    )


def _default_columns(ctx: Context) -> tuple[ReportItem, ...]:
    """Without `columns`: rank, the unit, each indicator with its weight, the total."""
    key = ctx.names.input_by_id.get(ctx.names.key)
    cols = [Column("rank", RANK_LABEL), *([Column(key.id, key.label)] if key else [])]
    cols += [Column(i["id"], f"{i['label']}（{{{i['id']}.weight}}分）") for i in ctx.doc["indicators"]]
    cols.append(Column("total", ctx.names.total_label))
    return tuple(cols)


def _report_item(ctx: Context, index: int, raw: Any) -> ReportItem:
    """A column (a field id, or {field, label}) or a group {header, columns}."""
    path = ["report", "columns", index]
    if isinstance(raw, dict) and ("header" in raw or "columns" in raw):
        return _column_group(ctx, path, raw)
    if isinstance(raw, dict) and "field" not in raw:
        ctx.problem(
            path,
            _("{where} is missing the key 'field'", where=ctx.where(path)),
            _("write {{field: <id>, label: <header text>}}"),
            code="ruleset.column-without-field",
        )
        return Column("", "")
    return _column(ctx, path, raw)


def _column_group(ctx: Context, path: list[Any], raw: dict[str, Any]) -> ColumnGroup:
    for key in ("field", "label"):
        if key in raw:
            ctx.problem(
                [*path, key],
                _("a column group has a header and columns, not a {key}", key=key),
                _("move it into one of the group's columns"),
                code="ruleset.column-group-key",
                key=True,
            )
    if "header" not in raw or "columns" not in raw:
        missing = "header" if "header" not in raw else "columns"
        ctx.problem(
            path,
            _("{where} is a column group without its {missing}", where=ctx.where(path), missing=missing),
            _("write header: <text> and columns: [...]"),
            code="ruleset.column-group-incomplete",
        )
        return ColumnGroup("", ())
    check_label(ctx, raw["header"], [*path, "header"])
    return ColumnGroup(
        raw["header"], tuple(_column(ctx, [*path, "columns", j], c) for j, c in enumerate(raw["columns"]))
    )


def _column(ctx: Context, path: DocPath, raw: Any) -> Column:
    field = raw if isinstance(raw, str) else raw["field"]
    known = ctx.names.field_labels
    if field not in known:
        ctx.problem(
            path if isinstance(raw, str) else [*path, "field"],
            _("the report column '{field}' is not rank, total, an input, an aggregate or an indicator", field=field),
            did_you_mean(field, known),
            code="ruleset.column-unknown-field",
        )
    label = raw.get("label") if isinstance(raw, dict) else None
    if label is not None:
        check_label(ctx, label, [*path, "label"])
    else:
        check_own_label(ctx, field)
    return Column(field, label if label is not None else known.get(field, field))
