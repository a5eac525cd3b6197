"""Who sees period values and warnings, and who may change them (decided here, once).

- the office (admin) sees all and changes all (follows warnings up);
- auditors see all and change nothing;
- a unit's operators and leaders (a leader's units with their descendants) see their units' period values and
  warnings, and may answer their units' warnings; period values are written by who may write the value itself
  (``jixiao.collection.querysets.value_codes_for``, checked by the service);
- raters see none of it; the public sees the rectification orders the office issued as public (their state).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of, unit_scope
from jixiao.core.choices import Action
from jixiao.core.querysets import RestrictedQuerySet


class _UnitsOwnQuerySet(RestrictedQuerySet):
    """Seen by the office and auditors, and by a unit's operators and leaders for their units."""

    #: Whether a unit's operators and leaders may change rows of their units (answering a warning).
    unit_changes = False

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if role in (Role.OPERATOR, Role.LEADER) and (action == Action.VIEW or self.unit_changes):
            return self.filter(subject__unit_id__in=unit_scope(user))
        if role == Role.AUDITOR and action == Action.VIEW:
            return self.all()
        return self.none()


class PeriodValueQuerySet(_UnitsOwnQuerySet):
    what = _("period value")


class WarningQuerySet(_UnitsOwnQuerySet):
    what = _("warning")
    unit_changes = True


def may_follow_up(user: Any) -> bool:
    """Following a warning up (explained, corrected, confirmed) is the office's; ``user`` None is the system."""
    return user is None or role_of(user) == Role.ADMIN


class OrderQuerySet(_UnitsOwnQuerySet):
    """As warnings, and the public (the portal) sees the orders the office issued as public, for their
    state; the finding's details, plan and files are shown inside only (the portal's templates)."""

    what = _("rectification order")
    unit_changes = True

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        if role_of(user) == Role.PUBLIC:
            from jixiao.monitoring.choices import OrderState

            if action != Action.VIEW:
                return self.none()
            return self.filter(public=True).exclude(state__in=(OrderState.PROPOSED, OrderState.DISMISSED))
        return super()._restrict(user, action)


class EscalationQuerySet(_UnitsOwnQuerySet):
    what = _("escalation")
