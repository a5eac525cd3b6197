"""Access to cycles and subjects. The public sees cycles in publicity and published ones only; staff roles
see cycles once opened; operators and leaders see the subjects of their units (a leader's with descendants)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of, unit_scope
from jixiao.core.choices import Action
from jixiao.core.querysets import RestrictedQuerySet
from jixiao.cycles.choices import PUBLIC_STATES, CycleState, SubjectKind


class CycleQuerySet(RestrictedQuerySet):
    """Cycles: the office sees and changes all; auditors see all; operators, leaders and raters see
    cycles once opened; the public sees published ones."""

    what = _("cycle")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if action != Action.VIEW:
            return self.none()
        if role == Role.AUDITOR:
            return self.all()
        if role == Role.PUBLIC:
            # Staff appraisal (a cycle of people) is never public.
            return self.filter(state__in=PUBLIC_STATES).exclude(subject_kind=SubjectKind.PERSON)
        return self.exclude(state=CycleState.DRAFT)


class SubjectQuerySet(RestrictedQuerySet):
    """Subjects: everyone sees those of published cycles; the office and auditors all; raters those of
    cycles once opened (they rate them); operators and leaders those of their units."""

    what = _("subject")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if action != Action.VIEW:
            return self.none()
        # Staff appraisal is not published: the people assessed are not listed to the public.
        published = Q(cycle__state__in=PUBLIC_STATES, person__isnull=True)
        if role == Role.AUDITOR:
            return self.all()
        if role == Role.RATER:
            return self.exclude(cycle__state=CycleState.DRAFT)
        if role in (Role.OPERATOR, Role.LEADER):
            return self.filter(
                published | (Q(unit_id__in=unit_scope(user)) & ~Q(cycle__state=CycleState.DRAFT))
            )
        return self.filter(published)
