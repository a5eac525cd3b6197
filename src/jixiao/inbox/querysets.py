"""Who sees a notice (decided here, once): its recipient, and nobody else, the office included. A notice is
personal mail, not a record of the assessment; the audit trail holds what happened."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.translation import gettext_lazy as _

from jixiao.core.choices import Action
from jixiao.core.querysets import RestrictedQuerySet
from jixiao.core.roles import Role, role_of


class NoticeQuerySet(RestrictedQuerySet):
    """Notices; sent by ``jixiao.inbox.services.notify``, marked read through its services."""

    what = _("notice")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        # Viewing and marking read are the recipient's; nobody deletes a notice.
        if role_of(user) == Role.PUBLIC or action == Action.DELETE:
            return self.none()
        return self.filter(recipient_id=user.pk)


#: The inbox's order: unread first, then newest first.
INBOX_ORDER = (ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField()).desc(), "-created_at", "-pk")
