"""Who sees surveys, their results and their responses (decided here, once).

- the office (admin) sees and manages all;
- auditors see all and change nothing;
- a unit's operators and leaders (a leader's units with their descendants) see the surveys that ask about their
  units and their units' results, never the individual responses or the tokens;
- raters and the public see none of it: the public answers a survey only through its link (a capability, not a
  queryset), and sees nothing else of it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of, unit_scope
from jixiao.core.choices import Action
from jixiao.core.querysets import RestrictedQuerySet


class SurveyQuerySet(RestrictedQuerySet):
    what = _("survey")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if action != Action.VIEW:
            return self.none()
        if role == Role.AUDITOR:
            return self.all()
        if role in (Role.OPERATOR, Role.LEADER):
            return self.filter(links__subject__unit_id__in=unit_scope(user)).distinct()
        return self.none()


class SurveyResultQuerySet(RestrictedQuerySet):
    what = _("survey result")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if action != Action.VIEW:
            return self.none()
        if role == Role.AUDITOR:
            return self.all()
        if role in (Role.OPERATOR, Role.LEADER):
            return self.filter(subject__unit_id__in=unit_scope(user))
        return self.none()


class _OfficeOnlyQuerySet(RestrictedQuerySet):
    """Responses and tokens: the office's, auditors may look; units never see who answered what."""

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        role = role_of(user)
        if role == Role.ADMIN or (role == Role.AUDITOR and action == Action.VIEW):
            return self.all()
        return self.none()


class SurveyResponseQuerySet(_OfficeOnlyQuerySet):
    what = _("survey response")


class SurveyTokenQuerySet(_OfficeOnlyQuerySet):
    what = _("invitation token")
