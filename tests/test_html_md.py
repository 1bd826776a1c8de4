"""The Markdown and HTML renderings of a result (engine/outputs/md.py, engine/outputs/html.py).

The seed's expected units, order and totals come from
tests/fixtures/published-2024-02.csv (the published table), never from the
code under test; the ruleset's and input's digests are computed here from
the files' bytes.  The HTML is read with the standard library's parser, so
the checks are about elements and attributes, not about how the text is laid
out.
"""

from __future__ import annotations

import csv
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from kaoping import __version__
from kaoping.evaluate.pipeline import evaluate
from kaoping.evaluate.ranking import Evaluation
from kaoping.outputs.html import axis_start, to_html
from kaoping.outputs.md import to_markdown
from kaoping.ruleset.load import load_ruleset
from kaoping.ruleset.whatif import parse_overrides

from .conftest import PUBLISHED, ROOT, SEED_INPUT, SEED_RULESET

CITY_RULESET = ROOT / "rulesets" / "city-hotline" / "2025.01.yaml"
CITY_INPUT = ROOT / "examples" / "city-hotline-2025-01.csv"
HOSTILE = '<script>alert("x")</script>|区*局_&amp;'
CITY_SECTIONS = ["县区组", "市直部门组", "功能区", "办件量不足20件，不参与排名"]
# The lines under city-hotline's January table, by hand (the totals are worked out in tests/test_shipped_rulesets.py):
CITY_NOTES = [
    # 红榜 top 2 within each group, ties at the cut-off in: 西城区 150 and 北川县 150 share rank 1 of 县区组
    "红榜 · 县区组: 西城区、北川县",
    # 市交通局 100 and 市教育局 100 share rank 1 of 市直部门组 (市档案馆's 100 is not ranked: 8 orders < 20)
    "红榜 · 市直部门组: 市交通局、市教育局",
    # 功能区: 高新区 100 (101.5 capped), 综保区 99.915
    "红榜 · 功能区: 高新区、综保区",
    # 黑榜 bottom 3 overall, on the share of each group's full marks: 47.73/100, 103.67/150 = 69.11%, 92.46/100
    "黑榜: 市市场监管局、南山县、市住建局",
    # the one unit with a rate under 70: 市市场监管局 (一次性办结率 55/90 = 61.11, 满意率 36/55 = 65.45)
    "低于最低标准（任一率低于70%）: 市市场监管局",
]


def published() -> list[dict[str, str]]:
    with open(PUBLISHED, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def two_places(text: str) -> str:
    return f"{float(text):.2f}" if "." not in text else text


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def seed() -> Evaluation:
    return evaluate(load_ruleset(SEED_RULESET), SEED_INPUT)


@pytest.fixture(scope="module")
def city() -> Evaluation:
    return evaluate(load_ruleset(CITY_RULESET), CITY_INPUT)


@pytest.fixture
def hostile(tmp_path: Path) -> Evaluation:
    """The seed with 东风路街道办 renamed to a name full of markup."""
    data = tmp_path / "hostile.csv"
    text = SEED_INPUT.read_text(encoding="utf-8")
    assert "东风路街道办" in text
    data.write_text(text.replace("东风路街道办", HOSTILE), encoding="utf-8")
    return evaluate(load_ruleset(SEED_RULESET), data)


# --- a small DOM from html.parser --------------------------------------------------------------

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "source", "area", "base", "embed", "track"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        found: list[Node] = []
        for c in self.children:
            if isinstance(c, Node):
                if (tag is None or c.tag == tag) and (cls is None or cls in c.classes()):
                    found.append(c)
                found += c.all(tag, cls)
        return found

    def one(self, tag: str | None = None, cls: str | None = None) -> Node:
        found = self.all(tag, cls)
        assert len(found) == 1, f"{len(found)} <{tag} class={cls}> elements, expected one"
        return found[0]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.at = self.root
        self.unclosed: list[str] = []

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.at)
        self.at.children.append(node)
        if tag not in VOID:
            self.at = node

    def handle_startendtag(self, tag, attrs):
        self.at.children.append(Node(tag, dict(attrs), self.at))

    def handle_endtag(self, tag):
        assert self.at.tag == tag, f"</{tag}> closes <{self.at.tag}>: the page is not well nested"
        self.at = self.at.parent  # type: ignore[assignment]

    def handle_data(self, data):
        self.at.children.append(data)


