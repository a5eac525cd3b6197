"""The explanation of one subject's score (得分说明), in Chinese or English, as a person would write
it for an appeal: every node with its value, target, rule, fraction and points, then how the total,
the rank and the grade came about, quota demotions and vetoes included.

``breakdown`` gives the same in structured form for a page (总分构成): the lines that add up to the total
(first-level nodes, each bonus and penalty item, the part above a cap) and the notes on why the grade is
not the one the total alone reaches (a veto, a full quota), each with its words in Chinese or English.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from jixiao.engine.anonymity import group_view, pooled_mean
from jixiao.engine.ruletext import GROUP_NAMES, LANGS, rule_text
from jixiao.engine.ruletext import number_text as _n
from jixiao.engine.scheme import Grade, Node
from jixiao.engine.score import ScoreResult


def _p(x: float) -> str:
    return f"{x:.2f}"


_T = {
    "zh": {
        "title": "{name}（{code}，{cat} 类）在「{scheme}」中的得分说明",
        "tree": "一、指标得分（满分 {scale} 分）",
        "group": "{code} {name}：满分 {avail} 分，得 {earned} 分",
        "na": "{code} {name}：不适用{why}，其分值由同级指标分担",
        "na_only": "（仅适用于 {cats} 类单位）",
        "na_excluded": "（无数据，按方案“缺数据不计入”处理）",
        "leaf": "{code} {name}：{value}；得分率 {f}，满分 {avail} 分，得 {earned} 分。计分规则{neg}：{rule}",
        "missing": "{code} {name}：无数据，按 0 分计（满分 {avail} 分）",
        "value": "实际值 {v}{unit}",
        "rating_value": "综合评分 {v}（{groups}）",
        "group_part": "{g} {m} 分（{n} 人评{trim}，权重 {w}）",
        "trimmed": "，去掉最高最低各 {t} 个",
        "pooled": "其他评价人 {m} 分（{n} 人评）",
        "withheld": "另有评价人数不足 {k} 人的评价主体，不单独显示",
        "negotiated": "（协商目标）",
        "adjust": "二、加分与扣分",
        "bonus": "加分：{items} = {raw} 分{capped}，计 {used} 分",
        "penalty": "扣分：{items} = {raw} 分{capped}，计 {used} 分",
        "capped": "，超过上限 {cap} 分",
        "none": "无",
        "total": "三、总分 = 指标得分 {tree} + 加分 {bonus} − 扣分 {penalty} = {total}{floor0}",
        "floor0": "（不低于 0）",
        "rank": "四、排名：在{pop}共 {n} 个单位中排第 {rank} 名{tie}",
        "pop_cat": " {cat} 类",
        "pop_all": "全部",
        "tie": "（与 {k} 个单位并列）",
        "grade": "五、等次：{grade}",
        "grade_reason": "总分 {total} 达到「{grade}」的最低分 {min}",
        "no_grade": "总分 {total} 未达到任何等次的最低分",
        "quota_out": "总分达到「{grade}」的最低分 {min}，但该等次名额为 floor({q} × {n}) = {limit} 个{tie}，"
                     "因此未获评「{grade}」",
        "quota_tie": "，且与总分相同的单位并列跨越名额边界，并列者均不获该等次",
        "quota_full": "，已被总分更高的单位占满",
        "veto": "一票否决：{items}，等次最高为「{grade}」",
        "veto_blocked": "因一票否决，不参评{grade}",
        "none_adj": "{what}：无",
        "bonus_word": "加分",
        "penalty_word": "扣分",
        "group_sep": "；",
        "quote": "「{}」",
        "list_sep": "、",
        "line_bonus_cap": "加分超过上限 {cap} 分的部分不计",
        "line_penalty_cap": "扣分超过上限 {cap} 分的部分不扣",
        "line_floor": "总分不低于 0",
        "line_rounding": "各项四舍五入的尾差",
        "note_veto": "{items}：一票否决，等次定为「{grade}」",
        "note_veto_cap": "{items}：一票否决，等次最高为「{veto}」",
        "veto_item": "{name} {n}",
        "short_veto": "一票否决",
        "short_quota": "名额调整",
    },
    "en": {
        "title": "Score explanation for {name} ({code}, category {cat}) under \u201c{scheme}\u201d",
        "tree": "1. Indicator points (out of {scale})",
        "group": "{code} {name}: {earned} of {avail} points",
        "na": "{code} {name}: not applicable{why}; its siblings share its points",
        "na_only": " (applies only to categories {cats})",
        "na_excluded": " (no value, and the scheme excludes missing indicators)",
        "leaf": "{code} {name}: {value}; fraction {f}; {earned} of {avail} points. Rule{neg}: {rule}",
        "missing": "{code} {name}: no value, scored 0 (of {avail} points)",
        "value": "actual value {v}{unit}",
        "rating_value": "combined rating {v} ({groups})",
        "group_part": "{g} {m} ({n} ratings{trim}, weight {w})",
        "trimmed": ", highest and lowest {t} dropped",
        "pooled": "other raters {m} ({n} ratings)",
        "withheld": "groups with fewer than {k} ratings are not shown",
        "negotiated": " (negotiated)",
        "adjust": "2. Bonus and penalty",
        "bonus": "Bonus: {items} = {raw}{capped}; counted {used}",
        "penalty": "Penalty: {items} = {raw}{capped}; counted {used}",
        "capped": ", above the cap of {cap}",
        "none": "none",
        "total": "3. Total = indicator points {tree} + bonus {bonus} - penalty {penalty} = {total}{floor0}",
        "floor0": " (not below 0)",
        "rank": "4. Rank: {rank} of {n} units in {pop}{tie}",
        "pop_cat": "category {cat}",
        "pop_all": "the whole population",
        "tie": " (tied with {k} others)",
        "grade": "5. Grade: {grade}",
        "grade_reason": "the total {total} reaches the minimum {min} of \u201c{grade}\u201d",
        "no_grade": "the total {total} reaches no grade's minimum",
        "quota_out": "the total reaches the minimum {min} of \u201c{grade}\u201d, but its quota admits "
                     "floor({q} x {n}) = {limit}{tie}, so not \u201c{grade}\u201d",
        "quota_tie": ", and units tied on this total straddle the quota's edge, so none of them gets it",
        "quota_full": ", all taken by higher totals",
        "veto": "Veto: {items}; the grade can be no better than \u201c{grade}\u201d",
        "veto_blocked": "vetoed, so not eligible for {grade}",
        "none_adj": "{what}: none",
        "bonus_word": "Bonus",
        "penalty_word": "Penalty",
        "group_sep": "; ",
        "quote": "\u201c{}\u201d",
        "list_sep": ", ",
        "line_bonus_cap": "bonus above the cap of {cap}: not counted",
        "line_penalty_cap": "penalty above the cap of {cap}: not deducted",
        "line_floor": "a total is not below 0",
        "line_rounding": "rounding of the figures above",
        "note_veto": "{items}: veto, so the grade is \u201c{grade}\u201d",
        "note_veto_cap": "{items}: veto, so the grade can be no better than \u201c{veto}\u201d",
        "veto_item": "{name} {n}",
        "short_veto": "veto",
        "short_quota": "quota",
    },
}


def explain(result: ScoreResult, code: str, lang: str = "zh") -> str:
    """The explanation of subject ``code`` as text. Raises KeyError for an unknown code."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}")
    t = _T[lang]
    i = result.index_of(code)
    scheme, pop = result.scheme, result.population
    lines = [t["title"].format(name=pop.names[i], code=code, cat=str(pop.categories[i]), scheme=scheme.name), ""]
    lines.append(t["tree"].format(scale=_n(scheme.scale)))
    _tree_lines(result, i, t, lang, lines)
    _adjustment_lines(result, i, t, lines)
    _standing_lines(result, i, t, lang, lines)
    return "\n".join(lines) + "\n"


