"""Three-party checks through the API: the rounds the caller may see, a round's gaps per unit and its items
(read only; the pages and the services write)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from jixiao.api import errors
from jixiao.core.choices import Action
from jixiao.engine.verification import higher_is_better
from jixiao.verification.choices import ItemState
from jixiao.verification.models import CheckItem, CheckRound
from jixiao.verification.services import item_gap, item_over, unit_rows

router = Router(tags=["verification"])


class RoundOut(Schema):
    id: int
    cycle: str
    name: str
    seed: int
    per_unit: int | None
    share: float | None
    threshold: float
    created_at: datetime


class UnitGapOut(Schema):
    unit: str
    name: str
    #: Sampled values the caller sees, and how many of them were verified.
    items: int
    verified: int
    #: The mean relative gap |self - verified| / |verified| of the verified values (None: none verified).
    mean_gap: float | None
    #: Verified values the unit claimed better than verified.
    over: int
    flagged: bool


class ItemOut(Schema):
    id: int
    unit: str
    indicator: str
    state: str
    by_hand: bool
    self_value: float
    self_version: int
    finance: str
    finance_value: float | None
    finance_note: str
    verified_value: float | None
    method: str
    verified_on: date | None
    verify_note: str
    gap: float | None
    over_reported: bool
    applied_version: int | None


def _round(request: HttpRequest, id: int) -> CheckRound:
    rnd: CheckRound = CheckRound.objects.select_related("cycle__scheme").get_for(request.user, Action.VIEW, pk=id)
    return rnd


def _items(request: HttpRequest, rnd: CheckRound) -> list[CheckItem]:
    return list(CheckItem.objects.restrict(request.user, Action.VIEW).filter(round=rnd).select_related("subject")
                .order_by("subject__code", "indicator"))


@router.get("/rounds", response={200: list[RoundOut], **errors(401)}, auth=django_auth)
def list_rounds(request: HttpRequest, cycle: str | None = None) -> list[dict[str, Any]]:
    """The check rounds the caller may see, newest first (narrow with ``cycle``); the first 1,000."""
    qs = CheckRound.objects.restrict(request.user, Action.VIEW).select_related("cycle")
    if cycle is not None:
        qs = qs.filter(cycle__code=cycle)
    return [{"id": r.pk, "cycle": r.cycle.code, "name": r.name, "seed": r.seed, "per_unit": r.per_unit,
             "share": r.share, "threshold": r.threshold, "created_at": r.created_at} for r in qs[:1000]]


@router.get("/rounds/{id}/units", response={200: list[UnitGapOut], **errors(401, 404)}, auth=django_auth)
def round_units(request: HttpRequest, id: int) -> list[dict[str, Any]]:
    """A round's gaps per unit (of the items the caller sees): flagged units first, then by mean gap."""
    rnd = _round(request, id)
    return [{"unit": r.subject.code, "name": r.subject.name, "items": len(r.items), "verified": r.verified,
             "mean_gap": r.mean_gap, "over": r.over, "flagged": r.flagged}
            for r in unit_rows(rnd, _items(request, rnd))]


@router.get("/rounds/{id}/items", response={200: list[ItemOut], **errors(401, 404)}, auth=django_auth)
def round_items(request: HttpRequest, id: int, state: ItemState | None = None) -> list[dict[str, Any]]:
    """A round's sampled values the caller sees (a unit's own once verified; all for the office and auditors),
    with the three parties' figures and the gap (narrow with ``state``)."""
    rnd = _round(request, id)
    scheme = rnd.cycle.scheme.engine
    items = [i for i in _items(request, rnd) if state is None or i.state == state]
    return [{"id": i.pk, "unit": i.subject.code, "indicator": i.indicator, "state": i.state, "by_hand": i.by_hand,
             "self_value": i.self_value, "self_version": i.self_version, "finance": i.finance,
             "finance_value": i.reviewed_value, "finance_note": i.finance_note, "verified_value": i.verified_value,
             "method": i.method, "verified_on": i.verified_on, "verify_note": i.verify_note, "gap": item_gap(i),
             "over_reported": item_over(i, higher_is_better(scheme, i.indicator)),
             "applied_version": i.applied_version} for i in items]
