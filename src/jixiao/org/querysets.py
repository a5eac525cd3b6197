"""Access to the organisation. The tree and categories are not secret to signed-in users; staff records
are seen by the office and auditors, and by operators and leaders for their own units."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of, unit_scope
from jixiao.core.choices import Action
from jixiao.core.querysets import RestrictedQuerySet


class CategoryQuerySet(RestrictedQuerySet):
    """Unit categories: everyone reads them (the public portal names them); the office changes them."""

    what = _("category")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        if action == Action.VIEW or role_of(user) == Role.ADMIN:
            return self.all()
        return self.none()


class UnitQuerySet(RestrictedQuerySet):
    """Units: everyone signed in reads the tree; the public reads it too (results name units);
    only the office changes it."""

    what = _("unit")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        if action == Action.VIEW or role_of(user) == Role.ADMIN:
            return self.all()
        return self.none()

    def subtree(self, unit: Any) -> UnitQuerySet:
        """The unit and its descendants."""
        return self.filter(path__startswith=unit.path)


class PersonQuerySet(RestrictedQuerySet):
    """Staff: the office changes; auditors read all; operators and leaders read their units' staff."""

    what = _("staff member")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if action != Action.VIEW:
            return self.none()
        if role == Role.AUDITOR:
            return self.all()
        if role in (Role.OPERATOR, Role.LEADER):
            return self.filter(unit_id__in=unit_scope(user))
        return self.none()
