"""Evidence files (佐证材料) of entered values."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.core.storage import private_storage
from jixiao.evidence.querysets import EvidenceQuerySet

#: The longest file name kept in the stored path (the original name is kept whole in ``Evidence.name``).
STORED_NAME_MAX = 120


def evidence_file_path(evidence: Evidence, name: str) -> str:
    """Each file in a folder of its own (``evidence/YYYY/MM/<uuid>/<name>``) under the name it was uploaded
    with, shortened when long: two files of the same name never meet, and the folder says when it came."""
    path = Path(name)
    stem = path.stem[: STORED_NAME_MAX - len(path.suffix[:16])] or "file"
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/{stem}{path.suffix[:16]}"


class Evidence(models.Model):
    """One evidence file (佐证材料) of a subject's value of an indicator in a cycle: what the file is (checked
    by its content), its size and SHA-256, who uploaded it and when. A value's current file has no
    ``replaced_at``; attaching another marks it replaced and keeps it, so the history of what was shown stays.
    Deleting the value keeps its files (``value`` becomes empty; cycle, subject and indicator still say whose
    they were)."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="+", verbose_name=_("cycle"))
    subject = models.ForeignKey("cycles.Subject", models.CASCADE, related_name="+", verbose_name=_("subject"))
    indicator = models.CharField(_("indicator"), max_length=64)
    value = models.ForeignKey("collection.Value", models.SET_NULL, null=True, blank=True,
                              related_name="evidence_files", verbose_name=_("value"))
    file = models.FileField(_("file"), storage=private_storage, upload_to=evidence_file_path, max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"))
    replaced_at = models.DateTimeField(_("replaced"), null=True, blank=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ("-uploaded_at", "-pk")
        indexes = (models.Index(fields=["cycle", "subject", "indicator"], name="evidence_subject_idx"),)
        constraints = (
            models.UniqueConstraint(
                fields=["value"],
                condition=models.Q(replaced_at__isnull=True, value__isnull=False),
                name="evidence_one_current_per_value",
                violation_error_message=_("This value already has a current evidence file."),
            ),
        )

    def __str__(self) -> str:
        return f"{self.name} ({self.indicator})"

    @property
    def current(self) -> bool:
        """Whether this is its value's current file (not replaced by a later one)."""
        return self.replaced_at is None
