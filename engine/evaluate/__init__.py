"""Scoring and ranking: aggregates, indicators, the total, order, ties and display rounding."""
