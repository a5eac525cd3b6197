"""Where each unit's data of a cycle stand in the approval, and the steps that brought them there."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.approval.choices import Step, SubmissionState
from jixiao.approval.querysets import SubmissionQuerySet


class Submission(models.Model):
    """The approval state of one subject's data (a unit in a cycle). A subject without one is a draft."""

    subject = models.OneToOneField(
        "cycles.Subject", models.CASCADE, related_name="submission", verbose_name=_("subject")
    )
    cycle = models.ForeignKey(
        "cycles.Cycle", models.CASCADE, related_name="submissions", verbose_name=_("cycle")
    )
    state = models.CharField(
        _("state"), max_length=16, choices=SubmissionState.choices, default=SubmissionState.DRAFT
    )
    reason = models.TextField(_("reason"), blank=True)
    changed_at = models.DateTimeField(_("changed"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("changed by"),
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        indexes = (models.Index(fields=["cycle", "state"], name="approval_cycle_state_idx"),)

    def __str__(self) -> str:
        return f"{self.subject_id}: {self.state}"


class SubmissionStep(models.Model):
    """One step of the approval, with its reason (the audit trail holds the same, hash-chained)."""

    submission = models.ForeignKey(Submission, models.CASCADE, related_name="steps", verbose_name=_("submission"))
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    before = models.CharField(_("from"), max_length=16, choices=SubmissionState.choices)
    after = models.CharField(_("to"), max_length=16, choices=SubmissionState.choices)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ("-at", "-pk")

    def __str__(self) -> str:
        return f"{self.step}: {self.before} -> {self.after}"
