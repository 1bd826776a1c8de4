"""-f docx: the published table as a Word document, read back with python-docx and rendered as a person sees it.

Every expected text is written here by hand from the published February 2024
table (tests/fixtures/published-2024-02.csv) and the ruleset's report layout;
none is produced by the code under test.  The rendering test converts the
document to PDF with LibreOffice (headless) and the PDF to PNG with pdftoppm,
both installed by .ci/run.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.shared import Cm

from .conftest import SEED_INPUT, run_cli

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# the header's two rows cell by cell (w:tc), as the report layout declares them: (text, gridSpan, vMerge)
HEADER_TOP = [
    ("序号", 1, "restart"),
    ("部门名称", 1, "restart"),
    ("应办结工单数", 1, "restart"),
    ("办结得分（35分）", 2, None),
    ("按期办结得分（40分）", 2, None),
    ("逾期退单得分（5分）", 2, None),
    ("告警工单得分（10分）", 2, None),
    ("工作量得分（5分）", 3, None),
    ("返工工单得分（5分）", 1, "restart"),
    ("最终得分", 1, "restart"),
]
HEADER_BOTTOM = [
    ("", 1, "continue"),
    ("", 1, "continue"),
    ("", 1, "continue"),
    ("工单数", 1, None),
    ("得分", 1, None),
    ("工单数", 1, None),
    ("得分", 1, None),
    ("工单数", 1, None),
    ("得分", 1, None),
    ("工单数", 1, None),
    ("得分", 1, None),
    ("办结工单数量", 1, None),
    ("办结最高分值", 1, None),
    ("得分", 1, None),
    ("", 1, "continue"),
    ("", 1, "continue"),
]
# rows of the published table (its rework column prints 5; every score shows the ruleset's 2 decimals)
PUBLISHED_ROWS = {
    1: "1 区人力资源和社会保障局 343 343 35.00 342 39.88 0 5.00 0 10.00 343 343 5.00 5.00 99.88",
    24: "24 区市场监督管理局 117 117 35.00 117 40.00 1 4.89 1 6.67 117 343 1.71 5.00 93.26",
    32: "32 长乐塬管委办 2 2 35.00 0 0.00 0 5.00 0 10.00 2 343 0.03 5.00 55.03",
}


def seed_docx(tmp_path: Path, *extra: str) -> Path:
    target = tmp_path / "2024-02.docx"
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "--period", "2024-02", "-o", target, *extra)
    assert run.code == 0, run.err
    return target


def cells(row: object) -> list[tuple[str, int, str | None]]:
    """A table row's cells as written (w:tc): text, columns spanned, vertical merge."""
    out = []
    for tc in row._tr.tc_lst:  # type: ignore[attr-defined]
        merge = tc.find(f"{W}tcPr/{W}vMerge")
        vmerge = None if merge is None else merge.get(f"{W}val", "continue")
        text = "".join(t.text or "" for t in tc.iter(f"{W}t"))
        out.append((text, tc.grid_span, vmerge))
    return out


def test_the_seed_document_holds_the_published_table(tmp_path: Path) -> None:
    document = docx.Document(str(seed_docx(tmp_path)))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[0] == "2024年2月区级各部门市民热线办理考评表"
    (table,) = document.tables
    assert cells(table.rows[0]) == HEADER_TOP
    assert cells(table.rows[1]) == HEADER_BOTTOM
    assert len(table.rows) == 2 + 32
    for serial, expected in PUBLISHED_ROWS.items():
        assert " ".join(text for text, _span, _merge in cells(table.rows[1 + serial])) == expected


def test_the_page_is_a4_landscape_and_the_header_repeats(tmp_path: Path) -> None:
    document = docx.Document(str(seed_docx(tmp_path)))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (29.7, 21.0)
    assert section.orientation == 1  # WD_ORIENT.LANDSCAPE
    (table,) = document.tables
    repeated = [row._tr.find(f"{W}trPr/{W}tblHeader") is not None for row in table.rows]
    assert repeated == [True, True] + [False] * 32
    assert all(row._tr.find(f"{W}trPr/{W}cantSplit") is not None for row in table.rows)
    widths = [column.width for column in table.columns]
    usable = Cm(29.7) - section.left_margin - section.right_margin
    assert abs(sum(widths) - usable) < Cm(0.05)
    name = widths[1]  # 部门名称: 市自然资源和规划局金台分局, 13 characters of 10.5 pt, on one line
    assert name > Cm(13 * 10.5 / 72 * 2.54)


