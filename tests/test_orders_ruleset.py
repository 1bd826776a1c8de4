"""orders: and calendar: in a ruleset (issue 11): jintai-orders' model, the condition grammar as IR, refusals.

The grammar table of the design is tested row by row: each condition's IR is written here by hand, so a parser
that reads a construct differently (a shift's sign, a `not in`, a literal's exactness) fails.  The meaning checks
are golden cases under tests/cases/invalid/orders-*.yaml (walked by test_invalid_cases and test_codes).
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date
from decimal import Decimal

import kaoping
import pytest
from kaoping.orders.conditions import ConditionError, Scope, blank_strings, compile_condition, uses_workdays
from kaoping.orders.ir import (
    All,
    Always,
    Any_,
    Bound,
    Col,
    Compare,
    Filled,
    InPeriod,
    Member,
    Named,
    Not,
    Num,
    Shift,
    Text,
    Workdays,
)
from kaoping.orders.model import NamedCondition, OrderColumn

from .conftest import ROOT

RULESET = ROOT / "rulesets" / "jintai-orders" / "2024.02.yaml"

COLUMNS = {
    c.id: c
    for c in (
        OrderColumn("order_id", "id", "工单编号"),
        OrderColumn("status", "text", "工单状态", values=("已办结", "已归档", "作废")),
        OrderColumn("returned_by", "text", "退单单位"),
        OrderColumn("unit", "text", "承办单位"),
        OrderColumn("dispatched_at", "datetime", "派单时间"),
        OrderColumn("returned_at", "datetime", "退单时间"),
        OrderColumn("deadline", "datetime", "办理时限", aliases=("截止时间",)),
        OrderColumn("closed_at", "datetime", "办结时间"),
        OrderColumn("reopened", "integer", "重办次数"),
        OrderColumn("score", "number", "回访评分", places=1),
    )
}
IS_DUE = NamedCondition("is_due", "应办结", InPeriod(Col("deadline", "datetime")))
SCOPE = Scope(COLUMNS, {"is_due": IS_DUE}, frozenset({"in_time"}))

CLOSED, DEADLINE = Col("closed_at", "datetime"), Col("deadline", "datetime")
RETURNED, DISPATCHED = Col("returned_at", "datetime"), Col("dispatched_at", "datetime")
STATUS, REOPENED, SCORE = Col("status", "text"), Col("reopened", "integer"), Col("score", "number")

GRAMMAR = [
    ("closed_at <= deadline", Compare("<=", CLOSED, DEADLINE)),
    ("closed_at < deadline", Compare("<", CLOSED, DEADLINE)),
    ("closed_at > period_start", Compare(">", CLOSED, Bound("start"))),
    ("closed_at >= period_end", Compare(">=", CLOSED, Bound("end"))),
    ("closed_at == deadline", Compare("==", CLOSED, DEADLINE)),
    ("closed_at != deadline", Compare("!=", CLOSED, DEADLINE)),
    # a - b > d is a > b + d
    ("returned_at - dispatched_at > hours(2)", Compare(">", RETURNED, Shift(DISPATCHED, 7200))),
    ("closed_at <= deadline + days(1)", Compare("<=", CLOSED, Shift(DEADLINE, 86400))),
    ("closed_at <= deadline - minutes(30)", Compare("<=", CLOSED, Shift(DEADLINE, -1800))),
    ("closed_at < period_end - hours(1.5)", Compare("<", CLOSED, Shift(Bound("end"), -5400))),
    ("deadline in period", InPeriod(DEADLINE)),
    ("deadline + days(1) in period", InPeriod(Shift(DEADLINE, 86400))),
    ("deadline not in period", Not(InPeriod(DEADLINE))),
    ("workdays(dispatched_at, returned_at) > 1", Compare(">", Workdays(DISPATCHED, RETURNED), Num(1))),
    ("reopened > 0", Compare(">", REOPENED, Num(0))),
    ("score >= 4.5", Compare(">=", SCORE, Num(Decimal("4.5")))),
    ("score >= -0.1", Compare(">=", SCORE, Num(Decimal("-0.1")))),
    ("reopened == score", Compare("==", REOPENED, SCORE)),
    ("status == '已办结'", Compare("==", STATUS, Text("已办结"))),
    ("status != '作废'", Compare("!=", STATUS, Text("作废"))),
    ("unit == returned_by", Compare("==", Col("unit", "text"), Col("returned_by", "text"))),
    ("order_id == 'A1'", Compare("==", Col("order_id", "id"), Text("A1"))),
    ("status in ['已办结', '已归档']", Member(STATUS, ("已办结", "已归档"))),
    ("status not in ['作废']", Not(Member(STATUS, ("作废",)))),
    ("reopened in [1, 2]", Member(REOPENED, (1, 2))),
    ("filled(closed_at)", Filled(CLOSED)),
    ("empty(closed_at)", Not(Filled(CLOSED))),
    (
        "is_due and (filled(closed_at) or not reopened > 0)",
        All((Named("is_due", "应办结", IS_DUE.when), Any_((Filled(CLOSED), Not(Compare(">", REOPENED, Num(0))))))),
    ),
    ("is_due", Named("is_due", "应办结", InPeriod(DEADLINE))),
    ("returned_by == '区，局'", Compare("==", Col("returned_by", "text"), Text("区，局"))),  # a ， inside text is text
    ("returned_by == 'a=b'", Compare("==", Col("returned_by", "text"), Text("a=b"))),
    (
        "(\n  closed_at <= deadline\n  and is_due\n)",
        All((Compare("<=", CLOSED, DEADLINE), Named("is_due", "应办结", IS_DUE.when))),
    ),
]


@pytest.mark.parametrize(("text", "ir"), GRAMMAR, ids=[t for t, _ in GRAMMAR])
def test_each_construct_of_the_grammar_gives_its_ir(text, ir):
    assert compile_condition(text, SCOPE) == ir


REFUSED = [
    ("period_start <= deadline < period_end", "orders.not-allowed", "chained comparisons"),
    ("reopened + 1 > 2", "orders.not-allowed", "arithmetic"),
    ("closed_at - deadline > 3600", "orders.not-allowed", "arithmetic"),
    ("status.upper == '已办结'", "orders.not-allowed", "attribute"),
    ("len(status) > 1", "orders.not-allowed", "unknown function 'len'"),
    ("filled(column=closed_at)", "orders.syntax", "'=' is not allowed"),  # the lone = is met first
    ("closed_at == None", "orders.not-allowed", "None"),
    ("True", "orders.not-allowed", "True"),
    ("status > '已办结'", "orders.not-allowed", "on text"),
    ("closed_at <= deadline + hours(-1)", "orders.not-allowed", "0 or more"),
    ("closed_at <= deadline + hours(reopened)", "orders.not-allowed", "a number written"),
    ("closed_at <= deadline + minutes(0.001)", "orders.not-allowed", "whole number of seconds"),
    ("closed_at <= '2024-02-01'", "orders.type-mismatch", "closed_at is a datetime and '2024-02-01' is text"),
    ("reopened > '1'", "orders.type-mismatch", "reopened is a number and '1' is text"),
    ("status in [1]", "orders.type-mismatch", "status is text"),
    ("status == '已办洁'", "orders.unknown-value", "'已办洁' is not one of 工单状态's values"),
    ("deadlin in period", "orders.unknown-name", "unknown name 'deadlin'"),
    ("办结时间 <= deadline", "orders.unknown-name", "unknown name '办结时间'"),
    ("in_time and is_due", "orders.later-condition", "'in_time' is declared at or below"),
    ("closed_at ＝ deadline", "orders.syntax", "full-width equals"),
    ("closed_at = deadline", "orders.syntax", "'=' is not allowed"),
    ("closed_at <=", "orders.syntax", "not a valid expression"),
    ("closed_at", "orders.not-allowed", "a column, not a condition"),
]


@pytest.mark.parametrize(("text", "code", "said"), REFUSED, ids=[t for t, _, _ in REFUSED])
def test_everything_outside_the_grammar_is_refused_with_its_code_and_message(text, code, said):
    with pytest.raises(ConditionError) as refused:
        compile_condition(text, SCOPE)
    assert refused.value.code == code
    assert said in refused.value.message


def test_a_refusal_points_at_the_construct_and_gives_the_hints():
    with pytest.raises(ConditionError) as refused:
        compile_condition("is_due and 办结时间 <= deadline", SCOPE)
    assert refused.value.offset == len("is_due and ")
    assert refused.value.hint == "'办结时间' is the column header of closed_at: write closed_at"
    with pytest.raises(ConditionError) as refused:
        compile_condition("filled(closed_at) and status == '已办洁'", SCOPE)
    assert refused.value.offset == len("filled(closed_at) and status == ")
    assert refused.value.hint == "did you mean '已办结'?"
    with pytest.raises(ConditionError) as refused:
        compile_condition("is_dew", SCOPE)
    assert refused.value.hint == "did you mean 'is_due'?"


def test_typed_character_checks_see_through_strings_only():
    assert blank_strings("a == '是，否' and b == \"x'y\"") == "a == '   ' and b == \"   \""
    with pytest.raises(ConditionError) as refused:
        compile_condition("returned_by == '区，局' and（is_due)", SCOPE)
    assert refused.value.code == "orders.syntax"
    assert refused.value.offset == len("returned_by == '区，局' and")


@pytest.mark.parametrize(
    "text",
    [
        "(" * 31 + "is_due" + ")" * 31,
        "not " * 240 + "is_due",
        "- " * 400 + "1 > reopened",
        "is_due and " * 90 + "is_due",
        "[" * 25 + "]" * 25 + " == status",
        "x" * 999,
        "'" + "a" * 990 + "'",
    ],
    ids=["brackets", "nots", "minuses", "ands", "lists", "long-name", "long-text"],
)
def test_hostile_conditions_are_refused_or_read_quickly(text):
    started = time.process_time()
    try:
        compile_condition(text, SCOPE)
    except ConditionError as e:
        assert e.code.startswith("orders.")
    assert time.process_time() - started < 0.5  # CPU time: far above the few ms it takes, far below a hang


def test_uses_workdays_looks_inside_named_conditions():
    late = NamedCondition("late", "超时", compile_condition("workdays(dispatched_at, returned_at) > 1", SCOPE))
    scope = Scope(COLUMNS, {"late": late})
    assert uses_workdays(compile_condition("is_due or not late", Scope(COLUMNS, {"is_due": IS_DUE, "late": late})))
    assert not uses_workdays(compile_condition("filled(closed_at)", scope))
    assert not uses_workdays(Always())


def test_jintai_orders_loads_with_its_model_pinned():
    orders = kaoping.load(str(RULESET)).model.orders
    assert orders is not None
    assert [c.id for c in orders.columns] == [
        "order_id", "unit", "channel", "kind", "status", "mark", "received_at", "first_dispatched_at",
        "dispatched_at", "deadline", "closed_at", "returned_by", "returned_at", "alerted", "reopened", "updated_at",
    ]  # fmt: skip
    assert (orders.order_key, orders.unit_key, orders.dated_by) == ("order_id", "unit", "deadline")
    assert (orders.duplicates.keep, orders.duplicates.by) == ("latest", "updated_at")
    assert [x.label for x in orders.exclusions] == ["作废", "无效或非受理范围", "重复件", "热线直接办结（未派单）"]
    assert orders.exclusions[3].when == Not(Filled(Col("dispatched_at", "datetime")))
    assert [(m.input, m.function, m.of, m.unit) for m in orders.measures] == [
        ("due", "count", None, "unit"),
        ("completed", "count", None, "unit"),
        ("on_time", "count", None, "unit"),
        ("overdue_returns", "count", None, "returned_by"),
        ("alerts", "count", None, "unit"),
        ("reworks", "sum", "reopened", "unit"),
    ]
    assert [c.id for c in orders.conditions] == ["is_due", "is_closed", "in_time", "late_return"]
    assert orders.units is not None and len(orders.units) == 32
    assert orders.units[0].name == "东风路街道办" and orders.units[4].aliases == ("区人社局",)
    assert orders.column("alerted").default == "否" and orders.column("reopened").default == 0
    assert orders.column("deadline").formats[0] == "YYYY-MM-DD HH:mm:ss" and len(orders.column("deadline").formats) == 6
    assert orders.column("status").formats == ()


def test_the_calendar_counts_holidays_and_make_up_days_as_listed():
    calendar = kaoping.load(str(RULESET)).model.orders.calendar
    assert calendar is not None and calendar.years == (2023, 2024)
    # 2023: 1 + 7 + 1 + 5 + 3 + 8 days off; 2024: 1 + 8 + 3 + 5 + 1 + 3 + 7 (the ranges counted by hand)
    assert sum(d.year == 2023 for d in calendar.holidays) == 25
    assert sum(d.year == 2024 for d in calendar.holidays) == 28
    assert len(calendar.workdays) == 15
    assert not calendar.is_workday(date(2024, 2, 12))  # Monday in the Spring Festival
    assert calendar.is_workday(date(2024, 2, 18))  # Sunday, 调休
    assert calendar.is_workday(date(2024, 2, 9))  # Friday before the festival
    assert not calendar.is_workday(date(2024, 2, 24))  # an ordinary Saturday
    assert calendar.is_workday(date(2024, 2, 19))


def test_a_ruleset_without_orders_has_none_and_the_seed_path_does_not_load_the_orders_modules():
    assert kaoping.load("jintai-hotline@2024.02").model.orders is None
    probe = (
        "import sys, kaoping; kaoping.load('jintai-hotline@2024.02'); "
        "print(sorted(m for m in sys.modules if m.startswith('kaoping.orders') or m == 'kaoping.ruleset.orders'))"
    )
    seed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert seed.stdout.strip() == "[]"
    probe = probe.replace("jintai-hotline@2024.02", str(RULESET))
    counted = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert "kaoping.orders.conditions" in counted.stdout and "kaoping.ruleset.orders" in counted.stdout


def test_a_what_if_on_a_condition_is_validated_again():
    good = kaoping.load(str(RULESET), overrides=["orders.conditions.in_time.when=closed_at <= deadline + days(1)"])
    assert good.model.orders.condition("in_time").when == Compare("<=", CLOSED, Shift(DEADLINE, 86400))
    with pytest.raises(kaoping.KaopingError) as refused:
        kaoping.load(str(RULESET), overrides=["orders.conditions.in_time.when=closed_at <= '2024-02-29'"])
    assert list(refused.value.codes) == ["orders.type-mismatch"]
