"""What every ``jixiao`` command shares: writes are audited with the command as source and an actor
(``--actor USERNAME``; without it, the system), and refusals exit with status 2 for bad input."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from jixiao.audit.context import audit_source
from jixiao.core.choices import Source
from jixiao.core.errors import ImportRefusedError, JixiaoError

EXIT_BAD_INPUT = 2


class AuditedCommand(BaseCommand):
    """A command whose ``run`` is audited as a command; JixiaoError becomes exit status 2."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--actor", help="the account the writes are recorded under (default: system)")

    def actor(self, options: dict[str, Any]) -> Any:
        from jixiao.accounts.models import User

        name = options.get("actor")
        if not name:
            return None
        try:
            return User.objects.get(username=name)
        except User.DoesNotExist:
            raise CommandError(f"no account {name!r}", returncode=EXIT_BAD_INPUT) from None

    def handle(self, *args: Any, **options: Any) -> None:
        context = "jixiao " + " ".join(sys.argv[1:]) if sys.argv else self.__module__
        # Commands speak the configured language (LANGUAGE_CODE), whatever a caller in the same process activated.
        with audit_source(Source.COMMAND, context), translation.override(settings.LANGUAGE_CODE):
            try:
                self.run(*args, **options)
            except ImportRefusedError as exc:
                for line in exc.lines():
                    self.stderr.write(line)
                raise CommandError(f"{exc.text}", returncode=EXIT_BAD_INPUT) from None
            except JixiaoError as exc:
                raise CommandError(exc.text, returncode=EXIT_BAD_INPUT) from None

    def run(self, *args: Any, **options: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError
