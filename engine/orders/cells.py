"""How each cell of an export is typed in DuckDB (design §4.3), and what a bad one is told.

One SQL expression per order column types it (`typed_sql`) and one says its cell is bad (`bad_sql`); the
reader puts both in its single `CREATE TEMP TABLE orders AS SELECT`.  Only on the error path are the bad cells'
texts read back and worded here, in the exact words of design §5.2.  Stdlib only: the SQL is text.
"""

from __future__ import annotations

import difflib
import re

from ..i18n import _, n_
from . import listed
from .formats import BY_NAME, DEFAULT_FORMATS, TRIM, _sql_string, duckdb_sql, trimmed_sql
from .model import OrderColumn

_Y, _MO2, _D2 = "[1-9][0-9]{3}", "(0[1-9]|1[0-2])", "(0[1-9]|[12][0-9]|3[01])"
# What a workbook's date cell becomes in xlsx_in (datetime.isoformat(), or the date alone at midnight): accepted
# in a workbook's datetime column besides the column's formats, rounded half-up to the second as Excel shows it.
_EXCEL_FRACTION = f"{_Y}-{_MO2}-{_D2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{{1,6}})?"
_EXCEL_DATE = f"{_Y}-{_MO2}-{_D2}"
_EXCEL_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
INTEGER = "[+-]?[0-9]{1,18}"


def number_regex(places: int) -> str:
    """A number with at most `places` decimals (design §4.3), as DuckDB's DECIMAL(38, places) takes it exactly."""
    if places == 0:
        return r"[+-]?[0-9]{1,18}\.?"
    return rf"[+-]?([0-9]{{1,18}}(\.[0-9]{{0,{places}}})?|\.[0-9]{{1,{places}}})"


def sql_type(column: OrderColumn) -> str:
    """The column's DuckDB type in the table `orders`."""
    return {"datetime": "TIMESTAMP", "integer": "BIGINT", "number": f"DECIMAL(38, {column.places})"}.get(
        column.type, "VARCHAR"
    )


def typed_sql(column: OrderColumn, cell: str, workbook: bool = False) -> str:
    """The typed value of VARCHAR expression `cell`: NULL when empty or bad (bad_sql says which)."""
    text = trimmed_sql(cell)
    if column.type == "datetime":
        typed = duckdb_sql(cell, column.formats or DEFAULT_FORMATS)
        if not workbook:
            return typed
        rounded = f"date_trunc('second', TRY_CAST({text} AS TIMESTAMP) + INTERVAL 500 MILLISECOND)"
        return (
            f"COALESCE({typed}, CASE WHEN regexp_full_match({text}, {_sql_string(_EXCEL_FRACTION)}) THEN {rounded}"
            f" WHEN regexp_full_match({text}, {_sql_string(_EXCEL_DATE)}) THEN try_strptime({text}, '%Y-%m-%d') END)"
        )
    if column.type == "integer":
        return f"CASE WHEN regexp_full_match({text}, {_sql_string(INTEGER)}) THEN CAST({text} AS BIGINT) END"
    if column.type == "number":
        regex = _sql_string(number_regex(column.places))
        return f"CASE WHEN regexp_full_match({text}, {regex}) THEN CAST({text} AS {sql_type(column)}) END"
    return text


def filled_sql(column: OrderColumn, cell: str) -> str | None:
    """A BOOLEAN stored beside a typed column: its cell is not empty, so a NULL typed value means a bad cell
    (bad_sql reads both from the table); None for text, whose typed value is its trimmed text."""
    if column.type in ("datetime", "integer", "number"):
        return f"({trimmed_sql(cell)} IS NOT NULL)"
    return None


def bad_sql(column: OrderColumn, filled: bool) -> str | None:
    """A BOOLEAN over the table `orders`: the row's cell of `column` is bad (not empty yet not typed, or not one
    of the declared values); None when no cell of the column can be.  `filled`: the table has its kp_filled_."""
    if filled:
        return f'("kp_filled_{column.id}" AND "{column.id}" IS NULL)'
    if column.type in ("text", "id") and column.values:
        listed = ", ".join(_sql_string(v) for v in column.values)
        return f'("{column.id}" IS NOT NULL AND "{column.id}" NOT IN ({listed}))'
    return None


def default_sql(column: OrderColumn) -> str:
    """An absent column's value: its default typed like a cell (NULL when it has none)."""
    if column.default is None:
        return f"CAST(NULL AS {sql_type(column)})"
    return typed_sql(column, _sql_string(str(column.default)))


def clip(text: str, width: int = 60) -> str:
    """A cell's text fit for a message: trimmed as it was typed, and cut when very long."""
    cell = text.strip(TRIM)
    return cell if len(cell) <= width else cell[: width - 1] + "…"


def bad_cell(column: OrderColumn, header: str, text: str, workbook: bool = False) -> tuple[str, str, str]:
    """(message, hint, code) for a bad cell of `column` found under `header`, in design §5.2's words."""
    shown = clip(text)
    if column.type == "datetime":
        if workbook and _EXCEL_NUMBER.fullmatch(shown):
            hint = _(
                "the cell holds the number {number}, not a date: format the column as a date in Excel", number=shown
            )
        else:
            hint = _examples(column.formats or DEFAULT_FORMATS)
        message = _("{header} '{cell}' is not a date and time", header=header, cell=shown)
        return message, hint, "export.bad-datetime"
    if column.type == "integer":
        message = _("{header} '{cell}' is not a whole number", header=header, cell=shown)
        return message, _("write it in digits only, like 2"), "export.bad-number"
    if column.type == "number":
        places = column.places
        if places:
            message = n_(
                "{header} '{cell}' is not a number with at most {places} decimal",
                "{header} '{cell}' is not a number with at most {places} decimals",
                places,
                header=header,
                cell=shown,
                places=places,
            )
            like = "12." + "5" * places
        else:
            message = _("{header} '{cell}' is not a whole number", header=header, cell=shown)
            like = "12"
        return message, _("write it in digits, like {like}", like=like), "export.bad-number"
    values = listed(column.values)
    near = difflib.get_close_matches(shown, column.values, n=1, cutoff=0.5)
    if near:
        hint = _("did you mean {near}? or add it to orders.columns[{id}].values", near=near[0], id=column.id)
    else:
        hint = _("write one of those, or add it to orders.columns[{id}].values", id=column.id)
    message = _("{header} '{cell}' is not one of {values}", header=header, cell=shown, values=values)
    return message, hint, "export.unknown-value"


def _examples(formats: tuple[str, ...]) -> str:
    """How a datetime may be written, by example: the design's three for the default formats, else each one."""
    if tuple(formats) == DEFAULT_FORMATS:
        return _("write it as 2024-02-03 14:25:00, 2024/2/3 14:25 or 2024-02-03T14:25")
    examples = [BY_NAME[name].example for name in formats]
    if len(examples) == 1:
        return _("write it as {example}", example=examples[0])
    return _("write it as {examples} or {last}", examples=", ".join(examples[:-1]), last=examples[-1])
