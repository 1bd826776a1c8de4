"""The peer kaoping is measured against: the seed ruleset's evaluation hand-written in DuckDB SQL.

    python benchmarks/peer_duckdb.py INPUT.csv OUT.json RULESET_PATH KAOPING_VERSION

It writes the bytes `kaoping evaluate -r jintai-hotline@2024.02 INPUT.csv -f json -o OUT.json` writes
(bench.py --targets checks that, file against file, before timing it): the seed's six formulas, its
aggregates and its total in SQL; ranking on the total seen at 15 significant digits, ties in input
order; display rounding half away from zero at 15 significant digits, in SQL (a fast path on the
cents, an exact DECIMAL fallback within 1e-6 of a half cent); each results line built by SQL, and
Python only for the document around them.  It is written for this one ruleset and checks nothing:
it is what a careful analyst would write by hand, not a general engine.

RULESET_PATH is the text kaoping prints as the ruleset's path (it depends on where kaoping ran);
the file is read for its sha256.  Run as a child process, so its time includes Python's start and
DuckDB's import, like the CLI's.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import duckdb

HEADER = ["部门名称", "应办结工单数", "办结工单数", "按期办结工单数", "逾期退单工单数", "告警工单数", "返工工单数"]
NAMES = ["department", "due", "completed", "on_time", "overdue_returns", "alerts", "reworks"]
INDICATORS = ["completion", "timeliness", "overdue_return", "alert", "workload", "rework"]

SCORES = """
    35 * CASE WHEN due = 0 THEN 1 ELSE completed::DOUBLE / due END AS completion,
    40 * CASE WHEN due = 0 THEN 1 ELSE on_time::DOUBLE / due END AS timeliness,
    5 * (1 - CASE WHEN a.tor = 0 THEN 0 ELSE overdue_returns::DOUBLE / a.tor::DOUBLE END) AS overdue_return,
    10 * (1 - CASE WHEN a.ta = 0 THEN 0 ELSE alerts::DOUBLE / a.ta::DOUBLE END) AS alert,
    5 * CASE WHEN a.mc = 0 THEN 0 ELSE completed::DOUBLE / a.mc END AS workload,
    5 * (1 - CASE WHEN a.tr = 0 THEN 0 ELSE reworks::DOUBLE / a.tr::DOUBLE END) AS rework
"""


def fixed2(x: str) -> str:
    """SQL for the text of `x` rounded to 2 places as a spreadsheet does (seen at 15 digits, half away from 0).

    Far from a half cent, rounding the float's cents is exact; within 1e-6 of one (35 * 1 / 8 = 4.375 is
    one), the value is seen at 15 digits as a DECIMAL and rounded there.
    """
    fast = f"(sign({x}) * floor(abs({x}) * 100 + 0.5) / 100)::DECIMAL(18,2)::VARCHAR"
    exact = f"replace(round(printf('%.15g', {x})::DECIMAL(38,20), 2)::VARCHAR, '-0.00', '0.00')"
    near = f"abs(abs({x}) * 100 - floor(abs({x}) * 100) - 0.5) < 1e-6 OR abs({x}) >= 1e9"
    return f"CASE WHEN {near} THEN {exact} ELSE {fast} END"


def line_sql() -> str:
    """One results line, as kaoping's json.dumps writes it."""
    inputs = ", ".join(
        f'"{n}": ' + ("' || to_json(department) || '" if n == "department" else f"' || {n} || '") for n in NAMES
    )
    scores = ", ".join(f"\"{i}\": ' || {i}::VARCHAR || '" for i in INDICATORS)
    display = ", ".join(f'"{i}": "\' || {fixed2(i)} || \'"' for i in [*INDICATORS, "total"])
    return (
        f"""'    {{"rank": ' || rank || ', "entity": ' || to_json(department) || ', "inputs": {{{inputs}}}, """
        f""""scores": {{{scores}}}, "total": ' || total::VARCHAR || ', "display": {{{display}}}}}'"""
    )


