"""`@frozen` against `@dataclass(frozen=True, slots=True)`: the same classes, behaving the same.

Each shape of class is written once and decorated both ways; every test makes
the same instances of both and compares what Python can observe of them:
repr, equality, hash, immutability (the exception and its message), fields,
replace, asdict, pickling and copying, __match_args__, __slots__, __doc__,
inspect.signature, __post_init__, default factories, argument errors.  The
dataclass is the reference: an expected value is what it gives, never what
`frozen` gives.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from collections.abc import Callable
from dataclasses import FrozenInstanceError, dataclass, field
from typing import Any, ClassVar

import pytest
from kaoping.frozen import frozen, frozen_per_row

REFERENCE = dataclass(frozen=True, slots=True)


def shapes(decorate: Callable[[type], type]) -> dict[str, type]:
    """Every shape of class the project writes, decorated with `decorate`."""

    @decorate
    class Plain:
        """A docstring of its own."""

        a: int
        b: str = "x"
        c: tuple[int, ...] = ()
        KIND: ClassVar[str] = "plain"

        @property
        def twice(self) -> int:
            return self.a * 2

    @decorate
    class NoDoc:
        name: str
        values: dict[str, int] = field(default_factory=dict)
        at: float | None = None

    @decorate
    class KwOnly:
        """A kw_only field after defaulted ones, and a check in __post_init__ (errors.Problem's shape)."""

        file: str
        line: int = 0
        code: str = field(kw_only=True)

        def __post_init__(self) -> None:
            if self.line < 0:
                raise ValueError("negative line")

    @decorate
    class One:
        only: object

    @decorate
    class Empty:
        pass

    @decorate
    class Options:
        shown: int
        hidden: str = field(default="h", repr=False)
        ignored: int = field(default=0, compare=False)
        unhashed: list[int] = field(default_factory=list, hash=False)

    @decorate
    class Own:
        """Methods of its own, which the decorator must keep."""

        a: int

        def __repr__(self) -> str:
            return f"<own {self.a}>"

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Own) and abs(self.a) == abs(other.a)

        def __hash__(self) -> int:
            return hash(abs(self.a))

    return {c.__name__: c for c in (Plain, NoDoc, KwOnly, One, Empty, Options, Own)}


THEIRS = shapes(REFERENCE)
DECORATED = {"frozen": shapes(frozen), "frozen_per_row": shapes(frozen_per_row)}


@pytest.fixture(params=sorted(DECORATED))
def ours_made(request: pytest.FixtureRequest) -> dict[str, type]:
    """The shapes made by `frozen`, then by `frozen_per_row` (its __init__ compiled by dataclass)."""
    return DECORATED[request.param]


# (class name, args, kwargs): calls every class takes, positional, by keyword, mixed, with defaults
CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("Plain", (1,), {}),
    ("Plain", (1, "y", (2, 3)), {}),
    ("Plain", (), {"a": 5, "c": (1,)}),
    ("Plain", (7,), {"b": "z"}),
    ("NoDoc", ("n",), {}),
    ("NoDoc", ("n", {"k": 1}, 2.5), {}),
    ("NoDoc", (), {"name": "n", "at": None}),
    ("KwOnly", ("f.yaml",), {"code": "a.b"}),
    ("KwOnly", ("f.yaml", 3), {"code": "a.b"}),
    ("KwOnly", (), {"file": "f", "line": 2, "code": ""}),
    ("One", ([1, 2],), {}),
    ("One", ("x",), {}),
    ("Empty", (), {}),
    ("Options", (1,), {}),
    ("Options", (1, "H", 9, [1]), {}),
    ("Own", (-3,), {}),
    ("Own", (3,), {}),
]


def both(ours_made: dict[str, type], name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any]:
    return ours_made[name](*args, **kwargs), THEIRS[name](*args, **kwargs)


def observed(x: Any) -> Any:
    """What is printed or compared of an instance, with the class's identity left out (the two classes differ)."""
    return repr(x), dataclasses.astuple(x), dataclasses.asdict(x)


