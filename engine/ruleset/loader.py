"""The meaning checks and the build of a schema-valid ruleset (the stages before it: engine/ruleset/load.py).

The meaning checks and the build are one pass: formulas are parsed
once here, their names checked against what the ruleset declares, and the
frozen model is built from the same objects.
"""

from __future__ import annotations

import datetime as dt
import difflib
import keyword
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from yaml.nodes import Node, ScalarNode

from ..errors import KaopingError, Problem, did_you_mean
from .bands import build_bands
from .expr import HELPERS, Formula, FormulaError, compile_formula
from .model import (
    DEFAULT_TOTALS_LABELS,
    ID_SECTIONS,
    SPECIAL_FIELDS,
    TITLE_FIELDS,
    Aggregate,
    Band,
    Column,
    ColumnGroup,
    Combine,
    Derived,
    Flag,
    GoldenCase,
    Grades,
    Group,
    Indicator,
    Input,
    Lookup,
    Ranking,
    Report,
    ReportItem,
    Rounding,
    Ruleset,
    Total,
    UnitList,
)
from .resolve import Found
from .schema import item_path
from .yamlsrc import Source, block_position, locate, scalar_column

RESERVED = frozenset(
    {*SPECIAL_FIELDS, "weight", "year", "month", "period", *HELPERS, "true", "false", "none", *keyword.kwlist}
)
ID = re.compile(r"[a-z_][a-z0-9_]*")
WEIGHT_TOLERANCE = 1e-9
DEFAULT_TOTAL_LABEL = "总分"
BRACES = re.compile(r"\{([^{}]*)\}")
WIDE_BRACES = re.compile("[\uff5b\uff5d]")  # ｛ ｝
_HALF_BRACES = str.maketrans("\uff5b\uff5d", "{}")


def build_model(src: Source, expect: Found | None, overrides: tuple[str, ...]) -> Ruleset:
    """The frozen model of a schema-valid document, or KaopingError with every meaning problem.

    `expect` is where the file was found by name (its `name:` and `version:`
    must agree with its folder and file); `overrides` are the --set texts the
    model records.
    """
    return _Builder(src, expect).build(src.sha256, overrides)


