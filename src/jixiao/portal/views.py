"""The public portal (公示): what anyone may read without an account.

Every query runs as the anonymous public, whoever is signed in: ``restrict(PUBLIC, view)`` lets through
published cycles and their results only, so an unpublished cycle is a 404 by link and by guessed URL alike.
Values and ratings are never shown here (the public querysets give none); a unit's key indicators are the
points its published result earned on each first-level node. A unit's page adds its total up (总分构成): those
points, each bonus and penalty item that applied (their values are points added or taken off the total, so
showing them is showing how the total came about) and the reasons for its grade, a veto or a full quota, all
in the engine's figures and words (``reports.result_breakdown``); the cycle's ranking names the reason next to
any grade its total alone would not give (the engine's flags).

The rectification progress (整改进展) of a cycle is public while the cycle is still open (monitoring happens
during the year): the orders the office issued as public, by state and with their dates only (never the finding,
the plan or a file), as ``Order.objects.restrict(PUBLIC, view)`` gives them.

Every page here is the same for every visitor who is not signed in: ``public_page`` keeps it per version of the
data and language, with an ETag and ``Cache-Control: public`` so that a proxy may keep it as well.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.http import require_GET

from jixiao.core.choices import Action
from jixiao.core.pagecache import public_page
from jixiao.cycles.choices import CycleState
from jixiao.cycles.models import Cycle, Subject
from jixiao.engine import Breakdown, flag_notes
from jixiao.engine.explain import round_half_up
from jixiao.monitoring.choices import OrderState
from jixiao.monitoring.models import Order
from jixiao.results import reports
from jixiao.results.models import Result
from jixiao.web import charts
from jixiao.web.helpers import engine_lang, exported, figure, grade_css, local_text, paginate, search_text
from jixiao.web.tables import Badge, Link, Table

PUBLIC = AnonymousUser()


def _cycle(code: str) -> Cycle:
    cycle: Cycle | None = Cycle.objects.restrict(PUBLIC, Action.VIEW).select_related("scheme").filter(
        code=code).first()
    if cycle is None:
        raise Http404(_("No such published cycle."))
    return cycle


@require_GET
@public_page
def index(request: HttpRequest) -> HttpResponse:
    """The published cycles."""
    qs = Cycle.objects.restrict(PUBLIC, Action.VIEW).select_related("scheme")
    q = search_text(request)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))

    def table(rows: Any) -> Table:
        return Table("cycles", _("Published assessment cycles"),
                     [_("cycle"), _("year"), _("scheme"), _("state"), _("since"), _("publicity ends")],
                     [[Link(c.name, reverse("portal:cycle", args=[c.code])), c.year, c.scheme.name,
                       Badge(CycleState(c.state).label, f"state-{c.state}"),
                       local_text(c.published_at or c.publicity_at, "%Y-%m-%d"),
                       local_text(c.publicity_ends_at, "%Y-%m-%d %H:%M") if c.state == CycleState.PUBLICITY else ""]
                      for c in rows])

    response = exported(request, {"cycles": lambda: table(qs)}, "published-cycles")
    if response:
        return response
    page = paginate(request, qs)
    rectifying = Cycle.objects.filter(pk__in=Order.objects.restrict(PUBLIC, Action.VIEW).values("cycle")).order_by(
        "-year", "code")
    return render(request, "portal/index.html", {"table": table(page.object_list), "page": page, "q": q,
                                                 "rectifying": rectifying})


#: The states of a public order, in their order, and the colour of each.
PUBLIC_ORDER_STATES = {OrderState.ISSUED: "yellow", OrderState.ACKNOWLEDGED: "yellow",
                       OrderState.SUBMITTED: "grade-1", OrderState.CLOSED: "green"}


@require_GET
@public_page
def rectification(request: HttpRequest, code: str) -> HttpResponse:
    """The rectification progress (整改进展) of a cycle, open or published: the public orders by state, and each
    with its unit, indicator, dates and state, the overdue marked. A cycle without public orders is a 404."""
    orders = Order.objects.restrict(PUBLIC, Action.VIEW).filter(cycle__code=code)
    cyc = Cycle.objects.filter(code=code).select_related("scheme").first() if orders.exists() else None
    if cyc is None:
        raise Http404(_("No such cycle with public rectification orders."))
    scheme = cyc.scheme.engine
    counts = dict(orders.values_list("state").annotate(n=Count("pk")).order_by())
    rows = orders.select_related("subject").order_by("-issued_at", "number")

    now = timezone.now()

    def table(items: Any) -> Table:
        def overdue(o: Order) -> Badge | str:
            words = o.overdue(now)
            return Badge(words, "red") if words else ""

        return Table("orders", _("Rectification orders"),
                     [_("order number"), _("unit"), _("indicator"), _("issued"), _("rectify by"), _("state"),
                      _("closed on"), _("overdue")],
                     [[o.number, o.subject.name, scheme.item_name(o.indicator), local_text(o.issued_at, "%Y-%m-%d"),
                       local_text(o.due, "%Y-%m-%d"),
                       Badge(OrderState(o.state).label, PUBLIC_ORDER_STATES.get(OrderState(o.state), "na")),
                       local_text(o.closed_at, "%Y-%m-%d"), overdue(o)] for o in items])

    response = exported(request, {"orders": lambda: table(rows)}, f"{cyc.code}-rectification")
    if response:
        return response
    page = paginate(request, rows)
    return render(request, "portal/rectification.html", {
        "cycle": cyc, "table": table(page.object_list), "page": page,
        "counts": [{"label": s.label, "n": counts.get(s.value, 0), "css": css}
                   for s, css in PUBLIC_ORDER_STATES.items()]})


@require_GET
@public_page
def cycle(request: HttpRequest, code: str) -> HttpResponse:
    """A published cycle: grades against the quotas and the ranking by category, searchable."""
    cyc = _cycle(code)
    scheme = cyc.scheme.engine
    results = Result.objects.restrict(PUBLIC, Action.VIEW).filter(cycle=cyc)
    rows = results.order_by("subject__category", "rank", "subject__code").values_list(
        "subject__code", "subject__name", "subject__category", "total", "rank", "grade", "flags")
    q, cat = search_text(request), request.GET.get("category") or ""
    filtered = rows
    if q:
        filtered = filtered.filter(Q(subject__code__icontains=q) | Q(subject__name__icontains=q))
    if cat:
        filtered = filtered.filter(subject__category=cat)

    lang = engine_lang()

    def table(items: Any) -> Table:
        return Table("results", _("Results"), [_("category"), _("rank"), _("unit"), _("total"), _("grade")],
                     [[c, rk, Link(n, reverse("portal:unit", args=[cyc.code, s])), t,
                       Badge(_graded(g, flag_notes(f, lang)), grade_css(scheme, g))]
                      for s, n, c, t, rk, g, f in items],
                     numeric=frozenset({3}))

    all_rows = list(rows)
    quotas = reports.quota_table(scheme, [(c, g) for _s, _n, c, _t, _rk, g, _f in all_rows])

    def grades() -> Table:
        return Table("grades", _("Grades"), [_("population"), _("grade"), pgettext("count", "units"), _("share %"),
                                             _("quota %")],
                     [[g["population"], g["grade"], g["count"], round(100 * g["share"], 1),
                       round(100 * g["quota"], 1) if g["quota"] is not None else ""] for g in quotas],
                     numeric=frozenset({2, 3, 4}))

    response = exported(request, {"results": lambda: table(filtered), "grades": grades}, f"{cyc.code}-public")
    if response:
        return response
    pops = sorted({g["population"] for g in quotas})
    fig = charts.bar([g.name for g in scheme.grades],
                     {p: [g["count"] for g in quotas if g["population"] == p] for p in pops},
                     colors=[charts.BLUE, charts.GREEN, charts.GREY], ytitle=pgettext("count", "units"))
    page = paginate(request, filtered)
    categories = [(c, c) for c in sorted({c for _s, _n, c, *_rest in all_rows})]
    adjusted = sum(1 for *_rest, f in all_rows if flag_notes(f, lang))
    return render(request, "portal/cycle.html", {"cycle": cyc, "table": table(page.object_list), "page": page,
                                                 "grades": grades(), "fig": figure(fig), "q": q, "category": cat,
                                                 "categories": categories, "n": len(all_rows), "adjusted": adjusted})


def _graded(grade: str, reasons: list[str]) -> str:
    """A grade with the short reasons it is not the one the total alone gives: 不合格（一票否决）."""
    if not reasons:
        return grade or "—"
    return _("%(grade)s (%(why)s)") % {"grade": grade or "—", "why": "、".join(reasons)}


#: What each kind of line of a breakdown is, for the page's small label and the export.
LINE_KINDS = {"node": pgettext_lazy("composition", "indicator points"), "bonus": pgettext_lazy("composition", "bonus"),
              "bonus_cap": pgettext_lazy("composition", "bonus cap"),
              "penalty": pgettext_lazy("composition", "penalty"),
              "penalty_cap": pgettext_lazy("composition", "penalty cap"),
              "floor": pgettext_lazy("composition", "total floor"),
              "rounding": pgettext_lazy("composition", "rounding")}


def _signed(points: float, kind: str) -> str:
    """Points as the column shows them: a node's as they are, an addition with +, a deduction with − (U+2212)."""
    if kind == "node":
        return f"{points:,.2f}"
    return f"+{points:,.2f}" if points > 0 else f"\u2212{-points:,.2f}" if points < 0 else f"{0:.2f}"


