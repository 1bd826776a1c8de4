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
import re
from collections.abc import Sequence
from pathlib import Path

from ..errors import KaopingError, Problem, UsageError, fail
from ..files import write_atomically
from ..frozen import frozen
from ..i18n import N_, _
from .resolve import BUNDLED, Found, exact, file_ref, find_all, is_path, named, version_key
from .schema import ruleset_schema
from .yamlsrc import MAX_BYTES, Reads, read_yaml

LOCK_NAME = "release.lock"
LOCK_HEADER = (
    "# kaoping release lock: each released version of this ruleset and the sha256 of its file.\n"
    "# A released version is never edited; make a new one with `kaoping new-version`.\n"
)


@frozen
class Release:
    version: str
    sha256: str
    date: str


def lock_path(ruleset_file: Path) -> Path:
    return ruleset_file.parent / LOCK_NAME


def read_lock(folder: Path, *, reads: Reads | None = None) -> dict[str, Release]:
    """The releases recorded in `folder`'s lock file (none if there is no lock); read once per load with `reads`."""
    if reads is not None:
        return reads.once("lock", folder / LOCK_NAME, lambda: _read_lock(folder))
    return _read_lock(folder)


def _read_lock(folder: Path) -> dict[str, Release]:
    path = folder / LOCK_NAME
    if not path.is_file():
        return {}
    releases: dict[str, Release] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{64}", parts[1]):
            raise fail(
                str(path),
                _("this line is not 'VERSION SHA256 DATE'"),
                _("restore the lock file from version control"),
                number,
                1,
                code="version.lock-malformed",
            )
        releases[parts[0]] = Release(parts[0], parts[1], parts[2])
    return releases


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, read in chunks: a huge file is hashed without being held in memory."""
    import hashlib  # a file of any size, read in chunks (engine.digest spares a small one OpenSSL's start)

    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def too_big(path: Path) -> bool:
    """Larger than any ruleset may be: it cannot hold released bytes, and is never read or hashed."""
    try:
        return path.stat().st_size > MAX_BYTES
    except OSError:
        return False


def check_unchanged(ruleset_file: Path, display: str, *, reads: Reads | None = None) -> None:
    """Refuse a released version whose file no longer has its released bytes.

    With `reads` (the load's reader) the bytes hashed are the ones the load parses, read once.
    """
    reads = reads or Reads()
    release = read_lock(ruleset_file.parent, reads=reads).get(ruleset_file.stem)
    if release is None:
        return
    now = reads.sha256(ruleset_file, display)
    if now != release.sha256:
        name = ruleset_file.parent.name
        raise KaopingError(
            [
                Problem(
                    display,
                    0,
                    0,
                    _(
                        "{name}@{version} was released on {date} and its file has changed since "
                        "(released sha256 {released}, now {now})",
                        name=name,
                        version=release.version,
                        date=release.date,
                        released=release.sha256[:12],
                        now=now[:12] or _("larger than any ruleset may be"),
                    ),
                    _(
                        "a released version is never edited: restore it (git checkout -- {display}) and make a new version: "
                        "kaoping new-version {name} <new version>",
                        display=display,
                        name=name,
                    ),
                    code="version.released-changed",
                )
            ]
        )


def status(found: Found, *, reads: Reads | None = None) -> str:
    """'released', 'released, CHANGED' (its bytes differ from the lock) or 'draft'."""
    reads = reads or Reads()
    release = read_lock(found.path.parent, reads=reads).get(found.version)
    if release is None:
        return "draft"
    return "released" if reads.sha256(found.path, str(found.path)) == release.sha256 else "released, CHANGED"


_STATUS_WORDS = {"released": N_("released"), "released, CHANGED": N_("released, CHANGED"), "draft": N_("draft")}


def status_words(value: str) -> str:
    """A `status` as a table shows it to a person (已发布, 草稿); the value itself stays the machine's word."""
    return _(_STATUS_WORDS[value]) if value in _STATUS_WORDS else value


def effective_date(path: Path, *, reads: Reads | None = None) -> str | None:
    """The `effective:` date of a ruleset file, read by the same safe YAML reader as the loader."""
    try:
        data = (reads or Reads()).source(path, str(path)).data
    except KaopingError:
        return None
    value = data.get("effective") if isinstance(data, dict) else None
    try:
        return dt.date.fromisoformat(value).isoformat() if isinstance(value, str) else None
    except ValueError:
        return None


def latest_released(versions: list[Found], *, reads: Reads | None = None) -> Found | None:
    reads = reads or Reads()
    released = [f for f in versions if status(f, reads=reads) != "draft"]
    return released[-1] if released else None


def in_effect(versions: list[Found], on: str, asked: str = "", *, reads: Reads | None = None) -> Found:
    """The released version in effect on date `on` (YYYY-MM-DD): the latest effective date not after it.

    `asked` is the option as the user gave it ("--period 2024-02"; default
    "--as-of ON"), so that a refusal names what they typed.  Two released
    versions taking effect on the same day are refused: either could be the
    one meant, and picking by version number would decide a month's ranking
    on a tie nobody chose.
    """
    asked = asked or f"--as-of {on}"
    reads = reads or Reads()
    day = parse_date(on, asked.split()[0])
    dated = [(effective_date(f.path, reads=reads), f) for f in versions if status(f, reads=reads) != "draft"]
    candidates = [(d, f) for d, f in dated if d is not None and d <= day.isoformat()]
    name = versions[0].name if versions else "?"
    if not candidates:
        known = _joined(
            [_("{version} from {day}", version=f.version, day=d) for d, f in sorted(dated, key=lambda p: p[0] or "")]
        )
        if asked.startswith("--as-of"):
            message = _("no released version of {name} was in effect on {day}", name=name, day=on)
        else:
            message = _(
                "no released version of {name} was in effect on {day} ({asked} means the month's first day)",
                name=name,
                day=on,
                asked=asked,
            )
        hint = (
            _("its released versions: {versions}", versions=known)
            if known
            else _("its released versions: none released")
        )
        raise fail(f"{name} {asked}", message, hint, code="version.none-in-effect")
    latest = max(d for d, _f in candidates)
    tied = sorted((f for d, f in candidates if d == latest), key=lambda f: version_key(f.version))
    if len(tied) > 1:
        both = ""
        for f in tied:
            ref = f"{f.name}@{f.version}"
            both = _("{before} and {after}", before=both, after=ref) if both else ref
        raise fail(
            f"{name} {asked}",
            _(
                "{both} are both released and both take effect on {latest}, so kaoping cannot tell which was in effect on {on}",
                both=both,
                latest=latest,
                on=on,
            ),
            _(
                "name the version you mean, e.g. -r {ref}; a release with the wrong date needs a new version with the right one",
                ref=f"{tied[-1].name}@{tied[-1].version}",
            ),
            code="version.same-effective-date",
        )
    return tied[0]


def parse_date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(
            what,
            _("'{text}' is not a date", text=text),
            _("write it as YYYY-MM-DD, e.g. 2024-03-15"),
            code="version.not-a-date",
        ) from None


@frozen
class NewVersion:
    """What new-version wrote, and the two things it chose that the user should hear."""

    path: Path
    base: Found  # the version it copied
    base_why: str  # "the latest version" or "--from"
    effective: str  # YYYY-MM-DD written into the draft
    effective_why: str  # "from its version 2025.01" or "--effective"
    # with `copy_to`: every file written, with what it is (the copied version, its lock entry, its cases, the draft)
    written: tuple[tuple[Path, str], ...] = ()
    # the shipped rulesets' folder, when the user's own rulesets folder had no such ruleset and it was copied from there
    copied_from: Path | None = None


def new_version(
    root: Path, name: str, version: str, effective: str | None, source: str | None, copy_to: Path | None = None
) -> NewVersion:
    """Copy the latest (or the `source`) version of `name` into a new draft file.

    Its `effective` date is --effective, else read from a YYYY.MM version;
    any other version needs --effective: a made-up date (today) would decide
    which months the draft scores once it is released.

    With `copy_to` (a rulesets folder; `root` is then one kaoping does not write
    into, the shipped rulesets), the version it starts from is first copied
    into `copy_to/<name>/` byte for byte, with its release.lock entry and the
    golden-case files its tests name, and the draft is written beside it: the
    released history stays next to the draft, and a bare name still finds the
    released version there. Every refusal comes before anything is written.

    A rulesets folder of the user's own that has no `name` yet starts it from
    the shipped rulesets the same way (copy_to is then `root`, and
    `copied_from` says so): kaoping ships the ruleset, so it is known.
    """
    base, copy_to, copied_from = _starting_point(root, name, version, source, copy_to)
    target = (base.path.parent if copy_to is None else copy_to / name) / f"{version}.yaml"
    if target.exists():
        raise fail(
            str(target),
            _("that version exists already"),
            _("choose another version number"),
            code="version.exists",
        )
    day, why = _effective(name, version, effective)
    written: list[tuple[Path, str]] = []
    if copy_to is not None:
        base = _copy_version(base, copy_to / name, written)
    text = base.path.read_text(encoding="utf-8")
    text = _set_top_level(text, "version", f'"{version}"')
    text = _set_top_level(text, "effective", f'"{day.isoformat()}"')
    text = _own_expected_files(text, base.path.parent, version, written)
    write_atomically(target, text)
    written.append((target, _("the draft")))
    return NewVersion(
        target,
        base,
        _("the latest version") if source is None else "--from",
        day.isoformat(),
        why,
        tuple(written) if copy_to is not None else (),
        copied_from,
    )


def _starting_point(
    root: Path, name: str, version: str, source: str | None, copy_to: Path | None
) -> tuple[Found, Path | None, Path | None]:
    """The version new-version copies, where the draft's folder goes (copy_to), and the shipped rulesets'
    folder when the base comes from there; or the refusal: a bad number, no such ruleset or --from version."""
    if not re.fullmatch(ruleset_schema()["properties"]["version"]["pattern"].strip("^$"), version):
        raise fail(
            version,
            _("'{version}' is not a valid version", version=version),
            _('use letters, digits, . and -, e.g. "2025.01"'),
            code="version.invalid",
        )
    versions, copy_to, copied_from = _versions_of(root, name, copy_to)
    if not versions:
        raise fail(
            name,
            _("no ruleset named '{name}' under {root}/", name=name, root=root),
            _("kaoping list shows the rulesets there are"),
            code="find.no-such-ruleset",
        )
    _refuse_same_number(name, version, versions)
    base = versions[-1] if source is None else next((f for f in versions if f.version == source), None)
    if base is None:
        raise fail(
            f"--from {source}",
            _("{name} has no version '{source}'", name=name, source=source),
            _("its versions are: {versions}", versions=_joined([f.version for f in versions])),
            code="find.no-such-version",
        )
    return base, copy_to, copied_from


def _versions_of(root: Path, name: str, copy_to: Path | None) -> tuple[list[Found], Path | None, Path | None]:
    """The versions of `name` new-version starts from, where the draft's folder goes, and the shipped rulesets'
    folder when they come from there because `root` (a folder of the user's own) has no `name` yet."""
    versions = [f for f in find_all(root) if f.name == name]
    if versions or copy_to is not None or (root / name).exists() or _same_folder(root, BUNDLED):
        return versions, copy_to, None
    shipped = [f for f in find_all(BUNDLED) if f.name == name]
    return (shipped, root, BUNDLED) if shipped else (versions, copy_to, None)


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _copy_version(base: Found, folder: Path, written: list[tuple[Path, str]]) -> Found:
    """Copy `base` into `folder` byte for byte, with its release.lock entry and the case files its tests name.

    A released version whose bytes changed is refused first (check_unchanged):
    a copy must carry the released bytes, or its lock entry would lie.
    """
    check_unchanged(base.path, str(base.path))
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / base.path.name
    write_atomically(copy, base.path.read_bytes())
    written.append((copy, _("{ref}, byte for byte", ref=f"{base.name}@{base.version}")))
    release = read_lock(base.path.parent).get(base.version)
    if release is not None:
        write_atomically(folder / LOCK_NAME, f"{LOCK_HEADER}{release.version} {release.sha256} {release.date}\n")
        written.append((folder / LOCK_NAME, _("its release ({date})", date=release.date)))
    for case in _case_files(base.path):
        (folder / case).parent.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / case, (base.path.parent / case).read_bytes())
        written.append((folder / case, _("a file its golden cases name")))
    return Found(base.name, base.version, copy)


