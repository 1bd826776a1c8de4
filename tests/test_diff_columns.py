"""The diff of two columnar evaluations, against the reference diff, byte for byte.

The reference is the diff as it was made before it had columns: both
evaluations by the row path (tests/test_columns_pipeline.reference),
analysis.diff.reference_diff unit by unit, its JSON by dump_json of one dict
a unit, and its table drawn as render_diff drew it (reference_render below,
the code as it was; Rich itself draws the table for the smaller cases).  The
columnar path is what `kaoping diff` runs: ColumnChanges, written from the
columns (outputs/diff.py), its table handed to Rich verbatim.  Every case must
also really take the columnar path.

The inputs are generated under three rulesets (no groups; groups ranked
apart with grades and unranked units; grades that the what-if moves), with
Chinese, fullwidth, emoji, :emoji: codes, markup-like and long names, many
exact ties, units ranked under one ruleset only, and printed on consoles of
every kind the CLI makes and some it does not: -o FILE (width 10,000),
stdout into a file (soft wrap, 80 columns), narrow ones where Rich must wrap
the table, a colour terminal, a recording console and a capture.
"""

from __future__ import annotations

import io
import json
import random
from collections.abc import Callable
from dataclasses import replace

import kaoping
import numpy as np
import pytest
from kaoping.analysis.diff import (
    ColumnChanges,
    Diff,
    _inversions,
    diff,
    kendall_tau_b,
    kendall_tau_b_arrays,
    reference_diff,
    unit_columns,
)
from kaoping.evaluate.pipeline import evaluate_table
from kaoping.evaluate.ranking import Evaluation
from kaoping.outputs import diff as diff_out
from kaoping.outputs.layout import not_in_effect_line
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from .conftest import run_cli
from .test_columns_pipeline import reference

SEED, CITY, RATE = "jintai-hotline@2024.02", "city-hotline@2025.01", "rate-hotline@2025.01"

NAMES = [
    "单位",
    "东城区市场监管局",
    "unit",
    "Ａｂｃ",  # fullwidth
    "office 7",
    "区林业局（东）",
    "café",
    "😀站",  # an emoji: measured by rich's cell_len whole
    "✔\ufe0f办",  # an emoji by its variation selector: rich widens it
    "e\u0301x",  # a combining accent
    "한국",  # Hangul: outside the blocks cell_widths measures itself
    ":smile:",  # an emoji code: Rich replaces it in a printed str, never in a Text cell
    "[bold]办[/bold]",  # markup: never read as markup
    "ＡＢ" * 30,  # 120 cells: wider than 80 columns, so Rich must lay the table out
]


def _name(rng: random.Random, i: int, long_names: bool) -> str:
    pool = NAMES if long_names else NAMES[:-1]
    return f"{rng.choice(pool)}{i}"


def _seed_rows(rng: random.Random, n: int, long_names: bool) -> list[dict[str, object]]:
    levels = rng.choice([3, 10, 400])  # few levels: many exact ties
    rows = []
    for i in range(n):
        due = rng.randint(0, levels)
        completed = rng.randint(0, due)
        rows.append(
            {
                "部门名称": _name(rng, i, long_names),
                "应办结工单数": due,
                "办结工单数": completed,
                "按期办结工单数": rng.randint(0, completed),
                "逾期退单工单数": rng.randint(0, 3),
                "告警工单数": rng.randint(0, 2),
            }
        )
    if n > 2 and rng.random() < 0.5:
        rows[1] = {**rows[0], "部门名称": rows[1]["部门名称"]}  # an exact tie with the first unit
    return rows


