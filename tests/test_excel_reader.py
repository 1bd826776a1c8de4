"""The workbook reader (engine/data/xlsx_in.py: python-calamine for the values, the sheet's XML for the rest)
against the reading openpyxl gave, which it replaced and which stays the reference here: the same workbooks,
made up by hypothesis with every kind of cell, number format, merge and hidden row, must read to the same
rows of text, group rows, title rows, empty rows, merges and hidden rows.

`reference` is the openpyxl reader as it was (load_workbook(data_only=True), every cell that holds a value
turned into text as a spreadsheet shows it), kept here so that the comparison can fail.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kaoping.data import xlsx_in
from kaoping.errors import KaopingError
from kaoping.numbers import plain_number, seen_text

EXAMPLES = 300


def reference_text(value: object, number_format: str) -> str:
    """openpyxl's value as the old reader showed it (engine/data/xlsx_in.py before calamine, unchanged)."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in number_format:
        return f"{seen_text(value * 100)}%"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return plain_number(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return " ".join(str(value).splitlines())


def reference(path: Path, name: str) -> dict:
    """The sheet as the openpyxl reader read it: rows of text, and what its merges and hidden rows said."""
    ws = openpyxl.load_workbook(path, data_only=True)[name]
    grid: dict[int, list[str]] = {}
    for (row, col), cell in ws._cells.items():
        if cell.value is None:
            continue
        text = reference_text(cell.value, cell.number_format)
        if not text:
            continue
        cells = grid.setdefault(row, [])
        cells.extend([""] * (col - len(cells)))
        cells[col - 1] = text
    width = max((len(r) for r in grid.values()), default=0)
    group_rows, title_rows, merges = set(), set(), []
    for merged in ws.merged_cells.ranges:
        top = grid.get(merged.min_row, [])
        if merged.min_col == 1 and merged.max_col >= width > 1:
            title_rows.add(merged.min_row)
            continue
        merges.append((merged.min_row, merged.coord))
        if merged.max_col > merged.min_col and top and merged.min_col <= len(top):
            group_rows.add(merged.min_row)
            top.extend([""] * (min(merged.max_col, width) - len(top)))
            for col in range(merged.min_col, min(merged.max_col, len(top)) + 1):
                top[col - 1] = top[merged.min_col - 1]
        elif merged.max_row > merged.min_row:
            group_rows.add(merged.min_row)
    rows = tuple(sorted((n, tuple(c)) for n, c in grid.items() if any(x.strip() for x in c)))
    filled = {n for n, _ in rows}
    last = max(filled, default=0)
    return {
        "rows": blank_when_blank(rows),
        "group_rows": frozenset(group_rows),
        "title_rows": frozenset(title_rows),
        "empty_rows": frozenset(n + 1 for n in filled if n + 1 not in filled and n < last),
        "merges": sorted(merges),
        "hidden_rows": frozenset(n for n, d in ws.row_dimensions.items() if d.hidden and n in filled),
    }


def blank_when_blank(rows: tuple) -> tuple:
    """Rows with each cell of nothing but spaces as empty: calamine reads a text of spaces alone (not marked
    xml:space="preserve") as empty, openpyxl as the spaces; every check strips a cell first, so both read alike."""
    blanked = ((n, [c if c.strip() else "" for c in cells]) for n, cells in rows)
    return tuple((n, tuple(cells[: max(i + 1 for i, c in enumerate(cells) if c)])) for n, cells in blanked)


def ours(path: Path, name: str | None = None) -> dict:
    sheet = xlsx_in.sheet_rows(path, str(path), name)
    return {
        "rows": blank_when_blank(sheet.rows),
        "group_rows": sheet.group_rows,
        "title_rows": sheet.title_rows,
        "empty_rows": sheet.empty_rows,
        "merges": sorted(sheet.merges),
        "hidden_rows": sheet.hidden_rows,
    }


# A number shown with a date format reads as the date (2024-02-01); below 61 (before 1900-03-01, where Excel
# counts a 29 February 1900 that never was) or beyond 9999 openpyxl and calamine read it differently, and no
# unit's figure is one: such cells are left General here (the difference is said in the report)
DATE_FORMATS = {"yyyy-mm-dd", "m/d/yy h:mm", "h:mm"}
FORMATS = ["General", "0.00%", "0%", "0.0", "0.00", "#,##0", "yyyy-mm-dd", "m/d/yy h:mm", "h:mm", "@", '0.0"%"']
VALUES = st.one_of(
    st.integers(-(10**6), 10**6),
    st.sampled_from([2.675, 0.125, 1e-7, 1e20, 98.06, 0.9806, 35.0, 1 / 3, 12345.678, 0.0]),
    st.floats(-1e9, 1e9, allow_nan=False).map(lambda f: round(f, 4)),
    st.sampled_from(["甲局", " 乙局 ", "合计", "=1+1", "'@东风路", "98.06%", "三", "a\nb", "x\r\ny", ""]),
    # no text of spaces alone: calamine reads it as empty, openpyxl as the spaces, which every check strips
    # anyway; only a merged title's width could tell them apart (said in the report)
    st.text(alphabet="区局街道办0123456789 .%-", max_size=8).filter(lambda t: t == "" or t.strip() != ""),
    st.booleans(),
    st.sampled_from(["#DIV/0!", "#N/A", "#VALUE!"]),  # openpyxl writes these as error cells (t="e")
    st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)),
    st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2030, 12, 31)).map(lambda d: d.replace(microsecond=0)),
    st.none(),
)


