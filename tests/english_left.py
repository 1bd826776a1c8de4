"""English left in Chinese output: the words of kaoping's English catalog found outside quoted user text.

tests/test_i18n.py runs every golden case and every command's --help with
--lang zh through `english_in`; a developer runs it by hand on one command:

    python -m tests.english_left validate tests/cases/invalid/*.yaml
    python -m tests.english_left evaluate -r jintai-hotline@2024.02 tests/cases/bad-data/divzero.csv

What is not the catalog's to translate is taken out first: text in quotes
(「」 “” ‘’ '' "" and `code`), the source line and caret under a problem,
paths, options (--period), problem codes, ALL-CAPS metavariables, ids with
an underscore, digit or bracket, {choices}, and the few technical names
that are the same in Chinese (CSV, Excel, UTF-8, ...).  A word left that the
English catalog uses is a string that escaped the catalog.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Names the same in both languages: formats, products, encodings (kaoping's commands: `commands()`, where they stand).
SAME_IN_CHINESE = {
    "kaoping", "csv", "tsv", "utf", "bom", "gbk", "gb", "json", "jsonl", "yaml", "yml", "xlsx", "xls", "ods", "html", "md",
    "markdown", "pdf", "docx", "word", "sql", "duckdb", "spark", "pyspark", "trino", "parquet", "excel", "wps",
    "libreoffice", "python", "pip", "venv", "py", "id", "sha", "url", "java", "jvm", "windows", "linux", "api",
    "zh", "en", "cn", "ok", "rich", "numpy", "ascii", "unicode", "ansi", "xml", "zip", "os", "ram", "gib", "mib", "kib",
    "mb", "kb", "tb", "ms", "bug", "kendall", "tau",  # Kendall tau-b: a statistic named after its author
}  # fmt: skip

# ALL-CAPS names that are the same in Chinese: line ends, signals, SQL's words (in kaoping sql's comments)
TECHNICAL = {"CR", "LF", "CRLF", "SIGTERM", "SIGINT", "NULL", "TEXT", "DOUBLE", "BIGINT", "TIMESTAMP", "DATE"}
COMMAND_NAME = re.compile(r"\bkaoping\s+[a-z][a-z-]*")  # a command's name is typed as it is, after "kaoping"
UNICODE_NAME = re.compile(r"U\+[0-9A-F]{4,6}( [A-Z][A-Z-]*)*")  # U+202E RIGHT-TO-LEFT OVERRIDE: Unicode's own name

# quoted text is the user's, dropped whole; but ASCII quotes around several English words are a sentence
# of kaoping's that escaped (注意：'this row looks like a totals row'): only one word, or non-ASCII text, is dropped
QUOTED = re.compile(
    r"「[^」]*」|“[^”]*”|‘[^’]*’|`[^`]*`|\{[^}\n]*\}|\[[^\]\n]*\]"
    r"|'[^'\s]*'|\"[^\"\s]*\"|'[^'\n]*[^\x00-\x7f][^'\n]*'|\"[^\"\n]*[^\x00-\x7f][^\"\n]*\""
)
TOKEN = re.compile(
    r"[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+"
)  # a run of Latin text: Chinese and its punctuation split tokens, so ：--as-of is the option --as-of
WORD = re.compile(r"[A-Za-z]{2,}")
SOURCE_LINE = re.compile(r"^\s+(\d+ )?\|")  # a source line or its caret, indented (a Markdown row is not)


def _dropped(token: str) -> bool:
    """A token that is not prose: a path, an option, a code, a metavariable, an identifier, a number with a unit."""
    bare = token.strip(",.;:!?()（）：；，。、#")
    return (
        "/" in bare
        or "\\" in bare
        or bare.startswith("-")
        or re.fullmatch(r"[\w.-]+\.(yaml|yml|csv|xlsx|xls|ods|json|md|html|txt|lock|parquet|py|po|mo|docx|pdf)", bare)
        is not None
        or re.fullmatch(r"[a-z]+(\.[a-z0-9]+(-[a-z0-9]+)*)+", bare) is not None  # a problem code, a.b.c key
        or bare in metavariables()
        or re.search(r"[_0-9\[\]=@<>$]", bare) is not None
        or "." in bare.strip(".")
    )


def prose(line: str) -> str:
    """The part of one output line that the catalog should have written."""
    if SOURCE_LINE.match(line):
        return ""
    line = COMMAND_NAME.sub(" ", UNICODE_NAME.sub(" ", QUOTED.sub(" ", line)))
    line = re.sub(r"^\s+(\S+)", lambda m: " " if m[1] in commands() else m[0], line)  # the help's list of commands
    return " ".join(t for t in TOKEN.findall(line) if not _dropped(t))


def _prose_literals() -> Iterable[str]:
    """Every string literal in engine/ with a space in it that is not a docstring: text some user may see,
    whether or not it went through the catalog (one that did not is what this looks for)."""
    import ast

    for path in sorted((ROOT / "engine").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and " " in node.value.strip()
            ):
                yield node.value


@lru_cache(maxsize=1)
def commands() -> frozenset[str]:
    """kaoping's command names (list, validate, new-version, ...)."""
    from kaoping.cli_parser import COMMANDS

    return frozenset(spec.name for spec in COMMANDS)


