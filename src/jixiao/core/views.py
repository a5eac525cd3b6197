"""The health check; the pages themselves are the web app's and the public portal's."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse

from jixiao.engine import ENGINE_VERSION


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure makes the instance unhealthy
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor, "engine": ENGINE_VERSION})
