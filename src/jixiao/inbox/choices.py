"""Words of the inbox: the kinds of notice and the audit actions of reading them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    """What a notice is about; the page shows it as a badge."""

    PUBLICITY = "publicity", _("publicity started")
    WARNING = "warning", _("warning")
    ORDER = "order", _("rectification order")
    ESCALATION = "escalation", _("escalation")
    APPEAL = "appeal", _("appeal")
    HEARING = "hearing", _("hearing")
    DEADLINE = "deadline", _("deadline")
    RESULT = "result", _("result")
    OTHER = "other", _("other")


class NoticeAction(models.TextChoices):
    """Audit actions of the inbox (sending a notice is covered by the event of the service that sends it)."""

    READ = "notice.read", _("notice read")
    READ_ALL = "notice.read_all", _("all notices read")
