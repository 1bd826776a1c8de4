"""Formulas: a small, safe expression language with Python syntax.

A formula is parsed once, when the ruleset loads, and checked against an
allowlist before anything evaluates it: arithmetic (+ - * /), comparisons,
and/or/not, `a if cond else b`, numbers, declared names and calls to the
helpers below.  Everything else (attributes, subscripts, strings, `**`, `%`,
lambdas, comprehensions, keyword arguments, ...) is refused with a message
that names the construct.  Length and bracket depth are capped before Python's
own parser sees the text, and the tree's depth right after, so hostile input
is refused quickly.

Evaluation goes through simpleeval, given only these operators and helpers;
the allowlist check is what makes a formula safe, simpleeval is a second wall.
"""

from __future__ import annotations

import ast
import math
import operator as op
import re
from collections.abc import Callable, Collection, Mapping
from typing import cast

from simpleeval import SimpleEval  # type: ignore[import-untyped]  # simpleeval ships no type information

from ..errors import did_you_mean
from ..frozen import frozen
from ..i18n import N_, _, n_
from ..numbers import SIGNIFICANT, plain_number, spreadsheet_round

MAX_LENGTH = 1000
MAX_BRACKETS = 30
MAX_DEPTH = 100  # each level costs simpleeval a few Python frames; 100 stays far below the recursion limit
MAX_LITERAL = 10.0**SIGNIFICANT
MAX_PLACES = SIGNIFICANT  # round(x, places): a float holds 15 significant digits, so more places mean nothing

Number = int | float


