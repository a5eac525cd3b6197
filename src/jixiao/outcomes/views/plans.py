"""A cycle's allocations (结果运用): the office proposes each kind from the cycle's results, reads the proposal's
table, confirms or withdraws it and exports it; auditors read; a unit's operators and leaders see their units' rows
of what was confirmed and submit their improvement plans. Every change goes through the services; a refusal shows
the form again with what was typed and the error beside its field (HTTP 422)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of, unit_scope
from jixiao.core.choices import Action
from jixiao.cycles.choices import SubjectKind
from jixiao.cycles.models import Cycle, Subject
from jixiao.outcomes.choices import PlanKind, PlanState
from jixiao.outcomes.forms import (
    BonusForm,
    BudgetForm,
    DecideForm,
    FileForm,
    HonourForm,
    ImprovementForm,
    PartForm,
    ReserveForm,
    UnqualifiedForm,
)
from jixiao.outcomes.models import BudgetLine, ImprovementPlan, Plan
from jixiao.outcomes.querysets import may_submit_plan, plan_rows_for
from jixiao.outcomes.reportfiles import Part, Report, Table, render_xlsx
from jixiao.outcomes.reports.annual import SHEETS
from jixiao.outcomes.reports.tables import plan_table
from jixiao.outcomes.services.common import grade_names, result_rows
from jixiao.outcomes.services.files import do_import_budgets
from jixiao.outcomes.services.improvement import do_decide_improvement_plan, do_submit_improvement_plan
from jixiao.outcomes.services.plans import (
    do_confirm_plan,
    do_propose_plan,
    do_withdraw_plan,
    plan_states,
    read_headcounts,
)
from jixiao.outcomes.views.common import cycle_for, office, run_form, saved
from jixiao.results.models import Result
from jixiao.web.exports import XLSX
from jixiao.web.helpers import get_cycle, local_text, web_login_required


def _forms(cycle: Cycle, data: Any = None, files: Any = None, kind: str = "") -> dict[str, forms.Form]:
    grades = grade_names(cycle)
    person = cycle.subject_kind == SubjectKind.PERSON

    def bound(k: str) -> tuple[Any, Any]:
        return (data, files) if k == kind else (None, None)

    return {
        PlanKind.BONUS: BonusForm(*bound(PlanKind.BONUS), prefix="bonus"),
        PlanKind.BUDGET: BudgetForm(*bound(PlanKind.BUDGET), prefix="budget"),
        PlanKind.HONOUR: HonourForm(*bound(PlanKind.HONOUR), grades=grades, prefix="honour"),
        PlanKind.RESERVE: ReserveForm(*bound(PlanKind.RESERVE), grades=grades, prefix="reserve"),
        PlanKind.UNQUALIFIED: UnqualifiedForm(*bound(PlanKind.UNQUALIFIED), grades=grades, person=person,
                                              prefix="unqualified"),
        PlanKind.PART: PartForm(*bound(PlanKind.PART), prefix="part"),
    }


def _kinds(cycle: Cycle) -> list[str]:
    """The kinds that fit the cycle's subjects: budgets and projects are units'; the reserve pool is people's."""
    if cycle.subject_kind == SubjectKind.PERSON:
        return [PlanKind.BONUS, PlanKind.HONOUR, PlanKind.RESERVE, PlanKind.UNQUALIFIED]
    return [PlanKind.BONUS, PlanKind.BUDGET, PlanKind.HONOUR, PlanKind.UNQUALIFIED, PlanKind.PART]


