"""Surveys of a cycle, their questions, each unit's link and invitation tokens, the responses and the results
that became indicator values."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.engine import surveys as rules
from jixiao.surveys.choices import Channel, Exclusion, SurveyMode, SurveyState
from jixiao.surveys.querysets import (
    SurveyQuerySet,
    SurveyResponseQuerySet,
    SurveyResultQuerySet,
    SurveyTokenQuerySet,
)

#: The longest questionnaire (answers are kept as one digit per question).
MAX_QUESTIONS = 40


class Survey(models.Model):
    """A public satisfaction survey (公众满意度调查) of a cycle: questions on the 1-5 scale, each mapped to a measured
    indicator whose source is ``survey``; answered per assessed unit through invitation tokens or an open link.
    Computing it writes each unit's indicator values through the collection app (``do_compute_survey``)."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="surveys", verbose_name=_("cycle"))
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    mode = models.CharField(_("mode"), max_length=8, choices=SurveyMode.choices, default=SurveyMode.TOKEN)
    state = models.CharField(_("state"), max_length=8, choices=SurveyState.choices, default=SurveyState.OPEN)
    min_seconds = models.PositiveIntegerField(_("least seconds to answer"), default=int(rules.MIN_SECONDS))
    hourly_limit = models.PositiveIntegerField(_("answers per network per hour"), default=5)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"))
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ("-created_at", "-pk")
        constraints = (
            models.CheckConstraint(condition=models.Q(hourly_limit__gte=1), name="surveys_survey_hourly_limit",
                                   violation_error_message=_("At least one answer an hour must be allowed.")),
        )

    def __str__(self) -> str:
        return f"{self.title} ({self.cycle_id})"


class Question(models.Model):
    """A question (题目) of a survey, answered on the 1-5 scale, counting towards one indicator."""

    survey = models.ForeignKey(Survey, models.CASCADE, related_name="questions", verbose_name=_("survey"))
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("question"), max_length=500)
    indicator = models.CharField(_("indicator"), max_length=64)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ("survey", "number")
        constraints = (
            models.UniqueConstraint(fields=["survey", "number"], name="surveys_question_unique",
                                    violation_error_message=_("The survey already has a question of this number.")),
            models.CheckConstraint(condition=models.Q(number__gte=1, number__lte=MAX_QUESTIONS),
                                   name="surveys_question_number_range",
                                   violation_error_message=_("A survey has 1 to 40 questions.")),
        )

    def __str__(self) -> str:
        return f"Q{self.number} {self.text[:30]} -> {self.indicator}"


