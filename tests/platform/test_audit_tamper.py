"""Tampering with the audit trail behind the services is detected, one attack per test. The attacker writes
to the database directly and does not have the audit key; the world is built with its checkpoints written
(the commit hooks run), as in production."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client

from jixiao.audit.chain import event_hmac, legacy_digest
from jixiao.audit.models import AuditChainHead, AuditEvent
from jixiao.audit.services import acknowledge_checkpoints, event_fields, record_event, verify_chain

from .conftest import build_world

pytestmark = pytest.mark.tampers

GUESSED_KEY = b"the-attacker-does-not-have-the-audit-key-00000000"


@pytest.fixture
def trail(db: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """The world, with a checkpoint written after each commit."""
    with django_capture_on_commit_callbacks(execute=True):
        world = build_world()
    report = verify_chain()
    assert report.ok, report.problems
    assert report.checked == report.checkpoints == AuditEvent.objects.count() > 50
    return world


def _events() -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("seq"))


def _move_head(event: AuditEvent) -> None:
    AuditChainHead.objects.filter(pk=1).update(seq=event.seq, hash=event.hash)


def _rehash_from(start: AuditEvent, rehash: Any, *, version: int, prev: str | None = None) -> None:
    """Recompute every hash from ``start`` on with ``rehash(fields, chain id)``, relinking, and move the head:
    the rewrite as thorough as an attacker without the key can make it."""
    chain = AuditChainHead.objects.get().chain_id
    prev = start.prev_hash if prev is None else prev
    for event in AuditEvent.objects.filter(seq__gte=start.seq).order_by("seq"):
        event.prev_hash = prev
        event.version = version
        event.hash = rehash(event_fields(event), chain)
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=event.hash, version=version)
        prev = event.hash
    _move_head(AuditEvent.objects.order_by("-seq").first())


def _rewrite_value(event: AuditEvent) -> AuditEvent:
    after = dict(event.after)
    after["value"] = after["value"] + 10
    AuditEvent.objects.filter(pk=event.pk).update(after=after)
    return AuditEvent.objects.get(pk=event.pk)


def _victim() -> AuditEvent:
    return AuditEvent.objects.filter(action="value.set").order_by("seq")[10]


def test_changing_a_byte_of_an_events_after_json_is_detected(trail: Any) -> None:
    victim = _victim()
    with connection.cursor() as cursor:
        cursor.execute("SELECT after FROM audit_auditevent WHERE id = %s", [victim.pk])
        (text,) = cursor.fetchone()
        text = text if isinstance(text, str) else __import__("json").dumps(text)
        assert '"indicator": "' in text
        cursor.execute(
            "UPDATE audit_auditevent SET after = %s WHERE id = %s",
            [text.replace('"indicator": "', '"indicator": "X', 1), victim.pk],
        )
    report = verify_chain()
    assert report.codes == ["event_changed"]
    assert report.problems[0].seq == victim.seq
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit")
    assert raised.value.returncode == 1


def test_deleting_an_event_in_the_middle_is_detected(trail: Any) -> None:
    victim = _events()[60]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
    report = verify_chain()
    assert set(report.codes) == {"event_seq_gap", "event_unlinked", "checkpoint_missing"}
    assert {p.seq for p in report.problems} == {victim.seq + 1, victim.seq}


@pytest.mark.parametrize("where", ["at the end", "in the middle"])
def test_inserting_a_forged_event_is_detected(trail: Any, where: str) -> None:
    events = _events()
    after = events[-1] if where == "at the end" else events[30]
    if where == "in the middle":  # make room: renumber every later event, from the last down
        for event in reversed(events[31:]):
            AuditEvent.objects.filter(pk=event.pk).update(seq=event.seq + 1)
    forged = AuditEvent(
        seq=after.seq + 1,
        at=after.at,
        actor_label="system",
        source=after.source,
        action="value.set",
        object_type=after.object_type,
        object_id=after.object_id,
        after={"value": 100},
        prev_hash=after.hash,
        version=2,
    )
    forged.hash = event_hmac(GUESSED_KEY, AuditChainHead.objects.get().chain_id, event_fields(forged))
    forged.save(force_insert=True)
    if where == "at the end":
        _move_head(forged)
    report = verify_chain(limit_problems=10_000)
    assert ("event_changed", forged.seq) in [(p.code, p.seq) for p in report.problems]
    if where == "in the middle":  # the renumbered events no longer match their checkpoints
        assert "checkpoint_mismatch" in report.codes
        assert "event_unlinked" in report.codes


@pytest.mark.parametrize("version", [1, 2], ids=["passed off as legacy events", "as version-2 events"])
def test_rewriting_an_event_and_rehashing_the_rest_with_plain_sha256_is_detected(trail: Any, version: int) -> None:
    victim = _rewrite_value(_victim())
    _rehash_from(victim, lambda fields, chain: legacy_digest(fields), version=version)
    report = verify_chain(limit_problems=10_000)
    last = AuditEvent.objects.order_by("-seq").first()
    rewritten = set(range(victim.seq, last.seq + 1))
    in_db = "event_version" if version == 1 else "event_changed"
    assert {p.seq for p in report.problems if p.code == in_db} == rewritten
    assert {p.seq for p in report.problems if p.code == "checkpoint_mismatch"} == rewritten
    assert set(report.codes) == {in_db, "checkpoint_mismatch"}


def test_rewriting_an_event_and_rehashing_the_rest_with_a_wrong_key_is_detected(trail: Any) -> None:
    victim = _rewrite_value(_victim())
    _rehash_from(victim, lambda fields, chain: event_hmac(GUESSED_KEY, chain, fields), version=2)
    report = verify_chain(limit_problems=10_000)
    last = AuditEvent.objects.order_by("-seq").first()
    rewritten = set(range(victim.seq, last.seq + 1))
    assert {p.seq for p in report.problems if p.code == "event_changed"} == rewritten
    assert {p.seq for p in report.problems if p.code == "checkpoint_mismatch"} == rewritten
    assert set(report.codes) == {"event_changed", "checkpoint_mismatch"}


def test_truncating_the_tail_and_moving_the_head_back_is_detected_by_the_checkpoints(trail: Any) -> None:
    events = _events()
    AuditEvent.objects.filter(seq__gt=events[-6].seq).delete()
    _move_head(events[-6])
    report = verify_chain()
    assert report.codes == ["checkpoint_beyond"]  # the shorter chain itself is a valid chain
    assert report.problems[0].seq == events[-1].seq
    assert f"{events[-1].seq}" in report.problems[0].message
    client = Client()
    client.force_login(trail.personas["auditor"])
    answer = client.get("/api/audit/verify").json()
    assert (answer["ok"], answer["checked"], answer["checkpoints"]) == (False, len(events) - 5, len(events) - 5)
    assert [p["code"] for p in answer["problems"]] == ["checkpoint_beyond"]
    assert (answer["head_seq"], answer["checkpointed_seq"]) == (events[-6].seq, events[-1].seq)


def test_a_restore_before_the_last_checkpoint_is_reported_until_acknowledged(
    trail: Any, django_capture_on_commit_callbacks: Any
) -> None:
    events = _events()
    restored = events[-6]
    AuditEvent.objects.filter(seq__gt=restored.seq).delete()  # as a restore from an older backup leaves it
    _move_head(restored)
    assert verify_chain().codes == ["checkpoint_beyond"]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():  # the application wrote on
        record_event("value.set", actor=None, object_type="collection.value", after={"value": 1})
    report = verify_chain()
    assert report.codes == ["checkpoint_mismatch", "checkpoint_beyond"]  # #n+1 is another event now
    assert report.diverged_at == restored.seq + 1
    chain = AuditChainHead.objects.get().chain_id
    out = StringIO()
    call_command("verify_audit", "--acknowledge", "restored the backup of 2026-11-20", stdout=out)
    assert f"{chain}" in out.getvalue()
    assert f" {restored.seq + 1} " in out.getvalue()  # the head line (第 N 号, or #N in English)
    assert verify_chain().ok
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        record_event("value.set", actor=None, object_type="collection.value", after={"value": 2})
    report = verify_chain()
    assert report.ok, report.problems
    assert report.checkpointed_seq == restored.seq + 2


def test_acknowledging_does_not_hide_a_changed_event(trail: Any) -> None:
    victim = _rewrite_value(_victim())
    assert acknowledge_checkpoints("an attempt to wave a rewrite through") == []
    assert verify_chain().codes == ["event_changed"]
    assert verify_chain().problems[0].seq == victim.seq


def test_wiping_all_events_and_the_head_is_detected(trail: Any, django_capture_on_commit_callbacks: Any) -> None:
    chain = AuditChainHead.objects.get().chain_id
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
        cursor.execute("DELETE FROM audit_auditchainhead")
    report = verify_chain()
    assert report.codes == ["head_missing", "checkpoint_other_chain"]
    assert chain in report.problems[1].message
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():  # the next write starts afresh
        record_event("value.set", actor=None, object_type="collection.value", after={"value": 1})
    assert verify_chain().codes == ["checkpoint_other_chain"]


def test_replacing_the_head_with_a_fresh_chain_is_detected(trail: Any) -> None:
    AuditEvent.objects.all().delete()
    AuditChainHead.objects.update(chain_id="0" * 32, seq=0, hash="0" * 64, seal="")
    assert verify_chain().codes == ["head_unsealed", "head_mismatch", "checkpoint_other_chain"]


def test_passing_the_whole_trail_off_as_legacy_is_detected_even_without_checkpoints(
    trail: Any, settings: Any, tmp_path: Any
) -> None:
    _rehash_from(_events()[0], lambda fields, chain: legacy_digest(fields), version=1, prev="0" * 64)
    head = AuditChainHead.objects.get()
    AuditChainHead.objects.update(legacy_seq=head.seq)  # "every event is from before the key"
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "lost.log"  # as if the checkpoint file were gone
    assert verify_chain().codes == ["head_seal_mismatch"]  # the seal covers the legacy part
    AuditChainHead.objects.update(seal="")
    assert verify_chain().codes == ["head_unsealed"]
