"""The office's import pages: start an import, follow its progress, read its outcome. Everything starts from
``ImportJob.objects.restrict()``: for anyone but the office (and auditors, read only) there are no jobs, and the
upload page answers 404."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jixiao.core.choices import Action
from jixiao.core.errors import JixiaoError, PermissionDeniedError
from jixiao.imports.choices import JobState
from jixiao.imports.forms import ImportForm
from jixiao.imports.models import ImportJob
from jixiao.imports.services import check_upload_size, do_start_import, progress_of
from jixiao.web.helpers import exported, local_text, paginate, web_login_required
from jixiao.web.tables import Badge, Link, Table

STATE_CSS = {JobState.QUEUED: "yellow", JobState.DONE: "green", JobState.REFUSED: "red", JobState.FAILED: "red"}


def _table(jobs: Any) -> Table:
    return Table("imports", _("Imports"), [_("started"), _("file"), _("what the file holds"), _("cycle"), _("state"),
                                           _("rows"), _("problems"), _("started by")],
                 [[local_text(j.created_at, "%Y-%m-%d %H:%M"), Link(j.name, reverse("imports:detail", args=[j.pk])),
                   j.get_kind_display(), j.cycle.code if j.cycle else "",
                   Badge(j.get_state_display(), STATE_CSS[JobState(j.state)]), j.counts.get("rows", ""),
                   j.problem_count or "", j.created_by.get_username() if j.created_by else _("system")]
                  for j in jobs], numeric=frozenset({5, 6}))


@web_login_required
@require_GET
def jobs(request: HttpRequest) -> HttpResponse:
    qs = ImportJob.objects.restrict(request.user, Action.VIEW).select_related("cycle", "created_by")
    if not qs.exists() and not _may_start(request.user):
        raise Http404(_("No such page."))
    response = exported(request, {"imports": lambda: _table(qs)}, "imports")
    if response:
        return response
    page = paginate(request, qs)
    return render(request, "imports/jobs.html", {"table": _table(page.object_list), "page": page,
                                                 "may_start": _may_start(request.user)})


def _may_start(user: Any) -> bool:
    try:
        ImportJob.objects.check_create(user)
    except PermissionDeniedError:
        return False
    return True


@web_login_required
def start(request: HttpRequest) -> HttpResponse:
    """Upload a file and queue its import. The request's length is checked before its body is read, so an
    oversized upload is refused without being received."""
    if not _may_start(request.user):
        raise Http404(_("No such page."))
    error = ""
    if request.method == "POST":
        try:
            check_upload_size(int(request.META.get("CONTENT_LENGTH") or 0))
        except JixiaoError as exc:
            form = ImportForm(user=request.user)
            return render(request, "imports/start.html", {"form": form, "error": exc.text, **_limits()},
                          status=exc.status)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user,
                      initial={"cycle": request.GET.get("cycle")})
    if request.method == "POST" and form.is_valid():
        try:
            job = do_start_import(form.cleaned_data["kind"], form.cleaned_data["file"], actor=request.user,
                                  cycle=form.cleaned_data["cycle"])
        except JixiaoError as exc:
            error = exc.text
        else:
            return redirect("imports:detail", pk=job.pk)
    status = 200 if request.method == "GET" else 422
    return render(request, "imports/start.html", {"form": form, "error": error, **_limits()}, status=status)


def _limits() -> dict[str, Any]:
    return {"import_max_mb": settings.IMPORT_MAX_MB, "import_max_rows": f"{settings.IMPORT_MAX_ROWS:,}"}


def _job(request: HttpRequest, pk: int) -> ImportJob:
    job: ImportJob | None = (ImportJob.objects.restrict(request.user, Action.VIEW)
                             .select_related("cycle", "created_by").filter(pk=pk).first())
    if job is None:
        raise Http404(_("No such import."))
    return job


def _context(job: ImportJob) -> dict[str, Any]:
    progress = progress_of(job) if job.state == JobState.QUEUED else None
    percent = 0
    if progress and progress.get("total"):
        share = progress["done"] / progress["total"]
        percent = round(100 * (0.1 + 0.8 * share if progress["phase"] == "checking" else 0.95))
    return {"job": job, "progress": progress, "percent": percent, "running": job.state == JobState.QUEUED,
            "started": local_text(job.created_at), "finished": local_text(job.finished_at)}


@web_login_required
@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "imports/job.html", _context(_job(request, pk)))


@web_login_required
@require_GET
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's state for htmx to poll (every second while it runs; the fragment stops polling when done)."""
    return render(request, "imports/_progress.html", _context(_job(request, pk)))
