"""The annual report of a cycle (年度考核报告): its content from what is stored (results, indicators' score rates
from the stored points, the review's corrections and appeals, the confirmed allocations, the fairness checks and
the years before), as the report files' parts (``reportfiles``: one PDF, one workbook with a sheet per part)."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jixiao.cycles.models import Cycle
from jixiao.outcomes.choices import PlanKind, PlanState
from jixiao.outcomes.models import Plan
from jixiao.outcomes.reportfiles import Chart, Part, Report, Table
from jixiao.outcomes.reports.fairness import Check, fairness_checks, population
from jixiao.outcomes.reports.tables import plan_table
from jixiao.outcomes.services.common import Past, grade_names, history
from jixiao.results.models import Result
from jixiao.review.models import Appeal, Correction
from jixiao.web.helpers import flags_text, local_text

#: Sheet names of the allocations, one per kind (Excel allows 31 characters).
SHEETS = {PlanKind.BONUS: "奖金分配", PlanKind.BUDGET: "预算调整", PlanKind.HONOUR: "评优表彰",
          PlanKind.RESERVE: "后备干部库", PlanKind.UNQUALIFIED: "不合格名单", PlanKind.PART: "项目绩效评级"}
NUMERALS = "一二三四五六七八九十"


def _formats(formats: tuple[str, ...]) -> tuple[str, ...]:
    return tuple("percent" if f == "signed" else f for f in formats)


def _overview(cycle: Cycle, results: list[Result], grades: list[str]) -> Part:
    counts = Counter(r.grade for r in results)
    by_pop: dict[str, Counter[str]] = defaultdict(Counter)
    for r in results:
        by_pop[population(cycle, r.subject.category)][r.grade] += 1
    pops = sorted(by_pop)
    shares = "，".join(f"{g} {counts.get(g, 0)} 个（{100 * counts.get(g, 0) / len(results):.2f}%）" for g in grades
                      if results) if results else ""
    paragraphs = [
        _("{name}: {n} subjects assessed under the scheme {scheme} (version {version}).").format(
            name=cycle.name, n=len(results), scheme=cycle.scheme.name, version=cycle.scheme.version),
        _("Grades: {shares}.").format(shares=shares) if shares else _("No results yet."),
        _("Results computed {at}; published {published}.").format(
            at=local_text(cycle.computed_at, "%Y-%m-%d %H:%M"),
            published=local_text(cycle.published_at, "%Y-%m-%d") or _("not yet")),
    ]
    chart = Chart("stacked", tuple(pops), tuple((g, tuple(float(by_pop[p].get(g, 0)) for p in pops)) for g in grades),
                  title=_("Grades by category"), unit=_("subjects"))
    table = Table((_("category"), *grades, pgettext("sum row", "total")),
                  tuple((p, *[by_pop[p].get(g, 0) for g in grades], sum(by_pop[p].values())) for p in pops),
                  ("text", *["int"] * (len(grades) + 1)))
    return Part(title=_("Overview"), sheet="总览", paragraphs=tuple(paragraphs), table=table, charts=(chart,))


def _results(cycle: Cycle, results: list[Result]) -> Part:
    rows = tuple((population(cycle, r.subject.category), r.rank, r.subject.code, r.subject.name, r.total, r.grade,
                  flags_text(r.flags)) for r in results)
    return Part(title=_("Results"), sheet="考核结果", table=Table(
        (_("category"), _("rank"), _("code"), _("name"), _("total"), _("grade"), _("notes")), rows,
        ("text", "int", "text", "text", "number", "text", "text")))


def _indicators(cycle: Cycle, results: list[Result]) -> Part:
    scheme = cycle.scheme.engine
    rows = []
    for leaf in scheme.leaves:
        rates = [100 * r.points[leaf.code] / r.available[leaf.code] for r in results
                 if (r.available or {}).get(leaf.code) and r.points.get(leaf.code) is not None]
        if not rates:
            continue
        full = sum(1 for x in rates if x >= 99.9995)
        rows.append((leaf.code, leaf.name, len(rates), sum(rates) / len(rates), 100 * full / len(rates),
                     min(rates), max(rates)))
    chart = Chart("hbar", tuple(r[1] for r in rows), ((_("mean score rate (%)"), tuple(r[3] for r in rows)),),
                  title=_("Mean score rate by indicator"), unit="%")
    return Part(title=_("Indicators"), sheet="指标得分", paragraphs=(_(
        "The score rate is the share of an indicator's points a subject earned (stored points over available)."),),
        table=Table((_("code"), _("indicator"), _("subjects"), _("mean score rate (%)"), _("at full marks (%)"),
                     _("lowest (%)"), _("highest (%)")), tuple(rows),
                    ("text", "text", "int", "percent", "percent", "percent", "percent")), charts=(chart,))


def _review(cycle: Cycle) -> Part:
    corrections = list(Correction.objects.filter(cycle=cycle).select_related("subject").order_by("pk"))
    appeals = list(Appeal.objects.filter(cycle=cycle).exclude(state="draft").select_related("subject")
                   .order_by("pk"))
    rows = tuple((a.subject.name, a.get_target_display(), a.get_state_display(), a.grounds, a.decision)
                 for a in appeals)
    return Part(title=_("Review and appeals"), sheet="复核与申诉", paragraphs=(
        _("{c} corrections in the review; {a} appeals.").format(c=len(corrections), a=len(appeals)),),
        table=Table((_("unit"), _("contests"), _("state"), _("grounds"), _("decision and reasons")), rows,
                    ("text",) * 5))


def _plans(cycle: Cycle) -> list[Part]:
    plans = list(Plan.objects.filter(cycle=cycle, state=PlanState.CONFIRMED).order_by("kind"))
    parts = []
    for plan in plans:
        t = plan_table(plan)
        parts.append(Part(title=plan.title, sheet=SHEETS[PlanKind(plan.kind)], paragraphs=(
            _("Confirmed {at}.").format(at=local_text(plan.decided_at, "%Y-%m-%d")),),
            table=Table(t.headers, t.rows, _formats(t.formats), t.total_row), in_pdf_rows=60))
    if not parts:
        parts.append(Part(title=_("Using the results"), sheet="结果运用",
                          paragraphs=(_("No allocation has been confirmed for this cycle."),)))
    return parts


def _fairness(checks: list[Check]) -> Part:
    rows = tuple((c.title, _("look at it") if c.flag else _("nothing found"), " ".join(c.sentences)) for c in checks)
    return Part(title=_("Fairness checks"), sheet="公平性检查",
                paragraphs=tuple(f"{c.title}：{' '.join(c.sentences)}" for c in checks if c.flag) or (
                    _("No check found anything to look at."),),
                table=Table((_("check"), _("finding"), _("in words")), rows, ("text", "text", "text")))


def _years(cycle: Cycle, past: dict[int, list[Past]], grades: list[str]) -> Part:
    years = sorted(past)
    rows = []
    for y in years:
        c = Counter(p.grade for p in past[y])
        n = len(past[y])
        rows.append((y, n, *[100 * c.get(g, 0) / n if n else None for g in grades]))
    chart = Chart("line", tuple(str(y) for y in years), tuple(
        (g, tuple(r[2 + k] for r in rows)) for k, g in enumerate(grades)), title=_("Grade shares by year"), unit="%")
    return Part(title=_("Years compared"), sheet="历年对比", table=Table(
        (_("year"), _("subjects"), *[_("{grade} (%)").format(grade=g) for g in grades]), tuple(rows),
        ("int", "int", *["percent"] * len(grades))), charts=(chart,) if len(years) > 1 else ())


def annual_report(cycle: Cycle) -> Report:
    """The report of ``cycle`` with every part numbered."""
    results = list(Result.objects.filter(cycle=cycle).select_related("subject")
                   .order_by("subject__category", "rank", "subject__code"))
    grades = grade_names(cycle)
    past = history(cycle)
    checks = fairness_checks(cycle)
    parts = [_overview(cycle, results, grades), _results(cycle, results), _indicators(cycle, results),
             _review(cycle), *_plans(cycle), _fairness(checks), _years(cycle, past, grades)]
    numbered = tuple(Part(title=f"{NUMERALS[i]}、{p.title}" if i < len(NUMERALS) else p.title, sheet=p.sheet,
                          paragraphs=p.paragraphs, table=p.table, charts=p.charts, in_pdf_rows=p.in_pdf_rows)
                     for i, p in enumerate(parts))
    return Report(title=_("{cycle}: annual report").format(cycle=cycle.name),
                  subtitle=_("Performance assessment office · {state}").format(state=cycle.get_state_display()),
                  generated=_("generated {at}").format(at=local_text(timezone.now(), "%Y-%m-%d %H:%M")),
                  parts=numbered, footer=_("From the stored results and the audit trail of Jixiao."))


def report_name(cycle: Cycle, fmt: str) -> str:
    return f"annual-report-{cycle.code}.{fmt}"
