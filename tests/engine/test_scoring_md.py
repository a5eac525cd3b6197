"""The examples of SCORING.md, worked by hand in the comments and checked against the engine."""

from __future__ import annotations

import math

import pytest

from jixiao.engine import Scheme, explain
from jixiao.engine.testing import by_unit, run

# Unit X (category A) and Y (category B) with every rule type, bonus, penalty and trimming.
UNITS = [("X", "市公安局", "A"), ("Y", "市财政局", "B")]
VALUES = [
    ("X", "RESP", 90), ("X", "DAYS", 8), ("X", "EXEC", 95), ("X", "ONSITE", 1.5), ("X", "NEG", 2),
    ("X", "INNOV", 3), ("X", "REFORM", 4), ("X", "ACCIDENT", 2),
    ("Y", "RESP", 100), ("Y", "DAYS", 5), ("Y", "EXEC", 120), ("Y", "NEG", 0),
]
RATINGS = [
    *[("X", "LEAD", "superior", f"s{i}", s) for i, s in enumerate([70, 80, 90, 100])],
    ("X", "LEAD", "peer", "p0", 60),
    *[("Y", "LEAD", "superior", f"s{i}", s) for i, s in enumerate([90, 95, 100])],
    *[("Y", "LEAD", "peer", f"p{i}", s) for i, s in enumerate([80, 90])],
    *[("Y", "LEAD", "public", f"q{i}", s) for i, s in enumerate([70, 80, 90, 100, 60])],
]


def test_it_scores_unit_x_as_worked_by_hand(scoring_md: Scheme) -> None:
    r = run(scoring_md, UNITS, VALUES, RATINGS)
    x = by_unit(r)["X"]
    # Category A: all four CORE children apply. CORE 60 -> RESP 18, DAYS 12, EXEC 15, ONSITE 15.
    assert x["RESP"] == 9.0          # (90 - 80) / (100 - 80) = 0.5 of 18
    assert x["DAYS"] == 9.6          # (20 - 8) / (20 - 5) = 0.8 of 12
    assert x["EXEC"] == 14.25        # 95 / 100 of 15
    assert x["ONSITE"] == 9.0        # 1.5 h meets the <= 2 band: 0.6 of 15
    assert x["CORE"] == 41.85
    # LEAD: superior 70, 80, 90, 100 -> 4 > 2 x trim, drop 70 and 100 -> 85; peer 60 (one rating, no trim);
    # no public rating, so weights renormalise over superior 0.5 and peer 0.2: (42.5 + 12) / 0.7.
    lead = 30 * ((0.5 * 85 + 0.2 * 60) / 0.7) / 100
    assert x["LEAD"] == round(lead, 2) == 23.36
    assert x["NEG"] == 6.0           # 1 - 2 x 2 / 10 = 0.6 of 10
    # Bonus 3 + 4 = 7 capped at 5; penalty 2.
    total = 41.85 + lead + 6 + 5 - 2
    assert x["total"] == round(total, 2) == 74.21
    assert math.isclose(r.total[r.index_of("X")], total, rel_tol=1e-12)


def test_it_drops_an_inapplicable_indicator_and_shares_its_points(scoring_md: Scheme) -> None:
    r = run(scoring_md, UNITS, VALUES, RATINGS)
    y = by_unit(r)["Y"]
    # Category B: ONSITE is dropped, so RESP, DAYS, EXEC share CORE's 60 by 30:20:25 -> 24, 16, 20.
    assert y["ONSITE"] is None
    assert (y["RESP"], y["DAYS"], y["EXEC"]) == (24.0, 16.0, 20.0)  # EXEC 120/100 capped at 1
    # LEAD: superior 90, 95, 100 -> trim -> 95; peer 80, 90 (2 ratings, not more than 2) -> 85;
    # public 60..100 -> drop 60 and 100 -> 80. 0.5 x 95 + 0.2 x 85 + 0.3 x 80 = 88.5.
    assert y["LEAD"] == 26.55
    assert y["NEG"] == 10.0
    assert y["total"] == 96.55


