# ruff: noqa: N999 - the command is `jixiao import`, so the module is import.py (Django finds it by file name)
"""``jixiao import units|staff|values FILE``: import a .csv or .xlsx file, all or nothing.

Columns: units ``code, name, level, parent, category``; staff ``code, name, post_type, unit``; values
``unit, indicator, value`` into ``--cycle CODE`` (default: the one cycle open for data entry). A refused
file lists each problem by row and column, changes nothing, and exits with status 2.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from jixiao.ops.management.base import EXIT_BAD_INPUT, AuditedCommand


class Command(AuditedCommand):
    help = "Import units, staff or values from a .csv or .xlsx file (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("what", choices=["units", "staff", "values"])
        parser.add_argument("file")
        parser.add_argument("--cycle", help="the cycle to import values into (default: the one open cycle)")

    def run(self, *args: Any, **options: Any) -> None:
        from jixiao.collection.services import do_import_values
        from jixiao.cycles.choices import CycleState
        from jixiao.cycles.models import Cycle
        from jixiao.org.services import do_import_staff, do_import_units

        actor = self.actor(options)
        what, path = options["what"], options["file"]
        if what == "units":
            counts = do_import_units(path, actor=actor)
        elif what == "staff":
            counts = do_import_staff(path, actor=actor)
        else:
            if options.get("cycle"):
                cycle = Cycle.objects.filter(code=options["cycle"]).first()
                if cycle is None:
                    raise CommandError(f"no cycle {options['cycle']!r}", returncode=EXIT_BAD_INPUT)
            else:
                open_cycles = list(Cycle.objects.filter(state=CycleState.OPEN).order_by("code"))
                if len(open_cycles) != 1:
                    codes = ", ".join(c.code for c in open_cycles) or "none"
                    raise CommandError(
                        f"say which cycle with --cycle CODE (open cycles: {codes})", returncode=EXIT_BAD_INPUT
                    )
                cycle = open_cycles[0]
            counts = do_import_values(cycle, path, actor=actor)
        self.stdout.write(
            f"{what}: {counts['rows']:,} rows imported ({counts['created']:,} new, "
            f"{counts.get('updated', counts.get('replaced', 0)):,} updated)"
        )
