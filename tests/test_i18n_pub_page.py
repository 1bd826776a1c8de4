"""The Chinese of the PDF's refusals (the pub-page part): no browser, and a browser that failed.

Each expected text is written by hand, as the CLI prints it (render_problems).
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from kaoping import i18n
from kaoping.errors import KaopingError, render_problems
from kaoping.outputs import pdf


def said_in_chinese(error: KaopingError) -> str:
    with i18n.speaking("zh"):
        return render_problems(error.problems)


def refusal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, browser: str | None) -> KaopingError:
    monkeypatch.setenv("PATH", str(tmp_path))
    if browser is None:
        monkeypatch.delenv("KAOPING_CHROMIUM", raising=False)
    else:
        monkeypatch.setenv("KAOPING_CHROMIUM", browser)
    with i18n.speaking("zh"), pytest.raises(KaopingError) as refused:
        program = pdf.browser()
        pdf._print(program, tmp_path / "page.html", tmp_path / "page.pdf", tmp_path / "profile")
    return refused.value


def test_no_browser_in_chinese(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert said_in_chinese(refusal(monkeypatch, tmp_path, None)) == (
        "-f pdf: PDF 要用「Chromium」或「Google Chrome」浏览器打印，但这两个浏览器都没找到\n"
        "    提示：请安装「Chromium」或「Google Chrome」浏览器（「Debian」系统上运行 `apt-get install chromium`），"
        "或者把环境变量 KAOPING_CHROMIUM 设为浏览器程序的路径\n"
        "共 1 处错误"
    )


def test_a_kaoping_chromium_that_is_no_program_in_chinese(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert said_in_chinese(refusal(monkeypatch, tmp_path, "nope")).splitlines()[0] == (
        "KAOPING_CHROMIUM: 「nope」不是可以运行的程序"
    )


def test_a_browser_that_wrote_nothing_in_chinese(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    silent = tmp_path / "silent"
    silent.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    silent.chmod(silent.stat().st_mode | stat.S_IXUSR)
    assert said_in_chinese(refusal(monkeypatch, tmp_path, str(silent))).splitlines()[:2] == [
        f"-f pdf: {silent} 没能把页面打印成 PDF：没有生成 PDF 文件",
        "    提示：可以用 KAOPING_CHROMIUM 换一个浏览器试试，或者先用 -f html 输出网页，再在浏览器里打印",
    ]
