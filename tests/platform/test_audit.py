"""Every write leaves an audit event, whatever path it took (API, admin, command, job), and concurrent
writers keep one chain. (Tampering: test_audit_tamper.py; numbers: test_audit_numbers.py; the key and the
checkpoints: test_audit_key.py; events written before the key: test_audit_migration.py.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from jixiao.audit.models import AuditEvent
from jixiao.audit.services import verify_chain
from jixiao.collection.models import Value
from jixiao.core.choices import Source

from .conftest import PASSWORD


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _last() -> AuditEvent:
    return AuditEvent.objects.order_by("-seq").first()


def test_an_api_post_writes_a_value_and_its_audit_event(world: Any) -> None:
    client = _client(world.personas["operator_a"])
    before = AuditEvent.objects.count()
    version = client.get("/api/values/2026/A/EXEC").json()["version"]
    r = client.post(
        "/api/values/",
        data=json.dumps({"cycle": "2026", "unit": "A", "indicator": "EXEC", "value": 97.5, "note": "月报",
                         "version": version}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r["ETag"] == f'"{version + 1}"'
    event = _last()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.source, event.actor_label) == ("value.set", Source.API, "op-a")
    assert event.before["value"] != 97.5
    assert event.after["value"] == 97.5
    assert event.context == "POST /api/values/"


def test_the_api_refuses_another_units_value_with_a_stable_code(world: Any) -> None:
    client = _client(world.personas["operator_a"])
    before = AuditEvent.objects.count()
    r = client.post(
        "/api/values/",
        data=json.dumps({"cycle": "2026", "unit": "B", "indicator": "EXEC", "value": 1}),
        content_type="application/json",
    )
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
    r = client.post(
        "/api/values/",
        data=json.dumps({"cycle": "2025", "unit": "A", "indicator": "EXEC", "value": 1}),
        content_type="application/json",
    )
    assert r.status_code == 409
    assert r.json()["code"] == "cycle_state"
    assert AuditEvent.objects.count() == before


def test_an_admin_post_writes_through_the_service_and_is_audited(world: Any) -> None:
    client = _client(world.personas["admin"])
    value = Value.objects.get(subject__cycle=world.open, subject__unit=world.unit_a, indicator="DAYS")
    url = f"/admin/collection/value/{value.pk}/change/"
    assert client.get(url).status_code == 200
    r = client.post(url, {"value": "6.5", "note": "据审批系统导出", "base_version": value.version})
    assert r.status_code == 302, r.content.decode()[:2000]
    event = _last()
    assert (event.action, event.source) == ("value.set", Source.ADMIN)
    assert event.after["value"] == 6.5
    assert event.after["note"] == "据审批系统导出"
    # A stale form (based on the version before this save) is refused, not an overwrite.
    r = client.post(url, {"value": "7", "note": "", "base_version": value.version})
    value.refresh_from_db()
    assert value.value == 6.5
    assert _last() == event


def test_the_back_office_is_the_offices_and_the_auditors_only(world: Any) -> None:
    for persona in ("operator_a", "leader", "rater"):
        client = _client(world.personas[persona])
        r = client.get("/admin/collection/value/")
        assert r.status_code == 302, persona
        assert "/admin/login/" in r["Location"]
    page = _client(world.personas["auditor"]).get("/admin/collection/value/").content.decode()
    assert "市场监管局 (A)" in page
    assert "机关事务局 (B)" in page


def test_a_command_is_audited_with_the_command_as_source(world: Any, tmp_path: Path) -> None:
    file = tmp_path / "values.csv"
    file.write_text("unit,indicator,value\nA,RESP,91\nB,EXEC,88.5\n", encoding="utf-8")
    call_command("import", "values", str(file), "--actor", "office")  # the one open cycle
    event = _last()
    assert (event.action, event.source, event.actor_label) == ("value.import", Source.COMMAND, "office")
    assert event.after["rows"] == 2
    assert event.after["file"] == "values.csv"
    call_command("compute", "2026")
    event = _last()
    assert (event.action, event.source, event.actor_label) == ("cycle.compute", Source.COMMAND, "system")


def test_a_job_is_audited_as_a_job(world: Any) -> None:
    from jixiao.results.tasks import compute_cycle_task

    assert compute_cycle_task.delay("2026", world.personas["admin"].pk).get() == 3
    event = _last()
    assert (event.action, event.source, event.actor_label) == ("cycle.compute", Source.JOB, "office")


def test_a_file_import_job_is_all_or_nothing_and_audited(world: Any, settings: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jixiao.imports.models import ImportJob

    settings.IMPORT_JOBS_INLINE = True
    client = _client(world.personas["admin"])
    url = "/app/imports/new/"
    before = AuditEvent.objects.count()
    bad = SimpleUploadedFile("月报.csv", b"unit,indicator,value\nA,RESP,96\nX,RESP,90\n")
    assert client.post(url, {"kind": "values", "cycle": world.open.code, "file": bad}).status_code == 302
    job = ImportJob.objects.get()
    assert job.problems[0].startswith("月报.csv, row 3, column unit")
    assert [e.action for e in AuditEvent.objects.filter(seq__gt=before).order_by("seq")] == [
        "import.start", "import.finish"]
    assert not Value.objects.filter(subject__cycle=world.open, subject__code="A", indicator="RESP", value=96)
    good = SimpleUploadedFile("月报.csv", b"unit,indicator,value\nA,RESP,96\nA,EXEC,99\n")
    assert client.post(url, {"kind": "values", "cycle": world.open.code, "file": good}).status_code == 302
    event = AuditEvent.objects.get(action="value.import")
    assert (event.source, event.actor_label) == (Source.JOB, "office")
    assert event.after["file"] == "月报.csv"
    assert Value.objects.get(subject__cycle=world.open, subject__code="A", indicator="EXEC").value == 99


# serialized_rollback: its flush at the end then leaves post_migrate out, which a later serialized_rollback test
# needs (recreated content types would clash with the restored ones).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_keep_one_unbroken_chain() -> None:
    """Eight writers at once: the head row lock makes them take turns, so the chain never forks; each
    commit appends its checkpoint line whole."""
    import threading

    from django.db import connection as main_connection
    from django.db import connections

    from jixiao.org.services import do_create_category

    if main_connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is one in-memory connection; the race needs PostgreSQL")
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for j in range(5):
                do_create_category(f"T{k}-{j}", f"类别 {k}-{j}", actor=None)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = verify_chain()
    assert report.ok, report.problems
    assert report.checked == AuditEvent.objects.count() == 40
    assert report.checkpoints == 40  # each commit appended its line whole, whatever the order
