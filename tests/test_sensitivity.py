"""Tipping points of weights, each checked against a hand calculation written out here.

Every expected number is worked out by hand in the test (u is one printed
cell, 0.01 for two places; half away from zero), never taken from kaoping.
"none" varies one weight alone; "proportional" takes the change from the
other score weights in proportion to their size.
"""

from __future__ import annotations

import csv
import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import api
from engine.analysis.affine import Aff, Q
from engine.analysis.crossing import Fn
from engine.analysis.pieces import Piece
from engine.analysis.sensitivity import sensitivity
from engine.analysis.sensitivity_model import PairTip, Sensitivity, WeightResult
from engine.analysis.tipping import Pairing

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "rulesets/jintai-hotline/2024.02.yaml"
SEED_INPUT = ROOT / "rulesets/jintai-hotline/cases/2024-02-input.csv"

HEAD = """schema: 1
name: t
version: "1"
title: t
effective: "2024-01-01"
entity: {key: unit}
rounding: {places: 2, mode: half_away_from_zero}
report: {title: t, columns: [unit, total]}
"""


def run(tmp_path: Path, body: str, rows: str, weight: str, rebalance: str | None = None) -> Sensitivity:
    head = HEAD.replace("entity: {key: unit}\n", "") if "\nentity:" in body else HEAD
    (tmp_path / "r.yaml").write_text(head + body, encoding="utf-8")
    (tmp_path / "d.csv").write_text(rows, encoding="utf-8")
    ruleset = api.load(tmp_path / "r.yaml")
    result = api.evaluate(ruleset, tmp_path / "d.csv")
    return sensitivity(ruleset.model, result.evaluation, [weight], rebalance)


def only(s: Sensitivity) -> WeightResult:
    (w,) = s.weights
    return w


def pair(w: WeightResult, above: str, below: str) -> PairTip:
    return next(p for p in w.pairs if (p.above, p.below) == (above, below))


TWO = """inputs:
  - {id: unit, type: text, label: U}
  - {id: r1, type: number, label: R1}
  - {id: r2, type: number, label: R2}
indicators:
  - {id: s1, label: S1, weight: 60, formula: weight * r1}
  - {id: s2, label: S2, weight: 40, formula: weight * r2}
total: {max: 100}
ranking: {ties: TIES}
"""
TWO_ROWS = "unit,r1,r2\nA,0.9,0.5\nB,0.6,0.9\n"


def test_weighted_sum_alone(tmp_path: Path) -> None:
    """A: .9w + 20 = 74, B: .6w + 36 = 72 at w = 60.  They cross where .3w = 16: w = 160/3 (both 68).
    With d = w - 160/3, TA = 68 + .9d and TB = 68 + .6d.  Both print the same once TA < 68.025 and
    TB >= 68.015: d < 1/36 and d >= 1/60: nearest to 60 is d -> 1/36 from above, open (at it TA is
    68.025 -> 68.03, TB 68.01667 -> 68.02).  B prints above A once TA < 67.995 (d < -1/180) with TB
    still >= 67.995 (d >= -1/120): d -> -1/180, open (at it TA = 67.995 prints 68.00, a tie)."""
    w = only(run(tmp_path, TWO.replace("TIES", "sequential"), TWO_ROWS, "s1", "none"))
    assert (w.current, w.range.lo, w.range.hi, w.method) == (60, 0, 100, "exact")
    p = pair(w, "A", "B")
    assert p.swap_at == F(160, 3)
    assert p.printed_tie_at == F(160, 3) + F(1, 36) == F(1921, 36)
    assert p.printed_tie_closed is False
    assert p.printed_swap_at == F(160, 3) - F(1, 180) == F(9599, 180)
    assert p.printed_swap_closed is False
    # sequential: at 160/3 the totals are equal and A, first in the input, stays first
    assert (w.order_stable.lo, w.order_stable.hi) == (F(160, 3), 100)
    assert (w.order_stable.lo_closed, w.order_stable.hi_closed) == (True, True)


