"""Corrections made in review, appeals with their steps, and hearings."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.core.storage import private_storage
from jixiao.review.choices import AppealState, AppealStep, AppealTarget, HearingDecision
from jixiao.review.querysets import AppealQuerySet, CorrectionQuerySet, HearingQuerySet


class Correction(models.Model):
    """The office corrected a value after the machine score (复核更正), in its review or deciding an appeal,
    with a reason. ``before`` is the value as it stood (null: there was none); the value itself carries the new
    one, and the results version made by the recompute that followed is ``version``."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="corrections", verbose_name=_("cycle"))
    subject = models.ForeignKey("cycles.Subject", models.CASCADE, related_name="corrections",
                                verbose_name=_("subject"))
    indicator = models.CharField(_("indicator"), max_length=64)
    before = models.FloatField(_("before"), null=True, blank=True)
    after = models.FloatField(_("after"))
    reason = models.TextField(_("reason"))
    appeal = models.ForeignKey("review.Appeal", models.SET_NULL, null=True, blank=True, related_name="corrections",
                               verbose_name=_("appeal"))
    version = models.PositiveIntegerField(_("results version"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("by"))
    at = models.DateTimeField(_("at"))

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ("-at", "-pk")

    def __str__(self) -> str:
        return f"{self.subject_id} {self.indicator}: {self.before} -> {self.after}"


def appeal_file_path(appeal: Appeal, name: str) -> str:
    """Each appeal's evidence in a folder of its own, under the name it was uploaded with (shortened)."""
    path = Path(name)
    return f"appeals/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/{path.stem[:100] or 'file'}{path.suffix[:16]}"


class Appeal(models.Model):
    """An assessed unit's appeal (申诉) against its published result: an indicator's score, the total or the
    grade, with grounds, the line of the explanation (得分说明) it disputes, and evidence. Drafted by the unit's
    operator, signed by its leader before the publicity ends; decided by the office, directly or after a
    hearing."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="appeals", verbose_name=_("cycle"))
    subject = models.ForeignKey("cycles.Subject", models.CASCADE, related_name="appeals", verbose_name=_("unit"))
    target = models.CharField(_("contests"), max_length=16, choices=AppealTarget.choices)
    indicator = models.CharField(_("indicator"), max_length=64, blank=True)
    grounds = models.TextField(_("grounds"))
    cited = models.TextField(_("explanation line disputed"), blank=True)
    evidence = models.FileField(_("evidence"), storage=private_storage, upload_to=appeal_file_path, max_length=255,
                                blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=AppealState.choices, default=AppealState.DRAFT)
    decision = models.TextField(_("decision and reasons"), blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("drafted by"))
    drafted_at = models.DateTimeField(_("drafted"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("signed by"))
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ("-drafted_at", "-pk")
        indexes = (models.Index(fields=["cycle", "state"], name="review_appeal_state_idx"),)
        constraints = (
            models.CheckConstraint(
                condition=~models.Q(target=AppealTarget.INDICATOR) | ~models.Q(indicator=""),
                name="review_appeal_indicator_named",
                violation_error_message=_("An appeal against an indicator names the indicator."),
            ),
        )

    def __str__(self) -> str:
        return f"{self.subject_id} {self.target} {self.indicator} ({self.state})"


class AppealLog(models.Model):
    """One step of an appeal, as the appellant sees it (the audit trail holds the same, hash-chained)."""

    appeal = models.ForeignKey(Appeal, models.CASCADE, related_name="steps", verbose_name=_("appeal"))
    step = models.CharField(_("step"), max_length=16, choices=AppealStep.choices)
    before = models.CharField(_("from"), max_length=16, choices=AppealState.choices, blank=True)
    after = models.CharField(_("to"), max_length=16, choices=AppealState.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("by"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("appeal step")
        verbose_name_plural = _("appeal steps")
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.step} -> {self.after}"


class Hearing(models.Model):
    """A hearing (听证) of a disputed appeal: when and where, who takes part (the unit, the office, the
    indicator's data owner, observers), the minutes and the decision the office records."""

    appeal = models.OneToOneField(Appeal, models.CASCADE, related_name="hearing", verbose_name=_("appeal"))
    scheduled_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    participants = models.TextField(_("participants"))
    observers = models.TextField(_("observers"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=HearingDecision.choices, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))

    objects = HearingQuerySet.as_manager()

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ("scheduled_at", "pk")

    def __str__(self) -> str:
        return f"{self.appeal_id} @ {self.scheduled_at:%Y-%m-%d %H:%M}"
