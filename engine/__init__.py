"""kaoping (考评): a declarative scoring engine.

The pipeline, one module per stage:
yamlsrc (safe YAML with positions) -> schema (JSON Schema) -> loader (meaning
checks, frozen model) -> data (records from CSV) -> scoring (aggregates,
indicators, total) -> ranking (order, ties, display rounding) -> report /
render_table / output (what is printed).
"""

__version__ = "0.1.0"
