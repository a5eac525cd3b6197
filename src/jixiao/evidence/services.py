"""Attaching evidence files (佐证材料) to values.

A file is checked before anything is written: its size (``EVIDENCE_MAX_BYTES``, also for paths the upload
handler does not cover, such as a service called with a file from disk) and its content (``inspect_file``). A
refused file leaves no row and no file behind. An accepted one is stored outside the public media path under a
folder of its own; the value's previous file is marked replaced and kept.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from jixiao.audit.services import record_event, snapshot
from jixiao.collection.models import Value
from jixiao.core.choices import Action
from jixiao.core.errors import validate
from jixiao.core.uploads import size_text
from jixiao.evidence.choices import EvidenceAction, FileKind
from jixiao.evidence.errors import EvidenceRefusedError
from jixiao.evidence.filetypes import inspect_file
from jixiao.evidence.models import Evidence


def check_evidence_file(upload: File[Any], name: str | None = None) -> tuple[str, FileKind]:
    """The content type and kind of an evidence file, or ``EvidenceRefusedError``: not over
    ``EVIDENCE_MAX_BYTES``, and of an allowed kind by its content, under a name that fits it. Forms call it to
    show the refusal beside the field; ``do_attach_evidence`` calls it again."""
    name = Path(name if name is not None else upload.name or "").name
    size = upload.size or 0
    if size > settings.EVIDENCE_MAX_BYTES:
        raise EvidenceRefusedError.because(name, EvidenceRefusedError.TOO_LARGE,
                                           limit=size_text(settings.EVIDENCE_MAX_BYTES))
    return inspect_file(upload, name)


def _digest(upload: File[Any]) -> tuple[str, int]:
    """The SHA-256 and size of the file's content, read in chunks."""
    digest, size = hashlib.sha256(), 0
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return digest.hexdigest(), size


def do_attach_evidence(value: Value, upload: File[Any], *, actor: Any) -> Evidence:
    """Attach an evidence file to a value: the caller must be allowed to change the value (an operator for their
    own units, the office; while the cycle is open). The file's content decides whether it is taken; its SHA-256
    and size are recorded; the value's current file, if any, is marked replaced (and kept). Runs in its own
    transaction or in the caller's (``do_set_value`` attaching the file it was given)."""
    name = Path(upload.name or "").name
    with transaction.atomic():
        # The race: two files attached to one value at once would both stay current; the value's row lock
        # makes the second wait for the first and then replace it. Locked alone: the access rules' joins
        # include outer ones, which PostgreSQL does not lock.
        Value.objects.select_for_update().filter(pk=value.pk).first()
        value = Value.objects.select_related("cycle", "subject").get_for(actor, Action.CHANGE, pk=value.pk)
        content_type, _kind = check_evidence_file(upload, name)
        sha256, size = _digest(upload)
        previous = Evidence.objects.filter(value=value, replaced_at__isnull=True).first()
        before = snapshot(previous) if previous is not None else None
        now = timezone.now()
        if previous is not None:
            previous.replaced_at = now
            previous.save(update_fields=["replaced_at"])
        evidence = Evidence(cycle=value.cycle, subject=value.subject, indicator=value.indicator, value=value,
                            name=name, content_type=content_type, size=size, sha256=sha256,
                            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
                            uploaded_at=now)
        evidence.file.save(name, upload, save=False)
        try:
            validate(evidence)
            evidence.save()
            record_event(EvidenceAction.ATTACH, actor=actor, obj=evidence, before=before, after=snapshot(evidence))
        except BaseException:
            evidence.file.delete(save=False)  # the row is not written: neither is its file
            raise
    return evidence
