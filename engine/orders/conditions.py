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
from ..i18n import N_, _, n_
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
            error.hint = _("to compare, write == (status == '已办结')")
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
    message = e.message
    for formula, condition in _FORMULA_WORDS:
        message = message.replace(_(formula), _(condition))
    return ConditionError(message, e.offset, e.hint, code="orders.syntax")


_FORMULA_WORDS = ((N_("the formula"), N_("the condition")), (N_("a formula"), N_("a condition")))
"""How expr.py's words for a formula become a condition's, in the language spoken (in Chinese: 公式 → 条件)."""


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
        return _(_COLUMN_IS[_KIND[value.type]], id=value.id)
    if isinstance(value, Bound):
        return _("period_{which} is a datetime", which=value.which)
    if isinstance(value, Shift):
        return _("the shifted time is a datetime")
    if isinstance(value, Text):
        return _("{value!r} is text", value=value.value)
    if isinstance(value, Workdays):
        return _("workdays(...) is a number")
    return _("{value} is a number", value=value.value)


_COLUMN_IS = {"datetime": N_("{id} is a datetime"), "number": N_("{id} is a number"), "text": N_("{id} is text")}
"""How a message names a column by its kind: `closed_at is a datetime`."""
_COLUMN_AND = {
    "datetime": N_("{id} is a datetime and {value}"),
    "number": N_("{id} is a number and {value}"),
    "text": N_("{id} is text and {value}"),
}
"""A list's column against a listed value of another kind: `status is text and 3 is a number`."""
_TODO = {
    "datetime": N_("compare with another datetime, period_start/period_end, or shift by hours(n)"),
    "number": N_("compare with a number or a number column"),
    "text": N_("compare with a text in quotes or a text column"),
}
"""What to compare a value of each kind with (the hint of a comparison of two kinds)."""
_LIST = {
    "datetime": N_("list another datetime, period_start/period_end, or shift by hours(n)"),
    "number": N_("list a number or a number column"),
    "text": N_("list a text in quotes or a text column"),
}
"""What to list after `in` for a column of each kind."""


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
                    node,
                    _("the condition is nested more than {depth} levels deep", depth=MAX_DEPTH),
                    code="orders.syntax",
                )
            stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))

    def refuse_construct(self, node: ast.expr) -> ConditionError:
        """The message for a construct outside the grammar, naming it."""
        if isinstance(node, ast.Attribute):
            return self.refuse(node, _("attribute access (a.b) is not allowed in a condition"))
        if isinstance(node, ast.Subscript):
            return self.refuse(node, _("indexing (a[...]) is not allowed in a condition"))
        if isinstance(node, ast.Call):
            return self.call_refused(node)
        if isinstance(node, ast.BinOp):
            return self.refuse(
                node,
                _("arithmetic is not allowed in a condition, except a duration shift"),
                _("write a - b > hours(2) or a <= b + days(1)"),
            )
        if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, bool)):
            return self.refuse(
                node,
                _("{value} is not allowed in a condition", value=node.value),
                _("write filled(x) or empty(x), or compare a value"),
            )
        if isinstance(node, ast.IfExp):
            return self.refuse(node, _("'a if c else b' is not allowed in a condition"))
        if isinstance(node, ast.List):
            return self.refuse(node, _("a list is only allowed after in: status in ['已办结', '已归档']"))
        return self.refuse(node, _("'{construct}' is not allowed in a condition", construct=type(node).__name__))

    def call_refused(self, node: ast.Call) -> ConditionError:
        if not isinstance(node.func, ast.Name):
            return self.refuse(
                node, _("only filled(), empty(), workdays(), hours(), days() and minutes() can be called")
            )
        name = node.func.id
        if name in _FUNCTIONS:
            return self.refuse(node, _("{name}(...) cannot be used here", name=name), _usage(name))
        hint = did_you_mean(name, _FUNCTIONS) or _("the functions are: {names}", names=", ".join(_FUNCTIONS))
        return self.refuse(node, _("unknown function '{name}'", name=name), hint)

    def call_args(self, node: ast.Call, count: int) -> list[ast.expr]:
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        if node.keywords:
            raise self.refuse(node, _("{name}(...) takes plain arguments, not name=value", name=name), _usage(name))
        if len(node.args) != count or any(isinstance(a, ast.Starred) for a in node.args):
            n = len(node.args)
            raise self.refuse(
                node,
                n_("{name}(...) is given {n} argument", "{name}(...) is given {n} arguments", n, name=name, n=n),
                _usage(name),
            )
        return node.args

    def unknown(self, node: ast.Name) -> ConditionError:
        """An unknown name: a header used for an id is said so; else a did-you-mean over the ids."""
        for column in self.scope.columns.values():
            if node.id in column.headers:
                hint = _("'{name}' is the column header of {id}: write {id}", name=node.id, id=column.id)
                break
        else:
            choices = [*self.scope.columns, *self.scope.conditions, *BOUNDS, "period"]
            hint = did_you_mean(node.id, choices)
        return self.refuse(node, _("unknown name '{name}'", name=node.id), hint, code="orders.unknown-name")

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
                raise self.refuse(
                    node,
                    _("'{name}' is a condition, not a value", name=node.id),
                    _("use it on its own: is_due and ..."),
                )
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
                raise self.refuse(inner, _("that number is too large for a condition"))
            return sign * inner.value
        if isinstance(inner.value, float):
            return sign * self.decimal(inner)
        return None

    def decimal(self, node: ast.Constant) -> Decimal:
        end = node_offset(node, self.starts, self.text, "end_lineno", "end_col_offset")
        try:
            value = Decimal(self.text[self.at(node) : end].replace("_", ""))
        except InvalidOperation:
            raise self.refuse(node, _("that number cannot be read")) from None
        if not value.is_finite() or abs(value) >= 10**18 or value.as_tuple().exponent < -6:  # type: ignore[operator]
            raise self.refuse(node, _("a number in a condition has at most 18 digits and 6 decimals"))
        return value

    def seconds(self, node: ast.expr) -> int:
        """hours(n), days(n), minutes(n): n a non-negative literal giving whole seconds."""
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        name = node.func.id
        (arg,) = self.call_args(node, 1)
        amount = self.number(arg) if isinstance(arg, ast.Constant) else None
        if amount is None or amount < 0:
            raise self.refuse(
                arg, _("{name}(n) takes a number written in the condition, 0 or more", name=name), _usage(name)
            )
        total = amount * DURATIONS[name]
        if total != int(total) or total > MAX_SHIFT:
            raise self.refuse(
                arg,
                _("{name}({amount}) is not a whole number of seconds up to ten years", name=name, amount=amount),
                _usage(name),
            )
        return int(total)

    def datetime_column(self, node: ast.expr) -> Col | Bound:
        value = self.value(node)
        if not isinstance(value, (Col, Bound)) or _kind(value) != "datetime":
            raise self.refuse(
                node, _("{side}: a - b needs two datetimes", side=_said(value)), code="orders.type-mismatch"
            )
        return value

    def workday_column(self, node: ast.expr) -> Col:
        value = self.value(node)
        if not isinstance(value, Col) or value.type != "datetime":
            raise self.refuse(
                node,
                _("{side}: workdays(a, b) takes two datetime columns", side=_said(value)),
                code="orders.type-mismatch",
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
            return self.refuse(node, _("a condition must be true or false"), _("compare it: status == '已办结'"))
        return self.refuse_construct(node)

    def presence_column(self, node: ast.Call) -> Col:
        (arg,) = self.call_args(node, 1)
        if not isinstance(arg, ast.Name) or arg.id not in self.scope.columns:
            if isinstance(arg, ast.Name):
                raise self.unknown(arg)
            name = node.func.id  # type: ignore[attr-defined]
            raise self.refuse(arg, _("{name}(...) takes a column", name=name), _usage(name))
        return self.column(arg)

    def named(self, node: ast.Name) -> Cond:
        found = self.scope.conditions.get(node.id)
        if found is not None:
            return Named(found.id, found.label, found.when)
        if node.id in self.scope.later:
            raise self.refuse(
                node,
                _("'{name}' is declared at or below this condition", name=node.id),
                _("a named condition may read only the ones declared above it: move it up"),
                code="orders.later-condition",
            )
        if node.id in self.scope.columns:
            column = self.scope.columns[node.id]
            raise self.refuse(
                node,
                _("'{name}' is a column, not a condition", name=node.id),
                _("compare it (e.g. {name} == ...), or write filled({name})", name=node.id)
                if column.type != "datetime"
                else _("write filled({name}), or compare it: {name} in period", name=node.id),
            )
        raise self.unknown(node)

    def compare(self, node: ast.Compare) -> Cond:
        if len(node.ops) != 1:
            raise self.refuse(node, _("chained comparisons are not allowed in a condition"), _("write a < b and b < c"))
        op, right = node.ops[0], node.comparators[0]
        if isinstance(op, (ast.In, ast.NotIn)):
            found = self.membership(node.left, right)
            return Not(found) if isinstance(op, ast.NotIn) else found
        if not isinstance(op, tuple(OPS)):
            written = _OP_WORDS.get(type(op), type(op).__name__)
            raise self.refuse(node, _("'{op}' is not allowed in a condition", op=written))
        symbol = OPS[type(op)]
        if isinstance(node.left, ast.BinOp) and isinstance(node.left.op, ast.Sub) and self.is_duration(right):
            return self.elapsed(node.left, symbol, right)
        left, value = self.value(node.left), self.value(right)
        self.check_sides(node, symbol, left, value, right)
        return Compare(symbol, left, value)

    def check_sides(self, node: ast.Compare, op: Op, left: Value, right: Value, right_node: ast.expr) -> None:
        if not any(isinstance(v, (Col, Shift, Workdays)) for v in (left, right)):
            raise self.refuse(node, _("a comparison must read a column"), _("e.g. closed_at <= deadline"))
        kinds = _kind(left), _kind(right)
        if kinds[0] != kinds[1]:
            raise self.refuse(
                node,
                _("{left} and {right}: {todo}", left=_said(left), right=_said(right), todo=_(_TODO[kinds[0]])),
                code="orders.type-mismatch",
            )
        if kinds[0] == "text" and op not in ("==", "!="):
            raise self.refuse(node, _("'{op}' is not allowed on text", op=op), _("text is compared with == or != only"))
        for side, other in ((left, right), (right, left)):
            if isinstance(side, Col) and isinstance(other, Text):
                self.check_value(side, other.value, right_node)

    def check_value(self, column: Col, value: str, node: ast.expr) -> None:
        """A literal compared with a text column must be one of its declared `values`."""
        declared = self.scope.columns[column.id]
        if declared.values and value not in declared.values:
            hint = did_you_mean(value, declared.values) or _(
                "its values are: {values}", values=", ".join(declared.values)
            )
            raise self.refuse(
                node,
                _("{value!r} is not one of {label}'s values", value=value, label=declared.label),
                hint,
                code="orders.unknown-value",
            )

    def membership(self, left: ast.expr, right: ast.expr) -> Cond:
        if isinstance(right, ast.Name) and right.id == "period":
            value = self.value(left)
            if not isinstance(value, (Col, Shift)) or _kind(value) != "datetime":
                raise self.refuse(
                    left, _("{side}: only a datetime is in a period", side=_said(value)), code="orders.type-mismatch"
                )
            return InPeriod(value)
        if not isinstance(right, (ast.List, ast.Tuple)):
            raise self.refuse(
                right,
                _("in takes a list written in the condition, or period"),
                _("e.g. status in ['已办结', '已归档']"),
            )
        if not isinstance(left, ast.Name) or left.id not in self.scope.columns:
            if isinstance(left, ast.Name) and left.id not in (*BOUNDS, *self.scope.conditions):
                raise self.unknown(left)
            raise self.refuse(left, _("the left of in must be a column"), _("e.g. status in ['已办结', '已归档']"))
        column = self.column(left)
        if not right.elts:
            raise self.refuse(right, _("the list is empty"), _("list at least one value"))
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
                _(_COLUMN_AND[_KIND[column.type]], id=column.id, value=_said(value)),
                _(_LIST[_KIND[column.type]]),
                code="orders.type-mismatch",
            )
        raise self.refuse(
            node, _("a list after in holds values written in the condition"), _("e.g. ['已办结', '已归档']")
        )

    def elapsed(self, diff: ast.BinOp, op: Op, duration: ast.expr) -> Compare:
        """`a - b OP d` is `a OP b + d`: both datetimes, d a duration."""
        a, b = self.datetime_column(diff.left), self.value(diff.right)
        if not isinstance(b, (Col, Bound)) or _kind(b) != "datetime":
            raise self.refuse(
                diff.right, _("{side}: a - b needs two datetimes", side=_said(b)), code="orders.type-mismatch"
            )
        return Compare(op, a, Shift(b, self.seconds(duration)))


_USAGE = {
    "filled": N_("write filled(column)"),
    "empty": N_("write empty(column)"),
    "workdays": N_("write workdays(since, until) > 1, both datetime columns"),
    "minutes": N_("write a - b > minutes(30), or a <= b + minutes(30)"),
    "hours": N_("write a - b > hours(2), or a <= b + hours(2)"),
    "days": N_("write a - b > days(1), or a <= b + days(1)"),
}
"""How each function of the grammar is written: the hint of a call that is not."""


def _usage(name: str) -> str:
    """The hint for a function called wrongly; none for a call whose name kaoping cannot see (`f()()`)."""
    return _(_USAGE[name]) if name in _USAGE else ""


_OP_WORDS = {ast.Is: "is", ast.IsNot: "is not"}
