"""Words of progress monitoring (过程监控)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WarningKind(models.TextChoices):
    """What a warning (预警) is about."""

    LAG = "lag", _("behind plan (进度滞后)")
    DUAL = "dual", _("dual monitoring (双监控)")
    STALE = "stale", _("data overdue (数据逾期)")
    ANOMALY = "anomaly", _("unusual value (数据异常)")


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
