"""What is said about an evaluation besides its table: columns not used, the reader's notes, scoring's warnings.

One wording for both places that say it: the CLI on stderr (capped, so that
a header with a million extra columns gets a line, not megabytes) and the
Python API's Result.notes (whole).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..evaluate.ranking import Evaluation
from ..i18n import N_, _, current

NAMES_SHOWN = 20  # a header with a million extra columns gets a note of one line, not megabytes
LINES_SHOWN = 20


def told(evaluation: Evaluation, capped_at: int | None = None) -> tuple[str, ...]:
    """Each line said after scoring, starting "note: " or "warning: "; with `capped_at`, as the CLI says them."""
    ignored = evaluation.table.ignored_columns
    names = _comma().join(ignored) if capped_at is None else shortlist(ignored, NAMES_SHOWN)
    unused = _("columns not used by {ref}: {names}", ref=evaluation.ruleset.ref, names=names)
    lines = [_("note: {text}", text=unused)] if ignored else []
    notes: Sequence[str] = evaluation.table.notes
    warnings: Sequence[str] = evaluation.warnings
    if capped_at is not None:
        notes, warnings = capped(notes, capped_at, "notes"), capped(warnings, capped_at, "warnings")
    said = ("warning: ", _("warning: {text}", text=""))  # a reader's warning, said in either language
    lines += [line if line.startswith(said) else _("note: {text}", text=line) for line in notes]  # the reader's doubts
    return tuple(lines + [_("warning: {text}", text=w) for w in warnings])


def shortlist(names: Sequence[str], limit: int, width: int = 40) -> str:
    """The first `limit` names (each cut to `width` characters), and how many more there are."""
    shown = _comma().join(n if len(n) <= width else n[: width - 1] + "…" for n in names[:limit])
    return shown + (_(" … and {n} more", n=len(names) - limit) if len(names) > limit else "")


def capped(lines: Sequence[str], limit: int, what: str) -> list[str]:
    """At most `limit` lines, the last saying how many more there were."""
    if len(lines) <= limit:
        return list(lines)
    template = _MORE.get(what)
    more = len(lines) - limit
    said = _(template, n=more) if template else _("… and {n} more {what}", n=more, what=what)
    return [*lines[:limit], said]


_MORE = {
    "notes": N_("… and {n} more notes"),
    "warnings": N_("… and {n} more warnings"),
    "mismatches": N_("… and {n} more mismatches"),
}
"""What capped says of the lines left out, by the `what` its callers give: one whole sentence each."""


def _comma() -> str:
    """Between the names of a list: a comma in English, 、 in Chinese."""
    return "、" if current() == "zh" else ", "
