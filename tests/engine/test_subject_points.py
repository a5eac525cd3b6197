"""Points available per node for one subject, as the engine scores them (what a page shows before any result)."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from jixiao.engine import Scheme, quota_limit, read_scheme_text, subject_points

NESTED = read_scheme_text("""
id: n
name: N
tree:
  - code: G
    name: g
    weight: 1
    children:
      - {code: C1, name: c1, weight: 1, only: [A], rule: {type: ratio, target: 1}}
      - {code: C2, name: c2, weight: 3, only: [A, C], rule: {type: ratio, target: 1}}
  - {code: H, name: h, weight: 3, rule: {type: ratio, target: 1}}
grades: [{name: ok, min: 0}]
""")


def test_an_indicator_for_other_categories_is_dropped_and_its_siblings_share_its_points(scoring_md: Scheme) -> None:
    a = subject_points(scoring_md, "A")
    # CORE 60 split 30:20:25:25 -> 18, 12, 15, 15.
    assert a == {"CORE": (True, 60.0), "RESP": (True, 18.0), "DAYS": (True, 12.0), "EXEC": (True, 15.0),
                 "ONSITE": (True, 15.0), "LEAD": (True, 30.0), "NEG": (True, 10.0)}
    b = subject_points(scoring_md, "B")
    # Without ONSITE, CORE's 60 split 30:20:25 -> 24, 16, 20.
    assert b == {"CORE": (True, 60.0), "RESP": (True, 24.0), "DAYS": (True, 16.0), "EXEC": (True, 20.0),
                 "ONSITE": (False, 0.0), "LEAD": (True, 30.0), "NEG": (True, 10.0)}


def test_a_group_without_an_applicable_child_is_dropped_and_points_renormalise_at_every_level() -> None:
    # A: G 100 x 1/4 = 25 -> C1 25 x 1/4, C2 25 x 3/4; H 75.
    assert subject_points(NESTED, "A") == {"G": (True, 25.0), "C1": (True, 6.25), "C2": (True, 18.75),
                                           "H": (True, 75.0)}
    # C: only C2 applies within G, so it holds all of G's 25.
    assert subject_points(NESTED, "C") == {"G": (True, 25.0), "C1": (False, 0.0), "C2": (True, 25.0),
                                           "H": (True, 75.0)}
    # B: no child of G applies, so G is dropped and H holds the whole 100.
    assert subject_points(NESTED, "B") == {"G": (False, 0.0), "C1": (False, 0.0), "C2": (False, 0.0),
                                           "H": (True, 100.0)}


def test_under_missing_exclude_an_indicator_without_a_value_is_dropped(scoring_md: Scheme) -> None:
    scheme = replace(scoring_md, missing="exclude")
    present = {"RESP", "EXEC", "ONSITE", "NEG"}   # no DAYS value, and no LEAD rating
    pts = subject_points(scheme, "A", present)
    # Top level without LEAD: CORE 100 x 60/70, NEG 100 x 10/70; CORE shared 30:25:25 without DAYS.
    assert pts["LEAD"] == (False, 0.0)
    assert pts["DAYS"] == (False, 0.0)
    expected = {"CORE": 600 / 7, "NEG": 100 / 7, "RESP": 600 / 7 * 30 / 80, "EXEC": 600 / 7 * 25 / 80,
                "ONSITE": 600 / 7 * 25 / 80}
    for code, points in expected.items():
        assert pts[code][0]
        assert math.isclose(pts[code][1], points, rel_tol=1e-12)
    # With the LEAD rating present, only DAYS is dropped: RESP 60 x 30/80 = 22.5.
    assert subject_points(scheme, "A", present | {"LEAD"})["RESP"] == (True, 22.5)
    # A category that excludes ONSITE anyway, and group or unknown codes in `present` change nothing.
    assert subject_points(scheme, "B", present | {"LEAD", "CORE", "NOPE"})["RESP"] == (True, 60 * 30 / 55)


def test_under_missing_zero_a_missing_value_keeps_its_points(scoring_md: Scheme) -> None:
    assert subject_points(scoring_md, "A", present=()) == subject_points(scoring_md, "A")
    assert subject_points(scoring_md, "A", present=())["DAYS"] == (True, 12.0)


def test_all_present_is_the_default(scoring_md: Scheme) -> None:
    scheme = replace(scoring_md, missing="exclude")
    codes = [leaf.code for leaf in scheme.leaves]
    assert subject_points(scheme, "A") == subject_points(scheme, "A", codes) == subject_points(scoring_md, "A")


@pytest.mark.parametrize(("quota", "n", "limit"), [
    (0.29, 100, 29),      # 0.29 x 100 is 28.999999999999996 in binary
    (0.15, 20, 3),
    (0.15, 6, 0),
    (0.15, 7, 1),
    (1.0, 0, 0),
    (0.5, 9, 4),
    (0.57, 100, 57),      # 56.99999999999999 in binary
])
def test_a_quota_admits_floor_of_q_times_n(quota: float, n: int, limit: int) -> None:
    assert quota_limit(quota, n) == limit
