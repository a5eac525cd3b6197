"""Access to results: everyone sees published results; before publication the office and auditors
see all, leaders their units and descendants, operators their own units (once the cycle is closed)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of, unit_scope
from jixiao.core.choices import Action
from jixiao.core.querysets import RestrictedQuerySet
from jixiao.cycles.choices import PUBLIC_STATES, CycleState


class ResultQuerySet(RestrictedQuerySet):
    """Results; nobody changes them by hand (computing writes them)."""

    what = _("result")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        if action != Action.VIEW:
            return self.none()
        role = role_of(user)
        published = Q(cycle__state__in=PUBLIC_STATES)
        if role in (Role.ADMIN, Role.AUDITOR):
            return self.all()
        if role in (Role.OPERATOR, Role.LEADER):
            return self.filter(
                published | Q(cycle__state=CycleState.CLOSED, subject__unit_id__in=unit_scope(user))
            )
        return self.filter(published)


class ResultVersionQuerySet(RestrictedQuerySet):
    """Versions of a cycle's results: the office and auditors; nobody changes one (computing and the review's
    steps write them)."""

    what = _("results version")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        if action != Action.VIEW or role_of(user) not in (Role.ADMIN, Role.AUDITOR):
            return self.none()
        return self.all()