def _case_files(path: Path) -> list[Path]:
    """The input and expected files a ruleset's `tests:` name, inside its folder (each once, as written)."""
    data = read_yaml(path, str(path)).data
    tests = data.get("tests") if isinstance(data, dict) else None
    names: list[Path] = []
    for case in tests if isinstance(tests, list) else []:
        for key in ("input", "expect"):
            value = case.get(key) if isinstance(case, dict) else None
            if not isinstance(value, str):
                continue
            name = Path(value)
            if name.is_absolute() or ".." in name.parts or not (path.parent / name).is_file() or name in names:
                continue
            names.append(name)
    return names


def _refuse_same_number(name: str, version: str, versions: Sequence[Found]) -> None:
    """A version written differently from an existing one but the same number (2024.2 beside 2024.02).

    kaoping orders and matches versions by number (version_key), so the two
    could not be told apart: which one a date picks, or whether a file is an
    edited copy of a release, would depend on how a number happened to be typed.
    """
    same = [f for f in versions if f.version != version and version_key(f.version) == version_key(version)]
    if same:
        raise fail(
            f"{name}@{version}",
            _(
                "'{version}' is the same version number as the existing {name}@{existing} ({path})",
                version=version,
                name=name,
                existing=same[0].version,
                path=same[0].path,
            ),
            _(
                "choose a number no version has yet; versions compare part by part as numbers, so {version} and {existing} are one version",
                version=version,
                existing=same[0].version,
            ),
            code="version.same-number",
        )


