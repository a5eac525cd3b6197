"""Approval pages: each unit's state in a cycle (the office's overview; a leader's units), one unit's data
with the steps open to the user, and the step itself. Everything starts from ``restrict()``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jixiao.approval.choices import Step, SubmissionState
from jixiao.approval.forms import StepForm
from jixiao.approval.models import SubmissionStep
from jixiao.approval.querysets import allowed_steps
from jixiao.approval.services import (
    do_accept_values,
    do_approve_values,
    do_reopen_values,
    do_return_values,
    do_submit_values,
    do_withdraw_values,
    state_of,
)
from jixiao.collection.models import Value
from jixiao.core.choices import Action
from jixiao.cycles.choices import CycleState
from jixiao.cycles.models import Cycle, Subject
from jixiao.evidence.querysets import history_for
from jixiao.web.helpers import exported, get_cycle, get_subject, local_text, paginate, search_text, web_login_required
from jixiao.web.tables import Badge, Link, Table

STATE_CSS = {SubmissionState.DRAFT: "", SubmissionState.SUBMITTED: "yellow", SubmissionState.APPROVED: "yellow",
             SubmissionState.ACCEPTED: "green", SubmissionState.RETURNED: "red"}


def _state(subject: Subject) -> SubmissionState:
    sub = getattr(subject, "submission", None)
    return SubmissionState(sub.state if sub is not None else SubmissionState.DRAFT)


@web_login_required
@require_GET
def latest(request: HttpRequest) -> HttpResponse:
    """The approval overview of the latest cycle open for data entry (else the latest the user sees)."""
    cycles = Cycle.objects.restrict(request.user, Action.VIEW).order_by("-year", "-pk")
    cycle = cycles.filter(state=CycleState.OPEN).first() or cycles.first()
    if cycle is None:
        raise Http404(_("No cycle yet."))
    return redirect("approval:overview", code=cycle.code)


def _changed(subject: Subject) -> str:
    sub = getattr(subject, "submission", None)
    return local_text(sub.changed_at, "%Y-%m-%d %H:%M") if sub is not None else ""


@web_login_required
@require_GET
def overview(request: HttpRequest, code: str) -> HttpResponse:
    """Where each unit's data of the cycle stand (the office: every unit; a leader or operator: their own),
    with counts per state, values entered and values flagged for review; filter by state."""
    user = request.user
    cycle = get_cycle(user, code)
    subjects = (Subject.objects.restrict(user, Action.VIEW).filter(cycle=cycle).select_related("submission")
                .annotate(n=Count("values", distinct=True),
                          flagged=Count("values", filter=~Q(values__warnings=""), distinct=True))
                .order_by("code"))
    counts = Counter(_state(s) for s in subjects)
    wanted = request.GET.get("state", "")
    q = search_text(request)
    shown = [s for s in subjects if (not wanted or _state(s) == wanted)
             and (not q or q.lower() in s.code.lower() or q in s.name)]

    def table(rows: list[Subject]) -> Table:
        return Table("approval", _("Approval"), [_("code"), _("unit"), _("category"), _("state"), _("values entered"),
                                                  _("flagged for review"), _("last change")],
                     [[s.code, Link(s.name, reverse("approval:subject", args=[cycle.code, s.code])), s.category,
                       Badge(str(_state(s).label), STATE_CSS[_state(s)]), getattr(s, "n", 0),
                       getattr(s, "flagged", 0) or "", _changed(s)] for s in rows], numeric=frozenset({4, 5}))

    response = exported(request, {"approval": lambda: table(shown)}, f"{cycle.code}-approval")
    if response:
        return response
    page = paginate(request, shown)
    return render(request, "approval/overview.html", {
        "cycle": cycle, "table": table(list(page.object_list)), "page": page, "q": q, "wanted": wanted,
        "states": [(s, s.label, counts.get(s, 0)) for s in SubmissionState], "total": len(subjects)})


@web_login_required
@require_GET
def subject(request: HttpRequest, code: str, subject: str) -> HttpResponse:
    """One unit's data for review: its state and the steps so far with their reasons, every value with its
    version, who entered it, the check's warnings with the explanation given and the evidence, and the steps
    open to the user."""
    user = request.user
    cycle = get_cycle(user, code)
    subj = get_subject(user, cycle, subject)
    state = SubmissionState(state_of(subj))
    values = list(Value.objects.restrict(user, Action.VIEW).filter(subject=subj).select_related("entered_by")
                  .order_by("indicator"))
    scheme = cycle.scheme.engine
    files = history_for(user, values)
    steps = list(SubmissionStep.objects.filter(submission__subject=subj).select_related("actor"))
    rows = [(v, scheme.item_name(v.indicator), [e for e in files.get(v.pk, []) if e.current]) for v in values]
    return render(request, "approval/subject.html", {
        "cycle": cycle, "subject": subj, "state": state, "rows": rows, "steps": steps,
        "allowed": [(s, Step(s).label) for s in allowed_steps(user, subj, state)],
        "form": StepForm(), "needs_reason": [Step.RETURN, Step.REOPEN]})


SERVICES: dict[str, Callable[..., Any]] = {
    Step.SUBMIT: lambda s, u, r: do_submit_values(s, actor=u),
    Step.WITHDRAW: lambda s, u, r: do_withdraw_values(s, actor=u, reason=r),
    Step.APPROVE: lambda s, u, r: do_approve_values(s, actor=u),
    Step.RETURN: lambda s, u, r: do_return_values(s, actor=u, reason=r),
    Step.ACCEPT: lambda s, u, r: do_accept_values(s, actor=u),
    Step.REOPEN: lambda s, u, r: do_reopen_values(s, actor=u, reason=r),
}

DONE = {Step.SUBMIT: _("submitted"), Step.WITHDRAW: _("withdrawn"), Step.APPROVE: _("approved"),
        Step.RETURN: _("returned"), Step.ACCEPT: _("accepted"), Step.REOPEN: _("reopened")}


@web_login_required
@require_POST
def step(request: HttpRequest, code: str, subject: str) -> HttpResponse:
    """Take one approval step through its service (which decides whether the user may)."""
    from jixiao.web.helpers import run_service

    user = request.user
    cycle = get_cycle(user, code)
    subj = get_subject(user, cycle, subject)
    form = StepForm(request.POST)
    back = redirect("approval:subject", code=cycle.code, subject=subj.code)
    if not form.is_valid():
        from django.contrib import messages

        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return back
    which, reason = form.cleaned_data["step"], form.cleaned_data["reason"]
    run_service(request, lambda: SERVICES[which](subj, user, reason),
                _("%(unit)s: the data were %(done)s.") % {"unit": subj.name, "done": DONE[Step(which)]})
    return back
