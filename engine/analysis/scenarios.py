"""Several what-ifs side by side: each a named scenario of `--set` changes, compared with the adopted ruleset.

A leader asks "what if we weight 按期办结 more, or 办结率?": two or three
proposals, each a name and a few changes.  `--scenario` takes one of them:

    --scenario '方案一: timeliness.weight=45, completion.weight=30'

NAME, a colon (`:` or `：`), then KEY=VALUE changes as `--set` takes them,
separated by commas (`,` or `，`) or semicolons.  A comma inside a value
(a formula's `min(a, b)`) stays in it: a piece that does not start with
KEY= belongs to the value before it.  Each scenario is applied to the adopted
ruleset by engine.ruleset.whatif (the same checks and messages as --set), and
compare() lines up every unit's adopted rank and total with each scenario's.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import KaopingError, Problem, UsageError
from ..evaluate.ranking import Evaluation
from ..i18n import _
from ..ruleset.whatif import Override
from .diff import Diff, Membership, UnitChange, diff, memberships

if TYPE_CHECKING:
    from ..api import Ruleset

_KEY_START = re.compile(r"^\s*[^\s=,，;；()]+\s*=")
_SEPARATORS = re.compile(r"[,，;；]")
EXAMPLE = "--scenario '方案一: timeliness.weight=45, completion.weight=30'"


@dataclass(frozen=True, slots=True)
class Scenario:
    """One proposal: its name and its changes (each as --set takes it, and as whatif read it)."""

    name: str
    settings: tuple[str, ...]
    overrides: tuple[Override, ...]


def parse(texts: Sequence[str]) -> list[Scenario]:
    """Each `NAME: KEY=VALUE, KEY=VALUE` read as a Scenario; UsageError (exit 2) naming the scenario at fault.

    This is what `kaoping diff --scenario` calls with the texts given, in order.
    """
    from ..ruleset.whatif import parse_overrides

    scenarios: list[Scenario] = []
    for text in texts:
        name, settings = _split(text)
        if name in {s.name for s in scenarios}:
            raise UsageError(
                _("two scenarios are named {name!r}: give each its own name", name=name), code="cli.bad-scenario"
            )
        try:
            overrides = parse_overrides(settings)
        except UsageError as e:
            raise UsageError(_("scenario {name!r}: {problem}", name=name, problem=str(e)), code=e.code) from None
        scenarios.append(Scenario(name, tuple(settings), overrides))
    return scenarios


def _split(text: str) -> tuple[str, list[str]]:
    """NAME and the KEY=VALUE texts of one --scenario, or UsageError saying what is missing."""
    match = re.search(r"[:：]", text)
    equals = text.find("=")
    if match is None or (equals != -1 and equals < match.start()):
        raise UsageError(
            _("--scenario {text!r} has no name: write NAME: KEY=VALUE, ... e.g. {example}", text=text, example=EXAMPLE),
            code="cli.bad-scenario",
        )
    name, rest = text[: match.start()].strip(), text[match.end() :]
    if not name:
        raise UsageError(
            _("--scenario {text!r} has no name before the colon: e.g. {example}", text=text, example=EXAMPLE),
            code="cli.bad-scenario",
        )
    settings: list[str] = []
    for piece in _SEPARATORS.split(rest):
        if settings and not _KEY_START.match(piece):
            settings[-1] += "," + piece  # a comma inside a value (a formula's arguments)
        elif piece.strip():
            settings.append(piece.strip())
    if not settings:
        raise UsageError(
            _(
                "scenario {name!r} changes nothing: give KEY=VALUE after the colon, e.g. {example}",
                name=name,
                example=EXAMPLE,
            ),
            code="cli.bad-scenario",
        )
    return name, [s.strip() for s in settings]


def apply(ruleset: Ruleset, scenario: Scenario) -> Ruleset:
    """The adopted kaoping.Ruleset (api.Ruleset) with the scenario's changes, checked as --set's are.

    A KEY that names nothing, or a change that breaks the ruleset (weights no
    longer adding up), is whatif's and the loader's message, said of the scenario.
    """
    from .. import api
    from ..ruleset.load import load_ruleset

    overrides = ruleset._overrides + scenario.overrides
    try:
        if ruleset._path is not None:
            model = load_ruleset(ruleset._path, str(ruleset._path), overrides, expect=ruleset._found)
        else:
            model = api._from_text(ruleset._text, ruleset._source, overrides)
    except KaopingError as e:
        raise KaopingError(_said_of(scenario.name, p) for p in e.problems) from None
    kept = {f: getattr(ruleset.model, f) for f in ("chosen", "chosen_why", "not_in_effect")}
    return dataclasses.replace(ruleset, model=dataclasses.replace(model, **kept), _overrides=overrides)


def _said_of(name: str, problem: Problem) -> Problem:
    """A problem of a scenario's changes, placed at `--scenario NAME` (or, in the ruleset, said of the scenario)."""
    from ..ruleset.whatif import WHERE

    if problem.file == WHERE:
        return dataclasses.replace(problem, file=f"--scenario {name}")
    return dataclasses.replace(problem, message=_("scenario {name!r}: {problem}", name=name, problem=problem.message))


@dataclass(frozen=True, slots=True)
class Outcome:
    """One scenario's result: its evaluation and its diff from the adopted ruleset."""

    scenario: Scenario
    evaluation: Evaluation
    diff: Diff

    @property
    def memberships(self) -> tuple[Membership, ...]:
        return memberships(self.diff.old, self.diff.new)


@dataclass(frozen=True, slots=True)
class Row:
    """One unit across the comparison: adopted, then each scenario's UnitChange (old = adopted), in order."""

    entity: str
    adopted: UnitChange
    scenarios: tuple[UnitChange | None, ...]  # None: the unit is not in that scenario's evaluation

    @property
    def moved(self) -> bool:
        return any(c is not None and c.movement != 0 for c in self.scenarios)


@dataclass(frozen=True, slots=True)
class Comparison:
    """The adopted evaluation and each scenario's outcome, with one Row a unit in the adopted table's order."""

    adopted: Evaluation
    outcomes: tuple[Outcome, ...]
    rows: tuple[Row, ...]


def compare(adopted: Evaluation, scenarios: Sequence[tuple[Scenario, Evaluation]]) -> Comparison:
    """Each scenario's evaluation diffed against the adopted one, and every unit lined up across them."""
    outcomes = tuple(Outcome(s, e, diff(adopted, e)) for s, e in scenarios)
    by_unit = [{u.entity: u for u in o.diff.units} for o in outcomes]
    rows = []
    for r in adopted.results:
        shown = r.display["total"]
        same = UnitChange(r.entity, r.total, r.total, shown, shown, r.rank, r.rank, r.grade, r.grade)
        rows.append(Row(r.entity, same, tuple(units.get(r.entity) for units in by_unit)))
    return Comparison(adopted, outcomes, tuple(rows))


def comparison_of(d: Diff, name: str = "") -> Comparison:
    """A two-ruleset diff as a comparison of one scenario (the new ruleset, named by its label), for the documents."""
    scenario = Scenario(name or d.new.ruleset.label, tuple(d.new.ruleset.overrides), ())
    return compare(d.old, [(scenario, d.new)])
