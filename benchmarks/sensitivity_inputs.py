"""How fast the input search of `kaoping sensitivity` is: prints its times, asserts nothing.

    .venv/bin/python benchmarks/sensitivity_inputs.py [--units 10000]

Targets (issue 14; read from the output, never a timed test): the seed (32 units, 6 numeric inputs) well
under 0.5 s; 10,000 units (benchmarks/bench.py's synthetic month) within about 15 s, half of the command's
30 s (the weights' tracer needs the rest).  The table is read and scored before the clock starts: the time
is `input_changes` alone, best of `--repeat`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench import SEED_INPUT, SEED_RULESET, synthetic_csv  # noqa: E402
from kaoping.analysis.input_changes import input_changes  # noqa: E402
from kaoping.data.table import read_table  # noqa: E402
from kaoping.evaluate.pipeline import evaluate_table  # noqa: E402
from kaoping.ruleset.load import load_ruleset  # noqa: E402


def seconds(input_path: Path, repeat: int) -> tuple[float, int]:
    """The best time of `input_changes` on this table (and how many pairs it answered)."""
    ruleset = load_ruleset(SEED_RULESET)
    evaluation = evaluate_table(ruleset, read_table(input_path, ruleset), lambda _stage: None)
    best, pairs = float("inf"), 0
    for _run in range(repeat):
        start = time.perf_counter()
        pairs = len(input_changes(ruleset, evaluation))
        best = min(best, time.perf_counter() - start)
    return best, pairs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    best, pairs = seconds(SEED_INPUT, args.repeat)
    print(f"{'input changes, the seed (' + str(pairs) + ' pairs)':<52} {best * 1000:10.1f} ms   target < 500 ms")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "month.csv"
        synthetic_csv(path, args.units)
        best, pairs = seconds(path, max(1, args.repeat // 3))
    label = f"input changes, {args.units:,} units ({pairs:,} pairs)"
    print(f"{label:<52} {best * 1000:10.1f} ms   target < 15000 ms")


if __name__ == "__main__":
    main()
