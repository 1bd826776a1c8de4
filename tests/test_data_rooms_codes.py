"""Problem codes on what the data stage refuses: every bad-data case through the Python API, every call site in engine/data/.

A problem's code is what a script matches on (the message may be reworded or
translated), so every problem engine/data/ makes carries one.  The bad-data
cases are run as a program embedding kaoping runs them; a case may fail in a
later stage (scoring's division by zero), whose codes are that stage's to
give, so only the problems the data stage itself raises are held to a code
here: those read_table raises for the same file and ruleset.
"""

from __future__ import annotations

import ast
import zipfile
from pathlib import Path

import kaoping
import openpyxl
import pytest
from kaoping.data import xlsx_in
from kaoping.data.table import read_table
from kaoping.errors import CODE

from .conftest import ROOT, SEED_INPUT
from .test_invalid_cases import BAD_DATA, relative, ruleset_for

DATA = ROOT / "engine" / "data"
LATER_STAGES = {"divzero"}  # bad-data cases whose records are sound: the mistake is found when they are scored


def load(ruleset: str) -> kaoping.Ruleset:
    return kaoping.load(ruleset, rulesets=ROOT / "rulesets")


@pytest.mark.parametrize("case", BAD_DATA, ids=lambda p: p.stem)
def test_every_problem_the_data_stage_finds_in_a_bad_data_case_has_a_code(case, monkeypatch):
    monkeypatch.chdir(ROOT)  # problems are placed at the path as given, as in the golden stderr
    ruleset = load(ruleset_for(case))
    with pytest.raises(kaoping.KaopingError) as raised:
        kaoping.evaluate(ruleset, relative(case))
    try:
        read_table(Path(relative(case)), ruleset.model)
    except kaoping.KaopingError as e:
        ours = e.problems
    else:
        assert case.stem in LATER_STAGES, f"{case.stem}: the data stage found nothing wrong"
        return
    assert raised.value.problems == ours  # the API refuses the file with exactly the data stage's problems
    assert [p.code for p in ours if not CODE.fullmatch(p.code)] == []


def calls_without_a_code(path: Path) -> list[str]:
    """Every Problem(...) and fail(...) in `path` that passes no code=, as file:line."""
    missing = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("Problem", "fail"):
            code = next((k.value for k in node.keywords if k.arg == "code"), None)
            if code is None or (isinstance(code, ast.Constant) and not CODE.fullmatch(str(code.value))):
                missing.append(f"{path.name}:{node.lineno}")
    return missing


def test_every_problem_made_in_engine_data_passes_a_code():
    files = sorted(DATA.glob("*.py"))
    assert len(files) > 5
    assert [where for path in files for where in calls_without_a_code(path)] == []


def test_every_literal_code_in_engine_data_is_in_the_data_stage_s_areas():
    codes = {
        node.value.value
        for path in DATA.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.keyword) and node.arg == "code" and isinstance(node.value, ast.Constant)
    }
    assert codes and all(CODE.fullmatch(c) for c in codes)
    assert {c.split(".")[0] for c in codes} <= {"csv", "xlsx", "data", "file"}


def code_of(path: Path, sheet: str | None = None) -> list[str]:
    with pytest.raises(kaoping.KaopingError) as raised:
        kaoping.evaluate(load("jintai-hotline@2024.02"), path, sheet=sheet)
    return [p.code for p in raised.value.problems]


def seed_book(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "2月"
    for line in SEED_INPUT.read_text(encoding="utf-8-sig").splitlines():
        name, *counts = line.split(",")
        ws.append([name, *(int(c) if c.isdigit() else c for c in counts)])
    book.save(path)
    return path


def test_the_file_s_own_refusals_have_their_codes(tmp_path):
    assert code_of(tmp_path / "absent.csv") == ["file.not-found"]
    assert code_of(tmp_path) == ["file.folder"]
    page = tmp_path / "month.csv"
    page.write_text("<html><body><table></table></body></html>", encoding="utf-8")
    assert code_of(page) == ["file.web-page"]
    named = tmp_path / "month.xlsx"
    named.write_text("部门名称,应办结工单数\n", encoding="utf-8")
    assert code_of(named) == ["file.not-a-workbook"]
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("部门名称,应办结工单数\n".encode("utf-16"))
    assert code_of(utf16) == ["csv.utf16"]


def test_a_workbook_s_refusals_have_their_codes(tmp_path):
    book = seed_book(tmp_path / "book.xlsx")
    assert code_of(book, sheet="3月") == ["xlsx.sheet-not-found"]
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(book.read_bytes()[:200])
    assert code_of(cut) == ["xlsx.damaged-zip"]


def without_number_formats(book: Path, out: Path) -> Path:
    """`book` with its styles' custom number formats deleted, the cells still naming them (a damaged styles part)."""
    with zipfile.ZipFile(book) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    styles = parts["xl/styles.xml"].decode()
    start, end = styles.index("<numFmts"), styles.index("</numFmts>") + len("</numFmts>")
    parts["xl/styles.xml"] = (styles[:start] + styles[end:]).encode()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out


def test_a_cell_naming_a_number_format_the_workbook_lacks_is_a_damaged_workbook_not_a_traceback(tmp_path):
    path = seed_book(tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(path)
    book.active["B2"].number_format = "0.0%"
    book.save(path)
    damaged = without_number_formats(path, tmp_path / "damaged.xlsx")
    with pytest.raises(kaoping.KaopingError) as raised:
        kaoping.evaluate(load("jintai-hotline@2024.02"), damaged)
    (problem,) = raised.value.problems
    assert problem.code == "xlsx.missing-part"
    assert problem.message == "this workbook is damaged or incomplete: a part every workbook has is missing"


def test_a_mistake_in_kaoping_s_own_reading_of_a_sheet_shows_as_the_bug_it_is(tmp_path, monkeypatch):
    """Only openpyxl's own lookups are read as a damaged workbook: a ValueError in kaoping's code is not hidden."""
    path = seed_book(tmp_path / "book.xlsx")

    def broken(value: object, number_format: str = "General") -> str:
        raise ValueError("a bug in kaoping")

    monkeypatch.setattr(xlsx_in, "_text", broken)
    with pytest.raises(ValueError, match="a bug in kaoping"):
        kaoping.evaluate(load("jintai-hotline@2024.02"), path)
