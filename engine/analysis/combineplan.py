"""A combine declared apart from the monthly ruleset (`kaoping combine --plan FILE`), and the tables it reads.

An office that needs a yearly score should not edit a released monthly ruleset
(its bytes are locked): the plan is a small YAML of its own, checked against
schemas/combine.schema.json with every mistake at its line and column, as a
ruleset is.  It names the monthly ruleset, the method (mean, sum, min, max,
weighted, formula), the units renamed during the year (aliases), and the
per-unit values a formula reads (each from its own file, given as
--value NAME=FILE).  The aliases can also come from a CSV (--aliases FILE,
columns old,new), and the values' files are CSV with a unit and a value column.
"""

from __future__ import annotations

import ast
import dataclasses
import json
from collections.abc import Mapping
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from jsonschema import Draft202012Validator

from ..data.csv_in import csv_rows
from ..data.files import os_problem
from ..errors import KaopingError, Problem, UsageError, did_you_mean, fail
from ..frozen import frozen
from ..i18n import _
from ..ruleset.expr import Formula, FormulaError, compile_formula
from ..ruleset.model import Ruleset
from ..ruleset.schema import _Mistake, _mistake, _most_relevant, _to_problems
from ..ruleset.yamlsrc import Source, child, read_yaml
from .combine import PERIOD_FUNCTIONS, How

SCHEMA_PATH = files("kaoping.schemas").joinpath("combine.schema.json")


@frozen
class Plan:
    """A combine plan as read: its source (for line:col), and the values of its keys."""

    src: Source
    ruleset: str
    method: str
    missing: str
    weight_by: str | None
    formula: str | None
    title: str
    values: Mapping[str, tuple[str, str]]  # name -> (unit column, value column)
    aliases: Mapping[str, str]


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def load_plan(path: str) -> Plan:
    """The plan at `path`, or KaopingError with each mistake at its line and column."""
    src = read_yaml(Path(path), path)
    data = src.data
    if not isinstance(data, dict):
        raise KaopingError(
            [
                src.problem(
                    src.root,
                    _("a combine plan is a mapping (schema:, ruleset:, method:, ...)"),
                    code="combine.plan-schema",
                )
            ]
        )
    problems = [p for e in _validator().iter_errors(data) for p in _schema_problems(src, _mistake(_most_relevant(e)))]
    if problems:
        raise KaopingError([_as_plan_problem(p) for p in problems], limit=100)
    aliases: dict[str, str] = {}
    for i, item in enumerate(data.get("aliases", [])):
        if item["old"] in aliases:
            node = child(src.root, "aliases")
            at = node.value[i] if node is not None and isinstance(node.value, list) else None
            raise KaopingError(
                [
                    src.problem(
                        at,
                        _("{old} is given two new names", old=item["old"]),
                        _("keep one line for each old name"),
                        code="combine.alias-twice",
                    )
                ]
            )
        aliases[item["old"]] = item["new"]
    values = {name: (v["unit"], v["value"]) for name, v in data.get("values", {}).items()}
    return Plan(
        src,
        data["ruleset"],
        data["method"],
        data.get("missing", "error"),
        data.get("weight_by"),
        data.get("formula"),
        data.get("title", ""),
        values,
        aliases,
    )


def _schema_problems(src: Source, mistake: _Mistake) -> list[Problem]:
    """The rulesets' schema problems (place, did-you-mean), but the top level named as the plan, not as a ruleset."""
    if mistake.path or mistake.validator not in ("required", "additionalProperties"):
        return list(_to_problems(src, mistake))
    instance = mistake.instance if isinstance(mistake.instance, dict) else {}
    allowed = list(mistake.schema.get("properties", {}))
    if mistake.validator == "required":
        wanted = mistake.expected if isinstance(mistake.expected, list) else []
        return [
            src.problem(src.root, _("the combine plan is missing the key '{key}'", key=key), code="combine.plan-schema")
            for key in wanted
            if key not in instance
        ]
    return [
        src.problem(
            src.root if (node := child(src.root, str(key), key=True)) is None else node,
            _("unknown key '{key}' in the combine plan", key=key),
            did_you_mean(str(key), allowed) or _("the keys allowed here are: {keys}", keys=", ".join(allowed)),
            code="combine.plan-schema",
        )
        for key in instance
        if key not in allowed
    ]


def _as_plan_problem(p: Problem) -> Problem:
    """A schema problem of the plan keeps its place and words; its code says it is the plan's (combine.plan-schema)."""
    return dataclasses.replace(p, code="combine.plan-schema")


def plan_how(
    plan: Plan,
    ruleset: Ruleset,
    aliases: Mapping[str, str],
    values: Mapping[str, Mapping[str, float]],
    value_files: Mapping[str, str],
) -> How:
    """The plan checked against the combining ruleset (weight_by an input of it, the formula's names known)."""
    if plan.weight_by is not None and plan.weight_by not in {i.id for i in ruleset.inputs if i.type != "text"}:
        numeric = ", ".join(i.id for i in ruleset.inputs if i.type != "text")
        raise _at(
            plan,
            "weight_by",
            _("{ref} has no number input '{id}'", ref=ruleset.ref, id=plan.weight_by),
            _("weight by one of its number inputs: {ids}", ids=numeric),
            "combine.weight-by-unknown",
        )
    missing_files = [name for name in plan.values if name not in values]
    if missing_files:
        raise UsageError(
            _(
                "the plan {plan} reads the value {name}: give its file, --value {name}=FILE",
                plan=plan.src.file,
                name=missing_files[0],
            ),
            code="cli.value-file-missing",
        )
    formula = _formula(plan) if plan.method == "formula" else None
    return How(
        plan.method,
        plan.missing,
        plan.weight_by,
        formula,
        values,
        value_files,
        {**plan.aliases, **aliases},
        plan.src.file,
        plan.title,
    )


