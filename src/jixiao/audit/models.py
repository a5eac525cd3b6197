"""The audit trail (审计留痕): one event per write, chained by hashes so that a changed, removed or
inserted event is detected by ``jixiao.audit.services.verify_chain`` (the formulas: ``jixiao.audit.chain``;
what the chain guarantees: docs/audit.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.audit.choices import HashVersion
from jixiao.audit.querysets import AuditEventQuerySet
from jixiao.core.choices import Source


class AuditEvent(models.Model):
    """One recorded write: who (actor), through what (source, context), did what (action) to which object,
    with the object's state before and after. ``hash`` covers the event's fields and ``prev_hash``: an
    HMAC under the audit key (``version`` 2) or, for events written before the key existed, a plain SHA-256
    (``version`` 1); old events are never rewritten. The actor is protected: deleting an account that acted
    would change a hashed field."""

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor name"), max_length=150)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    context = models.CharField(_("context"), max_length=300, blank=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    version = models.PositiveSmallIntegerField(_("hash version"), choices=HashVersion.choices)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ("-seq",)
        indexes = (models.Index(fields=["object_type", "object_id"], name="audit_event_object_idx"),)
        constraints = (
            models.CheckConstraint(
                condition=models.Q(version__in=HashVersion.values),
                name="audit_event_known_version",
                violation_error_message=_("An audit event's hash version is 1 or 2."),
            ),
        )

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"


class AuditChainHead(models.Model):
    """The chain's head: the last event's number and hash, in a single row (``pk`` 1) that every writer
    locks, so that events get consecutive numbers and each links to the one before. ``chain_id`` is random,
    made with the row (a database started afresh starts a new chain, and its checkpoints are told apart from
    an earlier one's); ``legacy_seq`` is the last event written before the audit key existed (version 1);
    ``seal`` = HMAC of both under the key, so that neither changes without it."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    chain_id = models.CharField(max_length=32)
    legacy_seq = models.PositiveBigIntegerField(default=0)
    seal = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(pk=1),
                name="audit_chain_head_single_row",
                violation_error_message=_("There is one chain head."),
            ),
        )

    def __str__(self) -> str:
        return f"{self.chain_id[:8]} #{self.seq} {self.hash[:12]}"
