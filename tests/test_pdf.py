"""The PDF as a person sees it: poppler's pdfinfo, pdftotext and pdftoppm read what headless Chromium printed.

The seed's 32 units are one A4 landscape page (842 x 595 points), not blank,
with the last unit's row and the one-line provenance on it and the full
sha256 digests left to the JSON.  A longer table breaks between rows with
the header repeated and never leaves its last row, or the footer, alone on
a page.  No browser, or one that fails, is the user's to fix: a
KaopingError that says what to do.

poppler-utils (pdfinfo, pdftotext, pdftoppm) and Chromium are required: a
missing tool fails the test and says what to install.
"""

from __future__ import annotations

import csv
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from kaoping.errors import KaopingError
from kaoping.evaluate.pipeline import evaluate
from kaoping.outputs import pdf
from kaoping.outputs.pdf import to_pdf
from kaoping.ruleset.load import load_ruleset

from .conftest import SEED_INPUT, SEED_RULESET
from .test_html_browser import decode_png

SEED_RULESET_SHA = "9ba742879557951fea72c262aa6e9be5f7994072dbc6322fb63730272d4b26e3"
ROW = re.compile(r"^\s*(\d+)\s+\S")  # a table row in pdftotext -layout: its rank, then the unit


def poppler(tool: str, *args: str | Path) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is needed to read the PDF: install poppler-utils (apt-get install poppler-utils)")
    done = subprocess.run([tool, *map(str, args)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, f"{tool} exited {done.returncode}: {done.stderr[-2000:]}"
    return done.stdout


def info(path: Path) -> dict[str, str]:
    lines = poppler("pdfinfo", path).splitlines()
    return {k.strip(): v.strip() for k, _sep, v in (line.partition(":") for line in lines)}


def page_text(path: Path, page: int) -> str:
    return poppler("pdftotext", "-layout", "-f", str(page), "-l", str(page), path, "-")


def ranks_on(text: str) -> list[int]:
    return [int(m.group(1)) for line in text.splitlines() if (m := ROW.match(line))]


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "2024-02.pdf"
    out.write_bytes(to_pdf(evaluate(load_ruleset(SEED_RULESET), SEED_INPUT), "2024-02"))
    return out


def test_the_seed_is_one_a4_landscape_page(seed_pdf: Path) -> None:
    assert seed_pdf.read_bytes()[:5] == b"%PDF-"
    said = info(seed_pdf)
    assert said["Pages"] == "1"
    width, height = re.match(r"([\d.]+) x ([\d.]+) pts", said["Page size"]).groups()  # type: ignore[union-attr]
    assert (round(float(width)), round(float(height))) == (842, 595)  # A4 (297 x 210 mm) lying on its side


def test_the_page_shows_the_title_every_row_and_one_line_of_provenance(seed_pdf: Path) -> None:
    text = page_text(seed_pdf, 1)
    assert "2024年2月区级各部门市民热线办理考评表" in text
    assert ranks_on(text) == list(range(1, 33))
    last = next(line for line in text.splitlines() if ROW.match(line) and ROW.match(line).group(1) == "32")  # type: ignore[union-attr]
    assert "长乐塬管委办" in last and last.rstrip().endswith("55.03")  # the published table's last row
    assert "jintai-hotline@2024.02 (sha256 9ba742879557)" in text and "32 units" in text
    assert SEED_RULESET_SHA not in text.replace("\n", "")  # the full digests stay in JSON and the sidecar
    assert "横轴" not in text and "不从 0 起" not in text  # the chart is the screen's, not the published table


def test_the_page_is_not_blank(seed_pdf: Path, tmp_path: Path) -> None:
    poppler("pdftoppm", "-r", "40", "-png", "-singlefile", seed_pdf, tmp_path / "page")
    width, height, bpp, pixels = decode_png((tmp_path / "page.png").read_bytes())
    assert (width, height) == (468, 331)  # 842 x 595 points at 40 of 72 dots an inch
    dark = sum(1 for i in range(0, len(pixels), bpp) if sum(pixels[i : i + 3]) < 3 * 128)
    assert dark > width * height // 50, f"only {dark} dark pixels of {width * height}: the page looks blank"


def longer(tmp_path: Path, units: int) -> Path:
    """The seed's rows, then more units named after them (东风路街道办1, ...), `units` in all."""
    with SEED_INPUT.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    more = [[f"{r[0]}{k}" if k else r[0], *r[1:]] for k in range(3) for r in rows][:units]
    path = tmp_path / f"{units}.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *more])
    return path


@pytest.mark.parametrize("units", [38, 39])
def test_a_longer_table_leaves_no_row_or_footer_alone_on_its_last_page(tmp_path: Path, units: int) -> None:
    """37 units fill one page; without break-before: avoid, 38 would leave the footer alone on page 2 and 39
    its last row (both seen by removing the rule from the print stylesheet)."""
    out = tmp_path / "long.pdf"
    out.write_bytes(to_pdf(evaluate(load_ruleset(SEED_RULESET), longer(tmp_path, units)), "2024-02"))
    assert info(out)["Pages"] == "2"
    first, second = page_text(out, 1), page_text(out, 2)
    assert ranks_on(first) + ranks_on(second) == list(range(1, units + 1))
    assert len(ranks_on(second)) >= 2
    assert "部门名称" in second and "最终" in second  # the header rows repeated on the second page (最终 / 得分)
    assert f"{units} units" in second


def test_no_browser_is_a_kaoping_error_saying_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KAOPING_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(KaopingError) as refused:
        to_pdf(evaluate(load_ruleset(SEED_RULESET), SEED_INPUT), "2024-02")
    assert refused.value.codes == ("pdf.no-browser",)
    problem = refused.value.problems[0]
    assert problem.message == "a PDF is printed by Chromium or Google Chrome, and neither was found"
    assert problem.hint == (
        "install Chromium or Google Chrome (Debian: apt-get install chromium), "
        "or set KAOPING_CHROMIUM to the browser's program"
    )


def test_kaoping_chromium_naming_no_program_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KAOPING_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(KaopingError) as refused:
        pdf.browser()
    assert refused.value.codes == ("pdf.no-browser",)
    assert refused.value.problems[0].file == "KAOPING_CHROMIUM"
    assert refused.value.problems[0].message == f"'{tmp_path / 'no-such-browser'}' is not a program that can be run"


def test_kaoping_chromium_is_the_browser_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "my-chrome"
    fake.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("KAOPING_CHROMIUM", str(fake))
    assert pdf.browser() == str(fake)


def test_a_browser_that_fails_is_a_kaoping_error_with_its_last_words(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / "broken-chrome"
    broken.write_text("#!/bin/sh\necho 'starting' >&2\necho 'no display, giving up' >&2\nexit 3\n", encoding="utf-8")
    broken.chmod(broken.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("KAOPING_CHROMIUM", str(broken))
    with pytest.raises(KaopingError) as refused:
        to_pdf(evaluate(load_ruleset(SEED_RULESET), SEED_INPUT), "2024-02")
    assert refused.value.codes == ("pdf.browser-failed",)
    assert refused.value.problems[0].message == f"{broken} could not print the page to PDF: no display, giving up"


def test_a_browser_that_writes_nothing_is_a_kaoping_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    silent = tmp_path / "silent-chrome"
    silent.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    silent.chmod(silent.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("KAOPING_CHROMIUM", str(silent))
    with pytest.raises(KaopingError) as refused:
        to_pdf(evaluate(load_ruleset(SEED_RULESET), SEED_INPUT), "2024-02")
    assert refused.value.codes == ("pdf.browser-failed",)
    assert refused.value.problems[0].message == f"{silent} could not print the page to PDF: it wrote no PDF"


def test_on_windows_edge_is_found_where_it_installs_itself(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No Chrome on PATH nor in Program Files: Edge under Program Files (x86) is the browser."""
    edge = Path(tmp_path, r"Microsoft\Edge\Application\msedge.exe")  # one name with backslashes, here on POSIX
    edge.write_text("", encoding="utf-8")
    monkeypatch.delenv("KAOPING_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("PROGRAMFILES", str(tmp_path / "Program Files"))
    monkeypatch.setenv("PROGRAMFILES(X86)", str(tmp_path))
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    monkeypatch.setattr(pdf.os, "name", "nt")
    assert pdf.browser() == str(edge)
