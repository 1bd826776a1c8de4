"""The columnar CSV reader (kaoping.columns.read) against the reference reader (kaoping.data.table.read_table).

read_csv_columns is a screen: it returns None, and the caller runs the
reference, unless it is sure the reference would read the file without a
problem and give exactly these units.  So every test here is the same
differential: for a file and a ruleset, read_csv_columns gives None, or the
reference's records exactly, column by column (values and their Python
types through .tolist(), floats to the bit), their rows, the ignored
columns, the notes and the encoding.  The expected side is always the
reference's own reading of the same file, never read.py's.

- every CSV under tests/ and examples/ (golden valid and bad-data cases) with
  the rulesets it is read with, and with the seed's;
- hypothesis-generated files (2,000 examples, two rulesets): clean rows mixed
  with each mistake and oddity the reference deals with (spaces, %, '12.0',
  1e3, full-width digits, blank lines, quoted commas and line breaks, BOM, GB
  18030 and UTF-16, CRLF, title and group rows above the header, 合计 rows,
  duplicates, bounds, running sums and subtotals, control characters, ...);
- plain numerals: DuckDB's conversion against float(Decimal(...)), bit for bit;
- and that the fast path is taken (so a screen that always says None fails):
  the seed example, a large clean synthetic file, and each oddity it reads.
"""

from __future__ import annotations

import contextlib
import functools
import random
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import kaoping
import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from kaoping.columns.read import ColumnRead, read_csv_columns
from kaoping.data.records import Table
from kaoping.data.rows import note_text
from kaoping.data.table import read_table
from kaoping.errors import KaopingError
from kaoping.ruleset.model import Input, Ruleset

from .conftest import ROOT, SEED_INPUT, SEED_RULESET

MIXED = """
schema: 1
name: test-columns-read
version: "1"
title: 列读取
effective: "2025-01-01"
entity: {key: unit, group: group, totals: [合计, 小计, 全区]}
inputs:
  - {id: unit, type: text, label: 单位, aliases: [单位名称]}
  - {id: group, type: text, label: 分组}
  - {id: due, type: integer, label: 应办数, min: 0}
  - {id: done, type: integer, label: 办结数, min: 0, max: due}
  - {id: hours, type: number, label: 平均时长, min: 0, default: 0.5}
  - {id: rate, type: percent, label: 满意率, min: 0, max: 100}
  - {id: extra, type: integer, label: 加分, default: 0}
  - {id: points, type: number, label: 得分, default: 0}
  - {id: note, type: text, label: 备注, default: 无}
indicators:
  - {id: completion, label: 办结, weight: 60, formula: "weight * ratio(done, due, 1)"}
  - {id: satisfaction, label: 满意度, weight: 40, formula: "weight * rate / 100 + extra * 0 + hours * 0 + points * 0"}
total: {max: 100}
groups:
  - {value: 甲组}
  - {value: 乙组}
rounding: {places: 2}
ranking: {within: group}
"""
# `points` is a number whose default is the int 0: an empty cell gives the reference an int among floats, which
# the columns cannot hold, so the screen must say None for it; `hours` (0.5) and `extra` (0) are defaults it fills.


@functools.cache
def ruleset(which: str) -> Ruleset:
    """The seed's ruleset, or MIXED (every input type, defaults, declared groups, its own totals labels)."""
    return kaoping.load(str(SEED_RULESET)).model if which == "seed" else kaoping.loads(MIXED).model


def reference(path: Path, model: Ruleset, display: str) -> Table | None:
    """What the reference reads from `path`, or None when it refuses the file (a problem anywhere)."""
    try:
        return read_table(path, model, display)
    except KaopingError:
        return None


DTYPES = {"text": object, "integer": np.int64, "number": np.float64, "percent": np.float64}


