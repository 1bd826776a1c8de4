"""The house rules the README's Layout section states, checked on the package's source.

- no function over 60 lines, no class over 200 (small rooms, small plain functions);
- library code never prints, exits or reads stdin: only the command line
  (cli.py, commands.py) talks to a terminal and chooses exit codes;
- every subpackage says in its docstring what it owns.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "engine"
COMMAND_LINE = {"cli.py", "commands.py", "cli_parser.py"}


def sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_function_over_60_lines_and_no_class_over_200() -> None:
    too_long = []
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                limit = 200 if isinstance(node, ast.ClassDef) else 60
                if lines > limit:
                    too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {lines} lines")
    assert too_long == []


def test_a_too_long_function_would_be_seen() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(61))
    tree = ast.parse(f"def f():\n{body}\n")
    node = tree.body[0]
    assert isinstance(node, ast.FunctionDef) and (node.end_lineno or 0) - node.lineno + 1 > 60


def _talks_to_a_terminal(tree: ast.AST) -> list[str]:
    said = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"print", "input", "exit"}
        ):
            said.append(f"{node.func.id}() at line {node.lineno}")
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "sys"
            and node.attr in {"stdout", "stderr", "stdin", "exit"}
        ):
            said.append(f"sys.{node.attr} at line {node.lineno}")
    return said


def test_library_code_never_prints_exits_or_reads_stdin() -> None:
    found = {}
    for path in sources():
        if path.parent == PACKAGE and path.name in COMMAND_LINE:
            continue
        said = _talks_to_a_terminal(ast.parse(path.read_text(encoding="utf-8")))
        if said:
            found[str(path.relative_to(ROOT))] = said
    assert found == {}


def test_the_check_for_printing_can_fail() -> None:
    assert _talks_to_a_terminal(ast.parse("import sys\nprint(1)\nsys.exit(2)\n")) == [
        "print() at line 2",
        "sys.exit at line 3",
    ]


def test_every_subpackage_says_what_it_owns() -> None:
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc, f"{init.relative_to(ROOT)} has no docstring"
