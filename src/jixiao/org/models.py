"""The organisation: unit categories, the unit tree and the staff attached to units."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.org.choices import Level, PostType
from jixiao.org.querysets import CategoryQuerySet, PersonQuerySet, UnitQuerySet

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$", _("A code is letters, digits, '_', '.' or '-', up to 64.")
)


class Category(models.Model):
    """A unit category (单位类别), e.g. A 执法服务型 / B 支持保障型; a scheme's ``only`` lists these codes."""

    code = models.CharField(_("code"), max_length=16, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit category")
        verbose_name_plural = _("unit categories")
        ordering = ("code",)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Unit(models.Model):
    """An organisation unit (考核单位) in the tree. ``path`` is the codes from the root, ``/A/B/C/``, kept
    by the services, so that "a unit and its descendants" is one indexed prefix query."""

    code = models.CharField(_("code"), max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    category = models.ForeignKey(
        Category, models.PROTECT, null=True, blank=True, related_name="units", verbose_name=_("category")
    )
    path = models.CharField(_("path"), max_length=1000, db_index=True, editable=False)
    active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ("path",)

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Person(models.Model):
    """A staff member (工作人员) with a post type, attached to a unit; a subject of staff appraisal."""

    code = models.CharField(_("staff number"), max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    post_type = models.CharField(_("post type"), max_length=16, choices=PostType.choices)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="staff", verbose_name=_("unit"))
    active = models.BooleanField(_("active"), default=True)
    #: The staff member's own account, if they have one: through it they see their own appraisal result.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                related_name="person", verbose_name=_("account"))

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ("code",)
        indexes = (models.Index(fields=["unit", "code"], name="org_person_unit_code_idx"),)

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
