"""Data entry for a unit operator (填报): the unit's indicators in the open cycle with their targets,
checks as you type, evidence upload, save and submit, and what was received. Every page starts from
``restrict()``; a unit the user may not enter data for answers 404 like one that does not exist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jixiao.collection.forms import EntryForm, parse_number
from jixiao.collection.models import Value
from jixiao.collection.querysets import writable_subjects
from jixiao.collection.services import do_delete_value, do_set_value, do_submit_values
from jixiao.core.choices import Action
from jixiao.core.errors import JixiaoError, NotFoundError
from jixiao.cycles.models import Subject
from jixiao.engine.scheme import Node
from jixiao.results import reports
from jixiao.web.helpers import (
    engine_lang,
    exported,
    get_cycle,
    get_subject,
    local_text,
    paginate,
    search_text,
    web_login_required,
)
from jixiao.web.tables import Link, Table


def entry_subject(user: Any, code: str, subject: str) -> Subject:
    """A subject whose values the user may enter now; anything else is a 404 (unseen and absent alike)."""
    subj: Subject | None = (writable_subjects(user, "value").filter(pk__in=Subject.objects.restrict(user, Action.VIEW)
                                                     .filter(cycle__code=code, code=subject).values("pk"))
            .select_related("cycle__scheme").first())
    if subj is None:
        raise Http404(_("No such unit to enter data for."))
    return subj


def entry_leaves(subj: Subject) -> list[Node]:
    scheme = subj.cycle.scheme.engine
    applicable = reports.AvailableCache(scheme).for_category(subj.category)[0]
    return [leaf for leaf in scheme.measured_leaves if applicable.get(leaf.code, True)]


@web_login_required
@require_GET
def entry_list(request: HttpRequest) -> HttpResponse:
    """The units whose data the user may enter now (an operator: their own; the office: every unit of an open
    cycle): searchable, paginated."""
    user = request.user
    qs = (writable_subjects(user, "value").filter(pk__in=Subject.objects.restrict(user, Action.VIEW).values("pk"))
          .select_related("cycle").order_by("-cycle__year", "cycle__code", "code"))
    q = search_text(request)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    counts = Value.objects.restrict(user, Action.VIEW)

    def table(subjects: Any) -> Table:
        subjects = list(subjects)
        n = dict(counts.filter(subject__in=subjects).values("subject_id").annotate(n=Count("id"))
                 .values_list("subject_id", "n"))
        return Table("entry", _("Data entry"), [_("cycle"), _("code"), _("unit"), _("category"), _("values entered")],
                     [[s.cycle.name, s.code, Link(s.name, reverse("collection:entry", args=[s.cycle.code, s.code])),
                       s.category, n.get(s.pk, 0)] for s in subjects], numeric=frozenset({4}))

    response = exported(request, {"entry": lambda: table(qs)}, "entry")
    if response:
        return response
    page = paginate(request, qs)
    return render(request, "collection/entry_list.html", {"table": table(page.object_list), "page": page, "q": q})


@web_login_required
def entry(request: HttpRequest, code: str, subject: str) -> HttpResponse:
    """Data entry for one unit: its indicators with their targets, checks as you type, evidence, save and
    submit. Every value goes through ``do_set_value``; all of one save, or none."""
    user = request.user
    subj = entry_subject(user, code, subject)
    cycle = subj.cycle
    leaves = entry_leaves(subj)
    existing = {v.indicator: v for v in Value.objects.restrict(user, Action.VIEW).filter(subject=subj)}
    card = reports.scorecard(user, subj, engine_lang())
    lines = {ln.node.code: ln for ln in card.lines}
    form = EntryForm(request.POST or None, request.FILES or None, leaves=leaves,
                     initial_values={c: v.value for c, v in existing.items()})
    if request.method == "POST" and form.is_valid():
        response = _save_entry(request, form, subj, leaves, existing)
        if response is not None:
            return response
    rows = [(leaf, value, evidence, lines.get(leaf.code), existing.get(leaf.code))
            for leaf, value, evidence in form.rows()]
    return render(request, "collection/entry.html", {"cycle": cycle, "subject": subj, "form": form, "rows": rows,
                                              "entered": sum(1 for leaf in leaves if leaf.code in existing),
                                              "expected": len(leaves)}, status=200 if form.is_bound is False or
                  form.is_valid() else 422)


class _InvalidFormError(Exception):
    """A form problem found while saving: roll the save back and show the form."""


def _save_entry(request: HttpRequest, form: EntryForm, subj: Subject, leaves: list[Node],
                existing: dict[str, Value]) -> HttpResponse | None:
    """Save the changed values (and submit when asked) in one transaction; None means "show the form again"."""
    user, cycle = request.user, subj.cycle
    changed = 0
    try:
        with transaction.atomic():
            for leaf in leaves:
                new, evidence = form.cleaned_data[f"v_{leaf.code}"], form.cleaned_data[f"e_{leaf.code}"]
                old = existing.get(leaf.code)
                if new is None and evidence is not None:
                    form.add_error(f"v_{leaf.code}", _("Give the value with its evidence."))
                    raise _InvalidFormError
                if new is None and old is not None:
                    do_delete_value(old, actor=user)
                    changed += 1
                elif new is not None and (old is None or old.value != new or evidence is not None):
                    do_set_value(subj, leaf.code, new, actor=user, evidence=evidence)
                    changed += 1
            if request.POST.get("action") == "submit":
                event = do_submit_values(subj, actor=user)
                count = (event.after or {})["count"]
                request.session[f"receipt-{subj.pk}"] = {"seq": event.seq, "hash": event.hash,
                                                         "at": local_text(event.at), "count": count}
                messages.success(request, _("Submitted: %(n)s values were received.") % {"n": count})
                return redirect("collection:receipt", code=cycle.code, subject=subj.code)
    except _InvalidFormError:
        return None
    except NotFoundError as exc:
        raise Http404(exc.text) from None
    except JixiaoError as exc:
        messages.error(request, exc.text)
        return None
    messages.success(request, _("Saved: %(n)s values changed.") % {"n": changed})
    return redirect("collection:entry", code=cycle.code, subject=subj.code)


@web_login_required
@require_GET
def entry_check(request: HttpRequest, code: str, subject: str, indicator: str) -> HttpResponse:
    """Checks one value as it is typed (htmx): is it a number, is it plausible, and what it would earn."""
    user = request.user
    subj = entry_subject(user, code, subject)
    leaf = next((leaf for leaf in entry_leaves(subj) if leaf.code == indicator), None)
    if leaf is None or leaf.rule is None:
        raise Http404
    raw = request.GET.get(f"v_{leaf.code}", "")
    level, text = "", ""
    if raw.strip():
        try:
            v = parse_number(raw)
        except ValueError:
            level, text = "error", _("Enter a number.")
        else:
            card = reports.scorecard(user, subj, engine_lang())
            line = next((ln for ln in card.lines if ln.node.code == leaf.code), None)
            avail = line.available if line else 0.0
            floor, target = (line.floor, line.target) if line else (None, None)
            warnings = []
            if (leaf.unit or "") == "%" and not 0 <= v <= 100 and leaf.rule.type != "linear":
                warnings.append(_("A percentage is normally between 0 and 100."))
            if (leaf.unit or "") == "%" and not -100 <= v <= 200:
                warnings.append(_("Check the value: it is far outside the usual range of a percentage."))
            if leaf.rule.type == "deduction" and (v < 0 or v != int(v)):
                warnings.append(_("This is a count of incidents: a whole number, 0 or more."))
            if leaf.rule.type == "points" and not 0 <= v <= avail + 1e-9:
                warnings.append(_("Expert points are between 0 and %(max)s.") % {"max": round(avail, 2)})
            f = reports.fraction_of(leaf, v, avail, floor, target)
            earn = _("At this value the indicator earns %(earned)s of %(points)s points (%(pct)s%%).") % {
                "earned": f"{f * avail:.2f}", "points": f"{avail:.2f}", "pct": round(100 * f)}
            level = "warn" if warnings else ("ok" if f >= reports.GREEN else "low")
            text = " ".join([*warnings, earn])
    return render(request, "collection/_check.html", {"level": level, "text": text})


@web_login_required
@require_GET
def receipt(request: HttpRequest, code: str, subject: str) -> HttpResponse:
    """What was received: the unit's values as stored, with time, who entered them and the evidence."""
    user = request.user
    cycle = get_cycle(user, code)
    subj = get_subject(user, cycle, subject)
    values = list(Value.objects.restrict(user, Action.VIEW).filter(subject=subj).select_related("entered_by")
                  .order_by("indicator"))
    if not values and not writable_subjects(user, "value").filter(pk=subj.pk).exists():
        raise Http404(_("No such unit to enter data for."))
    scheme = cycle.scheme.engine
    names = {n.code: n.name for n in scheme.nodes}

    def table() -> Table:
        return Table("received", _("Values received"), [_("code"), _("indicator"), _("value"), _("entered"),
                                                        _("by"), _("evidence")],
                     [[v.indicator, names.get(v.indicator) or scheme.item_name(v.indicator), v.value,
                       local_text(v.entered_at, "%Y-%m-%d %H:%M"), v.entered_by.get_username() if v.entered_by else
                       _("import"), v.evidence.name.rsplit("/", 1)[-1] if v.evidence else ""] for v in values],
                     numeric=frozenset({2}))

    response = exported(request, {"received": table}, f"{cycle.code}-{subj.code}-received")
    if response:
        return response
    return render(request, "collection/receipt.html", {"cycle": cycle, "subject": subj, "table": table(),
                                                "submission": request.session.get(f"receipt-{subj.pk}")})
