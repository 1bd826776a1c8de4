"""Issue 8, reading the month's data: no wrong table without a word, every odd file told what it is.

Totals rows are left out (or named when they only look like one); files that
are not what their name says are told what they are; sizes are checked
before anything is read, and a workbook's parts and cells before openpyxl
parses it.  Expected numbers come from the published table
(tests/fixtures/published-2024-02.csv) or are written here by hand.
"""

from __future__ import annotations

import csv
import json
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
from kaoping.data.table import read_table
from kaoping.errors import KaopingError, render_problems
from kaoping.ruleset.load import load_ruleset

from .conftest import PUBLISHED, SEED_INPUT, SEED_RULESET, run_cli

SEED = "jintai-hotline@2024.02"
HEADER = ["部门名称", "应办结工单数", "办结工单数", "按期办结工单数", "逾期退单工单数", "告警工单数"]
HANG_GUARD = 1.0  # seconds: every hostile file is refused in well under this


def published() -> list[tuple[str, str]]:
    with open(PUBLISHED, encoding="utf-8") as f:
        return [(r["department"], r["final_score"]) for r in csv.DictReader(f)]


def seed_rows() -> list[list[object]]:
    with open(SEED_INPUT, encoding="utf-8") as f:
        return [[row[0], *map(int, row[1:])] for row in list(csv.reader(f))[1:]]


def evaluate_json(path: Path, *extra: str) -> tuple[dict, str]:
    run = run_cli("evaluate", "-r", SEED, path, "-f", "json", *extra)
    assert run.code == 0, run.err
    return json.loads(run.out), run.err


def refusal(path: Path, *extra: str) -> str:
    """The CLI's stderr for a file it must refuse: exit 1, nothing on stdout, no traceback."""
    run = run_cli("evaluate", "-r", SEED, path, *extra)
    assert "Traceback" not in run.err
    assert run.code == 1, run.err
    assert run.out == ""
    return "".join(
        line for line in run.err.splitlines(keepends=True) if not line.startswith("note: ")
    )  # notes other stages add


def timed_refusal(path: Path) -> tuple[str, float, int]:
    """read_table's message for `path`, the CPU time it took to refuse, and the peak memory it allocated.

    CPU time, not the wall clock: on a loaded machine waiting for a core is not the reader's cost, and a
    bound on the wall clock fails for it (it did, with other test runs sharing two cores)."""
    ruleset = load_ruleset(SEED_RULESET)
    tracemalloc.start()
    start = time.process_time()
    with pytest.raises(KaopingError) as caught:
        read_table(path, ruleset)
    seconds = time.process_time() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return render_problems(caught.value.problems, caught.value.total), seconds, peak


def seed_book(path: Path) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "2月"
    ws.append(HEADER)
    for row in seed_rows():
        ws.append(row)
    book.save(path)
    return book


# --- 1. totals rows ---------------------------------------------------------


def test_a_totals_row_under_the_seed_is_left_out_and_the_published_numbers_stand(tmp_path):
    data = tmp_path / "t.csv"
    data.write_bytes(SEED_INPUT.read_bytes() + "合计,1000,1000,990,44,3\r\n".encode())
    document, err = evaluate_json(data)
    assert document["input"]["records"] == 32
    totals = {r["entity"]: r["display"]["total"] for r in document["results"]}
    assert "合计" not in totals
    assert totals["区人力资源和社会保障局"] == "99.88"
    assert sorted(totals.items()) == sorted(published())
    assert f"note: {data}:34:1: the row '合计' is a totals row: left out, not scored as a unit\n" in err


@pytest.mark.parametrize("label", ["合 计", "总计", " 小计 ", "全区合计", "平均", "平均值", "总数"])
def test_every_default_totals_label_is_left_out_even_with_spaces_inside(tmp_path, label):
    data = tmp_path / "t.csv"
    data.write_text(",".join(HEADER) + f"\n甲局,4,4,4,0,0\n乙局,2,2,1,0,0\n{label},6,6,5,0,0\n", encoding="utf-8")
    table = read_table(data, load_ruleset(SEED_RULESET))
    assert [r.values["department"] for r in table.records] == ["甲局", "乙局"]
    assert table.notes == (
        f"{data}:4:1: the row '{''.join(label.split())}' is a totals row: left out, not scored as a unit",
    )


def test_a_totals_row_in_a_workbook_is_left_out_and_named_at_its_cell(tmp_path):
    path = tmp_path / "book.xlsx"
    book = seed_book(path)
    book.active.append(["合计", 1226, 1226, 1203, 44, 3])
    book.save(path)
    document, err = evaluate_json(path)
    assert document["input"]["records"] == 32
    assert sorted((r["entity"], r["display"]["total"]) for r in document["results"]) == sorted(published())
    assert f"note: {path}:2月!A34: the row '合计' is a totals row: left out, not scored as a unit\n" in err


