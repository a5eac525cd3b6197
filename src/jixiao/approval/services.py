"""The steps of the approval, bottom-up: submit, approve or return, accept, and reopen (with a reason).

Each step locks the cycle row (so a step and a value write take turns: nothing is written to data the step
has just locked), checks it is open to the actor (``allowed_steps``), moves the state, keeps the step with its
reason and records the audit event ``submission.<step>`` in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.approval.choices import Step, SubmissionState
from jixiao.approval.errors import ReasonRequiredError, StepNotAllowedError
from jixiao.approval.models import Submission, SubmissionStep
from jixiao.approval.querysets import TARGET, allowed_steps, withdrawn
from jixiao.audit.models import AuditEvent
from jixiao.audit.services import record_event
from jixiao.collection.models import Value
from jixiao.core.choices import Action
from jixiao.cycles.choices import CycleState
from jixiao.cycles.models import Subject
from jixiao.cycles.services import lock_cycle, require_state


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def state_of(subject: Subject) -> str:
    """The approval state of the subject's data (draft when no step was taken yet)."""
    sub = Submission.objects.filter(subject_id=subject.pk).values_list("state", flat=True).first()
    return sub or SubmissionState.DRAFT


def _take(subject: Subject, step: Step, *, actor: Any, reason: str = "", extra: dict[str, Any] | None = None
          ) -> AuditEvent:
    reason = (reason or "").strip()
    with transaction.atomic():
        cycle = lock_cycle(subject.cycle_id)
        require_state(cycle, [CycleState.OPEN], _("approving data"))
        subject = Subject.objects.get_for(actor, Action.VIEW, pk=subject.pk) if actor is not None else \
            Subject.objects.get(pk=subject.pk)
        subject.cycle = cycle
        now = timezone.now()
        sub, _created = Submission.objects.select_for_update().get_or_create(
            subject=subject, defaults={"cycle": cycle, "changed_at": now})
        state = sub.state
        steps = allowed_steps(actor, subject, state)
        if step not in steps:
            raise StepNotAllowedError(unit=subject.code, step=Step(step).label,
                                      state=SubmissionState(state).label)
        if step in (Step.RETURN, Step.REOPEN) and not reason:
            raise ReasonRequiredError(step=Step(step).label)
        after = withdrawn(state) if step == Step.WITHDRAW else TARGET[step]
        sub.state, sub.reason, sub.changed_at, sub.changed_by = after, reason, now, _user(actor)
        sub.save()
        SubmissionStep.objects.create(submission=sub, step=step, before=state, after=after, reason=reason,
                                      actor=_user(actor), at=now)
        return record_event(f"submission.{step}", actor=actor, obj=subject,
                            object_repr=f"{cycle.code} {subject.code}", before={"state": state},
                            after={"state": after, "reason": reason, **(extra or {})})


def do_submit_values(subject: Subject, *, actor: Any) -> AuditEvent:
    """Submit (报送) a subject's values as they stand: the data are locked for the unit, and the event lists
    every value with its version and time, as the unit's receipt."""
    values = {v.indicator: {"value": v.value, "version": v.version, "entered_at": v.entered_at}
              for v in Value.objects.filter(subject_id=subject.pk).order_by("indicator")}
    return _take(subject, Step.SUBMIT, actor=actor, extra={"count": len(values), "values": values})


def do_withdraw_values(subject: Subject, *, actor: Any, reason: str = "") -> AuditEvent:
    """Undo one's own last step while the level above has not acted on it: the operator a submission the
    leader has not approved, the leader an approval the office has not accepted."""
    return _take(subject, Step.WITHDRAW, actor=actor, reason=reason)


def do_approve_values(subject: Subject, *, actor: Any) -> AuditEvent:
    """The unit's leader approves the submitted data (审核通过)."""
    return _take(subject, Step.APPROVE, actor=actor)


def do_return_values(subject: Subject, *, actor: Any, reason: str) -> AuditEvent:
    """The leader or the office returns the data for correction (退回), with a reason the unit sees."""
    return _take(subject, Step.RETURN, actor=actor, reason=reason)


def do_accept_values(subject: Subject, *, actor: Any) -> AuditEvent:
    """The office accepts the data (受理): they are final for the cycle unless reopened."""
    return _take(subject, Step.ACCEPT, actor=actor)


def do_reopen_values(subject: Subject, *, actor: Any, reason: str) -> AuditEvent:
    """The office reopens accepted data (重新开放) for correction, with a reason."""
    return _take(subject, Step.REOPEN, actor=actor, reason=reason)
