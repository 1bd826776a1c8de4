"""A unit's group (the ruleset's group column) filled in and one the ruleset declares: the group sets full marks and ranking."""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import Problem, did_you_mean
from ..i18n import _
from ..ruleset.model import Ruleset
from .records import Value


def check_group(
    line: int, values: Mapping[str, Value], columns: Mapping[str, int], ruleset: Ruleset, display: str
) -> list[Problem]:
    """A unit's group must be one the ruleset declares (when it declares any): a typo would score the
    unit out of the wrong full marks and rank it alone."""
    if ruleset.group_field is None:
        return []
    value = str(values[ruleset.group_field]).strip()
    col = columns.get(ruleset.group_field, -1) + 1
    declared = [g.value for g in ruleset.groups]
    label = next((i.label for i in ruleset.inputs if i.id == ruleset.group_field), "")
    if not value:
        message = _("the group ({field}) is empty", field=ruleset.group_field)
        hint = _("every unit belongs to a group")
        return [Problem(display, line, col, message, hint, code="data.empty-group", column=label)]
    if declared and value not in declared:
        hint = did_you_mean(value, declared) or _("the groups are: {names}", names=_(", ").join(declared))
        message = _("'{value}' is not one of the ruleset's groups", value=value)
        return [Problem(display, line, col, message, hint, code="data.unknown-group", column=label)]
    return []
