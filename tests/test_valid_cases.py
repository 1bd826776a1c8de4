"""Golden cases for rulesets that must load: a data folder of valid rulesets, walked here.

The positive side of tests/test_invalid_cases.py.  In tests/cases/valid/:

- <name>.yaml: a small ruleset saying one construct of the README's "Writing a
  ruleset" (a minimal document, aggregates, lookups, groups, ...).  It must pass
  `kaoping validate tests/cases/valid/<name>.yaml` with exit 0 and nothing on stderr.
- <name>.summary.json: what a reader of the YAML can tell about the model it
  loads to, WRITTEN BY HAND from the YAML, never copied from kaoping's output
  (a golden file copied from the code under test cannot fail).  Its keys are
  the ones `summary()` below makes; only the keys present in the file are
  compared, each as a whole, so a case pins what matters to it.  A key that
  `summary()` does not make is an error (a misspelt key would pin nothing).
- <name>.csv and <name>.expected.csv, for a case with data: 4-8 units, and the
  table it must give.  The expected file's header is `rank`, the entity key's
  id, then any of: an indicator's id or `total` (the text the table prints),
  `grade`, `group`, `flags` and `lists` (ids joined by `;`); one row per unit in
  the published order, an unranked unit's rank left blank.  The numbers are
  worked out by hand, and the working is a comment block at the top of the YAML.

To add a case, add the files; no code changes.  A .summary.json, .csv or
.expected.csv without its .yaml, or a .csv without its .expected.csv (or the
other way round), is an error.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import kaoping
import pytest
from kaoping.api import Result
from kaoping.ruleset.model import Band, ColumnGroup, ReportItem, Ruleset

from .conftest import ROOT, run_cli

VALID = ROOT / "tests" / "cases" / "valid"
CASES = sorted(VALID.glob("*.yaml"))
WITH_DATA = [case for case in CASES if case.with_suffix(".csv").exists()]


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def beside(case: Path, suffix: str) -> Path:
    """<name><suffix> beside <name>.yaml (`.summary.json`, `.expected.csv`)."""
    return case.with_name(case.stem + suffix)


# -- the summary: what a reader of the YAML can tell ---------------------------


def summary(model: Ruleset) -> dict[str, Any]:
    """The model as a reader of its YAML would describe it: the keys a .summary.json may pin."""
    return {
        "name": model.name,
        "version": model.version,
        "title": model.title,
        "effective": model.effective,
        "key": model.key,
        "group_field": model.group_field,
        "totals_labels": list(model.totals_labels),
        "inputs": [i.id for i in model.inputs],
        "input_types": {i.id: i.type for i in model.inputs},
        "defaults": {i.id: i.default for i in model.inputs if not i.required},
        "aliases": {i.id: list(i.aliases) for i in model.inputs if i.aliases},
        "derived": [d.id for d in model.derived],
        "lookups": {lookup.id: _bands(lookup.bands) for lookup in model.lookups},
        "aggregates": [
            {"id": a.id, "function": a.function, "of": _text(a.of), "per_group": a.per_group} for a in model.aggregates
        ],
        "indicators": [{"id": i.id, "weight": i.weight, "kind": i.kind} for i in model.indicators],
        "steps": list(model.steps),
        "total": _total(model),
        "rounding": {"places": model.rounding.places, "mode": model.rounding.mode},
        "ranking": _ranking(model),
        "groups": [
            {"value": g.value, "label": g.label, "max": g.max, "start": g.start, "weights": dict(g.weights)}
            for g in model.groups
        ],
        "grades": None if model.grades is None else {"percent": model.grades.percent, **_grade_bands(model)},
        "lists": [
            {"id": x.id, "label": x.label, "end": x.end, "size": x.size, "within_group": x.per_group}
            for x in model.lists
        ],
        "flags": [{"id": f.id, "label": f.label, "when": _text(f.when)} for f in model.flags],
        "combine": None
        if model.combine is None
        else {"function": model.combine.function, "missing": model.combine.missing},
        "report": {"title": model.report.title, "columns": [_column(model, item) for item in model.report.columns]},
        "report_blocks": {
            "attachment": model.report.attachment,
            "notes": list(model.report.notes),
            "issuer": model.report.issuer,
            "date": model.report.date,
        },
    }


def _text(formula: Any) -> str | None:
    """A formula as written (a block scalar's line breaks and trailing space aside), or None."""
    return None if formula is None else " ".join(formula.text.split())


def _bands(bands: tuple[Band, ...]) -> list[list[Any]]:
    """Each band as [at_least, below, value] (None where the YAML leaves the bound out), the lowest first.

    Bands are a partition of the number line, so the order they are written in says nothing.
    """
    lowest_first = sorted(bands, key=lambda b: -float("inf") if b.at_least is None else b.at_least)
    return [[b.at_least, b.below, b.value] for b in lowest_first]


def _grade_bands(model: Ruleset) -> dict[str, Any]:
    assert model.grades is not None
    return {"bands": _bands(model.grades.bands)}


def _total(model: Ruleset) -> dict[str, Any]:
    t = model.total
    return {
        "max": t.max,
        "label": t.label,
        "start": t.start,
        "cap": t.cap,
        "floor": t.floor,
        "formula": _text(t.formula),
    }


def _ranking(model: Ruleset) -> dict[str, Any]:
    r = model.ranking
    return {
        "by": r.by,
        "order": r.order,
        "on": r.on,
        "ties": r.ties,
        "tie_break": list(r.tie_break),
        "within_group": r.per_group,
        "eligible": _text(r.eligible),
        "ineligible_label": r.ineligible_label,
    }


def _column(model: Ruleset, item: ReportItem) -> Any:
    """[field, header as printed] for a column; {header, columns} for a column group."""
    if isinstance(item, ColumnGroup):
        return {"header": model.fill_label(item.header), "columns": [_column(model, c) for c in item.columns]}
    return [item.field, model.fill_label(item.label)]


# -- the expected table ----------------------------------------------------------


def table_of(result: Result, header: list[str]) -> list[list[str]]:
    """The result's units, one row each in the published order, with the expected file's columns."""
    on_lists = {
        id(r): [x.id for x, members in result.evaluation.lists if any(m is r for m in members)] for r in result.results
    }
    rows = []
    for r in result.results:
        cells = {
            "rank": "" if r.rank is None else str(r.rank),
            header[1]: r.entity,
            "grade": r.grade or "",
            "group": r.group or "",
            "flags": ";".join(r.flags),
            "lists": ";".join(on_lists[id(r)]),
        }
        rows.append([cells[column] if column in cells else r.display[column] for column in header])
    return rows


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


# -- the tests ---------------------------------------------------------------------


def test_the_folder_holds_cases_and_every_file_belongs_to_one() -> None:
    assert len(CASES) >= 10 and len(WITH_DATA) >= 6
    for case in CASES:
        assert beside(case, ".summary.json").is_file(), f"{relative(case)} has no .summary.json beside it"
        has_data, has_expected = case.with_suffix(".csv").exists(), beside(case, ".expected.csv").exists()
        assert has_data == has_expected, f"{relative(case)}: a .csv needs its .expected.csv, and the other way round"
    stems = {case.stem for case in CASES}
    for path in VALID.iterdir():
        stem = path.name.split(".", 1)[0]
        assert path.suffix == ".yaml" or stem in stems, f"{relative(path)} has no .yaml beside it"
        assert path.name.endswith((".yaml", ".summary.json", ".expected.csv", ".csv")), (
            f"{relative(path)}: not a case file"
        )


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_a_valid_ruleset_validates_cleanly(case: Path) -> None:
    run = run_cli("validate", relative(case))
    assert run.code == 0, run.err
    assert run.err == ""


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_a_valid_ruleset_loads_to_the_model_its_summary_describes(case: Path) -> None:
    expected = json.loads(beside(case, ".summary.json").read_text(encoding="utf-8"))
    got = summary(kaoping.load(case).model)
    unknown = sorted(set(expected) - set(got))
    assert not unknown, f"keys summary() does not make: {unknown}"
    assert {key: got[key] for key in expected} == expected


@pytest.mark.parametrize("case", WITH_DATA, ids=lambda p: p.stem)
def test_a_valid_ruleset_scores_its_data_as_worked_out_by_hand(case: Path) -> None:
    header, *rows = read_csv(beside(case, ".expected.csv"))
    ruleset = kaoping.load(case)
    assert header[:2] == ["rank", ruleset.model.key]
    result = kaoping.evaluate(ruleset, case.with_suffix(".csv"))
    assert [header, *table_of(result, header)] == [header, *rows]
