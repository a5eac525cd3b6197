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

from jixiao.approval.choices import SubmissionState
from jixiao.approval.models import Submission
from jixiao.approval.services import do_submit_values, state_of
from jixiao.collection.errors import ExplanationRequiredError, VersionConflictError
from jixiao.collection.forms import EntryForm, Item
from jixiao.collection.models import Value
from jixiao.collection.querysets import value_codes_for, writable_subjects
from jixiao.collection.services import check_entered_value, check_writable, do_delete_value, do_set_value
from jixiao.core.choices import Action
from jixiao.core.errors import JixiaoError, NotFoundError
from jixiao.core.uploads import add_refusals_to_form
from jixiao.cycles.models import Subject
from jixiao.engine.scheme import Node
from jixiao.evidence.querysets import history_for
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


def entry_items(user: Any, subj: Subject, existing: dict[str, Value]) -> list[Item]:
    """The rows of the entry form: the subject's applicable indicators, then (for the office, or where a value
    exists) the bonus, penalty and veto items; each writable or not for this user now (``value_codes_for``)."""
    scheme = subj.cycle.scheme.engine
    writable = value_codes_for(user, subj)
    items = [Item(leaf.code, leaf.name, leaf.unit, leaf.code in writable, existing.get(leaf.code))
             for leaf in entry_leaves(subj)]
    for code in (*scheme.bonus.codes, *scheme.penalty.codes, *scheme.veto.codes):
        if code in writable or code in existing:
            items.append(Item(code, scheme.item_name(code), None, code in writable, existing.get(code)))
    return items


@web_login_required
@require_GET
def entry_list(request: HttpRequest) -> HttpResponse:
    """The units whose data the user may enter now (an operator: their own; the office: every unit of an open
    cycle): searchable, paginated, with where each unit's data stand in the approval."""
    user = request.user
    qs = (writable_subjects(user, "value").filter(pk__in=Subject.objects.restrict(user, Action.VIEW).values("pk"))
          .select_related("cycle", "submission").order_by("-cycle__year", "cycle__code", "code"))
    q = search_text(request)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    counts = Value.objects.restrict(user, Action.VIEW)

    def table(subjects: Any) -> Table:
        subjects = list(subjects)
        n = dict(counts.filter(subject__in=subjects).values("subject_id").annotate(n=Count("id"))
                 .values_list("subject_id", "n"))
        return Table("entry", _("Data entry"), [_("cycle"), _("code"), _("unit"), _("category"), _("values entered"),
                                                _("state")],
                     [[s.cycle.name, s.code, Link(s.name, reverse("collection:entry", args=[s.cycle.code, s.code])),
                       s.category, n.get(s.pk, 0), state_label(s)] for s in subjects], numeric=frozenset({4}))

    response = exported(request, {"entry": lambda: table(qs)}, "entry")
    if response:
        return response
    page = paginate(request, qs)
    return render(request, "collection/entry_list.html", {"table": table(page.object_list), "page": page, "q": q})


def state_label(subject: Subject) -> str:
    sub = getattr(subject, "submission", None)
    return str(SubmissionState(sub.state if sub is not None else SubmissionState.DRAFT).label)


@web_login_required
def entry(request: HttpRequest, code: str, subject: str) -> HttpResponse:
    """Data entry for one unit: its items with their targets, checks as you type, evidence, save and submit.
    A save changes only what the user changed, each through ``do_set_value`` or ``do_delete_value`` with the
    version the page was based on; all of one save, or none. Locked data are shown, not editable."""
    user = request.user
    subj = entry_subject(user, code, subject)
    cycle = subj.cycle
    existing = {v.indicator: v for v in Value.objects.restrict(user, Action.VIEW).filter(subject=subj)
                .select_related("entered_by")}
    items = entry_items(user, subj, existing)
    form = EntryForm(request.POST or None, request.FILES or None, items=items)
    problems: dict[str, list[tuple[str, str]]] = {}
    conflicts: dict[str, Value | None] = {}
    if request.method == "POST":
        valid = form.is_valid()
        if add_refusals_to_form(form, request) or not valid:
            pass
        else:
            response = _save_entry(request, form, subj, problems, conflicts)
            if response is not None:
                return response
            # Show what is stored now (a conflict's other save, or nothing changed at all).
            existing = {v.indicator: v for v in Value.objects.restrict(user, Action.VIEW).filter(subject=subj)
                        .select_related("entered_by")}
    card = reports.scorecard(user, subj, engine_lang())
    lines = {ln.node.code: ln for ln in card.lines}
    history = history_for(user, existing.values())
    rows = []
    for item, value, ver, orig, expl, delete, evidence in form.rows():
        stored = existing.get(item.code)
        if item.code in conflicts or not form.is_bound:
            base = (stored.version if stored else 0, f"{stored.value:g}" if stored else "")
        else:
            base = (ver.value(), orig.value())
        rows.append({"item": item, "value": value, "base": base, "explanation": expl, "delete": delete,
                     "evidence": evidence, "line": lines.get(item.code), "stored": stored,
                     "problems": problems.get(item.code, []), "conflict": item.code in conflicts,
                     "warned": any(level == "warn" for level, _t in problems.get(item.code, []))})
    state = state_of(subj)
    bad = form.is_bound and (bool(problems) or bool(conflicts) or not form.is_valid() or bool(form.errors))
    return render(request, "collection/entry.html", {
        "cycle": cycle, "subject": subj, "form": form, "rows": rows, "state": SubmissionState(state),
        "locked": not any(i.writable for i in items), "reason": _last_reason(subj), "history": history,
        "entered": sum(1 for leaf in entry_leaves(subj) if leaf.code in existing),
        "expected": len(entry_leaves(subj)), "conflicts": len(conflicts)}, status=409 if conflicts else
        422 if bad else 200)


