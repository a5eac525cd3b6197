"""Schemes (考核方案): imported from the YAML of SCORING.md, validated by the engine, stored with the
indicator versions they use. A scheme is never edited: importing a changed file makes a new version."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.engine import Scheme as EngineScheme
from jixiao.engine import read_scheme_text
from jixiao.schemes.choices import ItemRole
from jixiao.schemes.querysets import SchemeQuerySet


class Scheme(models.Model):
    """A scheme version. ``definition`` is the engine's canonical YAML (``dump_scheme``), kept as text
    because a JSON column may reorder keys and key order carries meaning (rater groups); ``source_text``
    is the YAML as it was imported, kept for the record."""

    code = models.CharField(_("scheme id"), max_length=100)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    definition = models.TextField(_("definition"))
    source_text = models.TextField(_("imported YAML"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    indicator_versions: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "indicators.IndicatorVersion",
        through="SchemeIndicator",
        related_name="schemes",
        verbose_name=_("indicator versions"),
    )

    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        ordering = ("code", "-version")
        constraints = (
            models.UniqueConstraint(
                fields=["code", "version"],
                name="schemes_scheme_code_version_unique",
                violation_error_message=_("This version of the scheme exists."),
            ),
        )

    def __str__(self) -> str:
        return f"{self.name} ({self.code} v{self.version})"

    @cached_property
    def engine(self) -> EngineScheme:
        """The validated engine scheme, from a per-process cache: parsing and validating the YAML costs ~15 ms,
        a third of a page, and a stored scheme is never edited (a change is a new version); the key includes the
        definition's hash anyway."""
        key = (self.pk, hash(self.definition))
        engine = _ENGINES.get(key)
        if engine is None:
            if len(_ENGINES) > 256:
                _ENGINES.clear()
            engine = _ENGINES[key] = read_scheme_text(self.definition)
        return engine


_ENGINES: dict[tuple[int | None, int], EngineScheme] = {}


class SchemeIndicator(models.Model):
    """Which version of a library indicator a scheme's node (or bonus, penalty, veto item) uses."""

    scheme = models.ForeignKey(Scheme, models.CASCADE, related_name="links", verbose_name=_("scheme"))
    indicator_version = models.ForeignKey(
        "indicators.IndicatorVersion", models.PROTECT, related_name="+", verbose_name=_("indicator version")
    )
    role = models.CharField(_("role in the scheme"), max_length=16, choices=ItemRole.choices)

    class Meta:
        verbose_name = _("scheme indicator")
        verbose_name_plural = _("scheme indicators")
        constraints = (
            models.UniqueConstraint(
                fields=["scheme", "indicator_version"],
                name="schemes_link_unique",
                violation_error_message=_("The scheme already uses this indicator."),
            ),
        )

    def __str__(self) -> str:
        return f"{self.scheme_id}: {self.indicator_version_id} ({self.role})"
