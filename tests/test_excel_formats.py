""".xls and .ods inputs (engine/data/xls_in.py, ods_in.py) read as the same table saved as .xlsx reads.

The workbooks are tests/fixtures/excel/*.xlsx, made by openpyxl, and the same saved by LibreOffice as .xls and
.ods (tests/fixtures/excel/make.py).  Expected totals come from the published table
(tests/fixtures/published-2024-02.csv) or from the hand arithmetic in tests/test_edge_cases.py; the .xlsx
reading is itself checked against openpyxl's in tests/test_excel_reader.py.
"""

from __future__ import annotations

import csv
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from kaoping.data import xlsx_in
from kaoping.data.table import read_table
from kaoping.errors import KaopingError
from kaoping.ruleset.load import load_ruleset

from .conftest import PUBLISHED, ROOT, SEED_RULESET, run_cli
from .test_excel_reader import reference

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "excel"
SEED = "jintai-hotline@2024.02"
KINDS = ["xls", "ods"]


def published_totals() -> list[tuple[str, str]]:
    with open(PUBLISHED, encoding="utf-8") as f:
        return [(r["department"], r["final_score"]) for r in csv.DictReader(f)]


def fixture(name: str) -> Path:
    return (FIXTURES / name).relative_to(ROOT)


def evaluated(path: Path, ruleset: str = SEED, *extra: str) -> tuple[dict, str]:
    run = run_cli("evaluate", "-r", ruleset, path, "-f", "json", *extra)
    assert run.code == 0, run.err
    return json.loads(run.out), run.err


def sheet_of(path: Path, sheet: str | None = None) -> tuple:
    book = xlsx_in.sheet_rows(path, str(path), sheet)
    return (
        book.rows,
        book.group_rows,
        book.title_rows,
        book.empty_rows,
        sorted(book.merges),
        book.hidden_rows,
        book.sheets,
    )


def test_the_xlsx_fixture_reads_as_openpyxl_read_it():
    path = FIXTURES / "month.xlsx"
    rows, groups, titles, empty, merges, hidden, _ = sheet_of(path)
    want = reference(path, "2月")
    assert (rows, groups, titles, empty, merges, hidden) == (
        want["rows"], want["group_rows"], want["title_rows"], want["empty_rows"], want["merges"], want["hidden_rows"]
    )  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_month_reads_to_the_same_sheet_whatever_its_format(kind):
    """Title row, two-level merged header, hidden row 9, hidden first sheet: the same rows of text."""
    assert sheet_of(FIXTURES / f"month.{kind}") == sheet_of(FIXTURES / "month.xlsx")


@pytest.mark.parametrize("kind", KINDS)
def test_the_month_scores_as_published_and_says_which_sheet_and_rows(kind):
    path = fixture(f"month.{kind}")
    document, err = evaluated(path)
    assert [(r["entity"], r["display"]["total"]) for r in document["results"]] == published_totals()
    assert document["input"]["encoding"] == f"{kind} sheet 2月"
    chosen = (
        f"{path}: read the sheet '2月', the first visible of the workbook's sheets (旧, 2月); "
        "the hidden sheet '旧' was not read; give --sheet NAME to read another"
    )
    hidden = (
        f"{path}: the sheet '2月' hides 1 row (hidden, or left out by a filter) that were read as units like the "
        "others: row 9; unhide them (or clear the filter) to see what was scored"
    )
    assert document["input"]["notes"] == [chosen, hidden]
    assert f"note: {chosen}\n" in err and f"note: {hidden}\n" in err


@pytest.mark.parametrize("kind", KINDS)
def test_a_hidden_sheet_is_read_when_named(kind):
    table = read_table(FIXTURES / f"month.{kind}", load_ruleset(SEED_RULESET), sheet="旧")
    assert len(table.records) == 32 and {r.values["due"] for r in table.records} == {999}


@pytest.mark.parametrize("kind", [*KINDS, "xlsx"])
def test_percentage_cells_read_as_they_are_shown(kind):
    # stored 0.9806, shown 98.06% (tests/test_edge_cases.py: 20 × 98.06 / 100 + 25 + 20 + 15 + 20 = 99.6)
    document, _ = evaluated(fixture(f"rates.{kind}"), "rate-hotline@2025.01")
    (result,) = document["results"]
    assert result["inputs"]["completion_rate"] == 98.06 and result["display"]["total"] == "99.6"


@pytest.mark.parametrize("kind", [*KINDS, "xlsx"])
def test_a_bad_cell_is_named_as_excel_names_it(kind):
    path = fixture(f"bad.{kind}")
    run = run_cli("evaluate", "-r", SEED, path)
    assert run.code == 1 and "Traceback" not in run.err
    assert run.err.splitlines()[0] == f"{path}:Sheet1!D7: 按期办结工单数 (on_time): '三' is not a number"


