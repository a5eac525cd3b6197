"""Writes to accounts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from jixiao.accounts.choices import Role
from jixiao.accounts.models import User
from jixiao.audit.services import record_event, snapshot
from jixiao.core.errors import validate

_SAFE = [
    "id",
    "username",
    "first_name",
    "last_name",
    "email",
    "role",
    "is_staff",
    "is_superuser",
    "is_active",
]


def do_create_user(
    username: str,
    role: str,
    *,
    actor: Any,
    password: str | None = None,
    units: Iterable[Any] = (),
    name: str = "",
) -> User:
    """Create an account with a role and its units. Office admins and auditors may use the back office
    (``is_staff``); so may operators, who enter their units' data there until the web UI exists."""
    with transaction.atomic():
        User.objects.check_create(actor)
        user = User(
            username=username,
            role=Role(role),
            first_name=name,
            is_staff=role in (Role.ADMIN, Role.AUDITOR, Role.OPERATOR, Role.LEADER, Role.RATER),
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        validate(user)
        user.save()
        user.units.set(list(units))
        record_event(
            "user.create",
            actor=actor,
            obj=user,
            before=None,
            after={**snapshot(user, _SAFE), "units": sorted(u.code for u in user.units.all())},
        )
    return user


def do_update_user(
    user: User,
    *,
    actor: Any,
    role: str | None = None,
    units: Iterable[Any] | None = None,
    is_active: bool | None = None,
) -> User:
    """Change an account's role, units or active flag."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=User.objects.get_for(actor, "change", pk=user.pk).pk)
        before = {**snapshot(user, _SAFE), "units": sorted(u.code for u in user.units.all())}
        fields: list[str] = []
        if role is not None:
            user.role, fields = Role(role), [*fields, "role"]
        if is_active is not None:
            user.is_active, fields = is_active, [*fields, "is_active"]
        validate(user)
        if fields:
            user.save(update_fields=fields)
        if units is not None:
            user.units.set(list(units))
        record_event(
            "user.update",
            actor=actor,
            obj=user,
            before=before,
            after={**snapshot(user, _SAFE), "units": sorted(u.code for u in user.units.all())},
        )
    return user
