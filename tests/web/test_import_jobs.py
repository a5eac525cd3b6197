"""Imports run as background jobs, for the office only, within limits, reporting the first 100 problems and how
many there were (the review's finding 4: a 1M-row file parsed inside the admin's request by any signed-in role)."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from jixiao.audit.models import AuditEvent
from jixiao.collection.models import Value
from jixiao.imports.choices import JobState
from jixiao.imports.models import ImportJob


def _csv(rows: list[str], name: str = "values.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("unit,indicator,value\n" + "\n".join(rows) + "\n").encode(encoding),
                              content_type="text/csv")


@pytest.fixture
def inline(settings: Any) -> None:
    settings.IMPORT_JOBS_INLINE = True


def test_the_office_imports_a_values_file_as_a_job(world: Any, client_as: Any, inline: None) -> None:
    client = client_as(world, "admin")
    r = client.post("/app/imports/new/", {"kind": "values", "cycle": world.open.code,
                                          "file": _csv(["A,RESP,91.5", "B,DAYS,7"], encoding="gbk")})
    assert r.status_code == 302
    job = ImportJob.objects.get()
    assert r["Location"] == f"/app/imports/{job.pk}/"
    assert job.state == JobState.DONE
    assert job.counts["rows"] == 2
    assert Value.objects.get(subject__cycle=world.open, subject__code="A", indicator="RESP").value == 91.5
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))[-3:]
    assert actions == ["import.start", "value.import", "import.finish"]
    page = client.get(r["Location"]).content.decode()
    assert "已导入 2 行" in page
    assert client.get("/app/imports/?export=imports")["Content-Type"].startswith("application/vnd.openxml")
    assert "hx-trigger" not in page  # a finished job stops polling


def test_a_file_with_a_thousand_bad_rows_reports_the_first_hundred_and_the_count(
        world: Any, client_as: Any, inline: None) -> None:
    before = Value.objects.count()
    client = client_as(world, "admin")
    rows = [f"A,NOPE{k},1" for k in range(1000)]
    client.post("/app/imports/new/", {"kind": "values", "cycle": world.open.code, "file": _csv(rows)})
    job = ImportJob.objects.get()
    assert job.state == JobState.REFUSED
    assert job.problem_count == 1000
    assert len(job.problems) == 100
    assert job.problems[0].startswith("values.csv, row 2, column indicator: “NOPE0”")
    assert Value.objects.count() == before
    page = client.get(f"/app/imports/{job.pk}/").content.decode()
    assert "1000" in page
    assert "前 100 个问题" in page


def test_too_many_rows_are_refused_with_the_limit(world: Any, client_as: Any, inline: None, settings: Any) -> None:
    settings.IMPORT_MAX_ROWS = 2
    client_as(world, "admin").post("/app/imports/new/", {
        "kind": "values", "cycle": world.open.code, "file": _csv(["A,RESP,90", "A,DAYS,8", "A,EXEC,97"])})
    job = ImportJob.objects.get()
    assert job.state == JobState.REFUSED
    assert "3" in job.problems[0]
    assert "2" in job.problems[0]


def test_an_oversized_upload_is_refused_before_it_is_read(world: Any, client_as: Any, settings: Any) -> None:
    settings.IMPORT_MAX_MB = 0
    r = client_as(world, "admin").post("/app/imports/new/", {"kind": "values", "cycle": world.open.code,
                                                             "file": _csv(["A,RESP,90"])})
    assert r.status_code == 413
    assert "最多 0 MB" in r.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_of_another_type_is_refused(world: Any, client_as: Any, inline: None) -> None:
    r = client_as(world, "admin").post("/app/imports/new/", {
        "kind": "values", "cycle": world.open.code,
        "file": SimpleUploadedFile("values.html", b"<script>alert(1)</script>")})
    assert r.status_code == 422
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("persona", ["operator_a", "leader", "rater", "auditor", "public"])
def test_only_the_office_may_start_an_import(world: Any, client_as: Any, persona: str, inline: None) -> None:
    client = client_as(world, persona)
    assert client.get("/app/imports/new/").status_code in (302, 404)
    r = client.post("/app/imports/new/", {"kind": "values", "cycle": world.open.code, "file": _csv(["A,RESP,1"])})
    assert r.status_code in (302, 404)
    assert not ImportJob.objects.exists()
    assert Value.objects.get(subject__cycle=world.open, subject__code="A", indicator="RESP").value != 1


def test_the_back_office_no_longer_imports_inside_a_request(world: Any, client_as: Any) -> None:
    client = client_as(world, "admin")
    assert client.get(f"/admin/cycles/cycle/{world.open.pk}/import-values/").status_code in (302, 404)
    page = client.get(f"/admin/cycles/cycle/{world.open.pk}/change/").content.decode()
    assert f"/app/imports/new/?cycle={world.open.code}" in page


def test_the_command_reports_the_first_hundred_problems_and_the_count(world: Any, tmp_path: Any) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("unit,indicator,value\n" + "".join(f"A,NOPE{k},1\n" for k in range(1000)), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1000"):
        call_command("import", "values", str(path), "--cycle", world.open.code, stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 101
    assert lines[-1] == "... and 900 more problems"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_upload_answers_at_once_and_a_background_job_imports_the_file(world: Any, client_as: Any) -> None:
    client = client_as(world, "admin")
    rows = [f"{u},{i},{v}" for u in ("A", "A1", "B") for i, v in (("RESP", 93), ("DAYS", 6), ("EXEC", 99))]
    r = client.post("/app/imports/new/", {"kind": "values", "cycle": world.open.code, "file": _csv(rows)})
    assert r.status_code == 302
    job = ImportJob.objects.get()
    deadline = time.monotonic() + 30
    while job.state == JobState.QUEUED and time.monotonic() < deadline:
        time.sleep(0.1)
        job.refresh_from_db()
    assert job.state == JobState.DONE, job.problems
    assert job.counts["rows"] == 9
    fragment = client.get(f"/app/imports/{job.pk}/progress/").content.decode()
    assert "已导入 9 行" in fragment


def test_a_refusal_counts_every_bad_cell_beyond_those_listed(world: Any, client_as: Any, inline: None) -> None:
    rows = [f"A,RESP,not-a-number-{k}" for k in range(150)]
    client_as(world, "admin").post("/app/imports/new/", {"kind": "values", "cycle": world.open.code,
                                                         "file": _csv(rows)})
    job = ImportJob.objects.get()
    assert job.problem_count == 150
    # Each row gets the value check's own words; the first hundred are kept, all are counted.
    assert len(job.problems) == 100
    assert job.problems[-1] == "values.csv, row 101, column value: 诉求响应率（RESP）：“not-a-number-99”不是数字"
