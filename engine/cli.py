"""kaoping command line: the arguments, and one place that turns errors into exit codes.

Exit codes: 0 success; 1 the ruleset, the data or a value given is wrong
(every problem printed as file:line:col, no traceback, no output file);
2 the command line itself is wrong; 3 a bug in kaoping.
The arguments are in engine/cli_parser.py, the commands in engine/commands.py. Installed as kaoping.cli
(the console script `kaoping`); the root cli.py is a shim for `python cli.py`.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from types import FrameType
from typing import TextIO

from . import commands
from .cli_parser import EPILOG, build_parser, day, month
from .errors import KaopingError, Problem, UsageError, render_problems
from .files import reason
from .i18n import _, choose, language_of, speaking

EXIT_USER, EXIT_USAGE, EXIT_BUG = 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM, as shells report them

__all__ = ["EPILOG", "build_parser", "day", "main", "month", "os_problem"]


class Terminated(BaseException):
    """SIGTERM, raised where the program is, so that every `finally` (removing a half-written file) runs."""


@contextlib.contextmanager
def terminate_as_exception() -> Iterator[None]:
    """While a command runs, SIGTERM raises Terminated (only the main thread can set a handler)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (an embedding program): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run one command; return its exit code (tests call this directly)."""
    if argv is None:  # the `kaoping` command itself, a process of its own (a program passes its arguments)
        _freeze_what_is_imported()
    out, err = stdout or sys.stdout, stderr or sys.stderr
    flag = lang_flag(sys.argv[1:] if argv is None else argv)
    with speaking(choose(flag)):
        asked = os.environ.get("KAOPING_LANG", "").strip()
        if flag is None and asked and language_of(asked) is None:  # a setting that chose nothing is said, not ignored
            err.write(_("note: KAOPING_LANG={value} is not zh or en; it is ignored", value=asked) + "\n")
        return _main(argv, out, err)


def _main(argv: Sequence[str] | None, out: TextIO, err: TextIO) -> int:
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = build_parser().parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    try:
        with terminate_as_exception():
            return int(args.run(args, out, err))
    except KaopingError as e:
        err.write(render_problems(e.problems, e.total) + "\n")
        return EXIT_USER
    except UsageError as e:
        err.write(_("kaoping {command}: error: {message}", command=args.command, message=e) + "\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.write(_("interrupted") + "\n")
        return EXIT_INTERRUPTED
    except Terminated:
        err.write(_("terminated") + "\n")
        return EXIT_TERMINATED
    except MemoryError:
        err.write(render_problems([commands.out_of_memory(args)]) + "\n")
        return EXIT_USER
    except OSError as e:  # the system refused a file: the user's to fix, said with its name
        err.write(render_problems([os_problem(e)]) + "\n")
        return EXIT_USER
    except Exception:  # noqa: BLE001 - anything else is a bug, said as such
        import traceback  # only for a bug: not imported by every run

        err.write(
            _("kaoping: internal error — this is a bug in kaoping, not in your files. Please report it with:") + "\n"
        )
        err.write(traceback.format_exc())
        return EXIT_BUG


def lang_flag(argv: Sequence[str]) -> str | None:
    """The value of --lang, looked for before parsing: the parser's own help and errors speak it.

    The last one wins, as argparse would take it (the parser then refuses a
    second, or a value that is not zh or en, in the language chosen here).
    argparse also takes an abbreviation (--la zh), so this does too: an
    abbreviation it finds ambiguous it refuses itself.
    """
    value = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        name, eq, given = arg.partition("=")
        if len(name) < 3 or not "--lang".startswith(name):
            continue
        if eq:
            value = given
        elif i + 1 < len(argv):
            value = argv[i + 1]
    return value


def _freeze_what_is_imported() -> None:
    """Leave the modules, classes and functions imported so far out of every garbage collection to come.

    They live until the process exits, so each collection that walks them
    (several while a ruleset is parsed, and the last one at exit) is work for
    nothing: some 37 M instructions of the seed's cold start, a tenth of
    what it does beyond its imports' floor (benchmarks/bench.py).  What the command makes from here on is collected
    as before.  Only for a process that is this one command: a program that
    calls main itself keeps its collector as it is.
    """
    gc.freeze()


def os_problem(e: OSError) -> Problem:
    """An operating-system error (a name too long, no permission, a full disk) as a problem at its file."""
    where = str(e.filename) if e.filename is not None else "kaoping"
    return Problem(
        where,
        0,
        0,
        _("the system refused this file: {reason}", reason=reason(e) or e),
        _("check its name, its folder and its permissions"),
        code="file.system-refused",
    )


if __name__ == "__main__":
    sys.exit(main())
