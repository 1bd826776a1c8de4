"""Errors as data.

Every mistake a user can make (in a ruleset, in a data file, on the command
line) becomes a `Problem`: where it is and what to do about it.  Stages collect
problems instead of raising on the first one, so a user sees every mistake in
one run; `KaopingError` carries them to the CLI, which renders them in one
place (`render_problems`).  Anything that is not a `KaopingError` is a bug.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import field

from .frozen import frozen
from .i18n import _, current, n_

CODE = re.compile(r"[a-z]+(\.[a-z0-9]+(-[a-z0-9]+)*)+")
"""A problem code: an area, then a dot and a kebab-case name, e.g. `formula.unknown-name`."""


@frozen
class Problem:
    """One user mistake, located in a file.

    `line` and `col` are 1-based; 0 means "the whole file" (or "the whole row").
    `source` is the text of the offending line, shown with a caret under `col`.
    `code` names the kind of mistake, stable across releases and languages
    (`formula.unknown-name`, `data.not-a-number`): scripts and tests match on
    it, never on the message, which may be reworded or translated.
    """

    file: str
    line: int
    col: int
    message: str
    hint: str = ""
    source: str = ""
    cell: str = ""  # a spreadsheet's own name for the place (Sheet1!D7), shown instead of line:col
    code: str = field(kw_only=True)
    column: str = field(default="", kw_only=True)  # the data column's header label, for 第 7 行「应办结工单数」列

    def __post_init__(self) -> None:
        if self.code and not CODE.fullmatch(self.code):
            raise ValueError(f"problem code {self.code!r} is not area.kebab-name")

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.col, self.message)


class KaopingError(Exception):
    """The user's ruleset, data or command is wrong: exit 1, no traceback."""

    def __init__(self, problems: Iterable[Problem], limit: int | None = None) -> None:
        ordered = sorted(problems, key=Problem.sort_key)
        self.total = len(ordered)
        self.problems = tuple(ordered[:limit] if limit else ordered)
        super().__init__("\n".join(p.message for p in self.problems))

    @property
    def codes(self) -> tuple[str, ...]:
        """Each problem's code, in the problems' order: what a script or a test matches on."""
        return tuple(p.code for p in self.problems)


class UsageError(Exception):
    """The command line is wrong in a way argparse cannot see: exit 2, like argparse's own errors.

    `code` (a `cli.*` code, see Problem.code) names the kind of mistake for tests and scripts;
    the CLI prints only the message, as argparse prints its own.
    """

    def __init__(self, message: str, *, code: str) -> None:
        if code and not CODE.fullmatch(code):
            raise ValueError(f"problem code {code!r} is not area.kebab-name")
        super().__init__(message)
        self.code = code


def fail(
    file: str, message: str, hint: str = "", line: int = 0, col: int = 0, cell: str = "", *, code: str
) -> KaopingError:
    """A one-problem error, for mistakes that stop a stage at once."""
    return KaopingError([Problem(file, line, col, message, hint, cell=cell, code=code)])


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest choice, or "" when nothing is close enough."""
    import difflib  # only a mistake needs a did-you-mean: not imported by a run that has none

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return _("did you mean {choice!r}?", choice=close[0]) if close else ""


def safe_text(text: str) -> str:
    """Text from a user's file made safe for a terminal: control characters shown as \\x1b, never sent."""
    return "".join(ch if ch in "\n\t" or unicodedata.category(ch) != "Cc" else f"\\x{ord(ch):02x}" for ch in text)


def place_words(p: Problem) -> str:
    """The place said as a person says it, before the message: 第 91 行第 29 列：, 第 7 行「应办结工单数」列：.

    Chinese only: the English line's `file:line:col:` prefix already reads
    as a place, and is what editors jump to in both languages.
    """
    if current() != "zh":
        return ""
    if p.line and p.column:
        return _("row {line}, column {column}: ", line=p.line, column=p.column)
    if p.cell:
        return _("cell {cell}: ", cell=p.cell)
    if p.line and p.col:
        return _("line {line}, column {col}: ", line=p.line, col=p.col)
    if p.line:
        return _("line {line}: ", line=p.line)
    return ""


def render_problem(p: Problem) -> str:
    """`file:line:col: message`, then the hint and the source line with a caret."""
    where = p.file
    if p.cell:
        where += f":{p.cell}"
    elif p.line:
        where += f":{p.line}"
        if p.col:
            where += f":{p.col}"
    lines = [f"{where}: {place_words(p)}{p.message}"]
    if p.hint:
        lines.append(_("    hint: {hint}", hint=p.hint))
    if p.source and p.col:
        source, col = _clip(p.source, p.col)
        lines.append(f"    {p.line:>4} | {source}")
        lines.append(f"         | {_caret_pad(source, col)}^")
    return "\n".join(lines)


def render_problems(problems: Iterable[Problem], total: int | None = None) -> str:
    """All problems, sorted by file and line, and a count (of how many, when some were left out)."""
    problems = sorted(problems, key=Problem.sort_key)
    body = safe_text("\n".join(render_problem(p) for p in problems))
    n = len(problems)
    if total is not None and total > n:
        return body + "\n" + _("the first {n} of {total} errors are shown; fix these and run again", n=n, total=total)
    return body + "\n" + n_("{n} error", "{n} errors", n, n=n)


def _clip(source: str, col: int, width: int = 100) -> tuple[str, int]:
    """A window of a very long source line around `col`, and `col` within it."""
    if len(source) <= width:
        return source, col
    start = max(0, min(col - width // 2, len(source) - width))
    return source[start : start + width], col - start


def _caret_pad(source: str, col: int) -> str:
    """Spaces up to column `col`, two cells wide under wide (CJK) characters."""
    from rich.cells import cell_len  # only a problem's caret is measured in cells

    return " " * cell_len(source[: col - 1])
