"""The evaluation order: each aggregate, derived value and indicator after what its formula reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..i18n import _
from .context import Context
from .model import Aggregate, Derived, Indicator


def evaluation_order(
    ctx: Context, aggregates: tuple[Aggregate, ...], derived: tuple[Derived, ...], indicators: tuple[Indicator, ...]
) -> tuple[str, ...]:
    """The ids in an order where each comes after what it reads; a circle of formulas is a problem."""
    deps: dict[str, list[str]] = {}
    paths: dict[str, list[Any]] = {}
    for i, a in enumerate(aggregates):
        deps[a.id] = list(a.of.names) if a.of else []
        paths[a.id] = ["aggregates", i, "of"]
    sections: tuple[tuple[str, Sequence[Derived | Indicator]], ...] = (("derived", derived), ("indicators", indicators))
    for section, items in sections:
        for i, item in enumerate(items):
            deps[item.id] = list(item.formula.names)
            paths[item.id] = [section, i, "formula"]
    order, cycle = topological(deps)
    if cycle and not ctx.names.duplicate_ids:  # with an id used twice, the graph itself is wrong
        chain = " -> ".join([*cycle, cycle[0]])
        ctx.problem(
            paths[cycle[0]],
            _("these formulas depend on each other in a circle: {chain}", chain=chain),
            _("one of them must not read the others"),
            code="formula.circular",
        )
    return tuple(order)


def topological(deps: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """(order, []) for an acyclic graph, else ([], one cycle).  Iterative DFS."""
    state: dict[str, int] = {}
    order: list[str] = []
    for start in deps:
        if start in state:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        trail: list[str] = []
        while stack:
            node, i = stack.pop()
            if i == 0:
                state[node] = 1
                trail.append(node)
            targets = [t for t in deps.get(node, []) if t in deps]
            if i < len(targets):
                stack.append((node, i + 1))
                nxt = targets[i]
                if state.get(nxt) == 1:
                    return [], trail[trail.index(nxt) :]
                if nxt not in state:
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                trail.pop()
                order.append(node)
    return order, []
