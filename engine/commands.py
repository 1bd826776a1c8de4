"""The CLI's commands, one function each: parsed arguments in, exit code out.

User mistakes are raised as KaopingError and rendered by cli.main; output
files are written only once the whole output exists (engine.files).
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import itertools
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import api
from .data.table import Record, input_size
from .digest import sha256_hex
from .errors import KaopingError, Problem, UsageError, fail, render_problems
from .evaluate.pipeline import stages
from .evaluate.ranking import Evaluation
from .files import Content, reason, text_of, write_files
from .frozen import frozen
from .i18n import _, current, n_
from .numbers import plain_number
from .outputs.formats import COMBINE_FORMATS, FORMAT_OF_SUFFIX, FORMATS, VIEW_FORMATS
from .outputs.layout import canonical_period
from .outputs.machine import provenance_json
from .outputs.notes import LINES_SHOWN, NAMES_SHOWN, capped, shortlist, told
from .ruleset.load import load_ruleset
from .ruleset.model import Ruleset
from .ruleset.resolve import (
    Found,
    exact,
    find_all,
    found_at,
    in_installed_package,
    is_path,
    named,
    rulesets_choice,
    visible_roots,
)
from .ruleset.versions import (
    LOCK_NAME,
    choose,
    effective_date,
    file_sha256,
    new_version,
    release,
    status,
    status_words,
    too_big,
)
from .ruleset.yamlsrc import MAX_BYTES

if TYPE_CHECKING:
    from rich.console import Console

    from .analysis.casetests import Outcome
    from .analysis.combine import How
    from .analysis.combineplan import Plan
    from .orders.run import OrdersRun

# Cold start: what only some commands need is imported inside the function that needs it, not here.  Rich's
# Console, Table and Progress, the terminal table and kaoping.analysis cost about as much to import as a
# month's `evaluate -f json` takes to run, and that command uses none of them (tests/test_cold_start.py).

OK = 0
WORKBOOKS = (".xlsx", ".xls", ".ods")  # the inputs read as workbooks (python-calamine), --sheet and #SHEET apply to


def console_for(stream: TextIO) -> Console:
    from rich.console import Console  # only a command drawing on the screen needs Rich's Console

    return Console(file=stream, highlight=False, soft_wrap=True)


def run_all(ruleset: Ruleset, folder: Path) -> list[Outcome]:
    """A ruleset's golden cases run (kaoping.analysis.casetests.run_all), imported only by the commands that run them."""
    from .analysis.casetests import run_all as run_cases

    return run_cases(ruleset, folder)


def load(args: argparse.Namespace, ref: str, err: TextIO, with_overrides: bool = True) -> api.Ruleset:
    """The ruleset `ref` names (with --as-of, --period and --set applied), saying which one was chosen and why.

    kaoping.load does the choosing and loading (engine.choosing's choice): a
    version kaoping picks is always said (and kept in `chosen`/`chosen_why`
    for the outputs); a version the user named exactly but that is not in
    effect on the day --period or --as-of gives is warned about (and kept in
    `not_in_effect`); a file calling itself a released version without its
    bytes is refused.  Each note is written at once, before loading can fail.
    """

    def say(line: str, once: bool) -> None:
        if once:
            say_once(args, err, f"{line}\n")
        else:
            err.write(f"{line}\n")

    return api.load(
        ref,
        as_of=getattr(args, "as_of", None),
        period=getattr(args, "period", None),
        rulesets=args.rulesets,
        overrides=(getattr(args, "set", None) or []) if with_overrides else (),
        tell=say,
        as_of_name="--as-of",
        exact_with_date=args.command == "diff",
    )


def say_once(args: argparse.Namespace, err: TextIO, line: str) -> None:
    """Write `line` unless this run has said it already: `diff -r X --set ...` loads X twice, and one
    choice told twice reads as two choices."""
    said: set[str] = args.__dict__.setdefault("_said", set())
    if line not in said:
        said.add(line)
        err.write(line)


def names_root(args: argparse.Namespace, err: TextIO, looks_up: bool = True) -> Path:
    """The folder names are looked up in; said when it is the shipped one by default and a name is looked up there."""
    root, note = rulesets_choice(args.rulesets)
    if note and looks_up:
        err.write(_("note: {text}", text=note) + "\n")
    return root


PROGRESS_ROWS = 50_000  # below this an evaluation takes about a second: no progress bar


def evaluate_input(
    ruleset: api.Ruleset,
    input_arg: str,
    err: TextIO,
    sheet: str | None = None,
    held: int = 0,
    orders: OrdersRun | None = None,
) -> Evaluation:
    """Evaluate one input file (kaoping.evaluate); a large one shows a progress bar on stderr (never in the output).

    `held` is the rows of this run's evaluations already in memory (diff and
    combine keep each one), for the up-front memory warning.  `orders` says how
    to count an order export (a ruleset with `orders:`): an export is far larger
    than a unit table may be, is read by DuckDB in bounded memory, and has its
    own size limit, so the unit table's size check and memory estimate are not
    applied to it.
    """
    path = Path(input_arg)
    if not _exists_at_all(path, input_arg):
        raise fail(
            input_arg,
            _("no such input file"),
            _("give the path of the month's CSV or Excel export"),
            code="file.not-found",
        )
    if sheet is not None and path.suffix.lower() not in WORKBOOKS:
        raise UsageError(
            _("--sheet is for a workbook (.xlsx, .xls, .ods) input; {input} is not one", input=input_arg),
            code="cli.sheet-not-xlsx",
        )
    if ruleset.model.orders is not None and path.is_file() and _is_export(ruleset, input_arg, sheet):
        result = api.evaluate(
            ruleset, path, orders.period if orders else None, sheet=sheet, display=input_arg, orders=orders
        )
        tell(err, result.evaluation)
        return result.evaluation
    input_size(path, input_arg)  # a folder, a FIFO or /dev/zero is told as what it is, not as missing
    rows = _rows(path, input_arg)  # read even when no bar is drawn: an unreadable file is told here, in its place
    warn_if_short_of_memory(held + rows, input_arg, err)
    if rows > PROGRESS_ROWS and _is_terminal(err):
        result = _with_progress_bar(ruleset, path, input_arg, err, sheet)
    else:
        result = api.evaluate(ruleset, path, sheet=sheet, display=input_arg)
    tell(err, result.evaluation)
    return result.evaluation


def _is_export(ruleset: api.Ruleset, input_arg: str, sheet: str | None) -> bool:
    from .orders.commands import is_export

    return is_export(ruleset.model, input_arg, sheet)


