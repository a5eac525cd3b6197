"""The hotline systems page (the office): the systems allowed to push tickets, registering one (its key shown
once), replacing a key and withdrawing a system. Auditors see the list; others get 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jixiao.core.choices import Action
from jixiao.core.errors import JixiaoError
from jixiao.hotline.models import SourceSystem
from jixiao.hotline.services.systems import do_register_system, do_replace_system_key, do_withdraw_system
from jixiao.web.helpers import web_login_required


def _may_create(user: Any) -> bool:
    try:
        SourceSystem.objects.check_create(user)
    except JixiaoError:
        return False
    return True


def _page(request: HttpRequest, *, key: str = "", system: SourceSystem | None = None, error: str = "",
          status: int = 200) -> HttpResponse:
    systems = SourceSystem.objects.restrict(request.user, Action.VIEW)
    if not systems.exists() and not _may_create(request.user):
        raise Http404(_("No such page."))
    push_url = request.build_absolute_uri("/api/hotline/tickets")
    return render(request, "hotline/systems.html", {
        "systems": systems, "may_change": _may_create(request.user), "key": key, "new_system": system,
        "error": error, "push_url": push_url}, status=status)


@web_login_required
@require_http_methods(["GET", "POST"])
def systems(request: HttpRequest) -> HttpResponse:
    """The list; a POST registers a system and shows its key once (never again: only its hash is kept)."""
    if request.method == "POST":
        if not _may_create(request.user):
            raise Http404(_("No such page."))
        try:
            system, key = do_register_system(request.POST.get("name", ""), actor=request.user)
        except JixiaoError as exc:
            return _page(request, error=exc.text, status=exc.status)
        return _page(request, key=key, system=system)
    return _page(request)


def _system(request: HttpRequest, pk: int) -> SourceSystem:
    system: SourceSystem | None = SourceSystem.objects.restrict(request.user, Action.CHANGE).filter(pk=pk).first()
    if system is None:
        raise Http404(_("No such hotline system."))
    return system


@web_login_required
@require_POST
def replace_key(request: HttpRequest, pk: int) -> HttpResponse:
    system, key = do_replace_system_key(_system(request, pk), actor=request.user)
    return _page(request, key=key, system=system)


@web_login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    system = do_withdraw_system(_system(request, pk), actor=request.user)
    messages.success(request, _("{name} was withdrawn: its key no longer works.").format(name=system.name))
    return redirect("hotline:systems")