def _city_rows(rng: random.Random, n: int, long_names: bool) -> list[dict[str, object]]:
    groups = ("县区组", "市直部门组", "功能区")
    rows = []
    for i in range(n):
        due = rng.choice([rng.randint(0, 19), rng.randint(20, 150), 100])  # some under the minimum volume
        done = rng.randint(max(0, due - 6), due + 2)
        first, visited = rng.randint(0, done), rng.randint(0, done)
        rows.append(
            {
                "单位名称": _name(rng, i, long_names),
                "分组": groups[rng.randint(0, 2)],
                "应办结数": due,
                "办结数": done,
                "一次性办结数": first,
                "回访数": visited,
                "满意数": rng.randint(max(0, visited - 5), visited),
                "不规范答复数": rng.randint(0, 2),
                "超期件数": rng.randint(0, 3),
                "表扬件数": rng.randint(0, 6),
            }
        )
    return rows


def _rate_rows(rng: random.Random, n: int, long_names: bool) -> list[dict[str, object]]:
    rates = ["100%", "98.06%", "96.00%", "93.10%", "88.34%", "68.50%", "102.50%", "99.00%"]
    return [
        {
            "单位": _name(rng, i, long_names),
            "工单量": rng.randint(0, 400),
            "办结率": rng.choice(rates),
            "一次性办结率": rng.choice(rates[:6]),
            "回访率": rng.choice(["100%", "95.00%"]),
            "满意率": rng.choice(rates[:6]),
            "响应及时率": rng.choice(rates[:6]),
        }
        for i in range(n)
    ]


Rows = Callable[[random.Random, int, bool], list[dict[str, object]]]
# (ruleset, old what-if, new what-if, rows): weights, ties, rounding, eligibility, grades and groups changed
CASES: list[tuple[str, dict[str, object], dict[str, object], Rows]] = [
    (SEED, {}, {"timeliness.weight": 45, "completion.weight": 30}, _seed_rows),
    (SEED, {}, {"ranking.ties": "dense", "rounding.places": 1}, _seed_rows),
    (
        SEED,
        {"ranking.eligible": "completed >= 2"},  # a unit ranked under one ruleset only, either one, or neither
        {"ranking.eligible": "due >= 4", "ranking.ties": "shared", "timeliness.weight": 45, "completion.weight": 30},
        _seed_rows,
    ),
    (SEED, {}, {}, _seed_rows),  # a version against itself: nothing moves
    (CITY, {}, {"grades.bands.1.at_least": 85, "grades.bands.2.below": 85, "unfinished.weight": 30}, _city_rows),
    (CITY, {}, {"ranking.eligible": "due >= 100"}, _city_rows),
    (RATE, {}, {"all_round.weight": 0, "completion.weight": 35}, _rate_rows),
]


def _evaluations(
    ruleset: str, old_set: dict[str, object], new_set: dict[str, object], rows: list[dict[str, object]]
) -> tuple[list[Evaluation], list[Evaluation]]:
    """The old and new evaluations of the same table: by the columnar core, and by the row path alone."""
    adopted = kaoping.load(ruleset)
    old = kaoping.with_overrides(adopted, old_set) if old_set else adopted
    new = kaoping.with_overrides(adopted, new_set) if new_set else adopted
    table = kaoping.evaluate(adopted, rows).evaluation.table  # type: ignore[arg-type]
    columnar = [evaluate_table(r.model, table, lambda _: None, columnar=True) for r in (old, new)]
    assert all(e.columns is not None for e in columnar), "the columnar core handed this table to the reference"
    return columnar, [reference(r.model, table) for r in (old, new)]


