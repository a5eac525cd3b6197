"""The inbox page and API: the user's notices, unread first, with the kind, the text, the local time and the
link; marking one or all read; the unread count in the navigation of every page."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from jixiao.audit.models import AuditEvent
from jixiao.inbox.models import Notice


def test_the_list_shows_the_users_notices_unread_first_then_newest(world: Any, send_notice: Any,
                                                                    client_as: Any) -> None:
    first, = send_notice(world, "operator_a", kind="publicity", title="第一条：公示开始", body="公示七天。",
                         link="/app/cycles/", cycle=world.open)
    second, = send_notice(world, "operator_a", kind="appeal", title="第二条：申诉")
    third, = send_notice(world, "operator_a", kind="result", title="第三条：结果")
    Notice.objects.filter(pk=first.pk).update(created_at=datetime(2026, 3, 1, 1, 30, tzinfo=UTC))
    Notice.objects.filter(pk=third.pk).update(read_at=datetime(2026, 3, 2, tzinfo=UTC))
    r = client_as(world, "operator_a").get("/app/inbox/")
    assert r.status_code == 200
    html = r.content.decode()
    order = [int(pk) for pk in re.findall(r'id="notice-(\d+)"', html)]
    assert order == [second.pk, first.pk, third.pk]
    assert "公示开始" in html  # the kind's badge, in Chinese
    assert "公示七天。" in html
    assert "2026-03-01 09:30" in html  # the local time (Asia/Shanghai)
    assert '<a href="/app/cycles/">查看</a>' in html
    assert world.open.name in html
    assert "全部标为已读" in html


def test_the_list_can_show_the_unread_only_and_pages(world: Any, send_notice: Any, client_as: Any) -> None:
    for k in range(30):
        send_notice(world, "operator_a", title=f"通知{k:02d}")
    Notice.objects.filter(title="通知00").update(read_at=datetime(2026, 3, 2, tzinfo=UTC))
    client = client_as(world, "operator_a")
    page1 = client.get("/app/inbox/").content.decode()
    assert len(re.findall(r'id="notice-\d+"', page1)) == 25
    page2 = client.get("/app/inbox/?page=2").content.decode()
    assert len(re.findall(r'id="notice-\d+"', page2)) == 5
    assert "通知00" in page2  # the one read comes last
    unread = client.get("/app/inbox/?unread=1&page=2").content.decode()
    assert len(re.findall(r'id="notice-\d+"', unread)) == 4
    assert "通知00" not in unread


def test_marking_one_read_on_the_page(world: Any, send_notice: Any, client_as: Any) -> None:
    notice, = send_notice(world, "operator_a")
    client = client_as(world, "operator_a")
    r = client.post(f"/app/inbox/{notice.pk}/read/", {"page": "1", "unread": "1"})
    assert r.status_code == 302
    assert r["Location"] == "/app/inbox/?page=1&unread=1"
    assert Notice.objects.get(pk=notice.pk).read_at is not None
    assert AuditEvent.objects.filter(action="notice.read", actor=world.personas["operator_a"]).count() == 1
    assert "已标为已读" in client.get(r["Location"]).content.decode()


def test_marking_all_read_on_the_page(world: Any, send_notice: Any, client_as: Any) -> None:
    send_notice(world, "operator_a", "leader")
    send_notice(world, "operator_a")
    client = client_as(world, "operator_a")
    r = client.post("/app/inbox/read-all/", follow=True)
    assert r.status_code == 200
    assert "2 条通知已标为已读" in r.content.decode()
    assert not Notice.objects.filter(recipient=world.personas["operator_a"], read_at__isnull=True).exists()
    assert Notice.objects.filter(recipient=world.personas["leader"], read_at__isnull=True).count() == 1


def test_the_list_page_takes_a_fixed_number_of_queries(world: Any, send_notice: Any, client_as: Any,
                                                       django_assert_max_num_queries: Any) -> None:
    for _k in range(20):
        send_notice(world, "operator_a", cycle=world.open)
    client = client_as(world, "operator_a")
    with django_assert_max_num_queries(6):  # session, user, count, page, unread (page and navigation)
        assert client.get("/app/inbox/").status_code == 200


def test_the_navigation_shows_the_inbox_with_the_unread_count_to_every_signed_in_role(
    world: Any, send_notice: Any, client_as: Any
) -> None:
    send_notice(world, "operator_a")
    send_notice(world, "operator_a")
    for persona in ("admin", "operator_a", "operator_b", "leader", "rater", "auditor"):
        html = client_as(world, persona).get("/app/").content.decode()
        assert 'href="/app/inbox/"' in html, persona
        assert "收件箱" in html, persona
        count = re.search(r'id="nav-unread"[^>]*>(\d+)<', html)
        assert (count.group(1) if count else None) == ("2" if persona == "operator_a" else None), persona
    assert "收件箱" not in client_as(world, "public").get("/").content.decode()


def test_the_api_lists_the_callers_notices_and_marks_them_read(world: Any, send_notice: Any,
                                                               client_as: Any) -> None:
    first, = send_notice(world, "operator_a", kind="hearing", title="听证", link="/app/inbox/", cycle=world.open)
    second, = send_notice(world, "operator_a", kind="deadline", title="截止")
    client = client_as(world, "operator_a")
    listed = client.get("/api/inbox/").json()
    assert [n["id"] for n in listed] == [second.pk, first.pk]
    assert listed[1] | {"created_at": None} == {"id": first.pk, "kind": "hearing", "title": "听证", "body": "",
                                                "link": "/app/inbox/", "cycle": world.open.code,
                                                "created_at": None, "read_at": None}
    r = client.post(f"/api/inbox/{first.pk}/read")
    assert r.status_code == 200
    assert r.json()["read_at"] is not None
    assert [n["id"] for n in client.get("/api/inbox/?unread=true").json()] == [second.pk]
    assert client.post("/api/inbox/read-all").json() == {"read": 1}
    assert client.get("/api/inbox/?unread=true").json() == []
