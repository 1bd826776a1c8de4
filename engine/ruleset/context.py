"""What every section check shares: the document, the names table, and one problem collector.

A check reads `doc` (the schema-valid document with its defaults filled in)
and `names` (built before any check), and reports through `problem` and
`problem_in_text`, which place each problem at its YAML node (or at a
character inside a formula or a header, or at the --set that wrote it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from typing import Any

from yaml.nodes import Node, ScalarNode

from ..errors import Problem
from ..frozen import frozen
from .names import Names
from .resolve import Found
from .schema import item_path
from .yamlsrc import Source, block_position, locate, scalar_column

DocPath = Sequence[Any]


@frozen
class Context:
    """One build's shared state: read-only but for the problems it collects."""

    src: Source
    doc: dict[str, Any]
    names: Names
    expect: Found | None = None
    problems: list[Problem] = field(default_factory=list)

    def written(self, path: DocPath) -> bool:
        """Whether the author wrote the key at `path` (a default filled in does not count)."""
        node: Any = self.src.data
        for step in path:
            if not isinstance(node, (dict, list)) or (isinstance(node, dict) and step not in node):
                return False
            node = node[step]
        return True

    def value(self, path: DocPath) -> Any:
        node: Any = self.doc
        for step in path:
            node = node[step]
        return node

    def where(self, path: DocPath) -> str:
        """`indicators[timeliness].weight`: how a message names the place."""
        return item_path(self.src.data, path)

    def line_of(self, path: DocPath) -> int:
        return self._node(path).start_mark.line + 1

    def problem(self, path: DocPath, message: str, hint: str = "", *, code: str, key: bool = False) -> None:
        """A problem at the value (or, with `key`, the key) at `path`."""
        self.problems.append(self.src.problem(self._node(path, key), message, hint, list(path), code=code))

    def problem_in_text(self, path: DocPath, offset: int, message: str, hint: str = "", *, code: str) -> None:
        """A problem at a character inside a scalar (a formula, a header)."""
        if self.src.override_of(path):
            self.problems.append(self.src.problem(None, message, hint, list(path), code=code))
            return
        node = self._node(path)
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        if (
            isinstance(node, ScalarNode)
            and node.style in (None, "'", '"')
            and node.start_mark.line == node.end_mark.line
        ):
            raw = self.src.lines[line - 1][node.start_mark.column : node.end_mark.column]
            col += scalar_column(raw, offset, node.style)
        elif isinstance(node, ScalarNode) and node.style in ("|", ">"):
            line, col = block_position(self.src.lines, node.start_mark.line + 1, offset)
        self.problems.append(self.src.problem_at(line, col, message, hint, code=code))

    def _node(self, path: DocPath, key: bool = False) -> Node:
        return locate(self.src.root, list(path), key=key)
