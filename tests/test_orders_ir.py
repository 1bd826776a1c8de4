"""The condition IR's two helpers, on hand-built trees."""

from __future__ import annotations

from kaoping.orders.ir import (
    All,
    Always,
    Any_,
    Col,
    Compare,
    Filled,
    InPeriod,
    Member,
    Named,
    Not,
    Shift,
    Text,
    Workdays,
    columns_read,
    conjuncts,
)

DEADLINE, CLOSED = Col("deadline", "datetime"), Col("closed_at", "datetime")
STATUS = Col("status", "text")
IS_DUE = Named("is_due", "应办结", InPeriod(DEADLINE))
IS_CLOSED = Named("is_closed", "已办结", All((Filled(CLOSED), Member(STATUS, ("已办结", "已归档")))))


def test_columns_read_names_each_column_once_in_reading_order() -> None:
    cond = All(
        (
            IS_DUE,
            IS_CLOSED,
            Compare("<=", CLOSED, Shift(DEADLINE, 86_400)),
            Not(Any_((Compare("==", STATUS, Text("作废")),))),
            Compare(">", Workdays(Col("first_dispatched_at", "datetime"), Col("returned_at", "datetime")), Text("")),
        )
    )
    assert columns_read(cond) == ("deadline", "closed_at", "status", "first_dispatched_at", "returned_at")


def test_conjuncts_flatten_the_top_level_and_keep_named_conditions_whole() -> None:
    late = Compare(">", CLOSED, DEADLINE)
    assert conjuncts(All((IS_DUE, All((IS_CLOSED, late))))) == (IS_DUE, IS_CLOSED, late)
    assert conjuncts(Always()) == ()
    assert conjuncts(IS_CLOSED) == (IS_CLOSED,)
