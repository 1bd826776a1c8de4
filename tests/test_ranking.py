"""Tie numbering as declared by the ruleset: sequential, shared (并列) or dense."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.ranking import rank_numbers

from .conftest import SEED_INPUT, SEED_RULESET, run_cli


@pytest.mark.parametrize(
    ("ties", "expected"),
    [("sequential", [1, 2, 3, 4, 5]), ("shared", [1, 2, 2, 4, 5]), ("dense", [1, 2, 2, 3, 4])],
)
def test_tied_values_are_numbered_as_declared(ties, expected):
    assert rank_numbers([9.0, 8.0, 8.0, 7.0, 6.0], ties) == expected


def ranks_with(tmp_path: Path, ties: str) -> list[tuple[int, str, str]]:
    text = SEED_RULESET.read_text(encoding="utf-8").replace("ties: sequential", f"ties: {ties}")
    ruleset = tmp_path / "ruleset.yaml"
    ruleset.write_text(text, encoding="utf-8")
    run = run_cli("evaluate", "-r", ruleset, SEED_INPUT, "-f", "json")
    assert run.code == 0, run.err
    return [(r["rank"], r["entity"], r["display"]["total"]) for r in json.loads(run.out)["results"]]


def test_the_seeds_tie_shares_rank_16_when_ties_are_shared(tmp_path):
    ranks = ranks_with(tmp_path, "shared")
    # published: 15 区农业农村局 95.03, then the tie at 95.01, then 区文化和旅游局 94.93
    assert ranks[14:18] == [
        (15, "区农业农村局", "95.03"),
        (16, "区民政局", "95.01"),
        (16, "区退役军人事务局", "95.01"),
        (18, "区文化和旅游局", "94.93"),
    ]


def test_dense_ties_do_not_skip_the_next_number(tmp_path):
    ranks = ranks_with(tmp_path, "dense")
    assert [r[0] for r in ranks[14:18]] == [15, 16, 16, 17]
    assert ranks[-1] == (31, "长乐塬管委办", "55.03")


def test_identical_units_keep_input_order_whichever_comes_first(tmp_path):
    lines = SEED_INPUT.read_text(encoding="utf-8-sig").splitlines()
    header, body = lines[0], lines[1:]
    veterans = next(line for line in body if line.startswith("区退役军人事务局"))
    civil = next(line for line in body if line.startswith("区民政局"))
    swapped = [veterans if line == civil else civil if line == veterans else line for line in body]
    data = tmp_path / "swapped.csv"
    data.write_text("\n".join([header, *swapped]) + "\n", encoding="utf-8")
    run = run_cli("evaluate", "-r", "jintai-hotline@2024.02", data, "-f", "json")
    results = json.loads(run.out)["results"]
    assert [(r["rank"], r["entity"]) for r in results[15:17]] == [(16, "区退役军人事务局"), (17, "区民政局")]
