"""combine's year written as the months are published: xlsx, html, docx and pdf (engine/outputs/grid.py).

The periods are city-hotline's January and February 2025 (examples/); the
expected cells are the two months' printed totals and their mean, by hand:
北川县 150.00 and 150.00 -> 150.00; 西城区 150.00 and 140.22 -> 145.11
(290.22 / 2); 经开区 has no February result (missing: skip) -> its January 99.92.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from .conftest import run_cli

PERIODS = ("2025-01=examples/city-hotline-2025-01.csv", "2025-02=examples/city-hotline-2025-02.csv")
HEADER = ["排名", "单位名称", "分组", "2025-01（名次）", "2025-02（名次）", "期间得分"]
BEICHUAN = ["1", "北川县", "县区组", "150.00 (1)", "150.00 (1)", "150.00"]
XICHENG = ["2", "西城区", "县区组", "150.00 (1)", "140.22 (3)", "145.11"]


def combined(tmp_path: Path, suffix: str) -> Path:
    out = tmp_path / f"year{suffix}"
    run = run_cli("combine", "-r", "city-hotline", *PERIODS, "-o", out)
    assert run.code == 0, run.err
    assert run.err.endswith(f"wrote {out}\n")
    return out


def test_the_workbook_holds_the_year(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    sheet = load_workbook(combined(tmp_path, ".xlsx")).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2, max_row=4)]
    # ranks and the combined score are numbers (Excel sorts and sums them), shown with their printed decimals
    assert rows == [HEADER, [1, *BEICHUAN[1:5], 150], [2, *XICHENG[1:5], 145.11]]
    assert sheet["F4"].number_format == "0.00" and sheet["A4"].number_format == "0"
    assert sheet["A1"].value.startswith("某市12345热线承办单位考评")
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "landscape"
    # what stderr says of the year is under the table too: 经开区's February is missing (missing: skip)
    under = [c.value for c in sheet["A"][len(rows) + 10 :] if isinstance(c.value, str)]
    assert any(line.startswith("经开区 has no result in 2025-02") for line in under), under


def test_the_word_document_holds_the_year(tmp_path: Path) -> None:
    from docx import Document

    document = Document(str(combined(tmp_path, ".docx")))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == HEADER
    assert [c.text for c in table.rows[1].cells] == BEICHUAN
    assert [c.text for c in table.rows[2].cells] == XICHENG
    section = document.sections[0]
    assert section.page_width > section.page_height  # landscape
    assert (
        table.rows[0]._tr.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader")
        is not None
    )


def test_the_page_and_its_pdf_hold_the_year(tmp_path: Path) -> None:
    page = combined(tmp_path, ".html").read_text(encoding="utf-8")
    assert '<td class="text">西城区</td>' in page and '<td class="num">145.11</td>' in page
    pdf = combined(tmp_path, ".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M) and "(A4)" in info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "西城区" in text and "145.11" in text and "99.92" in text


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "pdf"])
def test_a_document_without_o_is_a_usage_error(fmt: str) -> None:
    run = run_cli("combine", "-r", "city-hotline", *PERIODS, "-f", fmt)
    assert run.code == 2 and "cannot go to the screen" in run.err


def test_a_year_rewritten_gives_the_same_bytes(tmp_path: Path) -> None:
    (tmp_path / "again").mkdir()
    for suffix in (".xlsx", ".docx"):  # dated by the ruleset's effective date, not the clock
        assert combined(tmp_path, suffix).read_bytes() == combined(tmp_path / "again", suffix).read_bytes()
