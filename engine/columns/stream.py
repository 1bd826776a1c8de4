"""JSON and CSV written from columns, a block of units at a time, with the reference writers' bytes.

A result line is `json.dumps(item, ensure_ascii=False)` of the reference's
item, a CSV row what csv.writer writes of the reference's cells.  Here each
field becomes UTF-8 text for a whole block at once, as a byte matrix (`Cells`:
a row a unit, the text padded with NUL bytes to the block's widest), and a
block's lines are laid out in one matrix: the constant text (keys, quotes,
separators) copied into every row at once, each field's matrix into its
slot.  One bytes.translate then deletes the padding, which leaves the lines
joined, already encoded.  No str, tuple or dict is made per unit, nor one
object per value for the integers and the printed decimals (their digits are
numpy arithmetic); a million units never exist as one string.

NUL is the padding because neither output can hold one: json.dumps escapes
every control character, and a text cell with a NUL in it (which no reader
lets through) sends its CSV block to csv.writer, whose bytes are then the
reference's by construction.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from json.encoder import encode_basestring  # json's own C string encoder
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from ..data.csv_in import ESCAPED_STARTS
from ..evaluate.ranking import Evaluation
from ..files import Piece
from ..numbers import plain_number
from ..outputs.layout import number_text
from .compile import Column
from .rank import ColumnRanking
from .rounding import fixed_many, round_many

BLOCK = 16_384  # units a block: some 10 MB of text, whatever the table's size (under malloc's mmap threshold)
_BLOCK_BYTES = 1 << 25  # and a block's matrix at most about this, however long a name (a cell: 131,072 characters)
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Cells = npt.NDArray[np.uint8]
"""Each unit's text as a row of UTF-8 bytes, NUL-padded (on either side) to the widest: shape (units, width)."""
Field = Callable[[Ints], Cells]
"""A field's cells for a block, given the block's unit indices."""

_EXACT_SCALED = 2.0**50  # |R| below this: R / 10**p as a float, times 10**p, rounds back to R (error < 1/4)


def cells_of(tokens: Sequence[bytes], width: int | None = None) -> Cells:
    """Byte strings as cells (`width`, when given, at least the longest)."""
    if not tokens:
        return np.zeros((0, width or 0), dtype=np.uint8)
    packed = np.array(tokens, dtype=f"S{width}" if width else "S")
    return packed.view(np.uint8).reshape(len(tokens), packed.itemsize)


def window_cells(data: bytes, starts: Ints, ends: Ints) -> Cells:
    """The pieces data[start:end] as cells, without a bytes object each: a row is a window of `data` at its
    start (one row copy), the bytes past its end cleared by a mask of its length (one row copy, one AND)."""
    lengths = ends - starts
    width = int(lengths.max()) if len(lengths) else 0
    if width == 0:
        return np.zeros((len(lengths), 0), dtype=np.uint8)
    raw = np.frombuffer(data + bytes(width), dtype=np.uint8)  # every window lies inside
    cells: Cells = np.lib.stride_tricks.sliding_window_view(raw, width)[starts]
    cells &= _masks(width)[lengths]
    return cells


@functools.cache
def _masks(width: int) -> Cells:
    """Row k keeps the first k bytes of a row of `width`."""
    return np.tril(np.full((width + 1, width), 255, dtype=np.uint8), -1)


def same_cells(text: bytes, n: int) -> Cells:
    """One text for every unit (read-only: a broadcast view)."""
    return np.broadcast_to(np.frombuffer(text, dtype=np.uint8), (n, len(text)))


# -- numbers --------------------------------------------------------------------------------------------------------


