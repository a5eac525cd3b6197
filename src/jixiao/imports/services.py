"""Import jobs (导入任务): the office uploads a file; a background job imports it all or nothing.

``do_start_import`` checks the file's kind, type and size, keeps it outside the public media path and queues the
job (Celery on Redis in production; a thread of this process in the embedded default, so the request that
uploaded a large file answers at once). ``run_import_job`` calls the same import services as ``jixiao import``
(each records its own audit event), reports progress through the cache while it runs, and ends with
``do_finish_import``. A refused file keeps its first 100 problems and their count; nothing of it is imported.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import close_old_connections, transaction
from django.utils import timezone, translation

from jixiao.accounts.models import User
from jixiao.audit.context import audit_source
from jixiao.audit.services import record_event
from jixiao.core.choices import Action, Source
from jixiao.core.errors import ImportRefusedError, JixiaoError
from jixiao.cycles.models import Cycle
from jixiao.imports.choices import ImportAction, ImportKind, JobState
from jixiao.imports.errors import ImportCycleRequiredError, ImportFileTypeError, ImportTooLargeError
from jixiao.imports.models import ImportJob

log = logging.getLogger(__name__)
SUFFIXES = (".csv", ".xlsx")


def check_upload_size(size: int) -> None:
    """Refuse a file over ``IMPORT_MAX_MB``; the view calls this with the request's length before reading it."""
    limit = settings.IMPORT_MAX_MB
    if size > limit * 1024 * 1024:
        raise ImportTooLargeError(size=f"{size / 1024 / 1024:,.1f}", limit=limit)


def do_start_import(kind: str, upload: UploadedFile, *, actor: Any, cycle: Cycle | None = None) -> ImportJob:
    """Keep the uploaded file and queue its import. Only the office may (``restrict``); a values file names its
    cycle; only .csv and .xlsx files up to ``IMPORT_MAX_MB`` are taken."""
    ImportJob.objects.check_create(actor)
    kind = ImportKind(kind)
    name = Path(upload.name or "").name
    if not name.lower().endswith(SUFFIXES):
        raise ImportFileTypeError(name=name)
    check_upload_size(upload.size or 0)
    if kind == ImportKind.VALUES and cycle is None:
        raise ImportCycleRequiredError()
    if cycle is not None:
        cycle = Cycle.objects.get_for(actor, Action.VIEW, pk=cycle.pk)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    with transaction.atomic():
        job = ImportJob(kind=kind, cycle=cycle, name=name, size=upload.size or 0, sha256=digest.hexdigest(),
                        created_by=actor if getattr(actor, "is_authenticated", False) else None,
                        created_at=timezone.now())
        job.file.save(name, upload, save=False)
        job.full_clean()
        job.save()
        record_event(ImportAction.START, actor=actor, obj=job,
                     after={"kind": kind, "cycle": cycle.code if cycle else None, "file": name, "size": job.size,
                            "sha256": job.sha256})
        if not settings.IMPORT_JOBS_INLINE:
            transaction.on_commit(lambda: submit(job.pk))
    if settings.IMPORT_JOBS_INLINE:
        run_import_job(job.pk)
        job.refresh_from_db()
    return job