def test_x_grade_follows_the_minimums(scoring_md: Scheme) -> None:
    r = run(scoring_md, UNITS, VALUES, RATINGS)
    assert by_unit(r)["X"]["grade"] == "合格"     # 74.21 reaches 60 but not 80
    # Y is alone in category B: floor(0.15 x 1) = 0 places for 优秀, so 96.55 falls to 良好.
    y = by_unit(r)["Y"]
    assert y["grade"] == "良好"
    assert y["flags"] == "quota:优秀"


def test_rank_is_within_the_category(scoring_md: Scheme) -> None:
    r = run(scoring_md, UNITS, VALUES, RATINGS)
    assert by_unit(r)["X"]["rank"] == 1
    assert by_unit(r)["Y"]["rank"] == 1


def test_a_missing_value_earns_zero_and_is_flagged(scoring_md: Scheme) -> None:
    values = [v for v in VALUES if v[:2] != ("X", "DAYS")]
    x = by_unit(run(scoring_md, UNITS, values, RATINGS))["X"]
    assert x["DAYS"] == 0.0
    assert x["RESP"] == 9.0   # points are not redistributed under `missing: zero`
    assert "missing:DAYS" in x["flags"]


def test_missing_exclude_treats_a_missing_indicator_as_inapplicable(scoring_md: Scheme) -> None:
    from dataclasses import replace

    scheme = replace(scoring_md, missing="exclude")
    values = [v for v in VALUES if v[:2] != ("X", "DAYS")]
    x = by_unit(run(scheme, UNITS, values, RATINGS))["X"]
    # RESP, EXEC, ONSITE share 60 by 30:25:25 -> 22.5, 18.75, 18.75.
    assert x["DAYS"] is None
    assert x["RESP"] == 11.25       # 0.5 of 22.5
    assert x["EXEC"] == 17.81       # 0.95 of 18.75 = 17.8125
    assert x["flags"] == "excluded:DAYS"


def test_a_rating_indicator_without_any_rating_is_missing(scoring_md: Scheme) -> None:
    r = run(scoring_md, UNITS, VALUES, [t for t in RATINGS if t[0] != "X"])
    x = by_unit(r)["X"]
    assert x["LEAD"] == 0.0
    assert "LEAD" in x["flags"]


def test_the_total_is_not_below_zero(scoring_md: Scheme) -> None:
    r = run(scoring_md, [("Z", "z", "B")], [("Z", "ACCIDENT", 50)])
    z = by_unit(r)["Z"]
    assert z["total"] == 0.0       # 0 tree points - min(50, cap 10) -> not below 0


def test_a_veto_caps_the_grade_and_takes_no_quota_place(scoring_md: Scheme) -> None:
    # 7 units of category B with high totals: floor(0.15 x 7) = 1 place for 优秀.
    units = [(f"U{i}", f"unit {i}", "B") for i in range(7)]
    values = []
    for i in range(7):
        values += [(f"U{i}", "RESP", 100 - i), (f"U{i}", "DAYS", 5), (f"U{i}", "EXEC", 100), (f"U{i}", "NEG", 0)]
    ratings = [(f"U{i}", "LEAD", "superior", "s", 100) for i in range(7)]
    values.append(("U0", "MAJOR", 1))    # the best unit is vetoed
    r = run(scoring_md, units, values, ratings)
    rows = by_unit(r)
    assert rows["U0"]["grade"] == "不合格"
    assert "veto:MAJOR" in rows["U0"]["flags"]
    assert rows["U0"]["rank"] == 1      # a veto caps the grade, not the rank
    assert rows["U1"]["grade"] == "优秀"  # the only place goes to the best unit not vetoed
    assert [rows[f"U{i}"]["grade"] for i in range(2, 7)] == ["良好"] * 5
    text = explain(r, "U0", "en")
    assert "Veto" in text