def _cycle_page(request: HttpRequest, cycle: Cycle, forms_: dict[str, forms.Form], status: int = 200,
                open_kind: str = "", budget_form: FileForm | None = None) -> HttpResponse:
    user = request.user
    plans = list(Plan.objects.restrict(user, Action.VIEW).filter(cycle=cycle).select_related("created_by",
                                                                                             "decided_by"))
    kinds = _kinds(cycle)
    by_kind = [(k, PlanKind(k).label, [p for p in plans if p.kind == k], forms_[k] if office(user) else None)
               for k in kinds]
    budgets = BudgetLine.objects.filter(cycle=cycle).aggregate(n=Count("pk"), amount=Sum("amount"))
    budgets["amount"] = cell_text(budgets["amount"] or 0, "yuan")
    plans_in = list(ImprovementPlan.objects.restrict(user, Action.VIEW).filter(cycle=cycle)
                    .select_related("subject"))
    ctx = {"cycle": cycle, "tab": "outcomes", "kinds": by_kind, "open_kind": open_kind, "office": office(user),
           "results": Result.objects.filter(cycle=cycle).count(), "budgets": budgets,
           "budget_form": budget_form or FileForm(prefix="budgets"), "improvement": plans_in,
           "person": cycle.subject_kind == SubjectKind.PERSON}
    return render(request, "outcomes/cycle.html", ctx, status=status)


@web_login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The office and auditors: the cycles with results and their allocations; a unit's users: the confirmed
    allocations holding their units and their improvement plans."""
    user = request.user
    role = role_of(user)
    if role in (Role.PUBLIC, Role.RATER):
        raise Http404(_("No such page."))
    plans = list(Plan.objects.restrict(user, Action.VIEW).select_related("cycle").order_by("-cycle__year",
                                                                                            "cycle__code", "kind"))
    cycles: list[Cycle] = []
    if role in (Role.ADMIN, Role.AUDITOR):
        cycles = list(Cycle.objects.restrict(user, Action.VIEW).filter(computed_at__isnull=False)
                      .order_by("-year", "code"))
    mine: list[tuple[Plan, list[dict[str, Any]]]] = []
    if role in (Role.OPERATOR, Role.LEADER):
        mine = [(p, plan_rows_for(user, p)) for p in plans]
    subjects = []
    if role == Role.OPERATOR:
        # The user's units whose budget cut in a confirmed allocation waits for their improvement plan.
        waiting = {r["subject"] for p, rows in mine if p.kind == PlanKind.BUDGET for r in rows if r.get("waits")}
        subjects = list(Subject.objects.restrict(user, Action.VIEW).filter(pk__in=waiting, unit_id__in=unit_scope(user))
                        .select_related("cycle"))
    improvement = list(ImprovementPlan.objects.restrict(user, Action.VIEW).select_related("subject", "cycle")[:200])
    return render(request, "outcomes/index.html", {"cycles": cycles, "plans": plans, "mine": mine,
                                                   "subjects": subjects, "improvement": improvement,
                                                   "office": office(user)})


@web_login_required
@require_GET
def cycle_view(request: HttpRequest, code: str) -> HttpResponse:
    cycle = cycle_for(request, code)
    return _cycle_page(request, cycle, _forms(cycle))


def _params(kind: str, form: forms.Form, cycle: Cycle) -> dict[str, Any] | None:
    """The service's parameters from a valid form (None when the form refused, e.g. the headcount file)."""
    d = form.cleaned_data
    if kind == PlanKind.BONUS:
        params: dict[str, Any] = {"pool": d["pool"], "coefficients": d["coefficients"]}
        if d.get("headcount"):
            with saved(d["headcount"]) as path:
                codes = {r.code for r in result_rows(cycle)}
                heads = run_form(form, lambda: read_headcounts(path, d["headcount"].name, codes))
            if heads is None:
                return None
            params["headcounts"] = heads
        else:
            params["headcount_source"] = "staff"
        return params
    if kind == PlanKind.BUDGET:
        return {"percents": d["percents"], "cut_waits_for_plan": d["cut_waits_for_plan"]}
    if kind == PlanKind.HONOUR:
        return {"honour": d["honour"], "grades": d["grades"], "top": d["top"]}
    if kind == PlanKind.RESERVE:
        return {"years": d["years"], "grades": d["grades"]}
    if kind == PlanKind.UNQUALIFIED:
        return {"grades": d["grades"], "measure": d["measure"]}
    return {"percents": d["percents"]}


