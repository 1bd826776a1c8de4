"""The columnar writers' pieces against the reference's own functions, value by value and byte for byte.

engine/columns/stream.py writes each field of a block as a byte matrix (numpy
digits, windows cut from orjson's text) and deletes the padding.  Each piece
is compared here with what the reference writes: json.dumps for JSON values,
numbers.format_fixed and plain_number for printed numbers, csv.writer for CSV
rows, a plain join for the layout.  The corner values are where the fast paths
have their edges: orjson's exponent notation below 1e-4, '-0.0', integers past
2**53 and at int64's ends, ties at the printed decimal, a value too large for
the exact rint, strings json must escape, CSV cells csv.writer must quote.
"""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kaoping.columns.stream import (
    _FORMULA_START,
    _plain_cells,
    block_size,
    column_cells,
    csv_text,
    fixed_cells,
    float_cells,
    int_cells,
    lines,
    string_cells,
    window_cells,
)
from kaoping.numbers import MODES, format_fixed, plain_number

from .conftest import ROOT


def texts(cells: np.ndarray) -> list[bytes]:
    """Each row of cells with its NUL padding (on either side) taken off."""
    return [bytes(row).replace(b"\0", b"") for row in cells]


FLOATS = [
    0.0,
    -0.0,
    1e-05,  # repr 1e-05, orjson 0.00001
    -1e-05,
    2.5e-07,  # repr 2.5e-07, orjson 2.5e-7
    1e-4,  # both 0.0001
    9.999999999999999e-05,
    0.00012345678901234567,
    5e-324,
    2.2250738585072014e-308,
    1e16,  # 1e+16
    1e15,
    9.999999999999998e15,
    123456789012345680.0,
    1e21,
    1e22,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    0.1,
    1 / 3,
    35 * 107 / 1400,
    99.58746399738737,
    4.699999999999999,
    math.nan,
    math.inf,
    -math.inf,
]


def test_float_cells_are_json_dumps_on_the_corner_values() -> None:
    values = np.array(FLOATS)
    assert texts(float_cells(values)) == [json.dumps(v).encode() for v in FLOATS]
    assert json.dumps(1e-05) == "1e-05" and json.dumps(-0.0) == "-0.0" and json.dumps(1e16) == "1e+16"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True), min_size=1, max_size=60))
def test_float_cells_are_json_dumps(values: list[float]) -> None:
    assert texts(float_cells(np.array(values, dtype=np.float64))) == [json.dumps(v).encode() for v in values]


INT64 = st.integers(-(2**63), 2**63 - 1)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(INT64, st.integers(-1000, 1000)), min_size=1, max_size=60))
def test_int_cells_are_int_repr(values: list[int]) -> None:
    assert texts(int_cells(np.array(values, dtype=np.int64))) == [str(v).encode() for v in values]


def test_int_cells_at_the_ends_of_int64_and_zero() -> None:
    values = [0, -1, 9, 10, -10, 2**53 + 1, -(2**63), 2**63 - 1, 999, -999]
    assert texts(int_cells(np.array(values, dtype=np.int64))) == [str(v).encode() for v in values]


def test_column_cells_are_ints_where_whole_and_floats_elsewhere() -> None:
    values = np.array([35.0, 35.0, -0.0, 0.0, 2.0**53 - 1, 1e-05, 4.5, -7.0])
    whole = np.array([True, False, False, True, True, False, False, True])
    want = [json.dumps(int(v) if w else float(v)).encode() for v, w in zip(values, whole, strict=True)]
    assert texts(column_cells(values, whole)) == want
    assert texts(column_cells(values, np.ones(8, dtype=bool) & (values == np.floor(values)))) == [
        json.dumps(int(v) if v == math.floor(v) else float(v)).encode() for v in values
    ]


