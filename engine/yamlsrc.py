"""Reading a ruleset's YAML safely, keeping where every value came from.

A ruleset is text written by a person and possibly by an adversary, so the
reader refuses what plain YAML allows but a ruleset never needs: anchors and
aliases (the "billion laughs" bomb), explicit tags (`!!python/object`),
duplicate keys (the second silently wins in PyYAML), nesting deeper than any
real ruleset, and files larger than any real ruleset.  Dates and YAML 1.1
booleans such as `no`/`on` stay strings, so the JSON Schema sees what the
author typed.

The document is composed once into a node tree; `locate` follows a path
(as JSON Schema reports it) back to the node, for line and column.
"""

from __future__ import annotations

import re
import hashlib
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping, Sequence

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, NodeEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from .errors import KaopingError, Problem, fail

MAX_BYTES = 1_000_000
MAX_DEPTH = 40
ALLOWED_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq")
)


class _Resolver(Resolver):
    """YAML 1.2-like implicit types: true/false only, no timestamps."""


_Resolver.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in pairs if not tag.endswith(("timestamp", "bool"))]
    for first, pairs in Resolver.yaml_implicit_resolvers.items()
}
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


class _Refused(Exception):
    def __init__(self, mark: Any, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message
        self.hint = hint


class _GuardedComposer(Composer):
    """A composer that refuses aliases, anchors, tags and deep nesting as it goes."""

    _depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        event = self.peek_event()  # type: ignore[attr-defined]
        explicit_tag = getattr(event, "tag", None) not in (None, "!")
        if explicit_tag:
            tag = str(event.tag).replace("tag:yaml.org,2002:", "!!")
            raise _Refused(event.start_mark, f"the YAML tag '{tag}' is not allowed in a ruleset", "remove the '!!' tag; write plain values")
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
            raise _Refused(
                event.start_mark,
                "YAML anchors and aliases (& and *) are not allowed in a ruleset",
                "write the value out in full where it is used",
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(event.start_mark, f"the YAML is nested more than {MAX_DEPTH} levels deep")
            node: Node = super().compose_node(parent, index)  # type: ignore[assignment]
        finally:
            self._depth -= 1
        if node.tag == "tag:yaml.org,2002:merge":
            raise _Refused(node.start_mark, "YAML merge keys (<<) are not allowed in a ruleset", "write the keys out in full")
        if node.tag not in ALLOWED_TAGS:
            raise _Refused(
                node.start_mark,
                f"the YAML tag '{node.tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed in a ruleset",
                "remove the '!!' tag; write plain values",
            )
        return node


class _Loader(Reader, Scanner, Parser, _GuardedComposer, SafeConstructor, _Resolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _GuardedComposer.__init__(self)
        SafeConstructor.__init__(self)
        _Resolver.__init__(self)


@dataclass(frozen=True, slots=True)
class Source:
    """A parsed YAML document: its file name, text lines, node tree and data."""

    file: str
    lines: tuple[str, ...]
    root: Node
    data: Any
    sha256: str = ""
    overridden: Mapping[tuple[Any, ...], str] = field(default_factory=dict)

    def problem(self, node: Node | None, message: str, hint: str = "", path: Sequence[Any] = ()) -> Problem:
        """A problem pointing at `node` (the whole file when None), or at the --set that replaced the value at `path`."""
        override = self.override_of(path)
        if override:
            return Problem(f"--set {override}", 0, 0, message, hint)
        if node is None:
            return Problem(self.file, 1, 1, message, hint)
        return self.problem_at(node.start_mark.line + 1, node.start_mark.column + 1, message, hint)

    def override_of(self, path: Sequence[Any]) -> str:
        """The --set text that replaced the value at `path` (or a value inside it), else ""."""
        for changed, text in self.overridden.items():
            if tuple(path[: len(changed)]) == changed:
                return text
        return ""

    def problem_at(self, line: int, col: int, message: str, hint: str = "") -> Problem:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return Problem(self.file, line, col, message, hint, text)


def read_yaml(path: Path, display: str) -> Source:
    """Read and compose a ruleset file, or raise KaopingError saying why not."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise fail(display, f"cannot read the file: {e.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise fail(display, f"the file is larger than {MAX_BYTES // 1000} kB; a ruleset is never this big")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line, col = _byte_position(raw, e.start)
        raise fail(display, "the file is not UTF-8 text", "save it as UTF-8 (in Notepad: Save as, Encoding UTF-8)", line, col) from None
    return replace(parse_yaml(text, display), sha256=hashlib.sha256(raw).hexdigest())


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """Line and column (in characters) of a byte offset."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    col = len(raw[line_start:offset].decode("utf-8", "replace")) + 1
    return raw.count(b"\n", 0, offset) + 1, col


def parse_yaml(text: str, display: str) -> Source:
    """Compose `text` under the guards above and construct plain Python data."""
    lines = tuple(text.splitlines())
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as e:
        line = text.count("\n", 0, e.position) + 1
        col = e.position - (text.rfind("\n", 0, e.position) + 1) + 1
        message = f"the file contains a character YAML does not allow (code {e.character!r})"
        raise KaopingError([Problem(display, line, col, message, "is this a text file? remove the character")]) from None
    try:
        root = loader.get_single_node()
        if root is None:
            raise fail(display, "the file is empty", line=1, col=1)
        problems = [dup_problem(display, lines, *d) for d in _find_duplicate_keys(root)]
        problems += [_non_finite_problem(display, lines, n) for n in _non_finite_numbers(root)]
        problems += [_control_problem(display, lines, n) for n in _walk(root) if isinstance(n, ScalarNode) and _CONTROL.search(n.value)]
        if problems:
            raise KaopingError(problems)
        data = loader.construct_document(root)
    except _Refused as e:
        line, col = e.mark.line + 1, e.mark.column + 1
        raise KaopingError([Problem(display, line, col, e.message, e.hint, _line(lines, line))]) from None
    except yaml.MarkedYAMLError as e:
        raise KaopingError([_syntax_problem(display, lines, e)]) from None
    except yaml.YAMLError as e:
        raise fail(display, f"this is not valid YAML: {e}") from None
    finally:
        loader.dispose()
    return Source(display, lines, root, data)


# PyYAML's words -> (what an office worker reads, what to do, point at the context mark?)
_SYNTAX: tuple[tuple[str, str, str, bool], ...] = (
    ("could not find expected ':'", "a key on this line has no ':' after it", "write it as key: value", True),
    ("mapping values are not allowed", "a ': ' inside a value that is not in quotes",
     'put the whole value in quotes, e.g. label: "工作量: 按办结量"', False),
    ("'\\t'", "a tab is used to indent this line", "indent with spaces, never tabs", False),
    ("but found '<block mapping start>'", "this line is indented differently from the lines above it",
     "line it up with the other keys at the same level", False),
    ("end of stream", "a quote opened here is never closed", "add the closing quote", True),
)


def _syntax_problem(display: str, lines: Sequence[str], e: yaml.MarkedYAMLError) -> Problem:
    raw = f"{e.problem or ''} {e.context or ''}"
    message, hint, at_context = f"this is not valid YAML: {e.problem or e.context}", "", False
    for words, said, todo, context in _SYNTAX:
        if words in raw:
            message, hint, at_context = said, todo, context
            break
    else:
        hint = "check this line and the ones above it for an unclosed quote or a mis-indented key"
    mark = (e.context_mark if at_context else None) or e.problem_mark or e.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    unclosed = _unclosed_quote(lines, line)
    if unclosed and "found '<scalar>'" in raw:
        line, col = unclosed
        message, hint = "a quote opened here is never closed", "add the closing \" on this line"
    wide = _full_width(lines, line, e)
    if wide:
        line, col, message, hint = wide
    elif "mapping values are not allowed" in raw and _starts_with_key(_line(lines, line)):
        text = _line(lines, line)
        col = len(text) - len(text.lstrip()) + 1
        message, hint = "this line is indented further than the key above it", "line it up with the keys at the same level"
    return Problem(display, line, col, message, hint, _line(lines, line))


_WIDE = {"：": ("a full-width colon '：'", "write the key with an ASCII ':' and a space: weight: 45"),
         "\u3000": ("a full-width space", "use ordinary spaces (switch the input method to half-width)")}


def _full_width(lines: Sequence[str], line: int, e: yaml.MarkedYAMLError) -> tuple[int, int, str, str] | None:
    """A full-width colon or space near the error: the likeliest cause when typing with a Chinese input method."""
    candidates = {line, *(m.line + 1 for m in (e.context_mark, e.problem_mark) if m)}
    for number in sorted(candidates):
        text = _line(lines, number).split("#", 1)[0]
        for char, (what, todo) in _WIDE.items():
            if char in text:
                return number, text.index(char) + 1, f"this line has {what} where YAML needs an ordinary one", todo
    return None


def _starts_with_key(text: str) -> bool:
    """`  label: 按期办结`: a line that is itself a key, so a ': ' in it is not inside a value."""
    return bool(re.match(r"\s*[A-Za-z_][\w-]*: ", text)) and text.count(": ") == 1


def _unclosed_quote(lines: Sequence[str], before: int) -> tuple[int, int] | None:
    """The first line above `before` with an odd number of double quotes, and that quote's column.

    A double-quoted YAML string may run over several lines, so PyYAML only
    stumbles where the NEXT quote in the file is; the opening one is the culprit.
    """
    for number, text in enumerate(lines[: before - 1], start=1):
        code = text.split(" #", 1)[0]
        quotes = [i for i, ch in enumerate(code) if ch == '"' and (i == 0 or code[i - 1] != "\\")]
        if len(quotes) % 2:
            return number, quotes[-1] + 1
    return None


def dup_problem(file: str, lines: Sequence[str], key: ScalarNode, first: ScalarNode) -> Problem:
    line = key.start_mark.line + 1
    return Problem(
        file,
        line,
        key.start_mark.column + 1,
        f"the key '{key.value}' appears twice in this mapping (first on line {first.start_mark.line + 1})",
        "keep one of them",
        _line(lines, line),
    )


MAX_NUMBER_DIGITS = 20
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # control characters but tab and newline


def _control_problem(file: str, lines: Sequence[str], node: ScalarNode) -> Problem:
    """A control character (an escape "\\e", "\\x1b") would reach the terminal from a title or a label."""
    line = node.start_mark.line + 1
    char = _CONTROL.search(node.value).group(0)  # type: ignore[union-attr]
    return Problem(file, line, node.start_mark.column + 1, f"this text contains a control character (U+{ord(char):04X})", "remove it", _line(lines, line))


def _non_finite_problem(file: str, lines: Sequence[str], node: ScalarNode) -> Problem:
    line = node.start_mark.line + 1
    message = f"'{_short(node.value)}' is not a number a ruleset can use"
    return Problem(file, line, node.start_mark.column + 1, message, "write an ordinary number", _line(lines, line))


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _non_finite_numbers(root: Node) -> list[ScalarNode]:
    """Numbers no score may be built on: infinity, NaN (.inf, .nan, 1e400), and integers too long to be real."""
    return [node for node in _walk(root) if isinstance(node, ScalarNode) and _unusable_number(node)]


def _unusable_number(node: ScalarNode) -> bool:
    if node.tag == "tag:yaml.org,2002:int":
        return len(node.value) > MAX_NUMBER_DIGITS
    if node.tag == "tag:yaml.org,2002:float":
        text = node.value.lower().replace("_", "")
        if text.lstrip("+-") in (".inf", ".nan"):
            return True
        try:
            return not math.isfinite(float(text))
        except ValueError:
            return False
    return False


def _walk(root: Node) -> list[Node]:
    """Every node of the tree, keys included, without recursion."""
    nodes: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        nodes.append(node)
        if isinstance(node, MappingNode):
            for key, value in node.value:
                stack += [key, value]
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return nodes


def _find_duplicate_keys(root: Node) -> list[tuple[ScalarNode, ScalarNode]]:
    """Pairs (duplicate, first) for every repeated key, walking without recursion."""
    found: list[tuple[ScalarNode, ScalarNode]] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, MappingNode):
            seen: dict[str, ScalarNode] = {}
            for key, value in node.value:
                if isinstance(key, ScalarNode):
                    if key.value in seen:
                        found.append((key, seen[key.value]))
                    else:
                        seen[key.value] = key
                stack.append(value)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return found


def _line(lines: Sequence[str], line: int) -> str:
    return lines[line - 1] if 0 < line <= len(lines) else ""


def locate(root: Node, path: Sequence[Any], key: bool = False) -> Node:
    """The node at `path` (keys and indexes), or the deepest one that exists.

    With `key=True` and a mapping key last in the path, the key node itself is
    returned: that is where an unknown or misspelt key should be pointed at.
    """
    node = root
    for i, step in enumerate(path):
        last = i == len(path) - 1
        if isinstance(node, MappingNode):
            for k, v in node.value:
                if isinstance(k, ScalarNode) and k.value == str(step):
                    node = k if (key and last) else v
                    break
            else:
                return node
        elif isinstance(node, SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            return node
    return node


def scalar_column(raw: str, offset: int, style: str | None) -> int:
    """Where character `offset` of a one-line scalar's value sits in its source text `raw`.

    Quotes and escapes ('' in single quotes, \\x.. in double quotes) make the
    source longer than the value, so a caret needs this mapping.
    """
    if style is None:
        return offset
    i, seen = 1, 0
    while seen < offset and i < len(raw) - 1:
        if style == "'" and raw.startswith("''", i):
            i += 2
        elif style == '"' and raw[i] == "\\":
            i += {"x": 4, "u": 6, "U": 10}.get(raw[i + 1 : i + 2], 2)
        else:
            i += 1
        seen += 1
    return i


def block_position(lines: Sequence[str], first: int, offset: int) -> tuple[int, int]:
    """Line and column of character `offset` of a block scalar (| or >) whose text starts on line `first` + 1.

    Each source line gives the value its text less the indentation, plus one
    character (a newline, or the space a folded scalar turns it into).
    """
    body = [text for text in lines[first:]]
    indent = len(body[0]) - len(body[0].lstrip()) if body else 0
    remaining = offset
    for number, text in enumerate(body, start=first + 1):
        content = text[indent:]
        if remaining <= len(content):
            return number, indent + remaining + 1
        remaining -= len(content) + 1
    return first + 1, indent + 1


def child(node: Node, name: str, key: bool = False) -> Node | None:
    """The value (or key) node of `name` in a mapping node, if present."""
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == name:
                return k if key else v
    return None
