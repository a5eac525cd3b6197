"""``jixiao tickets import FILE [--system NAME]``: import a hotline ticket export (.csv UTF-8/GBK or .xlsx), all
or nothing, with a progress bar on stderr (redrawn in place on a terminal, a line per phase otherwise). A refused
file lists each problem by row and column, changes nothing, and exits with status 2.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandError, CommandParser

from jixiao.ops.management.base import EXIT_BAD_INPUT, AuditedCommand

WIDTH = 30


class Bar:
    """``[#####     ] 52% 520,000/1,000,000 saving``, redrawn with ``\\r`` on a terminal."""

    def __init__(self, out: Any, tty: bool) -> None:
        self.out, self.tty = out, tty
        self.total, self.phase, self.shown = 0, "", -1.0
        self.started = time.perf_counter()

    def __call__(self, phase: str, done: int) -> None:
        if phase == "read":
            self.total, phase, done = done, "checking", 0
        if not self.tty:
            if phase != self.phase:
                self.out.write(f"{phase}: {self.total:,} rows\n")
                self.out.flush()
            self.phase = phase
            return
        share = min(1.0, done / self.total) if self.total else 0.0
        if phase == self.phase and share - self.shown < 0.01 and share < 1.0:
            return
        self.phase, self.shown = phase, share
        filled = round(WIDTH * share)
        self.out.write(f"\r[{'#' * filled}{' ' * (WIDTH - filled)}] {share:4.0%} {done:,}/{self.total:,} {phase:<9}")
        self.out.flush()

    def end(self) -> None:
        if self.tty and self.phase:
            self.out.write("\n")
            self.out.flush()


class Command(AuditedCommand):
    help = "Import a 12345 hotline ticket export (.csv or .xlsx), all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("what", choices=["import"])
        parser.add_argument("file")
        parser.add_argument("--system", help="the hotline system the export comes from (its registered name)")

    def run(self, *args: Any, **options: Any) -> None:
        from jixiao.core.errors import ImportRefusedError
        from jixiao.hotline.models import SourceSystem
        from jixiao.hotline.services.tickets import do_import_tickets, request_lang
        from jixiao.imports.services import problem_lines

        system = None
        if options.get("system"):
            system = SourceSystem.objects.filter(name=options["system"]).first()
            if system is None:
                raise CommandError(f"no hotline system {options['system']!r}", returncode=EXIT_BAD_INPUT)
        err = self.stderr._out
        bar = Bar(err, bool(getattr(err, "isatty", lambda: False)()))
        started = time.perf_counter()
        try:
            batch = do_import_tickets(options["file"], actor=self.actor(options), system=system, progress=bar,
                                      lang=request_lang())
        except ImportRefusedError as exc:
            bar.end()
            for line in problem_lines(exc):
                self.stderr.write(line)
            raise CommandError(f"{exc.text} Nothing was imported.", returncode=EXIT_BAD_INPUT) from None
        bar.end()
        self.stdout.write(
            f"{batch.name}: {batch.rows:,} tickets in {time.perf_counter() - started:.1f} s: "
            f"{batch.created:,} new, {batch.updated:,} updated, {batch.unchanged:,} unchanged; "
            f"{batch.unmatched_units:,} naming an unknown unit, {batch.unmatched_categories:,} an unknown category"
        )
