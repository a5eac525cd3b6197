"""Pages of progress monitoring. Everything starts from ``restrict()``; every change goes through the services,
whose refusals become messages beside the form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of
from jixiao.collection.querysets import value_codes_for
from jixiao.core.choices import Action
from jixiao.cycles.choices import CycleState
from jixiao.cycles.models import Subject
from jixiao.engine import monitoring as rules
from jixiao.monitoring.choices import TRANSITIONS, WarningKind, WarningState
from jixiao.monitoring.forms import AnswerForm, FollowUpForm, PeriodValueForm
from jixiao.monitoring.models import PeriodValue, Warning
from jixiao.monitoring.querysets import may_follow_up
from jixiao.monitoring.services import (
    assess,
    do_answer_warning,
    do_follow_up_warning,
    do_set_period_value,
    planned,
    setting,
)
from jixiao.web.helpers import get_cycle, get_subject, paginate, run_service, web_login_required

#: The CSS badge of each light of the engine.
LIGHTS = {rules.GREEN: "green", rules.YELLOW: "yellow", rules.RED: "red", rules.NOT_ASSESSED: "na"}
#: The roles that see monitoring at all.
ROLES = (Role.ADMIN, Role.AUDITOR, Role.OPERATOR, Role.LEADER)


def _light(code: int) -> dict[str, str]:
    return {"css": LIGHTS[code], "word": rules.STATUS_WORDS[code][0]}


def _form_errors(request: HttpRequest, form: Any) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


def _latest_period(cycle: Any) -> int | None:
    latest: int | None = PeriodValue.objects.filter(cycle=cycle).aggregate(p=Max("period"))["p"]
    return latest


@web_login_required
@require_GET
def overview(request: HttpRequest, code: str) -> HttpResponse:
    """The office's page (过程监控): each unit's light per indicator in the latest month with values, the open
    warnings by kind, and the warnings still open with their age."""
    user = request.user
    if role_of(user) not in (Role.ADMIN, Role.AUDITOR):
        raise Http404(_("No such page."))
    cycle = get_cycle(user, code)
    scheme = cycle.scheme.engine
    period = _latest_period(cycle)
    codes = [leaf.code for leaf in scheme.measured_leaves
             if leaf.code in set(planned(cycle).get_column("indicator").unique().to_list())]
    subjects = list(Subject.objects.restrict(user, Action.VIEW).filter(cycle=cycle).order_by("code")
                    .values_list("pk", "code", "name"))
    page = paginate(request, subjects)
    lights: dict[tuple[int, str], int] = {}
    if period is not None:
        frame = assess(cycle, subject_ids=[s[0] for s in page.object_list], period=period)
        lights = {(r[0], r[1]): r[2] for r in frame.select("subject_id", "indicator", "status").iter_rows()}
    matrix = [{"code": c, "name": n, "cells": [_light(lights.get((pk, i), rules.NOT_ASSESSED)) for i in codes]}
              for pk, c, n in page.object_list]
    warnings = Warning.objects.restrict(user, Action.VIEW).filter(cycle=cycle)
    open_counts = dict(warnings.filter(state=WarningState.OPEN).values_list("kind").annotate(n=Count("pk"))
                       .order_by())
    now = timezone.now()
    recent = [{"w": w, "age": (now - w.created_at).days} for w in
              warnings.filter(state=WarningState.OPEN).select_related("subject").order_by("created_at", "pk")[:50]]
    return render(request, "monitoring/overview.html", {
        "cycle": cycle, "period": period, "indicators": [(c, scheme.item_name(c)) for c in codes],
        "matrix": matrix, "page": page, "recent": recent,
        "counts": [(k.label, open_counts.get(k.value, 0)) for k in WarningKind],
        "open_total": sum(open_counts.values())})


@web_login_required
@require_GET
def warnings(request: HttpRequest, code: str) -> HttpResponse:
    """The warnings the user may see (a unit's own; everyone's for the office and auditors), newest first, with
    the answer form where the user may answer and the follow-up form for the office."""
    user = request.user
    if role_of(user) not in ROLES:
        raise Http404(_("No such page."))
    cycle = get_cycle(user, code)
    scheme = cycle.scheme.engine
    qs = Warning.objects.restrict(user, Action.VIEW).filter(cycle=cycle).select_related("subject", "answered_by")
    state = request.GET.get("state", "")
    if state in WarningState.values:
        qs = qs.filter(state=state)
    page = paginate(request, qs)
    changeable = set(Warning.objects.restrict(user, Action.CHANGE).filter(pk__in=[w.pk for w in page.object_list])
                     .values_list("pk", flat=True))
    now = timezone.now()
    office = may_follow_up(user)
    rows = [{"w": w, "age": (now - w.created_at).days, "name": scheme.item_name(w.indicator),
             "answerable": w.pk in changeable and w.state in TRANSITIONS["answer"],
             "followable": office and w.state in TRANSITIONS["follow_up"]} for w in page.object_list]
    return render(request, "monitoring/warnings.html", {
        "cycle": cycle, "rows": rows, "page": page, "state": state, "states": WarningState.choices,
        "answer_form": AnswerForm(), "follow_up_form": FollowUpForm(), "office": office})


def _warning(request: HttpRequest, pk: int) -> Warning:
    warning: Warning | None = (Warning.objects.restrict(request.user, Action.VIEW).select_related("cycle", "subject")
                               .filter(pk=pk).first())
    if warning is None:
        raise Http404(_("No such warning."))
    return warning


def _back(request: HttpRequest, warning: Warning) -> HttpResponse:
    target = request.POST.get("next", "")
    if target.startswith("/app/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("monitoring:warnings", code=warning.cycle.code)


@web_login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    warning = _warning(request, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        run_service(request, lambda: do_answer_warning(warning, actor=request.user, answer=form.cleaned_data["answer"]),
                    _("The answer is saved."))
    else:
        _form_errors(request, form)
    return _back(request, warning)


@web_login_required
@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    warning = _warning(request, pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        run_service(request, lambda: do_follow_up_warning(warning, actor=request.user, state=d["state"],
                                                          note=d["note"]), _("The follow-up is saved."))
    else:
        _form_errors(request, form)
    return _back(request, warning)


def _unit_rows(cycle: Any, subject: Subject) -> tuple[list[int], list[dict[str, Any]]]:
    """Per indicator of the subject with a plan or a period value: each month's plan, value, version and
    light."""
    scheme = cycle.scheme.engine
    periods = setting(cycle).periods
    months = list(range(1, periods + 1))
    targets = {r[0]: r[1] for r in planned(cycle, [subject.pk]).select("indicator", "target").iter_rows()}
    shares = rules.linear_plan(1.0, periods)
    values = {(i, p): (v, ver) for i, p, v, ver in PeriodValue.objects.filter(subject=subject)
              .values_list("indicator", "period", "value", "version")}
    lights = {(r[0], r[1]): r[2] for r in assess(cycle, subject_ids=[subject.pk])
              .select("indicator", "period", "status").iter_rows()}
    codes = [c for c in scheme.value_codes if c in targets or any(i == c for i, _p in values)]
    rows = []
    for c in codes:
        target = targets.get(c)
        cells = []
        for k in months:
            value, version = values.get((c, k), (None, 0))
            cells.append({"period": k, "plan": None if target is None else float(target * shares[k - 1]),
                          "value": value, "version": version,
                          "light": _light(lights.get((c, k), rules.NOT_ASSESSED))})
        rows.append({"code": c, "name": scheme.item_name(c), "target": target, "cells": cells})
    return months, rows


@web_login_required
@require_http_methods(["GET", "POST"])
def unit(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    """A unit's months (月度填报): plan against actual per indicator and month, and the form to enter a month's
    cumulative value (chosen by its cell, which carries the version read)."""
    user = request.user
    if role_of(user) not in ROLES:
        raise Http404(_("No such page."))
    cycle = get_cycle(user, code)
    subject = get_subject(user, cycle, unit)
    writable = sorted(value_codes_for(user, subject)) if cycle.state == CycleState.OPEN else []
    if request.method == "POST":
        form = PeriodValueForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            run_service(request, lambda: do_set_period_value(
                subject, d["indicator"], d["period"], d["value"], actor=user, version=d["version"] or 0,
                note=d["note"]), _("The value is saved."))
        else:
            _form_errors(request, form)
        return redirect("monitoring:unit", code=cycle.code, unit=subject.code)
    months, rows = _unit_rows(cycle, subject)
    chosen: dict[str, Any] = {}
    wanted, month = request.GET.get("indicator", ""), request.GET.get("month", "")
    if wanted in writable and month.isdigit() and 1 <= int(month) <= len(months):
        row = next((r for r in rows if r["code"] == wanted), None)
        cell = row["cells"][int(month) - 1] if row is not None else {"value": None, "version": 0}
        chosen = {"indicator": wanted, "name": cycle.scheme.engine.item_name(wanted), "period": int(month),
                  "value": cell["value"], "version": cell["version"]}
    return render(request, "monitoring/unit.html", {
        "cycle": cycle, "subject": subject, "months": months, "rows": rows, "writable": set(writable),
        "choices": [(c, cycle.scheme.engine.item_name(c)) for c in writable], "chosen": chosen,
        "warnings": Warning.objects.restrict(user, Action.VIEW).filter(subject=subject,
                                                                       state=WarningState.OPEN).count()})

