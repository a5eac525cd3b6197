"""Words of data approval."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionState(models.TextChoices):
    """Where a unit's data of a cycle stand (after DHIS2's data approval: per period and org unit, bottom-up).
    Draft and returned data are open to the unit; submitted, approved and accepted data are locked."""

    DRAFT = "draft", _("being entered")
    SUBMITTED = "submitted", _("submitted, awaiting the leader")
    APPROVED = "approved", _("approved by the leader, awaiting the office")
    ACCEPTED = "accepted", _("accepted by the office")
    RETURNED = "returned", _("returned for correction")


#: States in which the unit may change its data.
EDITABLE = (SubmissionState.DRAFT, SubmissionState.RETURNED)


class Step(models.TextChoices):
    """A step of the approval, each an audit event ``submission.<step>``."""

    SUBMIT = "submit", _("submit")
    WITHDRAW = "withdraw", _("withdraw")
    APPROVE = "approve", _("approve")
    RETURN = "return", _("return")
    ACCEPT = "accept", _("accept")
    REOPEN = "reopen", _("reopen")
