"""The hotline's API at ``/api/hotline``.

``POST /tickets``: a hotline system pushes a batch of tickets (at most ``MAX_BATCH``), authenticated only by its
key in the ``X-Api-Key`` header (no session, so no CSRF: a machine client with a key, not a browser). The batch
goes through the same checks and upsert as a file import, all or nothing, and is idempotent: the same batch twice
answers "all unchanged" the second time. ``GET /tickets``: the tickets a signed-in user may see.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import polars as pl
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.security import APIKeyHeader, django_auth

from jixiao.api import errors
from jixiao.core.choices import Action
from jixiao.core.errors import ImportRefusedError, InvalidInputError
from jixiao.engine.tickets import RESOLUTION_WORDS, SATISFACTION_WORDS, URGENCY_WORDS
from jixiao.hotline.models import SourceSystem, Ticket
from jixiao.hotline.services.systems import system_for_key
from jixiao.hotline.services.tickets import CANONICAL, HEADERS_ZH, counts_of, do_push_tickets

router = Router(tags=["hotline"])
#: The most tickets one push may carry.
MAX_BATCH = 5000
CANONICAL_OF = {zh: c for c, zh in HEADERS_ZH.items()}


class SystemKey(APIKeyHeader):
    """A hotline system's key in ``X-Api-Key``; a missing, wrong or withdrawn key is 401 ``hotline_key``."""

    param_name = "X-Api-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> SourceSystem:
        return system_for_key(key)


Text = Annotated[str | None, Field(default=None, max_length=20_000)]
Short = Annotated[str | None, Field(default=None, max_length=400)]


class TicketIn(Schema):
    """One ticket as the hotline system has it; times in ISO 8601 (without an offset: local time)."""

    id: Annotated[str, Field(min_length=1, max_length=64)]
    received_at: datetime
    text: Text = None
    category: Short = None
    unit: Short = None
    urgency: Short = None
    responded_at: datetime | None = None
    closed_at: datetime | None = None
    resolution: Short = None
    satisfaction: Short = None
    channel: Short = None
    district: Short = None
    street: Short = None
    address: Short = None
    co_units: Short = None
    transfers: Annotated[int | None, Field(default=None, ge=0, le=32767)] = None
    repeat_of: Short = None


class PushIn(Schema):
    batch: Annotated[str | None, Field(default=None, max_length=200)] = None
    tickets: Annotated[list[TicketIn], Field(min_length=1, max_length=MAX_BATCH)]


class PushOut(Schema):
    batch: str
    received: int
    created: int
    updated: int
    unchanged: int
    unmatched_units: int
    unmatched_categories: int


def _local(value: datetime | None) -> datetime | None:
    """A naive local time (as an export's); an aware one converted to the site's zone first."""
    if value is None or timezone.is_naive(value):
        return value
    return timezone.localtime(value, timezone.get_default_timezone()).replace(tzinfo=None)


def _word(value: str | None, words: dict[str, str]) -> str | None:
    if value is None:
        return None
    return words.get(" ".join(value.lower().split()), value)


def push_frame(tickets: list[TicketIn]) -> pl.DataFrame:
    """The pushed tickets as a canonical ticket frame (``_row`` the ticket's index in the body), words
    normalised as a file's are."""
    rows = []
    for k, t in enumerate(tickets):
        row: dict[str, Any] = t.dict()
        for c in ("received_at", "responded_at", "closed_at"):
            row[c] = _local(row[c])
        row["urgency"] = _word(row["urgency"], URGENCY_WORDS)
        row["resolution"] = _word(row["resolution"], RESOLUTION_WORDS)
        row["satisfaction"] = _word(row["satisfaction"], SATISFACTION_WORDS)
        row["_row"] = k
        rows.append(row)
    schema: dict[str, Any] = dict.fromkeys(CANONICAL, pl.String)
    schema.update(received_at=pl.Datetime("us"), responded_at=pl.Datetime("us"), closed_at=pl.Datetime("us"),
                  transfers=pl.Int32, _row=pl.Int64)
    return pl.DataFrame(rows, schema=schema)


def _refused(exc: ImportRefusedError) -> InvalidInputError:
    """A refused batch as 422: each problem named ``tickets[k].field``."""
    problems = [{"loc": ["body", "tickets", row, CANONICAL_OF.get(col or "", col)], "msg": why}
                for _f, row, col, why in exc.problems]
    text = "; ".join(f"tickets[{p['loc'][2]}].{p['loc'][3]}: {p['msg']}" for p in problems)
    error = InvalidInputError(problems=text)
    error.params = {"errors": problems, "count": exc.total}
    return error


@router.post("/tickets", response={200: PushOut, **errors(401, 422)}, auth=SystemKey(),
             summary="Push tickets (a hotline system, with its key)")
def push_tickets(request: HttpRequest, body: PushIn) -> dict[str, Any]:
    """Upsert a batch of tickets by number, all or nothing (see the module)."""
    system: SourceSystem = request.auth  # type: ignore[attr-defined]
    try:
        batch = do_push_tickets(push_frame(body.tickets), system=system, batch=body.batch or "", actor=None)
    except ImportRefusedError as exc:
        raise _refused(exc) from None
    counts = counts_of(batch)
    return {"batch": batch.name, "received": counts.pop("rows"), **counts}


class TicketOut(Schema):
    number: str
    received_at: datetime
    text: str
    category: str | None
    category_by: str
    unit: str | None
    unit_text: str
    urgency: str
    responded_at: datetime | None
    closed_at: datetime | None
    resolution: str
    satisfaction: str
    district: str
    street: str


class TicketFilter(Schema):
    unit: Annotated[str | None, Field(default=None, max_length=64, pattern=r"^[^\x00-\x1f]*$")] = None
    since: datetime | None = None
    limit: Annotated[int, Field(ge=1, le=1000)] = 100


@router.get("/tickets", response={200: list[TicketOut], **errors(401)}, auth=django_auth,
            summary="Tickets you may see")
def list_tickets(request: HttpRequest, filters: Query[TicketFilter]) -> list[dict[str, Any]]:
    """The newest tickets the signed-in user may see (the office all; a unit's people their units'), optionally of
    one unit (code) and received since a time."""
    qs = Ticket.objects.restrict(request.user, Action.VIEW).select_related("unit", "category")
    if filters.unit:
        qs = qs.filter(unit__code=filters.unit)
    if filters.since:
        since = filters.since
        if timezone.is_naive(since):
            since = timezone.make_aware(since, timezone.get_default_timezone())
        qs = qs.filter(received_at__gte=since)
    return [{"number": t.number, "received_at": t.received_at, "text": t.text,
             "category": t.category.path if t.category else None, "category_by": t.category_by,
             "unit": t.unit.code if t.unit else None, "unit_text": t.unit_text, "urgency": t.urgency,
             "responded_at": t.responded_at, "closed_at": t.closed_at, "resolution": t.resolution,
             "satisfaction": t.satisfaction, "district": t.district, "street": t.street}
            for t in qs.order_by("-received_at", "-pk")[: filters.limit]]

