"""Pages of the signed-in web interface. Each starts from ``Model.objects.restrict(user, action)``; an object
the user may not see and one that does not exist both answer 404. Writes go through the service functions."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of, unit_scope
from jixiao.collection.models import Value
from jixiao.collection.querysets import writable_subjects
from jixiao.core.choices import Action
from jixiao.core.errors import JixiaoError, NotFoundError
from jixiao.cycles.choices import CycleState
from jixiao.cycles.models import Cycle, Subject
from jixiao.cycles.services import do_close_cycle, do_open_cycle, do_publish_cycle
from jixiao.engine.scheme import Node
from jixiao.indicators.models import IndicatorVersion
from jixiao.results.models import Result
from jixiao.results.services import do_compute_cycle, result_explanation
from jixiao.web import charts, reports
from jixiao.web.exports import xlsx_response
from jixiao.web.tables import Badge, Link, Table

PER_PAGE = 25
web_login_required = login_required(login_url="web:login")


# ---------------------------------------------------------------------------------------------- helpers
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
    cycle: Cycle | None = Cycle.objects.restrict(user, action).select_related("scheme").filter(code=code).first()
    if cycle is None:
        raise Http404(_("No such cycle."))
    reports.attach_engine(cycle.scheme)
    return cycle


def get_subject(user: Any, cycle: Cycle, code: str) -> Subject:
    subject: Subject | None = Subject.objects.restrict(user, Action.VIEW).filter(cycle=cycle, code=code).first()
    if subject is None:
        raise Http404(_("No such unit in this cycle."))
    subject.cycle = cycle  # already loaded with its scheme
    return subject


def engine_lang() -> str:
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


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("web:home")


class LogoutView(auth_views.LogoutView):
    next_page = "portal:index"


# ---------------------------------------------------------------------------------------------- home, cycles
def cycle_table(cycles: Any, user: Any) -> Table:
    role = role_of(user)
    rows = []
    for c in cycles:
        links = [Link(_("overview"), reverse("web:overview", args=[c.code])),
                 Link(_("ranking"), reverse("web:ranking", args=[c.code])),
                 Link(_("indicators"), reverse("web:indicators", args=[c.code]))]
        # The overview is the office's page; others start from the results they may see.
        first = links[0] if role in (Role.ADMIN, Role.AUDITOR) or c.state == CycleState.PUBLISHED else links[1]
        rows.append([Link(c.name, first.href), c.code, c.year, Badge(CycleState(c.state).label, f"state-{c.state}"),
                     c.scheme.name, links])
    return Table("cycles", _("Cycles"), [_("cycle"), _("code"), _("year"), _("state"), _("scheme"), _("pages")],
                 rows)


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


@web_login_required
@require_GET
def cycles(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs = Cycle.objects.restrict(user, Action.VIEW).select_related("scheme")
    q = search_text(request)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    response = exported(request, {"cycles": lambda: cycle_table(qs, user)}, "cycles")
    if response:
        return response
    page = paginate(request, qs)
    return render(request, "web/cycles.html", {"table": cycle_table(page.object_list, user), "page": page, "q": q})


@web_login_required
@require_POST
def cycle_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """The office moves a cycle on (open, compute, close, publish) through the services."""
    user = request.user
    cycle = get_cycle(user, code, Action.CHANGE)
    actions: dict[str, tuple[Callable[[], Any], str]] = {
        "open": (lambda: do_open_cycle(cycle, actor=user), _("The cycle is open for data entry.")),
        "compute": (lambda: do_compute_cycle(cycle, actor=user), _("The results were recomputed.")),
        "close": (lambda: do_close_cycle(cycle, actor=user), _("The cycle is closed and scored.")),
        "publish": (lambda: do_publish_cycle(cycle, actor=user), _("The results are published.")),
    }
    if action not in actions:
        raise Http404
    fn, ok = actions[action]
    run_service(request, fn, ok)
    nxt = request.POST.get("next") or ""
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else reverse("web:overview", args=[code]))


# ---------------------------------------------------------------------------------------------- overview
@web_login_required
@require_GET
def overview(request: HttpRequest, code: str) -> HttpResponse:
    """The office's overview of a cycle: progress, ranking by category, grades against quotas, heat map,
    change against the last cycle."""
    user = request.user
    cycle = get_cycle(user, code)
    ov = reports.overview(user, cycle)
    scheme = cycle.scheme.engine

    def progress() -> Table:
        return Table("progress", _("Data completeness by unit"),
                     [_("unit"), _("name"), _("category"), pgettext("count", "entered"), _("expected"),
                      _("complete %")],
                     [[c, n, cat, e, x, round(100 * e / x, 1) if x else 100.0] for c, n, cat, e, x in ov.completeness],
                     numeric=frozenset({3, 4, 5}))

    def grades() -> Table:
        return Table("grades", _("Grades against the quotas"),
                     [_("population"), _("grade"), pgettext("count", "units"), _("share %"), _("quota %"),
                      _("quota allows"), _("status")],
                     [[g["population"], g["grade"], g["count"], round(100 * g["share"], 1),
                       round(100 * g["quota"], 1) if g["quota"] is not None else "",
                       g["limit"] if g["limit"] is not None else "",
                       (Badge(_("over quota"), "red") if g["limit"] is not None and g["count"] > g["limit"]
                        else Badge(_("within"), "green") if g["limit"] is not None else "")]
                      for g in ov.grades], numeric=frozenset({2, 3, 4, 5}))

    def ranking(cat: str | None = None, limit: int | None = None) -> Table:
        rows = [r for r in ov.results if cat is None or r.category == cat][:limit]
        return Table(f"ranking-{cat}" if cat else "ranking", _("Category %(cat)s") % {"cat": cat} if cat
                     else _("Ranking"), [_("rank"), _("unit"), _("total"), _("grade")],
                     [[r.rank, Link(r.name, reverse("web:scorecard", args=[cycle.code, r.code])), r.total,
                       Badge(r.grade or "—", grade_css(scheme, r.grade))] for r in rows],
                     numeric=frozenset({2}))

    def changes() -> Table:
        return Table("changes", _("Change against the last cycle"),
                     [_("unit"), _("category"), _("last total"), _("total"), pgettext("total", "change"),
                      _("last rank"), _("rank"), _("last grade"), _("grade")],
                     [[Link(c["row"].name, reverse("web:scorecard", args=[cycle.code, c["row"].code])),
                       c["row"].category, c["before"], c["row"].total, c["delta"], c["rank_before"], c["row"].rank,
                       c["grade_before"], c["row"].grade] for c in ov.changes],
                     numeric=frozenset({2, 3, 4}))

    def heat() -> Table:
        return Table("heatmap", _("Share of points earned by first-level node (%)"), [_("unit"), *ov.heat["x"]],
                     [[n, *z] for n, z in zip(ov.heat["y"], ov.heat["z"], strict=True)],
                     numeric=frozenset(range(1, len(ov.heat["x"]) + 1)))

    tables: dict[str, Callable[[], Table]] = {"progress": progress, "grades": grades, "ranking": ranking,
                                              "changes": changes, "heatmap": heat}
    for cat in ov.by_category:
        tables[f"ranking-{cat}"] = functools.partial(ranking, cat)
    response = exported(request, tables, f"{cycle.code}-overview")
    if response:
        return response

    grade_names = [g.name for g in scheme.grades]
    pops = sorted({g["population"] for g in ov.grades})
    n_units = pgettext("count", "units")
    grade_series: dict[str, list[Any]] = {
        **{f"{p} · {n_units}": [g["count"] for g in ov.grades if g["population"] == p] for p in pops},
        **{f"{p} · {_('quota allows')}": [g["limit"] if g["limit"] is not None else None
                                          for g in ov.grades if g["population"] == p] for p in pops},
    }
    grade_fig = charts.bar(grade_names, grade_series, colors=[charts.BLUE, "#5c8fd6", charts.GREY, "#c0c0c0"],
                           ytitle=pgettext("count", "units"))
    buckets = [0, 0, 0, 0]
    for _c, _n, _cat, e, x in ov.completeness:
        share = e / x if x else 1.0
        buckets[0 if share >= 1 else 1 if share >= 0.9 else 2 if share >= 0.5 else 3] += 1
    progress_fig = charts.bar([_("complete"), "90–99%", "50–89%", "< 50%"],
                              {pgettext("count", "units"): [float(b) for b in buckets]},
                              colors=[charts.GREEN], height=220)
    change_fig = charts.scatter_change([c["before"] for c in ov.changes], [c["row"].total for c in ov.changes],
                                       [c["row"].name for c in ov.changes], xtitle=ov.previous.name
                                       if ov.previous else "", ytitle=cycle.name) if ov.changes else None
    full_progress = progress()
    top_changes = changes()
    top_changes.rows = top_changes.rows[:5] + (top_changes.rows[-5:] if len(top_changes.rows) > 10 else
                                               top_changes.rows[5:])
    return render(request, "web/overview.html", {
        "cycle": cycle, "ov": ov, "role": role_of(user),
        "lowest": Table("progress", _("Least complete units"), full_progress.columns, full_progress.rows[:10],
                        numeric=full_progress.numeric),
        "grades": grades(), "rankings": [ranking(cat, 10) for cat in ov.by_category],
        "changes": top_changes, "heat_table": heat(),
        "grade_fig": figure(grade_fig), "progress_fig": figure(progress_fig),
        "heat_fig": figure(charts.heatmap(ov.heat["x"], ov.heat["y"], ov.heat["z"], title="%")),
        "change_fig": figure(change_fig) if change_fig else None,
        "complete_pct": round(100 * ov.complete / ov.subjects) if ov.subjects else 0,
    })


@web_login_required
@require_GET
def ranking(request: HttpRequest, code: str) -> HttpResponse:
    """All results of a cycle the user may see: searchable, by category, paginated, exportable."""
    user = request.user
    cycle = get_cycle(user, code)
    scheme = cycle.scheme.engine
    qs = (Result.objects.restrict(user, Action.VIEW).filter(cycle=cycle)
          .order_by("subject__category", "rank", "subject__code")
          .values_list("subject__code", "subject__name", "subject__category", "total", "rank", "grade", "flags"))
    q, cat = search_text(request), request.GET.get("category") or ""
    if q:
        qs = qs.filter(Q(subject__code__icontains=q) | Q(subject__name__icontains=q))
    if cat:
        qs = qs.filter(subject__category=cat)

    def table(rows: Any) -> Table:
        return Table("results", _("Results"), [_("category"), _("rank"), _("code"), _("unit"), _("total"), _("grade"),
                                               _("flags")],
                     [[c, rk, s, Link(n, reverse("web:scorecard", args=[cycle.code, s])), t,
                       Badge(g or "—", grade_css(scheme, g)), f] for s, n, c, t, rk, g, f in rows],
                     numeric=frozenset({4}))

    response = exported(request, {"results": lambda: table(qs)}, f"{cycle.code}-results")
    if response:
        return response
    page = paginate(request, qs)
    categories = sorted(Subject.objects.restrict(user, Action.VIEW).filter(cycle=cycle)
                        .values_list("category", flat=True).distinct())
    return render(request, "web/ranking.html", {"cycle": cycle, "table": table(page.object_list), "page": page,
                                                "q": q, "category": cat, "categories": categories})


# ---------------------------------------------------------------------------------------------- scorecard
@web_login_required
@require_GET
def scorecard(request: HttpRequest, code: str, subject: str) -> HttpResponse:
    """A unit's scorecard: total, rank, grade, each node with value, target, points and status, the
    explanation in words (loaded by htmx) and the history over cycles."""
    user = request.user
    cycle = get_cycle(user, code)
    subj = get_subject(user, cycle, subject)
    card = reports.scorecard(user, subj)
    scheme = cycle.scheme.engine

    def nodes() -> Table:
        rows = []
        for ln in card.lines:
            name: str | Link = ("\u00a0\u00a0" * ln.depth) + ln.node.name
            if ln.node.rule is not None:
                name = Link(name, reverse("web:indicator", args=[cycle.code, ln.node.code]))
            target = "" if ln.target is None else ln.target
            rows.append([ln.node.code, name, ln.value if ln.value is not None else "",
                         ln.node.unit or "", target, ln.earned if ln.earned is not None else "", ln.available,
                         Badge(reports.STATUS_LABELS[ln.status], f"status {ln.status}"), ln.rule])
        return Table("nodes", _("Indicators"), [_("code"), _("indicator"), _("value"), _("unit"), _("target"),
                                                _("points"), _("of"), _("status"), _("rule")], rows,
                     numeric=frozenset({2, 4, 5, 6}), wrap=frozenset({8}))

    def history() -> Table:
        return Table("history", _("History"), [_("cycle"), _("total"), _("rank"), _("grade")],
                     [[Link(c.name, reverse("web:scorecard", args=[c.code, subj.code])), t, rk, g]
                      for c, t, rk, g in card.history], numeric=frozenset({1}))

    response = exported(request, {"nodes": nodes, "history": history}, f"{cycle.code}-{subj.code}")
    if response:
        return response
    tops = [ln for ln in card.lines if ln.depth == 0 and ln.available > 0]
    top_fig = charts.bar([ln.node.name for ln in tops], {
        _("points"): [round(ln.earned or 0, 2) for ln in tops],
        _("not earned"): [round(ln.available - (ln.earned or 0), 2) for ln in tops],
    }, colors=[charts.BLUE, "#d9d9d9"], barmode="stack", horizontal=True, height=80 + 34 * len(tops))
    hist_fig = charts.line([c.name for c, *_rest in card.history], [t for _c, t, *_rest in card.history],
                           ytitle=_("total")) if len(card.history) > 1 else None
    can_enter = writable_subjects(user, "value").filter(pk=subj.pk).exists()
    return render(request, "web/scorecard.html", {
        "cycle": cycle, "subject": subj, "card": card, "nodes": nodes(), "history": history(),
        "grade_css": grade_css(scheme, card.result.grade) if card.result else "",
        "top_fig": figure(top_fig) if card.result and tops else None,
        "hist_fig": figure(hist_fig) if hist_fig else None, "can_enter": can_enter,
    })


@web_login_required
@require_GET
def explanation(request: HttpRequest, code: str, subject: str) -> HttpResponse:
    """The explanation in words (得分说明), for htmx: the engine explains the score node by node."""
    user = request.user
    cycle = get_cycle(user, code)
    subj = get_subject(user, cycle, subject)
    result = Result.objects.restrict(user, Action.VIEW).filter(subject=subj).select_related("cycle", "subject").first()
    if result is None:
        raise Http404(_("No result."))
    return render(request, "web/_explanation.html", {"text": result_explanation(result, engine_lang())})


# ---------------------------------------------------------------------------------------------- indicators
@web_login_required
@require_GET
def indicators(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    cycle = get_cycle(user, code)
    scheme = cycle.scheme.engine
    stats = {i: (n, a) for i, n, a in Value.objects.restrict(user, Action.VIEW).filter(cycle=cycle)
             .values("indicator").annotate(n=Count("id"), a=Avg("value")).values_list("indicator", "n", "a")}

    def table() -> Table:
        rows = []
        for leaf in scheme.leaves:
            n, a = stats.get(leaf.code, (0, None))
            rows.append([leaf.code, Link(leaf.name, reverse("web:indicator", args=[cycle.code, leaf.code])),
                         leaf.unit or "", ", ".join(sorted(leaf.only)) if leaf.only else _("all"), n,
                         round(a, 2) if a is not None else "", reports.rule_text(leaf.rule, leaf.unit)])
        return Table("indicators", _("Indicators"), [_("code"), _("indicator"), _("unit"), _("applies to"),
                                                     pgettext("count", "values"), _("mean"), _("rule")], rows,
                     numeric=frozenset({4, 5}), wrap=frozenset({6}))

    response = exported(request, {"indicators": table}, f"{cycle.code}-indicators")
    if response:
        return response
    return render(request, "web/indicators.html", {"cycle": cycle, "table": table()})


@web_login_required
@require_GET
def indicator(request: HttpRequest, code: str, indicator: str) -> HttpResponse:
    """One indicator in a cycle: definition and rule in plain words, the distribution across units, outliers."""
    user = request.user
    cycle = get_cycle(user, code)
    scheme = cycle.scheme.engine
    node: Node | None = next((n for n in scheme.leaves if n.code == indicator), None)
    if node is None:
        raise Http404(_("No such indicator in this scheme."))
    if node.rule is not None and node.rule.type == "rating":
        # Ratings are confidential; what units are compared on is the points the rating earned.
        rows = [(r.code, r.name, r.category, r.points.get(node.code)) for r in reports.result_rows(user, cycle)
                if r.points.get(node.code) is not None]
        n_expected = len(rows)
        measure = _("points")
    else:
        rows = list(Value.objects.restrict(user, Action.VIEW).filter(cycle=cycle, indicator=node.code)
                    .order_by("subject__code").values_list("subject__code", "subject__name", "subject__category",
                                                           "value"))
        expected = Subject.objects.restrict(user, Action.VIEW).filter(cycle=cycle)
        if node.only is not None:
            expected = expected.filter(category__in=node.only)
        n_expected = expected.count()
        measure = node.unit or _("value")
    st = reports.indicator_stats_of(node, [(c, n, cat, float(v)) for c, n, cat, v in rows if v is not None],
                                    n_expected)
    version = (IndicatorVersion.objects.restrict(user, Action.VIEW)
               .filter(schemes=cycle.scheme, indicator__code=node.code).order_by("-version").first())

    def dist() -> Table:
        return Table("values", _("Values by unit"), [_("code"), _("unit"), _("category"), measure],
                     [[c, Link(n, reverse("web:scorecard", args=[cycle.code, c])), cat, v] for c, n, cat, v in st.rows],
                     numeric=frozenset({3}))

    def outliers() -> Table:
        return Table("outliers", _("Outliers"), [_("code"), _("unit"), _("category"), measure, _("side")],
                     [[c, Link(n, reverse("web:scorecard", args=[cycle.code, c])), cat, v, why]
                      for c, n, cat, v, why in st.outliers], numeric=frozenset({3}))

    response = exported(request, {"values": dist, "outliers": outliers}, f"{cycle.code}-{node.code}")
    if response:
        return response
    page = paginate(request, st.rows, 50)
    table = dist()
    table.rows = table.rows[(page.number - 1) * 50: page.number * 50]
    return render(request, "web/indicator.html", {
        "cycle": cycle, "node": node, "stats": st, "version": version, "measure": measure,
        "rule": reports.rule_text(node.rule, node.unit), "values": table, "page": page, "outliers": outliers(),
        "fig": figure(charts.histogram([r[3] for r in st.rows], unit=measure)) if st.rows else None,
    })
