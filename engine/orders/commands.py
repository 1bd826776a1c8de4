"""The command line's part for order exports: `count`, `sql`, explain's funnel and order lists, and the options
(--engine, --master, --input NAME=PATH) evaluate, diff and explain pass down as an OrdersRun.

engine/commands.py calls in here only for these commands or when a ruleset has `orders:`, so a unit-table run
never imports it (tests/test_cold_start.py).  Nothing here prints: text goes to the streams it is given, files
through commands.emit (written whole, or not at all).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .. import api, commands
from ..errors import UsageError, did_you_mean
from ..i18n import N_, _, n_
from . import code, listed

if TYPE_CHECKING:
    from ..ruleset.model import Ruleset
    from .explain import Funnel, MeasureFunnel, OrderList, Step
    from .run import OrdersRun

COUNT_FORMATS = ("table", "csv", "json", "xlsx")


def ledgers_given(args: argparse.Namespace, ruleset: Ruleset) -> tuple[tuple[str, Path], ...]:
    """--input NAME=PATH, each NAME one of orders.ledgers (else exit 2, cli.unknown-ledger, with a did-you-mean)."""
    given: list[tuple[str, str]] = getattr(args, "ledger", None) or []
    known = [led.id for led in ruleset.orders.ledgers] if ruleset.orders is not None else []
    for name, _path in given:
        if name not in known:
            close = did_you_mean(name, known)
            ledgers = (
                _("its ledgers are: {ledgers}", ledgers=listed([code(k) for k in known]))
                if known
                else _("it declares no ledgers (orders.ledgers)")
            )
            if close:
                message = _(
                    "--input {name}=...: {ref} has no ledger '{name}'; {close} {ledgers}",
                    name=name,
                    ref=ruleset.ref,
                    close=close,
                    ledgers=ledgers,
                )
            else:
                message = _(
                    "--input {name}=...: {ref} has no ledger '{name}'; {ledgers}",
                    name=name,
                    ref=ruleset.ref,
                    ledgers=ledgers,
                )
            raise UsageError(message, code="cli.unknown-ledger")
    return tuple((name, Path(path)) for name, path in given)


def check_engine(args: argparse.Namespace) -> None:
    """--master without --engine spark, and a workbook with --engine spark: exit 2."""
    engine = getattr(args, "engine", None) or "duckdb"
    if getattr(args, "master", None) and engine != "spark":
        raise UsageError(
            _("--master is the Spark master (e.g. local[4] or spark://host:7077): give it with --engine spark"),
            code="cli.master-without-spark",
        )
    inputs = [getattr(args, "input", None) or ""]
    if engine == "spark" and any(i.lower().endswith(commands.WORKBOOKS) for i in inputs):
        raise UsageError(
            _(
                "--engine spark reads CSV or Parquet exports, not a workbook ({file}): save the sheet as CSV, "
                "or leave out --engine spark (DuckDB reads workbooks)",
                file=inputs[0],
            ),
            code="cli.spark-workbook",
        )


def orders_run(args: argparse.Namespace, ruleset: Ruleset) -> OrdersRun | None:
    """How to count an export, from the command line; None without --period (an export then asks for it)."""
    check_engine(args)
    ledgers = ledgers_given(args, ruleset)
    if ruleset.orders is None or getattr(args, "period", None) is None:
        return None
    from .run import OrdersRun

    if getattr(args, "engine", None) == "spark":
        return OrdersRun(args.period, "spark", getattr(args, "master", None), ledgers)
    return OrdersRun(args.period, "duckdb", None, ledgers)


def is_export(ruleset: Ruleset, input_arg: str, sheet: str | None) -> bool:
    """Whether INPUT is an order export for this ruleset (only a ruleset with `orders:` takes one)."""
    if ruleset.orders is None:
        return False
    from .source import is_export as looks_like_export

    return looks_like_export(Path(input_arg), ruleset, sheet)


def refuse_export_in_combine(ruleset: Ruleset, input_arg: str, sheet: str | None) -> None:
    """combine reads one unit table a period; an export must be counted month by month first."""
    if is_export(ruleset, input_arg, sheet):
        raise UsageError(
            _(
                "combine takes one unit table a period, and {file} is an order export: "
                "kaoping count each month, then combine (kaoping count -r {ref} {file} --period YYYY-MM -o MONTH.csv)",
                file=input_arg,
                ref=ruleset.ref,
            ),
            code="cli.combine-export",
        )


def cmd_count(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """kaoping count: the export's counts per unit, as a table, CSV, JSON or a workbook."""
    args.format = commands.output_format(args, COUNT_FORMATS, err)
    if args.excel and args.format != "csv":
        raise UsageError(
            _("--excel is for -f csv (a CSV that Excel opens); this writes {format}", format=args.format),
            code="cli.excel-needs-csv",
        )
    if args.format == "xlsx" and args.output is None:
        raise UsageError(_("an Excel file cannot go to the screen: give -o FILE.xlsx"), code="cli.binary-to-terminal")
    check_engine(args)
    ruleset = commands.load(args, args.ruleset, err)
    ledgers = ledgers_given(args, ruleset.model)
    with _stage_bar(args.input, err) as progress:
        counted = api.count(
            ruleset,
            args.input,
            args.period,
            engine=args.engine or "duckdb",
            master=args.master,
            ledgers=dict(ledgers),
            sheet=args.sheet,
            display=args.input,
            progress=progress,
        )
    err.writelines(_("note: {text}", text=line) + "\n" for line in counted.notes)
    from . import outputs

    model = ruleset.model
    inputs = (args.input, model.path, *(str(p) for _, p in ledgers))
    if args.format == "table":
        commands.view(args, out, err, inputs, lambda: "", lambda c: outputs.render_table(model, counted, c))
        return commands.OK
    text: str | bytes
    if args.format == "csv":
        text = outputs.to_csv(model, counted, args.excel)
    elif args.format == "json":
        text = outputs.to_json(model, counted)
    else:
        text = outputs.to_xlsx(model, counted)
    commands.emit(text, args.output, out, err, inputs)
    return commands.OK


