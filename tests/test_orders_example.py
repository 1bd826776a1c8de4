"""The shipped work-order export (examples/jintai-orders-2024-02.csv) and its generator.

The counts are checked by a counter written here by hand from the rules of jintai-orders@2024.02 (issue 11
docs/orders-design.md §2.1): the csv module, strptime over the export's formats, and February 2024's working days listed out.
It shares no code with the generator (which has its own bookkeeping) or with kaoping's engine, so a wrong trap
in the generator, or a wrong rule in either, shows up as a mismatch against the seed's published inputs.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ROOT / "examples" / "jintai-orders-2024-02.csv"
GENERATOR = ROOT / "examples" / "generate_orders.py"
SEED_INPUTS = [
    ROOT / "rulesets" / "jintai-hotline" / "cases" / "2024-02-input.csv",
    ROOT / "examples" / "jintai-hotline-2024-02.csv",
]

# February 2024: Mon-Fri less the Spring Festival (10-17), plus the make-up Sundays 4 and 18 (调休).
FEB_WORKDAYS = {date(2024, 2, d) for d in [1, 2, 4, 5, 6, 7, 8, 9, 18, 19, 20, 21, 22, 23, 26, 27, 28, 29]}
FEB_PLAIN_WEEKDAYS = {date(2024, 2, d) for d in range(1, 30) if date(2024, 2, d).weekday() < 5}
START, END = datetime(2024, 2, 1), datetime(2024, 3, 1)
FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M"]
SEED_COLUMNS = {
    "due": "应办结工单数",
    "completed": "办结工单数",
    "on_time": "按期办结工单数",
    "overdue_returns": "逾期退单工单数",
    "alerts": "告警工单数",
}


def dt(text: str) -> datetime | None:
    """A cell in one of the export's three formats; empty is None; anything else fails the test."""
    if not text:
        return None
    for fmt in FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            pass
    raise AssertionError(f"unreadable datetime {text!r}")


def workdays(since: datetime, until: datetime, days: set[date]) -> int:
    """Working days after since's date up to and including until's, for two February dates."""
    assert since.month == until.month == 2 and since.year == until.year == 2024, (since, until)
    return sum(1 for d in days if since.date() < d <= until.date())


def read_export() -> list[dict[str, str]]:
    with EXPORT.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_seed(path: Path) -> dict[str, dict[str, int]]:
    with path.open(encoding="utf-8", newline="") as f:
        return {
            r["部门名称"]: {k: int(r[v]) for k, v in SEED_COLUMNS.items()} | {"reworks": 0} for r in csv.DictReader(f)
        }


