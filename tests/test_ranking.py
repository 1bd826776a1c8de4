"""Tie numbering as declared by the ruleset: sequential, shared (并列) or dense."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kaoping.evaluate.ranking import rank_numbers

from .conftest import SEED_INPUT, SEED_RULESET, edited_copy, run_cli


@pytest.mark.parametrize(
    ("ties", "expected"),
    [("sequential", [1, 2, 3, 4, 5]), ("shared", [1, 2, 2, 4, 5]), ("dense", [1, 2, 2, 3, 4])],
)
def test_tied_values_are_numbered_as_declared(ties, expected):
    assert rank_numbers([9.0, 8.0, 8.0, 7.0, 6.0], ties) == expected


def ranks_with(tmp_path: Path, ties: str) -> list[tuple[int, str, str]]:
    text = edited_copy(SEED_RULESET.read_text(encoding="utf-8").replace("ties: sequential", f"ties: {ties}"))
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


def test_scores_equal_on_paper_tie_even_when_their_floats_differ(tmp_path):
    # 甲局: 4 due, 4 on time; 乙局: 12 due, 11 on time, so 40·11/12 = 36.666…
    # 甲局 35 + 40 + 5 + 10 + 5·4/12 + 5 and 乙局 35 + 36.67 + 5 + 10 + 5 + 5 are both 96.666…,
    # one computed as 96.66666666666667 and the other as 96.66666666666666
    text = edited_copy(
        SEED_RULESET.read_text(encoding="utf-8").split("\ntests:")[0].replace("ties: sequential", "ties: shared")
    )
    ruleset = tmp_path / "r.yaml"
    ruleset.write_text(text, encoding="utf-8")
    data = tmp_path / "two.csv"
    data.write_text(
        "部门名称,应办结工单数,办结工单数,按期办结工单数,逾期退单工单数,告警工单数\n甲局,4,4,4,0,0\n乙局,12,12,11,0,0\n",
        encoding="utf-8",
    )
    run = run_cli("evaluate", "-r", ruleset, data, "-f", "json")
    results = json.loads(run.out)["results"]
    assert results[0]["total"] != results[1]["total"]  # the floats differ in the last bit...
    assert [(r["rank"], r["display"]["total"]) for r in results] == [(1, "96.67"), (1, "96.67")]  # ...and still tie