def load(con: duckdb.DuckDBPyConnection, csv_path: str) -> tuple[dict[str, int], int]:
    """The CSV into table t, with each row's place in the file (ties keep it); the aggregates and the count."""
    columns = ", ".join(
        f"'{h}': '{'VARCHAR' if n == 'department' else 'BIGINT'}'" for h, n in zip(HEADER, NAMES, strict=True)
    )
    renamed = ", ".join(f'"{h}" AS {n}' for h, n in zip(HEADER, NAMES, strict=True))
    con.execute(
        f"CREATE TEMP TABLE t AS SELECT row_number() OVER () AS n, {renamed} "
        f"FROM read_csv(?, header = true, columns = {{{columns}}})",
        [csv_path],
    )
    tor, ta, tr, mc, count = con.execute(
        "SELECT sum(overdue_returns), sum(alerts), sum(reworks), max(completed), count(*) FROM t"
    ).fetchone()  # type: ignore[misc]
    return {
        "total_overdue_returns": int(tor),
        "total_alerts": int(ta),
        "total_reworks": int(tr),
        "max_completed": int(mc),
    }, int(count)


def write(con: duckdb.DuckDBPyConnection, out: str, head: str, count: int) -> None:
    """Score and rank into table r (stored in rank order), then write it whole: the head before the first
    line, one line a unit, the end after the last.  No ORDER BY on the lines: DuckDB keeps a table's order."""
    total = " + ".join(INDICATORS)
    con.execute(
        f"""
        CREATE TEMP TABLE r AS
        WITH a AS (SELECT sum(overdue_returns) AS tor, sum(alerts) AS ta, sum(reworks) AS tr, max(completed) AS mc FROM t),
        s AS (SELECT t.*, {SCORES} FROM t, a),
        u AS (SELECT *, {total} AS total FROM s)
        SELECT *, row_number() OVER (ORDER BY printf('%.15g', total)::DOUBLE DESC, n) AS rank FROM u ORDER BY rank
        """
    )
    con.execute(
        f"""
        COPY (
            SELECT CASE WHEN rank = 1 THEN $head || chr(10) ELSE '' END || {line_sql()}
                || CASE WHEN rank < $count THEN ',' ELSE chr(10) || '  ]' || chr(10) || '}}' END
            FROM r
        ) TO '{out.replace("'", "''")}' (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x1f')
        """,
        {"head": head, "count": count},
    )


def sha256(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def document(
    csv_path: str, ruleset_path: str, version: str, aggregates: dict[str, int], count: int
) -> dict[str, object]:
    """Everything but the results, as kaoping's JSON has it for this ruleset and a clean UTF-8 CSV."""
    return {
        "kaoping": version,
        "ruleset": {
            "name": "jintai-hotline",
            "version": "2024.02",
            "sha256": sha256(ruleset_path),
            "path": ruleset_path,
            "what_if": [],
            "chosen": "named",
            "chosen_why": "",
            "not_in_effect": "",
        },
        "input": {"path": csv_path, "sha256": sha256(csv_path), "records": count, "encoding": "utf-8", "notes": []},
        "period": None,
        "warnings": [],
        "title": "金台区区级各部门市民热线办理考评",
        "aggregates": aggregates,
    }


def main(argv: list[str]) -> None:
    csv_path, out, ruleset_path, version = argv
    con = duckdb.connect()
    aggregates, count = load(con, csv_path)
    parts = [
        f"  {json.dumps(k, ensure_ascii=False)}: " + json.dumps(v, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        for k, v in document(csv_path, ruleset_path, version, aggregates, count).items()
    ]
    if count == 0:  # kaoping writes an empty list as []
        Path(out).write_text("{\n" + ",\n".join([*parts, '  "results": []']) + "\n}\n", encoding="utf-8")
        return
    write(con, out, "{\n" + ",\n".join(parts) + ',\n  "results": [', count)


if __name__ == "__main__":
    main(sys.argv[1:])