class FormulaError(Exception):
    """A formula that cannot be accepted; `offset` is 0-based within the text.

    `code` names the kind of mistake (`formula.syntax`, `formula.not-allowed`,
    ...): the loader passes it on to the problem it reports.
    """

    def __init__(self, message: str, offset: int = 0, hint: str = "", *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint
        self.code = code


def ratio(numerator: Number, denominator: Number, if_zero: Number) -> Number:
    """numerator / denominator, or the declared `if_zero` when the denominator is 0."""
    return if_zero if denominator == 0 else numerator / denominator


def clamp(value: Number, low: Number, high: Number) -> Number:
    """`value` limited to the range [low, high]."""
    return max(low, min(high, value))


def round_(value: Number, places: Number = 0) -> float:
    """Round half away from zero, as a spreadsheet's ROUND does."""
    return spreadsheet_round(value, int(places))


@frozen
class Helper:
    function: Callable[..., Number]
    min_args: int
    max_args: int | None
    usage: str


HELPERS: Mapping[str, Helper] = {
    "ratio": Helper(ratio, 3, 3, N_("ratio(numerator, denominator, value_if_denominator_is_0)")),
    "clamp": Helper(clamp, 3, 3, N_("clamp(value, low, high)")),
    "min": Helper(min, 2, None, N_("min(a, b, ...)")),
    "max": Helper(max, 2, None, N_("max(a, b, ...)")),
    "abs": Helper(abs, 1, 1, N_("abs(x)")),
    "round": Helper(round_, 1, 2, N_("round(x, places)")),
}

OPERATORS: Mapping[type, Callable[..., object]] = {
    ast.Add: op.add,
    ast.Sub: op.sub,
    ast.Mult: op.mul,
    ast.Div: op.truediv,
    ast.USub: op.neg,
    ast.UAdd: op.pos,
    ast.Not: op.not_,
    ast.Eq: op.eq,
    ast.NotEq: op.ne,
    ast.Lt: op.lt,
    ast.LtE: op.le,
    ast.Gt: op.gt,
    ast.GtE: op.ge,
}

_STRUCTURAL = (ast.Expr, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Load, ast.And, ast.Or)

_REFUSED: Mapping[type, str] = {
    ast.Attribute: N_("attribute access (a.b) is not allowed in a formula"),
    ast.Subscript: N_("indexing (a[...]) is not allowed in a formula"),
    ast.Pow: N_("'**' is not allowed in a formula; write the multiplication out"),
    ast.Mod: N_("'%' is not allowed in a formula"),
    ast.FloorDiv: N_("'//' is not allowed in a formula; use round(...) if you mean rounding"),
    ast.Lambda: N_("lambda is not allowed in a formula"),
    ast.ListComp: N_("comprehensions are not allowed in a formula"),
    ast.SetComp: N_("comprehensions are not allowed in a formula"),
    ast.DictComp: N_("comprehensions are not allowed in a formula"),
    ast.GeneratorExp: N_("comprehensions are not allowed in a formula"),
    ast.JoinedStr: N_("text (strings) is not allowed in a formula"),
    ast.List: N_("lists are not allowed in a formula"),
    ast.Tuple: N_("tuples are not allowed in a formula"),
    ast.Dict: N_("dictionaries are not allowed in a formula"),
    ast.Set: N_("sets are not allowed in a formula"),
    ast.NamedExpr: N_("':=' is not allowed in a formula"),
    ast.Starred: N_("'*' unpacking is not allowed in a formula"),
}


@frozen
class Formula:
    """A formula checked and parsed once; `names` are the names it reads."""

    text: str
    tree: ast.Expr
    names: tuple[str, ...]
    name_offsets: tuple[tuple[str, int], ...]


# what spreadsheet users type, and how a formula says it
SPREADSHEET_HINTS: Mapping[str, str] = {
    "IF": N_("write a choice as: value_if_true if condition else value_if_false"),
    "IFERROR": N_("guard a division with ratio(a, b, value_if_b_is_0)"),
    "SUM": N_("add with +, e.g. a + b + c"),
    "AVERAGE": N_("write (a + b) / 2, or declare a mean aggregate"),
    "ROUND": N_("write round(x, places)"),
    "MIN": N_("write min(a, b)"),
    "MAX": N_("write max(a, b)"),
    "ABS": N_("write abs(x)"),
    "AND": N_("write: a and b"),
    "OR": N_("write: a or b"),
}


def compile_formula(text: str, lookups: Collection[str] = ()) -> Formula:
    """Parse and check a formula, or raise FormulaError saying what is wrong.

    `lookups` are the ruleset's decision tables, callable with one argument.
    """
    if len(text) > MAX_LENGTH:
        raise FormulaError(_("the formula is longer than {max} characters", max=MAX_LENGTH), code="formula.too-long")
    check_typed_characters(text)
    check_bracket_depth(text)
    check_single_equals(text)
    tree = parse_expression(text)
    offsets = _check_tree(tree, line_starts(text), text, frozenset(lookups))
    names = tuple(dict.fromkeys(name for name, _offset in offsets))
    return Formula(text, tree, names, tuple(offsets))


# what a spreadsheet user (or a Chinese input method) types, and what a formula says instead
TYPED_CHARACTERS: Mapping[str, tuple[str, str]] = {
    "×": (N_("a multiplication sign"), N_("multiply with *: weight * rate")),
    "÷": (N_("a division sign"), N_("divide with /: completed / due")),
    "（": (N_("a full-width bracket"), N_("write ( (switch the input method to half-width)")),
    "）": (N_("a full-width bracket"), N_("write ) (switch the input method to half-width)")),
    "，": (N_("a full-width comma"), N_("write , (switch the input method to half-width)")),
    "＋": (N_("a full-width plus"), N_("write +")),
    "－": (N_("a full-width minus"), N_("write -")),
    "＊": (N_("a full-width asterisk"), N_("write *")),
    "／": (N_("a full-width slash"), N_("write /")),
    "＝": (N_("a full-width equals sign"), N_("write == to compare")),
    "＜": (N_("a full-width less-than sign"), N_("write <")),
    "＞": (N_("a full-width greater-than sign"), N_("write >")),
    "．": (N_("a full-width full stop"), N_("write . in a number: 0.5")),
    "≥": (N_("a greater-or-equal sign"), N_("write >=")),
    "≤": (N_("a less-or-equal sign"), N_("write <=")),
    "≠": (N_("a not-equal sign"), N_("write !=")),
    "\u3000": (N_("a full-width space"), N_("write an ordinary space (switch the input method to half-width)")),
    **{chr(0xFF10 + d): (N_("a full-width digit"), N_("write {digit}")) for d in range(10)},
}
_PERCENT = r"(\d+(?:\.\d+)?)[ \t]*[%％]"  # compiled (by re's cache) for a formula holding a % only


def check_typed_characters(text: str) -> None:
    """`100%`, `×`, `÷`, full-width brackets: say what each is and how a formula writes it, at its column.

    Python would call each an "invalid character" or, for `%`, a remainder;
    a person who typed it meant something else.
    """
    percent = re.search(_PERCENT, text) if "%" in text or "％" in text else None
    if percent:
        number = percent.group(1)
        raise FormulaError(
            _("'{text}' is a percentage; a formula does not write %", text=percent.group(0)),
            percent.end() - 1,
            _(
                "write {number} for a rate in percent (as percent inputs are read), or divide by 100: x / 100",
                number=number,
            ),
            code="formula.percent-sign",
        )
    for offset, char in enumerate(text):
        if char in TYPED_CHARACTERS:
            what, todo = TYPED_CHARACTERS[char]
            digit = str(ord(char) - 0xFF10) if "０" <= char <= "９" else ""
            raise FormulaError(
                _("'{char}' ({what}) is not allowed in a formula", char=char, what=_(what)),
                offset,
                _(todo, digit=digit),
                code="formula.typed-character",
            )


def _check_places(places: ast.expr, offset: int) -> None:
    """round(x, places): places is a whole number written in the formula, 0 to MAX_PLACES.

    A name could be anything at run time, and round(x, 1000000000) or
    round(x, 0.5) would fail (or silently mean 0) for every unit, not at load.
    """
    value = _literal(places)
    if value is None:
        raise FormulaError(
            _("round(x, places): places must be a number written in the formula"),
            offset,
            _("e.g. round(x, 2); 0 to {max}", max=MAX_PLACES),
            code="formula.round-places",
        )
    if isinstance(value, float) and not value.is_integer():
        raise FormulaError(
            _("round(x, places): places must be a whole number, not {value}", value=plain_number(value)),
            offset,
            _("e.g. round(x, 2); 0 to {max}", max=MAX_PLACES),
            code="formula.round-places",
        )
    if not 0 <= value <= MAX_PLACES:
        raise FormulaError(
            _(
                "round(x, places): places is {value}, but must be 0 to {max}",
                value=plain_number(value),
                max=MAX_PLACES,
            ),
            offset,
            _("e.g. round(x, 2)"),
            code="formula.round-places",
        )


def _literal(node: ast.expr) -> int | float | None:
    """A number written as such (possibly with a sign), else None."""
    sign = 1
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -sign if isinstance(node.op, ast.USub) else sign
        node = node.operand
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return sign * node.value
    return None


def check_bracket_depth(text: str) -> None:
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch in "([{") - (ch in ")]}")
        if depth > MAX_BRACKETS:
            raise FormulaError(
                _("the formula nests brackets more than {max} deep", max=MAX_BRACKETS), i, code="formula.too-deep"
            )


