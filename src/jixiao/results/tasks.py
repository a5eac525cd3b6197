"""Background jobs of results."""

from __future__ import annotations

from jixiao.audit.context import audit_source
from jixiao.celery import app
from jixiao.core.choices import Source


@app.task(name="jixiao.compute_cycle")  # type: ignore[untyped-decorator]  # celery is untyped
def compute_cycle_task(cycle_code: str, actor_id: int | None = None) -> int:
    """Compute a cycle's results as a job; audited with the job as source and the requesting user as actor."""
    from jixiao.accounts.models import User
    from jixiao.cycles.models import Cycle
    from jixiao.results.services import do_compute_cycle

    actor = User.objects.get(pk=actor_id) if actor_id is not None else None
    with audit_source(Source.JOB, f"compute_cycle {cycle_code}"):
        return do_compute_cycle(Cycle.objects.get(code=cycle_code), actor=actor)
