"""The embedded default's scheduler: without a broker (no Celery beat), ``jixiao serve`` runs the review's
deadline job in a thread of its own every ``INTERVAL`` seconds, and the monitoring job (``jixiao monitor``) every
``MONITORING_INTERVAL``. Both are idempotent, so a run that overlaps the office's own "end the publicity" does
nothing twice."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.db import connections

from jixiao.audit.context import audit_source
from jixiao.core.choices import Source

INTERVAL = 60.0
MONITORING_INTERVAL = 3600.0
log = logging.getLogger(__name__)
#: When the monitoring job is next due (an interval after the server starts).
_monitoring_due = time.monotonic() + MONITORING_INTERVAL


def run_once() -> list[str]:
    """One run of the deadline job, as the scheduler makes it (the job as the audit source), and of the
    monitoring job on the open cycles when it is due."""
    global _monitoring_due
    from jixiao.ratings.services import remind_due_campaigns
    from jixiao.review.services import run_deadlines

    with audit_source(Source.JOB, "run_deadlines"):
        moved = run_deadlines()
    with audit_source(Source.JOB, "remind_raters"):
        remind_due_campaigns()
    if time.monotonic() >= _monitoring_due:
        _monitoring_due = time.monotonic() + MONITORING_INTERVAL
        run_monitoring_apart()
    return moved


def run_monitoring_apart() -> None:
    """The monitoring job in a process of its own: it computes with Polars, whose thread pool does not survive
    ``fork``, and this process (the server's master) forks the workers (see ``jixiao demo``)."""
    subprocess.run([sys.executable, "-m", "jixiao.cli", "monitor"], check=True, timeout=MONITORING_INTERVAL)


def start_in_process(interval: float = INTERVAL) -> threading.Thread | None:
    """Start the in-process scheduler unless Celery (beat) does the scheduling. Returns its thread."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            try:
                moved = run_once()
                if moved:
                    log.info("publicity ended: %s", ", ".join(moved))
            except Exception:  # a failed run is logged and tried again at the next tick
                log.exception("the deadline job failed")
            finally:
                connections.close_all()  # this thread's own connections; the workers open theirs

    thread = threading.Thread(target=loop, name="jixiao-scheduler", daemon=True)
    thread.start()
    return thread
