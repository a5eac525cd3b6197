"""Cycles in the back office: created in draft, then moved by actions (open, close, compute);
review, publicity and the final publication are steps of the app's review page (they ask for confirmation)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from jixiao.core.admin import RestrictedAdmin, run_action
from jixiao.cycles.choices import CycleState
from jixiao.cycles.models import Cycle, Subject
from jixiao.cycles.services import do_close_cycle, do_create_cycle, do_open_cycle


@admin.register(Cycle)
class CycleAdmin(RestrictedAdmin):
    addable = True
    list_display = ("code", "name", "scheme", "period_kind", "year", "period_number", "state_badge",
                    "computed_at")
    list_filter = ("state", "period_kind", "subject_kind", "year")
    search_fields = ("code", "name")
    list_select_related = ("scheme",)
    actions = ("open_cycles", "close_cycles", "compute_cycles")
    fields = (
        "code",
        "name",
        "scheme",
        "subject_kind",
        "period_kind",
        "year",
        "period_number",
        "state",
        "opened_at",
        "closed_at",
        "published_at",
        "computed_at",
        "engine_version",
        "import_link",
    )
    readonly_fields = ("state", "opened_at", "closed_at", "reviewed_at", "publicity_at", "publicity_ends_at",
                       "published_at", "computed_at", "engine_version")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        return self.fields if obj is not None else self.readonly_fields

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        return (
            self.fields
            if obj is not None
            else [f for f in self.fields if f not in self.readonly_fields and f != "import_link"]
        )

    @display(  # type: ignore[untyped-decorator]  # unfold is untyped
        description=_("state"),
        ordering="state",
        label={
            CycleState.DRAFT.label: "info",
            CycleState.OPEN.label: "warning",
            CycleState.CLOSED.label: "primary",
            CycleState.PUBLICITY.label: "warning",
            CycleState.APPEALS.label: "warning",
            CycleState.PUBLISHED.label: "success",
        },
    )
    def state_badge(self, obj: Cycle) -> str:
        return str(CycleState(obj.state).label)

    @admin.display(description=_("Import values"))
    def import_link(self, obj: Cycle) -> str:
        # Imports run as background jobs on the app's import page (a large file would time out a request here).
        url = reverse("imports:start") + f"?cycle={obj.code}"
        return format_html('<a href="{}">{}</a>', url, _("Import a values file"))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Cycles change only by the actions; the list must still offer them to the office.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Cycle, form: Any, change: bool) -> None:
        saved = do_create_cycle(
            obj.code,
            obj.name,
            obj.scheme,
            actor=request.user,
            year=obj.year,
            period_kind=obj.period_kind,
            period_number=obj.period_number,
            subject_kind=obj.subject_kind,
        )
        obj.pk = saved.pk

    @admin.action(description="开始填报 Open for data entry")
    def open_cycles(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        run_action(self, request, queryset, do_open_cycle, "opened")

    @admin.action(description="结束填报并评分 Close and score")
    def close_cycles(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        run_action(self, request, queryset, do_close_cycle, "closed")

    @admin.action(description="重新计算 Compute results")
    def compute_cycles(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        from jixiao.results.services import do_compute_cycle

        run_action(self, request, queryset, do_compute_cycle, "computed")


@admin.register(Subject)
class SubjectAdmin(RestrictedAdmin):
    list_display = ("code", "name", "category", "cycle", "unit")
    list_filter = ("category", "cycle")
    search_fields = ("code", "name")
    list_select_related = ("cycle", "unit")
    readonly_fields = ("cycle", "code", "name", "category", "unit", "person")