def _tree_lines(result: ScoreResult, i: int, t: dict[str, str], lang: str, lines: list[str]) -> None:
    """One line per node of the tree, indented by depth: points available and earned, each indicator's value,
    rule and fraction, or why it does not apply or is missing."""
    scheme, pop = result.scheme, result.population
    node_col = {node.code: k for k, node in enumerate(scheme.nodes)}
    leaf_col = {node.code: j for j, node in enumerate(scheme.leaves)}
    cat = str(pop.categories[i])

    def walk(node: Node, depth: int) -> None:
        k = node_col[node.code]
        pad = "  " * depth + "- "
        if not result.applicable[i, k]:
            why = t["na_only"].format(cats="、".join(sorted(node.only)) if lang == "zh"
                                      else ", ".join(sorted(node.only))) \
                if node.only is not None and cat not in node.only else \
                (t["na_excluded"] if node.is_leaf else "")
            lines.append(pad + t["na"].format(code=node.code, name=node.name, why=why))
            return
        avail, earned = _p(result.available[i, k]), _p(result.earned[i, k])
        if not node.is_leaf:
            lines.append(pad + t["group"].format(code=node.code, name=node.name, avail=avail, earned=earned))
            for child in node.children:
                walk(child, depth + 1)
            return
        j = leaf_col[node.code]
        if result.missing[i, j]:
            lines.append(pad + t["missing"].format(code=node.code, name=node.name, avail=avail))
            return
        lines.append(pad + _leaf_line(result, i, j, node, t, lang, avail, earned))

    for top in scheme.tree:
        walk(top, 0)