def check_single_equals(text: str) -> None:
    """A lone '=' is a spreadsheet habit (IF(due=0, ...)); Python's own message for it is cryptic."""
    for m in re.finditer(r"(?<![=!<>:])=(?!=)", text):
        raise FormulaError(
            _("'=' is not allowed in a formula"),
            m.start(),
            _("to compare, write == (due == 0); helpers take plain arguments: round(x, 2)"),
            code="formula.single-equals",
        )


def parse_expression(text: str) -> ast.Expr:
    stripped = text.strip()
    if not stripped:
        raise FormulaError(_("the formula is empty"), code="formula.empty")
    try:
        # a formula may span lines (a YAML block scalar): brackets on lines of their own let it,
        # even when its last line ends in a comment
        module = ast.parse(stripped if "\n" not in stripped else f"(\n{stripped}\n)")
    except SyntaxError as e:
        lead = len(text) - len(text.lstrip())
        offset = max((e.offset or 1) - 1, 0) + lead
        if "\n" in stripped:
            offset = line_starts(text)[min(max((e.lineno or 2) - 2, 0), len(line_starts(text)) - 1)] + max(
                (e.offset or 1) - 1, 0
            )
        raise FormulaError(
            _("the formula is not a valid expression ({reason})", reason=python_reason(e.msg)),
            offset,
            code="formula.syntax",
        ) from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError(_("the formula cannot be read"), code="formula.unreadable") from None
    if len(module.body) != 1 or not isinstance(module.body[0], ast.Expr):
        raise FormulaError(
            _("a formula is one expression, not a statement or several"), code="formula.not-one-expression"
        )
    return module.body[0]