def reference_render(d: Diff, console: Console, rich_draws: bool = False) -> None:
    """render_diff as it was before the diff had columns (main at fb79be7), unchanged but for `rich_draws`:
    then Rich lays out every table, plain_table's definition."""
    old, new = d.old.ruleset, d.new.ruleset
    console.print(Text(f"{old.label}  ->  {new.label}", style="bold"))
    console.print(Text(f"input: {d.old.table.path} ({len(d.old.results)} units)", style="dim"))
    for ruleset in (old,) if new is old else (old, new):
        if ruleset.not_in_effect:
            console.print(Text(not_in_effect_line(ruleset), style="bold yellow"), soft_wrap=True)
    console.print()
    if d.rules:
        console.print(Text("rules changed:", style="bold"))
        for change in d.rules:
            said = change.new if not change.old else f"{change.old} -> {change.new}"
            console.print(f"  {change.what}: {said}", highlight=False, markup=False)
    else:
        console.print("rules: no change")
    console.print()
    rows = diff_out.unit_rows(d)
    plain = diff_out.plain_table(rows, console.width) if console.color_system is None and not rich_draws else None
    console.print(diff_out.rich_table(rows) if plain is None else Text(plain))
    console.print()
    for u in d.regraded:
        console.print(f"grade: {u.entity} {u.old_grade} -> {u.new_grade}", highlight=False, markup=False)
    for line in diff_out.membership_lines(d.memberships):  # since issue 13: who entered and left each list
        console.print(line, highlight=False, markup=False)
    tau = (
        f"Kendall's tau-b between the rankings = {d.tau:.4f}"
        if d.tau is not None
        else "Kendall's tau-b not computed (groups ranked apart, or fewer than two units ranked under both)"
    )
    console.print(f"{d.moved} of {len(d.units)} units changed rank; {tau}", highlight=False, markup=False)


CONSOLES: dict[str, Callable[[], Console]] = {
    "-o FILE": lambda: Console(file=io.StringIO(), width=10_000, color_system=None, highlight=False),
    "stdout to a file": lambda: Console(file=io.StringIO(), highlight=False, soft_wrap=True, width=80),
    "narrow": lambda: Console(file=io.StringIO(), width=30, color_system=None, highlight=False),
    "narrow, soft wrap": lambda: Console(file=io.StringIO(), width=44, highlight=False, soft_wrap=True),
    "colour terminal": lambda: Console(
        file=io.StringIO(), width=120, color_system="truecolor", force_terminal=True, highlight=False, soft_wrap=True
    ),
    "256 colours, no soft wrap": lambda: Console(
        file=io.StringIO(), width=100, color_system="256", force_terminal=True, highlight=False
    ),
}


def _printed(render: Callable[..., None], d: Diff, make: Callable[[], Console], **options: bool) -> str:
    """What render(d, console, **options) prints on a console `make` makes."""
    console = make()
    render(d, console, **options)
    return console.file.getvalue()  # type: ignore[attr-defined, no-any-return]


def _assert_same_diff(got: Diff, want: Diff) -> None:
    assert isinstance(got.units, ColumnChanges), "the diff of two columnar evaluations was made unit by unit"
    assert isinstance(want.units, tuple)
    assert list(got.units) == list(want.units)
    assert (got.moved, got.tau, got.rules, got.regraded) == (want.moved, want.tau, want.rules, want.regraded)


