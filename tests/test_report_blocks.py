"""The report's blocks (report.attachment, notes, issuer, date) as the published documents print them.

The case is tests/cases/valid/report-blocks.yaml (its data beside it): four
units, one of them kept out of the ranking, so {units} is 4 and {ranked} 3.
Every expected text below is written by hand from the YAML, with --period
2025-03: {year} 2025, {month} 3, {period} 2025-03, {completion.weight} and
{total.max} 100.
"""

from __future__ import annotations

import json
from pathlib import Path

import kaoping
from kaoping.i18n import speaking
from kaoping.outputs.layout import Blocks, blocks

from .conftest import ROOT, edited_copy, run_cli

CASE = "tests/cases/valid/report-blocks.yaml"
DATA = "tests/cases/valid/report-blocks.csv"
SEED = ("jintai-hotline@2024.02", "examples/jintai-hotline-2024-02.csv", "--period", "2024-02")

NOTES = (
    "1. 本表为2025年3月（2025-03）考评结果，共4个单位，其中3个参与排名。",
    "2. 办结得分满分100分，总分满分100分。",
    "3. 办件量不足5件的单位列在表末，不参与排名。",
)
# the table is 40 cells wide (its top border: 1 + 8 + 1 + 8 + 1 + 17 + 1 + 10 + 1 + ... = the line below);
# 某区市民热线办公室 is 9 wide characters, 18 cells; 2025年3月 is 5 digits and 2 wide characters, 9 cells
TOP = "┌──────┬──────┬───────────────┬────────┐"
ISSUER = " " * (40 - 18) + "某区市民热线办公室"
DATE = " " * (40 - 9) + "2025年3月"


def evaluate(*options: str) -> str:
    run = run_cli("evaluate", "-r", CASE, DATA, *options)
    assert run.code == 0, run.err
    return run.out


def test_the_blocks_api_gives_each_block_filled_in_for_the_month() -> None:
    result = kaoping.evaluate(kaoping.load(ROOT / CASE), ROOT / DATA)
    assert blocks(result.evaluation, "2025-03") == Blocks(
        attachment="附件1", notes=NOTES, issuer="某区市民热线办公室", date="2025年3月"
    )
    assert blocks(result.evaluation, "2025-03").sign_off == ("某区市民热线办公室", "2025年3月")
    assert blocks(result.evaluation, "2025-03").heading == "说明："


def test_the_terminal_table_prints_the_attachment_above_the_title_and_the_notes_and_sign_off_under_it() -> None:
    lines = evaluate("--period", "2025-03").splitlines()
    assert lines[0] == "附件1"
    assert lines[1].strip() == "2025年3月办结考评表"
    assert lines[2] == TOP
    bottom = lines.index("└──────┴──────┴───────────────┴────────┘")
    assert lines[bottom + 1 : bottom + 8] == [
        "红榜: 丁",
        "说明：1. 本表为2025年3月（2025-03）考评结果，共4个单位，其中3个参与排名。",
        "      2. 办结得分满分100分，总分满分100分。",
        "      3. 办件量不足5件的单位列在表末，不参与排名。",
        "",
        ISSUER,
        DATE,
    ]
    assert lines[bottom + 8].startswith("valid-report-blocks@1 (sha256 ")
    assert len(lines) == bottom + 9


def test_markdown_prints_the_attachment_above_the_title_and_the_notes_and_sign_off_as_paragraphs() -> None:
    text = evaluate("--period", "2025-03", "-f", "md")
    assert text.startswith("附件1\n\n# 2025年3月办结考评表\n\n")
    after_tables = text[text.index("- 红榜: 丁") :]  # a later line's "2." escaped: it must not start a list
    assert after_tables.startswith(
        "- 红榜: 丁\n"
        "\n"
        "说明：1. 本表为2025年3月（2025-03）考评结果，共4个单位，其中3个参与排名。\\\n"
        "2\\. 办结得分满分100分，总分满分100分。\\\n"
        "3\\. 办件量不足5件的单位列在表末，不参与排名。\n"
        "\n"
        "某区市民热线办公室\\\n"
        "2025年3月\n"
        "\n"
        "valid-report-blocks@1 (sha256 "
    )


