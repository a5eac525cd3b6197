"""Pages of progress monitoring: the office's overview, the warnings, a unit's months, the rectification orders
(整改通知单) and the escalations (四阶警示). Everything starts from ``restrict()``; every change goes through the
services, whose refusals become messages beside the form."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import polars as pl
from django import forms
from django.contrib import messages
from django.db.models import Count, Max, Prefetch
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of
from jixiao.collection.querysets import value_codes_for
from jixiao.core.choices import Action
from jixiao.cycles.choices import CycleState
from jixiao.cycles.models import Subject
from jixiao.engine import monitoring as rules
from jixiao.monitoring.choices import (
    ORDER_TRANSITIONS,
    TRANSITIONS,
    Entry,
    Frequency,
    OrderState,
    Stage,
    WarningKind,
    WarningState,
)
from jixiao.monitoring.forms import (
    AcknowledgeOrderForm,
    AnswerForm,
    DismissOrderForm,
    FollowUpForm,
    IssueOrderForm,
    OverrideEscalationForm,
    PeriodValueForm,
    RecheckOrderForm,
    RecordStepForm,
    ReportOrderForm,
    SubmitOrderForm,
)
from jixiao.monitoring.models import (
    DualPair,
    Escalation,
    EscalationStep,
    Order,
    OrderLog,
    PeriodPlan,
    PeriodValue,
    Reporting,
    Warning,
)
from jixiao.monitoring.querysets import may_follow_up
from jixiao.monitoring.services import (
    assess,
    do_acknowledge_order,
    do_answer_warning,
    do_dismiss_order,
    do_follow_up_warning,
    do_issue_order,
    do_override_escalation,
    do_recheck_order,
    do_record_escalation_step,
    do_report_order,
    do_set_dual_pair,
    do_set_period_plan,
    do_set_period_value,
    do_set_reporting,
    do_submit_order,
    plannable,
    planned,
    setting,
)
from jixiao.web import charts
from jixiao.web.helpers import figure, get_cycle, get_subject, paginate, run_service, web_login_required

#: The CSS badge of each light of the engine.
LIGHTS = {rules.GREEN: "green", rules.YELLOW: "yellow", rules.RED: "red", rules.NOT_ASSESSED: "na"}
#: The roles that see monitoring at all.
ROLES = (Role.ADMIN, Role.AUDITOR, Role.OPERATOR, Role.LEADER)
#: The CSS badge of each state of a rectification order.
ORDER_CSS = {OrderState.PROPOSED: "na", OrderState.DISMISSED: "na", OrderState.ISSUED: "yellow",
             OrderState.ACKNOWLEDGED: "yellow", OrderState.SUBMITTED: "grade-1", OrderState.CLOSED: "green"}
#: The CSS badge of each escalation stage (none: ended).
STAGE_CSS = {Stage.NONE: "green", Stage.WRITTEN: "yellow", Stage.TALK: "yellow", Stage.BUDGET: "red",
             Stage.ACCOUNTABILITY: "red"}


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
    recent = [{"w": w, "age": (now - w.created_at).days, "name": scheme.item_name(w.indicator)} for w in
              warnings.filter(state=WarningState.OPEN).select_related("subject").order_by("created_at", "pk")[:50]]
    return render(request, "monitoring/overview.html", {
        "cycle": cycle, "period": period, "indicators": [(c, scheme.item_name(c)) for c in codes],
        "matrix": matrix, "page": page, "recent": recent,
        "counts": [(k.label, open_counts.get(k.value, 0)) for k in WarningKind],
        "open_total": sum(open_counts.values()), "order_counts": _order_counts(user, cycle),
        "stage_counts": _stage_counts(user, cycle), "lights_fig": _lights_figure(cycle),
        "reporting": _reporting(cycle) if may_follow_up(user) and cycle.state == CycleState.OPEN else None,
        "frequencies": Frequency.choices, "entries": Entry.choices,
        "pairs": [(p.pk, p.spending, scheme.item_name(p.spending), p.output, scheme.item_name(p.output))
                  for p in DualPair.objects.filter(cycle=cycle)]})


def _reporting(cycle: Any) -> list[dict[str, Any]]:
    """Each indicator that could be monitored (it has an annual target) and how often it is reported ("" not
    monitored)."""
    chosen = {i: (f, e) for i, f, e in Reporting.objects.filter(cycle=cycle)
              .values_list("indicator", "frequency", "entry")}
    return [{"code": leaf.code, "name": leaf.name, "frequency": chosen.get(leaf.code, ("", ""))[0],
             "entry": chosen.get(leaf.code, ("", Entry.CUMULATIVE))[1]} for leaf in plannable(cycle)]


@web_login_required
@require_POST
def reporting(request: HttpRequest, code: str) -> HttpResponse:
    """The office names the monitored indicators and how often each is reported (one service call per change)."""
    cycle = get_cycle(request.user, code)
    current = {i: (f, e) for i, f, e in Reporting.objects.filter(cycle=cycle)
               .values_list("indicator", "frequency", "entry")}
    wanted = {leaf.code: (request.POST.get(f"freq-{leaf.code}", ""),
                          request.POST.get(f"entry-{leaf.code}", Entry.CUMULATIVE)) for leaf in plannable(cycle)}
    unmonitored = ("", Entry.CUMULATIVE)
    # A change: monitored or not, its frequency, or (when monitored) what is entered.
    changes = [(code, f, e) for code, (f, e) in wanted.items()
               if f != current.get(code, unmonitored)[0] or (f and e != current.get(code, unmonitored)[1])]

    def save() -> None:
        for indicator, frequency, entry in changes:
            do_set_reporting(cycle, indicator, frequency, entry=entry, actor=request.user)

    run_service(request, save, _("The monitored indicators are saved."))
    return redirect("monitoring:overview", code=cycle.code)


@web_login_required
@require_POST
def dual_pair(request: HttpRequest, code: str) -> HttpResponse:
    """The office adds a pair of dual monitoring, or ends one (``remove``)."""
    cycle = get_cycle(request.user, code)
    spending, output = request.POST.get("spending", ""), request.POST.get("output", "")
    keep = "remove" not in request.POST
    run_service(request, lambda: do_set_dual_pair(cycle, spending, output, actor=request.user, monitored=keep),
                _("The dual monitoring pairs are saved."))
    return redirect("monitoring:overview", code=cycle.code)


def _order_counts(user: Any, cycle: Any) -> list[dict[str, Any]]:
    """The orders the user may see by state (one query)."""
    counts = dict(Order.objects.restrict(user, Action.VIEW).filter(cycle=cycle).values_list("state")
                  .annotate(n=Count("pk")).order_by())
    return [{"state": s.value, "label": s.label, "n": counts.get(s.value, 0), "css": ORDER_CSS[s]}
            for s in OrderState]


def _stage_counts(user: Any, cycle: Any) -> list[dict[str, Any]]:
    """How many units stand at each stage of escalation, each at its highest over its indicators (one query)."""
    tops = Counter(Escalation.objects.restrict(user, Action.VIEW).filter(cycle=cycle, stage__gt=0)
                   .values("subject").annotate(top=Max("stage")).values_list("top", flat=True).order_by())
    return [{"label": s.label, "n": tops.get(s.value, 0), "css": STAGE_CSS[s]} for s in Stage if s != Stage.NONE]


def _lights_figure(cycle: Any) -> str | None:
    """A stacked bar per month: the share of units whose worst light over the planned indicators is red, yellow
    or green (units with no assessed value that month left out). None before any value is assessed."""
    frame = assess(cycle).filter(pl.col("status") != rules.NOT_ASSESSED)
    if frame.is_empty():
        return None
    worst = frame.group_by("subject_id", "period").agg(pl.col("status").max())
    counts = {(p, s): n for p, s, n in worst.group_by("period", "status").len().iter_rows()}
    months = sorted({p for p, _s in counts})
    totals = {p: sum(n for (q, _s), n in counts.items() if q == p) for p in months}
    series = {word: [round(100 * counts.get((p, code), 0) / totals[p], 1) for p in months]
              for code, word in ((rules.RED, _("red")), (rules.YELLOW, _("yellow")), (rules.GREEN, _("green")))}
    labels = [_("month %(n)s") % {"n": p} for p in months]
    return figure(charts.bar(labels, series, colors=[charts.RED, charts.YELLOW, charts.GREEN], barmode="stack",
                             height=260, ytitle=_("share of units %")))


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
    state, kind = request.GET.get("state", ""), request.GET.get("kind", "")
    unit, indicator = request.GET.get("unit", ""), request.GET.get("indicator", "")
    # The units and indicators among the warnings the user may see, for the filters.
    units = list(Subject.objects.filter(pk__in=qs.values("subject")).order_by("code").values_list("code", "name"))
    indicators = [(c, scheme.item_name(c)) for c in sorted(set(qs.values_list("indicator", flat=True)))]
    if state in WarningState.values:
        qs = qs.filter(state=state)
    if kind in WarningKind.values:
        qs = qs.filter(kind=kind)
    if unit in {c for c, _n in units}:
        qs = qs.filter(subject__code=unit)
    if indicator in {c for c, _n in indicators}:
        qs = qs.filter(indicator=indicator)
    page = paginate(request, qs)
    changeable = set(Warning.objects.restrict(user, Action.CHANGE).filter(pk__in=[w.pk for w in page.object_list])
                     .values_list("pk", flat=True))
    now = timezone.now()
    office = may_follow_up(user)
    rows = [{"w": w, "age": (now - w.created_at).days, "name": scheme.item_name(w.indicator),
             "answerable": w.pk in changeable and w.state in TRANSITIONS["answer"],
             "followable": office and w.state in TRANSITIONS["follow_up"]} for w in page.object_list]
    return render(request, "monitoring/warnings.html", {
        "cycle": cycle, "rows": rows, "page": page, "state": state, "states": WarningState.choices, "kind": kind,
        "kinds": WarningKind.choices, "unit": unit, "units": units, "indicator": indicator, "indicators": indicators,
        "answer_form": AnswerForm(), "follow_up_form": FollowUpForm(), "office": office})


def _warning(request: HttpRequest, pk: int) -> Warning:
    warning: Warning | None = (Warning.objects.restrict(request.user, Action.VIEW).select_related("cycle", "subject")
                               .filter(pk=pk).first())
    if warning is None:
        raise Http404(_("No such warning."))
    return warning


def _back(request: HttpRequest, warning: Warning) -> HttpResponse:
    return _next_or(request, reverse("monitoring:warnings", args=[warning.cycle.code]))


def _next_or(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back to the page the form was on (``next``, a path of the app), else to ``fallback``."""
    target = request.POST.get("next", "")
    if target.startswith("/app/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect(fallback)


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
    agreed = {(i, p): v for i, p, v in PeriodPlan.objects.filter(subject=subject)
              .values_list("indicator", "period", "plan")}
    assessed = {(r[0], r[1]): (r[2], r[3]) for r in assess(cycle, subject_ids=[subject.pk])
                .select("indicator", "period", "status", "actual").iter_rows()}
    codes = [c for c in scheme.value_codes if c in targets or any(i == c for i, _p in values)]
    rows = []
    for c in codes:
        target = targets.get(c)
        cells = []
        for k in months:
            value, version = values.get((c, k), (None, 0))
            linear = None if target is None else float(target * shares[k - 1])
            cells.append({"period": k, "plan": agreed.get((c, k), linear), "agreed": (c, k) in agreed,
                          "value": value, "version": version,
                          "to_date": assessed[(c, k)][1] if (c, k) in assessed else value,
                          "light": _light(assessed[(c, k)][0] if (c, k) in assessed else rules.NOT_ASSESSED)})
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
                                                                       state=WarningState.OPEN).count(),
        "plannable": [(r["code"], r["name"]) for r in rows if r["target"] is not None]
        if may_follow_up(user) and cycle.state == CycleState.OPEN else []})


