"""A subject's total as lines that add up to it, and the reasons for its grade (``engine.explain.breakdown``):
worked by hand on the scheme of SCORING.md, and as properties for any data."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.engine import Breakdown, Line, Scheme, breakdown, flag_notes, read_scheme_text
from jixiao.engine.explain import round_half_up
from jixiao.engine.testing import by_unit, run, scoring_md_scheme

UNITS = [("X", "市公安局", "A"), ("Y", "市财政局", "B")]
VALUES = [
    ("X", "RESP", 90), ("X", "DAYS", 8), ("X", "EXEC", 95), ("X", "ONSITE", 1.5), ("X", "NEG", 2),
    ("X", "INNOV", 3), ("X", "REFORM", 4), ("X", "ACCIDENT", 2),
    ("Y", "RESP", 100), ("Y", "DAYS", 5), ("Y", "EXEC", 120), ("Y", "NEG", 0),
]
RATINGS = [
    *[("X", "LEAD", "superior", f"s{i}", s) for i, s in enumerate([70, 80, 90, 100])],
    ("X", "LEAD", "peer", "p0", 60),
]


def pairs(b: Breakdown) -> list[tuple[str, str, float]]:
    return [(ln.kind, ln.code, round(ln.points, 4)) for ln in b.lines]


def test_the_lines_of_unit_x_add_up_to_its_total_as_worked_by_hand(scoring_md: Scheme) -> None:
    b = breakdown(run(scoring_md, UNITS, VALUES, RATINGS), "X")
    lead = 30 * ((0.5 * 85 + 0.2 * 60) / 0.7) / 100  # 23.357...: see test_scoring_md
    # First-level nodes only (CORE's children are inside its 41.85); bonus 3 + 4 = 7 above the cap of 5: 2 taken
    # back; penalty 2 under its cap of 10.
    assert pairs(b) == [("node", "CORE", 41.85), ("node", "LEAD", round(lead, 4)), ("node", "NEG", 6.0),
                        ("bonus", "INNOV", 3.0), ("bonus", "REFORM", 4.0), ("bonus_cap", "", -2.0),
                        ("penalty", "ACCIDENT", -2.0)]
    assert math.isclose(sum(ln.points for ln in b.lines), b.total, abs_tol=1e-9)
    assert math.isclose(b.total, 41.85 + lead + 6 + 5 - 2, abs_tol=1e-9)
    assert [ln.available for ln in b.lines[:3]] == [60.0, 30.0, 10.0]
    assert b.lines[5].label("zh") == "加分超过上限 5 分的部分不计"
    assert b.lines[5].label("en") == "bonus above the cap of 5: not counted"
    assert b.notes == ()


def test_an_inapplicable_first_level_node_is_not_a_line() -> None:
    scheme = read_scheme_text("""
id: o
name: O
tree:
  - {code: A, name: 甲, weight: 1, rule: {type: ratio, target: 100}}
  - {code: B, name: 乙, weight: 3, only: [K], rule: {type: ratio, target: 100}}
