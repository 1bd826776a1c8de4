"""The public Python API: load a ruleset, score records, render, what-if, diff, explain.

Why a module of its own: the CLI's commands (engine/commands.py) talk to a
terminal (notes on stderr, exit codes, files written whole); a program
embedding kaoping wants values back and nothing printed.  These functions are
that: pure (no printing, no exiting, no stdin), typed, and every user mistake
raised as `KaopingError` whose `.problems` are data (file, line, col, message,
hint).  They call the same stages the CLI calls (loader, data checks,
pipeline, output renderers, diff, explain), so a number or a message here is
the number or message the CLI gives.

What the CLI says on stderr (which version a bare name chose, columns not
used, rows left out, warnings) is kept in a `notes` attribute instead.
"""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from .choosing import Asked, Tell, choose_ruleset, chosen_model
from .data import Row, Source, Table, note_text, read_rows
from .digest import sha256_hex
from .errors import KaopingError, Problem, fail
from .evaluate.pipeline import evaluate as _evaluate_file
from .evaluate.pipeline import evaluate_table
from .evaluate.ranking import Evaluation, UnitResult
from .frozen import frozen
from .i18n import _
from .outputs.formats import FORMATS
from .outputs.layout import canonical_period
from .outputs.machine import to_csv as _to_csv
from .outputs.machine import to_json as _to_json
from .outputs.notes import told
from .ruleset.load import load_ruleset, load_source
from .ruleset.model import Ruleset as Model
from .ruleset.resolve import Found, visible_roots
from .ruleset.versions import released_copies
from .ruleset.yamlsrc import MAX_PROBLEMS, check_size, parse_yaml

if TYPE_CHECKING:
    from .analysis.diff import Diff
    from .analysis.explain import Explanation
    from .orders.run import Counted, OrdersRun
    from .ruleset.whatif import Override

# Cold start: kaoping.analysis (diff, explain), the diff's renderers and Rich's Console are imported by the
# functions that use them, not here: `kaoping evaluate -f json` (and a program that only loads and
# evaluates) needs none of them, and importing them costs about as much as scoring a month's table. So is
# engine.ruleset.whatif, by a load with overrides only.

__all__ = [
    "Ruleset",
    "Result",
    "KaopingError",
    "Problem",
    "Records",
    "Data",
    "FORMATS",
    "load",
    "loads",
    "evaluate",
    "with_overrides",
    "render",
    "to_json",
    "to_csv",
    "diff",
    "explain",
    "count",
    "sql",
]

RECORDS = "<records>"  # the file name a problem in records from memory is placed in

Records = Iterable[Mapping[str, str | int | float | None]]
Data = str | Path | Records


@frozen
class Ruleset:
    """A loaded, validated ruleset, and what is needed to load it again changed (with_overrides).

    `model` is the frozen model every stage takes; `notes` is what the CLI
    would say on stderr about the choice (which version a bare name picked and
    why, a version named that was not in effect in the period).  The source is
    kept because a what-if is applied to the YAML before it is validated, as
    `--set` is: the changed ruleset goes through every check again.
    """

    model: Model
    notes: tuple[str, ...] = ()
    _path: Path | None = None  # the file it was read from (None: from text)
    _found: Found | None = None  # where it lies in a rulesets folder, for the name/version check
    _text: str = ""  # the YAML, when it came from loads()
    _source: str = ""
    _overrides: tuple[Override, ...] = ()

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def version(self) -> str:
        return self.model.version

    @property
    def ref(self) -> str:
        """name@version."""
        return self.model.ref

    @property
    def label(self) -> str:
        """name@version, marked as a what-if when overrides changed it."""
        return self.model.label


@frozen
class Result:
    """One evaluation: the ranked units, and the period it was scored for (the renderers' titles need it).

    `notes` is what the CLI prints on stderr after scoring: columns not used,
    rows left out (a 合计 row), the reader's doubts and scoring's warnings,
    each one line starting with "note: " or "warning: ".
    """

    evaluation: Evaluation
    period: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def results(self) -> tuple[UnitResult, ...]:
        """Every unit in the published order: .entity, .rank (None: not ranked), .total, .scores, .display."""
        return tuple(self.evaluation.results)  # the columnar core builds them when first asked

    @property
    def ruleset(self) -> Model:
        return self.evaluation.ruleset

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.evaluation.warnings


