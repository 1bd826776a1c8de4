"""Machine-readable outputs: JSON (the contract the checks read) and CSV.

Both are built in memory as one string; the CLI writes a file only when the
whole output exists, so a failed run never leaves half a file behind.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from typing import Any

from .. import __version__
from ..data.csv_in import ESCAPED_STARTS
from ..data.table import Table
from ..evaluate.ranking import Evaluation, UnitResult
from ..files import Piece, joined
from ..ruleset.model import Ruleset
from .layout import blocks, cell, markers, notes, table_leaves, table_notes, title


def ruleset_info(r: Ruleset) -> dict[str, Any]:
    """What identifies the rules a result was derived under (the file's bytes, and any what-if), and how
    this version came to be the one used: a version kaoping chose, or one not in effect that month, is
    part of what a published table was derived from."""
    return {
        "name": r.name,
        "version": r.version,
        "sha256": r.sha256,
        "path": r.path,
        "what_if": list(r.overrides),
        "chosen": r.chosen,
        "chosen_why": r.chosen_why,
        "not_in_effect": r.not_in_effect,
    }


def input_info(t: Table) -> dict[str, Any]:
    """The input's identity, and what the reader left out or read with a guess (input.notes)."""
    return {
        "path": t.path,
        "sha256": t.sha256,
        "records": len(t.records),
        "encoding": t.encoding,
        "notes": list(t.notes),
    }


def provenance(evaluation: Evaluation, period: str | None) -> dict[str, Any]:
    """Everything needed to re-derive and check a published table."""
    return {
        "kaoping": __version__,
        "ruleset": ruleset_info(evaluation.ruleset),
        "input": input_info(evaluation.table),
        "period": period,
        "warnings": list(evaluation.warnings),
    }


def provenance_json(evaluation: Evaluation, period: str | None) -> str:
    """The sidecar a CSV (which has no room for it) is written with; its `notes` are the lines the other
    formats print under the table (lists, flags, why a column was added, warnings)."""
    document = {**provenance(evaluation, period), "notes": notes(evaluation) + table_notes(evaluation, period)}
    document.update(report_blocks(evaluation, period))
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def report_blocks(evaluation: Evaluation, period: str | None) -> dict[str, Any]:
    """{"report": the attachment label, notes, issuer and date as printed} when the ruleset declares any
    (a block left out for want of --period is "", a note left out is not listed); {} otherwise, so a
    ruleset without blocks writes the keys it always did."""
    if not evaluation.ruleset.report.has_blocks:
        return {}
    around = blocks(evaluation, period)
    return {
        "report": {
            "attachment": around.attachment,
            "notes": list(around.notes),
            "issuer": around.issuer,
            "date": around.date,
        }
    }


def to_json(evaluation: Evaluation, period: str | None = None) -> str:
    """The JSON contract of product.md: ruleset, input, aggregates, results."""
    return joined(json_chunks(evaluation, period))


def json_chunks(evaluation: Evaluation, period: str | None = None) -> Iterator[Piece]:
    """to_json's text in pieces: from the columns, a block of units at a time, when the evaluation has them."""
    document = _document(evaluation, period)
    if evaluation.columns is not None:
        from ..columns.stream import json_chunks as from_columns

        return from_columns(document, evaluation, evaluation.columns)
    document["results"] = [_result(evaluation, u) for u in evaluation.results]
    return iter((dump_json(document),))


def _document(evaluation: Evaluation, period: str | None) -> dict[str, Any]:
    """Everything but the results' items (left empty): provenance, title, aggregates, and the lists under the table."""
    document: dict[str, Any] = {
        **provenance(evaluation, period),
        "title": title(evaluation.ruleset, period),
        **report_blocks(evaluation, period),
        "aggregates": {k: dict(v) if isinstance(v, Mapping) else v for k, v in evaluation.aggregates.items()},
        "results": [],
    }
    r = evaluation.ruleset
    if r.lists:
        document["lists"] = [
            {
                "id": ul.id,
                "label": ul.label,
                ul.end: ul.size,
                "within_group": ul.per_group,
                "units": [_who(u) for u in members],
            }
            for ul, members in evaluation.lists
        ]
    if r.flags:
        document["flags"] = [{"id": f.id, "label": f.label, "units": flagged(evaluation, f.id)} for f in r.flags]
    if r.ranking.eligible is not None:
        document["unranked"] = {"label": r.ranking.ineligible_label, "units": _unranked(evaluation)}
    return document


def flagged(evaluation: Evaluation, flag: str) -> list[dict[str, Any]]:
    """The units that raise `flag`, in table order (from the columns without building every result)."""
    if evaluation.columns is None:
        return [_who(u) for u in evaluation.results if flag in u.flags]
    ranking = evaluation.columns
    hits = ranking.scoring.flags[flag][ranking.order]
    return _who_at(evaluation, hits.nonzero()[0].tolist())


def _unranked(evaluation: Evaluation) -> list[dict[str, Any]]:
    if evaluation.columns is None:
        return [_who(u) for u in evaluation.unranked]
    ranking = evaluation.columns
    return _who_at(evaluation, (ranking.rank == 0).nonzero()[0].tolist())


def _who_at(evaluation: Evaluation, positions: list[int]) -> list[dict[str, Any]]:
    """_who of the results at `positions`, read from the columns; the printed totals made in one call."""
    from ..columns.rounding import fixed_many

    ranking = evaluation.columns
    assert ranking is not None
    s, units = ranking.scoring, ranking.order[positions]
    rounding = evaluation.ruleset.rounding
    shown = fixed_many(s.total.values[units], rounding.places, rounding.mode)
    return [
        {
            "entity": s.entity[unit],
            "group": s.group[unit] if s.group is not None else None,
            "rank": int(ranking.rank[position]) or None,
            "total": total,
        }
        for position, unit, total in zip(positions, units.tolist(), shown, strict=True)
    ]


def dump_json(document: Mapping[str, Any], rows: str = "results") -> str:
    """The document indented for reading, with each item of `rows` on one line of its own.

    One line a unit keeps a month's file readable and diffable, and lets the
    C encoder do the bulk of the work: `indent` alone switches json to its
    pure-Python encoder, several times slower for 100,000 units.
    """
    return "{\n" + ",\n".join(json_part(key, value, rows) for key, value in document.items()) + "\n}\n"


def json_part(key: str, value: Any, rows: str = "results") -> str:
    """One key of the document: `rows` one item a line, anything else indented."""
    if key == rows and isinstance(value, list) and value:
        text = "[\n" + ",\n".join("    " + json.dumps(item, ensure_ascii=False) for item in value) + "\n  ]"
    else:
        text = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
    return f"  {json.dumps(key, ensure_ascii=False)}: {text}"


def _result(evaluation: Evaluation, u: UnitResult) -> dict[str, Any]:
    """One unit: the contract's keys, and group, grade, flags and derived values when the ruleset has them."""
    r = evaluation.ruleset
    item: dict[str, Any] = {
        "rank": u.rank,
        "entity": u.entity,
        "inputs": dict(u.inputs),
        "scores": dict(u.scores),
        "total": u.total,
        "display": dict(u.display),
    }
    if r.group_field:
        item["group"] = u.group
    if r.derived:
        item["derived"] = {d.id: u.values[d.id] for d in r.derived}
    if r.grades is not None:
        item["grade"] = u.grade
    if r.flags:
        item["flags"] = list(u.flags)
    return item


def _who(u: UnitResult) -> dict[str, Any]:
    return {"entity": u.entity, "group": u.group, "rank": u.rank, "total": u.display["total"]}


def to_csv(evaluation: Evaluation, period: str | None = None) -> str:
    """The published table as CSV: one header row ("group/column"), display text.

    A what-if, or a version not in effect that month, says so in a row of its
    own above the header: a CSV travels without its sidecar, and must not
    pass for an official table.  kaoping skips such a row when it reads the
    table back (it names no input).
    """
    return joined(csv_chunks(evaluation, period))


def csv_chunks(evaluation: Evaluation, period: str | None = None) -> Iterator[Piece]:
    """to_csv's text in pieces: from the columns, a block of units at a time, when the evaluation has them."""
    cols = table_leaves(evaluation)
    head = [[_inert(marker, False)] for marker in markers(evaluation.ruleset)]
    head.append([_inert(f"{c.group}/{c.label}" if c.group else c.label, False) for c in cols])
    if evaluation.columns is not None:
        from ..columns import stream

        ranking = evaluation.columns
        cells = stream.csv_columns(evaluation, ranking, [(c.field, c.numeric) for c in cols])
        return stream.csv_chunks(evaluation, ranking, head, cells)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(head)
    for result in evaluation.results:
        writer.writerow([_inert(cell(evaluation, result, c.field), c.numeric) for c in cols])
    return iter((buffer.getvalue(),))


def _inert(text: str, numeric: bool) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @ first) gets a leading ' so it stays text; so does
    text that starts with ' itself, so that reading back (which drops one leading ') gives it unchanged:
    units @ and '@ are written '@ and ''@."""
    return f"'{text}" if not numeric and text[:1] in ESCAPED_STARTS else text
