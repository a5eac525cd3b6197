"""Access to the indicator library: everyone signed in reads it; the office changes it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of
from jixiao.core.choices import Action
from jixiao.core.querysets import RestrictedQuerySet


class _LibraryQuerySet(RestrictedQuerySet):
    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if action == Action.VIEW and role != Role.PUBLIC:
            return self.all()
        return self.none()


class IndicatorQuerySet(_LibraryQuerySet):
    """Indicators."""

    what = _("indicator")


class IndicatorVersionQuerySet(_LibraryQuerySet):
    """Indicator versions (read only for everyone: a new version is made instead of an edit)."""

    what = _("indicator version")

    def restrict(self, user: Any, action: str = Action.VIEW) -> RestrictedQuerySet:
        if action != Action.VIEW:
            return self.none()
        return super().restrict(user, action)
