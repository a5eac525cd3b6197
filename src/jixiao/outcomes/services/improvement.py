"""Units' improvement plans (改进计划): after a poor result the unit submits how it will improve; the office accepts
it or returns it for revision. A budget cut that waits for a plan (the budget allocation's setting) takes effect
once the plan is accepted (``plans.cut_in_effect``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.audit.services import record_event
from jixiao.core.choices import Action
from jixiao.core.errors import PermissionDeniedError
from jixiao.cycles.models import Subject
from jixiao.outcomes.choices import ImprovementState, OutcomesAction
from jixiao.outcomes.errors import OutcomeInputError, OutcomeStateError
from jixiao.outcomes.models import ImprovementPlan
from jixiao.outcomes.querysets import may_submit_plan
from jixiao.outcomes.services.common import actor_user

MAX_TEXT = 20_000


def do_submit_improvement_plan(subject: Subject, text: str, *, actor: Any) -> ImprovementPlan:
    """The unit's plan for the cycle, or its revision after the office returned it."""
    text = text.strip()
    if len(text) < 10:
        raise OutcomeInputError(field=_("improvement plan"), problem=_("describe the measures (at least 10 "
                                                                       "characters)"))
    if len(text) > MAX_TEXT:
        raise OutcomeInputError(field=_("improvement plan"), problem=_("at most {n} characters").format(n=MAX_TEXT))
    with transaction.atomic():
        subject = Subject.objects.get_for(actor, Action.VIEW, pk=subject.pk)
        if not may_submit_plan(actor, subject):
            raise PermissionDeniedError(action=_("submit"), what=_("improvement plan"))
        plan = ImprovementPlan.objects.select_for_update().filter(subject=subject).first()
        before = None
        if plan is None:
            plan = ImprovementPlan(cycle_id=subject.cycle_id, subject=subject)
        elif plan.state != ImprovementState.RETURNED:
            raise OutcomeStateError(what=_("improvement plan"), problem=_(
                "the plan is {state}; it is submitted again only after the office returned it").format(
                    state=ImprovementState(plan.state).label))
        else:
            before = {"state": plan.state, "text": plan.text}
        plan.text, plan.state = text, ImprovementState.SUBMITTED
        plan.submitted_at, plan.submitted_by = timezone.now(), actor_user(actor)
        plan.decided_at, plan.decided_by = None, None
        plan.save()
        record_event(OutcomesAction.PLAN, actor=actor, obj=plan, before=before,
                     after={"subject": subject.code, "state": plan.state, "text": text})
    return plan


def do_decide_improvement_plan(plan: ImprovementPlan, *, actor: Any, accept: bool, comment: str = ""
                               ) -> ImprovementPlan:
    """The office accepts the plan, or returns it with what to revise."""
    with transaction.atomic():
        plan = ImprovementPlan.objects.select_for_update().order_by("pk").get(
            pk=ImprovementPlan.objects.get_for(actor, Action.CHANGE, pk=plan.pk).pk)
        if plan.state != ImprovementState.SUBMITTED:
            raise OutcomeStateError(what=_("improvement plan"), problem=_("only a submitted plan can be decided; "
                                                                          "it is {state}").format(
                state=ImprovementState(plan.state).label))
        if not accept and not comment.strip():
            raise OutcomeInputError(field=_("comment"), problem=_("say what to revise"))
        plan.state = ImprovementState.ACCEPTED if accept else ImprovementState.RETURNED
        plan.comment = comment.strip()
        plan.decided_at, plan.decided_by = timezone.now(), actor_user(actor)
        plan.save(update_fields=["state", "comment", "decided_at", "decided_by"])
        record_event(OutcomesAction.PLAN_DECIDE, actor=actor, obj=plan,
                     after={"subject": plan.subject.code, "state": plan.state, "comment": plan.comment})
    return plan
