"""An `orders:` condition (`when`, `where`): Python syntax, checked against an allowlist, turned into the IR once.

The grammar (README "From work orders"): comparisons of datetimes (with `period_start`/`period_end` and a shift
by `hours(n)`, `days(n)`, `minutes(n)`), of numbers and of text; `x in period`; `workdays(a, b)`; membership
in a literal list; `filled(c)`/`empty(c)`; `and`, `or`, `not`, brackets; and the named conditions declared
above.  Everything else is refused with a message that names the construct and says what to write, at its
character, before anything reads an order.  The length, bracket and nesting caps of formulas (expr.py) apply,
so hostile text is refused quickly; the tree is walked with an explicit depth cap, never deeper than that.

Imported only by a ruleset with `orders:` (engine/ruleset/orders.py, lazily): never on the unit-table path.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from ..errors import did_you_mean
from ..frozen import frozen
from ..ruleset.expr import (
    MAX_DEPTH,
    FormulaError,
    check_bracket_depth,
    check_single_equals,
    check_typed_characters,
    line_starts,
    node_offset,
    parse_expression,
)
from .ir import (
    All,
    Any_,
    Bound,
    Col,
    Compare,
    Cond,
    Filled,
    InPeriod,
    Member,
    Named,
    Not,
    Num,
    Op,
    Shift,
    Text,
    Value,
    Workdays,
)
from .model import NamedCondition, OrderColumn

DURATIONS = {"minutes": 60, "hours": 3600, "days": 86400}
BOUNDS = {"period_start": "start", "period_end": "end"}
OPS: Mapping[type, Op] = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
MAX_SHIFT = 3660 * 86400  # ten years: a longer duration is a mistake, and would overflow some engines' intervals
_KIND = {"id": "text", "text": "text", "integer": "number", "number": "number", "datetime": "datetime"}
_FUNCTIONS = ("filled", "empty", "workdays", *DURATIONS)


class ConditionError(Exception):
    """A condition that cannot be accepted: `offset` is 0-based within its text, `code` an `orders.*` code."""

    def __init__(self, message: str, offset: int = 0, hint: str = "", *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint
        self.code = code


@frozen
class Scope:
    """What a condition may read: the columns, the named conditions declared above it, and those below."""

    columns: Mapping[str, OrderColumn]
    conditions: Mapping[str, NamedCondition]
    later: frozenset[str] = frozenset()


def compile_condition(text: str, scope: Scope) -> Cond:
    """The IR of `text`, or ConditionError saying what is wrong and where."""
    _precheck(text)
    try:
        tree = parse_expression(text)
    except FormulaError as e:
        raise _as_condition_error(e) from None
    reader = _Reader(text, line_starts(text), scope)
    reader.check_depth(tree.value)
    return reader.cond(tree.value)


def uses_workdays(cond: Cond) -> bool:
    """Whether the condition (its named conditions included) counts working days: it needs `calendar:`."""
    if isinstance(cond, Compare):
        return isinstance(cond.left, Workdays) or isinstance(cond.right, Workdays)
    if isinstance(cond, (All, Any_)):
        return any(uses_workdays(item) for item in cond.items)
    if isinstance(cond, Not):
        return uses_workdays(cond.item)
    if isinstance(cond, Named):
        return uses_workdays(cond.cond)
    return False


def _precheck(text: str) -> None:
    """expr.py's checks of typed characters, brackets and a lone `=`, over the text with its strings blanked.

    A full-width comma inside `'是，否'` is text, not a mistake; outside a string it keeps its message.
    """
    blank = blank_strings(text)
    try:
        check_typed_characters(blank)
        check_bracket_depth(blank)
        check_single_equals(blank)
    except FormulaError as e:
        error = _as_condition_error(e)
        if e.code == "formula.single-equals":
            error.hint = "to compare, write == (status == '已办结')"
        raise error from None


def blank_strings(text: str) -> str:
    """`text` with every character inside a quoted string replaced by a space (same length, same offsets)."""
    out, quote, i = list(text), "", 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and i + 1 < len(text):
                out[i] = out[i + 1] = " "
                i += 2
                continue
            if ch == quote:
                quote = ""
            else:
                out[i] = " "
        elif ch in "'\"":
            quote = ch
        i += 1
    return "".join(out)


def _as_condition_error(e: FormulaError) -> ConditionError:
    """A formula check's finding, said of a condition, under an `orders.*` code."""
    message = e.message.replace("the formula", "the condition").replace("a formula", "a condition")
    return ConditionError(message, e.offset, e.hint, code="orders.syntax")


