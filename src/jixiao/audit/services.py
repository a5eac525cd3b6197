"""Writing and checking the audit trail.

``record_event`` is called by every service function inside its own transaction, so that the write and
its event commit together or not at all. Events form a chain: each event's hash covers its fields and the
previous event's hash, as an HMAC under the audit key (``jixiao.audit.chain``), and after each commit the new
head is checkpointed to a file outside the database (``jixiao.audit.checkpoints``). ``verify_chain``
recomputes the chain and compares it with the checkpoints. What this does and does not guarantee, per
attacker: docs/audit.md.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from functools import partial
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from jixiao.audit.chain import event_hmac, genesis, new_chain_id, seal
from jixiao.audit.checkpoints import read_checkpoints, write_acknowledgement, write_checkpoint
from jixiao.audit.context import current_source
from jixiao.audit.errors import AuditKeyMismatchError, AuditOutsideTransactionError
from jixiao.audit.keys import audit_key, key_source
from jixiao.audit.models import AuditChainHead, AuditEvent
from jixiao.audit.verify import ChainReport, Problem, Verifier

__all__ = [
    "ChainReport",
    "Problem",
    "acknowledge_checkpoints",
    "plain",
    "record_event",
    "snapshot",
    "verify_chain",
]


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
    """``data`` as JSON-native values, as the database will store them. Not-a-number and the infinities
    have no JSON form PostgreSQL accepts: they are kept as the strings ``"NaN"``, ``"Infinity"`` and
    ``"-Infinity"``.

    >>> plain({"when": __import__("datetime").date(2026, 1, 2), "x": float("-inf"), 1: [float("nan")]})
    {'when': '2026-01-02', 'x': '-Infinity', '1': ['NaN']}
    """
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False), parse_constant=str)


def event_fields(event: AuditEvent) -> dict[str, Any]:
    """What the hash covers: everything of the event but the hash itself (and, for version 2, the
    version and the chain's id, which ``jixiao.audit.chain.event_hmac`` adds)."""
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
    """Append an event to the chain and checkpoint it once the caller's transaction commits. Must run
    inside that transaction. Refuses (``AuditKeyMismatchError``) when the audit key is not the one the
    chain was sealed with."""
    if not connection.in_atomic_block:
        raise AuditOutsideTransactionError()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    source, context = current_source()
    key = audit_key()
    head = _locked_head(key)
    if not hmac.compare_digest(head.seal, seal(key, head.chain_id, head.legacy_seq)):
        raise AuditKeyMismatchError(source=key_source())
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
        version=2,
    )
    event.hash = event_hmac(key, head.chain_id, event_fields(event))
    event.save(force_insert=True)
    head.seq, head.hash = event.seq, event.hash
    head.save(update_fields=["seq", "hash"])
    # After the commit, not before: a checkpoint of an event that was rolled back would report a rewrite.
    transaction.on_commit(partial(write_checkpoint, head.chain_id, event.seq, event.hash), robust=True)
    return event


def _locked_head(key: bytes) -> AuditChainHead:
    # The race: two transactions appending at once would both read the same head and fork the chain (two
    # events claiming the same predecessor). Locking the head row makes appends take turns; on SQLite the
    # IMMEDIATE transaction mode gives the same guarantee for the whole database.
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # The head row is made by a migration (audit 0002, sealed by 0004); only a flushed database (tests)
        # lacks it. It starts a new chain with a new id; in production, `verify_audit` would report the
        # checkpoints of the chain that was wiped.
        chain_id = new_chain_id()
        AuditChainHead.objects.get_or_create(
            pk=1,
            defaults={
                "seq": 0,
                "hash": genesis(chain_id),
                "chain_id": chain_id,
                "legacy_seq": 0,
                "seal": seal(key, chain_id, 0),
            },
        )
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


@contextmanager
def _consistent_reads() -> Iterator[None]:
    """One view of the head and the events, so that a write committing meanwhile is seen whole or not at
    all: on PostgreSQL a REPEATABLE READ transaction (writers go on), on SQLite a transaction (writers wait)."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def verify_chain(limit_problems: int = 50) -> ChainReport:
    """Check the whole trail: consecutive numbers, each event's link to the one before, each hash (version 1
    digest, version 2 HMAC), the head's seal and that the head is the last event, and that every checkpoint of
    this chain still matches its event. Checkpoints of another chain that were not acknowledged are reported
    too (the trail was wiped and started over, or the file belongs to another database)."""
    # The checkpoints first: each was written after its event committed, so every one of them must be in
    # the view of the database taken afterwards.
    log = read_checkpoints()
    with _consistent_reads():
        head = AuditChainHead.objects.filter(pk=1).first()
        verifier = Verifier(audit_key(), head, log)
        for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
            verifier.event(event.seq, event.version, event.prev_hash, event.hash, event_fields(event))
    return verifier.report(limit_problems)


def acknowledge_checkpoints(reason: str) -> list[tuple[str, int]]:
    """Accept that the database went back on purpose (a restore from an older backup, a database started
    over): this chain's checkpoints from the first one the database no longer matches on stop counting, and
    so do every other chain's. Writes one acknowledgement line per chain (with the reason; it needs the key)
    and returns (chain, number acknowledged up to). Checkpoints written later count again, and whatever is
    wrong inside the database (a changed event, a gap) stays reported."""
    report = verify_chain(limit_problems=0)
    log = read_checkpoints()
    done: list[tuple[str, int]] = []
    if report.chain and report.diverged_at is not None:
        seq = report.diverged_at - 1
        last = AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first() or ""
        write_acknowledgement(report.chain, seq, last, reason)
        done.append((report.chain, seq))
    for chain in log.chains:
        if chain != report.chain:
            write_acknowledgement(chain, 0, "", reason)
            done.append((chain, 0))
    return done
