"""The ranked table as a PDF: the HTML page (outputs/html.py) printed by headless Chromium.

Why Chromium and not WeasyPrint: Chromium is already what the tests use to
look at the HTML page, so the PDF is that very page as a browser prints it
(the same print stylesheet an office gets from 文件 → 打印 in its own
browser), and it adds no Python package.  WeasyPrint would need pango and
cairo from the system, a second layout engine whose page could differ from
the browser's, and on Windows a GTK install; Chrome or Edge is already on
every office computer.

The browser runs offline and leaves nothing behind: the page loads nothing
(its Content-Security-Policy says so), background networking, sync and
component updates are off, and the profile and the files live in a fresh
temporary folder that is removed afterwards.  The browser is found as
`browser()` says; none found is the user's problem to fix (exit 1, nothing
written), not a crash.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import KaopingError, fail
from ..evaluate.ranking import Evaluation
from ..i18n import N_, _
from .html import to_html

TIMEOUT = 120
"""Seconds Chromium may take to print; a seed-sized page takes about one."""

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
"""The browser's command names on PATH, in the order they are tried."""

WINDOWS = (
    ("PROGRAMFILES", r"Google\Chrome\Application\chrome.exe"),
    ("PROGRAMFILES(X86)", r"Google\Chrome\Application\chrome.exe"),
    ("LOCALAPPDATA", r"Google\Chrome\Application\chrome.exe"),
    ("PROGRAMFILES(X86)", r"Microsoft\Edge\Application\msedge.exe"),
    ("PROGRAMFILES", r"Microsoft\Edge\Application\msedge.exe"),
)
"""Where Chrome and Edge install themselves on Windows: (environment variable of the folder, path under it)."""

WHAT_TO_DO = N_(
    "install Chromium or Google Chrome (Debian: apt-get install chromium), or set KAOPING_CHROMIUM to the browser's program"
)


def to_pdf(evaluation: Evaluation, period: str | None = None) -> bytes:
    """The HTML page of `evaluation` printed to PDF (A4 landscape, by the page's print stylesheet)."""
    return html_to_pdf(to_html(evaluation, period))


def html_to_pdf(html: str) -> bytes:
    """A self-contained page of kaoping's printed to PDF by the browser (the monthly page, combine's year)."""
    program = browser()
    with tempfile.TemporaryDirectory(prefix="kaoping-pdf-") as folder:
        where = Path(folder)
        page = where / "page.html"
        page.write_text(html, encoding="utf-8")
        out = where / "page.pdf"
        _print(program, page, out, where / "profile")
        return out.read_bytes()


def browser() -> str:
    """The browser to print with: $KAOPING_CHROMIUM, else Chromium or Chrome on PATH, else (on Windows) Chrome
    or Edge where they install themselves.  KaopingError pdf.no-browser when none is there."""
    named = os.environ.get("KAOPING_CHROMIUM", "").strip()
    if named:
        found = shutil.which(named)
        if found is None:
            raise fail(
                "KAOPING_CHROMIUM",
                _("{program!r} is not a program that can be run", program=named),
                _(WHAT_TO_DO),
                code="pdf.no-browser",
            )
        return found
    for name in NAMES:
        found = shutil.which(name)
        if found is not None:
            return found
    for variable, below in WINDOWS if os.name == "nt" else ():
        base = os.environ.get(variable)
        if base and os.path.isfile(os.path.join(base, below)):
            return os.path.join(base, below)
    raise fail(
        "-f pdf",
        _("a PDF is printed by Chromium or Google Chrome, and neither was found"),
        _(WHAT_TO_DO),
        code="pdf.no-browser",
    )


def command(program: str, page: Path, out: Path, profile: Path) -> list[str]:
    """Headless, offline, with a throwaway profile, no header or footer of the browser's own on the page."""
    return [
        program,
        "--headless",
        "--no-sandbox",  # as root in a container Chromium refuses to start with its sandbox
        "--disable-gpu",
        "--disable-dev-shm-usage",  # a container's /dev/shm is often 64 MB
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        "--print-to-pdf-no-header",  # the same, for a Chrome older than 110
        f"--print-to-pdf={out}",
        page.as_uri(),
    ]


def _print(program: str, page: Path, out: Path, profile: Path) -> None:
    """Run the browser on `page`; KaopingError pdf.browser-failed when it fails, hangs or writes nothing."""
    try:
        done = subprocess.run(
            command(program, page, out, profile),
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
            cwd=page.parent,
        )
    except subprocess.TimeoutExpired:
        raise _failed(program, _("it took more than {seconds} s", seconds=TIMEOUT)) from None
    except OSError as e:
        raise _failed(program, e.strerror or type(e).__name__) from None
    if done.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        if lines:
            said = lines[-1][:300]
        elif done.returncode:
            said = _("it exited with code {code}", code=done.returncode)
        else:
            said = _("it wrote no PDF")
        raise _failed(program, said)


def _failed(program: str, said: str) -> KaopingError:
    return fail(
        "-f pdf",
        _("{program} could not print the page to PDF: {said}", program=program, said=said),
        _("try another browser with KAOPING_CHROMIUM, or write -f html and print it from a browser"),
        code="pdf.browser-failed",
    )
