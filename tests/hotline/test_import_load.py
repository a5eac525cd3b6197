"""Loading tickets (the body shared by a file's import and a system's push), on the database of the run
(SQLite or PostgreSQL: the two upsert paths must agree)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from jixiao.audit.models import AuditEvent
from jixiao.core.errors import ImportRefusedError
from jixiao.hotline.choices import CategoryBy, HotlineAction
from jixiao.hotline.models import Category, Ticket, TicketBatch
from jixiao.hotline.partitions import existing_partitions
from jixiao.hotline.services.tickets import category_key, load_tickets

from .conftest import SAMPLE, frame, ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")


def load(world: Any, rows: Any, name: str = "export.csv") -> TicketBatch:
    return load_tickets(frame(*rows), actor=world.personas["admin"], name=name, sha256="ab" * 32, system=None,
                        progress=None, language="zh", action=HotlineAction.IMPORT)


def test_it_stores_the_tickets_with_units_and_categories_matched_and_unknown_ones_counted(hotline_world: Any) -> None:
    batch = load(hotline_world, SAMPLE)
    assert (batch.rows, batch.created, batch.updated, batch.unchanged) == (3, 3, 0, 0)
    assert (batch.unmatched_units, batch.unmatched_categories) == (1, 1)
    t1, t2, t3 = (Ticket.objects.get(number=n) for n in ("T0001", "T0002", "T0003"))
    assert t1.unit == hotline_world.unit_a
    assert t1.category is not None
    assert t1.category.code == "010101"
    assert t1.category_by == CategoryBy.FILE
    assert t1.received_at == datetime(2025, 1, 31, 23, 30, tzinfo=SHANGHAI)
    assert t1.responded_at == datetime(2025, 2, 1, 8, 10, tzinfo=SHANGHAI)
    assert t1.transfers == 1
    assert t2.unit == hotline_world.unit_b
    assert t2.category is not None
    assert t2.category.path == "交通出行/道路设施/路灯损坏"
    assert t2.urgency == "紧急"
    assert t3.unit is None
    assert t3.unit_text == "区环保所"
    assert t3.category is None
    assert t3.category_text == "生态环境/噪声污染"
    assert t3.category_by == ""
    assert t3.urgency == "一般"  # blank: the usual urgency
    assert t3.address == ""
    assert t3.closed_at is None
    assert t3.batch_id == batch.pk
    event = AuditEvent.objects.filter(action=HotlineAction.IMPORT).get()
    assert event.after["created"] == 3
    assert event.after["file"] == "export.csv"
    assert event.after["months"] == ["2025-01", "2025-02"]


def test_a_second_load_of_the_same_rows_changes_nothing(hotline_world: Any) -> None:
    load(hotline_world, SAMPLE)
    before = list(Ticket.objects.order_by("number").values_list("number", "updated_at", "batch_id"))
    again = load(hotline_world, SAMPLE)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert list(Ticket.objects.order_by("number").values_list("number", "updated_at", "batch_id")) == before


def test_a_later_export_updates_the_state_but_keeps_a_persons_category(hotline_world: Any) -> None:
    load(hotline_world, SAMPLE)
    ads = Category.objects.get(code="010102")
    Ticket.objects.filter(number="T0001").update(category=ads, category_by=CategoryBy.PERSON)
    later = [dict(r) for r in SAMPLE]
    later[0] = ticket("T0001", "2025-01-31 23:30", text="人行道上有流动摊贩占道", category="010101", unit="A",
                      urgency="一般", responded_at="2025-02-01 08:10", closed_at="2025-02-02 17:00",
                      resolution="已解决", satisfaction="满意", channel="电话", district="东城区",
                      street="东华门街道", transfers=1)
    batch = load(hotline_world, later)
    assert (batch.created, batch.updated, batch.unchanged) == (0, 1, 2)
    t1 = Ticket.objects.get(number="T0001")
    assert (t1.resolution, t1.satisfaction) == ("已解决", "满意")
    assert t1.closed_at == datetime(2025, 2, 2, 17, 0, tzinfo=SHANGHAI)
    assert (t1.category, t1.category_by) == (ads, CategoryBy.PERSON)
    assert t1.batch_id == batch.pk
    # Loaded once more: the person's category is not a difference.
    assert load(hotline_world, later).unchanged == 3


def test_the_classifiers_category_stays_when_the_file_has_none_but_the_files_wins_when_it_has_one(
    hotline_world: Any,
) -> None:
    load(hotline_world, SAMPLE)
    ads = Category.objects.get(code="010102")
    Ticket.objects.filter(number__in=["T0001", "T0003"]).update(category=ads, category_by=CategoryBy.MODEL,
                                                               confidence=0.8)
    batch = load(hotline_world, SAMPLE)
    assert (batch.updated, batch.unchanged) == (1, 2)
    t1, t3 = Ticket.objects.get(number="T0001"), Ticket.objects.get(number="T0003")
    assert (t1.category.code, t1.category_by, t1.confidence) == ("010101", CategoryBy.FILE, None)
    assert (t3.category, t3.category_by, t3.confidence) == (ads, CategoryBy.MODEL, 0.8)


def test_a_number_stored_with_another_received_time_is_refused_and_nothing_changes(hotline_world: Any) -> None:
    load(hotline_world, SAMPLE[:1])
    moved = ticket("T0001", "2025-01-31 23:45", text="同一工单", unit="A")
    with pytest.raises(ImportRefusedError) as caught:
        load(hotline_world, [SAMPLE[1], moved])
    assert caught.value.problems == [
        ("export.csv", 3, "受理时间", "Ticket T0001 was imported with the received time 2025-01-31 23:30:00, "
                                   "not this row's.")
    ] or caught.value.problems[0][:3] == ("export.csv", 3, "受理时间")
    assert "2025-01-31 23:30:00" in caught.value.problems[0][3]
    assert list(Ticket.objects.values_list("number", flat=True)) == ["T0001"]
    assert TicketBatch.objects.count() == 1
    assert AuditEvent.objects.filter(action=HotlineAction.IMPORT).count() == 1


def test_bad_rows_are_named_by_row_and_column(hotline_world: Any) -> None:
    rows = [ticket("T1", "2025-03-01 08:00", satisfaction="还行"), ticket("", "2025-03-01 09:00"),
            ticket("T1", "2025-03-01 08:00"), ticket("T4", "2025-03-01 08:00", channel="电" * 40)]
    with pytest.raises(ImportRefusedError) as caught:
        load(hotline_world, rows)
    where = sorted(p[1:3] for p in caught.value.problems)
    assert where == [(2, "满意度"), (3, "工单编号"), (4, "工单编号"), (5, "来源渠道")]
    assert not Ticket.objects.exists()


PATHS = ["市容环境/市容秩序/占道经营", "市容环境-市容秩序-占道经营", "市容环境 > 市容秩序 > 占道经营",
         "市容环境／市容秩序／占道经营", "占道经营", "010101"]


@pytest.mark.parametrize("text", PATHS)
def test_a_category_is_found_by_code_path_with_any_separator_or_a_unique_leaf_name(
    hotline_world: Any, text: str
) -> None:
    load(hotline_world, [ticket("C1", "2025-03-01 08:00", category=text)])
    assert Ticket.objects.get().category == Category.objects.get(code="010101")
    assert category_key(" 市容环境 ＞市容秩序 ") == "市容环境/市容秩序"


def test_a_unit_is_found_by_code_or_exact_name(hotline_world: Any) -> None:
    load(hotline_world, [ticket("U1", "2025-03-01 08:00", unit="A1"),
                         ticket("U2", "2025-03-01 08:00", unit="市场监管局东城所"),
                         ticket("U3", "2025-03-01 08:00", unit="市场监管局东城")])
    got = dict(Ticket.objects.values_list("number", "unit__code"))
    assert got == {"U1": "A1", "U2": "A1", "U3": None}


def test_the_months_partitions_are_created_on_postgresql(hotline_world: Any) -> None:
    load(hotline_world, SAMPLE)
    if connection.vendor != "postgresql":
        pytest.skip("month partitions exist on PostgreSQL only")
    assert {"hotline_ticket_202501", "hotline_ticket_202502"} <= existing_partitions()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM hotline_ticket_default")
        assert cursor.fetchone()[0] == 0


def test_a_month_already_in_the_default_partition_stays_there(hotline_world: Any) -> None:
    """Rows written around the services land in the default partition; a later import of that month still works
    (the month is not split off, which PostgreSQL would refuse)."""
    from django.db import connection
    from django.utils import timezone

    from jixiao.hotline.models import Ticket
    from jixiao.hotline.partitions import ensure_partitions

    when = timezone.make_aware(datetime(2024, 7, 3, 9))
    Ticket.objects.create(number="OLD-1", received_at=when, updated_at=when)
    made = ensure_partitions([when.date()])
    assert made == []
    if connection.vendor == "postgresql":
        assert "hotline_ticket_202407" not in existing_partitions()
    Ticket.objects.create(number="OLD-2", received_at=when, updated_at=when)
    assert Ticket.objects.filter(number__startswith="OLD-").count() == 2
