"""The deadline job as each scheduler runs it: the embedded default's in-process run and the Celery task (eager
without a broker) end a due publicity once, as a job, and a second run changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from jixiao.audit.models import AuditEvent
from jixiao.cycles.choices import CycleState
from jixiao.review.scheduler import run_once
from jixiao.review.tasks import run_deadlines_task

from .conftest import in_publicity


def test_the_in_process_run_ends_a_due_publicity_once_as_a_job(world: Any) -> None:
    cycle = in_publicity(world, start=timezone.now() - timedelta(days=7, minutes=1))
    assert run_once() == [cycle.code]
    cycle.refresh_from_db()
    assert cycle.state == CycleState.APPEALS
    ended = AuditEvent.objects.filter(action="cycle.publicity_end", object_id=str(cycle.pk))
    event = ended.get()
    assert event.source == "job"
    assert event.actor_id is None
    assert run_once() == []
    assert ended.count() == 1


def test_the_celery_task_does_the_same_and_leaves_a_publicity_not_yet_due(world: Any) -> None:
    cycle = in_publicity(world, start=timezone.now() - timedelta(days=6))
    assert run_deadlines_task.apply().get() == []
    cycle.refresh_from_db()
    assert cycle.state == CycleState.PUBLICITY
    cycle.publicity_ends_at = timezone.now() - timedelta(seconds=1)
    cycle.save(update_fields=["publicity_ends_at"])
    assert run_deadlines_task.apply().get() == [cycle.code]
    assert run_deadlines_task.apply().get() == []