@web_login_required
@require_POST
def plan(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    """The office records a unit's negotiated plan of an indicator: a month left empty follows the linear plan."""
    cycle = get_cycle(request.user, code)
    subject = get_subject(request.user, cycle, unit)
    indicator = request.POST.get("indicator", "")
    agreed: dict[int, float | None] = {}
    problems = []
    for k in range(1, setting(cycle).periods + 1):
        text = request.POST.get(f"plan-{k}", "").strip()
        try:
            agreed[k] = float(text) if text else None
        except ValueError:
            problems.append(_("month %(n)s: not a number: %(text)s") % {"n": k, "text": text[:30]})
    if problems:
        for p in problems:
            messages.error(request, p)
    else:
        run_service(request, lambda: do_set_period_plan(subject, indicator, agreed, actor=request.user),
                    _("The negotiated plan is saved."))
    return redirect("monitoring:unit", code=cycle.code, unit=subject.code)



# --- rectification orders (整改通知单) ---------------------------------------------------------------------------

#: The steps only the office takes; the others are the unit's (who may change the order).
OFFICE_STEPS = frozenset({"issue", "dismiss", "recheck"})


def _monitored_cycle(request: HttpRequest, code: str) -> Any:
    if role_of(request.user) not in ROLES:
        raise Http404(_("No such page."))
    return get_cycle(request.user, code)


@web_login_required
@require_GET
def orders(request: HttpRequest, code: str) -> HttpResponse:
    """The rectification orders the user may see (a unit's own; all for the office and auditors), newest first,
    the counts by state on top, narrowed by state, the overdue ones marked."""
    user = request.user
    cycle = _monitored_cycle(request, code)
    scheme = cycle.scheme.engine
    qs = Order.objects.restrict(user, Action.VIEW).filter(cycle=cycle).select_related("subject")
    state = request.GET.get("state", "")
    if state in OrderState.values:
        qs = qs.filter(state=state)
    page = paginate(request, qs)
    now = timezone.now()
    rows = [{"o": o, "name": scheme.item_name(o.indicator), "css": ORDER_CSS[OrderState(o.state)],
             "overdue": o.overdue(now)} for o in page.object_list]
    return render(request, "monitoring/orders.html", {
        "cycle": cycle, "rows": rows, "page": page, "state": state, "states": OrderState.choices,
        "counts": _order_counts(user, cycle)})


def _order(request: HttpRequest, pk: int) -> Order:
    order: Order | None = (Order.objects.restrict(request.user, Action.VIEW)
                           .select_related("cycle", "cycle__scheme", "subject", "issued_by").filter(pk=pk).first())
    if order is None:
        raise Http404(_("No such rectification order."))
    return order


def _open_steps(user: Any, order: Order) -> set[str]:
    """The steps whose form the page shows: the office's to the office, the unit's to who may change the order
    (its unit's people), each while the order's state allows it (the services decide again)."""
    office = may_follow_up(user)
    unit = not office and Order.objects.restrict(user, Action.CHANGE).filter(pk=order.pk).exists()
    return {step for step, states in ORDER_TRANSITIONS.items()
            if order.state in states and (office if step in OFFICE_STEPS else unit)}


@web_login_required
@require_GET
def order(request: HttpRequest, pk: int) -> HttpResponse:
    """One rectification order: what was found and required, its deadlines and plan, its history with the
    evidence files, and the forms of the steps open to the user."""
    return _order_page(request, _order(request, pk))


def _order_page(request: HttpRequest, item: Order, kept: dict[str, str] | None = None,
                status: int = 200) -> HttpResponse:
    """The order's page; ``kept``: what the user typed into a form that was refused, shown again in it."""
    now = timezone.now()
    return render(request, "monitoring/order.html", {
        "order": item, "cycle": item.cycle, "name": item.cycle.scheme.engine.item_name(item.indicator),
        "css": ORDER_CSS[OrderState(item.state)], "overdue": item.overdue(now),
        "log": item.log.select_related("by"), "steps": _open_steps(request.user, item),
        "fix_days": setting(item.cycle).fix_days, "recheck_form": RecheckOrderForm(), "kept": kept or {}},
        status=status)


#: Each step of an order: its form, the service call with the form's data, and the message of success.
ORDER_STEPS: dict[str, tuple[type[forms.Form], Callable[[Order, Any, dict[str, Any]], Any], Any]] = {
    "issue": (IssueOrderForm, lambda o, user, d: do_issue_order(
        o, actor=user, requirement=d["requirement"], due=d["due"], public=d["public"]),
              gettext_lazy("The order is issued; the unit is told.")),
    "dismiss": (DismissOrderForm, lambda o, user, d: do_dismiss_order(o, actor=user, reason=d["reason"]),
                gettext_lazy("The order is not issued.")),
    "acknowledge": (AcknowledgeOrderForm, lambda o, user, d: do_acknowledge_order(o, actor=user, plan=d["plan"]),
                    gettext_lazy("The order is acknowledged with the plan.")),
    "report": (ReportOrderForm, lambda o, user, d: do_report_order(
        o, actor=user, progress=d["progress"], evidence=d["evidence"]), gettext_lazy("The progress is reported.")),
    "submit": (SubmitOrderForm, lambda o, user, d: do_submit_order(
        o, actor=user, summary=d["summary"], evidence=d["evidence"]),
               gettext_lazy("The rectification is submitted for the office's re-check.")),
    "recheck": (RecheckOrderForm, lambda o, user, d: do_recheck_order(
        o, actor=user, result=d["result"], note=d["note"]), gettext_lazy("The re-check is recorded.")),
}


@web_login_required
@require_POST
def order_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """A step of an order (``ORDER_STEPS``), posted by its form on the order's page; back to the page."""
    item = _order(request, pk)
    if step not in ORDER_STEPS:
        raise Http404
    form_class, call, ok = ORDER_STEPS[step]
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        if run_service(request, lambda: call(item, request.user, form.cleaned_data), str(ok)):
            return redirect("monitoring:order", pk=item.pk)
    else:
        _form_errors(request, form)
    # Refused: the page again, with what was typed still in its form (nothing entered is lost), the order as
    # it stands now.
    kept = {name: str(request.POST.get(name, "")) for name in form.fields if name in request.POST}
    return _order_page(request, _order(request, pk), kept, status=422)


def _attachment(file: FieldFile, name: str) -> FileResponse:
    """An evidence file as a download, never shown inline (its content was checked, not its safety)."""
    if not file:
        raise Http404(_("No file here."))
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The evidence file is missing from the file store.")) from None
    response = FileResponse(handle, as_attachment=True, filename=name or "evidence")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@web_login_required
@require_GET
def order_file(request: HttpRequest, pk: int) -> FileResponse:
    """The evidence file of an order's history entry, to who may see the order."""
    entry: OrderLog | None = OrderLog.objects.filter(
        pk=pk, order__in=Order.objects.restrict(request.user, Action.VIEW)).first()
    if entry is None:
        raise Http404(_("No such file."))
    return _attachment(entry.file, entry.file_name)


# --- escalation (四阶警示) ----------------------------------------------------------------------------------------

def _override_form(cycle: Any, data: Any = None) -> OverrideEscalationForm:
    """The office's override form, offering the cycle's units and its planned indicators (by name)."""
    scheme = cycle.scheme.engine
    codes = set(planned(cycle).get_column("indicator").unique().to_list())
    units = list(Subject.objects.filter(cycle=cycle).order_by("code").values_list("code", "name"))
    indicators = [(leaf.code, scheme.item_name(leaf.code)) for leaf in scheme.measured_leaves if leaf.code in codes]
    return OverrideEscalationForm(data, units=units, indicators=indicators)


@web_login_required
@require_GET
def escalation(request: HttpRequest, code: str) -> HttpResponse:
    """The escalations the user may see: those standing at a stage first (highest first), then the ended ones,
    each with its steps (why, by the job or by whom, what was done and its file); the office's override form
    and, per step not yet recorded, the form to record what was done."""
    return _escalation_page(request, _monitored_cycle(request, code))


def _escalation_page(request: HttpRequest, cycle: Any, kept: dict[str, Any] | None = None,
                     status: int = 200) -> HttpResponse:
    """The escalation page; ``kept``: what the user chose and typed into a form that was refused, shown again
    (``override``: the override form's fields; ``record``: the step's id and its text)."""
    user = request.user
    scheme = cycle.scheme.engine
    qs = (Escalation.objects.restrict(user, Action.VIEW).filter(cycle=cycle).select_related("subject")
          .prefetch_related(Prefetch("steps", queryset=EscalationStep.objects.select_related("by")))
          .order_by("-stage", "subject__code", "indicator"))
    page = paginate(request, qs)
    office = may_follow_up(user)
    rows = [{"e": e, "name": scheme.item_name(e.indicator), "css": STAGE_CSS[Stage(e.stage)]}
            for e in page.object_list]
    return render(request, "monitoring/escalation.html", {
        "cycle": cycle, "rows": rows, "page": page, "office": office,
        "override_form": _override_form(cycle) if office else None, "kept": kept or {}}, status=status)


@web_login_required
@require_POST
def escalation_override(request: HttpRequest, code: str) -> HttpResponse:
    """The office sets a unit's stage for an indicator, with the reason."""
    user = request.user
    cycle = _monitored_cycle(request, code)
    form = _override_form(cycle, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        subject = get_subject(user, cycle, d["unit"])
        if run_service(request, lambda: do_override_escalation(subject, d["indicator"], d["stage"], actor=user,
                                                               reason=d["reason"]), _("The stage is set.")):
            return redirect("monitoring:escalation", code=cycle.code)
    else:
        _form_errors(request, form)
    kept = {name: str(request.POST.get(name, "")) for name in ("unit", "indicator", "stage", "reason")}
    return _escalation_page(request, cycle, {"override": kept}, status=422)


def _step_of(request: HttpRequest, pk: int) -> EscalationStep:
    step: EscalationStep | None = (EscalationStep.objects.select_related("escalation__cycle").filter(
        pk=pk, escalation__in=Escalation.objects.restrict(request.user, Action.VIEW)).first())
    if step is None:
        raise Http404(_("No such escalation step."))
    return step


@web_login_required
@require_POST
def escalation_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The office records what was done at a stage, with an evidence file."""
    step = _step_of(request, pk)
    form = RecordStepForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        if run_service(request, lambda: do_record_escalation_step(step, actor=request.user, record=d["record"],
                                                                  evidence=d["evidence"]), _("The record is saved.")):
            return _next_or(request, reverse("monitoring:escalation", args=[step.escalation.cycle.code]))
    else:
        _form_errors(request, form)
    kept = {"step": step.pk, "text": str(request.POST.get("record", ""))}
    return _escalation_page(request, step.escalation.cycle, {"record": kept}, status=422)


@web_login_required
@require_GET
def escalation_file(request: HttpRequest, pk: int) -> FileResponse:
    """The evidence file of an escalation step, to who may see the escalation."""
    step = _step_of(request, pk)
    return _attachment(step.file, step.file_name)
