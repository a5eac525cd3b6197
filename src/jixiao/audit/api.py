"""The audit trail through the API: recent events and the chain check (office and auditors)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of
from jixiao.api import errors
from jixiao.audit.models import AuditEvent
from jixiao.audit.services import verify_chain
from jixiao.core.choices import Action
from jixiao.core.errors import NotFoundError

router = Router(tags=["audit"])


class EventOut(Schema):
    seq: int
    at: datetime
    actor_label: str
    source: str
    context: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: Any
    after: Any
    hash: str


class ProblemOut(Schema):
    code: str
    message: str
    seq: int | None


class VerifyOut(Schema):
    ok: bool
    checked: int
    checkpoints: int
    problems: list[ProblemOut]
    chain: str
    head_seq: int
    head_hash: str
    checkpointed_seq: int


@router.get("/events", response=list[EventOut])
def list_events(request: HttpRequest, limit: int = 100) -> list[AuditEvent]:
    """The latest events, newest first."""
    return list(
        AuditEvent.objects.restrict(request.user, Action.VIEW).order_by("-seq")[: max(1, min(limit, 1000))]
    )


@router.get("/verify", response={200: VerifyOut, **errors(404)})
def verify(request: HttpRequest) -> dict[str, Any]:
    """Recompute the chain and compare it with the checkpoints (``jixiao verify_audit``): the events and
    checkpoints checked, every problem (a stable ``code`` and a message) and the head, to copy elsewhere."""
    if role_of(request.user) not in (Role.ADMIN, Role.AUDITOR):
        raise NotFoundError(what=_("audit trail"))
    report = verify_chain()
    return {
        "ok": report.ok,
        "checked": report.checked,
        "checkpoints": report.checkpoints,
        "problems": [{"code": p.code, "message": p.message, "seq": p.seq} for p in report.problems],
        "chain": report.chain,
        "head_seq": report.head_seq,
        "head_hash": report.head_hash,
        "checkpointed_seq": report.checkpointed_seq,
    }