def assert_same(read: ColumnRead, table: Table, model: Ruleset) -> None:
    """read_csv_columns' reading is exactly the reference's: values and types (floats by repr, so -0.0 and the last
    bit count), rows, ignored columns, notes and encoding."""
    assert read.encoding == table.encoding
    assert read.ignored == table.ignored_columns
    assert [note_text(n) for n in read.notes] == list(table.notes)
    columns = read.columns
    assert columns.n == len(table.records)
    assert columns.rows.dtype == np.int64
    assert columns.rows.tolist() == [r.row for r in table.records]
    assert set(columns.values) == {i.id for i in model.inputs}
    for item in model.inputs:
        got = columns.values[item.id]
        assert got.dtype == DTYPES[item.type], item.id
        want = [r.values[item.id] for r in table.records]
        assert [(type(v), repr(v)) for v in got.tolist()] == [(type(v), repr(v)) for v in want], item.id


def differential(raw: bytes, model: Ruleset, folder: Path, name: str = "in.csv") -> ColumnRead | None:
    """read_csv_columns on `raw`, checked against the reference on the same bytes written to a file."""
    path = folder / name
    path.write_bytes(raw)
    table = reference(path, model, name)
    read = read_csv_columns(raw, model, name)
    if read is not None:
        assert table is not None, "the screen vouched for a file the reference refuses"
        assert_same(read, table, model)
    return read


# -- every CSV of the project, with the rulesets it is read with ------------------------------------------------------


def project_rulesets() -> list[Path]:
    """Every ruleset of the project outside tests/cases/invalid/: the shipped ones and the cases'."""
    found = [*(ROOT / "rulesets").glob("*/*.yaml"), *(ROOT / "tests" / "cases").rglob("*.yaml")]
    return sorted(path for path in found if "invalid" not in path.parts)


def pairs() -> list[tuple[Path, Path]]:
    """Each CSV with the seed's ruleset and the rulesets whose name it shares (decimals.csv: decimals-1.yaml, ...;
    examples/city-hotline-2025-01.csv: rulesets/city-hotline/*.yaml)."""
    rulesets = project_rulesets()
    csvs = sorted(p for folder in ("tests", "examples", "rulesets") for p in (ROOT / folder).rglob("*.csv"))
    found = []
    for csv_path in csvs:
        own = [
            path
            for path in rulesets
            if (
                path.parent == csv_path.parent
                and (csv_path.stem.startswith(path.stem) or path.stem.startswith(csv_path.stem))
            )
            or (path.parent.parent.name == "rulesets" and csv_path.stem.startswith(path.parent.name))
            or (csv_path.parent.name == "cases" and path.parent == csv_path.parent.parent)
        ]
        found += [(csv_path, path) for path in dict.fromkeys([SEED_RULESET, *own])]
    return found


@functools.cache
def loaded(path: Path) -> Ruleset:
    return kaoping.load(str(path)).model


PAIRS = pairs()


def test_the_pairs_cover_the_project() -> None:
    """Every CSV is read with at least the seed's ruleset, and the case folders with their own."""
    assert len({c for c, _ in PAIRS}) >= 90
    assert any(c.name == "decimals.csv" and r.name == "decimals-2.yaml" for c, r in PAIRS)
    assert any(c.name == "city-hotline-2025-01.csv" and r.parent.name == "city-hotline" for c, r in PAIRS)


