"""What every page of the apps shares: sign-in, paging, searching, exporting a table, charts as JSON, grade colours,
running a service with its refusal shown as a message, and finding a cycle or a subject through ``restrict()``."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jixiao.core.choices import Action
from jixiao.core.errors import JixiaoError, NotFoundError
from jixiao.cycles.models import Cycle, Subject
from jixiao.web.exports import xlsx_response
from jixiao.web.tables import Table

PER_PAGE = 25
web_login_required = login_required(login_url="web:login")


def paginate(request: HttpRequest, items: QuerySet[Any] | list[Any], per_page: int = PER_PAGE) -> Page[Any]:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def search_text(request: HttpRequest) -> str:
    return (request.GET.get("q") or "").strip()[:100]


def exported(request: HttpRequest, tables: dict[str, Callable[[], Table]], name: str) -> HttpResponse | None:
    """The .xlsx of the table asked for by ``?export=<table id>``, built unpaginated; None for the page."""
    wanted = request.GET.get("export")
    if wanted is None:
        return None
    if wanted not in tables:
        raise Http404("no such table")
    return xlsx_response(tables[wanted](), f"{name}-{wanted}")


def get_cycle(user: Any, code: str, action: str = Action.VIEW) -> Cycle:
    """The cycle with this code if the user may do ``action`` to it; else 404 (unseen and absent alike)."""
    cycle: Cycle | None = Cycle.objects.restrict(user, action).select_related("scheme").filter(code=code).first()
    if cycle is None:
        raise Http404(_("No such cycle."))
    return cycle


def get_subject(user: Any, cycle: Cycle, code: str) -> Subject:
    subject: Subject | None = Subject.objects.restrict(user, Action.VIEW).filter(cycle=cycle, code=code).first()
    if subject is None:
        raise Http404(_("No such unit in this cycle."))
    subject.cycle = cycle  # already loaded with its scheme
    return subject


def local_text(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """A stored (UTC) time as text in the configured zone (``TIME_ZONE``): one clock on every page and export."""
    return timezone.localtime(moment).strftime(fmt) if moment is not None else ""


def engine_lang() -> str:
    """The engine's language for the active one: ``en`` or ``zh``."""
    return "en" if (get_language() or "").startswith("en") else "zh"


def grade_css(scheme: Any, grade: str) -> str:
    names = [g.name for g in scheme.grades]
    if grade not in names:
        return "grade-none"
    return f"grade-{min(names.index(grade), 3)}"


def figure(fig: dict[str, Any]) -> str:
    return json.dumps(fig, ensure_ascii=False, separators=(",", ":"))


def run_service(request: HttpRequest, fn: Callable[[], Any], ok: str) -> bool:
    """Call a service; a refusal becomes a message (a hidden object stays a 404)."""
    try:
        fn()
    except NotFoundError as exc:
        raise Http404(exc.text) from None
    except JixiaoError as exc:
        messages.error(request, exc.text)
        return False
    messages.success(request, ok)
    return True


def category_label(cycle: Cycle) -> Callable[[str], str]:
    """How a subject's category reads: a unit category's code as it is (A, B), a person's post type by its name
    (执法, 专业技术), never the stored word."""
    from jixiao.cycles.choices import SubjectKind
    from jixiao.org.choices import PostType

    if cycle.subject_kind != SubjectKind.PERSON:
        return str
    names = {k: str(v) for k, v in PostType.choices}
    return lambda code: names.get(code, code)


def flags_text(flags: str) -> str:
    """A result's flags in words: the grade notes (一票否决, 名额调整) and the indicators without data, never the
    stored codes."""
    from jixiao.engine.explain import flag_notes

    parts = list(flag_notes(flags or "", engine_lang()))
    missing = [p.partition(":")[2].strip() for p in (flags or "").split(";") if p.strip().startswith("missing:")]
    if missing:
        parts.append(_("no data: %(codes)s") % {"codes": ", ".join(missing)})
    return "、".join(parts)
