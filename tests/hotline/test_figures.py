"""Hotline rates into the cycle, with hand-worked tickets: who counts, the time limit's edge, empty denominators,
the counts kept as the values' provenance, and a recomputation that changes nothing."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

_spec = importlib.util.spec_from_file_location("jixiao_platform_world_hotline_figures",
                                               Path(__file__).parents[1] / "platform" / "conftest.py")
assert _spec is not None
assert _spec.loader is not None
platform_world = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = platform_world
_spec.loader.exec_module(platform_world)

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def at(day: int, hour: int = 8, month: int = 3) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, hour))


def ticket(number: str, unit: Any, received: datetime, *, urgency: str = "一般", responded: timedelta | None = None,
           resolution: str = "", satisfaction: str = "", category: Any = None) -> Any:
    from jixiao.hotline.models import Ticket

    return Ticket(number=number, received_at=received, unit=unit, urgency=urgency,
                  responded_at=received + responded if responded is not None else None,
                  resolution=resolution, satisfaction=satisfaction, category=category, updated_at=timezone.now(),
                  text="", unit_text=unit.name if unit else "")


@pytest.fixture
def world(db: Any) -> Any:
    """The platform world with hand-worked March tickets. By hand:
    A: 4 received; on time: 紧急 at exactly 2 h, 一般 after 1 h (2); late: 一般 after 25 h; never: 1 -> 50.00 %;
       closed 3 (已解决 2, 未解决 1; 办理中 is not closed) -> 66.67 %; answered 3 (满意, 基本满意, 不满意) -> 66.67 %.
    B: 1 received, 紧急 answered 2 h 0 min 1 s after: late -> 0.00 %; none closed, none answered: no rate.
    A1: none. Not counted: a ticket without a unit, and A's ticket of April."""
    from jixiao.hotline.models import Category, Ticket
    from jixiao.hotline.partitions import ensure_partitions

    w = platform_world.build_world()
    noise = Category.objects.create(code="01", name="生态环境", level=1, path="生态环境")
    ensure_partitions([date(2026, 3, 1), date(2026, 4, 1)])
    a, b = w.unit_a, w.unit_b
    Ticket.objects.bulk_create([
        ticket("T1", a, at(2), urgency="紧急", responded=timedelta(hours=2), resolution="已解决", satisfaction="满意"),
        ticket("T2", a, at(3), responded=timedelta(hours=25), resolution="已解决", satisfaction="基本满意"),
        ticket("T3", a, at(4), responded=timedelta(hours=1), resolution="未解决", satisfaction="不满意"),
        ticket("T4", a, at(5), resolution="办理中"),
        ticket("T5", b, at(6), urgency="紧急", responded=timedelta(hours=2, seconds=1), category=noise),
        ticket("T6", None, at(7), responded=timedelta(hours=1), resolution="已解决"),
        ticket("T7", a, at(2, month=4), responded=timedelta(hours=1), resolution="已解决"),
    ])
    w.noise = noise
    return w


def test_rates_by_hand(world: Any) -> None:
    from jixiao.hotline.services.figures import rates

    table = {r["unit"]: r for r in rates(*MARCH).iter_rows(named=True)}
    assert set(table) == {"A", "B"}
    assert table["A"] == {"unit": "A", "received": 4, "responded_on_time": 2, "response_rate": 50.0, "closed": 3,
                          "solved": 2, "resolution_rate": 66.67, "surveyed": 3, "satisfied": 2,
                          "satisfaction_rate": 66.67}
    assert table["B"]["response_rate"] == 0.0
    assert table["B"]["resolution_rate"] is None
    assert table["B"]["satisfaction_rate"] is None


def test_a_limit_on_the_category_changes_who_was_on_time(world: Any) -> None:
    from jixiao.hotline.services.figures import do_set_sla_rule, rates

    do_set_sla_rule(world.noise, "紧急", 3, actor=world.personas["admin"])
    table = {r["unit"]: r for r in rates(*MARCH).iter_rows(named=True)}
    assert table["B"]["responded_on_time"] == 1
    assert table["B"]["response_rate"] == 100.0
    assert table["A"]["response_rate"] == 50.0  # A's 紧急 ticket has no category: the default 2 h