@pytest.mark.parametrize(("csv_path", "ruleset_path"), PAIRS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_csv_of_the_project_reads_as_the_reference_reads_it(csv_path: Path, ruleset_path: Path) -> None:
    model = loaded(ruleset_path)
    display = csv_path.relative_to(ROOT).as_posix()
    table = reference(csv_path, model, display)
    read = read_csv_columns(csv_path.read_bytes(), model, display)
    if read is not None:
        assert table is not None
        assert_same(read, table, model)


# -- the fast path is taken ---------------------------------------------------------------------------------------------


def test_the_seed_example_is_read_by_the_fast_path(tmp_path: Path) -> None:
    read = differential(SEED_INPUT.read_bytes(), ruleset("seed"), tmp_path)
    assert read is not None
    assert read.columns.n == 32


def synthetic(n: int, seed: int = 20240201) -> str:
    """n clean units of the seed's seven columns, as /tmp/proto/gen.py makes them for the benchmark."""
    rng = random.Random(seed)
    lines = ["部门名称,应办结工单数,办结工单数,按期办结工单数,逾期退单工单数,告警工单数,返工工单数"]
    for i in range(n):
        due = rng.randint(0, 400)
        completed = rng.randint(0, due)
        on_time = rng.randint(0, completed)
        lines.append(
            f"单位{i:07d},{due},{completed},{on_time},{rng.randint(0, 5)},{rng.randint(0, 2)},{rng.randint(0, 2)}"
        )
    return "\n".join(lines) + "\n"


def test_a_large_clean_file_is_read_by_the_fast_path(tmp_path: Path) -> None:
    """50,000 units: more text than read.py screens at a time (2**20 characters), in GB 18030 and UTF-8."""
    text = synthetic(50_000)
    assert len(text) > 2**20
    for encoding in ("utf-8", "gb18030"):
        read = differential(text.encode(encoding), ruleset("seed"), tmp_path)
        assert read is not None
        assert read.columns.n == 50_000


HEADER = "部门名称,应办结工单数,办结工单数,按期办结工单数,逾期退单工单数,告警工单数,返工工单数"
ROWS = ["甲局,10,8,6,1,0,0", "乙局,20,15,15,0,1,1", "丙局,7,7,2,0,0,2", "丁局,30,1,0,5,2,0"]


@pytest.mark.parametrize(
    ("name", "text", "encoding"),
    [
        ("crlf", "\r\n".join([HEADER, *ROWS]) + "\r\n", "utf-8"),
        ("bom", "\n".join([HEADER, *ROWS]), "utf-8-sig"),
        ("gb18030", "\n".join([HEADER, *ROWS]) + "\n", "gb18030"),
        ("title-and-group-rows", "\n".join(["2024年2月考评表", ",办结情况,,,,,", HEADER, *ROWS]), "utf-8"),
        ("totals-row-left-out", "\n".join([HEADER, *ROWS, "合计,67,31,23,6,3,3"]), "utf-8"),
        (
            "quoted-comma-and-quote",
            "\n".join([HEADER, '"甲局,一科",10,8,6,1,0,0', '"乙""局",20,15,15,0,1,1', *ROWS[2:]]),
            "utf-8",
        ),
        ("integers-written-12.0", "\n".join([HEADER, "甲局,10.0,8.,6,+1,0,0", *ROWS[1:]]), "utf-8"),
        ("ignored-column-and-tabs", "\n".join(f"序号\t{r}".replace(",", "\t") for r in [HEADER, *ROWS]), "utf-8"),
        ("reworks-absent", "\n".join(r.rsplit(",", 1)[0] for r in [HEADER, *ROWS]), "utf-8"),
        ("trailing-blank-lines", "\n".join([HEADER, *ROWS]) + "\n\n\r\n", "utf-8"),
        ("a-unit-whose-name-holds-a-label", "\n".join([HEADER, "区合计管理中心,3,3,3,0,0,0", *ROWS]), "utf-8"),
        (
            "a-header-cell-wrapped",
            "\n".join(
                ['部门名称,"应办结\n工单数",办结工单数,按期办结工单数,逾期退单工单数,告警工单数,返工工单数', *ROWS]
            ),
            "utf-8",
        ),
        ("a-title-row-longer-than-the-prefix", "\n".join(["说明：" + "很长的说明" * 20_000, HEADER, *ROWS]), "utf-8"),
        ("a-lone-cr-above-the-header", "\n".join(["单位：个\r2024年2月", HEADER, *ROWS]), "utf-8"),
    ],
)
def test_each_oddity_the_screen_reads_is_read_by_the_fast_path(
    name: str, text: str, encoding: str, tmp_path: Path
) -> None:
    read = differential(text.encode(encoding), ruleset("seed"), tmp_path)
    assert read is not None, name


def test_a_grand_total_below_a_subtotal_is_left_to_the_reference(tmp_path: Path) -> None:
    """全体部门 sums every unit above it, across the 小计 row (which starts a new section): the reference warns
    that it may be a total (its `every` sum), so the screen must not vouch for the file.  Its `section` sum alone
    (丙局 + 丁局) would not see it."""
    subtotal = "小计,30,23,21,1,1,1"  # 甲局 + 乙局
    text = "\n".join([HEADER, *ROWS[:2], subtotal, *ROWS[2:], "全体部门,67,31,23,6,3,3"])
    table = reference_of(text, tmp_path)
    assert table is not None and any("全体部门" in str(n) for n in table.notes)  # the reference's warning
    assert differential(text.encode("utf-8"), ruleset("seed"), tmp_path) is None


def reference_of(text: str, folder: Path) -> Table | None:
    path = folder / "ref.csv"
    path.write_text(text, encoding="utf-8")
    return reference(path, ruleset("seed"), "ref.csv")


def test_percent_number_defaults_and_groups_are_read_by_the_fast_path(tmp_path: Path) -> None:
    text = "单位,分组,应办数,办结数,平均时长,满意率,备注,得分\n甲,甲组,10,9,1.5,98.06%,,1.0\n乙,乙组,5,5,,99.5 ％,好,.5\n丙,甲组,3,0,2.,100,,-0.0\n"
    read = differential(text.encode("utf-8"), ruleset("mixed"), tmp_path)
    assert read is not None
    assert read.columns.values["hours"].tolist() == [1.5, 0.5, 2.0]  # the default where the cell is empty
    assert read.columns.values["note"].tolist() == ["无", "好", "无"]


def test_a_number_whose_default_is_an_int_is_left_to_the_reference(tmp_path: Path) -> None:
    """An empty 得分 gives the reference the int 0 among floats: no float64 column holds that."""
    text = "单位,分组,应办数,办结数,满意率,得分\n甲,甲组,10,9,98,\n乙,乙组,5,5,99,1.5\n"
    assert differential(text.encode("utf-8"), ruleset("mixed"), tmp_path) is None


def test_the_temporary_file_is_deleted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert read_csv_columns(synthetic(50).encode("gb18030"), ruleset("seed"), "in.csv") is not None
    assert read_csv_columns(b"\xef\xbb\xbf" + synthetic(50).encode("utf-8"), ruleset("seed"), "in.csv") is not None
    assert list(tmp_path.iterdir()) == []


# -- hypothesis: clean rows mixed with every mistake and oddity -------------------------------------------------------

NAMES = [
    f"{a}{b}"
    for a in ("金台", "城东", "西山", "南湖", "北关", "Unit ")
    for b in ("发改局", "教育局", "公安分局", "民政局", "7")
]
# what offices and exports put in cells, by the input's type: each either read alike by both readers or refused
ODD_CELLS = {
    "integer": [
        " 12",
        "12 ",
        "12.0",
        "12.",
        "+12",
        "012",
        "-0",
        "1e1",
        "12.5",
        "１２",
        "1_000",
        "1,234",
        "",
        "-3",
        "abc",
        "12345678901234567",
        "123456789012345",
        "nan",
        '"12"',
        "'12",
        "0x1F",
        "1e400",
    ],
    "number": [
        "1.5",
        ".5",
        "5.",
        "+.5",
        "-0.0",
        " 2.5",
        "1e3",
        "1.234567890123456",
        "１.５",
        "",
        "-1",
        "0.1",
        "3.14159",
        "99999999999999.9",
        "1.5%",
        "inf",
    ],
    "percent": ["98.5%", "98.5 %", "98.5％", "１００%", "%", "101", "", "99.99", "-0%", "50%%", " 7%"],
    "text": [
        " 甲",
        "乙 ",
        "'=SUM(A1)",
        "'abc",
        "a\u200bb",
        "a\x07b",
        "a\tb",
        "a\u3000b",
        "\ufeffa",
        "a,b",
        'a"b',
        '"a"b',
        "a\nb",
        "",
        "区合计管理中心",
        "合 计",
        "全区合计（32个单位）",
        "部门小计",
        "=1+1",
        "''x",
        "全区",
        "丙组",
        "甲组 ",
        "  ",
        "a\rb",
        "a\u2028b",
    ],
}
TOTALS = ["合计", "合 计", "总计", "全区合计（32个单位）", "部门小计", "合计：", "小计", "全区", "平均"]
ROW_ODDITIES = [
    "blank",
    "separators",
    "spaces",
    "extra",
    "short",
    "semicolons",
    "unclosed",
    "duplicate",
    "sum",
    "first-sum",
    "totals",
    "totals-beside",
    "quoted",
    "long-quote",
    "totals-garbage",
    "subtotal",
]
ENCODINGS = ["utf-8", "utf-8", "utf-8", "utf-8-sig", "gb18030", "gb18030", "utf-16", "utf-16-le"]


class Raw(str):
    """A cell written as it is, quotes and all (a mistake in the quoting, not a cell to quote)."""


def clean_value(rng: random.Random, item: Input, row: dict[str, str], model: Ruleset) -> str:
    """A value `item` may hold in a clean row, within its bounds (a max naming another input is already drawn).
    Clean values come from a Random that hypothesis seeds: drawing each from hypothesis costs more than the test."""
    if item.type == "text":
        return rng.choice([g.value for g in model.groups] if item.id == model.group_field else ["无", "好", "ok"])
    limit = 400 if not isinstance(item.max, str) else int(float(row[item.max].rstrip("%") or 0))
    whole = rng.randint(0, max(0, min(limit, 100 if item.type == "percent" else 400)))
    if item.type == "integer":
        return str(whole)
    places = rng.randint(0, 3) if whole < limit else 0
    fraction = "." + "".join(rng.choice("0123456789") for _ in range(places)) if places else ""
    return f"{whole}{fraction}" + ("%" if item.type == "percent" and rng.random() < 0.5 else "")


@st.composite
def grid(draw: st.DrawFn, model: Ruleset) -> tuple[list[Input | None], list[str], list[list[str]]]:
    """A header (each input by id, label or alias; optional ones sometimes left out; an ignored column sometimes;
    in any order), the input each column holds, and 1-12 clean rows under it."""
    columns: list[tuple[Input | None, str]] = []
    for item in model.inputs:
        if not item.required and draw(st.integers(0, 3)) == 0:
            continue
        columns.append((item, draw(st.sampled_from([item.id, item.label, *item.aliases]))))
    if draw(st.integers(0, 3)) == 0:
        columns.insert(draw(st.integers(0, len(columns))), (None, draw(st.sampled_from(["序号", "备用", "联系人"]))))
    columns = draw(st.permutations(columns))
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    rows = []
    for name in rng.sample(NAMES, draw(st.integers(1, 12))):
        row: dict[str, str] = {}
        for item in model.inputs:  # in the ruleset's order, so that a bound naming an input is drawn first
            row[item.id] = name if item.id == model.key else clean_value(rng, item, row, model)
        rows.append([row[item.id] if item else str(len(rows) + 1) for item, _ in columns])
    return [item for item, _ in columns], [text for _, text in columns], rows


def summed(rows: Sequence[Sequence[str]], key: int, label: str, width: int) -> list[str]:
    """A row of `width` cells whose every number is the sum of `rows`' (a text cell kept from the first row that
    has it), labelled `label`."""
    out = [next((r[col] for r in rows if col < len(r)), "") for col in range(width)]
    for col in range(width):
        cells = [r[col].rstrip("%") if col < len(r) else "" for r in rows]
        with contextlib.suppress(ArithmeticError):
            out[col] = str(sum(Decimal(c) for c in cells))
    out[key] = label
    return out


@st.composite
def odd_rows(draw: st.DrawFn, inputs: list[Input | None], rows: list[list[str]], model: Ruleset) -> list[list[str]]:
    """`rows` with 0-4 of the mistakes and oddities a cell or a row may have."""
    key = next(col for col, item in enumerate(inputs) if item is not None and item.id == model.key)
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(rows) - 1))
        if draw(st.booleans()):  # one cell
            col = draw(st.integers(0, len(rows[at]) - 1))
            item = inputs[col] if col < len(inputs) else None
            rows[at][col] = draw(st.sampled_from(ODD_CELLS[item.type if item else "text"]))
            continue
        rows = row_oddity(draw(st.sampled_from(ROW_ODDITIES)), rows, at, key, len(inputs), draw)
    return rows


