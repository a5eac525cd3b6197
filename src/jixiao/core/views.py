"""The few pages the platform serves before the web UI: home (published cycles) and the health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from jixiao.core.choices import Action
from jixiao.cycles.models import Cycle
from jixiao.engine import ENGINE_VERSION


def home(request: HttpRequest) -> HttpResponse:
    """The published cycles, for everyone (the public portal starts here)."""
    cycles = (
        Cycle.objects.restrict(request.user, Action.VIEW).filter(state="published").select_related("scheme")
    )
    return render(request, "core/home.html", {"cycles": cycles})


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure makes the instance unhealthy
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor, "engine": ENGINE_VERSION})
