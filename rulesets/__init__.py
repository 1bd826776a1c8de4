"""The rulesets shipped with kaoping, as package data (read with importlib.resources; never written to)."""
