"""Machine-readable outputs: JSON (the contract the checks read) and CSV.

Both are built in memory as one string; the CLI writes a file only when the
whole output exists, so a failed run never leaves half a file behind.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from . import __version__
from .ranking import Evaluation
from .report import cell, leaves, title


def to_json(evaluation: Evaluation, period: str | None = None) -> str:
    """The JSON contract of product.md: ruleset, input, aggregates, results."""
    r, t = evaluation.ruleset, evaluation.table
    document: dict[str, Any] = {
        "kaoping": __version__,
        "ruleset": {"name": r.name, "version": r.version, "sha256": r.sha256, "path": r.path, "what_if": list(r.overrides)},
        "input": {"path": t.path, "sha256": t.sha256, "records": len(t.records), "encoding": t.encoding},
        "period": period,
        "title": title(r, period),
        "aggregates": dict(evaluation.aggregates),
        "results": [
            {
                "rank": u.rank,
                "entity": u.entity,
                "inputs": dict(u.inputs),
                "scores": dict(u.scores),
                "total": u.total,
                "display": dict(u.display),
            }
            for u in evaluation.results
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def to_csv(evaluation: Evaluation, period: str | None = None) -> str:
    """The published table as CSV: one header row ("group/column"), display text."""
    cols = leaves(evaluation.ruleset)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([f"{c.group}/{c.label}" if c.group else c.label for c in cols])
    for result in evaluation.results:
        writer.writerow([cell(evaluation, result, c.field) for c in cols])
    return buffer.getvalue()
