"""Access to results: everyone sees published results of units; before publication the office and auditors
see all, leaders their units and descendants, operators their own units (once the cycle is closed). A person's
result (staff appraisal) is seen by the person, by the leaders of their unit and by the office and auditors only."""

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
        if role in (Role.ADMIN, Role.AUDITOR):
            return self.all()
        # A person's result (staff appraisal) is never public: the person sees their own, a leader their units'
        # people, once the cycle is closed; nobody else.
        person = Q(subject__person__isnull=False)
        settled = Q(cycle__state__in=PUBLIC_STATES) | Q(cycle__state=CycleState.CLOSED)
        published = ~person & Q(cycle__state__in=PUBLIC_STATES)
        if role == Role.PUBLIC:
            return self.filter(published)
        own = person & settled & Q(subject__person__user=user)
        if role in (Role.OPERATOR, Role.LEADER):
            units = Q(subject__unit_id__in=unit_scope(user))
            mine = published | (~person & units & Q(cycle__state=CycleState.CLOSED)) | own
            if role == Role.LEADER:
                mine |= person & settled & units
            return self.filter(mine)
        return self.filter(published | own)


class ResultVersionQuerySet(RestrictedQuerySet):
    """Versions of a cycle's results: the office and auditors; nobody changes one (computing and the review's
    steps write them)."""

    what = _("results version")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        if action != Action.VIEW or role_of(user) not in (Role.ADMIN, Role.AUDITOR):
            return self.none()
        return self.all()
