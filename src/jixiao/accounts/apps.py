"""The accounts and roles app (账号与角色)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jixiao.accounts"
    verbose_name = _("accounts and roles")
