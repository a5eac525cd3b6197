"""Access to targets, values and ratings.

- values: the office and auditors see all; operators see their own units' values, leaders their units'
  and descendants'. Changing is only while the cycle is open, and by kind of item:
  - the unit's own items: by an operator on their own units and by the office, while the unit's data are
    being entered or were returned (submitted, approved and accepted data are locked);
  - the office's items (bonus, penalty, veto, expert points, values from automatic sources;
    ``jixiao.engine.values.is_office_item``): by the office only, whatever the unit's approval state.
- targets: seen like values; set by the office while the cycle is a draft or open.
- ratings: the office and auditors see all, and the office enters a panel's; a rater sees the ratings entered in
  their account's name and rates only through their assignments (``jixiao.ratings``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of, unit_scope
from jixiao.approval.choices import EDITABLE
from jixiao.core.choices import Action
from jixiao.core.querysets import RestrictedQuerySet
from jixiao.cycles.choices import CycleState

OPEN = Q(cycle__state=CycleState.OPEN)
NOT_DRAFT = ~Q(cycle__state=CycleState.DRAFT)
#: A subject whose data the unit may change: no approval step yet, or being entered, or returned.
UNLOCKED = Q(submission__isnull=True) | Q(submission__state__in=EDITABLE)
VALUE_UNLOCKED = Q(subject__submission__isnull=True) | Q(subject__submission__state__in=EDITABLE)


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
            return self.filter(OPEN).filter(Q(office_item=True) | VALUE_UNLOCKED)
        if role == Role.OPERATOR:
            return self.filter(OPEN, VALUE_UNLOCKED, office_item=False, subject__unit_id__in=unit_scope(user))
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
        # Raters rate through their assignments (``jixiao.ratings``), in the group the office set; the free entry of
        # a rating is the office's (a panel's scores).
        if role == Role.ADMIN:
            return self.filter(OPEN)
        return self.none()


def value_codes_for(user: Any, subject: Any) -> frozenset[str]:
    """The value codes ``user`` may write for ``subject`` now (the rules of ``ValueQuerySet``, for values that
    may not exist yet): none unless the subject is among ``writable_subjects``; the office's items only for
    the office; the unit's items only while its data are unlocked. ``user`` None is the system."""
    from jixiao.engine.values import office_codes

    if not writable_subjects(user, "value").filter(pk=subject.pk).exists():
        return frozenset()
    scheme = subject.cycle.scheme.engine
    office = office_codes(scheme)
    unit_items = frozenset(scheme.value_codes) - office
    unlocked = user is None or type(subject).objects.filter(UNLOCKED, pk=subject.pk).exists()
    own = unit_items if unlocked else frozenset()
    if user is None or role_of(user) == Role.ADMIN:
        return own | office
    return own


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
    elif kind == "rating" and role == Role.ADMIN:
        return subjects.filter(OPEN)
    return subjects.none()
