"""Pages of three-party checks (三方核查): the rounds, the office's three-party view of a round (self-reported vs
finance-reviewed vs verified, per unit, the flagged units first) and an item's page with the finance review, the
verification and applying. Everything starts from ``restrict()``; every change goes through the services, and a
refusal shows the form again with what was typed and the error beside its field (HTTP 422)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of
from jixiao.core.choices import Action
from jixiao.core.errors import JixiaoError, NotFoundError
from jixiao.cycles.models import Cycle, Subject
from jixiao.engine.values import is_office_item
from jixiao.engine.verification import higher_is_better
from jixiao.verification.choices import TRANSITIONS, ItemState
from jixiao.verification.forms import AddItemForm, ApplyForm, DrawRoundForm, ReviewForm, VerifyForm
from jixiao.verification.models import CheckItem, CheckRound
from jixiao.verification.querysets import may_review, may_verify
from jixiao.verification.services import (
    CHECK_STATES,
    UnitRow,
    do_add_check_item,
    do_apply_check_item,
    do_draw_round,
    do_review_check_item,
    do_verify_check_item,
    item_gap,
    item_over,
    unit_rows,
)
from jixiao.web.helpers import web_login_required

#: A gap shown as a percentage up to this; beyond (a verified 0), in words.
FAR = 10.0


def _pct(gap: float | None) -> str:
    if gap is None:
        return "—"
    return f"{gap:.1%}" if gap <= FAR else _("far off")


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:g}"


def _refused(form: forms.Form, exc: JixiaoError) -> None:
    """The service's refusal beside the field it names (by its label), else above the form."""
    field = str(exc.params.get("field", "")) if exc.params else ""
    for name, f in form.fields.items():
        if field and str(f.label) == field:
            form.add_error(name, exc.text)
            return
    if exc.code == "evidence_refused" and "evidence" in form.fields:
        form.add_error("evidence", exc.text)
        return
    form.add_error(None, exc.text)


def _run(form: forms.Form, fn: Any) -> bool:
    """Call a service; a refusal goes onto the form (a hidden object stays a 404)."""
    try:
        fn()
    except NotFoundError as exc:
        raise Http404(exc.text) from None
    except JixiaoError as exc:
        _refused(form, exc)
        return False
    return True


# --- rounds -------------------------------------------------------------------------------------------------------

def _check_cycles(user: Any) -> list[tuple[str, str]]:
    return list(Cycle.objects.restrict(user, Action.VIEW).filter(state__in=CHECK_STATES).order_by("-year", "code")
                .values_list("code", "name"))


@web_login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """The rounds the user may see; the office draws a new one here."""
    user = request.user
    if role_of(user) in (Role.PUBLIC, Role.RATER):
        raise Http404(_("No such page."))
    office = may_verify(user)
    form = DrawRoundForm(request.POST or None, cycles=_check_cycles(user)) if office else None
    if request.method == "POST":
        if form is None:
            raise Http404(_("No such page."))
        if form.is_valid():
            d = form.cleaned_data
            cycle = Cycle.objects.get(code=d["cycle"])
            made: list[CheckRound] = []
            if _run(form, lambda: made.append(do_draw_round(
                    cycle, actor=user, name=d["name"], per_unit=d["per_unit"],
                    share=d["share"] / 100 if d["share"] is not None else None, seed=d["seed"],
                    threshold=d["threshold"] / 100, note=d["note"]))):
                messages.success(request, _("The round is drawn."))
                return redirect("verification:round", pk=made[0].pk)
    rounds = (CheckRound.objects.restrict(user, Action.VIEW).select_related("cycle")
              .annotate(n=Count("items", distinct=True)).order_by("-created_at", "-pk")[:200])
    status = 422 if request.method == "POST" else 200
    return render(request, "verification/index.html", {"rounds": rounds, "form": form}, status=status)


def _round(request: HttpRequest, pk: int) -> CheckRound:
    rnd: CheckRound | None = (CheckRound.objects.restrict(request.user, Action.VIEW).select_related("cycle__scheme")
                              .filter(pk=pk).first())
    if rnd is None:
        raise Http404(_("No such check round."))
    return rnd


def _item_row(item: CheckItem, scheme: Any) -> dict[str, Any]:
    gap = item_gap(item)
    return {"item": item, "name": scheme.item_name(item.indicator), "self": _num(item.self_value),
            "reviewed": _num(item.reviewed_value), "verified": _num(item.verified_value), "gap": _pct(gap),
            "over": item_over(item, higher_is_better(scheme, item.indicator))}


def _unit_line(row: UnitRow, scheme: Any) -> dict[str, Any]:
    return {"row": row, "gap": _pct(row.mean_gap), "items": [_item_row(i, scheme) for i in row.items]}


def _add_form(rnd: CheckRound, data: Any = None) -> AddItemForm:
    scheme = rnd.cycle.scheme.engine
    units = list(Subject.objects.filter(cycle=rnd.cycle).order_by("code").values_list("code", "name"))
    indicators = [(leaf.code, f"{leaf.code} {leaf.name}") for leaf in scheme.measured_leaves
                  if not is_office_item(scheme, leaf.code)]
    return AddItemForm(data, units=units, indicators=indicators)


