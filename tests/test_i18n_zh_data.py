"""The data readers in Chinese: a cell's place with its column's label, the hints naming Excel's and WPS's menus,
a plural said once, and a totals row's warning said as 注意 (its warning-ness carried by its code, not its words)."""

from __future__ import annotations

from pathlib import Path

import pytest
from kaoping import i18n
from kaoping.data import read_table
from kaoping.errors import KaopingError
from kaoping.files import write_atomically
from kaoping.ruleset.load import load_ruleset

from .conftest import SEED_RULESET, run_cli

HEADER = "部门名称,应办结工单数,办结工单数,按期办结工单数,逾期退单工单数,告警工单数\n"


def zh(*args: str | Path) -> str:
    """What `kaoping evaluate` says on stderr in Chinese."""
    return run_cli("evaluate", "--lang", "zh", "-r", "jintai-hotline@2024.02", *args).err


def test_a_cells_problem_is_placed_by_its_row_and_its_columns_label(tmp_path: Path) -> None:
    data = tmp_path / "t.csv"
    data.write_text(HEADER + "甲局,35,30,28,0,0\n乙局,1_0,30,28,0,0\n丙局,30,30,,0,0\n", encoding="utf-8")
    err = zh(data)
    assert f"{data}:3:2: 第 3 行「应办结工单数」列：「1_0」不是数字\n    提示：去掉数字里的分隔符：10\n" in err
    assert f"{data}:4:4: 第 4 行「按期办结工单数」列：没有填写\n    提示：请把这一格填上\n" in err


def test_a_value_beyond_its_bound_names_the_other_column_in_quotes(tmp_path: Path) -> None:
    data = tmp_path / "t.csv"
    data.write_text(HEADER + "甲局,35,30,31,0,0\n乙局,30,30,28,0,0\n", encoding="utf-8")
    assert f"{data}:2:4: 第 2 行「按期办结工单数」列：填的是 31，比「办结工单数」（`completed`）的 30 还多\n" in zh(
        data
    )


def test_a_file_neither_utf8_nor_gbk_is_told_how_excel_and_wps_save_csv_utf8(tmp_path: Path) -> None:
    data = tmp_path / "t.csv"
    data.write_bytes(HEADER.encode("utf-8") + b"\xff\xfe\xfa,1,1,1,0,0\n")
    assert zh(data) == (
        f"{data}: 这个文件的编码既不是 UTF-8 也不是 GBK\n"
        "    提示：在 Excel 里选 文件 → 另存为，文件类型选「CSV UTF-8（逗号分隔）(*.csv)」；WPS 选「CSV（逗号分隔）」\n"
        "共 1 处错误\n"
    )


def test_a_totals_row_without_a_label_is_a_warning_in_chinese_and_in_english(tmp_path: Path) -> None:
    data = tmp_path / "t.csv"
    data.write_text(HEADER + "甲局,4,4,4,0,0\n乙局,2,2,1,1,0\n全区,6,6,5,1,0\n合计,12,12,10,2,0\n", encoding="utf-8")
    ruleset = load_ruleset(SEED_RULESET)
    with i18n.speaking("zh"):
        notes = read_table(data, ruleset).notes
    assert notes[0].startswith(
        f"注意：{data}:4:1: 第 4 行第 1 列：「全区」一行像是合计行（它的每个数都等于上面 2 行之和）"
    )
    assert notes[1] == f"{data}:5:1: 第 5 行第 1 列：「合计」一行是合计行：已略过，不作为单位计分"
    err = zh(data)
    assert f"\n注意：{data}:4:1: 第 4 行第 1 列：「全区」" in "\n" + err
    assert f"说明：{data}:5:1: 第 5 行第 1 列：「合计」一行是合计行" in err and "说明：注意" not in err
    with i18n.speaking("en"):
        english = read_table(data, ruleset).notes
    assert english[0].startswith(f"warning: {data}:4:1: the row '全区' looks like a totals row")


def test_hidden_rows_are_said_in_one_chinese_form_whatever_their_number() -> None:
    with i18n.speaking("zh"):
        one = i18n.n_(
            "the sheet '{sheet}' hides {n} row (hidden, or left out by a filter) that were read as units like the others: "
            "row {shown}; unhide them (or clear the filter) to see what was scored",
            "the sheet '{sheet}' hides {n} rows (hidden, or left out by a filter) that were read as units like the others: "
            "rows {shown}; unhide them (or clear the filter) to see what was scored",
            3,
            sheet="2月",
            n=3,
            shown="4、5、9",
        )
    assert one == (
        "工作表「2月」有 3 行是隐藏的（被隐藏，或被筛选掉），这些行也和其他行一样当作单位读入了：第 4、5、9 行；"
        "取消隐藏（或清除筛选）就能看到计分的是哪些行"
    )


def test_a_missing_file_says_the_systems_reason_in_chinese(tmp_path: Path) -> None:
    with i18n.speaking("zh"), pytest.raises(KaopingError) as refused:
        read_table(tmp_path / "无此文件.csv", load_ruleset(SEED_RULESET))
    (problem,) = refused.value.problems
    assert (problem.message, problem.hint) == (
        "读不了输入文件：没有这个文件或文件夹",
        "请检查路径：没有叫这个名字的文件",
    )


def test_a_result_written_into_a_folder_that_does_not_exist_is_refused_in_chinese(tmp_path: Path) -> None:
    target = tmp_path / "没有的文件夹" / "结果.csv"
    with i18n.speaking("zh"), pytest.raises(KaopingError) as refused:
        write_atomically(target, "x\n")
    (problem,) = refused.value.problems
    assert (problem.message, problem.hint) == (
        f"文件夹 {tmp_path / '没有的文件夹'}/ 不存在",
        "请先建好这个文件夹，或写到别的地方",
    )
