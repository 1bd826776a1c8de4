"""One table of the formats an evaluation is written in (`-f`, and the Python API's render).

The CLI's `-f` choices, the command that writes a file and kaoping.render
all come from here, so a format is added in one place.  The renderers of
the heavier formats are imported only when asked for.
"""

from __future__ import annotations

import io

from rich.console import Console

from ..evaluate.ranking import Evaluation
from .machine import to_csv, to_json
from .table import render_table

FORMATS = ("table", "json", "csv", "xlsx", "md", "html")


def formatted(evaluation: Evaluation, fmt: str, period: str | None) -> str | bytes:
    """The evaluation as `-f FMT` writes it to a file: bytes for xlsx, text otherwise (the table without colour)."""
    if fmt == "json":
        return to_json(evaluation, period)
    if fmt == "csv":
        return to_csv(evaluation, period)
    if fmt == "xlsx":
        from .xlsx import to_xlsx

        return to_xlsx(evaluation, period)
    if fmt == "md":
        from .md import to_markdown

        return to_markdown(evaluation, period)
    if fmt == "html":
        from .html import to_html

        return to_html(evaluation, period)
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}")
    buffer = io.StringIO()
    render_table(evaluation, Console(file=buffer, width=10_000, color_system=None, highlight=False), period)
    return buffer.getvalue()
