"""The one place access is decided (after NetBox's ``RestrictedQuerySet``).

Every restricted model's manager offers ``restrict(user, action)``; views, the API, the admin, exports
and jobs start from it, and services re-check a write with ``get_for(user, action, pk)`` inside their
transaction. Each model's queryset implements ``_restrict(user, action)`` with the rules of its aggregate.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.core.choices import Action
from jixiao.core.errors import NotFoundError, PermissionDeniedError
from jixiao.core.roles import Role, role_of


class RestrictedQuerySet(models.QuerySet[Any]):
    """A queryset that can narrow itself to what a user may see or do."""

    what = _("object")

    def restrict(self, user: Any, action: str = Action.VIEW) -> RestrictedQuerySet:
        """The rows ``user`` may ``action``. ``user`` None is the system (commands, jobs): everything."""
        if user is None:
            return self.all()
        # A superuser counts as an office admin (``role_of``): the rules of state still apply to them.
        return self._restrict(user, Action(action))

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_for(self, user: Any, action: str, **lookup: Any) -> Any:
        """The object for an ``action`` by ``user``: NotFoundError when it is unseen or absent (the same
        answer), PermissionDeniedError when it is seen but the action is not allowed."""
        try:
            obj = self.restrict(user, Action.VIEW).get(**lookup)
        except self.model.DoesNotExist:
            raise NotFoundError(what=self.what) from None
        if action != Action.VIEW and not self.restrict(user, action).filter(pk=obj.pk).exists():
            raise PermissionDeniedError(action=Action(action).label, what=self.what)
        return obj

    def check_create(self, user: Any) -> None:
        """Creating is the office's (and the system's) unless a queryset says otherwise."""

        if user is not None and role_of(user) != Role.ADMIN:
            raise PermissionDeniedError(action=Action.CHANGE.label, what=self.what)
