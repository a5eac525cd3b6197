"""Access to import jobs: the office starts and sees them; auditors read them; nobody else sees any."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of
from jixiao.core.choices import Action
from jixiao.core.querysets import RestrictedQuerySet


class ImportJobQuerySet(RestrictedQuerySet):
    what = _("import")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        role = role_of(user)
        if role == Role.ADMIN or (role == Role.AUDITOR and action == Action.VIEW):
            return self.all()
        return self.none()
