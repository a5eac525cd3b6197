"""The pages of rectification orders (整改通知单) and escalation (四阶警示), their API, and the portal's
rectification progress (整改进展): unit A's red March (``lagging``) proposes an order and climbs stage 1; the office
issues the order and re-checks it, the unit's operator acknowledges, reports with a file and submits, all through
the forms; another unit's operator sees none of it; the public sees the issued order's state and nothing of its
finding."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from jixiao.audit.models import AuditEvent
from jixiao.monitoring.models import Escalation, EscalationStep, Order, OrderLog

from .conftest import client_for, lagging

PDF = b"%PDF-1.4\n% progress of the rectification\n"


def english(world: Any, persona: str) -> Client:
    """A persona's client reading the pages in English (the msgids: whatever the catalogue says in Chinese)."""
    client = client_for(world, persona)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def proposed(world: Any) -> Order:
    """The order the job proposes for unit A's red March."""
    lagging(world, 23)
    order: Order = Order.objects.get()
    assert order.state == "proposed"
    return order


def fetch(client: Client, url: str) -> tuple[int, bytes]:
    """A download's status and bytes. Reading a streamed body to its end closes its file (an unclosed file is a
    warning, and warnings are errors); closing the response again would also close the test's database
    connection (the request-finished signal), which PostgreSQL's test run does not survive."""
    r = client.get(url)
    return r.status_code, b"".join(r.streaming_content) if r.streaming else r.content


def page(client: Client, order: Order) -> str:
    r = client.get(f"/app/monitoring/order/{order.pk}/")
    assert r.status_code == 200
    return r.content.decode()


def post(client: Client, order: Order, step: str, data: dict[str, Any]) -> str:
    """A step's form posted, followed back to the order's page (with the messages)."""
    r = client.post(f"/app/monitoring/order/{order.pk}/{step}/", data, follow=True)
    assert r.redirect_chain == [(f"/app/monitoring/order/{order.pk}/", 302)]
    return r.content.decode()


def refused(client: Client, order: Order, step: str, data: dict[str, Any]) -> str:
    """A step's form posted and refused: the order's page again (422), with the message and what was typed."""
    r = client.post(f"/app/monitoring/order/{order.pk}/{step}/", data)
    assert r.status_code == 422
    return r.content.decode()


def test_the_order_goes_from_proposed_to_closed_through_its_forms(world: Any) -> None:
    order = proposed(world)
    office, unit = english(world, "admin"), english(world, "operator_a")
    html = page(office, order)
    assert 'id="issue-form"' in html
    assert 'id="dismiss-form"' in html
    assert order.finding in html
    assert "acknowledge-form" not in html
    assert "issue-form" not in page(unit, order)

    html = post(office, order, "issue", {"requirement": "一个月内追平进度", "due": "", "public": "on"})
    assert "The order is issued" in html
    order.refresh_from_db()
    assert (order.state, order.requirement, order.public) == ("issued", "一个月内追平进度", True)
    assert order.due is not None
    assert (order.due - timezone.now()).days in (29, 30)  # the cycle's default: 30 days to rectify
    assert "acknowledge-form" not in page(office, order)  # the unit's step

    html = page(unit, order)
    assert 'id="acknowledge-form"' in html
    post(unit, order, "acknowledge", {"plan": "加快支付进度，每周调度"})
    order.refresh_from_db()
    assert (order.state, order.plan) == ("acknowledged", "加快支付进度，每周调度")

    html = page(unit, order)
    assert 'id="report-form"' in html
    assert 'id="submit-form"' in html
    post(unit, order, "report", {"progress": "已支付 40%", "evidence": SimpleUploadedFile("进展.pdf", PDF)})
    entry = OrderLog.objects.get(order=order, kind="progress")
    assert (entry.text, entry.file_name) == ("已支付 40%", "进展.pdf")
    assert f'href="/app/monitoring/order-file/{entry.pk}/"' in page(unit, order)
    download = unit.get(f"/app/monitoring/order-file/{entry.pk}/")
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF
    assert fetch(unit, f"/app/monitoring/order-file/{entry.pk}/") == (200, PDF)

    post(unit, order, "submit", {"summary": "进度已追平"})
    order.refresh_from_db()
    assert order.state == "submitted"
    assert 'id="recheck-form"' in page(office, order)
    assert "recheck-form" not in page(unit, order)

    post(office, order, "recheck", {"result": "fail", "note": "佐证不足"})
    order.refresh_from_db()
    assert (order.state, order.fails) == ("acknowledged", 1)
    post(unit, order, "submit", {"summary": "补充了支付凭证", "evidence": SimpleUploadedFile("凭证.pdf", PDF)})
    post(office, order, "recheck", {"result": "pass", "note": ""})
    order.refresh_from_db()
    assert order.state == "closed"
    assert order.closed_at is not None
    assert list(OrderLog.objects.filter(order=order).values_list("kind", flat=True)) == [
        "issued", "acknowledged", "progress", "submitted", "failed", "submitted", "passed"]
    html = page(unit, order)
    assert not any(f'id="{step}-form"' in html for step in ("issue", "acknowledge", "report", "submit", "recheck"))


