"""Fairness checks, with numbers worked by hand (the working is in the comments) and a few properties."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.engine.fairness import (
    KeptOut,
    Standing,
    ceiling,
    inflation,
    quota_pressure,
    rater_bias_summary,
    renewal,
    rotation,
)
from jixiao.engine.raters import rater_quality

NAN = math.nan
#: A unit's (code, total, grade) in a year.
Entry = tuple[str, float, str]

# Ceiling ------------------------------------------------------------------------------------------------------------


def test_ceiling_flags_an_indicator_most_units_max_out() -> None:
    # Five units, four indicators (NaN: does not apply).
    fractions = [
        [1.0, 1.0, 1.0, NAN],
        [1.0, 0.99999, 1.0, NAN],
        [0.999996, 0.5, NAN, NAN],
        [0.7, NAN, NAN, NAN],
        [0.3, 0.8, NAN, NAN],
    ]
    r, d, o, e = ceiling(["RESP", "DAYS", "ONSITE", "NONE"], ["诉求响应率", "审批平均时长", "应急到场时间", "无"],
                         fractions)
    # RESP: 5 apply; 1, 1 and 0.999996 (>= 0.999995) are full, so 3 / 5 = 0.6 >= 0.5: flagged.
    # mean = (1 + 1 + 0.999996 + 0.7 + 0.3) / 5 = 3.999996 / 5 = 0.7999992; deviations from 0.8 are
    # 0.2, 0.2, 0.2, -0.1, -0.5 -> squares 0.04 x 3 + 0.01 + 0.25 = 0.38, / 5 = 0.076, sd = sqrt(0.076) = 0.275681.
    assert (r.code, r.applicable, r.at_max, r.share_at_max, r.flag) == ("RESP", 5, 3, 0.6, True)
    assert r.mean == pytest.approx(0.7999992)
    assert r.sd == pytest.approx(0.275681, abs=1e-5)
    # DAYS: 4 apply; only the first is full (0.99999 < 0.999995): 1 / 4 = 0.25, not flagged.
    # mean = (1 + 0.99999 + 0.5 + 0.8) / 4 = 3.29999 / 4 = 0.8249975.
    assert (d.applicable, d.at_max, d.share_at_max, d.flag) == (4, 1, 0.25, False)
    assert d.mean == pytest.approx(0.8249975)
    # ONSITE: both units it applies to are full (share 1.0), but 2 units are too few to judge.
    assert (o.applicable, o.at_max, o.share_at_max, o.flag) == (2, 2, 1.0, False)
    # NONE applies to nobody: nothing to compute.
    assert (e.applicable, e.share_at_max, e.mean, e.sd, e.flag) == (0, None, None, None, False)


def test_ceiling_sentences_give_the_counts_and_the_share() -> None:
    r, d, e = ceiling(["R", "D", "E"], ["诉求响应率", "审批平均时长", "无"],
                      [[1.0, 1.0, NAN], [1.0, 0.2, NAN], [0.4, 0.6, NAN]])
    # R: 2 of 3 full = 66.67% (flagged); D: 1 of 3 = 33.33%.
    assert r.sentence() == "「诉求响应率」：3 个单位中 2 个（66.67%）得满分，已难以区分单位。"
    assert d.sentence() == "「审批平均时长」：3 个单位中 1 个（33.33%）得满分。"
    assert r.sentence("en") == '"诉求响应率": 2 of 3 units (66.67%) earned full points; it no longer tells units apart.'
    assert e.sentence() == "「无」：没有适用的单位。"


def test_ceiling_thresholds_are_keywords() -> None:
    # 2 of 3 full: 66.67% is below a share of 0.7; with full = 0.9, 0.95 counts too (3 of 3).
    (c,) = ceiling(["R"], ["R"], [[1.0], [1.0], [0.95]], share=0.7)
    assert not c.flag
    (c,) = ceiling(["R"], ["R"], [[1.0], [1.0], [0.95]], full=0.9)
    assert c.at_max == 3


def test_ceiling_refuses_a_matrix_of_the_wrong_shape() -> None:
    with pytest.raises(ValueError, match="one column per code"):
        ceiling(["A", "B"], ["a", "b"], [[1.0], [0.5]])


# Quota pressure -----------------------------------------------------------------------------------------------------

GRADES = [("优秀", 90, 0.34), ("良好", 80, None), ("合格", 60, None)]


def standings() -> list[Standing]:
    # A 类: 6 units, limit floor(0.34 x 6 = 2.04) = 2; 96.5 and 93.35 get 优秀, 92.5 and 91.2 reach 90 but are kept out.
    # B 类: 4 units, limit floor(0.34 x 4 = 1.36) = 1; the two 94s tie across the edge, so neither gets it.
    return [
        Standing("A1", "公安局", "A 类", 96.5, "优秀"),
        Standing("A2", "市场监督管理局", "A 类", 92.5, "良好", "优秀"),
        Standing("A3", "交通运输局", "A 类", 93.35, "优秀"),
        Standing("A4", "水务局", "A 类", 91.2, "良好", "优秀"),
        Standing("A5", "商务局", "A 类", 85.0, "良好"),
        Standing("A6", "林业局", "A 类", 72.0, "合格"),
        Standing("B1", "档案馆", "B 类", 94.0, "良好", "优秀"),
        Standing("B2", "地方志办", "B 类", 94.0, "良好", "优秀"),
        Standing("B3", "机关事务局", "B 类", 88.0, "良好"),
        Standing("B4", "接待办", "B 类", 61.0, "合格"),
    ]


def test_quota_pressure_by_hand() -> None:
    p = quota_pressure(standings(), GRADES)
    a, b = p.quotas
    # A 类: n 6, limit 2, given 2, kept 2, reached 4, pressure 4 / 2 = 2.0. Lowest given 93.35:
    # 93.35 - 92.5 = 0.85 and 93.35 - 91.2 = 2.15.
    assert (a.population, a.grade, a.n, a.limit, a.given, a.reached, a.pressure) == ("A 类", "优秀", 6, 2, 2, 4, 2.0)
    assert [(k.code, k.total, k.lowest, k.now) for k in a.kept_out] == [
        ("A2", 92.5, 93.35, "良好"), ("A4", 91.2, 93.35, "良好")]
    assert [k.gap for k in a.kept_out] == pytest.approx([0.85, 2.15])
    assert a.closest is not None
    assert a.closest.code == "A2"
    # B 类: n 4, limit 1, given 0, kept 2, reached 2, pressure 2 / 1 = 2.0; nobody got it, so no lowest and no gap.
    assert (b.n, b.limit, b.given, b.reached, b.pressure) == (4, 1, 0, 2, 2.0)
    assert [(k.code, k.lowest, k.gap) for k in b.kept_out] == [("B1", None, None), ("B2", None, None)]
    assert b.closest is None
    assert p.flag
    assert len(p.kept_out) == 4


def test_quota_pressure_sentences() -> None:
    p = quota_pressure(standings(), GRADES)
    a, b = p.quotas
    assert a.sentence() == ("「优秀」名额：A 类 6 个单位限 2 个，4 个达到 90 分，2 个因名额未获评，"
                            "最接近者「市场监督管理局」仅差 0.85 分。")
    assert b.sentence() == ("「优秀」名额：B 类 4 个单位限 1 个，2 个达到 90 分，2 个因名额未获评"
                            "（同分单位跨越名额边界，无人获评）。")
    assert p.sentence() == ("共 4 个单位因名额未获评（A 类「优秀」2 个、B 类「优秀」2 个），"
                            "最接近者「市场监督管理局」仅差 0.85 分。")
    assert p.sentence("en") == ('4 units were kept out by a quota (2 of "优秀" in A 类, 2 of "优秀" in B 类), '
                                'the closest ("市场监督管理局") by only 0.85.')
    assert p.unit_sentence("A2") == ("「市场监督管理局」总分 92.5，达到「优秀」分数线但因名额未获评，"
                                     "比获评者最低分 93.35 仅低 0.85 分，评为「良好」。")
    assert p.unit_sentence("B1") == ("「档案馆」总分 94，达到「优秀」分数线但因名额未获评（该等次无人获评），"
                                     "评为「良好」。")
    assert p.unit_sentence("A5") == "「商务局」总分 85，未因名额影响等次。"
    assert p.unit_sentence("A2", "en") == ('"市场监督管理局" (total 92.5) reached "优秀" but the quota kept it out: '
                                          '0.85 below the lowest total given it in A 类 (93.35); graded "良好".')
    with pytest.raises(KeyError):
        p.unit_sentence("Z9")


def test_quota_pressure_without_anyone_kept_out() -> None:
    # 5 units, limit floor(0.4 x 5) = 2; 95 and 91 reach 90 and both get it: pressure 2 / 2 = 1.0.
    rows = [Standing("a", "甲", "全市", 95, "优秀"), Standing("b", "乙", "全市", 91, "优秀"),
            Standing("c", "丙", "全市", 89.5, "良好"), Standing("d", "丁", "全市", 70, "合格"),
            Standing("e", "戊", "全市", 66, "合格")]
    p = quota_pressure(rows, [("优秀", 90, 0.4), ("良好", 80, None), ("合格", 60, None)])
    (q,) = p.quotas
    assert (q.limit, q.reached, q.given, q.pressure, q.kept_out) == (2, 2, 2, 1.0, ())
    assert not p.flag
    assert p.sentence() == "「优秀」名额：全市 5 个单位限 2 个，2 个达到 90 分，均已获评。"


def test_a_quota_with_no_place_has_no_pressure_ratio() -> None:
    # 3 units: floor(0.15 x 3 = 0.45) = 0 places; the 92 is kept out, nobody got it.
    rows = [Standing("a", "甲", "C 类", 92, "良好", "优秀"), Standing("b", "乙", "C 类", 81, "良好"),
            Standing("c", "丙", "C 类", 75, "合格")]
    (q,) = quota_pressure(rows, [("优秀", 90, 0.15), ("良好", 80, None), ("合格", 60, None)]).quotas
    assert (q.limit, q.reached, q.pressure) == (0, 1, None)
    assert q.sentence() == "「优秀」名额：C 类 3 个单位限 0 个，1 个达到 90 分，1 个因名额未获评。"


def test_quota_pressure_summary_names_the_tightest_quota_when_none_kept_out() -> None:
    # A 类: 1 reached for floor(0.5 x 2) = 1 place (pressure 1.0); B 类: 1 reached for floor(0.5 x 4) = 2 (0.5).
    rows = [Standing("c", "c", "B 类", 93, "优秀"), Standing("d", "d", "B 类", 85, "良好"),
            Standing("a", "a", "A 类", 95, "优秀"), Standing("b", "b", "A 类", 80, "良好"),
            Standing("e", "e", "B 类", 84, "良好"), Standing("f", "f", "B 类", 83, "良好")]
    p = quota_pressure(rows, [("优秀", 90, 0.5), ("良好", 0, None)])
    assert [q.pressure for q in p.quotas] == [1.0, 0.5]
    assert p.sentence() == "没有单位因名额未获评，最紧的是 A 类「优秀」：1 个达到 90 分，限 1 个。"


def test_quota_pressure_refuses_a_unit_kept_out_of_a_grade_without_quota() -> None:
    with pytest.raises(ValueError, match="not a grade with a quota"):
        quota_pressure([Standing("a", "甲", "全市", 85, "合格", "良好")], GRADES)


def test_quota_pressure_does_not_depend_on_row_order() -> None:
    rows = standings()
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    assert quota_pressure(rows, GRADES).quotas == quota_pressure(shuffled, GRADES).quotas


def test_a_kept_out_unit_without_a_grade_says_so_plainly() -> None:
    k = KeptOut("x", "某局", "全市", "优秀", 90.0, 91.0, 1.0, "")
    assert k.sentence() == "「某局」总分 90，达到「优秀」分数线但因名额未获评，比获评者最低分 91 仅低 1 分。"


# Inflation ----------------------------------------------------------------------------------------------------------

LEVELS = ["优秀", "良好", "合格", "不合格"]


def grades_of(counts: tuple[int, int, int, int]) -> list[str]:
    out = [g for g, n in zip(LEVELS, counts, strict=True) for _ in range(n)]
    random.Random(sum(counts)).shuffle(out)  # any order
    return out


def test_inflation_by_hand() -> None:
    history = {
        2025: grades_of((7, 12, 6, 1)),   # 7 / 26 = 0.269231
        2022: grades_of((3, 9, 7, 1)),    # 3 / 20 = 0.15, top two 12 / 20 = 0.60
        2023: grades_of((4, 9, 6, 1)),    # 4 / 20 = 0.20: +5 points, exactly the threshold
        2024: grades_of((11, 17, 10, 2)),  # 11 / 40 = 0.275: +7.5 points
    }
    r = inflation(history, LEVELS)
    assert [y.year for y in r.years] == [2022, 2023, 2024, 2025]
    y22 = r.years[0]
    assert (y22.n, y22.counts) == (20, (3, 9, 7, 1))
    assert y22.shares == pytest.approx((0.15, 0.45, 0.35, 0.05))
    assert (y22.top, y22.top_two) == pytest.approx((0.15, 0.60))
    assert [y.top for y in r.years] == pytest.approx([0.15, 0.20, 0.275, 7 / 26])
    # Jumps of at least 0.05: 2022->2023 (0.05) and 2023->2024 (0.075); 2024->2025 falls (0.2692 - 0.275 < 0).
    assert [(j.previous, j.year) for j in r.jumps] == [(2022, 2023), (2023, 2024)]
    assert [j.change for j in r.jumps] == pytest.approx([0.05, 0.075])
    # 26.92% is not above 30%.
    assert not r.too_high
    assert r.flag
    assert r.sentence() == ("「优秀」占比从 2022 年的 15.00% 升至 2025 年的 26.92%，"
                            "2023 至 2024 年一年上升 7.5 个百分点，提示等次膨胀。")
    assert r.sentence("en") == ('The share of "优秀" rose from 15.00% in 2022 to 26.92% in 2025, '
                                "up 7.5 points from 2023 to 2024: a sign of grade inflation.")


def test_inflation_flags_a_high_latest_share_without_a_jump() -> None:
    # 8 / 25 = 0.32 both years: no rise, but 32% > 30%.
    r = inflation({2024: grades_of((8, 10, 7, 0)), 2025: grades_of((8, 12, 5, 0))}, LEVELS)
    assert r.jumps == ()
    assert r.too_high
    assert r.flag
    assert r.sentence() == "「优秀」占比 2024 年和 2025 年均为 32.00%，2025 年已超过 30%，提示等次膨胀。"
    # One year alone: 1 / 3 = 33.33% > 30%.
    one = inflation({2024: ["良好", "优秀", "合格"]}, LEVELS)
    assert one.sentence() == "「优秀」占比 2024 年为 33.33%，已超过 30%，提示等次膨胀。"


def test_inflation_quiet_history_is_not_flagged() -> None:
    # 0.15 -> 0.18 (+3 points) -> 0.16; latest 16% <= 30%. An empty year is left out.
    r = inflation({2021: [], 2022: grades_of((3, 9, 7, 1)), 2023: grades_of((9, 25, 14, 2)),
                   2024: grades_of((4, 12, 8, 1))}, LEVELS)
    assert [y.year for y in r.years] == [2022, 2023, 2024]
    assert not r.flag
    assert r.sentence() == "「优秀」占比从 2022 年的 15.00% 升至 2024 年的 16.00%，未见等次膨胀。"
    # With a threshold of 3 points the rise 2022 -> 2023 (0.18 - 0.15 = 0.03) counts.
    assert inflation({2022: grades_of((3, 9, 7, 1)), 2023: grades_of((9, 25, 14, 2))}, LEVELS, rise=0.03).flag


def test_inflation_names_the_earliest_of_equal_jumps() -> None:
    # 0.15 -> 0.20 -> 0.25: two rises of 5 points (0.05000000000000002 and 0.04999999999999999 in floating point).
    r = inflation({2022: grades_of((3, 9, 7, 1)), 2023: grades_of((4, 9, 6, 1)), 2024: grades_of((5, 9, 5, 1))},
                  LEVELS)
    assert len(r.jumps) == 2
    assert r.sentence() == ("「优秀」占比从 2022 年的 15.00% 升至 2024 年的 25.00%，"
                            "2022 至 2023 年一年上升 5 个百分点，提示等次膨胀。")


def test_inflation_refuses_an_unknown_grade() -> None:
    with pytest.raises(ValueError, match="2024: grade '特优'"):
        inflation({2024: ["优秀", "特优"]}, LEVELS)


@given(st.dictionaries(st.integers(2000, 2030), st.lists(st.sampled_from(LEVELS), max_size=30), max_size=6))
def test_inflation_shares_sum_to_one_each_year(history: dict[int, list[str]]) -> None:
    r = inflation(history, LEVELS)
    for y in r.years:
        assert sum(y.shares) == pytest.approx(1.0)
        assert sum(y.counts) == y.n
        assert y.top <= y.top_two <= 1.0 + 1e-12
    assert r.flag == (bool(r.jumps) or r.too_high)


# Rotation -----------------------------------------------------------------------------------------------------------

# Six units whose totals keep the same order every year (A > B > C > D > E > F), the top grade rotating in pairs.
STABLE = {
    2022: {"A": 95.2, "B": 93.1, "C": 91.4, "D": 89.0, "E": 86.5, "F": 84.3},
    2023: {"A": 95.8, "B": 92.7, "C": 91.9, "D": 88.6, "E": 86.1, "F": 83.9},
    2024: {"A": 94.9, "B": 93.5, "C": 90.8, "D": 89.3, "E": 87.2, "F": 85.0},
    2025: {"A": 96.1, "B": 92.2, "C": 91.0, "D": 88.1, "E": 85.7, "F": 84.6},
}
TURNS = {2022: "AB", 2023: "CD", 2024: "EF", 2025: "AB"}


def test_rotation_classic_pattern_is_flagged() -> None:
    history = {y: [(c, t, "优秀" if c in TURNS[y] else "良好") for c, t in totals.items()]
               for y, totals in STABLE.items()}
    r = rotation(history, top="优秀")
    # Each pair: last year's two holders both lose it (observed 2 / 2 = 1.0); by totals the two best are A and B
    # every year, so nobody should have lost it (0 / 2 = 0.0). Mean excess (1 + 1 + 1) / 3 - 0 = 1.0 >= 0.25.
    assert [(t.previous, t.year, t.observed, t.by_totals) for t in r.turnover] == [
        (2022, 2023, 1.0, 0.0), (2023, 2024, 1.0, 0.0), (2024, 2025, 1.0, 0.0)]
    assert (r.mean_observed, r.mean_by_totals, r.mean_excess) == (1.0, 0.0, 1.0)
    # k = 2 each year, the 2nd highest total is B's; C and D (2023) and E and F (2024) held it below that:
    # ranks 3, 4 and 5, 6.
    assert [(u.year, u.code, u.total, u.rank) for u in r.unexplained] == [
        (2023, "C", 91.9, 3), (2023, "D", 88.6, 4), (2024, "E", 87.2, 5), (2024, "F", 85.0, 6)]
    # A and B held it in 2022 and 2025, the others once.
    assert r.holders == (("A", 2), ("B", 2), ("C", 1), ("D", 1), ("E", 1), ("F", 1))
    assert r.flag
    assert r.sentence() == ("2022—2025 年「优秀」每年平均更换 100.00%，按总分只应更换 0.00%；6 个单位轮流获评，"
                            "有 4 次获评单位的总分低于未获评单位，超出总分所能解释的部分提示轮流坐庄。")
    assert r.sentence("en").startswith('In 2022-2025, "优秀" changed hands 100.00% a year on average where the totals')


def test_rotation_that_follows_the_totals_is_not_flagged() -> None:
    # The totals themselves move and the top two by total get 优秀:
    # 2022: A 95, B 93 | C 90, D 88, E 85        -> A, B
    # 2023: C 96, A 94 | B 92, D 89, E 80        -> C, A: observed {A, B} - {C, A} = {B}: 1 / 2; by totals the same
    # 2024: C 95.5, D 93 | A 91, B 90, E 82      -> C, D: observed {C, A} - {C, D} = {A}: 1 / 2; by totals the same
    history: dict[int, list[Entry]] = {
        2022: [("A", 95, "优秀"), ("B", 93, "优秀"), ("C", 90, "良好"), ("D", 88, "良好"), ("E", 85, "合格")],
        2023: [("C", 96, "优秀"), ("A", 94, "优秀"), ("B", 92, "良好"), ("D", 89, "良好"), ("E", 80, "合格")],
        2024: [("C", 95.5, "优秀"), ("D", 93, "优秀"), ("A", 91, "良好"), ("B", 90, "良好"), ("E", 82, "合格")],
    }
    r = rotation(history, top="优秀")
    assert [(t.observed, t.by_totals) for t in r.turnover] == [(0.5, 0.5), (0.5, 0.5)]
    assert (r.mean_observed, r.mean_by_totals, r.mean_excess) == (0.5, 0.5, 0.0)
    assert r.unexplained == ()
    assert r.holders == (("A", 2), ("C", 2), ("B", 1), ("D", 1))
    assert not r.flag
    assert r.sentence() == ("2022—2024 年「优秀」每年平均更换 50.00%，按总分应更换 50.00%；"
                            "4 个单位先后获评，变化与总分一致。")
    assert r.sentence("en") == ('In 2022-2024, "优秀" changed hands 50.00% a year on average against 50.00% by the '
                                "totals; 4 units held it and the changes follow the totals.")


def test_rotation_breaks_edge_ties_by_code_and_flags_a_lower_total() -> None:
    # 2023: A 92, B 92, C 90; B holds it (k = 1). By totals: the 92s tie, A comes first by code, T = {A}.
    #       B's 92 equals the 1st highest total, so it is not unexplained.
    # 2024: D 95 (new), A 93, B 91, C 90; D holds it, T = {D}. Observed {B} lost: 1.0; by totals {A} lost: 1.0.
    # 2025: A 94, B 91, D 90 (C gone); D holds it, T = {A}. Observed {D} kept: 0.0; by totals {D} lost: 1.0.
    #       D's 90 is below the 1st highest (94): unexplained, rank 3.
    # Means over the 2 pairs: observed 0.5, by totals 1.0, excess (0 + -1) / 2 = -0.5: not beyond the totals,
    # flagged for the unexplained holder.
    history: dict[int, list[Entry]] = {
        2023: [("A", 92, "良好"), ("B", 92, "优秀"), ("C", 90, "良好")],
        2024: [("D", 95, "优秀"), ("A", 93, "良好"), ("B", 91, "良好"), ("C", 90, "良好")],
        2025: [("A", 94, "良好"), ("B", 91, "良好"), ("D", 90, "优秀")],
    }
    r = rotation(history, top="优秀")
    assert [(t.observed, t.by_totals) for t in r.turnover] == [(1.0, 1.0), (0.0, 1.0)]
    assert r.mean_excess == -0.5
    assert [(u.year, u.code, u.rank) for u in r.unexplained] == [(2025, "D", 3)]
    assert not r.beyond_totals
    assert r.flag
    assert r.sentence() == ("2023—2025 年「优秀」每年平均更换 50.00%，按总分应更换 100.00%，"
                            "但有 1 次获评单位的总分低于未获评单位，等次与总分不符。")
    assert r.sentence("en") == ('In 2023-2025, "优秀" changed hands 50.00% a year on average against 100.00% by the '
                                "totals, but 1 holder had a lower total than a unit without it: the grade does not "
                                "follow them.")


def test_rotation_counts_only_units_present_in_both_years() -> None:
    # 2022: A holds it; A is gone in 2023, so no holder of 2022 can be followed: both turnovers None.
    # Two years are fewer than min_years = 3: never flagged.
    r = rotation({2022: [("A", 95, "优秀"), ("B", 90, "良好")], 2023: [("B", 91, "优秀"), ("C", 85, "良好")]},
                 top="优秀")
    assert [(t.observed, t.by_totals) for t in r.turnover] == [(None, None)]
    assert r.mean_excess is None
    assert not r.flag
    assert r.sentence() == "仅有 2 年记录（少于 3 年），不判断「优秀」是否轮流坐庄。"
    # With min_years = 2 there is still nothing to compare.
    r2 = rotation({2022: [("A", 95, "优秀"), ("B", 90, "良好")], 2023: [("B", 91, "优秀"), ("C", 85, "良好")]},
                  top="优秀", min_years=2)
    assert not r2.flag
    assert r2.sentence() == "2022—2023 年「优秀」的获评单位无法逐年比较。"


def test_rotation_refuses_a_unit_twice_in_a_year() -> None:
    with pytest.raises(ValueError, match="2024: unit 'A' appears more than once"):
        rotation({2024: [("A", 90, "优秀"), ("A", 80, "良好")]}, top="优秀")


@st.composite
def graded_by_totals(draw: st.DrawFn) -> dict[int, list[Entry]]:
    """Histories whose top grade goes to the k best totals each year (distinct totals)."""
    history = {}
    for year in draw(st.lists(st.integers(2015, 2030), min_size=1, max_size=6, unique=True)):
        codes = draw(st.lists(st.sampled_from("ABCDEFGH"), min_size=1, max_size=8, unique=True))
        totals = draw(st.lists(st.integers(0, 1000), min_size=len(codes), max_size=len(codes), unique=True))
        k = draw(st.integers(0, len(codes)))
        best = set(sorted(codes, key=lambda c: -totals[codes.index(c)])[:k])
        history[year] = [(c, t / 10, "优秀" if c in best else "良好") for c, t in zip(codes, totals, strict=True)]
    return history


@given(graded_by_totals())
def test_grades_that_follow_the_totals_never_look_like_rotation(history: dict[int, list[Entry]]) -> None:
    r = rotation(history, top="优秀")
    assert r.unexplained == ()
    assert all(t.observed == t.by_totals for t in r.turnover)
    assert r.mean_excess in (None, 0.0)
    assert not r.flag


# Renewal ------------------------------------------------------------------------------------------------------------

LAST = [("A", "诉求响应率", "linear 80-100"), ("B", "审批平均时长", "linear 20-5"), ("C", "预算执行率", "ratio 100"),
        ("D", "领导评价", "rating"), ("E", "负面清单", "deduction 2")]


def test_renewal_by_hand() -> None:
    this = [("A", "诉求响应率", "linear 80-100"),        # same
            ("B", "审批平均时长", "linear 15-3"),         # rule changed
            ("C", "预算执行进度", "ratio 100"),           # name changed
            ("D", "领导评价", "rating"),                   # same
            ("F", "12345 热线办结率", "ratio 100"),      # new
            ("G", "营商环境评价", "points")]               # new
    r = renewal(LAST, this)
    # Renewed B, C, F, G: 4 / 6 = 0.6667 >= 0.15. E is gone.
    assert (r.total, r.renewed, r.added, r.changed, r.dropped) == (6, ("B", "C", "F", "G"), ("F", "G"), ("B", "C"),
                                                                   ("E",))
    assert r.share == pytest.approx(4 / 6)
    assert not r.flag
    assert r.sentence() == ("今年 6 项指标中 4 项为新增或调整（66.67%），达到每年更新 15% 的要求；"
                            "去年的 1 项指标已取消。")


def test_renewal_below_the_minimum_is_flagged() -> None:
    # 20 indicators, 2 with a changed rule: 2 / 20 = 10% < 15%.
    last = [(f"I{i}", f"指标{i}", "ratio 100") for i in range(20)]
    this = [(c, n, "ratio 90" if i < 2 else rule) for i, (c, n, rule) in enumerate(last)]
    r = renewal(last, this)
    assert (len(r.renewed), r.share, r.flag) == (2, 0.1, True)
    assert r.sentence() == "今年 20 项指标中 2 项为新增或调整（10.00%），低于每年更新 15% 的要求。"
    assert r.sentence("en") == ("2 of this year's 20 indicators are new or changed (10.00%), below the yearly "
                                "renewal of 15%.")
    # 3 / 20 = 15% exactly meets it.
    this3 = [(c, n, "ratio 90" if i < 3 else rule) for i, (c, n, rule) in enumerate(last)]
    assert not renewal(last, this3).flag
    assert renewal(last, this3, minimum=0.2).flag


def test_renewal_of_an_empty_scheme_and_duplicates() -> None:
    r = renewal(LAST, [])
    assert (r.share, r.flag, len(r.dropped)) == (None, False, 5)
    assert r.sentence() == "今年没有指标。"
    with pytest.raises(ValueError, match="'A' appears more than once"):
        renewal(LAST, [("A", "a", "x"), ("A", "a", "y")])


indicator = st.tuples(st.sampled_from("ABCDEFGHIJ"), st.sampled_from(["甲", "乙"]), st.sampled_from(["r1", "r2"]))


@given(st.lists(indicator, max_size=10, unique_by=lambda t: t[0]), st.lists(indicator, max_size=10,
                                                                            unique_by=lambda t: t[0]))
def test_renewal_share_stays_between_zero_and_one(last: list[tuple[str, str, str]],
                                                  this: list[tuple[str, str, str]]) -> None:
    r = renewal(last, this)
    assert r.share is None or 0.0 <= r.share <= 1.0
    assert set(r.renewed) == set(r.added) | set(r.changed)
    assert not set(r.added) & set(r.changed)
    assert r.flag == (r.share is not None and r.share < 0.15)


# Rater bias ---------------------------------------------------------------------------------------------------------


def test_rater_bias_summary_by_hand() -> None:
    # One subject, three indicators. Peers r1..r4 (4 per cell, so d = x - (S - x) / 3 = (4x - S) / 3):
    #   I1: 0.84, 0.60, 0.50, 0.48 (S 2.42)   I2: 0.74, 0.50, 0.50, 0.38 (S 2.12)   I3: 0.64, 0.40, 0.50, 0.28 (S 1.82)
    # bias = (4 mean(x) - mean(S)) / 3 with mean(S) = 2.12:
    #   r1 (4 x 0.74 - 2.12) / 3 = 0.28 (lenient), r2 and r3 (2.00 - 2.12) / 3 = -0.04, r4 (1.52 - 2.12) / 3 = -0.20
    #   (severe). r3 gives 0.5 for everything: spread 0, a halo.
    # Public p1, p2 (2 per cell, d = x - the other's): p1 0.02, -0.04, 0.05 (bias 0.01), p2 the opposite.
    # Mean |d|: r1 (0.313333 + 0.28 + 0.246667) / 3 = 0.28, r2 (0.006667 + 0.04 + 0.073333) / 3 = 0.04,
    # r3 (0.14 + 0.04 + 0.06) / 3 = 0.08, r4 (0.166667 + 0.2 + 0.233333) / 3 = 0.2, p1 = p2 = 0.11 / 3 = 0.036667;
    # median of the six (0.04 + 0.08) / 2 = 0.06, so r1 is 0.28 / 0.06 = 4.67 and r4 0.2 / 0.06 = 3.33 times as far
    # as the typical rater: both above 3, far.
    marks = {"r1": [0.84, 0.74, 0.64], "r2": [0.60, 0.50, 0.40], "r3": [0.50, 0.50, 0.50], "r4": [0.48, 0.38, 0.28],
             "p1": [0.72, 0.61, 0.55], "p2": [0.70, 0.65, 0.50]}
    rater, indicator_, group, x = [], [], [], []
    for who, xs in marks.items():
        for ind, v in zip(["I1", "I2", "I3"], xs, strict=True):
            rater.append(who)
            indicator_.append(ind)
            group.append("public" if who.startswith("p") else "peer")
            x.append(v)
    q = rater_quality(rater, ["U1"] * len(x), indicator_, group, x)
    assert dict(q.select("rater", "bias").rows()) == pytest.approx(
        {"p1": 0.01, "p2": -0.01, "r1": 0.28, "r2": -0.04, "r3": -0.04, "r4": -0.2})
    s = rater_bias_summary(q)
    assert (s.raters, s.lenient, s.severe, s.halo, s.far, s.flag) == (6, 1, 1, 1, 2, True)
    assert [(g.group, g.raters, g.lenient, g.severe, g.halo, g.far) for g in s.groups] == [
        ("peer", 4, 1, 1, 1, 2), ("public", 2, 0, 0, 0, 0)]
    assert s.most_lenient is not None
    assert s.most_severe is not None
    assert (s.most_lenient.rater, s.most_lenient.group) == ("r1", "peer")
    assert s.most_lenient.percent == pytest.approx(28.0)
    assert s.most_severe.rater == "r4"
    assert s.most_severe.bias == pytest.approx(-0.2)
    assert s.sentence() == ("6 名评价人中 1 人偏松、1 人偏严、1 人光环效应、2 人明显偏离他人（偏差以 ±10% 为界）；"
                            "最偏松者高出他人平均 28.00%，最偏严者低于他人平均 20.00%。")
    assert s.sentence("en") == ("Of 6 raters, 1 lenient, 1 severe, 1 with a halo, 2 far from the others (lenient or "
                                "severe beyond 10% of the scale); the most lenient is 28.00% above the others' mean, "
                                "the most severe 20.00% below.")


def test_rater_bias_summary_of_no_raters() -> None:
    s = rater_bias_summary(rater_quality([], [], [], [], []))
    assert (s.raters, s.flag, s.most_lenient, s.most_severe, s.groups) == (0, False, None, None, ())
    assert s.sentence() == "没有评价人。"


def test_rater_bias_summary_refuses_another_table() -> None:
    import polars as pl

    with pytest.raises(ValueError, match="no column 'bias'"):
        rater_bias_summary(pl.DataFrame({"rater": ["a"], "group": ["g"]}))


def test_sentences_accept_only_zh_or_en() -> None:
    with pytest.raises(ValueError, match="lang must be"):
        renewal([], [("A", "a", "x")]).sentence("fr")  # type: ignore[arg-type]
