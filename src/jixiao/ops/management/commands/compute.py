"""``jixiao compute CYCLE``: score a cycle and store its results (``--async`` queues it as a job)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandError, CommandParser

from jixiao.ops.management.base import EXIT_BAD_INPUT, AuditedCommand


class Command(AuditedCommand):
    help = "Compute a cycle's results (idempotent: the results are replaced)."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("cycle", help="the cycle's code")
        parser.add_argument("--async", dest="queue", action="store_true", help="run it as a background job")

    def run(self, *args: Any, **options: Any) -> None:
        from jixiao.cycles.models import Cycle
        from jixiao.results.services import do_compute_cycle
        from jixiao.results.tasks import compute_cycle_task

        actor = self.actor(options)
        try:
            cycle = Cycle.objects.get(code=options["cycle"])
        except Cycle.DoesNotExist:
            raise CommandError(f"no cycle {options['cycle']!r}", returncode=EXIT_BAD_INPUT) from None
        start = time.perf_counter()
        if options["queue"]:
            job = compute_cycle_task.delay(cycle.code, actor.pk if actor else None)
            self.stdout.write(f"queued job {job.id} for {cycle.code}")
            return
        n = do_compute_cycle(cycle, actor=actor)
        self.stdout.write(f"{cycle.code}: {n:,} results stored in {time.perf_counter() - start:.2f} s")
