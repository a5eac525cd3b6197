"""Words of using the results (结果运用)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlanKind(models.TextChoices):
    """What an allocation decides."""

    BONUS = "bonus", _("bonus pool (绩效奖金)")
    BUDGET = "budget", _("budget adjustments (预算调整)")
    HONOUR = "honour", _("honours (评优表彰)")
    RESERVE = "reserve", _("reserve pool (后备干部库)")
    UNQUALIFIED = "unqualified", _("unqualified list (不合格名单)")
    PART = "part", _("project ratings (项目绩效评级)")


class PlanState(models.TextChoices):
    """A computed allocation is a proposal until the office confirms it; a proposal can be withdrawn."""

    PROPOSED = "proposed", pgettext_lazy("allocation", "proposed")
    CONFIRMED = "confirmed", pgettext_lazy("allocation", "confirmed")
    WITHDRAWN = "withdrawn", pgettext_lazy("allocation", "withdrawn")


class ImprovementState(models.TextChoices):
    """A unit's improvement plan (改进计划), which a budget cut may wait for."""

    SUBMITTED = "submitted", pgettext_lazy("improvement plan", "awaiting the office")
    ACCEPTED = "accepted", pgettext_lazy("improvement plan", "accepted")
    RETURNED = "returned", pgettext_lazy("improvement plan", "returned for revision")


class Rating(models.TextChoices):
    """PART-style project ratings (the engine's ``part_rating``)."""

    EFFECTIVE = "effective", _("effective (有效)")
    MODERATELY = "moderately_effective", _("moderately effective (基本有效)")
    ADEQUATE = "adequate", _("adequate (一般)")
    INEFFECTIVE = "ineffective", _("ineffective (无效)")
    NOT_DEMONSTRATED = "not_demonstrated", _("results not demonstrated (结果未证明)")


class Method(models.TextChoices):
    """How proposed weights were found."""

    AHP = "ahp", _("AHP (层次分析法)")
    ENTROPY = "entropy", _("entropy method (熵权法)")
    CRITIC = "critic", _("CRITIC")


class SuggestionState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("weights", "proposed")
    ACCEPTED = "accepted", pgettext_lazy("weights", "accepted into a new scheme version")
    DECLINED = "declined", pgettext_lazy("weights", "declined")


class HistoryKind(models.TextChoices):
    UNIT = "unit", pgettext_lazy("history", "units")
    PERSON = "person", pgettext_lazy("history", "staff")


class OutcomesAction(models.TextChoices):
    """Audit actions of using the results."""

    PROPOSE = "outcomes.propose", _("allocation proposed")
    CONFIRM = "outcomes.confirm", _("allocation confirmed")
    WITHDRAW = "outcomes.withdraw", _("allocation withdrawn")
    PLAN = "outcomes.plan", _("improvement plan submitted")
    PLAN_DECIDE = "outcomes.plan_decide", _("improvement plan decided")
    BUDGET = "outcomes.budget", _("project budgets imported")
    HISTORY = "outcomes.history", _("earlier years' results imported")
    WEIGHTS = "outcomes.weights", _("weights proposed")
    WEIGHTS_DECIDE = "outcomes.weights_decide", _("weight proposal decided")
