"""Cold start: what `kaoping evaluate -f json` imports, and what it must not.

The seed's cold start is measured in benchmarks/bench.py, never here (no timed
tests).  What is checked here is the cause of a slow start: a module the
command does not use, imported anyway.  Each run is a fresh interpreter (a
subprocess), so the modules are the ones this one command imported; the
wrapper calls kaoping.cli.main as the `kaoping` console script does and
prints sys.modules at exit.  The controls show that the check sees a module
when a command does import it, so an empty finding means something.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import ROOT, SEED_INPUT, SEED_RULESET, edited_copy

# Not for `evaluate -f json` on a month's table (32 units): the columnar core and numpy/duckdb are for tables
# of 1,000 units or more (evaluate/pipeline.py), openpyxl for .xlsx, python-docx (docx, lxml) for .docx, Rich's console, table and progress bar for
# the screen, kaoping.analysis for diff, explain, combine and the golden cases; OpenSSL's hashlib for a large
# file (engine/digest.py), the what-if stage for --set, difflib and Rich's cell widths for a mistake's message.
NOT_IMPORTED = (
    "numpy",
    "duckdb",
    "openpyxl",
    "docx",
    "lxml",
    "rich.console",
    "rich.progress",
    "rich.table",
    "kaoping.analysis",
    "kaoping.columns",
    "_hashlib",
    "kaoping.ruleset.whatif",
    "difflib",
    "rich.cells",
)

CLI = """
import io, json, sys
from kaoping.cli import main
out, err = io.StringIO(), io.StringIO()
code = main(sys.argv[1:], stdout=out, stderr=err)
print(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue(), "modules": sorted(sys.modules)}))
"""

API = """
import json, sys
import kaoping
result = kaoping.evaluate(kaoping.load("jintai-hotline@2024.02"), sys.argv[1], period="2024-02")
text = kaoping.to_json(result)
print(json.dumps({"units": len(json.loads(text)["results"]), "modules": sorted(sys.modules)}))
"""


def fresh(code: str, *args: str) -> dict[str, object]:
    """Run `code` in a new interpreter at the project's root; what it printed, as JSON."""
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(proc.stdout)
    return result


def fresh_cli(*args: str) -> dict[str, object]:
    run = fresh(CLI, *args)
    assert run["code"] == 0, run["err"]
    return run


def unwanted(modules: object) -> list[str]:
    """The modules of NOT_IMPORTED (or inside one of them) among `modules`."""
    assert isinstance(modules, list)
    return [m for m in modules if any(m == name or m.startswith(f"{name}.") for name in NOT_IMPORTED)]


def test_evaluate_json_on_the_seed_imports_none_of_what_it_does_not_use():
    run = fresh_cli("evaluate", "-r", "jintai-hotline@2024.02", str(SEED_INPUT), "-f", "json")
    assert unwanted(run["modules"]) == []
    document = json.loads(str(run["out"]))
    assert len(document["results"]) == 32  # the seed's 32 departments were scored: the command did its work


def test_evaluate_json_to_a_file_imports_none_of_them_either(tmp_path):
    out = tmp_path / "2024-02.json"
    run = fresh_cli("evaluate", "-r", "jintai-hotline@2024.02", str(SEED_INPUT), "-o", str(out))
    assert unwanted(run["modules"]) == []
    assert len(json.loads(out.read_text(encoding="utf-8"))["results"]) == 32


def test_the_python_api_loading_and_evaluating_imports_none_of_them():
    run = fresh(API, str(SEED_INPUT))
    assert run["units"] == 32
    assert unwanted(run["modules"]) == []


