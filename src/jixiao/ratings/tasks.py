"""Ratings' scheduled job: reminders before a campaign's deadline. Celery beat runs it hourly in production
(``CELERY_BEAT_SCHEDULE``); in the embedded default ``jixiao.review.scheduler`` runs the same function in-process."""

from __future__ import annotations

from jixiao.audit.context import audit_source
from jixiao.celery import app
from jixiao.core.choices import Source


@app.task(name="jixiao.ratings.remind")  # type: ignore[untyped-decorator]  # celery is untyped
def remind_task() -> list[str]:
    """Remind the raters of campaigns whose deadline is near (idempotent within a day)."""
    from jixiao.ratings.services import remind_due_campaigns

    with audit_source(Source.JOB, "remind_raters"):
        return remind_due_campaigns()
