"""The seed's HTML page as a browser draws it: headless Chromium takes a screenshot.

The page must render to something (not a blank white image) and make the
browser say nothing on its console: the page has no script, so any console
line at all (a blocked load, a refused style, an error) is a defect.

Chromium is required, not optional: without it the test fails and says how
to install it.  Its own noise on stderr (no D-Bus, no GPU in a container, the
Debian launcher's /dev/shm check) is ignored; only the page's console lines,
which Chromium logs as `INFO:CONSOLE...`, count.  A second test feeds
Chromium a page that does log an error, so a Chromium that stopped reporting
console lines on stderr cannot make the first test pass without looking.

The PNG is decoded with zlib and struct (no imaging library needed).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from html import unescape
from pathlib import Path

import pytest
from kaoping.evaluate.pipeline import evaluate
from kaoping.outputs.html import to_html
from kaoping.ruleset.load import load_ruleset

from .conftest import SEED_INPUT, SEED_RULESET

INSTALL = "install chromium (apt-get install chromium)"
WIDTH, HEIGHT = 1600, 1200
CONSOLE = re.compile(r"CONSOLE|Uncaught", re.IGNORECASE)
HEADER_FILL = (0xEE, 0xF1, 0xF5)  # the table header's background in render_html's stylesheet


def chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None)
    if found is None:
        pytest.fail(f"headless Chromium is needed to check the HTML page: {INSTALL}", pytrace=False)
    return found


def screenshot(page: Path, png: Path, profile: Path, window: tuple[int, int] = (WIDTH, HEIGHT)) -> str:
    """Draw `page` into `png` with headless Chromium; its stderr."""
    done = run_chromium(page, profile, f"--screenshot={png}", f"--window-size={window[0]},{window[1]}")
    assert png.is_file() and png.stat().st_size > 0, f"chromium wrote no screenshot:\n{done.stderr[-3000:]}"
    return done.stderr


def run_chromium(page: Path, profile: Path, *what: str) -> subprocess.CompletedProcess[str]:
    """Headless Chromium, offline, with a fresh profile, doing `what` (--screenshot, --dump-dom) on `page`."""
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",  # a container's /dev/shm is often 64 MB; Debian's launcher check for it misfires
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *what,
        page.as_uri(),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        pytest.fail(f"Chromium could not be started: {INSTALL}", pytrace=False)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"Chromium took more than 60 s to draw {page}: {e.stderr!r}"[-2000:])
    assert done.returncode == 0, f"chromium exited {done.returncode}:\n{done.stderr[-3000:]}"
    return done


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if CONSOLE.search(line)]


def decode_png(data: bytes) -> tuple[int, int, int, bytes]:
    """(width, height, bytes per pixel, pixels row after row) of an 8-bit RGB or RGBA PNG, not interlaced."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, chunks, idat = 8, {}, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IDAT":
            idat.append(body)
        else:
            chunks.setdefault(kind, body)
        if kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert depth == 8 and colour in (2, 6) and interlace == 0, (
        f"unexpected PNG format: depth {depth}, colour type {colour}, interlace {interlace}"
    )
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    assert len(raw) == height * (stride + 1), "truncated PNG data"
    out = bytearray()
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:  # Sub
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:  # Up
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev, strict=False))
        elif kind == 3:  # Average
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        else:
            assert kind == 0, f"unknown PNG filter {kind}"
        out += line
        prev = line
    return width, height, bpp, bytes(out)


def test_the_seed_page_renders_in_chromium_without_console_errors(tmp_path):
    page = tmp_path / "2024-02.html"
    page.write_text(to_html(evaluate(load_ruleset(SEED_RULESET), SEED_INPUT), "2024-02"), encoding="utf-8")
    png = tmp_path / "2024-02.png"
    stderr = screenshot(page, png, tmp_path / "profile")
    assert console_lines(stderr) == [], "the page made the browser log:\n" + "\n".join(console_lines(stderr))

    width, height, bpp, pixels = decode_png(png.read_bytes())
    assert (width, height) == (WIDTH, HEIGHT)
    colours: dict[tuple[int, ...], int] = {}
    for i in range(0, len(pixels), bpp):
        rgb = tuple(pixels[i : i + 3])
        colours[rgb] = colours.get(rgb, 0) + 1
    total = width * height
    white = colours.get((255, 255, 255), 0)
    assert total - white > total // 50, f"only {total - white} of {total} pixels are not white: the page looks blank"
    assert len(colours) >= 50, f"only {len(colours)} distinct colours: the page looks blank"
    assert colours.get(HEADER_FILL, 0) > 2000, "the table header's fill is missing: the stylesheet was not applied"