def _kind(value: Value) -> str:
    """datetime, number or text: what a comparison needs on both sides."""
    if isinstance(value, Col):
        return _KIND[value.type]
    if isinstance(value, (Bound, Shift)):
        return "datetime"
    return "text" if isinstance(value, Text) else "number"


def _said(value: Value) -> str:
    """How a message names one side: `closed_at is a datetime`, `'2024-02-01' is text`."""
    if isinstance(value, Col):
        return f"{value.id} is {_article(_KIND[value.type])}"
    if isinstance(value, Bound):
        return f"period_{value.which} is a datetime"
    if isinstance(value, Shift):
        return "the shifted time is a datetime"
    if isinstance(value, Text):
        return f"{value.value!r} is text"
    if isinstance(value, Workdays):
        return "workdays(...) is a number"
    return f"{value.value} is a number"


def _article(kind: str) -> str:
    return "text" if kind == "text" else f"a {kind}"


_TODO = {
    "datetime": "compare with another datetime, period_start/period_end, or shift by hours(n)",
    "number": "compare with a number or a number column",
    "text": "compare with a text in quotes or a text column",
}


class _Base:
    """The text, the scope, and how a refusal is placed at its character and said."""

    def __init__(self, text: str, starts: list[int], scope: Scope) -> None:
        self.text = text
        self.starts = starts
        self.scope = scope

    def at(self, node: ast.AST) -> int:
        return node_offset(node, self.starts, self.text)

    def refuse(self, node: ast.AST, message: str, hint: str = "", code: str = "orders.not-allowed") -> ConditionError:
        return ConditionError(message, self.at(node), hint, code=code)

    def check_depth(self, tree: ast.AST) -> None:
        """Refuse a tree nested deeper than formulas may be (`not not not ... x`), before any recursion."""
        stack = [(tree, 0)]
        while stack:
            node, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise self.refuse(
                    node, f"the condition is nested more than {MAX_DEPTH} levels deep", code="orders.syntax"
                )
            stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))

    def refuse_construct(self, node: ast.expr) -> ConditionError:
        """The message for a construct outside the grammar, naming it."""
        if isinstance(node, ast.Attribute):
            return self.refuse(node, "attribute access (a.b) is not allowed in a condition")
        if isinstance(node, ast.Subscript):
            return self.refuse(node, "indexing (a[...]) is not allowed in a condition")
        if isinstance(node, ast.Call):
            return self.call_refused(node)
        if isinstance(node, ast.BinOp):
            return self.refuse(
                node,
                "arithmetic is not allowed in a condition, except a duration shift",
                "write a - b > hours(2) or a <= b + days(1)",
            )
        if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, bool)):
            return self.refuse(
                node, f"{node.value} is not allowed in a condition", "write filled(x) or empty(x), or compare a value"
            )
        if isinstance(node, ast.IfExp):
            return self.refuse(node, "'a if c else b' is not allowed in a condition")
        if isinstance(node, ast.List):
            return self.refuse(node, "a list is only allowed after in: status in ['已办结', '已归档']")
        return self.refuse(node, f"'{type(node).__name__}' is not allowed in a condition")

    def call_refused(self, node: ast.Call) -> ConditionError:
        if not isinstance(node.func, ast.Name):
            return self.refuse(node, "only filled(), empty(), workdays(), hours(), days() and minutes() can be called")
        name = node.func.id
        if name in _FUNCTIONS:
            return self.refuse(node, f"{name}(...) cannot be used here", _USAGE[name])
        hint = did_you_mean(name, _FUNCTIONS) or f"the functions are: {', '.join(_FUNCTIONS)}"
        return self.refuse(node, f"unknown function '{name}'", hint)

    def call_args(self, node: ast.Call, count: int) -> list[ast.expr]:
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        if node.keywords:
            raise self.refuse(node, f"{name}(...) takes plain arguments, not name=value", _USAGE[name])
        if len(node.args) != count or any(isinstance(a, ast.Starred) for a in node.args):
            n = len(node.args)
            raise self.refuse(node, f"{name}(...) is given {n} argument{'s' if n != 1 else ''}", _USAGE[name])
        return node.args

    def unknown(self, node: ast.Name) -> ConditionError:
        """An unknown name: a header used for an id is said so; else a did-you-mean over the ids."""
        for column in self.scope.columns.values():
            if node.id in column.headers:
                hint = f"'{node.id}' is the column header of {column.id}: write {column.id}"
                break
        else:
            choices = [*self.scope.columns, *self.scope.conditions, *BOUNDS, "period"]
            hint = did_you_mean(node.id, choices)
        return self.refuse(node, f"unknown name '{node.id}'", hint, code="orders.unknown-name")

    def column(self, node: ast.Name) -> Col:
        found = self.scope.columns[node.id]
        return Col(found.id, found.type)

    def is_duration(self, node: ast.expr) -> bool:
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in DURATIONS


