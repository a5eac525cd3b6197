"""Pages of surveys: the office's list and a survey's page (counts, responses by unit, exclusions by reason, results
with their provenance, each unit's link and QR code, tokens), and the public survey page a citizen answers on a
phone. Everything signed-in starts from ``restrict()``; every change goes through the services."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import qrcode
import qrcode.image.svg
from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of
from jixiao.core.choices import Action
from jixiao.core.errors import ImportRefusedError, JixiaoError
from jixiao.cycles.choices import CycleState
from jixiao.cycles.models import Cycle
from jixiao.surveys.choices import Channel, Exclusion, SurveyMode
from jixiao.surveys.errors import SurveyInputError, SurveyLinkError
from jixiao.surveys.files import read_responses
from jixiao.surveys.forms import (
    PaperForm,
    SurveyForm,
    TokenEntryForm,
    TokensForm,
    answers_form,
    started_at,
    started_field,
)
from jixiao.surveys.models import Question, Survey, SurveyLink, SurveyResponse, SurveyResult, SurveyToken
from jixiao.surveys.services import (
    do_close_survey,
    do_compute_survey,
    do_create_survey,
    do_issue_survey_tokens,
    do_load_survey_responses,
    do_submit_survey_response,
    find_key,
)
from jixiao.web.exports import xlsx_response
from jixiao.web.helpers import run_service, web_login_required
from jixiao.web.tables import Table

#: The roles that see surveys at all (operators and leaders: their units' results only).
ROLES = (Role.ADMIN, Role.AUDITOR, Role.OPERATOR, Role.LEADER)


def _survey(request: HttpRequest, pk: int, action: str = Action.VIEW) -> Survey:
    survey: Survey | None = (Survey.objects.restrict(request.user, action).select_related("cycle__scheme")
                             .filter(pk=pk).first())
    if survey is None:
        raise Http404(_("No such survey."))
    return survey


def _office(request: HttpRequest) -> bool:
    return role_of(request.user) in (Role.ADMIN, Role.AUDITOR)


def survey_url(request: HttpRequest, key: str) -> str:
    return request.build_absolute_uri(reverse("surveys:answer", args=[key]))


@web_login_required
@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    """The surveys the user may see, with their counts (responses and valid ones for the office)."""
    if role_of(request.user) not in ROLES:
        raise Http404(_("No such page."))
    surveys = (Survey.objects.restrict(request.user, Action.VIEW).select_related("cycle")
               .annotate(units=Count("links", distinct=True)))
    office = _office(request)
    counts = {}
    if office:
        counts = {row["survey_id"]: row for row in SurveyResponse.objects.filter(survey__in=surveys).values("survey_id")
                  .annotate(n=Count("pk"), valid=Count("pk", filter=Q(exclusion="")))}
    rows = [{"s": s, "n": counts.get(s.pk, {}).get("n", 0), "valid": counts.get(s.pk, {}).get("valid", 0)}
            for s in surveys]
    return render(request, "surveys/list.html", {"rows": rows, "office": office,
                                                 "may_create": role_of(request.user) == Role.ADMIN})


@web_login_required
@require_http_methods(["GET", "POST"])
def survey_new(request: HttpRequest) -> HttpResponse:
    """The office's form for a new survey of a draft or open cycle."""
    if role_of(request.user) != Role.ADMIN:
        raise Http404(_("No such page."))
    cycles = [(c.code, c.name) for c in Cycle.objects.restrict(request.user, Action.CHANGE)
              .filter(state__in=(CycleState.DRAFT, CycleState.OPEN)).order_by("-year", "code")]
    form = SurveyForm(request.POST or None, cycles=cycles)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            cycle = Cycle.objects.get(code=form.cleaned_data["cycle"])
            try:
                survey = do_create_survey(
                    cycle, form.cleaned_data["title"], form.cleaned_data["questions"], actor=request.user,
                    mode=form.cleaned_data["mode"], intro=form.cleaned_data["intro"],
                    min_seconds=form.cleaned_data["min_seconds"], hourly_limit=form.cleaned_data["hourly_limit"])
            except JixiaoError as exc:
                form.add_error(None, exc.text)
            else:
                messages.success(request, _("Survey created."))
                return redirect("surveys:detail", pk=survey.pk)
    return render(request, "surveys/new.html", {"form": form}, status=status)


