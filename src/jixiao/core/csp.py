"""The Content-Security-Policy header: django-csp's middleware with one relaxation for the back office.

Our own pages run with ``settings.CONTENT_SECURITY_POLICY`` as it is. The back office (django-unfold) is
driven by Alpine.js, which evaluates its ``x-data``/``x-init``/``@click`` expressions with the Function
constructor; unfold ships Alpine's standard build, not its CSP build, so its pages need ``'unsafe-eval'``.
That relaxation applies under the admin's URL prefix only.
"""

from __future__ import annotations

from typing import Any

from csp.constants import UNSAFE_EVAL
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from django.http import HttpRequest, HttpResponseBase
from django.urls import NoReverseMatch, reverse

#: Added to the policy's directives on back-office pages.
ADMIN_RELAXATION: dict[str, Any] = {"script-src": [UNSAFE_EVAL]}


def admin_prefix() -> str | None:
    try:
        return reverse("admin:index")
    except NoReverseMatch:
        return None


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware; on back-office pages the policy also has ``ADMIN_RELAXATION``."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        prefix = admin_prefix()
        if prefix and request.path_info.startswith(prefix):
            parts.update = {**ADMIN_RELAXATION, **(parts.update or {})}
        return parts
