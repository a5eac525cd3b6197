"""The cycles' pages: the list of cycles a user may see, and the office's actions that move a cycle on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of
from jixiao.core.choices import Action
from jixiao.cycles.choices import PUBLIC_STATES, CycleState
from jixiao.cycles.models import Cycle
from jixiao.cycles.services import do_close_cycle, do_open_cycle
from jixiao.results.services import do_compute_cycle
from jixiao.web.helpers import exported, get_cycle, paginate, run_service, search_text, web_login_required
from jixiao.web.tables import Badge, Link, Table


def cycle_table(cycles: Any, user: Any) -> Table:
    role = role_of(user)
    rows = []
    for c in cycles:
        links = [Link(_("overview"), reverse("results:overview", args=[c.code])),
                 Link(_("ranking"), reverse("results:ranking", args=[c.code])),
                 Link(_("indicators"), reverse("indicators:list", args=[c.code]))]
        # The overview is the office's page; others start from the results they may see.
        first = links[0] if role in (Role.ADMIN, Role.AUDITOR) or c.state in PUBLIC_STATES else links[1]
        rows.append([Link(c.name, first.href), c.code, c.year, Badge(CycleState(c.state).label, f"state-{c.state}"),
                     c.scheme.name, links])
    return Table("cycles", _("Cycles"), [_("cycle"), _("code"), _("year"), _("state"), _("scheme"), _("pages")],
                 rows)



@web_login_required
@require_GET
def cycles(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs = Cycle.objects.restrict(user, Action.VIEW).select_related("scheme")
    q = search_text(request)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    response = exported(request, {"cycles": lambda: cycle_table(qs, user)}, "cycles")
    if response:
        return response
    page = paginate(request, qs)
    return render(request, "cycles/cycles.html", {"table": cycle_table(page.object_list, user), "page": page, "q": q})


@web_login_required
@require_POST
def cycle_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """The office moves a cycle on (open, compute, close) through the services; what follows the machine score
    is ``jixiao.review``'s."""
    user = request.user
    cycle = get_cycle(user, code, Action.CHANGE)
    actions: dict[str, tuple[Callable[[], Any], str]] = {
        "open": (lambda: do_open_cycle(cycle, actor=user), _("The cycle is open for data entry.")),
        "compute": (lambda: do_compute_cycle(cycle, actor=user), _("The results were recomputed.")),
        "close": (lambda: do_close_cycle(cycle, actor=user, confirm=request.POST.get("confirm") == "1"),
                  _("The cycle is closed and scored.")),
    }
    if action not in actions:
        raise Http404
    fn, ok = actions[action]
    run_service(request, fn, ok)
    nxt = request.POST.get("next") or ""
    safe = nxt.startswith("/") and not nxt.startswith("//")
    return redirect(nxt if safe else reverse("results:overview", args=[code]))
