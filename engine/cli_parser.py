"""kaoping's command line arguments: one parser, its options shared by the commands, a function per command's own.

Which commands there are, what runs each and which shared options it takes
is the table COMMANDS; the -f choices come from the formats registry
(engine/outputs/formats.py).  cli.main parses with build_parser and runs
the command; nothing here prints or exits (argparse's own usage errors aside).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from . import __version__, commands
from .frozen import frozen
from .i18n import LANGS, N_, _, current
from .outputs.formats import COMBINE_FORMATS, FORMATS, VIEW_FORMATS
from .outputs.layout import canonical_period

EPILOG = N_(
    """\
RULESET is a path to a .yaml file, name@version (e.g. jintai-hotline@2024.02),
or a bare name: the released version in effect in the --period month (or on
the --as-of day), else its latest released version, else its latest draft;
kaoping says on stderr which version it chose and why. A name@version or a
path not in effect in the --period month is warned about. A file that calls
itself a released version but is not byte for byte that version is refused.
Versions compare part by part as numbers (2024.10 is after 2024.9; 2024.2 is
the same version as 2024.02, and new-version and release refuse a second
spelling); two released versions taking effect the same day are refused when
a date has to choose between them. A file in a rulesets folder
(<folder>/<name>/<version>.yaml), by name or by path, must say that name and
version. Names are looked up under --rulesets DIR, $KAOPING_RULESETS,
./rulesets, or the rulesets shipped with kaoping (said when it comes to that).

Without -f, the format comes from -o's name: .json .csv .xlsx .md .html
(anything else, or no -o: the table); -f and a name that disagree are an error.

exit codes: 0 ok; 1 the ruleset or data is wrong (see the messages), or a
file cannot be read or written, or there is not enough memory (an input that
looks too big for the memory available is warned about before scoring);
2 bad command line; 3 a bug in kaoping (please report it); 130 interrupted
(Ctrl-C); 143 terminated (SIGTERM). An interrupted run leaves no partial
output file."""
)
"""The epilog of `kaoping --help`, marked for the catalog: translated where the parser is built."""


Command = Callable[[argparse.Namespace, TextIO, TextIO], int]


def month(text: str) -> str:
    """--period: YYYY-MM, else a usage error (exit 2)."""
    try:
        return canonical_period(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def day(text: str) -> str:
    """--as-of and --effective: YYYY-MM-DD, else a usage error (exit 2)."""
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a date: write it as YYYY-MM-DD, e.g. 2024-03-15", text=text)
        ) from None


class _StoreOnce(argparse._StoreAction):
    """An option that takes one value refuses a second: `-r A -r B` or `--period 2024-02 --period 2025-03`
    would otherwise run with the last one silently (a diff command copied to evaluate, say)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        given: set[str] = namespace.__dict__.setdefault("_given", set())
        if self.dest in given:
            parser.error(
                _("{option} is given twice; give it once (only diff takes two: -r OLD -r NEW)", option=option_string)
                if self.dest == "ruleset"
                else _("{option} is given twice; give it once", option=option_string)
            )
        given.add(self.dest)
        super().__call__(parser, namespace, values, option_string)


class _Parser(argparse.ArgumentParser):
    """kaoping's parsers (and their subcommands'): every single-valued option is given at most once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.register("action", None, _StoreOnce)
        self.register("action", "store", _StoreOnce)


RULESETS_HELP = N_(
    "where rulesets are looked up by name (default: $KAOPING_RULESETS, else ./rulesets, else the shipped ones)"
)
VIEW_FORMATS_HELP = N_(
    "table or json (default: json when -o's name ends in .json, else table; another known extension is refused)"
)
SENSITIVITY_FORMATS_HELP = N_("table, json or html (default: from -o's name, else table)")
COMBINE_FORMATS_HELP = N_(
    "table, json, xlsx, html, docx or pdf (default: from -o's name, else table); xlsx, docx and pdf need -o"
)


LANG_HELP = N_("the language kaoping speaks: zh (中文) or en (default: $KAOPING_LANG, else the locale, else en)")


def _common_options(p: argparse.ArgumentParser) -> None:
    """--rulesets and --lang, which every command takes."""
    p.add_argument("--rulesets", metavar="DIR", default=argparse.SUPPRESS, help=_(RULESETS_HELP))
    p.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help=_(LANG_HELP))


def _chosen_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        type=day,
        help=_("with a bare ruleset name: the released version in effect on that date"),
    )


def _sheet_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--sheet",
        metavar="NAME",
        help=_("for a workbook input (.xlsx, .xls, .ods): the sheet to read (default: the first)"),
    )


def _whatif_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help=_("what-if: change one value of the ruleset in memory, e.g. timeliness.weight=45 (repeatable)"),
    )


def ledger_input(text: str) -> tuple[str, str]:
    """--input NAME=PATH: a ledger's id and its file, else a usage error (exit 2)."""
    name, sep, path = text.partition("=")
    if not sep or not name.strip() or not path:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not NAME=PATH: write the ledger's id, '=', its file, e.g. ledger=bonus.csv", text=text)
        )
    return name.strip(), path