def do_finish_import(job: ImportJob, state: str, *, actor: Any, counts: dict[str, int] | None = None,
                     problems: list[str] | None = None, problem_count: int = 0) -> ImportJob:
    """Record how a job ended: imported (with its counts), refused (first problems and how many) or failed."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)  # the race: a job run twice finishes once
        if job.state != JobState.QUEUED:
            return job
        job.state, job.counts = JobState(state), counts or {}
        job.problems, job.problem_count = (problems or [])[: ImportRefusedError.KEPT], problem_count
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "counts", "problems", "problem_count", "finished_at"])
        record_event(ImportAction.FINISH, actor=actor, obj=job,
                     before={"state": JobState.QUEUED},
                     after={"state": job.state, "counts": job.counts, "problem_count": problem_count})
    cache.delete(_progress_key(job.pk))
    return job


# ---------------------------------------------------------------------------------------------- running
def _progress_key(pk: int) -> str:
    return f"jixiao:import:{pk}:progress"


def progress_of(job: ImportJob) -> dict[str, Any] | None:
    """How far a queued job has got: {"phase", "done", "total"}; None before it starts."""
    value = cache.get(_progress_key(job.pk))
    return value if isinstance(value, dict) else None


def _reporter(pk: int) -> Any:
    state: dict[str, Any] = {"phase": "reading", "done": 0, "total": 0}
    cache.set(_progress_key(pk), state, timeout=24 * 3600)

    def report(phase: str, rows: int) -> None:
        if phase == "read":
            state.update(phase="checking", total=rows, done=0)
        else:
            state.update(phase=phase, done=min(rows, state["total"] or rows))
        cache.set(_progress_key(pk), dict(state), timeout=24 * 3600)

    return report


def run_import_job(pk: int) -> str:
    """Run a queued import job to its end; return its state. Safe to call twice: a finished job is left alone."""
    from jixiao.collection.services import do_import_values
    from jixiao.org.services import do_import_staff, do_import_units

    job = ImportJob.objects.select_related("cycle", "created_by").get(pk=pk)
    if job.state != JobState.QUEUED:
        return str(job.state)
    actor: User | None = job.created_by
    report = _reporter(pk)
    with audit_source(Source.JOB, f"import {job.pk} {job.name}"):
        try:
            path = Path(job.file.path)
            if job.kind == ImportKind.VALUES:
                assert job.cycle is not None
                counts = do_import_values(job.cycle, path, actor=actor, max_rows=settings.IMPORT_MAX_ROWS,
                                          progress=report, label=job.name)
            elif job.kind == ImportKind.TICKETS:
                from jixiao.hotline.services.tickets import counts_of, do_import_tickets

                counts = counts_of(do_import_tickets(path, actor=actor, label=job.name, progress=report))
            elif job.kind == ImportKind.UNITS:
                counts = do_import_units(path, actor=actor)
            else:
                counts = do_import_staff(path, actor=actor)
        except ImportRefusedError as exc:
            # Ticket exports are the hotline staff's: their problems read in the site's language.
            lines = problem_lines(exc) if job.kind == ImportKind.TICKETS else exc.lines()
            return do_finish_import(job, JobState.REFUSED, actor=actor, problems=lines[: exc.KEPT],
                                    problem_count=exc.total).state
        except JixiaoError as exc:
            return do_finish_import(job, JobState.REFUSED, actor=actor, problems=[exc.text], problem_count=1).state
        except Exception as exc:  # a job must end with a state the office can see, whatever went wrong
            log.exception("import job %s failed", pk)
            return do_finish_import(job, JobState.FAILED, actor=actor, problems=[f"{type(exc).__name__}: {exc}"],
                                    problem_count=1).state
        return do_finish_import(job, JobState.DONE, actor=actor, counts=counts).state


def problem_lines(exc: ImportRefusedError) -> list[str]:
    """A refusal's problems in the site's language, as the hotline's reader words them in Chinese
    (``工单.csv 第 5 行“受理时间”列：原因``); in English, as ``ImportRefusedError.lines``."""
    if (translation.get_language() or settings.LANGUAGE_CODE).startswith("en"):
        return exc.lines()
    out = []
    for f, r, c, why in exc.problems:
        place = f"{f}" + (f" 第 {r} 行" if r is not None else "") + (f"“{c}”列" if c else "")
        out.append(f"{place}：{why}" if place else str(why))
    if exc.total > exc.shown:
        out.append(f"……另有 {exc.total - exc.shown:,} 个问题")
    return out


def submit(pk: int) -> None:
    """Start the job: on a Celery worker when a broker is configured, else on a thread of this process (the
    embedded default), so the upload's request never waits for the import. ``IMPORT_JOBS_INLINE`` runs it at
    once, in the caller (tests that need the outcome in the same transaction)."""
    if settings.IMPORT_JOBS_INLINE:
        run_import_job(pk)
        return
    if settings.CELERY_BROKER_URL:
        from jixiao.imports.tasks import import_task

        import_task.delay(pk)
        return

    def work() -> None:
        close_old_connections()
        try:
            run_import_job(pk)
        finally:
            close_old_connections()
            from django.db import connection

            connection.close()

    threading.Thread(target=work, name=f"import-{pk}", daemon=True).start()