@pytest.mark.parametrize("kind", KINDS)
def test_a_missing_sheet_is_named_with_the_sheets_there_are(kind):
    with pytest.raises(KaopingError) as caught:
        read_table(FIXTURES / f"month.{kind}", load_ruleset(SEED_RULESET), sheet="3月")
    (problem,) = caught.value.problems
    assert problem.code == "xlsx.sheet-not-found" and problem.hint == "its sheets are: 旧, 2月"


def refused(path: Path) -> str:
    run = run_cli("evaluate", "-r", SEED, path)
    assert run.code == 1 and run.out == "" and "Traceback" not in run.err, run.err
    return run.err


def test_an_ods_named_xlsx_is_told_to_be_renamed(tmp_path):
    path = tmp_path / "month.xlsx"
    shutil.copy(FIXTURES / "month.ods", path)
    assert refused(path) == (
        f"{path}: this is an OpenDocument spreadsheet (.ods), though its name ends in '.xlsx'\n"
        "    hint: rename it to .ods\n1 error\n"
    )


def test_an_xlsx_named_ods_is_told_to_be_renamed(tmp_path):
    path = tmp_path / "month.ods"
    shutil.copy(FIXTURES / "month.xlsx", path)
    assert refused(path).startswith(f"{path}: this is an Excel workbook (.xlsx), though its name ends in '.ods'\n")


def test_text_named_ods_is_not_a_workbook(tmp_path):
    path = tmp_path / "month.ods"
    path.write_text("部门名称,应办结工单数\n甲局,4\n", encoding="utf-8")
    assert "this is not an Excel workbook kaoping can read: it is text (a CSV file?)" in refused(path)


def test_a_damaged_xls_is_refused_in_words(tmp_path):
    path = tmp_path / "cut.xls"
    data = (FIXTURES / "month.xls").read_bytes()
    path.write_bytes(data[: len(data) // 3])
    err = refused(path)
    assert "this old Excel workbook (.xls) cannot be read: it is damaged, or protected by a password" in err
    assert "save it as .xlsx" in err


def test_an_xls_whose_records_are_encrypted_is_refused(tmp_path):
    """A FILEPASS record (the workbook is protected by a password) right after the workbook's BOF record."""
    from kaoping.data import xls_in

    data = bytearray((FIXTURES / "rates.xls").read_bytes())
    stream = xls_in.workbook_stream(bytes(data))
    bof_length = int.from_bytes(stream[2:4], "little")
    second = stream[4 + bof_length : 4 + bof_length + 4]  # the record after BOF, relabelled FILEPASS (0x002F)
    at = data.find(stream[: 4 + bof_length] + second)
    assert at > 0
    data[at + 4 + bof_length : at + 4 + bof_length + 2] = b"\x2f\x00"
    with pytest.raises(ValueError, match="a password"):  # the records say so, not a damaged container
        xls_in._globals(xls_in.workbook_stream(bytes(data)))
    path = tmp_path / "locked.xls"
    path.write_bytes(bytes(data))
    assert "protected by a password" in refused(path)


def ods_with(path: Path, rows_xml: str) -> None:
    """month.ods with its first sheet's rows replaced."""
    with zipfile.ZipFile(FIXTURES / "month.ods") as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    content = parts["content.xml"].decode("utf-8")
    start = content.index("<table:table-row", content.index('table:name="旧"'))
    end = content.index("</table:table>", start)
    parts["content.xml"] = (content[:start] + rows_xml + content[end:]).encode("utf-8")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", parts.pop("mimetype"))
        for name, data in parts.items():
            z.writestr(name, data, zipfile.ZIP_DEFLATED)


def test_an_ods_cell_repeated_past_the_cap_is_refused_before_calamine_builds_it(tmp_path):
    """One cell repeated 16,384 times in each of 1,000,000 rows: 16 billion cells for calamine to make."""
    path = tmp_path / "repeated.ods"
    ods_with(
        path,
        '<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384"'
        ' office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>',
    )
    assert refused(path).startswith(
        f"{path}: the workbook holds more than 100,000 cells; kaoping reads a workbook of at most 100,000\n"
    )


def test_an_ods_sheet_whose_cells_span_too_far_is_refused(tmp_path):
    path = tmp_path / "far.ods"
    ods_with(
        path,
        '<table:table-row><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p>'
        '</table:table-cell></table:table-row><table:table-row table:number-rows-repeated="999998"><table:table-cell/>'
        '</table:table-row><table:table-row><table:table-cell table:number-columns-repeated="99"/>'
        '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
        "</table:table-row>",
    )
    with pytest.raises(KaopingError) as caught:
        read_table(path, load_ruleset(SEED_RULESET), sheet="旧")
    (problem,) = caught.value.problems
    assert problem.code == "xlsx.sheet-too-large" and "1,000,000 rows × 100 columns" in problem.message
