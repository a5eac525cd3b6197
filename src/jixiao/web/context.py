"""The navigation every page shows, by role (the links only; each page still decides access itself)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of
from jixiao.inbox.services import unread_count


def navigation(request: HttpRequest) -> dict[str, Any]:
    role = role_of(getattr(request, "user", None))
    items: list[tuple[str, str | Promise]] = []
    if role == Role.PUBLIC:
        items = [(reverse("portal:index"), _("Published results")), (reverse("web:login"), _("Sign in"))]
    else:
        items.append((reverse("web:home"), _("Home")))
        items.append((reverse("cycles:list"), _("Cycles")))
        if role in (Role.ADMIN, Role.OPERATOR):
            items.append((reverse("collection:entry_list"), _("Data entry")))
        if role in (Role.ADMIN, Role.LEADER, Role.AUDITOR):
            items.append((reverse("approval:latest"), _("Approval")))
        items.append((reverse("ratings:mine"), _("Rating tasks")))
        if role in (Role.ADMIN, Role.AUDITOR):
            items.append((reverse("verification:index"), _("Three-party checks")))
            items.append((reverse("hotline:hotspots"), _("12345 hotline")))
        elif role in (Role.OPERATOR, Role.LEADER):
            items.append((reverse("hotline:units"), _("12345 hotline")))
        if role in (Role.ADMIN, Role.AUDITOR, Role.OPERATOR, Role.LEADER):
            items.append((reverse("outcomes:index"), _("Using the results")))
        items.append((reverse("inbox:list"), _("Inbox")))
        items.append((reverse("portal:index"), _("Public portal")))
        if role == Role.ADMIN:
            items.append((reverse("imports:list"), _("Imports")))
            items.append((reverse("surveys:list"), _("Surveys")))
            items.append(("/admin/", _("Back office")))
    path = request.path
    home = reverse("web:home")
    # Home is active on itself only: every page of the app lies under its URL.
    under = [url for url, _label in items if url != "/" and (path == url if url == home else path.startswith(url))]
    active = max(under, key=len, default="/" if path == "/" else "")
    return {"nav_items": [(url, label, url == active) for url, label in items], "nav_role": role,
            "nav_role_label": Role(role).label, "nav_inbox": reverse("inbox:list"),
            # Lazy: counted only when a page shows the navigation (one indexed count), not for redirects or JSON.
            "nav_unread": SimpleLazyObject(lambda: unread_count(request.user)) if role != Role.PUBLIC else 0}
