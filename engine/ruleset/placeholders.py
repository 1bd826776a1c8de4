"""Placeholders in headers and titles: {<indicator>.weight}, {total.max}, and a title's {year}, {month}, {period}.

Every {...} must name a real placeholder and every brace must be part of
one: anything else would be printed as typed.  Each mistake is told at the
brace's column.
"""

from __future__ import annotations

import re

from ..i18n import _, n_
from .context import Context, DocPath
from .model import TITLE_FIELDS

BRACES = re.compile(r"\{([^{}]*)\}")
WIDE_BRACES = re.compile("[\uff5b\uff5d]")  # ｛ ｝
_HALF_BRACES = str.maketrans("\uff5b\uff5d", "{}")


def check_title(ctx: Context, text: str) -> None:
    """The report title: {year}, {month}, {period} and the header placeholders."""
    _check_placeholders(ctx, text, ["report", "title"], title=True)


def check_label(ctx: Context, text: str, path: DocPath) -> None:
    """A header: {<indicator>.weight} and {total.max}."""
    _check_placeholders(ctx, text, path, title=False)


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


def _placeholder_names(ctx: Context, title: bool) -> list[str]:
    """Every placeholder a header (or, with `title`, the report title) can fill in this ruleset."""
    names = [f"{ident}.weight" for ident in ctx.names.indicators] + ["total.max"]
    return [*TITLE_FIELDS, *names] if title else names


def _check_placeholders(ctx: Context, text: str, path: DocPath, title: bool) -> None:
    """Every {...} names a real placeholder, and every brace is part of one, at the brace's column."""
    allowed = _placeholder_names(ctx, title)
    text = _check_wide_braces(ctx, text, path, title, allowed)
    for m in BRACES.finditer(text):
        if m.group(1) not in allowed:
            import difflib  # only a mistake needs a did-you-mean: not imported by a run that has none

            close = difflib.get_close_matches(m.group(1), allowed, n=1, cutoff=0.6)
            hint = _("did you mean '{{{name}}}'?", name=close[0]) if close else _placeholder_usage(ctx, title)
            message = (
                _("the title placeholder '{text}' names nothing in this ruleset", text=m.group(0))
                if title
                else _("the header placeholder '{text}' names nothing in this ruleset", text=m.group(0))
            )
            ctx.problem_in_text(path, m.start(), message, hint, code="ruleset.unknown-placeholder")
    for m in re.finditer(r"[{}]", BRACES.sub(lambda x: " " * len(x.group(0)), text)):
        ctx.problem_in_text(
            path,
            m.start(),
            _("this '{brace}' in the title is not part of a placeholder", brace=m.group(0))
            if title
            else _("this '{brace}' in the header is not part of a placeholder", brace=m.group(0)),
            _("write placeholders whole, e.g. {{{example}}}; a brace cannot be text here", example=allowed[0]),
            code="ruleset.stray-brace",
        )


def _check_wide_braces(ctx: Context, text: str, path: DocPath, title: bool, allowed: list[str]) -> str:
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
        n = len(WIDE_BRACES.findall(written))
        message = (
            n_(
                "the title placeholder '{text}' is written with a full-width brace, so it would be printed as typed",
                "the title placeholder '{text}' is written with full-width braces, so it would be printed as typed",
                n,
                text=written,
            )
            if title
            else n_(
                "the header placeholder '{text}' is written with a full-width brace, so it would be printed as typed",
                "the header placeholder '{text}' is written with full-width braces, so it would be printed as typed",
                n,
                text=written,
            )
        )
        ctx.problem_in_text(
            path,
            m.start() + wide.start(),
            message,
            _("write {meant} (switch the input method to half-width for {{ }})", meant=meant),
            code="ruleset.full-width-placeholder",
        )
        blanked[m.start() : m.end()] = " " * (m.end() - m.start())
    for m in WIDE_BRACES.finditer("".join(blanked)):
        ctx.problem_in_text(
            path,
            m.start(),
            _("this '{brace}' (a full-width brace) in the title is not part of a placeholder", brace=m.group(0))
            if title
            else _("this '{brace}' (a full-width brace) in the header is not part of a placeholder", brace=m.group(0)),
            _(
                "write placeholders whole with half-width braces, e.g. {{{example}}}; a brace cannot be text here",
                example=allowed[0],
            ),
            code="ruleset.stray-full-width-brace",
        )
        blanked[m.start()] = " "
    return "".join(blanked)


def _meant(name: str, allowed: list[str]) -> str:
    """The placeholder a (possibly misspelt) name means, or ""."""
    if name in allowed:
        return name
    import difflib  # only a mistake needs a did-you-mean: not imported by a run that has none

    return next(iter(difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)), "")


def _placeholder_usage(ctx: Context, title: bool) -> str:
    indicators = ctx.names.indicators
    example = f"{{{indicators[0]}.weight}}" if indicators else "{total.max}"
    if title:
        return _(
            "a title may use {{year}}, {{month}}, {{period}}, {{<indicator id>.weight}} (e.g. {example}) and {{total.max}}",
            example=example,
        )
    return _("a header may use {{<indicator id>.weight}} (e.g. {example}) and {{total.max}}", example=example)
