"""Access to targets, values and ratings.

- values: the office and auditors see all; operators see their own units' values, leaders their units'
  and descendants'. Changing is for the office and for an operator on their own units, and only while
  the cycle is open.
- targets: seen like values; set by the office while the cycle is a draft or open.
- ratings: the office and auditors see all; a rater sees and changes only their own, while open.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of, unit_scope
from jixiao.core.choices import Action
from jixiao.core.querysets import RestrictedQuerySet
from jixiao.cycles.choices import CycleState

OPEN = Q(cycle__state=CycleState.OPEN)
NOT_DRAFT = ~Q(cycle__state=CycleState.DRAFT)


class _UnitDataQuerySet(RestrictedQuerySet):
    """Data about a unit (values, targets): seen by the office and auditors everywhere, and by a unit's
    operators and leaders for their own scope once the cycle is past its draft."""

    def _unit_data_view(self, user: Any, role: Role) -> RestrictedQuerySet:
        if role in (Role.ADMIN, Role.AUDITOR):
            return self.all()
        if role in (Role.OPERATOR, Role.LEADER):
            return self.filter(NOT_DRAFT, subject__unit_id__in=unit_scope(user))
        return self.none()


class ValueQuerySet(_UnitDataQuerySet):
    """Values (实际值)."""

    what = _("value")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        role = role_of(user)
        if action == Action.VIEW:
            return self._unit_data_view(user, role)
        if role == Role.ADMIN:
            return self.filter(OPEN)
        if role == Role.OPERATOR:
            return self.filter(OPEN, subject__unit_id__in=unit_scope(user))
        return self.none()


class TargetQuerySet(_UnitDataQuerySet):
    """Negotiated targets (协商目标值)."""

    what = _("target")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        role = role_of(user)
        if action == Action.VIEW:
            return self._unit_data_view(user, role)
        if role == Role.ADMIN:
            return self.filter(cycle__state__in=[CycleState.DRAFT, CycleState.OPEN])
        return self.none()


class RatingQuerySet(RestrictedQuerySet):
    """Ratings (评分): a rater's own are theirs alone; units never see who rated them how."""

    what = _("rating")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        role = role_of(user)
        if action == Action.VIEW:
            if role in (Role.ADMIN, Role.AUDITOR):
                return self.all()
            if role == Role.RATER:
                return self.filter(rater_user=user)
            return self.none()
        if role == Role.ADMIN:
            return self.filter(OPEN)
        if role == Role.RATER:
            return self.filter(OPEN, rater_user=user)
        return self.none()


def writable_subjects(user: Any, kind: str) -> Any:
    """The subjects ``user`` may add ``kind`` ("value", "target", "rating") to; the same rules as the
    querysets above, for rows that do not exist yet. ``user`` None is the system."""
    from jixiao.cycles.models import Subject

    subjects = Subject.objects.all()
    if user is None:
        return subjects
    role = role_of(user)
    if kind == "value":
        if role == Role.ADMIN:
            return subjects.filter(OPEN)
        if role == Role.OPERATOR:
            return subjects.filter(OPEN, unit_id__in=unit_scope(user))
    elif kind == "target":
        if role == Role.ADMIN:
            return subjects.filter(cycle__state__in=[CycleState.DRAFT, CycleState.OPEN])
    elif kind == "rating" and role in (Role.ADMIN, Role.RATER):
        return subjects.filter(OPEN)
    return subjects.none()