def winners(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """One row per 工单编号: the copy with the latest 更新时间; copies tied on it must be identical."""
    by_id: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_id[r["工单编号"]].append(r)
    out = []
    for copies in by_id.values():
        latest = max(dt(c["更新时间"]) for c in copies)  # type: ignore[type-var]
        tied = [c for c in copies if dt(c["更新时间"]) == latest]
        assert all(c == tied[0] for c in tied), tied
        out.append(tied[0])
    return out


def kept(r: dict[str, str]) -> bool:
    """Not 作废, 无效, 非受理范围 or 重复件, and dispatched (not answered by the hotline itself)."""
    return r["工单状态"] != "作废" and r["工单标记"] not in ("无效", "非受理范围", "重复件") and bool(r["派单时间"])


def in_period(v: datetime | None) -> bool:
    return v is not None and START <= v < END


def count(
    rows: list[dict[str, str]],
    *,
    dedupe: bool = True,
    exclude: bool = True,
    due_by: str = "办理时限",
    days: set[date] = FEB_WORKDAYS,
) -> dict[str, dict[str, int]]:
    """The six counts per unit; the keywords switch a rule off, to show that each trap matters."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys([*SEED_COLUMNS, "reworks"], 0))
    for r in winners(rows) if dedupe else rows:
        if exclude and not kept(r):
            continue
        deadline, closed = dt(r["办理时限"]), dt(r["办结时间"])
        if in_period(dt(r[due_by])):
            u = out[r["承办单位"]]
            is_closed = closed is not None and r["工单状态"] in ("已办结", "已归档")
            u["due"] += 1
            u["completed"] += is_closed
            u["on_time"] += is_closed and closed <= deadline  # type: ignore[operator]
            u["alerts"] += (r["是否告警"] or "否") == "是"
            u["reworks"] += int(r["重办次数"] or 0)
        returned = dt(r["退单时间"])
        if r["退单单位"] and in_period(returned):
            first = dt(r["首次派单时间"])
            assert first is not None and returned is not None
            if workdays(first, returned, days) > 1:
                out[r["退单单位"]]["overdue_returns"] += 1
    return dict(out)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return read_export()


@pytest.fixture(scope="module")
def seed() -> dict[str, dict[str, int]]:
    return read_seed(SEED_INPUTS[0])


def by_id(rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        out[r["工单编号"]].append(r)
    return out


# -- the counts ------------------------------------------------------------------------------------------------


def test_counts_equal_the_seed_inputs_for_all_32_units(
    rows: list[dict[str, str]], seed: dict[str, dict[str, int]]
) -> None:
    got = count(rows)
    assert len(seed) == 32
    assert set(got) <= set(seed), set(got) - set(seed)
    for unit, want in seed.items():
        assert got.get(unit, dict.fromkeys(want, 0)) == want, unit
    totals = Counter[str]()
    for u in got.values():
        totals.update(u)
    assert dict(totals) == {
        "due": 1226,
        "completed": 1226,
        "on_time": 1203,
        "overdue_returns": 44,
        "alerts": 3,
        "reworks": 0,
    }


def test_both_seed_copies_agree() -> None:
    assert read_seed(SEED_INPUTS[0]) == read_seed(SEED_INPUTS[1])


@pytest.mark.parametrize(
    ("switch", "column"),
    [
        ({"dedupe": False}, "due"),  # the identical and older copies would count twice
        ({"exclude": False}, "due"),  # voided, invalid, repeated orders would be due
        ({"due_by": "派单时间"}, "due"),  # due is by deadline, not by dispatch
        ({"days": FEB_PLAIN_WEEKDAYS}, "overdue_returns"),  # without 调休 the Spring Festival return is late
    ],
)
def test_each_rule_changes_the_counts_when_dropped(
    rows: list[dict[str, str]], seed: dict[str, dict[str, int]], switch: dict[str, object], column: str
) -> None:
    got = count(rows, **switch)  # type: ignore[arg-type]
    assert sum(u[column] for u in got.values()) != sum(u[column] for u in seed.values())


# -- the file --------------------------------------------------------------------------------------------------


def test_generator_reproduces_the_shipped_bytes(tmp_path: Path) -> None:
    out = tmp_path / "orders.csv"
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(out)], check=True, cwd=tmp_path)
    assert out.read_bytes() == EXPORT.read_bytes()


def test_generator_does_not_import_kaoping() -> None:
    text = GENERATOR.read_text(encoding="utf-8")
    assert "kaoping" not in text.replace("never imports kaoping", "")
    assert "import kaoping" not in text and "from kaoping" not in text


def test_layout_utf8_crlf_sorted(rows: list[dict[str, str]]) -> None:
    raw = EXPORT.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == raw.count(b"\n") == len(rows) + 1
    header = raw.decode("utf-8").split("\r\n", 1)[0].split(",")
    assert header[:3] == ["工单编号", "工单来源", "诉求类型"] and header[-1] == "诉求标题" and len(header) == 17
    keys = [(dt(r["受理时间"]), r["工单编号"]) for r in rows]
    assert keys == sorted(keys)  # type: ignore[type-var]
    assert 1800 <= len(rows) <= 2200


def test_mixed_datetime_formats(rows: list[dict[str, str]]) -> None:
    closed = [r["办结时间"] for r in rows if r["办结时间"]]
    assert any("/" in c for c in closed) and any("-" in c for c in closed)
    assert all("T" in r["退单时间"] for r in rows if r["退单时间"])
    assert all("/" in r["派单时间"] and r["派单时间"].count(":") == 1 for r in rows if r["派单时间"])
    assert any(r["派单时间"].startswith("2024/2/") for r in rows)


# -- the traps -------------------------------------------------------------------------------------------------


def test_carried_over_order_of_the_unit_with_no_february_orders(rows: list[dict[str, str]]) -> None:
    mine = [r for r in rows if r["承办单位"] == "区民政局"]
    assert all(not in_period(dt(r["受理时间"])) and not in_period(dt(r["派单时间"])) for r in mine)
    due = [r for r in mine if in_period(dt(r["办理时限"]))]
    assert [(r["受理时间"][:10], r["派单时间"], r["办理时限"]) for r in due] == [
        ("2024-01-29", "2024/1/29 9:40", "2024-02-05 18:00:00")
    ]
    assert all(
        r["承办单位"] != "区民政局" and r["退单单位"] != "区民政局" for r in rows if in_period(dt(r["派单时间"]))
    )


def test_boundaries(rows: list[dict[str, str]]) -> None:
    at_deadline = [r for r in rows if r["承办单位"] == "区人力资源和社会保障局" and r["办结时间"] == "2024/2/6 18:00"]
    assert [r["办理时限"] for r in at_deadline] == ["2024-02-06 18:00:00"]
    start = [r for r in rows if r["办理时限"] == "2024-02-01 00:00:00"]
    assert len(start) == 1 and kept(start[0])
    end = [r for r in rows if r["办理时限"] == "2024-03-01 00:00:00"]
    assert len(end) == 1 and kept(end[0]) and end[0]["工单状态"] in ("已办结", "已归档")


def test_returns_within_one_working_day_do_not_count(rows: list[dict[str, str]]) -> None:
    spring = [r for r in rows if r["首次派单时间"] == "2024/2/9 16:30" and r["退单时间"] == "2024-02-18T09:10"]
    assert len(spring) == 1 and kept(spring[0])
    assert workdays(datetime(2024, 2, 9, 16, 30), datetime(2024, 2, 18, 9, 10), FEB_WORKDAYS) == 1
    assert workdays(datetime(2024, 2, 9, 16, 30), datetime(2024, 2, 18, 9, 10), FEB_PLAIN_WEEKDAYS) == 5  # 12-16
    makeup = [r for r in rows if r["首次派单时间"].startswith("2024/2/4 ") and r["退单时间"].startswith("2024-02-05T")]
    assert len(makeup) == 1
    quick = [
        r
        for r in rows
        if r["退单时间"]
        and in_period(dt(r["退单时间"]))
        and workdays(dt(r["首次派单时间"]), dt(r["退单时间"]), FEB_WORKDAYS) <= 1  # type: ignore[arg-type]
    ]
    assert len(quick) == 6
    same_day = [r for r in quick if dt(r["首次派单时间"]).date() == dt(r["退单时间"]).date()]  # type: ignore[union-attr]
    assert len(same_day) == 1


def test_a_january_late_return_does_not_count(rows: list[dict[str, str]]) -> None:
    jan = [r for r in rows if r["退单时间"].startswith("2024-01-25")]
    assert len(jan) == 1
    assert (dt(jan[0]["退单时间"]) - dt(jan[0]["首次派单时间"])).days >= 5  # type: ignore[operator]


def test_duplicate_pairs(rows: list[dict[str, str]]) -> None:
    groups = {k: v for k, v in by_id(rows).items() if len(v) > 1}
    assert len(groups) == 3
    identical = [v for v in groups.values() if v[0] == v[1]]
    assert len(identical) == 1 and kept(identical[0][0]) and in_period(dt(identical[0][0]["办理时限"]))
    older_open = [
        v for v in groups.values() if v[0]["工单状态"] == "处理中" and v[1]["工单状态"] in ("已办结", "已归档")
    ]
    assert len(older_open) == 1
    older, newer = older_open[0]
    assert older["办结时间"] == "" and newer["办结时间"] != ""
    assert (dt(newer["更新时间"]) - dt(older["更新时间"])).days == 1  # type: ignore[operator]
    assert winners(older_open[0]) == [newer]
    voided = [v for v in groups.values() if v[1]["工单状态"] == "作废"]
    assert len(voided) == 1
    first, last = voided[0]
    assert kept(first) and in_period(dt(first["办理时限"])) and not kept(last)
    assert dt(last["更新时间"]) > dt(first["更新时间"])  # type: ignore[operator]
    assert winners(voided[0]) == [last]


def test_exclusions_are_present_and_due_in_february(rows: list[dict[str, str]]) -> None:
    single = [r for copies in by_id(rows).values() if len(copies) == 1 for r in copies]
    marks = Counter(r["工单标记"] for r in single if r["工单标记"])
    assert marks == {"无效": 6, "非受理范围": 4, "重复件": 8}
    void = [r for r in single if r["工单状态"] == "作废"]
    assert len(void) == 15 and all(in_period(dt(r["办理时限"])) for r in void)
    assert any(r["是否告警"] == "是" for r in void)
    hotline = [r for r in rows if not r["派单时间"]]
    assert len(hotline) >= 100
    assert all(
        r["承办单位"] == "" and r["首次派单时间"] == "" and r["工单状态"] in ("已办结", "已归档") for r in hotline
    )
    assert all(in_period(dt(r["办理时限"])) for r in hotline)
    for r in single:
        if r["工单标记"]:
            assert in_period(dt(r["办理时限"])) and r["派单时间"]


def test_other_months(rows: list[dict[str, str]]) -> None:
    deadlines = [dt(r["办理时限"]) for r in rows if kept(r)]
    january = [d for d in deadlines if d is not None and d < START]
    march = [r for r in rows if kept(r) and dt(r["办理时限"]) >= END]  # type: ignore[operator]
    assert len(january) >= 200 and len(march) >= 200
    assert any(r["工单状态"] == "处理中" and not r["办结时间"] for r in march)
    assert any(in_period(dt(r["办结时间"])) for r in march)
    assert any(r["是否告警"] == "是" for r in march) and any(r["重办次数"] != "0" for r in march)


def test_scale_mode_is_deterministic_and_sorted(tmp_path: Path) -> None:
    paths = [tmp_path / "a.csv", tmp_path / "b.csv"]
    for p in paths:
        cmd = [sys.executable, str(GENERATOR), "--scale", "3000", "--months", "2024-01..2024-03", "--out", str(p)]
        subprocess.run(cmd, check=True)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    with paths[0].open(encoding="utf-8", newline="") as f:
        big = list(csv.DictReader(f))
    assert len(by_id(big)) == 3000 and len(big) > 3000
    keys = [(dt(r["受理时间"]), r["工单编号"]) for r in big]
    assert keys == sorted(keys)  # type: ignore[type-var]
    assert {dt(r["受理时间"]).month for r in big} == {1, 2, 3}  # type: ignore[union-attr]
    for r in big:
        for col in ("首次派单时间", "派单时间", "办理时限", "办结时间", "退单时间", "更新时间"):
            dt(r[col])
    assert {r["工单状态"] for r in big} >= {"作废", "已办结", "处理中"}
    assert {r["工单标记"] for r in big} >= {"", "无效", "重复件"}
    assert any(not r["派单时间"] for r in big) and any(r["退单单位"] for r in big)
    assert set(r["承办单位"] for r in big) - {""} <= set(read_seed(SEED_INPUTS[0]))


def test_the_rulesets_golden_export_is_the_example_byte_for_byte():
    # examples/ is not installed; the ruleset's own case carries the same export so `kaoping test` runs anywhere
    case = ROOT / "rulesets" / "jintai-orders" / "cases" / "2024-02-orders.csv"
    assert case.read_bytes() == (ROOT / "examples" / "jintai-orders-2024-02.csv").read_bytes()