@pytest.mark.parametrize(("name", "args", "kwargs"), CALLS)
def test_an_instance_prints_and_holds_what_the_dataclass_holds(name, args, kwargs, ours_made):
    ours, theirs = both(ours_made, name, args, kwargs)
    assert observed(ours) == observed(theirs)
    assert [f.name for f in dataclasses.fields(ours)] == [f.name for f in dataclasses.fields(theirs)]
    assert dataclasses.is_dataclass(ours)


@pytest.mark.parametrize(("name", "args", "kwargs"), CALLS)
def test_equality_and_hash_are_the_dataclass_s(name, args, kwargs, ours_made):
    """Each pair of calls to the class: equal for one exactly when equal for the other; hashes the same numbers."""
    for other_name, other_args, other_kwargs in CALLS:
        if other_name != name:
            continue
        ours, theirs = both(ours_made, name, args, kwargs)
        ours2, theirs2 = both(ours_made, other_name, other_args, other_kwargs)
        assert (ours == ours2) == (theirs == theirs2)
        assert (ours != ours2) == (theirs != theirs2)
    ours, theirs = both(ours_made, name, args, kwargs)
    try:
        expected: object = hash(theirs)
    except TypeError as e:  # a list among the hashed fields
        expected = str(e)
        with pytest.raises(TypeError, match=str(e)):
            hash(ours)
    else:
        assert hash(ours) == expected
    assert ours != theirs and (ours == 1) is False  # another class, another type: never equal


@pytest.mark.parametrize(("name", "args", "kwargs"), CALLS)
def test_every_field_is_immutable_with_the_dataclass_s_error(name, args, kwargs, ours_made):
    ours, theirs = both(ours_made, name, args, kwargs)
    for attr in [f.name for f in dataclasses.fields(theirs)]:
        for act in (lambda x, attr=attr: setattr(x, attr, 1), lambda x, attr=attr: delattr(x, attr)):
            with pytest.raises(FrozenInstanceError) as expected:
                act(theirs)
            with pytest.raises(FrozenInstanceError) as got:
                act(ours)
            assert str(got.value) == str(expected.value)
    # A name that is no field: refused by both (Python 3.11's compiled __setattr__ fails with a TypeError from
    # super(), a bug of slots=True; frozen says FrozenInstanceError, as for a field).
    for act in (lambda x: setattr(x, "not_a_field", 1), lambda x: delattr(x, "not_a_field")):
        for x in (ours, theirs):
            with pytest.raises((AttributeError, TypeError)):
                act(x)
    if ours_made is DECORATED["frozen"]:  # frozen's own __setattr__ (frozen_per_row's is dataclass's)
        with pytest.raises(FrozenInstanceError, match="cannot assign to field 'not_a_field'"):
            ours.not_a_field = 1
    assert not hasattr(ours, "__dict__") and not hasattr(theirs, "__dict__")


@pytest.mark.parametrize(("name", "args", "kwargs"), CALLS)
def test_replace_pickle_and_copy_give_equal_instances(name, args, kwargs, ours_made):
    ours, theirs = both(ours_made, name, args, kwargs)
    for x in (ours, theirs):
        for again in (dataclasses.replace(x), copy.copy(x), copy.deepcopy(x)):
            assert type(again) is type(x)
            assert observed(again) == observed(x)


@frozen
class Pickled:
    """A class pickle can find by name (shapes' classes are local)."""

    a: int
    b: tuple[str, ...] = ()
    c: dict[str, int] = field(default_factory=dict)


@frozen_per_row
class PickledPerRow:
    """The same, made by frozen_per_row."""

    a: int
    b: tuple[str, ...] = ()
    c: dict[str, int] = field(default_factory=dict)


@pytest.mark.parametrize("made", [Pickled, PickledPerRow])
def test_an_instance_pickles_and_unpickles_equal(made):
    x = made(1, ("y",), {"k": 2})
    again = pickle.loads(pickle.dumps(x))
    assert type(again) is made and again == x and repr(again) == repr(x)
    assert (again.a, again.b, again.c) == (1, ("y",), {"k": 2})


