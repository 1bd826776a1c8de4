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
from collections.abc import Callable, Iterator, Sequence
from json.encoder import encode_basestring  # type: ignore[attr-defined]  # json's own C encoder (untyped)
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from ..evaluate.ranking import Evaluation
from ..numbers import plain_number
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


def array_tokens(values: npt.NDArray[np.generic]) -> Tokens:
    """An input column as json.dumps writes its values: ints, floats or strings."""
    if values.dtype == np.int64:
        return list(map(int.__repr__, values.tolist()))
    if values.dtype == np.float64:
        return float_tokens(values)  # type: ignore[arg-type]
    return list(map(encode_basestring, values.tolist()))


def interleave(pieces: Sequence[str | Tokens], n: int) -> str:
    """n lines made of `pieces`: a str is the same in every line, a list holds each line's own text."""
    width = len(pieces)
    out: list[str] = [""] * (n * width)
    for j, piece in enumerate(pieces):
        out[j::width] = [piece] * n if isinstance(piece, str) else piece
    return "".join(out)


def _name(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def json_fields(evaluation: Evaluation, ranking: ColumnRanking) -> list[tuple[str, Field]]:
    """(the text before a value, the value's tokens for a block of result positions), in the item's key order."""
    r, s = evaluation.ruleset, ranking.scoring
    places, mode = r.rounding.places, r.rounding.mode

    def units(block: Ints) -> Ints:
        return ranking.order[block]

    fields: list[tuple[str, Field]] = [
        ('    {"rank": ', lambda b: [str(x) if x else "null" for x in ranking.rank[b].tolist()]),
        (', "entity": ', lambda b: list(map(encode_basestring, s.entity[units(b)].tolist()))),
    ]
    sep = ', "inputs": {'
    for item in r.inputs:
        values = s.columns.values[item.id]
        fields.append((f"{sep}{_name(item.id)}: ", lambda b, v=values: array_tokens(v[units(b)])))
        sep = ", "
    sep = '}, "scores": {'
    for id, score in s.scores.items():
        fields.append((f"{sep}{_name(id)}: ", lambda b, v=score: float_tokens(v[units(b)])))
        sep = ", "
    fields.append(('}, "total": ', lambda b: column_tokens(s.total, units(b))))
    sep = ', "display": {'
    for id, values in [*s.scores.items(), ("total", s.total.values)]:
        fields.append((f'{sep}{_name(id)}: "', lambda b, v=values: fixed_many(v[units(b)], places, mode)))
        sep = '", '
    fields.append(('"}', lambda b: [""] * len(b)))
    if r.group_field:
        assert s.group is not None
        fields.append((', "group": ', lambda b: list(map(encode_basestring, s.group[units(b)].tolist()))))
    if r.derived:
        sep = ', "derived": {'
        for d in r.derived:
            value = s.values[d.id]
            assert isinstance(value, Column)
            fields.append((f"{sep}{_name(d.id)}: ", lambda b, v=value: column_tokens(v, units(b))))
            sep = ", "
        fields.append(("}", lambda b: [""] * len(b)))
    if r.grades is not None:
        grades = np.array(ranking.grade, dtype=object)
        fields.append((', "grade": ', lambda b: [_name(g) for g in grades[units(b)].tolist()]))
    if r.flags:
        fields.append((', "flags": ', lambda b: _flag_tokens(ranking, units(b))))
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
        pieces: list[str | Tokens] = []
        for prefix, make in fields:
            pieces += [prefix, make(block)]
        last = start + BLOCK >= n
        pieces.append("},\n")
        text = interleave(pieces, len(block))
        yield text[:-2] if last else text


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


def csv_chunks(evaluation: Evaluation, ranking: ColumnRanking, head: Sequence[Sequence[str]], cells: Sequence[Callable[[Ints], Tokens]]) -> Iterator[str]:
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
        writer.writerows(zip(*(make(block) for make in cells), strict=True))
        yield buffer.getvalue()


def input_text(values: npt.NDArray[np.generic]) -> Callable[[Ints], Tokens]:
    """An input as a published table shows it: text as given, numbers by plain_number."""
    if values.dtype == object:
        return lambda units: values[units].tolist()  # type: ignore[no-any-return]
    if values.dtype == np.int64:
        return lambda units: list(map(str, values[units].tolist()))
    return lambda units: list(map(plain_number, values[units].tolist()))


def csv_cells(evaluation: Evaluation, ranking: ColumnRanking, fields: Sequence[tuple[str, bool]]) -> list[Field]:
    """Each printed column's text for a block of result positions, as layout.cell and to_csv's _inert give it."""
    from ..data.csv_in import ESCAPED_STARTS

    r, s = evaluation.ruleset, ranking.scoring
    places, mode = r.rounding.places, r.rounding.mode
    out: list[Field] = []
    for field, numeric in fields:
        make = _cell_text(evaluation, ranking, field, places, mode)
        if numeric:
            out.append(make)
        else:
            out.append(lambda b, m=make: [f"'{t}" if t[:1] in ESCAPED_STARTS else t for t in m(b)])
    del s
    return out


def _cell_text(evaluation: Evaluation, ranking: ColumnRanking, field: str, places: int, mode: str) -> Field:
    s = ranking.scoring
    if field == "rank":
        return lambda b: [str(x) if x else "" for x in ranking.rank[b].tolist()]
    if field == "grade":
        grades = np.array(ranking.grade if ranking.grade is not None else [""] * s.columns.n, dtype=object)
        return lambda b: [g or "" for g in grades[ranking.order[b]].tolist()]
    if field == "total":
        return lambda b: fixed_many(s.total.values[ranking.order[b]], places, mode)
    if field in s.scores:
        return lambda b, v=s.scores[field]: fixed_many(v[ranking.order[b]], places, mode)
    if field in s.columns.values:
        shown = input_text(s.columns.values[field])
        return lambda b: shown(ranking.order[b])
    value = s.values[field]
    column = value if isinstance(value, Column) else None
    if column is None:
        whole = isinstance(value, int)
        text = str(value) if whole else fixed_many(np.array([float(value)]), places, mode)[0]
        return lambda b: [text] * len(b)

    def numbers(b: Ints, c: Column = column) -> Tokens:
        units = ranking.order[b]
        texts = fixed_many(c.values[units], places, mode)
        for i in np.flatnonzero(c.whole[units]).tolist():
            texts[i] = str(int(c.values[units][i]))
        return texts

    return numbers
