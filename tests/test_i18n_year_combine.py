"""The year's combine in Chinese (issue 13, item 7): the version of each month and a month with none, as an
office worker reads them.  Expected texts written by hand."""

from __future__ import annotations

from .conftest import run_cli

JAN = "examples/city-hotline-2025-01.csv"
FEB = "examples/city-hotline-2025-02.csv"


def test_which_version_each_month_used_is_said_in_chinese():
    run = run_cli("--lang", "zh", "combine", "-r", "city-hotline", f"2025-01={JAN}", f"2025-02={FEB}")
    assert run.code == 0, run.err
    assert "说明：各月按当月生效的 `city-hotline` 版本计分：2025-01, 2025-02 用 city-hotline@2025.01" in run.err


def test_a_month_with_no_version_in_effect_in_chinese():
    run = run_cli("--lang", "zh", "combine", "-r", "city-hotline", f"2024-12={JAN}", f"2025-02={FEB}")
    assert run.code == 1
    assert run.err.startswith(
        "2024-12: 2024-12（当月第一天 2024-12-01）没有生效的 `city-hotline` 已发布版本，"
        f"无法给 {JAN} 计分\n    提示：它的已发布版本：2025.01（2025-01-01 起）"
    )