def _effective(name: str, version: str, effective: str | None) -> tuple[dt.date, str]:
    """The draft's effective date and where it came from; a version that is not a month needs --effective."""
    if effective:
        return parse_date(effective, "--effective"), "--effective"
    day = month_of_version(version)
    if day is None:
        raise UsageError(
            _(
                "'{version}' does not read as a month (YYYY.MM), so kaoping cannot know when it takes effect: "
                "give --effective YYYY-MM-DD, e.g. kaoping new-version {name} {version} --effective 2025-01-01",
                version=version,
                name=name,
            ),
            code="cli.effective-needed",
        )
    return day, _("from its version {version}", version=version)


def _own_expected_files(text: str, folder: Path, version: str, written: list[tuple[Path, str]]) -> str:
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
        written.append((folder / new, _("the draft's own copy of a case's expected table")))
        return f"{m.group(1)}{new.as_posix()}"

    return re.sub(r"^(\s*expect:\s*)(\S+)\s*$", copy, text, flags=re.M)


def month_of_version(version: str) -> dt.date | None:
    """2025.01 (or 2025-01) -> 2025-01-01; a version that does not read as a month -> None."""
    m = re.fullmatch(r"(\d{4})[.-](\d{1,2})", version)
    if m and 1 <= int(m.group(2)) <= 12:
        return dt.date(int(m.group(1)), int(m.group(2)), 1)
    return None