def dom(page: str) -> Node:
    builder = _Builder()
    builder.feed(page)
    builder.close()
    assert builder.at is builder.root, f"<{builder.at.tag}> is never closed"
    return builder.root


# --- Markdown ----------------------------------------------------------------------------------


def md_rows(document: str) -> list[list[str]]:
    """Every table line split into cells on the pipes that are not escaped."""
    rows = []
    for line in document.splitlines():
        if line.startswith("| ") and line.endswith(" |"):
            rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line[1:-1])])
    return rows


def test_the_markdown_has_all_32_units_in_the_published_order_with_their_published_totals(seed):
    document = to_markdown(seed, "2024-02")
    rows = md_rows(document)
    header = rows[0]
    body = [r for r in rows if r != header and not all(set(c) <= set(":-") for c in r)]
    unit, total, rank = header.index("部门名称"), header.index("最终得分"), header.index("序号")
    expected = published()
    assert [r[unit] for r in body] == [row["department"] for row in expected]
    assert [r[total] for r in body] == [two_places(row["final_score"]) for row in expected]
    assert [r[rank] for r in body] == [row["serial"] for row in expected]


def test_the_markdown_title_headers_and_alignment(seed):
    document = to_markdown(seed, "2024-02")
    assert document.splitlines()[0] == "# 2024年2月区级各部门市民热线办理考评表"
    assert "WHAT-IF" not in document
    rows = md_rows(document)
    header, rule = rows[0], rows[1]
    assert len(header) == len(rule) == 16 and all(len(r) == 16 for r in rows)
    # Markdown has no spans: a grouped column says its group
    assert header[3:5] == ["办结得分（35分） / 工单数", "办结得分（35分） / 得分"]
    assert header[11:14] == [
        "工作量得分（5分） / 办结工单数量",
        "工作量得分（5分） / 办结最高分值",
        "工作量得分（5分） / 得分",
    ]
    assert header[14:] == ["返工工单得分（5分）", "最终得分"]
    # numbers right-aligned, the department's name not
    assert rule[header.index("最终得分")] == "---:" and rule[header.index("序号")] == "---:"
    assert not rule[header.index("部门名称")].endswith(":")


def test_the_markdown_ends_with_the_provenance_line(seed):
    last = to_markdown(seed, "2024-02").rstrip("\n").splitlines()[-1]
    assert "jintai-hotline@2024.02" in last
    assert sha256(SEED_RULESET)[:12] in last and sha256(SEED_INPUT)[:12] in last
    assert f"kaoping {__version__}" in last


def test_the_markdown_escapes_markup_pipes_and_line_breaks(hostile):
    document = to_markdown(hostile, "2024-02")
    assert not re.search(r"(?<!\\)[<&]", document), "markup that is not escaped"
    assert r"\<script\>" in document and r"\|区\*局\_\&amp;" in document
    assert all(len(r) == 16 for r in md_rows(document)), "a pipe in a name split its cell"
    from kaoping.outputs.md import cell_text, text

    assert cell_text("一行\n二行|三") == r"一行<br>二行\|三"
    assert text("标题\r\n第二行") == "标题 第二行"


def test_a_what_if_is_marked_in_the_markdown_and_the_html():
    changed = load_ruleset(SEED_RULESET, overrides=parse_overrides(["timeliness.weight=45", "completion.weight=30"]))
    evaluation = evaluate(changed, SEED_INPUT)
    document = to_markdown(evaluation, "2024-02")
    assert "WHAT-IF" in document.splitlines()[2] and "timeliness.weight=45" in document
    assert "办结得分（30分） / 得分" in document  # the changed weight shows in the header
    page = dom(to_html(evaluation, "2024-02"))
    assert "WHAT-IF" in page.one("p", "whatif").text
    assert page.one("title").text.startswith("[WHAT-IF]")


def test_the_markdown_of_city_hotline_has_its_sections_grades_lists_and_flags(city):
    document = to_markdown(city, "2025-01")
    headings = [line[3:] for line in document.splitlines() if line.startswith("## ")]
    assert headings == CITY_SECTIONS
    assert len([line for line in document.splitlines() if line.startswith("| 名次 |")]) == 4  # a table per section
    rows = {r[1]: r for r in md_rows(document)}
    assert rows["市市场监管局"][-1] == "不合格" and rows["西城区"][-1] == "优秀"
    assert rows["市档案馆"][0] == ""  # fewer than 20 orders: scored, not ranked
    bullets = [line[2:] for line in document.splitlines() if line.startswith("- ")]
    assert bullets == CITY_NOTES


