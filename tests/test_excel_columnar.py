"""A plain sheet read by the columnar reader (engine/data/table.py, _columnar_sheet) against the reference.

A sheet of some 8,000 units or more whose rows are numbered as a CSV file's lines would be (no title row, no
two-level header, no hidden row) is written as CSV text and screened by the columnar reader, as a CSV file of
that size is.  The reference is the row path: the same sheet's rows checked one at a time by read_rows.  Both
must give the same records (values and their types, rows), ignored columns, notes, encoding and sheet, and the
same evaluation; a sheet the screen cannot vouch for (a totals row to note, a bad cell, a title row, a hidden
row) must go to the reference.
"""

from __future__ import annotations

import random
from pathlib import Path

import kaoping
import pytest
import xlsxwriter
from kaoping.data import table as table_module
from kaoping.data.table import read_table
from kaoping.errors import KaopingError
from kaoping.ruleset.load import load_ruleset

from .conftest import ROOT, SEED_RULESET

CITY_RULESET = ROOT / "rulesets" / "city-hotline" / "2025.01.yaml"
SEED_HEADER = ["部门名称", "应办结工单数", "办结工单数", "按期办结工单数", "逾期退单工单数", "告警工单数", "返工工单数"]


def seed_rows(units: int, seed: int = 1) -> list[list[object]]:
    rng = random.Random(seed)
    rows: list[list[object]] = []
    for i in range(units):
        due = rng.randint(0, 400)
        completed = rng.randint(0, due)
        rows.append([f"单位{i:05d}", due, completed, rng.randint(0, completed), *(rng.randint(0, 3) for _ in range(3))])
    return rows


def book(
    path: Path, sheets: dict[str, list[list[object]]], hidden_row: int | None = None, merged_title: bool = False
) -> Path:
    """A workbook of `sheets` (name -> rows) written as Excel writes one (shared strings); the first row merged
    across the table when `merged_title`."""
    workbook = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for n, row in enumerate(rows):
            if n == 0 and merged_title:
                sheet.merge_range(0, 0, 0, len(row) - 1, row[0])
                continue
            sheet.write_row(n, 0, row)
        if hidden_row is not None:
            sheet.set_row(hidden_row, None, None, {"hidden": True})
    workbook.close()
    return path


def both(path: Path, ruleset_path: Path = SEED_RULESET, monkeypatch: pytest.MonkeyPatch | None = None):
    """read_table's table as read (the screen where it vouches) and by the reference alone."""
    ruleset = load_ruleset(ruleset_path)
    got = read_table(path, ruleset)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(table_module, "_columnar_sheet", lambda *args: None)
        want = read_table(path, ruleset)
    return got, want


def assert_same(got, want) -> None:
    assert [(r.row, r.values) for r in got.records] == [(r.row, r.values) for r in want.records]
    assert [[type(v) for v in r.values.values()] for r in got.records] == [
        [type(v) for v in r.values.values()] for r in want.records
    ]
    assert (got.path, got.sha256, got.encoding, got.ignored_columns, got.notes, got.sheet) == (
        want.path,
        want.sha256,
        want.encoding,
        want.ignored_columns,
        want.notes,
        want.sheet,
    )


def test_a_plain_sheet_of_10000_units_reads_as_the_reference_reads_it(tmp_path):
    path = book(tmp_path / "plain.xlsx", {"2月": [SEED_HEADER, *seed_rows(10_000)]})
    got, want = both(path)
    assert got.columns is not None and want.columns is None  # the screen was taken, and only by `got`
    assert_same(got, want)
    ruleset = kaoping.load(SEED_RULESET)
    assert list(kaoping.evaluate(ruleset, path).evaluation.results) == list(
        kaoping.evaluate(
            ruleset, [dict(zip(SEED_HEADER, r, strict=True)) for r in seed_rows(10_000)]
        ).evaluation.results
    )


def test_extra_columns_a_chosen_sheet_and_quoted_texts_read_as_the_reference_reads_them(tmp_path):
    """An ignored column of texts holding commas and quotes (written quoted), a second sheet (the note saying
    which was read), a column of decimals: the same ignored columns, the same note, the same values."""
    rows = [[*r, f'备注,"{i}"' if i % 7 == 0 else "", i / 8] for i, r in enumerate(seed_rows(10_000, 2))]
    path = book(tmp_path / "extra.xlsx", {"2月": [[*SEED_HEADER, "备注", "系数"], *rows], "说明": [["x"]]})
    got, want = both(path)
    assert got.columns is not None and got.ignored_columns == ("备注", "系数")
    assert got.notes and "read the sheet '2月'" in got.notes[0]
    assert_same(got, want)


def test_a_text_input_and_groups_read_as_the_reference_reads_them(tmp_path):
    header = [
        "单位名称",
        "分组",
        "应办结数",
        "办结数",
        "一次性办结数",
        "回访数",
        "满意数",
        "不规范答复数",
        "超期件数",
        "表扬件数",
    ]
    rng = random.Random(3)
    rows = []
    for i in range(10_000):
        done = rng.randint(0, 300)
        rows.append(
            [f"单位{i}", ("县区组", "市直部门组", "功能区")[i % 3], done + 5, done, done // 2, done, done // 3, 1, 0, 2]
        )
    path = book(tmp_path / "city.xlsx", {"1月": [header, *rows]})
    got, want = both(path, CITY_RULESET)
    assert got.columns is not None
    assert_same(got, want)


def test_a_caption_above_the_header_reads_as_the_reference_reads_it(tmp_path):
    """An unmerged caption in A1 is a CSV's caption line too: the screen finds the header below it, as the
    reference does, and the units' rows are the sheet's."""
    path = book(tmp_path / "caption.xlsx", {"2月": [["2024年2月考评表"], SEED_HEADER, *seed_rows(10_000, 5)]})
    got, want = both(path)
    assert got.columns is not None and got.records[0].row == 3
    assert_same(got, want)


@pytest.mark.parametrize("case", ["totals row", "merged title row", "hidden row", "bad cell"])
def test_a_sheet_the_screen_cannot_vouch_for_goes_to_the_reference(tmp_path, case):
    rows: list[list[object]] = [SEED_HEADER, *seed_rows(10_000, 4)]
    hidden = None
    if case == "totals row":
        rows.append(["合计", *(sum(r[c] for r in rows[1:]) for c in range(1, 7))])  # type: ignore[misc]
    elif case == "merged title row":
        rows.insert(0, ["2024年2月考评表", *[None] * 6])
    elif case == "hidden row":
        hidden = 9
    else:
        rows[77][2] = "七"
    path = book(tmp_path / "odd.xlsx", {"2月": rows}, hidden, merged_title=case == "merged title row")
    if case == "bad cell":
        with pytest.raises(KaopingError) as caught:
            read_table(path, load_ruleset(SEED_RULESET))
        assert caught.value.problems[0].cell == "2月!C78"  # named as the sheet names it, by the reference
        return
    got, want = both(path)
    assert got.columns is None  # the reference read it
    assert_same(got, want)
    assert case != "totals row" or any("合计" in n for n in got.notes)
