"""Every numeric value within its input's min and max, where a bound may name another field (on_time <= completed <= due)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..errors import Problem
from ..i18n import _
from ..ruleset.model import Input
from .records import Value


def check_bounds(
    line: int, values: Mapping[str, Value], columns: Mapping[str, int], inputs: Sequence[Input], display: str
) -> list[Problem]:
    """Every value outside its input's min/max, checked only once the row's cells all parsed (a bound may name another cell)."""
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
                message = _bound_message(item, value, too, bound, limit, inputs)
                # a bound naming another field is the row disagreeing with itself (more on time than completed)
                code = "data.inconsistent-fields" if isinstance(bound, str) else "data.out-of-bounds"
                problems.append(Problem(display, line, col, message, code=code, column=item.label))
    return problems


def _bound_message(
    item: Input, value: Value, too: str, bound: float | str, limit: Value, inputs: Sequence[Input]
) -> str:
    if isinstance(bound, str):
        other = next(i for i in inputs if i.id == bound)
        fields = dict(label=item.label, id=item.id, value=value, other=other.label, other_id=other.id, limit=limit)
        if too == "below":
            return _("{label} ({id}) is {value}, less than {other} ({other_id}) {limit}", **fields)
        return _("{label} ({id}) is {value}, more than {other} ({other_id}) {limit}", **fields)
    if too == "below":
        return _(
            "{label} ({id}) is {value}, less than the allowed {limit:g}",
            label=item.label,
            id=item.id,
            value=value,
            limit=limit,
        )
    return _(
        "{label} ({id}) is {value}, more than the allowed {limit:g}",
        label=item.label,
        id=item.id,
        value=value,
        limit=limit,
    )