def digit_cells(magnitude: npt.NDArray[np.uint64], negative: npt.NDArray[np.bool_], point: int = 0) -> Cells:
    """Decimal text of sign and magnitude: at least `point` + 1 digits, a '.' before the last `point` of them
    (none when 0), a '-' where `negative`; int.__repr__ of an int when `point` is 0.

    The digits are right-aligned, a digit the number does not reach is padding, and the '-' takes the first
    column: the padding between goes with the rest, so no row needs its own length.
    """
    n = len(magnitude)
    digits = max(len(str(int(magnitude.max()))) if n else 1, point + 1)
    sign = bool(negative.any())
    width = digits + (1 if point else 0) + sign
    cells = np.zeros((n, width), dtype=np.uint8)
    rest = magnitude.copy()
    column = width - 1
    for k in range(digits):
        if point and k == point:
            cells[:, column] = 46  # '.'
            column -= 1
        tens = rest // 10
        digit = (rest - tens * 10).astype(np.uint8) + 48
        # the decimals and the units digit are always written, a higher digit where the number reaches it
        cells[:, column] = digit if k <= point else np.where(rest != 0, digit, 0)
        column -= 1
        rest = tens
    if sign:
        cells[negative, 0] = 45  # '-'
    return cells


def int_cells(values: Ints) -> Cells:
    """int.__repr__ of each value (what json.dumps and csv.writer write of an int)."""
    values = np.asarray(values, dtype=np.int64)
    magnitude = np.abs(values).view(np.uint64)  # |-2**63| wraps to itself, which as uint64 is 2**63
    return digit_cells(magnitude, values < 0)


def float_cells(values: Floats) -> Cells:
    """json.dumps of each float (float.__repr__, NaN, Infinity), by orjson where it writes the same text.

    Both write the shortest digits that read back as the same float; they
    differ only in where exponent notation starts below 1e-4 (orjson writes
    0.00001, repr 1e-05, and 2.5e-7 for 2.5e-07) and for what is not finite
    (orjson writes null).  Those values are written by json itself.
    """
    values = np.ascontiguousarray(values, dtype=np.float64)
    if len(values) == 0:
        return np.zeros((0, 0), dtype=np.uint8)
    data = orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY)  # [a,b,...]: no float's text holds a comma
    commas = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 44)
    starts = np.concatenate(([1], commas + 1))
    cells = window_cells(data, starts, np.concatenate((commas, [len(data) - 1])))
    odd = np.flatnonzero(((np.abs(values) < 1e-4) & (values != 0)) | ~np.isfinite(values))
    if len(odd):
        cells = _replaced(cells, odd, [json.dumps(v).encode("ascii") for v in values[odd].tolist()])
    return cells


def _replaced(cells: Cells, rows: Ints, tokens: list[bytes]) -> Cells:
    """`cells` with these rows' text replaced (widened when a new text is longer)."""
    new = cells_of(tokens)
    if new.shape[1] > cells.shape[1]:
        cells = np.concatenate((cells, np.zeros((len(cells), new.shape[1] - cells.shape[1]), np.uint8)), axis=1)
    cells[rows] = 0
    cells[rows, : new.shape[1]] = new
    return cells


def column_cells(values: Floats, whole: npt.NDArray[np.bool_]) -> Cells:
    """A Column's values as json.dumps writes them: an int where the reference holds one (`whole`), else a float."""
    if not whole.any():
        return float_cells(values)
    exact = values[whole].astype(np.int64)  # a whole value is below 2**53: exact
    if whole.all():
        return int_cells(exact)
    floats, ints = float_cells(values[~whole]), int_cells(exact)
    cells = np.zeros((len(values), max(floats.shape[1], ints.shape[1])), dtype=np.uint8)
    cells[~whole, : floats.shape[1]] = floats
    cells[whole, : ints.shape[1]] = ints
    return cells


def fixed_cells(values: Floats, places: int, mode: str) -> Cells:
    """numbers.format_fixed of each value: rounded as a spreadsheet rounds (round_many), `places` decimals, no '-0'.

    round_many gives R / 10**places, correctly rounded, for the integer R
    that format_fixed's Decimal is R * 10**-places of; times 10**places it is
    within |R| * 2**-52 of R, so rint gives R back while |R| < 2**50.  A block
    holding a larger value is written by fixed_many.
    """
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0:
        return np.zeros((0, 0), dtype=np.uint8)
    with np.errstate(over="ignore"):  # a value past 1e293 or so: inf, which the test below sends to fixed_many
        scaled = np.rint(round_many(values, places, mode) * 10.0**places)
    if not bool((np.abs(scaled) < _EXACT_SCALED).all()):
        return cells_of(_ascii(fixed_many(values, places, mode)))
    exact = scaled.astype(np.int64)
    return digit_cells(np.abs(exact).view(np.uint64), exact < 0, places)