def _orders_options(p: argparse.ArgumentParser) -> None:
    """How an order export is counted (a ruleset with `orders:`); a unit table ignores them."""
    p.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        help=_("for an order export: what counts it (default duckdb, embedded; spark needs pip install -e '.[spark]')"),
    )
    p.add_argument(
        "--master",
        metavar="URL",
        help=_(
            "with --engine spark: the Spark master, e.g. local[4] or spark://host:7077 (default $SPARK_REMOTE, else local[*])"
        ),
    )
    p.add_argument(
        "--input",
        dest="ledger",
        action="append",
        type=ledger_input,
        metavar="NAME=PATH",
        help=_(
            "for an order export: a ledger the ruleset declares (orders.ledgers), a unit-level table joined by unit, "
            "e.g. --input ledger=bonus.csv (repeatable)"
        ),
    )


SHARED_OPTIONS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "chosen": _chosen_options,
    "sheet": _sheet_options,
    "whatif": _whatif_options,
    "orders": _orders_options,
}
"""The option groups several commands take, by the name a CommandSpec gives them (--rulesets goes to every
command, first).  Added to a command's parser directly, in the order its spec names them, which gives the
parser argparse's `parents=` gave (the same options in the same order) without a parser made for each group."""


def _no_arguments(p: argparse.ArgumentParser) -> None:
    """list takes only the shared --rulesets."""


def _validate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "rulesets_to_check",
        nargs="+",
        metavar="RULESET",
        help=_("path, name@version or name (a path into a rulesets folder gets the same checks as the name)"),
    )


def _evaluate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-r", "--ruleset", required=True, metavar="RULESET", help=_("path, name@version or name"))
    p.add_argument(
        "input",
        metavar="INPUT",
        help=_(
            "the month's records: CSV (UTF-8, UTF-8 with BOM, or GBK) or a workbook (.xlsx, .xls, .ods); "
            "or, for a ruleset with orders:, the platform's work-order export (counted for --period first)"
        ),
    )
    p.add_argument(
        "-f",
        "--format",
        choices=tuple(FORMATS),
        help=_(
            "output format (default: from -o's name: {suffixes}, else table); xlsx, docx and pdf need -o; -f and -o's name must agree",
            suffixes=" ".join(f.suffixes[0] for f in FORMATS.values() if f.suffixes),
        ),
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help=_("write to FILE (only if all went well); -f csv also writes FILE.meta.json"),
    )
    p.add_argument(
        "--excel",
        action="store_true",
        help=_("with -f csv: UTF-8 with a BOM, so Excel opens the Chinese text correctly"),
    )
    p.add_argument(
        "--period",
        metavar="YYYY-MM",
        type=month,
        help=_(
            "the month assessed, e.g. 2024-02: fills the report title and, with a bare ruleset name, picks the version in effect that month; "
            "an order export is counted for this month (required for one)"
        ),
    )


def _view_output(
    p: argparse.ArgumentParser, formats: Sequence[str] = VIEW_FORMATS, help: str = VIEW_FORMATS_HELP
) -> None:
    """-f and -o FILE, as diff (table|json) and combine (the documents too) take them."""
    p.add_argument("-f", "--format", choices=formats, help=_(help))
    p.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE (only if all went well)"))


