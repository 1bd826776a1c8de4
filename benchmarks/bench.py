"""How fast kaoping is, measured: prints its figures, asserts nothing.

    .venv/bin/python benchmarks/bench.py [--units 100000] [--xlsx]
    .venv/bin/python benchmarks/bench.py --growth

Targets (checked by reading the output, never by a timed test):
- the seed (32 units), the whole `evaluate -f json` in-process: under 0.2 s;
- 100,000 units (a city-wide export): load + score + rank under 10 s;
- a hostile ruleset is refused in under 0.1 s;
- --growth: combine's µs a unit about flat from 1,000 to 20,000 units (12 periods), and diff's table
  about what `diff -f json` costs, at 20,000 and 100,000 units (ratios from the same run).
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
CITY_RULESET = ROOT / "rulesets" / "city-hotline" / "2025.01.yaml"


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


def synthetic_city_csv(path: Path, units: int, seed: int) -> None:
    """A city-hotline month (three groups; about one unit in twenty under the minimum volume, never ranked)."""
    rng = random.Random(seed)
    lines = ["单位名称,分组,应办结数,办结数,一次性办结数,回访数,满意数,不规范答复数,超期件数,表扬件数"]
    groups = ("县区组", "市直部门组", "功能区")
    for i in range(units):
        due = rng.randint(0, 400)
        done = rng.randint(0, due)
        first, visited = rng.randint(0, done), rng.randint(0, done)
        satisfied = rng.randint(0, visited)
        lines.append(f"单位{i:06d},{groups[i % 3]},{due},{done},{first},{visited},{satisfied},{rng.randint(0, 3)},0,0")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def growth() -> None:
    """How the costs grow with the units: combine's µs a unit, and diff's table against its JSON."""
    from kaoping.analysis.combine import combine

    ruleset = load_ruleset(CITY_RULESET)
    labels = [f"2025-{m + 1:02d}" for m in range(12)]
    with tempfile.TemporaryDirectory() as tmp:
        for units in (1_000, 5_000, 20_000):
            months = []
            for m in range(12):
                path = Path(tmp) / f"{units}-{m}.csv"
                synthetic_city_csv(path, units, m)
                table = read_table(path, ruleset)
                months.append(rank(ruleset, table, score(ruleset, table)))
            best = min(_seconds(lambda months=months: combine(ruleset, labels, months)) for _ in range(3))
            print(
                f"{'combine, 12 periods x ' + format(units, ',') + ' units (best of 3)':<48} {best * 1e6 / units:10.1f} µs/unit"
            )
        for units in (20_000, 100_000):
            path = Path(tmp) / f"diff-{units}.csv"
            synthetic_csv(path, units)
            argv = ["diff", "-r", str(SEED_RULESET), "--set", "timeliness.weight=45", "--set", "completion.weight=30"]
            run = [*argv, str(path)]
            as_json = _seconds(lambda run=run: main([*run, "-f", "json"], stdout=io.StringIO(), stderr=io.StringIO()))
            as_table = _seconds(lambda run=run: main(run, stdout=io.StringIO(), stderr=io.StringIO()))
            print(
                f"{'diff ' + format(units, ',') + ' units: json, table':<48} {as_json:8.2f} s {as_table:8.2f} s"
                f"  table/json {as_table / as_json:.2f}"
            )


def _seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main_bench() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--xlsx", action="store_true", help="also time reading and writing Excel (slow: openpyxl)")
    parser.add_argument("--growth", action="store_true", help="only how combine and diff's table grow with the units")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}")
    if args.growth:
        growth()
        return

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
