"""What a ruleset says about itself: when it takes effect, where its file is, and its golden cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .context import Context
from .model import GoldenCase


def check_effective(ctx: Context) -> None:
    """effective: a real date (the schema only sees its shape, YYYY-MM-DD)."""
    try:
        dt.date.fromisoformat(ctx.doc["effective"])
    except ValueError:
        ctx.problem(
            ["effective"],
            f"effective: '{ctx.doc['effective']}' is not a date",
            'write it as "YYYY-MM-DD", e.g. "2024-02-01"',
            code="ruleset.effective-not-a-date",
        )


def check_place(ctx: Context) -> None:
    """A version's file is named after it, in a folder named after the ruleset."""
    if ctx.expect is None:
        return
    for key, wanted, where, code in (
        ("name", ctx.expect.name, "folder name", "ruleset.name-not-folder"),
        ("version", ctx.expect.version, "file name", "ruleset.version-not-file"),
    ):
        if ctx.doc[key] != wanted:
            ctx.problem(
                [key],
                f"this file says {key} '{ctx.doc[key]}', but its {where} says '{wanted}'",
                f'set {key}: "{wanted}", or make a new version with kaoping new-version',
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
                    f"tests[{index + 1}].{key}: '{raw[key]}' leaves the ruleset's folder",
                    "keep a case's files in the ruleset's folder, e.g. cases/2024-02-input.csv",
                    code="ruleset.case-outside-folder",
                )
        cases.append(GoldenCase(raw["name"], raw["input"], raw["expect"], raw.get("period")))
    return tuple(cases)
