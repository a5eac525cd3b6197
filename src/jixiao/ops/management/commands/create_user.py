"""``jixiao manage create_user USERNAME --role ROLE [--unit CODE ...]``: create an account, audited (unlike
Django's ``createsuperuser``). The password is read from ``--password-file`` or asked for; a password the
validators refuse (too short, too common, all digits, like the username) exits with status 2 and the reason."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from jixiao.ops.management.base import EXIT_BAD_INPUT, AuditedCommand


class Command(AuditedCommand):
    help = "Create an account with a role and units (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        from jixiao.accounts.choices import Role

        super().add_arguments(parser)
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r for r in Role.values if r != Role.PUBLIC])
        parser.add_argument("--unit", action="append", default=[], help="a unit code (repeat for several)")
        parser.add_argument("--name", default="", help="the person's name")
        parser.add_argument("--password-file", help="read the password from this file (first line)")

    def run(self, *args: Any, **options: Any) -> None:
        from jixiao.accounts.services import do_create_user
        from jixiao.org.models import Unit

        units = list(Unit.objects.filter(code__in=options["unit"]))
        missing = sorted(set(options["unit"]) - {u.code for u in units})
        if missing:
            raise CommandError(f"no unit {', '.join(missing)}", returncode=EXIT_BAD_INPUT)
        if options["password_file"]:
            lines = Path(options["password_file"]).read_text(encoding="utf-8").splitlines()
            password = lines[0] if lines else ""
            if not password:
                raise CommandError("the password file's first line is empty", returncode=EXIT_BAD_INPUT)
        else:
            password = getpass.getpass(f"password for {options['username']}: ")
        user = do_create_user(
            options["username"],
            options["role"],
            actor=self.actor(options),
            password=password,
            units=units,
            name=options["name"],
        )
        self.stdout.write(f"created {user.username} ({user.role})")
