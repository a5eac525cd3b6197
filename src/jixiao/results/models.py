"""Results (考核结果) per cycle and subject, written only by computing the cycle."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.results.choices import VersionKind
from jixiao.results.querysets import ResultQuerySet, ResultVersionQuerySet


class Result(models.Model):
    """A subject's result: total, points earned and available per scheme node, rank, grade (等次), flags, the
    engine version and time. ``explanation`` (得分说明) is written on first request and cleared by a recompute."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="results", verbose_name=_("cycle"))
    subject = models.OneToOneField(
        "cycles.Subject", models.CASCADE, related_name="result", verbose_name=_("subject")
    )
    total = models.FloatField(_("total"))
    rank = models.PositiveIntegerField(_("rank"))
    grade = models.CharField(_("grade"), max_length=32, blank=True)
    flags = models.CharField(_("flags"), max_length=1000, blank=True)
    points = models.JSONField(_("points by node"))
    #: The points each node was worth for this subject (SCORING.md, Points), as the engine worked them out: the
    #: pages show "earned of available" from here and never recompute it.
    available = models.JSONField(_("points available by node"), default=dict)
    explanation = models.TextField(_("explanation"), blank=True)
    engine_version = models.CharField(_("engine version"), max_length=16)
    computed_at = models.DateTimeField(_("computed"))

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ("cycle", "subject__category", "rank")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(total__gte=0),
                name="results_result_total_not_negative",
                violation_error_message=_("A total is never below 0."),
            ),
            models.CheckConstraint(
                condition=models.Q(rank__gte=1),
                name="results_result_rank_positive",
                violation_error_message=_("Ranks start at 1."),
            ),
        )
        indexes = (models.Index(fields=["cycle", "rank"], name="results_result_cycle_rank_idx"),)

    def __str__(self) -> str:
        return f"{self.subject_id}: {self.total:.2f} {self.grade}"


class ResultVersion(models.Model):
    """One version of a cycle's results after the machine score (结果版本): the machine score itself, each
    recompute after a review correction or an appeal, the results put to publicity and the final ones. Nothing
    is overwritten: ``Result`` holds the current results, the versions keep every earlier set as it was, so
    the machine result stays beside the reviewed one and the final publication can say what changed and why.
    ``rows`` maps each subject code to its total, rank, grade and flags."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="result_versions",
                              verbose_name=_("cycle"))
    number = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=16, choices=VersionKind.choices)
    reason = models.TextField(_("reason"), blank=True)
    rows = models.JSONField(_("results"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("made"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("by"))

    objects = ResultVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("results version")
        verbose_name_plural = _("results versions")
        ordering = ("cycle", "number")
        constraints = (
            models.UniqueConstraint(fields=["cycle", "number"], name="results_version_number_unique",
                                    violation_error_message=_("This version of the results exists already.")),
        )

    def __str__(self) -> str:
        return f"{self.cycle_id} v{self.number} ({self.kind})"
