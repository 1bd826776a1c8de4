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
import struct
import time
import zipfile
from pathlib import Path

import pytest
from kaoping.data import xlsx_in
from kaoping.data.table import read_table
from kaoping.errors import KaopingError
from kaoping.ruleset.load import load_ruleset

from .conftest import PUBLISHED, ROOT, SEED_RULESET, run_cli
from .test_excel_reader import reference
from .test_trust_data import HANG_GUARD, timed_refusal

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
        f"{path}: the workbook holds more than 1,500,000 cells; kaoping reads a workbook of at most 1,500,000\n"
    )


TOO_MANY = "the workbook holds more than 1,500,000 cells; kaoping reads a workbook of at most 1,500,000"


def test_an_ods_of_more_cell_elements_than_the_cap_is_refused_before_they_are_walked(tmp_path):
    """1,500,012 empty cells, each its own element (12 a row): ElementTree would spend seconds walking them, the
    byte count refuses them in a fraction of one.  Every element counts, filled or not, as <c/> does in .xlsx."""
    path = tmp_path / "elements.ods"
    ods_with(path, ("<table:table-row>" + "<table:table-cell/>" * 12 + "</table:table-row>") * 125_001)
    message, seconds, peak = timed_refusal(path)
    assert message.startswith(f"{path}: {TOO_MANY}\n")
    assert seconds < HANG_GUARD and peak < 20_000_000


@pytest.mark.parametrize("name", ["month.ods", "rates.ods", "bad.ods"])
def test_the_byte_count_of_cell_elements_is_elementtrees(name):
    """The count that refuses an .ods before its walk counts what the walk would: every cell element."""
    from xml.etree import ElementTree

    from kaoping.data import ods_in

    with zipfile.ZipFile(FIXTURES / name) as z:
        walked = sum(1 for _, e in ElementTree.iterparse(z.open("content.xml")) if e.tag in ods_in._CELLS)
        assert ods_in._count_elements(z, 10**9) == walked > 0


def _xls_with_cells(cells: int) -> bytes:
    """month.xls's workbook stream with `cells` RK records (one figure each, the most records a cell) added to its
    last sheet, before that sheet's EOF record: no other sheet's offset moves."""
    from kaoping.data import xls_in

    stream = xls_in.workbook_stream((FIXTURES / "month.xls").read_bytes())
    assert stream.endswith(b"\x0a\x00\x00\x00")  # the last sheet's EOF record ends the stream
    eof = len(stream) - 4
    records = b"".join(
        struct.pack("<HHHHHI", 0x027E, 10, 1000 + n // 200, n % 200, 15, 0x3FF00000) for n in range(cells)
    )
    return stream[:eof] + records + stream[eof:]


def test_an_xls_just_over_the_cap_is_refused_by_a_count_of_its_records(tmp_path, monkeypatch):
    """1,500,001 RK records, each one cell: counted in one tight loop that stops at the cap, before any sheet's
    layout is noted or calamine reads a cell."""
    from kaoping.data import xls_in

    stream, original = _xls_with_cells(1_500_001), _xls_with_cells(0)
    monkeypatch.setattr(xls_in, "workbook_stream", lambda data: stream)
    path = tmp_path / "many.xls"
    shutil.copy(FIXTURES / "month.xls", path)
    start = (
        time.process_time()
    )  # CPU time, and not under tracemalloc, which traces each record's tuple (20 times longer)
    with pytest.raises(KaopingError) as caught:
        read_table(path, load_ruleset(SEED_RULESET))
    seconds = time.process_time() - start
    assert caught.value.problems[0].message == TOO_MANY
    assert seconds < HANG_GUARD
    last = xls_in._globals(stream)[0][-1].offset
    assert xls_in.count_cells(stream, last, 10**9) - xls_in.count_cells(original, last, 10**9) == 1_500_001


def test_more_than_100000_cells_read_as_the_csv_of_the_same_table(tmp_path):
    """25,000 units of seven columns (175,007 cells: the old cap was 100,000) in a workbook Excel's way (shared
    strings), scored exactly as the same table given as CSV."""
    import random

    import kaoping
    import xlsxwriter

    rng = random.Random(10)
    header = ["部门名称", "应办结工单数", "办结工单数", "按期办结工单数", "逾期退单工单数", "告警工单数", "返工工单数"]
    rows = []
    for i in range(25_000):
        due = rng.randint(0, 400)
        completed = rng.randint(0, due)
        rows.append([f"单位{i:05d}", due, completed, rng.randint(0, completed), *(rng.randint(0, 3) for _ in range(3))])
    text = tmp_path / "big.csv"
    text.write_text("\n".join(",".join(map(str, r)) for r in [header, *rows]) + "\n", encoding="utf-8")
    book = tmp_path / "big.xlsx"
    workbook = xlsxwriter.Workbook(str(book))
    sheet = workbook.add_worksheet("2月")
    for n, row in enumerate([header, *rows]):
        sheet.write_row(n, 0, row)
    workbook.close()
    ruleset = kaoping.load(SEED_RULESET)
    from_book, from_text = kaoping.evaluate(ruleset, book).evaluation, kaoping.evaluate(ruleset, text).evaluation
    assert len(from_book.results) == 25_000
    assert list(from_book.results) == list(from_text.results)
    assert from_book.table.encoding == "xlsx sheet 2月"


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
