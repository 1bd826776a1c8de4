"""Loading a ruleset, stage by stage: read -> release lock -> what-if -> format version -> schema -> meaning.

Each stage reports every problem it finds; a later stage runs only when the
earlier ones found nothing, so a user never sees errors caused by other
errors.  Each stage lives in its own module (yamlsrc, versions, whatif,
schema, loader); this one only runs them in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import KaopingError, Problem
from ..i18n import _
from .loader import build_model
from .model import Ruleset
from .resolve import Found, found_at
from .schema import check_format_version, check_schema
from .versions import Choice, check_not_edited_copy, check_unchanged
from .yamlsrc import MAX_PROBLEMS, Reads, Source

if TYPE_CHECKING:  # the what-if stage is imported by a load with --set values only
    from .whatif import Override


def load_ruleset(
    path: Path,
    display: str | None = None,
    overrides: Sequence[Override] = (),
    expect: Found | None = None,
    *,
    reads: Reads | None = None,
) -> Ruleset:
    """The validated model of the ruleset at `path`, or KaopingError with every problem.

    A released version whose bytes changed is refused first; `overrides`
    (what-if `--set` values) are applied before any check, so the changed
    ruleset is validated as a whole.  `expect` is where the file was found
    by name: its `name:` and `version:` must agree with its folder and file.
    The file's bytes are read once, hashed for the lock and parsed from the
    same bytes; with `reads` (the reader `choose` used) not even that, when
    choosing the version read the file already.
    """
    display = display or str(path)
    reads = reads or Reads()
    check_unchanged(path, display, reads=reads)
    return load_source(reads.source(path, display), overrides, expect)


def load_choice(
    choice: Choice, roots: tuple[Path, ...], overrides: Sequence[Override] = (), *, reads: Reads | None = None
) -> Ruleset:
    """The ruleset `choose` chose, loaded, and refused when it calls itself a released version without its bytes.

    A path into a rulesets folder is checked as if found by name (found_at).
    Give the `reads` that `choose` was given: then every file is read and
    parsed once for the whole load, choosing included.
    """
    reads = reads or Reads()
    found = choice.found or found_at(choice.path, roots)
    model = load_ruleset(choice.path, str(choice.path), overrides, expect=found, reads=reads)
    check_not_edited_copy(choice.path, str(choice.path), model.name, model.version, roots, reads=reads)
    return model


def load_source(src: Source, overrides: Sequence[Override] = (), expect: Found | None = None) -> Ruleset:
    """The stages after reading, for a parsed document from a file or from text (the Python API's loads):
    what-if, format version, schema, meaning and build."""
    if overrides and isinstance(src.data, dict):
        from .whatif import apply_overrides

        src = apply_overrides(src, overrides)
    problems = check_format_version(src) or check_schema(src)
    if not problems:
        try:
            return build_model(src, expect, tuple(o.text for o in overrides))
        except KaopingError as e:
            problems = list(e.problems)
    raise KaopingError(_under_overrides(problems, overrides), limit=MAX_PROBLEMS)


def _under_overrides(problems: list[Problem], overrides: Sequence[Override]) -> list[Problem]:
    """Each problem of a what-if says which --set values made it one.

    Said in each message rather than in a heading of its own, so that the
    count under the list ("1 error") counts the problems only.  A problem
    already placed at a --set value names it in its place.
    """
    if not overrides:
        return problems
    sets = ""
    for o in overrides:
        said = f"--set {o.text}"
        sets = _("{listed_before}, {listed}", listed_before=sets, listed=said) if sets else said
    return [
        p
        if p.file.startswith("--set")
        else replace(
            p,
            message=_("with {sets}: {message}", sets=sets, message=p.message),
            hint=p.hint or _("change the --set values"),
        )
        for p in problems
    ]