def load(
    ref: str | Path,
    *,
    as_of: str | None = None,
    period: str | None = None,
    rulesets: str | Path | None = None,
    overrides: Sequence[str] = (),
    tell: Tell | None = None,
    as_of_name: str = "as_of",
    exact_with_date: bool = False,
) -> Ruleset:
    """The ruleset `ref` names: a path to a .yaml file, `name@version`, or a bare `name`.

    A bare name is chosen as `kaoping -r NAME` chooses it (with `as_of`
    YYYY-MM-DD or `period` YYYY-MM: the released version in effect then; else
    the latest released), and the choice is said in `.notes`, never printed.
    Names are looked up under `rulesets`, else $KAOPING_RULESETS, ./rulesets,
    the shipped rulesets.  An edited copy of a released version is refused,
    wherever it lies.

    `overrides` are what-ifs as --set takes them ("timeliness.weight=45"),
    applied to the YAML before it is validated.  `tell(line, once)` also
    receives each note as it arises (the CLI writes it at once, so a note
    already made is seen even when loading then fails; see engine.choosing's
    Tell); `as_of_name` is how the notes name the as_of day ("--as-of" on the
    command line); `exact_with_date` lets an exact version be named with an
    as_of day (diff compares it with one the day picks).
    """
    notes: list[str] = []

    def note(line: str, once: bool) -> None:
        notes.append(line)
        if tell is not None:
            tell(line, once)

    where = str(rulesets) if rulesets is not None else None
    asked = Asked(as_of, period, where, as_of_name=as_of_name, exact_with_date=exact_with_date)
    chosen = choose_ruleset(str(ref), asked, note)
    changes = parse_overrides(list(overrides))
    model = load_ruleset(chosen.path, str(chosen.path), changes, expect=chosen.found, reads=chosen.reads)
    model = chosen_model(model, chosen, asked, note)
    return Ruleset(model, tuple(notes), _path=chosen.path, _found=chosen.found, _overrides=changes)


def loads(text: str, source: str = "<string>", *, rulesets: str | Path | None = None) -> Ruleset:
    """The ruleset written in `text` (YAML); problems are placed in `source` at their line and column.

    The same checks as a file's (size, safe YAML, schema, meaning), and, as
    for a file, a text calling itself a released version without its bytes is
    refused: it would publish under the released name what the released rules never gave.
    """
    model = _from_text(text, source, ())
    _refuse_edited_text(text, source, model, rulesets)
    return Ruleset(replace(model, chosen="text"), _text=text, _source=source)


def with_overrides(ruleset: Ruleset, changes: Mapping[str, Any]) -> Ruleset:
    """A what-if: `ruleset` with each KEY (as --set takes it: "timeliness.weight") set to its value.

    The values are applied to the YAML before it is validated, as `--set`
    is, so the changed ruleset is checked as a whole (the weights must still
    add up); overrides already on `ruleset` stay, later ones win.
    """
    added = tuple(_override(key, value) for key, value in changes.items())
    overrides = ruleset._overrides + added
    if ruleset._path is not None:
        model = load_ruleset(ruleset._path, str(ruleset._path), overrides, expect=ruleset._found)
    else:
        model = _from_text(ruleset._text, ruleset._source, overrides)
    kept = {f: getattr(ruleset.model, f) for f in ("chosen", "chosen_why", "not_in_effect")}
    return dataclasses.replace(ruleset, model=replace(model, **kept), _overrides=overrides)


