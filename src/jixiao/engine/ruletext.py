"""A scoring rule (评分规则) in plain words, in Chinese or English: the one wording of every rule, used by the
explanation, the web pages and the exports alike.

The English sentences are the web interface's gettext msgids and the Chinese ones their msgstr in
``web/locale/zh_Hans/LC_MESSAGES/django.po``, so a rule reads the same on a page, in an export and in an
explanation. Numbers are written as a person writes them (no trailing zeros, at most 2 decimals); fractions of
the points (``partial``, band scores, ``otherwise``, ``cap``) and rater groups' shares of the combined rating
as percentages.

>>> from jixiao.engine.scheme import Rule
>>> rule_text(Rule("linear", floor=80, target=100), "%", lang="en")
'Full points at 100% or more, none at 80% or less, in proportion between.'
>>> rule_text(Rule("linear", floor=80, target=100), "%", floor=70, target=90)   # a negotiated floor and target
'90% 及以上得满分，70% 及以下不得分，其间按比例计分。'
"""

from __future__ import annotations

import math

from jixiao.engine.scheme import Rule

LANGS = ("zh", "en")

#: Rater groups (评价主体) under their usual codes; other codes are shown as written.
GROUP_NAMES = {
    "zh": {"superior": "上级", "peer": "同级", "public": "公众", "self": "自评", "subordinate": "下级",
           "third_party": "第三方", "expert": "专家", "service_object": "服务对象", "deputy": "人大代表",
           "representative": "两代表一委员"},
    "en": {"superior": "superiors", "peer": "peers", "public": "public", "self": "self", "subordinate": "subordinates",
           "third_party": "third party", "expert": "experts", "service_object": "service users",
           "deputy": "deputies", "representative": "deputies and CPPCC members"},
}

# Keep the English sentences equal to the web's msgids and the Chinese to their msgstr.
_T = {
    "en": {
        "group": "Sum of the points of the indicators below.",
        "linear_lower": "Full points at %(target)s%(unit)s or less, none at %(floor)s%(unit)s or more, "
                        "in proportion between.",
        "linear_higher": "Full points at %(target)s%(unit)s or more, none at %(floor)s%(unit)s or less, "
                         "in proportion between.",
        "ratio_lower": "Points in proportion to target / value: %(target)s%(unit)s or less earns full points.",
        "ratio_higher": "Points in proportion to value / target: %(target)s%(unit)s earns full points.",
        "threshold_lower": "Full points at %(target)s%(unit)s or less; otherwise %(partial)s%% of the points.",
        "threshold_higher": "Full points at %(target)s%(unit)s or more; otherwise %(partial)s%% of the points.",
        "bands": "Steps: %(steps)s; otherwise %(otherwise)s%%.",
        "deduction": "Loses %(per)s points per incident, down to 0.",
        "rating": "Mean rating on a scale of %(lo)s to %(hi)s, by rater group (%(groups)s)",
        "trim": "; the %(n)s highest and lowest ratings of each group are dropped",
        "points": "Points awarded by an expert: the value is the points earned.",
        "cap": "Over-achievement counts up to %(cap)s%% of the points.",
        # Punctuation around the sentences above.
        "end": ".",
        "cap_sep": " ",
        "step_sep": "; ",
        "group_sep": ", ",
    },
    "zh": {
        "group": "下级指标得分之和。",
        "linear_lower": "%(target)s%(unit)s 及以下得满分，%(floor)s%(unit)s 及以上不得分，其间按比例计分。",
        "linear_higher": "%(target)s%(unit)s 及以上得满分，%(floor)s%(unit)s 及以下不得分，其间按比例计分。",
        "ratio_lower": "按 目标值 / 实际值 计分：%(target)s%(unit)s 及以下得满分。",
        "ratio_higher": "按 实际值 / 目标值 计分：达到 %(target)s%(unit)s 得满分。",
        "threshold_lower": "不高于 %(target)s%(unit)s 得满分，否则得 %(partial)s%% 的分值。",
        "threshold_higher": "达到 %(target)s%(unit)s 得满分，否则得 %(partial)s%% 的分值。",
        "bands": "分档计分：%(steps)s；其余 %(otherwise)s%%。",
        "deduction": "每发生一次扣 %(per)s 分，扣完为止。",
        "rating": "按评价主体加权的平均评分，分值 %(lo)s–%(hi)s（%(groups)s）",
        "trim": "；各组去掉 %(n)s 个最高分和最低分",
        "points": "由专家评定得分：填报值即得分。",
        "cap": "超额完成最多按 %(cap)s%% 计分。",
        "end": "。",
        "cap_sep": "",
        "step_sep": "；",
        "group_sep": "、",
    },
}


