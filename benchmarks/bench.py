"""How fast kaoping is, measured: prints its figures, asserts nothing.

    .venv/bin/python benchmarks/bench.py [--units 100000] [--xlsx]

Targets (checked by reading the output, never by a timed test):
- the seed (32 units), the whole `evaluate -f json` in-process: under 0.2 s;
- 100,000 units (a city-wide export): load + score + rank under 10 s;
- a hostile ruleset is refused in under 0.1 s.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kaoping.cli import main  # noqa: E402
from kaoping.data.table import read_table  # noqa: E402
from kaoping.evaluate.ranking import rank  # noqa: E402
from kaoping.evaluate.scoring import score  # noqa: E402
from kaoping.outputs.machine import to_json  # noqa: E402
from kaoping.ruleset.load import load_ruleset  # noqa: E402

SEED_RULESET = ROOT / "rulesets" / "jintai-hotline" / "2024.02.yaml"
SEED_INPUT = ROOT / "examples" / "jintai-hotline-2024-02.csv"


def timed(label: str, fn, repeat: int = 1):
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<48} {best * 1000:10.1f} ms")
    return result


def synthetic_csv(path: Path, units: int) -> None:
    rng = random.Random(20240201)
    lines = ["部门名称,应办结工单数,办结工单数,按期办结工单数,逾期退单工单数,告警工单数,返工工单数"]
    for i in range(units):
        due = rng.randint(0, 400)
        completed = rng.randint(0, due)
        on_time = rng.randint(0, completed)
        lines.append(
            f"单位{i:06d},{due},{completed},{on_time},{rng.randint(0, 5)},{rng.randint(0, 2)},{rng.randint(0, 2)}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def synthetic_xlsx(csv_path: Path, book_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    for n, line in enumerate(csv_path.read_text(encoding="utf-8").splitlines()):
        cells = line.split(",")
        sheet.append(cells if n == 0 else [cells[0], *map(int, cells[1:])])
    book.save(book_path)


def main_bench() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--xlsx", action="store_true", help="also time reading and writing Excel (slow: openpyxl)")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}")

    def seed_run() -> int:
        return main(
            ["evaluate", "-r", str(SEED_RULESET), str(SEED_INPUT), "-f", "json"],
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )

    timed("seed: evaluate -f json, 32 units (best of 5)", seed_run, repeat=5)
    ruleset = timed("load + validate the seed ruleset (best of 5)", lambda: load_ruleset(SEED_RULESET), repeat=5)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.csv"
        synthetic_csv(path, args.units)
        table = timed(f"read + check {args.units:,} rows", lambda: read_table(path, ruleset))
        scoring = timed(f"score {args.units:,} units", lambda: score(ruleset, table))
        evaluation = timed(f"rank + round {args.units:,} units", lambda: rank(ruleset, table, scoring))
        timed(f"JSON for {args.units:,} units", lambda: to_json(evaluation))
        if args.xlsx:
            # a workbook holds at most kaoping.data.table.xlsx_in.MAX_CELLS cells (openpyxl keeps ~350 bytes a cell);
            # larger tables are read as CSV, so the Excel read is timed on as many rows as fit
            from kaoping.data.xlsx_in import MAX_CELLS

            rows = min(args.units, MAX_CELLS // 7 - 1)
            small = Path(tmp) / "xlsx-rows.csv"
            synthetic_csv(small, rows)
            book = Path(tmp) / "big.xlsx"
            synthetic_xlsx(small, book)
            timed(f"read + check {rows:,} rows from .xlsx", lambda: read_table(book, ruleset))
            from kaoping.outputs.xlsx import to_xlsx

            timed(f"xlsx for {args.units:,} units", lambda: to_xlsx(evaluation, "2024-02"))

    hostile = SEED_RULESET.read_text(encoding="utf-8").replace(
        "formula: weight * ratio(completed, due, 1)", "formula: " + "(" * 500 + "1" + ")" * 500
    )
    with tempfile.TemporaryDirectory() as tmp:
        bad = Path(tmp) / "hostile.yaml"
        bad.write_text(hostile, encoding="utf-8")
        timed(
            "refuse a 500-deep formula (best of 5)",
            lambda: main(["validate", str(bad)], stdout=io.StringIO(), stderr=io.StringIO()),
            repeat=5,
        )


if __name__ == "__main__":
    main_bench()