def test_weighted_sum_shared_ties_open_end(tmp_path: Path) -> None:
    """With shared ranks, equal totals at 160/3 already give both rank 1: the table changes there."""
    w = only(run(tmp_path, TWO.replace("TIES", "shared"), TWO_ROWS, "s1", "none"))
    assert (w.order_stable.lo, w.order_stable.lo_closed) == (F(160, 3), False)


def test_weighted_sum_proportional_is_the_closed_form(tmp_path: Path) -> None:
    """s2 = 100 - w: TA = .9w + .5(100 - w) = 50 + .4w, TB = .6w + .9(100 - w) = 90 - .3w.
    Triantaphyllou-Sanchez: w* = w0 - (TA - TB)/((r1A - r2A) - (r1B - r2B)) = 60 - 2/.7 = 400/7.
    Printed tie nearest 60: TA = 72.86 - .4e and TB = 72.855 + .3e at w = 57.15 - e; both print 72.86
    at e = 0 (72.855 rounds up): w = 1143/20, closed.  B prints above A when TA < 72.855 and
    TB >= 72.855 + ...: at w = 57.1375 TA = 72.855 (72.86) and TB = 72.85875 (72.86), a tie; just below,
    TA prints 72.85 and TB 72.86: 4571/80, open."""
    w = only(run(tmp_path, TWO.replace("TIES", "sequential"), TWO_ROWS, "s1", "proportional"))
    p = pair(w, "A", "B")
    assert p.swap_at == F(60) - F(2) / F(7, 10) == F(400, 7)
    assert (p.printed_tie_at, p.printed_tie_closed) == (F(1143, 20), True)
    assert (p.printed_swap_at, p.printed_swap_closed) == (F(4571, 80), False)


FLOOR = """inputs:
  - {id: unit, type: text, label: U}
  - {id: s, type: number, label: S}
  - {id: r, type: number, label: R}
indicators:
  - {id: other, label: O, weight: 80, formula: weight * r}
  - {id: sat, label: Sat, weight: 20, formula: "max(weight / 2, weight - 0.5 * max(0, 96 - s))"}
total: {max: 100}
ranking: {ties: sequential}
"""


def test_floor_not_zero(tmp_path: Path) -> None:
    """A: s = 96, r = .8: TA = 64 + w (84 at 20).  B: s = 60, r = .95: TB = 76 + max(w/2, w - 18) (86).
    Below 36, TB = 76 + w/2: equal at w = 24 (88).  Printed tie: at 23.985 TA = 87.985 -> 87.99 and
    TB = 87.9925 -> 87.99, closed.  Printed swap: at 24.005 TA = 88.005 -> 88.01, TB = 88.0025 -> 88.00."""
    w = only(run(tmp_path, FLOOR, "unit,s,r\nA,96,0.8\nB,60,0.95\n", "sat", "none"))
    p = pair(w, "B", "A")
    assert p.swap_at == 24
    assert (p.printed_tie_at, p.printed_tie_closed) == (F("23.985"), True)
    assert (p.printed_swap_at, p.printed_swap_closed) == (F("24.005"), True)


def test_floor_kink_is_respected(tmp_path: Path) -> None:
    """B: s = 80: TB = 76 + max(w/2, w - 8), a kink at 16.  TB - TA = 12 - w/2 below 16, then 4: never 0.
    Extending the first piece would wrongly cross at 24."""
    w = only(run(tmp_path, FLOOR, "unit,s,r\nA,96,0.8\nB,80,0.95\n", "sat", "none"))
    p = pair(w, "B", "A")
    assert (p.swap_at, p.printed_tie_at, p.printed_swap_at) == (None, None, None)


PENALTY = """inputs:
  - {id: unit, type: text, label: U}
  - {id: nonstandard, type: integer, label: N}
  - {id: overdue, type: integer, label: O}
indicators:
  - {id: p1, label: P1, kind: penalty, weight: 10, formula: 0.5 * nonstandard}
  - {id: p2, label: P2, kind: penalty, weight: 10, formula: overdue}
total: {max: 100, start: 100}
ranking: {ties: sequential}
"""


