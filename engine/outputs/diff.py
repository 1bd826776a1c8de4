"""The diff on screen and as JSON.

Rich lays the table out (rich_table) and json.dumps writes each unit's line
(diff_json's reference document): those are the definitions.  A diff of
columns (analysis.diff.ColumnChanges, two columnar evaluations) is written
from its columns instead, a column at a time, and its text handed to Rich as
it is (Verbatim) wherever Rich would have printed the same characters; the
differential tests (tests/test_diff_columns.py) hold the two to the same bytes.
"""

from __future__ import annotations

import itertools
import json
import math
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from .. import __version__
from ..analysis.diff import ColumnChanges, Diff, Membership, UnitChange, UnitColumns
from ..i18n import N_, _
from ..numbers import signed_fixed
from .layout import not_in_effect_line
from .machine import dump_json, input_info, json_part, ruleset_info

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from ..columns.stream import Tokens

    Ints = npt.NDArray[np.int64]


def render_diff(d: Diff, console: Console) -> None:
    old, new = d.old.ruleset, d.new.ruleset
    console.print(Text(f"{old.label}  ->  {new.label}", style="bold"))
    console.print(Text(_("input: {path} ({n} units)", path=d.old.table.path, n=len(d.old.results)), style="dim"))
    for ruleset in (old,) if new is old else (old, new):
        if ruleset.not_in_effect:
            console.print(Text(not_in_effect_line(ruleset), style="bold yellow"), soft_wrap=True)
    console.print()
    if d.rules:
        console.print(Text(_("rules changed:"), style="bold"))
        for change in d.rules:
            old_said, new_said = _said(change.old), _said(change.new)
            said = new_said if not change.old else f"{old_said} -> {new_said}"
            line = (
                _("  what-if: {settings}", settings=said)
                if change.what == "what-if"
                else _("  {what}: {change}", what=change.what, change=said)
            )
            console.print(line, highlight=False, markup=False)
    else:
        console.print(_("rules: no change"))
    console.print()
    plain = table_text(d, console.width) if console.color_system is None else None
    if plain is None:
        console.print(rich_table(unit_rows(d)))
    else:  # each line printable and within the console's width: Rich would neither wrap nor crop it
        console.print(Verbatim(plain), crop=False)
    console.print()
    regraded = [_("grade: {unit} {old} -> {new}", unit=u.entity, old=u.old_grade, new=u.new_grade) for u in d.regraded]
    _print_lines(console, regraded)
    _print_lines(console, membership_lines(d.memberships))
    tau = (
        _("Kendall's tau-b between the rankings = {tau:.4f}", tau=d.tau)
        if d.tau is not None
        else _("Kendall's tau-b not computed (groups ranked apart, or fewer than two units ranked under both)")
    )
    moved = _("{moved} of {n} units changed rank; {tau}", moved=d.moved, n=len(d.units), tau=tau)
    console.print(moved, highlight=False, markup=False)


KINDS = {"list": N_("list"), "flag": N_("flag"), "grade": N_("grade")}
"""What a Membership's kind is called on screen and in the documents."""


def membership_lines(changes: Sequence[Membership]) -> list[str]:
    """One line a list, flag or grade: who entered it and who left it, or that no one did."""
    return [
        _("{kind} {label}: {changes}", kind=_(KINDS[m.kind]), label=m.label, changes=membership_said(m))
        for m in changes
    ]


def membership_said(m: Membership) -> str:
    """'entered: 丙, 丁; left: 乙', or 'no change'."""
    entered = _("entered: {units}", units=names(m.entered)) if m.entered else ""
    left = _("left: {units}", units=names(m.left)) if m.left else ""
    if entered and left:
        return _("{entered}; {left}", entered=entered, left=left)
    return entered or left or _("no change")


def names(units: Sequence[str]) -> str:
    """Units named one after another: '丙, 丁' (in Chinese 丙、丁)."""
    said = units[0] if units else ""
    for unit in units[1:]:
        said = _("{names}, {name}", names=said, name=unit)
    return said


def membership_items(changes: Sequence[Membership]) -> list[dict[str, Any]]:
    """The JSON's "changes": each list, flag and grade with the units that entered and left it."""
    return [
        {"kind": m.kind, "id": m.id, "label": m.label, "entered": list(m.entered), "left": list(m.left)}
        for m in changes
    ]