def test_a_totals_label_in_the_number_column_with_the_name_empty_is_a_totals_row(tmp_path):
    data = tmp_path / "seq.csv"
    rows = [
        "序号," + ",".join(HEADER),
        *(f"{n},{','.join(map(str, row))}" for n, row in enumerate(seed_rows(), 1)),
        "合计,,1226,1226,1203,44,3",
    ]
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    document, err = evaluate_json(data)
    assert document["input"]["records"] == 32
    assert sorted((r["entity"], r["display"]["total"]) for r in document["results"]) == sorted(published())
    assert f"note: {data}:34:1: the row '合计' is a totals row: left out, not scored as a unit\n" in err


@pytest.mark.parametrize(
    ("cells", "col", "label"),
    [(["", "总 计", 6, 6, 5, 0, 0], "B", "总计"), (["", "", 6, 6, 5, 0, "平均"], "H", "平均")],
)
def test_a_totals_label_in_any_text_cell_of_a_nameless_workbook_row_is_a_totals_row(tmp_path, cells, col, label):
    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["序号", "备注", *HEADER])
    book.active.append([1, "", "甲局", 4, 4, 4, 0, 0])
    book.active.append([2, "", "乙局", 2, 2, 1, 0, 0])
    book.active.append([cells[0], cells[1], "", *cells[2:]])
    book.save(path)
    table = read_table(path, load_ruleset(SEED_RULESET))
    assert [r.values["department"] for r in table.records] == ["甲局", "乙局"]
    assert table.notes == (f"{path}:Sheet!{col}4: the row '{label}' is a totals row: left out, not scored as a unit",)


@pytest.mark.parametrize("label", ["合计：", "全区合计（32个单位）", "总计(全区)", "小计:"])
def test_a_totals_label_with_a_colon_or_a_bracketed_remark_is_still_a_totals_row(tmp_path, label):
    """The sums of this row match nothing (so no "looks like a totals row" warning would catch it)."""
    path = tmp_path / "t.csv"
    path.write_text(SEED_INPUT.read_text(encoding="utf-8-sig") + f"{label},1,1,1,0,0\n", encoding="utf-8")
    result, err = evaluate_json(path)
    assert [(r["entity"], r["display"]["total"]) for r in result["results"]] == published_totals()
    assert result["input"]["notes"] == [
        f"{path}:34:1: the row '{label}' is a totals row: left out, not scored as a unit"
    ]


