"""Roles of the platform's users (see DOMAIN.md, "Who uses it") and the role of a user: the foundation every
app's access rules stand on, so it lives in core, which imports no app."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A user's role. The anonymous public has no account and therefore no role (``PUBLIC`` stands for it)."""

    ADMIN = "admin", _("assessment office admin (考核办)")
    OPERATOR = "operator", _("unit operator (填报员)")
    LEADER = "leader", _("unit leader (单位负责人)")
    RATER = "rater", _("rater (评价人)")
    AUDITOR = "auditor", _("auditor (财政/审计)")
    PUBLIC = "public", _("the public (公众)")


def role_of(user: Any) -> Role:
    """The role of ``user``; anonymous and inactive users are the public."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Role.PUBLIC
    return Role(user.effective_role)
