"""Hostile rulesets are refused quickly, as user errors, at the right place.

A ruleset is text that anyone may write, so `kaoping validate` must treat it
as hostile input: every case below starts from the seed ruleset, injects one
hostile thing (into the `completion` indicator's formula or into the YAML),
and checks that validate

- exits 1 (a user error, not 3 "a bug in kaoping"),
- says what it refuses, at `file:line:col` of the offending text,
- prints nothing on stdout and no traceback anywhere,
- and does so at once (each refusal takes milliseconds; the 1 s bound is a
  generous guard against hangs and blow-ups, not a benchmark).

The formula guard is also checked on its own: `kaoping.ruleset.expr.compile_formula`
raises `FormulaError` for every hostile formula.

Every expected line and column is written out by hand from the text injected;
none is computed by the code under test.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from kaoping.ruleset.expr import FormulaError, compile_formula

from .conftest import SEED_RULESET, Run, run_cli

SEED = SEED_RULESET.read_text(encoding="utf-8")
SEED_LINES = SEED.splitlines()

# The formula every formula case replaces: line 91, the value starting at column 14.
FORMULA_LINE = 91
FORMULA_KEY = "    formula: "
SEED_FORMULA = "weight * ratio(completed, due, 1)"
FORMULA_COL = len(FORMULA_KEY) + 1  # 14: where the YAML value (its opening quote) starts

TIME_LIMIT = 1.0  # seconds; refusals take milliseconds


def test_the_injection_points_are_where_the_expected_positions_say():
    assert SEED_LINES[FORMULA_LINE - 1] == FORMULA_KEY + SEED_FORMULA
    assert SEED.count(FORMULA_KEY + SEED_FORMULA) == 1
    assert FORMULA_COL == 14
    assert SEED_LINES[2] == "name: jintai-hotline"
    assert SEED_LINES[4].startswith("title: 金台区")
    assert SEED_LINES[33] == "    aliases: [部门, 单位, 单位名称]"


def test_the_seed_ruleset_itself_is_valid(tmp_path):
    path = write(tmp_path, SEED)
    run = run_cli("validate", path)
    assert run.code == 0, run.err
    assert "ok" in run.out


# -- helpers ---------------------------------------------------------------


def write(tmp_path: Path, content: str | bytes, name: str = "hostile.yaml") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="\n")
    else:
        path.write_bytes(content)
    return path


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the seed no longer contains {old!r} exactly once"
    return text.replace(old, new)


def with_formula(formula_yaml: str) -> str:
    """The seed with the completion formula's YAML value replaced by `formula_yaml`."""
    return replace_once(SEED, FORMULA_KEY + SEED_FORMULA, FORMULA_KEY + formula_yaml)


def quoted(formula: str) -> str:
    """`formula` as a YAML flow scalar whose characters map one-to-one onto the source."""
    assert '"' not in formula and "\\" not in formula and "\n" not in formula
    return f'"{formula}"' if "'" in formula else f"'{formula}'"


def validate_timed(path: Path) -> tuple[Run, float]:
    start = time.perf_counter()
    run = run_cli("validate", path)
    return run, time.perf_counter() - start


def assert_refused(path: Path, line: int, col: int, *phrases: str) -> Run:
    """validate refuses `path` as a user error, with every phrase in the message at line:col."""
    run, seconds = validate_timed(path)
    assert "Traceback" not in run.err and "Traceback" not in run.out, run.err
    assert run.code == 1, f"exit {run.code}, expected 1 (refused as a user error)\n{run.err}"
    assert run.out == ""
    assert seconds < TIME_LIMIT, f"took {seconds:.3f} s"
    for phrase in phrases:
        assert phrase in run.err, run.err[:2000]
    where = f"{path}:{line}:{col}: "
    first_lines = [ln for ln in run.err.splitlines() if ln.startswith(f"{path}:")]
    assert any(ln.startswith(where) and all(p in ln for p in phrases) for ln in first_lines), (
        f"expected {where!r} followed by {phrases!r}; got:\n" + "\n".join(ln[:300] for ln in first_lines)
    )
    return run


# -- formulas --------------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    id: str
    formula: str
    offset: int  # 0-based position inside the formula of what is refused
    phrase: str  # the key words of the refusal


