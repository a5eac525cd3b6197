"""Multi-party evaluation (多元评价): rating campaigns (评价活动) whose assignments (评价任务) say who rates whom in
which rater group, the comments raters leave, and the votes of a democratic appraisal (民主测评).

The scores themselves are ``jixiao.collection.Rating`` rows (the engine's input), written by the rating form's
service under the assignment's group and an anonymous key, never the rater's choice."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.ratings.choices import AssignmentState, CampaignKind, CampaignState, Vote
from jixiao.ratings.querysets import AssignmentQuerySet, BallotQuerySet, CampaignQuerySet


def new_token() -> str:
    """An invitation link's secret: 32 URL-safe characters (192 bits)."""
    return secrets.token_urlsafe(24)


class Campaign(models.Model):
    """A rating campaign of a cycle (评价活动): which rating indicators (or a democratic appraisal) it covers, its
    deadline, its state; raters are assigned to it."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="campaigns", verbose_name=_("cycle"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("campaign kind"), max_length=16, choices=CampaignKind.choices,
                            default=CampaignKind.RATING)
    #: The rating indicators the forms ask about (codes); empty: every rating indicator of the scheme.
    indicators = models.JSONField(_("indicators"), default=list, blank=True)
    #: A democratic appraisal's result becomes the value of this indicator of the scheme (``tally``).
    indicator = models.CharField(_("indicator fed"), max_length=64, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=CampaignState.choices, default=CampaignState.DRAFT)
    deadline = models.DateTimeField(_("rating deadline"), null=True, blank=True)
    instructions = models.TextField(_("instructions"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating campaign")
        verbose_name_plural = _("rating campaigns")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """One rater's task (评价任务): rate ``subject`` in ``group`` of ``campaign``. The rater is an account, or an
    outside rater without one (人大代表、专家、服务对象) who opens the invitation link with ``token``. The group is
    fixed here by the office, never chosen by the rater. ``key`` is the name the ratings carry in the engine's
    input: the same for all of one rater's assignments in a campaign (so rater quality can follow a rater), and
    it names no person."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="assignments", verbose_name=_("campaign"))
    subject = models.ForeignKey("cycles.Subject", models.CASCADE, related_name="assignments",
                                verbose_name=_("subject"))
    group = models.CharField(_("rater group"), max_length=32)
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                              related_name="assignments", verbose_name=_("rater account"))
    #: An outside rater's name and role as the office knows them (shown to the office only).
    invitee = models.CharField(_("invited rater"), max_length=200, blank=True)
    token = models.CharField(_("invitation token"), max_length=64, unique=True, default=new_token, editable=False)
    key = models.CharField(_("rater key"), max_length=64, editable=False)
    state = models.CharField(_("state"), max_length=16, choices=AssignmentState.choices,
                             default=AssignmentState.PENDING)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating assignment")
        verbose_name_plural = _("rating assignments")
        ordering = ("campaign", "subject__code", "group", "pk")
        constraints = (
            models.UniqueConstraint(fields=["campaign", "subject", "rater"], name="ratings_assignment_once",
                                    violation_error_message=_("This rater is already assigned to this subject.")),
            models.UniqueConstraint(fields=["campaign", "subject", "key"], name="ratings_assignment_key_once",
                                    violation_error_message=_("This rater is already assigned to this subject.")),
            models.CheckConstraint(condition=models.Q(rater__isnull=False) | ~models.Q(invitee=""),
                                   name="ratings_assignment_has_rater",
                                   violation_error_message=_("Give a rater account or an invited rater.")),
        )
        indexes = (models.Index(fields=["campaign", "state"], name="ratings_assignment_state_idx"),)

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.subject_id}/{self.group}/{self.key}"

    @property
    def invited(self) -> bool:
        """Rated through the invitation link (no account)."""
        return self.rater_id is None


class Ballot(models.Model):
    """One vote of a democratic appraisal (民主测评票) on a subject, cast through an assignment; anonymous in the
    results (only counts and percentages are shown)."""

    assignment = models.OneToOneField(Assignment, models.CASCADE, related_name="ballot",
                                      verbose_name=_("assignment"))
    vote = models.CharField(_("vote"), max_length=16, choices=Vote.choices)

    objects = BallotQuerySet.as_manager()

    class Meta:
        verbose_name = _("democratic appraisal vote")
        verbose_name_plural = _("democratic appraisal votes")

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.vote}"
