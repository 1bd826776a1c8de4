"""Make examples/jintai-orders-2024-02.csv: a raw work-order export whose counts give the seed's February table.

No order-level 12345 data with units and deadlines is published, so the example is synthetic.  It is built
backwards from the seed's per-unit inputs (rulesets/jintai-hotline/cases/2024-02-input.csv): each unit gets one
"slot" (an order) per due order, late or alerted as the targets say, and around them the rows a real export
holds and the counting rules must see through: an order carried over from January, deadlines on the window's
edges, returns before and after 1 working day across the Spring Festival and its make-up days (调休), voided,
invalid, repeated and never-dispatched orders, copies of one order exported twice, other months' orders, and
three datetime formats.  The rules it is built for are jintai-orders@2024.02's (docs/orders-design.md §2.1, §3.2);
before writing, the generator counts its own rows by those rules and asserts the seed's targets.

Deterministic (random.Random(seed) only) and stdlib only: it never imports kaoping, so the example cannot
silently follow a bug in the engine that counts it.

    python examples/generate_orders.py [--seed 20240201] [--out PATH]
    python examples/generate_orders.py --scale 100000 --months 2024-01..2024-06 --out big.csv

With --scale, N orders of the same kinds over the same 32 units are streamed in 受理时间 order (bounded memory),
not matched to any target: the large files for the DuckDB/Spark tests and the benchmark.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ROOT / "rulesets" / "jintai-hotline" / "cases" / "2024-02-input.csv"
DEFAULT_OUT = ROOT / "examples" / "jintai-orders-2024-02.csv"
SEED = 20240201

HEADER = [
    "工单编号", "工单来源", "诉求类型", "承办单位", "工单状态", "工单标记", "受理时间", "首次派单时间", "派单时间",
    "办理时限", "办结时间", "退单单位", "退单时间", "是否告警", "重办次数", "更新时间", "诉求标题",
]  # fmt: skip
TARGET_COLUMNS = {
    "due": "应办结工单数",
    "completed": "办结工单数",
    "on_time": "按期办结工单数",
    "overdue_returns": "逾期退单工单数",
    "alerts": "告警工单数",
}
CHANNELS = ["12345热线", "12345热线", "12345热线", "政民互动", "省派", "网络"]
KINDS = ["咨询", "求助", "投诉", "建议", "举报"]
TOPICS = [
    "噪音扰民",
    "道路破损",
    "供暖不热",
    "占道经营",
    "社保转移",
    "物业纠纷",
    "垃圾清运",
    "路灯不亮",
    "欠薪",
    "违建",
]

# The ruleset's calendar (docs/orders-design.md §2.1): Mon-Fri, less holidays, plus make-up working days (调休).
_HOLIDAYS = [
    "2023-01-02", "2023-01-21..2023-01-27", "2023-04-05", "2023-04-29..2023-05-03", "2023-06-22..2023-06-24",
    "2023-09-29..2023-10-06", "2024-01-01", "2024-02-10..2024-02-17", "2024-04-04..2024-04-06",
    "2024-05-01..2024-05-05", "2024-06-10", "2024-09-15..2024-09-17", "2024-10-01..2024-10-07",
]  # fmt: skip
_WORKDAYS = [
    "2023-01-28", "2023-01-29", "2023-04-23", "2023-05-06", "2023-06-25", "2023-10-07", "2023-10-08",
    "2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14", "2024-09-29", "2024-10-12",
]  # fmt: skip
PERIOD = (datetime(2024, 2, 1), datetime(2024, 3, 1))


def _days(spec: str) -> Iterator[date]:
    """The days of `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD`."""
    first, _, last = spec.partition("..")
    day, end = date.fromisoformat(first), date.fromisoformat(last or first)
    while day <= end:
        yield day
        day += timedelta(days=1)


HOLIDAYS = frozenset(d for s in _HOLIDAYS for d in _days(s))
MAKEUP = frozenset(d for s in _WORKDAYS for d in _days(s))


def is_workday(day: date) -> bool:
    """A working day of the calendar (outside 2023-2024, where it lists nothing, plain Mon-Fri)."""
    return day in MAKEUP or (day.weekday() < 5 and day not in HOLIDAYS)


def workday_after(day: date, n: int) -> date:
    """The n-th working day after `day` (n >= 1), or before it for negative n."""
    step = 1 if n > 0 else -1
    left = abs(n)
    while left:
        day += timedelta(days=step)
        left -= is_workday(day)
    return day


def workdays(since: datetime, until: datetime) -> int:
    """Working days after since's date up to and including until's: the rules' `workdays(a, b)`."""
    day, end, n = since.date(), until.date(), 0
    while day < end:
        day += timedelta(days=1)
        n += is_workday(day)
    return n


