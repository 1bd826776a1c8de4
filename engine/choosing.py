"""Which ruleset a RULESET reference means, and what is said about the choice: one implementation for
kaoping.load (engine/api.py) and the CLI's -r (engine/commands.py).

The CLI loads through kaoping.load, so the two differ only in how they
spell the date option in what they say (`as_of` in Python, `--as-of` on the
command line; kaoping.load's `as_of_name`) and in where the words go:
`tell(line, once)` receives each note as it arises — the API keeps them on
the Ruleset's `.notes`, the CLI (passing kaoping.load a `tell`) also writes
them on stderr at once (so a note already made is seen even when loading
then fails), and `once` marks a note a run says only once however many
times it loads the same ruleset (diff -r X --set ... loads X twice; one
choice told twice reads as two choices).
The loading itself stays with the caller (kaoping.load), between
`choose_ruleset` and `chosen_model`, so that each load has its own overrides.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import field
from pathlib import Path

from .frozen import frozen
from .i18n import _
from .ruleset.model import Ruleset
from .ruleset.resolve import Found, found_at, is_path, named, rulesets_choice, visible_roots
from .ruleset.versions import Choice, check_not_edited_copy, choose, not_in_effect
from .ruleset.yamlsrc import Reads

Tell = Callable[[str, bool], None]
"""Receives one line to say (starting "note: " or "warning: ") and whether a run says it only once."""


@frozen
class Asked:
    """What a reference is resolved with: the day or month asked about, and the rulesets folder option.

    `as_of_name` is how what is said names the as_of day ("as_of" in Python, "--as-of" on the command line).
    """

    as_of: str | None = None
    period: str | None = None
    rulesets: str | None = None
    as_of_name: str = "as_of"
    exact_with_date: bool = False  # diff: an exact version may be compared with one picked by --as-of


@frozen
class Chosen:
    """The file a reference means, where it lies in a rulesets folder (for the name/version check), and how chosen."""

    choice: Choice
    found: Found | None
    roots: tuple[Path, ...]
    reads: Reads = field(default_factory=Reads)  # this load's reads: each file read and parsed once, choosing included

    @property
    def path(self) -> Path:
        return self.choice.path


def choose_ruleset(ref: str, asked: Asked, tell: Tell) -> Chosen:
    """Resolve `ref` (a path, name@version or a bare name), telling which folder and which version."""
    as_of, period = asked.as_of, asked.period
    if as_of and period and as_of[:7] != period:
        tell(
            _(
                "warning: {as_of_name} {as_of} is not in the period {period}: the version is the one in effect on {as_of}",
                as_of_name=asked.as_of_name,
                as_of=as_of,
                period=period,
            ),
            False,
        )
    root, root_note = rulesets_choice(asked.rulesets)
    if root_note and not is_path(ref):
        tell(_("note: {text}", text=root_note), False)
    reads = Reads()
    choice = choose(ref, root, as_of, period, exact_with_date=asked.exact_with_date, reads=reads)
    if choice.note:
        tell(_("note: {text}", text=choice.note), True)
    roots = visible_roots(asked.rulesets)
    return Chosen(
        choice, choice.found or found_at(choice.path, roots), roots, reads
    )  # a path into a folder: checked as named


def chosen_model(model: Ruleset, chosen: Chosen, asked: Asked, tell: Tell) -> Ruleset:
    """The loaded `model`, refused when it is an edited copy of a released version, marked with how it was chosen;
    a version named exactly but not in effect on the day asked about is warned about."""
    check_not_edited_copy(chosen.path, str(chosen.path), model.name, model.version, chosen.roots, reads=chosen.reads)
    choice = chosen.choice
    late = _not_in_effect(model, choice.found, asked, chosen.reads) if choice.how in ("named", "path") else ""
    if late:
        tell(_("warning: {text}", text=late), True)
    return dataclasses.replace(model, chosen=choice.how, chosen_why=choice.note, not_in_effect=late)


def _not_in_effect(ruleset: Ruleset, found: Found | None, asked: Asked, reads: Reads) -> str:
    """Why an exactly named version does not apply to the day asked about ("" when it does, or none was asked)."""
    as_of, period = asked.as_of, asked.period
    if as_of:
        day, when = as_of, f"{asked.as_of_name} {as_of}"
    elif period:
        day, when = f"{period}-01", _("the period {period}", period=period)
        if ruleset.effective[:7] == period and ruleset.effective > day:
            when = _("the first day of the period {period}", period=period)
    else:
        return ""
    versions = named(found.path.parent.parent, found.name, ruleset.ref) if found else []
    return not_in_effect(ruleset.ref, ruleset.effective, day, when, versions, reads=reads)
