"""The columnar core against the reference, end to end: the same bytes in every output, for every ruleset.

The reference is the row path: `score` (simpleeval, one unit at a time) and
`rank`, written by the reference writers.  The columnar path is what
`kaoping evaluate` runs.  For every shipped ruleset with its examples, every
valid golden case with data, and hypothesis-generated tables under each
shipped ruleset, both must give the same JSON, CSV, table, Markdown and
HTML text, and the same results.  The columnar path must also really be
taken (a core that always handed over to the reference would pass
everything else).
"""

from __future__ import annotations

from pathlib import Path

import kaoping
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kaoping.data.records import Table
from kaoping.evaluate.pipeline import evaluate_table
from kaoping.evaluate.ranking import Evaluation, rank
from kaoping.evaluate.scoring import score
from kaoping.outputs.formats import FORMATS, formatted
from kaoping.ruleset.model import Ruleset

from .conftest import ROOT

VALID = ROOT / "tests" / "cases" / "valid"
PAIRS = [
    (ROOT / "rulesets" / "jintai-hotline" / "2024.02.yaml", ROOT / "examples" / "jintai-hotline-2024-02.csv"),
    (ROOT / "rulesets" / "city-hotline" / "2025.01.yaml", ROOT / "examples" / "city-hotline-2025-01.csv"),
    (ROOT / "rulesets" / "city-hotline" / "2025.01.yaml", ROOT / "examples" / "city-hotline-2025-02.csv"),
    (ROOT / "rulesets" / "rate-hotline" / "2025.01.yaml", ROOT / "examples" / "rate-hotline-2025-01.csv"),
    *[(case, case.with_suffix(".csv")) for case in sorted(VALID.glob("*.yaml")) if case.with_suffix(".csv").exists()],
]
TEXT_FORMATS = [name for name, f in FORMATS.items() if not f.binary]


def reference(ruleset: Ruleset, table: Table) -> Evaluation:
    """The row path alone: no columns anywhere."""
    records = Table(table.path, table.sha256, table.encoding, tuple(table.records), table.ignored_columns, table.notes)
    return rank(ruleset, records, score(ruleset, records))


def assert_same(ruleset: Ruleset, table: Table, period: str | None = None) -> None:
    want = reference(ruleset, table)
    got = evaluate_table(ruleset, table, lambda _: None, columnar=True)
    assert got.columns is not None, "the columnar core handed this table to the reference"
    for fmt in TEXT_FORMATS:
        assert formatted(got, fmt, period) == formatted(want, fmt, period), fmt
    assert list(got.results) == list(want.results)
    assert got.lists == want.lists
    assert got.warnings == want.warnings
    assert dict(got.aggregates) == dict(want.aggregates)


@pytest.mark.parametrize(("ruleset", "data"), PAIRS, ids=[f"{r.stem}:{d.stem}" for r, d in PAIRS])
def test_every_shipped_ruleset_and_valid_case_gives_the_references_bytes(ruleset: Path, data: Path) -> None:
    model = kaoping.load(ruleset).model
    result = kaoping.evaluate(kaoping.load(ruleset), data)
    assert_same(model, result.evaluation.table, "2024-02")


def _table(ruleset: kaoping.Ruleset, rows: list[dict[str, object]]) -> Table:
    return kaoping.evaluate(ruleset, rows).evaluation.table  # type: ignore[arg-type]


SEED = ROOT / "rulesets" / "jintai-hotline" / "2024.02.yaml"

# counts as an office's export has them, often tied and often zero: ties and zero guards are where
# a last bit decides a printed order
count = st.one_of(st.integers(0, 3), st.integers(0, 400), st.sampled_from([0, 1, 7, 100, 343, 1400]))


