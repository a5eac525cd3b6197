"""Through the year in a browser: a unit enters a lagging month, the monitoring job warns it, the unit answers;
the rectification order the job proposed is issued by the office, acknowledged with a plan and submitted by the
unit, closed after the office's re-check; the public portal shows where it stands (and not the finding). The
office's monitoring page and the unit's warnings are shot at desktop and phone width."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _message(page: Any) -> str:
    return str(page.locator(".messages").inner_text())


def test_a_lagging_unit_is_warned_answers_and_its_order_is_closed_after_re_check(
        world: Any, browser: Any, sign_in: Any, live_server: Any, shoot: Any) -> None:
    from jixiao.collection.services import do_set_target
    from jixiao.monitoring.models import Order, Warning
    from jixiao.monitoring.services import run_monitoring

    do_set_target(world.subject(world.open, world.unit_a), "EXEC", actor=None, target=120)
    base = live_server.url + "/app/monitoring/2026"

    # The unit's operator enters March's budget execution to date: 23 against a plan of 30 (120 x 3 / 12).
    unit = sign_in(browser, "op-a")
    unit.goto(f"{base}/A/?indicator=EXEC&month=3")
    unit.fill("#period-value-form input[name=value]", "23")
    unit.click("#period-value-form button[type=submit], #period-value-form button")
    assert "数值已保存" in _message(unit)

    run_monitoring(world.open)  # what the scheduler does every hour
    lag = Warning.objects.get(subject__unit=world.unit_a, indicator="EXEC", kind="lag")
    assert lag.detail == "截至本期实际 23，计划 30，滞后 23%"

    # The unit sees its warning and answers it.
    unit.goto(f"{base}/warnings/?state=open&kind=lag")
    row = unit.locator("tr", has_text="滞后 23%")
    row.locator("textarea[name=answer]").fill("三月两笔专项资金未到位，4月中旬支付后追平。")
    row.locator("button").click()
    assert "回复已保存" in _message(unit)
    lag.refresh_from_db()
    assert lag.state == "answered"
    shoot(unit, "monitoring-unit-warnings-desktop")

    # The office issues the order the job proposed for the red quarter.
    order = Order.objects.get(subject__unit=world.unit_a, indicator="EXEC")
    assert order.state == "proposed"
    office = sign_in(browser, "office")
    office.goto(f"{base}/")
    shoot(office, "monitoring-office-desktop")
    office.goto(f"{base}/orders/")
    office.click(f"text={order.number}")
    office.fill("#issue-form textarea[name=requirement]", "30日内追平预算执行序时进度，按周报告。")
    office.click("#issue-form button.primary")
    assert "整改通知单已下达" in _message(office)

    # The unit acknowledges it with a plan, then submits the rectification for re-check.
    unit.goto(live_server.url + f"/app/monitoring/order/{order.pk}/")
    unit.fill("#acknowledge-form textarea[name=plan]", "一、4月15日前完成两笔支付；二、每周调度。")
    unit.click("#acknowledge-form button.primary")
    assert "已签收并报送整改方案" in _message(unit)
    unit.fill("#submit-form textarea[name=summary]", "两笔专项资金已支付，执行率达到序时进度。")
    unit.click("#submit-form button.primary")
    assert "整改情况已提交考核办复核" in _message(unit)

    # The office re-checks and closes it.
    office.goto(live_server.url + f"/app/monitoring/order/{order.pk}/")
    office.check("#recheck-form input[value=pass]")
    office.click("#recheck-form button.primary")
    assert "复核结果已记录" in _message(office)
    order.refresh_from_db()
    assert order.state == "closed"
    assert "复核通过，已销号" in office.locator("main").inner_text()

    # The public sees where it stands, not the finding.
    public = sign_in(browser, "")
    public.goto(live_server.url + "/public/2026/rectification/")
    text = public.locator("main").inner_text()
    assert order.number in text
    assert "复核通过，已销号" in text
    assert "计划 30" not in text  # the finding (滞后 23%) stays inside
    assert "4月15日前完成两笔支付" not in text  # and so does the plan
    shoot(public, "portal-rectification-desktop")

    # The same pages on a phone: nothing scrolls sideways.
    for username, url, name in (("office", f"{base}/", "monitoring-office-phone"),
                                ("op-a", f"{base}/warnings/", "monitoring-unit-warnings-phone"),
                                ("", "/public/2026/rectification/", "portal-rectification-phone")):
        phone = sign_in(browser, username, width=390)
        phone.goto(url if url.startswith("http") else live_server.url + url)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 391, url
        shoot(phone, name)
        phone.context.close()