@pytest.mark.parametrize("case", range(len(CASES)), ids=[f"{c[0]}:{sorted(c[2])}" for c in CASES])
@pytest.mark.parametrize("seed", range(4))
def test_a_diff_of_columns_is_the_references_diff_in_every_output(
    case: int, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    ruleset, old_set, new_set, make_rows = CASES[case]
    rng = random.Random(1000 * case + seed)
    n = [1, 2, rng.randint(3, 40), rng.randint(64, 160)][seed]  # the last past cell_widths' array path
    monkeypatch.setattr(diff_out, "UNITS_A_BLOCK", [65_536, 1, 7, 16][seed])  # lines made in several blocks
    columnar, rows_path = _evaluations(ruleset, old_set, new_set, make_rows(rng, n, long_names=seed % 2 == 1))
    got, want = diff(*columnar), reference_diff(*rows_path)
    _assert_same_diff(got, want)
    assert diff_out.diff_json(got) == diff_out.diff_json(want)
    assert json.loads(diff_out.diff_json(got))["summary"]["units"] == n
    for name, make in CONSOLES.items():
        expected = _printed(reference_render, want, make)
        assert _printed(diff_out.render_diff, got, make) == expected, name
        assert _printed(diff_out.render_diff, want, make) == expected, name  # the row path's too
        if n <= 40:
            assert _printed(reference_render, want, make, rich_draws=True) == expected, name


def test_units_moving_in_both_directions_ranked_and_unranked_are_drawn_as_the_reference_draws_them() -> None:
    """One large-ish case with every kind of movement cell, on the two consoles the CLI makes."""
    rng = random.Random(7)
    ruleset, old_set, new_set, make_rows = CASES[2]
    columnar, rows_path = _evaluations(ruleset, old_set, new_set, make_rows(rng, 600, long_names=False))
    got, want = diff(*columnar), reference_diff(*rows_path)
    _assert_same_diff(got, want)
    cells = {row[-1][:1] for row in diff_out.unit_rows(want)}
    assert {"↑", "↓", "=", "r", "u", "—"} <= cells  # ↑n, ↓n, =, ranked now, unranked now, —
    for name in ("-o FILE", "stdout to a file"):
        make = CONSOLES[name]
        assert _printed(diff_out.render_diff, got, make) == _printed(reference_render, want, make), name


def test_regraded_units_are_listed_as_rich_prints_each_line() -> None:
    """Many regraded units, printed in one piece where Rich would print each line as it is: emoji codes
    (replaced by Rich in a printed line), long names (wrapped on a narrow console) and plain ones."""
    rng = random.Random(3)
    ruleset, old_set, new_set, make_rows = CASES[6]
    for long_names in (False, True):
        columnar, rows_path = _evaluations(ruleset, old_set, new_set, make_rows(rng, 150, long_names))
        got, want = diff(*columnar), reference_diff(*rows_path)
        _assert_same_diff(got, want)
        assert len(want.regraded) > 10
        for name, make in CONSOLES.items():
            expected = _printed(reference_render, want, make)
            assert _printed(diff_out.render_diff, got, make) == expected, name
    emoji = [u for u in want.regraded if u.entity.startswith(":smile:")]
    assert emoji, "no regraded unit has an emoji code in its name: the case tests less than it says"
    assert "😄" in _printed(diff_out.render_diff, got, CONSOLES["-o FILE"])


def test_a_recording_console_and_a_capture_get_the_same_text() -> None:
    rng = random.Random(11)
    ruleset, old_set, new_set, make_rows = CASES[0]
    columnar, rows_path = _evaluations(ruleset, old_set, new_set, make_rows(rng, 120, long_names=False))
    got, want = diff(*columnar), reference_diff(*rows_path)
    texts = []
    for d, render in ((got, diff_out.render_diff), (want, reference_render)):
        console = Console(file=io.StringIO(), width=200, color_system=None, record=True)
        render(d, console)
        with console.capture() as captured:
            render(d, console)
        texts.append((console.file.getvalue(), console.export_text(), captured.get()))  # type: ignore[attr-defined]
    assert texts[0] == texts[1]
    assert texts[0][0].count("\n") > 120


def test_api_render_and_units_read_through_the_columns() -> None:
    rng = random.Random(5)
    ruleset, old_set, new_set, make_rows = CASES[4]
    columnar, rows_path = _evaluations(ruleset, old_set, new_set, make_rows(rng, 90, long_names=True))
    got, want = diff(*columnar), reference_diff(*rows_path)
    for fmt in ("json", "table"):
        assert kaoping.render(got, fmt) == kaoping.render(want, fmt)
    assert len(got.units) == 90 and got.units[0] == want.units[0] and list(got.units[-3:]) == list(want.units[-3:])
    assert got.tau is None and want.tau is None  # groups ranked apart


def test_the_columns_are_not_used_where_the_units_are_not_the_same() -> None:
    """Two tables with different units, or one evaluation without columns: the reference diff, by name."""
    rng = random.Random(2)
    rows = _seed_rows(rng, 50, long_names=False)
    fewer = [r for i, r in enumerate(rows) if i % 3]
    reordered = rows[::-1]
    adopted = kaoping.load(SEED)
    new = kaoping.with_overrides(adopted, {"timeliness.weight": 45, "completion.weight": 30})
    for other in (fewer, reordered):
        tables = [kaoping.evaluate(adopted, r).evaluation.table for r in (rows, other)]  # type: ignore[arg-type]
        a = evaluate_table(adopted.model, tables[0], lambda _: None, columnar=True)
        b = evaluate_table(new.model, tables[1], lambda _: None, columnar=True)
        assert unit_columns(a, b) is None
        got = diff(a, b)
        assert isinstance(got.units, tuple)
        want = reference_diff(reference(adopted.model, tables[0]), reference(new.model, tables[1]))
        assert diff_out.diff_json(got) == diff_out.diff_json(want)
    table = kaoping.evaluate(adopted, rows).evaluation.table  # type: ignore[arg-type]
    a = evaluate_table(adopted.model, table, lambda _: None, columnar=True)
    assert unit_columns(a, reference(new.model, table)) is None


def test_a_large_diff_through_the_cli_is_the_references_bytes(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """1,500 units (scored by the columnar core by default), against the same CLI with the core turned off."""
    from kaoping.evaluate import pipeline

    rng = random.Random(4)
    header = "部门名称,应办结工单数,办结工单数,按期办结工单数,逾期退单工单数,告警工单数"
    lines = [header]
    for i in range(1500):
        due = rng.choice([0, 1, rng.randint(0, 60)])
        completed = rng.randint(0, due)
        lines.append(f"{_name(rng, i, False)},{due},{completed},{rng.randint(0, completed)},{rng.randint(0, 3)},0")
    data = tmp_path / "units.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = ["diff", "-r", SEED, "--set", "timeliness.weight=45", "--set", "completion.weight=30", data]
    made: list[bool] = []
    real = diff_out.diff_json_chunks
    monkeypatch.setattr(
        diff_out, "diff_json_chunks", lambda d: made.append(isinstance(d.units, ColumnChanges)) or real(d)
    )
    monkeypatch.setattr(diff_out, "UNITS_A_BLOCK", 500)  # three blocks of lines

    def outputs() -> dict[str, bytes | str]:
        got: dict[str, bytes | str] = {}
        for fmt in ("json", "table"):
            run = run_cli(*argv, "-f", fmt)
            assert run.code == 0, run.err
            got[fmt] = run.out
            written = tmp_path / f"out.{'txt' if fmt == 'table' else fmt}"
            assert run_cli(*argv, "-o", written).code == 0
            got[f"-o {fmt}"] = written.read_bytes()
        return got

    columnar = outputs()
    assert made == [True, True]
    monkeypatch.setattr(pipeline, "COLUMNAR_FROM", 10**12)
    assert outputs() == columnar
    assert made == [True, True, False, False]
    assert json.loads(columnar["json"])["summary"]["units"] == 1500


# -- the pieces: Kendall's tau-b over arrays, and the widths of cells ------------------------------


def _inversions_by_pairs(values: list[int]) -> int:
    return sum(values[i] > values[j] for i in range(len(values)) for j in range(i + 1, len(values)))


@pytest.mark.parametrize("seed", range(6))
def test_kendall_tau_b_over_arrays_is_the_lists_float_exactly(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(150):
        n = rng.choice([0, 1, 2, 3, rng.randint(4, 70), rng.randint(70, 700)])
        levels = rng.choice([1, 2, 3, 5, 10, 1000, 10**6])
        x = [rng.randint(1, levels) for _ in range(n)]
        y = [a + rng.choice([0, 0, 1, -1, rng.randint(-levels, levels)]) for a in x] if rng.random() < 0.7 else None
        y = y or [rng.randint(1, levels) for _ in range(n)]
        want = kendall_tau_b(x, y)
        assert kendall_tau_b_arrays(np.array(x, dtype=np.int64), np.array(y, dtype=np.int64)) == want, (x, y)


@pytest.mark.parametrize("n", [2, 3, 1000, 1025, 20_001])
def test_kendall_tau_b_over_arrays_of_a_reversal_and_of_the_same_order(n: int) -> None:
    up = np.arange(1, n + 1, dtype=np.int64)
    assert kendall_tau_b_arrays(up, up[::-1].copy()) == -1.0
    assert kendall_tau_b_arrays(up, up) == 1.0
    assert kendall_tau_b_arrays(up, np.full(n, 3, dtype=np.int64)) == 1.0  # one ranking all tied


def test_the_inversions_are_counted_pair_by_pair_and_the_values_sorted() -> None:
    rng = random.Random(9)
    for _ in range(300):
        values = [rng.randint(-5, rng.choice([1, 5, 50])) for _ in range(rng.randint(0, 90))]
        count, merged = _inversions(np.array(values, dtype=np.int64))
        assert count == _inversions_by_pairs(values)
        assert merged.tolist() == sorted(values)


def test_kendall_tau_b_over_arrays_refuses_rankings_of_different_lengths() -> None:
    with pytest.raises(ValueError, match="same units"):
        kendall_tau_b_arrays(np.array([1, 2, 3]), np.array([1, 2]))


ALPHABET = (
    [chr(c) for c in range(0x20, 0x7F)]
    + list("单位东城区局（）、。：Ａｂ１—–↑↓←→é¿ñßΩжЖ€£・ー")
    + list("\u0301\u200d\ufe0f\u3099\u302a\u00ad\u00a0\u3000\t\x1b\x7f")  # combining, joiner, VS16, controls
    + ["😀", "👩", "💻", "🇨", "🇳", "\U0001f3fb", "가", "\u1100", "\u1161", "\U00020000"]  # emoji, flags, Hangul jamo
)


@pytest.mark.parametrize("seed", range(8))
def test_cell_widths_are_rich_cell_len(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(20):
        size = rng.choice([1, 5, 63, 64, 200])
        pools = [ALPHABET, ALPHABET[:95], ALPHABET[95:140]]  # everything; ASCII only; the measured blocks only
        pool = rng.choice(pools)
        cells = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 12))) for _ in range(size)]
        assert diff_out.cell_widths(cells) == [cell_len(c) for c in cells], cells


