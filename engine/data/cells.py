"""One cell's text as a value of its input's type (numbers, percentages, text, blanks), and the characters no cell may hold."""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from ..errors import Problem
from ..i18n import _
from ..ruleset.model import Input
from .csv_in import ESCAPED_STARTS, Row
from .records import Value

# patterns for a mistake's hint, compiled (by re's cache) when a cell first needs one, not by every run
_NUMERAL = r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"
_THOUSANDS = r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?"
_LARGEST = int(sys.float_info.max)  # scores are floats: a larger value cannot be scored


class CellError(ValueError):
    """A cell that does not hold a value of its column's type; `hint` says how to fix it, `code` names the mistake."""

    def __init__(self, message: str, hint: str = "", *, code: str = "data.not-a-number") -> None:
        super().__init__(message)
        self.hint = hint
        self.code = code


def parse_row(
    row: Row, columns: Mapping[str, int], inputs: Sequence[Input], display: str, unquote: bool = False
) -> tuple[dict[str, Value], list[Problem]]:
    """The row's value for every input, or a problem for each cell that has none; `unquote` (CSV) takes off
    the ' kaoping's own CSV puts before text a spreadsheet would run as a formula."""
    values: dict[str, Value] = {}
    problems: list[Problem] = []
    for item in inputs:
        col = columns.get(item.id)
        cell = row.cells[col].strip() if col is not None and col < len(row.cells) else ""
        where = (col or 0) + 1
        if not cell:
            if item.default is None:
                problems.append(
                    Problem(
                        display,
                        row.line,
                        where,
                        _("{label} ({id}) is empty", label=item.label, id=item.id),
                        _("fill in a value"),
                        code="data.empty-cell",
                        column=item.label,
                    )
                )
            else:
                values[item.id] = item.default
            continue
        if unquote and item.type == "text":
            cell = _unquoted(cell)
        try:
            values[item.id] = convert(cell, item.type)
        except CellError as e:
            message = _("{label} ({id}): {error}", label=item.label, id=item.id, error=e)
            problems.append(Problem(display, row.line, where, message, e.hint, code=e.code, column=item.label))
    return values, problems


