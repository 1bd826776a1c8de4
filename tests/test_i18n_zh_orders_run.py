"""The Chinese of counting an order export (the zh-orders-run part): the note, explain's order lists, bad cells.

Each expected text is written by hand, as an office worker reads it, with the place words errors.py adds: a bad
cell of an export is placed at its row and its column's header (第 3 行「办结时间」列), so its message does not
name the column again.
"""

from __future__ import annotations

import kaoping
from kaoping.errors import Problem
from kaoping.orders.source import _named

from .conftest import run_cli

EXPORT = "examples/jintai-orders-2024-02.csv"
ORDERS = "jintai-orders@2024.02"
BAD = "tests/cases/orders-bad"

NOTE = (
    "说明：examples/jintai-orders-2024-02.csv：共 1,945 行；3 张工单导出了不止一次，只计一次（取「更新时间」最晚的一份）；"
    "统计前剔除：作废 16、无效或非受理范围 10、重复件 8、热线直接办结（未派单） 150；2024-02 应办结工单 1,226 张\n"
)


def test_the_counting_note_is_one_chinese_sentence_with_its_numbers() -> None:
    run = run_cli("--lang", "zh", "count", "-r", ORDERS, EXPORT, "--period", "2024-02", "-f", "csv")
    assert run.code == 0
    assert NOTE in run.err
    english = run_cli("--lang", "en", "count", "-r", ORDERS, EXPORT, "--period", "2024-02", "-f", "csv")
    assert "3 orders exported more than once counted once (the copy with the latest 更新时间)" in english.err


def test_the_orders_left_out_of_a_count_are_listed_under_chinese_words() -> None:
    run = run_cli(
        "--lang", "zh", "explain", "-r", ORDERS, EXPORT, "区林业局", "--period", "2024-02", "--orders", "on_time", "--left-out"
    )  # fmt: skip
    assert run.code == 0
    lines = run.out.splitlines()
    assert lines[0] == "区林业局：1 张工单未计入「按期办结工单数」（`on_time`）"
    assert lines[1].split() == ["工单编号", "未满足的条件", "承办单位", "办理时限", "办结时间", "工单状态"]


def test_a_bad_cell_is_placed_at_its_row_and_header() -> None:
    run = run_cli(
        "--lang", "zh", "evaluate", "-r", ORDERS, f"{BAD}/orders-read-bad-datetime.csv", "--period", "2024-02"
    )
    assert run.code == 1
    assert run.err.startswith(
        "tests/cases/orders-bad/orders-read-bad-datetime.csv:3:11: 第 3 行「办结时间」列：「2024-02-30 10:00」不是日期时间\n"
        "    提示：请写成 2024-02-03 14:25:00、2024/2/3 14:25 或 2024-02-03T14:25 这样\n"
    )


def test_a_value_not_declared_lists_the_values_with_the_enumeration_comma() -> None:
    run = run_cli(
        "--lang", "zh", "evaluate", "-r", ORDERS, f"{BAD}/orders-read-unknown-value.csv", "--period", "2024-02"
    )
    assert run.code == 1
    assert (
        "第 3 行「工单状态」列：「已办洁」不是可选的值（可选：受理、处理中、已办结、已归档、已退单、作废）\n"
        "    提示：是不是想写「已办结」？或者把它加到 `orders.columns[status].values`\n"
    ) in run.err


def test_a_conflict_between_copies_of_an_order_names_both_rows() -> None:
    run = run_cli(
        "--lang", "zh", "evaluate", "-r", ORDERS, f"{BAD}/orders-check-duplicate-conflict.csv", "--period", "2024-02"
    )  # fmt: skip
    assert run.code == 1
    assert run.err == (
        "tests/cases/orders-bad/orders-check-duplicate-conflict.csv:2: 第 2 行：工单「JT1」导出了两次，"
        "「更新时间」同为 2024-02-05 10:00:00，「工单状态」却不同（第 2 行：已办结，第 4 行：处理中）\n"
        "    提示：kaoping 分不清该算哪一份：请从工单导出表里删掉错的那份\n"
        "共 1 处错误\n"
    )


def test_an_empty_period_names_the_months_the_export_covers() -> None:
    run = run_cli(
        "--lang", "zh", "evaluate", "-r", ORDERS, f"{BAD}/orders-check-empty-period.csv", "--period", "2024-02"
    )
    assert run.code == 1
    assert run.err.startswith(
        "tests/cases/orders-bad/orders-check-empty-period.csv: 没有哪张工单的「办理时限」在 2024-02；"
        "工单导出表里有的月份是 2024-01（2 张工单）、2024-03（1 张）\n"
        "    提示：请用 --period 指定其中一个月份\n"
    )


def test_a_header_problem_is_found_by_its_column_id_in_either_language() -> None:
    """The data readers' missing-column message may be Chinese: the order column is still found by its id."""
    orders = kaoping.load(ORDERS).model.orders
    assert orders is not None
    for message in (
        "the required column '办理时限' (deadline) is missing",
        "缺少必需的列「办理时限」（deadline）",
        "缺少必需的列「办理时限」（`deadline`）",
        "缺少必需的列「办理时限」，即 `deadline`",
    ):
        found = _named(Problem("t.csv", 1, 0, message, "", code="data.missing-column"), orders)
        assert found is not None and found.id == "deadline", message


def test_the_sql_header_says_its_ids_as_code_in_chinese() -> None:
    run = run_cli("--lang", "zh", "sql", "-r", ORDERS, "--period", "2024-02", "--dialect", "duckdb")
    assert run.code == 0
    assert "--   `unit`                 TEXT (承办单位)" in run.out.splitlines()
    english = run_cli("--lang", "en", "sql", "-r", ORDERS, "--period", "2024-02", "--dialect", "duckdb")
    assert "--   unit                 TEXT (承办单位)" in english.out.splitlines()
