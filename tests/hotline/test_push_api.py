"""The push API: a hotline system's key (and nothing else) opens it; a batch is checked like a file, all or
nothing, and pushing it twice changes nothing the second time."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from jixiao.audit.models import AuditEvent
from jixiao.hotline.choices import HotlineAction
from jixiao.hotline.models import SourceSystem, Ticket, TicketBatch
from jixiao.hotline.services.systems import do_register_system, do_replace_system_key, do_withdraw_system

URL = "/api/hotline/tickets"
BODY = {"batch": "B-20250301-01", "tickets": [
    {"id": "P1", "received_at": "2025-03-01T08:00:00", "text": "占道经营", "category": "010101", "unit": "A",
     "urgency": "urgent", "channel": "电话"},
    {"id": "P2", "received_at": "2025-03-01T01:30:00+00:00", "text": "路灯不亮", "unit": "城市管理局",
     "category": "不存在的分类", "transfers": 2},
    {"id": "P3", "received_at": "2025-03-02 10:00", "unit": "某街道", "satisfaction": "satisfied",
     "closed_at": "2025-03-03T10:00:00+08:00", "resolution": "solved"},
]}


@pytest.fixture
def system(hotline_world: Any) -> tuple[SourceSystem, str]:
    return do_register_system("市12345平台", actor=hotline_world.personas["admin"])


def push(key: str | None, body: Any = BODY, client: Client | None = None) -> Any:
    headers = {"HTTP_X_API_KEY": key} if key is not None else {}
    return (client or Client(HTTP_ACCEPT_LANGUAGE="en")).post(URL, json.dumps(body),
                                                              content_type="application/json", **headers)


def test_a_push_with_the_systems_key_stores_the_tickets_and_answers_the_counts(system: Any) -> None:
    sys_, key = system
    r = push(key)
    assert r.status_code == 200, r.content
    assert r.json() == {"batch": "B-20250301-01", "received": 3, "created": 3, "updated": 0, "unchanged": 0,
                        "unmatched_units": 1, "unmatched_categories": 1}
    shanghai = ZoneInfo("Asia/Shanghai")
    p1, p2, p3 = (Ticket.objects.get(number=n) for n in ("P1", "P2", "P3"))
    assert p1.urgency == "紧急"
    assert p1.unit is not None
    assert p1.unit.code == "A"
    assert p2.received_at == datetime(2025, 3, 1, 9, 30, tzinfo=shanghai)  # 01:30 UTC
    assert p2.transfers == 2
    assert (p3.satisfaction, p3.resolution) == ("满意", "已解决")
    assert p3.closed_at == datetime(2025, 3, 3, 10, 0, tzinfo=shanghai)
    batch = TicketBatch.objects.get()
    assert batch.system == sys_
    event = AuditEvent.objects.filter(action=HotlineAction.PUSH).get()
    assert event.after["system"] == "市12345平台"
    assert event.after["created"] == 3
    sys_.refresh_from_db()
    assert sys_.last_used_at == batch.created_at


def test_the_same_batch_twice_is_all_unchanged_and_a_later_state_updates(system: Any) -> None:
    _s, key = system
    assert push(key).json()["created"] == 3
    again = push(key).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    later = {"tickets": [dict(BODY["tickets"][0], closed_at="2025-03-01T12:00:00", satisfaction="基本满意")]}
    answer = push(key, later).json()
    assert (answer["updated"], answer["unchanged"]) == (1, 0)
    assert Ticket.objects.get(number="P1").satisfaction == "基本满意"
    assert Ticket.objects.count() == 3


@pytest.mark.parametrize("how", ["none", "wrong", "withdrawn", "replaced"])
def test_without_a_valid_key_of_an_active_system_it_is_401(hotline_world: Any, system: Any, how: str) -> None:
    sys_, key = system
    admin = hotline_world.personas["admin"]
    if how == "withdrawn":
        do_withdraw_system(sys_, actor=admin)
    if how == "replaced":
        _s, new = do_replace_system_key(sys_, actor=admin)
        assert push(new).status_code == 200
    sent = {"none": None, "wrong": key[:-2] + "xx"}.get(how, key)
    r = push(sent)
    assert r.status_code == 401
    assert r.json()["code"] == "hotline_key"
    assert not Ticket.objects.filter(number="P3").exists() or how == "replaced"


def test_a_signed_in_session_without_a_key_is_refused(hotline_world: Any, system: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(hotline_world.personas["admin"])
    r = push(None, client=client)
    assert r.status_code == 401
    assert r.json()["code"] == "hotline_key"
    assert not Ticket.objects.exists()


def test_the_push_needs_no_csrf_token(system: Any) -> None:
    _s, key = system
    assert push(key, client=Client(enforce_csrf_checks=True)).status_code == 200


def test_a_bad_field_is_422_naming_it(system: Any) -> None:
    _s, key = system
    body = {"tickets": [*BODY["tickets"], {"id": "P4", "received_at": "yesterday"}]}
    r = push(key, body)
    assert r.status_code == 422
    assert "tickets.3.received_at" in r.json()["message"]
    assert not Ticket.objects.exists()


def test_a_checked_problem_is_422_naming_the_ticket_and_field_and_nothing_is_stored(system: Any) -> None:
    _s, key = system
    body = {"tickets": [*BODY["tickets"], {"id": "P4", "received_at": "2025-03-02T10:00:00",
                                           "satisfaction": "还行"}]}
    r = push(key, body)
    assert r.status_code == 422, r.content
    assert "tickets[3].satisfaction" in r.json()["message"]
    assert r.json()["details"]["errors"][0]["loc"] == ["body", "tickets", 3, "satisfaction"]
    assert not Ticket.objects.exists()
    assert not AuditEvent.objects.filter(action=HotlineAction.PUSH).exists()


def test_a_received_time_changed_for_a_stored_number_is_refused(system: Any) -> None:
    _s, key = system
    push(key)
    moved = {"tickets": [dict(BODY["tickets"][0], received_at="2025-03-01T08:05:00")]}
    r = push(key, moved)
    assert r.status_code == 422
    assert "tickets[0].received_at" in r.json()["message"]


def test_more_than_5000_tickets_are_refused(system: Any) -> None:
    _s, key = system
    many = {"tickets": [{"id": f"M{k}", "received_at": "2025-03-01T08:00:00"} for k in range(5001)]}
    r = push(key, many)
    assert r.status_code == 422
    assert not Ticket.objects.exists()


def test_signed_in_users_list_the_tickets_they_may_see(hotline_world: Any, system: Any) -> None:
    _s, key = system
    push(key)
    got = hotline_world.client("operator_a").get(URL).json()
    assert [t["number"] for t in got] == ["P1"]
    assert {t["number"] for t in hotline_world.client("admin").get(URL + "?limit=10").json()} == {"P1", "P2", "P3"}
    assert hotline_world.client("admin").get(URL + "?unit=B").json()[0]["number"] == "P2"
    assert hotline_world.client("rater").get(URL).json() == []
    assert Client().get(URL).status_code == 401


def test_a_nul_character_in_a_text_is_refused_as_bad_text_not_a_server_error(system: Any) -> None:
    _s, key = system
    r = push(key, {"tickets": [{"id": "N1", "received_at": "2025-03-01T08:00:00", "text": "路灯\u0000不亮"}]})
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "bad_text"
    assert not Ticket.objects.exists()
