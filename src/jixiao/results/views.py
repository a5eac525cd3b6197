"""The results' pages: the office's overview of a cycle, the ranking, a unit's scorecard and the explanation of
its score. Every page starts from ``restrict()``; an object the user may not see answers 404 like an absent one."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET
from openpyxl import load_workbook
from openpyxl.styles import Font

from jixiao.accounts.querysets import role_of
from jixiao.collection.querysets import writable_subjects
from jixiao.core.choices import Action
from jixiao.core.pagecache import cached_body
from jixiao.cycles.choices import CycleState, SubjectKind
from jixiao.cycles.models import Cycle, Subject
from jixiao.results import reports
from jixiao.results.models import Result
from jixiao.results.services import result_explanation
from jixiao.web import charts
from jixiao.web.helpers import (
    category_label,
    engine_lang,
    exported,
    figure,
    flags_text,
    get_cycle,
    get_subject,
    grade_css,
    local_text,
    paginate,
    search_text,
    web_login_required,
)
from jixiao.web.tables import Badge, Link, Table


# ---------------------------------------------------------------------------------------------- out of date
@dataclass(frozen=True)
class Stale:
    """What a page says of results computed from data that has changed since (``Cycle.results_stale``)."""

    note: str
    can_compute: bool


def stale_note(cycle: Cycle) -> str:
    """The one sentence saying the cycle's results are out of date, with the time they were computed."""
    return _("These results were computed from the data as of %(time)s, and the data have changed since: they are "
             "out of date. Compute again to update them.") % {"time": local_text(cycle.computed_at, "%Y-%m-%d %H:%M")}


def stale_results(user: Any, cycle: Cycle) -> Stale | None:
    """The banner for ``user`` when the cycle's results are out of date and the user sees some of them; None
    otherwise (no query then). The office, which may compute the cycle, also gets the compute button."""
    if not cycle.results_stale or not Result.objects.restrict(user, Action.VIEW).filter(cycle=cycle).exists():
        return None
    can_compute = (cycle.state in (CycleState.OPEN, CycleState.CLOSED)
                   and Cycle.objects.restrict(user, Action.CHANGE).filter(pk=cycle.pk).exists())
    return Stale(stale_note(cycle), can_compute)


def first_line(xlsx: bytes, note: str) -> bytes:
    """The workbook with ``note`` as a new first line of its sheet, in bold. Cells keep their types: text stays
    text, never a formula (the export's rule)."""
    wb = load_workbook(io.BytesIO(xlsx))
    ws = wb.active
    assert ws is not None
    ws.insert_rows(1)
    cell = ws.cell(row=1, column=1)
    cell.value, cell.data_type, cell.font = note, "s", Font(bold=True, color="9C5700")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_results(request: HttpRequest, cycle: Cycle, tables: dict[str, Callable[[], Table]], name: str, *,
                   current: Collection[str] = ()) -> HttpResponse | None:
    """``exported``, with the out-of-date note as the first line when the results are stale; ``current`` names the
    tables of the data as they are now (not of the results), which need no note."""
    response = exported(request, tables, name)
    if response is not None and cycle.results_stale and request.GET.get("export") not in current:
        response.content = first_line(response.content, stale_note(cycle))
    return response


@web_login_required
@require_GET
def overview(request: HttpRequest, code: str) -> HttpResponse:
    """The office's overview of a cycle: progress, ranking by category, grades against quotas, heat map,
    change against the last cycle. The body is made once per version of the data (``pagecache``)."""
    cycle = get_cycle(request.user, code)
    return _page(request, cycle, "results/overview.html", "results/_overview.html",
                 functools.partial(_overview, request, cycle), {"cycle": cycle})


def _page(request: HttpRequest, cycle: Cycle, template: str, body: str,
          made: Callable[[], HttpResponse | dict[str, Any]], context: dict[str, Any]) -> HttpResponse:
    """A result page: an export is made afresh; the page's body comes from ``cached_body``, built by ``made``."""
    if request.GET.get("export"):
        response = made()
        if isinstance(response, HttpResponse):
            return response

    def build() -> dict[str, Any]:
        out = made()
        assert not isinstance(out, HttpResponse)  # no export asked, so no file
        return out

    return render(request, template, {**context, "body": cached_body(request, template, body, build)})


