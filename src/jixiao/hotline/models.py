"""The hotline's tickets and what the office keeps around them.

``Ticket`` is the one big table (a city's hotline takes tens of thousands of requests a day): on PostgreSQL it is
partitioned by month of ``received_at`` (the migration creates it so; ``services.ensure_partitions`` adds a month's
partition before rows of that month arrive), so its primary key is ``(id, received_at)`` in the database and a
ticket number is unique together with its received time. On SQLite (the embedded default) it is a plain table.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.core.storage import private_storage
from jixiao.hotline.choices import NORMAL, CategoryBy, Measure, ProposalState, Satisfaction
from jixiao.hotline.querysets import (
    CategoryQuerySet,
    FigureQuerySet,
    OfficeQuerySet,
    TicketQuerySet,
)


class Category(models.Model):
    """A node of the three-level category tree (诉求分类). ``path`` is the names from the top joined by ``/``
    (``市容环境/市容秩序/占道经营``): tickets, SLA rules and files name a category by it or by its code.
    ``keywords`` (level 3) feed the keyword rules of the classifier, separated by ``|``."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent"))
    level = models.PositiveSmallIntegerField(_("level"))
    path = models.CharField(_("path"), max_length=400, unique=True)
    keywords = models.TextField(_("keywords"), blank=True)
    active = models.BooleanField(_("in use"), default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket category")
        verbose_name_plural = _("ticket categories")
        ordering = ("code",)
        constraints = (
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=3), name="hotline_category_level",
                                   violation_error_message=_("A category's level is 1, 2 or 3.")),
        )

    def __str__(self) -> str:
        return self.path


