"""Errors of multi-party evaluation."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError


class RatingInputError(JixiaoError):
    """A rating form, assignment or campaign with a field missing or wrong (names the field)."""

    code = "rating_input"
    status = 422
    message = _("{field}: {problem}")


class CampaignStateError(JixiaoError):
    """The step is not open for the campaign as it stands (names the current state)."""

    code = "campaign_state"
    status = 409
    message = _("Campaign {name}: cannot {step} a campaign that is {state}.")


class AssignmentDoneError(JixiaoError):
    """A rating form already submitted (an invitation link is spent once used)."""

    code = "assignment_done"
    status = 409
    message = _("This rating was already submitted on {when}; it cannot be submitted twice.")


class InvitationError(JixiaoError):
    """An invitation link that is unknown, or whose campaign is not open."""

    code = "invitation"
    status = 404
    message = _("This invitation link is not valid: {reason}")
