"""Reading a CSV file as rows of text, the way engine/data/xlsx_in.py reads a workbook.

The platform exports the month's records as CSV, and offices edit that file
by hand or in a spreadsheet, so its text goes wrong in ways a workbook's
cells cannot.  This module owns everything about the text itself: decoding
(UTF-8, with or without a BOM, or else GBK, what Excel on a Chinese Windows
writes), choosing the separator, parsing with the lines each row spans, and
saying in the user's terms what the csv module cannot read (a cell over its
size limit, most often a quote never closed).  It also recognises the two
mistakes in the text that only show once a row is read: a quote opened and
never closed, and a row written with another separator.  engine/data/headers.py
decides which row is the header and engine/data/rows.py checks every row,
whichever reader it came from.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from ..errors import Problem, fail
from ..frozen import frozen
from ..i18n import N_, _

# What a row's cells may be separated by, as a message names them.  The
# reader accepts ',' and tab; the others are what a Chinese keyboard or a
# European spreadsheet puts between cells.
# The names are marked for the catalog (N_) and translated where a message says them (_).
SEPARATORS = {
    ",": N_("',' (commas)"),
    "\t": N_("tabs"),
    "，": N_("'，' (full-width commas)"),
    ";": N_("';' (semicolons)"),
}
USE = {",": N_("','"), "\t": N_("tabs")}

SAVE_AS_CSV = N_("save it from Excel as 'CSV UTF-8 (comma delimited)'")
"""The hint for a file that is not UTF-8 text: Excel's (and WPS's) way of saving one, named as their menus say it."""

_LINE_BREAK = re.compile("[\r\n]")
# A text cell kaoping's CSV writer prefixes with ' (a spreadsheet would run =, +, -, @ as a formula, and a
# leading ' is escaped too so it survives); the reader takes exactly one ' off before these.
ESCAPED_STARTS = ("=", "+", "-", "@", "'")
_FILLED = re.compile(rb'[^\s,"]')  # a byte that makes a line more than separators, quotes and spaces


class WideRow(NamedTuple):
    """A row with more cells than a table has, found in the file's bytes: where it starts, and how many cells
    (at least: counting stops once past the cap when quotes make it slow)."""

    line: int
    cells: int
    exact: bool


class Row(NamedTuple):
    """A row of cells: the line it starts on, the line it ends on (a quoted CSV cell may span lines), its cells.

    A sheet's row (engine/data/xlsx_in.py) starts and ends on its row number.
    """

    line: int
    last: int
    cells: Sequence[str]


@frozen
class CsvText:
    """A CSV file as rows of text, and what reading it chose: its encoding and its separator."""

    rows: tuple[Row, ...]  # the rows that are not entirely empty
    encoding: str
    delimiter: str


def csv_rows(raw: bytes, display: str) -> CsvText:
    """The file's bytes as rows of text, or KaopingError when they cannot be read as CSV."""
    text, encoding = _decode(raw, display)
    delimiter = _delimiter(text)
    return CsvText(tuple(_rows(text, delimiter, display)), encoding, delimiter)


def wide_row(raw: bytes, rows: int, cap: int) -> WideRow | None:
    """The first of the first `rows` non-empty rows with more than `cap` cells, counted in the raw bytes.

    Decoding and parsing a header of a million cells takes twenty times the
    file's size in memory before its width can be measured; counting its
    separators in the bytes takes none.  ',', tab, '"' and line breaks are
    single bytes in UTF-8 and GBK alike (no GBK byte pair uses them), so
    the bytes can be counted before the file is decoded.  A separator inside
    quotes is not counted, so a quoted cell holding commas is no wider.
    """
    sep = _raw_delimiter(raw)
    pos, line, seen = 0, 1, 0
    while pos < len(raw) and seen < rows:
        end = raw.find(b"\n", pos)
        end = len(raw) if end < 0 else end
        if (
            raw.count(sep, pos, end) <= cap and raw.find(b'"', pos, end) < 0
        ):  # nearly every row: no quote, within the cap
            seen += 1 if _FILLED.search(raw, pos, end) else 0
            pos, line = end + 1, line + 1
            continue
        start, (pos, cells, lines, exact) = line, _quoted_row(raw, pos, sep, cap)
        if cells > cap:
            return WideRow(start, cells, exact)
        seen, line = seen + 1, line + lines
    return None


