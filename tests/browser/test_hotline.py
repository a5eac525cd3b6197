"""The hotline's pages in a browser: the office's hot spots (the heat map over the unit tree and the monthly trend
drawn, a weight proposal on the page) at desktop width, and a unit operator's own figures on a 390 px phone,
which never scrolls sideways."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _tickets(world: Any) -> None:
    """Two years of a few tickets of A and B: 2026's resolution worse than 2025's."""
    from jixiao.hotline.models import Category, Ticket
    from jixiao.hotline.partitions import ensure_partitions

    top = Category.objects.create(code="01", name="市容环境", level=1, path="市容环境")
    rows = []
    for year, unsolved in ((2025, 1), (2026, 3)):
        ensure_partitions([date(year, m, 1) for m in range(1, 13)])
        for k in range(24):
            at = timezone.make_aware(datetime(year, k % 11 + 1, 3, 9))
            rows.append(Ticket(number=f"B{year}{k:03}", received_at=at, unit=world.unit_a if k % 3 else world.unit_b,
                               category=top, responded_at=at + timedelta(hours=1 + k % 30), updated_at=at,
                               resolution="未解决" if k % 8 < unsolved else "已解决",
                               satisfaction="满意" if k % 2 else "不满意", address=f"幸福里{k % 4}号楼"))
    Ticket.objects.bulk_create(rows)


def test_hot_spots_and_a_units_figures(world: Any, browser: Any, sign_in: Any, live_server: Any,
                                       shoot: Any) -> None:
    from jixiao.hotline.services.figures import do_compute_hotline_figures, do_set_feed
    from jixiao.hotline.services.proposals import do_propose_weights

    _tickets(world)
    office = world.personas["admin"]
    do_set_feed(world.open, "RESP", "response_rate", date(2026, 1, 1), date(2026, 12, 31), actor=office)
    do_set_feed(world.open, "EXEC", "resolution_rate", date(2026, 1, 1), date(2026, 12, 31), actor=office)
    do_compute_hotline_figures(world.open, actor=office)
    do_propose_weights(world.open, 2026, actor=office, until=date(2026, 12, 31))

    page = sign_in(browser, "office")
    response = page.goto(f"{live_server.url}/app/hotline/?year=2026")
    assert response is not None
    assert response.status == 200
    shoot(page, "hotline-hotspots")
    assert page.locator("#heat .main-svg").count() > 0  # plotly drew the heat map
    labels = page.locator("#heat .ytick text").all_text_contents()
    assert any("市场监管局" in label for label in labels)
    assert page.locator("#proposals").get_by_text("采纳为方案新版本").count() == 1
    page.context.close()

    phone = sign_in(browser, "op-a", width=390)
    response = phone.goto(f"{live_server.url}/app/hotline/units/A/")
    assert response is not None
    assert response.status == 200
    assert phone.locator("#figures").get_by_text("响应率").count() >= 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391
    shoot(phone, "hotline-unit-phone")
    assert phone.goto(f"{live_server.url}/app/hotline/units/B/").status == 404
    phone.context.close()
