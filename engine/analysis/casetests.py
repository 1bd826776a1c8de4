"""A ruleset's own golden cases, run by `kaoping test`.

A case names an input file and the table it must produce, both beside the
ruleset.  The expected file is a CSV whose header names `rank`, the entity
key, and any indicator ids or `total`; each row is what the table must show,
in rank order.  A version carrying the published table as its case cannot
drift from it unnoticed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import KaopingError
from ..evaluate.pipeline import evaluate
from ..i18n import _, n_
from ..ruleset.model import GoldenCase, Ruleset

if TYPE_CHECKING:
    from ..orders.run import OrdersRun


@dataclass(frozen=True, slots=True)
class Outcome:
    ruleset: str
    case: str
    units: int
    failures: tuple[str, ...]
    refused: KaopingError | None = None  # the case's input refused: its problems, for the CLI to render

    @property
    def passed(self) -> bool:
        return not self.failures and self.refused is None


def _orders_run(ruleset: Ruleset, case: GoldenCase) -> OrdersRun | None:
    """How a case's work-order export is counted: for its period (an export needs one; a unit table ignores it)."""
    if ruleset.orders is None or case.period is None:
        return None
    from ..orders.run import OrdersRun

    return OrdersRun(case.period)


def run_case(ruleset: Ruleset, case: GoldenCase, folder: Path) -> Outcome:
    missing = [name for name in (case.input, case.expect) if not (folder / name).is_file()]
    if missing:
        return Outcome(ruleset.ref, case.name, 0, tuple(_("no file {path}", path=folder / name) for name in missing))
    try:
        evaluation = evaluate(ruleset, folder / case.input, str(folder / case.input), orders=_orders_run(ruleset, case))
    except KaopingError as e:
        return Outcome(ruleset.ref, case.name, 0, (), e)
    expected = _expected(folder / case.expect)
    known = {"rank", ruleset.key, *evaluation.results[0].display} if evaluation.results else set()
    failures = [
        _(
            "{file} has a column '{column}', which is not rank, {key}, an indicator or total",
            file=case.expect,
            column=c,
            key=ruleset.key,
        )
        for c in (expected[0] if expected else {})
        if c not in known
    ]
    if len(expected) != len(evaluation.results):
        failures.append(_("{n} units ranked, {expected} expected", n=len(evaluation.results), expected=len(expected)))
    for number, (want, got) in enumerate(zip(expected, evaluation.results, strict=False), start=1):
        shown = {
            "rank": "" if got.rank is None else str(got.rank),
            ruleset.key: got.entity,
            **got.display,
        }  # unranked: blank, as -f csv writes it
        for column, value in want.items():
            if shown.get(column) != value:
                failures.append(
                    _(
                        "row {row} ({unit}): {column} is {got!r}, expected {value!r}",
                        row=number,
                        unit=want.get(ruleset.key, got.entity),
                        column=column,
                        got=shown.get(column),
                        value=value,
                    )
                )
    return Outcome(ruleset.ref, case.name, len(evaluation.results), tuple(failures))


def _expected(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    return [{k.strip(): v.strip() for k, v in row.items()} for row in csv.DictReader(io.StringIO(text))]


def run_all(ruleset: Ruleset, folder: Path) -> list[Outcome]:
    return [run_case(ruleset, case, folder) for case in ruleset.tests]


# --- kaoping test --update: a draft's expected files rewritten from its current output ------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """One row of an expected file whose values change: its position, the unit now there, and each
    changed column's old and new text ("" where the row or the value was absent)."""

    row: int
    unit: str
    values: tuple[tuple[str, str, str], ...]  # (column, old, new)


@dataclass(frozen=True, slots=True)
class Update:
    """An expected file as the current output writes it, and how that differs from the file as it is."""

    path: Path
    shown: str  # the path as the user opens it
    cases: tuple[str, ...]
    text: str
    columns: tuple[str, ...]
    changes: tuple[Change, ...]
    dropped: tuple[str, ...]  # columns the old file had that the comparison does not know: left out

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.dropped)