def test_a_vetoed_unit_takes_the_first_grade_from_the_veto_grade_down() -> None:
    from jixiao.engine import read_scheme_text

    scheme = read_scheme_text("""
id: v
name: V
tree: [{code: A, name: a, weight: 1, rule: {type: ratio, target: 100}}]
veto: {codes: [BAD], grade: 合格}
grades: [{name: 优秀, min: 90}, {name: 合格, min: 60}, {name: 不合格, min: 0}]
""")
    r = run(scheme, [("p", "p", "A"), ("q", "q", "A")], [("p", "A", 95), ("p", "BAD", 1), ("q", "A", 50),
                                                         ("q", "BAD", 2)])
    rows = by_unit(r)
    assert rows["p"]["grade"] == "合格"
    assert rows["q"]["grade"] == "不合格"


@pytest.mark.parametrize(("totals", "quota", "expected"), [
    # 20 units, 15%: 3 places; the 3rd and 4th tie at 91, so only 2 get the grade.
    ([99, 95] + [91, 91] + [85] * 16, 0.15, ["A", "A", "B", "B"] + ["B"] * 16),
    # No tie at the edge: exactly 3.
    ([99, 95, 93, 91] + [85] * 16, 0.15, ["A", "A", "A", "B"] + ["B"] * 16),
    # A tie entirely inside the quota is fine.
    ([99, 99, 93, 91] + [85] * 16, 0.15, ["A", "A", "A", "B"] + ["B"] * 16),
    # Everyone ties: nobody gets A.
    ([95] * 10, 0.5, ["B"] * 10),
    # Fewer candidates than places: all of them.
    ([95, 70, 70, 70], 1.0, ["A", "B", "B", "B"]),
])
def test_quota_ties_never_exceed_the_quota(totals: list[float], quota: float, expected: list[str]) -> None:
    import numpy as np

    from jixiao.engine.grading import GradeSpec, assign_grades

    g = assign_grades(np.array(totals, dtype=float), np.zeros(len(totals), dtype=np.int64),
                      [GradeSpec("A", 90, quota), GradeSpec("B", 0, None)], np.zeros(len(totals), dtype=np.int64))
    assert ["AB"[k] for k in g.grade] == expected


def test_ranks_share_the_best_rank_on_ties() -> None:
    import numpy as np

    from jixiao.engine.grading import rank_within

    totals = np.array([80, 90, 90, 70, 90.0000000000001, 60])
    pop = np.array([0, 0, 0, 0, 0, 1])
    # 90 and 90.0000000000001 are equal after float noise is cancelled; the other population ranks alone.
    assert rank_within(totals, pop).tolist() == [4, 1, 1, 5, 1, 1]


def test_explanations_read_in_both_languages(scoring_md: Scheme) -> None:
    r = run(scoring_md, UNITS, VALUES, RATINGS)
    zh = explain(r, "Y", "zh")
    en = explain(r, "Y", "en")
    assert "应急到场时间：不适用（仅适用于 A 类单位）" in zh
    assert "名额为 floor(0.15 × 1) = 0 个" in zh
    assert "应急到场时间: not applicable" in en
    assert "quota admits floor(0.15 x 1) = 0" in en
    assert "= 96.55" in zh
    assert "= 96.55" in en
    assert "去掉最高最低各 1 个" in zh


