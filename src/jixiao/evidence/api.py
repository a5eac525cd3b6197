"""Evidence files through the API: what files there are (metadata) and the files themselves, for whoever may see
the values (``Evidence.objects.restrict``). Files are attached in the app, with their values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema

from jixiao.api import errors
from jixiao.core.choices import Action
from jixiao.core.errors import NotFoundError
from jixiao.evidence.filetypes import ALLOWED
from jixiao.evidence.models import Evidence
from jixiao.evidence.querysets import EvidenceQuerySet
from jixiao.evidence.views import file_response

router = Router(tags=["evidence"])

FILE_RESPONSE = {
    200: {
        "description": "The file, as an attachment, with the content type its content was found to be",
        "content": {a.content_type: {"schema": {"type": "string", "format": "binary"}} for a in ALLOWED.values()},
    }
}


class EvidenceOut(Schema):
    id: int
    cycle: str
    unit: str
    indicator: str
    value_id: int | None
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str | None
    uploaded_at: datetime
    replaced_at: datetime | None
    current: bool


def _out(e: Evidence) -> dict[str, Any]:
    return {"id": e.pk, "cycle": e.cycle.code, "unit": e.subject.code, "indicator": e.indicator,
            "value_id": e.value_id, "name": e.name, "content_type": e.content_type, "size": e.size,
            "sha256": e.sha256, "uploaded_by": e.uploaded_by.get_username() if e.uploaded_by else None,
            "uploaded_at": e.uploaded_at, "replaced_at": e.replaced_at, "current": e.current}


@router.get("/", response=list[EvidenceOut])
def list_evidence(request: HttpRequest, cycle: str | None = None, unit: str | None = None,
                  limit: int = 100) -> list[dict[str, Any]]:
    """The evidence files the caller may open, newest first, of a cycle and a unit when given; replaced files
    included (``current`` false)."""
    qs = Evidence.objects.restrict(request.user, Action.VIEW).select_related("cycle", "subject", "uploaded_by")
    if cycle:
        qs = qs.filter(cycle__code=cycle)
    if unit:
        qs = qs.filter(subject__code=unit)
    return [_out(e) for e in qs[: max(1, min(limit, 1000))]]


@router.get("/{pk}/file", response=errors(404), openapi_extra={"responses": FILE_RESPONSE})
def download_file(request: HttpRequest, pk: int) -> FileResponse:
    """The file itself, as an attachment under its original name."""
    evidence: Evidence | None = Evidence.objects.restrict(request.user, Action.VIEW).filter(pk=pk).first()
    if evidence is None:
        raise NotFoundError(what=EvidenceQuerySet.what)
    return file_response(evidence)