def number_text(x: float | None) -> str:
    """A number as a person writes it: thousands separated, at most 2 decimals, no trailing zeros; "—" for
    no number.

    >>> number_text(1234.5), number_text(0.125), number_text(-0.001), number_text(float("nan"))
    ('1,234.5', '0.12', '0', '—')
    """
    if x is None or math.isnan(x):
        return "—"
    s = f"{x:,.2f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def language(lang: str) -> str:
    """``zh`` or ``en`` for a language code such as ``zh``, ``zh-hans`` or ``en-us``.

    >>> language("zh-hans"), language("EN")
    ('zh', 'en')
    """
    base = lang.lower().replace("_", "-").split("-")[0]
    if base not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return base


def _given(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else x


def rule_text(rule: Rule | None, unit: str | None = None, floor: float | None = None,
              target: float | None = None, lang: str = "zh") -> str:
    """The rule in plain words, with the effective ``floor`` and ``target`` (a negotiated pair, or None or NaN
    for the scheme's own). ``None`` is a group of indicators: the sum of the indicators below.

    A linear rule's direction follows from its effective floor and target (target < floor: lower is better),
    as the engine computes it; the other rules keep their written direction.

    >>> from jixiao.engine.scheme import Band, Rule
    >>> rule_text(None, lang="en")
    'Sum of the points of the indicators below.'
    >>> rule_text(Rule("linear", direction="lower", floor=20, target=5), "天")
    '5 天 及以下得满分，20 天 及以上不得分，其间按比例计分。'
    >>> rule_text(Rule("ratio", target=100, cap=1.2), lang="en")
    'Points in proportion to value / target: 100 earns full points. Over-achievement counts up to 120% of the points.'
    >>> rule_text(Rule("threshold", direction="lower", target=2, partial=0.5), "hours", lang="en")
    'Full points at 2 hours or less; otherwise 50% of the points.'
    >>> rule_text(Rule("bands", direction="lower", bands=(Band(1, 1.0), Band(2, 0.6))), "小时")
    '分档计分：≤ 1 小时: 100%；≤ 2 小时: 60%；其余 0%。'
    >>> rule_text(Rule("deduction", per=2), lang="en")
    'Loses 2 points per incident, down to 0.'
    >>> rule_text(Rule("rating", scale=(0, 100), groups=(("superior", 0.5), ("peer", 0.5)), trim=1))
    '按评价主体加权的平均评分，分值 0–100（上级 50%、同级 50%）；各组去掉 1 个最高分和最低分。'
    >>> rule_text(Rule("points"), lang="en")
    'Points awarded by an expert: the value is the points earned.'
    """
    t = _T[language(lang)]
    if rule is None:
        return t["group"]
    # A unit follows its number as in the explanation's values: "90%", "5 天".
    u = f" {unit}" if unit and unit != "%" else (unit or "")
    fl = _given(floor)
    fl = rule.floor if fl is None else fl
    tg = _given(target)
    tg = rule.target if tg is None else tg
    lower = rule.direction == "lower"
    if rule.type == "linear" and fl is not None and tg is not None:
        lower = tg < fl
    way = "lower" if lower else "higher"
    p = {"floor": number_text(fl), "target": number_text(tg), "unit": u, "per": number_text(rule.per),
         "partial": number_text(rule.partial * 100)}
    if rule.type in ("linear", "ratio", "threshold"):
        text = t[f"{rule.type}_{way}"] % p
    elif rule.type == "bands":
        sign = "≤" if rule.direction == "lower" else "≥"
        steps = t["step_sep"].join(f"{sign} {number_text(b.limit)}{u}: {number_text(b.score * 100)}%"
                                   for b in rule.bands)
        text = t["bands"] % {"steps": steps, "otherwise": number_text(rule.otherwise * 100)}
    elif rule.type == "deduction":
        text = t["deduction"] % p
    elif rule.type == "rating":
        names = GROUP_NAMES[language(lang)]
        # Weights are relative: shown as each group's share when every group rates.
        wsum = sum(w for _, w in rule.groups)
        groups = t["group_sep"].join(f"{names.get(g, g)} {number_text(100 * w / wsum)}%" for g, w in rule.groups)
        lo, hi = rule.scale or (0.0, 100.0)
        text = t["rating"] % {"lo": number_text(lo), "hi": number_text(hi), "groups": groups}
        if rule.trim:
            text += t["trim"] % {"n": rule.trim}
        text += t["end"]
    elif rule.type == "points":
        text = t["points"]
    else:
        text = rule.type
    if rule.cap != 1.0:
        text += t["cap_sep"] + t["cap"] % {"cap": number_text(rule.cap * 100)}
    return text
