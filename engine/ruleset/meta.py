"""What a ruleset says about itself: when it takes effect, where its file is, and its golden cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..i18n import N_, _
from .context import Context
from .model import GoldenCase


def check_effective(ctx: Context) -> None:
    """effective: a real date (the schema only sees its shape, YYYY-MM-DD)."""
    try:
        dt.date.fromisoformat(ctx.doc["effective"])
    except ValueError:
        ctx.problem(
            ["effective"],
            _("effective: '{value}' is not a date", value=ctx.doc["effective"]),
            _('write it as "YYYY-MM-DD", e.g. "2024-02-01"'),
            code="ruleset.effective-not-a-date",
        )


def check_place(ctx: Context) -> None:
    """A version's file is named after it, in a folder named after the ruleset."""
    if ctx.expect is None:
        return
    for key, wanted, where, code in (
        (
            "name",
            ctx.expect.name,
            N_("this file says name '{said}', but its folder name says '{wanted}'"),
            "ruleset.name-not-folder",
        ),
        (
            "version",
            ctx.expect.version,
            N_("this file says version '{said}', but its file name says '{wanted}'"),
            "ruleset.version-not-file",
        ),
    ):
        if ctx.doc[key] != wanted:
            ctx.problem(
                [key],
                _(where, said=ctx.doc[key], wanted=wanted),
                _('set {key}: "{wanted}", or make a new version with kaoping new-version', key=key, wanted=wanted),
                code=code,
            )


def build_tests(ctx: Context) -> tuple[GoldenCase, ...]:
    """The golden cases, whose files stay inside the ruleset's folder."""
    cases = []
    for index, raw in enumerate(ctx.doc["tests"]):
        for key in ("input", "expect"):
            if ".." in Path(raw[key]).parts or Path(raw[key]).is_absolute():
                ctx.problem(
                    ["tests", index, key],
                    _(
                        "tests[{n}].{key}: '{file}' leaves the ruleset's folder",
                        n=index + 1,
                        key=key,
                        file=raw[key],
                    ),
                    _("keep a case's files in the ruleset's folder, e.g. cases/2024-02-input.csv"),
                    code="ruleset.case-outside-folder",
                )
        cases.append(GoldenCase(raw["name"], raw["input"], raw["expect"], raw.get("period")))
    return tuple(cases)