def orders_run(args: argparse.Namespace, ruleset: api.Ruleset) -> OrdersRun | None:
    """--period, --engine, --master and --input NAME=PATH as an OrdersRun (None for a ruleset without `orders:`
    or without --period); the orders package is imported only when a ruleset has `orders:` or those options
    are given (a unit-table run never needs it: tests/test_cold_start.py)."""
    if ruleset.model.orders is None and not (
        getattr(args, "engine", None) or getattr(args, "master", None) or getattr(args, "ledger", None)
    ):
        return None
    from .orders.commands import orders_run as run_of

    return run_of(args, ruleset.model)


def _with_progress_bar(ruleset: api.Ruleset, path: Path, input_arg: str, err: TextIO, sheet: str | None) -> api.Result:
    """kaoping.evaluate with a progress bar on the terminal `err` (Rich's Progress, imported only for a large input)."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    console = Console(file=err, highlight=False)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(_("scoring {name}", name=path.name), total=stages(ruleset.model))
        return api.evaluate(ruleset, path, sheet=sheet, display=input_arg, progress=lambda: bar.advance(task))


def tell(err: TextIO, evaluation: Evaluation) -> None:
    """What the reader and scoring want the user to hear, on stderr: the ignored columns, notes, warnings."""
    err.writelines(f"{line}\n" for line in told(evaluation, capped_at=LINES_SHOWN))


def _is_terminal(stream: TextIO) -> bool:
    """A progress bar is for a person watching; into a file or a pipe it would only leave a blank line."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _exists_at_all(path: Path, display: str) -> bool:
    """Path.exists (a folder or a device too: input_size says what it is), with a name the system
    cannot take (too long, say) told as the user's mistake."""
    try:
        return path.exists()
    except OSError as e:
        raise fail(
            display,
            _("cannot open the input file: {reason}", reason=reason(e)),
            _("check the file's name and folder"),
            code="file.cannot-open",
        ) from None


def _rows(path: Path, display: str) -> int:
    """estimated_rows, after the reader's own size check (a 1 GB file is refused before a byte is
    read), with a file that cannot be read (permissions) told as such."""
    input_size(path, display)
    try:
        return estimated_rows(path)
    except OSError as e:
        raise fail(
            display,
            _("cannot read the input file: {reason}", reason=reason(e)),
            _("check that you may read it (its permissions)"),
            code="file.unreadable",
        ) from None


def view(
    args: argparse.Namespace,
    out: TextIO,
    err: TextIO,
    inputs: tuple[str, ...],
    as_json: Callable[[], str],
    render: Callable[[Console], None],
) -> None:
    """-f json, or the rendering: on the screen (with colour), or its plain text in the file -o names."""
    if args.format == "json":
        emit(as_json(), args.output, out, err, inputs)
    elif args.output is None:
        render(console_for(out))
    else:
        from rich.console import Console  # not for -f json

        buffer = io.StringIO()
        render(Console(file=buffer, width=10_000, color_system=None, highlight=False))
        emit(buffer.getvalue(), args.output, out, err, inputs)


def refuse_screen(args: argparse.Namespace) -> None:
    """A file format (xlsx, docx, pdf) asked for without -o: a usage error, never bytes on the terminal."""
    if FORMATS[args.format].to_terminal or args.output is not None:
        return
    if args.format == "xlsx":
        raise UsageError(_("an Excel file cannot go to the screen: give -o FILE.xlsx"), code="cli.binary-to-terminal")
    raise UsageError(
        _(
            "-f {format} writes a file that cannot go to the screen: give -o FILE{suffix}",
            format=args.format,
            suffix=FORMATS[args.format].suffixes[0],
        ),
        code="cli.binary-to-terminal",
    )


def output_format(args: argparse.Namespace, allowed: Sequence[str], err: TextIO) -> str:
    """-f, else the format -o's file name ends in (.json .csv .xlsx .md .html), else the table.

    A -f that disagrees with the name is a usage error: a file named .xlsx
    holding a text table (or JSON named .csv) misleads whoever opens it.
    """
    suffix = Path(args.output).suffix.lower() if args.output else ""
    if suffix in (".xls", ".xlsm", ".xlsb"):
        raise UsageError(
            _(
                "kaoping writes Excel files as .xlsx, not {suffix}: name the file {stem}.xlsx",
                suffix=suffix,
                stem=Path(args.output).stem,
            ),
            code="cli.excel-suffix",
        )
    implied = FORMAT_OF_SUFFIX.get(suffix)
    if args.format and implied and args.format != implied:
        raise UsageError(
            _(
                "-f {format} and -o {output} disagree: a {suffix} file holds {implied}; "
                "drop -f (the name decides), or give -f {implied}, or name the file for {format}",
                format=args.format,
                output=args.output,
                suffix=suffix,
                implied=implied,
            ),
            code="cli.format-mismatch",
        )
    fmt = args.format or implied or "table"
    if fmt not in allowed:
        raise UsageError(
            _(
                "{command} writes {formats}, not {format} (-o {output}): name the file {suffixes}",
                command=args.command,
                suffixes=_either([*(FORMATS[f].suffixes[0] for f in allowed if FORMATS[f].suffixes), ".txt"]),
                formats=_either(allowed),
                format=fmt,
                output=args.output,
            ),
            code="cli.format-not-written",
        )
    if args.output and not args.format and not implied and suffix != ".txt":
        known = " ".join(s for s, f in FORMAT_OF_SUFFIX.items() if f in allowed)
        err.write(
            _(
                "note: writing the table as plain text to {output} (the name does not end in {known}; -f chooses another format)",
                output=args.output,
                known=known,
            )
            + "\n"
        )
    return fmt


def _either(choices: Sequence[str]) -> str:
    """table or json: the choices as one phrase, in the language in use."""
    if len(choices) == 2:
        return _("{first} or {second}", first=choices[0], second=choices[1])
    return _("{listed} or {last}", listed=_(", ").join(choices[:-1]), last=choices[-1])  # combine's six


def estimated_rows(path: Path) -> int:
    """Rows in a file, roughly and cheaply: its lines, or for a workbook its size over ~40 bytes a row."""
    if path.suffix.lower() in WORKBOOKS:
        return path.stat().st_size // 40
    with path.open("rb") as f:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
    return max(lines - 1, 0)  # the header row is not a unit


def emit(
    text: Content, output: str | None, out: TextIO, err: TextIO, inputs: tuple[str, ...] = (), sidecar: str = ""
) -> None:
    """`text` to the screen, or whole to the file `output` (with its `sidecar`, never over one of the run's `inputs`)."""
    if output is None:
        if isinstance(text, (str, bytes)):
            out.write(text if isinstance(text, str) else text.decode("utf-8"))
        else:
            for piece in text:
                out.write(text_of(piece))
        return
    files: list[tuple[Path, Content]] = [(Path(output), text)]
    if sidecar:
        files.append((Path(f"{output}.meta.json"), sidecar))
    write_files(files, protect=tuple(Path(i) for i in inputs))
    err.write("".join(_("wrote {path}", path=path) + "\n" for path, _content in files))