def _leaf_line(result: ScoreResult, i: int, j: int, node: Node, t: dict[str, str], lang: str, avail: str,
               earned: str) -> str:
    """An indicator's line: its value (ratings by group), its rule in words (negotiated or not), f and points."""
    pop = result.population
    rule = node.rule
    assert rule is not None
    v = float(result.value[i, j])
    if rule.type == "rating":
        groups = _rating_groups(result, node, i, t, GROUP_NAMES[lang])
        value = t["rating_value"].format(v=_n(v), groups=groups)
    else:
        unit = f" {node.unit}" if node.unit and node.unit != "%" else (node.unit or "")
        value = t["value"].format(v=_n(v), unit=unit)
    negotiated = (node.code in pop.floors and not np.isnan(pop.floors[node.code][i])) or \
                 (node.code in pop.targets and not np.isnan(pop.targets[node.code][i]))
    floor = float(result.floor[node.code][i]) if node.code in result.floor else float("nan")
    target = float(result.target[node.code][i]) if node.code in result.target else float("nan")
    rule_s = rule_text(rule, node.unit, floor, target, lang)
    f = float(result.fraction[i, j])
    return t["leaf"].format(code=node.code, name=node.name, value=value, rule=rule_s,
                            neg=t["negotiated"] if negotiated else "", f=f"{f:.1%}", avail=avail, earned=earned)


def _adjustment_lines(result: ScoreResult, i: int, t: dict[str, str], lines: list[str]) -> None:
    """Bonus and penalty items with their sums and caps."""
    scheme = result.scheme
    if not (scheme.bonus.codes or scheme.penalty.codes):
        return
    lines += ["", t["adjust"]]
    for key, adj, raw, used in (("bonus", scheme.bonus, result.bonus_raw, result.bonus),
                                ("penalty", scheme.penalty, result.penalty_raw, result.penalty)):
        if not adj.codes:
            continue
        items = [f"{scheme.item_name(c)} {_n(v)}" for c, v in _applied(result, i, adj.codes)]
        if not items:
            lines.append(t["none_adj"].format(what=t[f"{key}_word"]))
            continue
        capped = t["capped"].format(cap=_n(adj.cap)) if raw[i] > adj.cap else ""
        lines.append(t[key].format(items=" + ".join(items) or t["none"], raw=_n(raw[i]), capped=capped,
                                   used=_p(used[i])))


def _standing_lines(result: ScoreResult, i: int, t: dict[str, str], lang: str, lines: list[str]) -> None:
    """The total, the rank within the population (ties named) and the grade with every reason a better grade
    was not given: a veto, a quota that was full or a tie that straddled its edge, the minimum."""
    scheme = result.scheme
    raw_total = result.tree_total[i] + result.bonus[i] - result.penalty[i]
    lines += ["", t["total"].format(tree=_p(result.tree_total[i]), bonus=_p(result.bonus[i]),
                                    penalty=_p(result.penalty[i]), total=_p(result.total[i]),
                                    floor0=t["floor0"] if raw_total < 0 else "")]
    p = int(result.pop[i])
    n = int(result.grading.pop_sizes[p])
    ties = int(((result.pop == p) & (result.rank == result.rank[i])).sum()) - 1
    pop_s = t["pop_all"] if scheme.ranking == "all" else t["pop_cat"].format(cat=result.pop_names[p])
    lines.append(t["rank"].format(rank=int(result.rank[i]), n=n, pop=pop_s,
                                  tie=t["tie"].format(k=ties) if ties else ""))
    gi = int(result.grade[i])
    lines.append(t["grade"].format(grade=scheme.grades[gi].name if gi >= 0 else "—"))
    if result.vetoed[i]:
        hits = [scheme.item_name(c) for m, c in enumerate(scheme.veto.codes) if result.veto_hits[i, m]]
        lines.append("  " + t["veto"].format(items=", ".join(hits), grade=scheme.veto.grade))
    sep = "；" if lang == "zh" else "; "
    lines.append("  " + sep.join(_grade_reasons(result, i, t, n)))


