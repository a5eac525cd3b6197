"""``jixiao demo [--port N] [--no-serve]``: create and migrate the embedded database, load 示范市, compute
its results, print the demo accounts and serve the site. Safe to run again: an existing demo is kept.

Loading computes with Polars, whose thread pool does not survive ``fork``: a server forked from this process would
hang on every page that scores. So the server is not forked from here: once the demo is loaded, this process
replaces itself (``exec``) with a fresh ``jixiao serve``, whose workers start with no pool and no open connection.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser

from jixiao.ops.management.base import AuditedCommand


class Command(AuditedCommand):
    help = "Set up the demo city 示范市 and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-serve", action="store_true", help="load the demo and stop")

    def run(self, *args: Any, **options: Any) -> None:
        from jixiao.ops.demo import accounts_table, load_demo

        call_command("migrate", interactive=False, verbosity=0)
        if not load_demo(self.stdout):
            self.stdout.write("示范市 is already loaded; nothing was changed.")
        self.stdout.write("\nDemo accounts:\n" + accounts_table() + "\n")
        if options["no_serve"]:
            return
        from jixiao.ops.management.commands.serve import refuse_public_address_with_embedded_key

        refuse_public_address_with_embedded_key(options["host"])
        self.stdout.write(
            f"\nOpen http://{options['host']}:{options['port']}/  (admin: /admin/, API: /api/docs)"
        )
        self.stdout.flush()
        argv = [sys.executable, "-m", "jixiao.cli", "serve", "--host", options["host"], "--port", str(options["port"])]
        os.execv(sys.executable, argv)