def test_a_unit_whose_name_merely_contains_a_totals_word_is_a_unit(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(SEED_INPUT.read_text(encoding="utf-8-sig") + "区合计管理中心,1,1,1,0,0\n", encoding="utf-8")
    result, _ = evaluate_json(path)
    assert len(result["results"]) == 33 and result["input"]["notes"] == []


def test_a_nameless_row_without_a_totals_label_is_still_refused(tmp_path):
    data = tmp_path / "t.csv"
    data.write_text("序号," + ",".join(HEADER) + "\n1,甲局,4,4,4,0,0\n2,,2,2,1,0,0\n", encoding="utf-8")
    assert refusal(data) == f"{data}:3:2: 部门名称 (department) is empty\n    hint: fill in a value\n1 error\n"


def test_a_row_that_sums_the_rows_above_it_is_scored_but_named_in_a_warning(tmp_path):
    data = tmp_path / "t.csv"
    data.write_text(",".join(HEADER) + "\n甲局,4,4,4,0,0\n乙局,2,2,1,1,0\n全区,6,6,5,1,0\n", encoding="utf-8")
    table = read_table(data, load_ruleset(SEED_RULESET))
    assert len(table.records) == 3
    assert table.notes == (
        f"warning: {data}:4:1: the row '全区' looks like a totals row (each of its counts is the sum of the 2 rows above it), "
        "but is scored as a unit; if it is a total, delete it or add its name to the ruleset's entity.totals "
        "(which replaces the usual labels: list those too)",
    )


def test_each_subtotal_is_named_and_a_later_total_sums_the_units_only(tmp_path):
    """Two sections, each closed by an unlabelled subtotal, then a grand total of the four units."""
    data = tmp_path / "t.csv"
    data.write_text(
        ",".join(HEADER) + "\n甲局,4,4,4,0,0\n乙局,2,2,1,1,0\n一组,6,6,5,1,0\n"
        "丙局,3,3,3,0,1\n丁局,5,4,4,0,0\n二组,8,7,7,0,1\n全区,14,13,12,1,1\n",
        encoding="utf-8",
    )
    notes = read_table(data, load_ruleset(SEED_RULESET)).notes
    # 一组 = 甲+乙 (4+2, 4+2, 4+1, 0+1, 0); 二组 = 丙+丁 (3+5, 3+4, 3+4, 0, 1+0); 全区 = the four units
    assert [n.split(": the row ")[1].split(" looks")[0] for n in notes] == ["'一组'", "'二组'", "'全区'"]
    assert "the sum of the 2 rows above it" in notes[0] and "the sum of the 2 rows above it" in notes[1]
    assert "the sum of the 4 rows above it" in notes[2]


def test_a_total_put_first_under_the_header_is_named(tmp_path):
    data = tmp_path / "t.csv"
    data.write_text(",".join(HEADER) + "\n全区,6,6,5,1,0\n甲局,4,4,4,0,0\n乙局,2,2,1,1,0\n", encoding="utf-8")
    notes = read_table(data, load_ruleset(SEED_RULESET)).notes
    assert len(notes) == 1 and notes[0].startswith(
        f"warning: {data}:2:1: the row '全区' looks like a totals row (each of its counts is the sum of the 2 rows below it)"
    )


@pytest.mark.parametrize(
    "label",
    [
        "部门小计",
        "县区组合计",
        "街道总计",
        "全区平均",
        "平均分",
        "平均数",
        "均值",
        "全区平均值",
        "合计【32个单位】",
        "合计数",
        "汇总",
        "全区总数",
        "小计：县区组",
    ],
)
def test_a_name_ending_in_a_totals_word_is_a_totals_row(tmp_path, label):
    data = tmp_path / "t.csv"
    data.write_text(",".join(HEADER) + f"\n甲局,4,4,4,0,0\n{label},9,9,9,0,0\n乙局,2,2,1,1,0\n", encoding="utf-8")
    table = read_table(data, load_ruleset(SEED_RULESET))
    assert [r.values["department"] for r in table.records] == ["甲局", "乙局"]
    assert table.notes == (f"{data}:3:1: the row '{label}' is a totals row: left out, not scored as a unit",)


def test_a_unit_equal_to_the_one_row_above_it_is_not_taken_for_a_total(tmp_path):
    data = tmp_path / "t.csv"
    data.write_text(",".join(HEADER) + "\n甲局,4,4,4,0,0\n乙局,4,4,4,0,0\n", encoding="utf-8")
    assert read_table(data, load_ruleset(SEED_RULESET)).notes == ()


# --- 14. files that are not what they seem -------------------------------------


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-le", "utf-16-be"], ids=["with a BOM", "LE without BOM", "BE without BOM"]
)
def test_a_utf16_csv_is_told_it_is_utf16_and_how_to_save_it(tmp_path, encoding):
    data = tmp_path / "unicode.csv"
    data.write_bytes(SEED_INPUT.read_text(encoding="utf-8").replace(",", "\t").encode(encoding))
    assert refusal(data) == (
        f"{data}: this file is UTF-16 text (what Excel saves as 'Unicode 文本' / 'Unicode Text')\n"
        "    hint: in Excel or WPS, save it as 'CSV UTF-8 (逗号分隔)' ('CSV UTF-8 (Comma delimited)')\n1 error\n"
    )


@pytest.mark.parametrize(
    "encoding", ["utf-32", "utf-32-le", "utf-32-be"], ids=["with a BOM", "LE without BOM", "BE without BOM"]
)
def test_a_utf32_csv_is_told_it_is_utf32_not_utf16(tmp_path, encoding):
    data = tmp_path / "u32.csv"
    data.write_bytes(SEED_INPUT.read_text(encoding="utf-8").encode(encoding))
    assert refusal(data) == (
        f"{data}: this file is UTF-32 text, four bytes a character\n"
        "    hint: in Excel or WPS, or in a text editor, save it as 'CSV UTF-8 (逗号分隔)' ('CSV UTF-8 (Comma delimited)')\n1 error\n"
    )


def test_a_workbook_named_csv_is_told_to_be_renamed(tmp_path):
    path = tmp_path / "month.csv"
    seed_book(path)
    assert (
        refusal(path)
        == f"{path}: this is an Excel workbook (.xlsx), though its name ends in '.csv'\n    hint: rename it to .xlsx\n1 error\n"
    )


def test_a_csv_named_xlsx_is_told_to_be_renamed(tmp_path):
    path = tmp_path / "month.xlsx"
    path.write_bytes(SEED_INPUT.read_bytes())
    assert refusal(path) == (
        f"{path}: this is not an Excel workbook kaoping can read: it is text (a CSV file?), though its name ends in .xlsx\n"
        "    hint: if it is the month's CSV, rename it to .csv\n1 error\n"
    )


