"""The review's scheduled job: ending each publicity whose time has come. Celery beat runs it in production
(``CELERY_BEAT_SCHEDULE`` in the settings); in the embedded default ``jixiao.review.scheduler`` runs the same
function in-process, without a broker."""

from __future__ import annotations

from jixiao.audit.context import audit_source
from jixiao.celery import app
from jixiao.core.choices import Source


@app.task(name="jixiao.review.run_deadlines")  # type: ignore[untyped-decorator]  # celery is untyped
def run_deadlines_task() -> list[str]:
    """End the publicity of every cycle whose publicity has run out (idempotent)."""
    from jixiao.review.services import run_deadlines

    with audit_source(Source.JOB, "run_deadlines"):
        return run_deadlines()