def test_fonts_are_those_of_government_documents(tmp_path: Path) -> None:
    document = docx.Document(str(seed_docx(tmp_path)))
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.get(qn("w:ascii")) == "Times New Roman"
    heading = next(p for p in document.paragraphs if p.text)
    assert heading.runs[0].element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    (table,) = document.tables
    top = table.rows[0].cells[0].paragraphs[0].runs[0]
    assert top.element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    body = table.rows[2].cells[1].paragraphs[0]
    assert body.style.name == "Normal" and body.runs[0].element.rPr is None  # a unit's cell: the Normal style's fonts
    # a computer without 仿宋_GB2312 falls back to 仿宋 (the font table's altName) in the GB2312 character set
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    fonts = document.part.part_related_by(RT.FONT_TABLE).blob.decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in fonts


def test_the_footer_is_one_line_of_provenance(tmp_path: Path) -> None:
    document = docx.Document(str(seed_docx(tmp_path)))
    (line,) = [p.text for p in document.sections[0].footer.paragraphs if p.text]
    assert line.startswith("jintai-hotline@2024.02 (sha256 ")
    assert " · jintai-hotline-2024-02.csv (sha256 " in line
    assert line.endswith(" · 32 units · kaoping 0.1.0")


def test_a_what_if_says_so_above_the_title(tmp_path: Path) -> None:
    document = docx.Document(str(seed_docx(tmp_path, "--set", "timeliness.weight=45", "--set", "completion.weight=30")))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[0].startswith("WHAT-IF, not an adopted ruleset: jintai-hotline@2024.02")
    assert texts[1] == "2024年2月区级各部门市民热线办理考评表"


def test_the_same_month_gives_the_same_bytes(tmp_path: Path) -> None:
    first = seed_docx(tmp_path).read_bytes()
    assert seed_docx(tmp_path).read_bytes() == first


def test_docx_without_o_is_a_usage_error(tmp_path: Path) -> None:
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "docx")
    assert run.code == 2
    assert run.out == ""
    assert "-f docx writes a file that cannot go to the screen: give -o FILE.docx" in run.err


def dark_share(png: Path) -> float:
    """The share of a page's pixels that are dark (below half grey), read from pdftoppm's greyscale PGM."""
    magic, _size, _depth, pixels = png.read_bytes().split(b"\n", 3)
    assert magic == b"P5"
    return sum(1 for b in pixels if b < 128) / len(pixels)


def printed(tmp_path: Path, source: Path) -> Path:
    """The document as LibreOffice prints it (headless, its own profile in tmp_path): the PDF's path."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is installed by .ci/run"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return source.with_suffix(".pdf")


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "841.89 x 595.3" in info  # A4 landscape, in points
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def test_libreoffice_prints_the_seed_on_one_a4_page(tmp_path: Path) -> None:
    """32 units, two header rows and the title fit one A4 landscape page at 10.5 pt (五号): nothing orphaned,
    and the page looks like a table (dark text and rules on white), not blank."""
    pdf = printed(tmp_path, seed_docx(tmp_path))
    assert pages(pdf) == 1
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(pdf), str(tmp_path / "page")], check=True)
    (page,) = sorted(tmp_path.glob("page-*.pgm"))
    assert 0.01 < dark_share(page) < 0.5  # text and rules on white: neither blank nor black


def test_a_second_page_repeats_the_header_and_never_holds_one_unit_alone(tmp_path: Path) -> None:
    """34 units: one more than a page holds (33 fit).  Left to itself the last unit would stand alone on page 2;
    the last three rows keep together, so page 2 has the header again and units 32 to 34."""
    lines = SEED_INPUT.read_text(encoding="utf-8-sig").splitlines()
    extra = [f"{lines[1].split(',')[0]}（二）,{lines[1].split(',', 1)[1]}", f"金河镇（二）,{lines[9].split(',', 1)[1]}"]
    data = tmp_path / "34.csv"
    data.write_text("\n".join([*lines, *extra]) + "\n", encoding="utf-8")
    source = tmp_path / "34.docx"
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", data, "--period", "2024-02", "-o", source)
    assert run.code == 0, run.err
    pdf = printed(tmp_path, source)
    assert pages(pdf) == 2
    second = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "序号" in second and "部门名称" in second and "最终得分" in second
    serials = [line.split()[0] for line in second.splitlines() if line.split() and line.split()[0].isdigit()]
    assert serials == ["32", "33", "34"]
