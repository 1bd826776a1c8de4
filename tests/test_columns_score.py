"""The score stage's column reductions against the reference's own aggregate functions, value for value and type.

An aggregate's last bit decides a printed tie, and its type (int or float) is
what the reference carries on into every formula that reads it, so each
reduction (`_reduced`) must give the builtin's number exactly: `sum` left to
right, `max`/`min` the first of equal items (0 before 0.0, -0.0 before 0.0,
an int before the equal float), `mean` the left-to-right sum over the count.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kaoping.columns.compile import Column, NeedsReference
from kaoping.columns.score import _reduced
from kaoping.evaluate.scoring import AGGREGATE_FUNCTIONS

Number = int | float

small_ints = st.integers(-(10**6), 10**6)
floats = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)
zeros = st.sampled_from([0, 0.0, -0.0])
numbers = st.one_of(small_ints, floats, zeros, st.sampled_from([1, 1.0, 2, 2.0, 0.1, 0.2, 0.3]))


def column(values: list[Number]) -> Column:
    return Column(np.array(values, dtype=np.float64), np.array([isinstance(v, int) for v in values], dtype=bool))


def same(a: Number, b: Number) -> bool:
    """The same Python number: type, value and sign of zero."""
    return type(a) is type(b) and a == b and math.copysign(1, a) == math.copysign(1, b)


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(["sum", "max", "min", "mean"]), st.lists(numbers, min_size=1, max_size=40))
def test_each_reduction_is_the_reference_functions_number(function: str, values: list[Number]) -> None:
    expected = AGGREGATE_FUNCTIONS[function](values)
    try:
        got = _reduced(function, column(values), len(values))
    except NeedsReference:
        return  # handed to the reference, which computes it itself: never a different number
    assert same(got, expected), (function, values, got, expected)


@pytest.mark.parametrize(
    ("function", "values", "expected"),
    [
        ("max", [0, 0.0, -0.0], 0),  # the first of equal items, as the builtin
        ("max", [0.0, 0], 0.0),
        ("max", [-0.0, 0.0], -0.0),
        ("min", [3, 1.0, 1, 2], 1.0),
        ("min", [1, 1.0], 1),
        ("max", [1, 5, 5.0, 2], 5),
        ("max", [2.5, 7, 7.0], 7),
        ("sum", [1, 2, 3], 6),
        ("sum", [0.1, 0.2, 0.3], (0.1 + 0.2) + 0.3),  # left to right: 0.6000000000000001
        ("sum", [1e16, 1.0, -1e16], 0.0),  # pairwise or compensated sums give 1.0
        ("mean", [1, 2], 1.5),
    ],
)
def test_hand_picked_reductions(function: str, values: list[Number], expected: Number) -> None:
    assert same(_reduced(function, column(values), len(values)), expected)


def test_a_whole_extreme_past_2_53_is_the_references() -> None:
    with pytest.raises(NeedsReference):
        _reduced("max", column([1, 2**53 + 2]), 2)