def _round_page(request: HttpRequest, rnd: CheckRound, add_form: AddItemForm | None = None,
                status: int = 200) -> HttpResponse:
    user = request.user
    scheme = rnd.cycle.scheme.engine
    items = list(CheckItem.objects.restrict(user, Action.VIEW).filter(round=rnd).select_related("subject")
                 .order_by("subject__code", "indicator"))
    rows = unit_rows(rnd, items)
    q = (request.GET.get("q") or "").strip()[:100]
    flagged_only = request.GET.get("flagged") == "1"
    state = request.GET.get("state") or ""
    shown = [r for r in rows if (not q or q in r.subject.code or q in r.subject.name)
             and (not flagged_only or r.flagged)]
    lines = [_unit_line(r, scheme) for r in shown]
    if state in ItemState.values:
        for line in lines:
            line["items"] = [i for i in line["items"] if i["item"].state == state]
        lines = [line for line in lines if line["items"]]
    office = may_verify(user)
    return render(request, "verification/round.html", {
        "rnd": rnd, "cycle": rnd.cycle, "lines": lines, "units": len(rows),
        "flagged": sum(1 for r in rows if r.flagged), "items": len(items),
        "verified": sum(1 for i in items if i.verified_value is not None),
        "applied": sum(1 for i in items if i.state == ItemState.APPLIED),
        "threshold": f"{rnd.threshold:.0%}", "q": q, "flagged_only": flagged_only, "state": state,
        "states": ItemState.choices, "office": office, "reviewer": may_review(user),
        "add_form": add_form if add_form is not None else (_add_form(rnd) if office else None)}, status=status)


@web_login_required
@require_GET
def round_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The office's three-party view (三方核查) of a round: per unit, what it reported, what finance reviewed and
    what the third party verified, the gap and the flag; the units above the threshold first."""
    return _round_page(request, _round(request, pk))


@web_login_required
@require_POST
def add_item(request: HttpRequest, pk: int) -> HttpResponse:
    """The office adds a value to the round by hand."""
    rnd = _round(request, pk)
    if not may_verify(request.user):
        raise Http404(_("No such page."))
    form = _add_form(rnd, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        subject = Subject.objects.filter(cycle=rnd.cycle, code=d["unit"]).first()
        if subject is not None and _run(form, lambda: do_add_check_item(rnd, subject, d["indicator"],
                                                                        actor=request.user)):
            messages.success(request, _("The value is added to the round."))
            return redirect("verification:round", pk=rnd.pk)
    return _round_page(request, rnd, form, status=422)


# --- an item ------------------------------------------------------------------------------------------------------

def _item(request: HttpRequest, pk: int) -> CheckItem:
    item: CheckItem | None = (CheckItem.objects.restrict(request.user, Action.VIEW)
                              .select_related("subject", "round__cycle__scheme", "finance_by", "verified_by",
                                              "applied_by").filter(pk=pk).first())
    if item is None:
        raise Http404(_("No such check item."))
    return item


def _item_page(request: HttpRequest, item: CheckItem, bound: dict[str, forms.Form] | None = None,
               status: int = 200) -> HttpResponse:
    user = request.user
    bound = bound or {}
    scheme = item.round.cycle.scheme.engine
    forms_ = {}
    if may_review(user) and item.state in TRANSITIONS["review"]:
        forms_["review"] = bound.get("review") or ReviewForm(initial={"conclusion": item.finance or "agrees",
                                                                      "value": _num(item.finance_value)
                                                                      if item.finance_value is not None else "",
                                                                      "note": item.finance_note})
    if may_verify(user) and item.state in TRANSITIONS["verify"]:
        forms_["verify"] = bound.get("verify") or VerifyForm(initial={
            "value": _num(item.verified_value) if item.verified_value is not None else "",
            "method": item.method, "on": item.verified_on, "note": item.verify_note})
    if may_verify(user) and item.state in TRANSITIONS["apply"]:
        forms_["apply"] = bound.get("apply") or ApplyForm()
    return render(request, "verification/item.html", {
        "item": item, "rnd": item.round, "cycle": item.round.cycle, "row": _item_row(item, scheme),
        "forms": forms_}, status=status)


@web_login_required
@require_GET
def item_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A sampled value: the three parties' figures and the forms of the steps open to the reader."""
    return _item_page(request, _item(request, pk))


@web_login_required
@require_POST
def item_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The finance review (财政复核), by an auditor or the office."""
    item = _item(request, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        if _run(form, lambda: do_review_check_item(item, actor=request.user, agrees=d["conclusion"] == "agrees",
                                                   value=d["value"], note=d["note"])):
            messages.success(request, _("The finance review is saved."))
            return redirect("verification:item", pk=item.pk)
    return _item_page(request, _item(request, pk), {"review": form}, status=422)


@web_login_required
@require_POST
def item_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """The office enters what the third party verified (第三方核查)."""
    item = _item(request, pk)
    form = VerifyForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        if _run(form, lambda: do_verify_check_item(item, actor=request.user, value=d["value"], method=d["method"],
                                                   on=d["on"], note=d["note"], evidence=d["evidence"])):
            messages.success(request, _("The verification is saved."))
            return redirect("verification:item", pk=item.pk)
    return _item_page(request, _item(request, pk), {"verify": form}, status=422)


@web_login_required
@require_POST
def item_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """The office applies the verified value to the unit's value."""
    item = _item(request, pk)
    form = ApplyForm(request.POST)
    if form.is_valid() and _run(form, lambda: do_apply_check_item(item, actor=request.user)):
        messages.success(request, _("The verified value replaced the unit's value."))
        return redirect("verification:item", pk=item.pk)
    return _item_page(request, _item(request, pk), {"apply": form}, status=422)


@web_login_required
@require_GET
def item_file(request: HttpRequest, pk: int) -> FileResponse:
    """The verification's evidence file, to whoever sees the item."""
    item = _item(request, pk)
    if not item.file:
        raise Http404(_("No such file."))
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.file_name or "evidence")