def test_trimming_drops_the_highest_and_lowest_rating_of_each_group(scoring_md: Scheme) -> None:
    # Asymmetric ratings, so that the trimmed mean differs from the plain one.
    ratings = [
        *[("X", "LEAD", "superior", f"s{i}", s) for i, s in enumerate([60, 85, 90, 100])],
        *[("X", "LEAD", "peer", f"p{i}", s) for i, s in enumerate([50, 90])],
        *[("X", "LEAD", "public", f"q{i}", s) for i, s in enumerate([30, 80, 85, 90])],
    ]
    r = run(scoring_md, UNITS, VALUES, ratings)
    x = by_unit(r)["X"]
    # superior: 4 > 2 ratings, drop 60 and 100 -> (85 + 90) / 2 = 87.5 (untrimmed 83.75);
    # peer: 2 ratings, not more than 2 x trim, so none dropped -> (50 + 90) / 2 = 70;
    # public: drop 30 and 90 -> (80 + 85) / 2 = 82.5 (untrimmed 71.25).
    # combined 0.5 x 87.5 + 0.2 x 70 + 0.3 x 82.5 = 43.75 + 14 + 24.75 = 82.5 -> f 0.825 of 30 = 24.75
    # (untrimmed: 41.875 + 14 + 21.375 = 77.25 -> 23.175).
    assert math.isclose(r.value[r.index_of("X"), [leaf.code for leaf in scoring_md.leaves].index("LEAD")], 82.5)
    assert x["LEAD"] == 24.75
    # total = CORE 41.85 + LEAD 24.75 + NEG 6 + bonus min(7, 5) - penalty 2 = 75.6
    assert x["total"] == 75.6


def test_trimming_two_from_each_end_takes_the_middle_ratings() -> None:
    from jixiao.engine import read_scheme_text

    scheme = read_scheme_text("""
id: t
name: T
tree: [{code: R, name: r, weight: 1, rule: {type: rating, scale: [0, 100], groups: {expert: 1}, trim: 2}}]
grades: [{name: ok, min: 0}]
""")
    ratings = [*[("p", "R", "expert", f"e{i}", s) for i, s in enumerate([10, 20, 30, 70, 100])],
               *[("q", "R", "expert", f"e{i}", s) for i, s in enumerate([10, 20, 30, 100])]]
    rows = by_unit(run(scheme, [("p", "p", "A"), ("q", "q", "A")], [], ratings))
    # p: 5 > 2 x 2 ratings: drop 10, 20 and 70, 100 -> 30 (trimming one from each end: 40; none: 46).
    assert rows["p"]["R"] == 30.0
    # q: 4 ratings are not more than 2 x 2: none dropped -> (10 + 20 + 30 + 100) / 4 = 40.
    assert rows["q"]["R"] == 40.0


def test_penalties_above_the_cap_cost_only_the_cap(scoring_md: Scheme) -> None:
    values = [v for v in VALUES if v[:2] != ("X", "ACCIDENT")] + [("X", "ACCIDENT", 12)]
    r = run(scoring_md, UNITS, values, RATINGS)
    x = by_unit(r)["X"]
    lead = 30 * ((0.5 * 85 + 0.2 * 60) / 0.7) / 100     # 23.357..., as in the first example
    # Penalty 12 capped at 10: 41.85 + 23.357 + 6 + 5 - 10 = 66.207 (uncapped: 64.207).
    assert x["total"] == round(41.85 + lead + 6 + 5 - 10, 2) == 66.21
    assert r.penalty_raw[r.index_of("X")] == 12
    assert r.penalty[r.index_of("X")] == 10
    assert "ACCIDENT 12 = 12 分，超过上限 10 分，计 10.00 分" in explain(r, "X", "zh")


def test_a_quota_admits_floor_of_q_times_n_despite_binary_rounding() -> None:
    import numpy as np

    from jixiao.engine.grading import GradeSpec, assign_grades

    # 0.29 x 100 is 28.999999999999996 in binary; the quota still admits 29 of 100 distinct totals.
    totals = np.arange(100, 0, -1, dtype=float)
    g = assign_grades(totals, np.zeros(100, dtype=np.int64), [GradeSpec("A", 0, 0.29), GradeSpec("B", 0, None)],
                      np.zeros(100, dtype=np.int64))
    assert int((g.grade == 0).sum()) == 29
    assert g.limits.tolist() == [[29, -1]]
