"""Events written before the audit key existed (plain SHA-256, hash version 1) are never rewritten: the
migration marks them version 1, seals the chain, and they verify, with the keyed events after them, on
SQLite and PostgreSQL; changing one is still detected."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from jixiao.audit.chain import LEGACY_GENESIS
from jixiao.audit.models import AuditChainHead, AuditEvent
from jixiao.audit.services import record_event, verify_chain

# serialized_rollback: see test_audit.py (and the migrations below start from the restored head either way).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE_THE_KEY = [("audit", "0002_chain_head")]


def _digest_as_0002_wrote_it(fields: dict[str, Any]) -> str:
    """A frozen copy of the hash the trail had before hash version 2."""
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes("audit")


@pytest.fixture
def before_the_key(transactional_db: Any) -> Iterator[Any]:
    """The database as it was before hash version 2: the audit app migrated to 0002 only."""
    apps = _migrate(BEFORE_THE_KEY)
    try:
        yield apps
    finally:
        _migrate(_latest())


def _write_legacy_events(apps: Any, afters: list[Any]) -> None:
    event_model, head_model = apps.get_model("audit", "AuditEvent"), apps.get_model("audit", "AuditChainHead")
    with transaction.atomic():
        head_model.objects.update_or_create(pk=1, defaults={"seq": 0, "hash": LEGACY_GENESIS})
        prev = LEGACY_GENESIS
        for seq, after in enumerate(afters, start=1):
            at = timezone.now()
            fields = {
                "seq": seq,
                "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
                "actor_id": None,
                "actor_label": "system",
                "source": "command",
                "context": "import values",
                "action": "value.set",
                "object_type": "collection.value",
                "object_id": str(seq),
                "object_repr": f"值 {seq}",
                "before": None,
                "after": after,
                "prev_hash": prev,
            }
            prev = _digest_as_0002_wrote_it(fields)
            event_model.objects.create(**{k: v for k, v in fields.items() if k != "at"}, at=at, hash=prev)
        head_model.objects.filter(pk=1).update(seq=len(afters), hash=prev)


def test_events_written_before_the_key_keep_their_digest_and_verify(before_the_key: Any) -> None:
    _write_legacy_events(before_the_key, [{"value": 97.5}, {"value": 1e16, "note": "大数"}, {"value": [0.1, 10**30]}])
    hashes = {e["seq"]: e["hash"] for e in before_the_key.get_model("audit", "AuditEvent").objects.values()}
    _migrate(_latest())
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "version")) == [(1, 1), (2, 1), (3, 1)]
    assert dict(AuditEvent.objects.values_list("seq", "hash")) == hashes  # never rewritten
    head = AuditChainHead.objects.get()
    assert (head.seq, head.legacy_seq, len(head.chain_id), len(head.seal)) == (3, 3, 32, 64)
    report = verify_chain()
    assert report.ok, report.problems  # 1e16 included: on PostgreSQL it comes back as an integer
    with transaction.atomic():
        event = record_event("value.set", actor=None, object_type="collection.value", after={"value": 1e16})
    assert (event.seq, event.version, event.prev_hash) == (4, 2, hashes[3])
    report = verify_chain()
    assert report.ok, report.problems
    assert report.checked == 4


@pytest.mark.tampers
def test_a_changed_legacy_event_is_still_detected(before_the_key: Any) -> None:
    _write_legacy_events(before_the_key, [{"value": 97.5}, {"value": 88}])
    _migrate(_latest())
    AuditEvent.objects.filter(seq=1).update(after={"value": 99.5})
    assert verify_chain().codes == ["event_changed"]


def test_an_empty_trail_starts_a_chain_of_its_own_at_migration(before_the_key: Any) -> None:
    before_the_key.get_model("audit", "AuditChainHead").objects.update_or_create(
        pk=1, defaults={"seq": 0, "hash": LEGACY_GENESIS}
    )
    _migrate(_latest())
    head = AuditChainHead.objects.get()
    assert (head.seq, head.legacy_seq) == (0, 0)
    assert head.hash != LEGACY_GENESIS  # the chain's own genesis
    with transaction.atomic():
        event = record_event("value.set", actor=None, object_type="collection.value", after={"value": 1})
    assert (event.seq, event.version, event.prev_hash) == (1, 2, head.hash)
    assert verify_chain().ok
