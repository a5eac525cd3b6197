"""Weight proposals (权重建议) of a cycle: the scheme's current weights beside what entropy, CRITIC (from the
cycle's values) and AHP (from a pairwise matrix of a group's children) propose; the office accepts one into a new
version of the scheme, or declines it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jixiao.core.choices import Action
from jixiao.cycles.models import Cycle
from jixiao.outcomes.forms import AhpForm, DecideForm, MethodForm
from jixiao.outcomes.models import WeightSuggestion
from jixiao.outcomes.services.weights import (
    do_accept_weight_suggestion,
    do_decline_weight_suggestion,
    do_suggest_ahp,
    do_suggest_weights,
)
from jixiao.outcomes.views.common import cycle_for, office, run_form, saved
from jixiao.web.helpers import web_login_required


def _groups(cycle: Cycle) -> list[tuple[str, str]]:
    scheme = cycle.scheme.engine
    return [(n.code, f"{n.name}（{len(n.children)}）") for n in scheme.nodes if n.children and 3 <= len(n.children)
            <= 10]


def _page(request: HttpRequest, cycle: Cycle, *, method_form: MethodForm | None = None,
          ahp_form: AhpForm | None = None, status: int = 200) -> HttpResponse:
    scheme = cycle.scheme.engine
    current = [(n, n.path.count(".children")) for n in scheme.nodes]
    suggestions = list(WeightSuggestion.objects.restrict(request.user, Action.VIEW).filter(cycle=cycle)
                       .select_related("scheme", "result", "created_by", "decided_by")[:20])
    return render(request, "outcomes/weights.html", {
        "cycle": cycle, "tab": "outcomes", "current": current, "suggestions": suggestions,
        "office": office(request.user), "method_form": method_form or MethodForm(),
        "ahp_form": ahp_form or AhpForm(groups=_groups(cycle)), "decide_form": DecideForm()}, status=status)


@web_login_required
@require_GET
def weights_view(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, cycle_for(request, code))


@web_login_required
@require_POST
def suggest(request: HttpRequest, code: str) -> HttpResponse:
    cycle = cycle_for(request, code)
    if not office(request.user):
        raise Http404(_("No such page."))
    if "group" in request.POST:
        ahp_form = AhpForm(request.POST, request.FILES, groups=_groups(cycle))
        if ahp_form.is_valid():
            d = ahp_form.cleaned_data
            with saved(d["file"]) as path:
                done = run_form(ahp_form, lambda: do_suggest_ahp(cycle, d["group"], path, actor=request.user,
                                                                 label=d["file"].name))
            if done is not None:
                messages.success(request, _("The weights are proposed."))
                return redirect("outcomes:weights", code=cycle.code)
        return _page(request, cycle, ahp_form=ahp_form, status=422)
    form = MethodForm(request.POST)
    if form.is_valid():
        done = run_form(form, lambda: do_suggest_weights(cycle, form.cleaned_data["method"], actor=request.user))
        if done is not None:
            messages.success(request, _("The weights are proposed."))
            return redirect("outcomes:weights", code=cycle.code)
    return _page(request, cycle, method_form=form, status=422)


@web_login_required
@require_POST
def decide(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    suggestion: WeightSuggestion | None = (WeightSuggestion.objects.restrict(request.user, Action.VIEW)
                                           .select_related("cycle").filter(pk=pk).first())
    if suggestion is None or not office(request.user) or step not in ("accept", "decline"):
        raise Http404(_("No such page."))
    form = DecideForm(request.POST)
    if form.is_valid():
        comment = form.cleaned_data["comment"]
        fn = do_accept_weight_suggestion if step == "accept" else do_decline_weight_suggestion
        done = run_form(form, lambda: fn(suggestion, actor=request.user, comment=comment))
        if done is not None:
            messages.success(request, _("A new scheme version {code} v{version} is made; the cycle keeps its own.")
                             .format(code=done.result.code, version=done.result.version) if step == "accept"
                             else _("The proposal is declined."))
            return redirect("outcomes:weights", code=suggestion.cycle.code)
    for e in form.non_field_errors():
        messages.error(request, str(e))
    return redirect("outcomes:weights", code=suggestion.cycle.code)