def test_penalty_capped_at_its_weight(tmp_path: Path) -> None:
    """A: 30 nonstandard: TA = 100 - min(15, w) = 90.  B: 10 nonstandard, 8 overdue: TB = 87 for w >= 5.
    B passes A when 100 - w < 87: w > 13.  Printed tie: TA prints 87.00 once TA < 87.005, w > 12.995
    (open).  Printed swap: TA prints 86.99 once TA < 86.995, w > 13.005 (open)."""
    w = only(run(tmp_path, PENALTY, "unit,nonstandard,overdue\nA,30,0\nB,10,8\n", "p1"))
    assert w.range.hi == 100
    p = pair(w, "A", "B")
    assert (p.swap_at, p.swap_closed) == (13, False)
    assert (p.printed_tie_at, p.printed_tie_closed) == (F("12.995"), False)
    assert (p.printed_swap_at, p.printed_swap_closed) == (F("13.005"), False)


def test_penalty_cap_stops_the_crossing(tmp_path: Path) -> None:
    """B: 14 overdue with p2 worth 20: TB = 100 - 5 - 14 = 81.  A's penalty is at most 15, so TA >= 85:
    never reached, though the uncapped line 100 - w would cross at 19."""
    body = PENALTY.replace("weight: 10, formula: overdue", "weight: 20, formula: overdue")
    w = only(run(tmp_path, body, "unit,nonstandard,overdue\nA,30,0\nB,10,14\n", "p1"))
    p = pair(w, "A", "B")
    assert (p.swap_at, p.printed_tie_at, p.printed_swap_at) == (None, None, None)


def test_two_caps_meet_but_never_pass(tmp_path: Path) -> None:
    """p2 worth 10 holds B's 14 overdue to 10: TB = 85, and A's cap holds TA = 100 - min(15, w) >= 85.
    They meet at w = 15 and stay equal: no swap; printed equal once TA < 85.005, w > 14.995 (open)."""
    w = only(run(tmp_path, PENALTY, "unit,nonstandard,overdue\nA,30,0\nB,10,14\n", "p1"))
    p = pair(w, "A", "B")
    assert (p.swap_at, p.printed_swap_at) == (None, None)
    assert (p.printed_tie_at, p.printed_tie_closed) == (F("14.995"), False)


BONUS = """inputs:
  - {id: unit, type: text, label: U}
  - {id: r, type: number, label: R}
  - {id: commended, type: integer, label: C}
indicators:
  - {id: s, label: S, weight: 100, formula: weight * r}
  - {id: bonus, label: B, kind: bonus, weight: 5, formula: commended}
total: {max: 100, cap: true}
ranking: {ties: sequential}
"""


def test_bonus_with_total_cap(tmp_path: Path) -> None:
    """A: 93 + min(10, w), capped at 100 (98 at 5).  B: 98.5 + min(3, w), capped: 100.  A reaches 100 at
    w = 7 but never passes: no swap, printed or not.  Printed tie: 93 + 6.995 = 99.995 prints 100.00."""
    w = only(run(tmp_path, BONUS, "unit,r,commended\nA,0.93,10\nB,0.985,3\n", "bonus"))
    p = pair(w, "B", "A")
    assert (p.swap_at, p.printed_swap_at) == (None, None)
    assert (p.printed_tie_at, p.printed_tie_closed) == (F("6.995"), True)


GRADES = """inputs:
  - {id: unit, type: text, label: U}
  - {id: r, type: number, label: R}
indicators:
  - {id: s1, label: S1, weight: 50, formula: weight * r}
  - {id: s2, label: S2, weight: 50, formula: weight}
total: {max: 100}
ranking: {ties: sequential}
grades:
  bands:
    - {label: 优秀, at_least: 90}
    - {label: 良好, at_least: 80, below: 90}
    - {label: 合格, at_least: 60, below: 80}
    - {label: 不合格, below: 60}
"""


def test_grades_stable(tmp_path: Path) -> None:
    """T = 50 + .5w (75 at 50, 合格).  It prints 80.00 from T = 79.995, w = 59.99 (good from there: the end
    is open); it prints 59.99 below T = 59.995, w = 19.99 (at 19.99 it prints 60.00, still 合格: closed)."""
    w = only(run(tmp_path, GRADES, "unit,r\nA,0.5\n", "s1", "none"))
    g = w.grades_stable
    assert g is not None
    assert (g.lo, g.lo_closed, g.hi, g.hi_closed) == (F("19.99"), True, F("59.99"), False)