def row_oddity(kind: str, rows: list[list[str]], at: int, key: int, columns: int, draw: st.DrawFn) -> list[list[str]]:
    """`rows` with one row-level oddity of `kind` at or after row `at`; the header is `columns` wide, its `key`-th
    column the key."""
    width, row = len(rows[at]), rows[at]
    made: list[str] | None = None
    if kind in ("blank", "separators", "spaces"):
        made = [{"blank": "", "separators": "", "spaces": "   "}[kind]] + [""] * (
            width - 1 if kind == "separators" else 0
        )
    elif kind == "extra":
        rows[at] = [*row, draw(st.sampled_from(["x", "", " "]))]
    elif kind == "short":
        rows[at] = row[: draw(st.integers(1, width))]
    elif kind == "semicolons":
        rows[at] = [Raw(";".join(row))]
    elif kind == "unclosed":
        rows[at][draw(st.integers(0, width - 1))] = Raw('"' + row[0])
    elif kind == "duplicate" and len(rows) > 1 and key < min(width, len(rows[(at + 1) % len(rows)])):
        rows[at][key] = rows[(at + 1) % len(rows)][key]
    elif kind == "sum" and at >= 2:
        made = summed(rows[:at], key, "区级汇总", columns)
    elif kind == "first-sum" and len(rows) >= 2:
        return [summed(rows, key, "全部门", columns), *rows]
    elif kind == "totals":
        made = summed(rows[: at + 1], key, draw(st.sampled_from(TOTALS)), columns)
    elif kind == "totals-garbage":  # a totals row's other cells are never read: anything may be there
        made = [draw(st.sampled_from(["—", "", "n/a", "１２"])) for _ in range(columns)]
        made[key] = draw(st.sampled_from(TOTALS))
    elif kind == "subtotal" and at + 3 <= len(rows):  # a labelled total, then a row summing the two after it
        section = rows[at + 1 : at + 3]
        rows.insert(at + 3, summed(section, key, "二科合计数" if draw(st.booleans()) else "二科", columns))
        made = summed(rows[: at + 1], key, "小计", columns)
    elif kind == "totals-beside":
        made = [""] * max(width, 2)
        made[(key + 1) % len(made)] = "合计"
    elif kind == "quoted":
        col = draw(st.integers(0, width - 1))
        rows[at][col] = Raw('"' + row[col].replace('"', '""') + '"')
    elif kind == "long-quote" and key < width:
        rows[at][key] = Raw(' "' + row[key] + '"')
    if made is not None:
        rows.insert(at + 1, made)
    return rows