def evaluate(
    ruleset: Ruleset,
    data: Data,
    period: str | None = None,
    *,
    sheet: str | None = None,
    display: str | None = None,
    progress: Callable[[], None] | None = None,
    engine: str = "duckdb",
    master: str | None = None,
    ledgers: Mapping[str, str | Path] | None = None,
    orders: OrdersRun | None = None,
) -> Result:
    """Score `data` under `ruleset`: a path (CSV or .xlsx, `sheet` naming a workbook's sheet), or records.

    For a ruleset with `orders:`, a path may be the platform's work-order export: it is counted for `period`
    (required then) by `engine` ("duckdb", or "spark" with `master`), with `ledgers` (ledger id -> path,
    as --input NAME=PATH) adding the inputs orders do not give, and the counts are scored as a unit table
    would be.  `orders` (an OrdersRun) says all that at once, as the CLI passes it; a unit table ignores them.

    Records are an iterable of mappings from header text (an input's id,
    label or alias, as a file's header has it) to a value (str, int, float;
    None for an empty cell).  They are turned into the rows a CSV file gives
    and go through exactly the checks a file's rows do; a problem is placed at
    file "<records>", line N (the Nth record, from 1), and named "record N, field X".
    `period` (YYYY-MM) fills the report title, as --period does.  `display` is
    the name a problem in a file is placed at (default: the path as given);
    `progress()` is called as each stage finishes (reading, each scoring step,
    totals, ranking: evaluate.pipeline.stages(ruleset.model) calls in all).
    """
    model = ruleset.model
    period = _month(period)
    done: Callable[[str], None] = (lambda stage: progress()) if progress is not None else (lambda stage: None)
    if isinstance(data, (str, Path)):
        run = orders if orders is not None else _orders_run(model, period, engine, master, ledgers)
        where = str(data) if display is None else display
        evaluation = _evaluate_file(model, Path(data), where, sheet, done, orders=run)
    elif isinstance(data, (bytes, Mapping)):
        raise fail(
            RECORDS,
            _("data must be a path or an iterable of records (mappings), not one {type}", type=type(data).__name__),
            _("give a path, or a list of dicts such as [{{'部门名称': '区林业局', ...}}]"),
            code="data.not-records",
        )
    else:
        evaluation = _evaluate_records(model, data, done)
    return Result(evaluation, period, told(evaluation))


def _orders_run(
    model: Model, period: str | None, engine: str, master: str | None, ledgers: Mapping[str, str | Path] | None
) -> OrdersRun | None:
    """How an export is counted, for a ruleset with `orders:` and a period (without one, an export is refused)."""
    if model.orders is None or period is None:
        return None
    from .orders.run import OrdersRun

    if engine not in ("duckdb", "spark"):
        raise fail(
            "engine",
            _("unknown engine {engine!r}", engine=engine),
            _("give engine='duckdb' or engine='spark'"),
            code="engine.unknown",
        )
    given = tuple((name, Path(path)) for name, path in (ledgers or {}).items())
    return OrdersRun(period, "spark" if engine == "spark" else "duckdb", master, given)