TIES = [0.125, 2.675, 1.005, 0.285, 0.045, 99.995, 2.5, -2.5, -0.125, 1234567.125, 35 * 107 / 1400]
FIXED = [
    *TIES,
    0.0,
    -0.0,
    -0.004,  # rounds to a zero: '0.00', never '-0.00'
    -0.005,
    0.004999999999999999,
    -12.3,
    5e-324,
    1e-300,
    99.999,
    999999999999.995,
    1e13,  # at 2 places R = 1e15: the exact rint still holds
    1.2e13,  # R = 1.2e15 > 2**50: the block goes to fixed_many
    1e300,
    -1e300,
    1.7976931348623157e308,
]


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("places", [0, 1, 2, 3, 6, 15])
def test_fixed_cells_are_format_fixed_on_ties_zeros_and_huge_values(places: int, mode: str) -> None:
    for values in (FIXED, [v for v in FIXED if abs(v) < 1e12]):  # with and without a value past the rint's reach
        got = texts(fixed_cells(np.array(values), places, mode))
        assert got == [format_fixed(v, places, mode).encode() for v in values]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(-1e6, 1e6),
            st.floats(allow_nan=False, allow_infinity=False),
            st.integers(-(10**6), 10**6).map(lambda k: k / 1000),  # at and near the printed ties
            st.integers(-(10**5), 10**5).map(lambda k: k / 8),
        ),
        min_size=1,
        max_size=50,
    ),
    st.integers(0, 15),
    st.sampled_from(sorted(MODES)),
)
def test_fixed_cells_are_format_fixed(values: list[float], places: int, mode: str) -> None:
    got = texts(fixed_cells(np.array(values, dtype=np.float64), places, mode))
    assert got == [format_fixed(v, places, mode).encode() for v in values]


def test_fixed_cells_refuse_what_format_fixed_refuses() -> None:
    with pytest.raises(OverflowError):
        format_fixed(math.inf, 2)
    with pytest.raises(OverflowError):
        fixed_cells(np.array([1.0, math.inf]), 2, "half_away_from_zero")


STRINGS = [
    "单位000001",
    "",
    " ",
    'a"b',
    "back\\slash",
    "tab\there",
    "line\nbreak",
    "\x00",
    "\x1f",
    "\x7f",
    "😀",
    "\u2028",
]


def _json_text(cells: np.ndarray, quoted: bool) -> list[bytes]:
    return [t if quoted else b'"' + t + b'"' for t in texts(cells)]


@pytest.mark.parametrize("odd", STRINGS)
def test_string_cells_are_json_dumps(odd: str) -> None:
    values = ["单位000001", "区人力资源和社会保障局", odd, "x"]
    cells, quoted = string_cells(np.array(values, dtype=object))
    assert _json_text(cells, quoted) == [json.dumps(v, ensure_ascii=False).encode() for v in values]
    assert quoted == (json.dumps(odd, ensure_ascii=False)[1:-1] != odd)  # quotes in the cells only when escaping


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=30))
def test_string_cells_are_json_dumps_on_any_text(values: list[str]) -> None:
    try:
        want = [json.dumps(v, ensure_ascii=False).encode() for v in values]
    except UnicodeEncodeError:  # a lone surrogate: the reference cannot write it either
        with pytest.raises(UnicodeEncodeError):
            string_cells(np.array(values, dtype=object))
        return
    cells, quoted = string_cells(np.array(values, dtype=object))
    assert _json_text(cells, quoted) == want


def test_window_cells_cut_the_pieces_between_their_ends() -> None:
    data = b"[12,3,,4567]"
    cells = window_cells(data, np.array([1, 4, 6, 7]), np.array([3, 5, 6, 11]))
    assert texts(cells) == [b"12", b"3", b"", b"4567"]
    assert cells.shape == (4, 4)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.binary(min_size=0, max_size=9).map(lambda b: b.replace(b"\0", b"")), min_size=1, max_size=5),
        min_size=1,
        max_size=20,
    )
)
def test_lines_are_the_pieces_joined(rows: list[list[bytes]]) -> None:
    width = min(len(r) for r in rows)
    rows = [r[:width] for r in rows]
    separators = [b"<", *[b"|" * (k + 1) for k in range(width - 1)], b">\n"]
    columns = [window_cells(*_packed([r[j] for r in rows])) for j in range(width)]
    want = b"".join(b"".join(s + c for s, c in zip(separators, [*row, b""], strict=True)) for row in rows)
    assert bytes(lines(separators, columns)) == want


