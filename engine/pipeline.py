"""One evaluation end to end: the ruleset and the records in, the ranked result out."""

from __future__ import annotations

from pathlib import Path

from .data import read_table
from .model import Ruleset
from .ranking import Evaluation, rank
from .scoring import score


def evaluate(ruleset: Ruleset, input_path: Path, display: str | None = None) -> Evaluation:
    table = read_table(input_path, ruleset, display)
    return rank(ruleset, table, score(ruleset, table))