def _grade_reasons(result: ScoreResult, i: int, t: dict[str, str], n: int) -> list[str]:
    """Why the subject has its grade and not a better one."""
    scheme = result.scheme
    gi = int(result.grade[i])
    reasons: list[str] = []
    names = [g.name for g in scheme.grades]
    veto_idx = names.index(scheme.veto.grade) if result.vetoed[i] and scheme.veto.grade else 0
    blocked = [t["quote"].format(g.name) for g_idx, g in enumerate(scheme.grades)
               if g_idx < veto_idx and round(result.total[i], 9) >= round(g.min, 9)]
    if blocked:
        reasons.append(t["veto_blocked"].format(grade=t["list_sep"].join(blocked)))
    for g_idx, limit, tied_edge in _quota_outs(result, i):
        reasons.append(_quota_text(scheme.grades[g_idx], limit, tied_edge, n, t))
    if gi >= 0:
        reasons.append(t["grade_reason"].format(total=_p(result.total[i]), grade=scheme.grades[gi].name,
                                                min=_n(scheme.grades[gi].min)))
    else:
        reasons.append(t["no_grade"].format(total=_p(result.total[i])))
    return reasons


def _applied(result: ScoreResult, i: int, codes: tuple[str, ...]) -> list[tuple[str, float]]:
    """The items of ``codes`` (bonus or penalty) that apply to subject i: those with a non-zero value, as
    (code, value) in the scheme's order."""
    col = {c: m for m, c in enumerate(result.scheme.value_codes)}
    values = (float(result.population.values[i, col[c]]) for c in codes)
    return [(c, v) for c, v in zip(codes, values, strict=True) if not np.isnan(v) and v != 0]


def _quota_outs(result: ScoreResult, i: int) -> list[tuple[int, int, bool]]:
    """The grades, best first, that subject i reached the minimum of and was eligible for but that a quota kept
    it out of: (grade index, the quota's floor(q x n), whether units tied with it straddled the quota's edge)."""
    p = int(result.pop[i])
    cmp = np.round(result.total, 9)
    same_pop = result.pop == p
    out = []
    for g_idx in np.flatnonzero(result.grading.demoted[i]).tolist():
        limit = int(result.grading.limits[p, g_idx])
        # Out although fewer than `limit` better units took the grade: a tie straddled the edge.
        tied_edge = int((same_pop & (cmp == cmp[i])).sum()) > 1 and \
            int((same_pop & (cmp > cmp[i]) & (result.grade == g_idx)).sum()) < limit
        out.append((int(g_idx), limit, bool(tied_edge)))
    return out


def _quota_text(grade: Grade, limit: int, tied_edge: bool, n: int, t: dict[str, str]) -> str:
    assert grade.quota is not None
    return t["quota_out"].format(grade=grade.name, min=_n(grade.min), q=_n(grade.quota), n=n, limit=limit,
                                 tie=t["quota_tie"] if tied_edge else t["quota_full"])


