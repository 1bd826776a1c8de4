"""The header row: which row it is (title rows above it skipped), two-level headers joined, and each input's column by id, label, alias or the published layout's header."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..errors import KaopingError, Problem, did_you_mean, fail
from ..frozen import frozen
from ..i18n import _
from ..ruleset.model import ColumnGroup, Input, Ruleset
from .cells import control_problem
from .csv_in import SEPARATORS, USE, Row, separator, unclosed_quote, wide_row

MAX_COLUMNS = 16_384  # Excel's own limit: a header wider than this is a broken or hostile file
HEADER_SEARCH = 10  # non-empty rows searched for the header: title rows above it are skipped
_ONE_SEPARATOR = str.maketrans(dict.fromkeys(SEPARATORS, ","))
"""Every separator as ',' (each is one character): a cell split on all of them by one str.split, which a regex
alternation of them did at the cost of compiling a class holding '，' on every run."""


@frozen
class Header:
    """What the header row says about the rows below it: where each input is, and how wide a row may be."""

    columns: Mapping[str, int]  # input id -> 0-based column
    names: Mapping[int, str]  # 0-based column -> "label (id)" of the input it holds
    width: int  # the header's last non-empty cell, 1-based
    ignored: tuple[str, ...]


def normalise(header: str) -> str:
    """A header cell as it is matched: exports differ in spacing, wrap captions onto two lines and leave stray BOMs."""
    return "".join(header.split()).replace("\ufeff", "")


def layout_names(ruleset: Ruleset) -> dict[str, Input]:
    """The published table's own headers for the inputs it shows ("办结得分（35分）/工单数"), so a table
    kaoping wrote (CSV or Excel) reads back as input."""
    names: dict[str, Input] = {}
    inputs = {i.id: i for i in ruleset.inputs}
    for item in ruleset.report.columns:
        if isinstance(item, ColumnGroup):
            group = ruleset.fill_label(item.header)
            pairs = [(f"{group}/{ruleset.fill_label(c.label)}", c.field) for c in item.columns]
        else:
            pairs = [(ruleset.fill_label(item.label), item.field)]
        for name, field in pairs:
            if field in inputs:
                names.setdefault(normalise(name), inputs[field])
    return names


def header_index(rows: Sequence[Row], inputs: Sequence[Input], layout: Mapping[str, Input]) -> int:
    """Which row is the header: the first of the first HEADER_SEARCH rows naming a required input.

    An export often carries the sheet's title ("2024年2月…考评表") above the
    header; skipping it spares the user an edit.  A cell is also tried split
    on every separator, so a header written with ';' is still found and told
    about its separator.  With no such row the first row is the header, and
    the missing-column errors say what is wrong with it; -1 says so.
    """
    names = {normalise(n) for i in inputs if i.required for n in (i.id, i.label, *i.aliases)}
    names |= {name for name, i in layout.items() if i.required}
    for index, row in enumerate(rows[:HEADER_SEARCH]):
        if any(normalise(part) in names for cell in row.cells for part in cell.translate(_ONE_SEPARATOR).split(",")):
            return index
    return -1


def two_level(top: Row, below: Row) -> Row:
    """One header from a group row over a label row: 办结得分（35分） over 工单数 is "办结得分（35分）/工单数"."""
    width = max(len(top.cells), len(below.cells))
    upper = [*top.cells, *[""] * (width - len(top.cells))]
    lower = [*below.cells, *[""] * (width - len(below.cells))]
    return Row(
        top.line,
        below.line,
        [f"{u}/{lo}" if lo.strip() and u.strip() else (u or lo) for u, lo in zip(upper, lower, strict=False)],
    )


def map_header(
    row: Row,
    inputs: Sequence[Input],
    delimiter: str,
    display: str,
    layout: Mapping[str, Input],
    lower: Sequence[str] | None = None,
) -> Header:
    """Column of every input present, and the headers no input claims.

    A quote never closed or a control character makes the header's text
    untrustworthy (and unfit to echo in a message), so either stops here.
    A header written with another separator explains every missing column at once.
    """
    _refuse_untrustworthy(row, delimiter, display)
    columns, unclaimed, problems = _claimed(row, inputs, display, layout, lower)
    found = separator(row.cells, delimiter)
    why = (
        _("the header row is separated by {found}; use {use}", found=_(SEPARATORS[found]), use=_(USE[delimiter]))
        if found
        else ""
    )
    problems += _absent_inputs(inputs, columns, unclaimed, why, display, row.line)
    if problems:
        raise KaopingError(problems)
    width = max((col + 1 for col, cell in enumerate(row.cells) if cell.strip()), default=0)
    held = {columns[i.id]: _("{label} ({id})", label=i.label, id=i.id) for i in inputs if i.id in columns}
    return Header(columns, held, width, tuple(text for _col, text in unclaimed))


def _refuse_untrustworthy(row: Row, delimiter: str, display: str) -> None:
    """A header too wide, with a quote never closed, or holding a control character: none of its text is matched or echoed."""
    refuse_absurd_width(row, display)
    broken = unclosed_quote(row, display, delimiter)
    if broken:
        raise KaopingError([broken])
    controls = [
        control_problem(row.line, col, _("the header cell"), normalise(cell), display)
        for col, cell in enumerate(row.cells)
    ]
    if any(controls):
        raise KaopingError([p for p in controls if p])


def _claimed(
    row: Row, inputs: Sequence[Input], display: str, layout: Mapping[str, Input], lower: Sequence[str] | None
) -> tuple[dict[str, int], list[tuple[int, str]], list[Problem]]:
    """Each input's column, the (column, text) of headers no input claims, and a problem per input held twice.

    Under a group header, a column's own label (`lower`) is enough when it
    is exactly an input's label or alias: 办结情况 over 办结工单数 is 办结工单数.
    """
    named = {normalise(n): i for i in inputs for n in (i.id, i.label, *i.aliases)}
    columns: dict[str, int] = {}
    unclaimed: list[tuple[int, str]] = []
    problems: list[Problem] = []
    for col, cell in enumerate(row.cells):
        target = named.get(normalise(cell))
        if target is None and lower is not None and col < len(lower) and normalise(cell) not in layout:
            target = named.get(normalise(lower[col]))
        if target is None and normalise(cell) in layout:
            target = layout[normalise(cell)]
            if target.id in columns:
                continue  # the published layout may show an input twice (办结工单数 under two groups)
        if target is None:
            if cell.strip():
                unclaimed.append((col, cell.strip()))
        elif target.id in columns:
            message = _(
                "the columns {first} and {second} both hold {label} ({id})",
                first=columns[target.id] + 1,
                second=col + 1,
                label=target.label,
                id=target.id,
            )
            hint = _("delete or rename one of them")
            problems.append(Problem(display, row.line, col + 1, message, hint, code="data.duplicate-column"))
        else:
            columns[target.id] = col
    return columns, unclaimed, problems


def refuse_wide_bytes(raw: bytes, display: str) -> None:
    """A CSV whose first rows are wider than Excel's limit, refused from its bytes before it is decoded and parsed
    (a million-column header would take 170 MB to parse); the same message as refuse_absurd_width."""
    wide = wide_row(raw, HEADER_SEARCH, MAX_COLUMNS)
    if wide:
        _refuse_width(wide.cells, wide.exact, wide.line, display)


def _refuse_width(cells: int, exact: bool, line: int, display: str) -> None:
    raise fail(
        display,
        _(
            "the header row has {n:,} cells; a table has at most {most:,} columns (Excel's own limit)",
            n=cells,
            most=MAX_COLUMNS,
        )
        if exact
        else _(
            "the header row has more than {n:,} cells; a table has at most {most:,} columns (Excel's own limit)",
            n=MAX_COLUMNS,
            most=MAX_COLUMNS,
        ),
        _("this is not the month's table: check the file, or delete the columns after the table"),
        line=line,
        col=MAX_COLUMNS + 1,
        code="data.too-many-columns",
    )


def refuse_absurd_width(row: Row, display: str) -> None:
    """A header wider than Excel's own limit is a broken or hostile file, not a table: refused before any
    cell of it is matched or echoed."""
    if len(row.cells) > MAX_COLUMNS:
        _refuse_width(len(row.cells), True, row.line, display)


def _absent_inputs(
    inputs: Sequence[Input],
    columns: Mapping[str, int],
    unclaimed: Sequence[tuple[int, str]],
    why: str,
    display: str,
    line: int,
) -> list[Problem]:
    """A problem for every required column missing, and every header that nearly names an absent optional one.

    A header already offered as the near miss of a missing required column is
    not offered again for an optional one: one misspelling, one error.  `why`
    is a hint that explains every missing column at once (a header written
    with the wrong separator), or "".
    """
    problems: list[Problem] = []
    offered: set[int] = set()
    for item in inputs:
        if item.required and item.id not in columns:
            near = _near_misses(item, unclaimed)[:1]
            offered.update(col for col, _text in near)
            problems.append(_missing_column(item, near[0] if near else None, why, display, line))
    rest = [(col, text) for col, text in unclaimed if col not in offered]
    for item in inputs:
        if not item.required and item.id not in columns:
            problems += [_optional_near_miss(item, col, text, display, line) for col, text in _near_misses(item, rest)]
    return problems


def _near_misses(item: Input, unclaimed: Sequence[tuple[int, str]]) -> list[tuple[int, str]]:
    """The unclaimed headers (column, text) that look like a misspelling of `item`'s label or an alias."""
    names = [normalise(n) for n in (item.label, *item.aliases)]
    return [(col, text) for col, text in unclaimed if did_you_mean(normalise(text), names)]