@lru_cache(maxsize=1)
def metavariables() -> frozenset[str]:
    """The ALL-CAPS placeholders of kaoping's command line (FILE, YYYY-MM, NAME@VERSION, COMMAND), read from
    its parser and its help texts: only these are dropped, so an untranslated WHAT-IF or INVALID still counts."""
    import argparse

    from kaoping.cli_parser import build_parser

    found = {*TECHNICAL, "COMMAND", "KEY", "VALUE", "K", "V", "OLD", "NEW", "LABEL", "PATH", "SHEET", "UNIT", "ID", "N"}
    parsers = [build_parser()]
    while parsers:
        parser = parsers.pop()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                parsers += list(action.choices.values())  # each made whole when its _actions are read
            if action.nargs == 0:  # a flag: no placeholder
                continue
            names = action.metavar if isinstance(action.metavar, tuple) else (action.metavar or action.dest.upper(),)
            found.update(str(n) for n in names)
    pieces = {piece for name in found for piece in re.split(r"[^A-Z]+", name) if piece}
    return frozenset(found | pieces)


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """The lower-cased words of kaoping's English: every message id it passes to the catalog, and every
    other prose literal in its code (so a string that escaped the catalog is still known as English)."""
    sys.path.insert(0, str(ROOT / "tools"))
    import i18n  # tools/i18n.py

    texts = [t for f in i18n.extract().values() if not f.percent for t in (f.msgid, f.plural)]
    words: set[str] = set()
    for text in [*texts, *_prose_literals()]:
        words.update(w.lower() for w in WORD.findall(QUOTED.sub(" ", text)))
    return frozenset(words - SAME_IN_CHINESE)


def english_in(text: str, vocab: Iterable[str] | None = None) -> list[str]:
    """The lines of `text` with an English catalog word outside quotes, each with the words: [] when none."""
    known = set(vocabulary() if vocab is None else vocab)
    out = []
    for line in text.splitlines():
        words = [w for w in WORD.findall(prose(line)) if w.lower() in known]
        if words:
            out.append(f"{line}    <- {', '.join(words)}")
    return out


def main(argv: list[str]) -> int:
    from kaoping.cli import main as kaoping

    out, err = io.StringIO(), io.StringIO()
    code = kaoping(["--lang", "zh", *argv], stdout=out, stderr=err)
    text = out.getvalue() + err.getvalue()
    sys.stdout.write(text)
    left = english_in(text)
    print(f"\n-- exit {code}; {len(left)} line(s) with English left:")
    for line in left:
        print(line)
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
