"""The annual report of a cycle as a PDF or a workbook (the office and auditors)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jixiao.outcomes.reportfiles import render_pdf, render_xlsx
from jixiao.outcomes.reports.annual import annual_report, report_name
from jixiao.outcomes.views.common import cycle_for
from jixiao.web.exports import XLSX
from jixiao.web.helpers import web_login_required


@web_login_required
@require_GET
def report_view(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    cycle = cycle_for(request, code)
    if fmt not in ("pdf", "xlsx"):
        raise Http404(_("No such page."))
    if cycle.computed_at is None:
        raise Http404(_("The cycle has no results yet."))
    report = annual_report(cycle)
    if fmt == "pdf":
        response = HttpResponse(render_pdf(report), content_type="application/pdf")
    else:
        response = HttpResponse(render_xlsx(report), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{report_name(cycle, fmt)}"'
    return response
