"""Keep kaoping's Chinese catalog whole: list what is untranslated, check it, compile it.

    python tools/i18n.py check            every string the code passes to _ / n_ / N_ (and argparse's own)
                                          translated, with the same placeholders; nothing left over; .mo current
    python tools/i18n.py missing [PATH..] a .po stub of the strings under PATH still untranslated, to fill in
    python tools/i18n.py build            compile the catalog (kaoping.po and any parts/*.po) to kaoping.mo
    python tools/i18n.py fold             move parts/*.po into kaoping.po, then build

The strings are found by reading the code (ast), not by running it: the
first argument of each `_(...)`, `n_(...)` (its first two) and `N_(...)`
call in engine/.  A call's keyword names must be exactly its template's
{fields}, so a misspelt field fails here, not in front of a user.
argparse's own words are read the same way from the running Python's
argparse.py, so its usage and errors speak Chinese too.

Babel (the test extra) reads and writes .po and .mo; kaoping itself reads
the .mo with the standard library's gettext.
"""

from __future__ import annotations

import argparse
import ast
import io
import string
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "engine" / "locale" / "zh_CN" / "LC_MESSAGES"
PO = LOCALE / "kaoping.po"
MO = LOCALE / "kaoping.mo"
PARTS = LOCALE / "parts"
SOURCES = ("engine",)
ARGPARSE = "argparse.py"  # the location recorded for argparse's own words


@dataclass
class Found:
    """A message id the code uses, and where."""

    msgid: str
    plural: str = ""
    places: list[str] = field(default_factory=list)
    percent: bool = False  # argparse's own words, %-formatted by argparse
    problems: list[str] = field(default_factory=list)


def fields_of(template: str) -> set[str]:
    """The {fields} of a str.format template (a ValueError if its braces are unbalanced)."""
    names = set()
    for _text, name, _spec, _conv in string.Formatter().parse(template):
        if name is not None:
            names.add(name.split(".")[0].split("[")[0])
    return names


def percent_fields(template: str) -> list[str]:
    """The %(name)s and %s conversions of a %-template, in order (argparse's words)."""
    out, i = [], 0
    while (i := template.find("%", i)) != -1:
        if template[i + 1 : i + 2] == "%":
            i += 2
            continue
        if template[i + 1 : i + 2] == "(":
            end = template.find(")", i)
            out.append(template[i : end + 2])
            i = end + 2
        else:
            out.append(template[i : i + 2])
            i += 2
    return out


