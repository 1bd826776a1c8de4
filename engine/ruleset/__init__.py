"""The ruleset: safe YAML with positions, the JSON Schema, meaning checks, the frozen model, formulas, versions and what-if."""
