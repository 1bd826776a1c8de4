"""Finding rulesets: `rulesets/<name>/<version>.yaml`, named as a path or `name@version`.

A bare `name` means its latest version, versions being compared part by part
as numbers where they are numbers (2024.10 comes after 2024.9).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

from ..errors import did_you_mean, fail
from ..files import reason
from ..frozen import frozen
from ..i18n import _


def _shipped() -> Path:
    """The rulesets shipped with kaoping: package data (kaoping.rulesets), found through importlib.resources.

    Never a folder beside the package (in site-packages that could be anyone's `rulesets/`).
    kaoping reads them as files, so it must be installed as files (as pip does), not zipped.
    """
    where = files("kaoping.rulesets")
    if not isinstance(where, Path):
        raise RuntimeError(
            _("kaoping's shipped rulesets are not in a folder ({where}): install kaoping with pip", where=where)
        )
    return where


BUNDLED = _shipped()


def installed_package() -> Path | None:
    """The installed kaoping package's folder when the shipped rulesets are inside it (pip install .), else None.

    In a checkout (pip install -e .) the shipped rulesets are the project's own
    rulesets/ folder, which its maintainers edit and release; an installed
    package is never written to (a reinstall would lose what was written).
    """
    package = Path(str(files("kaoping"))).resolve()
    return package if BUNDLED.resolve().is_relative_to(package) else None


def in_installed_package(root: Path) -> bool:
    """Whether a rulesets folder lies inside the installed kaoping package."""
    package = installed_package()
    try:
        return package is not None and root.resolve().is_relative_to(package)
    except OSError:
        return False


@frozen
class Found:
    name: str
    version: str
    path: Path


def rulesets_dir(option: str | None) -> Path:
    """--rulesets, else $KAOPING_RULESETS, else ./rulesets, else the bundled folder."""
    return rulesets_choice(option)[0]


def rulesets_choice(option: str | None) -> tuple[Path, str]:
    """Where names are looked up, and a note when kaoping fell back to the rulesets it ships with.

    The fallback is said because a user who meant their own folder (and ran
    kaoping somewhere else) would otherwise score under the shipped examples.
    """
    if option:
        return Path(option), ""
    if os.environ.get("KAOPING_RULESETS"):
        return Path(os.environ["KAOPING_RULESETS"]), ""
    here = Path("rulesets")
    if _is_dir(here):
        return here, ""
    return (
        BUNDLED,
        _(
            "no --rulesets, $KAOPING_RULESETS or ./rulesets: looking names up in the rulesets shipped with kaoping ({folder})",
            folder=BUNDLED,
        ),
    )


def visible_roots(option: str | None) -> tuple[Path, ...]:
    """Every rulesets folder kaoping can see (the one in use, $KAOPING_RULESETS, ./rulesets, the shipped one)."""
    candidates = [
        rulesets_dir(option),
        Path(os.environ.get("KAOPING_RULESETS") or "rulesets"),
        Path("rulesets"),
        BUNDLED,
    ]
    roots: dict[str, Path] = {}
    for root in candidates:
        if _is_dir(root):
            roots.setdefault(os.path.realpath(root), root)
    return tuple(roots.values())


def _is_dir(path: Path) -> bool:
    """Path.is_dir, False for a name the system cannot take (too long, say) instead of an OSError."""
    try:
        return path.is_dir()
    except OSError:
        return False


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\-]", version))


def find_all(root: Path) -> list[Found]:
    """Every ruleset file under `root`, by name, then version."""
    if not _is_dir(root):
        return []
    found = [
        Found(d.name, f.stem, f)
        for d in sorted(root.iterdir())
        if d.is_dir()
        for f in d.iterdir()
        if f.suffix in (".yaml", ".yml") and f.is_file()
    ]
    return sorted(found, key=lambda f: (f.name, version_key(f.version)))


def is_path(ref: str) -> bool:
    return ref.endswith((".yaml", ".yml")) or "/" in ref or os.sep in ref


def file_ref(ref: str) -> Path:
    """The ruleset file a path names, or a KaopingError saying why it cannot be one (missing, a name too long...)."""
    path = Path(ref)
    try:
        found = path.is_file()
    except OSError as e:
        raise fail(
            ref,
            _("cannot open it as a ruleset file: {reason}", reason=reason(e)),
            _("give a path to a .yaml file, or name@version"),
            code="find.cannot-open",
        ) from None
    if not found:
        raise fail(
            ref,
            _("no such ruleset file"),
            _("give a path to a .yaml file, or name@version"),
            code="find.no-such-file",
        )
    return path


def named(root: Path, name: str, ref: str) -> list[Found]:
    """Every version of ruleset `name`, oldest first, or KaopingError naming what exists."""
    everything = find_all(root)
    found = [f for f in everything if f.name == name]
    if not found:
        names = sorted({f.name for f in everything})
        hint = did_you_mean(name, names) or (
            _("known rulesets: {names}", names=_listed(names))
            if names
            else _("no rulesets found under {root}/", root=root)
        )
        message = _("no ruleset named '{name}' under {root}/", name=name, root=root)
        raise fail(ref, message, hint, code="find.no-such-ruleset")
    return found


def exact(found: list[Found], version: str, ref: str) -> Found:
    for f in found:
        if f.version == version:
            return f
    versions = [f.version for f in found]
    same = [v for v in versions if version_key(v) == version_key(version)]
    if same:  # 2024.2 for 2024.02: said, not guessed, since the label printed under a table must be the file's own
        raise fail(
            ref,
            _(
                "ruleset '{name}' has no version '{version}', but has {same}, the same number written differently",
                name=found[0].name,
                version=version,
                same=same[0],
            ),
            _("name it as written: {ref}", ref=f"{found[0].name}@{same[0]}"),
            code="find.version-written-differently",
        )
    raise fail(
        ref,
        _("ruleset '{name}' has no version '{version}'", name=found[0].name, version=version),
        _("its versions are: {versions}", versions=_listed(versions)),
        code="find.no-such-version",
    )


def found_at(path: Path, roots: tuple[Path, ...]) -> Found | None:
    """The Found a path stands for when it lies in a rulesets folder as <root>/<name>/<version>.yaml, or beside
    a release.lock (a ruleset's own folder, whether or not kaoping knows its rulesets folder), else None.

    A file given by path must then pass the same check as when found by name
    (its content says that name and version): `list` and `validate` must not
    disagree about one file because it was reached two ways.
    """
    if path.suffix not in (".yaml", ".yml"):
        return None
    try:
        folder = path.resolve().parent.parent
        inside = any(_is_dir(root) and folder == root.resolve() for root in roots)
        locked = (path.parent / "release.lock").is_file()  # a ruleset's own folder, wherever its rulesets folder is
    except OSError:
        return None
    return Found(path.parent.name, path.stem, path) if inside or locked else None


def _listed(items: Sequence[str]) -> str:
    """Names or versions listed as the English says them (a, b, c); 、-separated in Chinese."""
    text = ""
    for item in items:
        text = _("{listed_before}, {listed}", listed_before=text, listed=item) if text else item
    return text