def written(cell: str, delimiter: str) -> str:
    """A cell as a CSV writer writes it: quoted when it must be (a Raw cell as it is)."""
    if isinstance(cell, Raw) or not any(c in cell for c in (delimiter, '"', "\n", "\r")):
        return str(cell)
    return '"' + cell.replace('"', '""') + '"'


@st.composite
def csv_files(draw: st.DrawFn, model: Ruleset) -> bytes:
    """A whole file: title or group rows above the header, the rows, a separator, line breaks and an encoding."""
    inputs, header, rows = draw(grid(model))
    rows = draw(odd_rows(inputs, rows, model))
    delimiter = draw(st.sampled_from([",", ",", ",", "\t"]))
    above = draw(
        st.lists(
            st.sampled_from(
                ["2024年2月考评表", "考评表" + delimiter * 3, delimiter.join(["", "办结情况", ""]), "单位：个\r"]
            ),
            max_size=2,
        )
    )
    lines = [
        *above,
        delimiter.join(written(c, delimiter) for c in header),
        *(delimiter.join(written(c, delimiter) for c in r) for r in rows),
    ]
    newline = draw(st.sampled_from(["\n", "\n", "\r\n", "mixed"]))
    if newline == "mixed":  # CR LF and LF (and a lone CR, a line break to the csv module) in one file
        ends = draw(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=len(lines), max_size=len(lines)))
        text = "".join(line + end for line, end in zip(lines, ends, strict=True))
    else:
        text = newline.join(lines) + draw(st.sampled_from(["", newline, newline * 2, "\n\r\n"]))
    encoding = draw(st.sampled_from(ENCODINGS))
    return text.encode(encoding, errors="replace")