GROUPS = """inputs:
  - {id: unit, type: text, label: U}
  - {id: grp, type: text, label: G}
  - {id: due, type: integer, label: D}
  - {id: completed, type: integer, label: C}
  - {id: overdue, type: integer, label: O}
entity: {key: unit, group: grp}
indicators:
  - {id: unfinished, label: U, kind: penalty, weight: 40, formula: "2 * max(0, due - completed)"}
  - {id: late, label: L, kind: penalty, weight: 10, formula: overdue}
total: {max: 100, start: 100}
groups:
  - {value: 县区组, max: 150, start: 150, weights: {unfinished: 60}}
  - {value: 市直组}
ranking: {within: group, ties: shared}
"""
GROUP_ROWS = (
    "unit,grp,due,completed,overdue\nC1,县区组,100,75,0\nC2,县区组,100,95,12\nM1,市直组,50,40,0\nM2,市直组,50,45,3\n"
)


def test_group_weight_with_its_own_full_marks(tmp_path: Path) -> None:
    """County units: C1 loses min(50, w): 100 at 60.  C2 loses 10 (5 unfinished) and 10 (12 overdue,
    capped): 130.  Going down, C1 = 150 - w reaches 130 at w = 20 and passes below it; at 20.005 C1 is
    129.995 -> 130.00, a printed tie (closed); at 19.995 C1 is 130.005 -> 130.01, above (closed).
    The range is the county's full marks, 150."""
    s = run(tmp_path, GROUPS, GROUP_ROWS, "unfinished@县区组")
    w = only(s)
    assert (w.current, w.range.hi) == (60, 150)
    p = pair(w, "C2", "C1")
    assert (p.swap_at, p.swap_closed) == (20, False)
    assert (p.printed_tie_at, p.printed_tie_closed) == (F("20.005"), True)
    assert (p.printed_swap_at, p.printed_swap_closed) == (F("19.995"), True)
    municipal = {line.entity: line for line in w.lines if line.entity.startswith("M")}
    assert {y for line in municipal.values() for _x, y in line.points} == {80, 87}  # 100-20, 100-10-3: flat


def test_the_default_weight_does_not_move_the_county(tmp_path: Path) -> None:
    """`unfinished` is the municipal units' 40; the county has its own 60, so its totals stay flat."""
    w = only(run(tmp_path, GROUPS, GROUP_ROWS, "unfinished"))
    county = [line for line in w.lines if line.entity.startswith("C")]
    assert {y for line in county for _x, y in line.points} == {100, 130}


SQUARE = """inputs:
  - {id: unit, type: text, label: U}
  - {id: r1, type: number, label: R1}
  - {id: r2, type: number, label: R2}
indicators:
  - {id: s1, label: S1, weight: 50, formula: weight * r1}
  - {id: s2, label: S2, weight: 50, formula: weight * r2}
total: {max: 100, formula: s1 * s1 / 50 + s2}
ranking: {ties: sequential}
"""


def test_not_linear_falls_back_to_bisection(tmp_path: Path) -> None:
    """TA = w²/50 + 20 (70 at 50), TB = .64w²/50 + 40 (72).  Equal where .36w²/50 = 20: w = sqrt(25000/9)
    = 52.70462766947299.  Bisection to within 100 × 1e-9, said as the method and in a note."""
    s = run(tmp_path, SQUARE, "unit,r1,r2\nA,1,0.4\nB,0.8,0.8\n", "s1", "none")
    w = only(s)
    assert w.method == "bisection"
    p = pair(w, "B", "A")
    assert p.method == "bisection"
    assert p.swap_at is not None
    assert abs(float(p.swap_at) - math.sqrt(25000 / 9)) <= 100 * 1e-9
    assert w.note and "bisection" in w.note


# --- the seed: timeliness, proportional --------------------------------------------------------


