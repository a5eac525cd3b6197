"""Assessment cycles (考核周期) and their subjects (被考核对象)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.cycles.choices import CycleState, PeriodKind, SubjectKind
from jixiao.cycles.querysets import CycleQuerySet, SubjectQuerySet
from jixiao.org.models import code_validator


class Cycle(models.Model):
    """A scheme applied to a set of subjects for a period. Its ``state`` moves draft -> open -> closed ->
    publicity -> appeals -> published (``CycleState``), only through the services, which refuse an action
    that does not fit the state."""

    code = models.CharField(_("code"), max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    scheme = models.ForeignKey(
        "schemes.Scheme", models.PROTECT, related_name="cycles", verbose_name=_("scheme")
    )
    subject_kind = models.CharField(
        _("subjects"), max_length=8, choices=SubjectKind.choices, default=SubjectKind.UNIT
    )
    period_kind = models.CharField(
        _("period"), max_length=8, choices=PeriodKind.choices, default=PeriodKind.YEAR
    )
    year = models.PositiveIntegerField(_("year"))
    period_number = models.PositiveIntegerField(_("period number"), default=1)
    state = models.CharField(_("state"), max_length=16, choices=CycleState.choices, default=CycleState.DRAFT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    #: The office confirmed its review of the machine results (人工复核) at this time; publicity needs it.
    reviewed_at = models.DateTimeField(_("review confirmed"), null=True, blank=True)
    #: Days of publicity (公示期), set per cycle.
    publicity_days = models.PositiveSmallIntegerField(
        _("publicity days"), default=7, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    publicity_at = models.DateTimeField(_("publicity started"), null=True, blank=True)
    #: Appeals are accepted until this time; the scheduler ends the publicity then.
    publicity_ends_at = models.DateTimeField(_("publicity ends"), null=True, blank=True)
    #: The final publication (定稿).
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    engine_version = models.CharField(_("engine version"), max_length=16, blank=True)
    #: Counts the writes to the cycle's score inputs (values, ratings, targets): each data-writing service adds
    #: one inside its transaction (``services.touch_data``), so the stored results can tell whether they still fit.
    data_version = models.PositiveBigIntegerField(_("data version"), default=0)
    #: The ``data_version`` the stored results were computed from; null when never computed.
    computed_version = models.PositiveBigIntegerField(_("data version of the results"), null=True, blank=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ("-year", "-period_number", "code")
        constraints = (
            models.CheckConstraint(
                condition=(
                    models.Q(period_kind=PeriodKind.YEAR, period_number=1)
                    | models.Q(period_kind=PeriodKind.HALF, period_number__range=(1, 2))
                    | models.Q(period_kind=PeriodKind.QUARTER, period_number__range=(1, 4))
                    | models.Q(period_kind=PeriodKind.MONTH, period_number__range=(1, 12))
                ),
                name="cycles_cycle_period_number_in_range",
                violation_error_message=_("The period number does not fit the period (1; 1-2; 1-4; 1-12)."),
            ),
            models.CheckConstraint(
                condition=models.Q(year__range=(2000, 2100)),
                name="cycles_cycle_year_plausible",
                violation_error_message=_("The year must be between 2000 and 2100."),
            ),
        )

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def results_stale(self) -> bool:
        """The stored results (结果) were computed from data that has changed since: they are out of date (已过时)
        until the cycle is computed again. Never true before a first compute."""
        return self.computed_at is not None and self.computed_version != self.data_version


class Subject(models.Model):
    """One subject of a cycle: a unit, or a person (then ``unit`` is the person's unit, which decides who
    may see and enter their data). Code, name and category are kept as they were when the cycle began."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="subjects", verbose_name=_("cycle"))
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=16)
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="subjects", verbose_name=_("unit"))
    person = models.ForeignKey(
        "org.Person", models.PROTECT, null=True, blank=True, related_name="subjects", verbose_name=_("person")
    )

    objects = SubjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ("cycle", "code")
        constraints = (
            models.UniqueConstraint(
                fields=["cycle", "code"],
                name="cycles_subject_code_unique",
                violation_error_message=_("This subject is already in the cycle."),
            ),
            models.CheckConstraint(
                condition=~models.Q(category=""),
                name="cycles_subject_has_category",
                violation_error_message=_("A subject needs a category."),
            ),
        )
        indexes = (models.Index(fields=["cycle", "unit"], name="cycles_subject_unit_idx"),)

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