def _composition(made: Breakdown | None, scheme: Any, lang: str) -> list[dict[str, Any]]:
    """The lines of the page's 总分构成 from the engine's breakdown, as shown (rounded, with the rounding carried),
    with a "none" line for a scheme's bonus or penalty items when none applied."""
    if made is None:
        return []
    lines = made.shown()
    out = [{"kind": ln.kind, "word": LINE_KINDS[ln.kind], "label": ln.label(lang), "points": ln.points,
            "shown": _signed(ln.points, ln.kind)} for ln in lines]
    for kind, codes, none in (("bonus", scheme.bonus.codes, _("no bonus item applied")),
                              ("penalty", scheme.penalty.codes, _("no penalty item applied"))):
        if codes and not any(ln.kind == kind for ln in lines):
            at = max((k + 1 for k, ln in enumerate(out) if ln["kind"] in ("node", "bonus", "bonus_cap")), default=0)
            out.insert(at, {"kind": kind, "word": LINE_KINDS[kind], "label": none, "points": 0.0,
                            "shown": _signed(0.0, kind), "none": True})
    return out


@require_GET
@public_page
def unit(request: HttpRequest, code: str, subject: str) -> HttpResponse:
    """A unit in a published cycle: total, rank, grade, how the total adds up and why the grade, points per
    first-level node, published history."""
    cyc = _cycle(code)
    subj = Subject.objects.restrict(PUBLIC, Action.VIEW).filter(cycle=cyc, code=subject).first()
    result = Result.objects.restrict(PUBLIC, Action.VIEW).filter(cycle=cyc, subject=subj).first() if subj else None
    if subj is None or result is None:
        raise Http404(_("No such unit in this published cycle."))
    scheme = cyc.scheme.engine
    lang = engine_lang()
    _applicable, avail = reports.applicable_and_available(scheme, subj.category, result)
    made = reports.result_breakdown(cyc, result, subj.code)
    lines = _composition(made, scheme, lang)
    total = round_half_up(result.total)

    def key() -> Table:
        rows = []
        for node in scheme.tree:
            a, e = avail.get(node.code, 0.0), result.points.get(node.code)
            if a <= 0 or e is None:
                continue
            st = reports.status_of(e, a)
            rows.append([node.name, e, a, round(100 * e / a, 1), Badge(reports.STATUS_LABELS[st], f"status {st}")])
        return Table("key", _("Key indicators"), [_("indicator"), _("points"), _("of"), _("share %"), _("status")],
                     rows, numeric=frozenset({1, 2, 3}))

    def composition() -> Table:
        rows: list[list[Any]] = [[ln["word"], ln["label"], ln["points"]] for ln in lines]
        rows.append([pgettext("sum", "Total"), "", total])
        return Table("composition", _("How the total adds up"),
                     [pgettext("composition", "kind"), pgettext("composition", "item"),
                      pgettext("composition", "points")], rows, numeric=frozenset({2}))

    history = list(Result.objects.restrict(PUBLIC, Action.VIEW).filter(subject__unit_id=subj.unit_id)
                   .select_related("cycle").order_by("cycle__year", "cycle__period_number"))

    def hist() -> Table:
        return Table("history", _("History"), [_("cycle"), _("total"), _("rank"), _("grade")],
                     [[Link(r.cycle.name, reverse("portal:unit", args=[r.cycle.code, subj.code])), r.total, r.rank,
                       r.grade] for r in history], numeric=frozenset({1}))

    response = exported(request, {"key": key, "composition": composition, "history": hist},
                        f"{cyc.code}-{subj.code}-public")
    if response:
        return response
    notes = [{"label": n.label(lang), "text": n.text(lang), "kind": n.kind} for n in made.notes] if made else []
    return render(request, "portal/unit.html", {
        "cycle": cyc, "subject": subj, "result": result, "key": key(), "history": hist(),
        "grade_css": grade_css(scheme, result.grade), "lines": lines, "total": total, "breakdown": made,
        "notes": notes, "reasons": [n["label"] for n in notes] if made else flag_notes(result.flags, lang)})
