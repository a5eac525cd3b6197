"""The organisation app (组织机构)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "jixiao.org"
    verbose_name = _("organisation")
