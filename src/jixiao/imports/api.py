"""Import jobs through the API: read their state (the office and auditors). Files are uploaded in the app."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from jixiao.core.choices import Action
from jixiao.imports.models import ImportJob
from jixiao.imports.services import progress_of

router = Router(tags=["imports"])


class JobOut(Schema):
    id: int
    kind: str
    cycle: str | None
    name: str
    size: int
    sha256: str
    state: str
    counts: dict[str, Any]
    problem_count: int
    problems: list[str]
    progress: dict[str, Any] | None
    created_at: datetime
    finished_at: datetime | None


def _out(job: ImportJob) -> dict[str, Any]:
    return {"id": job.pk, "kind": job.kind, "cycle": job.cycle.code if job.cycle else None, "name": job.name,
            "size": job.size, "sha256": job.sha256, "state": job.state, "counts": job.counts,
            "problem_count": job.problem_count, "problems": job.problems, "progress": progress_of(job),
            "created_at": job.created_at, "finished_at": job.finished_at}


@router.get("/", response=list[JobOut])
def list_jobs(request: HttpRequest, limit: int = 50) -> list[dict[str, Any]]:
    """The latest import jobs, newest first."""
    qs = ImportJob.objects.restrict(request.user, Action.VIEW).select_related("cycle")[: max(1, min(limit, 500))]
    return [_out(j) for j in qs]