def _diff_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-r",
        "--ruleset",
        action="append",
        required=True,
        metavar="RULESET",
        help=_("give twice: -r OLD -r NEW; or once with --set"),
    )
    p.add_argument("input", metavar="INPUT", help=_("the month's records, scored under both"))
    _view_output(p, COMBINE_FORMATS, COMBINE_FORMATS_HELP)
    p.add_argument(
        "--scenario",
        action="append",
        metavar=_("'NAME: KEY=VALUE, ...'"),
        help=_(
            "a scenario compared with the adopted -r ruleset, its changes as --set takes them, e.g. --scenario '方案一: timeliness.weight=45, completion.weight=30'; again for each scenario"
        ),
    )
    p.add_argument(
        "--period",
        metavar="YYYY-MM",
        type=month,
        help=_(
            "with a bare ruleset name: the version in effect that month (so does --as-of, for a day); a name@version not in effect then is warned about"
        ),
    )


def _explain_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-r", "--ruleset", required=True, metavar="RULESET")
    p.add_argument("input", metavar="INPUT", help=_("the month's unit table, or an order export"))
    p.add_argument("unit", metavar="UNIT", help=_("the unit's name, or a part of it (区林业 for 区林业局)"))
    p.add_argument(
        "--period",
        metavar="YYYY-MM",
        type=month,
        help=_(
            "the month assessed: with a bare ruleset name, picks the version in effect that month; a name@version not in effect then is warned about; "
            "an order export is counted for this month (required for one)"
        ),
    )
    p.add_argument(
        "--orders",
        metavar="MEASURE",
        help=_(
            "for an order export: list the orders behind one count (an input counted from orders, e.g. on_time), "
            "with the columns its condition reads, sorted by order id"
        ),
    )
    p.add_argument(
        "--left-out",
        action="store_true",
        help=_("with --orders: list instead the unit's orders that a step after the first left out, with that step"),
    )
    _view_output(p)


def _sensitivity_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-r", "--ruleset", required=True, metavar="RULESET")
    p.add_argument("input", metavar="INPUT", help=_("the month's unit table, or an order export"))
    p.add_argument(
        "--weight",
        action="append",
        metavar="ID",
        help=_(
            "only this indicator's weight (ID@GROUP for a group's own weight); again for each; all weights if not given"
        ),
    )
    p.add_argument(
        "--rebalance",
        choices=("proportional", "none"),
        help=_(
            "proportional: the other score weights give or take the change in proportion to their size, so full marks stay "
            "(the default when the score weights add up to full marks); none: only that weight changes"
        ),
    )
    p.add_argument(
        "--period",
        metavar="YYYY-MM",
        type=month,
        help=_(
            "the month assessed: with a bare ruleset name, picks the version in effect that month; "
            "an order export is counted for this month (required for one)"
        ),
    )
    _view_output(p, ("table", "json", "html"), SENSITIVITY_FORMATS_HELP)


def _count_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-r", "--ruleset", required=True, metavar="RULESET", help=_("a ruleset with orders: (e.g. jintai-orders)")
    )
    p.add_argument(
        "input",
        metavar="INPUT",
        help=_(
            "the platform's work-order export, one row an order: CSV (UTF-8 or GBK), a workbook (.xlsx) or .parquet"
        ),
    )
    p.add_argument(
        "--period",
        metavar="YYYY-MM",
        type=month,
        required=True,
        help=_("the month counted, e.g. 2024-02: [first day 00:00, next month's first day)"),
    )
    p.add_argument(
        "-f",
        "--format",
        choices=("table", "csv", "json", "xlsx"),
        help=_(
            "output format (default: from -o's name: .csv .json .xlsx, else table); a CSV or workbook reads back "
            "as the ruleset's unit-level input; xlsx needs -o"
        ),
    )
    p.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE (only if all went well)"))
    p.add_argument(
        "--excel",
        action="store_true",
        help=_("with -f csv: UTF-8 with a BOM, so Excel opens the Chinese text correctly"),
    )