def test_the_table_of_columns_refuses_what_the_table_of_rows_refuses() -> None:
    """plain_columns says None exactly where plain_table does: a control character, or too wide."""
    for cells, width in [
        (("a\tb", "1", "2", "", "", "", "="), 10_000),
        (("a\x1b[31m", "1", "2", "", "", "", "="), 10_000),
        (("单位" * 40, "1", "2", "", "", "", "="), 80),
        (("单位", "1", "2", "", "", "", "="), 80),
        (("单位", "1", "2", "", "", "", "="), 38),  # 39 cells wide: one too many
        (("单位", "1", "2", "", "", "", "="), 39),
    ]:
        rows = [cells] * 70  # past cell_widths' array path
        columns = [list(column) for column in zip(*rows, strict=True)]
        assert diff_out.plain_columns(columns, width) == diff_out.plain_table(rows, width)
    assert diff_out.plain_columns([[] for _ in diff_out.HEADINGS], 80) == diff_out.plain_table([], 80)


def test_a_diff_of_columns_keeps_its_units_lazy() -> None:
    """Rendering a diff of columns builds no UnitChange (the point of ColumnChanges)."""
    rng = random.Random(1)
    ruleset, old_set, new_set, make_rows = CASES[0]
    columnar, _ = _evaluations(ruleset, old_set, new_set, make_rows(rng, 80, long_names=False))
    got = diff(*columnar)
    assert isinstance(got.units, ColumnChanges)
    diff_out.diff_json(got)
    _printed(diff_out.render_diff, got, CONSOLES["stdout to a file"])
    assert got.units._built is None
    assert replace(got, units=tuple(got.units)).units == tuple(list(got.units))
