"""What using the results keeps: allocations (proposed, then confirmed by the office), the units' improvement plans
a budget cut may wait for, project budgets, earlier years' results, and proposed weights."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jixiao.outcomes.choices import HistoryKind, ImprovementState, Method, PlanKind, PlanState, SuggestionState
from jixiao.outcomes.querysets import (
    BudgetLineQuerySet,
    HistoryQuerySet,
    ImprovementQuerySet,
    PlanQuerySet,
    SuggestionQuerySet,
)


class Plan(models.Model):
    """An allocation of a cycle (a bonus pool, budget adjustments, honours, the reserve pool, the unqualified list,
    project ratings): computed from the cycle's results as of ``basis`` (its ``computed_at``) with ``params``, one
    row a subject in ``rows``. A proposal until the office confirms it; one confirmed allocation of a kind per
    cycle (confirming another withdraws nothing: the earlier confirmed one must be withdrawn first)."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="plans", verbose_name=_("cycle"))
    kind = models.CharField(pgettext_lazy("allocation", "kind"), max_length=16, choices=PlanKind.choices)
    state = models.CharField(_("state"), max_length=16, choices=PlanState.choices, default=PlanState.PROPOSED)
    title = models.CharField(_("title"), max_length=200)
    params = models.JSONField(_("parameters"))
    rows = models.JSONField(_("rows"))
    totals = models.JSONField(_("totals"), default=dict)
    basis = models.DateTimeField(_("results computed"))
    created_at = models.DateTimeField(_("proposed"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("proposed by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    comment = models.TextField(_("comment"), blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ("-created_at", "-pk")
        constraints = (
            models.UniqueConstraint(fields=["cycle", "kind"], condition=models.Q(state="confirmed"),
                                    name="outcomes_plan_one_confirmed",
                                    violation_error_message=_("This kind of allocation is already confirmed for "
                                                              "the cycle.")),
        )

    def __str__(self) -> str:
        return f"{self.title} ({self.state})"


class ImprovementPlan(models.Model):
    """A unit's improvement plan (改进计划) after a poor result: submitted by the unit, accepted or returned by the
    office. A budget cut that waits for a plan takes effect once the unit's plan is accepted."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="improvement_plans",
                              verbose_name=_("cycle"))
    subject = models.ForeignKey("cycles.Subject", models.CASCADE, related_name="improvement_plans",
                                verbose_name=_("unit"))
    text = models.TextField(_("improvement plan"))
    state = models.CharField(_("state"), max_length=16, choices=ImprovementState.choices,
                             default=ImprovementState.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    comment = models.TextField(_("comment"), blank=True)

    objects = ImprovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")
        ordering = ("-submitted_at", "-pk")
        constraints = (
            models.UniqueConstraint(fields=["subject"], name="outcomes_improvement_one_per_subject",
                                    violation_error_message=_("The unit already has an improvement plan for "
                                                              "this cycle.")),
        )

    def __str__(self) -> str:
        return f"{self.subject_id} ({self.state})"


class BudgetLine(models.Model):
    """A project budget (项目预算) of a unit in a cycle's year, in whole yuan, with the project's evaluation score
    (0-100) when it was evaluated: the base of budget adjustments and of project ratings."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="budget_lines",
                              verbose_name=_("cycle"))
    subject = models.ForeignKey("cycles.Subject", models.CASCADE, related_name="budget_lines",
                                verbose_name=_("unit"))
    project = models.CharField(_("project code"), max_length=64)
    name = models.CharField(_("project"), max_length=200)
    amount = models.BigIntegerField(_("budget (yuan)"))
    score = models.FloatField(_("evaluation score"), null=True, blank=True)

    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("project budget")
        verbose_name_plural = _("project budgets")
        ordering = ("cycle", "subject", "project")
        constraints = (
            models.UniqueConstraint(fields=["cycle", "project"], name="outcomes_budget_project_unique",
                                    violation_error_message=_("This project is already listed for the cycle.")),
        )

    def __str__(self) -> str:
        return f"{self.project} {self.name}"


class HistoricalResult(models.Model):
    """A result of a year before the platform (往年考核结果), imported from the office's files: what the fairness
    checks and the reserve pool read beside the platform's own cycles (a platform cycle of the same year and kind
    takes precedence)."""

    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("subjects"), max_length=8, choices=HistoryKind.choices)
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    population = models.CharField(_("category"), max_length=64, blank=True)
    total = models.FloatField(_("total"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=32)
    source = models.CharField(_("source file"), max_length=200, blank=True)

    objects = HistoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("earlier result")
        verbose_name_plural = _("earlier results")
        ordering = ("-year", "kind", "code")
        constraints = (
            models.UniqueConstraint(fields=["year", "kind", "code"], name="outcomes_history_unique",
                                    violation_error_message=_("This subject already has a result for the year.")),
        )

    def __str__(self) -> str:
        return f"{self.year} {self.code} {self.grade}"


class WeightSuggestion(models.Model):
    """Weights proposed by a method (AHP from a pairwise matrix; entropy or CRITIC from a cycle's values) beside
    the scheme's current ones; accepted only into a new version of the scheme (the cycle keeps its version)."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="weight_suggestions",
                              verbose_name=_("cycle"))
    scheme = models.ForeignKey("schemes.Scheme", models.CASCADE, related_name="+", verbose_name=_("scheme"))
    method = models.CharField(pgettext_lazy("weights", "method"), max_length=8, choices=Method.choices)
    group = models.CharField(_("group"), max_length=64, blank=True)
    rows = models.JSONField(_("proposed weights"))
    consistency = models.FloatField(_("consistency ratio"), null=True, blank=True)
    notes = models.JSONField(_("notes"), default=list)
    state = models.CharField(_("state"), max_length=16, choices=SuggestionState.choices,
                             default=SuggestionState.PROPOSED)
    created_at = models.DateTimeField(_("proposed"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("proposed by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    result = models.ForeignKey("schemes.Scheme", models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("new scheme version"))
    comment = models.TextField(_("comment"), blank=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("weight suggestion")
        verbose_name_plural = _("weight suggestions")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.method} ({self.state})"
