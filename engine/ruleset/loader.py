"""The meaning checks and the build of a schema-valid ruleset (the stages before it: engine/ruleset/load.py).

Two steps.  First the schema's defaults are filled in (defaults.py) and the
table of declared names is built (names.py), checking nothing.  Then each
section's check-and-build runs (one module a section or a few related ones:
ids, inputs, entity, scored, tables, totals, ranking, report, meta, order),
reading the names table and reporting to one shared collector (context.py);
none reads what another built, so their order does not matter, except the
evaluation order, which is given the compiled formulas.  Formulas are parsed
once here, their names checked against the names table, and the frozen model
is built from the same objects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import KaopingError
from .context import Context
from .defaults import with_defaults
from .entity import entity_key, group_field, totals_labels
from .ids import check_ids
from .inputs import build_inputs
from .meta import build_tests, check_effective, check_place
from .model import Combine, Rounding, Ruleset
from .names import declared_names
from .order import evaluation_order
from .ranking import build_flags, build_lists, build_ranking
from .report import build_report
from .resolve import Found
from .scored import build_aggregates, build_derived, build_indicators
from .tables import build_grades, build_lookups
from .totals import build_groups, build_total
from .yamlsrc import Source

if TYPE_CHECKING:
    from ..orders.model import Orders


def build_model(src: Source, expect: Found | None, overrides: tuple[str, ...]) -> Ruleset:
    """The frozen model of a schema-valid document, or KaopingError with every meaning problem.

    `expect` is where the file was found by name (its `name:` and `version:`
    must agree with its folder and file); `overrides` are the --set texts the
    model records.
    """
    doc = with_defaults(src.data)
    ctx = Context(src, doc, declared_names(doc, src.data), expect)
    check_ids(ctx)
    check_effective(ctx)
    check_place(ctx)
    aggregates, derived, indicators = build_aggregates(ctx), build_derived(ctx), build_indicators(ctx)
    model = Ruleset(
        name=doc["name"],
        version=doc["version"],
        title=doc["title"],
        effective=doc["effective"],
        description=doc["description"],
        key=entity_key(ctx),
        inputs=build_inputs(ctx),
        aggregates=aggregates,
        indicators=indicators,
        total=build_total(ctx),
        rounding=Rounding(int(doc["rounding"]["places"]), doc["rounding"]["mode"]),
        ranking=build_ranking(ctx),
        report=build_report(ctx),
        steps=evaluation_order(ctx, aggregates, derived, indicators),
        path=src.file,
        sha256=src.sha256,
        overrides=overrides,
        tests=build_tests(ctx),
        derived=derived,
        lookups=build_lookups(ctx),
        group_field=group_field(ctx),
        groups=build_groups(ctx),
        grades=build_grades(ctx),
        lists=build_lists(ctx),
        flags=build_flags(ctx),
        combine=Combine(doc["combine"]["function"], doc["combine"]["missing"]) if "combine" in doc else None,
        totals_labels=totals_labels(ctx),
        orders=_orders(ctx),
    )
    if ctx.problems:
        raise KaopingError(ctx.problems)
    return model


def _orders(ctx: Context) -> Orders | None:
    """orders: and calendar:, built by a module imported only when the ruleset has them (test_cold_start)."""
    if "orders" not in ctx.doc and "calendar" not in ctx.doc:
        return None
    from .orders import build_orders

    return build_orders(ctx)