_SAID = {
    "present": N_("present"),
    "absent": N_("absent"),
    "removed": N_("removed"),
    "added": N_("added"),
}
"""The words a rule change says of an item that is there in one ruleset only (kept as they are in the JSON)."""


def _said(value: str) -> str:
    """A rule change's old or new value as the screen says it: an item's presence in words, else as it is."""
    return _(_SAID[value]) if value in _SAID else value


class Verbatim:
    """Text Rich writes out as it is, with a newline after it.

    console.print(Text(plain)) splits, wraps and measures every line again
    (2.6 s for a 100,000-unit table already laid out); for text whose lines
    are printable (nothing to expand or strip) and no wider than the console
    (nothing to wrap or crop), printed with crop=False and without colour,
    that is the same characters as this one segment.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        yield Segment(self.text)
        yield Segment.line()


def _print_lines(console: Console, lines: Sequence[str]) -> None:
    """Each line as console.print(line, highlight=False, markup=False) prints it: as one Verbatim where Rich
    would write each line as it is (no colour, no :emoji: code to replace, each printable and within the
    width), rather than one Rich print a unit."""
    if not lines:
        return
    joined = "\n".join(lines)
    if (
        console.color_system is None
        and "".join(lines).isprintable()
        and console.render_str(joined, highlight=False, markup=False).plain == joined
        and max(cell_widths(lines)) <= console.width
    ):
        console.print(Verbatim(joined), crop=False)
        return
    for line in lines:
        console.print(line, highlight=False, markup=False)


UNITS_A_BLOCK = 65_536  # the units whose lines are made at once (as columns/stream.py writes JSON and CSV)

HEADINGS = (N_("unit"), N_("old total"), N_("new total"), N_("delta"), N_("old rank"), N_("new rank"), N_("moved"))
"""The diff table's column headings (in English; headings() says them in the language in use)."""


def headings() -> tuple[str, ...]:
    """HEADINGS in the language in use."""
    return tuple(_(h) for h in HEADINGS)


def table_text(d: Diff, width: int) -> str | None:
    """plain_table's text for the diff's units: from the columns for a ColumnChanges, else from unit_rows."""
    if isinstance(d.units, ColumnChanges):
        return plain_columns(column_cells(d, d.units.columns), width)
    return plain_table(unit_rows(d), width)


def unit_rows(d: Diff) -> list[tuple[str, ...]]:
    """Each unit's cells in the table, in HEADINGS' order."""
    places, mode = d.new.ruleset.rounding.places, d.new.ruleset.rounding.mode
    return [
        (u.entity, u.old_shown, u.new_shown, _delta(u, places, mode), _rank(u.old_rank), _rank(u.new_rank), movement(u))
        for u in d.units
    ]


def rich_table(rows: list[tuple[str, ...]]) -> Table:
    """The table as Rich lays it out: the reference, and what is drawn whenever plain_table cannot say the same."""
    said = headings()
    table = Table(said[0], box=None, pad_edge=False)
    for heading in said[1:]:
        table.add_column(heading, justify="right")
    for cells in rows:
        table.add_row(*(Text(x) for x in cells))  # text, not Rich markup
    return table


def plain_table(rows: list[tuple[str, ...]], width: int) -> str | None:
    """rich_table's text, made directly: Rich spends about 140 µs a cell measuring and padding (44 s for a
    100,000-unit diff, 5.4 times the evaluation), this about 1 µs.

    Only where the two are the same by construction, else None (and Rich draws it): every cell one line
    of printable text (no tab, newline or control character for Rich to expand or strip), and the whole
    table no wider than the console (so Rich neither wraps nor shrinks a column).  The layout is Rich's
    for box=None, pad_edge=False: each column as wide as its widest cell (in terminal cells, Rich's
    cell_len), the first left-justified, the rest right-justified, two spaces between columns.
    """
    table = [headings(), *rows]
    if not all(cell.isprintable() for cells in table for cell in cells):
        return None
    lengths = [[cell_len(cell) for cell in cells] for cells in table]
    widths = [max(column) for column in zip(*lengths, strict=True)]
    if sum(widths) + 2 * (len(widths) - 1) > width:
        return None
    lines = []
    for cells, sizes in zip(table, lengths, strict=True):
        first = cells[0] + " " * (widths[0] - sizes[0])
        rest = (" " * (w - n) + cell for cell, n, w in zip(cells[1:], sizes[1:], widths[1:], strict=True))
        lines.append("  ".join((first, *rest)))
    return "\n".join(lines)