def round_half_up(x: float, decimals: int = 2) -> float:
    """``x`` rounded as people round and as the pages show it: half away from zero, on the number as written.

    >>> round_half_up(2.675), round_half_up(-1.005), round_half_up(93.734999)
    (2.68, -1.01, 93.73)
    """
    return float(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


#: The kinds of a ``Line``, in the order a breakdown lists them.
LINE_KINDS = ("node", "bonus", "bonus_cap", "penalty", "penalty_cap", "floor", "rounding")


@dataclass(frozen=True)
class Line:
    """One addend of a subject's total (总分构成). ``kind``: ``node`` (a first-level node's points earned),
    ``bonus`` / ``penalty`` (an item that applied: its points, a penalty's negative), ``bonus_cap`` /
    ``penalty_cap`` (the part of the sum above the cap, taken back), ``floor`` (what keeps the total from
    going below 0), ``rounding`` (only in ``Breakdown.shown``). ``points`` is signed: what it adds to the
    total. ``available``: a node's points; ``cap``: the cap of a cap line."""

    kind: str
    code: str
    name: str
    points: float
    available: float | None = None
    cap: float | None = None

    def label(self, lang: str = "zh") -> str:
        """The line's words: the node's or item's name, or what a cap, floor or rounding line is."""
        if self.kind in ("node", "bonus", "penalty"):
            return self.name
        t = _T[lang]
        return t[f"line_{self.kind}"].format(cap=_n(self.cap))


@dataclass(frozen=True)
class GradeNote:
    """Why a subject's grade is not the one its total alone reaches. ``kind`` ``veto`` (一票否决): ``items``
    are the veto items hit, as (name, value), and ``grade`` the best grade a vetoed subject may get;
    ``quota`` (名额): ``grade`` is the grade its quota kept the subject out of, with the quota's ``limit`` =
    floor(q x ``n``) and whether a tie straddled the quota's edge (``tie``). ``given``: the grade given."""

    kind: str
    grade: str
    given: str
    items: tuple[tuple[str, float], ...] = ()
    min: float = 0.0
    quota: float = 0.0
    n: int = 0
    limit: int = 0
    tie: bool = False

    def label(self, lang: str = "zh") -> str:
        """A word or two for a list: 一票否决 / 名额调整."""
        return _T[lang][f"short_{self.kind}"]

    def text(self, lang: str = "zh") -> str:
        """The reason in a sentence, in the words of the explanation."""
        t = _T[lang]
        if self.kind == "veto":
            items = t["list_sep"].join(name if value == 1 else t["veto_item"].format(name=name, n=_n(value))
                                       for name, value in self.items)
            if self.given == self.grade:
                return t["note_veto"].format(items=items, grade=self.grade)
            return t["note_veto_cap"].format(items=items, veto=self.grade)
        return _quota_text(Grade(self.grade, self.min, self.quota), self.limit, self.tie, self.n, t)


@dataclass(frozen=True)
class Breakdown:
    """A subject's total as a column of figures that adds up (``lines``), its rank and grade, and the notes on
    why the grade is not the one the total alone reaches (a veto first, then quotas, best grade first)."""

    code: str
    lines: tuple[Line, ...]
    total: float
    rank: int
    grade: str
    notes: tuple[GradeNote, ...]

    def shown(self, decimals: int = 2) -> tuple[Line, ...]:
        """The lines with their points as a page shows them (``round_half_up``) and, when those do not add up
        to the total as shown, a last ``rounding`` line with the difference: a reader adding the column gets
        the total shown."""
        lines = tuple(replace(ln, points=round_half_up(ln.points, decimals)) for ln in self.lines)
        gap = round_half_up(round_half_up(self.total, decimals) - sum(ln.points for ln in lines), decimals)
        if gap != 0:
            lines += (Line("rounding", "", "", gap),)
        return lines


def breakdown(result: ScoreResult, code: str) -> Breakdown:
    """Subject ``code``'s total as lines that add up to it, and the reasons for its grade. Raises KeyError for an
    unknown code.

    The lines: each applicable first-level node's points; each bonus item that applied, then, when their sum
    is above the bonus cap, the excess taken back; the same for penalties (negative); and, when the total
    would be below 0, what lifts it to 0. Their sum is the total (SCORING.md, Total).

    >>> from jixiao.engine.testing import run, scoring_md_scheme
    >>> r = run(scoring_md_scheme(), [("X", "x", "B"), ("Y", "y", "B")],
    ...         [("X", "RESP", 90), ("X", "NEG", 1), ("X", "INNOV", 4), ("X", "REFORM", 3), ("X", "ACCIDENT", 2),
    ...          ("X", "MAJOR", 1)])
    >>> b = breakdown(r, "X")
    >>> [(ln.label("zh"), round(ln.points, 2)) for ln in b.lines]   # doctest: +NORMALIZE_WHITESPACE
    [('核心指标', 12.0), ('领导评价', 0.0), ('负面清单', 8.0), ('INNOV', 4.0), ('REFORM', 3.0),
     ('加分超过上限 5 分的部分不计', -2.0), ('ACCIDENT', -2.0)]
    >>> round(sum(ln.points for ln in b.lines), 9) == round(b.total, 9) == 23.0
    True
    >>> [n.text("zh") for n in b.notes]
    ['MAJOR：一票否决，等次定为「不合格」']
    """
    i = result.index_of(code)
    scheme = result.scheme
    node_col = {node.code: k for k, node in enumerate(scheme.nodes)}
    lines: list[Line] = []
    for top in scheme.tree:
        k = node_col[top.code]
        if result.applicable[i, k]:
            lines.append(Line("node", top.code, top.name, float(result.earned[i, k]),
                              available=float(result.available[i, k])))
    for kind, adj, raw, used, sign in (("bonus", scheme.bonus, result.bonus_raw, result.bonus, 1.0),
                                       ("penalty", scheme.penalty, result.penalty_raw, result.penalty, -1.0)):
        lines += [Line(kind, c, scheme.item_name(c), sign * v) for c, v in _applied(result, i, adj.codes)]
        if raw[i] > used[i]:
            lines.append(Line(f"{kind}_cap", "", "", -sign * float(raw[i] - used[i]), cap=adj.cap))
    unfloored = float(result.tree_total[i] + result.bonus[i] - result.penalty[i])
    if unfloored < 0:
        lines.append(Line("floor", "", "", -unfloored))

    gi = int(result.grade[i])
    given = scheme.grades[gi].name if gi >= 0 else ""
    notes: list[GradeNote] = []
    if result.vetoed[i]:
        col = {c: m for m, c in enumerate(scheme.value_codes)}
        hits = tuple((scheme.item_name(c), float(result.population.values[i, col[c]]))
                     for m, c in enumerate(scheme.veto.codes) if result.veto_hits[i, m])
        notes.append(GradeNote("veto", scheme.veto.grade or "", given, items=hits))
    n = int(result.grading.pop_sizes[int(result.pop[i])])
    for g_idx, limit, tied_edge in _quota_outs(result, i):
        g = scheme.grades[g_idx]
        notes.append(GradeNote("quota", g.name, given, min=g.min, quota=g.quota or 0.0, n=n, limit=limit,
                               tie=tied_edge))
    return Breakdown(code, tuple(lines), float(result.total[i]), int(result.rank[i]), given, tuple(notes))


def flag_notes(flags: str, lang: str = "zh") -> list[str]:
    """The short reasons (一票否决 / 名额调整) a score table's ``flags`` give for a grade that is not the one the
    total alone reaches, for a list of results where each result's full ``breakdown`` is not at hand.

    >>> flag_notes("missing:RESP; veto:MAJOR; quota:优秀")
    ['一票否决', '名额调整']
    >>> flag_notes("missing:RESP", "en")
    []
    """
    kinds = {part.partition(":")[0].strip() for part in flags.split(";")}
    return [_T[lang][f"short_{kind}"] for kind in ("veto", "quota") if kind in kinds]


def _rating_groups(result: ScoreResult, node: Node, i: int, t: dict[str, str], names: dict[str, str]) -> str:
    rule = node.rule
    assert rule is not None
    means = result.population.ratings.get(node.code)
    counts = result.population.rating_counts.get(node.code)
    if means is None or counts is None:
        return ""
    # A group left out of the score (anonymity ``exclude``) has a count but no mean: it is withheld too.
    present = [int(counts[i, gi]) if not np.isnan(means[i, gi]) else 0 for gi in range(len(rule.groups))]
    anonymity = result.scheme.anonymity
    view = group_view(rule.group_names, present, anonymity)
    parts = []
    for gi in view.shown:
        g, w = rule.groups[gi]
        cnt = present[gi]
        trim = t["trimmed"].format(t=rule.trim) if rule.trim and cnt > 2 * rule.trim else ""
        parts.append(t["group_part"].format(g=names.get(g, g), m=_n(float(means[i, gi])), n=cnt, trim=trim, w=_n(w)))
    if view.pool_shown:
        pool = pooled_mean([float(means[i, gi]) for gi in view.pooled], [present[gi] for gi in view.pooled])
        parts.append(t["pooled"].format(m=_n(pool), n=sum(present[gi] for gi in view.pooled)))
    if view.withheld or any(c > 0 and p == 0 for c, p in zip(counts[i], present, strict=True)):
        parts.append(t["withheld"].format(k=anonymity.k))
    return t["group_sep"].join(parts)
