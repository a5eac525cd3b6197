"""The fairness page of a cycle (公平性检查): each check with its plain sentence and its numbers; the office and
auditors."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jixiao.outcomes.reports.fairness import fairness_checks
from jixiao.outcomes.views.common import cycle_for
from jixiao.outcomes.views.plans import shown
from jixiao.web.helpers import web_login_required


@web_login_required
@require_GET
def fairness_view(request: HttpRequest, code: str) -> HttpResponse:
    cycle = cycle_for(request, code)
    checks = fairness_checks(cycle) if cycle.computed_at else []
    shown_checks = [(c, [shown(r, c.formats) for r in c.rows], {i for i, f in enumerate(c.formats) if f != "text"})
                    for c in checks]
    return render(request, "outcomes/fairness.html", {"cycle": cycle, "tab": "outcomes", "checks": shown_checks,
                                                      "flagged": sum(c.flag for c in checks)})