def _unit_rows(request: HttpRequest, survey: Survey) -> list[dict[str, Any]]:
    """Per unit of the survey: its link and QR code, tokens issued and used, responses, valid and excluded."""
    links = list(SurveyLink.objects.filter(survey=survey).select_related("subject").order_by("subject__code"))
    responses = {r["subject_id"]: r for r in SurveyResponse.objects.filter(survey=survey).values("subject_id").annotate(
        n=Count("pk"), valid=Count("pk", filter=Q(exclusion="")), flagged=Count("pk", filter=Q(flagged=True)))}
    tokens = {t["subject_id"]: t for t in SurveyToken.objects.filter(survey=survey).values("subject_id").annotate(
        n=Count("pk"), used=Count("pk", filter=Q(used_at__isnull=False)))}
    return [{"link": link, "url": survey_url(request, link.key), "responses": responses.get(link.subject_id, {}),
             "tokens": tokens.get(link.subject_id, {})} for link in links]


@web_login_required
@require_GET
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A survey: for the office and auditors its counts, responses by unit, exclusions by reason, links, QR codes
    and tokens; for everyone who sees it the results (a unit's operators and leaders: their units' only)."""
    survey = _survey(request, pk)
    office = _office(request)
    results = list(SurveyResult.objects.restrict(request.user, Action.VIEW).filter(survey=survey)
                   .select_related("subject").order_by("subject__code", "indicator"))
    for r in results:
        r.reasons = [(Exclusion(k).label, n) for k, n in sorted(r.excluded.items())]
    context: dict[str, Any] = {"survey": survey, "office": office, "results": results,
                               "questions": list(survey.questions.all()),
                               "admin": role_of(request.user) == Role.ADMIN}
    if office:
        reasons = Counter(dict(SurveyResponse.objects.filter(survey=survey).exclude(exclusion="")
                               .values_list("exclusion").annotate(n=Count("pk")).values_list("exclusion", "n")))
        units = _unit_rows(request, survey)
        context.update(
            units=units, total=sum(u["responses"].get("n", 0) for u in units),
            flagged=sum(u["responses"].get("flagged", 0) for u in units),
            exclusions=[{"label": e.label, "code": e.value, "n": reasons.get(e.value, 0)} for e in Exclusion],
            tokens_form=TokensForm(units=[(u["link"].subject.code, u["link"].subject.name) for u in units]),
            paper_form=PaperForm())
    return render(request, "surveys/detail.html", context)


@web_login_required
@require_POST
def survey_tokens(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk, Action.CHANGE)
    units = list(survey.links.select_related("subject"))
    form = TokensForm(request.POST, units=[(link.subject.code, link.subject.name) for link in units])
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        chosen = [link.subject for link in units if link.subject.code == form.cleaned_data["unit"]] or None
        run_service(request, lambda: do_issue_survey_tokens(survey, form.cleaned_data["count"], actor=request.user,
                                                            subjects=chosen), _("Invitation tokens issued."))
    return redirect("surveys:detail", pk=survey.pk)


@web_login_required
@require_POST
def survey_compute(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk, Action.CHANGE)
    run_service(request, lambda: do_compute_survey(survey, actor=request.user),
                _("Results computed and written to the indicator values."))
    return redirect("surveys:detail", pk=survey.pk)


@web_login_required
@require_POST
def survey_close(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk, Action.CHANGE)
    run_service(request, lambda: do_close_survey(survey, actor=request.user), _("Survey closed."))
    return redirect("surveys:detail", pk=survey.pk)


@web_login_required
@require_POST
def survey_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """Paper questionnaires from an .xlsx or .csv file, all or nothing; a refusal lists row, column and reason."""
    survey = _survey(request, pk, Action.CHANGE)
    form = PaperForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
        return redirect("surveys:detail", pk=survey.pk)
    upload = form.cleaned_data["file"]
    try:
        rows = read_responses(upload.name, upload.read(), survey.questions.count())
        counts = do_load_survey_responses(survey, rows, actor=request.user, label=upload.name)
    except ImportRefusedError as exc:
        messages.error(request, f"{exc.text} " + "; ".join(exc.lines()[:20]))
    except JixiaoError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("%(n)s questionnaires loaded.") % {"n": counts["rows"]})
    return redirect("surveys:detail", pk=survey.pk)


@web_login_required
@require_GET
def survey_qr(request: HttpRequest, pk: int, unit: str) -> HttpResponse:
    """A unit's link as a QR code (SVG), for posters and letters."""
    if not _office(request):
        raise Http404(_("No such page."))
    survey = _survey(request, pk)
    link = SurveyLink.objects.filter(survey=survey, subject__code=unit).first()
    if link is None:
        raise Http404(_("No such unit in this survey."))
    image = qrcode.make(survey_url(request, link.key), image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    response = HttpResponse(image.to_string(encoding="unicode"), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="survey-{survey.pk}-{unit}.svg"'
    return response


@web_login_required
@require_GET
def survey_token_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The unused invitation tokens with their links, for a mail merge: CSV (UTF-8 with BOM, as Excel opens it),
    or ``?format=xlsx``."""
    survey = _survey(request, pk, Action.CHANGE)
    tokens = SurveyToken.objects.restrict(request.user, Action.CHANGE).filter(survey=survey, used_at__isnull=True)
    columns = [_("unit code"), _("unit"), _("invitation token"), _("link")]
    rows = [[t.subject.code, t.subject.name, t.key, survey_url(request, t.key)]
            for t in tokens.select_related("subject").order_by("subject__code", "pk")]
    if request.GET.get("format") == "xlsx":
        return xlsx_response(Table("tokens", _("invitation tokens"), columns, rows), f"survey-{survey.pk}-tokens")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    # Text, never a formula (a unit named "=1+1" stays a name).
    writer.writerows([[f"'{c}" if str(c)[:1] in "=+-@" else c for c in row] for row in rows])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-tokens.csv"'
    return response


# --- the public page ------------------------------------------------------------------------------------------

def _refused(request: HttpRequest, exc: JixiaoError) -> HttpResponse:
    return render(request, "surveys/refused.html", {"message": exc.text}, status=exc.status)


def _page(request: HttpRequest, key: str, survey: Survey, subject: Any, form: Any, status: int = 200,
          error: str = "") -> HttpResponse:
    questions = list(Question.objects.filter(survey=survey).order_by("number"))
    fields = [form[f"q{q.number}"] for q in questions]
    return render(request, "surveys/answer.html", {
        "survey": survey, "subject": subject, "fields": fields, "started": started_field(), "key": key,
        "error": error, "scale": [(a[0], a[1]) for a in form.fields[f"q{questions[0].number}"].choices]},
        status=status)


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, key: str) -> HttpResponse:
    """The public survey page (``/survey/<token or link>/``): a phone-sized form of big radio buttons. A refused
    submission shows the page again with every answer kept and the reason beside the question (422) or on top (a
    network over its hourly limit: 429). A spent or unknown token, or a closed survey, is a clear message."""
    try:
        survey, subject, token = find_key(key)
    except SurveyLinkError as exc:
        return _refused(request, exc)
    if token is None and survey.mode == SurveyMode.TOKEN:
        entry = TokenEntryForm(request.GET or None)
        if entry.is_valid():
            return redirect("surveys:answer", key=entry.cleaned_data["token"].strip())
        return render(request, "surveys/token.html", {"survey": survey, "subject": subject, "form": entry})
    questions = list(survey.questions.order_by("number"))
    if request.method == "GET":
        return _page(request, key, survey, subject, answers_form(questions))
    form = answers_form(questions, request.POST)
    if not form.is_valid():
        return _page(request, key, survey, subject, form, 422, _("Please answer every question."))
    loaded = started_at(form.cleaned_data["started"])
    if loaded is None:
        return _page(request, key, survey, subject, form, 422,
                     _("The page was open too long or was changed. Your answers are kept: please submit again."))
    answers = [form.cleaned_data[f"q{q.number}"] for q in questions]
    try:
        do_submit_survey_response(key, answers, actor=None, started_at=datetime.fromtimestamp(loaded, tz=UTC),
                                  ip=get_client_ip_address(request) or "",
                                  user_agent=request.headers.get("user-agent", "")[:500], channel=Channel.WEB)
    except SurveyLinkError as exc:
        return _refused(request, exc)
    except SurveyInputError as exc:
        return _page(request, key, survey, subject, form, exc.status, exc.text)
    except JixiaoError as exc:  # the hourly limit: the page again, answers kept
        return _page(request, key, survey, subject, form, exc.status, exc.text)
    return redirect("surveys:thanks", key=key)


@require_GET
def thanks(request: HttpRequest, key: str) -> HttpResponse:
    """The thank-you page. Shows the survey's title when the key is known (a spent token included); changes
    nothing."""
    token = SurveyToken.objects.select_related("survey").filter(key=key).first()
    link = None if token is not None else SurveyLink.objects.select_related("survey").filter(key=key).first()
    survey = token.survey if token is not None else link.survey if link is not None else None
    return render(request, "surveys/thanks.html", {"survey": survey})
