"""The web interface and the portal, through Django's test client: every role opens every page; what a
role may not see is a 404, the same as what does not exist; writes go through the services."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from jixiao.audit.models import AuditEvent
from jixiao.collection.models import Value

from .conftest import entry_post

STAFF = ("admin", "operator_a", "operator_b", "leader", "rater", "auditor")


def pages(world: Any) -> list[str]:
    o, p = world.open.code, world.published.code
    return [
        "/app/", "/app/cycles/", "/app/entry/", f"/app/cycles/{o}/", f"/app/cycles/{p}/", f"/app/cycles/{o}/results/",
        f"/app/cycles/{p}/results/", f"/app/cycles/{p}/units/B/", f"/app/cycles/{o}/indicators/",
        f"/app/cycles/{o}/indicators/RESP/", f"/app/cycles/{o}/indicators/LEAD/", "/", f"/public/{p}/",
        f"/public/{p}/A/",
    ]


@pytest.mark.parametrize("persona", STAFF)
def test_every_role_opens_every_page(world: Any, persona: str, client_as: Any) -> None:
    client = client_as(world, persona)
    for url in pages(world):
        assert client.get(url).status_code == 200, (persona, url)


def test_the_public_is_sent_to_sign_in_and_sees_only_the_portal(world: Any, client_as: Any) -> None:
    client = client_as(world, "public")
    r = client.get("/app/cycles/")
    assert r.status_code == 302
    assert r["Location"].startswith("/app/login/")
    assert client.get("/").status_code == 200


def test_the_public_cannot_reach_an_unpublished_cycle_by_any_url(world: Any, client_as: Any) -> None:
    client = client_as(world, "public")
    home = client.get("/").content.decode()
    assert world.published.name in home
    assert world.open.name not in home
    o = world.open.code
    for url in (f"/public/{o}/", f"/public/{o}/A/", f"/public/{o}/?export=results", f"/public/{o}/A/?export=key",
                "/public/no-such-cycle/"):
        assert client.get(url).status_code == 404, url
    # The published cycle's subject codes do not open the open cycle either.
    assert client.get(f"/public/{world.published.code}/A/").status_code == 200


def test_a_signed_in_user_sees_the_portal_as_the_public_does(world: Any, client_as: Any) -> None:
    client = client_as(world, "admin")
    assert client.get(f"/public/{world.open.code}/").status_code == 404


def test_an_operator_sees_their_own_unit_and_nothing_of_another(world: Any, client_as: Any) -> None:
    client = client_as(world, "operator_a")
    o = world.open.code
    assert client.get(f"/app/cycles/{o}/units/A/").status_code == 200
    assert client.get(f"/app/cycles/{o}/entry/A/").status_code == 200
    for url in (f"/app/cycles/{o}/units/B/", f"/app/cycles/{o}/entry/B/", f"/app/cycles/{o}/entry/B/received/",
                f"/app/cycles/{o}/entry/B/check/RESP/?v_RESP=90", f"/app/cycles/{o}/units/NOPE/",
                f"/app/cycles/{o}/entry/NOPE/"):
        assert client.get(url).status_code == 404, url


def test_an_operator_cannot_post_to_another_units_form(world: Any, client_as: Any) -> None:
    client = client_as(world, "operator_a")
    o = world.open.code
    before = Value.objects.get(subject__cycle=world.open, subject__code="B", indicator="RESP").value
    r = client.post(f"/app/cycles/{o}/entry/B/", {"v_RESP": "12", "action": "submit"})
    assert r.status_code == 404
    assert Value.objects.get(subject__cycle=world.open, subject__code="B", indicator="RESP").value == before
    assert not AuditEvent.objects.filter(action__in=["value.set", "values.submit"], actor=world.personas["operator_a"])
    # Nor may anyone but the office move the cycle on.
    assert client.post(f"/app/cycles/{o}/do/compute/").status_code == 404


def test_an_operator_saves_and_submits_values_with_evidence(world: Any, client_as: Any) -> None:
    from jixiao.evidence.models import Evidence

    client = client_as(world, "operator_a")
    o = world.open.code
    data = entry_post(o, "A", {"EXEC": "95.5", "ONSITE": "1.5", "NEG": "0"},
                      e_EXEC=SimpleUploadedFile("proof.pdf", b"%PDF-1.4 proof", content_type="application/pdf"))
    r = client.post(f"/app/cycles/{o}/entry/A/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    value = Value.objects.get(subject__cycle=world.open, subject__code="A", indicator="EXEC")
    assert value.value == 95.5
    assert value.entered_by == world.personas["operator_a"]
    assert Evidence.objects.get(value=value).name == "proof.pdf"
    assert AuditEvent.objects.filter(action="value.set", actor=world.personas["operator_a"]).exists()
    r = client.post(f"/app/cycles/{o}/entry/A/", entry_post(o, "A", {"EXEC": "96"}, action="submit"))
    assert r.status_code == 302
    assert r["Location"].endswith("/received/")
    event = AuditEvent.objects.get(action="submission.submit")
    assert event.after["values"]["EXEC"]["value"] == 96
    page = client.get(r["Location"]).content.decode()
    assert "报送已接收" in page
    assert f"{event.seq}" in page
    # Submitted data are locked for the unit: the form shows them, and a save changes nothing.
    page = client.get(f"/app/cycles/{o}/entry/A/").content.decode()
    assert 'id="locked"' in page
    client.post(f"/app/cycles/{o}/entry/A/", entry_post(o, "A", {"EXEC": "50"}))
    assert Value.objects.get(pk=value.pk).value == 96


def test_a_bad_number_is_refused_and_nothing_changes(world: Any, client_as: Any) -> None:
    client = client_as(world, "operator_a")
    before = {v.indicator: v.value for v in Value.objects.filter(subject__cycle=world.open, subject__code="A")}
    r = client.post(f"/app/cycles/{world.open.code}/entry/A/",
                    entry_post(world.open.code, "A", {"EXEC": "abc", "NEG": "3"}))
    assert r.status_code == 422
    assert "预算执行率（EXEC）：“abc”不是数字" in r.content.decode()
    assert {v.indicator: v.value for v in Value.objects.filter(subject__cycle=world.open, subject__code="A")} == before


def test_a_field_left_empty_deletes_nothing_and_deleting_is_explicit(world: Any, client_as: Any) -> None:
    client = client_as(world, "operator_a")
    o = world.open.code
    url = f"/app/cycles/{o}/entry/A/"
    # A page posted with only one item filled: the others are no change (not "delete").
    before = Value.objects.filter(subject__cycle=world.open, subject__code="A").count()
    assert client.post(url, entry_post(o, "A", {"NEG": "1"})).status_code == 302
    assert Value.objects.filter(subject__cycle=world.open, subject__code="A").count() == before
    # Emptying a field is refused with a message; ticking "delete" removes the value.
    r = client.post(url, entry_post(o, "A", {"NEG": ""}))
    assert r.status_code == 422
    assert "删除此值" in r.content.decode()
    assert Value.objects.filter(subject__cycle=world.open, subject__code="A", indicator="NEG").exists()
    assert client.post(url, entry_post(o, "A", {"NEG": "1"}, d_NEG="on")).status_code == 302
    assert not Value.objects.filter(subject__cycle=world.open, subject__code="A", indicator="NEG").exists()


def test_the_check_as_you_type_says_what_a_value_earns(world: Any, client_as: Any) -> None:
    client = client_as(world, "operator_a")
    url = f"/app/cycles/{world.open.code}/entry/A/check/EXEC/"
    assert "“x1”不是数字" in client.get(url, {"v_EXEC": "x1"}).content.decode()
    text = client.get(url, {"v_EXEC": "100"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "check ok" in text
    assert "(100%)" in text
    assert "check error" in client.get(url, {"v_EXEC": "-5"}).content.decode()


def test_the_office_recomputes_and_the_scorecard_changes(world: Any, client_as: Any) -> None:
    from jixiao.collection.services import do_set_value

    client = client_as(world, "admin")
    o = world.open.code
    before = client.get(f"/app/cycles/{o}/units/A/").context["card"].result.total
    do_set_value(world.subject(world.open, world.unit_a), "RESP", 60.0, actor=world.personas["admin"],
                 explanation="热线系统月报更正")
    assert client.post(f"/app/cycles/{o}/do/compute/").status_code == 302
    after = client.get(f"/app/cycles/{o}/units/A/").context["card"].result.total
    assert after < before


def test_the_scorecard_shows_nodes_with_status_and_the_explanation(world: Any, client_as: Any) -> None:
    client = client_as(world, "admin")
    p = world.published.code
    r = client.get(f"/app/cycles/{p}/units/A/")
    card = r.context["card"]
    assert {ln.status for ln in card.lines} <= {"green", "yellow", "red", "na"}
    assert abs(sum(ln.available for ln in card.lines if ln.depth == 0) - 100) < 1e-6
    assert len(card.history) == 2
    assert "得分说明" in client.get(f"/app/cycles/{p}/units/A/explanation/").content.decode()
    english = client.get(f"/app/cycles/{p}/units/A/explanation/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "得分说明" not in english


@pytest.mark.parametrize("url", ["/app/cycles/?export=cycles", "/app/cycles/{o}/?export=progress",
                                 "/app/cycles/{o}/?export=grades", "/app/cycles/{o}/?export=heatmap",
                                 "/app/cycles/{o}/?export=changes", "/app/cycles/{o}/results/?export=results",
                                 "/app/cycles/{o}/units/A/?export=nodes",
                                 "/app/cycles/{o}/indicators/?export=indicators",
                                 "/app/cycles/{o}/indicators/RESP/?export=values", "/app/entry/?export=entry",
                                 "/public/{p}/?export=results", "/public/{p}/A/?export=key"])
def test_every_table_exports_to_xlsx(world: Any, url: str, client_as: Any) -> None:
    client = client_as(world, "admin")
    r = client.get(url.format(o=world.open.code, p=world.published.code))
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet.max_row >= 2


def test_lists_are_searchable_and_paginated(world: Any, client_as: Any) -> None:
    client = client_as(world, "admin")
    r = client.get(f"/app/cycles/{world.open.code}/results/", {"q": "东城"})
    assert [row[2] for row in r.context["table"].rows] == ["A1"]
    r = client.get("/app/cycles/", {"q": "2025"})
    assert r.context["page"].paginator.count == 1


def test_the_language_switches_to_english(world: Any, client_as: Any) -> None:
    client = client_as(world, "admin")
    client.post("/i18n/setlang/", {"language": "en", "next": "/app/"})
    page = client.get("/app/cycles/").content.decode()
    assert "Assessment cycles" in page


def test_the_chart_script_is_plotlys_core_and_the_pages_traces_from_the_repository(world: Any,
                                                                                    client_as: Any) -> None:
    from pathlib import Path

    from django.contrib.staticfiles import finders

    found = finders.find("web/vendor/plotly-charts.min.js")
    assert found
    head = Path(found).read_text(encoding="utf-8")[:200]
    assert "plotly.js v4.1.1 (core, bar box heatmap histogram)" in head  # scripts/vendor-plotly's, not a full one
    assert Path(found).stat().st_size < 1_300_000
    assert finders.find("django_htmx/htmx-2.min.js")
    page = client_as(world, "admin").get("/app/cycles/2026/").content.decode()
    assert "/static/web/vendor/plotly-charts.min." in page  # hashed once collected


def test_collected_static_files_have_hashed_names_and_are_cached_for_a_year(world: Any, client_as: Any,
                                                                              settings: Any, tmp_path: Any) -> None:
    from django.core.management import call_command
    from django.test import Client

    settings.STATIC_ROOT = tmp_path / "static"  # the static storage is set up again for the new root
    call_command("collectstatic", "--noinput", verbosity=0)
    page = client_as(world, "admin").get("/app/cycles/2026/").content.decode()
    hashed = re.search(r"/static/(web/vendor/plotly-charts\.min\.[0-9a-f]{12}\.js)", page)
    assert hashed, "the page names the chart script by its hashed name"
    served = Client().get(f"/static/{hashed.group(1)}", HTTP_ACCEPT_ENCODING="gzip")
    served.close()  # the file whitenoise opened
    assert served.status_code == 200
    assert "immutable" in served["Cache-Control"]
    assert "max-age=315360000" in served["Cache-Control"]
    assert served["Content-Encoding"] == "gzip"
