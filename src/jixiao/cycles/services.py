"""Creating cycles and moving them through their states."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.audit.services import record_event, snapshot
from jixiao.core.choices import Action
from jixiao.core.errors import validate
from jixiao.cycles.choices import CycleState, PeriodKind, SubjectKind
from jixiao.cycles.errors import CycleStateError, SubjectError, UnacceptedDataError
from jixiao.cycles.models import Cycle, Subject
from jixiao.org.models import Person, Unit


def require_state(cycle: Cycle, allowed: Iterable[str], action: str) -> None:
    """Refuse ``action`` clearly unless the cycle is in one of the ``allowed`` states."""
    states = [CycleState(s) for s in allowed]
    if cycle.state not in states:
        raise CycleStateError(
            cycle=cycle.code,
            state=CycleState(cycle.state).label,
            action=action,
            allowed=" / ".join(str(s.label) for s in states),
        )


def lock_cycle(cycle: Cycle | int) -> Cycle:
    """The cycle's row, locked for the rest of the transaction. The race it closes: a state change
    (close, publish) running while values are written or results computed."""
    pk = cycle.pk if isinstance(cycle, Cycle) else cycle
    locked: Cycle = Cycle.objects.select_for_update().get(pk=pk)
    return locked


def touch_data(cycle: Cycle) -> None:
    """Count one write to the cycle's score inputs (values, ratings, targets), so that results computed before
    it show as out of date (``Cycle.results_stale``). Part of the caller's write, not a state change of its own:
    called inside the caller's transaction after ``lock_cycle``, and the caller's audit event records the write.

    The row lock is what makes the count trustworthy: computing locks the same row and reads ``data_version``
    under it, so a write is either wholly before a compute (counted in the version it records) or wholly after
    (counted past it). The increment is an F() update, so a copy of the cycle read without the lock cannot lose
    another writer's count; the locked copy the caller holds is kept in step."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("touch_data() belongs inside the writing service's transaction")
    Cycle.objects.filter(pk=cycle.pk).update(data_version=F("data_version") + 1)
    cycle.data_version += 1


def do_create_cycle(
    code: str,
    name: str,
    scheme: Any,
    *,
    actor: Any,
    year: int,
    period_kind: str = PeriodKind.YEAR,
    period_number: int = 1,
    subject_kind: str = SubjectKind.UNIT,
    units: Iterable[Unit] | None = None,
    people: Iterable[Person] | None = None,
) -> Cycle:
    """Create a cycle in draft with its subjects: ``units`` (each needs a category), or ``people`` for
    staff appraisal (their category is their post type)."""
    with transaction.atomic():
        Cycle.objects.check_create(actor)
        cycle = Cycle(
            code=code,
            name=name,
            scheme=scheme,
            year=year,
            period_kind=period_kind,
            period_number=period_number,
            subject_kind=subject_kind,
        )
        validate(cycle)
        cycle.save()
        subjects: list[Subject] = []
        problems: list[str] = []
        if subject_kind == SubjectKind.UNIT:
            for unit in (
                units
                if units is not None
                else Unit.objects.filter(active=True, category__isnull=False).select_related("category")
            ):
                if unit.category is None:
                    problems.append(f"unit {unit.code} has no category")
                    continue
                subjects.append(
                    Subject(
                        cycle=cycle, code=unit.code, name=unit.name, category=unit.category.code, unit=unit
                    )
                )
        else:
            for person in people if people is not None else Person.objects.filter(active=True):
                subjects.append(
                    Subject(
                        cycle=cycle,
                        code=person.code,
                        name=person.name,
                        category=person.post_type,
                        unit_id=person.unit_id,
                        person=person,
                    )
                )
        if problems:
            raise SubjectError(problems="; ".join(problems[:20]))
        Subject.objects.bulk_create(subjects, batch_size=5000)
        record_event(
            "cycle.create",
            actor=actor,
            obj=cycle,
            before=None,
            after={**snapshot(cycle), "subjects": len(subjects)},
        )
    return cycle


def _transition(cycle: Cycle, *, actor: Any, frm: str, to: str, action: str, label: str, stamp: str) -> Cycle:
    with transaction.atomic():
        cycle = lock_cycle(cycle)
        require_state(cycle, [frm], label)
        Cycle.objects.get_for(actor, Action.CHANGE, pk=cycle.pk)
        before = snapshot(cycle, ["state", stamp])
        cycle.state = to
        setattr(cycle, stamp, timezone.now())
        validate(cycle)
        cycle.save(update_fields=["state", stamp])
        record_event(
            f"cycle.{action}", actor=actor, obj=cycle, before=before, after=snapshot(cycle, ["state", stamp])
        )
    return cycle


def do_open_cycle(cycle: Cycle, *, actor: Any) -> Cycle:
    """draft -> open: data entry starts."""
    return _transition(
        cycle,
        actor=actor,
        frm=CycleState.DRAFT,
        to=CycleState.OPEN,
        action="open",
        label=_("opening for data entry"),
        stamp="opened_at",
    )


def unaccepted_subjects(cycle: Cycle) -> Any:
    """The cycle's subjects whose data the office has not accepted (``jixiao.approval``)."""
    from jixiao.approval.choices import SubmissionState

    return Subject.objects.filter(cycle=cycle).exclude(submission__state=SubmissionState.ACCEPTED).order_by("code")


def do_close_cycle(cycle: Cycle, *, actor: Any, confirm: bool = False) -> Cycle:
    """open -> closed: data entry ends and the cycle is scored (in the same transaction). While some units'
    data are not accepted by the office, only with ``confirm`` (the refusal lists them)."""
    from jixiao.results.services import do_compute_cycle

    with transaction.atomic():
        pending = list(unaccepted_subjects(lock_cycle(cycle)).values_list("code", flat=True))
        if pending and not confirm:
            shown = "、".join(pending[:20]) + ("……" if len(pending) > 20 else "")
            raise UnacceptedDataError(count=len(pending), units=shown)
        cycle = _transition(
            cycle,
            actor=actor,
            frm=CycleState.OPEN,
            to=CycleState.CLOSED,
            action="close",
            label=_("closing"),
            stamp="closed_at",
        )
        do_compute_cycle(cycle, actor=actor)
    cycle.refresh_from_db()
    return cycle
