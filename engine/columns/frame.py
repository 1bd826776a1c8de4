"""The month's units as columns: what the columnar reader hands the columnar scorer.

numpy is imported here, so only a command that scores imports this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np
import numpy.typing as npt

from ..data.records import Record
from ..ruleset.model import Input

Array = npt.NDArray[np.generic]


@dataclass(frozen=True, slots=True, eq=False)
class Columns:
    """Every unit's input values, one array per input id, in the order the rows were read.

    Integer inputs are int64 arrays (the row path's Python ints), number and
    percent inputs float64 (its floats), text inputs object arrays of str.
    `rows` is each unit's line (CSV) or sheet row, as `Record.row` holds it.
    """

    n: int
    rows: npt.NDArray[np.int64]
    values: Mapping[str, Array]


_INT64 = 2**63


def columns_of_records(records: Sequence[Record], inputs: Sequence[Input]) -> Columns | None:
    """The reference reader's records as Columns, or None when a column mixes ints and floats (a default of
    the other type filled some cells) or holds an integer past int64: the reference then scores them."""
    values: dict[str, Array] = {}
    for item in inputs:
        cells = [r.values[item.id] for r in records]
        kinds = {type(v) for v in cells}
        if kinds <= {str}:
            values[item.id] = np.array(cells, dtype=object) if cells else np.zeros(0, dtype=object)
        elif kinds == {int}:
            if any(not -_INT64 <= v < _INT64 for v in cells):  # type: ignore[operator]
                return None
            values[item.id] = np.array(cells, dtype=np.int64)
        elif kinds == {float}:
            values[item.id] = np.array(cells, dtype=np.float64)
        else:
            return None
    rows = np.array([r.row for r in records], dtype=np.int64)
    return Columns(len(records), rows, values)


def input_dicts(columns: Columns, inputs: Sequence[Input]) -> list[dict[str, int | float | str]]:
    """Each unit's input values by id, in the ruleset's input order, as Python values (what a Record holds)."""
    ids = [i.id for i in inputs if i.id in columns.values]
    lists = [columns.values[i].tolist() for i in ids]
    return [dict(zip(ids, row, strict=True)) for row in zip(*lists, strict=True)] if ids else [{}] * columns.n


class RecordsOf(Sequence[Record]):
    """A columnar table's records, built the first time something reads one (explain, a case test, the
    reference taking over), never for JSON or CSV."""

    def __init__(self, columns: Columns, inputs: Sequence[Input]) -> None:
        self.columns, self.inputs = columns, inputs
        self._built: list[Record] | None = None

    def __len__(self) -> int:
        return self.columns.n

    @overload
    def __getitem__(self, index: int) -> Record: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Record]: ...
    def __getitem__(self, index: int | slice) -> Record | Sequence[Record]:
        if self._built is None:
            rows = self.columns.rows.tolist()
            self._built = [Record(r, v) for r, v in zip(rows, input_dicts(self.columns, self.inputs), strict=True)]
        return self._built[index]
