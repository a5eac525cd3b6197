"""A unit's hotline figures (本单位接诉即办指标): the counts and rates behind its values in each cycle the hotline
feeds, and its rates month by month this year. The office and auditors see every unit; a unit's people their
own units (a leader with the units below)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jixiao.accounts.querysets import unit_scope
from jixiao.core.choices import Action
from jixiao.core.roles import Role, role_of
from jixiao.engine.ticketrates import RATE_COLUMNS, indicators
from jixiao.engine.tickets import in_period
from jixiao.hotline.choices import SOLVED, Measure
from jixiao.hotline.models import Feed, Figure, Ticket
from jixiao.hotline.services.figures import RATE_COLUMNS as FIGURE_COLUMNS
from jixiao.hotline.services.figures import engine_sla
from jixiao.hotline.services.frames import ticket_frame
from jixiao.hotline.views.tickets import require_reader
from jixiao.org.models import Unit
from jixiao.web import charts
from jixiao.web.helpers import engine_lang, figure, web_login_required


def _units(user: Any) -> Any:
    qs = Unit.objects.all()
    if role_of(user) not in (Role.ADMIN, Role.AUDITOR):
        qs = qs.filter(pk__in=unit_scope(user))
    return qs


@web_login_required
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    """The units' latest figures (of the newest cycle with figures the user may see)."""
    require_reader(request)
    figures = (Figure.objects.restrict(request.user, Action.VIEW).select_related("subject", "cycle")
               .order_by("-cycle__year", "subject__code"))
    latest = figures.first()
    rows = list(figures.filter(cycle=latest.cycle)) if latest else []
    return render(request, "hotline/units.html", {"rows": rows, "cycle": latest.cycle if latest else None})


def _monthly(unit: Unit, today: date) -> dict[str, Any]:
    """The unit's three rates by month of this year (the engine's rates over each month's tickets)."""
    months: list[str] = []
    series: dict[str, list[float | None]] = {str(m.label): [] for m in Measure}
    table: list[dict[str, Any]] = []
    # The year's tickets read once; each month's rates from its slice.
    year = ticket_frame(date(today.year, 1, 1), today, [*FIGURE_COLUMNS, "received_at"], unit_ids=[unit.pk])
    sla = engine_sla()
    for month in range(1, today.month + 1):
        start = date(today.year, month, 1)
        frame = indicators(in_period(year, start, date(today.year + month // 12, month % 12 + 1, 1)), sla,
                           lang=engine_lang())
        row = frame.row(0, named=True) if frame.height else dict.fromkeys(RATE_COLUMNS)
        months.append(f"{today.year}-{month:02}")
        for m in Measure:
            series[str(m.label)].append(row.get(m.value))
        table.append({"month": months[-1], **row})
    while table and not table[-1].get("received"):  # the months after the last ticket (an export lags)
        table.pop()
        months.pop()
        for values in series.values():
            values.pop()
    return {"months": months, "series": series, "table": table}


@web_login_required
@require_GET
def unit_view(request: HttpRequest, code: str) -> HttpResponse:
    require_reader(request)
    unit = _units(request.user).filter(code=code).first()
    if unit is None:
        raise Http404(_("No such unit."))
    today = timezone.localdate()
    figures = list(Figure.objects.restrict(request.user, Action.VIEW).filter(subject__unit=unit)
                   .select_related("cycle").order_by("-cycle__year", "-end"))
    feeds = {f.cycle_id: f for f in Feed.objects.filter(cycle_id__in={f.cycle_id for f in figures})}
    monthly = _monthly(unit, today)
    # Months as 01..12 (the year is in the title): long labels turn on a phone and run into the legend.
    fig = charts.lines([m[5:] for m in monthly["months"]], monthly["series"], ytitle="%")
    fig["layout"]["yaxis"]["range"] = [0, 100]
    open_tickets = (Ticket.objects.restrict(request.user, Action.VIEW).filter(unit=unit).select_related("category")
                    .exclude(resolution=SOLVED).order_by("-received_at")[:20])
    return render(request, "hotline/unit.html", {
        "unit": unit, "figures": figures, "feeds": feeds, "monthly": monthly["table"],
        "fig": figure(fig), "open_tickets": open_tickets, "year": today.year,
        "nothing": not any(r.get("received") for r in monthly["table"])})
