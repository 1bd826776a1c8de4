"""The Chinese user guide (docs/使用指南.md) is accurate: each of its commands runs, and it lists every problem code.

- Every `$ kaoping ...` line of its ```console blocks is run, in the guide's order, in a temporary copy of what
  the guide works on (rulesets/ and examples/), so `new-version` and `release` write there and never into the
  repository.  Each must exit 0, except a line marked `# 出错示例` (an error shown on purpose), which must exit 1:
  a command the guide tells a user to type that fails would be a guide that lies.  Where the guide asks the user
  to edit a file by hand (the draft's weights, then its expected table), the test makes that edit at that point.
- The guide's tables of problem codes name exactly the codes of README's "Problem codes" section (its tables and
  the schema.<keyword> family its prose names), so every code the package gives (tests/test_codes.py) has its
  什么意思 and 怎么办 in Chinese, and the guide names no code the package has dropped.
"""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import ROOT, run_cli
from .test_codes import documented_codes, package_codes

GUIDE = ROOT / "docs" / "使用指南.md"
ERROR_MARK = "# 出错示例"
CONSOLE = re.compile(r"^```console\n(.*?)^```$", re.M | re.S)
CODE_ROW = re.compile(r"^\| `([a-z0-9.-]+)` \| ([^|]+) \| ([^|]+) \|$", re.M)
CJK = re.compile(r"[\u4e00-\u9fff]")
DRAFT = Path("rulesets/jintai-hotline/2025.01.yaml")
DRAFT_EXPECT = Path("rulesets/jintai-hotline/cases/2025.01/2024-02-published.csv")
WEIGHTS = (("completion", 35, 30), ("timeliness", 40, 45))  # the guide's edit of the draft: indicator, old, new


def edit_the_weights() -> None:
    """What section 5 asks the user to do to the new draft: completion's weight 35 -> 30, timeliness's 40 -> 45."""
    text = DRAFT.read_text(encoding="utf-8")
    for indicator, old, new in WEIGHTS:
        text, n = re.subn(rf"(- id: {indicator}\n(?:    .*\n)*?    weight: ){old}\n", rf"\g<1>{new}\n", text)
        assert n == 1, f"{DRAFT}: no `weight: {old}` under {indicator}"
    DRAFT.write_text(text, encoding="utf-8")


BY_HAND: dict[tuple[str, bool], Callable[[], None]] = {
    ("kaoping new-version jintai-hotline 2025.01", False): edit_the_weights,
}


def guide_text() -> str:
    return GUIDE.read_text(encoding="utf-8")


def commands(text: str) -> list[tuple[str, bool]]:
    """Each `$ kaoping ...` line of the ```console blocks, in order, and whether it is marked as an error."""
    found: list[tuple[str, bool]] = []
    for block in CONSOLE.findall(text):
        for line in block.splitlines():
            if line.startswith("$ kaoping "):
                command = line.removeprefix("$ ")
                found.append((command.removesuffix(ERROR_MARK).rstrip(), command.endswith(ERROR_MARK)))
    return found


def guide_codes(text: str) -> dict[str, tuple[str, str]]:
    """The code rows of the guide's last section: code -> (什么意思, 怎么办)."""
    section = text.split("\n## 8. 可能看到的提示和错误\n", 1)[1]
    rows = CODE_ROW.findall(section)
    table = {code: (meaning.strip(), action.strip()) for code, meaning, action in rows}
    assert len(table) == len(rows), "a code is listed twice"
    return table


def readme_codes() -> set[str]:
    """README's tables of codes, plus the schema.<keyword> codes its prose names before them."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Problem codes\n", 1)[1].split("\n## ", 1)[0]
    prose = section.split("The others:", 1)[0]
    return documented_codes() | set(re.findall(r"`(schema\.[a-z-]+)`", prose))


def test_the_guide_has_its_commands_in_console_blocks() -> None:
    found = commands(guide_text())
    assert len(found) >= 25  # the parser finds them (a broken pattern would find none and pass)
    verbs = {shlex.split(c)[1] for c, _error in found if not shlex.split(c)[1].startswith("-")}
    assert verbs >= {"list", "validate", "evaluate", "count", "explain", "diff", "new-version", "test", "release"}
    assert "combine" in verbs
    assert sum(error for _c, error in found) >= 2


def test_every_command_of_the_guide_runs_as_it_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for folder in ("rulesets", "examples"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    edited = []
    for command, is_error in commands(guide_text()):
        args = shlex.split(command)[1:]
        ran = run_cli(*args)
        expected = 1 if is_error else 0
        assert ran.code == expected, f"{command}\nexit {ran.code}, not {expected}\n{ran.err[-2000:]}"
        if (command, is_error) in BY_HAND:
            BY_HAND[command, is_error]()
            edited.append(command)
    assert edited == [c for c, _error in BY_HAND]  # each edit the guide asks for was made, once, in its order
    # new-version and release wrote into the copy, not the repository
    assert (tmp_path / "rulesets" / "jintai-hotline" / "2025.01.yaml").is_file()
    assert not (ROOT / "rulesets" / "jintai-hotline" / "2025.01.yaml").exists()
    assert "2025.01 " in (tmp_path / "rulesets" / "jintai-hotline" / "release.lock").read_text(encoding="utf-8")
    # `kaoping test --update` rewrote the draft's expected table: 区人力资源和社会保障局 stays first, its total by
    # hand from the seed's inputs under the guide's weights (completion 30, timeliness 45): 30 + 44.87 + ... = 99.87
    expected = (tmp_path / DRAFT_EXPECT).read_text(encoding="utf-8").splitlines()
    assert expected[1].startswith("1,区人力资源和社会保障局,30.00,44.87,") and expected[1].endswith(",99.87")


def test_the_guide_asks_for_the_edits_the_test_makes() -> None:
    text = guide_text()
    for indicator, old, new in WEIGHTS:
        assert f"`{indicator}` 下面的 `weight: {old}` 改成 `weight: {new}`" in text
    assert f"`{DRAFT_EXPECT.as_posix()}`" in text and "`rank`" in text and "`department`" in text


def test_an_error_example_that_succeeds_fails_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The marker is read: a command marked as an error is expected to exit 1, an unmarked one 0."""
    text = "```console\n$ kaoping list  # 出错示例\n$ kaoping validate no-such.yaml\n```\n"
    assert commands(text) == [("kaoping list", True), ("kaoping validate no-such.yaml", False)]
    monkeypatch.chdir(tmp_path)
    assert run_cli("list").code == 0 and run_cli("validate", "no-such.yaml").code == 1


def test_the_guide_lists_every_problem_code_with_what_it_means_and_what_to_do() -> None:
    listed = guide_codes(guide_text())
    assert len(listed) > 200
    assert set(listed) == readme_codes()
    used = package_codes()
    assert used - set(listed) == set()
    assert set(listed) - used <= {c for c in readme_codes() if c.startswith("schema.")}
    for code, (meaning, action) in listed.items():
        assert CJK.search(meaning) and CJK.search(action), f"{code}: 什么意思 and 怎么办 are said in Chinese"
