"""Words of progress monitoring (过程监控)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WarningKind(models.TextChoices):
    """What a warning (预警) is about."""

    LAG = "lag", _("behind plan (进度滞后)")
    DUAL = "dual", _("dual monitoring (双监控)")
    STALE = "stale", _("data overdue (数据逾期)")
    ANOMALY = "anomaly", _("unusual value (数据异常)")
    JUMP = "jump", _("sudden jump (突变)")
    YEAR = "year", _("far from last year (同比异常)")


class WarningStatus(models.TextChoices):
    """The light of a warning, after the engine's red/yellow/green (a green one is no warning)."""

    RED = "red", _("red (红)")
    YELLOW = "yellow", _("yellow (黄)")


class WarningState(models.TextChoices):
    """Where a warning stands: the unit answers it, the office follows it up."""

    OPEN = "open", _("awaiting an answer (待回复)")
    ANSWERED = "answered", _("answered (已回复)")
    EXPLAINED = "explained", _("explained (已说明)")
    CORRECTED = "corrected", _("corrected (已更正)")
    CONFIRMED = "confirmed", _("confirmed (已确认)")


#: The office's follow-up states.
FOLLOW_UP_STATES = (WarningState.EXPLAINED, WarningState.CORRECTED, WarningState.CONFIRMED)

#: The transitions: for each step, the states it starts from (the one table of the state machine).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "answer": (WarningState.OPEN, WarningState.ANSWERED),
    "follow_up": (WarningState.OPEN, WarningState.ANSWERED),
}


class OrderState(models.TextChoices):
    """Where a rectification order (整改通知单) stands."""

    PROPOSED = "proposed", _("proposed (待下达)")
    DISMISSED = "dismissed", _("not issued (不予下达)")
    ISSUED = "issued", _("issued, awaiting acknowledgement (待签收)")
    ACKNOWLEDGED = "acknowledged", _("being rectified (整改中)")
    SUBMITTED = "submitted", _("awaiting re-check (待复核)")
    CLOSED = "closed", _("closed after re-check (已销号)")


#: The orders still to be worked on (not closed, not dismissed).
OPEN_ORDER_STATES = (OrderState.PROPOSED, OrderState.ISSUED, OrderState.ACKNOWLEDGED, OrderState.SUBMITTED)

#: The transitions of an order: for each step, the states it starts from.
ORDER_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "issue": (OrderState.PROPOSED,),
    "dismiss": (OrderState.PROPOSED,),
    "acknowledge": (OrderState.ISSUED,),
    "report": (OrderState.ACKNOWLEDGED,),
    "submit": (OrderState.ACKNOWLEDGED,),
    "recheck": (OrderState.SUBMITTED,),
}


class Recheck(models.TextChoices):
    """The office's re-check (复核) of a rectification."""

    PASS = "pass", _("passed (通过)")
    FAIL = "fail", _("failed (不通过)")


class OrderLogKind(models.TextChoices):
    """The entries of an order's history the unit and office write (besides the state changes)."""

    ISSUED = "issued", _("issued")
    DISMISSED = "dismissed", _("not issued")
    ACKNOWLEDGED = "acknowledged", _("acknowledged with a plan")
    PROGRESS = "progress", _("progress reported")
    SUBMITTED = "submitted", _("submitted for re-check")
    PASSED = "passed", _("re-check passed")
    FAILED = "failed", _("re-check failed")
    OVERDUE = "overdue", _("overdue")


class Stage(models.IntegerChoices):
    """The four stages of escalation (四阶警示), and none."""

    NONE = 0, _("none (无)")
    WRITTEN = 1, _("written warning (书面预警)")
    TALK = 2, _("talk with the leader (约谈)")
    BUDGET = 3, _("budget deduction proposal (扣减预算建议)")
    ACCOUNTABILITY = 4, _("accountability (问责)")


class Frequency(models.TextChoices):
    """How often a monitored indicator's value to date is reported (报送频次)."""

    MONTHLY = "monthly", _("monthly (月报)")
    QUARTERLY = "quarterly", _("quarterly (季报)")


class Entry(models.TextChoices):
    """What a monitored indicator's monthly figure is: the value to date (累计值) or the month's own (当期值,
    summed into the value to date)."""

    CUMULATIVE = "cumulative", _("value to date (累计值)")
    PERIOD = "period", _("the month's own (当期值)")