# --- HTML --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_page(seed) -> str:
    return to_html(seed, "2024-02")


def test_the_html_is_one_self_contained_page(seed_page):
    lowered = seed_page.lower()
    for banned in ("http://", "https://", "<script", "<link", "@import", "url(", "src=", "<iframe", "<object"):
        assert banned not in lowered, banned
    assert lowered.startswith("<!doctype html>")
    page = dom(seed_page)
    assert page.one("html").attrs["lang"] == "zh-CN"
    assert any(m.attrs.get("charset") == "utf-8" for m in page.all("meta"))
    assert page.one("title").text == "2024年2月区级各部门市民热线办理考评表"
    assert page.one("h1").text == "2024年2月区级各部门市民热线办理考评表"
    style = page.one("style").text
    assert "@media print" in style and "A4 landscape" in style
    assert "table-header-group" in style and "break-inside: avoid" in style
    assert "Microsoft YaHei" in style and "sans-serif" in style  # system fonts only


def test_the_html_table_has_the_published_two_level_header(seed_page):
    thead = dom(seed_page).one("thead")
    upper, lower = thead.all("tr")
    spans = {th.text: th.attrs.get("colspan") for th in upper.all("th") if "colspan" in th.attrs}
    assert spans == {
        "办结得分（35分）": "2",
        "按期办结得分（40分）": "2",
        "逾期退单得分（5分）": "2",
        "告警工单得分（10分）": "2",
        "工作量得分（5分）": "3",
    }
    tall = [th.text for th in upper.all("th") if th.attrs.get("rowspan") == "2"]
    assert tall == ["序号", "部门名称", "应办结工单数", "返工工单得分（5分）", "最终得分"]
    assert [th.text for th in lower.all("th")] == ["工单数", "得分"] * 4 + ["办结工单数量", "办结最高分值", "得分"]
    width = sum(int(th.attrs.get("colspan") or 1) for th in upper.all("th"))
    assert width == 16


def test_the_html_table_has_all_32_units_with_their_published_totals(seed_page):
    page = dom(seed_page)
    body = page.one("tbody")
    rows = [[td for td in tr.all("td")] for tr in body.all("tr")]
    assert all(len(r) == 16 for r in rows)
    expected = published()
    assert [r[1].text for r in rows] == [row["department"] for row in expected]
    assert [r[-1].text for r in rows] == [two_places(row["final_score"]) for row in expected]
    assert [r[0].text for r in rows] == [row["serial"] for row in expected]
    # numbers right-aligned, names not
    assert all("num" in r[-1].classes() and "num" in r[2].classes() and "num" not in r[1].classes() for r in rows)
    assert re.search(r"td\.num\s*\{[^}]*text-align:\s*right", page.one("style").text)


def test_the_html_has_exactly_one_bar_per_unit_labelled_and_proportional(seed_page):
    page = dom(seed_page)
    chart = page.one("section", "chart")
    bars = page.all(cls="bar")
    assert len(bars) == 32 and len(chart.all(cls="bar")) == 32
    expected = published()
    assert [w.text for w in chart.all(cls="who")] == [row["department"] for row in expected]
    # full marks are 100; the 8th lowest of the 32 totals is 89.27, so the axis starts at 85 (89.27 - 2 = 87.27,
    # down to a multiple of 5) and a bar's width in per cent of its track is (total - 85) / (100 - 85); the
    # three totals below 85 (74.69, 75.03, 55.03) are drawn cut: no bar, ◀ beside the printed total
    cut = {"74.69", "75.03", "55.03"}
    shown = [two_places(row["final_score"]) for row in expected]
    assert [v.text for v in chart.all(cls="val")] == [f"◀ {t}" if t in cut else t for t in shown]
    assert [("cut" in t.attrs["class"]) for t in chart.all(cls="track")] == [t in cut for t in shown]
    widths = [re.fullmatch(r"width: ([0-9.]+)%", b.attrs["style"]).group(1) for b in bars]  # type: ignore[union-attr]
    assert [float(w) for w in widths] == pytest.approx(
        [max(0.0, (float(t) - 85) / 15 * 100) for t in shown], abs=0.0051
    )
    assert widths[0] == "99.20" and widths[-1] == "0.00"  # 99.88: 14.88 / 15; 55.03: cut
    # 95.01 and 95.06, 0.05 apart, are a third of a per cent of the track apart (against a tenth from 50)
    assert chart.one("h2").text == "最终得分（满分100分）　横轴从 85 分起，不从 0 起；标 ◀ 的总分低于起点，不画条形"
    assert [t.text for t in chart.one(cls="scale").all("span")] == ["85", "90", "95", "100"]


