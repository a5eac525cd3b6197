"""The shell's own pages: signing in and out, and the signed-in start page by role. Every other page belongs to
the app whose objects it shows (cycles, results, indicators, collection) and extends the shell's base template."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of, unit_scope
from jixiao.collection.querysets import writable_subjects
from jixiao.core.choices import Action
from jixiao.cycles.models import Cycle, Subject
from jixiao.cycles.views import cycle_table
from jixiao.web.helpers import web_login_required


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("web:home")


class LogoutView(auth_views.LogoutView):
    next_page = "portal:index"



@web_login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in start page, by role: the office sees the cycles, operators and leaders their units."""
    user = request.user
    role = role_of(user)
    cycles = Cycle.objects.restrict(user, Action.VIEW).select_related("scheme")[:6]
    mine: list[Subject] = []
    writable: set[int] = set()
    if role in (Role.OPERATOR, Role.LEADER):
        mine = list(Subject.objects.restrict(user, Action.VIEW).filter(unit_id__in=unit_scope(user))
                    .select_related("cycle").order_by("-cycle__year", "-cycle__period_number", "code")[:50])
        writable = set(writable_subjects(user, "value").filter(pk__in=[s.pk for s in mine])
                       .values_list("pk", flat=True))
    return render(request, "web/home.html", {"cycles": cycle_table(cycles, user), "mine": mine,
                                             "writable": writable, "role": role})