class SurveyLink(models.Model):
    """A unit's public link (and QR code) of a survey: ``/survey/<key>/``. With an open link anyone who has it may
    answer (rate limited); with tokens it asks for the invitation token."""

    survey = models.ForeignKey(Survey, models.CASCADE, related_name="links", verbose_name=_("survey"))
    subject = models.ForeignKey("cycles.Subject", models.CASCADE, related_name="+", verbose_name=_("unit"))
    key = models.CharField(_("key"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("survey link")
        verbose_name_plural = _("survey links")
        ordering = ("survey", "subject__code")
        constraints = (
            models.UniqueConstraint(fields=["survey", "subject"], name="surveys_link_unique",
                                    violation_error_message=_("The unit already has a link to this survey.")),
        )

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.subject_id}"


class SurveyToken(models.Model):
    """An invitation token (邀请码): one response, then spent. The office mails them out (CSV or Excel)."""

    survey = models.ForeignKey(Survey, models.CASCADE, related_name="tokens", verbose_name=_("survey"))
    subject = models.ForeignKey("cycles.Subject", models.CASCADE, related_name="+", verbose_name=_("unit"))
    key = models.CharField(_("token"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("issued"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    objects = SurveyTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation token")
        verbose_name_plural = _("invitation tokens")
        ordering = ("survey", "subject", "pk")
        indexes = (models.Index(fields=["survey", "subject"], name="surveys_token_subject_idx"),)

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.subject_id} {self.key[:4]}…"


class SurveyResponse(models.Model):
    """A citizen's response (答卷): the answers as one digit 1-5 per question in order (``"45344"``: a million
    responses are a million short rows, read back in one query). ``exclusion`` is set when the results are
    computed (empty: it counts); nothing is ever deleted. ``network`` is a keyed hash of the IP address (for the
    hourly limit), ``fingerprint`` one of network, browser and answers (for duplicates)."""

    survey = models.ForeignKey(Survey, models.CASCADE, related_name="responses", verbose_name=_("survey"),
                               db_index=False)
    subject = models.ForeignKey("cycles.Subject", models.CASCADE, related_name="+", verbose_name=_("unit"),
                                db_index=False)
    # Not a one-to-one field: its unique index would hold a row for every response without a token (paper ones),
    # written on every bulk load; the partial constraint below holds only the tokens' rows.
    token = models.ForeignKey(SurveyToken, models.PROTECT, null=True, blank=True, related_name="responses",
                              verbose_name=_("token"), db_index=False)
    answers = models.CharField(_("answers"), max_length=MAX_QUESTIONS)
    seconds = models.FloatField(_("seconds to answer"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.WEB)
    network = models.CharField(_("network"), max_length=16, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=32, blank=True)
    #: Seen as a likely duplicate when submitted (kept, not refused; the computation decides).
    flagged = models.BooleanField(_("flagged as duplicate"), default=False)
    exclusion = models.CharField(_("excluded because"), max_length=12, choices=Exclusion.choices, blank=True)

    objects = SurveyResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ("survey", "submitted_at", "pk")
        indexes = (
            models.Index(fields=["survey", "subject"], name="surveys_response_subject_idx"),
            # Only the web's answers count against a network's hourly limit (paper ones have no network).
            models.Index(fields=["network", "submitted_at"], name="surveys_response_network_idx",
                         condition=~models.Q(network="")),
        )
        constraints = (
            models.UniqueConstraint(fields=["token"], condition=models.Q(token__isnull=False),
                                    name="surveys_response_one_per_token",
                                    violation_error_message=_("This invitation token has already been used.")),
        )

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.subject_id} {self.answers}"


class SurveyResult(models.Model):
    """A unit's result of a survey for one indicator, with its provenance: the responses received, the valid ones,
    the excluded by reason, the response rate (token mode: responses / tokens issued), the mean answer, the value
    on 0-100 written to the indicator, its standard deviation and margin of error at 95 %."""

    survey = models.ForeignKey(Survey, models.CASCADE, related_name="results", verbose_name=_("survey"))
    subject = models.ForeignKey("cycles.Subject", models.CASCADE, related_name="+", verbose_name=_("unit"))
    indicator = models.CharField(_("indicator"), max_length=64)
    responses = models.PositiveIntegerField(_("responses"))
    valid = models.PositiveIntegerField(_("valid responses"))
    excluded = models.JSONField(_("excluded by reason"), default=dict)
    tokens = models.PositiveIntegerField(_("tokens issued"), null=True, blank=True)
    rate = models.FloatField(_("response rate"), null=True, blank=True)
    mean = models.FloatField(_("mean answer"), null=True, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)
    sd = models.FloatField(_("standard deviation"), null=True, blank=True)
    margin = models.FloatField(_("margin of error (95%)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    computed_at = models.DateTimeField(_("computed"))

    objects = SurveyResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey result")
        verbose_name_plural = _("survey results")
        ordering = ("survey", "subject__code", "indicator")
        constraints = (
            models.UniqueConstraint(fields=["survey", "subject", "indicator"], name="surveys_result_unique",
                                    violation_error_message=_("The unit already has a result for the indicator.")),
        )

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.subject_id} {self.indicator}: {self.value}"
