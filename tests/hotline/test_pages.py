"""The hotline pages as people use them: who sees which page, what they show (in Chinese), and forms that refuse
bad input by field and keep what was typed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from . import test_figures as shared

MARCH = shared.MARCH
world = shared.world  # the hand-worked tickets' world


def client(world: Any, persona: str) -> Client:
    c = Client()
    if persona != "public":
        c.force_login(world.personas[persona])
    return c


@pytest.mark.parametrize(("persona", "status"), [("admin", 200), ("auditor", 200), ("operator_a", 404),
                                                 ("rater", 404), ("public", 302)])
def test_the_hot_spot_page_is_the_city_wide_view(world: Any, persona: str, status: int) -> None:
    response = client(world, persona).get("/app/hotline/?year=2026")
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "热点" in body
        assert "按单位和月份统计的未解决工单" in body


def test_a_unit_sees_its_own_figures_and_tickets_only(world: Any) -> None:
    from jixiao.hotline.services.figures import do_compute_hotline_figures, do_set_feed

    admin = world.personas["admin"]
    do_set_feed(world.open, "RESP", "response_rate", *MARCH, actor=admin)
    do_compute_hotline_figures(world.open, actor=admin)
    op = client(world, "operator_a")
    page = op.get("/app/hotline/units/A/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "50.00%" in body
    assert "4 件工单中 2 件在时限内响应" in body
    assert op.get("/app/hotline/units/B/").status_code == 404
    listing = op.get("/app/hotline/tickets/").content.decode()
    # Ticket numbers as the list links them: a bare "T5" can turn up inside a CSRF token.
    assert 'href="/app/hotline/tickets/T1/"' in listing
    assert 'href="/app/hotline/tickets/T5/"' not in listing
    assert op.get("/app/hotline/tickets/T5/").status_code == 404
    assert op.get("/app/hotline/units/").status_code == 200


def test_the_ticket_list_filters_and_refuses_a_bad_month(world: Any) -> None:
    admin = client(world, "admin")
    body = admin.get("/app/hotline/tickets/?month=2026-04").content.decode()
    assert 'href="/app/hotline/tickets/T7/"' in body
    assert 'href="/app/hotline/tickets/T1/"' not in body
    bad = admin.get("/app/hotline/tickets/?month=2026-4x").content.decode()
    assert "请按 2026-03 的格式填写月份" in bad
    export = admin.get("/app/hotline/tickets/?state=unrouted&export=tickets")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_settings_refuse_bad_input_by_field_and_change_nothing(world: Any) -> None:
    from jixiao.hotline.models import Feed, SlaRule

    admin = client(world, "admin")
    assert admin.get("/app/hotline/settings/").status_code == 200
    response = admin.post("/app/hotline/settings/sla/", {"category": "", "urgency": "紧急", "hours": "-1"})
    assert response.status_code == 422
    assert "-1" in response.content.decode()  # what was typed is kept
    assert not SlaRule.objects.exists()
    response = admin.post(f"/app/hotline/settings/feed/{world.open.pk}/", {
        f"c{world.open.pk}-indicator": "RESP", f"c{world.open.pk}-measure": "response_rate",
        f"c{world.open.pk}-start": "2026-03-31", f"c{world.open.pk}-end": "2026-03-01"})
    assert response.status_code == 422
    assert "结束早于开始" in response.content.decode()
    assert not Feed.objects.exists()
    ok = admin.post("/app/hotline/settings/sla/", {"category": "", "urgency": "紧急", "hours": "1.5"})
    assert ok.status_code == 302
    assert SlaRule.objects.get().hours == 1.5
    assert client(world, "auditor").post("/app/hotline/settings/sla/", {"urgency": "紧急",
                                                                       "hours": "3"}).status_code == 404


def test_a_person_sets_a_category_from_the_review_queue(world: Any) -> None:
    from jixiao.hotline.models import Ticket

    t = Ticket.objects.get(number="T1")
    Ticket.objects.filter(pk=t.pk).update(needs_review=True, proposed=world.noise, confidence=0.41)
    admin = client(world, "admin")
    page = admin.get("/app/hotline/review/").content.decode()
    assert 'href="/app/hotline/tickets/T1/"' in page
    assert "0.41" in page
    response = admin.post(f"/app/hotline/ticket/{t.pk}/category/", {"category": str(world.noise.pk),
                                                                     "next": "/app/hotline/review/"})
    assert response.status_code == 302
    assert response["Location"] == "/app/hotline/review/"
    t.refresh_from_db()
    assert (t.category_id, t.category_by, t.needs_review) == (world.noise.pk, "person", False)
    other = client(world, "operator_a").post(f"/app/hotline/ticket/{t.pk}/category/", {"category": "1"})
    assert other.status_code == 404


def test_hot_spots_use_the_engine_on_the_year(world: Any) -> None:
    from jixiao.hotline.services.hotspots import page_data

    data = page_data(2026, date(2026, 11, 30))
    assert data["tickets"] == 7  # T1..T7, with the ticket without a unit
    rows = {r["code"]: r for r in data["heat"]["rows"]}
    assert rows["A"]["tickets"][2] == 4
    assert rows["A"]["unresolved"][2] == 2
    assert rows["B"]["unresolved"][2] == 1
