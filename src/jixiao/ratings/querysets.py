"""Who sees campaigns, assignments and votes, and who may change them (decided here, once).

- the office (admin) sees and changes all; auditors see all and change nothing;
- a rater (any account) sees their own assignments and submits them; nobody else sees who rated whom: a unit's
  operators and leaders see no assignment and no vote, only the group results of their subjects, which the
  anonymity rule of the scheme filters (``jixiao.ratings.services.group_results``);
- outside raters have no account: their invitation link's token is their access to one assignment;
- campaigns are seen once opened by every signed-in role (a rater needs the name and deadline).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of
from jixiao.core.choices import Action
from jixiao.core.querysets import RestrictedQuerySet


class CampaignQuerySet(RestrictedQuerySet):
    what = _("rating campaign")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if action != Action.VIEW or role == Role.PUBLIC:
            return self.none()
        if role == Role.AUDITOR:
            return self.all()
        return self.exclude(state="draft")


class AssignmentQuerySet(RestrictedQuerySet):
    what = _("rating assignment")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if role == Role.PUBLIC:
            return self.none()
        if role == Role.AUDITOR and action == Action.VIEW:
            return self.all()
        # Anyone signed in rates what was assigned to them, and sees nobody else's.
        return self.filter(rater=user).exclude(campaign__state="draft")


class BallotQuerySet(RestrictedQuerySet):
    what = _("democratic appraisal vote")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        if action == Action.VIEW and role_of(user) in (Role.ADMIN, Role.AUDITOR):
            return self.all()
        return self.none()


def results_subjects(user: Any) -> Any:
    """The subjects whose group results (评价结果) ``user`` may see: the office and auditors all; a unit's operators
    and leaders their units' subjects (a leader also the people of their units); a person their own. Raters and the
    public none: they see no rated subject's ratings."""
    from django.db.models import Q

    from jixiao.accounts.querysets import unit_scope
    from jixiao.cycles.models import Subject

    role = role_of(user)
    subjects = Subject.objects.exclude(cycle__state="draft")
    if role in (Role.ADMIN, Role.AUDITOR):
        return subjects
    if role == Role.PUBLIC:
        return subjects.none()
    own = Q(person__user=user)
    if role == Role.LEADER:
        return subjects.filter(own | Q(unit_id__in=unit_scope(user)))
    if role == Role.OPERATOR:
        return subjects.filter(own | Q(unit_id__in=unit_scope(user), person__isnull=True))
    return subjects.filter(own)
