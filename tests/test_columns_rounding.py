"""The columnar rounding equals engine/numbers.py's scalar rules, value by value, to the last bit and character.

The reference for every comparison is the scalar function (seen,
spreadsheet_round, format_fixed) applied to each element; the hand-written
cases give the text a spreadsheet shows, worked out in the comment beside them.
The generated arrays mix floats of every magnitude with values built to sit at
and next to ties: at `places` decimals, at the 15th significant digit, and at
powers of ten, where the fast path's proof has its edges.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kaoping.columns.rounding import _mantissa, fixed_many, round_many, seen_many
from kaoping.numbers import MODES, format_fixed, seen, spreadsheet_round

from .conftest import SEED_INPUT, SEED_RULESET

SPECIAL = [
    0.125,
    2.675,
    1.005,
    35 * 107 / 1400,
    96.66666666666667,
    96.66666666666666,
    -0.0,
    0.0,
    0.5,
    1.5,
    2.5,
    0.285,
    0.045,
    99.995,
    1234567.125,
    100.0,
    1e15,
    999999999999999.5,
    999999999999999.4,
    99999999999999.95,
    1e14,
    1e-300,
    5e-324,
    1e300,
    1.7976931348623157e308,
    2.2250738585072014e-308,
    1.000030517578125,  # 2**-15 * 32769: 16 digits ending in 5, an exact tie at the 15th digit
    0.1 + 0.2 - 0.3,  # 5.55e-17: what cancellation leaves of a zero score
    # the only floats in the fast path's range (1e-8..1e15) whose |v| * 10**s is within 2**-54 of a half
    # without being one (found by solving A * 5**s = 2**(L-1) + r mod 2**L for the 53-bit mantissa A):
    # the 15th digit is all but a tie, and only the exact product decides it
    3.264179022246445e-08,
    5.392570910585235e-08,
    1.099991539038525e-08,
    1.064195944169395e-08,
]


def _nudged(x: float, steps: int) -> float:
    """x moved `steps` floats up (steps > 0) or down."""
    toward = math.inf if steps > 0 else -math.inf
    for _ in range(abs(steps)):
        x = math.nextafter(x, toward)
    return x


ties_at_places = st.builds(
    lambda k, p, form: k / 10**p + 0.5 / 10**p if form else (k + 0.5) / 10**p,
    st.integers(0, 10**12),
    st.integers(0, 15),
    st.booleans(),
)
ties_at_15_digits = st.builds(
    lambda digits, exponent: float(f"{digits}5e{exponent}"), st.integers(10**13, 10**15 - 1), st.integers(-40, 10)
)
dyadic_ties = st.builds(lambda k, shift: k / 2**shift, st.integers(1, 2**40), st.integers(0, 60))
powers_of_ten = st.builds(lambda e: float(f"1e{e}"), st.integers(-323, 308))
scores = st.builds(
    lambda a, b, c: 35 * a / b + 65 * c / 1400, st.integers(0, 1400), st.integers(1, 1400), st.integers(0, 1400)
)
magnitudes = st.builds(lambda m, e: m * 10.0**e, st.floats(1, 10), st.integers(-30, 30))
bases = st.tuples(
    st.floats(allow_nan=False, allow_infinity=False),
    magnitudes,
    ties_at_places,
    ties_at_15_digits,
    dyadic_ties,
    powers_of_ten,
    scores,
    st.sampled_from(SPECIAL),
)
modes = st.sampled_from(sorted(MODES))


def _around(bases: tuple[float, ...]) -> list[float]:
    """Each drawn value, its neighbours, and their negatives: the edges a proof must cover."""
    near = [_nudged(x, n) for x in bases for n in (-1, 0, 1)]
    near = [x for x in near if math.isfinite(x)]
    return near + [-x for x in near]


def _bits(values: np.ndarray) -> list[int]:
    return np.asarray(values, dtype=np.float64).view(np.uint64).tolist()


def _same_floats(got: np.ndarray, expected: list[float]) -> None:
    """Equal to the last bit (so -0.0 is not 0.0, and nan is nan); on failure, the elements that differ."""
    mine, theirs = _bits(got), _bits(np.array(expected))
    assert mine == theirs, [(i, got[i], expected[i]) for i in range(len(expected)) if mine[i] != theirs[i]]


@settings(max_examples=10_000, deadline=None)
@given(bases, st.integers(0, 15), modes)
def test_each_function_is_its_scalar_rule_value_by_value(drawn, places, mode):
    values = _around(drawn)
    a = np.array(values)
    odd = [math.inf, -math.inf, math.nan]  # seen gives them back; the rounding rules refuse them (tested below)
    _same_floats(seen_many(np.array(values + odd)), [seen(x) for x in values + odd])
    _same_floats(round_many(a, places, mode), [spreadsheet_round(x, places, mode) for x in values])
    assert fixed_many(a, places, mode) == [format_fixed(x, places, mode) for x in values]


def _edges() -> list[float]:
    """Every special value, and ties at each number of places with their neighbours, both signs."""
    built = [(k + 0.5) / 10**p for p in range(16) for k in (0, 1, 2, 7, 12, 267, 999, 10**6 + 4)]
    built += [float(f"1e{e}") for e in range(-20, 23)] + [
        float(f"{d}5e-14") for d in (10**14, 26749999999999, 99999999999999)
    ]
    near = [_nudged(x, n) for x in built + SPECIAL for n in (-1, 0, 1)]
    near = [x for x in near if math.isfinite(x)]
    return near + [-x for x in near]


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("places", range(16))
def test_every_places_and_mode_on_the_edges(places, mode):
    values = _edges()
    _same_floats(round_many(np.array(values), places, mode), [spreadsheet_round(x, places, mode) for x in values])
    assert fixed_many(np.array(values), places, mode) == [format_fixed(x, places, mode) for x in values]


def test_long_arrays_cross_the_block_boundaries():
    rng = np.random.default_rng(10)
    kinds = [
        rng.integers(0, 1400, 40_000) * 35 / rng.integers(1, 1400, 40_000) + 60,  # scores
        np.ldexp(rng.random(20_000), rng.integers(-1074, 1024, 20_000)),  # every magnitude, down to subnormals
        (rng.integers(0, 10**5, 20_000) + 0.5) / 100,  # ties at 2 places
    ]
    values = np.concatenate(kinds)
    values[::7] *= -1
    rng.shuffle(values)
    plain = values.tolist()
    _same_floats(seen_many(values), [seen(x) for x in plain])
    _same_floats(round_many(values, 2), [spreadsheet_round(x, 2) for x in plain])
    assert fixed_many(values, 2) == [format_fixed(x, 2) for x in plain]


@pytest.mark.parametrize("mode", sorted(MODES))
def test_columns_of_scores_with_few_distinct_texts(mode):
    """A block of scores has few distinct texts, each written once and shared: the same texts as one by one."""
    rng = np.random.default_rng(3)
    scores = 60 + 35 * rng.integers(0, 1400, 40_000) / rng.integers(1, 1400, 40_000) % 40
    deltas = (rng.integers(-500, 501, 10_000) + rng.choice([0.0, 0.5, 0.004], 10_000)) / 100  # -5..5: signs, zeros
    values = np.concatenate([scores, deltas, [2.675, 0.125, -0.004, -0.005, 99.995]])
    plain = values.tolist()
    for places in (0, 1, 2, 3):
        assert fixed_many(values, places, mode) == [format_fixed(x, places, mode) for x in plain]


def test_the_seeds_published_texts_come_out_of_its_scores():
    """The reference path's display of every score and total of the seed month, from fixed_many of the floats."""
    import kaoping

    result = kaoping.evaluate(kaoping.load(str(SEED_RULESET)), SEED_INPUT)
    rounding = result.ruleset.rounding
    for key in ["total", *result.results[0].scores]:
        floats = np.array([r.total if key == "total" else r.scores[key] for r in result.results])
        assert fixed_many(floats, rounding.places, rounding.mode) == [r.display[key] for r in result.results]


