"""Placeholders in headers, titles and the report's blocks: {<indicator>.weight}, {total.max}, a title's {year},
{month}, {period}, and the blocks' {units} and {ranked} too (the attachment label, the notes, the issuer, the date).

Every {...} must name a real placeholder and every brace must be part of
one: anything else would be printed as typed.  Each mistake is told at the
brace's column.
"""

from __future__ import annotations

import re

from ..i18n import _, n_
from .context import Context, DocPath
from .model import COUNT_FIELDS, TITLE_FIELDS

BRACES = re.compile(r"\{([^{}]*)\}")
WIDE_BRACES = re.compile("[\uff5b\uff5d]")  # ｛ ｝
_HALF_BRACES = str.maketrans("\uff5b\uff5d", "{}")
BLOCKS = ("attachment", "notes", "issuer", "date")  # the report's texts around its table, in the order printed


def check_title(ctx: Context, text: str) -> None:
    """The report title: {year}, {month}, {period} and the header placeholders."""
    _check_placeholders(ctx, text, ["report", "title"], "title")


def check_label(ctx: Context, text: str, path: DocPath) -> None:
    """A header: {<indicator>.weight} and {total.max}."""
    _check_placeholders(ctx, text, path, "header")


def check_blocks(ctx: Context, report: dict[str, object]) -> None:
    """The attachment label, each note, the issuer and the date: what a title may say, and {units}, {ranked}."""
    for block in BLOCKS:
        value = report.get(block)
        if isinstance(value, list):
            for index, line in enumerate(value):
                _check_placeholders(ctx, line, ["report", block, index], "block")
        elif isinstance(value, str):
            _check_placeholders(ctx, value, ["report", block], "block")


def check_own_label(ctx: Context, field: str) -> None:
    """The label a field's column shows when the column has none of its own, where the author wrote it."""
    path = ctx.names.label_paths.get(field)
    if path is not None:
        check_label(ctx, ctx.value(path), path)


def check_ruleset_title(ctx: Context) -> None:
    """The ruleset's own `title` is shown as written (in `list`, and when a report title needs --period)."""
    title = ctx.doc["title"]
    at = next((i for i, char in enumerate(title) if char in "{}\uff5b\uff5d"), None)  # the first brace of any width
    if at is not None:
        message = (
            _("the ruleset's title is shown as written, so a '{{' or '}}' in it would be printed as typed")
            if title[at] in "{}"
            else _(
                "the ruleset's title is shown as written, so a '{brace}' (a full-width brace) in it would be printed as typed",
                brace=title[at],
            )
        )
        ctx.problem_in_text(
            ["title"],
            at,
            message,
            _('put placeholders in the report\'s title: report: {{title: "{{year}}年{{month}}月…"}}'),
            code="ruleset.brace-in-ruleset-title",
        )


Kind = str  # "title" (the report title), "header" (a column's or a group's), "block" (attachment, notes, issuer, date)


def _placeholder_names(ctx: Context, kind: Kind) -> list[str]:
    """Every placeholder a header, the report title or a block can fill in this ruleset."""
    names = [f"{ident}.weight" for ident in ctx.names.indicators] + ["total.max"]
    if kind == "title":
        return [*TITLE_FIELDS, *names]
    return [*TITLE_FIELDS, *COUNT_FIELDS, *names] if kind == "block" else names


def _check_placeholders(ctx: Context, text: str, path: DocPath, kind: Kind) -> None:
    """Every {...} names a real placeholder, and every brace is part of one, at the brace's column."""
    allowed = _placeholder_names(ctx, kind)
    where = ctx.where(path)
    text = _check_wide_braces(ctx, text, path, kind, allowed)
    for m in BRACES.finditer(text):
        if m.group(1) not in allowed:
            import difflib  # only a mistake needs a did-you-mean: not imported by a run that has none

            close = difflib.get_close_matches(m.group(1), allowed, n=1, cutoff=0.6)
            hint = _("did you mean '{{{name}}}'?", name=close[0]) if close else _placeholder_usage(ctx, kind)
            message = _unknown_message(kind, m.group(0), where)
            ctx.problem_in_text(path, m.start(), message, hint, code="ruleset.unknown-placeholder")
    for m in re.finditer(r"[{}]", BRACES.sub(lambda x: " " * len(x.group(0)), text)):
        ctx.problem_in_text(
            path,
            m.start(),
            _stray_message(kind, m.group(0), where),
            _("write placeholders whole, e.g. {{{example}}}; a brace cannot be text here", example=allowed[0]),
            code="ruleset.stray-brace",
        )


