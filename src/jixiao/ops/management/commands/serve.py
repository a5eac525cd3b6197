"""``jixiao serve``: collect static files and serve the site with gunicorn (127.0.0.1:8000 by default)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jixiao.settings import EMBEDDED_SECRET_KEY

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def refuse_public_address_with_embedded_key(host: str) -> None:
    """The built-in SECRET_KEY is public: anyone could forge sessions. Serving it beyond the loopback is refused."""
    if host not in LOOPBACK and settings.SECRET_KEY == EMBEDDED_SECRET_KEY:
        raise CommandError("set SECRET_KEY (or SECRET_KEY_FILE) before serving on a public address "
                           f"({host}); the built-in key is only for the loopback", returncode=2)


def serve(host: str, port: int, workers: int) -> None:
    """Run gunicorn in this process until interrupted. The application is loaded in each worker after the fork
    (no ``preload_app``), so no worker inherits a thread pool or a database connection from the master."""
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    from jixiao.review.scheduler import run_once, start_in_process

    run_once()  # a publicity that ran out while nothing was serving ends now
    connections.close_all()  # collectstatic, the checks and that run opened one; workers open their own
    start_in_process()

    class Server(BaseApplication):  # type: ignore[misc]  # gunicorn is untyped
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")
            self.cfg.set("preload_app", False)

        def load(self) -> Any:
            from jixiao.wsgi import application

            return application

    Server().run()


class Command(BaseCommand):
    help = "Serve the site with gunicorn (static files by whitenoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("JIXIAO_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("JIXIAO_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_public_address_with_embedded_key(options["host"])
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"serving on http://{options['host']}:{options['port']}/")
        serve(options["host"], options["port"], options["workers"])
