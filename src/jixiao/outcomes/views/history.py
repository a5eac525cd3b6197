"""Earlier years' results (往年考核结果): the office imports the years before the platform, which the fairness checks
and the reserve pool read beside the platform's own cycles; auditors read."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jixiao.core.choices import Action
from jixiao.outcomes.forms import FileForm
from jixiao.outcomes.models import HistoricalResult
from jixiao.outcomes.services.files import do_import_history
from jixiao.outcomes.views.common import office, office_or_auditor, run_form, saved
from jixiao.web.helpers import web_login_required


@web_login_required
@require_http_methods(["GET", "POST"])
def history(request: HttpRequest) -> HttpResponse:
    office_or_auditor(request)
    form = FileForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not office(request.user):
            raise Http404(_("No such page."))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            with saved(upload) as path:
                n = run_form(form, lambda: do_import_history(path, actor=request.user, label=upload.name))
            if n is not None:
                messages.success(request, _("{n} earlier results imported.").format(n=n))
                return redirect("outcomes:history")
    qs = HistoricalResult.objects.restrict(request.user, Action.VIEW)
    years = list(qs.values("year", "kind").annotate(n=Count("pk")).order_by("-year", "kind"))
    grades = list(qs.values("year", "kind", "grade").annotate(n=Count("pk")).order_by("-year", "kind", "grade"))
    for y in years:
        y["grades"] = "、".join(f"{g['grade']} {g['n']}" for g in grades if g["year"] == y["year"]
                               and g["kind"] == y["kind"])
    status = 422 if request.method == "POST" else 200
    return render(request, "outcomes/history.html", {"years": years, "form": form, "office": office(request.user)},
                  status=status)
