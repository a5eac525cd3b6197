"""Accounts: a user has one role and is attached to the units they work for."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import UserManager


class User(AbstractUser):
    """A person who signs in (用户). ``role`` says what they do; ``units`` say where (an operator's and a
    leader's units; a leader also sees the descendants of theirs)."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.OPERATOR)
    units = models.ManyToManyField("org.Unit", verbose_name=_("units"), blank=True, related_name="users")

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = (
            models.CheckConstraint(
                condition=~models.Q(role=Role.PUBLIC),
                name="accounts_user_role_not_public",
                violation_error_message=_("The public has no accounts."),
            ),
        )

    @property
    def effective_role(self) -> Role:
        """The role access is decided by; a superuser counts as an office admin."""
        return Role.ADMIN if self.is_superuser else Role(self.role)
