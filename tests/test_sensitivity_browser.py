"""The sensitivity page as headless Chromium draws it in the office's 1366 × 768 laptop window.

Chromium is found and run as tests/test_html_browser.py does (it is required:
without it the test fails and says how to install it).  A copy of the page
without its CSP gets a script that writes the charts' boxes into the DOM,
which --dump-dom prints; the real page, script-free, is screenshotted.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import kaoping
from kaoping.analysis.sensitivity_model import Sensitivity
from kaoping.outputs.sensitivity_html import to_html

from .conftest import SEED_INPUT, SEED_RULESET
from .test_html_browser import console_lines, decode_png, run_chromium, screenshot
from .test_sensitivity_render import many, small

LAPTOP = (1366, 768)
FIRST_LINE = (0x1F, 0x77, 0xB4)  # the first unit's line colour, sensitivity_html.COLOURS[0]

MEASURE = """<script>
const boxes = [...document.querySelectorAll("svg")].map((svg) => {
  const r = svg.getBoundingClientRect();
  return {left: r.left, right: r.right, top: r.top, width: r.width, height: r.height,
          lines: [...svg.querySelectorAll("polyline")].filter((p) => p.getBoundingClientRect().width > 0).length};
});
document.body.setAttribute("data-layout", JSON.stringify({
  inner: window.innerWidth, page: document.documentElement.scrollWidth, boxes: boxes,
}));
</script>
</body>"""


def page(tmp_path: Path) -> Path:
    """The seed with two weights: one of 32 units (12 drawn), one of 3 (all drawn)."""
    seed = kaoping.evaluate(kaoping.load(SEED_RULESET), SEED_INPUT).evaluation
    s = many(seed)
    both = Sensitivity(seed, s.rebalance, (s.weights[0], small(seed).weights[0]), s.inputs)
    path = tmp_path / "sensitivity.html"
    path.write_text(to_html(both), encoding="utf-8")
    return path


def test_the_charts_are_drawn_within_a_1366_px_window_with_nothing_to_scroll_sideways(tmp_path: Path) -> None:
    html = page(tmp_path).read_text(encoding="utf-8")
    without_csp, n = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    assert n == 1 and html.count("</body>") == 1
    measured = tmp_path / "measured.html"
    measured.write_text(without_csp.replace("</body>", MEASURE), encoding="utf-8")
    done = run_chromium(measured, tmp_path / "profile", "--dump-dom", f"--window-size={LAPTOP[0]},{LAPTOP[1]}")
    found = re.search(r'data-layout="([^"]*)"', done.stdout)
    assert found, f"the page's script wrote no layout:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    layout = json.loads(unescape(found.group(1)))
    assert layout["inner"] == LAPTOP[0] and layout["page"] <= LAPTOP[0], layout  # no horizontal scroll
    boxes = layout["boxes"]
    assert [box["lines"] for box in boxes] == [12, 3], layout  # every polyline drawn, with a width
    for box in boxes:
        assert box["width"] > 600 and box["height"] > 250, box  # drawn large enough to read
        assert box["left"] >= 0 and box["right"] <= LAPTOP[0] - 16, box  # inside the window and its margin
    assert boxes[0]["top"] < LAPTOP[1] - 200, boxes[0]  # the first chart starts in the first screen


def test_a_1366_by_768_screenshot_shows_the_first_chart(tmp_path: Path) -> None:
    png = tmp_path / "laptop.png"
    stderr = screenshot(page(tmp_path), png, tmp_path / "profile", LAPTOP)
    assert console_lines(stderr) == [], "the page made the browser log:\n" + "\n".join(console_lines(stderr))
    width, height, bpp, pixels = decode_png(png.read_bytes())
    assert (width, height) == LAPTOP
    colours: dict[tuple[int, ...], int] = {}
    for i in range(0, len(pixels), bpp):
        rgb = tuple(pixels[i : i + 3])
        colours[rgb] = colours.get(rgb, 0) + 1
    total = width * height
    white = colours.get((255, 255, 255), 0)
    assert total - white > total // 50, f"only {total - white} of {total} pixels are not white: the page looks blank"
    assert len(colours) >= 50, f"only {len(colours)} distinct colours: the page looks blank"
    assert colours.get(FIRST_LINE, 0) > 200, "the first unit's line is not in the first screen"
