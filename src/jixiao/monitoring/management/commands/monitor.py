"""``jixiao monitor``: run the monitoring job once on every open cycle (what Celery beat runs hourly, and what the
embedded default's scheduler runs in a process of its own)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jixiao.audit.context import audit_source
from jixiao.core.choices import Source


class Command(BaseCommand):
    help = "Run the monitoring job (plan and peer checks, warnings) on every open cycle."

    def handle(self, *args: Any, **options: Any) -> None:
        from jixiao.monitoring.services import run_open_cycles

        with audit_source(Source.JOB, "run_monitoring"):
            counts = run_open_cycles()
        for code, c in counts.items():
            self.stdout.write(f"{code}: assessed {c['assessed']}, red {c['red']}, yellow {c['yellow']}, "
                              f"anomalies {c['anomaly']}, warnings created {c['created']}, updated {c['updated']}, "
                              f"orders proposed {c['orders_proposed']}, overdue {c['orders_overdue']}, "
                              f"escalation steps {c['escalation_steps']}")
