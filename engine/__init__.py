"""kaoping (考评): a declarative scoring engine.

The pipeline, one module per stage:
yamlsrc (safe YAML with positions) -> schema (JSON Schema) -> loader (meaning
checks, frozen model) -> data (records from CSV) -> scoring (aggregates,
indicators, total) -> ranking (order, ties, display rounding) -> report /
render_table / output (what is printed).

The public Python API (engine/api.py) is what this package exports: load or
loads a ruleset, evaluate a file or records in memory, render, with_overrides,
diff, explain.  It never prints, exits or reads stdin; every user mistake is a
KaopingError whose .problems are data.
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
    diff,
    evaluate,
    explain,
    load,
    loads,
    render,
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
    "diff",
    "evaluate",
    "explain",
    "load",
    "loads",
    "render",
    "to_csv",
    "to_json",
    "with_overrides",
    "__version__",
]
