"""Access to the audit trail: the office and auditors read it; nobody changes it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of
from jixiao.core.choices import Action
from jixiao.core.querysets import RestrictedQuerySet


class AuditEventQuerySet(RestrictedQuerySet):
    """Audit events are read by the office and auditors; ``change`` and ``delete`` are nobody's."""

    what = _("audit event")

    def restrict(self, user: Any, action: str = Action.VIEW) -> RestrictedQuerySet:
        if action != Action.VIEW:
            return self.none()  # not even a superuser edits history
        return super().restrict(user, action)

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        return self.all() if role_of(user) in (Role.ADMIN, Role.AUDITOR) else self.none()
