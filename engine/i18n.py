"""The language kaoping speaks to its user: Chinese (zh) or English (en), and the one catalog of its words.

Every string a user sees is written in the code in English and passed
through `_` (or `n_` where a number decides the form): the English text is
the message id, and the Chinese is looked up in the gettext catalog
`engine/locale/zh_CN/LC_MESSAGES/kaoping.po`, compiled to the `kaoping.mo`
beside it (`python tools/i18n.py build`; a test checks the two agree).

Why gettext, not a catalog keyed by problem codes: the strings a user sees
are far more than the problems (help, notes, the explain walk-through, the
diff headings, argparse's own words), a code can have several messages, and
an English id keeps the code readable where the message is made.  The
problem codes stay what scripts match on, the same in both languages.  The
standard library reads the catalog (no dependency at run time); Babel, a
test dependency, writes and compiles it, and `tools/i18n.py` checks that
every string the code passes to `_` is translated with the same placeholders.

Templates use str.format fields, always formatted (so a literal brace is
written `{{`): `_("{file} cannot be read", file=name)`.  A string chosen at
run time from a table is marked where it is written with `N_` (which
returns it unchanged, for the extractor) and translated where it is used.

The language is chosen once a run: `--lang`, else $KAOPING_LANG, else the
locale ($LC_ALL, $LC_MESSAGES, $LANG; on Windows the user-interface
language), else English.  A program that imports kaoping gets the same
choice without the flag, or calls `use("zh")` itself.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

LANGS = ("zh", "en")
"""The languages kaoping speaks; English is the fallback."""

DOMAIN = "kaoping"


class _Catalog(Protocol):
    def gettext(self, message: str) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int) -> str: ...


class _English:
    """The English catalog: the message ids are the English text."""

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural


_current: str | None = None
_catalog: _Catalog = _English()


def language_of(value: str) -> str | None:
    """The language a flag, $KAOPING_LANG or a locale name asks for: zh_CN.UTF-8 → zh, C → en; None if neither."""
    v = value.strip().lower().replace("-", "_")
    if not v:
        return None
    if v == "zh" or v.startswith("zh_") or v.startswith("zh."):
        return "zh"
    if v in ("c", "posix", "en") or v.startswith("en_") or v.startswith("en.") or v.startswith("c."):
        return "en"
    return None


def choose(flag: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language of this run: the flag, else $KAOPING_LANG, else the locale, else English.

    The locale is read as POSIX orders it: the first of $LC_ALL, $LC_MESSAGES
    and $LANG that is set decides, so LANG=zh_CN.UTF-8 with LC_ALL=C speaks
    English.  A locale that is neither Chinese nor English (fr_FR) gives the
    fallback, English.  On Windows, where these are rarely set, the user
    interface language decides.
    """
    env = os.environ if environ is None else environ
    for value in (flag, env.get("KAOPING_LANG")):
        if value and (lang := language_of(value)):
            return lang
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if value := env.get(name, ""):
            return language_of(value) or "en"
    if sys.platform == "win32":
        return "zh" if _windows_ui_is_chinese() else "en"
    return "en"


def _windows_ui_is_chinese() -> bool:
    """Windows' user-interface language is Chinese (LANGID's primary language 0x04), any script."""
    try:
        import ctypes

        langid = int(ctypes.windll.kernel32.GetUserDefaultUILanguage())  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return False
    return langid & 0x3FF == 0x04


def use(lang: str) -> None:
    """Speak `lang` ("zh" or "en") from now on, in this process."""
    global _current, _catalog
    if lang not in LANGS:
        raise ValueError(f"kaoping speaks {', '.join(LANGS)}, not {lang!r}")
    _catalog = _chinese() if lang == "zh" else _English()
    _current = lang


@contextlib.contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Speak `lang` inside the block (argparse's words too), and what was spoken before after it.

    The CLI's main runs in one: a program (or a test) that calls main with
    --lang zh gets its own language back when the command returns.
    """
    before = _current
    use(lang)
    argparse_speaks(lang)
    try:
        yield
    finally:
        if before is None:
            globals()["_current"] = None
            globals()["_catalog"] = _English()
        else:
            use(before)
        argparse_speaks(before or "en")


def current() -> str:
    """The language in use; chosen from the environment the first time it is asked for."""
    if _current is None:
        use(choose())
    assert _current is not None
    return _current


def _chinese() -> _Catalog:
    """The compiled Chinese catalog, read with the standard library's gettext (imported only for Chinese)."""
    import gettext
    from importlib.resources import files

    mo = files(__package__ or "kaoping").joinpath(f"locale/zh_CN/LC_MESSAGES/{DOMAIN}.mo")
    with mo.open("rb") as f:
        return gettext.GNUTranslations(f)


def _(message: str, /, **fields: Any) -> str:
    """`message` in the language in use, its {fields} filled in."""
    if _current is None:
        current()
    if _current == "zh":
        said = _catalog.gettext(message)
        return said.format_map(_quoted(message, said, fields))
    return message.format_map(fields)


def n_(singular: str, plural: str, n: int, /, **fields: Any) -> str:
    """The form of a message `n` decides (1 error, 2 errors; Chinese has one form), its {fields} filled in."""
    if _current is None:
        current()
    if _current == "zh":
        said = _catalog.ngettext(singular, plural, n)
        return said.format_map(_quoted(singular, said, fields))
    return (singular if n == 1 else plural).format_map(fields)


def _quoted(message: str, said: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields as the Chinese shows them: text the English shows as {x!r} is put in 「{x}」, without repr's
    quotes, so a newline, tab or invisible character in it must be escaped as repr would (else a user's
    `--set $'a\\nb'` splits the message over two lines, or U+202E turns the line around)."""
    raw = _repr_fields(message) - _repr_fields(said)
    if not raw:
        return fields
    return {
        k: repr(v)[1:-1] if k in raw and isinstance(v, str) and not v.isprintable() else v for k, v in fields.items()
    }


@functools.lru_cache(maxsize=4096)
def _repr_fields(message: str) -> frozenset[str]:
    """The fields a template shows with !r."""
    import string

    try:
        parsed = string.Formatter().parse(message)
        return frozenset(name.split(".")[0].split("[")[0] for _t, name, _s, conv in parsed if name and conv == "r")
    except ValueError:
        return frozenset()


def N_(message: str, /) -> str:
    """Mark a string for the catalog where it is written; `_` translates it where it is used."""
    return message


def argparse_speaks(lang: str) -> None:
    """argparse's own words (usage:, options, error:, "the following arguments are required") in `lang`.

    argparse looks its words up through the module-level `_` and `ngettext`
    it imported from gettext; kaoping's catalog has them (tools/i18n.py lists
    them from the running Python's argparse), so the CLI points argparse at it.
    Only the command line calls this: a program that imports kaoping keeps
    its argparse as it is.
    """
    import argparse

    if lang == "zh":
        argparse._ = lambda message: _catalog.gettext(message)  # type: ignore[attr-defined]
        argparse.ngettext = lambda s, p, n: _catalog.ngettext(s, p, n)  # type: ignore[attr-defined]
    else:
        import gettext

        argparse._ = gettext.gettext  # type: ignore[attr-defined]
        argparse.ngettext = gettext.ngettext  # type: ignore[attr-defined]
