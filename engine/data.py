"""Reading the month's records: a CSV export with Chinese column headers.

The platform's export is read as UTF-8 (with or without a BOM) or, failing
that, as GBK (GB 18030, what Excel on a Chinese Windows writes).  Header
cells are matched to the ruleset's inputs by id, label or alias; columns the
ruleset does not use are ignored and named in a note.  Every cell is checked
(type, bounds, bounds naming another field, empty and duplicate keys), and
every problem is reported at its row and column before anything is scored.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from .errors import KaopingError, Problem, did_you_mean, fail
from .model import Input, Ruleset

MAX_PROBLEMS = 100
Value = int | float | str


@dataclass(frozen=True, slots=True)
class Record:
    """One unit's row: its line in the file and its input values by id."""

    row: int
    values: Mapping[str, Value]


@dataclass(frozen=True, slots=True)
class Table:
    path: str
    sha256: str
    encoding: str
    records: tuple[Record, ...]
    ignored_columns: tuple[str, ...]


def read_table(path: Path, ruleset: Ruleset, display: str | None = None) -> Table:
    """Read and check the records in `path`, or raise KaopingError with every problem."""
    display = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise fail(display, f"cannot read the input file: {e.strerror}") from None
    if path.suffix.lower() in (".xlsx", ".xls"):
        raise fail(display, "Excel files cannot be read yet", "in Excel or WPS, save the sheet as CSV (UTF-8) and pass that file")
    text, encoding = _decode(raw, display)
    rows = _rows(text)
    if not rows:
        raise fail(display, "the file has no header row and no data", line=1)
    header_line, header = rows[0]
    columns, ignored = _map_header(header, ruleset.inputs, display, header_line)
    records, problems = _records(rows[1:], columns, ruleset, display)
    if not records and not problems:
        problems.append(Problem(display, header_line + 1, 0, "the file has a header but no data rows"))
    if problems:
        raise KaopingError(problems, limit=MAX_PROBLEMS)
    return Table(display, hashlib.sha256(raw).hexdigest(), encoding, tuple(records), tuple(ignored))


