"""Who sees the hotline's data, and who may change it (decided here, once).

- the office (admin) sees and changes everything: imports, the category tree, limits, routing, figures;
- auditors see everything and change nothing;
- a unit's operators and leaders see the tickets their units are responsible for (a leader's with the units
  below) and those units' figures; they change nothing (a ticket is the hotline system's record);
- raters and the public see nothing: a ticket holds a citizen's words and address. The category tree is
  reference data every signed-in user may read.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jixiao.accounts.querysets import unit_scope
from jixiao.core.choices import Action
from jixiao.core.querysets import RestrictedQuerySet
from jixiao.core.roles import Role, role_of


def _office(user: Any, action: Action) -> bool:
    role = role_of(user)
    return role == Role.ADMIN or (role == Role.AUDITOR and action == Action.VIEW)


class OfficeQuerySet(RestrictedQuerySet):
    """The office's own records (hotline systems, imports, limits, routing, feeds, proposals)."""

    what = _("hotline record")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        return self.all() if _office(user, action) else self.none()


class CategoryQuerySet(RestrictedQuerySet):
    what = _("ticket category")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        if _office(user, action):
            return self.all()
        if action == Action.VIEW and role_of(user) in (Role.OPERATOR, Role.LEADER):
            return self.all()
        return self.none()


class TicketQuerySet(RestrictedQuerySet):
    what = _("ticket")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        if _office(user, action):
            return self.all()
        if action == Action.VIEW and role_of(user) in (Role.OPERATOR, Role.LEADER):
            return self.filter(unit_id__in=unit_scope(user))
        return self.none()


class FigureQuerySet(RestrictedQuerySet):
    what = _("hotline figure")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        if _office(user, action):
            return self.all()
        if action == Action.VIEW and role_of(user) in (Role.OPERATOR, Role.LEADER):
            return self.filter(subject__unit_id__in=unit_scope(user))
        return self.none()
