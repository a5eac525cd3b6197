"""Checkpoints: the chain's head, written after each commit to a file outside the database.

Nothing inside the database can tell that its last events were deleted and the head moved back to an earlier,
valid event: the shorter chain is a perfectly good chain. So after each committing write the new head (chain
id, number, hash) is appended to ``AUDIT_CHECKPOINT_FILE``, one line per event, each line with an HMAC under
the audit key; ``verify_chain`` then requires every checkpointed event to still be in the database with that
hash. Lines are JSON objects, appended with ``O_APPEND`` in a single ``write`` so that writers in several
processes never interleave inside a line.

An acknowledgement line (``jixiao verify_audit --acknowledge REASON``) records that a chain's checkpoints above
a number were lost on purpose (a restore from an older backup, a database started over): checkpoints written
before it above that number no longer count. See docs/audit.md.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from jixiao.audit.chain import mac
from jixiao.audit.keys import audit_key

logger = logging.getLogger(__name__)

CHECKPOINT = "audit-checkpoint"
ACKNOWLEDGEMENT = "audit-acknowledgement"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """One checkpoint line: the chain's event number ``seq`` had hash ``hash`` when ``at`` was written."""

    chain: str
    seq: int
    hash: str
    at: str
    line: int


@dataclass
class CheckpointLog:
    """The checkpoint file as read with a key: the checkpoints that still count, per chain and number, and
    the lines that could not be trusted."""

    path: Path
    lines: int = 0
    bad_lines: list[int] = field(default_factory=list)
    unreadable: str = ""
    chains: dict[str, dict[int, list[Checkpoint]]] = field(default_factory=dict)

    def of(self, chain: str) -> dict[int, list[Checkpoint]]:
        return self.chains.get(chain, {})


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def write_checkpoint(chain: str, seq: int, hash_: str) -> None:
    """Append a checkpoint (run by ``transaction.on_commit``). The write it records has committed, so a
    failure here is logged, not raised: the next commit's checkpoint covers this event too."""
    path = checkpoint_path()
    try:
        _append(path, {"kind": CHECKPOINT, "chain": chain, "seq": seq, "hash": hash_, "at": _now()})
    except (OSError, ImproperlyConfigured) as exc:
        logger.error("audit checkpoint #%s of chain %s not written to %s: %s", seq, chain, path, exc)


def write_acknowledgement(chain: str, seq: int, hash_: str, reason: str) -> None:
    """Append an acknowledgement: the chain's checkpoints above ``seq`` written so far no longer count."""
    _append(
        checkpoint_path(),
        {"kind": ACKNOWLEDGEMENT, "chain": chain, "seq": seq, "hash": hash_, "at": _now(), "reason": reason},
    )


def _now() -> str:
    return timezone.now().isoformat(timespec="seconds")


def _append(path: Path, record: dict[str, Any]) -> None:
    record = {**record, "mac": mac(audit_key(), record)}
    line = (json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n").encode("ascii")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        written = os.write(fd, line)  # one write: O_APPEND puts it whole at the end, after any other writer's
    finally:
        os.close(fd)
    if written != len(line):
        raise OSError(f"only {written} of {len(line)} bytes written")


def read_checkpoints(path: Path | None = None) -> CheckpointLog:
    """Read the checkpoint file, keeping the lines whose HMAC is right under the current key and applying
    the acknowledgements in file order. A missing file is an empty log."""
    path = path or checkpoint_path()
    log = CheckpointLog(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return log
    except OSError as exc:
        log.unreadable = str(exc)
        return log
    key = audit_key()
    chains: dict[str, dict[int, list[Checkpoint]]] = defaultdict(lambda: defaultdict(list))
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        log.lines += 1
        record = _trusted(line, key)
        if record is None:
            log.bad_lines.append(number)
            continue
        chain, seq = record["chain"], record["seq"]
        if record["kind"] == CHECKPOINT:
            chains[chain][seq].append(Checkpoint(chain, seq, record["hash"], record["at"], number))
        else:
            for lost in [s for s in chains[chain] if s > seq]:
                del chains[chain][lost]
    log.chains = {chain: dict(entries) for chain, entries in chains.items() if entries}
    return log


_FIELDS = {
    CHECKPOINT: {"kind", "chain", "seq", "hash", "at", "mac"},
    ACKNOWLEDGEMENT: {"kind", "chain", "seq", "hash", "at", "reason", "mac"},
}


def _trusted(line: bytes, key: bytes) -> dict[str, Any] | None:
    """The line's record if it is well formed and its HMAC is right, else None."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict) or set(record) != _FIELDS.get(str(record.get("kind")), set()):
        return None
    if not all(isinstance(record[name], str) for name in record if name != "seq"):
        return None
    if not isinstance(record["seq"], int) or isinstance(record["seq"], bool) or record["seq"] < 0:
        return None
    expected = mac(key, {name: value for name, value in record.items() if name != "mac"})
    return record if hmac.compare_digest(record["mac"], expected) else None
