"""The two costs that grew faster than the units (issue 10), pinned without timing anything.

combine: units never ranked were picked as `s not in ranked`, comparing every unit with every
ranked one; each unit's result in each period was also looked up three times.  The entity names
here count their comparisons, so a return of either shows as a count, not as a slow run.

diff's table: Rich measured and padded every cell (44 s for 100,000 units); plain_table writes the
same text directly.  It must be Rich's text byte for byte, and be what render_diff draws.
"""

from __future__ import annotations

import dataclasses
import io
import random
from pathlib import Path

import pytest
from kaoping.analysis import combine as combining
from kaoping.analysis.diff import diff
from kaoping.data.table import read_table
from kaoping.evaluate.ranking import Evaluation, rank
from kaoping.evaluate.scoring import score
from kaoping.outputs import diff as diff_out
from kaoping.ruleset.load import load_ruleset
from rich.console import Console

from .conftest import ROOT, SEED_INPUT, SEED_RULESET

CITY = ROOT / "rulesets" / "city-hotline" / "2025.01.yaml"
HEADER = "单位名称,分组,应办结数,办结数,一次性办结数,回访数,满意数,不规范答复数,超期件数,表扬件数"
GROUPS = ("县区组", "市直部门组", "功能区")


class Name(str):
    """An entity name that counts how often it is compared for equality (dict lookups, `in`)."""

    compared = 0

    def __eq__(self, other: object) -> bool:
        Name.compared += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


def _month(tmp_path: Path, label: str, units: int, seed: int) -> Evaluation:
    """A city-hotline month of `units` units, every other one under the minimum volume (never ranked)."""
    rng = random.Random(seed)
    lines = [HEADER]
    for i in range(units):
        due = rng.randint(0, 19) if i % 2 else rng.randint(20, 400)
        done = rng.randint(0, due)
        first, visited = rng.randint(0, done), rng.randint(0, done)
        lines.append(f"单位{i:05d},{GROUPS[i % 3]},{due},{done},{first},{visited},{rng.randint(0, visited)},0,0,0")
    path = tmp_path / f"{label}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ruleset = load_ruleset(CITY)
    table = read_table(path, ruleset)
    evaluation = rank(ruleset, table, score(ruleset, table))
    results = tuple(dataclasses.replace(r, entity=Name(r.entity)) for r in evaluation.results)
    return dataclasses.replace(evaluation, results=results)


def test_combine_compares_each_name_a_bounded_number_of_times_per_period(tmp_path):
    units, labels = 400, ("2025-01", "2025-02", "2025-03")
    months = [_month(tmp_path, label, units, seed) for seed, label in enumerate(labels)]
    Name.compared = 0
    combined = combining.combine(months[0].ruleset, labels, months)
    # one lookup a unit and period to list the names, one to gather its results: 2 * 3 * 400 = 2,400;
    # the quadratic split compared about 200 * 200 more, the three lookups 1,200 more
    assert Name.compared <= 2 * len(labels) * units
    assert len(combined.rows) == units
    assert sum(row.rank is None for row in combined.rows) == units // 2  # the never-ranked, after the ranked
    assert all(row.rank is None for row in combined.rows[units // 2 :])


def _cells(rng: random.Random) -> tuple[str, ...]:
    words = ["", "a", "单位甲", "东城区市场监管局", "12.5", "-3.25", "↑12", "=", "—", "ranked now", "Ａｂ"]
    return tuple(rng.choice(words) + rng.choice(words) for _ in diff_out.HEADINGS)


def _rich(rows: list[tuple[str, ...]], console: Console) -> str:
    console.print(diff_out.rich_table(rows))
    return console.file.getvalue()  # type: ignore[attr-defined, no-any-return]


@pytest.mark.parametrize("seed", range(20))
def test_the_plain_table_is_richs_text_byte_for_byte(seed):
    rng = random.Random(seed)
    rows = [_cells(rng) for _ in range(rng.randint(0, 30))]
    for console in (
        Console(file=io.StringIO(), width=10_000, color_system=None, highlight=False),
        Console(file=io.StringIO(), highlight=False, soft_wrap=True, width=200),
    ):
        plain = diff_out.plain_table(rows, console.width)
        assert plain is not None
        printed = Console(file=io.StringIO(), width=console.width, color_system=None, highlight=False)
        printed.print(plain)
        assert printed.file.getvalue() == _rich(rows, console)  # type: ignore[attr-defined]


def test_the_plain_table_leaves_to_rich_what_rich_would_wrap_or_change():
    assert diff_out.plain_table([("a\tb", "1", "2", "", "", "", "=")], 10_000) is None
    assert diff_out.plain_table([("a\x1b[31m", "1", "2", "", "", "", "=")], 10_000) is None
    assert diff_out.plain_table([("单位" * 40, "1", "2", "", "", "", "=")], 80) is None
    assert diff_out.plain_table([("单位", "1", "2", "", "", "", "=")], 80) is not None


def test_render_diff_draws_many_units_without_a_rich_table(monkeypatch):
    ruleset = load_ruleset(SEED_RULESET)
    table = read_table(SEED_INPUT, ruleset)
    evaluation = rank(ruleset, table, score(ruleset, table))
    d = diff(evaluation, evaluation)
    expected = io.StringIO()
    diff_out.render_diff(d, Console(file=expected, width=10_000, color_system=None, highlight=False))

    def refused(rows: object) -> None:
        raise AssertionError("the table of a plain-text diff went through Rich")

    monkeypatch.setattr(diff_out, "rich_table", refused)
    got = io.StringIO()
    diff_out.render_diff(d, Console(file=got, width=10_000, color_system=None, highlight=False))
    assert got.getvalue() == expected.getvalue()
