"""The ticket pages: the list (filtered, paged, exportable), a ticket, the review queue (categories the model was
unsure of, proposed units for unrouted tickets) and a unit's hotline figures. Everything starts from
``restrict()``: a unit's people see their units' tickets, the office and auditors all; changes are the office's."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.core.choices import Action
from jixiao.core.roles import Role, role_of
from jixiao.hotline.choices import SOLVED, CategoryBy
from jixiao.hotline.forms import CategoryForm, TicketFilterForm
from jixiao.hotline.models import Category, Classifier, Ticket
from jixiao.hotline.services.classify import do_set_ticket_category
from jixiao.hotline.services.routing import do_route_tickets, proposals
from jixiao.org.models import Unit
from jixiao.web.exports import xlsx_response
from jixiao.web.helpers import local_text, paginate, run_service, web_login_required
from jixiao.web.tables import Link, Table

REVIEW_PAGE = 50


def require_reader(request: HttpRequest) -> None:
    """Raters and the public have no hotline pages (the same answer as a page that does not exist)."""
    if role_of(request.user) in (Role.PUBLIC, Role.RATER):
        raise Http404(_("No such page."))


def is_office(user: Any) -> bool:
    return role_of(user) == Role.ADMIN


def leaf_choices() -> list[tuple[Any, str]]:
    """Categories a person may give a ticket: any in use (the most specific known is best; the tree is short)."""
    return [(c.pk, c.path) for c in Category.objects.filter(active=True).order_by("code")]


def _filtered(request: HttpRequest, form: TicketFilterForm) -> QuerySet[Ticket]:
    qs = Ticket.objects.restrict(request.user, Action.VIEW).select_related("unit", "category")
    if not form.is_valid():
        return qs.none()
    d = form.cleaned_data
    if d["q"]:
        qs = qs.filter(Q(number=d["q"]) | Q(text__contains=d["q"]) | Q(address__contains=d["q"]))
    if d["unit"]:
        qs = qs.filter(unit__code=d["unit"])
    if d["month"]:
        year, month = (int(x) for x in d["month"].split("-"))
        if not 1 <= month <= 12:
            return qs.none()
        start = timezone.make_aware(datetime(year, month, 1))
        end = timezone.make_aware(datetime(year + month // 12, month % 12 + 1, 1))
        qs = qs.filter(received_at__gte=start, received_at__lt=end)
    state = d["state"]
    if state == "review":
        qs = qs.filter(needs_review=True)
    elif state == "uncategorised":
        qs = qs.filter(category=None)
    elif state == "unrouted":
        qs = qs.filter(unit=None)
    elif state == "unsolved":
        qs = qs.exclude(resolution=SOLVED)
    return qs.order_by("-received_at", "-pk")


def _table(rows: Any) -> Table:
    columns = [_("ticket number"), _("received"), _("category"), _("responsible unit"), _("urgency"),
               _("responded"), _("closed"), _("result"), _("satisfaction"), _("address"), _("request")]
    data = [[Link(t.number, reverse("hotline:ticket", args=[t.number])), local_text(t.received_at, "%Y-%m-%d %H:%M"),
             t.category.path if t.category_id else (t.category_text or "—"),
             t.unit.name if t.unit_id else (t.unit_text or "—"), t.urgency,
             local_text(t.responded_at, "%Y-%m-%d %H:%M"), local_text(t.closed_at, "%Y-%m-%d %H:%M"),
             t.resolution, t.satisfaction, t.address, t.text] for t in rows]
    return Table("tickets", _("Tickets"), columns, data, wrap=frozenset({10}))


@web_login_required
@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    """Tickets the user may see, newest first, with filters; ``?export=tickets`` gives the filtered rows as .xlsx
    (at most 100,000)."""
    require_reader(request)
    form = TicketFilterForm(request.GET or None)
    qs: Any
    if request.GET and not form.is_valid():
        qs = Ticket.objects.none()
    else:
        qs = _filtered(request, form if request.GET else TicketFilterForm({}))
    if request.GET.get("export") == "tickets":
        return xlsx_response(_table(qs[:100_000]), "tickets")
    page = paginate(request, qs)
    return render(request, "hotline/tickets.html", {"form": form, "page": page, "table": _table(page.object_list),
                                                    "office": is_office(request.user)})


@web_login_required
@require_GET
def ticket_view(request: HttpRequest, number: str) -> HttpResponse:
    require_reader(request)
    ticket = (Ticket.objects.restrict(request.user, Action.VIEW).select_related("unit", "category", "batch")
              .filter(number=number).order_by("-received_at").first())
    if ticket is None:
        raise Http404(_("No such ticket."))
    form = CategoryForm(choices={"category": leaf_choices()},
                        initial={"category": ticket.category_id}) if is_office(request.user) else None
    repeats = (Ticket.objects.restrict(request.user, Action.VIEW).filter(address=ticket.address)
               .exclude(pk=ticket.pk).order_by("-received_at")[:20] if ticket.address else [])
    return render(request, "hotline/ticket.html", {"t": ticket, "form": form, "repeats": repeats,
                                                   "category_by": CategoryBy(ticket.category_by).label
                                                   if ticket.category_by else ""})


@web_login_required
@require_POST
def ticket_category(request: HttpRequest, pk: int) -> HttpResponse:
    """A person sets a ticket's category (a correction the next model learns from)."""
    ticket = Ticket.objects.restrict(request.user, Action.CHANGE).filter(pk=pk).first()
    if ticket is None:
        raise Http404(_("No such ticket."))
    form = CategoryForm(request.POST, choices={"category": leaf_choices()})
    if form.is_valid():
        category = Category.objects.get(pk=form.cleaned_data["category"])
        run_service(request, lambda: do_set_ticket_category(ticket, category, actor=request.user),
                    _("The category of ticket {number} is set.").format(number=ticket.number))
    else:
        messages.error(request, _("Choose a category."))
    back = request.POST.get("next") or ""
    if back.startswith("/app/hotline/") and "//" not in back:
        return redirect(back)
    return redirect("hotline:ticket", number=ticket.number)


@web_login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    """The review queue (office): tickets the classifier was unsure of, with its proposal and confidence, to be
    confirmed or corrected; and tickets without a responsible unit with the unit the routing rules propose."""
    if not is_office(request.user):
        raise Http404(_("No such page."))
    if request.method == "POST":
        pks = [int(p) for p in request.POST.getlist("route") if p.isdigit()]
        done: list[int] = []
        if not pks:
            messages.error(request, _("Choose the tickets to route."))
        else:
            run_service(request, lambda: done.append(do_route_tickets(pks, actor=request.user)),
                        _("The chosen tickets are routed."))
        return redirect("hotline:review")
    queue = (Ticket.objects.restrict(request.user, Action.CHANGE).filter(needs_review=True)
             .select_related("category").order_by("confidence", "-received_at"))
    page = paginate(request, queue, REVIEW_PAGE)
    unrouted = list(Ticket.objects.restrict(request.user, Action.CHANGE).filter(unit=None)
                    .select_related("category").order_by("-received_at")[:REVIEW_PAGE])
    proposed = proposals(unrouted)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=set(proposed.values()))}
    routes = [{"t": t, "unit": units.get(proposed.get(t.pk, 0))} for t in unrouted]
    return render(request, "hotline/review.html", {
        "page": page, "choices": leaf_choices(), "routes": routes,
        "classifier": Classifier.objects.first(), "today": date.today()})
