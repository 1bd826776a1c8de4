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

from ..frozen import frozen
from ..i18n import N_, _
from ..numbers import plain_number
from .model import Band

_JOIN_HINT = N_("make each band start where the one below it ends (at_least = the other's below)")


@frozen
class BandProblem:
    """What is wrong with the band at `index` in the list as written."""

    index: int
    code: str
    message: str
    hint: str = ""


def build_bands(raw: Sequence[dict[str, Any]], value_key: str) -> tuple[tuple[Band, ...], list[BandProblem]]:
    """The bands from low to high, and a problem for every gap, overlap or empty band."""
    problems: list[BandProblem] = []
    indexed = []
    for index, item in enumerate(raw):
        low, high = item.get("at_least"), item.get("below")
        if low is None and high is None and len(raw) > 1:
            problems.append(
                BandProblem(
                    index,
                    "ruleset.band-unbounded",
                    _("this band has neither at_least nor below, so it covers every value"),
                    _("give it at_least, below, or both"),
                )
            )
            continue  # checked alone: it would overlap every other band
        if low is not None and high is not None and low >= high:
            message = _(
                "this band is empty: at_least {low} is not below {high}", low=plain_number(low), high=plain_number(high)
            )
            problems.append(BandProblem(index, "ruleset.band-empty", message, _(_JOIN_HINT)))
        indexed.append((index, Band(low, high, item[value_key])))
    indexed.sort(key=lambda pair: (pair[1].at_least is not None, pair[1].at_least or 0.0))
    for (_before_index, before), (index, band) in zip(indexed, indexed[1:], strict=False):
        joined = _join_problem(before, band)
        if joined:
            problems.append(BandProblem(index, *joined, _(_JOIN_HINT)))
    problems += _uncovered_ends(indexed)
    return tuple(band for _index, band in indexed), problems


def _uncovered_ends(indexed: list[tuple[int, Band]]) -> list[BandProblem]:
    """Every value must fall in a band: the lowest is open below, the highest open above."""
    if not indexed:
        return []
    problems = []
    lowest_index, lowest = indexed[0]
    if lowest.at_least is not None:
        message = _(
            "no band covers values below {value}: leave out at_least on the lowest band",
            value=plain_number(lowest.at_least),
        )
        problems.append(BandProblem(lowest_index, "ruleset.band-uncovered", message))
    highest_index, highest = indexed[-1]
    if highest.below is not None:
        message = _(
            "no band covers {value} or more: leave out below on the highest band", value=plain_number(highest.below)
        )
        problems.append(BandProblem(highest_index, "ruleset.band-uncovered", message))
    return problems


def _join_problem(before: Band, band: Band) -> tuple[str, str] | None:
    """(code, message) for what is wrong where `band` meets the band below it, or None."""
    if before.below is None or band.at_least is None:
        return (
            "ruleset.band-overlap",
            _(
                "this band overlaps another one: "
                "only the lowest band may leave out at_least, only the highest may leave out below"
            ),
        )
    if band.at_least > before.below:
        return (
            "ruleset.band-gap",
            _(
                "there is a gap between {low} and {high}: no band covers it",
                low=plain_number(before.below),
                high=plain_number(band.at_least),
            ),
        )
    if band.at_least < before.below:
        return (
            "ruleset.band-overlap",
            _(
                "this band overlaps the one below it: both cover {low} up to {high}",
                low=plain_number(band.at_least),
                high=plain_number(before.below),
            ),
        )
    return None
