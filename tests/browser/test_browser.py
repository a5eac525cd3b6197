"""The web interface in a real browser: every role signs in and opens its pages; an operator enters data
and the office sees the score change after recomputing; an operator cannot reach another unit by URL or by
a forged form; the public cannot see an unpublished cycle. Screenshots go to tests/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest

from jixiao.collection.models import Value
from jixiao.evidence.models import Evidence

# serialized_rollback: the audit chain head is a row made by a migration; a transactional test restores it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROLE_PAGES = {
    "office": ["/app/", "/app/cycles/", "/app/cycles/2026/", "/app/cycles/2026/results/",
               "/app/cycles/2026/units/A/", "/app/cycles/2026/indicators/", "/app/cycles/2026/indicators/RESP/",
               "/app/entry/", "/app/cycles/2026/entry/B/"],
    "op-a": ["/app/", "/app/cycles/", "/app/cycles/2025/", "/app/cycles/2026/units/A/", "/app/entry/",
             "/app/cycles/2026/entry/A/", "/app/cycles/2026/entry/A/received/"],
    "leader-a": ["/app/", "/app/cycles/2025/", "/app/cycles/2026/units/A1/", "/app/cycles/2025/results/"],
    "rater": ["/app/", "/app/cycles/", "/app/cycles/2025/units/B/"],
    "auditor": ["/app/", "/app/cycles/2026/", "/app/cycles/2026/units/B/", "/app/cycles/2026/indicators/LEAD/"],
}


def test_every_role_signs_in_and_opens_its_pages(world: Any, browser: Any, sign_in: Any, live_server: Any,
                                                 shoot: Any) -> None:
    for username, urls in ROLE_PAGES.items():
        page = sign_in(browser, username)
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        for url in urls:
            response = page.goto(live_server.url + url)
            assert response is not None
            assert response.status == 200, (username, url)
            assert page.locator("header.top nav").count() == 1
        assert not errors, (username, errors)
        # Role-aware navigation: the back office is the office's, data entry is not the leader's.
        nav = page.locator("header.top nav").inner_text()
        assert ("后台" in nav) == (username == "office")
        assert ("数据填报" in nav) == (username in ("office", "op-a"))
        page.context.close()

    page = sign_in(browser, "office")
    page.goto(f"{live_server.url}/app/cycles/2026/")
    assert page.locator("div.chart").count() >= 3
    shoot(page, "overview-desktop")
    page.goto(f"{live_server.url}/app/cycles/2025/units/A/")
    page.wait_for_selector("pre.explain")
    shoot(page, "scorecard-desktop")
    page.goto(f"{live_server.url}/app/cycles/2026/indicators/RESP/")
    shoot(page, "indicator-desktop")
    page.context.close()
    phone = sign_in(browser, "office", width=390)
    for name, url in (("overview-phone", "/app/cycles/2026/"), ("scorecard-phone", "/app/cycles/2025/units/A/"),
                      ("ranking-phone", "/app/cycles/2026/results/")):
        phone.goto(live_server.url + url)
        shoot(phone, name)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, (url, width)  # tables scroll inside their box, not the page
    phone.context.close()


def test_an_operator_enters_data_and_the_office_sees_the_score_change(world: Any, browser: Any, sign_in: Any,
                                                                      live_server: Any, shoot: Any) -> None:
    office = sign_in(browser, "office")
    office.goto(f"{live_server.url}/app/cycles/2026/units/A/")
    before = float(office.locator("#total").inner_text())

    op = sign_in(browser, "op-a", width=390)
    op.goto(f"{live_server.url}/app/cycles/2026/entry/A/")
    # RESP comes from the 12345 hotline: the office's item, shown but not editable here.
    assert op.locator("input[name=v_RESP]").is_disabled()
    field = op.locator("input[name=v_ONSITE]")
    field.fill("abc")
    op.wait_for_selector("#check-ONSITE .check.error")
    field.fill("3")  # over 2 hours: the indicator earns nothing
    op.wait_for_selector("#check-ONSITE .check:not(.error)")
    assert "0.00" in op.locator("#check-ONSITE").inner_text()
    op.locator("#ind-ONSITE details.explain summary").click()
    op.fill("input[name=x_ONSITE]", "汛期道路中断，绕行到场")
    op.set_input_files("input[name=e_ONSITE]", files=[{"name": "proof.pdf", "mimeType": "application/pdf",
                                                         "buffer": b"%PDF-1.4 evidence"}])
    shoot(op, "entry-phone")
    op.click("button[value=submit]")
    op.wait_for_url("**/received/")
    assert "报送已接收" in op.content()
    shoot(op, "received-phone")
    stored = Value.objects.get(subject__cycle=world.open, subject__code="A", indicator="ONSITE")
    assert stored.value == 3
    assert Evidence.objects.get(value=stored).name == "proof.pdf"

    office.goto(f"{live_server.url}/app/cycles/2026/")
    office.click("#recompute")
    office.wait_for_selector(".msg.success")
    office.goto(f"{live_server.url}/app/cycles/2026/units/A/")
    after = float(office.locator("#total").inner_text())
    assert after < before


def test_an_operator_cannot_open_or_post_to_another_units_page(world: Any, browser: Any, sign_in: Any,
                                                               live_server: Any) -> None:
    op = sign_in(browser, "op-a")
    for url in ("/app/cycles/2026/entry/B/", "/app/cycles/2026/units/B/", "/app/cycles/2026/entry/B/received/"):
        response = op.goto(live_server.url + url)
        assert response is not None
        assert response.status == 404, url
    before = Value.objects.get(subject__cycle=world.open, subject__code="B", indicator="EXEC").value
    op.goto(f"{live_server.url}/app/cycles/2026/entry/A/")
    # A forged form: the operator's own page, with its valid CSRF token, re-pointed at unit B.
    op.evaluate("document.getElementById('entry-form').action = '/app/cycles/2026/entry/B/'")
    op.fill("input[name=v_EXEC]", "1")
    with op.expect_navigation() as nav:
        op.click("button[value=save]")
    assert nav.value is not None
    assert nav.value.status == 404
    assert Value.objects.get(subject__cycle=world.open, subject__code="B", indicator="EXEC").value == before


def test_the_public_sees_published_cycles_only(world: Any, browser: Any, sign_in: Any, live_server: Any,
                                               shoot: Any) -> None:
    page = sign_in(browser, "", width=390)
    page.goto(live_server.url + "/")
    assert "2025年度考核" in page.content()
    assert "2026年度考核" not in page.content()
    shoot(page, "portal-phone")
    page.click("text=2025年度考核")
    page.wait_for_selector("table[data-table=results]")
    shoot(page, "portal-cycle-phone")
    page.click("table[data-table=results] a >> nth=0")
    page.wait_for_selector("table[data-table=key]")
    for url in ("/public/2026/", "/public/2026/A/", "/app/cycles/2026/", "/public/2026/?export=results"):
        response = page.goto(live_server.url + url)
        assert response is not None
        assert response.status == 404 or "/app/login/" in page.url, url
    page.goto(live_server.url + "/")
    page.click("label.nav-button")  # at phone width the navigation folds behind a menu button
    page.click("button[name=language]")
    page.wait_for_selector("text=Published performance results")
