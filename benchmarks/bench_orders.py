"""Issue 11's speed targets for counting raw work orders, printed (never a timed test).

    .venv/bin/python benchmarks/bench_orders.py [--orders 2000000] [--no-parquet]

1. 2M orders (a city's half year, `examples/generate_orders.py --scale 2000000 --months 2024-01..2024-06`, cached
   in benchmarks/.cache) to unit counts: `kaoping count -r jintai-orders@2024.02 FILE --period 2024-03 -f json -o`
   as a child process, against the peer: the bare DuckDB query kaoping emits, run by DuckDB alone in a child on
   the same file (the one typed scan `CREATE TEMP TABLE orders AS SELECT ...` kaoping's reader builds, then the
   checks and counts queries `kaoping sql --dialect duckdb` prints, with the same memory settings).  Targets:
   at most 1.5x the peer, at most 10 s, at most 1 GB peak RSS.  What kaoping adds to the peer is its start,
   finding and mapping the header, hashing the file, locating nothing (the file is clean) and writing JSON.
2. 20M orders as Parquet (a large city's year: the 2M file ten times over, order ids made unique, written by
   DuckDB COPY): the same count, its time and memory printed, no target.

Both sides run in this minute on this machine, so the ratio survives a loaded machine better than the seconds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import CACHE, ROOT, Child, Printed, kaoping_argv, rel, run_child  # noqa: E402

RULESET = "jintai-orders@2024.02"
PERIOD = "2024-03"
PEER = """
import sys, duckdb
con = duckdb.connect()
for setting in ("memory_limit = '600MB'", "preserve_insertion_order = false", "enable_progress_bar = false",
                "temp_directory = '" + sys.argv[2] + "'"):
    con.execute("SET " + setting)
for statement in open(sys.argv[1], encoding="utf-8").read().split(";\\n-- kp-next\\n"):
    rows = con.execute(statement).fetchall()
print(len(rows))
"""


def orders_csv(n: int) -> Path:
    """The generated export of about n orders over 2024-01..2024-06, made once."""
    path = CACHE / f"orders-{n}.csv"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        gen = ROOT / "examples" / "generate_orders.py"
        done = run_child(
            [sys.executable, rel(gen), "--scale", str(n), "--months", "2024-01..2024-06", "--out", str(path)]
        )
        if done.code:
            raise SystemExit(f"generate_orders failed: {done.stderr}")
    return path


def orders_parquet(csv_path: Path, copies: int) -> Path:
    """`copies` times the CSV's rows as an all-text Parquet export, each copy's order ids suffixed: made once."""
    import duckdb

    path = CACHE / f"{csv_path.stem}-x{copies}.parquet"
    if not path.exists():
        con = duckdb.connect()
        con.execute("SET preserve_insertion_order = false")
        src = f"read_csv('{csv_path}', header = true, all_varchar = true, auto_detect = true)"
        # the bench's own generated file: its header names the columns (the order id is 工单编号), all as text
        con.execute(
            f"COPY (SELECT * REPLACE (工单编号 || '-' || CAST(k AS VARCHAR) AS 工单编号) FROM {src}, range({copies}) t(k))"
            f" TO '{path}' (FORMAT parquet)"
        )
    return path


def peer_sql(csv_path: Path) -> str:
    """The statements kaoping runs on the file: its reader's one typed scan, then `kaoping sql`'s two queries."""
    import kaoping
    from kaoping.orders import load, source, sql
    from kaoping.orders.run import window_of

    orders = kaoping.load(RULESET).model.orders
    assert orders is not None
    head = source.read_head(orders, csv_path, str(csv_path), None)
    scan = load._read_csv(head.path, head, head.skip, head.delimiter)
    create = f"CREATE TEMP TABLE orders AS SELECT {load._select(orders, head, False)} FROM {scan}"
    window = window_of(PERIOD)
    checks, counts = sql.checks_sql(orders, window, "duckdb"), sql.counts_sql(orders, window, "duckdb")
    return ";\n-- kp-next\n".join([create, checks, counts])


def count_child(path: Path, out: Path) -> Child:
    argv = [*kaoping_argv(), "count", "-r", RULESET, str(path), "--period", PERIOD, "-f", "json", "-o", str(out)]
    return run_child(argv)


def peer_child(csv_path: Path, scratch: Path) -> Child:
    statements = scratch / "peer.sql"
    statements.write_text(peer_sql(csv_path), encoding="utf-8")
    spill = scratch / "spill"
    spill.mkdir(exist_ok=True)
    return run_child([sys.executable, "-c", PEER, str(statements), str(spill)])


def best(runs: list[Child]) -> Child:
    failed = [r for r in runs if r.code]
    if failed:
        raise SystemExit(f"a run failed: {failed[0].stderr[:500]}")
    return min(runs, key=lambda r: r.seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=2, help="best of RUNS for each side (default 2)")
    parser.add_argument("--no-parquet", action="store_true", help="skip the 20M-order Parquet run")
    args = parser.parse_args()
    table = Printed()
    csv_path = orders_csv(args.orders)
    with open(csv_path, "rb") as lines:
        rows = sum(1 for _ in lines) - 1  # the generator writes no line break inside a cell
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        ours, peer = [], []
        for _ in range(args.runs):  # interleaved, so both sides see the same minute
            ours.append(count_child(csv_path, scratch / "counts.json"))
            peer.append(peer_child(csv_path, scratch))
        o, p = best(ours), best(peer)
        label = f"count -f json, {rows:,} orders ({csv_path.stat().st_size / 2**20:.0f} MB CSV)"
        table.row(
            label,
            f"{o.seconds:.2f} s (cpu {o.cpu:.2f} s)",
            f"DuckDB {p.seconds:.2f} s (cpu {p.cpu:.2f})",
            f"{o.seconds / p.seconds:.2f}x",
            "<= 1.5x the peer",
            o.seconds <= 1.5 * p.seconds,
        )
        table.row(f"{label}: seconds", f"{o.seconds:.1f} s", "", "", "<= 10 s", o.seconds <= 10)
        table.row(
            "peak RSS of count",
            f"{o.rss_kb / 1024:.0f} MB",
            f"DuckDB {p.rss_kb / 1024:.0f} MB",
            f"{o.rss_kb / max(p.rss_kb, 1):.2f}x",
            "<= 1 GB",
            o.rss_kb <= 2**20,
        )
        if not args.no_parquet:
            parquet = orders_parquet(csv_path, 10)
            big = count_child(parquet, scratch / "counts-20m.json")
            if big.code:
                raise SystemExit(f"the Parquet count failed: {big.stderr[:500]}")
            table.row(
                f"count -f json, {10 * rows:,} orders (Parquet, {parquet.stat().st_size / 2**20:.0f} MB)",
                f"{big.seconds:.1f} s (cpu {big.cpu:.1f} s)",
                "",
                "",
                "printed",
                None,
            )
            table.row("peak RSS of count, Parquet", f"{big.rss_kb / 1024:.0f} MB", "", "", "printed", None)
    print(f"{table.missed} target(s) missed")


if __name__ == "__main__":
    main()