def test_the_html_footer_names_the_ruleset_input_and_version(seed_page):
    foot = dom(seed_page).one("footer").text
    assert "jintai-hotline@2024.02" in foot and f"kaoping {__version__}" in foot
    assert sha256(SEED_RULESET) in foot and sha256(SEED_INPUT) in foot


def test_the_html_escapes_every_text(hostile):
    page_text = to_html(hostile, "2024-02")
    assert "<script" not in page_text.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;|区*局_&amp;amp;" in page_text
    page = dom(page_text)
    names = [tr.all("td")[1].text for tr in page.one("tbody").all("tr")]
    assert HOSTILE in names  # it reads back as it was given
    assert HOSTILE in [w.text for w in page.all(cls="who")]


def test_the_html_of_city_hotline_has_its_sections_grades_lists_and_flags(city):
    page = dom(to_html(city, "2025-01"))
    bodies = page.all("tbody")
    assert [b.one("tr", "section").text for b in bodies] == CITY_SECTIONS
    upper = page.one("thead").all("tr")[0]
    assert {th.text: th.attrs.get("colspan") for th in upper.all("th") if "colspan" in th.attrs} == {"扣分": "5"}
    rows = {tr.all("td")[1].text: tr.all("td") for b in bodies for tr in b.all("tr") if tr.all("td")}
    assert rows["市市场监管局"][-1].text == "不合格" and rows["西城区"][-1].text == "优秀"
    assert rows["市档案馆"][0].text == "" and "市档案馆" in bodies[-1].text
    assert [li.text for li in page.one("ul", "notes").all("li")] == CITY_NOTES
    # one bar per ranked unit (市档案馆 is not ranked), each against its own group's full marks
    chart = page.one("section", "chart")
    assert len(chart.all(cls="bar")) == 11 and "市档案馆" not in chart.text
    assert [h.text for h in chart.all("h3")] == [
        "县区组（满分150分）",
        "市直部门组（满分100分）",
        "功能区（满分100分）",
    ]
    bars = {w.text: b for w, b in zip(chart.all(cls="who"), chart.all(cls="bar"), strict=False)}
    assert bars["西城区"].attrs["style"] == "width: 100.00%"  # 150 of 150 (bonus capped at full marks)


def test_a_report_without_groups_has_a_one_row_header(tmp_path):
    text = SEED_RULESET.read_text(encoding="utf-8")
    start = text.index("  columns:\n", text.index("report:"))
    end = text.index("\ntests:")
    plain = tmp_path / "jintai-hotline" / "2024.02.yaml"
    plain.parent.mkdir()
    plain.write_text(text[:start] + text[end:], encoding="utf-8")
    page = dom(to_html(evaluate(load_ruleset(plain), SEED_INPUT), "2024-02"))
    rows = page.one("thead").all("tr")
    assert len(rows) == 1 and not any("rowspan" in th.attrs or "colspan" in th.attrs for th in rows[0].all("th"))
    assert [th.text for th in rows[0].all("th")][-1] == "最终得分"


@pytest.mark.parametrize(
    ("percents", "start"),
    [
        ([99.88, 95.47, 55.03], 50.0),  # the seed: 55.03 - 2 = 53.03, down to 50
        ([99.88, 95.47, 94.5], 90.0),  # 20 units between 94.5 and 95.5 and nothing lower: the axis spans 10 points
        ([96.0, 91.9], 85.0),  # 89.9 down to 85
        ([96.0, 92.0], 90.0),  # 90.0 is a multiple of 5 already
        ([100.0, 100.0], 90.0),  # never above 90: a bar at full marks is still a bar
        ([80.0, -3.0], 0.0),  # never below 0
        ([], 0.0),
        ([99.0, 98.0, 97.0, 96.0, 50.0], 90.0),  # 5 units: the 2nd lowest (ceil(5/4)), 96 - 2 = 94, down to 90
        (
            [55.03, 74.69, 75.03, 86.02, 87.76, 88.42, 88.86, 89.27, *[95.0] * 24],
            85.0,  # the seed's shape: 32 totals, the 8th lowest 89.27 - 2 = 87.27, down to 85
        ),
    ],
)
def test_the_chart_axis_starts_below_the_bulk_of_the_totals_at_a_multiple_of_5(percents, start):
    assert axis_start(percents) == start