def expected_columns(ruleset: Ruleset, old: list[dict[str, str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The columns to write, and the old file's columns left out.

    The old file's own columns in its order, where the comparison knows
    them (an expected file may pin only some columns, and keeps doing so);
    with none of them known (or no file), every column the comparison reads:
    rank, the entity key, each indicator id in the ruleset's order, total.
    """
    every = ("rank", ruleset.key, *(i.id for i in ruleset.indicators), "total")
    had = tuple(old[0]) if old else ()
    kept = tuple(c for c in had if c in every)
    return (kept or every), tuple(c for c in had if c not in every)


def expected_text(rows: list[dict[str, str]], columns: tuple[str, ...]) -> str:
    """The expected file's text: a header of ids, one row a unit in table order, LF line ends, UTF-8 without a BOM.

    The cells are exactly the text the comparison takes from a run (the
    rank, blank when unranked; the unit's name; the displayed scores), so
    a rewritten file passes as written.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([row[c] for c in columns] for row in rows)
    return buffer.getvalue()


def shown_rows(ruleset: Ruleset, case: GoldenCase, folder: Path) -> list[dict[str, str]]:
    """A case's current output, each unit as the comparison reads it; its input refused raises KaopingError."""
    evaluation = evaluate(ruleset, folder / case.input, str(folder / case.input), orders=_orders_run(ruleset, case))
    return [
        {"rank": "" if u.rank is None else str(u.rank), ruleset.key: u.entity, **u.display} for u in evaluation.results
    ]


def changes(key: str, old: list[dict[str, str]], new: list[dict[str, str]], columns: tuple[str, ...]) -> list[Change]:
    """Row by row (the comparison is by position), the columns whose text differs; a row only one side has
    shows "" on the other."""
    found = []
    for number in range(1, max(len(old), len(new)) + 1):
        was = old[number - 1] if number <= len(old) else {}
        now = new[number - 1] if number <= len(new) else {}
        values = tuple((c, was.get(c, ""), now.get(c, "")) for c in columns if was.get(c, "") != now.get(c, ""))
        if values:
            found.append(Change(number, now.get(key) or was.get(key, ""), values))
    return found


def plan_update(ruleset: Ruleset, case: GoldenCase, folder: Path) -> Update:
    """What `kaoping test --update` would write for one case, and what changes; nothing is written here."""
    path = folder / case.expect
    old = _old_rows(path)
    columns, dropped = expected_columns(ruleset, old)
    new = shown_rows(ruleset, case, folder)
    return Update(
        path,
        str(path),
        (case.name,),
        expected_text(new, columns),
        columns,
        tuple(changes(ruleset.key, old, new, columns)),
        dropped,
    )


def _old_rows(path: Path) -> list[dict[str, str]]:
    """The expected file as the comparison reads it (none yet: no rows); one that is not UTF-8 text is refused,
    not overwritten unseen."""
    if not path.is_file():
        return []
    try:
        return _expected(path)
    except (UnicodeDecodeError, csv.Error):
        from ..errors import fail

        raise fail(
            str(path),
            _("this expected file is not CSV text in UTF-8"),
            _("save it as CSV UTF-8, or delete it: kaoping test --update then writes it anew"),
            code="file.unreadable",
        ) from None


def plan_updates(ruleset: Ruleset, folder: Path) -> list[Update]:
    """Every expected file of the ruleset's cases, once each: cases sharing a file (a unit table and the
    export it was counted from) must give it the same text, or nothing can pass and nothing is written."""
    merged: dict[Path, Update] = {}
    for case in ruleset.tests:
        update = plan_update(ruleset, case, folder)
        key = update.path.resolve()
        first = merged.get(key)
        if first is None:
            merged[key] = update
            continue
        if first.text != update.text:
            from ..errors import fail

            raise fail(
                str(update.path),
                _(
                    "the cases '{first}' and '{second}' share this expected file but give different tables",
                    first=first.cases[0],
                    second=case.name,
                ),
                _("give one of them an expected file of its own (its expect:), then update again"),
                code="ruleset.case-update-disagree",
            )
        merged[key] = replace(first, cases=(*first.cases, case.name))
    return list(merged.values())


ABSENT = "—"  # an old or new cell that is not there (a row only one side has), or blank (an unranked unit's rank)


def listing(update: Update) -> list[str]:
    """What `kaoping test --update` prints for one expected file: its name and cases, then a compact table
    of the rows whose values change (row, the unit, each changed column's `old → new`), then a count."""
    lines = [_("{file} ({cases}):", file=update.shown, cases="; ".join(update.cases))]
    lines += [
        "    " + _("column '{column}' left out: it is not rank, the entity key, an indicator or total", column=c)
        for c in update.dropped
    ]
    if not update.changes:
        lines.append(
            "    " + (_("no value changes") if update.dropped else _("no change: it matches the current output"))
        )
        return lines
    lines += ["    " + line for line in _table(update)]
    values = sum(len(c.values) for c in update.changes)
    rows = len(update.changes)
    lines.append(
        "    "
        + n_(
            "{rows} row changes ({values} values)",
            "{rows} rows change ({values} values)",
            rows,
            rows=rows,
            values=values,
        )
    )
    return lines


def _table(update: Update) -> list[str]:
    """The changed rows aligned in columns (widths measured in terminal cells: Chinese names are two a character);
    only the columns where some value changes, the row and the unit first."""
    from rich.cells import cell_len

    changed = [c for c in update.columns if any(c == v[0] for row in update.changes for v in row.values)]
    head = [_("row"), _("unit"), *changed]
    body = []
    for row in update.changes:
        cells = {column: f"{old or ABSENT} → {new or ABSENT}" for column, old, new in row.values}
        body.append([str(row.row), row.unit, *(cells.get(c, "") for c in changed)])
    widths = [max(cell_len(r[i]) for r in (head, *body)) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        padded = [c + " " * (w - cell_len(c)) for c, w in zip(cells, widths, strict=True)]
        return "  ".join(padded).rstrip()

    return [line(head), *map(line, body)]