grades: [{name: ok, min: 0}]
""")
    b = breakdown(run(scheme, [("u", "u", "L")], [("u", "A", 40)]), "u")
    assert pairs(b) == [("node", "A", 40.0)]  # B does not apply to category L: A holds all 100 points


def test_a_penalty_above_its_cap_is_given_back_and_a_total_below_zero_is_lifted_to_zero(scoring_md: Scheme) -> None:
    b = breakdown(run(scoring_md, [("Z", "z", "B")], [("Z", "ACCIDENT", 50)]), "Z")
    assert pairs(b) == [("node", "CORE", 0.0), ("node", "LEAD", 0.0), ("node", "NEG", 0.0),
                        ("penalty", "ACCIDENT", -50.0), ("penalty_cap", "", 40.0), ("floor", "", 10.0)]
    assert b.total == 0.0
    assert [ln.label("zh") for ln in b.lines[-2:]] == ["扣分超过上限 10 分的部分不扣", "总分不低于 0"]


def test_a_bonus_of_zero_is_no_line(scoring_md: Scheme) -> None:
    b = breakdown(run(scoring_md, [("Z", "z", "B")], [("Z", "INNOV", 0), ("Z", "REFORM", 1.5)]), "Z")
    assert [ln.code for ln in b.lines if ln.kind == "bonus"] == ["REFORM"]


def seven_units(extra: list[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    values: list[tuple[str, str, float]] = []
    for i in range(7):
        values += [(f"U{i}", "RESP", 100 - i), (f"U{i}", "DAYS", 5), (f"U{i}", "EXEC", 100), (f"U{i}", "NEG", 0)]
    return values + extra


def run_seven(scheme: Scheme, extra: list[tuple[str, str, float]], resp: dict[str, float] | None = None) -> Any:
    values = [(u, c, (resp or {}).get(u, v) if c == "RESP" else v) for u, c, v in seven_units(extra)]
    return run(scheme, [(f"U{i}", f"单位{i}", "B") for i in range(7)], values,
               [(f"U{i}", "LEAD", "superior", "s", 100) for i in range(7)])


def test_a_vetoed_unit_is_told_which_item_and_which_grade(scoring_md: Scheme) -> None:
    r = run_seven(scoring_md, [("U0", "MAJOR", 1)])
    b = breakdown(r, "U0")
    assert (b.rank, b.grade) == (1, "不合格")          # the best total, vetoed
    assert [(n.kind, n.grade, n.items) for n in b.notes] == [("veto", "不合格", (("MAJOR", 1.0),))]
    assert b.notes[0].text("zh") == "MAJOR：一票否决，等次定为「不合格」"
    assert b.notes[0].text("en") == "MAJOR: veto, so the grade is \u201c不合格\u201d"
    assert b.notes[0].label("zh") == "一票否决"
    # The total is still the sum of its lines: a veto caps the grade, not the points.
    assert math.isclose(sum(ln.points for ln in b.lines), b.total, abs_tol=1e-9)


def test_a_veto_names_a_count_other_than_one_and_says_how_far_the_grade_may_go() -> None:
    scheme = read_scheme_text("""