def test_a_refused_step_is_a_message_and_changes_nothing(world: Any) -> None:
    order = proposed(world)
    unit = english(world, "operator_a")
    html = refused(unit, order, "acknowledge", {"plan": "先签收"})
    assert "cannot acknowledge an order that is proposed" in html
    html = refused(english(world, "admin"), order, "recheck", {"result": "maybe", "note": ""})
    assert "re-check:" in html  # the form's error, with the field's label
    order.refresh_from_db()
    assert order.state == "proposed"
    assert not OrderLog.objects.exists()


def test_a_due_date_in_the_past_is_refused_with_a_message_and_changes_nothing(world: Any) -> None:
    order = proposed(world)
    office = english(world, "admin")
    events = AuditEvent.objects.count()
    html = refused(office, order, "issue", {"requirement": "追平进度，按周报告", "due": "2020-01-31", "public": "on"})
    assert "rectify by: today or a later date" in html
    assert ">追平进度，按周报告</textarea>" in html  # what the office typed is still there
    assert 'value="2020-01-31"' in html
    html = refused(office, order, "issue", {"requirement": "追平进度", "due": "2026-02-30"})
    assert "rectify by:" in html  # not a date at all: the form's refusal
    order.refresh_from_db()
    assert (order.state, order.requirement, order.due, order.issued_at) == ("proposed", "", None, None)
    assert not OrderLog.objects.exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("persona", ["operator_b", "rater"])
def test_another_units_operator_gets_404_on_the_order_and_its_file(world: Any, persona: str) -> None:
    from jixiao.monitoring.services import do_acknowledge_order, do_issue_order, do_report_order

    order = do_issue_order(proposed(world), actor=None, requirement="追平进度")
    do_acknowledge_order(order, actor=None, plan="加快支付")
    entry = do_report_order(order, actor=world.personas["operator_a"], progress="已支付",
                            evidence=SimpleUploadedFile("进展.pdf", PDF))
    other = client_for(world, persona)
    assert other.get(f"/app/monitoring/order/{order.pk}/").status_code == 404
    assert fetch(other, f"/app/monitoring/order-file/{entry.pk}/")[0] == 404
    assert other.post(f"/app/monitoring/order/{order.pk}/submit/", {"summary": "x"}).status_code == 404
    assert Order.objects.get().state == "acknowledged"
    listed = other.get("/app/monitoring/2026/orders/")
    assert order.number not in listed.content.decode()
    # The auditor reads it all and has no form.
    auditor = client_for(world, "auditor")
    html = auditor.get(f"/app/monitoring/order/{order.pk}/").content.decode()
    assert order.number in html
    assert "-form" not in html.split('id="order-facts"')[1].split('id="order-log"')[0]
    assert fetch(auditor, f"/app/monitoring/order-file/{entry.pk}/") == (200, PDF)