def _set_top_level(text: str, key: str, value: str) -> str:
    """Replace a top-level `key: value` line, keeping every other byte (and comment) of the file."""
    pattern = re.compile(rf"^{key}:.*$", re.M)
    if not pattern.search(text):
        return text
    return pattern.sub(lambda _m: f"{key}: {value}", text, count=1)


def release(found: Found) -> Release:
    """Record `found` in its folder's lock file (the caller has validated and tested it)."""
    releases = read_lock(found.path.parent)
    if found.version in releases:
        check_unchanged(found.path, str(found.path))
        raise fail(
            str(found.path),
            _("{ref} is released already", ref=f"{found.name}@{found.version}"),
            _("nothing to do"),
            code="version.already-released",
        )
    same = [v for v in releases if version_key(v) == version_key(found.version)]
    if same:
        raise fail(
            str(found.path),
            _(
                "{ref} is released already, and {version} is the same version number",
                ref=f"{found.name}@{same[0]}",
                version=found.version,
            ),
            _(
                "give this draft a number of its own: kaoping new-version {name} <new version> --from {version}",
                name=found.name,
                version=found.version,
            ),
            code="version.same-number",
        )
    entry = Release(found.version, file_sha256(found.path), dt.date.today().isoformat())
    lock = lock_path(found.path)
    body = lock.read_text(encoding="utf-8") if lock.is_file() else LOCK_HEADER
    lines = [*body.rstrip("\n").split("\n"), f"{entry.version} {entry.sha256} {entry.date}"]
    header = [line for line in lines if line.startswith("#") or not line.strip()]
    rows = sorted(
        (line for line in lines if line.strip() and not line.startswith("#")),
        key=lambda row: version_key(row.split()[0]),
    )
    write_atomically(lock, "\n".join([*header, *rows]) + "\n")
    return entry


