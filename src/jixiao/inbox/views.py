"""The inbox page: the user's own notices, unread first, and marking them read (through the services).
Everything starts from ``restrict()``: another user's notice is not found."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from jixiao.core.choices import Action
from jixiao.inbox.choices import NoticeKind
from jixiao.inbox.forms import InboxFilterForm
from jixiao.inbox.models import Notice
from jixiao.inbox.querysets import INBOX_ORDER
from jixiao.inbox.services import do_read_all_notices, do_read_notice, unread_count
from jixiao.web.helpers import local_text, paginate, run_service, web_login_required

KIND_CSS = {NoticeKind.PUBLICITY: "yellow", NoticeKind.APPEAL: "red", NoticeKind.HEARING: "red",
            NoticeKind.DEADLINE: "yellow", NoticeKind.RESULT: "green", NoticeKind.OTHER: ""}


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the page of the list the form was sent from (its page number and filter)."""
    query = {k: v for k in ("page", "unread") if (v := request.POST.get(k, "")).isdigit()}
    return HttpResponseRedirect(reverse("inbox:list") + (f"?{urlencode(query)}" if query else ""))


@web_login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    """The user's notices, unread first, then newest first; ``?unread=1`` the unread ones only."""
    form = InboxFilterForm(request.GET)
    unread_only = form.is_valid() and form.cleaned_data["unread"]
    mine = Notice.objects.restrict(request.user, Action.VIEW)
    shown = mine.filter(read_at__isnull=True) if unread_only else mine
    page = paginate(request, shown.select_related("cycle").order_by(*INBOX_ORDER))
    rows = [(n, KIND_CSS.get(n.kind, ""), local_text(n.created_at, "%Y-%m-%d %H:%M")) for n in page.object_list]
    return render(request, "inbox/list.html", {"page": page, "rows": rows, "unread": unread_count(request.user),
                                               "unread_only": unread_only})


@web_login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the user's notices read."""
    notice = Notice.objects.restrict(request.user, Action.VIEW).filter(pk=pk).first()
    if notice is None:
        raise Http404(_("No such notice."))
    run_service(request, lambda: do_read_notice(notice, actor=request.user), _("Marked as read."))
    return _back(request)


@web_login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    """Mark all the user's notices read."""
    n = do_read_all_notices(actor=request.user)
    if n:
        messages.success(request, ngettext("%(n)d notice marked as read.", "%(n)d notices marked as read.", n)
                         % {"n": n})
    else:
        messages.info(request, _("No unread notices."))
    return _back(request)