def test_the_orders_page_counts_by_state_filters_and_marks_the_overdue(world: Any) -> None:
    from jixiao.monitoring.services import do_issue_order

    order = proposed(world)
    # Issued on 1 February: 72 hours to acknowledge, long past on any clock running this test.
    do_issue_order(order, actor=None, requirement="追平进度", now=datetime(2026, 2, 1, 8, tzinfo=UTC))
    unit = english(world, "operator_a")
    html = unit.get("/app/monitoring/2026/orders/").content.decode()
    assert 'id="order-counts"' in html
    assert f'href="/app/monitoring/order/{order.pk}/"' in html
    assert 'class="badge red overdue">not acknowledged in time<' in html
    assert 'id="monitoring-tabs"' in html
    assert order.number not in unit.get("/app/monitoring/2026/orders/?state=closed").content.decode()
    assert order.number in unit.get("/app/monitoring/2026/orders/?state=issued").content.decode()
    assert order.number not in client_for(world, "operator_b").get("/app/monitoring/2026/orders/").content.decode()
    assert client_for(world, "rater").get("/app/monitoring/2026/orders/").status_code == 404


def test_the_portal_shows_the_issued_orders_state_and_never_the_finding(world: Any) -> None:
    from jixiao.monitoring.services import do_issue_order

    order = proposed(world)
    now = timezone.now()
    other = Order.objects.create(cycle=world.open, subject=world.subject(world.open, world.unit_b), indicator="EXEC",
                                 period=3, number="2026-ZG-0099", finding="机关事务局的发现", created_at=now,
                                 updated_at=now)
    public = client_for(world, "public")
    assert public.get("/public/2026/rectification/").status_code == 404  # proposed only: nothing public yet
    assert "/public/2026/rectification/" not in public.get("/").content.decode()

    do_issue_order(order, actor=world.personas["admin"], requirement="一个月内追平进度")
    home = public.get("/").content.decode()
    assert 'href="/public/2026/rectification/"' in home
    r = public.get("/public/2026/rectification/")
    assert r.status_code == 200
    html = r.content.decode()
    assert order.number in html
    assert "市场监管局" in html
    assert "待签收" in html  # the state's label
    assert order.finding not in html
    assert "季度考核亮红灯" not in html
    assert "一个月内追平进度" not in html
    assert other.number not in html
    assert "机关事务局" not in html
    assert public.get("/public/2026/rectification/?export=orders").status_code == 200
    # Issued as not public: off the portal again. (Written here straight to the table, past the services and so
    # past the audit trail, whose head is what the portal's kept pages are keyed on: forget them too.)
    Order.objects.filter(pk=order.pk).update(public=False)
    cache.clear()
    assert public.get("/public/2026/rectification/").status_code == 404
    assert public.get("/public/no-such-cycle/rectification/").status_code == 404