# Python's own words for a syntax error, as its parser says them (the reason in "not a valid expression (...)"):
# a pattern of its message, with {fields} for what it quotes, and how kaoping's catalog says it.
_PYTHON_REASONS: tuple[tuple[str, str], ...] = (
    (r"invalid syntax", N_("invalid syntax")),
    (r"invalid syntax\. Perhaps you forgot a comma\?", N_("invalid syntax. Perhaps you forgot a comma?")),
    (r"unmatched '(?P<bracket>.)'", N_("unmatched '{bracket}'")),
    (r"'(?P<bracket>.)' was never closed", N_("'{bracket}' was never closed")),
    (
        r"closing parenthesis '(?P<closing>.)' does not match opening parenthesis '(?P<opening>.)'",
        N_("closing parenthesis '{closing}' does not match opening parenthesis '{opening}'"),
    ),
    (
        r"closing parenthesis '(?P<closing>.)' does not match opening parenthesis '(?P<opening>.)' on line \d+",
        N_("closing parenthesis '{closing}' does not match opening parenthesis '{opening}'"),
    ),
    (r"invalid decimal literal", N_("invalid decimal literal")),
    (r"invalid hexadecimal literal", N_("invalid hexadecimal literal")),
    (r"expected ':'", N_("expected ':'")),
    (
        r"unexpected character after line continuation character",
        N_("unexpected character after line continuation character"),
    ),
    (
        r"unterminated triple-quoted string literal \(detected at line \d+\)",
        N_("unterminated triple-quoted string literal"),
    ),
    (r"expected 'else' after 'if' expression", N_("expected 'else' after 'if' expression")),
    (r"unterminated string literal \(detected at line \d+\)", N_("unterminated string literal")),
    (r"invalid character '(?P<char>.)' \((?P<code>U\+[0-9A-F]+)\)", N_("invalid character '{char}' ({code})")),
    (r"invalid non-printable character (?P<code>U\+[0-9A-F]+)", N_("invalid non-printable character {code}")),
    (
        r"leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
        N_("leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"),
    ),
)


def python_reason(message: str) -> str:
    """Python's syntax-error message in the language in use: its own English where kaoping has no words for it.

    The English is Python's exactly (the message ids are its texts, or a
    pattern's fields filled back), so an English run says what it always said.
    """
    for pattern, template in _PYTHON_REASONS:
        match = re.fullmatch(pattern, message)
        if match:
            said = _(template, **match.groupdict())
            return message if said == template.format_map(match.groupdict()) else said
    return message


def line_starts(text: str) -> list[int]:
    lead = len(text) - len(text.lstrip())
    starts = [lead]
    for i, ch in enumerate(text):
        if ch == "\n" and i >= lead:
            starts.append(i + 1)
    return starts


def _check_tree(tree: ast.Expr, line_starts: list[int], text: str, lookups: frozenset[str]) -> list[tuple[str, int]]:
    """Walk the tree without recursion; return (name, offset) for every name read.

    Operator nodes carry no position; a binary operator is pointed at where it
    is written (the first character after its left operand), others at their
    parent expression.
    """
    names: list[tuple[str, int]] = []
    stack: list[tuple[ast.AST, int, int]] = [(tree, 0, 0)]
    while stack:
        node, depth, parent_offset = stack.pop()
        offset = node_offset(node, line_starts, text) if hasattr(node, "lineno") else parent_offset
        if depth > MAX_DEPTH:
            raise FormulaError(
                _(
                    "the formula is nested more than {max} levels deep (a chain of + or * counts one level a term)",
                    max=MAX_DEPTH,
                ),
                offset,
                code="formula.too-deep",
            )
        _check_node(node, offset, lookups)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "round"
            and len(node.args) == 2
        ):
            _check_places(node.args[1], node_offset(node.args[1], line_starts, text))
        if isinstance(node, ast.Name):
            names.append((node.id, offset))
        if isinstance(node, ast.BinOp):
            stack.append((node.op, depth + 1, _operator_offset(node.left, line_starts, text)))
        children = node.args if isinstance(node, ast.Call) else ast.iter_child_nodes(node)
        stack.extend((c, depth + 1, offset) for c in children if not isinstance(c, ast.operator))
    names.sort(key=lambda pair: pair[1])
    return names


def _operator_offset(left: ast.expr, line_starts: list[int], text: str) -> int:
    end = node_offset(left, line_starts, text, "end_lineno", "end_col_offset")
    while end < len(text) and text[end] in " \t\n)":
        end += 1
    return end


