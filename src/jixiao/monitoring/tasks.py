"""Monitoring's scheduled job: every open cycle's period values against the plan and the peers. Celery beat runs
it hourly in production (``CELERY_BEAT_SCHEDULE``); in the embedded default ``jixiao.review.scheduler`` runs the
same function in-process."""

from __future__ import annotations

from jixiao.audit.context import audit_source
from jixiao.celery import app
from jixiao.core.choices import Source


@app.task(name="jixiao.monitoring.run")  # type: ignore[untyped-decorator]  # celery is untyped
def run_monitoring_task() -> dict[str, dict[str, int]]:
    """Run the monitoring job on every open cycle (idempotent)."""
    from jixiao.monitoring.services import run_open_cycles

    with audit_source(Source.JOB, "run_monitoring"):
        return run_open_cycles()
