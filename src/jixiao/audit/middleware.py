"""Marks writes made while serving a request as web, admin or API writes."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from jixiao.audit.context import audit_source
from jixiao.core.choices import Source


class AuditSourceMiddleware:
    """Sets the audit source from the path: ``/admin/`` is the admin, ``/api/`` the API, else the web."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        source = (
            Source.ADMIN
            if path.startswith("/admin/")
            else Source.API
            if path.startswith("/api/")
            else Source.WEB
        )
        with audit_source(source, f"{request.method} {path}"):
            return self.get_response(request)
