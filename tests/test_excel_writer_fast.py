"""The published workbook's two fast paths against their references, byte for byte.

engine/outputs/xlsx.py writes the units' rows as XML text (_RowText) where XlsxWriter would store and write
each cell, and, for an evaluation the columnar core scored, reads the cells from its columns
(engine/outputs/xlsx_columns.py) instead of building a UnitResult a unit.  The references are the row path's
evaluation (`score` and `rank`) written cell by cell through XlsxWriter's own write_number/write_string.  Both
fast paths must give the reference's bytes, for every shipped ruleset and valid case, for the layouts of
tests/excel_layout.py, for tables past a block of rows with sections, and for generated names that need
XlsxWriter's escaping.  Each test also checks that the fast path was really taken.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import kaoping
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kaoping.data.records import Table
from kaoping.evaluate.pipeline import evaluate, evaluate_table
from kaoping.evaluate.ranking import Evaluation
from kaoping.outputs import xlsx
from kaoping.ruleset.load import load_ruleset
from kaoping.ruleset.whatif import parse_overrides

from .conftest import ROOT
from .excel_layout import CASES
from .test_columns_pipeline import PAIRS, reference

SEED = ROOT / "rulesets" / "jintai-hotline" / "2024.02.yaml"
CITY = ROOT / "rulesets" / "city-hotline" / "2025.01.yaml"


def cell_by_cell(evaluation: Evaluation, period: str | None, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """The workbook with every unit's cell written through XlsxWriter's API."""
    with monkeypatch.context() as m:
        m.setattr(xlsx, "_rows_as_text", lambda: False)
        return xlsx.to_xlsx(evaluation, period)


def assert_same(ruleset_path: Path, table: Table, period: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Columns + row text, row path + row text, columns cell by cell: each the row path cell by cell's bytes."""
    ruleset = load_ruleset(ruleset_path)
    want_evaluation = reference(ruleset, table)
    got_evaluation = evaluate_table(ruleset, table, lambda _: None, columnar=True)
    assert got_evaluation.columns is not None and want_evaluation.columns is None
    assert xlsx._rows_as_text(), "this XlsxWriter's rows are not the text _RowText writes: the fast path is off"
    want = cell_by_cell(want_evaluation, period, monkeypatch)
    assert xlsx.to_xlsx(got_evaluation, period) == want
    assert xlsx.to_xlsx(want_evaluation, period) == want
    assert cell_by_cell(got_evaluation, period, monkeypatch) == want


def table_of(ruleset_path: Path, data: Path | list[dict[str, object]]) -> Table:
    return kaoping.evaluate(kaoping.load(ruleset_path), data).evaluation.table  # type: ignore[arg-type]


@pytest.mark.parametrize(("ruleset", "data"), PAIRS, ids=[f"{r.stem}:{d.stem}" for r, d in PAIRS])
def test_every_shipped_ruleset_and_valid_case_writes_the_references_workbook(ruleset, data, monkeypatch):
    assert_same(ruleset, table_of(ruleset, data), "2024-02", monkeypatch)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_the_recorded_layouts_write_the_references_workbook(case, monkeypatch):
    """The workbooks tests/test_excel_writer.py reads cell by cell (a what-if among them), as excel_layout loads
    them: their ruleset with its --set changes, their period."""
    _, ruleset, data, period, sets = case
    loaded = load_ruleset(ROOT / ruleset, ruleset, parse_overrides(list(sets)))
    table = evaluate(loaded, ROOT / data, data).table
    want = cell_by_cell(reference(loaded, table), period, monkeypatch)
    got = evaluate_table(loaded, table, lambda _: None, columnar=True)
    assert got.columns is not None and xlsx._rows_as_text()
    assert xlsx.to_xlsx(got, period) == want


def city_rows(units: int) -> list[dict[str, object]]:
    """A city-hotline month of three groups, about one unit in twenty under the minimum volume (not ranked)."""
    rng = random.Random(units)
    groups = ("县区组", "市直部门组", "功能区")
    rows = []
    for i in range(units):
        due = rng.randint(0, 400)
        done = rng.randint(0, due)
        visited = rng.randint(0, done)
        rows.append(
            {
                "单位名称": f"单位{i:05d}",
                "分组": groups[i % 3],
                "应办结数": due,
                "办结数": done,
                "一次性办结数": rng.randint(0, done),
                "回访数": visited,
                "满意数": rng.randint(0, visited),
                "不规范答复数": rng.randint(0, 3),
                "超期件数": 0,
                "表扬件数": rng.randint(0, 1),
            }
        )
    return rows


def test_sections_of_more_rows_than_a_block_write_the_references_workbook(monkeypatch):
    """2,000 units in three groups ranked apart and a section not ranked, in blocks of 97 rows: blocks end inside
    sections, and each section's title row comes between blocks."""
    monkeypatch.setattr(xlsx, "ROW_BLOCK", 97)
    table = table_of(CITY, city_rows(2_000))
    assert_same(CITY, table, "2025-01", monkeypatch)
    with zipfile.ZipFile(io.BytesIO(xlsx.to_xlsx(evaluate_table(load_ruleset(CITY), table, lambda _: None)))) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert sheet.count(b"<row ") > 2_000 + 4  # every unit, the title, the header rows and the sections' titles


PIECES = [*"甲局ab &<>\"'=_x0041F\t ", "_x0041_", "<r>", "</r>", "\u3000", "\ufffe"]
NAMES = st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(NAMES, min_size=1, max_size=8, unique_by=lambda n: n.strip()))
def test_names_that_need_escaping_write_the_references_workbook(names):
    """Unit names with what XlsxWriter escapes or marks (& < > ", an _xHHHH_ look-alike, space at an end, a
    rich-text look-alike, a tab): such a cell's text is XlsxWriter's own, copied from a scratch sheet."""
    rows = [
        {
            "部门名称": name,
            "应办结工单数": 10 + i,
            "办结工单数": 5,
            "按期办结工单数": 4,
            "逾期退单工单数": 0,
            "告警工单数": 0,
        }
        for i, name in enumerate(names)
    ]
    try:
        table = table_of(SEED, rows)
    except kaoping.KaopingError:
        return  # a name the reader refuses (empty once trimmed, a duplicate) is the reader's, tested elsewhere
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert_same(SEED, table, "2024-02", monkeypatch)


def test_the_check_refuses_row_text_that_differs_from_xlsxwriters(monkeypatch):
    """_rows_as_text compares _RowText's rows of the probes with XlsxWriter's own: a one-character difference
    in how a number is written, or in a blank, turns the fast path off."""
    check = xlsx._rows_as_text.__wrapped__
    assert check()
    monkeypatch.setattr(xlsx._RowText, "_tail", lambda self, v, xf, scored: f'" s="{xf}"/>')
    assert not check()
    monkeypatch.undo()
    real_lines = xlsx._lines
    monkeypatch.setattr(xlsx, "_lines", lambda texts, tokens, n: real_lines(texts, tokens, n).replace(".5<", "5<"))
    assert not check()
