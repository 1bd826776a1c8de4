"""The CLI's commands, one function each: parsed arguments in, exit code out.

User mistakes are raised as KaopingError and rendered by cli.main; output
files are written only once the whole output exists (engine.files).
"""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path
from typing import Callable, TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from . import __version__
from .casetests import run_all
from .diff import diff
from .errors import KaopingError, Problem, UsageError, fail
from .explain import explain, render
from .files import write_files
from .loader import load_ruleset
from .model import Ruleset
from .output import provenance_json, to_csv, to_json
from .periods import combine, combined_json, render_combined
from .pipeline import evaluate, stages
from .ranking import Evaluation
from .render_diff import diff_json, render_diff
from .render_table import render_table
from .resolve import exact, find_all, named, rulesets_dir
from .versions import choose, effective_date, new_version, release, status
from .whatif import parse_overrides

OK = 0


def console_for(stream: TextIO) -> Console:
    return Console(file=stream, highlight=False, soft_wrap=True)


def load(args: argparse.Namespace, ref: str, err: TextIO, with_overrides: bool = True) -> Ruleset:
    """The ruleset `ref` names (with --as-of, --period and --set applied), saying which one was chosen when it matters."""
    choice = choose(ref, rulesets_dir(args.rulesets), getattr(args, "as_of", None), getattr(args, "period", None))
    if choice.note:
        err.write(f"note: {choice.note}\n")
    overrides = parse_overrides(getattr(args, "set", None) or []) if with_overrides else ()
    return load_ruleset(choice.path, str(choice.path), overrides, expect=choice.found)


PROGRESS_ROWS = 50_000  # below this an evaluation takes about a second: no progress bar


def evaluate_input(ruleset: Ruleset, input_arg: str, err: TextIO, sheet: str | None = None) -> Evaluation:
    """Evaluate one input file; a large one shows a progress bar on stderr (never in the output)."""
    path = Path(input_arg)
    if not path.is_file():
        raise fail(input_arg, "no such input file", "give the path of the month's CSV or Excel export")
    if sheet is not None and path.suffix.lower() != ".xlsx":
        raise UsageError(f"--sheet is for an Excel (.xlsx) input; {input_arg} is not one")
    if estimated_rows(path) > PROGRESS_ROWS:
        console = Console(file=err, highlight=False)
        with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(), console=console, transient=True) as bar:
            task = bar.add_task(f"scoring {path.name}", total=stages(ruleset))
            evaluation = evaluate(ruleset, path, input_arg, sheet, lambda stage: bar.advance(task))
    else:
        evaluation = evaluate(ruleset, path, input_arg, sheet)
    if evaluation.table.ignored_columns:
        err.write(f"note: columns not used by {ruleset.ref}: {', '.join(evaluation.table.ignored_columns)}\n")
    return evaluation


def view(
    args: argparse.Namespace, out: TextIO, err: TextIO, inputs: tuple[str, ...],
    as_json: Callable[[], str], render: Callable[[Console], None],
) -> None:
    """-f json, or the rendering: on the screen (with colour), or its plain text in the file -o names."""
    if args.format == "json":
        emit(as_json(), args.output, out, err, inputs)
    elif args.output is None:
        render(console_for(out))
    else:
        buffer = io.StringIO()
        render(Console(file=buffer, width=10_000, color_system=None, highlight=False))
        emit(buffer.getvalue(), args.output, out, err, inputs)