def cmd_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    root, note = rulesets_choice(args.rulesets)
    if note:
        err.write(_("note: {text}", text=note) + "\n")
    if not root.is_dir():
        raise fail(
            str(root),
            _("no such folder"),
            _("give --rulesets the folder that holds <name>/<version>.yaml files"),
            code="find.no-such-folder",
        )
    found = find_all(root)
    if not found:
        err.write(_("no rulesets under {folder}/", folder=root) + "\n")
        return OK
    from rich.console import Console  # only `list` draws a Rich table
    from rich.table import Table
    from rich.text import Text

    table = Table(_("ruleset"), _("version"), _("effective"), _("status"), _("title"), box=None, pad_edge=False)
    for f in found:
        title = _listed_title(f, args.rulesets)
        table.add_row(
            *(
                Text(x)
                for x in (
                    _listed_name(f.name),
                    f.version,
                    effective_date(f.path) or "",
                    status_words(status(f)),
                    title,
                )
            )
        )  # text, not Rich markup
    Console(file=out, highlight=False, soft_wrap=True, width=None if out.isatty() else 10_000).print(table)
    return OK


def _listed_name(name: str) -> str:
    """A ruleset's name in `list`'s first column: as it is in English; in Chinese in backticks, as the house style
    writes what is typed on the command line (`-r jintai-hotline`) amid Chinese text."""
    return f"`{name}`" if current() == "zh" else name


