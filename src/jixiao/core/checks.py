"""System checks of a production configuration, run by ``manage check --deploy``: what Django's own deploy
checks cannot know about this project."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

SECRET_KEY_HINT = (
    "Set SECRET_KEY, or SECRET_KEY_FILE to a file holding it, to 50 or more random characters, e.g. "
    "python -c 'import secrets; print(secrets.token_urlsafe(50))'. See docs/deploy.md."
)


@register(Tags.security, deploy=True)
def check_production_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The built-in SECRET_KEY is public (it is in the source), so sessions and password-reset tokens signed
    with it can be forged; DEBUG shows settings and code to anyone who triggers an error."""
    problems: list[CheckMessage] = []
    if getattr(settings, "EMBEDDED_SECRET_KEY", None) == settings.SECRET_KEY:
        problems.append(
            Error("SECRET_KEY is the built-in key, which is public.", hint=SECRET_KEY_HINT, id="jixiao.E001")
        )
    if settings.DEBUG:
        problems.append(
            Error("DEBUG is on.", hint="Unset DEBUG (or set DEBUG=false) in production.", id="jixiao.E002")
        )
    return problems