class SourceSystem(models.Model):
    """A hotline system allowed to push tickets through the API with its own key. Only the key's SHA-256 is
    kept; its first characters (``prefix``) name it in lists and in the audit trail."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True)
    key_hash = models.CharField(_("key hash"), max_length=64)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("registered"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("registered by"))
    last_used_at = models.DateTimeField(_("last push"), null=True, blank=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        verbose_name = _("hotline system")
        verbose_name_plural = _("hotline systems")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class TicketBatch(models.Model):
    """One import of tickets: a file or a batch pushed by a hotline system, with its counts."""

    system = models.ForeignKey(SourceSystem, models.PROTECT, null=True, blank=True, related_name="batches",
                               verbose_name=_("hotline system"))
    name = models.CharField(_("file or batch"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("new tickets"), default=0)
    updated = models.PositiveIntegerField(_("updated tickets"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged tickets"), default=0)
    unmatched_units = models.PositiveIntegerField(_("tickets naming an unknown unit"), default=0)
    unmatched_categories = models.PositiveIntegerField(_("tickets naming an unknown category"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("imported by"))
    created_at = models.DateTimeField(_("imported"))

    objects = OfficeQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket import")
        verbose_name_plural = _("ticket imports")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return self.name


class Ticket(models.Model):
    """A citizen's request (工单) as the hotline system exported it, with what the office added: the category
    (from the file, the keyword rules, the model or a person, with the model's confidence) and whether a person
    should look at it. ``unit`` is the responsible unit (主办) when the export's name or code matched the unit
    tree; ``unit_text`` keeps what the export said either way."""

    number = models.CharField(_("ticket number"), max_length=64)
    received_at = models.DateTimeField(_("received"))
    channel = models.CharField(_("channel"), max_length=32, blank=True)
    text = models.TextField(_("request"), blank=True)
    district = models.CharField(_("district"), max_length=64, blank=True)
    street = models.CharField(_("street"), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # The foreign keys' own indexes would repeat the (unit | category, received_at) ones below.
    category = models.ForeignKey(Category, models.PROTECT, null=True, blank=True, related_name="tickets",
                                 verbose_name=_("category"), db_index=False)
    category_text = models.CharField(_("category as exported"), max_length=200, blank=True)
    category_by = models.CharField(_("category from"), max_length=8, choices=CategoryBy.choices, blank=True)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    #: The classifier's answer for a ticket in review (its category stays empty until a person decides).
    proposed = models.ForeignKey(Category, models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("proposed category"), db_index=False)
    needs_review = models.BooleanField(_("to review"), default=False)
    unit = models.ForeignKey("org.Unit", models.PROTECT, null=True, blank=True, related_name="tickets",
                             verbose_name=_("responsible unit"), db_index=False)
    unit_text = models.CharField(_("responsible unit as exported"), max_length=200, blank=True)
    co_units = models.CharField(_("co-units"), max_length=400, blank=True)
    transfers = models.PositiveSmallIntegerField(_("transfers"), null=True, blank=True)
    urgency = models.CharField(_("urgency"), max_length=16, default=NORMAL)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    resolution = models.CharField(_("result"), max_length=32, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=8, choices=Satisfaction.choices, blank=True)
    repeat_of = models.CharField(_("repeat of"), max_length=64, blank=True)
    batch = models.ForeignKey(TicketBatch, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("import"), db_index=False)
    updated_at = models.DateTimeField(_("updated"))

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ("-received_at", "-pk")
        constraints = (
            # The month partitions need the received time in every unique key: a number is unique with it.
            models.UniqueConstraint(fields=["number", "received_at"], name="hotline_ticket_number",
                                    violation_error_message=_("This ticket number was received at this time "
                                                              "already.")),
        )
        indexes = (
            models.Index(fields=["unit", "received_at"], name="hotline_ticket_unit"),
            models.Index(fields=["category", "received_at"], name="hotline_ticket_category"),
            models.Index(fields=["needs_review"], condition=models.Q(needs_review=True),
                         name="hotline_ticket_review"),
        )

    def __str__(self) -> str:
        return self.number


class SlaRule(models.Model):
    """A response time limit (响应时限) for a category (and its sub-categories; none = every category) and an
    urgency. Without a rule, 紧急 has 2 hours and 一般 24."""

    category = models.ForeignKey(Category, models.CASCADE, null=True, blank=True, related_name="sla_rules",
                                 verbose_name=_("category"))
    urgency = models.CharField(_("urgency"), max_length=16)
    hours = models.FloatField(_("hours"))

    objects = OfficeQuerySet.as_manager()

    class Meta:
        verbose_name = _("response time limit")
        verbose_name_plural = _("response time limits")
        ordering = ("category__code", "urgency")
        constraints = (
            models.UniqueConstraint(fields=["category", "urgency"], name="hotline_sla_unique",
                                    nulls_distinct=False,
                                    violation_error_message=_("This category and urgency have a limit.")),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="hotline_sla_hours",
                                   violation_error_message=_("A time limit is above 0 hours.")),
        )


    def __str__(self) -> str:
        return f"{self.category or '*'} {self.urgency} {self.hours:g} h"

class RoutingRule(models.Model):
    """The responsible unit proposed for a ticket of a category (and its sub-categories; none = any) in a
    district and street (empty = any). The most specific rule wins: street over district over city-wide, a deeper
    category over a shallower one."""

    category = models.ForeignKey(Category, models.CASCADE, null=True, blank=True, related_name="routing_rules",
                                 verbose_name=_("category"))
    district = models.CharField(_("district"), max_length=64, blank=True)
    street = models.CharField(_("street"), max_length=64, blank=True)
    unit = models.ForeignKey("org.Unit", models.CASCADE, related_name="+", verbose_name=_("responsible unit"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ("category__code", "district", "street")
        constraints = (
            models.UniqueConstraint(fields=["category", "district", "street"], name="hotline_routing_unique",
                                    nulls_distinct=False,
                                    violation_error_message=_("A rule for this category and place exists.")),
        )


    def __str__(self) -> str:
        return f"{self.category or '*'} {self.district or '*'} {self.street or '*'} → {self.unit_id}"

class Feed(models.Model):
    """A cycle indicator fed by a hotline rate: its value for each unit is computed from the unit's tickets
    received in ``start`` .. ``end`` (inclusive days)."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="hotline_feeds",
                              verbose_name=_("cycle"))
    indicator = models.CharField(_("indicator"), max_length=64)
    measure = models.CharField(_("measure"), max_length=24, choices=Measure.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))

    objects = OfficeQuerySet.as_manager()

    class Meta:
        verbose_name = _("hotline indicator")
        verbose_name_plural = _("hotline indicators")
        ordering = ("cycle", "indicator")
        constraints = (
            models.UniqueConstraint(fields=["cycle", "indicator"], name="hotline_feed_unique",
                                    violation_error_message=_("This indicator is fed already.")),
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="hotline_feed_period",
                                   violation_error_message=_("The period ends before it starts.")),
        )

    def __str__(self) -> str:
        return f"{self.indicator} ← {self.measure}"


class Figure(models.Model):
    """A unit's counts behind its hotline values in a cycle (the provenance of the values), recomputed whole."""

    cycle = models.ForeignKey("cycles.Cycle", models.CASCADE, related_name="+", verbose_name=_("cycle"))
    subject = models.ForeignKey("cycles.Subject", models.CASCADE, related_name="hotline_figures",
                                verbose_name=_("unit"))
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    received = models.PositiveIntegerField(_("tickets received"))
    responded_on_time = models.PositiveIntegerField(_("responded on time"))
    closed = models.PositiveIntegerField(_("closed"))
    solved = models.PositiveIntegerField(_("solved"))
    surveyed = models.PositiveIntegerField(_("surveyed"))
    satisfied = models.PositiveIntegerField(_("satisfied"))
    response_rate = models.FloatField(_("on-time response rate"), null=True, blank=True)
    resolution_rate = models.FloatField(_("resolution rate"), null=True, blank=True)
    satisfaction_rate = models.FloatField(_("satisfaction rate"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed"))

    objects = FigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("hotline figure")
        verbose_name_plural = _("hotline figures")
        ordering = ("subject__code",)
        constraints = (
            models.UniqueConstraint(fields=["subject", "start", "end"], name="hotline_figure_unique",
                                    violation_error_message=_("These figures exist.")),
        )


    def __str__(self) -> str:
        return f"{self.subject_id} {self.start}..{self.end}"

class WeightProposal(models.Model):
    """Proposed weights of the hotline indicators of a scheme for next year, from this year's and last year's
    tickets, with the categories whose volume or unresolved share rose; a person accepts it into a new scheme
    version, or declines it."""

    scheme = models.ForeignKey("schemes.Scheme", models.CASCADE, related_name="+", verbose_name=_("scheme"))
    year = models.PositiveSmallIntegerField(_("from the tickets of"))
    rows = models.JSONField(_("proposed weights"))
    categories = models.JSONField(_("categories"))
    state = models.CharField(_("state"), max_length=8, choices=ProposalState.choices,
                             default=ProposalState.PROPOSED)
    created_at = models.DateTimeField(_("proposed"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("proposed by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    result = models.ForeignKey("schemes.Scheme", models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("new scheme version"))
    comment = models.TextField(_("comment"), blank=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        verbose_name = _("weight proposal")
        verbose_name_plural = _("weight proposals")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.scheme_id} {self.year} {self.state}"


def model_path(instance: Classifier, name: str) -> str:
    return f"hotline/models/{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.npz"


class Classifier(models.Model):
    """A classification model trained on the office's own labelled tickets (categories from the hotline's
    exports and from people's corrections), with its cross-validated figures. The newest is the one used."""

    file = models.FileField(_("model file"), upload_to=model_path, storage=private_storage)
    tickets = models.PositiveIntegerField(_("training tickets"))
    classes = models.PositiveIntegerField(_("categories"))
    accuracy = models.FloatField(_("accuracy (cross-validated)"))
    macro_f1 = models.FloatField(_("macro-F1 (cross-validated)"))
    report = models.JSONField(_("per category"), default=dict)
    seconds = models.FloatField(_("training time (s)"))
    created_at = models.DateTimeField(_("trained"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("trained by"))

    objects = OfficeQuerySet.as_manager()

    class Meta:
        verbose_name = _("classification model")
        verbose_name_plural = _("classification models")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} ({self.tickets} tickets, macro-F1 {self.macro_f1:.3f})"