def test_replace_changes_a_field_as_for_a_dataclass(ours_made):
    ours, theirs = both(ours_made, "KwOnly", ("f", 1), {"code": "a.b"})
    assert observed(dataclasses.replace(ours, line=4)) == observed(dataclasses.replace(theirs, line=4))
    for x in (ours, theirs):
        with pytest.raises(ValueError, match="negative line"):  # __post_init__ runs again
            dataclasses.replace(x, line=-1)


@pytest.mark.parametrize("name", sorted(THEIRS))
def test_the_class_is_described_as_the_dataclass_is(name, ours_made):
    ours, theirs = ours_made[name], THEIRS[name]
    assert ours.__doc__ == theirs.__doc__
    assert str(inspect.signature(ours)) == str(inspect.signature(theirs))
    assert ours.__match_args__ == theirs.__match_args__
    assert ours.__slots__ == theirs.__slots__
    assert ours.__qualname__ == theirs.__qualname__
    for method in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__"):
        assert getattr(ours, method).__qualname__ == getattr(theirs, method).__qualname__
    ours_params, theirs_params = ours.__dataclass_params__, theirs.__dataclass_params__
    for param in ("init", "repr", "eq", "order", "unsafe_hash", "frozen"):
        assert getattr(ours_params, param) == getattr(theirs_params, param)


def test_the_docstring_made_for_a_class_without_one_names_the_fields(ours_made):
    """A control: the doc compared above is the dataclass's signature text, not an empty one on both sides."""
    assert (
        ours_made["NoDoc"].__doc__
        == "NoDoc(name: 'str', values: 'dict[str, int]' = <factory>, at: 'float | None' = None)"
    )


def test_a_default_factory_makes_a_new_value_for_each_instance(ours_made):
    a, b = ours_made["NoDoc"]("a"), ours_made["NoDoc"]("b")
    assert a.values == {} and a.values is not b.values


def test_post_init_runs_after_every_field_is_set(ours_made):
    with pytest.raises(ValueError, match="negative line"):
        ours_made["KwOnly"]("f", -1, code="a.b")


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((), {}),  # a required field missing
        (("f",), {}),  # the kw_only field missing
        (("f", 1, "a.b"), {}),  # the kw_only field given by position
        (("f",), {"code": "a.b", "extra": 1}),  # an unknown keyword
        (("f",), {"file": "g", "code": "a.b"}),  # a field given twice
    ],
)
def test_a_wrong_call_is_a_type_error_as_for_the_dataclass(args, kwargs, ours_made):
    with pytest.raises(TypeError):
        THEIRS["KwOnly"](*args, **kwargs)
    with pytest.raises(TypeError):
        ours_made["KwOnly"](*args, **kwargs)


def test_an_instance_inside_itself_prints_as_dots(ours_made):
    ours, theirs = ours_made["One"]([]), THEIRS["One"]([])
    ours.only.append(ours)
    theirs.only.append(theirs)
    assert repr(ours) == repr(theirs) == "shapes.<locals>.One(only=[...])"


def test_a_dataclass_may_inherit_from_a_frozen_class(ours_made):
    @dataclass(frozen=True)
    class More(ours_made["Plain"]):  # type: ignore[misc]
        d: int = 0

    assert More(1, d=2).d == 2
    with pytest.raises(TypeError, match="cannot inherit non-frozen dataclass from a frozen one"):
        dataclass(type("Thawed", (ours_made["Plain"],), {"__annotations__": {"e": "int"}, "e": 0}))


@pytest.mark.parametrize(
    "body",
    [
        {"__annotations__": {"a": "int"}, "a": field(default=0, init=False)},
        {"__annotations__": {"a": "dataclasses.InitVar[int]"}},
    ],
)
def test_what_frozen_cannot_make_is_refused_when_the_class_is_made(body):
    with pytest.raises(TypeError, match="need @dataclass"):
        frozen(type("Unsupported", (), dict(body)))