id: v
name: V
tree: [{code: A, name: a, weight: 1, rule: {type: ratio, target: 100}}]
veto: {codes: [BAD, WORSE], grade: 合格, names: {BAD: 严重违纪违法案件, WORSE: 重大安全责任事故}}
grades: [{name: 优秀, min: 90}, {name: 合格, min: 60}, {name: 不合格, min: 0}]
""")
    r = run(scheme, [("p", "p", "A"), ("q", "q", "A")],
            [("p", "A", 95), ("p", "BAD", 2), ("p", "WORSE", 1), ("q", "A", 50), ("q", "WORSE", 1)])
    assert breakdown(r, "p").notes[0].text("zh") == "严重违纪违法案件 2、重大安全责任事故：一票否决，等次定为「合格」"
    # q's total (50) is below 合格 anyway: the veto capped the grade at 合格, the total made it 不合格.
    q = breakdown(r, "q")
    assert q.grade == "不合格"
    assert q.notes[0].text("zh") == "重大安全责任事故：一票否决，等次最高为「合格」"


def test_a_unit_kept_out_of_a_full_quota_is_told_so(scoring_md: Scheme) -> None:
    r = run_seven(scoring_md, [])
    # floor(0.15 x 7) = 1 place for 优秀: U0 takes it; U1 (total >= 90) is kept out by the quota.
    assert by_unit(r)["U1"]["total"] >= 90
    b = breakdown(r, "U1")
    assert b.grade == "良好"
    assert [(n.kind, n.grade, n.limit, n.n, n.tie) for n in b.notes] == [("quota", "优秀", 1, 7, False)]
    assert b.notes[0].text("zh") == ("总分达到「优秀」的最低分 90，但该等次名额为 floor(0.15 × 7) = 1 个，"
                                     "已被总分更高的单位占满，因此未获评「优秀」")
    assert b.notes[0].label("zh") == "名额调整"
    assert breakdown(r, "U0").notes == ()


def test_units_tied_across_the_quotas_edge_are_told_of_the_tie(scoring_md: Scheme) -> None:
    # U0 and U1 tie on the best total: one place for two, so neither gets 优秀.
    r = run_seven(scoring_md, [], resp={"U1": 100})
    for code in ("U0", "U1"):
        b = breakdown(r, code)
        assert b.grade == "良好"
        assert [(n.kind, n.tie) for n in b.notes] == [("quota", True)]
        assert "并列者均不获该等次" in b.notes[0].text("zh")


def test_the_shown_lines_carry_the_rounding_so_they_add_up_to_the_shown_total() -> None:
    lines = tuple(Line("node", c, c, 0.335) for c in "ABC")  # 0.34 each as shown; 1.005 -> 1.01
    b = Breakdown("u", lines, 1.005, 1, "", ())
    shown = b.shown()
    assert [ln.points for ln in shown] == [0.34, 0.34, 0.34, -0.01]
    assert shown[-1].kind == "rounding"
    assert shown[-1].label("zh") == "各项四舍五入的尾差"
    assert Breakdown("u", (Line("node", "A", "A", 1.25),), 1.25, 1, "", ()).shown() == (Line("node", "A", "A", 1.25),)


def test_an_unknown_unit_is_a_key_error(scoring_md: Scheme) -> None:
    with pytest.raises(KeyError):
        breakdown(run(scoring_md, UNITS, VALUES, RATINGS), "NOPE")


@pytest.mark.parametrize(("flags", "zh", "en"), [
    ("", [], []),
    ("missing:RESP,DAYS", [], []),
    ("veto:MAJOR", ["一票否决"], ["veto"]),
    ("missing:RESP; veto:MAJOR; quota:优秀", ["一票否决", "名额调整"], ["veto", "quota"]),
    ("quota:优秀,良好", ["名额调整"], ["quota"]),
])
def test_the_flags_give_the_short_reasons(flags: str, zh: list[str], en: list[str]) -> None:
    assert flag_notes(flags, "zh") == zh
    assert flag_notes(flags, "en") == en


# Any data on the scheme of SCORING.md -----------------------------------------------------------------------

CODES = ("RESP", "DAYS", "EXEC", "ONSITE", "NEG", "INNOV", "REFORM", "ACCIDENT", "MAJOR")
RANGES = {"RESP": (0, 100), "DAYS": (0, 40), "EXEC": (0, 150), "ONSITE": (0, 5), "NEG": (0, 12),
          "INNOV": (0, 9), "REFORM": (0, 9), "ACCIDENT": (0, 30), "MAJOR": (0, 1)}


@st.composite
def populations(draw: st.DrawFn) -> tuple[list[Any], list[Any], list[Any]]:
    n = draw(st.integers(1, 9))
    units = [(f"U{i}", f"u{i}", draw(st.sampled_from("AB"))) for i in range(n)]
    values = []
    for u, _name, _cat in units:
        for code in CODES:
            if draw(st.booleans()):
                lo, hi = RANGES[code]
                whole = code in ("NEG", "MAJOR")
                v = float(draw(st.integers(lo, hi))) if whole else draw(st.floats(lo, hi).map(lambda x: round(x, 2)))
                values.append((u, code, v))
    ratings = [(u, "LEAD", g, f"{g}{k}", draw(st.floats(0, 100)))
               for u, _n, _c in units for g in ("superior", "peer", "public") for k in range(draw(st.integers(0, 3)))]
    return units, values, ratings


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(populations())
def test_the_lines_always_add_up_and_the_notes_follow_the_flags(pop: tuple[list[Any], list[Any], list[Any]]) -> None:
    scheme = scoring_md_scheme()
    r = run(scheme, *pop)
    rows = by_unit(r)
    for i, code in enumerate(r.population.codes.tolist()):
        b = breakdown(r, code)
        assert np.isclose(sum(ln.points for ln in b.lines), r.total[i], rtol=0, atol=1e-9)
        shown = b.shown()
        assert round(sum(ln.points for ln in shown), 9) == round_half_up(r.total[i])
        assert (b.rank, b.grade) == (rows[code]["rank"], rows[code]["grade"])
        flags = rows[code]["flags"]
        assert ("veto" in [n.kind for n in b.notes]) == ("veto:" in flags)
        quota = next((p.split(":", 1)[1] for p in flags.split("; ") if p.startswith("quota:")), "")
        assert [n.grade for n in b.notes if n.kind == "quota"] == [g for g in quota.split(",") if g]
