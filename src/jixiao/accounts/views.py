"""Pages of accounts: the answer to a sign-in refused by the throttle (django-axes)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jixiao.accounts.errors import SignInLockedError


def lockout(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """Too many failed sign-ins for this username from this address (``AXES_LOCKOUT_CALLABLE``): HTTP 429
    with the cool-off, on the web login and the back-office login alike."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    error = SignInLockedError(minutes=minutes)
    return render(
        request,
        "accounts/lockout.html",
        {"error": error, "minutes": minutes},
        status=error.status,
    )