def column_cells(d: Diff, c: UnitColumns) -> list[list[str]]:
    """unit_rows' cells as columns (in HEADINGS' order), made from UnitColumns a column at a time."""
    from ..columns.rounding import fixed_many

    places, mode = d.new.ruleset.rounding.places, d.new.ruleset.rounding.mode
    delta = fixed_many(c.delta.values, places, mode)
    signed = {t: t if t.startswith("-") else f"+{t}" for t in set(delta)}  # signed_fixed; the texts repeat
    return [
        c.entity,
        c.old_shown,
        c.new_shown,
        list(map(signed.__getitem__, delta)),
        _int_texts(c.old_rank, ""),
        _int_texts(c.new_rank, ""),
        _movements(c),
    ]


def _int_texts(values: Ints, zero: str) -> list[str]:
    """str() of each int64 (by orjson, which writes them as int.__repr__ does), `zero` for each 0."""
    import numpy as np

    from ..columns.stream import array_tokens

    texts = array_tokens(values)
    for i in np.flatnonzero(values == 0).tolist():
        texts[i] = zero
    return texts


def _movements(c: UnitColumns) -> list[str]:
    """movement() of each unit: each distinct number of places written once, then the units ranked under one
    ruleset only, or neither."""
    import numpy as np

    distinct, at = np.unique(c.movement, return_inverse=True)
    texts = np.array([f"↑{m}" if m > 0 else f"↓{-m}" if m < 0 else "=" for m in distinct.tolist()], dtype=object)
    moved = texts[at.reshape(-1)]
    old, new = c.old_rank == 0, c.new_rank == 0
    moved[old & new] = "—"  # not ranked under either (too few orders, or absent from the input)
    moved[old & ~new] = _("ranked now")
    moved[~old & new] = _("unranked now")
    return moved.tolist()  # type: ignore[no-any-return]


def plain_columns(columns: Sequence[Sequence[str]], width: int) -> str | None:
    """plain_table(rows, width) for the same cells given as columns (without HEADINGS): the same text, the same
    refusals, made a column at a time (cell_widths for the widths, then the padding and the lines a block at a
    time)."""
    cells = [[heading, *column] for heading, column in zip(headings(), columns, strict=True)]
    joined = ["".join(column) for column in cells]
    if not all(text.isprintable() for text in joined):
        return None
    sizes = [cell_widths(column, text) for column, text in zip(cells, joined, strict=True)]
    widths = [max(column) for column in sizes]
    if sum(widths) + 2 * (len(widths) - 1) > width:
        return None
    n, blocks = len(cells[0]), []
    for start in range(
        0, n, UNITS_A_BLOCK
    ):  # a block of lines at a time: the padded cells of a million never exist at once
        m, pieces = min(UNITS_A_BLOCK, n - start), []
        for j, (column, size, w) in enumerate(zip(cells, sizes, widths, strict=True)):
            if j:
                pieces.append(["  "] * m)
            pieces += _padded(column[start : start + m], size[start : start + m], w, left=j == 0)
        pieces.append(["\n"] * m)
        out = _interleaved(pieces, m)
        if start + m == n:
            out[-1] = ""  # plain_table's lines are joined by newlines: none after the last
        blocks.append("".join(out))
    return "".join(blocks)


def _padded(cells: list[str], sizes: list[int], width: int, left: bool) -> list[list[str]]:
    """The cells padded to `width` terminal cells: by str.ljust/rjust where each is as wide as it is long,
    else with the spaces beside them (one list more)."""
    if sizes == list(map(len, cells)):
        return [list(map(str.ljust if left else str.rjust, cells, itertools.repeat(width)))]
    spaces = [" " * (width - k) for k in range(width + 1)]  # by a cell's size
    pads = [spaces[k] for k in sizes]
    return [cells, pads] if left else [pads, cells]


def _interleaved(columns: Sequence[Sequence[str]], n: int) -> list[str]:
    """Row after row, each columns[0][i], columns[1][i], ...: strided slice assignment, a C loop a column."""
    step = len(columns)
    out: list[str] = [""] * (n * step)
    for j, column in enumerate(columns):
        out[j::step] = column
    return out


