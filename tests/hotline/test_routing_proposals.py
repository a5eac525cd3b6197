"""Routing proposals by the office's rules, and weight proposals accepted into a new scheme version (or declined),
on hand-made tickets."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from .test_figures import platform_world, ticket


@pytest.fixture
def world(db: Any) -> Any:
    from jixiao.hotline.models import Category

    w = platform_world.build_world()
    top = Category.objects.create(code="01", name="市容环境", level=1, path="市容环境")
    mid = Category.objects.create(code="0101", name="市容秩序", level=2, path="市容环境/市容秩序", parent=top)
    leaf = Category.objects.create(code="010101", name="占道经营", level=3, path="市容环境/市容秩序/占道经营",
                                   parent=mid, keywords="占道|摆摊")
    w.cats = (top, mid, leaf)
    return w


def test_the_most_specific_rule_routes_and_only_tickets_without_a_unit(world: Any) -> None:
    from jixiao.audit.models import AuditEvent
    from jixiao.hotline.models import Ticket
    from jixiao.hotline.services.routing import do_route_tickets, do_set_routing_rule

    admin = world.personas["admin"]
    top, _mid, leaf = world.cats
    do_set_routing_rule(None, "", "", world.unit_b, actor=admin, note="兜底")
    do_set_routing_rule(top, "东城区", "", world.unit_a, actor=admin)
    do_set_routing_rule(None, "东城区", "和平街道", world.unit_a1, actor=admin)
    now = timezone.now()
    made = Ticket.objects.bulk_create([
        Ticket(number="R1", received_at=now, category=leaf, district="东城区", street="新华街道", updated_at=now),
        Ticket(number="R2", received_at=now, category=leaf, district="东城区", street="和平街道", updated_at=now),
        Ticket(number="R3", received_at=now, district="西城区", updated_at=now),
        Ticket(number="R4", received_at=now, unit=world.unit_b, district="东城区", street="和平街道", updated_at=now),
    ])
    assert do_route_tickets([t.pk for t in made], actor=admin) == 3
    units = dict(Ticket.objects.values_list("number", "unit__code"))
    assert units == {"R1": "A", "R2": "A1", "R3": "B", "R4": "B"}
    event = AuditEvent.objects.filter(action="hotline.route").get()
    assert event.after["tickets"] == {"R1": world.unit_a.pk, "R2": world.unit_a1.pk, "R3": world.unit_b.pk}


def test_a_street_rule_names_its_district_and_only_the_office_routes(world: Any) -> None:
    from jixiao.core.errors import PermissionDeniedError
    from jixiao.hotline.errors import HotlineInputError
    from jixiao.hotline.services.routing import do_route_tickets, do_set_routing_rule

    with pytest.raises(HotlineInputError):
        do_set_routing_rule(None, "", "和平街道", world.unit_a, actor=world.personas["admin"])
    with pytest.raises(PermissionDeniedError):
        do_set_routing_rule(None, "东城区", "", world.unit_a, actor=world.personas["operator_a"])
    with pytest.raises(PermissionDeniedError):
        do_route_tickets([], actor=world.personas["auditor"])


def _year_of_tickets(world: Any, year: int, solved: int, unsolved: int, category: Any) -> list[Any]:
    start = timezone.make_aware(datetime(year, 2, 1, 9))
    out = []
    for k in range(solved + unsolved):
        out.append(ticket(f"Y{year}-{k}", world.unit_a, start + timedelta(hours=k), responded=timedelta(hours=1),
                          resolution="已解决" if k < solved else "未解决", satisfaction="满意", category=category))
    return out


def test_a_weight_proposal_follows_the_fall_and_is_accepted_into_a_new_version(world: Any) -> None:
    from jixiao.hotline.models import Ticket
    from jixiao.hotline.partitions import ensure_partitions
    from jixiao.hotline.services.figures import do_set_feed
    from jixiao.hotline.services.proposals import do_accept_proposal, do_decline_proposal, do_propose_weights
    from jixiao.schemes.models import Scheme

    admin = world.personas["admin"]
    leaf = world.cats[2]
    ensure_partitions([date(2025, 2, 1), date(2026, 2, 1)])
    # Resolution 90 % last year, 80 % this year: its shortfall doubled (pressure 2). Response 100 % both years
    # (no shortfall: pressure 1).
    Ticket.objects.bulk_create(_year_of_tickets(world, 2025, 9, 1, leaf) + _year_of_tickets(world, 2026, 8, 2, leaf))
    # The scheme core-leader-negative has RESP (weight 30) only among the measured % indicators fed; feed EXEC
    # (weight 25) by the resolution rate to have two.
    do_set_feed(world.open, "RESP", "response_rate", date(2026, 1, 1), date(2026, 12, 31), actor=admin)
    do_set_feed(world.open, "EXEC", "resolution_rate", date(2026, 1, 1), date(2026, 12, 31), actor=admin)
    proposal = do_propose_weights(world.open, 2026, actor=admin, until=date(2026, 11, 30))
    rows = {r["indicator"]: r for r in proposal.rows}
    # 30 x 1 : 25 x 2 = 30 : 50 of a total 55 -> 20.625 : 34.375 -> 21 : 34 by largest remainder.
    assert (rows["RESP"]["proposed"], rows["EXEC"]["proposed"]) == (21, 34)
    assert rows["EXEC"]["this_rate"] == 80.0
    assert rows["EXEC"]["last_rate"] == 90.0
    assert any(c["category"] == "市容环境" and c["flagged"] for c in proposal.categories)
    versions = Scheme.objects.filter(code=world.open.scheme.code).count()
    accepted = do_accept_proposal(proposal, actor=admin, comment="经考核委员会审议同意")
    new = accepted.result
    assert new is not None
    assert new.version == world.open.scheme.version + 1
    assert Scheme.objects.filter(code=world.open.scheme.code).count() == versions + 1
    assert new.engine.node("RESP").weight == 21
    assert new.engine.node("EXEC").weight == 34
    world.open.refresh_from_db()
    assert world.open.scheme.engine.node("RESP").weight == 30  # the cycle keeps its version
    from jixiao.hotline.errors import ProposalStateError

    with pytest.raises(ProposalStateError):
        do_decline_proposal(accepted, actor=admin)


def test_no_proposal_without_feeds_or_tickets(world: Any) -> None:
    from jixiao.hotline.errors import HotlineInputError
    from jixiao.hotline.services.figures import do_set_feed
    from jixiao.hotline.services.proposals import do_propose_weights

    admin = world.personas["admin"]
    with pytest.raises(HotlineInputError):
        do_propose_weights(world.open, 2026, actor=admin)
    do_set_feed(world.open, "RESP", "response_rate", date(2026, 1, 1), date(2026, 12, 31), actor=admin)
    with pytest.raises(HotlineInputError):
        do_propose_weights(world.open, 2026, actor=admin)