class _Values(_Base):
    """One side of a comparison: a column, period_start/period_end, a literal, a shift, workdays(a, b)."""

    def value(self, node: ast.expr) -> Value:
        if isinstance(node, ast.Name):
            if node.id in self.scope.columns:
                return self.column(node)
            if node.id in BOUNDS:
                return Bound("start" if node.id == "period_start" else "end")
            if node.id in self.scope.conditions or node.id in self.scope.later:
                raise self.refuse(node, f"'{node.id}' is a condition, not a value", "use it on its own: is_due and ...")
            raise self.unknown(node)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return Text(node.value)
        number = self.number(node)
        if number is not None:
            return Num(number)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)) and self.is_duration(node.right):
            base = self.datetime_column(node.left) if not isinstance(node.left, ast.BinOp) else None
            if base is None:
                raise self.refuse_construct(node)
            seconds = self.seconds(node.right)
            return Shift(base, seconds if isinstance(node.op, ast.Add) else -seconds)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "workdays":
            since, until = (self.workday_column(a) for a in self.call_args(node, 2))
            return Workdays(since, until)
        raise self.refuse_construct(node)

    def number(self, node: ast.expr) -> int | Decimal | None:
        """A number literal (with an optional minus), exact from its source text; None if the node is not one."""
        sign = 1
        inner = node
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            sign = -1 if isinstance(node.op, ast.USub) else 1
            inner = node.operand
        if not isinstance(inner, ast.Constant) or isinstance(inner.value, bool):
            return None
        if isinstance(inner.value, int):
            if abs(inner.value) >= 10**18:
                raise self.refuse(inner, "that number is too large for a condition")
            return sign * inner.value
        if isinstance(inner.value, float):
            return sign * self.decimal(inner)
        return None

    def decimal(self, node: ast.Constant) -> Decimal:
        end = node_offset(node, self.starts, self.text, "end_lineno", "end_col_offset")
        try:
            value = Decimal(self.text[self.at(node) : end].replace("_", ""))
        except InvalidOperation:
            raise self.refuse(node, "that number cannot be read") from None
        if not value.is_finite() or abs(value) >= 10**18 or value.as_tuple().exponent < -6:  # type: ignore[operator]
            raise self.refuse(node, "a number in a condition has at most 18 digits and 6 decimals")
        return value

    def seconds(self, node: ast.expr) -> int:
        """hours(n), days(n), minutes(n): n a non-negative literal giving whole seconds."""
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        name = node.func.id
        (arg,) = self.call_args(node, 1)
        amount = self.number(arg) if isinstance(arg, ast.Constant) else None
        if amount is None or amount < 0:
            raise self.refuse(arg, f"{name}(n) takes a number written in the condition, 0 or more", _USAGE[name])
        total = amount * DURATIONS[name]
        if total != int(total) or total > MAX_SHIFT:
            raise self.refuse(arg, f"{name}({amount}) is not a whole number of seconds up to ten years", _USAGE[name])
        return int(total)

    def datetime_column(self, node: ast.expr) -> Col | Bound:
        value = self.value(node)
        if not isinstance(value, (Col, Bound)) or _kind(value) != "datetime":
            raise self.refuse(node, f"{_said(value)}: a - b needs two datetimes", code="orders.type-mismatch")
        return value

    def workday_column(self, node: ast.expr) -> Col:
        value = self.value(node)
        if not isinstance(value, Col) or value.type != "datetime":
            raise self.refuse(
                node, f"{_said(value)}: workdays(a, b) takes two datetime columns", code="orders.type-mismatch"
            )
        return value


