"""Status words of the hotline app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: Urgency words with a default response limit (hours); an office adds others with an SLA rule.
URGENT, NORMAL = "紧急", "一般"
DEFAULT_SLA_HOURS = {URGENT: 2.0, NORMAL: 24.0}
#: Results that close a ticket for the resolution rate; other words an export uses are kept as written.
SOLVED, UNSOLVED = "已解决", "未解决"


class Satisfaction(models.TextChoices):
    """The callback's answer (回访满意度)."""

    SATISFIED = "满意", pgettext_lazy("satisfaction", "satisfied")
    BASICALLY = "基本满意", pgettext_lazy("satisfaction", "basically satisfied")
    DISSATISFIED = "不满意", pgettext_lazy("satisfaction", "dissatisfied")


class CategoryBy(models.TextChoices):
    """Where a ticket's category came from."""

    FILE = "file", _("as exported by the hotline")
    RULES = "rules", _("keyword rules")
    MODEL = "model", _("classification model")
    PERSON = "person", _("set by a person")


class Measure(models.TextChoices):
    """What a hotline figure feeds into a cycle indicator."""

    RESPONSE = "response_rate", _("response rate (responded within the time limit)")
    RESOLUTION = "resolution_rate", _("resolution rate")
    SATISFACTION = "satisfaction_rate", _("satisfaction rate")


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("proposal state", "proposed")
    ACCEPTED = "accepted", pgettext_lazy("proposal state", "accepted")
    DECLINED = "declined", pgettext_lazy("proposal state", "declined")


class HotlineAction(models.TextChoices):
    """Audit actions of the hotline app."""

    IMPORT = "hotline.import", _("tickets imported")
    PUSH = "hotline.push", _("tickets pushed by a hotline system")
    SYSTEM = "hotline.system", _("hotline system registered")
    SYSTEM_KEY = "hotline.system_key", _("hotline system key replaced")
    TAXONOMY = "hotline.taxonomy", _("category tree imported")
    CLASSIFY = "hotline.classify", _("tickets classified")
    TRAIN = "hotline.train", _("classification model trained")
    CATEGORY = "hotline.category", _("ticket category set")
    SLA = "hotline.sla", _("response time limit set")
    ROUTING = "hotline.routing", _("routing rule set")
    ROUTE = "hotline.route", _("ticket routed")
    FEED = "hotline.feed", _("hotline indicator mapped")
    FIGURES = "hotline.figures", _("hotline figures computed into the cycle")
    PROPOSE = "hotline.propose", _("weight proposal made")
    DECIDE = "hotline.decide", _("weight proposal decided")