FORMULAS = [
    # attribute chains to reach object.__subclasses__(): the outer call is refused first
    Hostile(
        "subclasses-chain",
        "().__class__.__bases__[0].__subclasses__()",
        0,
        "only the helper functions can be called in a formula",
    ),
    Hostile("class-of-input", "completed.__class__", 0, "attribute access (a.b) is not allowed"),
    Hostile("class-inside-helper", "ratio(completed.__class__, due, 1)", 6, "attribute access (a.b) is not allowed"),
    Hostile("bases-subscript", "().__class__.__bases__[0]", 0, "indexing (a[...]) is not allowed"),
    # exponent bombs: `9**9**9` would never finish; the inner ** (offset 4) is met first
    Hostile("pow-tower", "9**9**9", 4, "'**' is not allowed in a formula"),
    Hostile("string-times-pow", "'a'*10**9", 6, "'**' is not allowed in a formula"),
    Hostile("string-times-billion", "'a'*1000000000", 0, "only numbers may be written in a formula"),
    Hostile("lambda", "lambda: completed", 0, "lambda is not allowed in a formula"),
    Hostile("lambda-called", "(lambda: 1)()", 0, "only the helper functions can be called in a formula"),
    Hostile("lambda-as-argument", "clamp(lambda: 1, 0, 1)", 6, "lambda is not allowed in a formula"),
    Hostile("list-comprehension", "[c for c in (1, 2)]", 0, "comprehensions are not allowed in a formula"),
    Hostile(
        "list-comprehension-in-max", "max(0, [c for c in (1, 2)])", 7, "comprehensions are not allowed in a formula"
    ),
    Hostile("generator", "(c for c in (1, 2))", 0, "comprehensions are not allowed in a formula"),
    Hostile("generator-in-max", "max(0, (c for c in (1, 2)))", 7, "comprehensions are not allowed in a formula"),
    # within the length limit: nesting is capped before Python's parser sees it
    Hostile("parens-100-deep", "(" * 100 + "1" + ")" * 100, 30, "nests brackets more than 30 deep"),
    # the 101st level is refused: unary minus number 101 (offset 100), the 101st `not`,
    # and in a left-deep 400-term sum the term at depth 101, term 301 (offset 600)
    Hostile("unary-minus-500", "-" * 500 + "1", 100, "nested more than 100 levels deep"),
    Hostile("not-250", "not " * 249 + "1", 400, "nested more than 100 levels deep"),
    Hostile("sum-400-terms", "+".join(["1"] * 400), 600, "nested more than 100 levels deep"),
    Hostile("import", "__import__('os')", 0, "unknown function '__import__'"),
    Hostile(
        "import-system", "__import__('os').system('echo hi')", 0, "only the helper functions can be called in a formula"
    ),
    Hostile("eval", "eval('1')", 0, "unknown function 'eval'"),
    Hostile("exec", "exec('import os')", 0, "unknown function 'exec'"),
    Hostile("open", "open('/etc/passwd')", 0, "unknown function 'open'"),
    Hostile("keyword-argument", "round(completed, places=2)", 23, "'=' is not allowed in a formula"),
    Hostile("star-argument", "min(completed, *due)", 15, "'*' unpacking is not allowed"),
    Hostile("string-literal", "'abc'", 0, "only numbers may be written in a formula"),
    Hostile("string-in-sum", "completed + 'abc'", 12, "only numbers may be written in a formula"),
    Hostile("subscript", "completed[0]", 0, "indexing (a[...]) is not allowed"),
    Hostile("walrus", "(x := 1)", 1, "':=' is not allowed in a formula"),
    Hostile("walrus-in-helper", "max(x := completed, 1)", 4, "':=' is not allowed in a formula"),
    Hostile("f-string", "f'{completed}'", 0, "text (strings) is not allowed in a formula"),
    Hostile("f-string-attribute", "f'{completed.__class__}'", 0, "text (strings) is not allowed in a formula"),
    Hostile("true", "True", 0, "no text, True/False or None"),
    Hostile("none", "None", 0, "no text, True/False or None"),
    Hostile("true-in-sum", "completed + True", 12, "no text, True/False or None"),
    Hostile("float-1e400", "1e400", 0, "that number is too large for a formula"),
    Hostile("digits-10-pow-400", "1" + "0" * 400, 0, "that number is too large for a formula"),
    Hostile("hex-1200-bits", "0x" + "f" * 300, 0, "that number is too large for a formula"),
    Hostile("digits-in-sum", "completed + 1" + "0" * 400, 12, "that number is too large for a formula"),
    Hostile("list-literal", "[1, 2]", 0, "lists are not allowed in a formula"),
    Hostile("dict-literal", "{1: 2}", 0, "dictionaries are not allowed in a formula"),
    Hostile("statement", "import os", 0, "a formula is one expression, not a statement"),
    Hostile("syntax-error", "completed +", 11, "not a valid expression"),
]


@pytest.mark.parametrize("case", FORMULAS, ids=lambda c: c.id)
def test_validate_refuses_a_hostile_formula_at_its_position(tmp_path, case):
    path = write(tmp_path, with_formula(quoted(case.formula)))
    # +1: the formula's first character comes after the opening quote
    assert_refused(
        path, FORMULA_LINE, FORMULA_COL + 1 + case.offset, "in indicators[completion].formula: ", case.phrase
    )


