"""Three-party check rounds (三方制衡) and their sampled items."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.core.storage import private_storage
from jixiao.engine.verification import DEFAULT_THRESHOLD
from jixiao.verification.choices import Finance, ItemState, Method
from jixiao.verification.querysets import CheckItemQuerySet, CheckRoundQuerySet


class CheckRound(models.Model):
    """A round of three-party checks (三方核查批次) in a cycle: a sample of the units' values drawn by the office,
    per unit ``per_unit`` values or a ``share`` of them (every unit with values gets at least one),
    reproducible from the recorded ``seed``; the office may add values by hand. A unit whose mean gap between
    what it reported and what was verified exceeds ``threshold`` is flagged for the office's review."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="check_rounds", verbose_name=_("cycle"))
    name = models.CharField(_("name"), max_length=200)
    seed = models.BigIntegerField(_("random seed"))
    per_unit = models.PositiveSmallIntegerField(_("values per unit"), null=True, blank=True)
    share = models.FloatField(_("share of each unit's values"), null=True, blank=True)
    threshold = models.FloatField(_("flag above mean gap"), default=DEFAULT_THRESHOLD)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("drawn by"))
    created_at = models.DateTimeField(_("drawn"))

    objects = CheckRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("check round")
        verbose_name_plural = _("check rounds")
        ordering = ("-created_at", "-pk")
        constraints = (
            models.CheckConstraint(condition=models.Q(threshold__gte=0), name="verification_round_threshold",
                                   violation_error_message=_("The threshold cannot be negative.")),
            models.CheckConstraint(condition=models.Q(share__isnull=True) | models.Q(share__gt=0, share__lte=1),
                                   name="verification_round_share",
                                   violation_error_message=_("A share is above 0 and at most 1.")),
        )

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.name}"


def evidence_path(item: CheckItem, name: str) -> str:
    """Each verification's file in a folder of its own, under the name it was uploaded with (shortened)."""
    path = Path(name)
    return f"verification/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/{path.stem[:100] or 'file'}{path.suffix[:16]}"


class CheckItem(models.Model):
    """One sampled value of a unit (抽查项): the self-reported value (单位自评) as it stood when sampled, with its
    version; the finance review (财政复核: agrees, or a reviewed value with a note); the third party's
    verification (第三方核查: the verified value, how and when, a note and an evidence file); and, once the
    office applied the verified value, the value's resulting version."""

    round = models.ForeignKey(CheckRound, models.CASCADE, related_name="items", verbose_name=_("round"))
    subject = models.ForeignKey("cycles.Subject", models.CASCADE, related_name="check_items", verbose_name=_("unit"))
    indicator = models.CharField(_("indicator"), max_length=64)
    state = models.CharField(_("state"), max_length=16, choices=ItemState.choices, default=ItemState.SAMPLED)
    by_hand = models.BooleanField(_("added by hand"), default=False)
    self_value = models.FloatField(_("self-reported value"))
    self_version = models.PositiveIntegerField(_("version when sampled"))
    finance = models.CharField(_("finance review"), max_length=16, choices=Finance.choices, blank=True)
    finance_value = models.FloatField(_("finance-reviewed value"), null=True, blank=True)
    finance_note = models.TextField(_("finance note"), blank=True)
    finance_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("reviewed by"))
    finance_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    verified_value = models.FloatField(_("verified value"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=16, choices=Method.choices, blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verify_note = models.TextField(_("verification note"), blank=True)
    file = models.FileField(_("evidence"), storage=private_storage, upload_to=evidence_path, max_length=255,
                            blank=True)
    file_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("entered by"))
    verified_at = models.DateTimeField(_("verification entered"), null=True, blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("applied by"))
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    applied_version = models.PositiveIntegerField(_("value version after applying"), null=True, blank=True)

    objects = CheckItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("check item")
        verbose_name_plural = _("check items")
        ordering = ("round", "subject__code", "indicator")
        constraints = (
            models.UniqueConstraint(fields=["round", "subject", "indicator"], name="verification_item_unique",
                                    violation_error_message=_("This value is already in the round.")),
            models.CheckConstraint(
                condition=~models.Q(finance=Finance.ADJUSTED) | models.Q(finance_value__isnull=False),
                name="verification_item_finance_value",
                violation_error_message=_("A reviewed value is needed when finance does not agree.")),
            models.CheckConstraint(
                condition=models.Q(state__in=[ItemState.SAMPLED, ItemState.REVIEWED])
                | models.Q(verified_value__isnull=False),
                name="verification_item_verified_value",
                violation_error_message=_("A verified item has its verified value.")),
        )

    def __str__(self) -> str:
        return f"{self.subject_id} {self.indicator} ({self.state})"

    @property
    def reviewed_value(self) -> float | None:
        """What finance holds: the unit's value when it agrees, its own when it does not, None before."""
        if self.finance == Finance.AGREES:
            return self.self_value
        return self.finance_value
