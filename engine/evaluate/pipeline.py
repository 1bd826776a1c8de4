"""One evaluation end to end: the ruleset and the records in, the ranked result out.

The columnar core (engine/columns) scores and ranks; the reference (the
row path here, with simpleeval) takes over whenever the core cannot vouch
for the reference's exact result, and it alone reports a formula's failure
for every unit it fails for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..data.table import Table, read_table
from ..errors import UsageError
from ..i18n import _
from ..ruleset.model import Ruleset
from .ranking import Evaluation, rank
from .scoring import score

if TYPE_CHECKING:
    from ..orders.run import OrdersRun

Stage = Callable[[str], None]

COLUMNAR_FROM = 1_000
"""Tables of this many units or more are scored by the columnar core.  Smaller ones are scored by the
reference directly: importing numpy costs more (40 ms) than simpleeval takes for them, and a month's district
table (32 units) starts as fast as the import floor allows.  Both give the same bytes (tests/test_columns_*)."""


def stages(ruleset: Ruleset) -> int:
    """How many times `evaluate` reports a finished stage: reading, each scoring step, totals, ranking."""
    return len(ruleset.steps) + 3


def evaluate(
    ruleset: Ruleset,
    input_path: Path,
    display: str | None = None,
    sheet: str | None = None,
    done: Stage | None = None,
    orders: OrdersRun | None = None,
) -> Evaluation:
    """Read, score and rank; `done` is told each stage as it finishes (a progress bar for large inputs).

    A ruleset with `orders:` given an order export counts it first (`orders` says for which month and how):
    the counted unit table is then scored as any other.  A unit table is read as always, and the orders
    package is loaded only once the ruleset has `orders:` (tests/test_cold_start.py)."""
    tell = done or (lambda _stage: None)
    if ruleset.orders is not None and _is_export(input_path, ruleset, sheet):
        if orders is None:
            raise UsageError(
                _("an order export is counted for one month: give --period YYYY-MM"), code="cli.period-needed"
            )
        from ..orders.run import count_export, counted_table

        table = counted_table(ruleset, count_export(ruleset, input_path, orders, display, sheet))
    else:
        table = read_table(input_path, ruleset, display, sheet)
    tell("read")
    return evaluate_table(ruleset, table, tell)


def _is_export(path: Path, ruleset: Ruleset, sheet: str | None) -> bool:
    from ..orders.source import is_export

    return is_export(path, ruleset, sheet)


def evaluate_table(ruleset: Ruleset, table: Table, tell: Stage, columnar: bool | None = None) -> Evaluation:
    """Score and rank a table already read: by columns (for a large table, or when `columnar`), or by the
    reference where the columns cannot vouch for its exact result."""
    if columnar is False or (columnar is None and table.columns is None and len(table.records) < COLUMNAR_FROM):
        return _reference(ruleset, table, tell)
    from ..columns.compile import NeedsReference
    from ..columns.frame import columns_of_records
    from ..columns.rank import bound_warnings, rank_columns
    from ..columns.score import score_columns

    columns = table.columns if table.columns is not None else columns_of_records(table.records, ruleset.inputs)
    if columns is not None:
        try:
            scoring = score_columns(ruleset, columns)
        except NeedsReference:
            pass
        else:
            for step in ruleset.steps:
                tell(step)
            tell("total")
            evaluation = rank_columns(ruleset, table, scoring, bound_warnings(ruleset, scoring))
            tell("ranked")
            return evaluation
    return _reference(ruleset, table, tell)


def _reference(ruleset: Ruleset, table: Table, tell: Stage) -> Evaluation:
    """The reference: simpleeval over one record at a time; it alone reports a formula failing, for every unit."""
    if table.columns is not None:  # the reference reads records: build them once
        table = replace(table, records=tuple(table.records))
    evaluation = rank(ruleset, table, score(ruleset, table, tell))
    tell("ranked")
    return evaluation
