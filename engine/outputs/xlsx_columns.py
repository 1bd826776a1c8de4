"""The published workbook's cells read from the columnar core's result, without a UnitResult a unit.

xlsx.cell_value says what the sheet holds for one cell of one result; here
the same is said for a whole column at once, from the ColumnRanking's
arrays (engine/columns/rank.py), in the table's order: building 100,000
UnitResults (their dicts and mappings) only to read them back cost about a
second.  tests/test_excel_writer_fast.py writes every shipped ruleset's
example both ways and compares the workbooks byte for byte.  numpy is
imported here, and this module only for an evaluation the core scored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ..columns.compile import Column, to_python
from ..columns.rank import ColumnRanking
from ..columns.rounding import fixed_many
from ..evaluate.ranking import Evaluation
from ..numbers import format_fixed
from .layout import Leaf
from .xlsx import BODY, PERCENT, SCORE, Cells, Section, _plain, percent

Ints = npt.NDArray[np.int64]


def sections(evaluation: Evaluation, ranking: ColumnRanking, cols: Sequence[Leaf]) -> list[Section]:
    """layout.sections_of over the columns: each group apart when groups are ranked apart (in the order they
    first come among the ranked), then the units not ranked; each section's cells, column by column."""
    ruleset = evaluation.ruleset
    ranked = np.flatnonzero(ranking.rank != 0)
    groups = ranking.scoring.group
    parts: list[tuple[str, Ints]] = []
    if ruleset.ranking.per_group:
        of = groups[ranking.order[ranked]] if groups is not None else np.full(len(ranked), None, dtype=object)
        for group in dict.fromkeys(of.tolist()):
            parts.append((ruleset.group(group).label, ranked[of == group]))
    else:
        parts.append(("", ranked))
    unranked = np.flatnonzero(ranking.rank == 0)
    if len(unranked):
        parts.append((ruleset.ranking.ineligible_label, unranked))
    return [(label, [_cells(evaluation, ranking, leaf, positions) for leaf in cols]) for label, positions in parts]


def _cells(evaluation: Evaluation, ranking: ColumnRanking, leaf: Leaf, positions: Ints) -> Cells:
    """cell_value of one column for the results at `positions` (their places in the table's order)."""
    s, field = ranking.scoring, leaf.field
    units = ranking.order[positions]
    rounding = evaluation.ruleset.rounding
    if field == "rank":
        return Cells([number or None for number in ranking.rank[positions].tolist()], BODY)
    if field == "grade":
        grades = ranking.grade or [""] * s.columns.n
        return Cells([grades[u] or "" for u in units.tolist()], BODY)
    if field == "total" or field in s.scores:
        values = s.total.values if field == "total" else s.scores[field]
        return Cells(list(map(float, fixed_many(values[units], rounding.places, rounding.mode))), SCORE)
    if field in s.columns.values:
        given = _inputs(s.columns.values[field][units], leaf.numeric)
        if evaluation.ruleset.input(field).type == "percent":  # as xlsx.cell_value: 98.06 held as 0.9806, shown 98.06%
            return Cells([v if isinstance(v, str) else percent(v) for v in given], PERCENT)
        return Cells(given, BODY)
    value = s.values[field]
    if isinstance(value, Column):
        return _derived(to_python(_at(value, units)), rounding.places, rounding.mode)
    return _derived([value] * len(units), rounding.places, rounding.mode)


def _inputs(values: npt.NDArray[Any], numeric: bool) -> list[Any]:
    """An input as the sheet holds it: a number as given (an integer past 15 digits as its text), a text as it
    is; a text input's number (which a text column never holds) as layout.cell shows it."""
    given: list[Any] = values.tolist()
    if values.dtype == object or not numeric:
        return [v if isinstance(v, str) else _shown(v) for v in given]
    if values.dtype == np.int64 and len(given) and max(map(abs, given)) >= 10**15:
        return list(map(_plain, given))
    return given


def _shown(value: int | float) -> str:
    from ..numbers import plain_number

    return plain_number(value)


def _derived(values: list[int | float], places: int, mode: str) -> Cells:
    """A derived value or an aggregate: a float rounded as scores are (and shown with their decimals), an
    integer as it is."""
    out: list[Any] = []
    scored: list[int] = []
    for value in values:
        if isinstance(value, float):
            out.append(float(format_fixed(value, places, mode)))
            scored.append(SCORE)
        else:
            out.append(_plain(value))
            scored.append(BODY)
    return Cells(out, scored)


def _at(column: Column, units: Ints) -> Column:
    """The column's values and wholeness at `units`, as a Column to_python reads."""
    return Column(column.values[units], column.whole[units])
