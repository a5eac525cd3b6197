"""The public portal (公示): what anyone may read without an account.

Every query runs as the anonymous public, whoever is signed in: ``restrict(PUBLIC, view)`` lets through
published cycles and their results only, so an unpublished cycle is a 404 by link and by guessed URL alike.
Values and ratings are never shown here (the public querysets give none); a unit's key indicators are the
points its published result earned on each first-level node.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from jixiao.core.choices import Action
from jixiao.cycles.models import Cycle, Subject
from jixiao.results import reports
from jixiao.results.models import Result
from jixiao.web import charts
from jixiao.web.helpers import exported, figure, grade_css, local_text, paginate, search_text
from jixiao.web.tables import Badge, Link, Table

PUBLIC = AnonymousUser()


def _cycle(code: str) -> Cycle:
    cycle: Cycle | None = Cycle.objects.restrict(PUBLIC, Action.VIEW).select_related("scheme").filter(
        code=code).first()
    if cycle is None:
        raise Http404(_("No such published cycle."))
    return cycle


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The published cycles."""
    qs = Cycle.objects.restrict(PUBLIC, Action.VIEW).select_related("scheme")
    q = search_text(request)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))

    def table(rows: Any) -> Table:
        return Table("cycles", _("Published assessment cycles"), [_("cycle"), _("year"), _("scheme"), _("published")],
                     [[Link(c.name, reverse("portal:cycle", args=[c.code])), c.year, c.scheme.name,
                       local_text(c.published_at, "%Y-%m-%d")] for c in rows])

    response = exported(request, {"cycles": lambda: table(qs)}, "published-cycles")
    if response:
        return response
    page = paginate(request, qs)
    return render(request, "portal/index.html", {"table": table(page.object_list), "page": page, "q": q})


@require_GET
def cycle(request: HttpRequest, code: str) -> HttpResponse:
    """A published cycle: grades against the quotas and the ranking by category, searchable."""
    cyc = _cycle(code)
    scheme = cyc.scheme.engine
    results = Result.objects.restrict(PUBLIC, Action.VIEW).filter(cycle=cyc)
    rows = results.order_by("subject__category", "rank", "subject__code").values_list(
        "subject__code", "subject__name", "subject__category", "total", "rank", "grade")
    q, cat = search_text(request), request.GET.get("category") or ""
    filtered = rows
    if q:
        filtered = filtered.filter(Q(subject__code__icontains=q) | Q(subject__name__icontains=q))
    if cat:
        filtered = filtered.filter(subject__category=cat)

    def table(items: Any) -> Table:
        return Table("results", _("Results"), [_("category"), _("rank"), _("unit"), _("total"), _("grade")],
                     [[c, rk, Link(n, reverse("portal:unit", args=[cyc.code, s])), t,
                       Badge(g or "—", grade_css(scheme, g))] for s, n, c, t, rk, g in items],
                     numeric=frozenset({3}))

    all_rows = list(rows)
    quotas = reports.quota_table(scheme, [(c, g) for _s, _n, c, _t, _rk, g in all_rows])

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
    categories = sorted({c for _s, _n, c, *_rest in all_rows})
    return render(request, "portal/cycle.html", {"cycle": cyc, "table": table(page.object_list), "page": page,
                                                 "grades": grades(), "fig": figure(fig), "q": q, "category": cat,
                                                 "categories": categories, "n": len(all_rows)})


@require_GET
def unit(request: HttpRequest, code: str, subject: str) -> HttpResponse:
    """A unit in a published cycle: total, rank, grade, points per first-level node, published history."""
    cyc = _cycle(code)
    subj = Subject.objects.restrict(PUBLIC, Action.VIEW).filter(cycle=cyc, code=subject).first()
    result = Result.objects.restrict(PUBLIC, Action.VIEW).filter(cycle=cyc, subject=subj).first() if subj else None
    if subj is None or result is None:
        raise Http404(_("No such unit in this published cycle."))
    scheme = cyc.scheme.engine
    _applicable, avail = reports.applicable_and_available(scheme, subj.category, result)

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

    history = list(Result.objects.restrict(PUBLIC, Action.VIEW).filter(subject__unit_id=subj.unit_id)
                   .select_related("cycle").order_by("cycle__year", "cycle__period_number"))

    def hist() -> Table:
        return Table("history", _("History"), [_("cycle"), _("total"), _("rank"), _("grade")],
                     [[Link(r.cycle.name, reverse("portal:unit", args=[r.cycle.code, subj.code])), r.total, r.rank,
                       r.grade] for r in history], numeric=frozenset({1}))

    response = exported(request, {"key": key, "history": hist}, f"{cyc.code}-{subj.code}-public")
    if response:
        return response
    return render(request, "portal/unit.html", {"cycle": cyc, "subject": subj, "result": result, "key": key(),
                                                "history": hist(), "grade_css": grade_css(scheme, result.grade)})