def _last_reason(subj: Subject) -> str:
    sub = Submission.objects.filter(subject=subj).first()
    return sub.reason if sub is not None and sub.state == SubmissionState.RETURNED else ""


class _RollBackError(Exception):
    """Some change was refused: undo the others too (all of one save, or none)."""


def _save_entry(request: HttpRequest, form: EntryForm, subj: Subject, problems: dict[str, list[tuple[str, str]]],
                conflicts: dict[str, Value | None]) -> HttpResponse | None:
    """Apply the user's changes (and submit when asked) in one transaction. Each refused change is kept with
    its item (``problems``: level and text; ``conflicts``); None means "show the form again"."""
    user, cycle = request.user, subj.cycle
    changes = form.changes()
    submit = request.POST.get("action") == "submit"
    # An item not writable now but changed on the page (opened before the data were locked, or forged): say so.
    for item in form.items:
        if item.writable:
            continue
        posted = request.POST.get(f"v_{item.code}")
        shown = request.POST.get(f"o_{item.code}", f"{item.stored.value:g}" if item.stored else "")
        if posted is not None and posted.strip() != shown.strip():
            try:
                check_writable(user, subj, item.code)
            except JixiaoError as exc:
                problems.setdefault(item.code, []).append(("error", exc.text))
    try:
        with transaction.atomic():
            for item, text, version, explanation, delete, evidence in changes:
                try:
                    if delete:
                        if item.stored is not None:
                            with transaction.atomic():
                                do_delete_value(item.stored, actor=user, version=version)
                    elif not text:
                        problems.setdefault(item.code, []).append(
                            ("error", _("To remove the value, tick “delete this value”.") if item.stored
                             else _("Give the value with its evidence.")))
                    else:
                        with transaction.atomic():
                            do_set_value(subj, item.code, text, actor=user, version=version, explanation=explanation,
                                         evidence=evidence)
                except VersionConflictError as exc:
                    conflicts[item.code] = None
                    problems.setdefault(item.code, []).append(("conflict", exc.text))
                except ExplanationRequiredError as exc:
                    problems.setdefault(item.code, []).append(("warn", exc.text))
                except NotFoundError:
                    raise
                except JixiaoError as exc:
                    problems.setdefault(item.code, []).append(("error", exc.text))
            if problems:
                raise _RollBackError
            if submit:
                event = do_submit_values(subj, actor=user)
                count = (event.after or {})["count"]
                request.session[f"receipt-{subj.pk}"] = {"seq": event.seq, "hash": event.hash,
                                                         "at": local_text(event.at), "count": count}
                messages.success(request, _("Submitted: %(n)s values were received.") % {"n": count})
                return redirect("collection:receipt", code=cycle.code, subject=subj.code)
    except _RollBackError:
        messages.error(request, _("Nothing was saved: check the items marked below."))
        return None
    except NotFoundError as exc:
        raise Http404(exc.text) from None
    except JixiaoError as exc:
        messages.error(request, exc.text)
        return None
    messages.success(request, _("Saved: %(n)s values changed.") % {"n": len(changes)})
    return redirect("collection:entry", code=cycle.code, subject=subj.code)


@web_login_required
@require_GET
def entry_check(request: HttpRequest, code: str, subject: str, indicator: str) -> HttpResponse:
    """Checks one value as it is typed (htmx), with the one value check the save uses: the same errors and
    warnings, and what the value would earn."""
    user = request.user
    subj = entry_subject(user, code, subject)
    if indicator not in subj.cycle.scheme.engine.value_codes:
        raise Http404
    raw = request.GET.get(f"v_{indicator}", "")
    level, texts = "", []
    if raw.strip():
        number, findings = check_entered_value(subj, indicator, raw)
        stop = "。" if engine_lang() == "zh" else "."
        texts = [f.text(engine_lang()) + stop for f in findings]
        level = "error" if any(f.is_error for f in findings) else "warn" if findings else "ok"
        leaf = next((leaf for leaf in entry_leaves(subj) if leaf.code == indicator), None)
        if number is not None and level != "error" and leaf is not None:
            card = reports.scorecard(user, subj, engine_lang())
            line = next((ln for ln in card.lines if ln.node.code == indicator), None)
            avail = line.available if line else 0.0
            floor, target = (line.floor, line.target) if line else (None, None)
            f = reports.fraction_of(leaf, number, avail, floor, target)
            texts.append(_("At this value the indicator earns %(earned)s of %(points)s points (%(pct)s%%).") % {
                "earned": f"{f * avail:.2f}", "points": f"{avail:.2f}", "pct": round(100 * f)})
            if level == "ok" and f < reports.GREEN:
                level = "low"
        if level == "warn":
            texts.append(_("Give a short explanation to save it."))
    return render(request, "collection/_check.html", {"level": level, "text": " ".join(texts)})


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
    files = history_for(user, values)

    def table() -> Table:
        return Table("received", _("Values received"), [_("code"), _("indicator"), _("value"), _("entered"),
                                                        _("by"), _("evidence")],
                     [[v.indicator, names.get(v.indicator) or scheme.item_name(v.indicator), v.value,
                       local_text(v.entered_at, "%Y-%m-%d %H:%M"), v.entered_by.get_username() if v.entered_by else
                       _("import"), ", ".join(e.name for e in files.get(v.pk, []) if e.current)] for v in values],
                     numeric=frozenset({2}))

    response = exported(request, {"received": table}, f"{cycle.code}-{subj.code}-received")
    if response:
        return response
    return render(request, "collection/receipt.html", {"cycle": cycle, "subject": subj, "table": table(),
                                                "submission": request.session.get(f"receipt-{subj.pk}")})
