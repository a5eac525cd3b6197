"""Access to schemes: everyone signed in reads them; the office imports them. The public reads the
schemes of published cycles through those cycles."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of
from jixiao.core.choices import Action
from jixiao.core.querysets import RestrictedQuerySet


class SchemeQuerySet(RestrictedQuerySet):
    """Schemes."""

    what = _("scheme")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if action != Action.VIEW:
            return self.none()
        if role == Role.PUBLIC:
            from jixiao.cycles.choices import PUBLIC_STATES

            return self.filter(cycles__state__in=PUBLIC_STATES).distinct()
        return self.all()
