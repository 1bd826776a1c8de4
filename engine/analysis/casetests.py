"""A ruleset's own golden cases, run by `kaoping test`.

A case names an input file and the table it must produce, both beside the
ruleset.  The expected file is a CSV whose header names `rank`, the entity
key, and any indicator ids or `total`; each row is what the table must show,
in rank order.  A version carrying the published table as its case cannot
drift from it unnoticed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import KaopingError
from ..evaluate.pipeline import evaluate
from ..i18n import _
from ..ruleset.model import GoldenCase, Ruleset

if TYPE_CHECKING:
    from ..orders.run import OrdersRun


@dataclass(frozen=True, slots=True)
class Outcome:
    ruleset: str
    case: str
    units: int
    failures: tuple[str, ...]
    refused: KaopingError | None = None  # the case's input refused: its problems, for the CLI to render

    @property
    def passed(self) -> bool:
        return not self.failures and self.refused is None


def _orders_run(ruleset: Ruleset, case: GoldenCase) -> OrdersRun | None:
    """How a case's work-order export is counted: for its period (an export needs one; a unit table ignores it)."""
    if ruleset.orders is None or case.period is None:
        return None
    from ..orders.run import OrdersRun

    return OrdersRun(case.period)


def run_case(ruleset: Ruleset, case: GoldenCase, folder: Path) -> Outcome:
    missing = [name for name in (case.input, case.expect) if not (folder / name).is_file()]
    if missing:
        return Outcome(ruleset.ref, case.name, 0, tuple(_("no file {path}", path=folder / name) for name in missing))
    try:
        evaluation = evaluate(ruleset, folder / case.input, str(folder / case.input), orders=_orders_run(ruleset, case))
    except KaopingError as e:
        return Outcome(ruleset.ref, case.name, 0, (), e)
    expected = _expected(folder / case.expect)
    known = {"rank", ruleset.key, *evaluation.results[0].display} if evaluation.results else set()
    failures = [
        _(
            "{file} has a column '{column}', which is not rank, {key}, an indicator or total",
            file=case.expect,
            column=c,
            key=ruleset.key,
        )
        for c in (expected[0] if expected else {})
        if c not in known
    ]
    if len(expected) != len(evaluation.results):
        failures.append(_("{n} units ranked, {expected} expected", n=len(evaluation.results), expected=len(expected)))
    for number, (want, got) in enumerate(zip(expected, evaluation.results, strict=False), start=1):
        shown = {
            "rank": "" if got.rank is None else str(got.rank),
            ruleset.key: got.entity,
            **got.display,
        }  # unranked: blank, as -f csv writes it
        for column, value in want.items():
            if shown.get(column) != value:
                failures.append(
                    _(
                        "row {row} ({unit}): {column} is {got!r}, expected {value!r}",
                        row=number,
                        unit=want.get(ruleset.key, got.entity),
                        column=column,
                        got=shown.get(column),
                        value=value,
                    )
                )
    return Outcome(ruleset.ref, case.name, len(evaluation.results), tuple(failures))


def _expected(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    return [{k.strip(): v.strip() for k, v in row.items()} for row in csv.DictReader(io.StringIO(text))]


def run_all(ruleset: Ruleset, folder: Path) -> list[Outcome]:
    return [run_case(ruleset, case, folder) for case in ruleset.tests]
