"""Every rule in plain words, in both languages, with the effective (possibly negotiated) floor and target."""

from __future__ import annotations

import pytest

from jixiao.engine import rule_text
from jixiao.engine.scheme import Band, Rule

LINEAR = Rule("linear", floor=80, target=100)
DAYS = Rule("linear", direction="lower", floor=20, target=5)
BANDS = Rule("bands", direction="lower", bands=(Band(1, 1.0), Band(2, 0.6)), otherwise=0.1)
RATING = Rule("rating", scale=(0, 100), groups=(("superior", 0.5), ("peer", 0.2), ("public", 0.3)), trim=1)


@pytest.mark.parametrize(("rule", "unit", "zh", "en"), [
    (None, None, "下级指标得分之和。", "Sum of the points of the indicators below."),
    (LINEAR, "%", "100% 及以上得满分，80% 及以下不得分，其间按比例计分。",
     "Full points at 100% or more, none at 80% or less, in proportion between."),
    (DAYS, "天", "5 天 及以下得满分，20 天 及以上不得分，其间按比例计分。",
     "Full points at 5 天 or less, none at 20 天 or more, in proportion between."),
    (Rule("ratio", target=100), None, "按 实际值 / 目标值 计分：达到 100 得满分。",
     "Points in proportion to value / target: 100 earns full points."),
    (Rule("ratio", direction="lower", target=0.2), "%", "按 目标值 / 实际值 计分：0.2% 及以下得满分。",
     "Points in proportion to target / value: 0.2% or less earns full points."),
    (Rule("threshold", target=95, partial=0.25), "%", "达到 95% 得满分，否则得 25% 的分值。",
     "Full points at 95% or more; otherwise 25% of the points."),
    (Rule("threshold", direction="lower", target=3), "起", "不高于 3 起 得满分，否则得 0% 的分值。",
     "Full points at 3 起 or less; otherwise 0% of the points."),
    (BANDS, "小时", "分档计分：≤ 1 小时: 100%；≤ 2 小时: 60%；其余 10%。",
     "Steps: ≤ 1 小时: 100%; ≤ 2 小时: 60%; otherwise 10%."),
    (Rule("bands", bands=(Band(90, 1.0), Band(75.5, 0.5))), None, "分档计分：≥ 90: 100%；≥ 75.5: 50%；其余 0%。",
     "Steps: ≥ 90: 100%; ≥ 75.5: 50%; otherwise 0%."),
    (Rule("deduction", per=2.5), None, "每发生一次扣 2.5 分，扣完为止。", "Loses 2.5 points per incident, down to 0."),
    (RATING, None,
     "按评价主体加权的平均评分，分值 0–100（上级 50%、同级 20%、公众 30%）；各组去掉 1 个最高分和最低分。",
     "Mean rating on a scale of 0 to 100, by rater group (superiors 50%, peers 20%, public 30%); "
     "the 1 highest and lowest ratings of each group are dropped."),
    (Rule("rating", scale=(1, 5), groups=(("expert", 3.0), ("panel_b", 1.0))), None,
     "按评价主体加权的平均评分，分值 1–5（专家 75%、panel_b 25%）。",
     "Mean rating on a scale of 1 to 5, by rater group (experts 75%, panel_b 25%)."),
    (Rule("points"), None, "由专家评定得分：填报值即得分。",
     "Points awarded by an expert: the value is the points earned."),
])
def test_each_rule_reads_in_chinese_and_english(rule: Rule | None, unit: str | None, zh: str, en: str) -> None:
    assert rule_text(rule, unit) == zh
    assert rule_text(rule, unit, lang="zh") == zh
    assert rule_text(rule, unit, lang="en") == en


def test_a_negotiated_floor_and_target_replace_the_schemes() -> None:
    assert rule_text(LINEAR, "%", floor=70, target=90, lang="en") == \
        "Full points at 90% or more, none at 70% or less, in proportion between."
    assert rule_text(Rule("ratio", target=100), None, target=120) == "按 实际值 / 目标值 计分：达到 120 得满分。"
    # Only one of them negotiated: the other is the scheme's. NaN means "not negotiated", as in a result's arrays.
    assert rule_text(LINEAR, "%", target=95, lang="en") == \
        "Full points at 95% or more, none at 80% or less, in proportion between."
    assert rule_text(LINEAR, "%", floor=float("nan"), target=float("nan"), lang="en") == \
        rule_text(LINEAR, "%", lang="en")


def test_a_linear_rules_direction_follows_the_effective_floor_and_target() -> None:
    # The engine's linear formula follows the floor and target it is given, so the words do too.
    assert rule_text(LINEAR, "%", floor=100, target=80, lang="en") == \
        "Full points at 80% or less, none at 100% or more, in proportion between."
    assert rule_text(DAYS, "天", floor=5, target=20).startswith("20 天 及以上得满分")


def test_a_cap_above_one_credits_over_achievement_in_words() -> None:
    rule = Rule("linear", floor=80, target=100, cap=1.2)
    assert rule_text(rule, "%", lang="en") == ("Full points at 100% or more, none at 80% or less, in proportion "
                                              "between. Over-achievement counts up to 120% of the points.")
    assert rule_text(rule, "%") == "100% 及以上得满分，80% 及以下不得分，其间按比例计分。超额完成最多按 120% 计分。"
    assert rule_text(Rule("points", cap=1.05), lang="en").endswith("Over-achievement counts up to 105% of the points.")


def test_a_language_code_with_a_region_is_understood_and_an_unknown_one_refused() -> None:
    assert rule_text(None, lang="zh-hans") == "下级指标得分之和。"
    assert rule_text(None, lang="en-us") == "Sum of the points of the indicators below."
    with pytest.raises(ValueError, match="lang must be one of"):
        rule_text(None, lang="fr")
