"""The hot-spot page (热点分析) and the weight proposals it leads to: for the office and auditors (a city-wide
view); the office proposes, accepts and declines."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jixiao.core.choices import Action
from jixiao.core.roles import Role, role_of
from jixiao.cycles.models import Cycle
from jixiao.hotline.choices import Measure
from jixiao.hotline.forms import DecisionForm, ProposeForm
from jixiao.hotline.models import Feed, WeightProposal
from jixiao.hotline.services.hotspots import page_data
from jixiao.hotline.services.proposals import do_accept_proposal, do_decline_proposal, do_propose_weights
from jixiao.hotline.views.tickets import is_office
from jixiao.web import charts
from jixiao.web.helpers import figure, run_service, web_login_required


def _city(request: HttpRequest) -> None:
    if role_of(request.user) not in (Role.ADMIN, Role.AUDITOR):
        raise Http404(_("No such page."))


def _year(request: HttpRequest, today: Any) -> int:
    raw = request.GET.get("year") or ""
    if raw.isdigit() and 2000 <= int(raw) <= today.year:
        return int(raw)
    return int(today.year)


def _feed_cycles(user: Any) -> list[tuple[str, str]]:
    codes = Feed.objects.values_list("cycle_id", flat=True).distinct()
    return list(Cycle.objects.restrict(user, Action.VIEW).filter(pk__in=codes).order_by("-year", "code")
                .values_list("code", "name"))


@web_login_required
@require_GET
def hotspots(request: HttpRequest) -> HttpResponse:
    _city(request)
    today = timezone.localdate()
    year = _year(request, today)
    data = page_data(year, today)
    heat = data["heat"]
    heat_fig = charts.heatmap(heat["months"], [r["label"] for r in heat["rows"]],
                              [r["unresolved"] for r in heat["rows"]], title=_("unresolved"),
                              zmax=max([max(r["unresolved"], default=0) for r in heat["rows"]] or [1]) or 1,
                              colorscale=charts.COUNT_SCALE,
                              text=[[_("{u} unresolved of {n}").format(u=u, n=n)
                                     for u, n in zip(r["unresolved"], r["tickets"], strict=True)]
                                    for r in heat["rows"]])
    trend = data["trend"]
    trend_fig = charts.lines(trend["months"], trend["series"], ytitle=_("tickets"))
    proposals = WeightProposal.objects.restrict(request.user, Action.VIEW).select_related("scheme", "result")[:10]
    office = is_office(request.user)
    cycles = _feed_cycles(request.user) if office else []
    form = ProposeForm(choices={"cycle": cycles}, initial={"year": year}) if office and cycles else None
    names = dict(Measure.choices)
    return render(request, "hotline/hotspots.html", {
        "data": data, "year": year, "years": list(range(today.year, today.year - 3, -1)),
        "heat_fig": figure(heat_fig), "trend_fig": figure(trend_fig), "heat_rows": heat["rows"],
        "proposals": [{"p": p, "rows": [{**r, "measure_name": names.get(r["measure"], r["measure"])}
                                        for r in p.rows]} for p in proposals],
        "form": form, "decide": DecisionForm() if office else None, "office": office,
        "flagged_changes": [c for c in data["changes"] if c.get("flagged")],
    })


@web_login_required
@require_POST
def propose(request: HttpRequest) -> HttpResponse:
    if not is_office(request.user):
        raise Http404(_("No such page."))
    form = ProposeForm(request.POST, choices={"cycle": _feed_cycles(request.user)})
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
        return redirect("hotline:hotspots")
    d = form.cleaned_data
    cycle = Cycle.objects.get(code=d["cycle"])
    run_service(request, lambda: do_propose_weights(cycle, d["year"], actor=request.user,
                                                    until=timezone.localdate()),
                _("The weights are proposed; accept them into a new scheme version or decline them below."))
    return redirect(f"{reverse('hotline:hotspots')}?year={d['year']}#proposals")


@web_login_required
@require_POST
def decide(request: HttpRequest, pk: int, verdict: str) -> HttpResponse:
    proposal = WeightProposal.objects.restrict(request.user, Action.CHANGE).filter(pk=pk).first()
    if proposal is None or verdict not in ("accept", "decline"):
        raise Http404(_("No such proposal."))
    form = DecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    if verdict == "accept":
        run_service(request, lambda: do_accept_proposal(proposal, actor=request.user, comment=comment),
                    _("The proposal is accepted into a new version of the scheme."))
    else:
        run_service(request, lambda: do_decline_proposal(proposal, actor=request.user, comment=comment),
                    _("The proposal is declined."))
    return redirect(f"{reverse('hotline:hotspots')}#proposals")