def test_chromium_reports_a_page_console_error_on_stderr(tmp_path):
    """The check above is only as good as Chromium's logging: it must see this page's error."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>broken</title></head>'
        "<body><p>broken</p><script>no_such_function();</script></body></html>",
        encoding="utf-8",
    )
    stderr = screenshot(page, tmp_path / "broken.png", tmp_path / "profile")
    lines = console_lines(stderr)
    assert any("Uncaught" in line and "no_such_function" in line for line in lines), stderr[-3000:]


LAPTOP = (1366, 768)  # the office's common laptop screen
MEASURE = """<script>
const head = document.querySelector("table.report thead tr th:last-child");
const scroll = document.querySelector(".scroll");
const rights = [...document.querySelectorAll("table.report tbody tr")].map((tr) => tr.lastElementChild.getBoundingClientRect().right);
document.body.setAttribute("data-layout", JSON.stringify({
  inner: window.innerWidth, last: head.textContent, right: Math.max(head.getBoundingClientRect().right, ...rights),
  scrollWidth: scroll.scrollWidth, clientWidth: scroll.clientWidth, page: document.documentElement.scrollWidth,
}));
</script>
</body>"""


def seed_page(tmp_path: Path) -> Path:
    page = tmp_path / "2024-02.html"
    page.write_text(to_html(evaluate(load_ruleset(SEED_RULESET), SEED_INPUT), "2024-02"), encoding="utf-8")
    return page


def test_the_seed_table_fits_a_1366_px_window_with_the_final_score_in_view(tmp_path):
    """A script added to a copy of the page (without its CSP, which allows none) writes where the last column ends into the
    DOM, which --dump-dom prints: the whole table, 最终得分 last, inside the window, and nothing to scroll."""
    html = seed_page(tmp_path).read_text(encoding="utf-8")
    measured = tmp_path / "measured.html"
    without_csp, n = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    assert n == 1 and html.count("</body>") == 1
    measured.write_text(without_csp.replace("</body>", MEASURE), encoding="utf-8")
    done = run_chromium(measured, tmp_path / "profile", "--dump-dom", f"--window-size={LAPTOP[0]},{LAPTOP[1]}")
    found = re.search(r'data-layout="([^"]*)"', done.stdout)
    assert found, f"the page's script wrote no layout:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    layout = json.loads(unescape(found.group(1)))
    assert layout["inner"] == LAPTOP[0] and layout["last"] == "最终得分"
    assert layout["right"] <= LAPTOP[0] - 16, layout  # inside the window, and its body's margin
    assert layout["scrollWidth"] <= layout["clientWidth"] and layout["page"] <= LAPTOP[0], layout


def test_a_1366_by_768_screenshot_shows_the_table_s_right_edge(tmp_path):
    """In the screenshot, the header's fill ends at the table's right border, with page left of the window's
    edge: a table wider than the window would run its header fill to the last pixel."""
    png = tmp_path / "laptop.png"
    stderr = screenshot(seed_page(tmp_path), png, tmp_path / "profile", LAPTOP)
    assert console_lines(stderr) == []
    width, height, bpp, pixels = decode_png(png.read_bytes())
    assert (width, height) == LAPTOP

    def at(x: int, y: int) -> tuple[int, ...]:
        i = (y * width + x) * bpp
        return tuple(pixels[i : i + 3])

    rows = [y for y in range(height) if sum(at(x, y) == HEADER_FILL for x in range(width)) > width // 2]
    assert rows, "no header row in the screenshot"
    y = rows[len(rows) // 2]
    fill = max(x for x in range(width) if at(x, y) == HEADER_FILL)
    assert fill < width - 16, f"the header's fill reaches x={fill}: the table runs past the window"
    border = at(fill + 1, y)
    assert max(border) <= 0x90, f"no border right of the header's fill, but {border}"
    assert all(at(x, y) == (255, 255, 255) for x in range(fill + 3, width)), "no page margin right of the table"
