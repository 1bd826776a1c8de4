"""The language kaoping speaks: how it is chosen, and that the Chinese catalog is whole.

The corpus in both languages (every golden case's Chinese and English
message, no English word left in Chinese output) is tests/test_i18n_corpus.py.
"""

from __future__ import annotations

import sys

import pytest
from kaoping import i18n

from .conftest import ROOT, run_cli

sys.path.insert(0, str(ROOT / "tools"))
import i18n as catalog_tools  # noqa: E402  (tools/i18n.py, the catalog's checker)

BROKEN = "tests/cases/invalid/aggregate-without-of.yaml"
ZH_COUNT = "共 1 处错误"
EN_COUNT = "1 error"


def test_the_catalog_is_whole_every_string_translated_with_its_fields_and_the_mo_compiled():
    assert catalog_tools.problems() == []


def test_the_checker_refuses_a_message_it_could_not_look_up(tmp_path):
    code = tmp_path / "m.py"
    code.write_text(
        'from kaoping.i18n import _, N_\nx = 1\n_(f"a {x}")\n_("a " + str(x))\n_("{n} units", n=x, m=2)\n'
        'A = N_("ok")\n_(A)\n',
        encoding="utf-8",
    )
    problems = [p for f in catalog_tools.extract_file(code, "m.py") for p in f.problems]
    assert problems == [
        "m.py:3: _() takes a literal or a name",
        "m.py:4: _() takes a literal or a name",
        "m.py:5: '{n} units' has fields ['n'] but is given ['m', 'n']",
    ]


