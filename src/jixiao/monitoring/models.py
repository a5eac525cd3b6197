"""Period values entered through the year, the warnings the monitoring job raises, and each cycle's limits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.engine.monitoring import DUAL_GAP, RED_LAG, YELLOW_LAG
from jixiao.monitoring.choices import WarningKind, WarningState, WarningStatus
from jixiao.monitoring.querysets import PeriodValueQuerySet, WarningQuerySet

#: Months in a monitoring year (the default number of periods).
PERIODS = 12


class PeriodValue(models.Model):
    """A unit's value of an indicator to the end of a period (月度累计值): cumulative to date as the unit
    entered it, not the month's own increment. Versioned like a value: a save based on an older version is a
    conflict."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="period_values", verbose_name=_("cycle"))
    subject = models.ForeignKey("cycles.Subject", models.CASCADE, related_name="period_values",
                                verbose_name=_("unit"))
    indicator = models.CharField(_("indicator"), max_length=64)
    period = models.PositiveSmallIntegerField(_("month"))
    value = models.FloatField(_("cumulative value"))
    version = models.PositiveIntegerField(_("version"), default=1)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered"))
    note = models.TextField(_("note"), blank=True)

    objects = PeriodValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("period value")
        verbose_name_plural = _("period values")
        ordering = ("subject", "indicator", "period")
        indexes = (models.Index(fields=["cycle", "period"], name="monitoring_pv_cycle_period_idx"),)
        constraints = (
            models.UniqueConstraint(fields=["subject", "indicator", "period"], name="monitoring_pv_unique",
                                    violation_error_message=_("This unit already has a value for the month.")),
            models.CheckConstraint(condition=models.Q(period__gte=1, period__lte=PERIODS),
                                   name="monitoring_pv_period_range",
                                   violation_error_message=_("A month is 1 to 12.")),
        )

    def __str__(self) -> str:
        return f"{self.subject_id} {self.indicator} #{self.period}: {self.value:g}"


class Warning(models.Model):
    """A warning (预警) the monitoring job raised for a unit, indicator and period: lagging behind the plan,
    dual monitoring, overdue data or an unusual value among peers, with the finding in words. The unit answers
    it; the office follows it up (explained, corrected, confirmed). One per unit, indicator, period and kind:
    running the job again updates it, never duplicates it."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="warnings", verbose_name=_("cycle"))
    subject = models.ForeignKey("cycles.Subject", models.CASCADE, related_name="warnings", verbose_name=_("unit"))
    indicator = models.CharField(_("indicator"), max_length=64)
    period = models.PositiveSmallIntegerField(_("month"))
    kind = models.CharField(_("warning kind"), max_length=16, choices=WarningKind.choices)
    status = models.CharField(_("light"), max_length=8, choices=WarningStatus.choices)
    detail = models.TextField(_("finding"))
    state = models.CharField(_("state"), max_length=16, choices=WarningState.choices, default=WarningState.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    follow_up = models.TextField(_("office's note"), blank=True)
    created_at = models.DateTimeField(_("raised"))
    updated_at = models.DateTimeField(_("updated"))

    objects = WarningQuerySet.as_manager()

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ("-created_at", "-pk")
        indexes = (models.Index(fields=["cycle", "state"], name="monitoring_warning_state_idx"),)
        constraints = (
            models.UniqueConstraint(fields=["subject", "indicator", "period", "kind"],
                                    name="monitoring_warning_unique",
                                    violation_error_message=_("This warning was already raised.")),
        )

    def __str__(self) -> str:
        return f"{self.subject_id} {self.indicator} #{self.period} {self.kind} ({self.state})"


class MonitoringSetting(models.Model):
    """A cycle's own limits of monitoring, where they differ from the engine's defaults: periods in the year,
    the lags of yellow and red (shares of the plan) and the gap of dual monitoring."""

    cycle = models.OneToOneField("cycles.Cycle", models.CASCADE, related_name="monitoring_setting",
                                 verbose_name=_("cycle"))
    periods = models.PositiveSmallIntegerField(_("periods"), default=PERIODS)
    yellow = models.FloatField(_("yellow above lag"), default=YELLOW_LAG)
    red = models.FloatField(_("red above lag"), default=RED_LAG)
    dual_gap = models.FloatField(_("dual monitoring gap"), default=DUAL_GAP)

    class Meta:
        verbose_name = _("monitoring setting")
        verbose_name_plural = _("monitoring settings")
        constraints = (
            models.CheckConstraint(condition=models.Q(yellow__gte=0, yellow__lte=models.F("red")),
                                   name="monitoring_setting_limits",
                                   violation_error_message=_("The limits must satisfy 0 <= yellow <= red.")),
            models.CheckConstraint(condition=models.Q(periods__gte=1, periods__lte=PERIODS),
                                   name="monitoring_setting_periods",
                                   violation_error_message=_("A year has 1 to 12 periods.")),
        )

    def __str__(self) -> str:
        return f"{self.cycle_id}: {self.periods} periods, yellow {self.yellow}, red {self.red}"
