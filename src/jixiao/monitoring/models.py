"""Period values entered through the year, the warnings the monitoring job raises, and each cycle's limits."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.core.storage import private_storage
from jixiao.engine.monitoring import DUAL_GAP, RED_LAG, YELLOW_LAG
from jixiao.monitoring.choices import (
    Entry,
    Frequency,
    OrderLogKind,
    OrderState,
    Stage,
    WarningKind,
    WarningState,
    WarningStatus,
)
from jixiao.monitoring.querysets import (
    EscalationQuerySet,
    OrderQuerySet,
    PeriodValueQuerySet,
    WarningQuerySet,
)

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

    # No index of their own: the unique constraint leads with the subject, the state index with the cycle (each
    # index more is paid on every warning the job writes).
    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="warnings", verbose_name=_("cycle"),
                              db_index=False)
    subject = models.ForeignKey("cycles.Subject", models.CASCADE, related_name="warnings", verbose_name=_("unit"),
                                db_index=False)
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
    due_day = models.PositiveSmallIntegerField(_("values due by day of the next month"), default=10)
    ack_hours = models.PositiveSmallIntegerField(_("hours to acknowledge an order"), default=72)
    fix_days = models.PositiveSmallIntegerField(_("days to rectify"), default=30)

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
            models.CheckConstraint(condition=models.Q(due_day__gte=1, due_day__lte=28),
                                   name="monitoring_setting_due_day",
                                   violation_error_message=_("Values are due by a day from 1 to 28.")),
            models.CheckConstraint(condition=models.Q(ack_hours__gte=1, fix_days__gte=1),
                                   name="monitoring_setting_deadlines",
                                   violation_error_message=_("Deadlines are at least an hour and a day.")),
        )

    def __str__(self) -> str:
        return f"{self.cycle_id}: {self.periods} periods, yellow {self.yellow}, red {self.red}"


class PeriodPlan(models.Model):
    """A negotiated plan (协商分期计划) of a unit's indicator: the cumulative value planned by the end of a
    period, where it departs from the linear plan to the annual target (a project that pays out in the
    autumn, a season)."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="period_plans", verbose_name=_("cycle"))
    subject = models.ForeignKey("cycles.Subject", models.CASCADE, related_name="period_plans",
                                verbose_name=_("unit"))
    indicator = models.CharField(_("indicator"), max_length=64)
    period = models.PositiveSmallIntegerField(_("month"))
    plan = models.FloatField(_("planned value to date"))

    class Meta:
        verbose_name = _("negotiated period plan")
        verbose_name_plural = _("negotiated period plans")
        ordering = ("subject", "indicator", "period")
        constraints = (
            models.UniqueConstraint(fields=["subject", "indicator", "period"], name="monitoring_plan_unique",
                                    violation_error_message=_("This month already has a negotiated plan.")),
        )

    def __str__(self) -> str:
        return f"{self.subject_id} {self.indicator} #{self.period}: {self.plan:g}"


