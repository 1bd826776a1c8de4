"""The CLI is a layer over the public Python API: `kaoping evaluate` loads through kaoping.load and
scores through kaoping.evaluate, and what it says about the chosen version is the API's `.notes`."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import kaoping
import kaoping.api
import pytest
from kaoping.errors import UsageError

from .conftest import ROOT, SEED_INPUT, SEED_RULESET, run_cli


@pytest.fixture
def two_releases(tmp_path: Path) -> Path:
    """A rulesets folder holding jintai-hotline 2024.02 and a later 2025.01, both released."""
    root = tmp_path / "rulesets"
    shutil.copytree(ROOT / "rulesets" / "jintai-hotline", root / "jintai-hotline")
    assert run_cli("new-version", "jintai-hotline", "2025.01", "--rulesets", root).code == 0
    assert run_cli("release", "jintai-hotline@2025.01", "--rulesets", root).code == 0
    return root


class Recorded:
    """kaoping.api.load and kaoping.api.evaluate wrapped: each call's arguments and what it gave back."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.loads: list[tuple[tuple[Any, ...], dict[str, Any], kaoping.Ruleset]] = []
        self.evaluations: list[tuple[tuple[Any, ...], dict[str, Any], kaoping.Result]] = []
        real_load, real_evaluate = kaoping.api.load, kaoping.api.evaluate

        def load(*args: Any, **kwargs: Any) -> kaoping.Ruleset:
            ruleset = real_load(*args, **kwargs)
            self.loads.append((args, kwargs, ruleset))
            return ruleset

        def evaluate(*args: Any, **kwargs: Any) -> kaoping.Result:
            result = real_evaluate(*args, **kwargs)
            self.evaluations.append((args, kwargs, result))
            return result

        monkeypatch.setattr(kaoping.api, "load", load)
        monkeypatch.setattr(kaoping.api, "evaluate", evaluate)


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_evaluate_goes_through_kaoping_load_and_kaoping_evaluate_and_says_the_same(monkeypatch, fmt):
    argv = ("evaluate", "-r", "jintai-hotline@2024.02", SEED_INPUT, "-f", fmt, "--period", "2024-02")
    before = run_cli(*argv)
    recorded = Recorded(monkeypatch)
    after = run_cli(*argv)
    assert before.code == 0, before.err
    assert (after.code, after.out, after.err) == (before.code, before.out, before.err)
    assert [args[0] for args, _, _ in recorded.loads] == ["jintai-hotline@2024.02"]
    assert len(recorded.evaluations) == 1
    (ruleset, data), kwargs, result = recorded.evaluations[0]
    assert ruleset is recorded.loads[0][2]
    assert (data, kwargs["display"]) == (SEED_INPUT, str(SEED_INPUT))
    if fmt != "table":
        assert after.out == kaoping.render(
            kaoping.evaluate(kaoping.load("jintai-hotline@2024.02"), SEED_INPUT, "2024-02"), fmt
        )


def test_diff_and_explain_go_through_the_api_too(monkeypatch):
    recorded = Recorded(monkeypatch)
    run = run_cli(
        "diff",
        "-r",
        "jintai-hotline@2024.02",
        "--set",
        "timeliness.weight=45",
        "--set",
        "completion.weight=30",
        SEED_INPUT,
    )
    assert run.code == 0, run.err
    assert [kwargs["overrides"] for _, kwargs, _ in recorded.loads] == [
        (),
        ["timeliness.weight=45", "completion.weight=30"],
    ]
    assert len(recorded.evaluations) == 2
    recorded.loads.clear()
    recorded.evaluations.clear()
    units = kaoping.evaluate(kaoping.load(SEED_RULESET), SEED_INPUT).results
    run = run_cli("explain", "-r", "jintai-hotline@2024.02", SEED_INPUT, units[0].entity)
    assert run.code == 0, run.err
    assert (len(recorded.loads), len(recorded.evaluations)) == (1, 1)


@pytest.mark.parametrize(
    "argv",
    [
        ("-r", "jintai-hotline"),  # the latest released: said
        ("-r", "jintai-hotline", "--period", "2024-02"),  # the one in effect that month: said
        ("-r", "jintai-hotline", "--period", "2024-02", "--as-of", "2025-02-01"),  # a day outside the period
        ("-r", "jintai-hotline@2025.01", "--period", "2024-02"),  # named exactly, not yet in effect: warned
        ("-r", "jintai-hotline@2024.02", "--period", "2024-02"),  # named and in effect: nothing said
    ],
)
def test_what_the_cli_says_about_the_chosen_version_is_the_apis_notes(monkeypatch, two_releases, argv):
    recorded = Recorded(monkeypatch)
    run = run_cli("evaluate", *argv, SEED_INPUT, "-f", "json", "--rulesets", two_releases)
    assert run.code == 0, run.err
    [(_, kwargs, ruleset)] = recorded.loads
    assert run.err.splitlines() == list(ruleset.notes)  # the seed says nothing when scored: every line is the choice's
    assert recorded.evaluations[0][2].notes == ()
    # kaoping.load called by a program, naming the day as the command line does, gives the same notes
    asked = {k: kwargs[k] for k in ("as_of", "period", "rulesets")}
    assert kaoping.load(argv[1], **asked, as_of_name="--as-of").notes == ruleset.notes


def test_a_note_is_told_as_it_arises_before_loading_fails(two_releases):
    told: list[tuple[str, bool]] = []
    with pytest.raises(UsageError, match="is not KEY=VALUE"):  # --set's text is parsed once the version is chosen
        kaoping.load(
            "jintai-hotline", rulesets=two_releases, overrides=["timeliness.weight"], tell=lambda *n: told.append(n)
        )
    latest = "note: using jintai-hotline@2025.01, the latest released; give --period or --as-of for the version in effect then"
    assert told == [(latest, True)]
    run = run_cli(
        "evaluate", "-r", "jintai-hotline", "--set", "timeliness.weight", SEED_INPUT, "--rulesets", two_releases
    )
    assert (run.code, run.err.splitlines()[0]) == (2, latest)


def test_kaoping_load_names_the_day_as_python_does_unless_told_otherwise(two_releases):
    notes = kaoping.load("jintai-hotline", as_of="2025-02-01", period="2024-02", rulesets=two_releases).notes
    assert notes[0] == (
        "warning: as_of 2025-02-01 is not in the period 2024-02: the version is the one in effect on 2025-02-01"
    )