@frozen
class Choice:
    """The file a RULESET argument means; `found` when it was named (not a path).

    `how` records how the version was chosen (model.Ruleset.chosen): "named" (name@version),
    "path", "latest-released", "latest-draft" or "in-effect"; `note` is the sentence that tells
    the user, and is empty only when the user gave the version exactly.
    """

    path: Path
    found: Found | None
    how: str
    note: str = ""


def choose(
    ref: str,
    root: Path,
    as_of: str | None = None,
    period: str | None = None,
    exact_with_date: bool = False,
    *,
    reads: Reads | None = None,
) -> Choice:
    """Resolve a RULESET argument.

    A path or name@version is taken as given (with --as-of only when
    `exact_with_date`: diff may compare an exact version with one picked by
    date).  A bare name is the released version in effect on `as_of`, else on
    the first day of `period` (so an old month is scored under the rules of
    its time), else its latest released version; with nothing released yet,
    its latest draft.  Whenever kaoping picks, the note says which and why.
    With `reads` (the load's reader), what choosing reads is not read again by the load.
    """
    if is_path(ref) or "@" in ref:
        if as_of and not exact_with_date:
            raise UsageError(
                _(
                    "--as-of picks a version by date, so give the ruleset by name alone, e.g. -r {name} --as-of {as_of}",
                    name=ref.split("@")[0],
                    as_of=as_of,
                ),
                code="cli.as-of-with-version",
            )
        if is_path(ref):
            return Choice(file_ref(ref), None, "path")
        name, _at, version = ref.partition("@")
        found = exact(named(root, name, ref), version, ref)
        return Choice(found.path, found, "named")
    reads = reads or Reads()
    versions = named(root, ref, ref)
    latest = latest_released(versions, reads=reads)
    if latest is None:
        return _latest_draft(ref, versions, as_of, reads)
    if as_of or period:
        day = as_of or f"{period}-01"
        why = f"--as-of {as_of}" if as_of else f"--period {period}"
        chosen = in_effect(versions, day, why, reads=reads)
        note = _("using {ref}, in effect on {day} ({why})", ref=f"{chosen.name}@{chosen.version}", day=day, why=why)
        return Choice(chosen.path, chosen, "in-effect", note)
    newer = [f.version for f in versions if version_key(f.version) > version_key(latest.version)]
    if newer:
        note = _(
            "using {ref}, the latest released; not the draft {drafts} (name it as {draft}); "
            "give --period or --as-of for the version in effect then",
            ref=f"{ref}@{latest.version}",
            drafts=_joined(newer),
            draft=f"{ref}@{newer[-1]}",
        )
    else:
        note = _(
            "using {ref}, the latest released; give --period or --as-of for the version in effect then",
            ref=f"{ref}@{latest.version}",
        )
    return Choice(latest.path, latest, "latest-released", note)


