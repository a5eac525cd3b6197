"""Routing proposals (派单建议): the responsible unit of a ticket from its category and place, by the office's
editable rules. The most specific rule wins: a rule for the ticket's street over one for its district over a
city-wide one; at the same place, the rule on the deepest category (the ticket's own over its ancestors', any
category last). A proposal is a proposal: the office accepts it for the tickets it chooses (``do_route_tickets``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.audit.services import record_event, snapshot
from jixiao.core.choices import Action
from jixiao.hotline.choices import HotlineAction
from jixiao.hotline.errors import HotlineInputError
from jixiao.hotline.models import Category, RoutingRule, Ticket
from jixiao.hotline.services.frames import bump
from jixiao.org.models import Unit


@dataclass(frozen=True)
class Rule:
    category: str | None  # a path; None = any
    district: str
    street: str
    unit_id: int


def rules() -> list[Rule]:
    return [Rule(r.category.path if r.category_id else None, r.district, r.street, r.unit_id)
            for r in RoutingRule.objects.select_related("category")]


def _specificity(rule: Rule, path: str | None, district: str, street: str) -> tuple[int, int] | None:
    """How well ``rule`` fits a ticket (higher is better), or None when it does not apply."""
    if rule.street and rule.street != street:
        return None
    if rule.district and rule.district != district:
        return None
    if rule.category is not None and (path is None or not (path == rule.category or
                                                           path.startswith(rule.category + "/"))):
        return None
    place = 2 if rule.street else 1 if rule.district else 0
    depth = 0 if rule.category is None else rule.category.count("/") + 1
    return place, depth


def propose(path: str | None, district: str, street: str, table: Sequence[Rule]) -> int | None:
    """The unit id the most specific applicable rule names, or None.

    >>> table = [Rule(None, "", "", 1), Rule("市容环境", "东城区", "", 2), Rule("市容环境/市容秩序", "", "", 3),
    ...          Rule(None, "东城区", "和平街道", 4)]
    >>> propose("市容环境/市容秩序/占道经营", "东城区", "和平街道", table)  # the street's rule, any category
    4
    >>> propose("市容环境/市容秩序/占道经营", "东城区", "新华街道", table)  # the district's over the deeper city-wide
    2
    >>> propose("交通出行/道路设施", "西城区", "", table)
    1
    """
    best: tuple[tuple[int, int], int] | None = None
    for rule in table:
        fit = _specificity(rule, path, district, street)
        if fit is not None and (best is None or fit > best[0]):
            best = (fit, rule.unit_id)
    return None if best is None else best[1]


def proposals(tickets: Iterable[Ticket]) -> dict[int, int]:
    """Ticket pk -> proposed unit id, for tickets a rule applies to."""
    table = rules()
    out = {}
    for t in tickets:
        unit = propose(t.category.path if t.category is not None else None, t.district, t.street, table)
        if unit is not None:
            out[t.pk] = unit
    return out


def do_set_routing_rule(category: Category | None, district: str, street: str, unit: Unit, *, actor: Any,
                        note: str = "") -> RoutingRule:
    """Set the unit proposed for a category (None: any) in a district and street (empty: any)."""
    district, street = district.strip(), street.strip()
    if street and not district:
        raise HotlineInputError(field=_("district"), problem=_("a street rule names its district"))
    with transaction.atomic():
        RoutingRule.objects.check_create(actor)
        # By pk: the default ordering joins the category, which FOR UPDATE cannot take on a nullable join.
        rule = RoutingRule.objects.select_for_update().filter(category=category, district=district,
                                                              street=street).order_by("pk").first()
        before = snapshot(rule) if rule is not None else None
        rule = rule or RoutingRule(category=category, district=district, street=street)
        rule.unit, rule.note = unit, note.strip()
        rule.full_clean()
        rule.save()
        record_event(HotlineAction.ROUTING, actor=actor, obj=rule, before=before, after=snapshot(rule))
    return rule


def do_route_tickets(pks: Iterable[int], *, actor: Any) -> int:
    """Give the tickets ``pks`` that have no responsible unit the unit the rules propose; returns how many were
    routed. One audit event lists them."""
    with transaction.atomic():
        Ticket.objects.check_create(actor)
        tickets = list(Ticket.objects.restrict(actor, Action.CHANGE).filter(pk__in=list(pks), unit=None)
                       .select_related("category").select_for_update(of=("self",)))
        routed = proposals(tickets)
        now = timezone.now()
        changed = []
        for t in tickets:
            if t.pk in routed:
                t.unit_id, t.updated_at = routed[t.pk], now
                changed.append(t)
        Ticket.objects.bulk_update(changed, ["unit", "updated_at"])
        if changed:
            record_event(HotlineAction.ROUTE, actor=actor, object_type="hotline.ticket",
                         object_id=",".join(t.number for t in changed[:50]),
                         after={"tickets": {t.number: routed[t.pk] for t in changed}})
            bump()
    return len(changed)
