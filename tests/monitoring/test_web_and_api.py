"""The pages and the API of monitoring: the office's overview, a unit's months and its entry form, the warnings
with their answer form, and the three endpoints."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jixiao.monitoring.models import PeriodValue, Warning

from .conftest import BEFORE_DUE, client_for, lagging


def test_the_office_sees_the_lights_the_counts_and_the_open_warnings(world: Any) -> None:
    lagging(world, 23)
    page = client_for(world, "admin").get("/app/monitoring/2026/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="badge red">红' in html
    assert "截至本期实际 23，计划 30，滞后 23%" in html
    assert 'id="open-counts"' in html
    assert "过程监控" in html  # the tab, in Chinese


@pytest.mark.parametrize("persona", ["operator_a", "rater", "public"])
def test_the_overview_is_the_offices_only(world: Any, persona: str) -> None:
    r = client_for(world, persona).get("/app/monitoring/2026/")
    assert r.status_code in (302, 404)


def test_an_operator_enters_a_month_on_the_units_page_and_sees_plan_and_value(world: Any) -> None:
    client = client_for(world, "operator_a")
    page = client.get("/app/monitoring/2026/A/?indicator=EXEC&month=3")
    assert page.status_code == 200
    assert 'id="period-value-form"' in page.content.decode()
    r = client.post("/app/monitoring/2026/A/", {"indicator": "EXEC", "period": 3, "value": "23", "version": 0})
    assert r.status_code == 302
    assert PeriodValue.objects.get().value == 23
    html = client.get("/app/monitoring/2026/A/").content.decode()
    assert ">23</span>" in html
    assert ">30<" in html  # the plan to the end of March
    again = client.post("/app/monitoring/2026/A/", {"indicator": "EXEC", "period": 3, "value": "24", "version": 0},
                        follow=True)
    assert "23" in again.content.decode()  # the conflict names the value saved
    assert PeriodValue.objects.get().value == 23
    assert client_for(world, "operator_a").get("/app/monitoring/2026/B/").status_code == 404


def test_an_operator_answers_a_warning_on_the_warnings_page(world: Any) -> None:
    lagging(world, 23)
    client = client_for(world, "operator_a")
    html = client.get("/app/monitoring/2026/warnings/").content.decode()
    warning = Warning.objects.get()
    assert f'action="/app/monitoring/warning/{warning.pk}/answer/"' in html
    client.post(f"/app/monitoring/warning/{warning.pk}/answer/", {"answer": "三月系统故障"})
    warning.refresh_from_db()
    assert (warning.state, warning.answer) == ("answered", "三月系统故障")
    other = client_for(world, "operator_b").get("/app/monitoring/2026/warnings/").content.decode()
    assert "截至本期实际" not in other
    office = client_for(world, "admin").get("/app/monitoring/2026/warnings/").content.decode()
    assert f'action="/app/monitoring/warning/{warning.pk}/follow-up/"' in office


def test_the_api_enters_a_value_lists_warnings_and_answers_one(world: Any) -> None:
    from jixiao.monitoring.services import run_monitoring

    client = client_for(world, "operator_a")
    body = {"unit": "A", "indicator": "EXEC", "period": 3, "value": 23, "version": 0}
    r = client.post("/api/monitoring/2026/values", json.dumps(body), content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["version"] == 1
    stale = client.post("/api/monitoring/2026/values", json.dumps(body), content_type="application/json")
    assert (stale.status_code, stale.json()["code"]) == (409, "conflict")
    refused = client.post("/api/monitoring/2026/values", json.dumps({**body, "value": -5, "version": 1}),
                          content_type="application/json")
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_value")
    run_monitoring(world.open, now=BEFORE_DUE)
    listed = client.get("/api/monitoring/2026/warnings").json()
    assert [(w["unit"], w["kind"], w["status"]) for w in listed] == [("A", "lag", "red")]
    assert client_for(world, "operator_b").get("/api/monitoring/2026/warnings").json() == []
    pk = listed[0]["id"]
    answered = client.post(f"/api/monitoring/warnings/{pk}/answer", json.dumps({"answer": "已整改"}),
                           content_type="application/json")
    assert answered.json()["state"] == "answered"
    hidden = client_for(world, "operator_b").post(f"/api/monitoring/warnings/{pk}/answer",
                                                  json.dumps({"answer": "x"}), content_type="application/json")
    assert hidden.status_code == 404
    auditor = client_for(world, "auditor").post(f"/api/monitoring/warnings/{pk}/answer",
                                                json.dumps({"answer": "x"}), content_type="application/json")
    assert auditor.status_code == 403


def test_the_scheduled_job_runs_on_open_cycles(world: Any) -> None:
    from jixiao.monitoring.tasks import run_monitoring_task

    lagging(world, 23)
    counts = run_monitoring_task.apply().get()["2026"]
    # The job runs on the real clock: whatever months are due by now and missing are its new (stale) warnings.
    stale = Warning.objects.filter(kind="stale").count()
    assert counts == {"assessed": 1, "green": 0, "yellow": 0, "red": 1, "lag": 1, "dual": 0, "stale": stale,
                      "anomaly": 0, "jump": 0, "year": 0, "created": stale, "updated": 0, "unchanged": 1,
                      "escalation_steps": 0, "orders_proposed": 0, "orders_overdue": 0}


def test_the_monitor_command_runs_the_job_and_says_what_it_found(world: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    lagging(world, 23)
    out = StringIO()
    call_command("monitor", stdout=out)
    stale = Warning.objects.filter(kind="stale").count()  # the real clock's months due and missing
    assert out.getvalue().strip() == ("2026: assessed 1, red 1, yellow 0, anomalies 0, "
                                      f"warnings created {stale}, updated 0, orders proposed 0, overdue 0, "
                                      "escalation steps 0")  # made by lagging()'s run


def test_the_warnings_and_overview_pages_do_not_query_per_row(world: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jixiao.monitoring.services import do_set_period_value, run_monitoring

    client = client_for(world, "admin")

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    lagging(world, 23)
    one = (queries("/app/monitoring/2026/warnings/"), queries("/app/monitoring/2026/"))
    for unit in (world.unit_a1, world.unit_b):
        do_set_period_value(world.subject(world.open, unit), "EXEC", 3, 10, actor=world.personas["admin"], version=0)
    run_monitoring(world.open, now=BEFORE_DUE)
    assert Warning.objects.count() == 3
    assert (queries("/app/monitoring/2026/warnings/"), queries("/app/monitoring/2026/")) == one


def test_the_office_filters_warnings_by_unit_and_indicator(world: Any) -> None:
    from jixiao.monitoring.services import do_set_period_value, run_monitoring

    do_set_period_value(world.subject(world.open, world.unit_a), "EXEC", 3, 23, actor=None)  # plan 30: red
    do_set_period_value(world.subject(world.open, world.unit_b), "EXEC", 3, 10, actor=None)  # plan 25: red
    run_monitoring(world.open, now=BEFORE_DUE)
    client = client_for(world, "admin")
    html = client.get("/app/monitoring/2026/warnings/?unit=B&indicator=EXEC").content.decode()
    assert "机关事务局" in html
    assert "截至本期实际 23" not in html
    assert "截至本期实际 10" in html
    # A unit's operator sees no unit filter (only their own unit's warnings).
    mine = client_for(world, "operator_a").get("/app/monitoring/2026/warnings/").content.decode()
    assert 'name="unit"' not in mine
    assert "截至本期实际 10" not in mine


def test_the_unit_page_shows_a_month_by_month_indicator_added_up(world: Any) -> None:
    from jixiao.monitoring.services import do_set_period_value, do_set_reporting

    do_set_reporting(world.open, "EXEC", "monthly", entry="period", actor=None)
    subject = world.subject(world.open, world.unit_b)
    for month, value in ((1, 9), (2, 7)):
        do_set_period_value(subject, "EXEC", month, value, actor=None)
    html = client_for(world, "operator_b").get("/app/monitoring/2026/B/").content.decode()
    assert ">16</span><br><span class=\"small\">当月 7</span>" in html  # to date 9 + 7, the month's own 7


def test_the_office_sets_monitored_indicators_and_dual_pairs_on_the_overview(world: Any) -> None:
    from jixiao.monitoring.models import DualPair, Reporting

    office = client_for(world, "admin")
    page = office.get("/app/monitoring/2026/").content.decode()
    assert 'name="freq-EXEC"' in page
    office.post("/app/monitoring/2026/reporting/", {"freq-EXEC": "quarterly", "entry-EXEC": "period",
                                                     "freq-RESP": "monthly", "entry-RESP": "cumulative"})
    assert set(Reporting.objects.values_list("indicator", "frequency", "entry")) == {
        ("EXEC", "quarterly", "period"), ("RESP", "monthly", "cumulative")}
    office.post("/app/monitoring/2026/dual/", {"spending": "EXEC", "output": "EXEC"})  # refused: the same one
    assert not DualPair.objects.exists()
    office.post("/app/monitoring/2026/dual/", {"spending": "EXEC", "output": "RESP"})
    assert DualPair.objects.filter(spending="EXEC", output="RESP").exists()
    # A unit's operator may do neither.
    operator = client_for(world, "operator_a")
    operator.post("/app/monitoring/2026/reporting/", {"freq-EXEC": ""})
    operator.post("/app/monitoring/2026/dual/", {"spending": "EXEC", "output": "RESP", "remove": "1"})
    assert Reporting.objects.count() == 2
    assert DualPair.objects.count() == 1
