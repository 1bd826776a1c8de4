"""`@frozen`: a frozen, slotted dataclass made without compiling code.

`@dataclass(frozen=True, slots=True)` writes six methods of each class as
source text and compiles them (`__init__`, `__repr__`, `__eq__`, `__hash__`,
`__setattr__`, `__delattr__`): some 0.4 ms a class, and the seed's
`kaoping evaluate` defines some fifty classes before its first result:
20 ms, 170 M instructions, of a cold start whose import floor is 0.1 s
(benchmarks/bench.py).  `frozen` makes the same class from methods that
read the class's fields at call time: dataclasses' own bookkeeping (its
`__dataclass_fields__`, so `fields`, `replace`, `asdict` and `is_dataclass`
work, and a subclass may be a dataclass), `__slots__` and `__match_args__`
as dataclasses make them; instances immutable, equal, hashed and printed
exactly as a frozen dataclass's (tests/test_frozen.py compares the two).

The shared `__init__` costs more per call (some 0.1 µs a field), so a class
made once per row or unit of a large table is made by `frozen_per_row`: its
`__init__` (and `__setattr__`, `__delattr__`) compiled by dataclass, as
before, its `__repr__`, `__eq__` and `__hash__` shared (half the cost of
`@dataclass` at import).  Not supported by `frozen` (refused when
decorating): `InitVar` and `field(init=False)`.
"""

from __future__ import annotations

import dataclasses
import inspect
from _thread import get_ident
from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: object) -> Callable[[Any], Any]:
        return lambda decorator: decorator


_C = TypeVar("_C", bound=type)

__all__ = ["frozen", "frozen_per_row"]


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def frozen(cls: _C) -> _C:
    """`cls` as `@dataclass(frozen=True, slots=True)` makes it, its methods shared rather than compiled."""
    return cast(_C, _made(cls))


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def frozen_per_row(cls: _C) -> _C:
    """`frozen` with dataclass's own compiled `__init__`: for a class made once per row of a large table."""
    made: type[Any] = dataclasses.dataclass(cls, repr=False, eq=False, frozen=True, slots=True)
    params = made.__dataclass_params__
    params.repr = params.eq = True
    fields = dataclasses.fields(made)
    _share_comparisons(cls, made, fields)
    return cast(_C, made)


def _made(cls: type[Any]) -> type[Any]:
    undocumented = not cls.__doc__
    if undocumented:  # else dataclass documents it from inspect.signature, before the class has its __init__
        cls.__doc__ = "(documented below)"
    made = dataclasses.dataclass(cls, init=False, repr=False, eq=False, slots=True)
    fields = dataclasses.fields(made)
    if any(not f.init for f in fields) or any(_is_initvar(f) for f in made.__dataclass_fields__.values()):
        raise TypeError(f"@frozen {cls.__qualname__}: InitVar and field(init=False) need @dataclass")
    params = made.__dataclass_params__  # what dataclass(frozen=True) records: a dataclass may inherit from it
    params.init = params.repr = params.eq = params.frozen = True
    names = tuple(f.name for f in fields)
    methods: dict[str, Callable[..., Any]] = {
        "__init__": _init(made, fields),
        "__setattr__": _setattr(made, names),
        "__delattr__": _delattr(made, names),
        "__getstate__": _getstate(_values(names)),
        "__setstate__": _setstate(names),
    }
    for name, method in methods.items():
        if name in ("__setattr__", "__delattr__") and name in cls.__dict__:
            raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
        if name not in cls.__dict__:
            _install(made, name, method)
    _share_comparisons(cls, made, fields)
    if undocumented:  # as dataclass documents it: the name and the signature
        made.__doc__ = made.__name__ + str(_signature(fields))
    made.__signature__ = _LazySignature()
    return made


def _share_comparisons(cls: type[Any], made: type[Any], fields: tuple[Field[Any], ...]) -> None:
    """__repr__, __eq__ and __hash__ as dataclass(frozen=True) would compile them, unless the class has its own."""
    if "__repr__" not in cls.__dict__:
        _install(made, "__repr__", _repr(tuple(f.name for f in fields if f.repr)))
    if "__eq__" not in cls.__dict__:
        _install(made, "__eq__", _eq(_values(tuple(f.name for f in fields if f.compare))))
    if made.__dict__.get("__hash__") is None:  # None also where the class body defines __eq__ only
        hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
        _install(made, "__hash__", _hash(_values(hashed)))


def _is_initvar(f: Field[Any]) -> bool:
    """An InitVar pseudo-field (an argument of __init__ that is not a field): `frozen` makes no such __init__."""
    kind = f.type
    return kind is dataclasses.InitVar or isinstance(kind, dataclasses.InitVar) or "InitVar" in str(kind)


def _install(cls: type, name: str, method: Callable[..., Any]) -> None:
    method.__qualname__ = f"{cls.__qualname__}.{name}"
    setattr(cls, name, method)


