"""JSON and CSV written from columns, a block of units at a time, with the reference writers' bytes.

A result line is `json.dumps(item, ensure_ascii=False)` of the reference's
item.  Here each field becomes text for a whole block at once (ints by
int.__repr__, floats by orjson where its text is provably repr's, strings by
json's own C encoder), and the lines are assembled by interleaving those
lists: no dict or tuple is made per unit, and a million units never exist as
one string.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from json.encoder import encode_basestring  # json's own C string encoder
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from ..evaluate.ranking import Evaluation
from ..numbers import plain_number
from ..outputs.layout import number_text
from .compile import Column
from .rank import ColumnRanking
from .rounding import fixed_many

BLOCK = 65_536  # units a block: a few MB of text, whatever the table's size
Tokens = list[str]
Ints = npt.NDArray[np.int64]
Field = Callable[[Ints], Tokens]


def float_tokens(values: npt.NDArray[np.float64]) -> Tokens:
    """float.__repr__ of each value (what json.dumps writes), by orjson where it writes the same text.

    Both write the shortest digits that read back as the same float; they
    differ only in where exponent notation starts below 1e-4 (orjson writes
    0.00001, repr 1e-05).  Those values, and any not finite, take repr.
    """
    if len(values) == 0:
        return []
    values = np.ascontiguousarray(values, dtype=np.float64)
    tokens: Tokens = orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY).decode().strip("[]").split(",")
    odd = np.flatnonzero(((np.abs(values) < 1e-4) & (values != 0)) | ~np.isfinite(values))
    for i in odd.tolist():
        tokens[i] = float.__repr__(float(values[i]))
    return tokens


def column_tokens(column: Column, block: Ints) -> Tokens:
    """A Column's values as json.dumps writes them: an int where the reference holds one, else a float."""
    values, whole = column.values[block], column.whole[block]
    tokens = float_tokens(values)
    for i in np.flatnonzero(whole).tolist():
        tokens[i] = int.__repr__(int(values[i]))
    return tokens


class Unquoted(list[str]):
    """Strings json.dumps would write as they are, between quotes: the quotes go in the line around them, and no
    string is made per unit."""


_ESCAPED = re.compile(r'[\x00-\x1f"\\]')  # what json.dumps(ensure_ascii=False) escapes in a string


def string_tokens(values: npt.NDArray[Any]) -> Tokens:
    """Strings as json.dumps writes them: as they are (Unquoted) when none needs escaping, which the reader's
    refusal of control characters makes the rule; else json's own C encoder, one string at a time."""
    texts: list[str] = values.tolist()
    if _ESCAPED.search("".join(texts)) is None:
        return Unquoted(texts)
    return list(map(encode_basestring, texts))


def array_tokens(values: npt.NDArray[Any]) -> Tokens:
    """An input column as json.dumps writes its values: ints (orjson writes int64 as int.__repr__ does), floats
    or strings."""
    if values.dtype == np.int64:
        if len(values) == 0:
            return []
        text = orjson.dumps(np.ascontiguousarray(values), option=orjson.OPT_SERIALIZE_NUMPY).decode()
        return text[1:-1].split(",")
    if values.dtype == np.float64:
        return float_tokens(values)
    return string_tokens(values)


