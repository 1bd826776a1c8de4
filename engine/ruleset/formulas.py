"""Formulas in a ruleset: compiled once where they are written, their names checked against the names table.

Each section says which names its formulas may read (`record_names`,
`numeric_names`); a name the ruleset has but the place does not allow gets a
message saying why not (a text input, an aggregate, `weight` outside an
indicator, the item's own id).
"""

from __future__ import annotations

import ast

from ..errors import did_you_mean
from ..i18n import _
from .context import Context, DocPath
from .expr import Formula, FormulaError, compile_formula
from .names import Names

FAILED = Formula("", ast.Expr(ast.Constant(0)), (), ())
"""Stands for a formula that did not compile: its problem is reported, so no model is ever built with it."""


def compile_at(ctx: Context, path: DocPath, allowed: dict[str, str], own: str = "") -> Formula | None:
    """The formula at `path`, or None after reporting why not; every name it reads must be a key of `allowed`."""
    text = ctx.value(path)
    try:
        formula = compile_formula(text, ctx.names.lookups)
    except FormulaError as e:
        ctx.problem_in_text(
            path, e.offset, _("in {where}: {message}", where=ctx.where(path), message=e.message), e.hint, code=e.code
        )
        return None
    ok = True
    for name, offset in formula.name_offsets:
        if name not in allowed:
            ok = False
            code, message = _unknown_name(ctx.names, name, own)
            hint = "" if name == own else _label_hint(ctx.names, name) or did_you_mean(name, allowed)
            ctx.problem_in_text(
                path, offset, _("in {where}: {message}", where=ctx.where(path), message=message), hint, code=code
            )
    return formula if ok else None


def numeric_names(names: Names) -> dict[str, str]:
    return {i.id: "input" for i in names.input_by_id.values() if i.numeric}


def record_names(names: Names, aggregates: bool = True, but: str = "") -> dict[str, str]:
    """What a per-record formula may read: numeric inputs, derived values, indicators, and (mostly) aggregates."""
    allowed = {x: "derived" for x in names.derived if x != but}
    allowed.update({i: "indicator" for i in names.indicators if i != but})
    if aggregates:
        allowed.update({a: "aggregate" for a in names.aggregates})
    allowed.update(numeric_names(names))
    return allowed


def _label_hint(names: Names, name: str) -> str:
    """A column header (label or alias) used where a formula needs the input's id."""
    for item in names.input_by_id.values():
        if name in (item.label, *item.aliases):
            return _("'{name}' is the column header of the input '{id}': write {id}", name=name, id=item.id)
    return ""


def _unknown_name(names: Names, name: str, own: str) -> tuple[str, str]:
    """(code, message) for a name the formula may not read here."""
    found = names.input_by_id.get(name)
    if name == own:
        return "formula.own-value", _("an indicator cannot read its own score ('{name}' is this indicator)", name=name)
    if found is not None and not found.numeric:
        return "formula.text-input", _("'{name}' is a text input; formulas work on numbers", name=name)
    if name == "weight":
        return "formula.weight-outside-indicator", _("'weight' can only be used in an indicator's own formula")
    if name in names.aggregates:
        return "formula.aggregate-not-allowed", _("'{name}' is an aggregate, which cannot be used here", name=name)
    return "formula.unknown-name", _("unknown name '{name}'", name=name)
