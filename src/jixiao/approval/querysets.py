"""Who sees a unit's approval state, and who may take which step (decided here, once).

- seen like the unit's values: the office and auditors everywhere, a unit's operators and leaders in scope;
- the operator submits their unit's data and may withdraw them until the leader approves;
- a leader (of the unit or above it) approves or returns submitted data, and may withdraw an approval until
  the office accepts;
- the office does every step a unit has nobody for, returns submitted or approved data, accepts them, and
  alone reopens accepted data (with a reason).
All only while the cycle is open.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of, unit_scope
from jixiao.approval.choices import EDITABLE, Step, SubmissionState
from jixiao.core.choices import Action
from jixiao.core.querysets import RestrictedQuerySet
from jixiao.cycles.choices import CycleState

S = SubmissionState


class SubmissionQuerySet(RestrictedQuerySet):
    """Approval states; changed only through the steps of ``jixiao.approval.services``."""

    what = _("submission")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        role = role_of(user)
        if action != Action.VIEW:
            return self.none()
        if role in (Role.ADMIN, Role.AUDITOR):
            return self.all()
        if role in (Role.OPERATOR, Role.LEADER):
            return self.exclude(cycle__state=CycleState.DRAFT).filter(subject__unit_id__in=unit_scope(user))
        return self.none()


#: For each step: the states it starts from, per role (the office's from any scope).
_FROM: dict[Step, dict[Role, tuple[str, ...]]] = {
    Step.SUBMIT: {Role.OPERATOR: EDITABLE, Role.ADMIN: EDITABLE},
    Step.WITHDRAW: {Role.OPERATOR: (S.SUBMITTED,), Role.LEADER: (S.APPROVED,)},
    Step.APPROVE: {Role.LEADER: (S.SUBMITTED,), Role.ADMIN: (S.SUBMITTED,)},
    Step.RETURN: {Role.LEADER: (S.SUBMITTED,), Role.ADMIN: (S.SUBMITTED, S.APPROVED)},
    Step.ACCEPT: {Role.ADMIN: (S.SUBMITTED, S.APPROVED)},
    Step.REOPEN: {Role.ADMIN: (S.ACCEPTED,)},
}

#: Where each step leads (a withdrawal goes one step back, see ``withdrawn``).
TARGET: dict[Step, str] = {
    Step.SUBMIT: S.SUBMITTED,
    Step.APPROVE: S.APPROVED,
    Step.RETURN: S.RETURNED,
    Step.ACCEPT: S.ACCEPTED,
    Step.REOPEN: S.RETURNED,
}


def withdrawn(state: str) -> str:
    """A withdrawal undoes the last step: submitted -> draft, approved -> submitted."""
    return S.DRAFT if state == S.SUBMITTED else S.SUBMITTED


def allowed_steps(user: Any, subject: Any, state: str) -> list[Step]:
    """The steps ``user`` may take on ``subject``'s data in ``state`` (the cycle open), in display order."""
    if subject.cycle.state != CycleState.OPEN:
        return []
    if user is None:  # the system (the demo, a command): any step the state allows
        return [step for step, by in _FROM.items() if any(state in states for states in by.values())]
    role = role_of(user)
    if role not in (Role.ADMIN, Role.OPERATOR, Role.LEADER):
        return []
    if role != Role.ADMIN and subject.unit_id not in unit_scope(user):
        return []
    return [step for step, by in _FROM.items() if state in by.get(role, ())]
