"""One evaluation end to end: the ruleset and the records in, the ranked result out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..data.table import read_table
from ..ruleset.model import Ruleset
from .ranking import Evaluation, rank
from .scoring import score

Stage = Callable[[str], None]


def stages(ruleset: Ruleset) -> int:
    """How many times `evaluate` reports a finished stage: reading, each scoring step, totals, ranking."""
    return len(ruleset.steps) + 3


def evaluate(
    ruleset: Ruleset, input_path: Path, display: str | None = None, sheet: str | None = None, done: Stage | None = None
) -> Evaluation:
    """Read, score and rank; `done` is told each stage as it finishes (a progress bar for large inputs)."""
    tell = done or (lambda _: None)
    table = read_table(input_path, ruleset, display, sheet)
    tell("read")
    scoring = score(ruleset, table, tell)
    evaluation = rank(ruleset, table, scoring)
    tell("ranked")
    return evaluation