def _unknown_message(kind: Kind, text: str, where: str) -> str:
    if kind == "title":
        return _("the title placeholder '{text}' names nothing in this ruleset", text=text)
    if kind == "block":
        return _("the placeholder '{text}' in {where} names nothing in this ruleset", text=text, where=where)
    return _("the header placeholder '{text}' names nothing in this ruleset", text=text)


def _stray_message(kind: Kind, brace: str, where: str) -> str:
    if kind == "title":
        return _("this '{brace}' in the title is not part of a placeholder", brace=brace)
    if kind == "block":
        return _("this '{brace}' in {where} is not part of a placeholder", brace=brace, where=where)
    return _("this '{brace}' in the header is not part of a placeholder", brace=brace)


def _check_wide_braces(ctx: Context, text: str, path: DocPath, kind: Kind, allowed: list[str]) -> str:
    """Full-width braces ｛ ｝ (a Chinese input method's) fill nothing and would be printed as typed.

    Each placeholder written with one is told once, at its first full-width
    brace, with the placeholder written right (and its name corrected when it
    is a near miss); the text comes back with those spans blanked, so the
    half-width checks do not tell the same mistake again.
    """
    half = text.translate(_HALF_BRACES)
    blanked = list(text)
    for m in BRACES.finditer(half):
        written = text[m.start() : m.end()]
        wide = WIDE_BRACES.search(written)
        if wide is None:
            continue
        meant = f"{{{_meant(m.group(1), allowed) or allowed[0]}}}"
        ctx.problem_in_text(
            path,
            m.start() + wide.start(),
            _wide_message(kind, written, len(WIDE_BRACES.findall(written)), ctx.where(path)),
            _("write {meant} (switch the input method to half-width for {{ }})", meant=meant),
            code="ruleset.full-width-placeholder",
        )
        blanked[m.start() : m.end()] = " " * (m.end() - m.start())
    for m in WIDE_BRACES.finditer("".join(blanked)):
        ctx.problem_in_text(
            path,
            m.start(),
            _stray_wide_message(kind, m.group(0), ctx.where(path)),
            _(
                "write placeholders whole with half-width braces, e.g. {{{example}}}; a brace cannot be text here",
                example=allowed[0],
            ),
            code="ruleset.stray-full-width-brace",
        )
        blanked[m.start()] = " "
    return "".join(blanked)


def _wide_message(kind: Kind, text: str, n: int, where: str) -> str:
    if kind == "title":
        return n_(
            "the title placeholder '{text}' is written with a full-width brace, so it would be printed as typed",
            "the title placeholder '{text}' is written with full-width braces, so it would be printed as typed",
            n,
            text=text,
        )
    if kind == "block":
        return n_(
            "the placeholder '{text}' in {where} is written with a full-width brace, so it would be printed as typed",
            "the placeholder '{text}' in {where} is written with full-width braces, so it would be printed as typed",
            n,
            text=text,
            where=where,
        )
    return n_(
        "the header placeholder '{text}' is written with a full-width brace, so it would be printed as typed",
        "the header placeholder '{text}' is written with full-width braces, so it would be printed as typed",
        n,
        text=text,
    )


def _stray_wide_message(kind: Kind, brace: str, where: str) -> str:
    if kind == "title":
        return _("this '{brace}' (a full-width brace) in the title is not part of a placeholder", brace=brace)
    if kind == "block":
        return _(
            "this '{brace}' (a full-width brace) in {where} is not part of a placeholder", brace=brace, where=where
        )
    return _("this '{brace}' (a full-width brace) in the header is not part of a placeholder", brace=brace)


def _meant(name: str, allowed: list[str]) -> str:
    """The placeholder a (possibly misspelt) name means, or ""."""
    if name in allowed:
        return name
    import difflib  # only a mistake needs a did-you-mean: not imported by a run that has none

    return next(iter(difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)), "")


def _placeholder_usage(ctx: Context, kind: Kind) -> str:
    indicators = ctx.names.indicators
    example = f"{{{indicators[0]}.weight}}" if indicators else "{total.max}"
    if kind == "title":
        return _(
            "a title may use {{year}}, {{month}}, {{period}}, {{<indicator id>.weight}} (e.g. {example}) and {{total.max}}",
            example=example,
        )
    if kind == "block":
        return _(
            "the report's attachment, notes, issuer and date may use {{year}}, {{month}}, {{period}}, {{units}} (units in the table), {{ranked}} (units ranked), {{<indicator id>.weight}} (e.g. {example}) and {{total.max}}",
            example=example,
        )
    return _("a header may use {{<indicator id>.weight}} (e.g. {example}) and {{total.max}}", example=example)