def _latest_draft(ref: str, versions: list[Found], as_of: str | None, reads: Reads) -> Choice:
    """Nothing is released yet: the latest draft (with --as-of, nothing can have been in effect)."""
    if as_of:
        in_effect(versions, as_of, f"--as-of {as_of}", reads=reads)  # raises: no released version was in effect then
    draft = versions[-1]
    note = _("{ref} has no released version yet; using the latest draft, {version}", ref=ref, version=draft.version)
    return Choice(draft.path, draft, "latest-draft", note)


def not_in_effect(
    ref: str, effective: str, day: str, when: str, versions: Sequence[Found] = (), *, reads: Reads | None = None
) -> str:
    """Why a version the user named exactly does not apply on `day` ("" when it does).

    `when` says where the day came from ("the period 2024-02", "--as-of
    2024-02-15"); `versions` are its ruleset's versions, to tell a version
    that a later release had already replaced.
    """
    if effective > day:
        return _("{ref} takes effect on {effective}, after {when}", ref=ref, effective=effective, when=when)
    reads = reads or Reads()
    released = [f for f in versions if status(f, reads=reads) != "draft"]
    replaced = [(d, f) for f in released for d in [effective_date(f.path, reads=reads)] if d and effective < d <= day]
    if replaced:
        d, f = max(replaced, key=lambda p: (p[0], version_key(p[1].version)))
        return _(
            "{ref} was replaced on {day} by {newer}, before {when}",
            ref=ref,
            day=d,
            newer=f"{f.name}@{f.version}",
            when=when,
        )
    return ""


def released_copies(
    name: str, version: str, roots: Sequence[Path], *, reads: Reads | None = None
) -> list[tuple[Path, Release]]:
    """Each release of `name@version` recorded in the lock of one of `roots` (the folders kaoping looks in),
    matched by version number: a copy saying "2024.2" claims the released 2024.02 as surely as one saying "2024.02"."""
    found = []
    for root in roots:
        for release in read_lock(root / name, reads=reads).values():
            if version_key(release.version) == version_key(version):  # 2024.2 is 2024.02: versions match by number
                found.append((root / name / LOCK_NAME, release))
    return found


def check_not_edited_copy(
    path: Path, display: str, name: str, version: str, roots: Sequence[Path], *, reads: Reads | None = None
) -> None:
    """Refuse a file that calls itself a released version but lacks its bytes, wherever the file lies.

    A copy of a released version edited elsewhere would otherwise publish
    under the released name a table the released rules never gave.
    With `reads` (the load's reader), the sha256 is that of the bytes the load parsed.
    """
    reads = reads or Reads()
    releases = released_copies(name, version, roots, reads=reads)
    if not releases:
        return
    now = reads.sha256(path, display)
    if any(release.sha256 == now for _lock, release in releases):
        return
    lock, release = releases[0]
    fields = {
        "ref": f"{name}@{version}",
        "date": release.date,
        "released": release.sha256[:12],
        "lock": lock,
        "now": now[:12],
    }
    if release.version == version:
        message = _(
            "this file says it is {ref}, but it is an edited copy of that released version "
            "(released on {date} with sha256 {released}, recorded in {lock}; this file's sha256 is {now})",
            **fields,
        )
    else:
        message = _(
            "this file says it is {ref} (the same number as the released {version}), but it is an edited copy of "
            "that released version (released on {date} with sha256 {released}, recorded in {lock}; "
            "this file's sha256 is {now})",
            version=release.version,
            **fields,
        )
    raise fail(
        display,
        message,
        _(
            "a released version is never edited: make a new version (kaoping new-version {name} <new version>) "
            'and make your changes there, or give this file a version of its own (version: "...")',
            name=name,
        ),
        code="version.edited-copy",
    )


def _joined(items: Sequence[str]) -> str:
    """Versions listed as the English says them (a, b, c); 、-separated in Chinese."""
    text = ""
    for item in items:
        text = _("{listed_before}, {listed}", listed_before=text, listed=item) if text else item
    return text
