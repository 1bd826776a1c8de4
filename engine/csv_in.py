"""Reading a CSV file as rows of text, the way engine/xlsx_in.py reads a workbook.

The platform exports the month's records as CSV, and offices edit that file
by hand or in a spreadsheet, so its text goes wrong in ways a workbook's
cells cannot.  This module owns everything about the text itself: decoding
(UTF-8, with or without a BOM, or else GBK, what Excel on a Chinese Windows
writes), choosing the separator, parsing with the lines each row spans, and
saying in the user's terms what the csv module cannot read (a cell over its
size limit, most often a quote never closed).  It also recognises the two
mistakes in the text that only show once a row is read: a quote opened and
never closed, and a row written with another separator.  engine/data.py
decides which row is the header and checks every row, whichever reader it
came from.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import NamedTuple, Sequence

from .errors import Problem, fail

# What a row's cells may be separated by, as a message names them.  The
# reader accepts ',' and tab; the others are what a Chinese keyboard or a
# European spreadsheet puts between cells.
SEPARATORS = {",": "',' (commas)", "\t": "tabs", "，": "'，' (full-width commas)", ";": "';' (semicolons)"}
USE = {",": "','", "\t": "tabs"}

_LINE_BREAK = re.compile("[\r\n]")


class Row(NamedTuple):
    """A row of cells: the line it starts on, the line it ends on (a quoted CSV cell may span lines), its cells.

    A sheet's row (engine/xlsx_in.py) starts and ends on its row number.
    """

    line: int
    last: int
    cells: list[str]


@dataclass(frozen=True, slots=True)
class CsvText:
    """A CSV file as rows of text, and what reading it chose: its encoding and its separator."""

    rows: list[Row]  # the rows that are not entirely empty
    encoding: str
    delimiter: str


def csv_rows(raw: bytes, display: str) -> CsvText:
    """The file's bytes as rows of text, or KaopingError when they cannot be read as CSV."""
    text, encoding = _decode(raw, display)
    delimiter = _delimiter(text)
    return CsvText(_rows(text, delimiter, display), encoding, delimiter)


def _decode(raw: bytes, display: str) -> tuple[str, str]:
    """The text and its encoding: UTF-8 first (strict, so GBK bytes fail it), then GB 18030, a superset of GBK."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8-sig" and not raw.startswith(b"\xef\xbb\xbf"):
            encoding = "utf-8"
        return text, encoding
    raise fail(display, "the file is neither UTF-8 nor GBK text", "save it from Excel as 'CSV UTF-8 (comma delimited)'")


def _delimiter(text: str) -> str:
    """Tab when the first line holding a comma or a tab holds tabs only, else ','.

    Not simply the first line: a title row above the header (one cell, or
    padded with separators) says nothing, or the wrong thing, when it is bare.
    """
    for line in io.StringIO(text):
        if "," in line or "\t" in line:
            return "," if "," in line else "\t"
    return ","


def _rows(text: str, delimiter: str, display: str) -> list[Row]:
    """Every row that is not entirely empty, with the lines it starts and ends on.

    The csv module raises csv.Error for a cell over its size limit (most
    often a quote never closed, which makes the rest of the file one cell).
    That is the user's file, not a bug in kaoping, so it becomes a problem at
    the line the reader had reached.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    start = 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append(Row(start, reader.line_num, cells))
            start = reader.line_num + 1
    except csv.Error as e:
        message, hint = _reader_error(e)
        raise fail(display, message, hint, line=reader.line_num) from None
    return rows


def _reader_error(error: csv.Error) -> tuple[str, str]:
    """The csv module's complaint in the user's terms: the message and a hint."""
    if "field limit" in str(error):
        return (
            f"a cell here is longer than {csv.field_size_limit()} characters, the most a cell may hold",
            'if a quote (") opened on this line or above it is never closed, the lines after it run into one cell: '
            "close the quote; otherwise shorten the cell",
        )
    return f"this line cannot be read as CSV: {error}", ""


def unclosed_quote(row: Row, display: str, delimiter: str = "") -> Problem | None:
    """A quote opened in `row` and never closed, at the cell it opened.

    The csv module then reads on to the next quote or the end of the file,
    taking the following lines into one cell; every other cell would be
    reported empty.  No data cell holds a line break, so one is the sign.  A
    header cell may (a wrapped caption): given `delimiter`, a header cell is
    suspect only when it also holds the separator, as a swallowed row does.
    """
    if row.last == row.line:  # the common case: a cell holding a line break spans lines
        return None
    for col, cell in enumerate(row.cells):
        if _LINE_BREAK.search(cell) and (not delimiter or delimiter in cell):
            return Problem(
                display, row.line, col + 1, 'a quote (") opened in this row is never closed',
                f"the cell runs on to line {row.last}, taking in every line between: close the quote where the cell ends, or delete it",
            )
    return None


def separator(cells: Sequence[str], delimiter: str) -> str:
    """The separator a row was written with when it is not `delimiter` ("" if it is).

    A row separated by '，' or ';' reads as one cell holding the whole row.
    """
    filled = filter(str.strip, cells)
    only = next(filled, "")
    if not only or next(filled, ""):  # none, or a second: the row was split (stops at the second, as most rows are)
        return ""
    return next((s for s in SEPARATORS if s != delimiter and sum(1 for p in only.split(s) if p.strip()) > 1), "")


def wrong_separator(row: Row, delimiter: str, display: str) -> Problem | None:
    """A row separated by another character than the header's, said as such rather than as empty cells."""
    found = separator(row.cells, delimiter)
    if not found:
        return None
    col = next(col for col, cell in enumerate(row.cells) if cell.strip()) + 1
    return Problem(
        display, row.line, col, f"this row is separated by {SEPARATORS[found]}; use {USE[delimiter]}",
        f"the header row is separated by {USE[delimiter]}, and every row must be separated the same way",
    )