def estimated_rows(path: Path) -> int:
    """Rows in a file, roughly and cheaply: its lines, or for a workbook its size over ~40 bytes a row."""
    if path.suffix.lower() == ".xlsx":
        return path.stat().st_size // 40
    with path.open("rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def emit(text: str | bytes, output: str | None, out: TextIO, err: TextIO, inputs: tuple[str, ...] = (), sidecar: str = "") -> None:
    """`text` to the screen, or whole to the file `output` (with its `sidecar`, never over one of the run's `inputs`)."""
    if output is None:
        out.write(text if isinstance(text, str) else text.decode("utf-8"))
        return
    files: list[tuple[Path, str | bytes]] = [(Path(output), text)]
    if sidecar:
        files.append((Path(f"{output}.meta.json"), sidecar))
    write_files(files, protect=tuple(Path(i) for i in inputs))
    err.write("".join(f"wrote {path}\n" for path, _ in files))


def cmd_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    root = rulesets_dir(args.rulesets)
    if not root.is_dir():
        raise fail(str(root), "no such folder", "give --rulesets the folder that holds <name>/<version>.yaml files")
    found = find_all(root)
    if not found:
        err.write(f"no rulesets under {root}/\n")
        return OK
    table = Table("ruleset", "version", "effective", "status", "title", box=None, pad_edge=False)
    for f in found:
        try:
            title = load_ruleset(f.path, str(f.path), expect=f).title
        except KaopingError as e:
            n = len(e.problems)
            title = f"INVALID ({n} error{'s' if n != 1 else ''}): kaoping validate {f.path}"
        table.add_row(*(Text(x) for x in (f.name, f.version, effective_date(f.path) or "", status(f), title)))  # text, not Rich markup
    Console(file=out, highlight=False, soft_wrap=True, width=None if out.isatty() else 10_000).print(table)
    return OK


def cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    problems: list[Problem] = []
    for ref in args.rulesets_to_check:
        try:
            ruleset = load(args, ref, err)
            n = len(ruleset.indicators)
            out.write(f"{ruleset.path}: ok ({ruleset.label}, {n} indicator{'s' if n != 1 else ''})\n")
        except KaopingError as e:
            problems += e.problems
    if problems:
        raise KaopingError(problems)
    return OK


def cmd_evaluate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    ruleset = load(args, args.ruleset, err)
    evaluation = evaluate_input(ruleset, args.input, err, args.sheet)
    if args.format == "table" and args.output is None:
        render_table(evaluation, console_for(out), args.period)
        return OK
    if args.format == "xlsx" and args.output is None:
        raise UsageError("an Excel file cannot go to the screen: give -o FILE.xlsx")
    sidecar = provenance_json(evaluation, args.period) if args.format == "csv" else ""
    emit(_text(evaluation, args.format, args.period, args.excel), args.output, out, err, (args.input, evaluation.ruleset.path), sidecar)
    return OK


def _text(evaluation: Evaluation, fmt: str, period: str | None, excel: bool = False) -> str | bytes:
    """The output in format `fmt`; the renderers of the heavier formats are imported only when asked for."""
    if fmt == "json":
        return to_json(evaluation, period)
    if fmt == "csv":
        return ("\ufeff" if excel else "") + to_csv(evaluation, period)  # Excel reads UTF-8 only with a BOM
    if fmt == "xlsx":
        from .xlsx_out import to_xlsx

        return to_xlsx(evaluation, period)
    if fmt == "md":
        from .render_md import to_markdown

        return to_markdown(evaluation, period)
    if fmt == "html":
        from .render_html import to_html

        return to_html(evaluation, period)
    buffer = io.StringIO()
    render_table(evaluation, Console(file=buffer, width=10_000, color_system=None, highlight=False), period)
    return buffer.getvalue()


def cmd_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    refs = args.ruleset
    if len(refs) > 2 or (len(refs) == 1 and not args.set):
        raise UsageError("diff compares two rulesets: give -r OLD -r NEW, or -r OLD with --set changes (e.g. kaoping diff -r jintai-hotline --set timeliness.weight=45 --set completion.weight=30 INPUT)")
    old = load(args, refs[0], err, with_overrides=False)
    new = load(args, refs[-1], err, with_overrides=True)
    result = diff(evaluate_input(old, args.input, err, args.sheet), evaluate_input(new, args.input, err, args.sheet))
    view(args, out, err, (args.input, old.path, new.path), lambda: diff_json(result), lambda console: render_diff(result, console))
    return OK


def cmd_explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    ruleset = load(args, args.ruleset, err)
    out.write(render(explain(evaluate_input(ruleset, args.input, err, args.sheet), args.unit)))
    return OK


def cmd_new_version(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    path = new_version(rulesets_dir(args.rulesets), args.name, args.version, args.effective, args.source)
    load_ruleset(path, str(path))
    out.write(f"created {path} (a draft; edit it, then: kaoping release {args.name}@{args.version})\n")
    return OK


def cmd_release(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if "@" not in args.ref:
        raise UsageError(f"release takes NAME@VERSION, e.g. kaoping release {args.ref}@2025.01")
    name, _, version = args.ref.partition("@")
    found = exact(named(rulesets_dir(args.rulesets), name, args.ref), version, args.ref)
    ruleset = load_ruleset(found.path, str(found.path))
    failed = [o for o in run_all(ruleset, found.path.parent) if not o.passed]
    if failed:
        raise fail(str(found.path), f"{len(failed)} of its golden cases fail", f"kaoping test {args.ref} shows them; fix the ruleset, or update the case's expected file if the change is intended")
    entry = release(found)
    out.write(f"released {args.ref} (sha256 {entry.sha256[:12]}); its file must not change from now on\n")
    return OK


def cmd_test(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    root = rulesets_dir(args.rulesets)
    paths = [choose(ref, root).path for ref in args.refs] if args.refs else [f.path for f in find_all(root)]
    passed = failed = 0
    for path in paths:
        ruleset = load_ruleset(path, str(path))
        for outcome in run_all(ruleset, path.parent):
            word = "PASS" if outcome.passed else "FAIL"
            out.write(f"{word} {outcome.ruleset}: {outcome.case} ({outcome.units} units)\n")
            for failure in outcome.failures[:20]:
                out.write(f"    {failure}\n")
            passed, failed = passed + outcome.passed, failed + (not outcome.passed)
    out.write(f"{passed} passed, {failed} failed\n")
    return 1 if failed else OK


def cmd_combine(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Several periods' inputs, LABEL=PATH or PATH (labelled by its file name), combined as the ruleset declares."""
    ruleset = load(args, args.ruleset, err)
    labels, paths, evaluations = [], [], []
    for item in args.inputs:
        label, sep, path = item.partition("=")
        if not sep:
            label, path = Path(item).stem, item
        labels.append(label)
        paths.append(path)
        evaluations.append(evaluate_input(ruleset, path, err, args.sheet))
    combined = combine(ruleset, labels, evaluations)
    view(args, out, err, (*paths, ruleset.path), lambda: combined_json(combined), lambda console: render_combined(combined, console))
    return OK
