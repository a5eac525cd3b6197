"""Anonymity of raters: a rater group below k is never shown to the rated subject, and under ``exclude`` is left
out of the score (hand-worked on SCORING.md's scheme: LEAD has 30 points, superior 0.5, peer 0.2, public 0.3,
trim 1)."""

from __future__ import annotations

import math

import pytest

from jixiao.engine.errors import SchemeError
from jixiao.engine.explain import explain
from jixiao.engine.schemefile import read_scheme_text
from jixiao.engine.testing import SCORING_MD_SCHEME, by_unit, run

UNITS = [("U1", "甲局", "A")]
VALUES = [("U1", "RESP", 100.0), ("U1", "DAYS", 5.0), ("U1", "EXEC", 100.0), ("U1", "ONSITE", 1.0),
          ("U1", "NEG", 0.0)]
# superior: one rating (an open group); peer: two (below k = 3); public: four, 90 and 50 trimmed -> 75.
RATINGS = [("U1", "LEAD", "superior", "s1", 80.0), ("U1", "LEAD", "peer", "p1", 60.0),
           ("U1", "LEAD", "peer", "p2", 70.0),
           *[("U1", "LEAD", "public", f"c{i}", s) for i, s in enumerate([90.0, 50.0, 70.0, 80.0])]]


def scheme_with(anonymity: str = "") -> object:
    return read_scheme_text(SCORING_MD_SCHEME + anonymity)


def test_by_default_a_group_below_k_counts_in_the_score_but_is_not_shown() -> None:
    result = run(scheme_with(), UNITS, VALUES, RATINGS)
    # (0.5 x 80 + 0.2 x 65 + 0.3 x 75) / 1.0 = 75.5 -> 30 x 0.755 = 22.65, plus CORE 60 and NEG 10.
    assert math.isclose(by_unit(result)["U1"]["total"], 60 + 22.65 + 10, abs_tol=0.005)
    text = explain(result, "U1")
    assert "上级 80 分" in text
    assert "公众 75 分" in text
    assert "同级" not in text.split("LEAD 领导评价：")[1].split("计分规则")[0]
    assert "评价人数不足 3 人" in text


def test_exclude_leaves_a_group_below_k_out_of_the_score() -> None:
    result = run(scheme_with("anonymity: {k: 3, below: exclude}\n"), UNITS, VALUES, RATINGS)
    # (0.5 x 80 + 0.3 x 75) / 0.8 = 78.125 -> 30 x 0.78125 = 23.4375
    assert math.isclose(by_unit(result)["U1"]["total"], 60 + 23.4375 + 10, abs_tol=0.005)
    assert "评价人数不足 3 人" in explain(result, "U1")


def test_merge_pools_the_groups_below_k_and_shows_the_pool_once_it_reaches_k() -> None:
    ratings = [r for r in RATINGS if r[2] != "public"] + [("U1", "LEAD", "public", "c1", 40.0)]
    result = run(scheme_with("anonymity: {below: merge}\n"), UNITS, VALUES, ratings)
    text = explain(result, "U1")
    # peer 65 over 2 ratings and public 40 over 1: (65 x 2 + 40) / 3 = 56.67
    assert "其他评价人 56.67 分（3 人评）" in text
    assert "同级 65" not in text
    assert "公众 40" not in text


def test_a_larger_k_hides_a_group_that_k_3_shows() -> None:
    text = explain(run(scheme_with("anonymity: {k: 5}\n"), UNITS, VALUES, RATINGS), "U1")
    assert "公众 75" not in text
    assert "上级 80 分" in text


@pytest.mark.parametrize(("text", "where"), [
    ("anonymity: {k: 0}\n", "anonymity.k"),
    ("anonymity: {below: drop}\n", "anonymity.below"),
    ("anonymity: {open: superior}\n", "anonymity.open"),
    ("anonymity: {k: 3, size: 2}\n", "anonymity.size"),
])
def test_it_refuses_a_wrong_anonymity_rule_by_its_place(text: str, where: str) -> None:
    with pytest.raises(SchemeError) as err:
        scheme_with(text)
    assert any(p.startswith(where) for p in err.value.problems)


def test_anchors_are_kept_best_first_and_must_lie_on_the_scale() -> None:
    anchored = SCORING_MD_SCHEME.replace(
        "trim: 1}}", "trim: 1, anchors: [{score: 60, text: 两小时内到场}, {score: 100, text: 一小时内到场}]}}")
    scheme = read_scheme_text(anchored)
    rule = scheme.node("LEAD").rule
    assert rule is not None
    assert [(a.score, a.text) for a in rule.anchors] == [(100, "一小时内到场"), (60, "两小时内到场")]
    assert read_scheme_text(anchored) == scheme
    with pytest.raises(SchemeError) as err:
        read_scheme_text(SCORING_MD_SCHEME.replace("trim: 1}}", "trim: 1, anchors: [{score: 120, text: 超出}]}}"))
    assert any("outside the scale" in p for p in err.value.problems)


def test_rater_quality_names_a_lenient_rater_a_halo_and_one_far_from_everyone() -> None:
    import polars as pl

    from jixiao.engine.raters import rater_quality

    rows = []
    # Seven peers rate three units on three indicators; "easy" gives 0.95 everywhere (lenient and a halo),
    # the others rate near each other with some spread.
    base = {"U1": [0.6, 0.7, 0.5], "U2": [0.4, 0.5, 0.6], "U3": [0.7, 0.6, 0.8]}
    for rater, shift in (("a", 0.0), ("b", 0.02), ("c", -0.02), ("d", 0.01), ("e", -0.01), ("f", 0.03)):
        for unit, xs in base.items():
            rows += [(rater, unit, f"I{k}", "peer", x + shift) for k, x in enumerate(xs)]
    rows += [("easy", unit, f"I{k}", "peer", 0.95) for unit in base for k in range(3)]
    q = rater_quality(*zip(*rows, strict=True))
    flags = dict(zip(q["rater"].to_list(), q["flags"].to_list(), strict=True))
    assert flags["easy"] == ["lenient", "halo", "far"]
    assert all(flags[r] == [] for r in "abcdef")
    assert q.filter(pl.col("rater") == "easy")["ratings"].item() == 9
