"""Pages of the review, appeals and hearings. Everything starts from ``restrict()``; every step goes through the
services, whose refusals become messages beside the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of
from jixiao.core.choices import Action
from jixiao.cycles.choices import CycleState
from jixiao.cycles.models import Subject
from jixiao.results.models import ResultVersion
from jixiao.review.choices import AppealStep, AppealTarget
from jixiao.review.forms import (
    AppealForm,
    CorrectionForm,
    DecisionForm,
    HearingDecisionForm,
    HearingForm,
    PublicityForm,
)
from jixiao.review.models import Appeal, Correction
from jixiao.review.querysets import allowed_appeal_steps, appeal_open, may_draft_appeal
from jixiao.review.services import (
    do_accept_appeal,
    do_confirm_review,
    do_correct_value,
    do_decide_hearing,
    do_draft_appeal,
    do_end_publicity,
    do_finalize_cycle,
    do_reject_appeal,
    do_schedule_hearing,
    do_sign_appeal,
    do_start_publicity,
    do_withdraw_appeal,
    final_changes,
    finalize_summary,
    publicity_summary,
    review_sheet,
)
from jixiao.web.helpers import get_cycle, run_service, web_login_required


def _form_errors(request: HttpRequest, form: Any) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


@web_login_required
@require_GET
def sheet(request: HttpRequest, code: str) -> HttpResponse:
    """The office's review (人工复核) of a cycle's machine results: what needs a human eye, machine and current
    results side by side, the corrections made, and the steps to publicity and the final publication."""
    user = request.user
    if role_of(user) not in (Role.ADMIN, Role.AUDITOR):
        raise Http404(_("No such page."))
    cycle = get_cycle(user, code)
    data = review_sheet(cycle, user)
    names = dict(Subject.objects.filter(cycle=cycle).values_list("code", "name"))
    compare = []
    for sc, now in sorted(data.current.items(), key=lambda kv: (kv[1]["rank"], kv[0])):
        machine = data.machine.get(sc) or {}
        changed = bool(machine) and any(machine.get(k) != now[k] for k in ("total", "rank", "grade"))
        compare.append({"code": sc, "name": names.get(sc, sc), "machine": machine, "now": now, "changed": changed})
    compare.sort(key=lambda r: (not r["changed"], r["now"]["rank"], r["code"]))
    corrections = (Correction.objects.restrict(user, Action.VIEW).filter(cycle=cycle)
                   .select_related("subject", "actor", "appeal"))
    versions = ResultVersion.objects.restrict(user, Action.VIEW).filter(cycle=cycle).order_by("-number")
    ctx = {"cycle": cycle, "sheet": data, "compare": compare, "corrections": corrections, "versions": versions,
           "changed": sum(1 for r in compare if r["changed"]), "scheme": cycle.scheme.engine,
           "can_change": role_of(user) == Role.ADMIN, "correction_form": CorrectionForm(),
           "publicity_form": PublicityForm(initial={"days": cycle.publicity_days})}
    if cycle.state == CycleState.CLOSED:
        ctx["publicity_summary"] = publicity_summary(cycle)
    if cycle.state in (CycleState.PUBLICITY, CycleState.APPEALS, CycleState.PUBLISHED):
        ctx["final_changes"] = final_changes(cycle)
        ctx["finalize_summary"] = finalize_summary(cycle)
    return render(request, "review/sheet.html", ctx)


@web_login_required
@require_POST
def cycle_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """The office's steps on a cycle: correct a value, confirm the review, start the publicity, end it (once
    due; the scheduler does the same), the final publication."""
    user = request.user
    cycle = get_cycle(user, code, Action.CHANGE)
    confirm = request.POST.get("confirm") in ("1", "on", "true")

    def correct() -> tuple[Callable[[], Any], str] | None:
        form = CorrectionForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return None
        d = form.cleaned_data
        subject = Subject.objects.restrict(user, Action.VIEW).filter(cycle=cycle, code=d["unit"]).first()
        if subject is None:
            messages.error(request, _("unit %(code)s: not in this cycle") % {"code": d["unit"]})
            return None
        return (lambda: do_correct_value(subject, d["indicator"], d["value"], actor=user, reason=d["reason"]),
                _("The value is corrected and the results recomputed."))

    def publicity() -> tuple[Callable[[], Any], str] | None:
        form = PublicityForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return None
        return (lambda: do_start_publicity(cycle, actor=user, days=form.cleaned_data["days"], confirm=confirm),
                _("The results are in publicity."))

    actions: dict[str, Callable[[], tuple[Callable[[], Any], str] | None]] = {
        "correct": correct,
        "confirm": lambda: (lambda: do_confirm_review(cycle, actor=user), _("The review is confirmed.")),
        "publicity": publicity,
        "end": lambda: (lambda: _end_publicity(cycle, user), _("The publicity is over; appeals are being decided.")),
        "finalize": lambda: (lambda: do_finalize_cycle(cycle, actor=user, confirm=confirm),
                             _("The final results are published.")),
    }
    if action not in actions:
        raise Http404
    step = actions[action]()
    if step is not None:
        run_service(request, *step)
    return redirect("review:sheet", code=cycle.code)


def _end_publicity(cycle: Any, user: Any) -> None:
    """End the publicity now that it is due, else say until when it runs."""
    from jixiao.review.errors import PublicityNotOverError
    from jixiao.review.services import local

    if not do_end_publicity(cycle, actor=user):
        cycle.refresh_from_db()
        raise PublicityNotOverError(cycle=cycle.name, deadline=local(cycle.publicity_ends_at))


@web_login_required
@require_GET
def appeals(request: HttpRequest, code: str) -> HttpResponse:
    """A cycle's appeals the user may see (a unit's own; the office's all), and the form to draft one while
    the publicity lasts."""
    user = request.user
    cycle = get_cycle(user, code)
    if role_of(user) not in (Role.ADMIN, Role.AUDITOR, Role.OPERATOR, Role.LEADER):
        raise Http404(_("No such page."))
    rows = (Appeal.objects.restrict(user, Action.VIEW).filter(cycle=cycle)
            .select_related("subject", "drafted_by", "signed_by"))
    own = Subject.objects.restrict(user, Action.VIEW).filter(cycle=cycle)
    if role_of(user) != Role.ADMIN:
        own = own.filter(pk__in=[s.pk for s in own if may_draft_appeal(user, s)])
    drafting = appeal_open(cycle) and role_of(user) in (Role.OPERATOR, Role.ADMIN)
    scheme = cycle.scheme.engine
    return render(request, "review/appeals.html", {
        "cycle": cycle, "appeals": rows, "drafting": drafting, "units": own.order_by("code") if drafting else [],
        "form": AppealForm(), "targets": AppealTarget.choices, "open": appeal_open(cycle),
        "indicators": [(c, scheme.item_name(c)) for c in scheme.value_codes]})


@web_login_required
@require_POST
def draft(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    cycle = get_cycle(user, code)
    form = AppealForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("review:appeals", code=cycle.code)
    d = form.cleaned_data
    subject = Subject.objects.restrict(user, Action.VIEW).filter(cycle=cycle, code=d["unit"]).first()
    if subject is None:
        raise Http404(_("No such unit in this cycle."))
    made: list[Appeal] = []
    ok = run_service(request, lambda: made.append(do_draft_appeal(
        subject, actor=user, target=d["target"], indicator=d["indicator"], grounds=d["grounds"], cited=d["cited"],
        evidence=d["evidence"])), _("The appeal is drafted; the unit's leader signs it to lodge it."))
    if ok:
        return redirect("review:appeal", pk=made[0].pk)
    return redirect("review:appeals", code=cycle.code)


def _appeal(request: HttpRequest, pk: int) -> Appeal:
    appeal: Appeal | None = (Appeal.objects.restrict(request.user, Action.VIEW)
                             .select_related("cycle", "cycle__scheme", "subject", "drafted_by", "signed_by")
                             .filter(pk=pk).first())
    if appeal is None:
        raise Http404(_("No such appeal."))
    return appeal


@web_login_required
@require_GET
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    """One appeal as its unit and the office see it: what it contests, its grounds and evidence, every step,
    the hearing, and the steps open to the user."""
    item = _appeal(request, pk)
    steps = allowed_appeal_steps(request.user, item)
    hearing = getattr(item, "hearing", None)
    scheme = item.cycle.scheme.engine
    return render(request, "review/appeal.html", {
        "appeal": item, "cycle": item.cycle, "log": item.steps.select_related("actor"), "hearing": hearing,
        "allowed": steps, "steps": {s.value for s in steps},
        "indicator_name": scheme.item_name(item.indicator) if item.indicator else "",
        "corrections": item.corrections.all(), "decision_form": DecisionForm(), "hearing_form": HearingForm(),
        "hearing_decision_form": HearingDecisionForm()})


@web_login_required
@require_GET
def appeal_evidence(request: HttpRequest, pk: int) -> FileResponse:
    item = _appeal(request, pk)
    if not item.evidence:
        raise Http404(_("This appeal has no evidence file."))
    try:
        handle = item.evidence.open("rb")
    except FileNotFoundError:
        raise Http404(_("The evidence file is missing from the file store.")) from None
    response = FileResponse(handle, as_attachment=True, filename=item.evidence_name or "evidence")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@web_login_required
@require_POST
def appeal_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    user = request.user
    item = _appeal(request, pk)
    back = redirect("review:appeal", pk=item.pk)
    if step not in AppealStep.values:
        raise Http404
    fn: Callable[[], Any]
    if step == AppealStep.SIGN:
        fn, ok = (lambda: do_sign_appeal(item, actor=user)), _("The appeal is signed and lodged with the office.")
    elif step == AppealStep.WITHDRAW:
        fn, ok = (lambda: do_withdraw_appeal(item, actor=user, reason=request.POST.get("reason", ""))), \
            _("The appeal is withdrawn.")
    elif step in (AppealStep.ACCEPT, AppealStep.REJECT):
        form = DecisionForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return back
        d = form.cleaned_data
        if step == AppealStep.ACCEPT:
            fn, ok = (lambda: do_accept_appeal(item, actor=user, reason=d["reason"],
                                               corrections=d["corrections"])), _("The appeal is accepted.")
        else:
            fn, ok = (lambda: do_reject_appeal(item, actor=user, reason=d["reason"])), _("The appeal is rejected.")
    elif step == AppealStep.HEARING:
        hform = HearingForm(request.POST)
        if not hform.is_valid():
            _form_errors(request, hform)
            return back
        h = hform.cleaned_data
        fn, ok = (lambda: do_schedule_hearing(item, actor=user, at=h["at"], place=h["place"],
                                              participants=h["participants"], observers=h["observers"])), \
            _("The hearing is scheduled; the unit is notified.")
    elif step == AppealStep.DECIDE:
        dform = HearingDecisionForm(request.POST)
        if not dform.is_valid():
            _form_errors(request, dform)
            return back
        h = dform.cleaned_data
        fn, ok = (lambda: do_decide_hearing(item, actor=user, decision=h["decision"], minutes=h["minutes"],
                                            reasons=h["reasons"], corrections=h["corrections"])), \
            _("The hearing's decision is recorded.")
    else:
        raise Http404
    run_service(request, fn, ok)
    return redirect(request.POST.get("next") or reverse("review:appeal", args=[item.pk])) \
        if (request.POST.get("next") or "").startswith("/app/") else back
