"""What is said about an evaluation besides its table: columns not used, the reader's notes, scoring's warnings.

One wording for both places that say it: the CLI on stderr (capped, so that
a header with a million extra columns gets a line, not megabytes) and the
Python API's Result.notes (whole).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..evaluate.ranking import Evaluation

NAMES_SHOWN = 20  # a header with a million extra columns gets a note of one line, not megabytes
LINES_SHOWN = 20


def told(evaluation: Evaluation, capped_at: int | None = None) -> tuple[str, ...]:
    """Each line said after scoring, starting "note: " or "warning: "; with `capped_at`, as the CLI says them."""
    ignored = evaluation.table.ignored_columns
    names = ", ".join(ignored) if capped_at is None else shortlist(ignored, NAMES_SHOWN)
    lines = [f"note: columns not used by {evaluation.ruleset.ref}: {names}"] if ignored else []
    notes: Sequence[str] = evaluation.table.notes
    warnings: Sequence[str] = evaluation.warnings
    if capped_at is not None:
        notes, warnings = capped(notes, capped_at, "notes"), capped(warnings, capped_at, "warnings")
    lines += [line if line.startswith("warning: ") else f"note: {line}" for line in notes]  # the reader's doubts
    return tuple(lines + [f"warning: {w}" for w in warnings])


def shortlist(names: Sequence[str], limit: int, width: int = 40) -> str:
    """The first `limit` names (each cut to `width` characters), and how many more there are."""
    shown = ", ".join(n if len(n) <= width else n[: width - 1] + "…" for n in names[:limit])
    return shown + (f" … and {len(names) - limit} more" if len(names) > limit else "")


def capped(lines: Sequence[str], limit: int, what: str) -> list[str]:
    """At most `limit` lines, the last saying how many more there were."""
    if len(lines) <= limit:
        return list(lines)
    return [*lines[:limit], f"… and {len(lines) - limit} more {what}"]
