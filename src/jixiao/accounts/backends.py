"""Sign-in throttling: django-axes' backend, refusing a username and address that failed too often."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):  # type: ignore[misc]  # django-axes is untyped
    """Refuses a locked-out (username, address) pair before any password is checked; signs no one in itself.

    Every sign-in that comes over the network passes its request: the web login and the back-office login
    are Django's ``LoginView``, which authenticates with ``authenticate(request, ...)``, and the API accepts
    sessions only. ``authenticate()`` without a request is code running on the server (Django's test client,
    a shell): there is no client address to count, so this backend steps aside instead of failing as axes'
    own does.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username, password, **kwargs)
        return None
