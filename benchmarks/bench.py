"""How fast kaoping is, measured: prints its figures, asserts nothing.

    .venv/bin/python benchmarks/bench.py [--units 100000] [--xlsx]
    .venv/bin/python benchmarks/bench.py --growth
    .venv/bin/python benchmarks/bench.py --targets [--max-units 1000000]

Targets (checked by reading the output, never by a timed test):
- the seed (32 units), the whole `evaluate -f json` in-process: under 0.2 s;
- 100,000 units (a city-wide export): load + score + rank under 10 s;
- a hostile ruleset is refused in under 0.1 s;
- --growth: combine's µs a unit about flat from 1,000 to 20,000 units (12 periods), and diff's table
  about what `diff -f json` costs, at 20,000 and 100,000 units (ratios from the same run).
- --targets: issue 10's targets, one table of value, peer, ratio, target and ok/MISSED (see targets()).
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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


# --- issue 10's targets (--targets) -------------------------------------------------------------------------------

CACHE = ROOT / "benchmarks" / ".cache"  # generated inputs, kept between runs (benchmarks/.gitignore); outputs in out/
SIZES = (10_000, 100_000, 1_000_000)
SEED = "jintai-hotline@2024.02"
CITY = "city-hotline@2025.01"
WHAT_IF = ("--set", "timeliness.weight=45", "--set", "completion.weight=30")

IDENTITY_UNITS = 100_000
IDENTITY_SHA256 = "87c9e44b43d40c363b5d2d7313cf8f0c229223ccd31711a6d69346b091b97470"
"""sha256 of the bytes of `kaoping evaluate -r jintai-hotline@2024.02 benchmarks/.cache/units-100000.csv -f json
-o OUT`, run with the checkout's root as the working directory and no $KAOPING_RULESETS, so the two paths in the
JSON are the relative `rulesets/jintai-hotline/2024.02.yaml` and `benchmarks/.cache/units-100000.csv` wherever the
checkout is.  The input is synthetic_csv(100_000) (fixed seed); its sha256 and the kaoping version ("0.1.0") are in
the bytes.  Recorded from main at c1fa92f (the row path, before the columnar core): the core must keep it."""


@dataclass(frozen=True)
class Child:
    """One child process: its wall time, its CPU time (user + system: steadier on a shared machine), its peak
    RSS (the child's own ru_maxrss), its exit code and stderr."""

    seconds: float
    cpu: float
    rss_kb: int
    code: int
    stderr: str

    def failed(self) -> str:
        """'' for a run that went well, else its exit code and the first line it said (without the file's name)."""
        first = (self.stderr.strip().splitlines() or [""])[0]
        said = first.split(": ", 1)[-1] if first.startswith(("benchmarks/", "/")) else first
        return f"exit {self.code}: {said}" if self.code else ""


def kaoping_argv() -> list[str]:
    """The installed console script next to this Python (what a user runs), else `python -m kaoping.cli`."""
    script = Path(sys.executable).with_name("kaoping")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kaoping.cli"]


def run_child(argv: Sequence[str], stdout: Path | None = None) -> Child:
    """Run argv in the checkout's root (relative paths in the output), timed, with its own peak RSS (os.wait4)."""
    env = {k: v for k, v in os.environ.items() if k != "KAOPING_RULESETS"}
    with tempfile.TemporaryFile() as err, open(stdout or os.devnull, "wb") as out:
        start = time.perf_counter()
        child = subprocess.Popen(list(argv), cwd=ROOT, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return Child(seconds, cpu, usage.ru_maxrss, child.returncode, err.read().decode("utf-8", "replace"))


def median_child(argv: Sequence[str], runs: int) -> Child:
    """The run of median time out of `runs` (a failed run is returned at once)."""
    done = []
    for _ in range(runs):
        done.append(run_child(argv))
        if done[-1].code:
            return done[-1]
    return sorted(done, key=lambda c: c.seconds)[len(done) // 2]


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def cached(name: str, make: Callable[[Path], None]) -> Path:
    """CACHE/name, made once (into a temporary name first: an interrupted run leaves no half file)."""
    path = CACHE / name
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        part = path.with_name(path.stem + ".part" + path.suffix)
        make(part)
        part.replace(path)
    return path


def units_csv(units: int) -> Path:
    return cached(f"units-{units}.csv", lambda p: synthetic_csv(p, units))


def out_path(name: str) -> Path:
    (CACHE / "out").mkdir(parents=True, exist_ok=True)
    return CACHE / "out" / name


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def head_of(path: Path) -> dict[str, object]:
    """An evaluation's JSON without its results (read from the first lines only: a 1M-unit file is 540 MB)."""
    head = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith('  "results"'):
                break
            head.append(line)
    return json.loads("".join(head).rstrip().rstrip(",") + "}")


class Printed:
    """The one table --targets prints, a row at a time as each is measured (the whole run takes minutes)."""

    WIDTHS = (46, 28, 26, 7, 21)

    def __init__(self) -> None:
        self.missed = 0
        heads = ("measurement", "value", "peer", "ratio", "target")
        print("  ".join(h.ljust(w) for h, w in zip(heads, self.WIDTHS, strict=True)) + "  verdict")
        print("-" * (sum(self.WIDTHS) + 2 * len(self.WIDTHS) + 7))

    def row(
        self, what: str, value: str, peer: str = "", ratio: str = "", target: str = "", ok: bool | None = None
    ) -> None:
        verdict = "" if ok is None else "ok" if ok else "MISSED"
        self.missed += ok is False
        cells = (what, value, peer, ratio, target)
        print("  ".join(c.ljust(w) for c, w in zip(cells, self.WIDTHS, strict=True)) + "  " + verdict, flush=True)

    def failure(self, what: str, child: Child, target: str = "") -> None:
        """A run that failed: MISSED, and what it said on a line of its own under the row."""
        self.row(what, f"failed (exit {child.code})", "", "", target, False)
        print(f"    {child.failed()}", flush=True)


def units_label(units: int) -> str:
    return f"{units // 1_000_000}M" if units >= 1_000_000 and units % 1_000_000 == 0 else f"{units // 1000}k"


def targets(max_units: int) -> None:
    """Every target of issue 10, measured in this one run; printed, never asserted.

    The CLI and every peer run as child processes of this one, from the checkout's root, so each time
    includes its interpreter's start and imports and each RSS is that child's own peak.
    """
    sizes = [n for n in SIZES if n <= max_units] or [SIZES[0]]
    print(f"kaoping {kaoping_version()}, {' '.join(kaoping_argv())}; sizes {', '.join(map(units_label, sizes))}")
    print("(each child timed once, 10k: median of 3; the machine may be shared: read ratios, not seconds)")
    print(f"load average at the start: {load()}, on {os.cpu_count()} CPUs\n")
    table = Printed()
    evaluations = target_evaluations(table, sizes)
    identical = target_identity(table, evaluations)
    target_score_stage(table, min(max_units, 100_000))
    target_cold_start(table)
    target_xlsx(table, min(max_units, 100_000))
    target_diff(table, min(max_units, 100_000))
    target_combine(table, 10_000)
    print(f"\nload average at the end: {load()}")
    print(f"byte-identical: {'yes' if identical else 'no'}")
    print(f"{table.missed} target(s) missed")


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def kaoping_version() -> str:
    from kaoping import __version__

    return __version__


def evaluate_csv(units: int, fmt: str = "json") -> tuple[Child, Path]:
    """`kaoping evaluate -r SEED units-N.csv -f FMT -o OUT` as a child."""
    out = out_path(f"kaoping-{units}.{fmt}")
    argv = [*kaoping_argv(), "evaluate", "-r", SEED, rel(units_csv(units)), "-f", fmt, "-o", rel(out)]
    return median_child(argv, 3 if units <= 10_000 else 1), out


def peer_duckdb(csv: Path, out: Path, ruleset_path: str, runs: int) -> Child:
    """The hand-written DuckDB pipeline (benchmarks/peer_duckdb.py) as a child, as the CLI is run."""
    argv = [sys.executable, rel(ROOT / "benchmarks" / "peer_duckdb.py"), rel(csv), rel(out), ruleset_path]
    return median_child([*argv, kaoping_version()], runs)


def same_output(ours: Path, theirs: Path) -> str:
    """'yes' when the files are the same bytes; else whether at least the results lines are, and the first that differs."""
    if sha256_of(ours) == sha256_of(theirs):
        return "yes"
    with open(ours, encoding="utf-8") as a, open(theirs, encoding="utf-8") as b:
        pairs = (
            (x, y) for x, y in zip(a, b, strict=False) if x.startswith('    {"rank"') or y.startswith('    {"rank"')
        )
        for n, (x, y) in enumerate(pairs, 1):
            if x.rstrip(",\n") != y.rstrip(",\n"):
                return f"no (results line {n} differs)"
    return "no (the results lines agree; the document around them differs)"


@dataclass(frozen=True)
class Evaluated:
    """The seed's CSV -> JSON at one size: the CLI, its output, and the DuckDB pipeline's run."""

    units: int
    cli: Child
    out: Path
    peer: Child


def target_evaluations(table: Printed, sizes: Sequence[int]) -> dict[int, Evaluated]:
    """1M units (and 10k, 100k) CSV -> JSON through the CLI: seconds, ÷ the DuckDB pipeline, peak RSS, growth."""
    done: dict[int, Evaluated] = {}
    for units in sizes:
        measured = measure_evaluation(table, units, first=not done)
        if measured is not None:
            done[units] = measured
            evaluation_rows(table, measured)
    growth_rows(table, done)
    return done


def measure_evaluation(table: Printed, units: int, first: bool) -> Evaluated | None:
    """The CLI and the DuckDB pipeline at one size, and whether they wrote the same bytes.

    At the first size the pipeline's output is checked before it is timed; a 1M-unit output (540 MB)
    is deleted once compared.
    """
    label = units_label(units)
    cli, out = evaluate_csv(units)
    if cli.code:
        table.failure(f"CLI CSV->JSON, {label}", cli)
        return None
    ruleset_path = str(head_of(out)["ruleset"]["path"])  # type: ignore[index]
    peer_out = out_path(f"duckdb-{units}.json")
    if first:
        peer_duckdb(units_csv(units), peer_out, ruleset_path, 1)
        table.row(f"DuckDB output = kaoping's bytes, {label}", same_output(out, peer_out))
    peer = peer_duckdb(units_csv(units), peer_out, ruleset_path, 3 if units <= 10_000 else 1)
    if peer.code:
        table.failure(f"DuckDB pipeline, {label}", peer)
    elif not first:
        table.row(f"DuckDB output = kaoping's bytes, {label}", same_output(out, peer_out))
    peer_out.unlink(missing_ok=True)
    if units > IDENTITY_UNITS:
        out.unlink()
    return Evaluated(units, cli, out, peer)


def evaluation_rows(table: Printed, e: Evaluated) -> None:
    """Seconds against the pipeline's, the 10 s at 1M, and the peak RSS (1 GB at 1M)."""
    label, at_1m = units_label(e.units), e.units == 1_000_000
    if not e.peer.code:
        ratio = e.cli.seconds / e.peer.seconds
        table.row(
            f"CLI CSV->JSON, {label}",
            f"{e.cli.seconds:.2f} s (cpu {e.cli.cpu:.2f} s)",
            f"DuckDB {e.peer.seconds:.2f} s (cpu {e.peer.cpu:.2f})",
            f"{ratio:.1f}x",
            "<= 3x the peer",
            ratio <= 3,
        )
    if at_1m:
        table.row("CLI CSV->JSON, 1M: seconds", f"{e.cli.seconds:.1f} s", "", "", "<= 10 s", e.cli.seconds <= 10)
    table.row(
        f"peak RSS of the CLI, {label}",
        f"{e.cli.rss_kb / 1024:.0f} MB ({e.cli.rss_kb / e.units:.2f} KB/unit)",
        f"DuckDB {e.peer.rss_kb / 1024:.0f} MB",
        f"{e.cli.rss_kb / max(e.peer.rss_kb, 1):.1f}x",
        "<= 1 GB at 1M" if at_1m else "(1 GB at 1M)",
        e.cli.rss_kb <= 1024 * 1024 if at_1m else None,
    )


def growth_rows(table: Printed, done: dict[int, Evaluated]) -> None:
    """How cost and memory grow with the units: µs and KB a unit at each size, and the marginal cost between
    sizes.  Linearity is judged on CPU time (the CLI is one thread: its CPU time barely moves with the load)."""
    runs = sorted(done.values(), key=lambda e: e.units)
    if len(runs) < 2:
        return
    sizes = "/".join(units_label(e.units) for e in runs)
    wall = " ".join(f"{e.cli.seconds * 1e6 / e.units:.1f}" for e in runs)
    peer = " ".join(f"{e.peer.seconds * 1e6 / e.units:.2f}" for e in runs)
    table.row(f"CLI µs/unit (wall) at {sizes}", wall, f"DuckDB {peer}", "", "(linear: flat)")
    cpu = " ".join(f"{e.cli.cpu * 1e6 / e.units:.1f}" for e in runs)
    last, before = runs[-1], runs[-2]
    growth = (last.cli.cpu / last.units) / (before.cli.cpu / before.units)
    judged = before.units >= 100_000  # below 100k the start-up cost dominates a unit's share
    table.row(
        f"CLI µs/unit (cpu) at {sizes}",
        cpu,
        "",
        f"{growth:.2f}x",
        f"{units_label(last.units)}÷{units_label(before.units)} <= 1.5x",
        growth <= 1.5 if judged else None,
    )
    marginal = [(b.cli.cpu - a.cli.cpu) * 1e6 / (b.units - a.units) for a, b in zip(runs, runs[1:], strict=False)]
    table.row("CLI marginal cpu µs/unit", " ".join(f"{m:.1f}" for m in marginal), "", "", "(linear: flat)")
    kb = " ".join(f"{e.cli.rss_kb / e.units:.2f}" for e in runs)
    kb_marginal = " ".join(
        f"{(b.cli.rss_kb - a.cli.rss_kb) / (b.units - a.units):.2f}" for a, b in zip(runs, runs[1:], strict=False)
    )
    table.row(f"CLI KB/unit at {sizes}", kb, f"marginal {kb_marginal}", "", "(1 KB/unit at 1M)")


def target_identity(table: Printed, evaluations: dict[int, Evaluated]) -> bool:
    """The fixed 100k-unit input's JSON, byte for byte against the sha256 recorded from today's row path."""
    done = evaluations.get(IDENTITY_UNITS)
    if done is None:
        cli, out = evaluate_csv(IDENTITY_UNITS)
        if cli.code:
            table.failure("JSON of the fixed 100k input, byte-identical", cli)
            return False
    else:
        out = done.out
    digest = sha256_of(out)
    same = digest == IDENTITY_SHA256
    table.row(
        "JSON of the fixed 100k input, byte-identical",
        ("yes" if same else "no") + f" (sha256 {digest[:12]}…)",
        f"recorded {IDENTITY_SHA256[:12]}…",
        "",
        "same bytes",
        same,
    )
    return same


def score_stage(ruleset, table) -> tuple[str, Callable[[], object]]:
    """The score stage alone, ready to time: the columnar core's when it is there, else the row path's.

    Repoint here when the stage moves.  Building the columns from the records is outside the timing
    (with the core, the reader makes them).
    """
    try:
        from kaoping.columns.frame import columns_of_records
        from kaoping.columns.score import score_columns
    except ImportError:
        return "kaoping.evaluate.scoring.score", lambda: score(ruleset, table)
    columns = getattr(table, "columns", None)
    if columns is None:
        columns = columns_of_records(table.records, ruleset.inputs)
    if columns is None:
        return "kaoping.evaluate.scoring.score (no columns)", lambda: score(ruleset, table)
    return "kaoping.columns.score.score_columns", lambda: score_columns(ruleset, columns)


def totals_of(scoring: object) -> list[float]:
    """The totals of either stage's result, in input order: Scoring's units, or ColumnScoring's total
    (a kaoping.columns.compile.Column, whose `values` is the array; an array or a list is taken as it is)."""
    units = getattr(scoring, "units", None)
    if units is not None:
        return [float(u.total) for u in units]
    total = scoring.total  # type: ignore[attr-defined]
    values = getattr(total, "values", total)
    return [float(t) for t in (values.tolist() if hasattr(values, "tolist") else values)]


def python_loop(rows: Sequence[dict[str, object]]) -> list[float]:
    """The seed's aggregates, six formulas and total, written by hand over the rows (ratio's zero guard as written)."""
    tor = sum(r["overdue_returns"] for r in rows)  # type: ignore[misc]
    ta = sum(r["alerts"] for r in rows)  # type: ignore[misc]
    tr = sum(r["reworks"] for r in rows)  # type: ignore[misc]
    mc = max(r["completed"] for r in rows)  # type: ignore[type-var]
    totals = []
    for r in rows:
        due, completed = r["due"], r["completed"]
        completion = 35 * (completed / due if due != 0 else 1)  # type: ignore[operator]
        timeliness = 40 * (r["on_time"] / due if due != 0 else 1)  # type: ignore[operator]
        overdue = 5 * (1 - (r["overdue_returns"] / tor if tor != 0 else 0))  # type: ignore[operator]
        alert = 10 * (1 - (r["alerts"] / ta if ta != 0 else 0))  # type: ignore[operator]
        workload = 5 * (completed / mc if mc != 0 else 0)  # type: ignore[operator]
        rework = 5 * (1 - (r["reworks"] / tr if tr != 0 else 0))  # type: ignore[operator]
        totals.append(float(completion + timeliness + overdue + alert + workload + rework))
    return totals


def best_of(fn: Callable[[], object], runs: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def target_score_stage(table: Printed, units: int) -> None:
    """The score stage alone, in this process, against a hand-written Python loop over the same rows."""
    ruleset = load_ruleset(SEED_RULESET)
    records = read_table(units_csv(units), ruleset)
    name, stage = score_stage(ruleset, records)
    rows = [dict(r.values) for r in records.records]
    stage_s, scoring = best_of(stage)
    loop_s, totals = best_of(lambda: python_loop(rows))
    same = "same totals" if totals_of(scoring) == totals else "totals DIFFER"
    speedup = loop_s / stage_s
    table.row(
        f"score stage, {units_label(units)} ({name.split('.')[-1]})",
        f"{stage_s * 1000:.0f} ms ({same})",
        f"Python loop {loop_s * 1000:.0f} ms",
        f"{speedup:.3g}x",
        ">= 10x faster",
        speedup >= 10,
    )


def target_cold_start(table: Printed, runs: int = 7) -> None:
    """The seed's `evaluate ... -f json` against the import floor, each the median of `runs` (interleaved);
    in English and in Chinese, whose catalog (a .mo read by gettext) is loaded only then."""
    floor = [sys.executable, "-c", "import yaml, jsonschema, simpleeval, rich"]
    # the floor's packages were byte-compiled by pip; compile kaoping's too (as installing a wheel does), or a
    # machine with PYTHONDONTWRITEBYTECODE set times Python compiling every edited module of ours
    compileall.compile_dir(str(ROOT / "engine"), quiet=1)
    for lang in ("en", "zh"):
        seed = [*kaoping_argv(), "evaluate", "-r", SEED, rel(SEED_INPUT), "-f", "json", "--lang", lang]
        run_child(seed), run_child(floor)  # warm the file cache
        ours, theirs = [], []
        for _ in range(runs):
            ours.append(run_child(seed))
            theirs.append(run_child(floor))
        if any(c.code for c in ours):
            table.failure(f"cold start, seed -f json --lang {lang}", next(c for c in ours if c.code))
            return
        a = statistics.median(c.seconds for c in ours)
        b = statistics.median(c.seconds for c in theirs)
        table.row(
            f"cold start, seed -f json --lang {lang} (median of {runs})",
            f"{a * 1000:.0f} ms",
            f"import floor {b * 1000:.0f} ms",
            f"{a / b:.2f}x",
            "<= 1.5x the floor",
            a / b <= 1.5,
        )


def csv_evaluation(units: int) -> Child:
    """The seed's CSV -> JSON at `units`, measured again just before what is compared with it (a shared
    machine's load changes within minutes)."""
    return evaluate_csv(units)[0]


def units_xlsx(units: int) -> Path:
    return cached(f"units-{units}.xlsx", lambda p: synthetic_xlsx(units_csv(units), p))


def target_xlsx(table: Printed, units: int) -> None:
    """Read: evaluate on the .xlsx minus evaluate on the same CSV; write: `-f xlsx -o` minus `-f json -o`."""
    label, csv = units_label(units), csv_evaluation(units)
    out = out_path("from-xlsx.json")
    book = run_child([*kaoping_argv(), "evaluate", "-r", SEED, rel(units_xlsx(units)), "-f", "json", "-o", rel(out)])
    if book.code:
        table.failure(f"xlsx read, {label}", book, "read <= 3 s")
    else:
        read = book.seconds - csv.seconds
        table.row(
            f"xlsx read, {label} (xlsx cmd - CSV cmd)",
            f"{read:.2f} s (whole {book.seconds:.2f} s)",
            f"CSV->JSON {csv.seconds:.2f} s",
            f"{book.seconds / csv.seconds:.2f}x",
            "read <= 3 s",
            read <= 3,
        )
    made = out_path("kaoping.xlsx")
    write = run_child([*kaoping_argv(), "evaluate", "-r", SEED, rel(units_csv(units)), "-f", "xlsx", "-o", rel(made)])
    if write.code:
        table.failure(f"xlsx write, {label}", write, "write <= 10 s")
        return
    table.row(
        f"xlsx write, {label} (-f xlsx cmd - -f json cmd)",
        f"{write.seconds - csv.seconds:.2f} s (whole {write.seconds:.2f} s)",
        f"CSV->JSON {csv.seconds:.2f} s",
        f"{write.seconds / csv.seconds:.2f}x",
        "write <= 10 s",
        write.seconds - csv.seconds <= 10,
    )


def target_diff(table: Printed, units: int) -> None:
    """`diff` of the seed against itself with two weights changed, as JSON and as the terminal table."""
    label, one = units_label(units), csv_evaluation(units)
    argv = [*kaoping_argv(), "diff", "-r", SEED, *WHAT_IF, rel(units_csv(units))]
    runs = {
        "diff -f json -o": run_child([*argv, "-f", "json", "-o", rel(out_path("diff.json"))]),
        "diff table > file": run_child(argv, stdout=out_path("diff.txt")),
    }
    for what, child in runs.items():
        if child.code:
            table.failure(f"{what}, {label}", child, "<= 2x one evaluation")
            continue
        table.row(
            f"{what}, {label} (2 weights --set)",
            f"{child.seconds:.2f} s",
            f"evaluate {label} {one.seconds:.2f} s",
            f"{child.seconds / one.seconds:.2f}x",
            "<= 2x one evaluation",
            child.seconds / one.seconds <= 2,
        )


def target_combine(table: Printed, units: int, months: int = 12) -> None:
    """`combine` of 12 months of the city ruleset (it declares `combine:`), against evaluations of the same units."""
    files = [cached(f"city-{units}-{m}.csv", lambda p, m=m: synthetic_city_csv(p, units, m)) for m in range(months)]
    whole = cached(f"city-{units * months}.csv", lambda p: synthetic_city_csv(p, units * months, 99))
    periods = [f"2025-{m + 1:02d}={rel(f)}" for m, f in enumerate(files)]
    combined = run_child(
        [*kaoping_argv(), "combine", "-r", CITY, *periods, "-f", "json", "-o", rel(out_path("c.json"))]
    )
    evaluate = [*kaoping_argv(), "evaluate", "-r", CITY]
    one = median_child([*evaluate, rel(files[0]), "-f", "json", "-o", rel(out_path("city-one.json"))], 3)
    big = run_child([*evaluate, rel(whole), "-f", "json", "-o", rel(out_path("city-whole.json"))])
    label, n = f"combine {months} x {units_label(units)}", units_label(units * months)
    labels = (f"{label} ÷ {months} evaluations", f"{label} ÷ one {n} evaluation")
    if combined.code or one.code or big.code:
        table.failure(label, next(c for c in (combined, one, big) if c.code), "<= 2x")
        return
    for what, peer, seconds in (
        (labels[0], f"{months} x evaluate {units_label(units)} {one.seconds:.2f} s", months * one.seconds),
        (labels[1], f"evaluate {n} {big.seconds:.2f} s", big.seconds),
    ):
        table.row(
            what,
            f"{combined.seconds:.2f} s",
            peer,
            f"{combined.seconds / seconds:.2f}x",
            "<= 2x",
            combined.seconds / seconds <= 2,
        )


def main_bench() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--xlsx", action="store_true", help="also time reading and writing Excel (slow: openpyxl)")
    parser.add_argument("--growth", action="store_true", help="only how combine and diff's table grow with the units")
    parser.add_argument("--targets", action="store_true", help="issue 10's targets as one table of ratios")
    parser.add_argument("--max-units", type=int, default=1_000_000, help="with --targets: the largest size (10k..1M)")
    parser.add_argument("--cold", action="store_true", help="only the cold start, in English and in Chinese")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}")
    if args.cold:
        cold = Printed()
        target_cold_start(cold)
        print(f"{cold.missed} target(s) missed")
        return
    if args.growth:
        growth()
        return
    if args.targets:
        targets(args.max_units)
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