@settings(
    max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data(), which=st.sampled_from(["seed", "mixed"]))
def test_hypothesis_files_read_as_the_reference_reads_them(data: st.DataObject, which: str, tmp_path: Path) -> None:
    model = ruleset(which)
    raw = data.draw(csv_files(model))
    read = differential(raw, model, tmp_path)
    # --hypothesis-show-statistics tells how often each way is taken
    event(
        "fast path"
        if read is not None
        else "refused"
        if reference(tmp_path / "in.csv", model, "in.csv") is None
        else "left to the reference"
    )


# -- plain numerals: DuckDB's conversion is float(Decimal(...)), bit for bit --------------------------------------------

NUMERALS = st.from_regex(r"\A[+-]?([0-9]{1,15}\.?[0-9]{0,6}|\.[0-9]{1,15})\Z").filter(
    lambda s: sum(c.isdigit() for c in s) <= 15
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    numerals=st.lists(NUMERALS, min_size=1, max_size=200),
    integers=st.lists(st.from_regex(r"\A[+-]?[0-9]{1,15}(\.0{0,3})?\Z"), min_size=1, max_size=200),
)
def test_plain_numerals_convert_as_the_reference_converts_them(
    numerals: list[str], integers: list[str], tmp_path: Path
) -> None:
    """Each numeral through the fast path as a number (平均时长, no bound but min 0: its magnitude) and an integer
    cell, against float(Decimal(cell)) and the reference's int(), to the bit: the proof in read.py's docstring
    says any correctly rounded conversion agrees on these; this checks DuckDB's is one."""
    n = max(len(numerals), len(integers))
    lines = ["单位,分组,应办数,办结数,平均时长,满意率,得分,加分"]
    for i in range(n):
        points = numerals[i % len(numerals)]
        extra = integers[i % len(integers)]
        lines.append(f"u{i},甲组,{10 + i},{i % 7},{points.lstrip('+-')},{i % 100}%,{points},{extra}")
    read = differential("\n".join(lines).encode("utf-8"), ruleset("mixed"), tmp_path)
    assert read is not None  # every row is clean (应办数 grows, so no row is a sum of others)
    got = read.columns.values["points"].tolist()
    assert [repr(v) for v in got] == [repr(float(Decimal(numerals[i % len(numerals)]))) for i in range(n)]


def test_no_temporary_file_is_no_fast_path_and_no_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A temporary folder that cannot be written leaves the file to the reference, which needs none."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    assert read_csv_columns(synthetic(50).encode("utf-8"), ruleset("seed"), "in.csv") is None