def test_realistic_scores_take_the_fast_path():
    """Not a speed test: a count.  The exact product (Dekker's) is what keeps scores off the scalar fallback;
    without it, about one score in eight (x = |v| * 10**13 on its 1/8 grid, at a half) would fall back."""
    rng = np.random.default_rng(7)
    totals = 60 + 35 * rng.integers(0, 1400, 50_000) / rng.integers(1, 1400, 50_000) % 40
    _, _, fast = _mantissa(np.abs(totals))
    assert int((~fast).sum()) <= 5


def test_the_texts_a_published_table_shows():
    # 2.675 is stored as 2.67499999999999982..., seen as 2.675, a half: 2.68 (Python's round gives 2.67);
    # 0.125 is an exact half: away from zero 0.13, half even 0.12; -0.004 rounds to zero, shown without a sign
    assert fixed_many(np.array([2.675, 0.125, -0.004]), 2) == ["2.68", "0.13", "0.00"]
    assert fixed_many(np.array([2.675, 0.125, -0.004]), 2, "half_even") == ["2.68", "0.12", "0.00"]
    # 35*107/1400 = 2.67499999999999982...; 99.995 carries through every digit; -0.005 is seen as a half
    assert fixed_many(np.array([35 * 107 / 1400, 99.995, -0.005, 1234567.125]), 2) == [
        "2.68",
        "100.00",
        "-0.01",
        "1234567.13",
    ]
    # whole numbers: halves away from zero, or to the even neighbour; no "-0"
    assert fixed_many(np.array([2.5, -2.5, 0.5, -0.5, 1.5]), 0) == ["3", "-3", "1", "-1", "2"]
    assert fixed_many(np.array([2.5, -2.5, 0.5, -0.5, 1.5]), 0, "half_even") == ["2", "-2", "0", "0", "2"]
    # 1/3 at 15 places: the 15 digits seen are 0.333333333333333; 1e15 and 1e300 go through the scalar rule
    assert fixed_many(np.array([1 / 3, -12.3, 1e15]), 15) == [
        "0.333333333333333",
        "-12.300000000000000",
        "1000000000000000.000000000000000",
    ]