def count(
    ruleset: Ruleset,
    path: str | Path,
    period: str,
    *,
    engine: str = "duckdb",
    master: str | None = None,
    ledgers: Mapping[str, str | Path] | None = None,
    sheet: str | None = None,
    display: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Counted:
    """Count an order export for the month `period` (YYYY-MM): the ruleset's inputs per unit, and what the
    counting saw (rows, merged copies, exclusions; `.notes` is what the CLI says on stderr).

    `.units` is the table order, `.values` each unit's (input id, value) pairs; engines give exact numbers
    only (counts and sums as ints).  A file that is not an export of the ruleset (a unit table: its header has
    no order-key column) is refused, export.not-an-export; every problem in the export is a KaopingError at
    its row and column, as for evaluate.  `progress(stage)` is told each stage as it ends ("read", "checks",
    "count")."""
    model = ruleset.model
    month = _month(period)
    assert month is not None
    where = str(path) if display is None else display
    _refuse_not_export(model, Path(path), where, sheet)
    run = _orders_run(model, month, engine, master, ledgers)
    assert run is not None
    from .orders.run import count_export

    return count_export(model, Path(path), run, where, sheet, progress)


def _refuse_no_orders(model: Model) -> None:
    """count and sql need a ruleset with `orders:`."""
    if model.orders is None:
        raise fail(
            model.path,
            _("{ref} has no orders: section, so it counts no work orders", ref=model.ref),
            _("use a ruleset whose orders: section says how to count an export, e.g. jintai-orders"),
            code="export.no-orders",
        )


def _refuse_not_export(model: Model, path: Path, display: str, sheet: str | None) -> None:
    """count needs an export of the ruleset: a unit table is scored by evaluate as it is."""
    _refuse_no_orders(model)
    assert model.orders is not None
    from .data.files import input_size
    from .orders.source import is_export

    if path.is_file() and not is_export(path, model, sheet):
        key = model.orders.column(model.orders.order_key)
        raise fail(
            display,
            _("its header has no {label}; count reads an order export", label=key.label),
            _(
                "for a table of counts per unit, kaoping evaluate -r {ref} {input} scores it as it is",
                ref=model.ref,
                input=display,
            ),
            line=1,
            code="export.not-an-export",
        )
    if not path.exists():
        raise fail(display, _("no such input file"), _("give the path of the work-order export"), code="file.not-found")
    if not path.is_file():
        input_size(path, display)  # a folder or a device, told as what it is


def sql(ruleset: Ruleset, period: str, dialect: str, table: str = "orders") -> str:
    """The SQL `kaoping sql` prints: a header naming the columns `table` must have, the checks query and the
    counts query, for `dialect` ("duckdb", "spark" or "trino").  Deterministic text: the same ruleset and
    month give the same bytes.  The engines only count; rates, scores and rounding stay kaoping's (save the
    counts as CSV, then evaluate)."""
    model = ruleset.model
    _refuse_no_orders(model)
    month = _month(period)
    assert month is not None and model.orders is not None
    if dialect not in ("duckdb", "spark", "trino"):
        raise fail(
            "dialect",
            _("unknown dialect {dialect!r}", dialect=dialect),
            _("give duckdb, spark or trino"),
            code="export.unknown-dialect",
        )
    if not table or not table.replace("_", "").replace(".", "").isalnum():
        raise fail(
            "table",
            _("{table!r} is not a table name", table=table),
            _("give a name such as orders or db.orders"),
            code="export.bad-table",
        )
    from .orders.explain import sql_script
    from .orders.run import window_of

    d: Literal["duckdb", "spark", "trino"] = (
        "spark" if dialect == "spark" else "trino" if dialect == "trino" else "duckdb"
    )
    return sql_script(model.ref, model.input(model.key).label, model.orders, window_of(month), d, table)


def _month(period: str | None) -> str | None:
    """`period` as YYYY-MM (2024-2 -> 2024-02), as --period takes it; a KaopingError when it is not a month."""
    if period is None:
        return None
    try:
        return canonical_period(period)
    except ValueError as e:
        raise fail(
            "period", str(e), _("give the month as YYYY-MM, e.g. period='2024-02'"), code="data.not-a-month"
        ) from None


@overload
def render(thing: Diff | Explanation, fmt: str = "table") -> str: ...
@overload
def render(thing: Result, fmt: str = "table") -> str | bytes: ...
def render(thing: Result | Diff | Explanation, fmt: str = "table") -> str | bytes:
    """`thing` as the CLI writes it with -f FMT to a file: bytes for a binary format (xlsx, docx, pdf), text otherwise.

    A Result takes every format of `kaoping evaluate` (FORMATS, the one
    registry of formats); a Diff "table" or "json"; an Explanation "table" (its text).
    """
    if isinstance(thing, Result):
        return _rendered(thing, fmt)
    from .analysis.diff import Diff  # a Diff or an Explanation exists only once kaoping.analysis was imported
    from .analysis.explain import Explanation
    from .analysis.explain import render as _render_explanation

    if isinstance(thing, Diff):
        from .outputs.diff import diff_json, render_diff

        if fmt == "json":
            return diff_json(thing)
        if fmt == "table":
            return _plain(lambda console: render_diff(thing, console))
        raise fail("render", _("a diff is rendered as table or json, not {fmt}", fmt=fmt), code="diff.unknown-format")
    if isinstance(thing, Explanation):
        if fmt != "table":
            raise fail(
                "render",
                _("an explanation is rendered as table (text), not {fmt}", fmt=fmt),
                code="explain.unknown-format",
            )
        return _render_explanation(thing)
    return _rendered(thing, fmt)  # none of the three: told as a Result would be


def _rendered(result: Result, fmt: str) -> str | bytes:
    """A Result in `fmt`, one of FORMATS (the registry: -f's choices)."""
    if fmt not in FORMATS:
        raise fail(
            "render",
            _("unknown format {fmt!r}", fmt=fmt),
            _("give one of {formats}", formats=", ".join(FORMATS)),
            code="file.unknown-format",
        )
    return FORMATS[fmt].render(result.evaluation, result.period)


def to_json(result: Result) -> str:
    """The JSON document of `kaoping evaluate -f json`."""
    return _to_json(result.evaluation, result.period)


def to_csv(result: Result) -> str:
    """The CSV of `kaoping evaluate -f csv` (without --excel's BOM)."""
    return _to_csv(result.evaluation, result.period)


def diff(old: Ruleset | Result, new: Ruleset | Result, data: Data | None = None, *, sheet: str | None = None) -> Diff:
    """What changing `old` into `new` does to `data`: the rules changed, each unit's scores and ranks, Kendall's tau-b.

    `old` and `new` are two rulesets and `data` is scored under each; or they
    are two Results already scored on the same data (as `kaoping diff` does,
    each evaluation with its own progress and notes), and `data` is not given.
    """
    from .analysis.diff import diff as _diff  # kaoping.analysis is imported only when asked a question of results

    if isinstance(old, Result) and isinstance(new, Result) and data is None:
        return _diff(old.evaluation, new.evaluation)
    if isinstance(old, Result) or isinstance(new, Result) or data is None:
        raise fail(
            "diff",
            _("diff takes two rulesets and the data to score, or two results already scored (and no data)"),
            _(
                "e.g. kaoping.diff(old, new, 'feb.csv'), or kaoping.diff(kaoping.evaluate(old, data), kaoping.evaluate(new, data))"
            ),
            code="diff.arguments",
        )
    return _diff(evaluate(old, data, sheet=sheet).evaluation, evaluate(new, data, sheet=sheet).evaluation)


def explain(result: Result, unit: str) -> Explanation:
    """How one unit's score and rank came about (`unit` as `kaoping explain` takes it); render(x) gives the text."""
    from .analysis.explain import explain as _explain

    return _explain(result.evaluation, unit)


# -- from text ------------------------------------------------------------------------------------


def _from_text(text: str, source: str, overrides: tuple[Override, ...]) -> Model:
    """engine.loader.load_ruleset's stages for text in memory: size, safe YAML, what-if, format, schema, meaning."""
    raw = text.encode("utf-8")
    check_size(len(raw), source)
    src = replace(parse_yaml(text.removeprefix("\ufeff"), source), sha256=sha256_hex(raw))
    return load_source(src, overrides)


def _refuse_edited_text(text: str, source: str, model: Model, rulesets: str | Path | None) -> None:
    """versions.check_not_edited_copy for text: it compares a file's sha256, here the text's bytes'."""
    releases = released_copies(
        model.name, model.version, visible_roots(str(rulesets) if rulesets is not None else None)
    )
    if releases and model.sha256 not in {r.sha256 for _version, r in releases}:
        lock, release = releases[0]
        raise fail(
            source,
            _(
                "this text says it is {ref}, but it is an edited copy of that released version "
                "(released on {date} with sha256 {released}, recorded in {lock}; this text's sha256 is {sha256})",
                ref=model.ref,
                date=release.date,
                released=release.sha256[:12],
                lock=lock,
                sha256=model.sha256[:12],
            ),
            _('a released version is never edited: give this text a version of its own (version: "...")'),
            code="version.edited-copy",
        )


def parse_overrides(texts: Sequence[str]) -> tuple[Override, ...]:
    """whatif.parse_overrides: --set KEY=VALUE texts read as what-ifs, its module imported by a what-if only."""
    if not texts:
        return ()
    from .ruleset import whatif

    return whatif.parse_overrides(texts)


def _override(key: Any, value: Any) -> Override:
    """One --set KEY=VALUE from a Python key and value (the value is used as it is, not read as YAML)."""
    if not isinstance(key, str) or not key.strip():
        raise fail(
            "overrides",
            _("an override's key must be a dotted path such as 'timeliness.weight', not {key!r}", key=key),
            code="whatif.bad-key",
        )
    if value is None or isinstance(value, (dict, list, tuple, set)) or not isinstance(value, (str, int, float)):
        raise fail(
            "overrides",
            _("the value of {key} must be one number, text or true/false, not {value!r}", key=key, value=value),
            code="whatif.bad-value",
        )
    raw = ("true" if value else "false") if isinstance(value, bool) else str(value)
    from .ruleset.whatif import Override

    return Override(f"{key}={raw}", key.strip(), value, raw)


# -- records in memory ----------------------------------------------------------------------------


def _evaluate_records(model: Model, records: Records, done: Callable[[str], None]) -> Evaluation:
    """Score records from memory: turned into a header row and one row per record, then data.py's checks."""
    header, rows = _rows(records)
    source = Source([Row(0, 0, header), *rows], "records (in memory)", ",", "", set())
    try:
        checked, ignored, notes = read_rows(source, model, RECORDS)
    except KaopingError as e:
        placed = KaopingError([_placed(p, header) for p in e.problems])
        placed.total = e.total
        raise placed from None
    digest = sha256_hex(json.dumps([header, *[r.cells for r in rows]], ensure_ascii=False).encode("utf-8"))
    said = tuple(note_text(_placed(n, header)) for n in notes)
    table = Table(RECORDS, digest, source.encoding, tuple(checked), ignored, said)
    done("read")
    return evaluate_table(model, table, done)


def _rows(records: Records) -> tuple[list[str], list[Row]]:
    """The header (every key, in the order first seen) and record N as row N; a record or value that cannot
    be a row is refused in its place, all of them at once."""
    if isinstance(records, (str, bytes)):
        raise fail(
            RECORDS, _("records must be an iterable of mappings"), _("give a list of dicts"), code="data.not-records"
        )
    items = list(records)
    if not items:
        raise fail(
            RECORDS,
            _("no records were given"),
            _("give at least one record (a mapping from header text to value)"),
            code="data.no-records",
        )
    problems: list[Problem] = []
    header = _header(items, problems)
    rows = [
        Row(n, n, _cells(n, item, header, problems)) for n, item in enumerate(items, 1) if isinstance(item, Mapping)
    ]
    if problems:
        raise KaopingError(problems, limit=MAX_PROBLEMS)
    return list(header), rows


def _header(items: list[Any], problems: list[Problem]) -> dict[str, int]:
    """Every text key of the records, by its column (in the order first seen); a record that is not a
    mapping, or a key that is not text, joins `problems`."""
    header: dict[str, int] = {}
    for n, item in enumerate(items, 1):
        if not isinstance(item, Mapping):
            message = _("record {n} is a {type}, not a mapping of header text to value", n=n, type=type(item).__name__)
            problems.append(Problem(RECORDS, n, 0, message, cell=_("record {n}", n=n), code="data.not-a-mapping"))
            continue
        for key in item:
            if isinstance(key, str):
                header.setdefault(key, len(header))
            else:
                message = _("the key {key!r} is not text: keys are header texts (ids, labels or aliases)", key=key)
                problems.append(Problem(RECORDS, n, 0, message, cell=_("record {n}", n=n), code="data.key-not-text"))
    return header


def _cells(n: int, item: Mapping[Any, Any], header: dict[str, int], problems: list[Problem]) -> list[str]:
    """Record `n` as a row's cells in the header's order; a value no cell holds joins `problems`."""
    cells = [""] * len(header)
    for key, value in item.items():
        if not isinstance(key, str):
            continue  # told by _header
        text = _cell(value)
        if text is None:
            problems.append(
                Problem(
                    RECORDS,
                    n,
                    header[key] + 1,
                    _(
                        "{key}: {value!r} is a {type}, not text or a number",
                        key=key,
                        value=value,
                        type=type(value).__name__,
                    ),
                    _("give str, int or float (None for an empty cell)"),
                    cell=_("record {n}, field {key}", n=n, key=key),
                    code="data.unsupported-value",
                )
            )
        else:
            cells[header[key]] = text
    return cells


def _cell(value: Any) -> str | None:
    """A value as the text a CSV cell holds; None for a value no cell holds (a bool, a list ...)."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    return value if isinstance(value, str) else str(value)  # str(0.1) is '0.1': the shortest text that reads back as it


def _placed(p: Problem, header: list[str]) -> Problem:
    """A problem in records named by its place in them: record N, field X (line N, col X's position)."""
    if p.file != RECORDS or not p.line or p.cell:
        return p
    if 0 < p.col <= len(header):
        return replace(p, cell=_("record {n}, field {key}", n=p.line, key=header[p.col - 1]))
    return replace(p, cell=_("record {n}", n=p.line))


def _plain(draw: Any) -> str:
    """A Rich rendering as the plain text the CLI writes to -o FILE (no colour, never wrapped)."""
    from rich.console import Console

    buffer = io.StringIO()
    draw(Console(file=buffer, width=10_000, color_system=None, highlight=False))
    return buffer.getvalue()