def _ascii(texts: list[str]) -> list[bytes]:
    """ASCII strings as bytes: one join, encode and split (no text here holds a ',')."""
    return ",".join(texts).encode("ascii").split(b",") if texts else []


# -- text -----------------------------------------------------------------------------------------------------------


def string_cells(values: npt.NDArray[Any]) -> tuple[Cells, bool]:
    """Strings as json.dumps writes them, and whether the cells hold the quotes.

    orjson writes a list of them in one call; with no backslash in its text
    it escaped nothing, so no string holds what json.dumps(ensure_ascii=False)
    escapes (a quote, a backslash, a control character: what every JSON
    encoder must escape) and each is its UTF-8 bytes, between quotes that the
    line around them holds.  Otherwise json's own C encoder writes each one.
    """
    texts: list[str] = values.tolist()
    if not texts:
        return np.zeros((0, 0), dtype=np.uint8), False
    try:
        dumped = orjson.dumps(texts)
    except orjson.JSONEncodeError:  # a lone surrogate: json.dumps writes it, and the UTF-8 encoder refuses it
        dumped = b"\\"
    if b"\\" not in dumped:  # ["a","b",...]: the quotes are the strings' own two, each
        quotes = np.flatnonzero(np.frombuffer(dumped, dtype=np.uint8) == 34)
        return window_cells(dumped, quotes[0::2] + 1, quotes[1::2]), False
    return cells_of([encode_basestring(t).encode("utf-8") for t in texts]), True


def input_cells(values: npt.NDArray[Any]) -> tuple[Cells, bool]:
    """An input column as json.dumps writes its values: ints, floats or strings (and whether quotes are in)."""
    if values.dtype == np.int64:
        return int_cells(values), True
    if values.dtype == np.float64:
        return float_cells(values), True
    return string_cells(values)


def _name(text: str) -> bytes:
    return json.dumps(text, ensure_ascii=False).encode("utf-8")


# -- lines ----------------------------------------------------------------------------------------------------------


def lines(texts: Sequence[bytes], cells: Sequence[Cells]) -> bytearray:
    """Each unit's line: texts[0] + cells[0][u] + texts[1] + ... + texts[-1], the padding gone, all joined.

    The row of constant text (NUL where a field goes) is repeated for every
    row of the block (one allocation, copies doubling in size: nothing to
    zero first), each field's cells copied into their slot, and one
    translate drops every NUL.
    """
    n = cells[0].shape[0] if cells else 0
    widths = [c.shape[1] for c in cells]
    template = bytearray()
    slots = []
    for text, width in zip(texts, [*widths, 0], strict=True):
        template += text
        slots.append(len(template))
        template += bytes(width)
    buffer = template * n
    grid = np.frombuffer(buffer, dtype=np.uint8).reshape(n, len(template))
    for at, field in zip(slots, cells, strict=False):
        if field.shape[1]:
            grid[:, at : at + field.shape[1]] = field
    del grid
    return buffer.translate(None, b"\0")


def texts_of(cells: Cells) -> list[str]:
    """Cells as str, one per unit: laid out one a line, the lines decoded and split (no cell holds a line break:
    numbers, JSON strings and text csv.writer would not quote)."""
    if len(cells) == 0:
        return []
    return lines([b"", b"\n"], [cells]).decode("utf-8").split("\n")[:-1]


# -- str tokens: outputs/diff.py lays its lines out from these ---------------------------------------------------

Tokens = list[str]


class Unquoted(list[str]):
    """Strings json.dumps would write as they are, between quotes: the quotes go in the line around them."""


def float_tokens(values: Floats) -> Tokens:
    """json.dumps of each float, as str."""
    return texts_of(float_cells(values))


