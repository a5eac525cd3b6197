"""The base of every back-office page (django-unfold): lists start from ``restrict(user, "view")``, edits
are allowed by ``restrict(user, "change")`` and saved through the app's service functions, so the back
office obeys the same rules, and writes the same audit events, as the API and the commands.

Django's own admin log is not written: the audit trail records every write, with before and after.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from unfold.admin import ModelAdmin

from jixiao.core.choices import Action
from jixiao.core.errors import JixiaoError
from jixiao.core.roles import Role, role_of

#: The back office is the office's (and auditors', read only by ``restrict``); every other role uses the app.
BACK_OFFICE = frozenset({Role.ADMIN, Role.AUDITOR})


def back_office_user(request: HttpRequest) -> bool:
    """Whether the request's user may use the back office at all."""
    user = request.user
    return bool(user.is_active and user.is_staff and role_of(user) in BACK_OFFICE)


admin.site.has_permission = back_office_user  # type: ignore[method-assign]  # the site's own check: an operator marked staff gets the login page


class RestrictedAdmin(ModelAdmin):  # type: ignore[misc]  # unfold is untyped
    """A ModelAdmin whose permissions come from the model's ``restrict`` instead of Django's permission table.

    Subclasses that allow adding or changing implement ``save_model`` with a service call and set ``addable``.
    """

    addable = False
    #: Roles that see the page at all (None: any staff role; rows are still narrowed by ``restrict``).
    view_roles: frozenset[Role] | None = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs: QuerySet[Any] = self.model.objects.restrict(request.user, Action.VIEW)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def _staff(self, request: HttpRequest) -> bool:
        return back_office_user(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._staff(request) and (self.view_roles is None or role_of(request.user) in self.view_roles)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not self.has_module_permission(request):
            return False
        return (
            obj is None or self.model.objects.restrict(request.user, Action.VIEW).filter(pk=obj.pk).exists()
        )

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not self.has_module_permission(request):
            return False
        allowed = self.model.objects.restrict(request.user, Action.CHANGE)
        return bool(allowed.filter(pk=obj.pk).exists() if obj is not None else allowed.exists())

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.addable and self._staff(request) and role_of(request.user) == Role.ADMIN

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        raise NotImplementedError(f"{type(self).__name__} saves through a service")

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            response: HttpResponse = super().changeform_view(request, object_id, form_url, extra_context)
            return response
        except JixiaoError as exc:  # a refusal by a service: say it and stay on the page
            messages.error(request, exc.text)
            return HttpResponseRedirect(request.get_full_path())

    def log_addition(self, *args: Any, **kwargs: Any) -> None:
        return None

    def log_change(self, *args: Any, **kwargs: Any) -> None:
        return None

    def log_deletion(self, *args: Any, **kwargs: Any) -> None:
        return None

    def log_deletions(self, *args: Any, **kwargs: Any) -> None:
        return None


def run_action(admin: Any, request: HttpRequest, queryset: QuerySet[Any], service: Any, done: str) -> None:
    """Apply a service to each selected object, reporting refusals one by one."""
    ok = 0
    for obj in queryset:
        try:
            service(obj, actor=request.user)
            ok += 1
        except JixiaoError as exc:
            admin.message_user(request, f"{obj}: {exc.text}", messages.ERROR)
    if ok:
        admin.message_user(request, f"{done}: {ok}", messages.SUCCESS)