def test_json_and_the_csv_sidecar_carry_the_blocks_as_printed_under_a_report_key(tmp_path: Path) -> None:
    expected = {"attachment": "附件1", "notes": list(NOTES), "issuer": "某区市民热线办公室", "date": "2025年3月"}
    assert json.loads(evaluate("--period", "2025-03", "-f", "json"))["report"] == expected
    evaluate("--period", "2025-03", "-o", str(tmp_path / "t.csv"))
    assert json.loads((tmp_path / "t.csv.meta.json").read_text(encoding="utf-8"))["report"] == expected


def test_without_period_the_blocks_that_say_the_month_are_left_out_and_a_note_says_which() -> None:
    lines = evaluate().splitlines()
    assert lines[0] == "附件1"
    bottom = lines.index("└──────┴──────┴───────────────┴────────┘")
    assert lines[bottom + 1 : bottom + 8] == [
        "红榜: 丁",
        "说明：2. 办结得分满分100分，总分满分100分。",
        "      3. 办件量不足5件的单位列在表末，不参与排名。",
        "",
        " " * (40 - 18) + "某区市民热线办公室",
        "note: the report's title needs the month (--period YYYY-MM); the ruleset's title '报表附件、说明与落款' is shown instead",
        "note: `report.notes[1]`, `report.date` say the month, so they are left out: give the month with --period YYYY-MM",
    ]
    document = json.loads(evaluate("-f", "json"))
    assert document["report"]["notes"] == list(NOTES[1:]) and document["report"]["date"] == ""


def test_the_note_of_blocks_left_out_reads_in_chinese() -> None:
    with speaking("zh"):
        result = kaoping.evaluate(kaoping.load(ROOT / CASE), ROOT / DATA)
        from kaoping.outputs.layout import table_notes

        said = table_notes(result.evaluation, None)
    assert said[-1] == (
        "说明：`report.notes[1]`、`report.date` 里写了月份，没有给出考核月份，所以没有印出：请用 --period YYYY-MM 给出月份"
    )


def test_a_ruleset_without_blocks_prints_exactly_what_it_printed_before(tmp_path: Path) -> None:
    """The same case with its four blocks deleted prints the same table less the block lines, and no report key."""
    block_lines = ("  attachment:", "  notes:", '    - "', "  issuer:", "  date:")
    text = (ROOT / CASE).read_text(encoding="utf-8")
    bare = tmp_path / "bare.yaml"
    bare.write_text("".join(x for x in text.splitlines(True) if not x.startswith(block_lines)), encoding="utf-8")
    assert len(bare.read_text(encoding="utf-8").splitlines()) == len(text.splitlines()) - 7
    bare_run = run_cli("evaluate", "-r", bare, DATA, "--period", "2025-03")
    assert bare_run.code == 0, bare_run.err
    with_blocks = evaluate("--period", "2025-03").splitlines()
    printed_by_blocks = [0, *range(with_blocks.index("红榜: 丁") + 1, with_blocks.index(DATE) + 1)]
    assert len(printed_by_blocks) == 1 + 3 + 1 + 2  # 附件1; three notes, a blank line, issuer and date
    rest = [line for n, line in enumerate(with_blocks) if n not in printed_by_blocks]
    assert bare_run.out.splitlines()[:-1] == rest[:-1]  # the footer differs only by the file's sha256
    assert "report" not in json.loads(run_cli("evaluate", "-r", bare, DATA, "-f", "json").out)


def test_the_seed_declares_no_blocks_and_prints_none(tmp_path: Path) -> None:
    table = run_cli("evaluate", "-r", *SEED)
    lines = table.out.splitlines()
    assert lines[0].strip() == "2024年2月区级各部门市民热线办理考评表"
    assert lines[-2].startswith("└") and lines[-1].startswith("jintai-hotline@2024.02 (sha256 ")
    md = run_cli("evaluate", "-r", *SEED, "-f", "md").out
    assert md.startswith("# 2024年2月区级各部门市民热线办理考评表\n\n")
    tail = md.split("| 55.03 |\n", 1)[1]
    assert tail.startswith("\njintai-hotline@2024.02 (sha256 ") and tail.count("\n") == 2
    assert "report" not in json.loads(run_cli("evaluate", "-r", *SEED, "-f", "json").out)
    run_cli("evaluate", "-r", *SEED, "-o", tmp_path / "seed.csv")
    assert "report" not in json.loads((tmp_path / "seed.csv.meta.json").read_text(encoding="utf-8"))


