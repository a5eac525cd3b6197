"""Results in the back office: read only, with the explanation."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from jixiao.core.admin import RestrictedAdmin
from jixiao.results.models import Result
from jixiao.results.services import result_explanation


@admin.register(Result)
class ResultAdmin(RestrictedAdmin):
    list_display = ("subject", "cycle", "total_2", "rank", "grade_badge", "flags")
    list_filter = ("cycle", "grade")
    search_fields = ("subject__code", "subject__name")
    list_select_related = ("subject", "cycle")
    readonly_fields = (
        "cycle",
        "subject",
        "total_2",
        "rank",
        "grade",
        "flags",
        "points",
        "engine_version",
        "computed_at",
        "explanation_text",
    )
    fields = readonly_fields

    @admin.display(description=_("total"), ordering="total")
    def total_2(self, obj: Result) -> str:
        return f"{obj.total:.2f}"

    @display(description=_("grade"), ordering="grade", label=True)  # type: ignore[untyped-decorator]
    def grade_badge(self, obj: Result) -> str:
        return obj.grade or "—"

    @admin.display(description=_("explanation"))
    def explanation_text(self, obj: Result) -> str:
        return format_html("<pre style='white-space:pre-wrap'>{}</pre>", result_explanation(obj))