class _Builder:
    """Builds the model from schema-valid data, collecting every meaning problem."""

    def __init__(self, src: Source, expect: Found | None) -> None:
        self.src = src
        self.expect = expect
        self.data: dict[str, Any] = src.data
        self.problems: list[Problem] = []
        self.duplicate_ids = False

    def build(self, digest: str, overrides: tuple[str, ...]) -> Ruleset:
        d = self.data
        self._check_unique_ids()
        self._check_header_names()
        self._check_effective()
        inputs = tuple(self._input(i, raw) for i, raw in enumerate(d["inputs"]))
        self.inputs = {i.id: i for i in inputs}
        self.aggregate_ids = [a["id"] for a in d.get("aggregates", [])]
        self.indicator_ids = [i["id"] for i in d["indicators"]]
        self.derived_ids = [x["id"] for x in d.get("derived", [])]
        key = self._entity_key()
        totals_labels = self._totals_labels()
        group_field = self._group_field()
        lookups = tuple(self._lookup(i, raw) for i, raw in enumerate(d.get("lookups", [])))
        self.lookup_ids = [x.id for x in lookups]
        derived = tuple(self._derived(i, raw) for i, raw in enumerate(d.get("derived", [])))
        aggregates = tuple(self._aggregate(i, raw) for i, raw in enumerate(d.get("aggregates", [])))
        indicators = tuple(self._indicator(i, raw) for i, raw in enumerate(d["indicators"]))
        total = self._total(indicators)
        groups = tuple(self._group(i, raw, indicators, total) for i, raw in enumerate(d.get("groups", [])))
        ranking = self._ranking()
        self._check_groups_together(groups, ranking, total)
        report = self._report(inputs, indicators)
        steps = self._steps(aggregates, indicators, derived)
        grades = self._grades()
        self._check_grades_fit_groups(grades, groups, total)
        lists = tuple(self._list(i, raw) for i, raw in enumerate(d.get("lists", [])))
        flags = tuple(self._flag(i, raw) for i, raw in enumerate(d.get("flags", [])))
        tests = self._tests()
        self._check_place()
        if self.problems:
            raise KaopingError(self.problems)
        combine = d.get("combine")
        return Ruleset(
            name=d["name"],
            version=d["version"],
            title=d["title"],
            effective=d["effective"],
            description=d.get("description", ""),
            key=key,
            inputs=inputs,
            aggregates=aggregates,
            indicators=indicators,
            total=total,
            rounding=Rounding(int(d["rounding"]["places"]), d["rounding"].get("mode", "half_away_from_zero")),
            ranking=ranking,
            report=report,
            steps=steps,
            path=self.src.file,
            sha256=digest,
            overrides=overrides,
            tests=tests,
            derived=derived,
            lookups=lookups,
            group_field=group_field,
            groups=groups,
            grades=grades,
            lists=lists,
            flags=flags,
            combine=Combine(combine["function"], combine.get("missing", "error")) if combine else None,
            totals_labels=totals_labels,
        )

    # -- reporting --------------------------------------------------------

    def _node(self, path: list[Any], key: bool = False) -> Node:
        return locate(self.src.root, path, key=key)

    def _where(self, path: list[Any]) -> str:
        return item_path(self.data, path)

    def _problem(self, path: list[Any], message: str, hint: str = "", key: bool = False) -> None:
        self.problems.append(self.src.problem(self._node(path, key), message, hint, path))

    def _problem_in_text(self, path: list[Any], offset: int, message: str, hint: str = "") -> None:
        """A problem at a character inside a scalar (a formula, a header)."""
        if self.src.override_of(path):
            self.problems.append(self.src.problem(None, message, hint, path))
            return
        node = self._node(path)
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        if (
            isinstance(node, ScalarNode)
            and node.style in (None, "'", '"')
            and node.start_mark.line == node.end_mark.line
        ):
            raw = self.src.lines[line - 1][node.start_mark.column : node.end_mark.column]
            col += scalar_column(raw, offset, node.style)
        elif isinstance(node, ScalarNode) and node.style in ("|", ">"):
            line, col = block_position(self.src.lines, node.start_mark.line + 1, offset)
        self.problems.append(self.src.problem_at(line, col, message, hint))

    # -- ids --------------------------------------------------------------

    def _check_unique_ids(self) -> None:
        seen: dict[str, list[Any]] = {}
        for section in ID_SECTIONS:
            for i, raw in enumerate(self.data.get(section, [])):
                ident, path = raw["id"], [section, i, "id"]
                if not ID.fullmatch(ident):
                    self._problem(
                        path,
                        f"{ident!r} is not a valid id",
                        "ids are lowercase letters a-z, digits and _, e.g. on_time",
                    )
                elif ident in RESERVED:
                    self._problem(path, f"'{ident}' is a reserved name and cannot be an id", "choose another id")
                elif ident in seen:
                    self.duplicate_ids = True
                    first = self._node(seen[ident]).start_mark.line + 1
                    self._problem(
                        path,
                        f"the id '{ident}' is used twice (first on line {first})",
                        "every input, aggregate, derived value, lookup and indicator needs its own id",
                    )
                else:
                    seen[ident] = path

    # -- inputs -----------------------------------------------------------

    def _input(self, index: int, raw: dict[str, Any]) -> Input:
        path = ["inputs", index]
        numeric = [r["id"] for r in self.data["inputs"] if r["type"] != "text" and r["id"] != raw["id"]]
        for bound in ("min", "max"):
            ref = raw.get(bound)
            if isinstance(ref, str) and ref not in numeric:
                what = "the input itself" if ref == raw["id"] else "not another numeric input"
                self._problem(
                    [*path, bound],
                    f"{self._where([*path, bound])} names '{ref}', which is {what}",
                    did_you_mean(ref, numeric),
                )
        if raw["type"] == "text" and ("min" in raw or "max" in raw):
            self._problem(path, f"{self._where(path)} is text, so it cannot have min or max")
        low, high = raw.get("min"), raw.get("max")
        if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low > high:
            self._problem([*path, "min"], f"{self._where(path)} has min {low:g} above max {high:g}", "swap them")
        self._check_default(path, raw)
        return Input(
            id=raw["id"],
            type=raw["type"],
            label=raw["label"],
            aliases=tuple(raw.get("aliases", ())),
            min=raw.get("min"),
            max=raw.get("max"),
            default=raw.get("default"),
            description=raw.get("description", ""),
        )

    def _check_default(self, path: list[Any], raw: dict[str, Any]) -> None:
        """A default must fit the input's type and its fixed bounds: the data is checked against them."""
        default, where = raw.get("default"), self._where([*path, "default"])
        if default is None:
            return
        if (raw["type"] == "text") != isinstance(default, str):
            self._problem([*path, "default"], f"{where} must be {'text' if raw['type'] == 'text' else 'a number'}")
        elif raw["type"] == "integer" and isinstance(default, float) and not default.is_integer():
            self._problem([*path, "default"], f"{where} must be a whole number")
        elif isinstance(default, (int, float)):
            low, high = raw.get("min"), raw.get("max")
            if (isinstance(low, (int, float)) and default < low) or (isinstance(high, (int, float)) and default > high):
                self._problem([*path, "default"], f"{where} is {default:g}, outside the input's own min/max")

    def _check_header_names(self) -> None:
        """Every id, label and alias names one input only: a data file's header must map one way."""
        owner: dict[str, tuple[str, list[Any]]] = {}
        for i, raw in enumerate(self.data["inputs"]):
            names = [("id", raw["id"]), ("label", raw["label"]), *(("aliases", a) for a in raw.get("aliases", []))]
            for key, name in names:
                folded = "".join(str(name).split())
                path = ["inputs", i, key] if key != "aliases" else ["inputs", i, "aliases", raw["aliases"].index(name)]
                if folded in owner and owner[folded][0] != raw["id"]:
                    self._problem(
                        path,
                        f"'{name}' already names the input '{owner[folded][0]}'",
                        "a column header must mean one input: rename or remove one",
                    )
                owner.setdefault(folded, (raw["id"], path))

    def _entity_key(self) -> str:
        key = self.data["entity"]["key"]
        found = self.inputs.get(key)
        if found is None:
            self._problem(
                ["entity", "key"], f"entity.key names '{key}', which is not an input", did_you_mean(key, self.inputs)
            )
        elif found.type != "text":
            self._problem(["entity", "key"], f"entity.key '{key}' must be a text input (the unit's name)")
        elif found.default is not None:
            self._problem(["entity", "key"], f"entity.key '{key}' cannot have a default: every row must name its unit")
        return key

    def _totals_labels(self) -> tuple[str, ...]:
        """entity.totals: the key-column labels of summary rows (合计, 总计 ...), which are not units.

        Absent, the usual labels apply; `[]` says the data has no summary rows.
        Each label must be text that can match a cell, once.
        """
        raw = self.data["entity"].get("totals")
        if raw is None:
            return DEFAULT_TOTALS_LABELS
        seen: dict[str, int] = {}
        for index, label in enumerate(raw):
            path = ["entity", "totals", index]
            if not label.strip():
                self._problem(
                    path,
                    "entity.totals has an empty label",
                    "write the text the key column shows on a summary row, e.g. 合计",
                )
            elif label.strip() in seen:
                first = self._node(["entity", "totals", seen[label.strip()]]).start_mark.line + 1
                self._problem(
                    path, f"'{label.strip()}' is in entity.totals twice (first on line {first})", "keep one of them"
                )
            else:
                seen[label.strip()] = index
        return tuple(seen)

    # -- formulas ---------------------------------------------------------

    def _formula(self, path: list[Any], allowed: dict[str, str], own: str = "") -> Formula | None:
        """Compile the formula at `path`; every name must be a key of `allowed`.

        `allowed` maps the names the formula may read to what they are; a name
        that exists in the ruleset but not here gets a message saying why not.
        """
        text = self._value(path)
        try:
            formula = compile_formula(text, self.lookup_ids)
        except FormulaError as e:
            self._problem_in_text(path, e.offset, f"in {self._where(path)}: {e.message}", e.hint)
            return None
        ok = True
        for name, offset in formula.name_offsets:
            if name not in allowed:
                ok = False
                message, hint = self._unknown_name(name, own), self._label_hint(name) or did_you_mean(name, allowed)
                self._problem_in_text(path, offset, f"in {self._where(path)}: {message}", "" if name == own else hint)
        return formula if ok else None

    def _value(self, path: list[Any]) -> Any:
        node: Any = self.data
        for step in path:
            node = node[step]
        return node

    def _label_hint(self, name: str) -> str:
        """A column header (label or alias) used where a formula needs the input's id."""
        for item in self.inputs.values():
            if name in (item.label, *item.aliases):
                return f"'{name}' is the column header of the input '{item.id}': write {item.id}"
        return ""

    def _unknown_name(self, name: str, own: str) -> str:
        if name == own:
            return f"an indicator cannot read its own score ('{name}' is this indicator)"
        if name in self.inputs and not self.inputs[name].numeric:
            return f"'{name}' is a text input; formulas work on numbers"
        if name == "weight":
            return "'weight' can only be used in an indicator's own formula"
        if name in self.aggregate_ids:
            return f"'{name}' is an aggregate, which cannot be used here"
        return f"unknown name '{name}'"

    def _numeric_names(self) -> dict[str, str]:
        return {i.id: "input" for i in self.inputs.values() if i.numeric}

    def _record_names(self, aggregates: bool = True, but: str = "") -> dict[str, str]:
        """What a per-record formula may read: numeric inputs, derived values, indicators, and (mostly) aggregates."""
        names = {x: "derived" for x in self.derived_ids if x != but}
        names.update({i: "indicator" for i in self.indicator_ids if i != but})
        if aggregates:
            names.update({a: "aggregate" for a in self.aggregate_ids})
        names.update(self._numeric_names())
        return names

    # -- aggregates and indicators ---------------------------------------

    def _aggregate(self, index: int, raw: dict[str, Any]) -> Aggregate:
        path = ["aggregates", index]
        of = None
        if raw.get("per") == "group" and not self.data["entity"].get("group"):
            self._problem(
                [*path, "per"],
                f"{self._where(path)} is per group, but entity.group names no group field",
                "add entity: {group: <text input>}",
            )
        if "of" in raw:
            of = self._formula([*path, "of"], self._record_names(aggregates=False))
        elif raw["function"] != "count":
            example = next((i.id for i in self.inputs.values() if i.numeric), "<input id>")
            self._problem(
                path,
                f"{self._where(path)} ({raw['function']}) needs `of:`, the value it is taken over",
                f"e.g. of: {example}",
            )
        return Aggregate(raw["id"], raw.get("label", raw["id"]), raw["function"], of, raw.get("per") == "group")

    def _indicator(self, index: int, raw: dict[str, Any]) -> Indicator:
        path = ["indicators", index, "formula"]
        names = {**self._record_names(but=raw["id"]), "weight": "weight"}
        formula = self._formula(path, names, own=raw["id"])
        return Indicator(raw["id"], raw["label"], float(raw["weight"]), formula, raw.get("kind", "score"))  # type: ignore[arg-type]

    def _derived(self, index: int, raw: dict[str, Any]) -> Derived:
        formula = self._formula(["derived", index, "formula"], self._record_names(but=raw["id"]), own=raw["id"])
        return Derived(raw["id"], raw.get("label", raw["id"]), formula)  # type: ignore[arg-type]

    def _lookup(self, index: int, raw: dict[str, Any]) -> Lookup:
        bands = self._bands(["lookups", index, "bands"], raw["bands"], "points")
        return Lookup(raw["id"], raw.get("label", raw["id"]), bands)

    def _bands(self, path: list[Any], raw: list[dict[str, Any]], value_key: str) -> tuple[Band, ...]:
        bands, problems = build_bands(raw, value_key)
        for index, message in problems:
            if message.startswith("no band covers"):
                hint = ""
            elif "neither at_least nor below" in message:
                hint = "give it at_least, below, or both"
            else:
                hint = "make each band start where the one below it ends (at_least = the other's below)"
            self._problem([*path, index], f"{self._where([*path, index])}: {message}", hint)
        return bands

    def _total(self, indicators: tuple[Indicator, ...]) -> Total:
        raw = self.data["total"]
        formula = None
        if "formula" in raw and ("start" in raw or any("start" in g for g in self.data.get("groups", []))):
            self._problem(
                ["total", "formula"],
                "total.formula and a start cannot go together: the formula is the whole total",
                "add the start in the formula, or drop the formula",
            )
        if "formula" in raw:
            names = {**self._numeric_names(), **{a: "aggregate" for a in self.aggregate_ids}}
            names.update({i: "indicator" for i in self.indicator_ids})
            formula = self._formula(["total", "formula"], names)
        else:
            self._check_weights(
                ["total", "max"],
                "total.max",
                raw["max"],
                raw.get("start", 0),
                [(i.id, i.weight) for i in indicators if i.kind == "score"],
            )
        floor = raw.get("floor")
        return Total(
            float(raw["max"]),
            raw.get("label", DEFAULT_TOTAL_LABEL),
            formula,
            float(raw.get("start", 0)),
            bool(raw.get("cap", False)),
            None if floor is None else float(floor),
        )

    def _check_weights(
        self, path: list[Any], what: str, maximum: float, start: float, weights: list[tuple[str, float]]
    ) -> None:
        """Full marks are the scored indicators' weights plus where the total starts (penalties and bonuses apart)."""
        added = sum(w for _, w in weights) + start
        if abs(added - maximum) > WEIGHT_TOLERANCE:
            listing = (
                " + ".join([*(f"{i} {w:g}" for i, w in weights), *([f"start {start:g}"] if start else [])]) or "nothing"
            )
            self._problem(
                path,
                f"the indicators' weights add up to {added:g}, but {what} is {maximum:g}",
                f"{listing} = {added:g}; change a weight or {what}",
            )

    def _check_groups_together(self, groups: tuple[Group, ...], ranking: Ranking, total: Total) -> None:
        seen: set[str] = set()
        for index, group in enumerate(groups):
            if group.value in seen:
                self._problem(
                    ["groups", index, "value"],
                    f"the group '{group.value}' is declared twice",
                    "declare each group once",
                )
            seen.add(group.value)
        maxima = {g.max for g in groups} | ({total.max} if len(groups) < 1 else set())
        if len(maxima) > 1 and not ranking.per_group:
            self._problem(
                ["ranking"],
                "the groups have different full marks, so their totals cannot be ranked together",
                "rank each group apart: ranking: {within: group}",
            )

    def _group_field(self) -> str | None:
        field = self.data["entity"].get("group")
        if field is not None and (field not in self.inputs or self.inputs[field].type != "text"):
            what = "a numeric input; a group is text" if field in self.inputs else "not an input"
            self._problem(
                ["entity", "group"],
                f"entity.group names '{field}', which is {what}",
                did_you_mean(field, [i for i, x in self.inputs.items() if x.type == "text"]),
            )
        return field

    def _group(self, index: int, raw: dict[str, Any], indicators: tuple[Indicator, ...], total: Total) -> Group:
        path = ["groups", index]
        if not self.data["entity"].get("group"):
            self._problem(
                path, "groups are declared, but entity.group names no group field", "add entity: {group: <text input>}"
            )
        weights = raw.get("weights", {})
        unknown = [ident for ident in weights if ident not in self.indicator_ids]
        for ident in unknown:
            self._problem(
                [*path, "weights", ident],
                f"'{ident}' in {self._where(path)}.weights is not an indicator",
                did_you_mean(ident, self.indicator_ids),
                key=True,
            )
        maximum = float(raw.get("max", total.max))
        start = float(raw.get("start", total.start))
        if total.formula is None and not unknown:  # with a misspelt id the sum is wrong for that reason alone
            scored = [(i.id, float(weights.get(i.id, i.weight))) for i in indicators if i.kind == "score"]
            self._check_weights(
                [*path, "max"] if "max" in raw else path, f"the max of group {raw['value']}", maximum, start, scored
            )
        return Group(
            raw["value"],
            raw.get("label", raw["value"]),
            maximum,
            tuple((k, float(v)) for k, v in weights.items()),
            raw.get("start"),
        )

    def _ranking(self) -> Ranking:
        raw = self.data["ranking"]
        by = raw.get("by", "total")
        if by != "total" and by not in self.indicator_ids:
            self._problem(
                ["ranking", "by"],
                f"ranking.by names '{by}', which is neither total nor an indicator",
                did_you_mean(by, ["total", *self.indicator_ids]),
            )
        breakers = [*self.indicator_ids, *self.derived_ids]
        for index, ident in enumerate(raw.get("tie_break", [])):
            if ident not in breakers:
                self._problem(
                    ["ranking", "tie_break", index],
                    f"ranking.tie_break names '{ident}', which is not an indicator or derived value",
                    did_you_mean(ident, breakers),
                )
        if raw.get("within") == "group" and not self.data["entity"].get("group"):
            self._problem(
                ["ranking", "within"],
                "ranking is within groups, but entity.group names no group field",
                "add entity: {group: <text input>}",
            )
        eligible = self._formula(["ranking", "eligible"], self._record_names()) if "eligible" in raw else None
        return Ranking(
            by,
            raw.get("order", "descending"),
            raw.get("ties", "sequential"),
            tuple(raw.get("tie_break", ())),
            raw.get("on", "value"),
            raw.get("within") == "group",
            eligible,
            raw.get("ineligible_label", "未参与排名"),
        )

    # -- grades, lists, flags ---------------------------------------------

    def _grades(self) -> Grades | None:
        raw = self.data.get("grades")
        if raw is None:
            return None
        return Grades(self._bands(["grades", "bands"], raw["bands"], "label"), bool(raw.get("percent", False)))

    def _check_grades_fit_groups(self, grades: Grades | None, groups: tuple[Group, ...], total: Total) -> None:
        """Grade bands on the raw total would grade groups of different full marks unevenly, without a word."""
        maxima = sorted({g.max for g in groups})
        if grades is None or grades.percent or len(maxima) < 2:
            return
        marks = ", ".join(f"{m:g}" for m in maxima)
        self._problem(
            ["grades"],
            f"the groups have different full marks ({marks}), so grade bands on the raw total would grade them unevenly",
            "grade on the share of full marks: grades: {percent: true, bands: [...]}",
            key=True,
        )

    def _list(self, index: int, raw: dict[str, Any]) -> UnitList:
        path = ["lists", index]
        ends = [end for end in ("top", "bottom") if end in raw]
        if len(ends) != 1:
            self._problem(
                path,
                f"{self._where(path)} needs exactly one of top: N or bottom: N",
                "e.g. top: 5 for 红榜, bottom: 5 for 黑榜",
            )
        if raw.get("within") == "group" and not self.data["entity"].get("group"):
            self._problem(
                [*path, "within"], f"{self._where(path)} is within groups, but entity.group names no group field"
            )
        end = ends[0] if ends else "top"
        return UnitList(raw["id"], raw["label"], end, int(raw.get(end, 1)), raw.get("within") == "group")

    def _flag(self, index: int, raw: dict[str, Any]) -> Flag:
        when = self._formula(["flags", index, "when"], {**self._record_names(), "total": "total"})
        return Flag(raw["id"], raw["label"], when)  # type: ignore[arg-type]

    # -- evaluation order -------------------------------------------------

    def _steps(
        self, aggregates: tuple[Aggregate, ...], indicators: tuple[Indicator, ...], derived: tuple[Derived, ...]
    ) -> tuple[str, ...]:
        """Aggregates, derived values and indicators in an order where each comes after what it reads."""
        deps: dict[str, list[str]] = {}
        paths: dict[str, list[Any]] = {}
        for i, a in enumerate(aggregates):
            deps[a.id] = list(a.of.names) if a.of else []
            paths[a.id] = ["aggregates", i, "of"]
        sections: tuple[tuple[str, Sequence[Derived | Indicator]], ...] = (
            ("derived", derived),
            ("indicators", indicators),
        )
        for section, items in sections:
            for i, item in enumerate(items):
                deps[item.id] = list(item.formula.names) if item.formula else []
                paths[item.id] = [section, i, "formula"]
        order, cycle = _topological(deps)
        if cycle and not self.duplicate_ids:  # with an id used twice, the graph itself is wrong
            chain = " -> ".join([*cycle, cycle[0]])
            self._problem(
                paths[cycle[0]],
                f"these formulas depend on each other in a circle: {chain}",
                "one of them must not read the others",
            )
        return tuple(order)

    # -- report -----------------------------------------------------------

    def _report(self, inputs: tuple[Input, ...], indicators: tuple[Indicator, ...]) -> Report:
        raw = self.data.get("report", {})
        title = raw.get("title", self.data["title"])
        if "title" in raw:
            self._check_title(raw["title"])
        self._check_ruleset_title()
        if "columns" in raw:
            items = tuple(self._report_item(i, c) for i, c in enumerate(raw["columns"]))
        else:
            items = self._default_columns(inputs, indicators)
            for field in [self.data["entity"]["key"], *(i.id for i in indicators), "total"]:
                self._check_own_label(field)
        return Report(title, items)

    def _check_ruleset_title(self) -> None:
        """The ruleset's own `title` is shown as written (in `list`, and when a report title needs --period)."""
        text = self.data["title"]
        for m in re.finditer("[{}\uff5b\uff5d]", text):
            brace = "a '{' or '}'" if m.group(0) in "{}" else f"a '{m.group(0)}' (a full-width brace)"
            self._problem_in_text(
                ["title"],
                m.start(),
                f"the ruleset's title is shown as written, so {brace} in it would be printed as typed",
                'put placeholders in the report\'s title: report: {title: "{year}年{month}月…"}',
            )
            return

    def _label_paths(self) -> dict[str, list[Any]]:
        """Where each field's own label is written: a column without a label of its own shows it."""
        d = self.data
        paths: dict[str, list[Any]] = {"total": ["total", "label"]} if "label" in d["total"] else {}
        for section in ("inputs", "aggregates", "indicators", "derived"):
            for i, item in enumerate(d.get(section, [])):
                if "label" in item:
                    paths.setdefault(item["id"], [section, i, "label"])
        return paths

    def _check_own_label(self, field: str) -> None:
        path = self._label_paths().get(field)
        if path is not None:
            self._check_label(self._value(path), path)

    def _default_columns(self, inputs: tuple[Input, ...], indicators: tuple[Indicator, ...]) -> tuple[ReportItem, ...]:
        key = self.inputs.get(self.data["entity"]["key"])
        cols = [Column("rank", "排名"), Column(key.id, key.label) if key else None]
        cols += [Column(i.id, f"{i.label}（{{{i.id}.weight}}分）") for i in indicators]
        cols.append(Column("total", self.data["total"].get("label", DEFAULT_TOTAL_LABEL)))
        return tuple(c for c in cols if c)

    def _report_item(self, index: int, raw: Any) -> ReportItem:
        """A column (a field id, or {field, label}) or a group {header, columns}."""
        path = ["report", "columns", index]
        if isinstance(raw, dict) and ("header" in raw or "columns" in raw):
            for key in ("field", "label"):
                if key in raw:
                    self._problem(
                        [*path, key],
                        f"a column group has a header and columns, not a {key}",
                        "move it into one of the group's columns",
                        key=True,
                    )
            if "header" not in raw or "columns" not in raw:
                missing = "header" if "header" not in raw else "columns"
                self._problem(
                    path,
                    f"{self._where(path)} is a column group without its {missing}",
                    "write header: <text> and columns: [...]",
                )
                return ColumnGroup("", ())
            self._check_label(raw["header"], [*path, "header"])
            cols = tuple(self._column([*path, "columns", j], c) for j, c in enumerate(raw["columns"]))
            return ColumnGroup(raw["header"], cols)
        if isinstance(raw, dict) and "field" not in raw:
            self._problem(
                path, f"{self._where(path)} is missing the key 'field'", "write {field: <id>, label: <header text>}"
            )
            return Column("", "")
        return self._column(path, raw)

    def _column(self, path: list[Any], raw: Any) -> Column:
        field = raw if isinstance(raw, str) else raw["field"]
        field_path = path if isinstance(raw, str) else [*path, "field"]
        known = self._field_labels()
        if field not in known:
            self._problem(
                field_path,
                f"the report column '{field}' is not rank, total, an input, an aggregate or an indicator",
                did_you_mean(field, known),
            )
        label = raw.get("label") if isinstance(raw, dict) else None
        if label is not None:
            self._check_label(label, [*path, "label"])
        else:
            self._check_own_label(field)
        return Column(field, label if label is not None else known.get(field, field))

    def _field_labels(self) -> dict[str, str]:
        d = self.data
        labels = {"rank": "排名", "total": d["total"].get("label", DEFAULT_TOTAL_LABEL)}
        labels.update({i["id"]: i["label"] for i in d["inputs"]})
        labels.update({a["id"]: a.get("label", a["id"]) for a in d.get("aggregates", [])})
        labels.update({i["id"]: i["label"] for i in d["indicators"]})
        labels.update({x["id"]: x.get("label", x["id"]) for x in d.get("derived", [])})
        if "grades" in d:
            labels["grade"] = "等级"
        return labels

    def _check_title(self, text: str) -> None:
        """{year}, {month}, {period} and the header placeholders; any other {...} is a typo."""
        self._check_placeholders(text, ["report", "title"], title=True)

    def _check_label(self, text: str, path: list[Any]) -> None:
        """A header may say {<indicator>.weight} and {total.max}; any other {...} would be printed as typed."""
        self._check_placeholders(text, path, title=False)

    def _placeholder_names(self, title: bool) -> list[str]:
        """Every placeholder a header (or, with `title`, the report title) can fill in this ruleset."""
        names = [f"{ident}.weight" for ident in self.indicator_ids] + ["total.max"]
        return [*TITLE_FIELDS, *names] if title else names

    def _check_placeholders(self, text: str, path: list[Any], title: bool) -> None:
        """Every {...} names a real placeholder, and every brace is part of one, at the brace's column."""
        allowed = self._placeholder_names(title)
        what = "title" if title else "header"
        text = self._check_wide_braces(text, path, what, allowed)
        for m in BRACES.finditer(text):
            if m.group(1) not in allowed:
                close = difflib.get_close_matches(m.group(1), allowed, n=1, cutoff=0.6)
                hint = f"did you mean '{{{close[0]}}}'?" if close else self._placeholder_usage(title)
                self._problem_in_text(
                    path, m.start(), f"the {what} placeholder '{m.group(0)}' names nothing in this ruleset", hint
                )
        for m in re.finditer(r"[{}]", BRACES.sub(lambda x: " " * len(x.group(0)), text)):
            self._problem_in_text(
                path,
                m.start(),
                f"this '{m.group(0)}' in the {what} is not part of a placeholder",
                f"write placeholders whole, e.g. {{{allowed[0]}}}; a brace cannot be text here",
            )

    def _check_wide_braces(self, text: str, path: list[Any], what: str, allowed: list[str]) -> str:
        """Full-width braces ｛ ｝ (a Chinese input method's) fill nothing and would be printed as typed.

        Each placeholder written with one is told once, at its first full-width
        brace, with the placeholder written right (and its name corrected when it
        is a near miss); the text comes back with those spans blanked, so the
        half-width checks do not tell the same mistake again.
        """
        half = text.translate(_HALF_BRACES)
        blanked = list(text)
        for m in BRACES.finditer(half):
            written = text[m.start() : m.end()]
            wide = WIDE_BRACES.search(written)
            if wide is None:
                continue
            at = m.start() + wide.start()
            name = (
                m.group(1)
                if m.group(1) in allowed
                else next(iter(difflib.get_close_matches(m.group(1), allowed, n=1, cutoff=0.6)), "")
            )
            meant = f"{{{name}}}" if name else f"{{{allowed[0]}}}"
            braces = "a full-width brace" if len(WIDE_BRACES.findall(written)) == 1 else "full-width braces"
            self._problem_in_text(
                path,
                at,
                f"the {what} placeholder '{written}' is written with {braces}, so it would be printed as typed",
                f"write {meant} (switch the input method to half-width for {{ }})",
            )
            blanked[m.start() : m.end()] = " " * (m.end() - m.start())
        for m in WIDE_BRACES.finditer("".join(blanked)):
            self._problem_in_text(
                path,
                m.start(),
                f"this '{m.group(0)}' (a full-width brace) in the {what} is not part of a placeholder",
                f"write placeholders whole with half-width braces, e.g. {{{allowed[0]}}}; a brace cannot be text here",
            )
            blanked[m.start()] = " "
        return "".join(blanked)

    def _placeholder_usage(self, title: bool) -> str:
        example = f"{{{self.indicator_ids[0]}.weight}}" if self.indicator_ids else "{total.max}"
        headers = f"{{<indicator id>.weight}} (e.g. {example}) and {{total.max}}"
        return f"a title may use {{year}}, {{month}}, {{period}}, {headers}" if title else f"a header may use {headers}"

    def _check_effective(self) -> None:
        try:
            dt.date.fromisoformat(self.data["effective"])
        except ValueError:
            self._problem(
                ["effective"],
                f"effective: '{self.data['effective']}' is not a date",
                'write it as "YYYY-MM-DD", e.g. "2024-02-01"',
            )

    def _check_place(self) -> None:
        """A version's file is named after it, in a folder named after the ruleset."""
        if self.expect is None:
            return
        for key, wanted, where in (
            ("name", self.expect.name, "folder name"),
            ("version", self.expect.version, "file name"),
        ):
            if self.data[key] != wanted:
                self._problem(
                    [key],
                    f"this file says {key} '{self.data[key]}', but its {where} says '{wanted}'",
                    f'set {key}: "{wanted}", or make a new version with kaoping new-version',
                )

    # -- golden cases -----------------------------------------------------

    def _tests(self) -> tuple[GoldenCase, ...]:
        cases = []
        for index, raw in enumerate(self.data.get("tests", [])):
            for key in ("input", "expect"):
                if ".." in Path(raw[key]).parts or Path(raw[key]).is_absolute():
                    self._problem(
                        ["tests", index, key],
                        f"tests[{index + 1}].{key}: '{raw[key]}' leaves the ruleset's folder",
                        "keep a case's files in the ruleset's folder, e.g. cases/2024-02-input.csv",
                    )
            cases.append(GoldenCase(raw["name"], raw["input"], raw["expect"], raw.get("period")))
        return tuple(cases)


def _topological(deps: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """(order, []) for an acyclic graph, else ([], one cycle).  Iterative DFS."""
    state: dict[str, int] = {}
    order: list[str] = []
    for start in deps:
        if start in state:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        trail: list[str] = []
        while stack:
            node, i = stack.pop()
            if i == 0:
                state[node] = 1
                trail.append(node)
            targets = [t for t in deps.get(node, []) if t in deps]
            if i < len(targets):
                stack.append((node, i + 1))
                nxt = targets[i]
                if state.get(nxt) == 1:
                    return [], trail[trail.index(nxt) :]
                if nxt not in state:
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                trail.pop()
                order.append(node)
    return order, []
