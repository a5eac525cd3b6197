"""The audit key and the checkpoints: events are HMACs under a key kept outside the database, the embedded
key is made once with mode 0600, a wrong key is named as such and stops writes, and each committed write
leaves a checkpoint line outside the database, also in transactional tests."""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from jixiao.audit.chain import event_hmac, legacy_digest, mac
from jixiao.audit.checkpoints import read_checkpoints
from jixiao.audit.checks import check_audit_files
from jixiao.audit.errors import AuditKeyMismatchError
from jixiao.audit.keys import audit_key
from jixiao.audit.models import AuditChainHead, AuditEvent
from jixiao.audit.services import event_fields, record_event, verify_chain

OTHER_KEY = "not-the-key-the-trail-was-written-with-0123456789"


def _record(n: int = 1) -> AuditEvent:
    with transaction.atomic():
        return record_event("value.set", actor=None, object_type="collection.value", object_id=n, after={"v": n})


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_embedded_key_is_made_once_with_mode_0600(settings: Any, tmp_path: Path) -> None:
    settings.AUDIT_KEY = None
    settings.DATA_DIR = tmp_path
    key = audit_key()
    file = tmp_path / "audit.key"
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert len(key) == 64
    assert audit_key() == key == file.read_text().strip().encode()
    assert [p.name for p in tmp_path.iterdir()] == ["audit.key"]  # no temporary file left behind


def test_a_configured_key_comes_from_the_setting(settings: Any) -> None:
    settings.AUDIT_KEY = OTHER_KEY
    assert audit_key() == OTHER_KEY.encode()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AUDIT_KEY": "short"}, "AUDIT_KEY is too short"),
        ({"AUDIT_KEY_FILE": "/nonexistent/audit.key"}, "AUDIT_KEY_FILE='/nonexistent/audit.key' cannot be read"),
    ],
)
def test_a_bad_audit_key_setting_stops_the_start(tmp_path: Path, env: dict[str, str], message: str) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith("AUDIT_KEY")}
    done = subprocess.run(
        [sys.executable, "-c", "import jixiao.settings"],
        env=base | {"JIXIAO_DATA_DIR": str(tmp_path)} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert message in done.stderr


def test_an_event_is_an_hmac_under_the_key_not_a_plain_digest(db: Any) -> None:
    event = AuditEvent.objects.get(pk=_record().pk)
    head = AuditChainHead.objects.get()
    fields = event_fields(event)
    assert event.version == 2
    assert event.hash == event_hmac(audit_key(), head.chain_id, fields)
    assert event.hash != legacy_digest(fields)
    assert event.hash != event_hmac(OTHER_KEY.encode(), head.chain_id, fields)


def test_a_committed_write_appends_one_checkpoint_line_with_its_hmac(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    path = Path(django_settings.AUDIT_CHECKPOINT_FILE)
    with django_capture_on_commit_callbacks(execute=True):
        event = _record()
    (line,) = _lines(path)
    head = AuditChainHead.objects.get()
    assert (line["kind"], line["chain"], line["seq"], line["hash"]) == (
        "audit-checkpoint", head.chain_id, event.seq, event.hash
    )
    assert line["mac"] == mac(audit_key(), {k: v for k, v in line.items() if k != "mac"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    report = verify_chain()
    assert (report.ok, report.checkpoints, report.checkpointed_seq) == (True, 1, event.seq)
    out = StringIO()
    with translation.override("en"):
        call_command("verify_audit", stdout=out)
    assert f"chain {head.chain_id} #{event.seq} {event.hash}" in out.getvalue()  # the line to copy off the host
    assert "intact: 1 events, 1 checkpoints" in out.getvalue()


def _fail_after_recording() -> None:
    with transaction.atomic():
        _record()
        raise RuntimeError("the write fails after its event was recorded")


def test_a_rolled_back_write_leaves_no_checkpoint(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        _fail_after_recording()
    assert not Path(django_settings.AUDIT_CHECKPOINT_FILE).exists()
    assert AuditEvent.objects.count() == 0


def test_a_checkpoint_that_cannot_be_written_is_logged_and_the_write_stands(
    db: Any, django_capture_on_commit_callbacks: Any, settings: Any, tmp_path: Path, caplog: Any
) -> None:
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "no-such-folder" / "audit-checkpoints.log"
    with caplog.at_level(logging.ERROR, logger="jixiao.audit.checkpoints"), django_capture_on_commit_callbacks(
        execute=True
    ):
        event = _record()
    assert "audit checkpoint #1 of chain" in caplog.text
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert verify_chain().ok


def test_a_wrong_key_is_named_and_stops_writes(db: Any, settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _record(1)
        _record(2)
    settings.AUDIT_KEY = OTHER_KEY
    with pytest.raises(AuditKeyMismatchError):
        _record(3)
    with translation.override("en"):
        report = verify_chain()
    assert sorted(report.codes) == ["checkpoint_key_mismatch", "events_key_mismatch", "head_seal_mismatch"]
    assert all("is AUDIT_KEY the key the trail was written with?" in p.message for p in report.problems)
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("run", ["first", "second"])
def test_a_transactional_test_commits_checkpoints_and_its_chain_verifies(world: Any, run: str) -> None:
    """Committed for real: the world's writes are checkpointed. Both runs start from the same restored head
    (same chain id, same numbers), each with its own checkpoint file; the ``world`` fixture verifies after."""
    report = verify_chain()
    assert report.ok, report.problems
    assert report.checkpoints == report.checked == AuditEvent.objects.count() > 20
    assert len(read_checkpoints().of(report.chain)) == report.checked


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # see test_audit.py on serialized_rollback
def test_a_flushed_database_starts_a_new_sealed_chain() -> None:
    AuditChainHead.objects.all().delete()  # as a flush between transactional tests leaves it
    first = _record()
    head = AuditChainHead.objects.get()
    assert (first.seq, head.seq, head.legacy_seq) == (1, 1, 0)
    report = verify_chain()
    assert report.ok, report.problems
    assert report.checkpoints == 1


def test_the_system_checks_name_an_unwritable_checkpoint_folder_and_an_open_key_file(
    settings: Any, tmp_path: Path
) -> None:
    settings.AUDIT_KEY, settings.DATA_DIR = None, tmp_path
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    audit_key()
    assert check_audit_files() == []
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "no-such-folder" / "audit-checkpoints.log"
    (tmp_path / "audit.key").chmod(0o644)
    assert [c.id for c in check_audit_files()] == ["jixiao.audit.W001", "jixiao.audit.W002"]