def _sql_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-r", "--ruleset", required=True, metavar="RULESET", help=_("a ruleset with orders: (e.g. jintai-orders)")
    )
    p.add_argument(
        "--period", metavar="YYYY-MM", type=month, required=True, help=_("the month the queries count, e.g. 2024-02")
    )
    p.add_argument(
        "--dialect", choices=("duckdb", "spark", "trino"), required=True, help=_("the SQL dialect of the warehouse")
    )
    p.add_argument(
        "--table",
        metavar="NAME",
        default="orders",
        help=_(
            "the table of typed orders the queries read (default orders); the header lists the columns it must have"
        ),
    )
    p.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE (only if all went well)"))


def _combine_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-r",
        "--ruleset",
        metavar="RULESET",
        help=_(
            "a bare name scores each month (labels YYYY-MM) under the version in effect then; "
            "name@version or a path, every month under that one; may be left out when --plan names it"
        ),
    )
    p.add_argument(
        "--plan",
        metavar="FILE",
        help=_(
            "a combine declared apart from the monthly ruleset (YAML: method, aliases, values), e.g. "
            "rulesets/jintai-hotline/combine/2024.yaml"
        ),
    )
    p.add_argument(
        "--aliases",
        metavar="FILE",
        help=_("units renamed during the year: a CSV with columns old,new; an old name's periods count for the new"),
    )
    p.add_argument(
        "--value",
        action="append",
        metavar="NAME=FILE",
        help=_("a per-unit value the plan's formula reads, from its own file (e.g. --value review=review.csv)"),
    )
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="[LABEL=]INPUT[#SHEET]",
        help=_(
            "one input per period, e.g. 2024-01=jan.csv, or a workbook's sheet: 1月=book.xlsx#1月 "
            "(an existing file whose name holds '=' or '#' is taken as a file); "
            "without LABEL=, the sheet or file name; --sheet applies to each workbook input without its own #SHEET; "
            "two periods holding the same records (the same file or sheet, or a copy of it) are refused"
        ),
    )
    _view_output(p, COMBINE_FORMATS, COMBINE_FORMATS_HELP)


def _new_version_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", metavar="NAME")
    p.add_argument(
        "version",
        metavar="VERSION",
        help=_("e.g. 2025.01: a number no version has yet (2025.1 would be the same as 2025.01)"),
    )
    p.add_argument(
        "--from", dest="source", metavar="VERSION", help=_("copy this version instead of the latest (drafts included)")
    )
    p.add_argument(
        "--effective",
        metavar="YYYY-MM-DD",
        type=day,
        help=_("its effective date (default: the first day of a YYYY.MM version; required for any other version)"),
    )


def _release_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("ref", metavar="NAME@VERSION")


def _test_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "refs",
        nargs="*",
        metavar="RULESET",
        help=_("path, name@version or name (a bare name: its latest released version)"),
    )
    p.add_argument(
        "--update",
        metavar="NAME@VERSION",
        help=_(
            "rewrite this draft's expected files from its current output, after printing what changes "
            "(a released version is refused)"
        ),
    )


@frozen
class CommandSpec:
    """One subcommand: its name, the function that runs it, its help, the shared option groups it takes, its own."""

    name: str
    run: Command
    help: str  # marked with N_: translated where the parser is built
    shared: tuple[str, ...]
    arguments: Callable[[argparse.ArgumentParser], None]