@web_login_required
@require_POST
def propose(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    cycle = cycle_for(request, code)
    if not office(request.user) or kind not in _kinds(cycle):
        raise Http404(_("No such page."))
    forms_ = _forms(cycle, request.POST, request.FILES, kind)
    form = forms_[kind]
    if form.is_valid():
        params = _params(kind, form, cycle)
        if params is not None:
            plan = run_form(form, lambda: do_propose_plan(cycle, kind, params, actor=request.user))
            if plan is not None:
                messages.success(request, _("The proposal is computed; read it, then confirm it."))
                return redirect("outcomes:plan", pk=plan.pk)
    return _cycle_page(request, cycle, forms_, status=422, open_kind=kind)


@web_login_required
@require_POST
def import_budgets(request: HttpRequest, code: str) -> HttpResponse:
    cycle = cycle_for(request, code)
    if not office(request.user):
        raise Http404(_("No such page."))
    form = FileForm(request.POST, request.FILES, prefix="budgets")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        with saved(upload) as path:
            n = run_form(form, lambda: do_import_budgets(cycle, path, actor=request.user, label=upload.name))
        if n is not None:
            messages.success(request, _("{n} project budgets imported.").format(n=n))
            return redirect("outcomes:cycle", code=cycle.code)
    return _cycle_page(request, cycle, _forms(cycle), status=422, budget_form=form)


def _plan(request: HttpRequest, pk: int) -> Plan:
    plan: Plan | None = (Plan.objects.restrict(request.user, Action.VIEW).select_related("cycle__scheme")
                         .filter(pk=pk).first())
    if plan is None:
        raise Http404(_("No such allocation."))
    return plan


def _plan_page(request: HttpRequest, plan: Plan, form: DecideForm | None = None, status: int = 200
               ) -> HttpResponse:
    rows = plan_rows_for(request.user, plan)
    table = plan_table(plan, rows)
    stale = plan.state == PlanState.PROPOSED and (plan.cycle.computed_at != plan.basis or plan.cycle.results_stale)
    states = plan_states(plan) if plan.kind == PlanKind.BUDGET else {}
    heads = ({} if plan.kind != PlanKind.BONUS or plan.params.get("headcounts") else
             {"source": _("each unit's active staff")})
    return render(request, "outcomes/plan.html", {
        "plan": plan, "cycle": plan.cycle, "tab": "outcomes", "table": table, "office": office(request.user),
        "form": form or DecideForm(), "stale": stale, "waiting": sum(1 for s in states.values() if s != "accepted"),
        "heads": heads, "numeric": {i for i, f in enumerate(table.formats) if f != "text"},
        "shown": [shown(row, table.formats) for row in table.rows],
        "total": [cell_text(v, f) if v is not None else "" for v, f in zip(table.total_row, table.formats,
                                                                            strict=True)] if table.total_row else None,
        "sums": {k: cell_text(abs(v), "yuan") for k, v in plan.totals.items() if isinstance(v, int)}},
        status=status)


def cell_text(value: Any, fmt: str) -> str:
    """A cell as the page shows it: yuan with thousands separators, numbers to 2 decimals, a percentage signed."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if fmt == "yuan":
        return f"{value:,.0f}"
    if fmt == "number":
        return f"{value:.2f}"
    if fmt == "percent":
        return f"{value:.2f}%"
    if fmt == "signed":
        return f"{value:+g}%" if value else "0%"
    return str(value)


def shown(row: tuple[Any, ...], formats: tuple[str, ...]) -> list[str]:
    return [cell_text(v, f) for v, f in zip(row, formats, strict=True)]


@web_login_required
@require_GET
def plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_page(request, _plan(request, pk))


@web_login_required
@require_POST
def plan_decide(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    plan = _plan(request, pk)
    if not office(request.user) or step not in ("confirm", "withdraw"):
        raise Http404(_("No such page."))
    form = DecideForm(request.POST)
    if form.is_valid():
        comment = form.cleaned_data["comment"]
        if step == "confirm":
            done = run_form(form, lambda: do_confirm_plan(plan, actor=request.user, comment=comment))
            ok = _("The allocation is confirmed.")
        else:
            done = run_form(form, lambda: do_withdraw_plan(plan, actor=request.user, reason=comment))
            ok = _("The allocation is withdrawn.")
        if done is not None:
            messages.success(request, ok)
            return redirect("outcomes:plan", pk=plan.pk)
    plan.refresh_from_db()
    return _plan_page(request, plan, form, status=422)


def plan_part(plan: Plan, rows: list[dict[str, Any]]) -> Part:
    t = plan_table(plan, rows)
    return Part(title=f"{plan.cycle.name} {plan.title}", sheet=SHEETS[PlanKind(plan.kind)],
                table=Table(t.headers, t.rows, file_formats(t.formats), t.total_row))


def file_formats(formats: tuple[str, ...]) -> tuple[str, ...]:
    """The page's formats as the report files know them (a signed percentage is a percentage there)."""
    return tuple("percent" if f == "signed" else f for f in formats)


@web_login_required
@require_GET
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The allocation's rows the user may see as a formatted workbook."""
    plan = _plan(request, pk)
    state = PlanState(plan.state).label
    report = Report(title=f"{plan.cycle.name} {plan.title}", subtitle=str(state), generated=_("generated {at}").format(
        at=local_text(timezone.now(), "%Y-%m-%d %H:%M")), parts=(plan_part(plan, plan_rows_for(request.user, plan)),))
    response = HttpResponse(render_xlsx(report), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="allocation-{plan.cycle.code}-{plan.kind}-{plan.pk}.xlsx"'
    return response


# --- improvement plans --------------------------------------------------------------------------------------------

@web_login_required
@require_http_methods(["GET", "POST"])
def submit_plan(request: HttpRequest, code: str, subject: str) -> HttpResponse:
    """A unit's improvement plan for the cycle: written (or revised after a return) by its operators."""
    cycle = get_cycle(request.user, code)
    target = Subject.objects.restrict(request.user, Action.VIEW).filter(cycle=cycle, code=subject,
                                                                        person__isnull=True).first()
    if target is None or not may_submit_plan(request.user, target):
        raise Http404(_("No such page."))
    existing = ImprovementPlan.objects.filter(subject=target).first()
    form = ImprovementForm(request.POST or None, initial={"text": existing.text if existing else ""})
    if request.method == "POST" and form.is_valid():
        plan = run_form(form, lambda: do_submit_improvement_plan(target, form.cleaned_data["text"],
                                                                 actor=request.user))
        if plan is not None:
            messages.success(request, _("The improvement plan is submitted to the office."))
            return redirect("outcomes:improvement", pk=plan.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "outcomes/submit_plan.html", {"cycle": cycle, "subject": target, "form": form,
                                                         "existing": existing}, status=status)


@web_login_required
@require_http_methods(["GET", "POST"])
def improvement(request: HttpRequest, pk: int) -> HttpResponse:
    plan: ImprovementPlan | None = (ImprovementPlan.objects.restrict(request.user, Action.VIEW)
                                    .select_related("subject", "cycle", "submitted_by", "decided_by")
                                    .filter(pk=pk).first())
    if plan is None:
        raise Http404(_("No such improvement plan."))
    form = DecideForm(request.POST or None)
    if request.method == "POST":
        step = request.POST.get("step")
        if not office(request.user) or step not in ("accept", "return"):
            raise Http404(_("No such page."))
        if form.is_valid():
            done = run_form(form, lambda: do_decide_improvement_plan(
                plan, actor=request.user, accept=step == "accept", comment=form.cleaned_data["comment"]))
            if done is not None:
                messages.success(request, _("The improvement plan is accepted.") if step == "accept" else
                                 _("The improvement plan is returned for revision."))
                return redirect("outcomes:improvement", pk=plan.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "outcomes/improvement.html", {
        "plan": plan, "form": form, "office": office(request.user),
        "may_revise": plan.state == "returned" and may_submit_plan(request.user, plan.subject)}, status=status)
