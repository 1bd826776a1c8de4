"""The published xlsx as XlsxWriter writes it (engine/outputs/xlsx.py), read back with openpyxl, against the
workbooks the openpyxl writer made: every cell's value, type, number format, bold, alignment and borders, every
merged range, column width, row height, frozen pane and print title (tests/fixtures/xlsx-layout.json, recorded
from that writer by tests/excel_layout.py), and the zip's dates."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest
from kaoping.outputs.xlsx import redated

from .excel_layout import CASES, FIXTURE, describe, written

RECORDED = json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_the_workbook_is_the_openpyxl_writers_cell_for_cell(case):
    got, want = describe(written(case)), RECORDED[case[0]]
    assert [s["name"] for s in got["sheets"]] == [s["name"] for s in want["sheets"]]
    for mine, theirs in zip(got["sheets"], want["sheets"], strict=True):
        assert {k: v for k, v in mine.items() if k != "cells"} == {k: v for k, v in theirs.items() if k != "cells"}
        assert [tuple(map(str, c)) for c in mine["cells"]] == [tuple(map(str, c)) for c in theirs["cells"]]
    assert (got["title"], got["creator"]) == (want["title"], want["creator"])


def test_a_score_is_a_number_and_a_name_like_a_formula_is_text():
    sheet = openpyxl.load_workbook(io.BytesIO(written(CASES[0]))).worksheets[0]
    # 区人力资源和社会保障局: 40 × 342 / 343 = 39.883... shown 39.88, total 99.88 (the published table)
    assert (sheet["B4"].value, sheet["G4"].value, sheet["P4"].value) == ("区人力资源和社会保障局", 39.88, 99.88)
    assert sheet["G4"].number_format == "0.00" and sheet["D4"].value == 343 and isinstance(sheet["D4"].value, int)


def test_every_zip_entry_is_redated_and_the_parts_are_untouched():
    data = written(CASES[0])
    when = dt.datetime(2031, 7, 9, 13, 45, 58)
    again = redated(data, when)
    with zipfile.ZipFile(io.BytesIO(data)) as before, zipfile.ZipFile(io.BytesIO(again)) as after:
        assert {i.date_time for i in after.infolist()} == {(2031, 7, 9, 13, 45, 58)}
        assert [(i.filename, i.CRC) for i in after.infolist()] == [(i.filename, i.CRC) for i in before.infolist()]
        assert after.testzip() is None  # every part unpacks and matches its checksum
        assert all(after.read(n) == before.read(n) for n in before.namelist())
    assert len(again) == len(data)