def test_a_what_if_weight_shows_in_the_notes_as_in_the_headers(tmp_path: Path) -> None:
    text = edited_copy((ROOT / "rulesets/jintai-hotline/2024.02.yaml").read_text(encoding="utf-8"))
    at = text.index("\nreport:\n") + len("\nreport:\n")
    ruleset = tmp_path / "blocks.yaml"
    ruleset.write_text(
        text[:at] + '  notes: ["按期办结得分满分{timeliness.weight}分，共{units}个部门。"]\n' + text[at:],
        encoding="utf-8",
    )
    run = run_cli(
        "evaluate", "-r", ruleset, *SEED[1:], "--set", "timeliness.weight=45", "--set", "completion.weight=30"
    )
    assert run.code == 0, run.err
    assert "说明：按期办结得分满分45分，共32个部门。" in run.out.splitlines()


def written(tmp_path: Path, suffix: str) -> Path:
    out = tmp_path / f"2025-03{suffix}"
    run = run_cli("evaluate", "-r", CASE, DATA, "--period", "2025-03", "-o", out)
    assert run.code == 0, run.err
    return out


def test_the_html_page_carries_the_blocks_in_their_places(tmp_path: Path) -> None:
    page = written(tmp_path, ".html").read_text(encoding="utf-8")
    assert '<p class="attachment">附件1</p>\n<h1>2025年3月办结考评表</h1>' in page
    assert f'<p class="report-notes"><span>说明：</span><span>{"<br>".join(NOTES)}</span></p>' in page
    assert '<p class="sign-off">某区市民热线办公室<br>2025年3月</p>' in page
    assert (
        page.index("红榜: 丁")
        < page.index('<p class="report-notes">')
        < page.index('<p class="sign-off">')
        < page.index("<footer")
    )


def test_the_word_document_carries_the_blocks_in_their_places(tmp_path: Path) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraphs = [p for p in Document(str(written(tmp_path, ".docx"))).paragraphs if p.text]
    texts = [p.text for p in paragraphs]
    assert texts[:2] == ["附件1", "2025年3月办结考评表"]
    assert paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    wide = "\u3000" * 3  # the later notes line up under the first, after 说明：
    assert texts[2:8] == [
        "红榜: 丁",
        "说明：" + NOTES[0],
        wide + NOTES[1],
        wide + NOTES[2],
        "某区市民热线办公室",
        "2025年3月",
    ]
    assert {p.alignment for p in paragraphs[6:8]} == {WD_ALIGN_PARAGRAPH.RIGHT}


def test_the_workbook_carries_the_blocks(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    sheet = load_workbook(written(tmp_path, ".xlsx")).worksheets[0]
    assert sheet["A1"].value == "附件1\n2025年3月办结考评表"
    below = [c.value for c in sheet["A"] if isinstance(c.value, str)]
    at = below.index("红榜: 丁")
    assert below[at + 1 : at + 6] == [
        "说明：" + NOTES[0],
        "\u3000" * 3 + NOTES[1],
        "\u3000" * 3 + NOTES[2],
        "某区市民热线办公室",
        "2025年3月",
    ]


def test_the_pdf_carries_the_blocks(tmp_path: Path) -> None:
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-layout", str(written(tmp_path, ".pdf")), "-"], capture_output=True, text=True, check=True
    ).stdout
    for words in ("附件1", "说明：", "共4个单位，其中3个参与排名", "某区市民热线办公室", "2025年3月"):
        assert words in text
    assert (
        text.index("附件1")
        < text.index("2025年3月办结考评表")
        < text.index("说明：")
        < text.index("某区市民热线办公室")
    )
