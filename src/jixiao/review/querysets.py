"""Who sees corrections, appeals and hearings, and who may take which step of an appeal (decided here, once).

- the office (admin) sees all and decides: accepts, rejects, sends to a hearing, records a hearing's decision,
  corrects values; auditors see all and change nothing;
- an assessed unit's operators and leaders (in scope, a leader's with descendants) see their units' appeals,
  hearings and corrections; the operator drafts an appeal and may withdraw it until it is decided, the leader
  signs it (lodges it with the office) and may withdraw it too;
- raters and the public see none of it (the portal shows only counts of the final changes).
Drafting and signing only while the cycle is in publicity and before its end (``appeal_open``); deciding while
the cycle is in publicity or its appeals are being decided.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of, unit_scope
from jixiao.core.choices import Action
from jixiao.core.querysets import RestrictedQuerySet
from jixiao.cycles.choices import CycleState
from jixiao.review.choices import AppealState, AppealStep

A = AppealState


class _UnitsOwnQuerySet(RestrictedQuerySet):
    """Seen by the office and auditors, and by a unit's operators and leaders for their units; changed only
    through the services (the office's steps)."""

    unit_path = "subject__unit_id__in"

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        role = role_of(user)
        if role == Role.ADMIN:
            return self.all()
        if action != Action.VIEW:
            return self.none()
        if role == Role.AUDITOR:
            return self.all()
        if role in (Role.OPERATOR, Role.LEADER):
            return self.filter(**{self.unit_path: unit_scope(user)})
        return self.none()


class CorrectionQuerySet(_UnitsOwnQuerySet):
    what = _("correction")


class AppealQuerySet(_UnitsOwnQuerySet):
    what = _("appeal")


class HearingQuerySet(_UnitsOwnQuerySet):
    what = _("hearing")
    unit_path = "appeal__subject__unit_id__in"


#: For each step: the appeal states it starts from, per role.
_FROM: dict[AppealStep, dict[Role, tuple[str, ...]]] = {
    AppealStep.SIGN: {Role.LEADER: (A.DRAFT,)},
    AppealStep.WITHDRAW: {Role.OPERATOR: (A.DRAFT, A.LODGED), Role.LEADER: (A.DRAFT, A.LODGED)},
    AppealStep.ACCEPT: {Role.ADMIN: (A.LODGED,)},
    AppealStep.REJECT: {Role.ADMIN: (A.LODGED,)},
    AppealStep.HEARING: {Role.ADMIN: (A.LODGED,)},
    AppealStep.DECIDE: {Role.ADMIN: (A.HEARING,)},
}

#: The steps the unit takes (only before the publicity ends); the others are the office's decisions.
UNIT_STEPS = (AppealStep.DRAFT, AppealStep.SIGN)


def appeal_open(cycle: Any, now: datetime | None = None) -> bool:
    """Appeals may be drafted and signed: the cycle is in publicity and its end has not come."""
    now = now or timezone.now()
    return (cycle.state == CycleState.PUBLICITY and cycle.publicity_ends_at is not None
            and now < cycle.publicity_ends_at)


def may_draft_appeal(user: Any, subject: Any, now: datetime | None = None) -> bool:
    """``user`` may draft an appeal for ``subject``: an operator of the unit (or the office for a unit that has
    none), while appeals are open."""
    if not appeal_open(subject.cycle, now):
        return False
    if user is None:  # the system (the demo, a command)
        return True
    role = role_of(user)
    if role not in (Role.OPERATOR, Role.ADMIN):
        return False
    return role == Role.ADMIN or subject.unit_id in unit_scope(user)


def allowed_appeal_steps(user: Any, appeal: Any, now: datetime | None = None) -> list[AppealStep]:
    """The steps ``user`` may take on ``appeal`` now, in display order."""
    cycle = appeal.cycle
    if cycle.state not in (CycleState.PUBLICITY, CycleState.APPEALS):
        return []
    if user is None:  # the system (the demo, a command): any step the state allows
        steps = [step for step, by in _FROM.items() if any(appeal.state in states for states in by.values())]
        return steps if appeal_open(cycle, now) else [s for s in steps if s not in UNIT_STEPS]
    role = role_of(user)
    if role == Role.ADMIN:
        pass
    elif role in (Role.OPERATOR, Role.LEADER):
        if appeal.subject.unit_id not in unit_scope(user):
            return []
    else:
        return []
    steps = [step for step, by in _FROM.items() if appeal.state in by.get(Role(role), ())]
    if not appeal_open(cycle, now):
        steps = [s for s in steps if s not in UNIT_STEPS]
    return steps