def _unquoted(cell: str) -> str:
    """'=HYPERLINK(...) as =HYPERLINK(...): exactly one leading ' is taken off when a formula character (or
    another ') follows, as kaoping's CSV writer adds it, so '@ reads back as @ and ''@ as '@."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ESCAPED_STARTS else cell


def convert(cell: str, kind: str) -> Value:
    """`cell` (stripped, not empty) as a value of type `kind`; CellError says why it is not one."""
    if kind == "text":
        return cell
    if kind == "percent" and cell.endswith(("%", "％")):
        cell = cell[:-1].rstrip()  # an export's "98.06%" is the rate 98.06, as written
    _refuse_digit_separators(cell)
    _refuse_other_digits(cell)
    if kind == "integer":
        return _integer(cell)
    return float(_decimal(cell))


def _refuse_digit_separators(cell: str) -> None:
    """Refuse '1_000' and '1,343', with the plain number as the hint.

    Python reads '1_000' (int, float and Decimal alike) but a spreadsheet
    reads it as text, so accepting it would score a cell the user's own
    sheet does not count.  '1,343' is how Excel exports a number formatted
    with thousands separators.
    """
    if "_" in cell:
        plain = cell.replace("_", "")
        raise CellError(
            _("'{cell}' is not a number", cell=cell),
            _("remove the digit separator: {plain}", plain=plain) if re.fullmatch(_NUMERAL, plain) else "",
            code="data.digit-separator",
        )
    if "," in cell and re.fullmatch(_THOUSANDS, cell):
        raise CellError(
            _("'{cell}' is not a number", cell=cell),
            _("remove the thousands separator: {plain}", plain=cell.replace(",", "")),
            code="data.digit-separator",
        )


def _refuse_other_digits(cell: str) -> None:
    """Refuse full-width (１２３) and other non-ASCII digits (Arabic-Indic ١٢٣), with the ASCII number as the hint.

    Python reads them as numbers, but Excel and WPS keep them as text (SUM
    leaves them out), so accepting them would score a figure the office's own
    sheet does not count; and the cell is most often typed with a Chinese
    input method left in full-width mode, which the user should hear about.
    """
    if cell.isascii():
        return
    ascii_form = "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in unicodedata.normalize("NFKC", cell)
    )
    if ascii_form == cell or not any(ch.isdecimal() and not ch.isascii() for ch in cell):
        return
    hint = (
        _("type it in ASCII digits: {plain}", plain=ascii_form)
        if re.fullmatch(_NUMERAL, ascii_form)
        else _("type it in ASCII digits (switch the input method to half-width)")
    )
    message = _("'{cell}' is written in full-width or non-ASCII digits", cell=cell)
    raise CellError(message, hint, code="data.non-ascii-digits")


def _integer(cell: str) -> int:
    """A whole number, exactly.

    int() first, so 12345678901234567891 is not rounded through a float;
    then an integral decimal such as '12.0' or '3.43e2' (an export's way of
    writing a count), through Decimal for the same reason.
    """
    try:
        value = int(cell)
    except ValueError:
        number = _decimal(cell)
        if number != number.to_integral_value():
            raise CellError(_("'{cell}' is not a whole number", cell=cell), code="data.not-a-whole-number") from None
        return int(number)
    _check_magnitude(value, cell)
    return value


def _decimal(cell: str) -> Decimal:
    """`cell` as an exact, finite decimal number of a size a score can hold."""
    try:
        number = Decimal(cell)
    except InvalidOperation:
        raise CellError(_("'{cell}' is not a number", cell=cell)) from None
    if not number.is_finite():
        raise CellError(_("'{cell}' is not a number", cell=cell))
    _check_magnitude(number, cell)
    return number


def _check_magnitude(value: int | Decimal, cell: str) -> None:
    """Refuse a value beyond the largest float: scores are floats, and int(Decimal('1e999999999')) would not finish."""
    if not -_LARGEST <= value <= _LARGEST:
        raise CellError(
            _("'{cell}' is out of range", cell=cell),
            _("no count or measure is this large: check the cell"),
            code="data.too-large",
        )


def control_problem(line: int, col: int, what: str, text: str, display: str) -> Problem | None:
    """A control character (Unicode Cc: ESC, NUL, ...) or an invisible format character (Cf: a right-to-left
    override, a zero-width space) in a cell's `text`.

    A control character would reach the terminal and the CSV output; a format
    character makes two different names print identically (or one print
    backwards).  Either is named by its code point and never echoed: ESC
    starts a terminal escape sequence.
    """
    found = _invisible(text)
    if not found:
        return None
    if unicodedata.category(found) == "Cc":
        message = _("{what} contains a control character (U+{point:04X})", what=what, point=ord(found))
        code = "data.control-character"
    else:
        name = unicodedata.name(found, "FORMAT CHARACTER")
        message = _(
            "{what} contains an invisible formatting character (U+{point:04X} {name})",
            what=what,
            point=ord(found),
            name=name,
        )
        code = "data.format-character"
    return Problem(
        display,
        line,
        col + 1,
        message,
        _("delete it; it is invisible in most editors and often comes with a copy and paste"),
        code=code,
    )


def _invisible(text: str) -> str:
    """The first control (Cc) or format (Cf) character in `text`, or "".  isprintable() first: it is false for
    both, and true for nearly every cell."""
    if text.isprintable():
        return ""
    return next((ch for ch in text if unicodedata.category(ch) in ("Cc", "Cf")), "")


def control_characters(row: Row, names: Mapping[int, str], display: str) -> list[Problem]:
    """Control and format characters in any cell of `row`, each cell named by the input it holds (`names`) if any.

    One test of the whole row first, as nearly every row has none.  A cell's
    surrounding whitespace (a tab, a line feed) is stripped, never shown, and
    so allowed.
    """
    joined = "".join(row.cells)
    if joined.isprintable() or not _invisible("".join(c.strip() for c in row.cells)):
        return []
    found = (
        control_problem(row.line, col, names.get(col) or _("the cell"), cell.strip(), display)
        for col, cell in enumerate(row.cells)
    )
    return [p for p in found if p]
