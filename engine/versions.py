"""Ruleset versions: drafts, releases, and which version was in effect when.

Each ruleset folder may hold a lock file, `release.lock`, one line per
released version with the sha256 of its file's bytes.  A released version is
immutable: if its bytes change, loading it fails and says how to make a new
version instead, so a month published under it can always be re-derived.
Versions not in the lock are drafts.  A bare name means the latest released
version; `--as-of DATE` means the released version in effect on that date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import KaopingError, Problem, UsageError, fail
from .files import write_atomically
from .resolve import Found, exact, file_ref, find_all, is_path, named, version_key
from .schema import ruleset_schema
from .yamlsrc import read_yaml

LOCK_NAME = "release.lock"
LOCK_HEADER = (
    "# kaoping release lock: each released version of this ruleset and the sha256 of its file.\n"
    "# A released version is never edited; make a new one with `kaoping new-version`.\n"
)


@dataclass(frozen=True, slots=True)
class Release:
    version: str
    sha256: str
    date: str


def lock_path(ruleset_file: Path) -> Path:
    return ruleset_file.parent / LOCK_NAME


def read_lock(folder: Path) -> dict[str, Release]:
    """The releases recorded in `folder`'s lock file (none if there is no lock)."""
    path = folder / LOCK_NAME
    if not path.is_file():
        return {}
    releases: dict[str, Release] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{64}", parts[1]):
            raise fail(str(path), "this line is not 'VERSION SHA256 DATE'", "restore the lock file from version control", number, 1)
        releases[parts[0]] = Release(parts[0], parts[1], parts[2])
    return releases


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_unchanged(ruleset_file: Path, display: str) -> None:
    """Refuse a released version whose file no longer has its released bytes."""
    release = read_lock(ruleset_file.parent).get(ruleset_file.stem)
    if release is None:
        return
    now = file_sha256(ruleset_file)
    if now != release.sha256:
        name = ruleset_file.parent.name
        raise KaopingError([Problem(
            display, 0, 0,
            f"{name}@{release.version} was released on {release.date} and its file has changed since "
            f"(released sha256 {release.sha256[:12]}, now {now[:12]})",
            f"a released version is never edited: restore it (git checkout -- {display}) and make a new version: "
            f"kaoping new-version {name} <new version>",
        )])


def status(found: Found) -> str:
    """'released', 'released, CHANGED' (its bytes differ from the lock) or 'draft'."""
    release = read_lock(found.path.parent).get(found.version)
    if release is None:
        return "draft"
    return "released" if file_sha256(found.path) == release.sha256 else "released, CHANGED"


def effective_date(path: Path) -> str | None:
    """The `effective:` date of a ruleset file, read by the same safe YAML reader as the loader."""
    try:
        data = read_yaml(path, str(path)).data
    except KaopingError:
        return None
    value = data.get("effective") if isinstance(data, dict) else None
    try:
        return dt.date.fromisoformat(value).isoformat() if isinstance(value, str) else None
    except ValueError:
        return None


def latest_released(versions: list[Found]) -> Found | None:
    released = [f for f in versions if status(f) != "draft"]
    return released[-1] if released else None


def in_effect(versions: list[Found], on: str) -> Found:
    """The released version in effect on date `on` (YYYY-MM-DD): the latest effective date not after it."""
    day = parse_date(on, "--as-of")
    dated = [(effective_date(f.path), f) for f in versions if status(f) != "draft"]
    candidates = [(d, f) for d, f in dated if d is not None and d <= day.isoformat()]
    name = versions[0].name if versions else "?"
    if not candidates:
        known = ", ".join(f"{f.version} from {d}" for d, f in sorted(dated, key=lambda p: p[0] or "")) or "none released"
        raise fail(f"{name} --as-of {on}", f"no released version of {name} was in effect on {on}", f"its released versions: {known}")
    return max(candidates, key=lambda p: (p[0], version_key(p[1].version)))[1]


def parse_date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(what, f"'{text}' is not a date", "write it as YYYY-MM-DD, e.g. 2024-03-15") from None


def new_version(root: Path, name: str, version: str, effective: str | None, source: str | None) -> Path:
    """Copy the latest (or the `source`) version of `name` into a new draft file."""
    if not re.fullmatch(ruleset_schema()["properties"]["version"]["pattern"].strip("^$"), version):
        raise fail(version, f"'{version}' is not a valid version", 'use letters, digits, . and -, e.g. "2025.01"')
    versions = [f for f in find_all(root) if f.name == name]
    if not versions:
        raise fail(name, f"no ruleset named '{name}' under {root}/", "kaoping list shows the rulesets there are")
    base = versions[-1] if source is None else next((f for f in versions if f.version == source), None)
    if base is None:
        raise fail(f"--from {source}", f"{name} has no version '{source}'", f"its versions are: {', '.join(f.version for f in versions)}")
    target = base.path.parent / f"{version}.yaml"
    if target.exists():
        raise fail(str(target), "that version exists already", "choose another version number")
    day = parse_date(effective, "--effective") if effective else _default_effective(version)
    text = base.path.read_text(encoding="utf-8")
    text = _set_top_level(text, "version", f'"{version}"')
    text = _set_top_level(text, "effective", f'"{day.isoformat()}"')
    text = _own_expected_files(text, base.path.parent, version)
    write_atomically(target, text)
    return target