class _Reader(_Values):
    """Turns a checked-shape tree into the IR, raising at the first node outside the grammar."""

    def cond(self, node: ast.expr) -> Cond:
        if isinstance(node, ast.BoolOp):
            items = tuple(self.cond(v) for v in node.values)
            return All(items) if isinstance(node.op, ast.And) else Any_(items)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return Not(self.cond(node.operand))
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("filled", "empty"):
            column = self.presence_column(node)
            return Filled(column) if node.func.id == "filled" else Not(Filled(column))
        if isinstance(node, ast.Name):
            return self.named(node)
        raise self.not_a_condition(node)

    def not_a_condition(self, node: ast.expr) -> ConditionError:
        if isinstance(node, ast.Constant) and not (node.value is None or isinstance(node.value, bool)):
            return self.refuse(node, "a condition must be true or false", "compare it: status == '已办结'")
        return self.refuse_construct(node)

    def presence_column(self, node: ast.Call) -> Col:
        (arg,) = self.call_args(node, 1)
        if not isinstance(arg, ast.Name) or arg.id not in self.scope.columns:
            if isinstance(arg, ast.Name):
                raise self.unknown(arg)
            raise self.refuse(arg, f"{node.func.id}(...) takes a column", _USAGE[node.func.id])  # type: ignore[attr-defined]
        return self.column(arg)

    def named(self, node: ast.Name) -> Cond:
        found = self.scope.conditions.get(node.id)
        if found is not None:
            return Named(found.id, found.label, found.when)
        if node.id in self.scope.later:
            raise self.refuse(
                node,
                f"'{node.id}' is declared at or below this condition",
                "a named condition may read only the ones declared above it: move it up",
                code="orders.later-condition",
            )
        if node.id in self.scope.columns:
            column = self.scope.columns[node.id]
            raise self.refuse(
                node,
                f"'{node.id}' is a column, not a condition",
                f"compare it (e.g. {node.id} == ...), or write filled({node.id})"
                if column.type != "datetime"
                else f"write filled({node.id}), or compare it: {node.id} in period",
            )
        raise self.unknown(node)

    def compare(self, node: ast.Compare) -> Cond:
        if len(node.ops) != 1:
            raise self.refuse(node, "chained comparisons are not allowed in a condition", "write a < b and b < c")
        op, right = node.ops[0], node.comparators[0]
        if isinstance(op, (ast.In, ast.NotIn)):
            found = self.membership(node.left, right)
            return Not(found) if isinstance(op, ast.NotIn) else found
        if not isinstance(op, tuple(OPS)):
            raise self.refuse(node, f"'{_OP_WORDS.get(type(op), type(op).__name__)}' is not allowed in a condition")
        symbol = OPS[type(op)]
        if isinstance(node.left, ast.BinOp) and isinstance(node.left.op, ast.Sub) and self.is_duration(right):
            return self.elapsed(node.left, symbol, right)
        left, value = self.value(node.left), self.value(right)
        self.check_sides(node, symbol, left, value, right)
        return Compare(symbol, left, value)

    def check_sides(self, node: ast.Compare, op: Op, left: Value, right: Value, right_node: ast.expr) -> None:
        if not any(isinstance(v, (Col, Shift, Workdays)) for v in (left, right)):
            raise self.refuse(node, "a comparison must read a column", "e.g. closed_at <= deadline")
        kinds = _kind(left), _kind(right)
        if kinds[0] != kinds[1]:
            raise self.refuse(
                node,
                f"{_said(left)} and {_said(right)}: {_TODO[kinds[0]]}",
                code="orders.type-mismatch",
            )
        if kinds[0] == "text" and op not in ("==", "!="):
            raise self.refuse(node, f"'{op}' is not allowed on text", "text is compared with == or != only")
        for side, other in ((left, right), (right, left)):
            if isinstance(side, Col) and isinstance(other, Text):
                self.check_value(side, other.value, right_node)

    def check_value(self, column: Col, value: str, node: ast.expr) -> None:
        """A literal compared with a text column must be one of its declared `values`."""
        declared = self.scope.columns[column.id]
        if declared.values and value not in declared.values:
            hint = did_you_mean(value, declared.values) or f"its values are: {', '.join(declared.values)}"
            raise self.refuse(
                node, f"{value!r} is not one of {declared.label}'s values", hint, code="orders.unknown-value"
            )

    def membership(self, left: ast.expr, right: ast.expr) -> Cond:
        if isinstance(right, ast.Name) and right.id == "period":
            value = self.value(left)
            if not isinstance(value, (Col, Shift)) or _kind(value) != "datetime":
                raise self.refuse(left, f"{_said(value)}: only a datetime is in a period", code="orders.type-mismatch")
            return InPeriod(value)
        if not isinstance(right, (ast.List, ast.Tuple)):
            raise self.refuse(
                right, "in takes a list written in the condition, or period", "e.g. status in ['已办结', '已归档']"
            )
        if not isinstance(left, ast.Name) or left.id not in self.scope.columns:
            if isinstance(left, ast.Name) and left.id not in (*BOUNDS, *self.scope.conditions):
                raise self.unknown(left)
            raise self.refuse(left, "the left of in must be a column", "e.g. status in ['已办结', '已归档']")
        column = self.column(left)
        if not right.elts:
            raise self.refuse(right, "the list is empty", "list at least one value")
        return Member(column, tuple(self.option(column, e) for e in right.elts))

    def option(self, column: Col, node: ast.expr) -> str | int | Decimal:
        value = self.value(node)
        if isinstance(value, Text) and _KIND[column.type] == "text":
            self.check_value(column, value.value, node)
            return value.value
        if isinstance(value, Num) and _KIND[column.type] == "number":
            return value.value
        if isinstance(value, (Text, Num)):
            raise self.refuse(
                node,
                f"{column.id} is {_article(_KIND[column.type])} and {_said(value)}",
                _TODO[_KIND[column.type]].replace("compare with", "list"),
                code="orders.type-mismatch",
            )
        raise self.refuse(node, "a list after in holds values written in the condition", "e.g. ['已办结', '已归档']")

    def elapsed(self, diff: ast.BinOp, op: Op, duration: ast.expr) -> Compare:
        """`a - b OP d` is `a OP b + d`: both datetimes, d a duration."""
        a, b = self.datetime_column(diff.left), self.value(diff.right)
        if not isinstance(b, (Col, Bound)) or _kind(b) != "datetime":
            raise self.refuse(diff.right, f"{_said(b)}: a - b needs two datetimes", code="orders.type-mismatch")
        return Compare(op, a, Shift(b, self.seconds(duration)))


_USAGE = {
    "filled": "write filled(column)",
    "empty": "write empty(column)",
    "workdays": "write workdays(since, until) > 1, both datetime columns",
    "minutes": "write a - b > minutes(30), or a <= b + minutes(30)",
    "hours": "write a - b > hours(2), or a <= b + hours(2)",
    "days": "write a - b > days(1), or a <= b + days(1)",
    "": "",
}
_OP_WORDS = {ast.Is: "is", ast.IsNot: "is not"}
