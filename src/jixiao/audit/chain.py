"""The formulas of the audit chain, apart from the database so that the migrations can use them too.

Version 1 (legacy, events written before hash version 2 existed): ``hash = SHA-256`` of the event's fields as
``json.dumps(sort_keys=True)``, no secret. Anyone who can write to the database can recompute it, so a
version-1 event is only as good as the version-2 event after it that links to it.

Version 2: ``hash = HMAC-SHA256(AUDIT_KEY, canonical(fields))`` where the fields include the version and the
chain's id (``jixiao.audit.canonical`` gives numbers a form that survives PostgreSQL and SQLite). Without the
key, an event can be neither changed nor made up.

A chain has a random id, made with its head row. A new chain (no legacy events) starts from
``genesis(chain_id)`` instead of zeros. The head row carries a seal, ``HMAC(key, chain id, legacy_seq)``: it
ties the chain's id and its legacy part (events 1 to ``legacy_seq``, the only ones that may be version 1) to
the key, so that neither can be changed without it, and it tells at once whether the key in use is the one
the trail was written with.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sys
from decimal import Decimal
from typing import Any

from jixiao.audit.canonical import canonical

LEGACY_GENESIS = "0" * 64
MAX_FLOAT = int(sys.float_info.max)


def new_chain_id() -> str:
    return secrets.token_hex(16)


def genesis(chain_id: str) -> str:
    """The ``prev_hash`` of the first event of a chain that has no legacy events."""
    return hashlib.sha256(f"jixiao-audit-genesis:{chain_id}".encode()).hexdigest()


def mac(key: bytes, fields: dict[str, Any]) -> str:
    """HMAC-SHA256 of the canonical text of ``fields``; every use puts its own ``kind`` in the fields, so
    that an event, a seal and a checkpoint line can never share a text."""
    return hmac.new(key, canonical(fields).encode("ascii"), hashlib.sha256).hexdigest()


def seal(key: bytes, chain_id: str, legacy_seq: int) -> str:
    return mac(key, {"kind": "audit-chain-seal", "chain": chain_id, "legacy_seq": legacy_seq})


def event_hmac(key: bytes, chain_id: str, fields: dict[str, Any]) -> str:
    """Hash version 2 of an event whose fields (all but the hash) are ``fields``."""
    return mac(key, {**fields, "kind": "audit-event", "version": 2, "chain": chain_id})


def legacy_digest(fields: dict[str, Any]) -> str:
    """Hash version 1, exactly as it was written."""
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def legacy_digests(fields: dict[str, Any]) -> tuple[str, ...]:
    """The version-1 digests a legacy event may match: as read back, and, when it holds an integer that
    PostgreSQL made of a float (``1e16`` stored, ``10000000000000000`` read back), with those integers turned
    back into the floats they were written as. Version 1 has no secret, so accepting both costs nothing."""
    as_read = legacy_digest(fields)
    if not _has_float_made_integer(fields):
        return (as_read,)
    return as_read, legacy_digest(_floats_back(fields))


def _is_float_made_integer(value: Any) -> bool:
    """An integer from 1e16 up that is exactly the decimal a float's repr names: what PostgreSQL's jsonb
    gives back for that float (Python writes floats from 1e16 up with an exponent, jsonb prints them in full)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 10**16 <= abs(value) <= MAX_FLOAT:
        return False
    return Decimal(repr(float(value))) == value


def _has_float_made_integer(value: Any) -> bool:
    if isinstance(value, list):
        return any(_has_float_made_integer(item) for item in value)
    if isinstance(value, dict):
        return any(_has_float_made_integer(item) for item in value.values())
    return _is_float_made_integer(value)


def _floats_back(value: Any) -> Any:
    if isinstance(value, list):
        return [_floats_back(item) for item in value]
    if isinstance(value, dict):
        return {key: _floats_back(item) for key, item in value.items()}
    return float(value) if _is_float_made_integer(value) else value
