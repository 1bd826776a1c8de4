"""The JSON Schema of a ruleset, shipped as package data (read with importlib.resources)."""
