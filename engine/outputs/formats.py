"""The one registry of the formats an evaluation is written in (`-f`, -o's name, and kaoping.render).

The CLI's `-f` choices, the format a file name implies, the command that
writes a file and kaoping.render all come from `FORMATS`, so a format is
added in one place: one frozen `Format` each.  The renderers of the heavier
formats (Excel, Word, PDF, HTML, Markdown, and the table with Rich's Console) are imported
only when asked for: `-f json` starts without them.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType

from ..evaluate.ranking import Evaluation
from ..files import Piece
from ..frozen import frozen
from .machine import csv_chunks, json_chunks, to_csv, to_json

Renderer = Callable[[Evaluation, str | None], str | bytes]
Streamer = Callable[[Evaluation, str | None], Iterator[Piece]]


@frozen
class Format:
    """One output format: its -f name, the file names that imply it, what it renders to, and where it may go.

    `suffixes` are the -o endings that choose it without -f (the first is the
    one to name a file); `binary` formats are bytes (never decoded for a
    terminal); `to_terminal` is False for a format that cannot go to the screen;
    `stream` gives the same text as `render` in pieces, for a file or screen
    that need not hold a million units' text at once.
    """

    name: str
    suffixes: tuple[str, ...]
    binary: bool
    render: Renderer
    to_terminal: bool = True
    stream: Streamer | None = None


def _table(evaluation: Evaluation, period: str | None) -> str:
    """The terminal table as plain text, never wrapped: what -o FILE holds (the screen gets colour instead)."""
    from rich.console import Console  # Rich's Console and the table's renderer only for the table: not -f json

    from .table import render_table

    buffer = io.StringIO()
    render_table(evaluation, Console(file=buffer, width=10_000, color_system=None, highlight=False), period)
    return buffer.getvalue()


def _xlsx(evaluation: Evaluation, period: str | None) -> bytes:
    from .xlsx import to_xlsx

    return to_xlsx(evaluation, period)


def _docx(evaluation: Evaluation, period: str | None) -> bytes:
    from .docx import to_docx  # python-docx only for a .docx

    return to_docx(evaluation, period)


def _pdf(evaluation: Evaluation, period: str | None) -> bytes:
    from .pdf import to_pdf  # type: ignore[import-not-found,unused-ignore]  # engine/outputs/pdf.py: pub-page's

    result: bytes = to_pdf(evaluation, period)
    return result


def _md(evaluation: Evaluation, period: str | None) -> str:
    from .md import to_markdown

    return to_markdown(evaluation, period)


def _html(evaluation: Evaluation, period: str | None) -> str:
    from .html import to_html

    return to_html(evaluation, period)


FORMATS: Mapping[str, Format] = MappingProxyType(
    {
        f.name: f
        for f in (
            Format("table", (), False, _table),
            Format("json", (".json",), False, to_json, stream=json_chunks),
            Format("csv", (".csv",), False, to_csv, stream=csv_chunks),
            Format("xlsx", (".xlsx",), True, _xlsx, to_terminal=False),
            Format("docx", (".docx",), True, _docx, to_terminal=False),
            Format("pdf", (".pdf",), True, _pdf, to_terminal=False),
            Format("md", (".md",), False, _md),
            Format("html", (".html", ".htm"), False, _html),
        )
    }
)
"""Every format by its -f name, in the order -f lists them (iterating gives the names)."""

FORMAT_OF_SUFFIX: Mapping[str, str] = MappingProxyType({s: f.name for f in FORMATS.values() for s in f.suffixes})
"""The format an -o file name implies, by its lower-case ending."""


def formatted(evaluation: Evaluation, fmt: str, period: str | None) -> str | bytes:
    """The evaluation as `-f FMT` writes it to a file: bytes for a binary format, text otherwise."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    return FORMATS[fmt].render(evaluation, period)


VIEW_FORMATS = ("table", "json")
COMBINE_FORMATS = ("table", "json", "xlsx", "html", "docx", "pdf")
"""combine's formats: a year's table is published as the months' are (engine/outputs/grid.py)."""
"""The formats an analysis (diff, combine) is written in: its text as on screen, or JSON."""
