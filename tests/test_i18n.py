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
