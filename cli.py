"""kaoping command line: list, validate and evaluate rulesets.

Exit codes: 0 success; 1 the ruleset, the data or a value given is wrong
(every problem printed as file:line:col, no traceback, no output file);
2 the command line itself is wrong; 3 a bug in kaoping.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Callable, Sequence, TextIO

from rich.console import Console

from engine import __version__
from engine.errors import KaopingError, Problem, fail, render_problems
from engine.loader import load_ruleset
from engine.model import Ruleset
from engine.output import to_csv, to_json
from engine.pipeline import evaluate
from engine.ranking import Evaluation
from engine.render_table import render_table
from engine.report import parse_period
from engine.resolve import find_all, resolve, rulesets_dir

EXIT_OK, EXIT_USER, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3

EPILOG = """\
RULESET is a path to a .yaml file, name@version (e.g. jintai-hotline@2024.02),
or a bare name for its latest version, looked up under --rulesets DIR,
$KAOPING_RULESETS, ./rulesets, or the rulesets shipped with kaoping.

exit codes: 0 ok; 1 the ruleset or data is wrong (see the messages);
2 bad command line; 3 a bug in kaoping (please report it)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kaoping",
        description="Score and rank units with a versioned YAML ruleset.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"kaoping {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--rulesets", metavar="DIR", help="where name@version is looked up (default: ./rulesets)")

    sub.add_parser("list", parents=[common], help="list rulesets and versions with title and effective date")

    val = sub.add_parser("validate", parents=[common], help="check rulesets; print every error as file:line:col")
    val.add_argument("rulesets_to_check", nargs="+", metavar="RULESET")

    ev = sub.add_parser(
        "evaluate",
        parents=[common],
        help="score INPUT with a ruleset and print the ranked table",
        description="Score every unit in INPUT (a CSV file: UTF-8, UTF-8 with BOM, or GBK) and rank them.",
    )
    ev.add_argument("-r", "--ruleset", required=True, metavar="RULESET", help="path or name@version")
    ev.add_argument("input", metavar="INPUT", help="the month's records, one row per unit")
    ev.add_argument("-f", "--format", choices=("table", "json", "csv"), default="table", help="output format (default: table)")
    ev.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of the screen (written only if all went well)")
    ev.add_argument("--period", metavar="YYYY-MM", help="the month assessed; fills the report title, e.g. 2024-02")
    return parser


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run one command; return its exit code (tests call this directly)."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = build_parser().parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    commands: dict[str, Callable[[argparse.Namespace, TextIO, TextIO], int]] = {
        "list": cmd_list,
        "validate": cmd_validate,
        "evaluate": cmd_evaluate,
    }
    try:
        return commands[args.command](args, out, err)
    except KaopingError as e:
        err.write(render_problems(e.problems, e.total) + "\n")
        return EXIT_USER
    except Exception:  # noqa: BLE001 - anything else is a bug, said as such
        err.write("kaoping: internal error — this is a bug in kaoping, not in your files. Please report it with:\n")
        err.write(traceback.format_exc())
        return EXIT_BUG


def cmd_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    root = rulesets_dir(args.rulesets)
    found = find_all(root)
    if not found:
        err.write(f"no rulesets under {root}/\n")
        return EXIT_OK
    console = _console(out)
    from rich.table import Table

    table = Table("ruleset", "version", "effective", "title", "status", box=None, pad_edge=False)
    for f in found:
        try:
            r = load_ruleset(f.path, str(f.path))
            table.add_row(f.name, f.version, r.effective, r.title, "valid")
        except KaopingError as e:
            table.add_row(f.name, f.version, "", "", f"invalid ({len(e.problems)} errors: kaoping validate {f.path})")
    console.print(table)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    root = rulesets_dir(args.rulesets)
    problems: list[Problem] = []
    for ref in args.rulesets_to_check:
        try:
            ruleset = load_ruleset(resolve(ref, root), None)
            n = len(ruleset.indicators)
            out.write(f"{ruleset.path}: ok ({ruleset.ref}, {n} indicator{'s' if n != 1 else ''})\n")
        except KaopingError as e:
            problems += e.problems
    if problems:
        raise KaopingError(problems)
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.period:
        parse_period(args.period)
    ruleset = _load(args.ruleset, args.rulesets)
    path = Path(args.input)
    if not path.is_file():
        raise fail(args.input, "no such input file", "give the path of the month's CSV export")
    evaluation = evaluate(ruleset, path, args.input)
    if evaluation.table.ignored_columns:
        err.write(f"note: columns not used by {ruleset.ref}: {', '.join(evaluation.table.ignored_columns)}\n")
    text = _render(evaluation, args.format, args.period, out if args.output is None else None)
    if args.output is not None:
        write_atomically(Path(args.output), text)
        err.write(f"wrote {args.output}\n")
    elif text:
        out.write(text)
    return EXIT_OK


def _load(ref: str, rulesets_option: str | None) -> Ruleset:
    return load_ruleset(resolve(ref, rulesets_dir(rulesets_option)), None)


def _render(evaluation: Evaluation, fmt: str, period: str | None, screen: TextIO | None) -> str:
    """The output as text; a table for the screen is printed straight to it (with colour)."""
    if fmt == "json":
        return to_json(evaluation, period)
    if fmt == "csv":
        return to_csv(evaluation, period)
    if screen is not None:
        render_table(evaluation, _console(screen), period)
        return ""
    import io

    buffer = io.StringIO()
    render_table(evaluation, Console(file=buffer, width=10_000, color_system=None, highlight=False), period)
    return buffer.getvalue()


def _console(stream: TextIO) -> Console:
    return Console(file=stream, highlight=False, soft_wrap=True)


def write_atomically(path: Path, text: str) -> None:
    """Write the whole file or nothing: a temporary file renamed into place."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise fail(str(path), f"the folder {folder}/ does not exist", "create it first, or write somewhere else")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


if __name__ == "__main__":
    sys.exit(main())