def _values(names: tuple[str, ...]) -> Callable[[object], tuple[Any, ...]]:
    """The tuple of the named fields' values (attrgetter gives a bare value for one name)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        only = attrgetter(names[0])
        return lambda obj: (only(obj),)
    return lambda obj: ()


def _init(cls: type, fields: tuple[Field[Any], ...]) -> Callable[..., None]:
    """`__init__(self, *positional, *, kw_only)` with each field's default or default_factory, then __post_init__."""
    positional = tuple(f.name for f in fields if not f.kw_only)
    order = positional + tuple(f.name for f in fields if f.kw_only)
    defaults = {f.name: f.default for f in fields if f.default is not MISSING}
    factories = {f.name: f.default_factory for f in fields if f.default_factory is not MISSING}
    post_init = hasattr(cls, "__post_init__")
    setter = object.__setattr__
    where = f"{cls.__qualname__}.__init__()"
    every = len(order) if positional == order else -1  # a call giving every field by position, none kw_only

    def __init__(self: object, *args: Any, **kwargs: Any) -> None:
        if len(args) == every and not kwargs:
            values: Any = args
        else:
            if len(args) > len(positional):
                given = len(args) + 1
                raise TypeError(f"{where} takes {len(positional) + 1} positional arguments but {given} were given")
            values = list(args)
            for name in order[len(args) :]:
                if name in kwargs:
                    values.append(kwargs.pop(name))
                elif name in defaults:
                    values.append(defaults[name])
                elif name in factories:
                    values.append(factories[name]())
                else:
                    raise TypeError(f"{where} missing required argument: '{name}'")
            if kwargs:
                name = next(iter(kwargs))
                said = "multiple values for argument" if name in order else "an unexpected keyword argument"
                raise TypeError(f"{where} got {said} '{name}'")
        for name, value in zip(order, values, strict=False):  # as long as each other, by construction
            setter(self, name, value)
        if post_init:
            self.__post_init__()  # type: ignore[attr-defined]

    return __init__


_REPR_RUNNING: set[tuple[int, int]] = set()


def _repr(names: tuple[str, ...]) -> Callable[[object], str]:
    """`Name(a=1, b='x')`, with `...` for an instance met again inside itself, as dataclasses print them."""
    values = _values(names)

    def __repr__(self: object) -> str:
        key = id(self), get_ident()
        if key in _REPR_RUNNING:
            return "..."
        _REPR_RUNNING.add(key)
        try:
            shown = ", ".join([f"{name}={value!r}" for name, value in zip(names, values(self), strict=False)])
            return f"{self.__class__.__qualname__}({shown})"
        finally:
            _REPR_RUNNING.discard(key)

    return __repr__


def _eq(values: Callable[[object], tuple[Any, ...]]) -> Callable[[object, object], bool]:
    def __eq__(self: object, other: object) -> bool:
        if other.__class__ is self.__class__:
            return bool(values(self) == values(other))
        return NotImplemented

    return __eq__


def _hash(values: Callable[[object], tuple[Any, ...]]) -> Callable[[object], int]:
    def __hash__(self: object) -> int:
        return hash(values(self))

    return __hash__


def _setattr(cls: type, names: tuple[str, ...]) -> Callable[[object, str, object], None]:
    def __setattr__(self: object, name: str, value: object) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)  # type: ignore[arg-type]  # cls is a class, made above

    return __setattr__


def _delattr(cls: type, names: tuple[str, ...]) -> Callable[[object, str], None]:
    def __delattr__(self: object, name: str) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)  # type: ignore[arg-type]  # cls is a class, made above

    return __delattr__


def _getstate(values: Callable[[object], tuple[Any, ...]]) -> Callable[[object], list[Any]]:
    """Pickling and copying, as a slotted frozen dataclass does them (there is no __dict__ to copy)."""

    def __getstate__(self: object) -> list[Any]:
        return list(values(self))

    return __getstate__


def _setstate(names: tuple[str, ...]) -> Callable[[object, list[Any]], None]:
    def __setstate__(self: object, state: list[Any]) -> None:
        for name, value in zip(names, state, strict=False):
            object.__setattr__(self, name, value)

    return __setstate__


class _Factory:
    """How a signature shows a default_factory, as dataclasses shows it."""

    def __repr__(self) -> str:
        return "<factory>"


def _signature(fields: tuple[Field[Any], ...]) -> inspect.Signature:
    """The signature dataclass's compiled __init__ would have (less `self`), for __doc__ and inspect.signature."""
    factory, empty = _Factory(), inspect.Parameter.empty
    params = [
        inspect.Parameter(
            f.name,
            inspect.Parameter.KEYWORD_ONLY if f.kw_only else inspect.Parameter.POSITIONAL_OR_KEYWORD,
            default=f.default if f.default is not MISSING else factory if f.default_factory is not MISSING else empty,
            annotation=f.type,
        )
        for f in sorted(fields, key=lambda f: bool(f.kw_only))
    ]
    return inspect.Signature(params)


class _LazySignature:
    """`inspect.signature(cls)`: the fields' signature, made when first asked for (most classes never are)."""

    def __get__(self, instance: object, owner: type) -> inspect.Signature:
        return _signature(dataclasses.fields(owner)).replace(return_annotation=None)