@pytest.mark.parametrize(
    ("args", "imported"),
    [
        (("evaluate", "-r", "jintai-hotline@2024.02", str(SEED_INPUT)), "rich.console"),  # the table on the screen
        (("list",), "rich.table"),
        (("explain", "-r", "jintai-hotline@2024.02", str(SEED_INPUT), "区林业局"), "kaoping.analysis.explain"),
        (("test", "jintai-hotline@2024.02"), "kaoping.analysis.casetests"),
        (
            (
                "evaluate",
                "-r",
                "jintai-hotline@2024.02",
                "--set",
                "timeliness.weight=40",
                str(SEED_INPUT),
                "-f",
                "json",
            ),
            "kaoping.ruleset.whatif",
        ),
    ],
)
def test_the_check_sees_a_module_a_command_does_import(args, imported):
    """Controls: commands that use what -f json does not are seen importing it, so the check above can fail."""
    assert imported in unwanted(fresh_cli(*args)["modules"])


def test_a_diff_is_still_rendered_through_the_api_when_kaoping_analysis_is_imported_on_demand():
    """kaoping.render and kaoping.diff import kaoping.analysis themselves, in a fresh interpreter too."""
    code = """
import json, sys, kaoping
old = kaoping.load("jintai-hotline@2024.02")
new = kaoping.with_overrides(old, {"timeliness.weight": 45, "completion.weight": 30})
text = kaoping.render(kaoping.diff(old, new, sys.argv[1]), "json")
explained = kaoping.render(kaoping.explain(kaoping.evaluate(old, sys.argv[1]), "区林业局"))
print(json.dumps({"diff": json.loads(text), "explained": explained}))
"""
    run = fresh(code, str(SEED_INPUT))
    diff = run["diff"]
    assert isinstance(diff, dict) and len(diff["units"]) == 32
    assert "区林业局" in str(run["explained"])


def test_a_mistake_s_message_still_imports_what_it_needs():
    """Controls for difflib and rich.cells: a misspelt ruleset name gets its did-you-mean and its caret."""
    run = fresh(CLI, "evaluate", "-r", "jintai-hotlin@2024.02", str(SEED_INPUT), "-f", "json")
    assert run["code"] == 1
    assert "did you mean 'jintai-hotline'?" in str(run["err"])
    assert "difflib" in unwanted(run["modules"])


def test_a_large_file_is_hashed_by_openssl():
    """A control for _hashlib: a file over engine.digest.SMALL is hashed by hashlib (OpenSSL), 4x faster."""
    code = "import json, sys; from kaoping.digest import SMALL, sha256_hex; sha256_hex(bytes(SMALL + 1)); print(json.dumps({'modules': sorted(sys.modules)}))"
    assert "_hashlib" in unwanted(fresh(code)["modules"])


def test_a_problem_with_its_line_still_measures_the_caret_in_cells(tmp_path):
    """A control for rich.cells: a misspelt key in a ruleset is shown with its line and a caret under it."""
    text = edited_copy(SEED_RULESET.read_text(encoding="utf-8")).replace(
        "    label: 部门名称", "    lable: 部门名称", 1
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    run = fresh(CLI, "evaluate", "-r", str(bad), str(SEED_INPUT), "-f", "json")
    assert run["code"] == 1 and "^" in str(run["err"]) and "lable" in str(run["err"])
    assert "rich.cells" in unwanted(run["modules"])


FREEZE = """
import gc, io, json, sys
from kaoping.cli import main
sys.argv = ["kaoping", "evaluate", "-r", "jintai-hotline@2024.02", sys.argv[1], "-f", "json"]
out = io.StringIO()
code = main({argv}, stdout=out)
print(json.dumps({{"code": code, "frozen": gc.get_freeze_count(), "units": len(json.loads(out.getvalue())["results"])}}))
"""


@pytest.mark.parametrize(("argv", "frozen"), [("None", True), ("sys.argv[1:]", False)])
def test_the_kaoping_command_freezes_what_it_imported_but_a_program_keeps_its_collector(argv, frozen):
    """main() reading sys.argv (the `kaoping` command) leaves the imported objects out of garbage collection
    (cli.py's _freeze_what_is_imported); a program calling main(argv) is left as it was.  Both runs score."""
    run = fresh(FREEZE.format(argv=argv), str(SEED_INPUT))
    assert run["code"] == 0 and run["units"] == 32
    assert (int(str(run["frozen"])) > 10_000) is frozen