@st.composite
def workbooks(draw: st.DrawFn) -> list:
    """Cells (row, col, value, number format), merged ranges that do not overlap, hidden rows, hidden first sheet."""
    cells = draw(
        st.lists(
            st.tuples(st.integers(1, 14), st.integers(1, 7), VALUES, st.sampled_from(FORMATS)),
            max_size=40,
            unique_by=lambda c: c[:2],
        )
    )
    merges, taken = [], set()
    for r1, c1, dr, dc in draw(
        st.lists(st.tuples(st.integers(1, 14), st.integers(1, 7), st.integers(0, 2), st.integers(0, 7)), max_size=4)
    ):
        area = {(r, c) for r in range(r1, r1 + dr + 1) for c in range(c1, min(c1 + dc, 7) + 1)}
        if len(area) > 1 and not area & taken:
            taken |= area
            merges.append((r1, c1, r1 + dr, min(c1 + dc, 7)))
    hidden = draw(st.sets(st.integers(1, 14), max_size=3))
    return [cells, merges, hidden, draw(st.booleans())]


def make(path: Path, book: list) -> str:
    cells, merges, hidden, extra_sheet = book
    wb = openpyxl.Workbook()
    if extra_sheet:  # a hidden sheet first: the first visible one is read
        wb.active.title = "旧"
        wb.active.sheet_state = "hidden"
        wb.active["A1"] = "old"
        ws = wb.create_sheet("2月")
    else:
        ws = wb.active
        ws.title = "2月"
    for row, col, value, number_format in cells:
        if number_format in DATE_FORMATS and isinstance(value, (int, float)) and not 61 <= value < 2958466:
            number_format = "General"  # a known difference, said in the README: see DATE_FORMATS
        cell = ws.cell(row, col, value)
        cell.number_format = number_format
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # text, as typed (openpyxl would write a formula, never computed)
    for r1, c1, r2, c2 in merges:
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    for row in hidden:
        ws.row_dimensions[row].hidden = True
    wb.save(path)
    return ws.title


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(book=workbooks())
def test_a_workbook_reads_as_openpyxl_read_it(tmp_path_factory, book):
    path = tmp_path_factory.mktemp("book") / "book.xlsx"
    name = make(path, book)
    assert ours(path) == reference(path, name)


