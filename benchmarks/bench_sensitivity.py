"""How fast `kaoping sensitivity` is: prints its times and ratios, asserts nothing.

    .venv/bin/python benchmarks/bench_sensitivity.py [--units 10000] [--grid 21]

Targets (issue 14; read from the output, never a timed test):
- the seed (32 units, 6 weights), the whole command in-process: at most 1 s;
- 10,000 units (bench.py's synthetic month): at most 30 s;
- the peer is what rank-reversal tools do instead: re-rank the table at a grid of weight values, each
  weight in turn (`--grid` values from 0 to full marks, proportional rebalancing, the engine's own
  evaluate).  It only brackets a tipping point to one grid step, and can step over a swap and its swap
  back; sensitivity gives every adjacent pair's exact points.  The ratio says what exactness costs
  against that peer run in the same benchmark (the grid re-ranks with the vectorised columnar core at
  10,000 units; the tracer is exact rational arithmetic in Python, a unit at a time).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench import SEED_INPUT, SEED_RULESET, synthetic_csv  # noqa: E402
from kaoping.cli import main  # noqa: E402
from kaoping.data.table import read_table  # noqa: E402
from kaoping.evaluate.pipeline import evaluate_table  # noqa: E402
from kaoping.ruleset.load import load_ruleset  # noqa: E402


def best_of(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _run in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def command(input_path: Path) -> None:
    """`kaoping sensitivity -r <seed ruleset> INPUT -f json`, in-process, output thrown away."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(["sensitivity", "-r", str(SEED_RULESET), str(input_path), "-f", "json"])
    assert code == 0


def grid(input_path: Path, values: int) -> None:
    """The peer: every weight at `values` points of 0..100, the others rebalanced, the table re-ranked."""
    ruleset = load_ruleset(SEED_RULESET)
    table = read_table(input_path, ruleset)
    for varied in ruleset.indicators:
        for k in range(values):
            w = 100 * k / (values - 1)
            scale = (100 - w) / (100 - varied.weight)
            indicators = tuple(
                dataclasses.replace(i, weight=w if i.id == varied.id else i.weight * scale) for i in ruleset.indicators
            )
            evaluate_table(dataclasses.replace(ruleset, indicators=indicators), table, lambda _s: None)


def row(label: str, ours: float, peer: float, target: str) -> None:
    print(f"{label:<34} {ours:8.2f} s   grid {peer:8.2f} s   ratio {ours / peer:5.2f}x   target {target}")


def main_bench() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--grid", type=int, default=21, help="weight values the peer re-ranks at, per weight")
    args = parser.parse_args()
    row(
        "seed (32 units, 6 weights)",
        best_of(lambda: command(SEED_INPUT), 3),
        best_of(lambda: grid(SEED_INPUT, args.grid), 3),
        "<= 1 s",
    )
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "units.csv"
        synthetic_csv(big, args.units)
        row(
            f"{args.units:,} units",
            best_of(lambda: command(big), 1),
            best_of(lambda: grid(big, args.grid), 1),
            "<= 30 s",
        )


if __name__ == "__main__":
    main_bench()