def test_the_floats_a_spreadsheet_sees_and_rounds_to():
    # 96.66666666666667 and 96.66666666666666 are the same score seen at 15 digits
    assert seen_many(np.array([96.66666666666667, 96.66666666666666])).tolist() == [96.6666666666667] * 2
    assert seen_many(np.array([35.00000000000001, 35 * 107 / 1400])).tolist() == [35.0, 2.675]
    rounded = round_many(np.array([2.675, 0.125, -0.004, 1.005]), 2)
    assert rounded.tolist() == [2.68, 0.13, -0.0, 1.01]
    assert math.copysign(1.0, rounded[2]) == -1.0  # -0.004 -> -0.0, as float(Decimal('-0.00'))


def test_shapes_and_empty_arrays():
    grid = np.array([[0.125, 2.675], [-1.005, 7.0]])
    assert round_many(grid, 2).tolist() == [[0.13, 2.68], [-1.01, 7.0]]
    assert seen_many(grid).shape == (2, 2)
    assert seen_many(np.array([])).size == 0
    assert fixed_many(np.array([]), 2) == []


def test_infinities_and_nan_pass_through_seen_and_are_refused_by_rounding():
    seen_back = seen_many(np.array([math.inf, -math.inf, math.nan]))
    assert seen_back[:2].tolist() == [math.inf, -math.inf] and math.isnan(seen_back[2])
    for bad in (math.inf, -math.inf, math.nan):
        with pytest.raises(OverflowError):
            round_many(np.array([1.0, bad]), 2)
        with pytest.raises(OverflowError):
            fixed_many(np.array([1.0, bad]), 2)


def test_places_and_modes_outside_the_rules_are_refused():
    with pytest.raises(ValueError, match="places"):
        fixed_many(np.array([1.0]), 16)
    with pytest.raises(ValueError, match="places"):
        round_many(np.array([1.0]), -1)
    with pytest.raises(ValueError, match="mode"):
        fixed_many(np.array([1.0]), 2, "half_up")