@st.composite
def seed_units(draw: st.DrawFn) -> list[dict[str, object]]:
    n = draw(st.integers(1, 40))
    rows = []
    for i in range(n):
        due = draw(count)
        completed = draw(st.integers(0, due))
        on_time = draw(st.integers(0, completed))
        rows.append(
            {
                "部门名称": f"单位{i:03d}",
                "应办结工单数": due,
                "办结工单数": completed,
                "按期办结工单数": on_time,
                "逾期退单工单数": draw(count),
                "告警工单数": draw(st.integers(0, 3)),
                "返工工单数": draw(st.integers(0, 3)),
            }
        )
    if draw(st.booleans()) and n > 1:
        rows[-1] = {**rows[0], "部门名称": "单位重复"}  # an exact tie with the first unit
    return rows


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed_units())
def test_seed_ruleset_on_generated_tables(rows: list[dict[str, object]]) -> None:
    ruleset = kaoping.load(SEED)
    try:
        table = _table(ruleset, rows)
    except kaoping.KaopingError:
        return  # a table the reader refuses (a unit out of bounds) is the reader's, tested elsewhere
    try:
        want = reference(ruleset.model, table)
    except kaoping.KaopingError as refused:
        with pytest.raises(kaoping.KaopingError) as raised:
            evaluate_table(ruleset.model, table, lambda _: None, columnar=True)
        assert raised.value.problems == refused.problems  # the reference's own report, every unit named
        return
    got = evaluate_table(ruleset.model, table, lambda _: None, columnar=True)
    for fmt in ("json", "csv"):
        assert formatted(got, fmt, None) == formatted(want, fmt, None), fmt


def _base_rows(ruleset: Path, data: Path) -> list[dict[str, object]]:
    table = kaoping.evaluate(kaoping.load(ruleset), data).evaluation.table
    return [dict(r.values) for r in table.records]


@st.composite
def varied(draw: st.DrawFn, rows: list[dict[str, object]], numeric: list[str]) -> list[dict[str, object]]:
    """The example's units with some numbers changed: zeros, ties with another unit, a unit more or less."""
    out = [dict(r) for r in rows]
    for _ in range(draw(st.integers(1, 6))):
        unit, other = draw(st.sampled_from(out)), draw(st.sampled_from(out))
        field = draw(st.sampled_from(numeric))
        value = unit[field]
        unit[field] = draw(
            st.sampled_from(
                [0, other[field], value + 1 if isinstance(value, int) else value * 1.5, max(value - 1, 0)]  # type: ignore[operator]
            )
        )
    if draw(st.booleans()):
        first, second = draw(st.sampled_from(out)), draw(st.sampled_from(out))
        second.update({k: v for k, v in first.items() if k in numeric})  # two units with the same figures
    return out


@pytest.mark.parametrize(("ruleset", "data"), PAIRS, ids=[f"{r.stem}:{d.stem}" for r, d in PAIRS])
def test_every_ruleset_on_generated_variations_of_its_example(ruleset: Path, data: Path) -> None:
    loaded = kaoping.load(ruleset)
    numeric = [i.id for i in loaded.model.inputs if i.numeric]
    base = _base_rows(ruleset, data)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(varied(base, numeric))
    def check(rows: list[dict[str, object]]) -> None:
        try:
            table = _table(loaded, rows)
        except kaoping.KaopingError:
            return  # the reader refused the variation (a bound broken): its checks are tested elsewhere
        try:
            want = reference(loaded.model, table)
        except kaoping.KaopingError as refused:
            with pytest.raises(kaoping.KaopingError) as raised:
                evaluate_table(loaded.model, table, lambda _: None, columnar=True)
            assert raised.value.problems == refused.problems
            return
        got = evaluate_table(loaded.model, table, lambda _: None, columnar=True)
        assert got.columns is not None
        for fmt in ("json", "csv"):
            assert formatted(got, fmt, None) == formatted(want, fmt, None), fmt

    check()


def test_a_diff_of_columnar_evaluations_is_the_references_diff() -> None:
    from kaoping.analysis.diff import diff
    from kaoping.outputs.diff import diff_json

    adopted = kaoping.load(SEED)
    what_if = kaoping.with_overrides(adopted, {"timeliness.weight": 45, "completion.weight": 30})
    rows = _base_rows(SEED, ROOT / "examples" / "jintai-hotline-2024-02.csv")
    table = _table(adopted, rows)
    columnar = [evaluate_table(r.model, table, lambda _: None, columnar=True) for r in (adopted, what_if)]
    assert all(e.columns is not None for e in columnar)
    want = diff_json(diff(reference(adopted.model, table), reference(what_if.model, table)))
    assert diff_json(diff(*columnar)) == want
    assert diff(*columnar).moved > 0  # the what-if moves units: the diff has something to compare


