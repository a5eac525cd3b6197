"""Who sees using the results, and who may change it (decided here, once).

- the office (admin) sees and changes everything (proposes, confirms, withdraws, imports, decides plans);
- auditors (the finance review) see everything and change nothing;
- a unit's operators and leaders see their units' rows of confirmed allocations, their units' project budgets and
  their units' improvement plans; operators submit their units' plans (``may_submit_plan``);
- raters and the public see nothing here (the portal shows what is published).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of, unit_scope
from jixiao.core.choices import Action
from jixiao.core.querysets import RestrictedQuerySet


def _office_or_auditor(qs: RestrictedQuerySet, user: Any, action: Action) -> RestrictedQuerySet | None:
    role = role_of(user)
    if role == Role.ADMIN:
        return qs.all()
    if role == Role.AUDITOR and action == Action.VIEW:
        return qs.all()
    return None


class PlanQuerySet(RestrictedQuerySet):
    what = _("allocation")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        seen = _office_or_auditor(self, user, action)
        if seen is not None:
            return seen
        if role_of(user) in (Role.OPERATOR, Role.LEADER) and action == Action.VIEW:
            # Confirmed allocations that hold one of the user's units; the page shows only those units' rows.
            return self.filter(state="confirmed", cycle__subjects__unit_id__in=unit_scope(user)).distinct()
        return self.none()


class _UnitRowsQuerySet(RestrictedQuerySet):
    """Rows of one unit each (``subject``): the office and auditors see all, a unit's users their units' rows."""

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        seen = _office_or_auditor(self, user, action)
        if seen is not None:
            return seen
        if role_of(user) in (Role.OPERATOR, Role.LEADER) and action == Action.VIEW:
            return self.filter(subject__unit_id__in=unit_scope(user))
        return self.none()


class ImprovementQuerySet(_UnitRowsQuerySet):
    what = _("improvement plan")


class BudgetLineQuerySet(_UnitRowsQuerySet):
    what = _("project budget")


class HistoryQuerySet(RestrictedQuerySet):
    what = _("earlier result")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        seen = _office_or_auditor(self, user, action)
        return self.none() if seen is None else seen


class SuggestionQuerySet(RestrictedQuerySet):
    what = _("weight suggestion")

    def _restrict(self, user: Any, action: Action) -> RestrictedQuerySet:
        seen = _office_or_auditor(self, user, action)
        return self.none() if seen is None else seen


def may_submit_plan(user: Any, subject: Any) -> bool:
    """A unit's improvement plan is submitted by its operators (or the office, or the system)."""
    if user is None:
        return True
    role = role_of(user)
    if role == Role.ADMIN:
        return True
    return role == Role.OPERATOR and subject.unit_id in set(unit_scope(user))


def plan_rows_for(user: Any, plan: Any) -> list[dict[str, Any]]:
    """The rows of an allocation ``user`` may see: all for the office, auditors and the system; else the rows of
    the user's units (the plan itself is only seen once confirmed, by ``PlanQuerySet``)."""
    role = role_of(user) if user is not None else Role.ADMIN
    if role in (Role.ADMIN, Role.AUDITOR):
        return list(plan.rows)
    from jixiao.cycles.models import Subject

    mine = set(Subject.objects.filter(cycle_id=plan.cycle_id, unit_id__in=unit_scope(user))
               .values_list("pk", flat=True))
    return [r for r in plan.rows if r.get("subject") in mine]