def _packed(pieces: list[bytes]) -> tuple[bytes, np.ndarray, np.ndarray]:
    ends = np.cumsum([len(p) for p in pieces])
    return b"".join(pieces), ends - np.array([len(p) for p in pieces]), ends


def _csv_rows(columns: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(zip(*columns, strict=True))
    return buffer.getvalue()


CSV_TEXT = st.text(
    alphabet=st.sampled_from(
        ["a", "单", ",", '"', "\r", "\n", " ", "'", "=", "+", "-", "@", "\t", "0", "\x0b", "\u2028", "\0"]
    ),
    max_size=6,
)


@settings(max_examples=400, deadline=None)
@given(st.lists(CSV_TEXT, min_size=1, max_size=25), st.booleans())
def test_csv_text_is_what_csv_writer_writes(values: list[str], inert: bool) -> None:
    from kaoping.data.csv_in import ESCAPED_STARTS

    marked = [f"'{t}" if inert and t[:1] in ESCAPED_STARTS else t for t in values]  # to_csv's _inert
    got = csv_text(values, inert)
    if isinstance(got, list):  # left to csv.writer: a text it quotes
        assert got == marked
        assert any(c in t for t in marked for c in ',"\r\n\0')
        return
    numbers = [str(k) for k in range(len(values))]
    row = bytes(lines([b"", b",", b"\r\n"], [got, int_cells(np.arange(len(values)))])).decode()
    assert row == _csv_rows([marked, numbers])


def test_formula_starts_are_found_after_the_first_text_too() -> None:
    assert _FORMULA_START.search("a\x00=b") and _FORMULA_START.search("a\x00'b") and not _FORMULA_START.search("a-b")
    assert csv_text(["=1", "b"], True).tolist() != csv_text(["1", "b"], True).tolist()  # type: ignore[union-attr]
    assert texts(csv_text(["b", "-1", "c@"], True)) == [b"b", b"'-1", b"c@"]  # type: ignore[arg-type]


def test_plain_cells_are_plain_number() -> None:
    values = [0.0, -0.0, 35.0, 12.3456789, 1e15, 999999999999999.0, 1e-05, 0.1 + 0.2, -4.0, 1e300]
    assert texts(_plain_cells(np.array(values))) == [plain_number(v).encode() for v in values]
    whole = [0.0, -0.0, 35.0, -4.0, 999999999999999.0]
    assert texts(_plain_cells(np.array(whole))) == [plain_number(v).encode() for v in whole]


def test_a_block_holds_fewer_units_when_a_name_is_very_long() -> None:
    names = np.array(["a" * 100_000, "b"], dtype=object)
    assert block_size([names], 1000) * 6 * 100_000 <= 1 << 25
    assert block_size([np.array(["单位000001"] * 5, dtype=object)], 1000) == 16_384
    assert ROOT.exists()


def test_a_block_with_a_text_to_quote_is_written_by_csv_writer() -> None:
    from kaoping.columns.stream import _csv_block

    names, numbers = ["甲局,一科", '乙"局', "丙局"], np.array([1, -20, 300])
    block = _csv_block([csv_text(names, True), int_cells(numbers), fixed_cells(numbers / 8, 2, "half_even")])
    want = _csv_rows([names, ["1", "-20", "300"], [format_fixed(v / 8, 2, "half_even") for v in (1, -20, 300)]])
    assert block == want
    plain = _csv_block([csv_text(["甲局", "乙局", "丙局"], True), int_cells(numbers)])
    assert bytes(plain).decode() == _csv_rows([["甲局", "乙局", "丙局"], ["1", "-20", "300"]])
    assert _csv_block([csv_text(["", "a", ""], False)]) == _csv_rows([["", "a", ""]])  # a lone empty cell: ""
