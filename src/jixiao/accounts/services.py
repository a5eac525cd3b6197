"""Writes to accounts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from jixiao.accounts.choices import Role
from jixiao.accounts.errors import WeakPasswordError
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


def check_new_password(password: str, user: User) -> None:
    """Refuse ``password`` for ``user`` unless every validator of ``AUTH_PASSWORD_VALIDATORS`` accepts it
    (length, common passwords, all digits, likeness to the username and name): the one check every path
    that sets a password goes through. Raises WeakPasswordError naming each reason."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise WeakPasswordError(reasons=" ".join(str(m) for m in exc.messages)) from None


#: Roles that use the back office; the others work in the app.
BACK_OFFICE_ROLES = (Role.ADMIN, Role.AUDITOR)


def do_create_user(
    username: str,
    role: str,
    *,
    actor: Any,
    password: str | None = None,
    units: Iterable[Any] = (),
    name: str = "",
) -> User:
    """Create an account with a role and its units. Only the office and auditors use the back office
    (``is_staff``); everyone else works in the app.

    Without a password the account cannot sign in until one is set; a password given must pass
    ``check_new_password`` (WeakPasswordError otherwise)."""
    with transaction.atomic():
        User.objects.check_create(actor)
        user = User(
            username=username,
            role=Role(role),
            first_name=name,
            is_staff=role in BACK_OFFICE_ROLES,
        )
        if password:
            check_new_password(password, user)
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
