"""The category tree page: the three levels, indented, with each level-1 category's tickets; the office uploads a
tree (all or nothing) and anyone who may read it downloads it as .csv or .xlsx."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jixiao.core.choices import Action
from jixiao.core.errors import ImportRefusedError, JixiaoError
from jixiao.hotline.models import Category, Ticket
from jixiao.hotline.services.taxonomy import do_import_taxonomy, export_taxonomy
from jixiao.imports.services import problem_lines
from jixiao.web.helpers import web_login_required

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _may_import(user: Any) -> bool:
    try:
        Category.objects.check_create(user)
    except JixiaoError:
        return False
    return True


def _tickets_by_top(categories: list[Category], user: Any) -> dict[int, int]:
    """Tickets the user may see, by level-1 category (one grouped query, rolled up here)."""
    top: dict[int, int] = {}
    by_pk = {c.pk: c for c in categories}
    for c in categories:
        node = c
        while node.parent_id is not None and node.parent_id in by_pk:
            node = by_pk[node.parent_id]
        top[c.pk] = node.pk
    counts: dict[int, int] = {}
    rows = (Ticket.objects.restrict(user, Action.VIEW).filter(category__isnull=False)
            .values("category").annotate(n=Count("pk")).order_by())
    for row in rows:
        root = top.get(row["category"])
        if root is not None:
            counts[root] = counts.get(root, 0) + row["n"]
    return counts


@web_login_required
@require_http_methods(["GET", "POST"])
def taxonomy(request: HttpRequest) -> HttpResponse:
    categories = list(Category.objects.restrict(request.user, Action.VIEW).order_by("code"))
    may_import = _may_import(request.user)
    if not categories and not may_import:
        raise Http404(_("No such page."))
    problems: list[str] = []
    error = ""
    if request.method == "POST":
        if not may_import:
            raise Http404(_("No such page."))
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose a file (.csv or .xlsx).")
        else:
            try:
                counts = do_import_taxonomy(upload.read(), actor=request.user, name=upload.name or "taxonomy.csv")
            except ImportRefusedError as exc:
                error, problems = exc.text, problem_lines(exc)
            except JixiaoError as exc:
                error = exc.text
            else:
                messages.success(request, _("Category tree imported: {created} new, {updated} changed, "
                                            "{retired} taken out of use.").format(**counts))
                return redirect("hotline:taxonomy")
    tickets = _tickets_by_top(categories, request.user)
    rows = [{"c": c, "prefix": "\u3000\u3000" * (c.level - 1), "tickets": tickets.get(c.pk)}
            for c in categories if c.active]
    retired = [c for c in categories if not c.active]
    context = {"rows": rows, "retired": retired, "may_import": may_import, "error": error, "problems": problems}
    return render(request, "hotline/taxonomy.html", context, status=422 if error else 200)


@web_login_required
@require_GET
def taxonomy_file(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES or not Category.objects.restrict(request.user, Action.VIEW).exists():
        raise Http404(_("No such page."))
    response = HttpResponse(export_taxonomy(fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="taxonomy.{fmt}"'
    return response