# Blocks whose characters are each a grapheme of their own (no combining, joining or pairing): the width of a
# string of these is the sum of its characters' widths, whatever rule measures a grapheme.
_ALONE_BLOCKS = (
    (0x00A1, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x0482),  # Cyrillic (before its combining marks)
    (0x048A, 0x04FF),
    (0x2010, 0x2027),  # dashes, quotes, bullets
    (0x2030, 0x205E),
    (0x2190, 0x21FF),  # arrows
    (0x3001, 0x3029),  # CJK punctuation (before the tone marks)
    (0x3030, 0x303F),
    (0x3041, 0x3096),  # Hiragana (before the combining sound marks)
    (0x309B, 0x30FF),  # Katakana
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xFF01, 0xFF60),  # fullwidth forms
    (0xFFE0, 0xFFE6),
)


def _alone(code: int) -> bool:
    """Whether a character outside ASCII is measured here by its own width (a letter, digit, punctuation or
    symbol in one of _ALONE_BLOCKS); any other character sends its string to rich's cell_len."""
    return any(low <= code <= high for low, high in _ALONE_BLOCKS) and unicodedata.category(chr(code))[0] in "LNPS"


def cell_widths(cells: Sequence[str], joined: str | None = None) -> list[int]:
    """rich.cells.cell_len of each string, without measuring each one.

    Printable ASCII is one cell a character.  Otherwise each distinct
    character of _ALONE_BLOCKS is measured once by cell_len itself and a
    string of such characters (and ASCII) is the sum of its characters,
    over whole arrays; a string with any other character (an emoji, a
    combining mark, a joiner) is measured by cell_len whole.
    """
    joined = "".join(cells) if joined is None else joined  # the cells joined, when the caller has them
    lengths = list(map(len, cells))
    if joined.isascii() and joined.isprintable():
        return lengths
    if len(cells) < 64:
        return [cell_len(x) for x in cells]
    import numpy as np

    codes = np.frombuffer(joined.encode("utf-32-le"), dtype="<u4")
    present = np.flatnonzero(np.bincount(codes)).tolist()
    width_of = np.full(present[-1] + 1, -1, dtype=np.int64)  # -1: measured only as part of its string
    for code in present:
        if 0x20 <= code <= 0x7E or code > 0x7E and _alone(code):
            width_of[code] = cell_len(chr(code))
    each = width_of[codes]
    ends = np.cumsum(np.array(lengths, dtype=np.int64))
    starts = ends - np.array(lengths, dtype=np.int64)
    total = np.concatenate(([0], np.cumsum(each)))
    unknown = np.concatenate(([0], np.cumsum(each < 0)))
    widths: list[int] = (total[ends] - total[starts]).tolist()
    for i in np.flatnonzero(unknown[ends] - unknown[starts]).tolist():
        widths[i] = cell_len(cells[i])
    return widths


def movement(u: UnitChange) -> str:
    if u.old_rank is None and u.new_rank is None:
        return "—"  # not ranked under either (too few orders, or absent from the input)
    if u.old_rank is None:
        return _("ranked now")
    if u.new_rank is None:
        return _("unranked now")
    return f"↑{u.movement}" if u.movement > 0 else f"↓{-u.movement}" if u.movement < 0 else "="


def _delta(u: UnitChange, places: int, mode: str) -> str:
    return "" if math.isnan(u.delta) else signed_fixed(u.delta, places, mode)


def _rank(rank: int | None) -> str:
    return "" if rank is None else str(rank)


def diff_json(d: Diff) -> str:
    """The diff as JSON: the document dump_json writes (kaoping.render(diff, "json"))."""
    return "".join(diff_json_chunks(d))


def diff_json_chunks(d: Diff) -> Iterator[str]:
    """diff_json's text in pieces: for a ColumnChanges, its units a block at a time from the columns (so that
    `kaoping diff -f json` writes a million units without holding their text whole); else dump_json's text."""
    if not (isinstance(d.units, ColumnChanges) and len(d.units)):
        yield dump_json(_document(d, _unit_items(d.units)), "units")
        return
    yield "{\n"
    for index, (key, value) in enumerate(_document(d, []).items()):
        lead = ",\n" if index else ""
        if key == "units":
            yield f'{lead}  "units": [\n'
            yield from _unit_lines(d.units.columns)
            yield "\n  ]"
        else:
            yield lead + json_part(key, value, "units")
    yield "\n}\n"