def _seed_totals() -> dict[str, tuple[F, F]]:
    """Each department's exact total and timeliness rate r = on_time/due, from the published formulas:
    completion 35·completed/due, timeliness 40·on_time/due, overdue returns 5·(1 − x/Σx), alerts
    10·(1 − x/Σx), workload 5·completed/max completed, reworks 5 (no reworks in February)."""
    rows = list(csv.DictReader(SEED_INPUT.open(encoding="utf-8-sig")))
    n = {
        k: [int(r[k]) for r in rows]
        for k in ("应办结工单数", "办结工单数", "按期办结工单数", "逾期退单工单数", "告警工单数")
    }
    returns, alerts, most = sum(n["逾期退单工单数"]), sum(n["告警工单数"]), max(n["办结工单数"])
    out = {}
    for i, r in enumerate(rows):
        due, done, on_time = n["应办结工单数"][i], n["办结工单数"][i], n["按期办结工单数"][i]
        total = (
            F(35 * done, due)
            + F(40 * on_time, due)
            + 5 * (1 - F(n["逾期退单工单数"][i], returns))
            + 10 * (1 - F(n["告警工单数"][i], alerts))
            + F(5 * done, most)
            + 5
        )
        out[r["部门名称"]] = (total, F(on_time, due))
    return out


def test_seed_timeliness_proportional_closed_form() -> None:
    """Under proportional rebalancing the other weights are (100 − w)/60 of their size, so each total
    is T(w) = O·(100 − w)/60 + r·w with O = T − 40r: a line.  Two neighbours cross at
    w* = 40 + (Ta − Tb)/(slope_b − slope_a), slope = r − O/60: every adjacent pair's swap_at must be
    exactly that (when it lies in 0..100 and the lines are not parallel), and the three tightest
    crossings are the ones nearest 40."""
    ruleset = api.load(SEED)
    result = api.evaluate(ruleset, SEED_INPUT)
    s = sensitivity(ruleset.model, result.evaluation, ["timeliness"])
    assert s.rebalance == "proportional"
    w = only(s)
    totals = _seed_totals()
    expected = {}
    for p in w.pairs:
        (ta, ra), (tb, rb) = totals[p.above], totals[p.below]
        slope_a, slope_b = ra - (ta - 40 * ra) / 60, rb - (tb - 40 * rb) / 60
        star = None if slope_a == slope_b else 40 + (ta - tb) / (slope_b - slope_a)
        inside = star is not None and 0 < star < 100  # meeting at a range end is not passing
        expected[(p.above, p.below)] = star if inside else None
        assert p.swap_at == expected[(p.above, p.below)], (p.above, p.below)
    crossings = sorted((abs(x - 40), k) for k, x in expected.items() if x is not None)
    nearest = [
        ("区教育体育局", "区残联"),  # w* = 40 + 1220/2307 = 40.5288
        ("区卫生健康局", "金台区城市管理执法局"),  # 40 - 780/757 = 38.9696
        ("区住房和城乡建设局", "区医疗保障局"),  # 38.0918
    ]
    assert [k for _d, k in crossings[:3]] == nearest
    assert [(p.above, p.below) for p in sorted(w.pairs, key=lambda p: abs((p.swap_at or 999) - 40))][:3] == nearest
    # the whole order holds between the nearest crossing below 40 and the nearest above (sequential ranks)
    assert (w.order_stable.lo, w.order_stable.hi) == (40 - F(780, 757), 40 + F(1220, 2307))
    assert len(result.evaluation.ranked) - 1 == len(w.pairs) == 31


def test_seed_lines_agree_with_the_engine() -> None:
    """At three weights the traced totals are the engine's own totals (what --set would give), to 1e-9."""
    ruleset = api.load(SEED)
    result = api.evaluate(ruleset, SEED_INPUT)
    (w,) = sensitivity(ruleset.model, result.evaluation, ["timeliness"], "none").weights
    for value in (F(20), F(45), F(61, 2)):
        totals = _totals_at(ruleset, "timeliness", float(value))
        for line in w.lines:
            ((x0, y0), (x1, y1)) = line.points  # one piece over 0..100: a straight line
            traced = y0 + (y1 - y0) * (value - x0) / (x1 - x0)
            assert abs(float(traced) - totals[line.entity]) < 1e-9


