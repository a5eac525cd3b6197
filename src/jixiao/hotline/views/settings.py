"""The office's hotline settings on one page: response time limits, routing rules, which cycle indicators the
hotline feeds (and computing them), and the classifier (training it, classifying what has no category)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jixiao.core.choices import Action
from jixiao.cycles.choices import CycleState
from jixiao.cycles.models import Cycle
from jixiao.hotline.choices import DEFAULT_SLA_HOURS, NORMAL, URGENT
from jixiao.hotline.forms import FeedForm, RoutingForm, SlaForm
from jixiao.hotline.models import Category, Classifier, Feed, RoutingRule, SlaRule, Ticket
from jixiao.hotline.services.classify import do_classify_tickets, do_train_classifier
from jixiao.hotline.services.figures import do_compute_hotline_figures, do_set_feed, do_set_sla_rule
from jixiao.hotline.services.routing import do_set_routing_rule
from jixiao.hotline.views.tickets import is_office
from jixiao.org.models import Unit
from jixiao.web.helpers import run_service, web_login_required


def _office(request: HttpRequest) -> None:
    if not is_office(request.user):
        raise Http404(_("No such page."))


def _categories() -> list[tuple[Any, str]]:
    return [("", "—"), *((c.pk, c.path) for c in Category.objects.filter(active=True).order_by("code"))]


def _units() -> list[tuple[Any, str]]:
    return [(u.code, f"{u.code} {u.name}") for u in Unit.objects.order_by("path")]


def _open_cycles(user: Any) -> list[Cycle]:
    return list(Cycle.objects.restrict(user, Action.VIEW).filter(state=CycleState.OPEN).select_related("scheme")
                .order_by("-year", "code"))


def _indicators(cycle: Cycle) -> list[tuple[str, str]]:
    return [(leaf.code, f"{leaf.code} {leaf.name}") for leaf in cycle.scheme.engine.measured_leaves]


def _forms(user: Any, data: Any = None, which: str = "") -> dict[str, Any]:
    cycles = _open_cycles(user)
    return {
        "sla_form": SlaForm(data if which == "sla" else None, choices={"category": _categories()}),
        "routing_form": RoutingForm(data if which == "routing" else None,
                                    choices={"category": _categories(), "unit": _units()}),
        "feed_forms": [(c, FeedForm(data if which == f"feed-{c.pk}" else None, prefix=f"c{c.pk}",
                                    choices={"indicator": _indicators(c)})) for c in cycles],
    }


def _page(request: HttpRequest, forms: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, "hotline/settings.html", {
        **forms, "sla_rules": SlaRule.objects.select_related("category"),
        "urgent_hours": f"{DEFAULT_SLA_HOURS[URGENT]:g}",
        "normal_hours": f"{DEFAULT_SLA_HOURS[NORMAL]:g}",
        "routing_rules": RoutingRule.objects.select_related("category", "unit"),
        "feeds": Feed.objects.select_related("cycle").order_by("-cycle__year", "indicator"),
        "classifier": Classifier.objects.first(),
        "pending": Ticket.objects.filter(category=None, needs_review=False).count(),
        "review": Ticket.objects.filter(needs_review=True).count(),
    }, status=status)


@web_login_required
@require_GET
def settings_view(request: HttpRequest) -> HttpResponse:
    _office(request)
    return _page(request, _forms(request.user))


@web_login_required
@require_POST
def set_sla(request: HttpRequest) -> HttpResponse:
    _office(request)
    forms = _forms(request.user, request.POST, "sla")
    form = forms["sla_form"]
    if form.is_valid():
        d = form.cleaned_data
        category = Category.objects.filter(pk=d["category"]).first() if d["category"] else None
        if run_service(request, lambda: do_set_sla_rule(category, d["urgency"], d["hours"], actor=request.user),
                       _("The time limit is set.")):
            return redirect("hotline:settings")
    return _page(request, forms, status=422)


@web_login_required
@require_POST
def set_routing(request: HttpRequest) -> HttpResponse:
    _office(request)
    forms = _forms(request.user, request.POST, "routing")
    form = forms["routing_form"]
    if form.is_valid():
        d = form.cleaned_data
        category = Category.objects.filter(pk=d["category"]).first() if d["category"] else None
        unit = Unit.objects.get(code=d["unit"])
        if run_service(request, lambda: do_set_routing_rule(category, d["district"], d["street"], unit,
                                                            actor=request.user, note=d["note"]),
                       _("The routing rule is set.")):
            return redirect("hotline:settings")
    return _page(request, forms, status=422)


@web_login_required
@require_POST
def set_feed(request: HttpRequest, pk: int) -> HttpResponse:
    _office(request)
    cycle = next((c for c in _open_cycles(request.user) if c.pk == pk), None)
    if cycle is None:
        raise Http404(_("No such cycle."))
    forms = _forms(request.user, request.POST, f"feed-{pk}")
    form = next(f for c, f in forms["feed_forms"] if c.pk == pk)
    if form.is_valid():
        d = form.cleaned_data
        if run_service(request, lambda: do_set_feed(cycle, d["indicator"], d["measure"], d["start"], d["end"],
                                                    actor=request.user),
                       _("The indicator is fed by the hotline.")):
            return redirect("hotline:settings")
    return _page(request, forms, status=422)


@web_login_required
@require_POST
def compute(request: HttpRequest, pk: int) -> HttpResponse:
    _office(request)
    cycle = next((c for c in _open_cycles(request.user) if c.pk == pk), None)
    if cycle is None:
        raise Http404(_("No such cycle."))
    done: list[dict[str, int]] = []
    if run_service(request, lambda: done.append(do_compute_hotline_figures(cycle, actor=request.user)),
                   _("The hotline figures are computed.")):
        c = done[0]
        messages.info(request, _("{f} units' figures; {w} values written, {u} unchanged.").format(
            f=c["figures"], w=c["written"], u=c["unchanged"]))
        if c["locked"]:
            messages.warning(request, _("{n} values were not written: those units' data are submitted or approved "
                                        "(return or reopen them first).").format(n=c["locked"]))
    return redirect("hotline:settings")


@web_login_required
@require_POST
def train(request: HttpRequest) -> HttpResponse:
    _office(request)
    run_service(request, lambda: do_train_classifier(actor=request.user), _("The model is trained."))
    return redirect("hotline:settings")


@web_login_required
@require_POST
def classify(request: HttpRequest) -> HttpResponse:
    _office(request)
    done: list[dict[str, int]] = []
    if run_service(request, lambda: done.append(do_classify_tickets(actor=request.user)),
                   _("The tickets without a category are classified.")):
        c = done[0]
        messages.info(request, _("{n} tickets: {k} classified, {r} to review.").format(
            n=c["tickets"], k=c["classified"], r=c["review"]))
    return redirect("hotline:settings")
