"""Which units a user works with, and which users a user may see (``role_of`` is core's)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jixiao.core.choices import Action
from jixiao.core.querysets import RestrictedQuerySet
from jixiao.core.roles import Role, role_of

__all__ = ["UserQuerySet", "role_of", "unit_ids", "unit_scope"]


def unit_ids(user: Any, *, descendants: bool) -> list[int]:
    """The ids of the units ``user`` is attached to, and of their descendants when asked."""
    from jixiao.org.models import Unit

    if role_of(user) == Role.PUBLIC:
        return []
    own = list(user.units.values_list("path", flat=True))
    if not own:
        return []
    if not descendants:
        return list(user.units.values_list("pk", flat=True))
    cond = Q()
    for path in own:
        cond |= Q(path__startswith=path)
    return list(Unit.objects.filter(cond).values_list("pk", flat=True))


def unit_scope(user: Any) -> list[int]:
    """The units whose data ``user`` works with: a leader's units with their descendants, an
    operator's own units."""
    return unit_ids(user, descendants=role_of(user) == Role.LEADER)


class UserQuerySet(RestrictedQuerySet):
    """Users: the office sees everyone; anyone else sees only themselves."""

    what = _("user")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if role == Role.PUBLIC or action != Action.VIEW:
            return self.none()
        return self.filter(pk=user.pk)


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    """Django's user manager with ``restrict``."""
