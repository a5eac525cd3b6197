"""``jixiao verify_audit``: recompute the audit trail's hash chain; exit 1 when it was tampered with."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jixiao.audit.services import verify_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain and report any changed, removed or inserted event."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if report.ok:
            self.stdout.write(f"audit trail intact: {report.checked:,} events")
            return
        for problem in report.problems:
            self.stderr.write(problem)
        raise CommandError(
            f"audit trail broken: {len(report.problems)} problems in {report.checked:,} events", returncode=1
        )