BAR_FROM_BYTES = 10_000_000  # about 50,000 orders: below this a count takes about a second, and no bar is drawn
STAGES = ("read", "checks", "count")
STAGE_WORDS = {
    "read": N_("counting {file}: reading"),
    "checks": N_("counting {file}: checks"),
    "count": N_("counting {file}: count"),
    "done": N_("counting {file}: done"),
}


@contextmanager
def _stage_bar(input_arg: str, err: TextIO) -> Iterator[Callable[[str], None] | None]:
    """A Rich bar of the counting's stages on a terminal `err`, for a large export; else no progress hook."""
    try:
        large = Path(input_arg).stat().st_size >= BAR_FROM_BYTES
    except OSError:
        large = False
    if not (large and commands._is_terminal(err)):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(file=err, highlight=False)
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        name = Path(input_arg).name
        task = bar.add_task(_(STAGE_WORDS["read"], file=name), total=len(STAGES))

        def advance(stage: str) -> None:
            following = STAGES[STAGES.index(stage) + 1] if stage in STAGES[:-1] else "done"
            bar.update(task, advance=1, description=_(STAGE_WORDS[following], file=name))

        yield advance


def cmd_sql(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """kaoping sql: the SQL the ruleset's orders: rules compile to, for a warehouse's own table."""
    ruleset = commands.load(args, args.ruleset, err)
    text = api.sql(ruleset, args.period, args.dialect, args.table)
    commands.emit(text, args.output, out, err, (ruleset.model.path,))
    return commands.OK


def explain_export(
    args: argparse.Namespace, out: TextIO, err: TextIO, ruleset: api.Ruleset, run: OrdersRun, entity: str, text: str
) -> None:
    """explain for an export: the unit's funnel then `text` (today's explanation), or with --orders the list."""
    from . import explain as orders_explain
    from .run import counting

    model = ruleset.model
    labels = {i.id: i.label for i in model.inputs}
    with counting(model, Path(args.input), run, args.input, args.sheet) as session:
        if args.orders:
            listing = orders_explain.order_list(session, labels, entity, args.orders, args.left_out)
            body = _list_json(listing) if args.format == "json" else render_list(listing)
            commands.emit(body, args.output, out, err, (args.input, model.path))
            return
        shown = orders_explain.funnel(session, labels, entity)
    body = _funnel_json(model.ref, shown, text) if args.format == "json" else render_funnel(shown) + "\n" + text
    commands.emit(body, args.output, out, err, (args.input, model.path))


def check_orders_option(args: argparse.Namespace, exported: bool) -> None:
    if (args.orders or args.left_out) and not exported:
        raise UsageError(
            _(
                "--orders lists the orders behind a count of an order export, and {file} is not one "
                "(or give --period YYYY-MM with it)",
                file=args.input,
            ),
            code="cli.orders-needs-export",
        )
    if args.left_out and not args.orders:
        raise UsageError(
            _("--left-out goes with --orders MEASURE: the orders that count left out"),
            code="cli.left-out-needs-orders",
        )


def _pad(text: str, width: int) -> str:
    from rich.cells import cell_len

    return text + " " * max(width - cell_len(text), 0)


def _whose(f: Funnel, m: MeasureFunnel) -> str:
    if m.by_unit_key:
        return _("orders of {unit} ({column})", unit=f.unit, column=m.unit_column)
    return _("orders whose {column} is {unit}", column=m.unit_column, unit=f.unit)


def render_funnel(f: Funnel) -> str:
    """The funnel as text (design §5.1): a line a measure, then the unit's orders and each step's in and out."""
    from rich.cells import cell_len

    w = f.window
    period = f"{w.month} [{w.start:%Y-%m-%d %H:%M}, {w.end:%Y-%m-%d %H:%M})"
    left = listed([_("{label} {n}", label=label, n=n) for label, n in f.excluded if n]) or _("none")
    merged = n_("{n} order exported more than once", "{n} orders exported more than once", f.merged, n=f.merged)
    lines = [
        _("{unit} — counted from {file}, {period}", unit=f.unit, file=f.display, period=period),
        "  "
        + _(
            "its rows: {rows}; merged: {merged}; left out before counting: {left}",
            rows=f.rows,
            merged=merged,
            left=left,
        ),
    ]
    texts = [t for m in f.measures for t in (_whose(f, m), *(_step(s) for s in m.steps))]
    width = max(cell_len(t) for t in texts) + 4 if texts else 0
    for m in f.measures:
        value = _number(m.value)
        if m.of:
            said = _(
                "{label} ({input}) = {value}, {function} of {of}",
                label=m.label,
                input=m.input,
                value=value,
                function=m.function,
                of=m.of,
            )
        else:
            said = _("{label} ({input}) = {value}", label=m.label, input=m.input, value=value)
        lines.append("  " + said)
        lines.append(f"      {_pad(_whose(f, m), width)}{m.orders}")
        lines += [
            f"      {_pad(_step(s), width)}" + _("in {kept:<6}out {dropped}", kept=s.kept, dropped=s.dropped)
            for s in m.steps
        ]
    return "\n".join(lines) + "\n"


def _step(s: Step) -> str:
    """A step as the funnel names it: a named condition's label, else the condition as written, as code."""
    return code(s.label) if s.written else s.label


def _number(v: int | float) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def _funnel_json(ref: str, f: Funnel, text: str) -> str:
    w = f.window
    doc = {
        "ruleset": ref,
        "unit": f.unit,
        "period": w.month,
        "window": [f"{w.start:%Y-%m-%d %H:%M:%S}", f"{w.end:%Y-%m-%d %H:%M:%S}"],
        "input": {"path": f.display, "rows": f.rows, "merged": f.merged, "excluded": dict(f.excluded)},
        "measures": [
            {
                "input": m.input,
                "label": m.label,
                "function": m.function,
                "of": m.of,
                "value": m.value,
                "unit_column": m.unit_column,
                "orders": m.orders,
                "steps": [{"label": s.label, "in": s.kept, "out": s.dropped} for s in m.steps],
            }
            for m in f.measures
        ],
        "explanation": text,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def render_list(x: OrderList) -> str:
    """The orders as plain columns, never wrapped or cut (an order id cut short is another order)."""
    n = len(x.rows)
    fields = {"unit": x.unit, "n": n, "label": x.label, "input": x.input}
    if x.left_out:
        said = n_(
            "{unit}: {n} order left out of {label} ({input})",
            "{unit}: {n} orders left out of {label} ({input})",
            n,
            **fields,
        )
    else:
        said = n_(
            "{unit}: {n} order counted in {label} ({input})",
            "{unit}: {n} orders counted in {label} ({input})",
            n,
            **fields,
        )
    lines = [said]
    if x.rows:
        lines += aligned([[label for _, label in x.columns], *([_cell(v) for v in r] for r in x.rows)])
    return "\n".join(lines) + "\n"


def _cell(v: object) -> str:
    return "" if v is None else str(v)


def aligned(rows: list[list[str]]) -> list[str]:
    """Rows of cells as lines, each column as wide as its widest cell (in terminal cells: 中 is two)."""
    from rich.cells import cell_len

    widths = [max(cell_len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def _list_json(x: OrderList) -> str:
    ids = [c for c, _ in x.columns]
    doc = {
        "unit": x.unit,
        "input": x.input,
        "left_out": x.left_out,
        "orders": [dict(zip(ids, r, strict=True)) for r in x.rows],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
