"""Reading a ruleset's YAML safely, keeping where every value came from.

A ruleset is text written by a person and possibly by an adversary, so the
reader refuses what plain YAML allows but a ruleset never needs: anchors and
aliases (the "billion laughs" bomb), explicit tags (`!!python/object`),
duplicate keys (the second silently wins in PyYAML), nesting deeper than any
real ruleset, and files larger than any real ruleset.  Dates and YAML 1.1
booleans such as `no`/`on` stay strings, so the JSON Schema sees what the
author typed.

The document is composed once into a node tree; `locate` follows a path
(as JSON Schema reports it) back to the node, for line and column.  Each
mapping's keys are indexed once, so locating thousands of problems stays
linear; and what a file may hold is capped before the work is done (its size
by stat before it is read, its keys and values while it is composed, the
problems reported), so a hostile file is refused in well under a second.
"""

from __future__ import annotations

import math
import os
import re
import stat
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import field, replace
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, cast

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, NodeEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from ..digest import sha256_hex
from ..errors import KaopingError, Problem, fail
from ..files import reason
from ..frozen import frozen
from ..i18n import N_, _

MAX_BYTES = 1_000_000
MAX_DEPTH = 40
MAX_NODES = 10_000  # keys and values; the shipped rulesets have under 400
MAX_PROBLEMS = 100  # reported at most; the count says how many there were
ALLOWED_TAGS = frozenset("tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq"))


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
    def __init__(self, mark: Any, message: str, hint: str = "", *, code: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message
        self.hint = hint
        self.code = code


class _GuardedComposer(Composer):
    """A composer that refuses aliases, anchors, tags and deep nesting as it goes."""

    _depth = 0
    _nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()  # type: ignore[attr-defined]
        explicit_tag = getattr(event, "tag", None) not in (None, "!")
        if explicit_tag:
            tag = str(event.tag).replace("tag:yaml.org,2002:", "!!")
            raise _Refused(
                event.start_mark,
                _("the YAML tag '{tag}' is not allowed in a ruleset", tag=tag),
                _("remove the '!!' tag; write plain values"),
                code="yaml.tag",
            )
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
            raise _Refused(
                event.start_mark,
                _("YAML anchors and aliases (& and *) are not allowed in a ruleset"),
                _("write the value out in full where it is used"),
                code="yaml.anchor",
            )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused(
                event.start_mark,
                _("the file holds more than {n:,} keys and values; a ruleset is never this big", n=MAX_NODES),
                _("a ruleset declares at most 500 inputs and 200 indicators: is this the right file?"),
                code="yaml.too-many-nodes",
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(
                    event.start_mark,
                    _("the YAML is nested more than {n} levels deep", n=MAX_DEPTH),
                    code="yaml.too-deep",
                )
            node: Node = super().compose_node(parent, index)  # type: ignore[assignment]
        finally:
            self._depth -= 1
        if node.tag == "tag:yaml.org,2002:merge":
            raise _Refused(
                node.start_mark,
                _("YAML merge keys (<<) are not allowed in a ruleset"),
                _("write the keys out in full"),
                code="yaml.merge-key",
            )
        if node.tag not in ALLOWED_TAGS:
            raise _Refused(
                node.start_mark,
                _("the YAML tag '{tag}' is not allowed in a ruleset", tag=node.tag.replace("tag:yaml.org,2002:", "!!")),
                _("remove the '!!' tag; write plain values"),
                code="yaml.tag",
            )
        return node


class _QuickScanner(Reader, Scanner):
    """PyYAML's reader and scanner, two of their busiest steps taken with fewer Python calls: the same tokens,
    marks and errors (tests/test_yaml_quick.py compares them with PyYAML's own on every YAML file of the project
    and on thousands of mangled ones), 10-15% sooner.

    PyYAML asks after every token whether a pending simple key has gone stale; most of the time none is
    pending, and the answer is no without a loop.  It moves through the text a character at a time, counting
    lines; a stretch of printable characters holds no line break (nor a BOM, which takes no column), so its
    columns are counted at once.
    """

    def need_more_tokens(self) -> bool:
        if self.done:
            return False
        if not self.tokens:
            return True
        if not self.possible_simple_keys:
            return False
        Scanner.stale_possible_simple_keys(self)
        return bool(self.next_possible_simple_key() == self.tokens_taken)  # type: ignore[no-untyped-call]

    def stale_possible_simple_keys(self) -> None:
        if self.possible_simple_keys:
            Scanner.stale_possible_simple_keys(self)

    def forward(self, length: int = 1) -> None:
        start = self.pointer
        stretch = self.buffer[start : start + length]
        if start + length + 1 < len(self.buffer) and stretch.isprintable():
            self.pointer = start + length
            self.index += length
            self.column += length
        else:  # a line break, a tab, a BOM, or the end of the text: PyYAML's own steps
            Reader.forward(self, length)


class _Loader(_QuickScanner, Parser, _GuardedComposer, SafeConstructor, _Resolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _GuardedComposer.__init__(self)
        SafeConstructor.__init__(self)
        _Resolver.__init__(self)


@frozen
class Source:
    """A parsed YAML document: its file name, text lines, node tree and data."""

    file: str
    lines: tuple[str, ...]
    root: Node
    data: Any
    sha256: str = ""
    overridden: Mapping[tuple[Any, ...], str] = field(default_factory=dict)

    def problem(
        self, node: Node | None, message: str, hint: str = "", path: Sequence[Any] = (), *, code: str
    ) -> Problem:
        """A problem pointing at `node` (the whole file when None), or at the --set that replaced the value at `path`."""
        override = self.override_of(path)
        if override:
            return Problem(f"--set {override}", 0, 0, message, hint, code=code)
        if node is None:
            return Problem(self.file, 1, 1, message, hint, code=code)
        return self.problem_at(node.start_mark.line + 1, node.start_mark.column + 1, message, hint, code=code)

    def override_of(self, path: Sequence[Any]) -> str:
        """The --set text that replaced the value at `path` (or a value inside it), else ""."""
        for changed, text in self.overridden.items():
            if tuple(path[: len(changed)]) == changed:
                return text
        return ""

    def problem_at(self, line: int, col: int, message: str, hint: str = "", *, code: str) -> Problem:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return Problem(self.file, line, col, message, hint, text, code=code)


def read_yaml(path: Path, display: str, *, reads: Reads | None = None) -> Source:
    """Read and compose a ruleset file, or raise KaopingError saying why not.

    With `reads` (the load's reader), a file this load has read already is not read or parsed again.
    """
    return (reads or Reads()).source(path, display)


def source_of(raw: bytes, display: str) -> Source:
    """The parsed document of a ruleset file's bytes, with their sha256 (the release lock's)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line, col = _byte_position(raw, e.start)
        raise fail(
            display,
            _("the file is not UTF-8 text"),
            _("save it as UTF-8 (in Notepad: Save as, Encoding UTF-8)"),
            line,
            col,
            code="yaml.not-utf8",
        ) from None
    return replace(parse_yaml(text, display), sha256=sha256_hex(raw))


_T = TypeVar("_T")


class Reads:
    """The files one load reads: each file's bytes read once, its sha256 taken once, its YAML parsed once.

    Choosing a version reads the release lock, every version's bytes (their
    sha256 tells released from edited) and effective dates; loading the chosen
    one then needs its sha256 and its document again.  One Reads is made for
    one load and dropped after it, never kept across loads: a file edited
    between two loads in one process must be read again.  Files are known by
    their resolved path, so two spellings of one file are one read; a refusal
    (too big, not UTF-8, bad YAML) is kept too, and said again under the name
    the later caller gives the file.
    """

    __slots__ = ("_bytes", "_digests", "_sources", "_memo")

    def __init__(self) -> None:
        self._bytes: dict[str, tuple[str, bytes | KaopingError]] = {}
        self._digests: dict[str, str] = {}
        self._sources: dict[str, tuple[str, Source | KaopingError]] = {}
        self._memo: dict[tuple[str, str], object] = {}

    def raw(self, path: Path, display: str) -> bytes:
        """The file's bytes (at most MAX_BYTES: a larger file is refused by stat before it is read)."""
        key = _key(path)
        if key not in self._bytes:
            self._bytes[key] = (display, _outcome(lambda: _read_capped(path, display)))
        return _told(self._bytes[key], display)

    def sha256(self, path: Path, display: str) -> str:
        """The sha256 of the file's bytes; "" for a file larger than any ruleset may be (never read)."""
        key = _key(path)
        if key not in self._digests:
            try:
                self._digests[key] = sha256_hex(self.raw(path, display))
            except KaopingError as e:
                if not any(p.code == TOO_BIG for p in e.problems):
                    raise
                self._digests[key] = ""
        return self._digests[key]

    def source(self, path: Path, display: str) -> Source:
        """The file's parsed document, or the KaopingError saying why it has none."""
        key = _key(path)
        if key not in self._sources:
            self._sources[key] = (display, _outcome(lambda: source_of(self.raw(path, display), display)))
        return _told(self._sources[key], display)

    def once(self, kind: str, path: Path, make: Callable[[], _T]) -> _T:
        """What `make` reads from `path` (a release lock, say), made once in this load."""
        key = (kind, _key(path))
        if key not in self._memo:
            self._memo[key] = make()
        return cast(_T, self._memo[key])


TOO_BIG = "yaml.too-big"


def _key(path: Path) -> str:
    """The resolved path: the same file reached as ./x.yaml and x.yaml is read once."""
    return os.path.realpath(path)


_R = TypeVar("_R", bytes, Source)


def _outcome(make: Callable[[], _R]) -> _R | KaopingError:
    try:
        return make()
    except KaopingError as e:
        return e


def _told(kept: tuple[str, _R | KaopingError], display: str) -> _R:
    """A kept outcome as this caller names the file: the value, or the refusal raised again under `display`."""
    said, outcome = kept
    if isinstance(outcome, KaopingError):
        if said == display:
            raise outcome
        renamed = KaopingError([replace(p, file=display) if p.file == said else p for p in outcome.problems])
        renamed.total = outcome.total
        raise renamed from None
    if isinstance(outcome, Source) and outcome.file != display:
        return replace(outcome, file=display)
    return outcome


def _read_capped(path: Path, display: str) -> bytes:
    """The file's bytes, its size checked by stat before a byte is read.

    A sparse 3 GB file costs nothing to make and would cost 3 GB to read; and
    a file that grows after the stat (or a device that reports no size) is
    still read no further than one byte past the limit.
    """
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise fail(
                display,
                _("this is not a regular file"),
                _("give the path of a ruleset's .yaml file"),
                code="file.not-regular",
            )
        check_size(info.st_size, display)
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as e:
        raise fail(
            display,
            _("cannot read the file: {reason}", reason=reason(e))
            if e.strerror
            else _("cannot read the file: the system refused"),
            code="file.unreadable",
        ) from None
    check_size(len(raw), display)
    return raw


def check_size(size: int, display: str) -> None:
    if size > MAX_BYTES:
        raise fail(
            display,
            _(
                "the file is larger than {limit} kB ({size}); a ruleset is never this big",
                limit=MAX_BYTES // 1000,
                size=_size_words(size),
            ),
            _("is this the right file?"),
            code=TOO_BIG,
        )


def _size_words(size: int) -> str:
    """1,000,001 bytes -> '1.0 MB'; 3 GB -> '3.0 GB'."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return _("{n} bytes", n=size)


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """Line and column (in characters) of a byte offset."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    col = len(raw[line_start:offset].decode("utf-8", "replace")) + 1
    return raw.count(b"\n", 0, offset) + 1, col


def parse_yaml(text: str, display: str) -> Source:
    """Compose `text` under the guards above and construct plain Python data."""
    lines = tuple(text.splitlines())
    wide = _wide_indent_problems(display, lines)
    if wide:
        raise KaopingError(wide, limit=MAX_PROBLEMS)
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as e:
        line = text.count("\n", 0, e.position) + 1
        col = e.position - (text.rfind("\n", 0, e.position) + 1) + 1
        message = _("the file contains a character YAML does not allow (code {character!r})", character=e.character)
        hint = _("is this a text file? remove the character")
        raise KaopingError([Problem(display, line, col, message, hint, code="yaml.bad-character")]) from None
    try:
        root = loader.get_single_node()
        if root is None:
            raise fail(display, _("the file is empty"), line=1, col=1, code="yaml.empty")
        problems = [dup_problem(display, lines, *d) for d in _find_duplicate_keys(root)]
        problems += [_non_finite_problem(display, lines, n) for n in _non_finite_numbers(root)]
        problems += [
            _control_problem(display, lines, n)
            for n in _walk(root)
            if isinstance(n, ScalarNode) and _CONTROL.search(n.value)
        ]
        problems += [_number_form_problem(display, lines, n, form) for n, form in _unusual_numbers(root)]
        if problems:
            raise KaopingError(problems, limit=MAX_PROBLEMS)
        data = loader.construct_document(root)
    except _Refused as e:
        line, col = e.mark.line + 1, e.mark.column + 1
        raise KaopingError([Problem(display, line, col, e.message, e.hint, _line(lines, line), code=e.code)]) from None
    except yaml.MarkedYAMLError as e:
        raise KaopingError(_syntax_problems(display, lines, e)) from None
    except yaml.YAMLError as e:
        raise fail(display, _("this is not valid YAML: {error}", error=e), code="yaml.syntax") from None
    finally:
        loader.dispose()
    return Source(display, lines, root, data)


# PyYAML's words -> (what an office worker reads, what to do, point at the context mark?, the problem's code)
_SYNTAX: tuple[tuple[str, str, str, bool, str], ...] = (
    (
        "could not find expected ':'",
        N_("a key on this line has no ':' after it"),
        N_("write it as key: value"),
        True,
        "yaml.missing-colon",
    ),
    (
        "mapping values are not allowed",
        N_("a ': ' inside a value that is not in quotes"),
        N_('put the whole value in quotes, e.g. label: "工作量: 按办结量"'),
        False,
        "yaml.unquoted-colon",
    ),
    ("'\\t'", N_("a tab is used to indent this line"), N_("indent with spaces, never tabs"), False, "yaml.tab-indent"),
    (
        "but found '<block mapping start>'",
        N_("this line is indented differently from the lines above it"),
        N_("line it up with the other keys at the same level"),
        False,
        "yaml.bad-indent",
    ),
    (
        "end of stream",
        N_("a quote opened here is never closed"),
        N_("add the closing quote"),
        True,
        "yaml.unclosed-quote",
    ),
)


class _Cause(NamedTuple):
    """A mistake found on one line of the text: where, what, what to do, and its code."""

    line: int
    col: int
    message: str
    hint: str
    code: str

    def to_problem(self, display: str, lines: Sequence[str]) -> Problem:
        return Problem(display, self.line, self.col, self.message, self.hint, _line(lines, self.line), code=self.code)


def _syntax_problems(display: str, lines: Sequence[str], e: yaml.MarkedYAMLError) -> list[Problem]:
    """The real cause of a YAML syntax error, on the line where it is.

    A key without its ':' (or with a full-width '：') at the head of a block
    makes PyYAML read that line as the start of a plain value, and stumble
    only on the NEXT key; so the lines just above the error are examined first.
    """
    mark = e.problem_mark or e.context_mark
    if mark and "mapping values are not allowed" in f"{e.problem or ''}":
        earlier = _earlier_causes(lines, mark.line + 1)
        if earlier:
            return [cause.to_problem(display, lines) for cause in earlier]
    context = e.context_mark
    if context and "could not find expected ':'" in f"{e.problem or ''}":
        number = context.line + 1
        cause = _line_cause(number, _line(lines, number))
        if cause is not None and cause.message == _(NO_SPACE):
            return [cause.to_problem(display, lines)]
    return [_syntax_problem(lines, e).to_problem(display, lines)]


def _earlier_causes(lines: Sequence[str], line: int) -> list[_Cause]:
    """The cause on each line above `line` that YAML read as part of one plain value.

    Walking up from the line before the error: every line with a key that
    lacks its ':' belongs to the value PyYAML was reading; the walk ends at
    the first well-formed line, or after the line that opened the block.
    """
    indent = _content_indent(_line(lines, line))
    found: list[_Cause] = []
    for number in range(line - 1, 0, -1):
        text = _line(lines, number)
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        cause = _line_cause(number, text, opens=_content_indent(text) < indent)
        if cause is None:
            break
        found.append(cause)
        if _content_indent(text) < indent:
            break
    return sorted(found)


def _content_indent(text: str) -> int:
    """Where a line's key starts: after its indentation and any '- ' of a list item."""
    match = re.match(r"[ \u3000]*(?:-[ \u3000]+)*", text)
    return match.end() if match else 0


def _line_cause(number: int, text: str, opens: bool = False) -> _Cause | None:
    """A key line's own mistake: a full-width colon or space after the key, or no ':' at all.

    A bare word (`total`) is a key without its ':' only when it `opens` a more
    indented block; otherwise it may be the rest of a value.
    """
    start = _content_indent(text)
    code = text[start:].split(" #", 1)[0].rstrip()
    match = re.match(r"([A-Za-z_][\w-]*)([ \u3000]*[：:]?[ \u3000]*)(.*)", code)
    if not match:
        return None
    key, between, rest = match.groups()
    fixed = f"{key}: {rest}".rstrip()
    if "：" in between:
        col = start + len(key) + between.index("：") + 1
        return _Cause(number, col, _(WIDE_COLON), _("write {fixed}", fixed=fixed), WIDE_COLON_CODE)
    if ":" in between and "\u3000" in between:
        col = start + len(key) + between.index("\u3000") + 1
        return _Cause(number, col, _(WIDE_SPACE), _("write {fixed}", fixed=fixed), WIDE_SPACE_CODE)
    if between == ":" and rest and not rest.startswith(("'", '"', ":")):
        # `weight:40` is one word to YAML: the colon is there, the space after it is not
        col = start + len(key) + 1
        return _Cause(number, col, _(NO_SPACE), _("write {fixed}", fixed=fixed), "yaml.missing-colon")
    if ":" not in between and (rest or opens) and not rest.startswith(("'", '"')):
        hint = _("write {fixed}", fixed=fixed if rest else f"{key}:")
        return _Cause(number, start + 1, _("a key on this line has no ':' after it"), hint, "yaml.missing-colon")
    return None


NO_SPACE = N_("YAML needs a space after the ':' that ends a key")
WIDE_COLON = N_("this line has a full-width colon '：' where YAML needs an ordinary one")
WIDE_SPACE = N_("this line has a full-width space where YAML needs an ordinary one")
WIDE_COLON_CODE = "yaml.wide-colon"
WIDE_SPACE_CODE = "yaml.wide-space"


def _syntax_problem(lines: Sequence[str], e: yaml.MarkedYAMLError) -> _Cause:
    """The one cause of a syntax error PyYAML reports, told in an office worker's words where they are known."""
    raw = f"{e.problem or ''} {e.context or ''}"
    said = next((entry for entry in _SYNTAX if entry[0] in raw), None)
    if said is None:
        message = _("this is not valid YAML: {error}", error=e.problem or e.context)
        at_context, code = False, "yaml.syntax"
        hint = _("check this line and the ones above it for an unclosed quote or a mis-indented key")
    else:
        message, hint, at_context, code = _(said[1]), _(said[2]), said[3], said[4]
    mark = (e.context_mark if at_context else None) or e.problem_mark or e.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    unclosed = _unclosed_quote(lines, line)
    if unclosed and "found '<scalar>'" in raw:
        line, col = unclosed
        message, hint, code = (
            _("a quote opened here is never closed"),
            _('add the closing " on this line'),
            "yaml.unclosed-quote",
        )
    own = _line_cause(line, _line(lines, line), opens=True)
    if own and message == own.message:
        hint = own.hint
    wide = _full_width(lines, line, e)
    if wide:
        return wide
    if "mapping values are not allowed" in raw and _starts_with_key(_line(lines, line)):
        text = _line(lines, line)
        col = len(text) - len(text.lstrip()) + 1
        message, hint, code = (
            _("this line is indented further than the key above it"),
            _("line it up with the keys at the same level"),
            "yaml.over-indented",
        )
    return _Cause(line, col, message, hint, code)


_WIDE = {
    "：": (WIDE_COLON, N_("write the key with an ASCII ':' and a space, e.g. weight: 45"), WIDE_COLON_CODE),
    "\u3000": (WIDE_SPACE, N_("use ordinary spaces (switch the input method to half-width)"), WIDE_SPACE_CODE),
}
_WIDE_INDENT = r"^[ \u3000]*\u3000[ \u3000]*(?=-\s|[A-Za-z_][\w-]*[ \u3000]*[:：])"
"""Compiled (by re's cache) only for a line holding a U+3000: a file without one never pays for its classes."""


def _wide_indent_problems(file: str, lines: Sequence[str]) -> list[Problem]:
    """A key indented with full-width spaces (U+3000): YAML does not see them as indentation at all.

    Checked on the text before it is parsed, so the line itself is named, not
    the next key PyYAML happens to stumble on; only lines that look like a key
    or a list item count, so a description indented the Chinese way stays valid.
    """
    problems = []
    for number, text in enumerate(lines, start=1):
        match = "\u3000" in text and re.match(_WIDE_INDENT, text)
        if match:
            col = text.index("\u3000") + 1
            problems.append(
                Problem(
                    file,
                    number,
                    col,
                    _("this line is indented with full-width spaces (U+3000); YAML needs ordinary spaces"),
                    _("indent with ordinary spaces (switch the input method to half-width)"),
                    text,
                    code="yaml.wide-indent",
                )
            )
    return problems


def _full_width(lines: Sequence[str], line: int, e: yaml.MarkedYAMLError) -> _Cause | None:
    """A full-width colon or space near the error: the likeliest cause when typing with a Chinese input method."""
    candidates = {line, *(m.line + 1 for m in (e.context_mark, e.problem_mark) if m)}
    for number in sorted(candidates):
        text = _line(lines, number).split("#", 1)[0]
        own = _line_cause(number, text)
        if own and own.code in (WIDE_COLON_CODE, WIDE_SPACE_CODE):
            return own
        for char, (what, todo, code) in _WIDE.items():
            if char in text:
                return _Cause(number, text.index(char) + 1, _(what), _(todo), code)
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
        _(
            "the key '{key}' appears twice in this mapping (first on line {first})",
            key=key.value,
            first=first.start_mark.line + 1,
        ),
        _("keep one of them"),
        _line(lines, line),
        code="yaml.duplicate-key",
    )


MAX_NUMBER_DIGITS = 20
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # control characters but tab and newline


def _control_problem(file: str, lines: Sequence[str], node: ScalarNode) -> Problem:
    """A control character (an escape "\\e", "\\x1b") would reach the terminal from a title or a label."""
    line = node.start_mark.line + 1
    found = _CONTROL.search(node.value)
    char = found.group(0) if found else "\x00"
    return Problem(
        file,
        line,
        node.start_mark.column + 1,
        _("this text contains a control character (U+{code:04X})", code=ord(char)),
        _("remove it"),
        _line(lines, line),
        code="yaml.control-character",
    )


def _non_finite_problem(file: str, lines: Sequence[str], node: ScalarNode) -> Problem:
    line = node.start_mark.line + 1
    message = _("'{value}' is not a number a ruleset can use", value=_short(node.value))
    hint = _("write an ordinary number")
    return Problem(
        file, line, node.start_mark.column + 1, message, hint, _line(lines, line), code="yaml.unusable-number"
    )


# (what PyYAML's YAML 1.1 makes of it, the pattern): numbers a person would not mean as written
_NUMBER_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("leading zero", re.compile(r"[-+]?0[0-9_]+")),
    ("base", re.compile(r"[-+]?0[xXoObB][0-9a-fA-F_]+")),
    ("base 60", re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")),
    # YAML 1.1 drops every '_' in a number: `3_5` is 35, though nobody typing a weight means 35 by it
    ("underscore", re.compile(r"[-+.0-9]*_[-+._0-9eE]*")),
)


def _unusual_numbers(root: Node) -> list[tuple[ScalarNode, str]]:
    """Plain scalars PyYAML would read as a number other than the one written (`035` is 29, `1:30` is 90)."""
    found = []
    for node in _walk(root):
        if isinstance(node, ScalarNode) and node.style is None:
            form = next((name for name, rx in _NUMBER_FORMS if rx.fullmatch(node.value)), "")
            if form and (form == "leading zero" or node.tag.endswith(("int", "float"))):
                found.append((node, form))
    return found


def _number_form_problem(file: str, lines: Sequence[str], node: ScalarNode, form: str) -> Problem:
    line = node.start_mark.line + 1
    message, hint = _number_words(node.value, node.tag, form)
    code = NUMBER_FORM_CODES[form]
    return Problem(file, line, node.start_mark.column + 1, message, hint, _line(lines, line), code=code)


NUMBER_FORM_CODES = {
    "leading zero": "yaml.number-leading-zero",
    "base": "yaml.number-base",
    "base 60": "yaml.number-base-60",
    "underscore": "yaml.number-underscore",
}


def misread_number(text: str) -> tuple[str, str] | None:
    """(message, hint) when `text`, read as a plain YAML value, would be a number other than the one written."""
    tag = _plain_tag(text)
    form = next((name for name, rx in _NUMBER_FORMS if rx.fullmatch(text)), "")
    if form and (form == "leading zero" or tag.endswith(("int", "float"))):
        return _number_words(text, tag, form)
    return None


def _plain_tag(text: str) -> str:
    """The tag YAML gives `text` written as a plain value: Resolver.resolve for a scalar, typed."""
    implicit = _Resolver.yaml_implicit_resolvers
    for tag, pattern in [*implicit.get(text[:1], []), *implicit.get(None, [])]:
        if pattern.match(text):
            return str(tag)
    return str(_Resolver.DEFAULT_SCALAR_TAG)


def _number_words(text: str, tag: str, form: str) -> tuple[str, str]:
    """Say what YAML 1.1 would have made of the number, and how to write what was meant."""
    if form == "leading zero":
        digits = text.lstrip("+-").replace("_", "")
        sign = "-" if text.startswith("-") else ""
        meant = f"{sign}{int(digits)}"
        if tag.endswith("int"):
            message = _(
                "'{text}' starts with 0, so YAML reads it as the octal number {octal}, not {meant}",
                text=text,
                octal=f"{sign}{int(digits, 8)}",
                meant=meant,
            )
        else:
            message = _(
                "'{text}' starts with 0, so YAML reads it as text, not as the number {meant}", text=text, meant=meant
            )
        hint = _('write {meant}, or put it in quotes if it is text: "{text}"', meant=meant, text=text)
    elif form == "underscore":
        meant = text.replace("_", "")
        message = _(
            "'{text}' has an underscore in it, so YAML drops the underscore and reads it as the number {meant}",
            text=text,
            meant=meant,
        )
        hint = _('write {meant}, or put it in quotes if it is text: "{text}"', meant=meant, text=text)
    elif form == "base":
        base = _BASES[text.lstrip("+-")[1].lower()]
        message = _("'{text}' is written in base {base}; a ruleset writes numbers in decimal", text=text, base=base)
        hint = _('write the number in decimal, or put it in quotes if it is text: "{text}"', text=text)
    else:
        message = _("'{text}' reads in YAML as a base-60 number (1:30 is 90)", text=text)
        hint = _('write the number you mean, or put it in quotes if it is text: "{text}"', text=text)
    return message, hint


_BASES = {"x": 16, "o": 8, "b": 2}


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


_KEY_INDEX: weakref.WeakKeyDictionary[MappingNode, dict[str, tuple[Node, Node]]] = weakref.WeakKeyDictionary()


def _keys_of(node: MappingNode) -> dict[str, tuple[Node, Node]]:
    """A mapping's (key node, value node) by key text, built once per mapping.

    Without it every located problem scanned its mapping again: 20,000
    unknown keys took 20,000 scans of 20,000 keys.  The first of duplicate
    keys wins, as it did.
    """
    index = _KEY_INDEX.get(node)
    if index is None:
        index = {}
        for k, v in node.value:
            if isinstance(k, ScalarNode):
                index.setdefault(k.value, (k, v))
        _KEY_INDEX[node] = index
    return index


def locate(root: Node, path: Sequence[Any], key: bool = False) -> Node:
    """The node at `path` (keys and indexes), or the deepest one that exists.

    With `key=True` and a mapping key last in the path, the key node itself is
    returned: that is where an unknown or misspelt key should be pointed at.
    """
    node = root
    for i, step in enumerate(path):
        last = i == len(path) - 1
        if isinstance(node, MappingNode):
            pair = _keys_of(node).get(str(step))
            if pair is None:
                return node
            node = pair[0] if (key and last) else pair[1]
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
        pair = _keys_of(node).get(name)
        if pair:
            return pair[0] if key else pair[1]
    return None