# what _ may be given besides a literal: a name, item or attribute holding a string marked with N_
_MARKED = (ast.Name, ast.Subscript, ast.Attribute, ast.Call)


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def extract_file(path: Path, shown: str, percent: bool = False) -> Iterator[Found]:
    """The message ids one Python file passes to the catalog's functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names = {"_": 1, "ngettext": 2} if percent else {"_": 1, "n_": 2, "N_": 1}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names):
            continue
        where = f"{shown}:{node.lineno}"
        ids = [_literal(a) for a in node.args[: names[node.func.id]]]
        if len(ids) < names[node.func.id] or any(i is None for i in ids):
            if node.func.id == "N_":
                yield Found("", places=[where], problems=[f"{where}: N_ takes a string literal"])
            elif not percent and not all(isinstance(a, _MARKED) for a in node.args[: names[node.func.id]]):
                # an f-string, a + or a % builds its text at run time: no catalog entry can match it
                yield Found("", places=[where], problems=[f"{where}: {node.func.id}() takes a literal or a name"])
            continue  # _(name): a string marked with N_ where it was written, translated here
        found = Found(ids[0] or "", (ids[1] or "") if len(ids) > 1 else "", [where], percent)
        if not percent:
            try:
                wanted = fields_of(found.msgid) | (fields_of(found.plural) if found.plural else set())
            except ValueError as e:
                found.problems.append(f"{where}: {found.msgid!r}: {e} (write a literal brace as {{{{ or }}}})")
                wanted = set()
            given = {k.arg for k in node.keywords if k.arg is not None}
            spread = any(k.arg is None for k in node.keywords)
            if node.func.id != "N_" and not spread and given != wanted:
                found.problems.append(
                    f"{where}: {found.msgid!r} has fields {sorted(wanted)} but is given {sorted(given)}"
                )
        yield found


def extract() -> dict[str, Found]:
    """Every message id in the package and in argparse, merged by id."""
    out: dict[str, Found] = {}

    def add(f: Found) -> None:
        if f.msgid in out:
            out[f.msgid].places += f.places
            out[f.msgid].problems += f.problems
        else:
            out[f.msgid] = f

    for top in SOURCES:
        for path in sorted((ROOT / top).rglob("*.py")):
            for f in extract_file(path, path.relative_to(ROOT).as_posix()):
                add(f)
    for f in extract_file(Path(argparse.__file__), ARGPARSE, percent=True):
        add(f)
    return out


def read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale="zh_CN", domain="kaoping")


def catalog() -> Catalog:
    """kaoping.po with any parts/*.po merged in (a part's translation wins only where kaoping.po has none)."""
    main = read(PO)
    for part in sorted(PARTS.glob("*.po")) if PARTS.is_dir() else []:
        for m in read(part):
            if not m.id:
                continue
            have = main.get(m.id)
            if have is None or not have.string:
                main[m.id] = m
    return main


def compiled(cat: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, cat, use_fuzzy=False)
    return buf.getvalue()


def messages_of(mo: bytes) -> dict[object, str]:
    """What a compiled catalog says, as gettext reads it, without its header (which names Babel's version)."""
    import gettext

    read = gettext.GNUTranslations(io.BytesIO(mo))
    return {k: v for k, v in read._catalog.items() if k != ""}  # type: ignore[attr-defined]


def problems() -> list[str]:
    """What is wrong with the catalog against the code; [] when it is whole."""
    found = extract()
    cat = catalog()
    out: list[str] = []
    for f in found.values():
        out += f.problems
        if not f.msgid:
            continue
        m = cat.get(f.msgid)
        if m is None or not m.string or (isinstance(m.string, tuple) and not all(m.string)):
            out.append(f"{f.places[0]}: not translated: {f.msgid!r}")
            continue
        if m.fuzzy:
            out.append(f"{f.places[0]}: fuzzy (check it, then drop the flag): {f.msgid!r}")
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for s in strings:
            if f.percent:
                if sorted(percent_fields(s)) != sorted(percent_fields(f.msgid)):
                    out.append(f"{f.places[0]}: {s!r} has other %-fields than {f.msgid!r}")
                continue
            try:
                extra = fields_of(s) - fields_of(f.msgid) - (fields_of(f.plural) if f.plural else set())
            except ValueError as e:
                out.append(f"{f.places[0]}: the translation {s!r}: {e}")
                continue
            if extra:
                out.append(f"{f.places[0]}: the translation {s!r} has fields the English has not: {sorted(extra)}")
    for m in cat:
        if m.id and (m.id if isinstance(m.id, str) else m.id[0]) not in found:
            out.append(f"{PO.relative_to(ROOT)}: no longer used by the code (remove it): {m.id!r}")
    if not MO.exists() or messages_of(MO.read_bytes()) != messages_of(compiled(cat)):
        out.append(f"{MO.relative_to(ROOT)} is not the compiled catalog: run python tools/i18n.py build")
    return out


def missing(paths: list[str]) -> str:
    """A .po stub of the untranslated strings used under `paths` (all when none)."""
    found, cat = extract(), catalog()
    stub = Catalog(locale="zh_CN", domain="kaoping", fuzzy=False)
    for f in found.values():
        if not f.msgid or (paths and not any(p.split(":")[0].startswith(tuple(paths)) for p in f.places)):
            continue
        m = cat.get(f.msgid)
        if m is None or not m.string:
            stub.add((f.msgid, f.plural) if f.plural else f.msgid, ("", "") if f.plural else "", locations=[])
            stub[f.msgid].auto_comments = [", ".join(f.places)]
    buf = io.BytesIO()
    write_po(buf, stub, omit_header=True, width=0)
    return buf.getvalue().decode("utf-8")


def _main(argv: list[str]) -> int:
    what = argv[0] if argv else "check"
    if what == "missing":
        sys.stdout.write(missing(argv[1:]))
        return 0
    if what == "fold":
        cat = catalog()
        with PO.open("wb") as f:
            write_po(f, cat, width=0, sort_output=True, omit_header=False)
        for part in PARTS.glob("*.po"):
            part.unlink()
        what = "build"
    if what == "build":
        MO.write_bytes(compiled(catalog()))
        return 0
    if what == "check":
        found = problems()
        for p in found:
            print(p)
        print(f"{len(found)} problem(s)" if found else "the catalog is whole")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