@pytest.mark.parametrize(
    ("flag", "environ", "expected"),
    [
        ("zh", {"KAOPING_LANG": "en", "LANG": "en_US.UTF-8"}, "zh"),  # the flag first
        ("en", {"KAOPING_LANG": "zh", "LANG": "zh_CN.UTF-8"}, "en"),
        (None, {"KAOPING_LANG": "zh", "LANG": "C"}, "zh"),  # then $KAOPING_LANG
        (None, {"KAOPING_LANG": "zh_CN", "LANG": "C"}, "zh"),
        (None, {"KAOPING_LANG": "fr", "LANG": "zh_CN.UTF-8"}, "zh"),  # one kaoping does not speak is passed over
        (None, {"LANG": "zh_CN.UTF-8"}, "zh"),  # then the locale
        (None, {"LANG": "zh_TW.Big5"}, "zh"),
        (None, {"LANG": "C"}, "en"),
        (None, {"LANG": "C.UTF-8"}, "en"),
        (None, {"LANG": "POSIX"}, "en"),
        (None, {"LANG": "fr_FR.UTF-8"}, "en"),  # neither: the fallback
        (None, {"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),  # LC_ALL overrides LANG, as POSIX orders them
        (None, {"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "C"}, "zh"),
        (None, {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.GB18030"}, "zh"),  # set but empty: not set
        (None, {}, "en"),
    ],
)
def test_the_language_is_the_flag_else_kaoping_lang_else_the_locale_else_english(flag, environ, expected, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert i18n.choose(flag, environ) == expected


def test_on_windows_with_no_locale_set_the_user_interface_language_decides(monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(i18n, "_windows_ui_is_chinese", lambda: True)
    assert i18n.choose(None, {}) == "zh"
    monkeypatch.setattr(i18n, "_windows_ui_is_chinese", lambda: False)
    assert i18n.choose(None, {}) == "en"


def test_lang_zh_on_the_command_line_speaks_chinese_and_lang_en_english():
    zh = run_cli("validate", BROKEN, "--lang", "zh")
    assert zh.code == 1 and zh.err.endswith(ZH_COUNT + "\n") and "第 26 行第 5 列：" in zh.err
    assert run_cli("--lang", "zh", "validate", BROKEN).err == zh.err  # before the command too
    assert run_cli("validate", BROKEN, "--lang=zh").err == zh.err
    en = run_cli("validate", BROKEN, "--lang", "en")
    assert en.code == 1 and en.err.endswith("\n" + EN_COUNT + "\n") and "第" not in en.err


@pytest.mark.parametrize(
    ("environ", "count"),
    [
        ({"KAOPING_LANG": "zh"}, ZH_COUNT),
        ({"KAOPING_LANG": "", "LANG": "zh_CN.UTF-8"}, ZH_COUNT),
        ({"KAOPING_LANG": "", "LANG": "C"}, EN_COUNT),
    ],
)
def test_kaoping_lang_and_lang_choose_the_language_without_the_flag(environ, count, monkeypatch):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    run = run_cli("validate", BROKEN)
    assert run.code == 1 and run.err.endswith(count + "\n")


def test_a_kaoping_lang_that_names_no_language_is_said_and_the_locale_decides(monkeypatch):
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KAOPING_LANG", "cn")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    run = run_cli("validate", BROKEN)
    assert run.err.startswith("说明：KAOPING_LANG=cn 既不是 zh 也不是 en，已忽略\n")
    assert run.err.endswith(ZH_COUNT + "\n")
    monkeypatch.setenv("LANG", "C")
    assert run_cli("validate", BROKEN).err.startswith("note: KAOPING_LANG=cn is not zh or en; it is ignored\n")
    assert "KAOPING_LANG" not in run_cli("validate", BROKEN, "--lang", "en").err  # the flag decided


def test_a_run_in_chinese_leaves_the_language_it_found():
    before = i18n.current()
    run_cli("validate", BROKEN, "--lang", "zh")
    assert i18n.current() == before
    import argparse
    import gettext

    assert argparse._ is gettext.gettext  # type: ignore[attr-defined]


def test_a_language_kaoping_does_not_speak_is_a_usage_error_said_in_the_language_chosen():
    run = run_cli("validate", BROKEN, "--lang", "fr")
    assert run.code == 2 and "invalid choice: 'fr'" in run.err
    run = run_cli("validate", BROKEN, "--lang", "fr", "--lang", "zh")
    assert run.code == 2 and "不能选" not in run.err or "--lang" in run.err


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("| rank | unit | total score |", "rank, unit, total, score"),  # a Markdown row is output, not a source line
        ("假设测算 WHAT-IF, NOT IN EFFECT", "WHAT, IF, NOT, IN, EFFECT"),  # ALL-CAPS that is not a placeholder
        ("注意：'this row looks like a totals row'", "this, row, looks, like, totals, row"),  # a quoted sentence
        ("第 2 行unit 不对", "unit"),  # a word glued to Chinese is still a word
        ("请运行 validate", "validate"),  # a command's name alone is a word; after kaoping it is a name
    ],
)
def test_english_left_finds_english_where_it_hides(line, words):
    from tests.english_left import english_in

    assert english_in(line) == [f"{line}    <- {words}"]


@pytest.mark.parametrize(
    "line",
    [
        "提示：是不是想写「completion」？",  # the user's text, quoted
        "    提示：改好后运行 `kaoping release jintai-hotline@2025.01`",  # code
        "请运行 kaoping validate 检查，用 -o FILE 写到文件",  # a command after kaoping, an option, a placeholder
        "      94 |     weight: total",  # the source line under a problem
        "不认识的参数：--as-of",  # an option glued to Chinese punctuation
        "含有看不见的格式字符（U+202E RIGHT-TO-LEFT OVERRIDE）",  # Unicode's own name
    ],
)
def test_english_left_leaves_what_is_not_the_catalogs(line):
    from tests.english_left import english_in

    assert english_in(line) == []


def test_text_the_english_shows_as_repr_is_escaped_inside_chinese_quotes():
    # English: `--set 'abc\ndef'` (repr); Chinese has no repr quotes, but the newline must not break the line
    run = run_cli(
        "evaluate", "-r", "jintai-hotline@2024.02", "examples/jintai-hotline-2024-02.csv", "--set", "abc\ndef"
    )
    assert "'abc\\ndef'" in run.err
    zh = run_cli(
        "evaluate",
        "-r",
        "jintai-hotline@2024.02",
        "examples/jintai-hotline-2024-02.csv",
        "--set",
        "abc\ndef",
        "--lang",
        "zh",
    )
    assert zh.code == 2
    assert (
        zh.err
        == "kaoping evaluate：错误：`--set abc\\ndef` 不是 `KEY=VALUE` 的写法：例如 `--set timeliness.weight=45`\n"
    )


@pytest.mark.parametrize(
    "argv", [["--lan", "zh", "validate", BROKEN], ["validate", "--la", "zh", BROKEN], ["validate", BROKEN, "--l=zh"]]
)
def test_an_abbreviated_lang_argparse_accepts_chooses_the_language_too(argv):
    assert run_cli(*argv).err.endswith(ZH_COUNT + "\n")