def _formula(plan: Plan) -> Formula:
    """The plan's formula compiled by the rulesets' safe evaluator's checks; `total` only inside mean(...) or sum(...)."""
    text = plan.formula or ""
    try:
        formula = compile_formula(text, lookups=PERIOD_FUNCTIONS)
    except FormulaError as e:
        raise _at(plan, "formula", e.message, e.hint, e.code, e.offset) from None
    known = {"total", *plan.values}
    for name, offset in formula.name_offsets:
        if name not in known and name not in PERIOD_FUNCTIONS:
            hint = _(
                "the formula reads total (in mean(total) or sum(total)) and the values: {names}",
                names=", ".join(plan.values) or "—",
            )
            raise _at(
                plan,
                "formula",
                _("unknown name '{name}' in the formula", name=name),
                hint,
                "combine.formula-name",
                offset,
            )
    _check_total_use(plan, formula)
    return formula


def _check_total_use(plan: Plan, formula: Formula) -> None:
    """`total` is the list of the unit's period totals: it means something only as mean(total) or sum(total)."""
    inside: set[int] = set()
    for node in ast.walk(formula.tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in PERIOD_FUNCTIONS:
            arg = node.args[0] if len(node.args) == 1 else None
            if not (isinstance(arg, ast.Name) and arg.id == "total"):
                raise _at(
                    plan,
                    "formula",
                    _("{name}(...) takes total, the unit's period totals", name=node.func.id),
                    _("write {name}(total)", name=node.func.id),
                    "combine.formula-total",
                    node.col_offset,
                )
            inside.add(id(arg))
    for node in ast.walk(formula.tree):
        if isinstance(node, ast.Name) and node.id == "total" and id(node) not in inside:
            raise _at(
                plan,
                "formula",
                _("total is the unit's period totals: read it as mean(total) or sum(total)"),
                _("write mean(total) for the mean of the periods"),
                "combine.formula-total",
                node.col_offset,
            )


def _at(plan: Plan, key: str, message: str, hint: str, code: str, offset: int = 0) -> KaopingError:
    """A problem at the plan's `key` value (at `offset` within a formula's text)."""
    node = child(plan.src.root, key)
    if node is None:
        return KaopingError([plan.src.problem(None, message, hint, code=code)])
    quote = 1 if getattr(node, "style", None) in ("'", '"') else 0
    line, col = node.start_mark.line + 1, node.start_mark.column + 1 + quote + offset
    return KaopingError([plan.src.problem_at(line, col, message, hint, code=code)])


def _table(path: str) -> list[tuple[int, list[str]]]:
    """A CSV's rows as (line, cells), read as the inputs are (UTF-8 or GBK, comma or tab)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise os_problem(e, path) from None
    return [(row.line, [c.strip() for c in row.cells]) for row in csv_rows(raw, path).rows]


def _columns(path: str, rows: list[tuple[int, list[str]]], wanted: tuple[str, ...], code: str) -> list[int]:
    header = rows[0][1] if rows else []
    absent = [w for w in wanted if w not in header]
    if absent:
        raise fail(
            path,
            _("this file has no column {columns}", columns=", ".join(absent)),
            _(
                "its first row must name the columns {columns}; it has {header}",
                columns=", ".join(wanted),
                header=", ".join(header) or "—",
            ),
            line=1,
            code=code,
        )
    return [header.index(w) for w in wanted]


def read_aliases(path: str) -> dict[str, str]:
    """An alias table (columns old,new): each old name's periods count for the new name."""
    rows = _table(path)
    old_at, new_at = _columns(path, rows, ("old", "new"), "combine.aliases-columns")
    found: dict[str, str] = {}
    for line, cells in rows[1:]:
        old, new = (cells[i] if i < len(cells) else "" for i in (old_at, new_at))
        if not old or not new:
            raise fail(
                path,
                _("this row has no old or no new name"),
                _("write both: old,new"),
                line=line,
                code="combine.aliases-columns",
            )
        if old in found:
            raise fail(
                path,
                _("{old} is given two new names", old=old),
                _("keep one line for each old name"),
                line=line,
                code="combine.alias-twice",
            )
        found[old] = new
    return found


def read_values(path: str, unit: str, value: str) -> dict[str, float]:
    """A per-unit value (an annual review score) from its own file: the unit column and the value column."""
    rows = _table(path)
    unit_at, value_at = _columns(path, rows, (unit, value), "combine.value-columns")
    found: dict[str, float] = {}
    for line, cells in rows[1:]:
        name = cells[unit_at] if unit_at < len(cells) else ""
        text = cells[value_at] if value_at < len(cells) else ""
        try:
            number = float(text)
        except ValueError:
            number = float("nan")
        if number != number or number in (float("inf"), float("-inf")):
            raise fail(
                path,
                _("'{text}' is not a number ({unit} {name})", text=text, unit=unit, name=name),
                _("write the value as a number, e.g. 92.5"),
                line=line,
                code="combine.value-not-number",
            )
        if name in found:
            raise fail(
                path,
                _("{name} has two rows", name=name),
                _("keep one row for each unit"),
                line=line,
                code="combine.value-twice",
            )
        found[name] = number
    return found


def plan_values(plan: Plan, given: Mapping[str, str]) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """Each value the plan declares, read from the file --value NAME=FILE gives for it."""
    values: dict[str, dict[str, float]] = {}
    for name, (unit, value) in plan.values.items():
        if name in given:
            values[name] = read_values(given[name], unit, value)
    return values, {name: given[name] for name in values}
