"""Words of the organisation tree."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """The level of a unit in the tree (province / city / district / street, or a department)."""

    PROVINCE = "province", _("province (省)")
    CITY = "city", _("city (市)")
    DISTRICT = "district", _("district (区县)")
    STREET = "street", _("street (街道乡镇)")
    DEPARTMENT = "department", _("department (部门)")


class PostType(models.TextChoices):
    """A staff member's post type (岗位类别); weights and indicators may differ by post (003)."""

    ENFORCEMENT = "enforcement", _("enforcement (执法)")
    SERVICE = "service", _("public service (服务)")
    ADMINISTRATION = "administration", _("administration (综合管理)")
    TECHNICAL = "technical", _("technical (专业技术)")
    LOGISTICS = "logistics", _("logistics (后勤保障)")
