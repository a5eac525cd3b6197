"""Who sees three-party checks, and who may change them (decided here, once).

- the office (admin) sees all and changes all (draws rounds, enters the third party's verification, applies);
- auditors (the finance review, 财政复核) see all and may change items (their review; the services keep the
  verification and applying to the office);
- a unit's operators and leaders see their units' items once the third party verified them, and the rounds
  holding such items; they change nothing;
- raters and the public see nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of, unit_scope
from jixiao.core.choices import Action
from jixiao.core.querysets import RestrictedQuerySet


class CheckRoundQuerySet(RestrictedQuerySet):
    what = _("check round")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        from jixiao.verification.choices import UNIT_VISIBLE

        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if role == Role.AUDITOR and action == Action.VIEW:
            return self.all()
        if role in (Role.OPERATOR, Role.LEADER) and action == Action.VIEW:
            return self.filter(items__subject__unit_id__in=unit_scope(user),
                               items__state__in=UNIT_VISIBLE).distinct()
        return self.none()


class CheckItemQuerySet(RestrictedQuerySet):
    what = _("check item")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        from jixiao.verification.choices import UNIT_VISIBLE

        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if role == Role.AUDITOR and action in (Action.VIEW, Action.CHANGE):
            return self.all()
        if role in (Role.OPERATOR, Role.LEADER) and action == Action.VIEW:
            return self.filter(subject__unit_id__in=unit_scope(user), state__in=UNIT_VISIBLE)
        return self.none()


def may_review(user: Any) -> bool:
    """The finance review is the auditors' and the office's; ``user`` None is the system."""
    return user is None or role_of(user) in (Role.ADMIN, Role.AUDITOR)


def may_verify(user: Any) -> bool:
    """Entering the third party's verification, drawing rounds and applying are the office's."""
    return user is None or role_of(user) == Role.ADMIN
