"""Import jobs (导入任务): a file the office uploaded, and what became of it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# PrivateStorage moved to core; re-exported because migration 0001 names it here.
from jixiao.core.storage import PrivateStorage as PrivateStorage
from jixiao.core.storage import private_storage
from jixiao.imports.choices import ImportKind, JobState
from jixiao.imports.querysets import ImportJobQuerySet


def job_file_path(job: ImportJob, name: str) -> str:
    """Each job's file in a folder of its own, under the name it was uploaded with, so that problems name the
    file the office knows."""
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/{name}"


class ImportJob(models.Model):
    """One uploaded file and its import: who, what kind, into which cycle, the file's SHA-256, and the outcome:
    counts when imported, the first problems (file, row, column, reason) and how many there were when refused.
    Progress while it runs is kept in the cache (``jixiao.imports.services.progress_of``), not in this row, so
    the job's own transaction does not hide it."""

    kind = models.CharField(_("what the file holds"), max_length=16, choices=ImportKind.choices)
    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, null=True, blank=True, related_name="+",
                              verbose_name=_("cycle"))
    file = models.FileField(_("file"), storage=private_storage, upload_to=job_file_path)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    state = models.CharField(_("state"), max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    problems = models.JSONField(_("first problems"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("started by"))
    created_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ("-created_at", "-pk")
        constraints = (
            models.CheckConstraint(
                condition=~models.Q(kind=ImportKind.VALUES) | models.Q(cycle__isnull=False),
                name="imports_importjob_values_have_a_cycle",
                violation_error_message=_("A values file goes into a cycle."),
            ),
        )

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"