FEB = [d for d in _days("2024-02-01..2024-02-29") if is_workday(d)]
assert [d.day for d in FEB] == [1, 2, 4, 5, 6, 7, 8, 9, 18, 19, 20, 21, 22, 23, 26, 27, 28, 29]


@dataclass
class Copy:
    """One exported row, typed; written out by _cells."""

    unit: str | None
    received: datetime
    dispatched: datetime | None
    deadline: datetime | None
    closed: datetime | None
    updated: datetime
    status: str
    channel: str = "12345热线"
    kind: str = "投诉"
    mark: str = ""
    returned_by: str = ""
    returned: datetime | None = None
    first_dispatched: datetime | None = None
    alerted: str = "否"
    reopened: int = 0
    title: str = ""
    slash_closed: bool = False

    def __post_init__(self) -> None:
        if self.first_dispatched is None:
            self.first_dispatched = self.dispatched


@dataclass
class Order:
    """An order and its exported copies (more than one when the platform exported it twice)."""

    copies: list[Copy]
    tag: str = ""
    id: str = field(default="")


def _at(day: date, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second))


class Builder:
    """The example's orders, built from the targets; the rng is the only source of variety."""

    def __init__(self, rng: Random, targets: dict[str, dict[str, int]]) -> None:
        self.rng = rng
        self.targets = targets
        self.units = sorted(targets)  # code-point order, the seed table's
        self.orders: list[Order] = []

    def _decorate(self, c: Copy) -> Copy:
        """Channel, kind, title: read by no rule, there because exports have them."""
        c.channel = self.rng.choice(CHANNELS)
        c.kind = self.rng.choice(KINDS)
        c.title = f"{c.kind}：{self.rng.choice(TOPICS)}"
        return c

    def _dispatch_time(self, day: date) -> datetime:
        return _at(day, 8, 30) + timedelta(minutes=self.rng.randrange(0, 510))

    def _received(self, dispatched: datetime) -> datetime:
        return dispatched - timedelta(minutes=self.rng.randrange(5, 61), seconds=self.rng.randrange(60))

    def _updated(self, after: datetime) -> datetime:
        return after + timedelta(minutes=self.rng.randrange(10, 600), seconds=self.rng.randrange(60))

    def _close(self, dispatched: datetime, deadline: datetime, late: bool) -> datetime:
        """A closing minute: after the deadline (and before March) when late, else within dispatch+1h..deadline."""
        if late:
            room = min(48 * 60, int((PERIOD[1] - deadline).total_seconds() // 60) - 1)
            return deadline + timedelta(minutes=self.rng.randrange(60, room + 1))
        room = int((deadline - dispatched).total_seconds() // 60)
        return dispatched + timedelta(minutes=self.rng.randrange(60, room + 1))

    def order(
        self,
        unit: str | None,
        dispatched: datetime | None,
        deadline: datetime | None,
        *,
        received: datetime | None = None,
        closed: datetime | None = None,
        status: str = "",
        **kw: object,
    ) -> Copy:
        """A closed order (unless told otherwise), with received and updated times around its dispatch."""
        received = received or self._received(dispatched or deadline or PERIOD[0])
        if not status and closed is not None:
            status = "已归档" if closed < datetime(2024, 2, 20) else "已办结"
        updated = self._updated(closed or dispatched or received)
        c = Copy(unit, received, dispatched, deadline, closed, updated, status or "处理中")
        self._decorate(c)
        for key, value in kw.items():
            setattr(c, key, value)
        return c

    def add(self, copy: Copy, tag: str = "", *more: Copy) -> Order:
        o = Order([copy, *more], tag)
        self.orders.append(o)
        return o

    # -- the due slots -------------------------------------------------------------------------------

    def slots(self) -> dict[str, list[Order]]:
        """One order per due order of each unit: the first `due - on_time` close late, the first `alerts` alert."""
        by_unit: dict[str, list[Order]] = {}
        for unit in self.units:
            t = self.targets[unit]
            offset = self.rng.randrange(len(FEB))
            late = t["due"] - t["on_time"]
            orders = []
            for j in range(t["due"]):
                deadline = _at(FEB[(offset + j) % len(FEB)], 18, 0)
                dispatched = self._dispatch_time(workday_after(deadline.date(), -5))
                c = self.order(unit, dispatched, deadline, closed=self._close(dispatched, deadline, j < late))
                c.alerted = "是" if j < t["alerts"] else "否"
                orders.append(self.add(c, "late" if j < late else ("alert" if j < t["alerts"] else "")))
            by_unit[unit] = orders
        return by_unit

    def carried_over(self, slots: dict[str, list[Order]]) -> None:
        """区民政局's one due order: received and dispatched in January, deadline in February."""
        (o,) = slots["区民政局"]
        c = o.copies[0]
        c.received, c.dispatched = datetime(2024, 1, 29, 9, 12, 34), datetime(2024, 1, 29, 9, 40)
        c.first_dispatched, c.deadline = c.dispatched, datetime(2024, 2, 5, 18, 0)
        c.closed, c.status = datetime(2024, 2, 2, 15, 20), "已归档"
        c.updated = datetime(2024, 2, 2, 16, 3, 11)
        o.tag = "carried_over"

    def boundaries(self, slots: dict[str, list[Order]]) -> None:
        """Closed exactly at the deadline (on time); a deadline at the window's start (due) and end (not)."""
        c = slots["区人力资源和社会保障局"][-1].copies[0]
        c.deadline = datetime(2024, 2, 6, 18, 0)
        c.dispatched = c.first_dispatched = datetime(2024, 1, 30, 10, 15)
        c.received = self._received(c.dispatched)
        c.closed, c.status, c.slash_closed = c.deadline, "已归档", True
        c.updated = self._updated(c.closed)
        slots["区人力资源和社会保障局"][-1].tag = "closed_at_deadline"
        c = slots["区市场监督管理局"][-1].copies[0]
        c.deadline = datetime(2024, 2, 1, 0, 0)
        c.dispatched = c.first_dispatched = datetime(2024, 1, 25, 10, 0)
        c.received = self._received(c.dispatched)
        c.closed, c.status = datetime(2024, 1, 31, 16, 0), "已归档"
        c.updated = self._updated(c.closed)
        slots["区市场监督管理局"][-1].tag = "deadline_at_start"
        dispatched = datetime(2024, 2, 23, 10, 0)
        self.add(
            self.order("区教育体育局", dispatched, datetime(2024, 3, 1, 0, 0), closed=datetime(2024, 2, 27, 11, 0)),
            "deadline_at_end",
        )

    # -- returns -------------------------------------------------------------------------------------

    def _free(self, slots: dict[str, list[Order]]) -> dict[str, list[Order]]:
        """Slots a return may take: on time, not alerted, not already special; 区民政局 has none in February."""
        return {u: [o for o in os if not o.tag] for u, os in slots.items() if u != "区民政局"}

    def _take(self, free: dict[str, list[Order]], pointer: list[int], not_unit: str) -> Order:
        """The next free slot, round-robin over the units in code-point order, never of `not_unit`."""
        names = [u for u in self.units if u in free]
        while True:
            unit = names[pointer[0] % len(names)]
            pointer[0] += 1
            if unit != not_unit and free[unit]:
                return free[unit].pop()

    def _return(self, o: Order, by: str, t0: datetime, back: datetime, tag: str) -> None:
        """The slot was first dispatched to `by` at t0, sent back at `back`, then re-dispatched 20 min later."""
        c = o.copies[0]
        c.first_dispatched, c.returned_by, c.returned = t0, by, back
        c.dispatched = back + timedelta(minutes=20)
        c.deadline = _at(workday_after(back.date(), 5), 18, 0)
        c.received = self._received(t0)
        c.closed = self._close(c.dispatched, c.deadline, False)
        c.status = "已归档" if c.closed < datetime(2024, 2, 20) else "已办结"
        c.updated = self._updated(c.closed)
        o.tag = tag

    def returns(self, slots: dict[str, list[Order]]) -> dict[str, list[Order]]:
        """Each unit's overdue returns (2-3 working days after first dispatch), then 6 quick ones that don't count."""
        free = self._free(slots)
        pointer = [0]
        n = 0
        for unit in self.units:
            for _ in range(self.targets[unit]["overdue_returns"]):
                first, k = n % 10, 2 + n % 2  # first + k + 5 <= 17: the re-dispatched deadline stays in February
                t0 = _at(FEB[first], 8, 30) + timedelta(minutes=self.rng.randrange(0, 450))
                back = _at(FEB[first + k], 9, 0) + timedelta(minutes=self.rng.randrange(0, 180))
                self._return(self._take(free, pointer, unit), unit, t0, back, "overdue_return")
                n += 1
        quick = [
            ("spring_festival_return", datetime(2024, 2, 9, 16, 30), datetime(2024, 2, 18, 9, 10)),
            ("same_day_return", datetime(2024, 2, 20, 9, 0), datetime(2024, 2, 20, 14, 0)),
            ("makeup_day_return", datetime(2024, 2, 4, 10, 0), datetime(2024, 2, 5, 10, 30)),
            ("quick_return", datetime(2024, 2, 6, 10, 0), datetime(2024, 2, 7, 11, 0)),
            ("quick_return", datetime(2024, 2, 21, 10, 0), datetime(2024, 2, 22, 11, 0)),
            ("quick_return", datetime(2024, 2, 19, 10, 0), datetime(2024, 2, 20, 11, 0)),
        ]
        for i, (tag, t0, back) in enumerate(quick):
            by = self.units[(3 * i + 1) % len(self.units)]
            self._return(self._take(free, pointer, by), by, t0, back, tag)
        return free

    # -- duplicates, exclusions, other months --------------------------------------------------------------

    def duplicates(self, free: dict[str, list[Order]]) -> None:
        """(a) one slot exported twice alike; (b) an older open copy before the closed one, which wins."""
        o = free["区卫生健康局"].pop()
        o.copies.append(replace(o.copies[0]))
        o.tag = "duplicate_identical"
        o = free["金台区城市管理执法局"].pop()
        c = o.copies[0]
        assert c.deadline is not None
        closed = c.deadline - timedelta(hours=3)
        c.closed, c.status = closed, "已归档" if closed < datetime(2024, 2, 20) else "已办结"
        c.updated = closed + timedelta(minutes=30, seconds=17)
        older = replace(c, closed=None, status="处理中", updated=c.updated - timedelta(days=1))
        o.copies.insert(0, older)
        o.tag = "duplicate_older_open"

    def _feb_order(self, unit: str | None, *, late: bool = False, **kw: str) -> Copy:
        """An order with a February deadline, dispatched 5 working days before (counted if it were kept)."""
        deadline = _at(self.rng.choice(FEB[4:]), 18, 0)
        dispatched = self._dispatch_time(workday_after(deadline.date(), -5))
        c = self.order(unit, dispatched, deadline, closed=self._close(dispatched, deadline, late))
        for key, value in kw.items():
            setattr(c, key, value)
        return c

    def _some_unit(self) -> str:
        return self.rng.choice([u for u in self.units if u != "区民政局"])

    def exclusions(self) -> None:
        """Voided, invalid, out of remit, repeated and hotline-answered orders, all due in February if kept."""
        for i in range(15):
            c = self._feb_order(self._some_unit(), late=i % 3 == 0, alerted="是" if i % 5 == 0 else "否")
            c.closed, c.status = None, "作废"
            self.add(c, "void")
        for mark, n in (("无效", 6), ("非受理范围", 4), ("重复件", 8)):
            for i in range(n):
                self.add(self._feb_order(self._some_unit(), mark=mark, late=i % 2 == 0), "mark:" + mark)
        for _ in range(150):
            received = self._dispatch_time(self.rng.choice(FEB[:-1]))
            closed = received + timedelta(minutes=self.rng.randrange(2, 30))
            c = self.order(None, None, _at(workday_after(received.date(), 1), 18, 0), received=received, closed=closed)
            self.add(c, "hotline_answered")
        # (c) of the duplicates: a closed order whose newer copy is voided
        first = self._feb_order(self._some_unit())
        voided = replace(first, closed=None, status="作废", updated=first.updated + timedelta(days=1, minutes=7))
        self.add(first, "duplicate_newer_void", voided)

    def other_months(self) -> None:
        """January orders, orders due in March (half open, half closed), one late return in January."""
        january = [d for d in _days("2024-01-02..2024-01-24") if is_workday(d)]
        for i in range(250):
            dispatched = self._dispatch_time(self.rng.choice(january))
            deadline = _at(workday_after(dispatched.date(), 5), 18, 0)
            c = self.order(self.rng.choice(self.units), dispatched, deadline)
            c.closed = self._close(dispatched, deadline, i % 17 == 0)
            c.status, c.updated = "已归档", self._updated(c.closed)
            c.alerted, c.reopened = ("是" if i % 25 == 0 else "否"), (1 if i % 30 == 0 else 0)
            self.add(c, "january")
        t0, back = datetime(2024, 1, 19, 10, 0), datetime(2024, 1, 25, 10, 0)
        c = self.order("区林业局", back + timedelta(minutes=20), datetime(2024, 1, 31, 18, 0))
        c.first_dispatched, c.returned_by, c.returned = t0, "区商务局", back
        c.received = self._received(t0)
        c.closed, c.status = datetime(2024, 1, 30, 15, 0), "已归档"
        c.updated = self._updated(c.closed)
        self.add(c, "january_late_return")
        for i in range(280):
            dispatched = self._dispatch_time(self.rng.choice(FEB[13:]))
            deadline = _at(workday_after(dispatched.date(), 5), 18, 0)
            closed = None if i % 2 else dispatched + timedelta(minutes=self.rng.randrange(60, 60 * 24))
            c = self.order(self._some_unit(), dispatched, deadline, closed=closed, status="" if closed else "处理中")
            c.alerted, c.reopened = ("是" if i % 20 == 0 else "否"), (2 if i % 40 == 0 else 0)
            self.add(c, "march_open" if closed is None else "march_closed")


def build(seed: int, targets: dict[str, dict[str, int]]) -> list[Order]:
    """Every order of the example, ids given, in export order (受理时间, then 工单编号)."""
    b = Builder(Random(seed), targets)
    slots = b.slots()
    b.carried_over(slots)
    b.boundaries(slots)
    free = b.returns(slots)
    b.duplicates(free)
    b.exclusions()
    b.other_months()
    orders = sorted(b.orders, key=lambda o: o.copies[0].received)
    seq: dict[date, int] = {}
    for i, o in enumerate(orders):
        day = o.copies[0].received.date()
        seq[day] = seq.get(day, 0) + 1
        o.id = f"JT{day:%Y%m%d}{seq[day]:04d}"
        for c in o.copies:
            c.slash_closed = c.slash_closed or i % 7 == 6
    return orders


# -- bookkeeping: the rules of docs/orders-design.md §2.1, on the typed rows --------------------------------------------------


def _winner(o: Order) -> Copy:
    latest = max(c.updated for c in o.copies)
    tied = [c for c in o.copies if c.updated == latest]
    assert all(c == tied[0] for c in tied), o.id
    return tied[0]


def _kept(c: Copy) -> bool:
    return c.status != "作废" and c.mark not in ("无效", "非受理范围", "重复件") and c.dispatched is not None


def _in_period(v: datetime | None) -> bool:
    return v is not None and PERIOD[0] <= v < PERIOD[1]


def count(orders: list[Order], units: list[str]) -> dict[str, dict[str, int]]:
    """Per-unit due, completed, on_time, overdue_returns, alerts and reworks, as the ruleset counts them."""
    out = {u: dict.fromkeys([*TARGET_COLUMNS, "reworks"], 0) for u in units}
    for o in orders:
        c = _winner(o)
        if not _kept(c):
            continue
        assert c.deadline is None or c.dispatched is None or c.deadline >= c.dispatched, o.id
        assert c.returned is None or c.returned >= c.first_dispatched, o.id  # type: ignore[operator]
        if _in_period(c.deadline):
            row = out[c.unit]  # type: ignore[index]
            closed = c.closed is not None and c.status in ("已办结", "已归档")
            row["due"] += 1
            row["completed"] += closed
            row["on_time"] += closed and c.closed <= c.deadline  # type: ignore[operator]
            row["alerts"] += c.alerted == "是"
            row["reworks"] += c.reopened
        if c.returned_by and _in_period(c.returned) and workdays(c.first_dispatched, c.returned) > 1:  # type: ignore[arg-type]
            out[c.returned_by]["overdue_returns"] += 1
    return out


# -- writing ---------------------------------------------------------------------------------------------------


def _dt(v: datetime | None) -> str:
    return "" if v is None else f"{v:%Y-%m-%d %H:%M:%S}"


def _slash(v: datetime | None) -> str:
    if v is None:
        return ""
    assert v.second == 0, v
    return f"{v.year}/{v.month}/{v.day} {v.hour}:{v.minute:02d}"


def _t(v: datetime | None) -> str:
    if v is None:
        return ""
    assert v.second == 0, v
    return f"{v:%Y-%m-%dT%H:%M}"


def cells(order_id: str, c: Copy) -> list[str]:
    """One CSV row: 受理/时限/更新 as `2024-02-03 14:25:00`, 派单 as `2024/2/3 14:25`, 退单 as `2024-02-03T14:25`."""
    return [
        order_id, c.channel, c.kind, c.unit or "", c.status, c.mark, _dt(c.received), _slash(c.first_dispatched),
        _slash(c.dispatched), _dt(c.deadline), (_slash if c.slash_closed else _dt)(c.closed), c.returned_by,
        _t(c.returned), c.alerted, str(c.reopened), _dt(c.updated), c.title,
    ]  # fmt: skip


def render(rows: Iterator[list[str]]) -> Iterator[str]:
    """CSV text, `\\r\\n` line ends, header first, in chunks (streamed for --scale)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADER)
    for i, row in enumerate(rows):
        w.writerow(row)
        if i % 10000 == 9999:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def read_targets(path: Path = TARGETS) -> dict[str, dict[str, int]]:
    """The seed's per-unit inputs; reworks are not published and default to 0."""
    with path.open(encoding="utf-8", newline="") as f:
        return {r["部门名称"]: {k: int(r[v]) for k, v in TARGET_COLUMNS.items()} for r in csv.DictReader(f)}


def example(seed: int = SEED) -> str:
    """The example's text, after asserting that its counts are the seed's inputs."""
    targets = read_targets()
    orders = build(seed, targets)
    got = count(orders, sorted(targets))
    want = {u: {**t, "reworks": 0} for u, t in targets.items()}
    assert got == want, [(u, got[u], want[u]) for u in want if got[u] != want[u]]
    rows = (cells(o.id, c) for o in orders for c in o.copies)
    return "".join(render(rows))


# -- --scale ---------------------------------------------------------------------------------------------------


def _months(spec: str) -> list[date]:
    """`2024-01..2024-06` as the first days of those months."""
    first, _, last = spec.partition("..")
    start, end = date.fromisoformat(first + "-01"), date.fromisoformat((last or first) + "-01")
    out = []
    while start <= end:
        out.append(start)
        start = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    if not out:
        raise SystemExit(f"--months {spec}: the first month is after the last")
    return out


def _per_day(n: int, months: list[date]) -> list[tuple[date, int]]:
    """N orders spread over the months' days, a working day weighing 1 and another day 0.3 (largest remainder)."""
    end = date(months[-1].year + months[-1].month // 12, months[-1].month % 12 + 1, 1)
    days = list(_days(f"{months[0]}..{end - timedelta(days=1)}"))
    weights = [1.0 if is_workday(d) else 0.3 for d in days]
    total = sum(weights)
    exact = [n * w / total for w in weights]
    counts = [int(x) for x in exact]
    for i in sorted(range(len(days)), key=lambda i: counts[i] - exact[i])[: n - sum(counts)]:
        counts[i] += 1
    return list(zip(days, counts, strict=True))


def _scale_copies(rng: Random, units: list[str], received: datetime) -> list[Copy]:
    """One random order received at `received`: mostly dispatched and closed, with the example's kinds of traps."""
    r = rng.random()
    unit = rng.choice(units)
    c = Copy(unit, received, None, None, None, received, "处理中", rng.choice(CHANNELS), rng.choice(KINDS))
    c.title = f"{c.kind}：{rng.choice(TOPICS)}"
    if r < 0.08:  # answered by the hotline, never dispatched
        c.unit, c.status = None, "已办结"
        c.closed = (received + timedelta(minutes=rng.randrange(2, 30))).replace(second=0)
        c.deadline = _at(workday_after(received.date(), 1), 18, 0)
        c.updated = c.closed + timedelta(seconds=rng.randrange(60, 3600))
        return [c]
    c.dispatched = c.first_dispatched = (received + timedelta(minutes=rng.randrange(5, 61))).replace(second=0)
    c.deadline = _at(workday_after(c.dispatched.date(), 5), 18, 0)
    if r < 0.12:  # returned, 0-3 working days after the first dispatch
        back = _at(workday_after(c.dispatched.date(), rng.randrange(1, 4)), 9, rng.randrange(60))
        c.returned_by, c.returned = rng.choice(units), back
        c.dispatched = back + timedelta(minutes=20)
        c.deadline = _at(workday_after(back.date(), 5), 18, 0)
    if rng.random() < 0.9:
        late = rng.random() < 0.03
        span = (48 * 60) if late else int((c.deadline - c.dispatched).total_seconds() // 60)
        c.closed = (c.deadline if late else c.dispatched) + timedelta(minutes=rng.randrange(60, max(61, span)))
        c.status = "已办结"
    c.updated = (c.closed or c.dispatched) + timedelta(minutes=rng.randrange(10, 600), seconds=rng.randrange(60))
    c.alerted = "是" if rng.random() < 0.005 else "否"
    c.reopened = 1 if rng.random() < 0.01 else 0
    mark = rng.random()
    if mark < 0.01:
        c.closed, c.status = None, "作废"
    elif mark < 0.02:
        c.mark = rng.choice(["无效", "非受理范围", "重复件"])
    copies = [c]
    if rng.random() < 0.01:  # exported twice: an older open copy, or an identical one
        older = replace(c, closed=None, status="处理中", updated=c.updated - timedelta(days=1))
        copies = [older, c] if rng.random() < 0.5 else [c, replace(c)]
    return copies


def scaled(n: int, months: str, seed: int, units: list[str]) -> Iterator[list[str]]:
    """The rows of an N-order export over `months`, streamed day by day in 受理时间 order."""
    rng = Random(seed)
    k = 0
    for day, count_ in _per_day(n, _months(months)):
        times = sorted(rng.randrange(7 * 3600, 22 * 3600) for _ in range(count_))
        width = max(4, len(str(count_)))
        for i, s in enumerate(times, 1):
            received = datetime.combine(day, time()) + timedelta(seconds=s)
            for c in _scale_copies(rng, units, received):
                c.slash_closed = k % 7 == 6
                yield cells(f"JT{day:%Y%m%d}{i:0{width}d}", c)
            k += 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--out", type=Path, default=None, help=f"default: {DEFAULT_OUT.relative_to(ROOT)}")
    p.add_argument("--scale", type=int, default=None, help="N orders, not matched to the seed")
    p.add_argument("--months", default="2024-01..2024-06", help="with --scale: FIRST..LAST, e.g. 2024-01..2024-06")
    a = p.parse_args(argv)
    if a.scale is None:
        out = a.out or DEFAULT_OUT
        out.write_bytes(example(a.seed).encode("utf-8"))
        return 0
    if a.out is None:
        p.error("--scale needs --out")
    if a.scale < 1:
        p.error("--scale must be at least 1")
    tmp = a.out.with_name(a.out.name + ".part")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        for chunk in render(scaled(a.scale, a.months, a.seed, sorted(read_targets()))):
            f.write(chunk)
    tmp.replace(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