def node_offset(
    node: ast.AST, line_starts: list[int], text: str, line_attr: str = "lineno", col_attr: str = "col_offset"
) -> int:
    """The character offset in `text` where `node` starts (or ends)."""
    line = getattr(node, line_attr, 1) or 1
    col = getattr(node, col_attr, 0) or 0
    if len(line_starts) > 1:  # a multi-line formula was parsed as "(\n" + formula + "\n)"
        line -= 1
    start = line_starts[max(min(line, len(line_starts)), 1) - 1]
    return start + _characters(text, start, max(col, 0))


def _characters(text: str, start: int, byte_col: int) -> int:
    """How many characters the first `byte_col` UTF-8 bytes of the line at `start` hold.

    Python's parser gives a node's column in UTF-8 bytes, so a Chinese name
    (3 bytes a character) earlier on the line would push the caret right.
    """
    end = text.find("\n", start)
    line = text[start:] if end < 0 else text[start:end]
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", "ignore"))


def _check_node(node: ast.AST, offset: int, lookups: frozenset[str]) -> None:
    kind = type(node)
    if kind in _REFUSED:
        raise FormulaError(_(_REFUSED[kind]), offset, code="formula.not-allowed")
    if isinstance(node, ast.Constant):
        _check_constant(node, offset)
    elif isinstance(node, ast.Call):
        _check_call(node, offset, lookups)
    elif kind in OPERATORS or isinstance(node, (*_STRUCTURAL, ast.Name)):
        return
    else:
        raise FormulaError(
            _("'{kind}' is not allowed in a formula", kind=kind.__name__), offset, code="formula.not-allowed"
        )


def _check_constant(node: ast.Constant, offset: int) -> None:
    value = node.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FormulaError(
            _("only numbers may be written in a formula (no text, True/False or None)"),
            offset,
            code="formula.not-a-number",
        )
    if abs(value) > MAX_LITERAL or not math.isfinite(value):  # an int too big for a float fails the first test
        raise FormulaError(_("that number is too large for a formula"), offset, code="formula.number-too-large")


def _check_call(node: ast.Call, offset: int, lookups: frozenset[str]) -> None:
    if not isinstance(node.func, ast.Name):
        raise FormulaError(
            _("only the helper functions can be called in a formula"), offset, code="formula.not-callable"
        )
    name = node.func.id
    helper = HELPERS.get(name) or (Helper(abs, 1, 1, N_("{name}(value)")) if name in lookups else None)
    if helper is None:
        spreadsheet = SPREADSHEET_HINTS.get(name.upper())
        hint = (
            (_(spreadsheet) if spreadsheet else "")
            or did_you_mean(name, [*HELPERS, *lookups])
            or _("the helpers are: {names}", names=", ".join(HELPERS))
        )
        raise FormulaError(_("unknown function '{name}'", name=name), offset, hint, code="formula.unknown-function")
    usage = _(helper.usage, name=name)
    if node.keywords:
        raise FormulaError(
            _("{name}(...) takes plain arguments, not name=value", name=name),
            offset,
            usage,
            code="formula.keyword-arguments",
        )
    if any(type(arg) in _REFUSED for arg in node.args):
        return  # the walk reaches the refused argument next and names it
    n = len(node.args)
    if n < helper.min_args or (helper.max_args is not None and n > helper.max_args):
        raise FormulaError(
            n_("{name}(...) is given {n} argument", "{name}(...) is given {n} arguments", n, name=name, n=n),
            offset,
            _("write {usage}", usage=usage),
            code="formula.argument-count",
        )


class Evaluator:
    """Evaluates checked formulas against a mapping of names to numbers."""

    def __init__(self, lookups: Mapping[str, Callable[[Number], Number]] | None = None) -> None:
        functions = {name: h.function for name, h in HELPERS.items()}
        functions.update(lookups or {})
        self._simple = SimpleEval(operators=dict(OPERATORS), functions=functions, names={})

    def evaluate(self, formula: Formula, names: Mapping[str, Number]) -> Number:
        """The formula's value; arithmetic errors (division by zero, overflow) pass to the caller."""
        self._simple.names = names
        value = self._simple.eval(formula.text, previously_parsed=formula.tree)
        if isinstance(value, bool):
            return int(value)
        return cast(Number, value)  # only numbers and comparisons are let through the allowlist
