"""The rules of ``jixiao.audit.services.verify_chain``, applied one event at a time, and its report.

Each problem has a stable ``code`` (for programs and tests) and a translated message (for people).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from jixiao.audit.chain import LEGACY_GENESIS, event_hmac, genesis, legacy_digests, seal
from jixiao.audit.checkpoints import Checkpoint, CheckpointLog
from jixiao.audit.keys import key_source
from jixiao.audit.models import AuditChainHead

KEY_HINT_CODES = frozenset({"head_seal_mismatch", "events_key_mismatch", "checkpoint_key_mismatch"})


@dataclass(frozen=True)
class Problem:
    """One thing found wrong: ``code`` is stable, ``message`` is in the active language."""

    code: str
    message: str
    seq: int | None = None

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ChainReport:
    """The result of a check: how many events and checkpoints were checked, every problem found, and the
    chain's head (to be copied off the host: docs/audit.md)."""

    checked: int
    checkpoints: int
    problems: list[Problem]
    chain: str = ""
    head_seq: int = 0
    head_hash: str = ""
    checkpointed_seq: int = 0
    diverged_at: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]


@dataclass
class Verifier:
    """Fed the events in order of ``seq``, then asked for the report."""

    key: bytes
    head: AuditChainHead | None
    log: CheckpointLog
    checked: int = 0
    checkpoints: int = 0
    _event_problems: list[Problem] = field(default_factory=list)
    _hmac_good: int = 0
    _hmac_bad: list[int] = field(default_factory=list)
    _checkpoint_mismatches: list[Checkpoint] = field(default_factory=list)
    _visited_checkpoints: set[int] = field(default_factory=set)
    _prev: str | None = None
    _last_seq: int = 0
    _last_hash: str = ""
    _seen_v2: bool = False
    chain: str = field(init=False)
    expected: dict[int, list[Checkpoint]] = field(init=False)
    seal_ok: bool = field(init=False)

    def __post_init__(self) -> None:
        self.chain = self.head.chain_id if self.head is not None else ""
        self.expected = self.log.of(self.chain) if self.head is not None else {}
        self._last_hash = genesis(self.chain) if self.head is not None else ""
        self.seal_ok = self.head is not None and hmac.compare_digest(
            self.head.seal, seal(self.key, self.chain, self.head.legacy_seq)
        )

    def event(self, seq: int, version: int, prev_hash: str, hash_: str, fields: dict[str, Any]) -> None:
        self.checked += 1
        expected_seq = self._last_seq + 1
        if seq != expected_seq:
            self._flag(seq, "event_seq_gap", _("Event #%(seq)s: expected #%(expected)s (an event was removed or "
                                               "inserted).") % {"seq": seq, "expected": expected_seq})
        self._check_link(seq, version, prev_hash)
        self._check_version(seq, version)
        self._check_hash(seq, version, hash_, fields)
        for checkpoint in self.expected.get(seq, ()):
            self.checkpoints += 1
            if checkpoint.hash != hash_:
                self._checkpoint_mismatches.append(checkpoint)
        if seq in self.expected:
            self._visited_checkpoints.add(seq)
        self._prev = hash_
        self._last_seq, self._last_hash = seq, hash_

    def _flag(self, seq: int | None, code: str, message: str) -> None:
        self._event_problems.append(Problem(code, message, seq))

    def _check_link(self, seq: int, version: int, prev_hash: str) -> None:
        if self._prev is not None:
            expected: str | None = self._prev
        elif version == 1:
            expected = LEGACY_GENESIS
        else:
            expected = genesis(self.chain) if self.head is not None else None
        if expected is not None and prev_hash != expected:
            self._flag(seq, "event_unlinked", _("Event #%(seq)s does not link to the event before it.") % {"seq": seq})

    def _check_version(self, seq: int, version: int) -> None:
        due = self._due_version(seq, version)
        self._seen_v2 = self._seen_v2 or version == 2
        if version != due:
            self._flag(seq, "event_version", _(
                "Event #%(seq)s has hash version %(version)s where version %(due)s is due: only the events "
                "written before the audit key existed are version 1."
            ) % {"seq": seq, "version": version, "due": due})

    def _due_version(self, seq: int, version: int) -> int:
        if self.head is not None:
            return 1 if seq <= self.head.legacy_seq else 2
        return 2 if self._seen_v2 else version  # without the head: version 1 only before any version 2

    def _check_hash(self, seq: int, version: int, hash_: str, fields: dict[str, Any]) -> None:
        if version == 2:
            if self.head is None:
                return  # no chain id to check against; the missing head is reported
            if hmac.compare_digest(hash_, event_hmac(self.key, self.chain, fields)):
                self._hmac_good += 1
            else:
                self._hmac_bad.append(seq)
        elif version != 1 or hash_ not in legacy_digests(fields):
            self._changed(seq)

    def _changed(self, seq: int) -> None:
        self._flag(seq, "event_changed",
                   _("Event #%(seq)s: its content does not match its hash (it was changed).") % {"seq": seq})

    def report(self, limit_problems: int = 50) -> ChainReport:
        if self._hmac_bad and not self.seal_ok and not self._hmac_good:
            self._event_problems.append(Problem("events_key_mismatch", _(
                "None of the %(count)s events written with an audit key matches its HMAC under this key "
                "(%(source)s): is AUDIT_KEY the key the trail was written with?"
            ) % {"count": len(self._hmac_bad), "source": key_source()}))
        else:
            for seq in self._hmac_bad:
                self._changed(seq)
        problems = [
            *self._head_problems(),
            *sorted(self._event_problems, key=lambda p: p.seq or 0),
            *self._checkpoint_problems(),
            *self._file_problems(),
        ]
        if len(problems) > limit_problems:
            more = len(problems) - limit_problems
            problems = [*problems[:limit_problems],
                        Problem("more", _("… and %(count)s more problems.") % {"count": more})]
        return ChainReport(
            checked=self.checked,
            checkpoints=self.checkpoints,
            problems=problems,
            chain=self.chain,
            head_seq=self.head.seq if self.head is not None else 0,
            head_hash=self.head.hash if self.head is not None else "",
            checkpointed_seq=max(self.expected, default=0),
            diverged_at=self._diverged_at(),
        )

    def _diverged_at(self) -> int | None:
        """The lowest number whose checkpoint the database no longer matches (changed, or beyond the end):
        where a restored database went its own way."""
        beyond = (seq for seq in self.expected if seq > self._last_seq)
        return min([*(cp.seq for cp in self._checkpoint_mismatches), *beyond], default=None)

    def _head_problems(self) -> list[Problem]:
        head = self.head
        if head is None:
            return [Problem("head_missing", _(
                "The chain head is missing: the trail was wiped, or the database was never migrated."))]
        problems = []
        if not head.seal:
            problems.append(Problem("head_unsealed", _("The chain head has no seal: it was replaced.")))
        elif not self.seal_ok:
            problems.append(Problem("head_seal_mismatch", _(
                "The chain head's seal does not match the audit key (%(source)s): is AUDIT_KEY the key the "
                "trail was written with? If it is, the head's chain id or legacy part was changed."
            ) % {"source": key_source()}))
        if (head.seq, head.hash) != (self._last_seq, self._last_hash):
            problems.append(Problem("head_mismatch", _(
                "The chain head (#%(head)s) does not match the last event (#%(last)s): events were removed "
                "from the end, or added behind the head's back."
            ) % {"head": head.seq, "last": self._last_seq}))
        return problems

    def _checkpoint_problems(self) -> list[Problem]:
        problems = [
            Problem("checkpoint_mismatch", _(
                "Event #%(seq)s does not match its checkpoint of %(at)s (line %(line)s of the checkpoint file): "
                "it was rewritten after it was recorded."
            ) % {"seq": cp.seq, "at": cp.at, "line": cp.line}, cp.seq)
            for cp in self._checkpoint_mismatches
        ]
        unseen = sorted(seq for seq in self.expected if seq not in self._visited_checkpoints)
        beyond = [seq for seq in unseen if seq > self._last_seq]
        problems += [
            Problem("checkpoint_missing", _("Checkpointed event #%(seq)s is missing from the database.")
                    % {"seq": seq}, seq)
            for seq in unseen
            if seq <= self._last_seq
        ]
        if beyond:
            last = self.expected[beyond[-1]][-1]
            problems.append(Problem("checkpoint_beyond", _(
                "%(count)s checkpoints, up to #%(seq)s of %(at)s, are beyond the last event #%(last)s: events "
                "were removed from the end, or the database was restored from an older backup. If the restore "
                "was intended, acknowledge it with `jixiao verify_audit --acknowledge REASON` (docs/audit.md)."
            ) % {"count": len(beyond), "seq": last.seq, "at": last.at, "last": self._last_seq}, last.seq))
        for chain, entries in self.log.chains.items():
            if chain == self.chain and self.head is not None:
                continue
            last = entries[max(entries)][-1]
            problems.append(Problem("checkpoint_other_chain", _(
                "The checkpoint file records chain %(chain)s (%(count)s checkpoints, up to #%(seq)s of %(at)s), "
                "which is not this database's chain: the trail was wiped and started over, or the file belongs "
                "to another database (docs/audit.md)."
            ) % {"chain": chain, "count": sum(map(len, entries.values())), "seq": last.seq, "at": last.at}))
        return problems

    def _file_problems(self) -> list[Problem]:
        log = self.log
        if log.unreadable:
            return [Problem("checkpoint_unreadable", _("The checkpoint file %(path)s cannot be read: %(error)s")
                            % {"path": log.path, "error": log.unreadable})]
        if log.bad_lines and len(log.bad_lines) == log.lines:
            return [Problem("checkpoint_key_mismatch", _(
                "None of the %(count)s lines of the checkpoint file %(path)s has a valid HMAC under the audit "
                "key (%(source)s): is AUDIT_KEY the key the trail was written with?"
            ) % {"count": log.lines, "path": log.path, "source": key_source()})]
        return [
            Problem("checkpoint_line_bad", _(
                "Line %(line)s of the checkpoint file %(path)s is damaged or was not written with the audit key."
            ) % {"line": line, "path": log.path})
            for line in log.bad_lines
        ]
