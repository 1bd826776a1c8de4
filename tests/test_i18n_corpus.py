"""Every golden mistake in both languages, and no English left in Chinese output.

- Each case of tests/cases/invalid, tests/cases/bad-data and
  tests/cases/orders-bad is pinned three ways: its codes (<name>.codes,
  tests/test_codes.py), its English stderr (<name>.txt, or <name>.en.txt for
  the export cases) and its Chinese stderr (<name>.zh.txt), each exact.
- With --lang zh, the whole corpus, every command's --help, the usage errors
  and the main outputs of each command carry no word of kaoping's English
  (tests/english_left.py says what is taken out first: quoted user text,
  paths, options, codes, the source line under a problem).

The .zh.txt files were written by running each case with --lang zh and
read by a person before they were committed; `python -m tests.test_i18n_corpus`
rewrites them (then read the diff).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .conftest import ROOT, run_cli
from .english_left import english_in

CASES = ROOT / "tests" / "cases"
SEED = "jintai-hotline@2024.02"
ORDERS = "jintai-orders@2024.02"
UNITS = "examples/jintai-hotline-2024-02.csv"
EXPORT = "examples/jintai-orders-2024-02.csv"
COMMANDS = [
    "list", "validate", "evaluate", "diff", "explain", "count", "sql", "combine", "new-version", "release", "test",
]  # fmt: skip


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def argv_of(case: Path) -> list[str]:
    """The command whose stderr a case pins, as its folder's README-style docstring says."""
    folder = case.parent.name
    if folder == "invalid":
        return ["validate", relative(case)]
    if folder == "bad-data":
        own = case.with_suffix(".yaml")
        return ["evaluate", "-r", relative(own) if own.exists() else SEED, relative(case)]
    return ["evaluate", "-r", ORDERS, relative(case), "--period", "2024-02"]


CORPUS = sorted(
    [
        *(CASES / "invalid").glob("*.yaml"),
        *(CASES / "bad-data").glob("*.csv"),
        *(CASES / "orders-bad").glob("*.csv"),
    ]
)


def golden(case: Path, lang: str) -> Path:
    if lang == "en" and case.parent.name != "orders-bad":
        return case.with_suffix(".txt")
    return case.with_suffix(f".{lang}.txt")


@pytest.mark.parametrize("case", CORPUS, ids=lambda p: f"{p.parent.name}/{p.stem}")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_golden_mistake_is_told_in_exactly_its_pinned_words(case: Path, lang: str) -> None:
    run = run_cli(*argv_of(case), "--lang", lang)
    assert run.code == 1 and run.out == ""
    assert run.err == golden(case, lang).read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CORPUS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_no_english_word_is_left_in_a_chinese_message(case: Path) -> None:
    run = run_cli(*argv_of(case), "--lang", "zh")
    assert english_in(run.err) == []


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_commands_help_speaks_chinese(command: str | None) -> None:
    run = run_cli(*([command] if command else []), "--help", "--lang", "zh")
    assert run.code == 0
    assert run.out.startswith("用法：kaoping")
    assert english_in(run.out) == []
    assert "选项：\n" in run.out and "选项:\n" not in run.out  # the headings end as Chinese text does


USAGE_ERRORS = [
    ["evaluate", UNITS],  # no -r
    ["evaluate", "-r", SEED, "-r", SEED, UNITS],
    ["evaluate", "-r", SEED, UNITS, "--period", "2024-13"],
    ["list", "--as-of", "2024-02-30"],
    ["evaluate", "-r", SEED, UNITS, "-f", "odt"],
    ["frobnicate"],
    ["evaluate", "-r", ORDERS, EXPORT],  # an export needs --period
    ["count", "-r", ORDERS, EXPORT, "--period", "2024-02", "--master", "local[2]"],  # --master without spark
]


@pytest.mark.parametrize("argv", USAGE_ERRORS, ids=lambda a: " ".join(a))
def test_a_usage_error_speaks_chinese(argv: list[str]) -> None:
    run = run_cli(*argv, "--lang", "zh")
    assert run.code == 2
    assert "：" in run.err
    assert english_in(run.err) == []


OUTPUTS = [
    ["list"],
    ["validate", SEED],
    ["evaluate", "-r", SEED, UNITS],
    ["evaluate", "-r", SEED, UNITS, "-f", "md"],
    ["evaluate", "-r", SEED, UNITS, "--set", "timeliness.weight=45", "--set", "completion.weight=30"],
    ["explain", "-r", SEED, UNITS, "区林业局"],
    ["diff", "-r", SEED, UNITS, "--set", "timeliness.weight=45", "--set", "completion.weight=30"],
    ["test", "jintai-hotline"],
    ["evaluate", "-r", ORDERS, EXPORT, "--period", "2024-02"],
    ["count", "-r", ORDERS, EXPORT, "--period", "2024-02"],
    ["explain", "-r", ORDERS, EXPORT, "区林业局", "--period", "2024-02"],
    ["explain", "-r", ORDERS, EXPORT, "区林业局", "--period", "2024-02", "--orders", "on_time", "--left-out"],
    ["sql", "-r", ORDERS, "--period", "2024-02", "--dialect", "duckdb"],
]


@pytest.mark.parametrize("argv", OUTPUTS, ids=lambda a: " ".join(a[:1] + a[-3:]))
def test_each_commands_output_speaks_chinese(argv: list[str]) -> None:
    run = run_cli(*argv, "--lang", "zh")
    assert run.code == 0, run.err
    text = run.out + run.err
    if argv[0] == "sql":  # the SQL itself is SQL: only its comments are words
        text = "\n".join(line for line in text.splitlines() if line.lstrip().startswith("--"))
    assert english_in(text) == []


def _rewrite() -> None:
    """Write each case's .zh.txt (and the export cases' .en.txt) from what kaoping prints now."""
    for case in CORPUS:
        for lang in ("zh", "en"):
            path = golden(case, lang)
            if lang == "en" and case.parent.name != "orders-bad":
                continue
            path.write_text(run_cli(*argv_of(case), "--lang", lang).err, encoding="utf-8")


if __name__ == "__main__":
    import os

    os.chdir(ROOT)
    _rewrite()
    sys.exit(0)