@pytest.mark.parametrize("name", ["old.xlsx", "old.csv"])
def test_an_old_xls_under_any_name_is_told_what_it_is(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    assert refusal(path) == (
        f"{path}: this is an old Excel workbook (.xls), or a workbook protected by a password\n"
        "    hint: in Excel or WPS, remove the password and save it as .xlsx (or as CSV UTF-8)\n1 error\n"
    )


def test_a_web_page_saved_as_xls_is_told_it_is_a_web_page(tmp_path):
    path = tmp_path / "export.xls"
    path.write_text("<html><body><table><tr><td>部门名称</td></tr></table></body></html>", encoding="utf-8")
    assert "this is a web page (HTML)" in refusal(path)


def test_a_notes_sheet_first_is_one_problem_naming_sheet_and_the_sheets(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表为二月数据，见下一页"])
    data = book.create_sheet("2月")
    data.append(HEADER)
    data.append(["甲局", 4, 4, 4, 0, 0])
    path = tmp_path / "book.xlsx"
    book.save(path)
    assert refusal(path) == (
        f"{path}: the sheet '说明' has no header row naming the ruleset's columns (部门名称, 应办结工单数, 办结工单数, …)\n"
        "    hint: its sheets are '说明', '2月': give --sheet the one that holds the figures (e.g. --sheet '2月')\n1 error\n"
    )
    assert run_cli("evaluate", "-r", SEED, path, "--sheet", "2月").code == 0


def test_a_notes_sheet_with_a_misspelt_header_still_gets_its_near_miss(tmp_path):
    """Only a sheet naming nothing of the ruleset is taken for the wrong sheet: a misspelling is told as one."""
    book = openpyxl.Workbook()
    book.active.append(["部门名", *HEADER[1:]])
    book.active.append(["甲局", 4, 4, 4, 0, 0])
    book.create_sheet("说明")
    path = tmp_path / "book.xlsx"
    book.save(path)
    assert refusal(path) == (
        f"{path}:Sheet!A1: the required column '部门名称' (department) is missing\n"
        "    hint: the column '部门名' looks close: rename it to '部门名称', or add it to the input's aliases\n1 error\n"
    )


def test_a_group_header_over_an_inputs_own_label_is_read(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["部门名称", "应办结工单数", "办结情况", None, "逾期退单工单数", "告警工单数"])
    ws.append([None, None, "办结工单数", "按期办结工单数", None, None])
    for merged in ("A1:A2", "B1:B2", "C1:D1", "E1:E2", "F1:F2"):
        ws.merge_cells(merged)
    for row in seed_rows():
        ws.append(row)
    path = tmp_path / "grouped.xlsx"
    book.save(path)
    document, err = evaluate_json(path)
    assert sorted((r["entity"], r["display"]["total"]) for r in document["results"]) == sorted(published())
    assert "note: columns not used" not in err


def test_a_formula_without_a_saved_result_is_named_at_its_cell(tmp_path):
    path = tmp_path / "computed.xlsx"
    book = seed_book(path)
    book.active["C3"] = "=B3"  # openpyxl writes the formula and no value, as a program does
    book.active["E5"] = "=0"
    book.save(path)
    assert refusal(path) == (
        f"{path}:2月!C3: formula without a saved result\n    hint: open and save it in Excel/WPS, so that its formulas are computed and saved\n"
        f"{path}:2月!E5: formula without a saved result\n    hint: open and save it in Excel/WPS, so that its formulas are computed and saved\n"
        "2 errors\n"
    )


# --- 15. hostile files --------------------------------------------------------


def test_a_sparse_1_GB_csv_is_refused_from_its_size_at_once_in_no_memory(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.truncate(2**30)
    message, seconds, peak = timed_refusal(path)
    assert message == (
        f"{path}: the file is 1,024 MB; kaoping reads inputs of at most 200 MB\n"
        "    hint: a month's records are far smaller: check that this is the right file, or split it\n1 error"
    )
    assert seconds < 0.1 and peak < 1_000_000


def test_a_file_name_too_long_is_told_not_a_traceback(tmp_path):
    path = tmp_path / ("长" * 100 + ".csv")  # 300 bytes: beyond the 255 a name may have
    message, _, _ = timed_refusal(path)
    assert message == (
        f"{path}: cannot read the input file: File name too long\n"
        "    hint: a file name may be at most 255 bytes (a Chinese character takes 3): rename the file\n1 error"
    )


def test_an_unreadable_file_is_told_not_a_traceback(tmp_path, monkeypatch):
    """The system refuses to open it (chmod 0 as an ordinary user; root reads anything, so CI would
    never see the refusal: the refusal itself is made here, where the reader opens the file)."""
    path = tmp_path / "locked.csv"
    path.write_bytes(SEED_INPUT.read_bytes())
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", refuse)
    assert "cannot read the input file: Permission denied" in timed_refusal(path)[0]


def test_a_folder_is_not_read_as_data(tmp_path):
    assert timed_refusal(tmp_path)[0].startswith(f"{tmp_path}: this is a folder, not a data file\n")


def test_a_header_with_a_million_columns_is_refused_quickly_in_little_memory(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(
        ",".join(HEADER) + "," + ",".join(f"c{i}" for i in range(1_000_000)) + "\n甲局,4,4,4,0,0\n", encoding="utf-8"
    )
    message, seconds, peak = timed_refusal(path)
    assert message.startswith(
        f"{path}:1:16385: the header row has 1,000,006 cells; a table has at most 16,384 columns (Excel's own limit)\n"
    )
    assert seconds < HANG_GUARD
    assert peak < 3 * path.stat().st_size  # the file's bytes, read once; parsing them took 20 times as much


def test_a_wide_header_of_quoted_cells_below_a_title_is_refused_from_its_bytes(tmp_path):
    path = tmp_path / "wide.csv"
    cells = ",".join(f'"c{i}"' for i in range(100_000))
    path.write_text(f'"2024年2月考评表"\n\n{",".join(HEADER)},{cells}\n甲局,4,4,4,0,0\n', encoding="gbk")
    message, seconds, peak = timed_refusal(path)
    assert message.startswith(
        f"{path}:3:16385: the header row has more than 16,384 cells; a table has at most 16,384 columns (Excel's own limit)\n"
    )
    assert seconds < HANG_GUARD and peak < 3 * path.stat().st_size


def test_commas_inside_a_quoted_header_cell_do_not_make_the_header_wide(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(",".join(HEADER) + ',"说明' + "，,"[1] * 20_000 + '"\n甲局,4,4,4,0,0\n', encoding="utf-8")
    table = read_table(path, load_ruleset(SEED_RULESET))
    assert [r.values["department"] for r in table.records] == ["甲局"]


def _rewrite(path: Path, part: str, write) -> None:
    """`path` with its `part` replaced by what `write(file)` writes, streamed (never held in memory)."""
    original = zipfile.ZipFile(path)
    out = path.with_suffix(".new")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for info in original.infolist():
            if info.filename != part:
                z.writestr(info.filename, original.read(info.filename))
        with z.open(part, "w", force_zip64=True) as f:
            write(f)
    original.close()
    out.replace(path)


def _padding(megabytes: int, head: bytes = b"", tail: bytes = b""):
    def write(f) -> None:
        f.write(head)
        block = b" " * 2**20
        for _ in range(megabytes):
            f.write(block)
        f.write(tail)

    return write


@pytest.mark.parametrize(
    ("part", "megabytes", "cap"),
    [("docProps/core.xml", 17, 16), ("xl/worksheets/sheet1.xml", 201, 200)],
    ids=["document properties", "whitespace in a sheet"],
)
def test_a_zip_bomb_is_refused_from_its_declared_sizes_before_openpyxl(tmp_path, part, megabytes, cap):
    path = tmp_path / "bomb.xlsx"
    seed_book(path)
    _rewrite(path, part, _padding(megabytes, b'<?xml version="1.0"?>'))
    assert path.stat().st_size < 2**20
    message, seconds, peak = timed_refusal(path)
    assert message.startswith(
        f"{path}: the part {part} of this workbook unpacks to {megabytes} MB; kaoping reads at most {cap} MB\n"
    )
    assert seconds < HANG_GUARD and peak < 10_000_000


def test_a_200_MB_shared_string_is_refused_before_openpyxl(tmp_path):
    path = tmp_path / "strings.xlsx"
    seed_book(path)
    head = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as z,
        z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f,
    ):
        _padding(200, head, b"</t></si></sst>")(f)
    message, seconds, _ = timed_refusal(path)
    assert message.startswith(
        f"{path}: the part xl/sharedStrings.xml of this workbook unpacks to 200 MB; kaoping reads at most 64 MB\n"
    )
    assert seconds < HANG_GUARD


@pytest.mark.parametrize("stray", ["XFD300", "F800000"])
def test_one_stray_cell_far_away_is_refused_within_a_second_without_building_the_bounding_box(tmp_path, stray):
    path = tmp_path / "stray.xlsx"
    book = seed_book(path)
    book.active[stray] = 1
    book.save(path)
    assert path.stat().st_size < 10_000
    message, seconds, peak = timed_refusal(path)
    if stray == "XFD300":  # beyond the table, in a row empty under it: one problem, with a workbook's own hint
        assert message == (
            f"{path}:2月!XFD300: this row has 16384 cells but the header has 6\n"
            "    hint: delete what is beyond the table's last column (F), or give its column a header\n1 error"
        )
    else:
        assert f"{path}:2月!A800000: 部门名称 (department) is empty\n" in message + "\n"
    assert seconds < HANG_GUARD and peak < 50_000_000


def test_a_stray_cell_beyond_a_filled_workbook_row_gets_no_separator_hint(tmp_path):
    path = tmp_path / "stray.xlsx"
    book = seed_book(path)
    book.active["H5"] = "备注"
    book.save(path)
    assert refusal(path) == (
        f"{path}:2月!H5: this row has 8 cells but the header has 6\n"
        "    hint: delete what is beyond the table's last column (F), or give its column a header\n1 error\n"
    )


def test_a_merge_over_the_whole_sheet_is_refused_before_openpyxl_makes_its_cells(tmp_path):
    path = tmp_path / "merge.xlsx"
    seed_book(path)
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")  # openpyxl itself would make every cell of the merge
    merged = sheet.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="H1:XFD1048576"/></mergeCells>'
    )
    _rewrite(path, "xl/worksheets/sheet1.xml", lambda f: f.write(merged))
    message, seconds, _ = timed_refusal(path)
    assert message.startswith(
        f"{path}: the workbook holds 17,172,529,350 cells; kaoping reads a workbook of at most 1,500,000\n"
    )
    assert seconds < HANG_GUARD


def _sheet_of(rows: int, dimension: str, cell: str = '<c r="{c}{r}"><v>1</v></c>', prefix: str = ""):
    """A sheet's XML of `rows` rows of six cells, written in pieces, declaring `dimension`.  Each row is one
    %-format of a template (the cells' letters filled in once), so a sheet of 1.5M cells takes a fraction of a
    second to make."""
    p = f"{prefix}:" if prefix else ""
    ns = f' xmlns{":" + prefix if prefix else ""}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    template = f'<{p}row r="%(r)d">' + "".join(cell.format(c=c, r="%(r)d", p=p) for c in "ABCDEF") + f"</{p}row>"

    def write(f) -> None:
        f.write(f'<?xml version="1.0"?><{p}worksheet{ns}><{p}dimension ref="{dimension}"/><{p}sheetData>'.encode())
        for start in range(1, rows + 1, 10_000):
            f.write("".join(template % {"r": r} for r in range(start, min(start + 10_000, rows + 1))).encode())
        f.write(f"</{p}sheetData></{p}worksheet>".encode())

    return write


JUST_OVER = 250_001  # rows of six cells: 1,500,006 cells, six more than the cap


@pytest.mark.parametrize("dimension", ["A1:F250001", "A1:F33"], ids=["honest dimension", "lying dimension"])
def test_a_workbook_just_over_the_cap_is_refused_within_a_second(tmp_path, dimension):
    """The reviewer's 4.92M cells took 3 s to count with a regular expression; counting stops at the cap
    (1,500,000), and counts bytes only: the slower notes on the chosen sheet are never made for a refused one."""
    path = tmp_path / "many.xlsx"
    seed_book(path)
    _rewrite(path, "xl/worksheets/sheet1.xml", _sheet_of(JUST_OVER, dimension))
    message, seconds, peak = timed_refusal(path)
    assert message == (
        f"{path}: the workbook holds more than 1,500,000 cells; kaoping reads a workbook of at most 1,500,000\n"
        "    hint: copy the month's table to a workbook of its own, or save the sheet as CSV UTF-8 (a CSV may be much larger)\n1 error"
    )
    assert seconds < HANG_GUARD and peak < 20_000_000


@pytest.mark.parametrize(
    ("cell", "prefix"),
    [
        ('<{p}c r="{c}{r}"/>', ""),
        ('<{p}c\nr="{c}{r}"><{p}v>1</{p}v></{p}c>', ""),
        ('<{p}c r="{c}{r}"><{p}v>1</{p}v></{p}c>', "x"),
    ],
    ids=["empty cells", "a line break in the tag", "a namespace prefix"],
)
def test_every_way_of_writing_a_cell_counts_towards_the_cap(tmp_path, cell, prefix):
    path = tmp_path / "many.xlsx"
    seed_book(path)
    _rewrite(path, "xl/worksheets/sheet1.xml", _sheet_of(JUST_OVER, f"A1:F{JUST_OVER}", cell, prefix))
    assert timed_refusal(path)[0].startswith(f"{path}: the workbook holds more than 1,500,000 cells")


def test_a_truncated_workbook_is_told_in_words(tmp_path):
    path = tmp_path / "cut.xlsx"
    seed_book(path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert refusal(path) == (
        f"{path}: this workbook is damaged or cut short (truncated): its contents cannot be unpacked\n"
        "    hint: if Excel or WPS opens it, save it again as .xlsx; otherwise ask for the file again\n1 error\n"
    )


def test_a_workbook_with_damaged_compressed_data_is_told_in_words(tmp_path):
    path = tmp_path / "bad.xlsx"
    seed_book(path)
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    raw = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    raw[start : start + 40] = b"\xff" * 40  # the sheet's deflated bytes, overwritten
    path.write_bytes(bytes(raw))
    err = refusal(path)
    assert err.startswith(
        f"{path}: this workbook is damaged or cut short (truncated): its contents cannot be unpacked\n"
    )
    assert "Error" not in err and "Exception" not in err


def test_a_workbook_whose_sheet_is_encrypted_is_told_in_words(tmp_path):
    """zipfile refuses a part marked encrypted (bit 0 of its flags) with a RuntimeError, which reached the user."""
    path = tmp_path / "locked.xlsx"
    seed_book(path)
    raw = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # the part's local header and its directory entry
        at = raw.find(signature)
        while at >= 0 and name not in raw[at : at + 46 + len(name) + 2]:
            at = raw.find(signature, at + 4)
        raw[at + flags] |= 1
    path.write_bytes(bytes(raw))
    assert refusal(path) == (
        f"{path}: this workbook is packed or encrypted in a way kaoping cannot undo\n"
        "    hint: in Excel or WPS, remove any password and save it as .xlsx\n1 error\n"
    )


def test_a_workbook_missing_its_sheet_is_told_in_words(tmp_path):
    """openpyxl leaves out a sheet whose part is missing, and reading its first sheet raised an IndexError."""
    path = tmp_path / "nosheet.xlsx"
    seed_book(path)
    with zipfile.ZipFile(path) as original:
        parts = {
            i.filename: original.read(i.filename)
            for i in original.infolist()
            if i.filename != "xl/worksheets/sheet1.xml"
        }
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert refusal(path) == (
        f"{path}: this workbook is damaged: it lists the sheet '2月', but the sheet's data (xl/worksheets/sheet1.xml) is missing\n"
        "    hint: if Excel or WPS opens it, save it again as .xlsx; otherwise ask for the file again\n1 error\n"
    )


def published_totals() -> list[tuple[str, str]]:
    """(unit, final score) of the published February table, in its order."""
    with open(PUBLISHED, encoding="utf-8") as f:
        return [(r["department"], r["final_score"]) for r in csv.DictReader(f)]


def two_month_book(path: Path, hide_first: bool = False) -> None:
    """A workbook of two sheets: 旧 (an old month, every unit's due 999) and 2月 (the seed month)."""
    book = openpyxl.Workbook()
    old = book.active
    old.title = "旧"
    old.append(HEADER)
    for row in seed_rows():
        old.append([row[0], 999, *row[2:]])
    if hide_first:
        old.sheet_state = "hidden"
    month = book.create_sheet("2月")
    month.append(HEADER)
    for row in seed_rows():
        month.append(row)
    if hide_first:
        book.active = 1
    book.save(path)


def test_a_workbook_whose_first_sheets_data_is_missing_is_refused_not_read_from_the_next_sheet(tmp_path):
    """openpyxl drops a sheet whose part is missing, so its "first sheet" was silently the next month."""
    path = tmp_path / "two.xlsx"
    two_month_book(path)
    with zipfile.ZipFile(path) as original:
        parts = {
            i.filename: original.read(i.filename)
            for i in original.infolist()
            if i.filename != "xl/worksheets/sheet1.xml"
        }
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert refusal(path) == (
        f"{path}: this workbook is damaged: it lists the sheet '旧', but the sheet's data (xl/worksheets/sheet1.xml) is missing\n"
        "    hint: if Excel or WPS opens it, save it again as .xlsx; otherwise ask for the file again (or give --sheet one of: 2月)\n"
        "1 error\n"
    )


def test_a_hidden_first_sheet_is_not_read_and_the_note_says_which_sheet_was(tmp_path):
    path = tmp_path / "hidden.xlsx"
    two_month_book(path, hide_first=True)
    result, err = evaluate_json(path)
    # the published table, not the hidden sheet's (where every due is 999)
    assert [(r["entity"], r["display"]["total"]) for r in result["results"]] == published_totals()
    note = f"{path}: read the sheet '2月', the first visible of the workbook's sheets (旧, 2月); the hidden sheet '旧' was not read; give --sheet NAME to read another"
    assert f"note: {note}\n" in err and result["input"]["notes"] == [note]


def test_which_of_several_sheets_was_read_is_said(tmp_path):
    path = tmp_path / "two.xlsx"
    two_month_book(path)
    result, err = evaluate_json(path, "--sheet", "2月")
    assert result["input"]["notes"] == []  # named by the user: nothing to say
    run = run_cli("evaluate", "-r", SEED, path, "-f", "json")
    assert (
        f"note: {path}: read the sheet '旧', the first of the workbook's sheets (旧, 2月); give --sheet NAME to read another\n"
        in run.err
    )


def test_kaopings_own_provenance_sheet_is_no_choice_and_gets_no_note(tmp_path):
    out = tmp_path / "2024-02.xlsx"
    assert run_cli("evaluate", "-r", SEED, SEED_INPUT, "-o", out).code == 0
    result, err = evaluate_json(out)
    assert result["input"]["notes"] == [] and "read the sheet" not in err


def test_an_xml_entity_bomb_in_a_workbook_is_refused_in_words_before_it_is_parsed(tmp_path):
    path = tmp_path / "ent.xlsx"
    seed_book(path)
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    entities = "".join(f'<!ENTITY e{n} "{f"&e{n - 1};" * 10 if n else "x" * 10}">' for n in range(9))
    bomb = f"<!DOCTYPE worksheet [{entities}]>".encode() + sheet.replace(b"<t>", b"<t>&e8;", 1)
    _rewrite(path, "xl/worksheets/sheet1.xml", lambda f: f.write(bomb))
    message, seconds, peak = timed_refusal(path)
    assert message == (
        f"{path}: the part xl/worksheets/sheet1.xml of this workbook declares XML entities (<!DOCTYPE ...>), which kaoping refuses to expand\n"
        "    hint: Excel and WPS never write them (a damaged or hostile file): copy the table to a new workbook, or save it as CSV UTF-8\n1 error"
    )
    assert seconds < HANG_GUARD and peak < 10_000_000


def test_a_10_MB_cell_in_a_workbook_is_refused_not_read_cut_to_excels_limit(tmp_path):
    path = tmp_path / "long.xlsx"
    book = seed_book(path)
    book.active["A2"] = "局" * 10_000_000
    book.save(path)
    message, seconds, _ = timed_refusal(path)
    assert message == (
        f"{path}:2月!A2: this cell holds 32,767 characters or more, Excel's most, so its text may have been cut off\n"
        "    hint: no name or figure is this long: check the cell\n1 error"
    )
    assert seconds < 5 * HANG_GUARD  # openpyxl reads the 30 MB string before it can be measured


# --- 15. what a user would want to hear about ------------------------------------


def test_kaopings_own_csv_escape_is_taken_off_on_read_back(tmp_path):
    data = tmp_path / "back.csv"
    data.write_text(
        ",".join(HEADER) + "\n'=HYPERLINK(\"x\"),4,4,4,0,0\n'@,2,2,1,0,0\n''@,3,3,3,0,0\n'quoted,1,1,1,0,0\n",
        encoding="utf-8",
    )
    table = read_table(data, load_ruleset(SEED_RULESET))
    assert [r.values["department"] for r in table.records] == ['=HYPERLINK("x")', "@", "'@", "'quoted"]


def test_a_workbook_cell_keeps_its_leading_quote(tmp_path):
    path = tmp_path / "q.xlsx"
    book = seed_book(path)
    book.active["A2"] = "'@东风路街道办"  # typed with two quotes in Excel: the text really starts with one
    book.save(path)
    names = [r.values["department"] for r in read_table(path, load_ruleset(SEED_RULESET)).records]
    assert names[0] == "'@东风路街道办"


def test_units_on_hidden_rows_are_read_and_said(tmp_path):
    """A filtered sheet shows fewer units than kaoping ranks: the rows it hides are named."""
    path = tmp_path / "filtered.xlsx"
    book = seed_book(path)
    ws = book["2月"]
    ws.row_dimensions[5].hidden = True
    ws.row_dimensions[9].hidden = True
    book.save(path)
    result, err = evaluate_json(path)
    assert [(r["entity"], r["display"]["total"]) for r in result["results"]] == published_totals()  # all 32 are scored
    note = (
        f"{path}: the sheet '2月' hides 2 rows (hidden, or left out by a filter) that were read as units like the others: "
        "rows 5, 9; unhide them (or clear the filter) to see what was scored"
    )
    assert result["input"]["notes"] == [note] and f"note: {note}\n" in err
