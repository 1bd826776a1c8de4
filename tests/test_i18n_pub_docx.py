"""The Chinese of pub-docx's one message: a Word file asked for the screen (expected text written by hand)."""

from __future__ import annotations

from .conftest import SEED_INPUT, run_cli


def test_docx_without_o_says_so_in_chinese() -> None:
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", "docx", "--lang", "zh")
    assert run.code == 2
    assert run.err.endswith("-f docx 写出的是文件，不能输出到屏幕：请用 -o FILE.docx 指定文件\n")
