"""The inbox through the API: the caller's own notices, and marking them read (the same services as the page)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from jixiao.api import errors
from jixiao.core.choices import Action
from jixiao.inbox.models import Notice
from jixiao.inbox.querysets import INBOX_ORDER
from jixiao.inbox.services import do_read_all_notices, do_read_notice

router = Router(tags=["inbox"])


class NoticeOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    cycle: str | None
    created_at: datetime
    read_at: datetime | None


class ReadAllOut(Schema):
    read: int


def _out(n: Notice) -> dict[str, Any]:
    return {"id": n.pk, "kind": n.kind, "title": n.title, "body": n.body, "link": n.link,
            "cycle": n.cycle.code if n.cycle else None, "created_at": n.created_at, "read_at": n.read_at}


@router.get("/", response={200: list[NoticeOut], **errors(401)}, auth=django_auth)
def list_notices(request: HttpRequest, unread: bool = False, limit: int = 100) -> list[dict[str, Any]]:
    """The caller's notices, unread first, then newest first (at most ``limit``); ``unread=true``: the unread
    ones only."""
    qs = Notice.objects.restrict(request.user, Action.VIEW).select_related("cycle")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return [_out(n) for n in qs.order_by(*INBOX_ORDER)[: max(1, min(limit, 500))]]


@router.post("/read-all", response={200: ReadAllOut, **errors(401)}, auth=django_auth)
def read_all(request: HttpRequest) -> dict[str, int]:
    """Mark all the caller's notices read; answers how many were unread."""
    return {"read": do_read_all_notices(actor=request.user)}


@router.post("/{notice_id}/read", response={200: NoticeOut, **errors(401, 404)}, auth=django_auth)
def read(request: HttpRequest, notice_id: int) -> dict[str, Any]:
    """Mark one of the caller's notices read; another user's notice is not found."""
    notice = Notice.objects.get_for(request.user, Action.VIEW, pk=notice_id)
    return _out(do_read_notice(notice, actor=request.user))