def column_tokens(column: Column, block: Ints) -> Tokens:
    """A Column's values at `block` as json.dumps writes them: an int where the reference holds one, else a float."""
    return texts_of(column_cells(column.values[block], column.whole[block]))


def string_tokens(values: npt.NDArray[Any]) -> Tokens:
    """Strings as json.dumps writes them: Unquoted when none needs escaping, else with their quotes."""
    cells, quoted = string_cells(values)
    return texts_of(cells) if quoted else Unquoted(texts_of(cells))


def array_tokens(values: npt.NDArray[Any]) -> Tokens:
    """An input column as json.dumps writes its values: ints, floats or strings."""
    if values.dtype == object:
        return string_tokens(values)
    return texts_of(input_cells(values)[0])


def block_size(columns: Sequence[npt.NDArray[Any]], others: int) -> int:
    """Units a block: BLOCK, or fewer when the text columns are so wide that a block's matrix would pass
    _BLOCK_BYTES.  A character is at most 6 bytes of JSON (\\u001f) and 4 of UTF-8; `others` bounds the rest of a
    line."""
    widest, seen = others, set()
    for column in columns:
        if column.dtype == object and id(column) not in seen:
            seen.add(id(column))
            widest += 6 * max(map(len, column.tolist()), default=0)
    return max(1, min(BLOCK, _BLOCK_BYTES // widest)) if widest else BLOCK


def _quoted(prefix: bytes, quoted: bool) -> tuple[bytes, bytes]:
    """The text before a value and the quote after it: the quotes go in the line when the cells hold none."""
    return (prefix, b"") if quoted else (prefix + b'"', b'"')


class _Block:
    """One block's units, and each unit column taken at them once, however many fields show it (a score is
    printed as a number and as text, the key is often an input too): the taking is random access, a cache
    miss a value."""

    def __init__(self, units: Ints) -> None:
        self.units = units
        self._taken: dict[int, tuple[npt.NDArray[Any], npt.NDArray[Any]]] = {}
        self._strings: dict[int, tuple[Cells, bool]] = {}

    def __len__(self) -> int:
        return len(self.units)

    def take(self, values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        taken = self._taken.get(id(values))
        if taken is None or taken[0] is not values:
            taken = self._taken[id(values)] = (values, np.take(values, self.units))
        return taken[1]

    def strings(self, values: npt.NDArray[Any]) -> tuple[Cells, bool]:
        """string_cells of a text column at the block's units."""
        made = self._strings.get(id(values))
        if made is None:
            made = self._strings[id(values)] = string_cells(self.take(values))
        return made

    def column(self, column: Column) -> Cells:
        return column_cells(self.take(column.values), self.take(column.whole))


Part = Callable[[_Block], tuple[Cells, bool]]
"""A field's cells for a block, and whether they hold their own quotes (numbers: no quotes are wanted)."""


def _numbers(make: Callable[[_Block], Cells]) -> Part:
    return lambda block: (make(block), True)


def _floats_of(values: Floats) -> Part:
    return lambda block: (float_cells(block.take(values)), True)


def _fixed_of(values: Floats, places: int, mode: str) -> Part:
    return lambda block: (fixed_cells(block.take(values), places, mode), True)


def _column_of(column: Column) -> Part:
    return lambda block: (block.column(column), True)


def json_fields(evaluation: Evaluation, ranking: ColumnRanking) -> list[tuple[bytes, Part]]:
    """(the text before a value, the value's cells for a block), in the item's key order after "rank"; the last
    is the line's end, with no cells."""
    r, s = evaluation.ruleset, ranking.scoring
    places, mode = r.rounding.places, r.rounding.mode

    def input_of(values: npt.NDArray[Any]) -> Part:
        if values.dtype == object:
            return lambda block: block.strings(values)
        return lambda block: input_cells(block.take(values))

    fields: list[tuple[bytes, Part]] = [(b', "entity": ', lambda block: block.strings(s.entity))]
    sep = b', "inputs": {'
    for item in r.inputs:
        fields.append((sep + _name(item.id) + b": ", input_of(s.columns.values[item.id])))
        sep = b", "
    sep = b'}, "scores": {'
    for id, score in s.scores.items():
        fields.append((sep + _name(id) + b": ", _floats_of(score)))
        sep = b", "
    fields.append((b'}, "total": ', _numbers(lambda block: block.column(s.total))))
    sep = b', "display": {'
    for id, values in [*s.scores.items(), ("total", s.total.values)]:
        fields.append((sep + _name(id) + b': "', _fixed_of(values, places, mode)))
        sep = b'", '
    sep = b'"}'
    if s.group is not None:
        group = s.group
        fields.append((sep + b', "group": ', lambda block: block.strings(group)))
        sep = b""
    if r.derived:
        sep += b', "derived": {'
        for d in r.derived:
            value = s.values[d.id]
            assert isinstance(value, Column)  # a derived value is one per unit
            fields.append((sep + _name(d.id) + b": ", _column_of(value)))
            sep = b", "
        sep = b"}"
    if ranking.grade is not None:
        grades = _table_of(_name, ranking.grade)
        fields.append((sep + b', "grade": ', _numbers(lambda block: grades(block.units))))
        sep = b""
    if r.flags:
        flags = _flag_cells(ranking)
        fields.append((sep + b', "flags": ', _numbers(lambda block: flags(block.units))))
        sep = b""
    fields.append((sep + b"},\n", lambda block: (np.zeros((len(block), 0), dtype=np.uint8), True)))
    return fields


def _table_of(text: Callable[[Any], bytes], values: Sequence[Any]) -> Field:
    """A field of few distinct values (grades), by unit: each one's text made once, then looked up."""
    index: dict[Any, int] = {}
    codes = np.array([index.setdefault(v, len(index)) for v in values], dtype=np.intp)
    table = cells_of([text(v) for v in index])
    return lambda units: table[codes[units]]


def _flag_cells(ranking: ColumnRanking) -> Field:
    """Each unit's raised flags as json.dumps writes the list: one text per combination that occurs."""
    flags = ranking.scoring.flags
    n = ranking.scoring.columns.n
    code = np.zeros(n, dtype=np.int64)
    for k, hits in enumerate(flags.values()):
        code |= hits.astype(np.int64) << k  # few flags: a ruleset declares a handful
    combos, inverse = np.unique(code, return_inverse=True)
    ids = list(flags)
    texts = [
        json.dumps([f for k, f in enumerate(ids) if c >> k & 1], ensure_ascii=False).encode("utf-8")
        for c in combos.tolist()
    ]
    table, inverse = cells_of(texts), inverse.reshape(-1)
    return lambda units: table[inverse[units]]


def result_blocks(evaluation: Evaluation, ranking: ColumnRanking) -> Iterator[bytearray]:
    """The `results` array's lines, "    {...}" joined by ",\\n", a block at a time (UTF-8)."""
    fields = json_fields(evaluation, ranking)
    n, s = len(ranking.order), ranking.scoring
    shown = [s.entity, *([s.group] if s.group is not None else []), *s.columns.values.values()]
    size = block_size(shown, sum(len(prefix) + 32 for prefix, _ in fields))
    for start in range(0, n, size):
        positions = slice(start, min(start + size, n))
        block = _Block(ranking.order[positions])
        texts, cells = [b'    {"rank": '], [_rank_cells(ranking.rank[positions])]
        after = b""
        for prefix, make in fields:
            field, quoted = make(block)
            before, after_next = _quoted(prefix, quoted)
            texts.append(after + before)
            cells.append(field)
            after = after_next
        cells.pop()  # the last "field" is the line's end: no cells
        text = lines(texts, cells)
        if start + size >= n:
            del text[-2:]  # the last line ends without ",\n"
        yield text


def _rank_cells(rank: Ints) -> Cells:
    """A rank number, or null for a unit not ranked (rank 0)."""
    cells = int_cells(rank)
    unranked = np.flatnonzero(rank == 0)
    if len(unranked):
        width = max(cells.shape[1], 4)
        wide = np.zeros((len(rank), width), dtype=np.uint8)
        wide[:, width - cells.shape[1] :] = cells
        wide[unranked] = 0
        wide[unranked, :4] = np.frombuffer(b"null", dtype=np.uint8)
        return wide
    return cells


def json_chunks(document: dict[str, Any], evaluation: Evaluation, ranking: ColumnRanking) -> Iterator[Piece]:
    """The reference's dump_json(document) text, with `results` written from the columns (as UTF-8 bytes)."""
    from ..outputs.machine import json_part

    parts = list(document)
    yield "{\n"
    for index, name in enumerate(parts):
        lead = "" if index == 0 else ",\n"
        if name == "results" and len(ranking.order):
            yield f'{lead}  "results": [\n'
            yield from result_blocks(evaluation, ranking)
            yield "\n  ]"
        else:
            yield lead + json_part(name, document[name] if name != "results" else [])
    yield "\n}\n"


# -- CSV ------------------------------------------------------------------------------------------------------------

CsvCell = Callable[[Ints], list[str] | Cells]
"""A printed column's text for a block of units: cells, or strings (for csv.writer to write: see csv_text)."""

_NEEDS_QUOTES = re.compile(r'[,"\r\n]')  # what makes csv.writer (QUOTE_MINIMAL, ',', '"', CR LF) quote a cell


def csv_chunks(
    evaluation: Evaluation,
    ranking: ColumnRanking,
    head: Sequence[Sequence[str]],
    cells: Sequence[CsvCell],
) -> Iterator[Piece]:
    """The reference's CSV text: the rows above and the header (`head`), then every unit's cells, a block at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(head)
    yield buffer.getvalue()
    n, s = len(ranking.order), ranking.scoring
    size = block_size(
        [s.entity, *([s.group] if s.group is not None else []), *s.columns.values.values()], 64 * len(cells)
    )
    for start in range(0, n, size):
        units = ranking.order[start : start + size]
        yield _csv_block([make(units) for make in cells])


def _csv_block(columns: list[list[str] | Cells]) -> str | bytearray:
    """A block's rows: laid out as cells when every column is cells (csv_text made them: no text needs quotes)
    and a row has more than one cell (csv.writer writes a lone empty cell as ""); else by csv.writer itself."""
    if len(columns) > 1 and not any(isinstance(c, list) for c in columns):
        cells = [c for c in columns if not isinstance(c, list)]
        return lines([b"", *[b","] * (len(cells) - 1), b"\r\n"], cells)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(zip(*(_strs(c) for c in columns), strict=True))
    return buffer.getvalue()


_FORMULA_START = re.compile("\x00[" + re.escape("".join(ESCAPED_STARTS)) + "]")  # a text after the first _inert marks


def csv_text(texts: list[str], inert: bool) -> list[str] | Cells:
    """Texts as csv.writer writes them (after to_csv's _inert when `inert`): cells when none holds what makes
    csv.writer quote it (',', '"', CR, LF) nor a NUL; else the strings, for csv.writer to write.  One join
    finds both, and its UTF-8 is cut into cells at the NULs between the texts."""
    joined = "\0".join(texts)
    if inert and (joined[:1] in ESCAPED_STARTS or _FORMULA_START.search(joined)):
        texts = [f"'{t}" if t[:1] in ESCAPED_STARTS else t for t in texts]
        joined = "\0".join(texts)
    if not texts or joined.count("\0") != len(texts) - 1 or _NEEDS_QUOTES.search(joined):
        return texts
    data = joined.encode("utf-8")
    breaks = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 0)
    return window_cells(data, np.concatenate(([0], breaks + 1)), np.concatenate((breaks, [len(data)])))


def _strs(column: list[str] | Cells) -> list[str]:
    """A column's texts as str (cells' padding off, wherever it is: a '-' stands in the first column)."""
    return column if isinstance(column, list) else texts_of(column)


def input_text(values: npt.NDArray[Any]) -> list[str] | Cells:
    """An input as a published table shows it: text as given, numbers by plain_number (whole ones as ints)."""
    if values.dtype == object:
        return list(values.tolist())
    if values.dtype == np.int64:
        return int_cells(values)
    return _plain_cells(values)


def _plain_cells(values: Floats) -> Cells:
    """plain_number of each float: an integer-valued one below 10**15 as an int, any other at 15 digits."""
    whole = np.isfinite(values) & (values == np.floor(values)) & (np.abs(values) < 1e15)
    if whole.all():
        return int_cells(values.astype(np.int64))
    tokens = [plain_number(v).encode("ascii") for v in values.tolist()]
    return cells_of(tokens)


def csv_columns(evaluation: Evaluation, ranking: ColumnRanking, fields: Sequence[tuple[str, bool]]) -> list[CsvCell]:
    """Each printed column's text for a block of units, as layout.cell and to_csv's _inert give it: what
    csv_chunks writes."""
    out: list[CsvCell] = []
    for field, numeric in fields:
        make = _cell_text(evaluation, ranking, field)
        out.append(_text(make) if numeric else _inert(make))
    return out


def csv_cells(
    evaluation: Evaluation, ranking: ColumnRanking, fields: Sequence[tuple[str, bool]]
) -> list[Callable[[Ints], list[str]]]:
    """csv_columns' text as str, a list a column (outputs/xlsx.py measures the widths of the printed text)."""
    return [_as_strs(make) for make in csv_columns(evaluation, ranking, fields)]


def _as_strs(make: CsvCell) -> Callable[[Ints], list[str]]:
    return lambda units: _strs(make(units))


def _inert(make: CsvCell) -> CsvCell:
    """to_csv's _inert: text a spreadsheet would run as a formula gets a leading '."""
    return lambda units: csv_text(_strs(make(units)), inert=True)


def _text(make: CsvCell) -> CsvCell:
    """A numeric column's text as it is (a number is never quoted; a text input shown as a number may be)."""

    def text(units: Ints) -> list[str] | Cells:
        column = make(units)
        return csv_text(column, inert=False) if isinstance(column, list) else column

    return text


def _cell_text(evaluation: Evaluation, ranking: ColumnRanking, field: str) -> CsvCell:
    """layout.cell for one field, over a block of units (rank is by unit here: the rank each unit got)."""
    s, rounding = ranking.scoring, evaluation.ruleset.rounding
    if field == "rank":
        by_unit = np.zeros(s.columns.n, dtype=np.int64)
        by_unit[ranking.order] = ranking.rank
        return lambda units: _blank_zero(by_unit[units])
    if field == "grade":
        grades = np.array(ranking.grade if ranking.grade is not None else [""] * s.columns.n, dtype=object)
        return lambda units: [x or "" for x in grades[units].tolist()]
    if field == "total":
        return lambda units: fixed_cells(s.total.values[units], rounding.places, rounding.mode)
    if field in s.scores:
        score = s.scores[field]
        return lambda units: fixed_cells(score[units], rounding.places, rounding.mode)
    if field in s.columns.values:
        values = s.columns.values[field]
        return lambda units: input_text(values[units])
    value = s.values[field]
    if not isinstance(value, Column):  # an aggregate: one value for everyone
        text = number_text(value, rounding.places, rounding.mode).encode("ascii")
        return lambda units: same_cells(text, len(units))
    return lambda units: _number_cells(value, units, rounding.places, rounding.mode)


def _blank_zero(rank: Ints) -> Cells:
    """Rank numbers, an empty cell for a unit not ranked (0)."""
    cells = int_cells(rank)
    cells[rank == 0] = 0
    return cells


def _number_cells(column: Column, units: Ints, places: int, mode: str) -> Cells:
    """layout.number_text: whole numbers as integers, other numbers rounded like scores."""
    values, whole = column.values[units], column.whole[units]
    if not whole.any():
        return fixed_cells(values, places, mode)
    ints = int_cells(values[whole].astype(np.int64))
    if whole.all():
        return ints
    fixed = fixed_cells(values[~whole], places, mode)
    cells = np.zeros((len(units), max(ints.shape[1], fixed.shape[1])), dtype=np.uint8)
    cells[whole, : ints.shape[1]] = ints
    cells[~whole, : fixed.shape[1]] = fixed
    return cells
