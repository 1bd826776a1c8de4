"""kaoping (考评): a declarative scoring engine.

The pipeline, a subpackage per stage:
ruleset (safe YAML with positions -> release lock -> what-if -> JSON Schema ->
defaults -> meaning checks -> frozen model) -> data (CSV or xlsx rows ->
checked records) -> evaluate (aggregates, indicators, total; order, ties,
display rounding) -> outputs (one renderer per format, in one registry);
analysis (diff, explain, combine, golden cases) asks questions of results.

The public Python API (engine/api.py) is what this package exports: load or
loads a ruleset, evaluate a file or records in memory, render, with_overrides,
diff, explain; count an order export, and the SQL its rules compile to (sql).
It never prints, exits or reads stdin; every user mistake is a
KaopingError whose .problems are data, each with a stable .code.  The command
line (cli.py, commands.py) is a layer over it.
"""

__version__ = "0.1.0"

from .api import (
    FORMATS,
    Data,
    KaopingError,
    Problem,
    Records,
    Result,
    Ruleset,
    count,
    diff,
    evaluate,
    explain,
    load,
    loads,
    render,
    sql,
    to_csv,
    to_json,
    with_overrides,
)

__all__ = [
    "FORMATS",
    "Data",
    "KaopingError",
    "Problem",
    "Records",
    "Result",
    "Ruleset",
    "count",
    "diff",
    "evaluate",
    "explain",
    "load",
    "loads",
    "render",
    "sql",
    "to_csv",
    "to_json",
    "with_overrides",
    "__version__",
]
