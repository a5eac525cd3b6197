"""Attaching evidence: accepted kinds are stored privately with their size and SHA-256 and an audit event;
refused files leave nothing behind; a new file replaces the current one and keeps it; only those who may
change the value may attach; and it works inside another service's transaction."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from jixiao.audit.models import AuditEvent
from jixiao.collection.models import Value
from jixiao.collection.services import do_delete_value, do_set_value
from jixiao.core.errors import NotFoundError, PermissionDeniedError
from jixiao.evidence.errors import EvidenceRefusedError
from jixiao.evidence.models import Evidence
from jixiao.evidence.services import do_attach_evidence


def _value(world: Any, indicator: str = "EXEC", unit: Any = None) -> Value:
    return Value.objects.get(subject=world.subject(world.open, unit or world.unit_a), indicator=indicator)


@pytest.mark.parametrize(
    ("name", "make", "content_type"),
    [
        ("统计报表.pdf", lambda f: f.pdf(), "application/pdf"),
        ("现场照片.png", lambda f: f.png(), "image/png"),
        ("照片.jpg", lambda f: f.JPEG, "image/jpeg"),
        ("说明.docx", lambda f: f.docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("台账.xlsx", lambda f: f.xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("电子发票.ofd", lambda f: f.ofd(), "application/ofd"),
    ],
)
def test_an_allowed_file_is_stored_privately_with_its_size_and_digest(
        world: Any, files: Any, settings: Any, name: str, make: Any, content_type: str) -> None:
    data = make(files)
    value = _value(world)
    evidence = do_attach_evidence(value, files.upload(name, data, "text/html"), actor=world.personas["operator_a"])
    evidence.refresh_from_db()
    assert (evidence.name, evidence.content_type, evidence.size) == (name, content_type, len(data))
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert (evidence.cycle, evidence.subject, evidence.indicator) == (value.cycle, value.subject, "EXEC")
    assert evidence.uploaded_by == world.personas["operator_a"]
    assert evidence.current
    path = Path(evidence.file.path)
    assert path.is_relative_to(Path(settings.PRIVATE_ROOT) / "evidence")
    assert path.name == name
    assert path.read_bytes() == data
    assert files.stored_files(Path(settings.PRIVATE_ROOT)) == [path]


@pytest.mark.parametrize(
    ("name", "make", "says"),
    [
        ("通知.html", lambda f: f.HTML, "a web page (HTML)"),
        ("logo.png", lambda f: f.SVG, "an SVG image, which can carry scripts"),
        ("照片.pdf", lambda f: f.png(), "its content is a PNG image, but its name ends in “.pdf”"),
        ("setup.exe", lambda f: f.EXE, "a program"),
        ("材料.zip", lambda f: f.zip_of({"a.pdf": b"%PDF-1.4"}), "a ZIP archive"),
        ("宏.docm", lambda f: f.docm(), "with macros"),
    ],
)
def test_a_refused_file_leaves_no_row_no_file_and_no_event(
        world: Any, files: Any, settings: Any, name: str, make: Any, says: str) -> None:
    events = AuditEvent.objects.count()
    with translation.override("en"), pytest.raises(EvidenceRefusedError) as caught:
        do_attach_evidence(_value(world), files.upload(name, make(files)), actor=world.personas["operator_a"])
    assert caught.value.text.startswith(f"The file “{name}” was refused: ")
    assert says in caught.value.text
    assert not Evidence.objects.exists()
    assert files.stored_files(Path(settings.PRIVATE_ROOT)) == []
    assert AuditEvent.objects.count() == events


@override_settings(EVIDENCE_MAX_BYTES=1000)
def test_a_file_over_the_limit_is_refused_by_the_service_too(world: Any, files: Any, settings: Any) -> None:
    """The upload handler refuses it on the way in; a service called with a file from elsewhere refuses it as
    well."""
    with translation.override("en"), pytest.raises(EvidenceRefusedError) as caught:
        do_attach_evidence(_value(world), files.upload("大.pdf", b"%PDF-1.4\n" + b"x" * 2000), actor=None)
    assert "it is larger than 1000\xa0bytes" in caught.value.text
    assert not Evidence.objects.exists()
    assert files.stored_files(Path(settings.PRIVATE_ROOT)) == []


def test_a_new_file_replaces_the_current_one_and_keeps_it(world: Any, files: Any) -> None:
    value, operator = _value(world), world.personas["operator_a"]
    first = do_attach_evidence(value, files.upload("第一版.pdf", files.pdf()), actor=operator)
    second = do_attach_evidence(value, files.upload("第二版.png", files.png()), actor=world.personas["admin"])
    first.refresh_from_db()
    assert first.replaced_at is not None
    assert first.replaced_at == second.uploaded_at
    assert second.current
    assert Path(first.file.path).read_bytes() == files.pdf()  # the old file is kept
    assert list(Evidence.objects.filter(value=value)) == [second, first]  # newest first
    event = AuditEvent.objects.filter(action="evidence.attach").order_by("-seq").first()
    assert event is not None
    assert event.object_id == str(second.pk)
    assert event.actor_label == "office"
    assert event.before["name"] == "第一版.pdf"
    assert event.before["replaced_at"] is None
    assert event.after["name"] == "第二版.png"
    assert event.after["sha256"] == hashlib.sha256(files.png()).hexdigest()
    assert event.after["file"].endswith("/第二版.png")


def test_the_first_file_of_a_value_is_audited_with_nothing_before(world: Any, files: Any) -> None:
    evidence = do_attach_evidence(_value(world), files.upload("报表.pdf", files.pdf()), actor=None)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert (event.action, event.object_type, event.actor_label) == ("evidence.attach", "evidence.evidence", "system")
    assert event.before is None
    assert event.after["id"] == evidence.pk


@pytest.mark.parametrize(("persona", "refusal"), [("operator_b", NotFoundError), ("public", NotFoundError),
                                                  ("leader", PermissionDeniedError),
                                                  ("auditor", PermissionDeniedError),
                                                  ("rater", NotFoundError)])
def test_only_those_who_may_change_the_value_attach(world: Any, files: Any, settings: Any, persona: str,
                                                    refusal: type[Exception]) -> None:
    with pytest.raises(refusal):
        do_attach_evidence(_value(world), files.upload("报表.pdf", files.pdf()), actor=world.personas[persona])
    assert not Evidence.objects.exists()
    assert files.stored_files(Path(settings.PRIVATE_ROOT)) == []


def test_nothing_is_attached_once_the_cycle_is_closed(world: Any, files: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        do_attach_evidence(Value.objects.get(subject=world.subject(world.published, world.unit_a), indicator="EXEC"),
                           files.upload("报表.pdf", files.pdf()), actor=world.personas["operator_a"])


def test_it_runs_inside_another_services_transaction(world: Any, files: Any) -> None:
    """As ``do_set_value`` will call it: one transaction, the value's event and then the file's."""
    operator = world.personas["operator_a"]
    with transaction.atomic():
        value = do_set_value(world.subject(world.open, world.unit_a), "EXEC", 98.5, actor=operator)
        evidence = do_attach_evidence(value, files.upload("执行表.xlsx", files.xlsx()), actor=operator)
    actions = list(AuditEvent.objects.order_by("-seq").values_list("action", flat=True)[:2])
    assert actions == ["evidence.attach", "value.set"]
    assert evidence.value == value


def test_a_refusal_inside_the_callers_transaction_rolls_the_whole_save_back(world: Any, files: Any) -> None:
    operator = world.personas["operator_a"]

    def save() -> None:
        with transaction.atomic():
            value = do_set_value(world.subject(world.open, world.unit_a), "EXEC", 96.0, actor=operator)
            do_attach_evidence(value, files.upload("通知.html", files.HTML), actor=operator)

    before = _value(world, "EXEC").value
    with pytest.raises(EvidenceRefusedError):
        save()
    assert before != 96.0
    assert _value(world, "EXEC").value == before


def test_deleting_the_value_keeps_its_files(world: Any, files: Any) -> None:
    value = _value(world)
    evidence = do_attach_evidence(value, files.upload("报表.pdf", files.pdf()), actor=None)
    do_delete_value(value, actor=world.personas["operator_a"])
    evidence.refresh_from_db()
    assert evidence.value is None
    assert (evidence.subject.code, evidence.indicator) == ("A", "EXEC")
    assert Path(evidence.file.path).exists()