def _listed_title(f: Found, option: str | None) -> str:
    """A version's title for `list`, or why it is invalid and the command that shows why.

    The command names the version as `list` found it (name@version, with --rulesets when one was given),
    so it checks the file the same way; a file too big to be a ruleset is never read.
    """
    import shlex  # only `list` quotes a folder

    again = f"kaoping validate {f.name}@{f.version}" + (f" --rulesets {shlex.quote(option)}" if option else "")
    if too_big(f.path):
        return _("INVALID (over {kb} kB, too big for a ruleset): {again}", kb=MAX_BYTES // 1000, again=again)
    try:
        return load_ruleset(f.path, str(f.path), expect=f).title
    except KaopingError as e:
        n = len(e.problems)
        return n_("INVALID ({n} error): {again}", "INVALID ({n} errors): {again}", n, n=n, again=again)


def cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    problems: list[Problem] = []
    total = 0  # every ruleset's own count: each shows at most its first 100 problems
    for ref in args.rulesets_to_check:
        try:
            ruleset = load(args, ref, err).model
            n = len(ruleset.indicators)
            out.write(
                n_(
                    "{path}: ok ({label}, {n} indicator)",
                    "{path}: ok ({label}, {n} indicators)",
                    n,
                    path=ruleset.path,
                    label=ruleset.label,
                    n=n,
                )
                + "\n"
            )
        except KaopingError as e:
            problems += e.problems
            total += e.total
    if problems:
        error = KaopingError(problems)
        error.total = total
        raise error
    return OK


def cmd_evaluate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    args.format = output_format(args, EVALUATE_FORMATS, err)
    if args.excel and args.format != "csv":
        raise UsageError(
            _("--excel is for -f csv (a CSV that Excel opens); this writes {format}", format=args.format),
            code="cli.excel-needs-csv",
        )
    ruleset = load(args, args.ruleset, err)
    evaluation = evaluate_input(ruleset, args.input, err, args.sheet, orders=orders_run(args, ruleset))
    if args.format == "table" and args.output is None:
        from .outputs.table import render_table  # the screen's table: Rich's Console, not needed for a file format

        render_table(evaluation, console_for(out), args.period)
        return OK
    refuse_screen(args)
    sidecar = provenance_json(evaluation, args.period) if args.format == "csv" else ""
    emit(
        _text(evaluation, args.format, args.period, args.excel),
        args.output,
        out,
        err,
        (args.input, evaluation.ruleset.path),
        sidecar,
    )
    return OK


EVALUATE_FORMATS = tuple(FORMATS)


def _text(evaluation: Evaluation, fmt: str, period: str | None, excel: bool = False) -> Content:
    """The output in format `fmt`, in pieces where the format streams; --excel puts a BOM before CSV text, as
    Excel reads UTF-8 only with one."""
    streamer = FORMATS[fmt].stream
    if streamer is None:
        return api.render(api.Result(evaluation, period), fmt)
    pieces = streamer(evaluation, period)
    return itertools.chain(["\ufeff"], pieces) if excel else pieces


def cmd_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    refs = args.ruleset
    if args.scenario:
        return _diff_scenarios(args, out, err)
    if len(refs) > 2 or (len(refs) == 1 and not args.set):
        raise UsageError(
            _(
                "diff compares two rulesets: give -r OLD -r NEW, or -r OLD with --set changes (e.g. kaoping diff -r jintai-hotline --set timeliness.weight=45 --set completion.weight=30 INPUT)"
            ),
            code="cli.diff-needs-two",
        )
    args.format = output_format(args, COMBINE_FORMATS, err)  # the documents too (issue 13, item 6)
    refuse_screen(args)
    old = load(args, refs[0], err, with_overrides=False)
    new = load(args, refs[-1], err, with_overrides=True)
    before = evaluate_input(old, args.input, err, args.sheet, orders=orders_run(args, old))
    after = evaluate_input(
        new, args.input, err, args.sheet, held=len(before.table.records), orders=orders_run(args, new)
    )
    result = api.diff(api.Result(before), api.Result(after))
    from .outputs.diff import diff_json_chunks, render_diff  # the diff's outputs, only for `diff`

    inputs = (args.input, old.model.path, new.model.path)
    if args.format in ("xlsx", "html", "docx", "pdf"):  # the diff as a comparison of one scenario, the new ruleset
        from .outputs.compare import render as render_comparison

        emit(render_comparison(result, args.format), args.output, out, err, inputs)
        return OK
    if args.format == "json":  # api.render(result, "json")'s text, a block of units at a time (as evaluate's)
        emit(diff_json_chunks(result), args.output, out, err, inputs)
        return OK
    view(args, out, err, inputs, lambda: api.render(result, "json"), lambda console: render_diff(result, console))
    return OK


def _diff_scenarios(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """`diff -r ADOPTED --scenario 'NAME: KEY=VALUE, ...' ...`: each scenario side by side with the adopted ruleset."""
    from .analysis import scenarios
    from .outputs.compare import render as render_comparison

    plans = scenarios.parse(args.scenario)  # a scenario written wrong: exit 2, before anything is read
    if len(args.ruleset) != 1 or args.set:
        raise UsageError(
            _(
                "--scenario compares scenarios with one adopted ruleset: give -r once, and the changes in each --scenario"
            ),
            code="cli.scenario-one-ruleset",
        )
    args.format = output_format(args, COMBINE_FORMATS, err)
    refuse_screen(args)
    adopted = load(args, args.ruleset[0], err, with_overrides=False)
    before = evaluate_input(adopted, args.input, err, args.sheet, orders=orders_run(args, adopted))
    runs = []
    for plan in plans:
        ruleset = scenarios.apply(adopted, plan)
        held, run = len(before.table.records), orders_run(args, ruleset)
        runs.append((plan, evaluate_input(ruleset, args.input, err, args.sheet, held=held, orders=run)))
    text = render_comparison(scenarios.compare(before, runs), args.format)
    emit(text, args.output, out, err, (args.input, adopted.model.path))
    return OK


SENSITIVITY_FORMATS = ("table", "json", "html")


def cmd_sensitivity(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """How far each weight, and each input of the lower unit of each adjacent pair, can move before the
    published table changes (engine/analysis/sensitivity.py; imported only for this command)."""
    args.format = output_format(args, SENSITIVITY_FORMATS, err)
    ruleset = load(args, args.ruleset, err)
    evaluation = evaluate_input(ruleset, args.input, err, args.sheet, orders=orders_run(args, ruleset))
    from .analysis.sensitivity import sensitivity
    from .outputs import sensitivity as shown

    found = sensitivity(ruleset.model, evaluation, args.weight or (), args.rebalance)
    for line in found.notes:
        err.write(_("note: {text}", text=line) + "\n")
    inputs = (args.input, ruleset.model.path)
    if args.format == "html":
        from .outputs.sensitivity_html import to_html

        emit(to_html(found), args.output, out, err, inputs)
        return OK
    view(args, out, err, inputs, lambda: shown.to_json(found), lambda console: shown.render_table(found, console))
    return OK


def cmd_explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """How one unit's score came about; for an order export, first how each of its counts came about
    (the funnel), or with --orders MEASURE the orders behind one count."""
    args.format = output_format(args, VIEW_FORMATS, err)
    ruleset = load(args, args.ruleset, err)
    run = orders_run(args, ruleset)
    exported = (
        ruleset.model.orders is not None and Path(args.input).is_file() and _is_export(ruleset, args.input, args.sheet)
    )
    if args.orders or args.left_out:
        from .orders.commands import check_orders_option

        check_orders_option(args, exported and run is not None)
    result = api.Result(evaluate_input(ruleset, args.input, err, args.sheet, orders=run))
    explanation = api.explain(result, _unit_named(ruleset, args.unit))
    text = api.render(explanation)
    if exported and run is not None:
        from .orders.commands import explain_export

        explain_export(args, out, err, ruleset, run, explanation.unit.entity, text)
        return OK
    if args.format == "json":
        text = json.dumps({"unit": explanation.unit.entity, "explanation": text}, ensure_ascii=False, indent=2) + "\n"
    emit(text, args.output, out, err, (args.input, ruleset.model.path))
    return OK


def _unit_named(ruleset: api.Ruleset, unit: str) -> str:
    """UNIT as given, or the unit an alias of orders.units names (区人社局 for 区人力资源和社会保障局)."""
    orders = ruleset.model.orders
    aliases = {a: u.name for u in (orders.units or ()) for a in u.aliases} if orders is not None else {}
    return aliases.get(unit, unit)


def cmd_count(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """kaoping count (engine/orders/commands.py: imported only for an order export's commands)."""
    from .orders.commands import cmd_count as count

    return count(args, out, err)


def cmd_sql(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """kaoping sql (engine/orders/commands.py)."""
    from .orders.commands import cmd_sql as sql

    return sql(args, out, err)


def cmd_new_version(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    root, note = rulesets_choice(args.rulesets)
    if (
        note
    ):  # no rulesets of the user's own: start ./rulesets from the shipped version, never write into the shipped ones
        home = Path("rulesets")
        if home.exists():
            raise fail(
                str(home),
                _("this is not a folder, so kaoping cannot keep your rulesets in it"),
                _("move it away, or give --rulesets DIR"),
                code="file.not-a-folder",
            )
        made = new_version(root, args.name, args.version, args.effective, args.source, copy_to=home)
    else:
        refuse_installed_package(root, "new-version")
        made = new_version(root, args.name, args.version, args.effective, args.source)
    load_ruleset(made.path, str(made.path))
    if made.written and made.copied_from is not None and not note:
        out.write(
            _(
                "{folder}/ had no {name}: started {started}/ from the rulesets kaoping ships with ({source}), and wrote:",
                folder=made.path.parent.parent,
                name=args.name,
                started=made.path.parent,
                source=made.copied_from,
            )
            + "\n"
        )
        out.writelines("  " + _("{path}: {what}", path=path, what=what) + "\n" for path, what in made.written)
    elif made.written:
        out.write(
            _(
                "no --rulesets, $KAOPING_RULESETS or ./rulesets here: made {folder}/ for your versions "
                "(kaoping never writes into the rulesets it ships with, {shipped}), and wrote:",
                folder=made.path.parent,
                shipped=root,
            )
            + "\n"
        )
        out.writelines("  " + _("{path}: {what}", path=path, what=what) + "\n" for path, what in made.written)
    out.write(
        _(
            "created {path}: a draft copied from {base} ({base_why}), "
            "effective {effective} ({effective_why}); "
            "edit it, check it (kaoping test {ref}), then: kaoping release {ref}",
            path=made.path,
            base=f"{made.base.name}@{made.base.version}",
            base_why=made.base_why,
            effective=made.effective,
            effective_why=made.effective_why,
            ref=f"{args.name}@{args.version}",
        )
        + "\n"
    )
    return OK


def refuse_installed_package(root: Path, command: str) -> None:
    """A rulesets folder inside the installed kaoping package is never written to: a reinstall would lose it."""
    if in_installed_package(root):
        raise UsageError(
            _(
                "{command} writes only where your rulesets live, and {root} is inside the installed kaoping package "
                "(a reinstall would lose what is written there): make a new version in ./rulesets "
                "(kaoping new-version NAME VERSION, run where ./rulesets is or is to be, copies NAME there)",
                command=command,
                root=root,
            ),
            code="cli.installed-package",
        )


def cmd_release_root(args: argparse.Namespace, name: str) -> Path:
    """The rulesets folder release writes the lock into: the user's own, never the rulesets kaoping ships with."""
    root, note = rulesets_choice(args.rulesets)
    if note:
        raise UsageError(
            _(
                "release writes the release lock beside the version, and with no --rulesets, $KAOPING_RULESETS or ./rulesets here "
                "{ref} would be the one shipped with kaoping ({root}), which kaoping never writes into: make a new version "
                "in ./rulesets (kaoping new-version {name} VERSION copies {name} there) and release that",
                ref=args.ref,
                root=root,
                name=name,
            ),
            code="cli.shipped-rulesets",
        )
    refuse_installed_package(root, "release")
    return root


def cmd_release(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if "@" not in args.ref:
        raise UsageError(
            _("release takes NAME@VERSION, e.g. kaoping release {ref}@2025.01", ref=args.ref),
            code="cli.release-needs-version",
        )
    name, _at, version = args.ref.partition("@")
    found = exact(named(cmd_release_root(args, name), name, args.ref), version, args.ref)
    ruleset = load_ruleset(found.path, str(found.path), expect=found)
    failed = [o for o in run_all(ruleset, found.path.parent) if not o.passed]
    if failed:
        raise fail(
            str(found.path),
            n_(
                "{n} of its golden cases fail",
                "{n} of its golden cases fail",
                len(failed),
                n=len(failed),
            ),
            _(
                "kaoping test {ref} shows them; fix the ruleset, or update the case's expected file if the change is intended",
                ref=args.ref,
            ),
            code="version.cases-fail",
        )
    entry = release(found)
    lock = found.path.parent / LOCK_NAME
    out.write(
        _(
            "released {ref} (sha256 {sha256}), recorded in {lock}; its file must not change from now on",
            ref=args.ref,
            sha256=entry.sha256[:12],
            lock=lock,
        )
        + "\n"
    )
    return OK


MISMATCHES_SHOWN = 20


def _chosen(ref: str, root: Path, roots: tuple[Path, ...], err: TextIO) -> tuple[Path, Found | None]:
    """The file a RULESET argument of `kaoping test` means (saying which version a bare name picked),
    and where it lies when that is a rulesets folder, for the same name/version check as `list`'s."""
    choice = choose(ref, root)
    if choice.note:
        err.write(_("note: {text}", text=choice.note) + "\n")
    return choice.path, choice.found or found_at(choice.path, roots)


def cmd_test(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.update is not None:
        return _update_cases(args, out, err)
    root = names_root(args, err, looks_up=not args.refs or not all(is_path(r) for r in args.refs))
    roots = visible_roots(args.rulesets)
    paths = (
        [_chosen(ref, root, roots, err) for ref in args.refs] if args.refs else [(f.path, f) for f in find_all(root)]
    )
    passed = failed = 0
    for path, found in paths:
        ruleset = load_ruleset(path, str(path), expect=found)
        for outcome in run_all(ruleset, path.parent):
            fields = {"ruleset": outcome.ruleset, "case": outcome.case, "n": outcome.units}
            if outcome.passed:
                line = n_(
                    "PASS {ruleset}: {case} ({n} unit)", "PASS {ruleset}: {case} ({n} units)", outcome.units, **fields
                )
            else:
                line = n_(
                    "FAIL {ruleset}: {case} ({n} unit)", "FAIL {ruleset}: {case} ({n} units)", outcome.units, **fields
                )
            out.write(line + "\n")
            refused = (render_problems(outcome.refused.problems, outcome.refused.total),) if outcome.refused else ()
            for failure in (*refused, *capped(outcome.failures, MISMATCHES_SHOWN, "mismatches")):
                out.write(f"    {failure}\n")
            passed, failed = passed + outcome.passed, failed + (not outcome.passed)
    out.write(_("{passed} passed, {failed} failed", passed=passed, failed=failed) + "\n")
    return 1 if failed else OK


def _update_cases(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """kaoping test --update NAME@VERSION: a draft's expected files rewritten from its current output.

    Everything is planned (every case run, every change listed) before any
    file is written, and the files are written together, whole
    (engine.files): a refused input, two cases disagreeing about a shared
    file, or a failed write leaves every expected file as it was.
    """
    found = _update_target(args, err)
    ruleset = load_ruleset(found.path, str(found.path), expect=found)
    from .analysis.casetests import listing, plan_updates

    updates = plan_updates(ruleset, found.path.parent)
    _refuse_shared_expected(found, [u.path for u in updates if u.changed])
    out.write(_("{ref}: what its golden cases now give, against their expected files", ref=args.update) + "\n")
    for update in updates:
        out.write("".join(f"  {line}\n" for line in listing(update)))
    written = [u for u in updates if u.changed]
    if written:
        write_files([(u.path, u.text) for u in written])
    rows = sum(len(u.changes) for u in written)
    out.write(
        n_(
            "rewrote {n} expected file ({rows} rows changed); kaoping test {ref} now passes",
            "rewrote {n} expected files ({rows} rows changed); kaoping test {ref} now passes",
            len(written),
            n=len(written),
            rows=rows,
            ref=args.update,
        )
        if written
        else _("nothing to rewrite: every expected file matches; nothing written")
    )
    out.write("\n")
    return OK


def _update_target(args: argparse.Namespace, err: TextIO) -> Found:
    """The one draft --update names, as NAME@VERSION; anything else is a usage error, a released version refused."""
    ref: str = args.update
    if args.refs or "@" not in ref or is_path(ref):
        raise UsageError(
            _(
                "--update takes exactly one NAME@VERSION, a draft, and no other RULESET, e.g. kaoping test --update {example}",
                example=ref if "@" in ref and not is_path(ref) else "jintai-hotline@2025.01",
            ),
            code="cli.update-needs-version",
        )
    root = names_root(args, err)
    refuse_installed_package(root, "test --update")
    name, _at, version = ref.partition("@")
    found = exact(named(root, name, ref), version, ref)
    if status(found) != "draft":
        raise fail(
            str(found.path),
            _("{ref} is released: its golden cases and their expected files stay as they were released", ref=ref),
            _(
                "make a new version with kaoping new-version {name} VERSION, change that, and update its cases",
                name=name,
            ),
            code="version.released-update",
        )
    return found


def _refuse_shared_expected(found: Found, paths: list[Path]) -> None:
    """An expected file another version's cases name too (a draft still pointing at its parent's) is not
    rewritten: the released parent's case would then fail."""
    mine = {p.resolve(): p for p in paths}
    for other in named(found.path.parent.parent, found.name, found.name):
        if other.version == found.version:
            continue
        try:
            theirs = load_ruleset(other.path, str(other.path), expect=other)
        except KaopingError:
            continue  # a version that does not load runs no case: nothing of it to break
        for case in theirs.tests:
            shared = mine.get((other.path.parent / case.expect).resolve())
            if shared is not None:
                raise fail(
                    str(shared),
                    _(
                        "{ref}@{version}'s golden case '{case}' expects this file too: rewriting it would break that case",
                        ref=found.name,
                        version=other.version,
                        case=case.name,
                    ),
                    _(
                        "copy it to cases/{version}/ and point this draft's expect: there, then update again",
                        version=found.version,
                    ),
                    code="version.update-shared-case",
                )


def cmd_combine(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Several periods' inputs, LABEL=PATH[#SHEET] or PATH[#SHEET], combined as the ruleset or a plan declares.

    With a bare ruleset name and every label a month, each month is scored under
    the version in effect then (a year can cross a policy change); name@version
    or a path keeps one version for every month.
    """
    args.format = output_format(args, COMBINE_FORMATS, err)
    refuse_screen(args)
    items = period_inputs(args.inputs, args.sheet, err)
    _refuse_same_bytes(items)
    from .analysis import combineplan  # only for `combine`

    plan = combineplan.load_plan(_plan_path(args.plan, args.rulesets)) if args.plan else None
    ref = args.ruleset or (plan.ruleset if plan else None)
    if ref is None:
        raise UsageError(
            _("combine needs the ruleset: -r RULESET, or a plan naming it (--plan FILE)"), code="cli.combine-no-ruleset"
        )
    rulesets = _period_rulesets(args, ref, items, err)
    combining = max(rulesets, key=lambda r: r.model.effective)  # the rules in force when the year is published
    if combining.model.orders is not None:
        from .orders.commands import refuse_export_in_combine

        for item, ruleset in zip(items, rulesets, strict=True):
            if _exists(item.path):
                refuse_export_in_combine(ruleset.model, item.path, item.sheet)
    if len({r.model.ref for r in rulesets}) == 1:
        for line in _months_not_in_effect(combining.model, items):
            err.write(_("warning: {text}", text=line) + "\n")
    evaluations: list[Evaluation] = []
    for item, ruleset in zip(items, rulesets, strict=True):
        evaluations.append(
            evaluate_input(ruleset, item.path, err, item.sheet, held=sum(len(e.table.records) for e in evaluations))
        )
    _refuse_same_tables(items, evaluations)
    from .analysis.combine import combine, combined_json, render_combined  # only for `combine`

    how = _combine_how(args, plan, combining.model)
    combined = combine(combining.model, [item.label for item in items], evaluations, how)
    for line in combined.warnings:
        err.write(_("warning: {text}", text=line) + "\n")
    for line in capped(combined.notes, LINES_SHOWN, "notes"):
        err.write(_("note: {text}", text=line) + "\n")
    inputs = (*(item.path for item in items), combining.model.path)
    if args.format in ("xlsx", "html", "docx", "pdf"):
        from .analysis.combine import combined_grid
        from .outputs import grid

        writers: dict[str, Callable[[grid.Grid], str | bytes]] = {
            "xlsx": grid.to_xlsx,
            "html": grid.to_html,
            "docx": grid.to_docx,
            "pdf": grid.to_pdf,
        }
        emit(writers[args.format](combined_grid(combined)), args.output, out, err, inputs)
        return OK
    view(args, out, err, inputs, lambda: combined_json(combined), lambda console: render_combined(combined, console))
    return OK


def _combine_how(args: argparse.Namespace, plan: Plan | None, model: Ruleset) -> How:
    """The combine's declaration: the plan's (checked against the combining version), else the ruleset's own,
    with the --aliases table's names added to either."""
    from .analysis import combineplan
    from .analysis.combine import declared

    aliases = combineplan.read_aliases(args.aliases) if args.aliases else {}
    given = dict(_value_arg(v) for v in args.value or ())
    if plan is None:
        if given:
            raise UsageError(
                _("--value is read by a plan's formula: give the plan too, --plan FILE"), code="cli.value-without-plan"
            )
        how = declared(model)
        return dataclasses.replace(how, aliases=aliases, source=args.aliases or how.source) if aliases else how
    unknown = sorted(set(given) - set(plan.values))
    if unknown:
        raise UsageError(
            _(
                "--value {name}=...: the plan {plan} reads no value {name} (it reads: {names})",
                name=unknown[0],
                plan=plan.src.file,
                names=", ".join(plan.values) or "—",
            ),
            code="cli.value-unknown",
        )
    values, files = combineplan.plan_values(plan, given)
    return combineplan.plan_how(plan, model, aliases, values, files)


def _plan_path(plan: str, rulesets: str | None) -> str:
    """A plan's file: a path as given, or NAME/PLAN (jintai-hotline/2024) for a ruleset's own combine/PLAN.yaml,
    looked up where ruleset names are (so an installed kaoping finds the shipped plan too)."""
    if _exists(plan) or not re.fullmatch(r"[\w.-]+/[\w.-]+", plan):
        return plan
    name, stem = plan.split("/")
    for root in visible_roots(rulesets):
        candidate = root / name / "combine" / f"{stem}.yaml"
        if candidate.is_file():
            return str(candidate)
    return plan  # reading it says it is not there


def _value_arg(text: str) -> tuple[str, str]:
    name, sep, path = text.partition("=")
    if not sep or not name or not path:
        raise UsageError(
            _("'--value {text}': write --value NAME=FILE, e.g. --value review=review.csv", text=text),
            code="cli.value-syntax",
        )
    return name, path


def _period_rulesets(
    args: argparse.Namespace, ref: str, items: Sequence[PeriodInput], err: TextIO
) -> list[api.Ruleset]:
    """The version scoring each period: with a bare name and every label a month, the version in effect that
    month (said in one note); else one version for all, chosen and said as every command does."""
    months = [_label_month(item, ref, args.as_of) for item in items]
    if is_path(ref) or "@" in ref or None in months or args.as_of:
        one = load(args, ref, err)  # --as-of picks one version for every month, as before
        return [one] * len(items)
    loaded: dict[str, api.Ruleset] = {}
    chosen: list[api.Ruleset] = []
    for item, month in zip(items, months, strict=True):
        try:
            ruleset = api.load(ref, period=month, rulesets=args.rulesets, overrides=args.set or ())
        except KaopingError as e:
            raise KaopingError([_at_label(p, item, ref, month or "") for p in e.problems]) from None
        for line in ruleset.notes:
            if not ruleset.model.chosen_why or not line.endswith(ruleset.model.chosen_why):
                say_once(args, err, line + "\n")  # e.g. where names are looked up; the month's choice is said below
        chosen.append(loaded.setdefault(ruleset.model.ref, ruleset))
    parts: dict[str, list[str]] = {}
    for item, ruleset in zip(items, chosen, strict=True):
        parts.setdefault(ruleset.model.ref, []).append(item.label)
    said = "; ".join(_("{ref} for {months}", ref=r, months=", ".join(ls)) for r, ls in parts.items())
    err.write(
        _("note: each month scored under the version of {name} in effect then: {parts}", name=ref, parts=said) + "\n"
    )
    _refuse_not_comparable(items, chosen)
    return chosen


def _at_label(problem: Problem, item: PeriodInput, ref: str, month: str) -> Problem:
    """A version problem of one month, placed at that month's label (combine has no --period to name)."""
    if not problem.code.startswith("version."):
        return problem  # the ruleset's own mistake (or a --set's): in its own place
    if problem.code != "version.none-in-effect":
        return dataclasses.replace(problem, file=item.label)
    message = _(
        "no released version of {name} was in effect in {month} (on its first day, {month}-01) for {input}",
        name=ref,
        month=month,
        input=item.shown,
    )
    return dataclasses.replace(problem, file=item.label, message=message)


def _label_month(item: PeriodInput, ref: str, args_as_of: str | None) -> str | None:
    """The month a label names (2024-01), None for another label (1月, q1); a label that tries to be a month and
    is not one (2024-13) is refused when the version is to be picked by it."""
    try:
        return canonical_period(item.label)
    except ValueError:
        if is_path(ref) or "@" in ref or args_as_of or not re.fullmatch(r"\d{4}-\d{1,2}", item.label):
            return None
        raise fail(
            item.label,
            _(
                "'{label}' is not a month, so no version of {name} can be picked for it ({input})",
                label=item.label,
                name=ref,
                input=item.shown,
            ),
            _(
                "label each input with its month, YYYY-MM: 2024-01=jan.csv; or name one version: -r {name}@VERSION",
                name=ref,
            ),
            code="combine.bad-month",
        ) from None


def _refuse_not_comparable(items: Sequence[PeriodInput], rulesets: Sequence[api.Ruleset]) -> None:
    """Months scored out of different full marks, or keyed on different units, cannot be averaged into one score."""
    first_item, first = items[0], rulesets[0].model
    for item, ruleset in zip(items, rulesets, strict=True):
        model = ruleset.model
        if (model.total.max, model.key) == (first.total.max, first.key):
            continue
        raise fail(
            item.label,
            _(
                "{ref} ({label}) scores out of {max} by {key}, {first_ref} ({first_label}) out of {first_max} by "
                "{first_key}: their scores cannot be combined into one",
                ref=model.ref,
                label=item.label,
                max=plain_number(model.total.max),
                key=model.key,
                first_ref=first.ref,
                first_label=first_item.label,
                first_max=plain_number(first.total.max),
                first_key=first.key,
            ),
            _("combine the months of each version apart, or name one version for all: -r {ref}", ref=model.ref),
            code="combine.not-comparable",
        )


@frozen
class PeriodInput:
    """One period of `combine`: its label, its file, the sheet to read (None: the first, or not a
    workbook), and whether the label and the sheet were the user's own or kaoping's choice."""

    label: str
    path: str
    sheet: str | None
    labelled: bool
    own_sheet: bool

    @property
    def shown(self) -> str:
        return f"{self.path}#{self.sheet}" if self.sheet else self.path


def period_inputs(items: Sequence[str], sheet: str | None, err: TextIO) -> list[PeriodInput]:
    """Each [LABEL=]PATH[#SHEET]; a label or sheet kaoping supplies is said on stderr."""
    parsed = [period_input(item, sheet) for item in items]
    unlabelled = [p for p in parsed if not p.labelled]
    if unlabelled:
        shown = shortlist(
            [_("{label} ({input})", label=p.label, input=p.shown) for p in unlabelled], NAMES_SHOWN, width=1_000
        )
        if any(p.own_sheet for p in unlabelled):
            said = _(
                "note: periods labelled by their sheet or file names: {shown} (write LABEL=FILE to choose)", shown=shown
            )
        else:
            said = _("note: periods labelled by their file names: {shown} (write LABEL=FILE to choose)", shown=shown)
        err.write(said + "\n")
    if sheet is not None:
        took = [p.path for p in parsed if p.sheet == sheet and not p.own_sheet]
        if not took:
            raise UsageError(
                _("--sheet is for workbook (.xlsx, .xls, .ods) inputs, and no input without its own #SHEET is one"),
                code="cli.sheet-not-xlsx",
            )
        err.write(
            _("note: --sheet {sheet} read from {files}", sheet=sheet, files=shortlist(took, NAMES_SHOWN, width=1_000))
            + "\n"
        )
    return parsed


def period_input(item: str, sheet: str | None) -> PeriodInput:
    """LABEL=PATH#SHEET, each part optional; an argument that exists as a file is a file, '=' and '#' and all."""
    label, sep, rest = item.partition("=")
    if not sep or _exists(item):
        label, rest = "", item
    elif not label:
        raise UsageError(
            _("'{item}' has an empty label: write LABEL=FILE, e.g. 2024-01={rest}", item=item, rest=rest),
            code="cli.empty-label",
        )
    path, own = _split_sheet(rest)
    chosen = own if own is not None else (sheet if path.lower().endswith(WORKBOOKS) else None)
    return PeriodInput(label or own or Path(path).stem, path, chosen, bool(label), own is not None)


SHEET_SUFFIX = r"(.+?\.(?:xlsx|xls|ods))#(.*)"  # compiled by re (and kept in its cache) when `combine` first reads one, not at import


def _split_sheet(text: str) -> tuple[str, str | None]:
    """book.xlsx#1月 -> (book.xlsx, 1月); a path that exists as a file is a file, '#' and all."""
    m = re.fullmatch(SHEET_SUFFIX, text, re.IGNORECASE | re.DOTALL)
    if m is None or _exists(text):
        return text, None
    if not m.group(2):
        raise UsageError(
            _("'{text}' has no sheet name after '#': write {book}#SHEET, e.g. {book}#1月", text=text, book=m.group(1)),
            code="cli.empty-sheet",
        )
    return m.group(1), m.group(2)


def _exists(text: str) -> bool:
    try:
        return Path(text).is_file()
    except OSError:
        return False


def _refuse_same_bytes(items: Sequence[PeriodInput]) -> None:
    """Two periods reading the same bytes (and the same sheet) would count one month twice."""
    seen: dict[tuple[str, str | None], PeriodInput] = {}
    for item in items:
        if not _exists(item.path):
            continue  # evaluate_input says so, in its place
        try:
            key = (file_sha256(Path(item.path)), item.sheet)
        except OSError:
            continue  # unreadable: evaluate_input says so
        if key in seen:
            raise _same_input(seen[key], item, key[0])
        seen[key] = item


def _refuse_same_tables(items: Sequence[PeriodInput], evaluations: Sequence[Evaluation]) -> None:
    """The same check once read, on the records themselves: book.xlsx and book.xlsx#Sheet1 are the
    same first sheet, and a sheet copied to another (3月 a copy of 1月) or a file saved twice (GBK and
    UTF-8) holds the same month under other bytes.  Two real months never agree in every value."""
    seen: dict[str, PeriodInput] = {}
    for item, evaluation in zip(items, evaluations, strict=False):
        digest = records_digest(evaluation.table.records)
        if digest in seen:
            first = seen[digest]
            if _same_read(evaluations[items.index(first)], evaluation):
                raise _same_input(first, item, evaluation.table.sha256)
            raise fail(
                item.shown,
                _(
                    "periods '{first}' ({first_shown}) and '{second}' ({second_shown}) hold the same records "
                    "(every unit's input values are equal; digest {digest}): one period's data would count twice",
                    first=first.label,
                    first_shown=first.shown,
                    second=item.label,
                    second_shown=item.shown,
                    digest=digest[:12],
                ),
                _(
                    "check that each period is its own month's data (a sheet copied and not yet filled in?); "
                    "for a workbook with one sheet per month, name each sheet: 1月=book.xlsx#1月 2月=book.xlsx#2月"
                ),
                code="combine.same-records",
            )
        seen[digest] = item


def _same_read(a: Evaluation, b: Evaluation) -> bool:
    """The same bytes read the same way (the same sheet of one workbook, named or by default)."""
    return (a.table.sha256, a.table.sheet) == (b.table.sha256, b.table.sheet)


def records_digest(records: Sequence[Record]) -> str:
    """The sha256 of every unit's input values, whatever order the rows are in and whatever bytes held them."""
    lines = sorted(json.dumps(sorted(r.values.items()), ensure_ascii=False) for r in records)
    return sha256_hex("\n".join(lines).encode("utf-8"))


def _same_input(first: PeriodInput, second: PeriodInput, sha256: str) -> KaopingError:
    fields = {
        "first": first.label,
        "first_shown": first.shown,
        "second": second.label,
        "second_shown": second.shown,
        "sha256": sha256[:12],
    }
    if first.path.lower().endswith(WORKBOOKS):
        message = _(
            "periods '{first}' ({first_shown}) and '{second}' ({second_shown}) are the same sheet of the same workbook (sha256 {sha256}): one period's data would count twice",
            **fields,
        )
    else:
        message = _(
            "periods '{first}' ({first_shown}) and '{second}' ({second_shown}) are the same bytes (sha256 {sha256}): one period's data would count twice",
            **fields,
        )
    return fail(
        second.shown,
        message,
        _(
            "give each period its own file; for a workbook with one sheet per month, name each sheet: 1月=book.xlsx#1月 2月=book.xlsx#2月"
        ),
        code="combine.same-input",
    )


def _months_not_in_effect(ruleset: Ruleset, items: Sequence[PeriodInput]) -> list[str]:
    """For periods labelled as months (2024-01=jan.csv), each month the ruleset's version was not yet in effect."""
    found = []
    for item in items:
        try:
            month = canonical_period(item.label)
        except ValueError:
            continue
        if ruleset.effective > f"{month}-01":
            found.append(
                _(
                    "{ref} takes effect on {effective}, after the period {month} ({input})",
                    ref=ruleset.ref,
                    effective=ruleset.effective,
                    month=month,
                    input=item.shown,
                )
            )
    return found


# measured with /usr/bin/time -v (maximum RSS), the seed ruleset, `-f json -o`, rows of the seed's seven columns,
# through the columnar core (issue 10): 100,000 rows 343 MB, 1,000,000 rows 613 MB; 0.6 kB a row, rounded up.
# (The row path it replaced took 7.3 kB a row; a CSV the columnar reader hands back to the reference reader, for a
# bad cell, still takes about that much while the reference reads and reports it.)
BYTES_PER_ROW = 1_000
BASE_BYTES = 50_000_000  # Python, the libraries and the ruleset (32 MB measured), rounded up


def memory_needed(rows: int) -> int:
    """Roughly the memory scoring `rows` rows takes (see BYTES_PER_ROW)."""
    return BASE_BYTES + rows * BYTES_PER_ROW


def available_memory() -> int | None:
    """The memory this run may use: the smaller of MemAvailable (/proc/meminfo) and RLIMIT_AS when set; None if unknown."""
    limits: list[int] = []
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    limits.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
        if soft not in (resource.RLIM_INFINITY, -1) and soft > 0:
            limits.append(soft)
    except (ImportError, OSError, ValueError):
        pass
    return min(limits) if limits else None


def warn_if_short_of_memory(rows: int, display: str, err: TextIO) -> None:
    """Warn at once, before minutes of scoring, when the input looks too big for the memory there is.

    A warning, not a refusal: the estimate is rough (a row of many columns
    takes more, a short one less), and a run that would fit must not be refused.
    """
    need, have = memory_needed(rows), available_memory()
    if have is not None and need > have:
        err.write(
            _(
                "warning: {input} has about {rows:,} rows; scoring them needs roughly {need} of memory, "
                "and {have} is available: the run may fail for want of memory (split the input, by group say, "
                "or run it where there is more)",
                input=display,
                rows=rows,
                need=_amount(need),
                have=_amount(have),
            )
            + "\n"
        )


def out_of_memory(args: argparse.Namespace) -> Problem:
    """Running out of memory, said with the size of the input and roughly how much memory it needs."""
    paths = [p.path for p in _inputs_of(args)]
    sizes = [(path, size) for path, size in ((path, _size(path)) for path in paths) if size is not None]
    if not sizes:
        return Problem(
            "kaoping",
            0,
            0,
            _("not enough memory for this run"),
            _("run it on a machine with more memory"),
            code="data.out-of-memory",
        )
    rows = sum(_rows_or_zero(Path(path)) for path, _bytes in sizes)
    need = memory_needed(rows)
    where = ", ".join(path for path, _bytes in sizes)
    total = sum(size for _path, size in sizes)
    return Problem(
        where,
        0,
        0,
        _(
            "not enough memory: the input is {size}, about {rows:,} rows, and kaoping needs roughly {need} of memory for it "
            "(about {per_row:g} kB a row)",
            size=_amount(total),
            rows=rows,
            need=_amount(need),
            per_row=BYTES_PER_ROW // 100 / 10,
        ),
        _("run it on a machine with that much free memory, or split the input (by group, say) and score each part"),
        code="data.out-of-memory",
    )


def _inputs_of(args: argparse.Namespace) -> list[PeriodInput]:
    """The data files of this run, whatever the command."""
    if getattr(args, "inputs", None):
        return [period_input(item, None) for item in args.inputs]
    if getattr(args, "input", None):
        return [PeriodInput("", args.input, None, False, False)]
    return []


def _size(path: str) -> int | None:
    try:
        return Path(path).stat().st_size
    except OSError:
        return None


def _rows_or_zero(path: Path) -> int:
    try:
        return estimated_rows(path)
    except OSError:
        return 0


def _amount(size: int) -> str:
    """Bytes as a person says them: 980 kB, 51.2 MB, 1.9 GB."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return _("{n} bytes", n=size)