def _own_expected_files(text: str, folder: Path, version: str) -> str:
    """Give the new version its own copy of each golden case's expected table (cases/<version>/...).

    A policy change usually changes the table: editing the copy must not break
    the released parent's case.  Inputs are data and stay shared.
    """
    def copy(m: re.Match[str]) -> str:
        old = m.group(2).strip("\"'")
        source = folder / old
        if ".." in Path(old).parts or not source.is_file():
            return m.group(0)
        new = Path("cases") / version / Path(old).name
        (folder / new).parent.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / new, source.read_bytes())
        return f"{m.group(1)}{new.as_posix()}"

    return re.sub(r"^(\s*expect:\s*)(\S+)\s*$", copy, text, flags=re.M)


def _default_effective(version: str) -> dt.date:
    """2025.01 -> 2025-01-01; anything else -> today."""
    m = re.fullmatch(r"(\d{4})[.-](\d{1,2})", version)
    if m and 1 <= int(m.group(2)) <= 12:
        return dt.date(int(m.group(1)), int(m.group(2)), 1)
    return dt.date.today()


def _set_top_level(text: str, key: str, value: str) -> str:
    """Replace a top-level `key: value` line, keeping every other byte (and comment) of the file."""
    pattern = re.compile(rf"^{key}:.*$", re.M)
    if not pattern.search(text):
        return text
    return pattern.sub(lambda _: f"{key}: {value}", text, count=1)


def release(found: Found) -> Release:
    """Record `found` in its folder's lock file (the caller has validated and tested it)."""
    releases = read_lock(found.path.parent)
    if found.version in releases:
        check_unchanged(found.path, str(found.path))
        raise fail(str(found.path), f"{found.name}@{found.version} is released already", "nothing to do")
    entry = Release(found.version, file_sha256(found.path), dt.date.today().isoformat())
    lock = lock_path(found.path)
    body = lock.read_text(encoding="utf-8") if lock.is_file() else LOCK_HEADER
    lines = [*body.rstrip("\n").split("\n"), f"{entry.version} {entry.sha256} {entry.date}"]
    header = [line for line in lines if line.startswith("#") or not line.strip()]
    rows = sorted((line for line in lines if line.strip() and not line.startswith("#")), key=lambda l: version_key(l.split()[0]))
    write_atomically(lock, "\n".join([*header, *rows]) + "\n")
    return entry


@dataclass(frozen=True, slots=True)
class Choice:
    """The file a RULESET argument means; `found` when it was named (not a path); a note for the user."""

    path: Path
    found: Found | None
    note: str = ""


def choose(ref: str, root: Path, as_of: str | None = None, period: str | None = None) -> Choice:
    """Resolve a RULESET argument.

    A path or name@version is taken as given.  A bare name is the released
    version in effect on `as_of`, else on the first day of `period` (so an
    old month is scored under the rules of its time), else its latest
    released version; with nothing released yet, its latest draft.
    """
    if is_path(ref) or "@" in ref:
        if as_of:
            raise UsageError(f"--as-of picks a version by date, so give the ruleset by name alone, e.g. -r {ref.split('@')[0]} --as-of {as_of}")
        if is_path(ref):
            return Choice(file_ref(ref), None)
        name, _, version = ref.partition("@")
        found = exact(named(root, name, ref), version, ref)
        return Choice(found.path, found)
    versions = named(root, ref, ref)
    day = as_of or (f"{period}-01" if period else None)
    if day and latest_released(versions) is None and not as_of:
        draft = versions[-1]
        return Choice(draft.path, draft, f"{ref} has no released version yet; using the latest draft, {draft.version}")
    if day:
        chosen = in_effect(versions, day)
        why = f"--as-of {as_of}" if as_of else f"--period {period}"
        return Choice(chosen.path, chosen, f"using {chosen.name}@{chosen.version}, in effect on {day} ({why})")
    latest = latest_released(versions)
    if latest is None:
        draft = versions[-1]
        return Choice(draft.path, draft, f"{ref} has no released version yet; using the latest draft, {draft.version}")
    newer = [f.version for f in versions if version_key(f.version) > version_key(latest.version)]
    note = f"using {ref}@{latest.version}, the latest released; not the draft {', '.join(newer)} (name it as {ref}@{newer[-1]})" if newer else ""
    return Choice(latest.path, latest, note)
