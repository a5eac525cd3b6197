"""What a cycle is scored from: negotiated targets, values with their provenance, and ratings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jixiao.collection.choices import ValueSource
from jixiao.collection.querysets import RatingQuerySet, TargetQuerySet, ValueQuerySet


class Target(models.Model):
    """A negotiated target (协商目标值) for one subject and indicator, overriding the scheme's floor and/or
    target in this cycle."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="targets", verbose_name=_("cycle"))
    subject = models.ForeignKey(
        "cycles.Subject", models.CASCADE, related_name="targets", verbose_name=_("subject")
    )
    indicator = models.CharField(_("indicator"), max_length=64)
    floor = models.FloatField(_("floor"), null=True, blank=True)
    target = models.FloatField(_("target"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("negotiated target")
        verbose_name_plural = _("negotiated targets")
        constraints = (
            models.UniqueConstraint(
                fields=["subject", "indicator"],
                name="collection_target_unique",
                violation_error_message=_("This subject already has a target for it."),
            ),
            models.CheckConstraint(
                condition=models.Q(floor__isnull=False) | models.Q(target__isnull=False),
                name="collection_target_floor_or_target",
                violation_error_message=_("Give a floor, a target or both."),
            ),
        )

    def __str__(self) -> str:
        return f"{self.subject.code} {self.indicator}: {self.floor} -> {self.target}"


class Value(models.Model):
    """An actual value (实际值) of one indicator (or bonus, penalty, veto item) for one subject, with where
    it came from: source, who entered it and when, a note, its version, and the check's warnings with the
    explanation given. Its evidence files are ``jixiao.evidence``'s."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="values", verbose_name=_("cycle"))
    subject = models.ForeignKey(
        "cycles.Subject", models.CASCADE, related_name="values", verbose_name=_("subject")
    )
    indicator = models.CharField(_("indicator"), max_length=64)
    value = models.FloatField(_("value"))
    source = models.CharField(
        _("source"), max_length=16, choices=ValueSource.choices, default=ValueSource.MANUAL
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered"))
    note = models.TextField(_("note"), blank=True)
    #: Counts the saves of this value: a save based on an older version is a conflict, never an overwrite.
    version = models.PositiveIntegerField(_("version"), default=1)
    #: Entered by the office only (bonus, penalty, veto, expert points, automatic sources), from the scheme.
    office_item = models.BooleanField(_("office's item"), default=False)
    #: The value check's warnings when it was saved (far from last year, unusual), for review, and the
    #: explanation the person who saved it gave.
    warnings = models.TextField(_("warnings"), blank=True)
    explanation = models.TextField(pgettext_lazy("value", "explanation"), blank=True)

    objects = ValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("value")
        verbose_name_plural = _("values")
        constraints = (
            models.UniqueConstraint(
                fields=["subject", "indicator"],
                name="collection_value_unique",
                violation_error_message=_("This subject already has a value for it."),
            ),
        )
        indexes = (models.Index(fields=["cycle", "indicator"], name="collection_value_cycle_idx"),)

    def __str__(self) -> str:
        return f"{self.subject.code} {self.indicator} = {self.value:g}"

    @property
    def flagged(self) -> bool:
        """Saved despite a warning of the value check: for review."""
        return bool(self.warnings)


class Rating(models.Model):
    """One rater's score (评分) of a subject on a rating indicator, in a rater group (superior, peer, public).
    ``rater`` names the rater in the engine's input (an account's name, or a panel member's code)."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="ratings", verbose_name=_("cycle"))
    subject = models.ForeignKey(
        "cycles.Subject", models.CASCADE, related_name="ratings", verbose_name=_("subject")
    )
    indicator = models.CharField(_("indicator"), max_length=64)
    group = models.CharField(_("rater group"), max_length=32)
    rater = models.CharField(_("rater"), max_length=150)
    rater_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="ratings",
        verbose_name=_("rater account"),
    )
    score = models.FloatField(_("score"))
    rated_at = models.DateTimeField(_("rated"))

    objects = RatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = (
            models.UniqueConstraint(
                fields=["subject", "indicator", "group", "rater"],
                name="collection_rating_unique",
                violation_error_message=_("This rater already rated this subject."),
            ),
        )
        indexes = (models.Index(fields=["cycle", "indicator"], name="collection_rating_cycle_idx"),)

    def __str__(self) -> str:
        return f"{self.subject.code} {self.indicator} {self.group}/{self.rater} = {self.score:g}"