@pytest.mark.parametrize("case", FORMULAS, ids=lambda c: c.id)
def test_compile_formula_refuses_a_hostile_formula(case):
    start = time.perf_counter()
    with pytest.raises(FormulaError) as refused:
        compile_formula(case.formula)
    assert time.perf_counter() - start < TIME_LIMIT
    assert case.phrase in refused.value.message
    assert refused.value.offset == case.offset


# Formulas longer than the 1000-character limit: the schema refuses the YAML
# value (pointing at its opening quote); compile_formula refuses the length.
OVERLONG = {
    "parens-500-deep": "(" * 500 + "1" + ")" * 500,
    "sum-2000-terms": "+".join(["1"] * 2000),
    "formula-10-kB": "completed + " * 853 + "due",
}


@pytest.mark.parametrize("formula", OVERLONG.values(), ids=OVERLONG.keys())
def test_validate_refuses_an_overlong_formula(tmp_path, formula):
    assert len(formula) > 1000
    path = write(tmp_path, with_formula(quoted(formula)))
    assert_refused(path, FORMULA_LINE, FORMULA_COL, "characters long; at most 1000 are allowed")


@pytest.mark.parametrize("formula", OVERLONG.values(), ids=OVERLONG.keys())
def test_compile_formula_refuses_an_overlong_formula(formula):
    start = time.perf_counter()
    with pytest.raises(FormulaError, match="longer than 1000 characters"):
        compile_formula(formula)
    assert time.perf_counter() - start < TIME_LIMIT


def test_an_overlong_formula_is_not_echoed_back_in_full(tmp_path):
    """The refusal of a 10 kB formula should not print the 10 kB back to the terminal."""
    path = write(tmp_path, with_formula(quoted(OVERLONG["formula-10-kB"])))
    run = assert_refused(path, FORMULA_LINE, FORMULA_COL, "characters long; at most 1000 are allowed")
    assert len(run.err) < 2000, f"stderr is {len(run.err)} characters long"


def test_an_escaped_yaml_string_does_not_shift_the_caret(tmp_path):
    """In '''a'' * 10**9' the ** is at column 25 of the line, after two doubled quotes."""
    path = write(tmp_path, with_formula("'''a'' * 10**9'"))
    assert_refused(path, FORMULA_LINE, 25, "'**' is not allowed in a formula")


# Names are checked against what the ruleset declares, by the loader.
NAMES = {
    "__import__": "unknown name '__import__'",
    "__builtins__": "unknown name '__builtins__'",
    "os": "unknown name 'os'",
}


@pytest.mark.parametrize("name", NAMES, ids=NAMES.keys())
def test_validate_refuses_a_bare_dangerous_name(tmp_path, name):
    path = write(tmp_path, with_formula(quoted(f"weight * {name}")))
    assert_refused(path, FORMULA_LINE, FORMULA_COL + 1 + len("weight * "), NAMES[name])


def test_a_hostile_aggregate_formula_is_refused_too(tmp_path):
    text = replace_once(SEED, "    of: overdue_returns\n", "    of: completed.__class__\n")
    assert SEED_LINES[72] == "    of: overdue_returns"
    assert_refused(write(tmp_path, text), 73, 9, "in aggregates[total_overdue_returns].of: attribute access")


def test_a_hostile_total_formula_is_refused_too(tmp_path):
    text = replace_once(
        SEED, "total:\n  max: 100\n", "total:\n  max: 100\n  formula: __import__('os').system('echo hi')\n"
    )
    assert SEED_LINES[113] == "  max: 100"
    assert_refused(write(tmp_path, text), 115, 12, "in total.formula: only the helper functions can be called")


# -- YAML ------------------------------------------------------------------

BILLION_LAUGHS = 'lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9)
)


def test_a_billion_laughs_alias_bomb_is_refused_at_its_first_anchor(tmp_path):
    # inserted after `schema: 1` (line 2): the first anchor is on line 3, column 7
    text = replace_once(SEED, "schema: 1\n", "schema: 1\n" + BILLION_LAUGHS)
    assert_refused(write(tmp_path, text), 3, 7, "YAML anchors and aliases (& and *) are not allowed")


def test_an_anchor_and_alias_on_real_fields_is_refused(tmp_path):
    text = replace_once(SEED, "    aliases: [部门, 单位, 单位名称]\n", "    aliases: &names [部门, 单位, 单位名称]\n")
    text = replace_once(text, "    aliases: [应办结]\n", "    aliases: *names\n")
    assert_refused(write(tmp_path, text), 34, 14, "YAML anchors and aliases (& and *) are not allowed")