def test_figures_flow_into_the_cycle_with_their_counts_and_again_change_nothing(world: Any) -> None:
    from jixiao.audit.models import AuditEvent
    from jixiao.collection.models import Value
    from jixiao.hotline.models import Figure
    from jixiao.hotline.services.figures import do_compute_hotline_figures, do_set_feed

    admin = world.personas["admin"]
    do_set_feed(world.open, "RESP", "response_rate", *MARCH, actor=admin)
    before_a1 = Value.objects.get(subject__cycle=world.open, subject__code="A1", indicator="RESP")
    counts = do_compute_hotline_figures(world.open, actor=admin)
    assert counts == {"figures": 2, "written": 2, "unchanged": 0, "locked": 0}
    a = Value.objects.get(subject__cycle=world.open, subject__code="A", indicator="RESP")
    assert (a.value, a.source) == (50.0, "complaints")
    assert "4" in a.note
    assert "2" in a.note
    assert "2026-03-01" in a.note
    assert Value.objects.get(subject__cycle=world.open, subject__code="B", indicator="RESP").value == 0.0
    a1 = Value.objects.get(subject__cycle=world.open, subject__code="A1", indicator="RESP")
    assert (a1.value, a1.version) == (before_a1.value, before_a1.version)  # no ticket: its value is left alone
    assert Figure.objects.get(subject__code="A", cycle=world.open).closed == 3
    events = AuditEvent.objects.count()
    versions = a.version
    assert do_compute_hotline_figures(world.open, actor=admin) == {"figures": 2, "written": 0, "unchanged": 2,
                                                                   "locked": 0}
    a.refresh_from_db()
    assert a.version == versions
    assert AuditEvent.objects.count() == events + 1  # the computation's own event only


def test_only_the_office_feeds_and_computes(world: Any) -> None:
    from jixiao.core.errors import PermissionDeniedError
    from jixiao.hotline.errors import HotlineInputError
    from jixiao.hotline.models import Feed
    from jixiao.hotline.services.figures import do_compute_hotline_figures, do_set_feed

    with pytest.raises(PermissionDeniedError):
        do_set_feed(world.open, "RESP", "response_rate", *MARCH, actor=world.personas["operator_a"])
    with pytest.raises(PermissionDeniedError):
        do_compute_hotline_figures(world.open, actor=world.personas["auditor"])
    with pytest.raises(HotlineInputError, match="NOPE"):
        do_set_feed(world.open, "NOPE", "response_rate", *MARCH, actor=world.personas["admin"])
    with pytest.raises(HotlineInputError):
        do_set_feed(world.open, "RESP", "response_rate", MARCH[1], MARCH[0], actor=world.personas["admin"])
    assert not Feed.objects.exists()


def test_a_unit_sees_its_own_tickets_and_figures_only(world: Any) -> None:
    from jixiao.hotline.models import Ticket

    assert set(Ticket.objects.restrict(world.personas["operator_a"]).values_list("number", flat=True)) == {
        "T1", "T2", "T3", "T4", "T7"}
    assert set(Ticket.objects.restrict(world.personas["operator_b"]).values_list("number", flat=True)) == {"T5"}
    assert not Ticket.objects.restrict(world.personas["rater"]).exists()
    assert not Ticket.objects.restrict(world.personas["public"]).exists()
    assert Ticket.objects.restrict(world.personas["auditor"]).count() == 7


def test_submitted_data_are_left_alone_and_said(world: Any) -> None:
    from jixiao.approval.services import do_submit_values
    from jixiao.collection.models import Value
    from jixiao.cycles.models import Subject
    from jixiao.hotline.models import Figure
    from jixiao.hotline.services.figures import do_compute_hotline_figures, do_set_feed

    # EXEC is the unit's own item (imported), unlike RESP (the hotline's: the office's item even when locked).
    admin = world.personas["admin"]
    do_set_feed(world.open, "EXEC", "response_rate", *MARCH, actor=admin)
    do_submit_values(Subject.objects.get(cycle=world.open, code="B"), actor=None)
    before = Value.objects.get(subject__cycle=world.open, subject__code="B", indicator="EXEC")
    counts = do_compute_hotline_figures(world.open, actor=admin)
    assert counts == {"figures": 2, "written": 1, "unchanged": 0, "locked": 1}
    after = Value.objects.get(subject__cycle=world.open, subject__code="B", indicator="EXEC")
    assert (after.value, after.version) == (before.value, before.version)
    assert Figure.objects.get(subject__code="B", cycle=world.open).received == 1
