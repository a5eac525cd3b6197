"""The indicators' pages in a cycle: the list with each rule in words, and one indicator's definition, its
distribution across units and its outliers."""

from __future__ import annotations

from django.db.models import Avg, Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from jixiao.collection.models import Value
from jixiao.core.choices import Action
from jixiao.cycles.models import Subject
from jixiao.engine import rule_text
from jixiao.engine.scheme import Node
from jixiao.indicators.models import IndicatorVersion
from jixiao.indicators.stats import indicator_stats_of
from jixiao.results.reports import result_rows
from jixiao.web import charts
from jixiao.web.helpers import engine_lang, exported, figure, get_cycle, paginate, web_login_required
from jixiao.web.tables import Link, Table


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
            rows.append([leaf.code, Link(leaf.name, reverse("indicators:detail", args=[cycle.code, leaf.code])),
                         leaf.unit or "", ", ".join(sorted(leaf.only)) if leaf.only else _("all"), n,
                         round(a, 2) if a is not None else "", rule_text(leaf.rule, leaf.unit, lang=engine_lang())])
        return Table("indicators", _("Indicators"), [_("code"), _("indicator"), _("unit"), _("applies to"),
                                                     pgettext("count", "values"), _("mean"), _("rule")], rows,
                     numeric=frozenset({4, 5}), wrap=frozenset({6}))

    response = exported(request, {"indicators": table}, f"{cycle.code}-indicators")
    if response:
        return response
    return render(request, "indicators/indicators.html", {"cycle": cycle, "table": table()})


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
        rows = [(r.code, r.name, r.category, r.points.get(node.code)) for r in result_rows(user, cycle)
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
    st = indicator_stats_of(node, [(c, n, cat, float(v)) for c, n, cat, v in rows if v is not None],
                                    n_expected)
    version = (IndicatorVersion.objects.restrict(user, Action.VIEW)
               .filter(schemes=cycle.scheme, indicator__code=node.code).order_by("-version").first())

    def dist() -> Table:
        return Table("values", _("Values by unit"), [_("code"), _("unit"), _("category"), measure],
                     [[c, Link(n, reverse("results:scorecard", args=[cycle.code, c])), cat, v]
                      for c, n, cat, v in st.rows],
                     numeric=frozenset({3}))

    def outliers() -> Table:
        return Table("outliers", _("Outliers"), [_("code"), _("unit"), _("category"), measure, _("side")],
                     [[c, Link(n, reverse("results:scorecard", args=[cycle.code, c])), cat, v, why]
                      for c, n, cat, v, why in st.outliers], numeric=frozenset({3}))

    response = exported(request, {"values": dist, "outliers": outliers}, f"{cycle.code}-{node.code}")
    if response:
        return response
    page = paginate(request, st.rows, 50)
    table = dist()
    table.rows = table.rows[(page.number - 1) * 50: page.number * 50]
    return render(request, "indicators/indicator.html", {
        "cycle": cycle, "node": node, "stats": st, "version": version, "measure": measure,
        "rule": rule_text(node.rule, node.unit, lang=engine_lang()), "values": table, "page": page,
        "outliers": outliers(),
        "fig": figure(charts.histogram([r[3] for r in st.rows], unit=measure)) if st.rows else None,
    })