def _quoted_row(raw: bytes, pos: int, sep: bytes, cap: int) -> tuple[int, int, int, bool]:
    """The row starting at `pos`, read the way the csv module reads quotes: where the next row starts, how many
    cells it has, how many lines it spans, and whether that count is exact (it stops once past `cap`)."""
    count, lines, quoted = 0, 1, False
    while True:
        if quoted:
            close = raw.find(b'"', pos)
            if close < 0:  # a quote never closed: the rest of the file is one cell
                return len(raw), count + 1, lines + raw.count(b"\n", pos), True
            lines += raw.count(b"\n", pos, close)
            pos, quoted = close + 1, False
            continue
        quote, end = raw.find(b'"', pos), raw.find(b"\n", pos)
        end = len(raw) if end < 0 else end
        if 0 <= quote < end:
            count += raw.count(sep, pos, quote)
            pos, quoted = quote + 1, True
            if count > cap:
                return pos, count + 1, lines, False
            continue
        return end + 1, count + raw.count(sep, pos, end) + 1, lines, True


def _raw_delimiter(raw: bytes) -> bytes:
    """_delimiter's choice, made on the bytes: tab when the first line holding a comma or a tab holds tabs only."""
    found = [at for at in (raw.find(b","), raw.find(b"\t")) if at >= 0]
    if not found:
        return b","
    first = min(found)
    start, end = raw.rfind(b"\n", 0, first) + 1, raw.find(b"\n", first)
    return b"," if raw.find(b",", start, len(raw) if end < 0 else end) >= 0 else b"\t"


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
    raise fail(
        display,
        _("the file is neither UTF-8 nor GBK text"),
        _(SAVE_AS_CSV),
        code="csv.encoding",
    )


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
    try:
        return filled_rows(reader)
    except csv.Error as e:
        message, hint, code = _reader_error(e)
        raise fail(display, message, hint, line=reader.line_num, code=code) from None


def filled_rows(reader: Any) -> list[Row]:
    """The rows of a csv.reader that are not entirely empty, each with the lines it starts and ends on (a quoted
    line break makes a row span lines); csv.Error passes to the caller."""
    rows: list[Row] = []
    start = 1
    for cells in reader:
        if any(c.strip() for c in cells):
            rows.append(Row(start, reader.line_num, cells))
        start = reader.line_num + 1
    return rows


def _reader_error(error: csv.Error) -> tuple[str, str, str]:
    """The csv module's complaint in the user's terms: the message, a hint and the problem's code."""
    if "field limit" in str(error):
        return (
            _(
                "a cell here is longer than {limit} characters, the most a cell may hold",
                limit=csv.field_size_limit(),
            ),
            _(
                'if a quote (") opened on this line or above it is never closed, the lines after it run into one cell: '
                "close the quote; otherwise shorten the cell"
            ),
            "csv.cell-too-long",
        )
    # any other complaint (the csv module's own words, never shown: they name its internals) is about quotes
    return (
        _("this line cannot be read as CSV"),
        _('check its quotes ("): a cell that holds a quote must be quoted as a whole, with the quote doubled ("")'),
        "csv.bad-quotes",
    )


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
                display,
                row.line,
                col + 1,
                _('a quote (") opened in this row is never closed'),
                _(
                    "the cell runs on to line {last}, taking in every line between: "
                    "close the quote where the cell ends, or delete it",
                    last=row.last,
                ),
                code="csv.unclosed-quote",
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
        display,
        row.line,
        col,
        _("this row is separated by {found}; use {use}", found=_(SEPARATORS[found]), use=_(USE[delimiter])),
        _(
            "the header row is separated by {use}, and every row must be separated the same way",
            use=_(USE[delimiter]),
        ),
        code="csv.wrong-separator",
    )
