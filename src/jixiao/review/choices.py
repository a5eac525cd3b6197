"""Words of the review, appeals and hearings."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AppealTarget(models.TextChoices):
    """What an appeal contests."""

    INDICATOR = "indicator", _("an indicator's score (指标得分)")
    TOTAL = "total", _("the total (总分)")
    GRADE = "grade", _("the grade (等次)")


class AppealState(models.TextChoices):
    """Where an appeal stands: the unit's operator drafts it, its leader signs it (lodged with the office), the
    office accepts, rejects or sends it to a hearing, whose decision accepts or rejects it."""

    DRAFT = "draft", _("drafted, awaiting the leader's signature (待签发)")
    LODGED = "lodged", _("lodged, awaiting the office (已提交)")
    HEARING = "hearing", _("sent to a hearing (听证中)")
    ACCEPTED = "accepted", _("accepted (已采纳)")
    REJECTED = "rejected", _("rejected (已驳回)")
    WITHDRAWN = "withdrawn", _("withdrawn (已撤回)")


#: States in which an appeal still waits for a decision: a cycle is not final while one of these is open.
OPEN_APPEAL_STATES = (AppealState.LODGED, AppealState.HEARING)
#: States in which an appeal is decided.
DECIDED_STATES = (AppealState.ACCEPTED, AppealState.REJECTED)


class AppealStep(models.TextChoices):
    """A step of an appeal, each an audit event ``appeal.<step>``."""

    DRAFT = "draft", pgettext_lazy("appeal", "draft")
    SIGN = "sign", _("sign and lodge")
    WITHDRAW = "withdraw", _("withdraw")
    ACCEPT = "accept", pgettext_lazy("appeal", "accept")
    REJECT = "reject", pgettext_lazy("appeal", "reject")
    HEARING = "hearing", _("send to a hearing")
    DECIDE = "decide", _("record the hearing's decision")


class HearingDecision(models.TextChoices):
    """What a hearing decided."""

    ACCEPT = "accept", _("accept the appeal (采纳)")
    REJECT = "reject", _("reject the appeal (驳回)")