def _overview(request: HttpRequest, cycle: Cycle) -> HttpResponse | dict[str, Any]:
    """The overview's export when one is asked for, else the context of its body."""
    user = request.user
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
                     [[r.rank, Link(r.name, reverse("results:scorecard", args=[cycle.code, r.code])), r.total,
                       Badge(r.grade or "—", grade_css(scheme, r.grade))] for r in rows],
                     numeric=frozenset({2}))

    def changes() -> Table:
        return Table("changes", _("Change against the last cycle"),
                     [_("unit"), _("category"), _("last total"), _("total"), pgettext("total", "change"),
                      _("last rank"), _("rank"), _("last grade"), _("grade")],
                     [[Link(c["row"].name, reverse("results:scorecard", args=[cycle.code, c["row"].code])),
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
    response = export_results(request, cycle, tables, f"{cycle.code}-overview", current={"progress"})
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
    return {
        "cycle": cycle, "ov": ov, "role": role_of(user),
        "lowest": Table("progress", _("Least complete units"), full_progress.columns, full_progress.rows[:10],
                        numeric=full_progress.numeric),
        "grades": grades(), "rankings": [ranking(cat, 10) for cat in ov.by_category],
        "changes": top_changes, "heat_table": heat(),
        "grade_fig": figure(grade_fig), "progress_fig": figure(progress_fig),
        "heat_fig": figure(charts.heatmap(ov.heat["x"], ov.heat["y"], ov.heat["z"], title="%")),
        "change_fig": figure(change_fig) if change_fig else None,
        "complete_pct": round(100 * ov.complete / ov.subjects) if ov.subjects else 0,
        "stale": stale_results(user, cycle) if ov.results else None,
    }


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

    label = category_label(cycle)
    people = cycle.subject_kind == SubjectKind.PERSON

    def table(rows: Any) -> Table:
        return Table("results", _("Results"), [_("post type") if people else _("category"), _("rank"), _("code"),
                                               _("full name") if people else _("unit"), _("total"), _("grade"),
                                               _("notes")],
                     [[label(c), rk, s, Link(n, reverse("results:scorecard", args=[cycle.code, s])), t,
                       Badge(g or "—", grade_css(scheme, g)), flags_text(f)] for s, n, c, t, rk, g, f in rows],
                     numeric=frozenset({4}))

    response = export_results(request, cycle, {"results": lambda: table(qs)}, f"{cycle.code}-results")
    if response:
        return response
    page = paginate(request, qs)
    categories = [(c, label(c)) for c in sorted(Subject.objects.restrict(user, Action.VIEW).filter(cycle=cycle)
                                                .values_list("category", flat=True).distinct())]
    return render(request, "results/ranking.html", {"cycle": cycle, "table": table(page.object_list), "page": page,
                                                "q": q, "category": cat, "categories": categories,
                                                "stale": stale_results(user, cycle)})



@web_login_required
@require_GET
def scorecard(request: HttpRequest, code: str, subject: str) -> HttpResponse:
    """A unit's scorecard: total, rank, grade, each node with value, target, points and status, the
    explanation in words (loaded by htmx) and the history over cycles."""
    cycle = get_cycle(request.user, code)
    subj = get_subject(request.user, cycle, subject)
    return _page(request, cycle, "results/scorecard.html", "results/_scorecard.html",
                 functools.partial(_scorecard, request, cycle, subj), {"cycle": cycle, "subject": subj})


def _scorecard(request: HttpRequest, cycle: Cycle, subj: Subject) -> HttpResponse | dict[str, Any]:
    """The scorecard's export when one is asked for, else the context of its body."""
    user = request.user
    card = reports.scorecard(user, subj, engine_lang())
    scheme = cycle.scheme.engine

    def nodes() -> Table:
        rows = []
        for ln in card.lines:
            name: str | Link = ("\u00a0\u00a0" * ln.depth) + ln.node.name
            if ln.node.rule is not None:
                name = Link(name, reverse("indicators:detail", args=[cycle.code, ln.node.code]))
            target = "" if ln.target is None else ln.target
            rows.append([ln.node.code, name, ln.value if ln.value is not None else "",
                         ln.node.unit or "", target, ln.earned if ln.earned is not None else "", ln.available,
                         Badge(reports.STATUS_LABELS[ln.status], f"status {ln.status}"), ln.rule])
        return Table("nodes", _("Indicators"), [_("code"), _("indicator"), _("value"), _("unit"), _("target"),
                                                _("points"), _("of"), _("status"), _("rule")], rows,
                     numeric=frozenset({2, 4, 5, 6}), wrap=frozenset({8}))

    def history() -> Table:
        return Table("history", _("History"), [_("cycle"), _("total"), _("rank"), _("grade")],
                     [[Link(c.name, reverse("results:scorecard", args=[c.code, subj.code])), t, rk, g]
                      for c, t, rk, g in card.history], numeric=frozenset({1}))

    response = export_results(request, cycle, {"nodes": nodes, "history": history}, f"{cycle.code}-{subj.code}")
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
    return {
        "cycle": cycle, "subject": subj, "card": card, "nodes": nodes(), "history": history(),
        "grade_css": grade_css(scheme, card.result.grade) if card.result else "",
        "top_fig": figure(top_fig) if card.result and tops else None,
        "hist_fig": figure(hist_fig) if hist_fig else None, "can_enter": can_enter,
        "stale": stale_results(user, cycle) if card.result else None,
    }


@web_login_required
@require_GET
def explanation(request: HttpRequest, code: str, subject: str) -> HttpResponse:
    """The explanation in words (得分说明), for htmx: the engine explains the score node by node. Out-of-date
    results are not explained: the engine explains the data as they are now, which would not add up to the total
    shown, so the fragment says the results are out of date instead."""
    user = request.user
    cycle = get_cycle(user, code)
    subj = get_subject(user, cycle, subject)
    result = Result.objects.restrict(user, Action.VIEW).filter(subject=subj).select_related("cycle", "subject").first()
    if result is None:
        raise Http404(_("No result."))
    if cycle.results_stale:
        return render(request, "results/_explanation.html", {"cycle": cycle, "stale": Stale(stale_note(cycle), False)})
    return render(request, "results/_explanation.html", {"text": result_explanation(result, engine_lang())})
