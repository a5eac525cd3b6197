"""Words of public satisfaction surveys (公众满意度调查)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.engine import surveys as rules


class SurveyMode(models.TextChoices):
    """How citizens reach a survey: one invitation token (邀请码) each, or an open link (公开链接) per unit."""

    TOKEN = "token", _("invitation tokens")
    OPEN = "open", _("open link")


class SurveyState(models.TextChoices):
    """Whether a survey takes answers."""

    OPEN = "open", _("collecting answers")
    CLOSED = "closed", _("closed")


class Answer(models.IntegerChoices):
    """The five steps of the satisfaction scale (满意度五级量表)."""

    VERY_DISSATISFIED = 1, _("Very dissatisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    NEUTRAL = 3, _("Neutral")
    SATISFIED = 4, _("Satisfied")
    VERY_SATISFIED = 5, _("Very satisfied")


class Exclusion(models.TextChoices):
    """Why a response does not count (the engine's reasons; empty: it counts)."""

    FAST = rules.FAST, _("answered too fast")
    STRAIGHT = rules.STRAIGHT, _("same answer to every question")
    DUPLICATE = rules.DUPLICATE, _("duplicate submission")


class Channel(models.TextChoices):
    """Where a response came from."""

    WEB = "web", _("web page")
    API = "api", _("API")
    PAPER = "paper", _("paper questionnaire (imported)")