def test_a_title_row_a_two_level_header_a_percentage_an_error_and_a_hidden_row(tmp_path):
    """One workbook with each thing the reader must tell, checked by hand as well as against openpyxl."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2024年2月考评"])
    ws.merge_cells("A1:D1")
    ws.append(["部门名称", "办结", None, "满意率"])
    ws.merge_cells("B2:C2")
    ws.merge_cells("A2:A3")
    ws.merge_cells("D2:D3")
    ws.append([None, "工单数", "得分", None])
    ws.append(["甲局", 35, 35.0, 0.9806])
    ws["D4"].number_format = "0.00%"
    ws.append(["乙局", "#DIV/0!", 2.675, 1])
    ws.row_dimensions[5].hidden = True
    path = tmp_path / "t.xlsx"
    wb.save(path)
    got = ours(path)
    assert got == reference(path, "Sheet")
    assert got["rows"] == (
        (1, ("2024年2月考评",)),
        (2, ("部门名称", "办结", "办结", "满意率")),
        (3, ("", "工单数", "得分")),
        (4, ("甲局", "35", "35", "98.06%")),
        (5, ("乙局", "#DIV/0!", "2.675", "1")),
    )
    assert got["title_rows"] == {1} and got["group_rows"] == {2} and got["hidden_rows"] == {5}


def test_a_sheet_with_a_stray_cell_far_away_reads_compacted_to_the_same_rows(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["部门名称", "应办结工单数"])
    ws.append(["甲局", 4])
    ws["XFD300"] = 1
    ws["C200"] = "备注"
    path = tmp_path / "stray.xlsx"
    wb.save(path)
    got = ours(path)
    assert got == reference(path, "Sheet")
    assert got["rows"][-1][0] == 300 and len(got["rows"][-1][1]) == 16384 and got["rows"][-2] == (200, ("", "", "备注"))


def rewritten(path: Path, part: str, change) -> None:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)


def test_cells_without_their_reference_are_placed_by_counting_as_openpyxl_placed_them(tmp_path):
    path = tmp_path / "refless.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["部门名称", "应办结工单数", "办结工单数"])
    wb.active.append(["甲局", 4, 3])
    wb.save(path)
    rewritten(path, "xl/worksheets/sheet1.xml", lambda x: x.replace(b' r="B2"', b"").replace(b' r="C2"', b""))
    assert ours(path) == reference(path, "Sheet")
    assert ours(path)["rows"][1] == (2, ("甲局", "4", "3"))


def test_a_cell_whose_style_is_not_in_the_workbook_is_a_damaged_workbook(tmp_path):
    path = tmp_path / "style.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["部门名称", 1])
    wb.save(path)
    rewritten(path, "xl/worksheets/sheet1.xml", lambda x: x.replace(b'<c r="B1"', b'<c r="B1" s="77"'))
    with pytest.raises(KaopingError) as caught:
        ours(path)
    assert [p.code for p in caught.value.problems] == ["xlsx.missing-part"]


@pytest.mark.parametrize("n", [0, 7, 9, 10, 99, 100001, 999, 1048575, 1048576])
def test_the_greater_than_pattern_matches_exactly_the_greater_numbers(n):
    import re

    pattern = re.compile(b"(?:" + xlsx_in._greater_than(n) + b")")
    for m in sorted({0, 1, 9, 10, 11, n - 1, n, n + 1, n + 10, 10 * n + 3, 2 * 10**7}):
        if m >= 0:
            assert bool(pattern.fullmatch(str(m).encode())) == (m > n), (n, m)


@pytest.mark.parametrize("letters", ["A", "G", "Z", "AA", "AZ", "ZZ", "XFC", "XFD"])
def test_the_letters_after_pattern_matches_exactly_the_later_columns(letters):
    import re

    from kaoping.data.sheets import column_letter

    pattern = re.compile(b"(?:" + xlsx_in._letters_after(letters.encode()) + b")")
    number = xlsx_in._column_number(letters.encode())
    for col in sorted({1, 2, 26, 27, 52, 702, 703, 16383, 16384, number - 1, number, number + 1} - {0}):
        assert bool(pattern.fullmatch(column_letter(col).encode())) == (col > number), (letters, col)