def test_an_undefined_alias_is_refused(tmp_path):
    text = replace_once(SEED, "title: 金台区", "title: *t\nx: 金台区")
    assert_refused(write(tmp_path, text), 5, 8, "YAML anchors and aliases (& and *) are not allowed")


ALIASES_LINE = "    aliases: [部门, 单位, 单位名称]"


def test_a_500_deep_flow_list_is_refused_at_level_41(tmp_path):
    # root mapping, inputs, inputs[0] and the first `[` are levels 1-4: the 38th `[` is level 41
    text = replace_once(SEED, ALIASES_LINE, "    aliases: " + "[" * 500 + "x" + "]" * 500)
    assert_refused(write(tmp_path, text), 34, 14 + 37, "the YAML is nested more than 40 levels deep")


def test_a_500_deep_block_list_is_refused_at_level_41(tmp_path):
    # `- - - ... x` on line 35 from column 7: the 38th dash (column 81) is level 41
    text = replace_once(SEED, ALIASES_LINE, "    aliases:\n      " + "- " * 500 + "x")
    assert_refused(write(tmp_path, text), 35, 7 + 2 * 37, "the YAML is nested more than 40 levels deep")


def test_a_500_deep_flow_mapping_is_refused_at_level_41(tmp_path):
    # the 37th `{` is level 40; its key `a` (column 14 + 4*36 + 1) is level 41
    text = replace_once(SEED, ALIASES_LINE, "    aliases: " + "{a: " * 500 + "x" + "}" * 500)
    assert_refused(write(tmp_path, text), 34, 14 + 4 * 36 + 1, "the YAML is nested more than 40 levels deep")


def test_a_python_object_apply_tag_is_refused_and_never_run(tmp_path, capfd):
    marker = tmp_path / "pwned"
    text = replace_once(
        SEED, "title: 金台区", f'title: !!python/object/apply:os.system ["echo hi; touch {marker}"]\nx: 金台区'
    )
    assert_refused(write(tmp_path, text), 5, 8, "the YAML tag '!!python/object/apply:os.system' is not allowed")
    assert not marker.exists()
    assert "hi" not in capfd.readouterr().out


def test_a_python_object_apply_tag_in_a_formula_is_refused_and_never_run(tmp_path, capfd):
    marker = tmp_path / "pwned"
    path = write(tmp_path, with_formula(f'!!python/object/apply:os.system ["echo hi; touch {marker}"]'))
    assert_refused(path, FORMULA_LINE, FORMULA_COL, "the YAML tag '!!python/object/apply:os.system' is not allowed")
    assert not marker.exists()
    assert "hi" not in capfd.readouterr().out


def test_a_python_name_tag_is_refused(tmp_path):
    text = replace_once(SEED, "name: jintai-hotline", "name: !!python/name:os.system")
    assert_refused(write(tmp_path, text), 3, 7, "the YAML tag '!!python/name:os.system' is not allowed")


def test_a_python_object_new_tag_is_refused(tmp_path):
    text = replace_once(SEED, "name: jintai-hotline", "name: !!python/object/new:subprocess.Popen [[id]]")
    assert_refused(write(tmp_path, text), 3, 7, "the YAML tag '!!python/object/new:subprocess.Popen' is not allowed")


# -- the file itself ---------------------------------------------------------


def test_a_2_MB_file_is_refused_before_it_is_parsed(tmp_path):
    path = write(tmp_path, SEED + "# " + "x" * 2_000_000 + "\n")
    run, seconds = validate_timed(path)
    assert "Traceback" not in run.err + run.out
    assert run.code == 1, run.err
    assert run.out == ""
    assert seconds < TIME_LIMIT
    # the whole file is refused: `file: message`, with no line:col by design
    assert run.err.startswith(f"{path}: the file is larger than 1000 kB"), run.err


def test_a_non_utf8_file_is_refused_at_its_first_bad_byte(tmp_path):
    # saved as GBK: the first non-ASCII byte is 金 in `title: 金台区...`, line 5, column 8
    assert_refused(write(tmp_path, SEED.encode("gbk")), 5, 8, "the file is not UTF-8 text")


def test_a_binary_file_is_refused(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    assert_refused(write(tmp_path, png, "image.yaml"), 1, 1, "the file is not UTF-8 text")


def test_a_binary_file_that_is_valid_utf8_is_refused(tmp_path):
    """NUL and other control bytes decode as UTF-8 but are not YAML text."""
    assert_refused(write(tmp_path, bytes(range(0, 32)) * 4, "binary.yaml"), 1, 1, "character")


def test_a_nul_byte_inside_the_ruleset_is_refused_at_its_position(tmp_path):
    text = replace_once(SEED, "title: 金台区", "ti\x00tle: 金台区")
    assert_refused(write(tmp_path, text), 5, 3, "character")