def _totals_at(ruleset: api.Ruleset, id: str, weight: float) -> dict[str, float]:
    """The engine's totals with one weight changed alone (the loader would refuse weights that no longer
    add up, so the model is changed directly, as the analysis does)."""
    import dataclasses

    from engine.evaluate.pipeline import evaluate_table

    model = ruleset.model
    indicators = tuple(dataclasses.replace(i, weight=weight) if i.id == id else i for i in model.indicators)
    changed = dataclasses.replace(model, indicators=indicators)
    table = api.evaluate(ruleset, SEED_INPUT).evaluation.table
    evaluation = evaluate_table(changed, table, lambda _s: None, columnar=False)
    return {r.entity: r.total for r in evaluation.results}


@pytest.mark.parametrize("name", ["jintai-hotline", "rate-hotline", "city-hotline"])
def test_every_shipped_ruleset_is_solved_exactly(name: str) -> None:
    data = {
        "jintai-hotline": SEED_INPUT,
        "rate-hotline": ROOT / "examples/rate-hotline-2025-01.csv",
        "city-hotline": ROOT / "examples/city-hotline-2025-01.csv",
    }[name]
    ruleset = api.load(ROOT / "rulesets" / name / next(p.name for p in (ROOT / "rulesets" / name).glob("*.yaml")))
    result = api.evaluate(ruleset, data)
    s = sensitivity(ruleset.model, result.evaluation)
    assert {w.method for w in s.weights} == {"exact"}
    for w in s.weights:
        assert w.order_stable.lo <= w.current <= w.order_stable.hi
        for p in w.pairs:  # on the side it happens, a printed tie comes no later than the crossing
            found = (p.printed_tie_at, p.swap_at, p.printed_swap_at)
            if None not in found and (min(found) > w.current or max(found) < w.current):  # type: ignore[type-var]
                distances = [abs(x - w.current) for x in found if x is not None]
                assert distances == sorted(distances), (w.id, p)


# --- the walk against brute force ---------------------------------------------------------------


def _shown(x: F) -> Decimal:
    """Two places, half up, computed with Decimal (not kaoping's own rounding)."""
    with localcontext() as c:
        c.prec = 80
        return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _line(a: F, b: F) -> Fn:
    line = Aff(Q(a), Q(b))
    return Fn([Piece(Q(0), Q(100), True, True, line, line, ())])


hundredths = st.integers(min_value=8000, max_value=9999).map(lambda n: F(n, 100))
slopes = st.integers(min_value=-300, max_value=300).map(lambda n: F(n, 1000))


@settings(max_examples=150, deadline=None)
@given(hundredths, slopes, st.integers(min_value=0, max_value=40).map(lambda n: F(n, 1000)), slopes)
def test_printed_tie_and_swap_match_brute_force(ta: F, sa: F, gap: F, sb: F) -> None:
    """Two lines through the current weight 50 with A above B by `gap`: the nearest printed tie and printed
    swap found must hold there (or just past it, when open) and at no sampled weight nearer 50."""
    a = _line(ta - 50 * sa, sa)
    b = _line(ta - gap - 50 * sb, sb)
    pairing = Pairing(api.load(SEED).model, Q(0), Q(100), Q(50))  # two places, half away from zero

    def value(fn: Fn, x: F) -> F:
        k = fn.pieces[0].key
        return F(int(k.a.numerator), int(k.a.denominator)) + F(int(k.b.numerator), int(k.b.denominator)) * x

    tests = {
        "tie": (pairing.printed_tie(a, b), lambda x: _shown(value(a, x)) == _shown(value(b, x))),
        "swap": (pairing.printed_swap(a, b), lambda x: _shown(value(b, x)) > _shown(value(a, x))),
    }
    for name, ((down, up), holds) in tests.items():
        for found, sign in ((down, -1), (up, 1)):
            end = F(0) if sign < 0 else F(100)
            stop = end if found is None else F(int(found.at.numerator), int(found.at.denominator))
            if found is not None:
                at = stop if found.closed else stop + sign * F(1, 10**9)
                assert holds(at), (name, sign, found)
            for k in range(1, 400):  # nothing nearer: weights strictly between 50 and the answer
                x = F(50) + (stop - 50) * k / 400
                if x != stop:
                    assert not holds(x) or (found is not None and not found.closed and x == stop), (name, sign, x)