COMMANDS = (
    CommandSpec(
        "list",
        commands.cmd_list,
        N_("list rulesets and versions with effective date and status (draft or released)"),
        (),
        _no_arguments,
    ),
    CommandSpec(
        "validate",
        commands.cmd_validate,
        N_("check rulesets; print every error as file:line:col"),
        ("chosen", "whatif"),
        _validate_arguments,
    ),
    CommandSpec(
        "evaluate",
        commands.cmd_evaluate,
        N_("score INPUT with a ruleset and print the ranked table"),
        ("chosen", "whatif", "sheet", "orders"),
        _evaluate_arguments,
    ),
    CommandSpec(
        "diff",
        commands.cmd_diff,
        N_("what changes between two rulesets (or a ruleset and a what-if) on one INPUT"),
        ("chosen", "whatif", "sheet", "orders"),
        _diff_arguments,
    ),
    CommandSpec(
        "explain",
        commands.cmd_explain,
        N_("how one unit's score and rank came about (for an order export, each count's orders first)"),
        ("chosen", "whatif", "sheet", "orders"),
        _explain_arguments,
    ),
    CommandSpec(
        "sensitivity",
        commands.cmd_sensitivity,
        N_("how far each weight and each input can move before the published order, lists or grades change"),
        ("chosen", "whatif", "sheet", "orders"),
        _sensitivity_arguments,
    ),
    CommandSpec(
        "count",
        commands.cmd_count,
        N_("count an order export per unit (a ruleset with orders:): the unit-level table it scores"),
        ("chosen", "sheet", "orders"),
        _count_arguments,
    ),
    CommandSpec(
        "sql",
        commands.cmd_sql,
        N_("print the SQL a ruleset's orders: rules compile to (DuckDB, Spark or Trino), for a warehouse's own table"),
        ("chosen",),
        _sql_arguments,
    ),
    CommandSpec(
        "combine",
        commands.cmd_combine,
        N_("several periods' inputs combined into one result, as the ruleset declares (e.g. the mean of the months)"),
        ("chosen", "whatif", "sheet"),
        _combine_arguments,
    ),
    CommandSpec(
        "new-version",
        commands.cmd_new_version,
        N_("copy the latest version of a ruleset (it says which) into a new draft"),
        (),
        _new_version_arguments,
    ),
    CommandSpec(
        "release",
        commands.cmd_release,
        N_("release a draft: its golden cases must pass; its file is then locked"),
        (),
        _release_arguments,
    ),
    CommandSpec(
        "test",
        commands.cmd_test,
        N_("run the golden cases rulesets carry (all rulesets if none named)"),
        (),
        _test_arguments,
    ),
)


class _CommandParser(_Parser):
    """One command's parser, made whole (its shared options, its own arguments) the first time it is used.

    Why: argparse makes every command's parser up front, and each costs gettext look-ups (a file looked for
    per locale for each of its messages) and a formatter check per option; the nine of them took about a
    tenth of what `kaoping evaluate -f json` itself does, for eight commands that do not run.  add_parser
    still registers each command's name and help line at once (the top-level --help, "invalid choice"), and
    the parser is made whole, exactly as it would have been made, before anything of it is read: argparse
    parsing the command's arguments, or printing its --help.
    """

    def __init__(self, *, spec: CommandSpec, **kwargs: Any) -> None:
        self._pending = (spec, kwargs)  # no ArgumentParser.__init__ yet: __getattr__ runs it

    def __getattr__(self, name: str) -> Any:
        """Any attribute of an ArgumentParser asked for before it is made: make it whole, then answer."""
        pending = self.__dict__.pop("_pending", None)
        if pending is None:
            raise AttributeError(name)
        spec, kwargs = pending
        _Parser.__init__(self, **kwargs)
        _common_options(self)
        for group in spec.shared:
            SHARED_OPTIONS[group](self)
        self.set_defaults(run=spec.run)
        spec.arguments(self)
        return getattr(self, name)


class _Headings(argparse.HelpFormatter):
    """argparse ends its section headings with an ASCII colon; Chinese text takes the full-width one (选项：)."""

    def format_help(self) -> str:
        text = super().format_help()
        return re.sub(r"^(\S[^\n]*?):$", "\\1：", text, flags=re.M) if current() == "zh" else text


class _TopHelp(_Headings, argparse.RawDescriptionHelpFormatter):
    """The top-level help: its epilog's examples keep their lines."""


def build_parser(specs: Sequence[CommandSpec] = COMMANDS) -> argparse.ArgumentParser:
    """The `kaoping` parser: global options, then one subparser per entry of `specs` (made whole when used)."""
    parser: argparse.ArgumentParser = _Parser(
        prog="kaoping",
        description=_("Score and rank units with a versioned YAML ruleset."),
        epilog=_(EPILOG),
        formatter_class=_TopHelp,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=_("kaoping {version}", version=__version__),
        help=_("show program's version number and exit"),  # argparse 3.11's own default, which it does not translate
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_CommandParser)
    parser.add_argument("--rulesets", metavar="DIR", help=_(RULESETS_HELP))
    parser.add_argument("--lang", choices=LANGS, help=_(LANG_HELP))
    for spec in specs:
        sub.add_parser(spec.name, help=_(spec.help), description=_(spec.help), spec=spec, formatter_class=_Headings)
    return parser
