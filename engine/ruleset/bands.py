"""Decision tables: bands of values, checked at load time for gaps and overlaps.

A band covers [at_least, below): `at_least` may be left out on the lowest
band (no lower bound) and `below` on the highest (no upper bound).  Sorted
from low to high, each band must start exactly where the one before ends:
a gap would leave some value with no points (or no grade), an overlap would
give it two.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..numbers import plain_number
from .model import Band


def build_bands(raw: Sequence[dict[str, Any]], value_key: str) -> tuple[tuple[Band, ...], list[tuple[int, str]]]:
    """The bands from low to high, and (index in `raw`, message) for every gap, overlap or empty band."""
    problems: list[tuple[int, str]] = []
    indexed = []
    for index, item in enumerate(raw):
        low, high = item.get("at_least"), item.get("below")
        if low is None and high is None and len(raw) > 1:
            problems.append((index, "this band has neither at_least nor below, so it covers every value"))
            continue  # checked alone: it would overlap every other band
        if low is not None and high is not None and low >= high:
            problems.append(
                (index, f"this band is empty: at_least {plain_number(low)} is not below {plain_number(high)}")
            )
        indexed.append((index, Band(low, high, item[value_key])))
    indexed.sort(key=lambda pair: (pair[1].at_least is not None, pair[1].at_least or 0.0))
    for (_, before), (index, band) in zip(indexed, indexed[1:], strict=False):
        message = _join_problem(before, band)
        if message:
            problems.append((index, message))
    problems += _uncovered_ends(indexed)
    return tuple(band for _, band in indexed), problems


def _uncovered_ends(indexed: list[tuple[int, Band]]) -> list[tuple[int, str]]:
    """Every value must fall in a band: the lowest is open below, the highest open above."""
    if not indexed:
        return []
    problems = []
    lowest_index, lowest = indexed[0]
    if lowest.at_least is not None:
        problems.append(
            (
                lowest_index,
                f"no band covers values below {plain_number(lowest.at_least)}: leave out at_least on the lowest band",
            )
        )
    highest_index, highest = indexed[-1]
    if highest.below is not None:
        problems.append(
            (
                highest_index,
                f"no band covers {plain_number(highest.below)} or more: leave out below on the highest band",
            )
        )
    return problems


def _join_problem(before: Band, band: Band) -> str:
    """What is wrong where `band` meets the band below it, or ""."""
    if before.below is None or band.at_least is None:
        return "this band overlaps another one: only the lowest band may leave out at_least, only the highest may leave out below"
    if band.at_least > before.below:
        return (
            f"there is a gap between {plain_number(before.below)} and {plain_number(band.at_least)}: no band covers it"
        )
    if band.at_least < before.below:
        return f"this band overlaps the one below it: both cover {plain_number(band.at_least)} up to {plain_number(before.below)}"
    return ""