def _order_at(ruleset: api.Ruleset, timeliness: float) -> list[str]:
    """The engine's published order with timeliness at that weight and the others rebalanced by hand:
    each other weight × (100 − w)/60, as --rebalance proportional means."""
    import dataclasses

    from engine.evaluate.pipeline import evaluate_table

    model = ruleset.model
    scale = (100 - timeliness) / 60
    indicators = tuple(
        dataclasses.replace(i, weight=timeliness if i.id == "timeliness" else i.weight * scale)
        for i in model.indicators
    )
    table = api.evaluate(ruleset, SEED_INPUT).evaluation.table
    evaluation = evaluate_table(
        dataclasses.replace(model, indicators=indicators), table, lambda _s: None, columnar=False
    )
    return [r.entity for r in evaluation.ranked]


def test_seed_swaps_happen_in_the_engine_exactly_there() -> None:
    """Just short of each of the three nearest crossings the engine still ranks the pair as published;
    just past it, the lower one is above: the tipping point is where the real table changes."""
    ruleset = api.load(SEED)
    (w,) = sensitivity(ruleset.model, api.evaluate(ruleset, SEED_INPUT).evaluation, ["timeliness"]).weights
    crossings = sorted((p for p in w.pairs if p.swap_at is not None), key=lambda p: abs(p.swap_at - 40))[:3]  # type: ignore[operator]
    for p in crossings:
        star = float(p.swap_at)  # type: ignore[arg-type]
        toward = 1e-7 if star > 40 else -1e-7
        before, after = _order_at(ruleset, star - toward), _order_at(ruleset, star + toward)
        assert before.index(p.above) < before.index(p.below)
        assert after.index(p.below) < after.index(p.above)


def test_order_export_gives_the_same_tipping_points() -> None:
    """jintai-orders counts February's export into the seed's own table: the same answers, to the fraction."""
    import json

    from .conftest import run_cli

    def tips(*args: str) -> dict:
        run = run_cli("sensitivity", *args, "--weight", "timeliness", "-f", "json")
        assert run.code == 0, run.err
        return json.loads(run.out)["weights"]["timeliness"]

    counted = tips("-r", "jintai-orders", "examples/jintai-orders-2024-02.csv", "--period", "2024-02")
    assert counted == tips("-r", "jintai-hotline", "examples/jintai-hotline-2024-02.csv")
    assert counted["order_stable"] == [29500 / 757, 93500 / 2307]


def test_list_membership_changes_at_a_tie(tmp_path: Path) -> None:
    """红榜 is the top 1, and a unit tied with the last one is on it too.  At w = 160/3 A and B both score
    68, so both are on the list: it changes at 160/3 itself (open end), while the sequential order,
    A first in the input, still holds there (closed end)."""
    body = TWO.replace("TIES", "sequential") + "lists:\n  - {id: red, label: 红榜, top: 1}\n"
    w = only(run(tmp_path, body, TWO_ROWS, "s1", "none"))
    red = w.lists_stable["red"]
    assert (red.lo, red.lo_closed, red.hi, red.hi_closed) == (F(160, 3), False, 100, True)
    assert (w.order_stable.lo, w.order_stable.lo_closed) == (F(160, 3), True)


def test_a_pair_already_equal_in_print_is_said_once() -> None:
    """区民政局 and 区退役军人事务局 have the same figures (1 due, 1 completed, 1 on time): no input needs to
    change, which the screen says in one line rather than "+0" for each of the six inputs."""
    from .conftest import run_cli

    run = run_cli(
        "sensitivity", "-r", "jintai-hotline@2024.02", "examples/jintai-hotline-2024-02.csv", "--weight", "timeliness"
    )
    assert run.code == 0, run.err
    assert run.out.count("already equal in print") == 1
    assert "应办结工单数 +0" not in run.out