class Reporting(models.Model):
    """An indicator monitored through the year (监测指标), how often its figure is due (monthly, or at the ends of
    quarters) and what the figure is (the value to date, or the period's own, summed into the value to date). A
    cycle without any monitors every indicator with a target, monthly, by values to date."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="reporting", verbose_name=_("cycle"))
    indicator = models.CharField(_("indicator"), max_length=64)
    frequency = models.CharField(_("reported"), max_length=16, choices=Frequency.choices, default=Frequency.MONTHLY)
    entry = models.CharField(_("figure entered"), max_length=16, choices=Entry.choices, default=Entry.CUMULATIVE)

    class Meta:
        verbose_name = _("monitored indicator")
        verbose_name_plural = _("monitored indicators")
        ordering = ("cycle", "indicator")
        constraints = (
            models.UniqueConstraint(fields=["cycle", "indicator"], name="monitoring_reporting_unique",
                                    violation_error_message=_("This indicator is already monitored.")),
        )

    def __str__(self) -> str:
        return f"{self.cycle_id}: {self.indicator} ({self.frequency})"


class DualPair(models.Model):
    """A budget item of dual monitoring (双监控): the indicator of its spending progress (e.g. the budget
    execution rate) and the indicator of its output progress (e.g. the key projects' progress), each measured
    against its own annual target."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="dual_pairs", verbose_name=_("cycle"))
    spending = models.CharField(_("spending indicator"), max_length=64)
    output = models.CharField(_("output indicator"), max_length=64)

    class Meta:
        verbose_name = _("dual monitoring pair")
        verbose_name_plural = _("dual monitoring pairs")
        ordering = ("cycle", "spending")
        constraints = (
            models.UniqueConstraint(fields=["cycle", "spending", "output"], name="monitoring_dual_unique",
                                    violation_error_message=_("This pair is already monitored.")),
        )

    def __str__(self) -> str:
        return f"{self.cycle_id}: {self.spending} / {self.output}"


class Order(models.Model):
    """A rectification order (整改通知单) to a unit about an indicator that was red at the end of a quarter:
    proposed by the monitoring job, issued by the office with deadlines (to acknowledge, 72 hours by default;
    to rectify), acknowledged by the unit with a plan, worked on with progress and evidence, closed only by the
    office's re-check. One per unit, indicator and quarter."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="orders", verbose_name=_("cycle"),
                              db_index=False)
    subject = models.ForeignKey("cycles.Subject", models.CASCADE, related_name="orders", verbose_name=_("unit"),
                                db_index=False)
    indicator = models.CharField(_("indicator"), max_length=64)
    period = models.PositiveSmallIntegerField(_("month"))
    number = models.CharField(_("order number"), max_length=32, unique=True)
    finding = models.TextField(_("finding"))
    requirement = models.TextField(_("requirement"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=OrderState.choices, default=OrderState.PROPOSED)
    public = models.BooleanField(_("shown on the portal"), default=True)
    ack_due = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    due = models.DateTimeField(_("rectify by"), null=True, blank=True)
    plan = models.TextField(_("rectification plan"), blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    fails = models.PositiveSmallIntegerField(_("failed re-checks"), default=0)
    overdue_at = models.DateTimeField(_("found overdue"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed"))
    updated_at = models.DateTimeField(_("updated"))

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        ordering = ("-created_at", "-pk")
        indexes = (models.Index(fields=["cycle", "state"], name="monitoring_order_state_idx"),)
        constraints = (
            models.UniqueConstraint(fields=["subject", "indicator", "period"], name="monitoring_order_unique",
                                    violation_error_message=_("An order for this quarter was already made.")),
        )

    def __str__(self) -> str:
        return f"{self.number} {self.subject_id} {self.indicator} ({self.state})"

    def overdue(self, now: object = None) -> str:
        """What is overdue now, in words (empty when nothing): the acknowledgement or the rectification."""
        now = now or timezone.now()
        if self.state == OrderState.ISSUED and self.ack_due and now > self.ack_due:  # type: ignore[operator]
            return str(_("not acknowledged in time"))
        if self.state in (OrderState.ISSUED, OrderState.ACKNOWLEDGED) and self.due and now > self.due:  # type: ignore[operator]
            return str(_("not rectified in time"))
        return ""


def order_file_path(entry: OrderLog, name: str) -> str:
    """Each order's file in a folder of its own, under the name it was uploaded with (shortened)."""
    path = Path(name)
    return f"orders/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/{path.stem[:100] or 'file'}{path.suffix[:16]}"


class OrderLog(models.Model):
    """One entry of an order's history: issued, acknowledged with a plan, progress with evidence, submitted,
    re-checked; who wrote it and when. Never changed once written."""

    order = models.ForeignKey(Order, models.CASCADE, related_name="log", verbose_name=_("order"))
    kind = models.CharField(_("entry"), max_length=16, choices=OrderLogKind.choices)
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(_("evidence"), storage=private_storage, upload_to=order_file_path, max_length=255,
                            blank=True)
    file_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                           verbose_name=_("by"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("order history entry")
        verbose_name_plural = _("order history")
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} {self.at:%Y-%m-%d}"


class Escalation(models.Model):
    """The escalation (四阶警示) of a unit and indicator: its stage now, climbed by red quarters one stage at a
    time and ended by a green one. The office may override the stage with a reason; the job then goes on from
    the overridden stage after the quarter it was set at. Each change is an ``EscalationStep``."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="escalations", verbose_name=_("cycle"))
    subject = models.ForeignKey("cycles.Subject", models.CASCADE, related_name="escalations",
                                verbose_name=_("unit"))
    indicator = models.CharField(_("indicator"), max_length=64)
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices, default=Stage.NONE)
    override_stage = models.PositiveSmallIntegerField(_("stage set by the office"), choices=Stage.choices,
                                                      null=True, blank=True)
    override_period = models.PositiveSmallIntegerField(_("set after month"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"))

    objects = EscalationQuerySet.as_manager()

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ("-stage", "subject", "indicator")
        constraints = (
            models.UniqueConstraint(fields=["subject", "indicator"], name="monitoring_escalation_unique",
                                    violation_error_message=_("This unit and indicator are already escalated.")),
            models.CheckConstraint(condition=models.Q(stage__lte=4), name="monitoring_escalation_stage",
                                   violation_error_message=_("A stage is 0 to 4.")),
        )

    def __str__(self) -> str:
        return f"{self.subject_id} {self.indicator}: stage {self.stage}"


def step_file_path(step: EscalationStep, name: str) -> str:
    """Each stage's evidence in a folder of its own."""
    path = Path(name)
    return f"escalation/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/{path.stem[:100] or 'file'}{path.suffix[:16]}"


class EscalationStep(models.Model):
    """One change of an escalation's stage: the stage reached, the quarter (month) that caused it, why (the
    job's words, or the office's reason for an override), and the record of what was done at that stage (the
    written warning sent, the talk's minutes, the deduction proposal) with its evidence file."""

    escalation = models.ForeignKey(Escalation, models.CASCADE, related_name="steps", verbose_name=_("escalation"))
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices)
    period = models.PositiveSmallIntegerField(_("month"))
    reason = models.TextField(_("why"))
    automatic = models.BooleanField(_("by the monitoring job"), default=True)
    record = models.TextField(_("what was done"), blank=True)
    file = models.FileField(_("evidence"), storage=private_storage, upload_to=step_file_path, max_length=255,
                            blank=True)
    file_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                           verbose_name=_("set or recorded by"))
    at = models.DateTimeField(_("at"))
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.escalation_id} -> {self.stage} #{self.period}"
