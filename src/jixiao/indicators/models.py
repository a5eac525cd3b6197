"""The indicator library (指标库): indicators and their versions. An edit makes a new version; a scheme
links the versions it was built from, so a closed cycle keeps the definitions it was scored with."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.indicators.choices import DataSource, Kind
from jixiao.indicators.querysets import IndicatorQuerySet, IndicatorVersionQuerySet
from jixiao.org.models import code_validator


class Indicator(models.Model):
    """An indicator (指标), identified by its code; what it means is in its versions."""

    code = models.CharField(_("code"), max_length=64, unique=True, validators=[code_validator])
    latest_version = models.PositiveIntegerField(_("latest version"), default=1)
    retired = models.BooleanField(_("retired"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicator library")
        ordering = ("code",)

    def __str__(self) -> str:
        return self.code

    @property
    def current(self) -> IndicatorVersion:
        return self.versions.get(version=self.latest_version)


class IndicatorVersion(models.Model):
    """One version of an indicator's definition (指标版本). Never changed once written."""

    FIELDS = ("name", "definition", "unit_of_measure", "kind", "source")

    indicator = models.ForeignKey(
        Indicator, models.PROTECT, related_name="versions", verbose_name=_("indicator")
    )
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    definition = models.TextField(_("definition"), blank=True)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=32, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, blank=True)
    source = models.CharField(_("data source"), max_length=16, choices=DataSource.choices, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = IndicatorVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator version")
        verbose_name_plural = _("indicator versions")
        ordering = ("indicator__code", "-version")
        constraints = (
            models.UniqueConstraint(
                fields=["indicator", "version"],
                name="indicators_version_unique",
                violation_error_message=_("This version of the indicator exists."),
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1),
                name="indicators_version_positive",
                violation_error_message=_("Versions start at 1."),
            ),
        )

    def __str__(self) -> str:
        return f"{self.indicator.code} v{self.version} {self.name}"

    def definition_fields(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in self.FIELDS}