def test_a_large_csv_through_the_cli_is_the_references_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """12,000 units (past both thresholds): DuckDB's reader and the columnar core, against the reference reader
    and scorer on the same file, byte for byte, in JSON and CSV."""
    import random

    from kaoping.data import table as data_table
    from kaoping.evaluate import pipeline

    from .conftest import run_cli

    rng = random.Random(10)
    lines = ["部门名称,应办结工单数,办结工单数,按期办结工单数,逾期退单工单数,告警工单数,返工工单数"]
    for i in range(12000):
        due = rng.choice([0, 1, rng.randint(0, 400)])
        completed = rng.randint(0, due)
        on_time = rng.randint(0, completed)
        lines.append(
            f"单位{i:05d},{due},{completed},{on_time},{rng.randint(0, 5)},{rng.randint(0, 2)},{rng.randint(0, 2)}"
        )
    data = tmp_path / "units.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert data.stat().st_size >= data_table.COLUMNAR_BYTES
    taken = []
    real = pipeline.evaluate_table
    monkeypatch.setattr(
        pipeline, "evaluate_table", lambda *a, **k: taken.append(a[1].columns is not None) or real(*a, **k)
    )
    columnar = {
        fmt: run_cli("evaluate", "-r", "jintai-hotline@2024.02", data, "-f", fmt).out for fmt in ("json", "csv")
    }
    assert taken == [True, True]  # DuckDB read both
    monkeypatch.setattr(data_table, "COLUMNAR_BYTES", 10**12)
    monkeypatch.setattr(pipeline, "COLUMNAR_FROM", 10**12)
    for fmt in ("json", "csv"):
        assert run_cli("evaluate", "-r", "jintai-hotline@2024.02", data, "-f", fmt).out == columnar[fmt]


@pytest.mark.parametrize(("ruleset", "data"), PAIRS, ids=[f"{r.stem}:{d.stem}" for r, d in PAIRS])
def test_every_ruleset_written_in_blocks_of_a_few_units(
    ruleset: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writers' blocks joined: a block of 3 units (a last one shorter), each with its own widths."""
    from kaoping.columns import stream

    monkeypatch.setattr(stream, "BLOCK", 3)
    model = kaoping.load(ruleset).model
    result = kaoping.evaluate(kaoping.load(ruleset), data)
    assert_same(model, result.evaluation.table, "2024-02")


# scores just above and below their bounds: 35 * (1 + 2**-52) is seen as 35 (no warning), 35 + 1e-9 and
# 35.00000000000014 (seen 35.0000000000001) are not;
# -1e-300 is seen below 0; an unbounded total passes full marks
OUT_OF_BOUNDS = [
    {"completion.formula": "weight * ratio(completed, due, 1) * 1.0000000000000002"},
    {"completion.formula": "weight * ratio(completed, due, 1) + 0.000000001 * ratio(completed, due, 1)"},
    {"completion.formula": "weight * ratio(completed, due, 1) * 1.000000000000004"},  # 35.00000000000014: seen above
    {"timeliness.formula": "weight * ratio(on_time, due, 1) - 0.000000000000001"},
    {"timeliness.formula": "weight * ratio(on_time, due, 1) - 39.9"},
    {"rework.formula": "0 - 1e-300"},
    {"completion.formula": "clamp(weight, 40, 0)"},
    {"timeliness.formula": "0 - 100"},
]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed_units(), st.sampled_from(OUT_OF_BOUNDS))
def test_scores_out_of_their_bounds_are_warned_about_as_the_reference_warns(
    rows: list[dict[str, object]], overrides: dict[str, object]
) -> None:
    ruleset = kaoping.with_overrides(kaoping.load(SEED), overrides)
    try:
        table = _table(ruleset, rows)
        want = reference(ruleset.model, table)
    except kaoping.KaopingError:
        return  # refused by the reader or the reference: tested above
    got = evaluate_table(ruleset.model, table, lambda _: None, columnar=True)
    assert got.columns is not None
    assert got.warnings == want.warnings


def test_the_bound_cases_do_warn() -> None:
    """The cases above reach both sides of each bound (else the test above would compare empty lists)."""
    rows = _base_rows(SEED, ROOT / "examples" / "jintai-hotline-2024-02.csv")
    said = []
    for overrides in OUT_OF_BOUNDS:
        ruleset = kaoping.with_overrides(kaoping.load(SEED), overrides)
        said.append(evaluate_table(ruleset.model, _table(ruleset, rows), lambda _: None, columnar=True).warnings)
    assert not said[0] and all(said[1:])
    assert [len(w) for w in said] == [0, 1, 1, 1, 1, 1, 2, 2]
    assert "above full marks" in said[6][1] and "the total is below 0" in said[7][1]
