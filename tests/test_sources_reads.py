"""Loading a ruleset reads each of its files once: bytes read once, sha256 taken from them, YAML parsed once.

Choosing a version (release lock, every version's sha256, effective dates),
the release-lock check, the load and the edited-copy check all take what one
per-load reader (yamlsrc.Reads) has read; a second load reads again.
"""

from __future__ import annotations

import builtins
import hashlib
import io
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from kaoping.errors import KaopingError
from kaoping.ruleset import yamlsrc
from kaoping.ruleset.load import load_choice, load_ruleset
from kaoping.ruleset.resolve import named, visible_roots
from kaoping.ruleset.versions import choose, not_in_effect
from kaoping.ruleset.yamlsrc import Reads

from .conftest import ROOT

NAME = "jintai-hotline"


@pytest.fixture
def rulesets(tmp_path: Path) -> Path:
    return make_rulesets(tmp_path)


def make_rulesets(tmp_path: Path) -> Path:
    """jintai-hotline with two released versions (2024.02, 2024.06) and a draft (2025.01)."""
    root = tmp_path / "rulesets"
    shutil.copytree(ROOT / "rulesets" / NAME, root / NAME)
    folder = root / NAME
    seed = (folder / "2024.02.yaml").read_text(encoding="utf-8")
    for version, effective in (("2024.06", "2024-06-01"), ("2025.01", "2025-01-01")):
        text = re.sub(r"^version: .*$", f'version: "{version}"', seed, count=1, flags=re.M)
        text = re.sub(r"^effective: .*$", f'effective: "{effective}"', text, count=1, flags=re.M)
        (folder / f"{version}.yaml").write_text(text, encoding="utf-8")
    digest = hashlib.sha256((folder / "2024.06.yaml").read_bytes()).hexdigest()
    with (folder / "release.lock").open("a", encoding="utf-8") as lock:
        lock.write(f"2024.06 {digest} 2026-11-27\n")
    return root


class Counted:
    """Every file opened (by resolved path) and every YAML text parsed (by the name it was parsed under)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.opened: Counter[str] = Counter()
        self.parsed: Counter[str] = Counter()
        real_open, real_parse = builtins.open, yamlsrc.parse_yaml

        def counting_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
            if isinstance(file, (str, os.PathLike)):
                self.opened[os.path.realpath(file)] += 1
            return real_open(file, *args, **kwargs)

        def counting_parse(text: str, display: str) -> yamlsrc.Source:
            self.parsed[os.path.realpath(display)] += 1
            return real_parse(text, display)

        monkeypatch.setattr(builtins, "open", counting_open)
        monkeypatch.setattr(io, "open", counting_open)
        monkeypatch.setattr(yamlsrc, "parse_yaml", counting_parse)

    def yaml(self) -> Counter[str]:
        return Counter({p: n for p, n in self.opened.items() if p.endswith(".yaml")})

    def locks(self) -> Counter[str]:
        return Counter({p: n for p, n in self.opened.items() if p.endswith("release.lock")})


def load_as_the_cli_does(ref: str, root: Path, as_of: str | None = None, period: str | None = None):
    """commands.load's steps (choose, load, edited-copy check, not-in-effect warning), sharing one reader."""
    reads = Reads()
    choice = choose(ref, root, as_of, period, reads=reads)
    roots = visible_roots(str(root))
    model = load_choice(choice, roots, reads=reads)
    if choice.found and choice.how == "named" and (as_of or period):
        day = as_of or f"{period}-01"
        late = not_in_effect(model.ref, model.effective, day, day, named(root, NAME, NAME), reads=reads)
        assert late == f"{NAME}@2024.02 was replaced on 2024-06-01 by {NAME}@2024.06, before {day}"
    return choice, model


@pytest.mark.parametrize(
    ("ref", "as_of", "period", "chosen"),
    [
        (NAME, None, None, "2024.06"),  # bare name: the latest released (every version's sha256 read)
        (f"{NAME}@2024.02", None, None, "2024.02"),  # name@version
        (NAME, "2024-03-15", None, "2024.02"),  # --as-of: every released version's effective date read
        (NAME, None, "2024-07", "2024.06"),  # --period
        (f"{NAME}@2024.02", None, "2024-07", "2024.02"),  # named, with a period: the not-in-effect check reads too
    ],
)
def test_each_ruleset_file_is_read_once_and_parsed_once_per_load(monkeypatch, rulesets, ref, as_of, period, chosen):
    counted = Counted(monkeypatch)
    choice, model = load_as_the_cli_does(ref, rulesets, as_of, period)
    assert model.version == chosen
    chosen_path = os.path.realpath(rulesets / NAME / f"{chosen}.yaml")
    assert counted.yaml()[chosen_path] == 1, counted.opened
    assert counted.parsed[chosen_path] == 1, counted.parsed
    assert all(n == 1 for n in counted.yaml().values()), counted.opened
    assert all(n == 1 for n in counted.parsed.values()), counted.parsed
    assert all(n == 1 for n in counted.locks().values()), counted.opened


def test_a_plain_load_by_path_reads_the_file_once(monkeypatch, rulesets):
    counted = Counted(monkeypatch)
    path = rulesets / NAME / "2024.02.yaml"
    load_ruleset(path, str(path))
    assert counted.yaml() == Counter({os.path.realpath(path): 1})
    assert counted.parsed == Counter({os.path.realpath(path): 1})


def test_a_file_edited_between_two_loads_is_read_again(rulesets):
    path = rulesets / NAME / "2025.01.yaml"  # a draft: it may be edited
    assert load_ruleset(path).title == load_ruleset(path).title
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title: .*$", "title: 另一个标题", text, count=1, flags=re.M), encoding="utf-8")
    assert load_ruleset(path).title == "另一个标题"


def test_a_released_file_edited_after_one_load_is_refused_by_the_next(rulesets):
    path = rulesets / NAME / "2024.06.yaml"
    load_as_the_cli_does(NAME, rulesets)
    path.write_bytes(path.read_bytes().replace(b"weight: 35", b"weight: 36", 1))
    with pytest.raises(KaopingError) as refused:
        load_as_the_cli_does(NAME, rulesets)
    assert refused.value.problems[0].code == "version.released-changed"


def test_one_reader_says_a_refusal_under_each_callers_name_for_the_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"schema: 1\nname: \xff\n")
    reads = Reads()
    for display in ("first", "second"):
        with pytest.raises(KaopingError) as refused:
            reads.source(bad, display)
        assert [(p.file, p.code) for p in refused.value.problems] == [(display, "yaml.not-utf8")]


def test_a_file_too_big_for_a_ruleset_has_no_sha256_and_is_never_read(monkeypatch, tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.truncate(yamlsrc.MAX_BYTES + 1)
    counted = Counted(monkeypatch)
    assert Reads().sha256(big, str(big)) == ""
    assert counted.yaml() == Counter()
