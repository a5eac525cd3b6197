"""Access to evidence files: whoever may see a value may open its files; once the value is deleted, its files
are the office's and the auditors' only. Nobody changes or deletes them: files are attached through
``jixiao.evidence.services`` and replaced ones are kept."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of
from jixiao.collection.models import Value
from jixiao.core.choices import Action
from jixiao.core.querysets import RestrictedQuerySet

if TYPE_CHECKING:
    from jixiao.evidence.models import Evidence


class EvidenceQuerySet(RestrictedQuerySet):
    """Evidence files (佐证材料)."""

    what = _("evidence file")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        if action != Action.VIEW:
            return self.none()
        if role_of(user) in (Role.ADMIN, Role.AUDITOR):
            return self.all()
        return self.filter(value__in=Value.objects.restrict(user, Action.VIEW).values("pk"))


def history_for(user: Any, values: Iterable[Value | int]) -> dict[int, list[Evidence]]:
    """The evidence files ``user`` may open of each of ``values`` (rows or ids), newest first, by value id, in one
    query: what a page listing values shows beside each (``evidence/_history.html``)."""
    from jixiao.evidence.models import Evidence  # the models import this module

    pks = [v if isinstance(v, int) else v.pk for v in values]
    history: dict[int, list[Evidence]] = {pk: [] for pk in pks}
    rows = Evidence.objects.restrict(user, Action.VIEW).filter(value_id__in=pks).select_related("uploaded_by")
    for row in rows:
        history[row.value_id].append(row)
    return history
