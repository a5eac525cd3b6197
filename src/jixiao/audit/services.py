"""Writing and checking the audit trail.

``record_event`` is called by every service function inside its own transaction, so that the write and
its event commit together or not at all. Events form a hash chain: each event's hash covers its fields
and the previous event's hash; ``verify_chain`` recomputes the chain and reports any break.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

from jixiao.audit.context import current_source
from jixiao.audit.errors import AuditOutsideTransactionError
from jixiao.audit.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj`` as plain JSON (foreign keys as ids, files as names)."""
    out: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        value = getattr(obj, f.attname)
        if isinstance(f, models.FileField):
            value = value.name if value else ""
        out[f.name] = value
    result: dict[str, Any] = plain(out)
    return result


def plain(data: Any) -> Any:
    """``data`` as JSON-native values, so that the stored event hashes the same when read back."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))


def _digest(fields: dict[str, Any]) -> str:
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fields(event: AuditEvent) -> dict[str, Any]:
    """What the hash covers: everything of the event but the hash itself."""
    return {
        "seq": event.seq,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "source": event.source,
        "context": event.context,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "prev_hash": event.prev_hash,
    }


def record_event(
    action: str,
    *,
    actor: Any,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    object_repr: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Append an event to the chain. Must run inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise AuditOutsideTransactionError()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    source, context = current_source()
    # The race: two transactions appending at once would both read the same head and fork the chain (two
    # events claiming the same predecessor). Locking the head row makes appends take turns; on SQLite the
    # IMMEDIATE transaction mode gives the same guarantee for the whole database.
    # The head row is made by a migration (audit 0002); only a flushed database (tests) lacks it.
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        seq=head.seq + 1,
        at=timezone.now(),
        actor=user,
        actor_label=user.get_username() if user is not None else "system",
        source=source,
        context=context,
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:64],
        object_repr=str(object_repr)[:200],
        before=plain(before),
        after=plain(after),
        prev_hash=head.hash,
    )
    event.hash = _digest(_fields(event))
    event.save(force_insert=True)
    head.seq, head.hash = event.seq, event.hash
    head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class ChainReport:
    """The result of a check: how many events were checked and every problem found."""

    checked: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(limit_problems: int = 50) -> ChainReport:
    """Recompute every event's hash in order and check the links and the head."""
    problems: list[str] = []
    prev = GENESIS
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        checked += 1
        if event.seq != expected_seq:
            problems.append(
                f"event #{event.seq}: expected #{expected_seq} (an event was removed or inserted)"
            )
        if event.prev_hash != prev:
            problems.append(f"event #{event.seq}: does not link to the event before it")
        if _digest(_fields(event)) != event.hash:
            problems.append(f"event #{event.seq}: its content does not match its hash (it was changed)")
        prev = event.hash
        expected_seq = event.seq + 1
        if len(problems) >= limit_problems:
            break
    head = AuditChainHead.objects.filter(pk=1).first()
    if len(problems) < limit_problems:
        head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
        if head_seq != expected_seq - 1 or head_hash != prev:
            problems.append(
                f"the chain head (#{head_seq}) does not match the last event (#{expected_seq - 1}): "
                "events were removed from the end"
            )
    return ChainReport(checked, problems)
