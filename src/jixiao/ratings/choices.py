"""Words of multi-party evaluation: a campaign's kind and state, an assignment's state, the votes of a democratic
appraisal, and the audit actions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    """What a campaign collects: scores on rating indicators (360 度评价) or votes (民主测评)."""

    RATING = "rating", _("360-degree rating (360度评价)")
    DEMOCRATIC = "democratic", _("democratic appraisal (民主测评)")


class CampaignState(models.TextChoices):
    """A campaign is prepared (raters assigned), open for rating, then closed."""

    DRAFT = "draft", _("being prepared")
    OPEN = "open", _("open for rating")
    CLOSED = "closed", _("rating closed")


#: The allowed transitions of a campaign: step -> states it may start from.
CAMPAIGN_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "assign": (CampaignState.DRAFT, CampaignState.OPEN),
    "open": (CampaignState.DRAFT,),
    "remind": (CampaignState.OPEN,),
    "submit": (CampaignState.OPEN,),
    "close": (CampaignState.OPEN,),
}


class AssignmentState(models.TextChoices):
    """A rater's task on one subject: waiting for the rater, or done."""

    PENDING = "pending", _("not yet rated")
    DONE = "done", _("rated")


class Vote(models.TextChoices):
    """A democratic appraisal vote (民主测评票), best first; ``points`` give the vote's score."""

    EXCELLENT = "excellent", _("excellent (优秀)")
    COMPETENT = "competent", _("competent (称职)")
    BASIC = "basic", _("basically competent (基本称职)")
    INCOMPETENT = "incompetent", _("incompetent (不称职)")


class RatingsAction(models.TextChoices):
    """Audit actions of this app."""

    CAMPAIGN_CREATED = "campaign.created", _("rating campaign created")
    ASSIGNED = "campaign.assigned", _("raters assigned")
    OPENED = "campaign.opened", _("rating campaign opened")
    REMINDED = "campaign.reminded", _("raters reminded")
    CLOSED = "campaign.closed", _("rating campaign closed")
    SUBMITTED = "assignment.submitted", _("rating form submitted")
    TALLIED = "campaign.tallied", _("democratic appraisal tallied")