def _decode(raw: bytes, display: str) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8-sig" and not raw.startswith(b"\xef\xbb\xbf"):
            encoding = "utf-8"
        return text, encoding
    raise fail(display, "the file is neither UTF-8 nor GBK text", "save it from Excel as 'CSV UTF-8 (comma delimited)'")


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every row that is not entirely empty."""
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    start = 1
    for cells in reader:
        if any(c.strip() for c in cells):
            rows.append((start, cells))
        start = reader.line_num + 1
    return rows


def _normalise(header: str) -> str:
    return "".join(header.split()).replace("\ufeff", "")


def _map_header(
    header: Sequence[str], inputs: Sequence[Input], display: str, line: int
) -> tuple[dict[str, int], list[str]]:
    """Column index of every input present, and the headers no input claims."""
    names = {_normalise(n): i for i in inputs for n in (i.id, i.label, *i.aliases)}
    columns: dict[str, int] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for col, cell in enumerate(header):
        target = names.get(_normalise(cell))
        if target is None:
            if cell.strip():
                ignored.append(cell.strip())
        elif target.id in columns:
            message = f"the columns {columns[target.id] + 1} and {col + 1} both hold {target.label} ({target.id})"
            problems.append(Problem(display, line, col + 1, message, "delete or rename one of them"))
        else:
            columns[target.id] = col
    for item in inputs:
        if item.id in columns:
            continue
        if item.required:
            problems.append(_missing_column(item, ignored, display, line))
        else:
            problems += _near_misses(item, header, ignored, display, line)
    if problems:
        raise KaopingError(problems)
    return columns, ignored


def _near_misses(item: Input, header: Sequence[str], unclaimed: Sequence[str], display: str, line: int) -> list[Problem]:
    """An optional input whose column is absent but a header looks like it.

    Ignoring such a column would silently score every unit with the default,
    so a near miss is an error, not a note.
    """
    names = [_normalise(n) for n in (item.label, *item.aliases)]
    return [
        Problem(
            display, line, [h.strip() for h in header].index(candidate) + 1,
            f"the column '{candidate}' is not an input of the ruleset, so {item.label} ({item.id}) would be {item.default} for every row",
            f"did you mean '{item.label}'? rename the column, or add '{candidate}' to the input's aliases",
        )
        for candidate in unclaimed
        if did_you_mean(_normalise(candidate), names)
    ]


def _missing_column(item: Input, unclaimed: Sequence[str], display: str, line: int) -> Problem:
    hint = ""
    for candidate in unclaimed:
        if did_you_mean(_normalise(candidate), [_normalise(n) for n in (item.label, *item.aliases)]):
            hint = f"the column '{candidate}' looks close: rename it to '{item.label}', or add it to the input's aliases"
            break
    hint = hint or f"add a column headed '{item.label}' (or one of: {', '.join((item.id, *item.aliases))})"
    return Problem(display, line, 0, f"the required column '{item.label}' ({item.id}) is missing", hint)


def _records(
    rows: Sequence[tuple[int, list[str]]], columns: Mapping[str, int], ruleset: Ruleset, display: str
) -> tuple[list[Record], list[Problem]]:
    records: list[Record] = []
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    for line, cells in rows:
        values, cell_problems = _parse_row(line, cells, columns, ruleset.inputs, display)
        problems += cell_problems
        if cell_problems:
            continue
        problems += _check_bounds(line, values, columns, ruleset.inputs, display)
        key = str(values[ruleset.key])
        if key in first_row:
            col = columns[ruleset.key] + 1
            problems.append(Problem(display, line, col, f"'{key}' appears twice (first on row {first_row[key]})", "each unit must have exactly one row"))
        first_row.setdefault(key, line)
        records.append(Record(line, values))
    return records, problems


def _parse_row(
    line: int, cells: Sequence[str], columns: Mapping[str, int], inputs: Sequence[Input], display: str
) -> tuple[dict[str, Value], list[Problem]]:
    values: dict[str, Value] = {}
    problems: list[Problem] = []
    for item in inputs:
        col = columns.get(item.id)
        cell = cells[col].strip() if col is not None and col < len(cells) else ""
        if not cell:
            if item.default is None:
                problems.append(Problem(display, line, (col or 0) + 1, f"{item.label} ({item.id}) is empty", "fill in a value"))
            else:
                values[item.id] = item.default
            continue
        try:
            values[item.id] = _convert(cell, item.type)
        except ValueError as e:
            problems.append(Problem(display, line, (col or 0) + 1, f"{item.label} ({item.id}): {e}", ""))
    return values, problems


def _convert(cell: str, kind: str) -> Value:
    if kind == "text":
        return cell
    try:
        number = float(cell)
    except ValueError:
        raise ValueError(f"'{cell}' is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"'{cell}' is not a number")
    if kind == "integer":
        if not number.is_integer():
            raise ValueError(f"'{cell}' is not a whole number")
        return int(number)
    return number


def _check_bounds(
    line: int, values: Mapping[str, Value], columns: Mapping[str, int], inputs: Sequence[Input], display: str
) -> list[Problem]:
    problems = []
    for item in inputs:
        if not item.numeric:
            continue
        value = values[item.id]
        col = columns.get(item.id, -1) + 1
        for bound, too in ((item.min, "below"), (item.max, "above")):
            if bound is None:
                continue
            limit = values[bound] if isinstance(bound, str) else bound
            if (too == "below" and value < limit) or (too == "above" and value > limit):  # type: ignore[operator]
                problems.append(Problem(display, line, col, _bound_message(item, value, too, bound, limit, inputs)))
    return problems


def _bound_message(item: Input, value: Value, too: str, bound: float | str, limit: Value, inputs: Sequence[Input]) -> str:
    word = "less" if too == "below" else "more"
    if isinstance(bound, str):
        other = next(i for i in inputs if i.id == bound)
        return f"{item.label} ({item.id}) is {value}, {word} than {other.label} ({other.id}) {limit}"
    return f"{item.label} ({item.id}) is {value}, {word} than the allowed {limit:g}"  # type: ignore[str-format]