def _name(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _at(make: Callable[[npt.NDArray[Any]], Tokens], values: npt.NDArray[Any]) -> Field:
    """A field whose tokens are `make` of `values` taken at the block's units."""
    return lambda units: make(values[units])


def _fixed(values: npt.NDArray[np.float64], places: int, mode: str) -> Field:
    return lambda units: fixed_many(values[units], places, mode)


def _column(column: Column) -> Field:
    return lambda units: column_tokens(column, units)


def _same(text: str) -> Field:
    return lambda units: [text] * len(units)


def json_fields(evaluation: Evaluation, ranking: ColumnRanking) -> list[tuple[str, Field]]:
    """(the text before a value, the value's tokens for a block of units), in the item's key order after "rank"."""
    r, s = evaluation.ruleset, ranking.scoring
    places, mode = r.rounding.places, r.rounding.mode
    fields: list[tuple[str, Field]] = [(', "entity": ', _at(string_tokens, s.entity))]
    sep = ', "inputs": {'
    for item in r.inputs:
        fields.append((f"{sep}{_name(item.id)}: ", _at(array_tokens, s.columns.values[item.id])))
        sep = ", "
    sep = '}, "scores": {'
    for id, score in s.scores.items():
        fields.append((f"{sep}{_name(id)}: ", _at(float_tokens, score)))
        sep = ", "
    fields.append(('}, "total": ', _column(s.total)))
    sep = ', "display": {'
    for id, values in [*s.scores.items(), ("total", s.total.values)]:
        fields.append((f'{sep}{_name(id)}: "', _fixed(values, places, mode)))
        sep = '", '
    fields.append(('"}', _same("")))
    if s.group is not None:
        fields.append((', "group": ', _at(string_tokens, s.group)))
    if r.derived:
        sep = ', "derived": {'
        for d in r.derived:
            value = s.values[d.id]
            assert isinstance(value, Column)  # a derived value is one per unit
            fields.append((f"{sep}{_name(d.id)}: ", _column(value)))
            sep = ", "
        fields.append(("}", _same("")))
    if ranking.grade is not None:
        grades = np.array(ranking.grade, dtype=object)
        fields.append((', "grade": ', _at(lambda g: [_name(x) for x in g.tolist()], grades)))
    if r.flags:
        fields.append((', "flags": ', lambda units: _flag_tokens(ranking, units)))
    return fields


def _flag_tokens(ranking: ColumnRanking, units: Ints) -> Tokens:
    flags = ranking.scoring.flags
    raised = [[f for f, hits in flags.items() if hits[u]] for u in units.tolist()]
    return [json.dumps(ids, ensure_ascii=False) for ids in raised]


def result_blocks(evaluation: Evaluation, ranking: ColumnRanking) -> Iterator[str]:
    """The `results` array's lines, "    {...}" joined by ",\\n", a block at a time."""
    fields = json_fields(evaluation, ranking)
    n = len(ranking.order)
    for start in range(0, n, BLOCK):
        block = np.arange(start, min(start + BLOCK, n), dtype=np.int64)
        units = ranking.order[block]
        texts: list[str] = ['    {"rank": ', ""]
        columns: list[Tokens] = [[str(x) if x else "null" for x in ranking.rank[block].tolist()]]
        for prefix, make in fields:
            tokens = make(units)
            quote = '"' if isinstance(tokens, Unquoted) else ""
            texts[-1] += prefix + quote
            texts.append(quote)
            columns.append(tokens)
        texts[-1] += "},\n"
        text = lines(texts, columns, len(block))
        yield text[:-2] if start + BLOCK >= n else text


def lines(texts: Sequence[str], columns: Sequence[Tokens], n: int) -> str:
    """n lines, each texts[0] + columns[0][i] + texts[1] + ... + texts[-1], joined once.

    The pieces are laid out line after line by strided slice assignment (a C
    loop a column) and joined in one call; no tuple or string is made per
    line.  (One % format over the template repeated n times was slower, 145 ns
    a value against about 80, once a Chinese name widens the text.)
    """
    width = 2 * len(columns) + 1
    out: list[str] = [""] * (n * width)
    for j, text in enumerate(texts):
        out[2 * j :: width] = [text] * n
    for j, tokens in enumerate(columns):
        out[2 * j + 1 :: width] = tokens
    return "".join(out)


def json_chunks(document: dict[str, Any], evaluation: Evaluation, ranking: ColumnRanking) -> Iterator[str]:
    """The reference's dump_json(document) text, with `results` written from the columns."""
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


def csv_chunks(
    evaluation: Evaluation,
    ranking: ColumnRanking,
    head: Sequence[Sequence[str]],
    cells: Sequence[Callable[[Ints], Tokens]],
) -> Iterator[str]:
    """The reference's CSV text: the rows above and the header (`head`), then every unit's cells, a block at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(head)
    yield buffer.getvalue()
    n = len(ranking.order)
    for start in range(0, n, BLOCK):
        block = np.arange(start, min(start + BLOCK, n), dtype=np.int64)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        units = ranking.order[block]
        writer.writerows(zip(*(make(units) for make in cells), strict=True))
        yield buffer.getvalue()


def input_text(values: npt.NDArray[Any]) -> Tokens:
    """An input as a published table shows it: text as given, numbers by plain_number."""
    if values.dtype == object:
        return list(values.tolist())
    if values.dtype == np.int64:
        return list(map(str, values.tolist()))
    return list(map(plain_number, values.tolist()))


def csv_cells(evaluation: Evaluation, ranking: ColumnRanking, fields: Sequence[tuple[str, bool]]) -> list[Field]:
    """Each printed column's text for a block of units, as layout.cell and to_csv's _inert give it."""
    out: list[Field] = []
    for field, numeric in fields:
        make = _cell_text(evaluation, ranking, field)
        out.append(make if numeric else _inert(make))
    return out


def _inert(make: Field) -> Field:
    """to_csv's _inert: text a spreadsheet would run as a formula gets a leading '."""
    from ..data.csv_in import ESCAPED_STARTS

    return lambda units: [f"'{t}" if t[:1] in ESCAPED_STARTS else t for t in make(units)]


def _cell_text(evaluation: Evaluation, ranking: ColumnRanking, field: str) -> Field:
    """layout.cell for one field, over a block of units (rank is by unit here: the rank each unit got)."""
    s, rounding = ranking.scoring, evaluation.ruleset.rounding
    if field == "rank":
        by_unit = np.zeros(s.columns.n, dtype=np.int64)
        by_unit[ranking.order] = ranking.rank
        return _at(lambda ranks: [str(x) if x else "" for x in ranks.tolist()], by_unit)
    if field == "grade":
        grades = np.array(ranking.grade if ranking.grade is not None else [""] * s.columns.n, dtype=object)
        return _at(lambda g: [x or "" for x in g.tolist()], grades)
    if field == "total":
        return _fixed(s.total.values, rounding.places, rounding.mode)
    if field in s.scores:
        return _fixed(s.scores[field], rounding.places, rounding.mode)
    if field in s.columns.values:
        return _at(input_text, s.columns.values[field])
    value = s.values[field]
    if not isinstance(value, Column):  # an aggregate: one value for everyone
        return _same(number_text(value, rounding.places, rounding.mode))
    return lambda units: _number_texts(value, units, rounding.places, rounding.mode)


def _number_texts(column: Column, units: Ints, places: int, mode: str) -> Tokens:
    """layout.number_text: whole numbers as integers, other numbers rounded like scores."""
    values = column.values[units]
    texts = fixed_many(values, places, mode)
    for i in np.flatnonzero(column.whole[units]).tolist():
        texts[i] = str(int(values[i]))
    return texts