def test_the_escalation_page_shows_the_stage_its_steps_and_the_offices_forms(world: Any) -> None:
    lagging(world, 23)
    escalation = Escalation.objects.get()
    step = EscalationStep.objects.get()
    assert (escalation.stage, step.stage, step.period) == (1, 1, 3)
    office = english(world, "admin")
    html = office.get("/app/monitoring/2026/escalation/").content.decode()
    assert 'class="badge yellow">written warning' in html
    assert f'action="/app/monitoring/escalation-step/{step.pk}/record/"' in html
    assert 'id="override-form"' in html
    assert '<option value="A">市场监管局</option>' in html

    r = office.post(f"/app/monitoring/escalation-step/{step.pk}/record/",
                    {"record": "已发书面预警函", "evidence": SimpleUploadedFile("预警函.pdf", PDF)}, follow=True)
    assert "The record is saved." in r.content.decode()
    step.refresh_from_db()
    assert (step.record, step.file_name) == ("已发书面预警函", "预警函.pdf")
    assert fetch(office, f"/app/monitoring/escalation-file/{step.pk}/") == (200, PDF)

    r = office.post("/app/monitoring/2026/escalation/override/",
                    {"unit": "A", "indicator": "EXEC", "stage": "3", "reason": "连续两季未整改"}, follow=True)
    assert "The stage is set." in r.content.decode()
    escalation.refresh_from_db()
    assert (escalation.stage, escalation.override_stage) == (3, 3)
    # Refused (already at that stage): the page again, the office's choices and reason still in the form.
    r = office.post("/app/monitoring/2026/escalation/override/",
                    {"unit": "A", "indicator": "EXEC", "stage": "3", "reason": "再次确认扣减预算建议"})
    assert r.status_code == 422
    html = r.content.decode()
    assert "already at this stage" in html
    assert ">再次确认扣减预算建议</textarea>" in html
    assert '<option value="3" selected>' in html

    unit = english(world, "operator_a")
    html = unit.get("/app/monitoring/2026/escalation/").content.decode()
    assert "budget deduction proposal" in html
    assert "已发书面预警函" in html
    assert "override-form" not in html
    assert "record-form" not in html
    assert unit.post("/app/monitoring/2026/escalation/override/",
                     {"unit": "A", "indicator": "EXEC", "stage": "0", "reason": "x"}).status_code == 422
    escalation.refresh_from_db()
    assert escalation.stage == 3  # refused: the office's
    other = client_for(world, "operator_b")
    assert "市场监管局" not in other.get("/app/monitoring/2026/escalation/").content.decode()
    assert fetch(other, f"/app/monitoring/escalation-file/{step.pk}/")[0] == 404


def test_the_overview_counts_orders_and_stages_and_charts_the_lights_by_month(world: Any) -> None:
    lagging(world, 23)
    html = english(world, "admin").get("/app/monitoring/2026/").content.decode()
    assert 'id="order-counts"' in html
    assert 'href="/app/monitoring/2026/orders/?state=proposed">proposed' in html
    assert 'href="/app/monitoring/2026/escalation/"' in html
    stages = html.split('id="stage-counts"')[1].split("</section>")[0]
    assert '<b>1</b><span><span class="badge yellow">written warning' in stages  # unit A, at stage 1
    assert stages.count("<b>0</b>") == 3
    assert 'id="lights-by-month"' in html
    assert "month 3" in html  # the bar of March
    assert "vendor/plotly-charts.min." in html


def test_the_api_lists_orders_and_the_units_system_acknowledges_and_submits(world: Any) -> None:
    from jixiao.monitoring.services import do_issue_order

    order = do_issue_order(proposed(world), actor=None, requirement="追平进度")
    client = client_for(world, "operator_a")
    listed = client.get("/api/monitoring/2026/orders").json()
    assert [(o["number"], o["unit"], o["state"]) for o in listed] == [(order.number, "A", "issued")]
    assert client.get("/api/monitoring/2026/orders?state=closed").json() == []
    assert client_for(world, "operator_b").get("/api/monitoring/2026/orders").json() == []

    url = f"/api/monitoring/orders/{order.pk}"
    hidden = client_for(world, "operator_b").post(f"{url}/acknowledge", json.dumps({"plan": "x"}),
                                                  content_type="application/json")
    assert hidden.status_code == 404
    early = client.post(f"{url}/submit", json.dumps({"summary": "已追平"}), content_type="application/json")
    assert (early.status_code, early.json()["code"]) == (409, "order_state")
    done = client.post(f"{url}/acknowledge", json.dumps({"plan": "加快支付"}), content_type="application/json")
    assert (done.status_code, done.json()["state"], done.json()["plan"]) == (200, "acknowledged", "加快支付")
    done = client.post(f"{url}/submit", json.dumps({"summary": "已追平"}), content_type="application/json")
    assert done.json()["state"] == "submitted"

    escalations = client.get("/api/monitoring/2026/escalations").json()
    assert [(e["unit"], e["indicator"], e["stage"], [s["period"] for s in e["steps"]]) for e in escalations] == [
        ("A", "EXEC", 1, [3])]
    assert client_for(world, "operator_b").get("/api/monitoring/2026/escalations").json() == []
    assert client_for(world, "public").get("/api/monitoring/2026/orders").status_code == 401
