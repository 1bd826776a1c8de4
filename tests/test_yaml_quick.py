"""yamlsrc's quicker reader and scanner against PyYAML's own: the same tokens, marks, nodes and errors.

engine/ruleset/yamlsrc.py's _QuickScanner takes two of PyYAML's busiest steps
(is a pending simple key stale? move forward N characters) with fewer Python
calls.  A ruleset must be read exactly as PyYAML reads it (the C parser was
refused for accepting what PyYAML refuses), so every text here is read both
ways and everything observable compared: each token with its start and end
marks (index, line, column), the composed node tree with its tags, styles and
marks, and the error (its class and its whole message, marks and snippet
included).  The texts: every YAML file of the project, and texts made from
them by hypothesis with the characters that change how YAML is scanned
(line breaks of every kind, tabs, a BOM, quotes, indicators, full-width
spaces and colons) inserted, deleted or replaced.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kaoping.ruleset import yamlsrc
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner

from .conftest import ROOT

YAML_FILES = sorted(p for p in ROOT.rglob("*.yaml") if ".venv" not in p.parts and ".cache" not in p.parts)
TEXTS = [p.read_text(encoding="utf-8") for p in YAML_FILES]

SCANNED = "\n\r\x85\u2028\u2029\ufeff\t \u3000：:#-?'\"[]{},|>&*!%@`\\0aZ_中。"


class _Stock(Reader, Scanner, Parser, Composer, yamlsrc._Resolver):  # type: ignore[misc]
    """PyYAML's pure-Python reader, scanner, parser and composer, untouched (with kaoping's resolver)."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        yamlsrc._Resolver.__init__(self)


class _Quick(yamlsrc._QuickScanner, Parser, Composer, yamlsrc._Resolver):  # type: ignore[misc]
    """The same, with kaoping's quicker reader and scanner."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        yamlsrc._Resolver.__init__(self)


def mark(m: Any) -> tuple[int, int, int] | None:
    return None if m is None else (m.index, m.line, m.column)


def error(e: Exception) -> tuple[str, str]:
    return type(e).__name__, str(e)


def tokens(loader_class: type, text: str) -> list[Any]:
    """Every token (its class, values and marks), then the error that ended the scan, if one did."""
    seen: list[Any] = []
    try:
        loader = loader_class(text)
        while (token := loader.get_token()) is not None:
            fields = {k: (mark(v) if k.endswith("_mark") else v) for k, v in vars(token).items()}
            seen.append((type(token).__name__, sorted(fields.items())))
    except yaml.YAMLError as e:
        seen.append(error(e))
    return seen


def tree(node: Node | None) -> Any:
    if node is None:
        return None
    if isinstance(node, MappingNode):
        value: Any = [(tree(k), tree(v)) for k, v in node.value]
    elif isinstance(node, SequenceNode):
        value = [tree(v) for v in node.value]
    else:
        value = node.value
    style = getattr(node, "style", getattr(node, "flow_style", None))
    return (type(node).__name__, node.tag, style, mark(node.start_mark), mark(node.end_mark), value)


def composed(loader_class: type, text: str) -> Any:
    try:
        return tree(loader_class(text).get_single_node())
    except yaml.YAMLError as e:
        return error(e)


def same_reading(text: str) -> None:
    assert tokens(_Quick, text) == tokens(_Stock, text)
    assert composed(_Quick, text) == composed(_Stock, text)


@pytest.mark.parametrize("path", YAML_FILES, ids=[str(p.relative_to(ROOT)) for p in YAML_FILES])
def test_every_yaml_file_of_the_project_reads_as_pyyaml_reads_it(path):
    text = path.read_text(encoding="utf-8")
    same_reading(text)
    assert composed(_Quick, text) is not None  # a control: there was a document to compare


def test_the_comparison_sees_a_difference():
    """A control: a scanner that miscounts columns is caught by the comparison."""

    class Miscounting(_Quick):
        def forward(self, length: int = 1) -> None:
            super().forward(length)
            if length > 3:
                self.column += 1

    text = TEXTS[0]
    assert tokens(Miscounting, text) != tokens(_Stock, text)


@st.composite
def mangled(draw: st.DrawFn) -> str:
    """A project YAML text with a few of the characters that change scanning inserted, deleted or replaced."""
    text = draw(st.sampled_from(TEXTS))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["insert", "delete", "replace"]))
        chars = draw(st.text(alphabet=SCANNED, min_size=1, max_size=4))
        if edit == "insert":
            text = text[:at] + chars + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + len(chars) :]
        else:
            text = text[:at] + chars + text[at + len(chars) :]
    return text


DIFFERENTIAL = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@given(mangled())
@settings(DIFFERENTIAL, max_examples=1000)
def test_a_mangled_ruleset_reads_as_pyyaml_reads_it(text):
    same_reading(text)


@given(st.text(alphabet=SCANNED, max_size=80))
@settings(DIFFERENTIAL, max_examples=1000)
def test_short_texts_of_scanning_characters_read_as_pyyaml_reads_them(text):
    same_reading(text)


def test_the_loader_uses_the_quicker_scanner():
    """What the comparison vouches for is what parse_yaml runs."""
    assert issubclass(yamlsrc._Loader, yamlsrc._QuickScanner)
    assert yamlsrc._Loader.forward is yamlsrc._QuickScanner.forward
