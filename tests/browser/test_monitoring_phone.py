"""Monitoring's pages on a 390 px phone: the office's overview and warnings, a unit's months and its entry form;
the page never scrolls sideways (the tables scroll inside their box)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_monitoring_pages_fit_a_phone(world: Any, browser: Any, sign_in: Any, live_server: Any, shoot: Any) -> None:
    from jixiao.collection.services import do_set_target
    from jixiao.monitoring.services import do_set_period_value, run_monitoring

    subject = world.subject(world.open, world.unit_a)
    do_set_target(subject, "EXEC", actor=None, target=120)
    do_set_period_value(subject, "EXEC", 3, 23, actor=None)
    run_monitoring(world.open)
    pages = {"office": ["/app/monitoring/2026/", "/app/monitoring/2026/warnings/"],
             "op-a": ["/app/monitoring/2026/warnings/", "/app/monitoring/2026/A/?indicator=EXEC&month=3"]}
    for username, urls in pages.items():
        phone = sign_in(browser, username, width=390)
        for url in urls:
            response = phone.goto(live_server.url + url)
            assert response is not None
            assert response.status == 200, (username, url)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 390 + 1, (username, url, width)
        shoot(phone, f"monitoring-{username}-phone")
        phone.context.close()