def _optional_near_miss(item: Input, col: int, candidate: str, display: str, line: int) -> Problem:
    """An optional input whose column is absent but a header looks like it.

    Ignoring such a column would silently score every unit with the default,
    so a near miss is an error, not a note.
    """
    return Problem(
        display,
        line,
        col + 1,
        _(
            "the column '{candidate}' is not an input of the ruleset, so {label} ({id}) would be {default} for every row",
            candidate=candidate,
            label=item.label,
            id=item.id,
            default=item.default,
        ),
        _(
            "did you mean '{label}'? rename the column, or add '{candidate}' to the input's aliases",
            label=item.label,
            candidate=candidate,
        ),
        code="data.unknown-column",
    )


def _missing_column(item: Input, near: tuple[int, str] | None, why: str, display: str, line: int) -> Problem:
    """A required column the header lacks, at the header that nearly names it (if one does).

    The hint says the likeliest cause: `why` (the header's own mistake), a
    misspelt header, or none.
    """
    if why:
        hint = why
    elif near:
        hint = _(
            "the column '{near}' looks close: rename it to '{label}', or add it to the input's aliases",
            near=near[1],
            label=item.label,
        )
    else:
        names = _(", ").join((item.id, *item.aliases))
        hint = _("add a column headed '{label}' (or one of: {names})", label=item.label, names=names)
    col = near[0] + 1 if near else 0
    message = _("the required column '{label}' ({id}) is missing", label=item.label, id=item.id)
    return Problem(display, line, col, message, hint, code="data.missing-column")