def _document(d: Diff, units: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "kaoping": __version__,
        "old": ruleset_info(d.old.ruleset),
        "new": ruleset_info(d.new.ruleset),
        "input": input_info(d.old.table),
        "rules": [{"what": c.what, "old": c.old, "new": c.new} for c in d.rules],
        "units": units,
        "summary": {"moved": d.moved, "units": len(d.units), "kendall_tau_b": d.tau, "regraded": len(d.regraded)},
        "changes": membership_items(d.memberships),
        "regraded": [{"entity": u.entity, "old": u.old_grade, "new": u.new_grade} for u in d.regraded],
    }


def _unit_items(units: Iterable[UnitChange]) -> list[dict[str, Any]]:
    """Each unit's item: the reference json.dumps writes a line of."""
    return [
        {
            "entity": u.entity,
            "old_total": None if math.isnan(u.old_total) else u.old_total,
            "new_total": None if math.isnan(u.new_total) else u.new_total,
            "old_display": u.old_shown,
            "new_display": u.new_shown,
            "delta": None if math.isnan(u.delta) else u.delta,
            "old_rank": u.old_rank,
            "new_rank": u.new_rank,
            "movement": u.movement,
            "old_grade": u.old_grade,
            "new_grade": u.new_grade,
        }
        for u in units
    ]


_UNIT_KEYS = (
    "entity", "old_total", "new_total", "old_display", "new_display", "delta",
    "old_rank", "new_rank", "movement", "old_grade", "new_grade",
)  # fmt: skip


def _unit_lines(c: UnitColumns) -> Iterator[str]:
    """The units' lines, "    {...}" joined by ",\\n", a block of units a string: json.dumps of each _unit_items
    item, made a field at a time (columns/stream.py's way: ints and floats by orjson where it writes repr's text).

    Every total is finite here (unit_columns refuses any other) and both
    displays are digits, a sign and a point: nothing in them to escape.
    """
    import numpy as np

    from ..columns.stream import Unquoted, array_tokens, column_tokens, string_tokens

    n = len(c)
    entity = np.array(c.entity, dtype=object)
    for start in range(0, n, UNITS_A_BLOCK):  # a block of units at a time: the tokens of a million never exist at once
        m, block = min(UNITS_A_BLOCK, n - start), slice(start, start + UNITS_A_BLOCK)
        at = np.arange(start, start + m, dtype=np.int64)
        fields: list[Tokens] = [
            string_tokens(entity[block]),
            column_tokens(c.old_total, at),
            column_tokens(c.new_total, at),
            Unquoted(c.old_shown[block]),
            Unquoted(c.new_shown[block]),
            column_tokens(c.delta, at),
            _int_texts(c.old_rank[block], "null"),
            _int_texts(c.new_rank[block], "null"),
            array_tokens(c.movement[block]),
            _grade_tokens(c.old_grade[block] if c.old_grade is not None else None, m),
            _grade_tokens(c.new_grade[block] if c.new_grade is not None else None, m),
        ]
        texts = ["    {"]  # texts[0], fields[0], texts[1], ...: 2 * 11 + 1 pieces a line
        for key, tokens in zip(_UNIT_KEYS, fields, strict=True):
            quote = '"' if isinstance(tokens, Unquoted) else ""  # the quotes around strings not escaped
            texts[-1] += f"{', ' if key != 'entity' else ''}{json.dumps(key)}: {quote}"
            texts.append(quote)
        texts[-1] += "},\n"
        columns = [[texts[0]] * m]
        for tokens, text in zip(fields, texts[1:], strict=True):
            columns += [tokens, [text] * m]
        out = _interleaved(columns, m)
        if start + m == n:
            out[-1] = "}"  # the last line ends the list: no ",\n"
        yield "".join(out)


def _grade_tokens(grades: list[str] | None, n: int) -> list[str]:
    if grades is None:
        return ["null"] * n
    written = {g: "null" if g is None else json.dumps(g, ensure_ascii=False) for g in set(grades)}
    return [written[g] for g in grades]
