"""Opening evidence: whoever may see the value downloads its files (always as an attachment, with nosniff and a
sandbox policy); anyone else gets the same 404 as for a file that does not exist; files of a deleted value are
the office's and auditors'. The history fragment lists the current and replaced files; the API lists and serves
the same."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from jixiao.collection.models import Value
from jixiao.collection.services import do_delete_value
from jixiao.core.choices import Action
from jixiao.evidence.models import Evidence
from jixiao.evidence.querysets import history_for
from jixiao.evidence.services import do_attach_evidence


@pytest.fixture
def attached(world: Any, files: Any) -> Evidence:
    value = Value.objects.get(subject=world.subject(world.open, world.unit_a), indicator="EXEC")
    return do_attach_evidence(value, files.upload("统计报表 2026.pdf", files.pdf()),
                              actor=world.personas["operator_a"])


def _body(response: Any) -> bytes:
    """The file sent; reading it to its end closes it, as the server does after sending (the test client's
    wrapper; closing the response again would close the test's database connection on PostgreSQL)."""
    return b"".join(response.streaming_content)


def _page(response: Any, url: str) -> str:
    """The page without what differs by request: its URL and its CSRF tokens (masked afresh each time)."""
    text = response.content.decode().replace(url, "")
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", text)


def _status(client: Any, url: str) -> int:
    response = client.get(url)
    if response.streaming:
        _body(response)
    return int(response.status_code)


@pytest.mark.parametrize("persona", ["operator_a", "leader", "admin", "auditor"])
def test_whoever_may_see_the_value_downloads_the_file_as_an_attachment(
        world: Any, files: Any, client_as: Any, attached: Evidence, persona: str) -> None:
    r = client_as(world, persona).get(f"/app/evidence/{attached.pk}/")
    assert r.status_code == 200
    assert _body(r) == files.pdf()
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("attachment; filename")
    assert "%E7%BB%9F%E8%AE%A1%E6%8A%A5%E8%A1%A8%202026.pdf" in r["Content-Disposition"]  # 统计报表 2026.pdf
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Security-Policy"] == "sandbox"


@pytest.mark.parametrize("persona", ["operator_b", "rater"])
def test_anyone_else_gets_the_same_404_as_for_a_missing_file(
        world: Any, client_as: Any, attached: Evidence, persona: str) -> None:
    client = client_as(world, persona)
    seen_url, absent_url = f"/app/evidence/{attached.pk}/", f"/app/evidence/{attached.pk + 99}/"
    unseen, absent = client.get(seen_url), client.get(absent_url)
    assert unseen.status_code == absent.status_code == 404
    assert _page(unseen, seen_url) == _page(absent, absent_url)


def test_the_public_is_sent_to_sign_in(world: Any, client_as: Any, attached: Evidence) -> None:
    r = client_as(world, "public").get(f"/app/evidence/{attached.pk}/")
    assert r.status_code == 302
    assert r["Location"].startswith("/app/login/")


def test_the_files_of_a_deleted_value_are_the_offices_and_auditors_only(
        world: Any, client_as: Any, attached: Evidence) -> None:
    assert attached.value is not None
    do_delete_value(attached.value, actor=world.personas["operator_a"])
    for persona, status in (("operator_a", 404), ("leader", 404), ("admin", 200), ("auditor", 200)):
        assert _status(client_as(world, persona), f"/app/evidence/{attached.pk}/") == status, persona


def test_a_file_missing_from_the_store_is_a_404_not_a_crash(world: Any, client_as: Any, attached: Evidence) -> None:
    Path(attached.file.path).unlink()
    assert _status(client_as(world, "admin"), f"/app/evidence/{attached.pk}/") == 404


def test_the_history_lists_the_current_and_the_replaced_files_with_links(
        world: Any, files: Any, client_as: Any, attached: Evidence) -> None:
    assert attached.value is not None
    newer = do_attach_evidence(attached.value, files.upload("更正后.xlsx", files.xlsx()),
                               actor=world.personas["admin"])
    values = list(Value.objects.filter(subject__cycle=world.open))
    with CaptureQueriesContext(connection) as one:
        history_for(world.personas["operator_a"], values[:1])
    with CaptureQueriesContext(connection) as queries:
        history = history_for(world.personas["operator_a"], values)
    assert len(queries) == len(one)  # one query for the files, whatever the number of values (plus the
    # operator's units, looked up once by Value.objects.restrict)
    with CaptureQueriesContext(connection) as office:
        history_for(world.personas["admin"], values)
    assert len(office) == 1
    rows = history[attached.value.pk]
    assert [e.name for e in rows] == ["更正后.xlsx", "统计报表 2026.pdf"]
    assert all(history[v.pk] == [] for v in values if v.pk != attached.value.pk)
    html = render_to_string("evidence/_history.html", {"evidence": rows})
    assert f'href="/app/evidence/{newer.pk}/"' in html
    assert f'href="/app/evidence/{attached.pk}/"' in html
    assert "op-a" in html
    assert "office" in html
    assert html.count('class="replaced') == 1
    for persona in ("operator_a", "admin"):
        assert _status(client_as(world, persona), f"/app/evidence/{newer.pk}/") == 200


def test_the_template_tag_renders_one_values_files(world: Any, files: Any, attached: Evidence) -> None:
    from django.template import Context, Template

    assert attached.value is not None
    history = history_for(world.personas["leader"], [attached.value])
    html = Template("{% load evidence %}{% evidence_history history value %}").render(
        Context({"history": history, "value": attached.value}))
    assert "统计报表 2026.pdf" in html
    assert Template("{% load evidence %}{% evidence_history history value %}").render(
        Context({"history": history, "value": None})).strip() == ""


def test_history_shows_nothing_the_user_may_not_see(world: Any, attached: Evidence) -> None:
    assert attached.value is not None
    assert history_for(world.personas["operator_b"], [attached.value]) == {attached.value.pk: []}


def test_nobody_changes_evidence_through_restrict(world: Any, attached: Evidence) -> None:
    for persona in ("admin", "operator_a", "auditor"):
        assert not Evidence.objects.restrict(world.personas[persona], Action.CHANGE).exists()
        assert not Evidence.objects.restrict(world.personas[persona], Action.DELETE).exists()


def test_the_api_lists_visible_evidence_and_serves_the_file(
        world: Any, files: Any, client_as: Any, attached: Evidence) -> None:
    listed = client_as(world, "leader").get("/api/evidence/", {"cycle": world.open.code, "unit": "A"}).json()
    assert [(e["id"], e["name"], e["unit"], e["indicator"], e["current"], e["uploaded_by"]) for e in listed] == [
        (attached.pk, "统计报表 2026.pdf", "A", "EXEC", True, "op-a")]
    assert listed[0]["sha256"] == attached.sha256
    assert client_as(world, "leader").get("/api/evidence/", {"unit": "B"}).json() == []
    assert client_as(world, "operator_b").get("/api/evidence/").json() == []
    assert client_as(world, "public").get("/api/evidence/").json() == []
    r = client_as(world, "auditor").get(f"/api/evidence/{attached.pk}/file")
    assert r.status_code == 200
    assert _body(r) == files.pdf()
    assert r["Content-Disposition"].startswith("attachment")
    assert r["X-Content-Type-Options"] == "nosniff"
    refused = client_as(world, "operator_b").get(f"/api/evidence/{attached.pk}/file")
    assert refused.status_code == 404
    assert refused.json()["code"] == "not_found"


def test_the_back_office_lists_evidence_read_only_for_the_office(world: Any, client_as: Any,
                                                                 attached: Evidence) -> None:
    admin = client_as(world, "admin")
    page = admin.get("/admin/evidence/evidence/")
    assert page.status_code == 200
    assert "统计报表 2026.pdf" in page.content.decode()
    detail = admin.get(f"/admin/evidence/evidence/{attached.pk}/change/").content.decode()
    assert f'href="/app/evidence/{attached.pk}/"' in detail
    assert admin.get("/admin/evidence/evidence/add/").status_code == 403
    assert client_as(world, "operator_a").get("/admin/evidence/evidence/").status_code in (302, 403)
