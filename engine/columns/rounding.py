"""numbers.py's 15-significant-digit rules on whole columns: seen, spreadsheet_round and format_fixed.

The scalar functions in engine/numbers.py stay the definition; every result
here is bit for bit (text: character for character) what they give element
by element.  The arrays go through an exact fast path, and the few values it
cannot vouch for go through the scalar function itself.

The decimal a spreadsheet sees.  For finite v != 0 let E = floor(log10|v|)
(exactly) and s = 14 - E; the 15-digit decimal of v is D = M * 10**-s with
M = rhe(|v| * 10**s), rhe = round half even on the exact real (format's
'.15g' rounds the exact binary value so), 10**14 <= M <= 10**15.

Fast path (only for 0 <= s <= 22, i.e. about 1e-8 <= |v| < 1e15):

1. 10**s is exact in binary for s <= 22 (5**22 < 2**53).  s is guessed
   from np.log10, corrected once by the size of x = fl(|v| * 10**s), and the
   value is kept only if finally 10**14 <= x < 10**15.  Then the exact
   t = |v| * 10**s is in [10**14 - 2**-7, 10**15) (ulp(x) is 2**-6 just below
   10**14, 2**-3 just below 10**15).  t < 10**14 means s is one too small,
   but then t >= 10**14 - 2**-7 gives M = 10**14 at s and M = 10**15 at s + 1:
   the same D.  So M = rhe(t) at this s gives the right D.
2. t exactly: x + y = |v| * 10**s with y from Dekker's TwoProduct (Veltkamp
   split, no FMA needed), exact in round-to-nearest without overflow or
   underflow: |v| < 1e15 and x >= 1e14 keep every partial product far from both.
3. rhe(t): n = rint(x); x - n is exact (both near, on x's grid);
   r = fl((x - n) + y) and f = (x - n) + y = t - n, |f| <= 1/2 + 1/16.  fl
   is monotone and 1/2 is a float, so r > 1/2 implies f > 1/2 and r < 1/2
   implies f < 1/2: M = n + [r > 1/2] - [r < -1/2].  Only |r| == 1/2
   (an exact or near tie at the 15th digit) falls back.  Without y the rule
   would still be exact (|x - n| != 1/2 puts t a grid step inside the half),
   but x - n is exactly 1/2 for one score in eight (60..100 lie on a 1/8 grid
   at s = 13); y settles all of them.
4. seen(v) = float(D) = M / 10**s (M <= 10**15 < 2**53 and 10**s exact:
   IEEE division is correctly rounded, as float(str) is), signed like v.

Rounding to p places (0 <= p <= 15), both modes, on the integers:
if s <= p, D has no more than p decimals and is itself the result (its text
gets p - s zeros); else R = round(M / 10**(s - p)) from an exact integer
quotient and remainder, the half compared exactly, and the result is
R * 10**-p: R / 10**p as a float (both exact, so correctly rounded), or R's
digits with a point for the text.  For s - p > 15, M <= 10**15 is below half
of 10**(s-p), so R = 0 (the divisor is capped at 10**16, which gives the
same).  Values with |v| < 0.4 * 10**-p round to a signed zero in both modes
without looking: D <= |v| * (1 + 5e-15) < 0.5 * 10**-p.  Signs: both
rounding modes are symmetric, so |v| is rounded and v's sign put back
(float(Decimal('-0.00')) is -0.0; the text drops the '-' of a zero, as
format_fixed does).

The exact fallback (the scalar function) takes: non-finite values (seen
gives inf/nan back; spreadsheet_round and format_fixed raise OverflowError,
as the scalar functions do), |v| >= 1e15, tiny values not caught by the
zero rule above (seen: every nonzero |v| below about 1e-8), and ties at the
15th digit.  On scores (60..100 from integer ratios) that is none at all.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..numbers import MODES, format_fixed, seen, spreadsheet_round

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

_BLOCK = 1 << 15  # values per pass: the temporaries stay in cache, memory stays bounded
_TOP_SCALE = 22  # 10.0**22 is the largest power of ten that is exact in binary
_TEN = np.array([10.0**k for k in range(_TOP_SCALE + 1)])
_SPLITTER = 134217729.0  # 2**27 + 1: Veltkamp's split into two 26-bit halves


def _split(a: Floats) -> tuple[Floats, Floats]:
    """a = high + low exactly, each with at most 26 significant bits (Veltkamp)."""
    c = a * _SPLITTER
    high = c - (c - a)
    return high, a - high


_TEN_HIGH, _TEN_LOW = _split(_TEN)
_TEN_INT = np.array([10**k for k in range(17)], dtype=np.int64)  # divisors up to 10**16 (see the module's proof)


def _check(places: int, mode: str) -> None:
    if not 0 <= places <= 15:
        raise ValueError(f"places must be 0..15, got {places}")
    if mode not in MODES:
        raise ValueError(f"unknown rounding mode {mode!r}")


def _mantissa(a: Floats) -> tuple[Floats, npt.NDArray[np.intp], Bools]:
    """For a = |v|: M (integer-valued floats), s and where M, s are proven (steps 1-3 of the module's proof)."""
    with np.errstate(all="ignore"):  # 0, inf, nan, huge: any scale will do, they are not kept
        guess = np.log10(a)
        guess = np.where(np.isfinite(guess), guess, 0.0)
        s = (14.0 - np.floor(guess)).clip(0, _TOP_SCALE).astype(np.intp)
        x = a * _TEN[s]
        s = (s + (x < 1e14) - (x >= 1e15)).clip(0, _TOP_SCALE)
        x = a * _TEN[s]
        ok = (x >= 1e14) & (x < 1e15)
        high, low = _split(a)
        ten_high, ten_low = _TEN_HIGH[s], _TEN_LOW[s]
        y = low * ten_low - (((x - high * ten_high) - low * ten_high) - high * ten_low)
        n = np.rint(x)
        r = (x - n) + y
    ok &= np.abs(r) != 0.5
    m = np.where(ok, n + (r > 0.5) - (r < -0.5).astype(np.float64), 0.0)
    return m, s, ok


def _rounded(m: Floats, s: npt.NDArray[np.intp], places: int, mode: str) -> Ints:
    """R = M / 10**(s - places) rounded in `mode`, on integers; M itself where s <= places.

    The quotient is floor(M / 10**cut) in floats (off by at most one: below 10**15, the division's error
    is under 1/8), then made exact by its remainder; numpy's int64 divmod by an array is several times slower.
    """
    whole = m.astype(np.int64)
    cut = (s - places).clip(0, 16)
    divisor = _TEN_INT[cut]
    quotient = np.floor(m / _TEN[cut]).astype(np.int64)
    rest = whole - quotient * divisor
    under = rest < 0
    quotient -= under
    rest += divisor * under
    over = rest >= divisor
    quotient += over
    rest -= divisor * over
    half = divisor // 2
    tie = rest == half
    tie &= cut > 0
    if mode == "half_even":
        tie &= (quotient & 1) == 1
    rounded: Ints = quotient + ((rest > half) | tie)
    return rounded


def seen_many(values: npt.ArrayLike) -> Floats:
    """numbers.seen of every value: the float a spreadsheet sees (15 significant digits), same shape."""
    v = np.asarray(values, dtype=np.float64)
    flat = v.ravel()
    out = np.empty_like(flat)
    for start in range(0, flat.size, _BLOCK):
        block = flat[start : start + _BLOCK]
        a = np.abs(block)
        m, s, ok = _mantissa(a)
        out[start : start + block.size] = np.where(ok, np.copysign(m / _TEN[s], block), block)
        for i in np.flatnonzero(~ok & (a != 0.0)):  # ±0 is seen as itself; the rest by the scalar rule
            out[start + i] = seen(float(block[i]))
    return out.reshape(v.shape)


def round_many(values: npt.ArrayLike, places: int, mode: str = "half_away_from_zero") -> Floats:
    """numbers.spreadsheet_round of every value, same shape.

    For finite values; a non-finite one raises OverflowError, as spreadsheet_round does
    (the caller checks finiteness first and reports the unit).
    """
    _check(places, mode)
    v = np.asarray(values, dtype=np.float64)
    flat = v.ravel()
    out = np.empty_like(flat)
    zero_below = 0.4 * 10.0**-places
    for start in range(0, flat.size, _BLOCK):
        block = flat[start : start + _BLOCK]
        a = np.abs(block)
        m, s, ok = _mantissa(a)
        rounded = np.where(s > places, _rounded(m, s, places, mode) / _TEN[places], m / _TEN[s])
        zero = a < zero_below
        result = np.where(ok & ~zero, rounded, 0.0)
        out[start : start + block.size] = np.copysign(result, block)
        for i in np.flatnonzero(~(ok | zero)):
            out[start + i] = spreadsheet_round(float(block[i]), places, mode)
    return out.reshape(v.shape)


def fixed_many(values: npt.ArrayLike, places: int, mode: str = "half_away_from_zero") -> list[str]:
    """numbers.format_fixed of every value (in values.ravel() order): exactly `places` decimals, never '-0.00'.

    For finite values; a non-finite one raises OverflowError, as format_fixed does.  Equal texts may be
    one shared str (see _texts).
    """
    _check(places, mode)
    flat = np.asarray(values, dtype=np.float64).ravel()
    texts: list[str] = []
    zero_below = 0.4 * 10.0**-places
    for start in range(0, flat.size, _BLOCK):
        block = flat[start : start + _BLOCK]
        a = np.abs(block)
        m, s, ok = _mantissa(a)
        ok &= a >= zero_below
        whole, fraction = _parts(m, s, places, mode)
        whole[~ok] = 0
        fraction[~ok] = 0
        negative = np.signbit(block) & ((whole != 0) | (fraction != 0))
        shown = _texts(whole, fraction, negative, places)
        for i in np.flatnonzero(~ok & ~(a < zero_below)):  # nan too: format_fixed refuses it
            shown[i] = format_fixed(float(block[i]), places, mode)
        texts += shown
    return texts


def _parts(m: Floats, s: npt.NDArray[np.intp], places: int, mode: str) -> tuple[Ints, Ints]:
    """D rounded to `places`, as its integer part and its `places` decimals (an integer below 10**places)."""
    rounded = _rounded(m, s, places, mode)
    unit = _TEN_INT[places]
    whole = rounded // unit
    fraction = rounded - whole * unit
    fine = np.flatnonzero(s <= places)  # D has no more than `places` decimals: D = M // 10**s and the rest, padded
    if fine.size:
        scale = s[fine]
        exact = rounded[fine]  # M itself there
        whole[fine] = exact // _TEN_INT[scale]
        fraction[fine] = (exact - whole[fine] * _TEN_INT[scale]) * _TEN_INT[places - scale]
    return whole, fraction


def _texts(whole: Ints, fraction: Ints, negative: Bools, places: int) -> list[str]:
    """The texts of a block; each distinct text made once when the block's values are few (scores at 2 places).

    Making a str is most of the cost, and a block of scores between 60 and 100 at 2 places has at most
    4,001 distinct texts: those are written once and shared (a str is immutable, so sharing is safe).
    """
    digits = len(str(int(whole.max()))) if whole.size else 1
    if digits + places > 18:  # the signed code below would not fit in an int64
        return _written(whole, fraction, negative, places)
    code = whole * _TEN_INT[places] + fraction
    code[negative] *= -1
    low = int(code.min())
    span = int(code.max()) - low + 1
    if span > whole.size:
        return _written(whole, fraction, negative, places)
    present = np.zeros(span, dtype=np.bool_)
    present[code - low] = True
    distinct = np.flatnonzero(present) + low
    size = np.abs(distinct)
    table = np.empty(span, dtype=object)
    table[distinct - low] = _written(size // _TEN_INT[places], size % _TEN_INT[places], distinct < 0, places)
    shared: list[str] = table[code - low].tolist()
    return shared


def _written(whole: Ints, fraction: Ints, negative: Bools, places: int) -> list[str]:
    """'-12.30' from 12, 30, True at places 2: digits written into a byte matrix, not one format() each.

    Each row is right-aligned behind spaces and ends in a space, so one decode and one split() make the strings.
    """
    digits = len(str(int(whole.max()))) if whole.size else 1
    tail = places + 1 if places else 0
    width = 1 + digits + tail  # a column for the sign, the integer digits, the point and the decimals
    chars = np.empty((whole.size, width + 1), dtype=np.uint8)
    chars[:, width] = 32  # the space that ends the row
    rest = fraction
    for column in range(width - 1, width - 1 - places, -1):
        tens = rest // 10  # not np.divmod: several times slower
        np.add(rest - tens * 10, 48, out=chars[:, column], casting="unsafe")
        rest = tens
    if places:
        chars[:, width - tail] = 46  # '.'
    units = width - 1 - tail
    rest = whole
    length = np.ones(whole.size, dtype=np.intp)  # how many integer digits each row shows
    for k in range(digits):
        tens = rest // 10
        digit = rest - tens * 10 + 48
        if k:  # a leading zero is a space
            shown = whole >= _TEN_INT[k]
            digit = np.where(shown, digit, 32)
            length += shown
        chars[:, units - k] = digit
        rest = tens
    chars[:, 0] = 32
    minus = np.flatnonzero(negative)
    chars[minus, units - length[minus]] = 45  # '-' just before the first digit
    text: list[str] = chars.tobytes().decode("ascii").split()
    return text
