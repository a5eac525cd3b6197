"""Pages of multi-party evaluation: a rater's assignments and rating form, the invitation link's form for outside
raters (no account), the office's campaigns (progress, assignment, reminders, votes, rater quality), and a rated
subject's group results under the anonymity rule. Access starts from ``restrict()`` and ``results_subjects``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of
from jixiao.core.choices import Action
from jixiao.core.errors import JixiaoError
from jixiao.cycles.models import Subject
from jixiao.engine.ruletext import GROUP_NAMES
from jixiao.ratings.choices import AssignmentState, CampaignKind, CampaignState, Vote
from jixiao.ratings.forms import AssignForm, CampaignForm, RatingForm
from jixiao.ratings.models import Assignment, Campaign
from jixiao.ratings.querysets import results_subjects
from jixiao.ratings.services import (
    POOLED,
    Rater,
    completion,
    do_assign_raters,
    do_close_campaign,
    do_create_campaign,
    do_open_campaign,
    do_remind_raters,
    do_submit_rating,
    do_tally_votes,
    form_indicators,
    group_results,
    groups_of,
    invitation,
    quality,
    vote_tallies,
)
from jixiao.web.helpers import engine_lang, exported, get_cycle, paginate, run_service, web_login_required
from jixiao.web.tables import Table


def group_name(code: str) -> str:
    """A rater group's name in the interface's language (其他评价人 for the pool)."""
    if code == POOLED:
        return _("other raters")
    return GROUP_NAMES[engine_lang()].get(code, code)


def _form_for(assignment: Assignment, data: Any = None) -> RatingForm:
    return RatingForm(data, nodes=form_indicators(assignment),
                      democratic=assignment.campaign.kind == CampaignKind.DEMOCRATIC)


def _form_page(request: HttpRequest, assignment: Assignment, form: RatingForm, *, token: str = "",
               status: int = 200) -> HttpResponse:
    return render(request, "ratings/form.html", {
        "assignment": assignment, "campaign": assignment.campaign, "form": form, "token": token,
        "group": group_name(assignment.group), "done": assignment.state == AssignmentState.DONE}, status=status)


def _submit(request: HttpRequest, assignment: Assignment, *, token: str = "") -> HttpResponse:
    """Check the form, then the service; a refusal shows the form again with every answer kept (422)."""
    form = _form_for(assignment, request.POST)
    if form.is_valid():
        try:
            do_submit_rating(assignment, form.answers(), actor=None if token else request.user, token=token,
                             comment=form.cleaned_data.get("comment") or "")
        except JixiaoError as exc:
            form.add_error(None, exc.text)
        else:
            return render(request, "ratings/thanks.html", {"campaign": assignment.campaign, "token": token})
    return _form_page(request, assignment, form, token=token, status=422)


@web_login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in user's rating tasks: open ones to do first, then the done ones."""
    rows = (Assignment.objects.restrict(request.user, Action.VIEW).filter(rater=request.user)
            .select_related("campaign", "subject").order_by("state", "campaign__deadline", "subject__code"))
    return render(request, "ratings/mine.html", {"rows": [(a, group_name(a.group)) for a in rows]})


@web_login_required
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """An account's rating form for one assignment of theirs."""
    assignment = (Assignment.objects.restrict(request.user, Action.VIEW).filter(rater=request.user, pk=pk)
                  .select_related("campaign__cycle__scheme", "subject").first())
    if assignment is None:
        raise Http404(_("No such rating task."))
    if request.method == "POST":
        return _submit(request, assignment)
    return _form_page(request, assignment, _form_for(assignment))


@require_http_methods(["GET", "POST"])
def invited(request: HttpRequest, token: str) -> HttpResponse:
    """The rating form of an invitation link, for an outside rater without an account (人大代表、专家、服务对象)."""
    try:
        assignment = invitation(token)
    except JixiaoError as exc:
        return render(request, "ratings/invalid.html", {"reason": exc.text}, status=404)
    if request.method == "POST":
        return _submit(request, assignment, token=token)
    return _form_page(request, assignment, _form_for(assignment), token=token)


# --- the office ------------------------------------------------------------------------------------------------

def _campaign(request: HttpRequest, pk: int, action: str = Action.VIEW) -> Campaign:
    row: Campaign | None = (Campaign.objects.restrict(request.user, action).select_related("cycle__scheme")
                            .filter(pk=pk).first())
    if row is None or role_of(request.user) not in (Role.ADMIN, Role.AUDITOR):
        raise Http404(_("No such rating campaign."))
    return row


@web_login_required
@require_http_methods(["GET", "POST"])
def campaigns(request: HttpRequest, code: str) -> HttpResponse:
    """A cycle's rating campaigns with their progress; the office creates one here."""
    cycle = get_cycle(request.user, code)
    role = role_of(request.user)
    if role not in (Role.ADMIN, Role.AUDITOR):
        return redirect("ratings:results", code=cycle.code)
    form = CampaignForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            made: list[Campaign] = []
            if run_service(request, lambda: made.append(do_create_campaign(
                    cycle, d["name"], actor=request.user, kind=d["kind"], indicator=d["indicator"],
                    deadline=d["deadline"], instructions=d["instructions"])), _("The campaign is created.")):
                return redirect("ratings:campaign", pk=made[0].pk)
        status = 422
    rows = [(c, completion(c)) for c in Campaign.objects.restrict(request.user, Action.VIEW).filter(cycle=cycle)]
    return render(request, "ratings/campaigns.html", {"cycle": cycle, "rows": rows, "form": form,
                                                      "office": role == Role.ADMIN}, status=status)


@web_login_required
@require_GET
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    """One campaign: progress by group, the assignments (who rates whom, the invitation links of outside raters),
    the office's steps, the democratic appraisal's tally, and rater quality."""
    return _campaign_page(request, _campaign(request, pk))


def _assignments_table(request: HttpRequest, row: Campaign, assignments: list[Assignment], office: bool) -> Table:
    """Who rates whom, with the invitation links of outside raters not yet rated (the office's, to send them;
    exported as .xlsx for a mail merge)."""
    def link(a: Assignment) -> str:
        if not office or a.rater_id is not None or a.state != AssignmentState.PENDING:
            return ""
        return request.build_absolute_uri(reverse("ratings:invited", args=[a.token]))

    return Table("assignments", _("Assignments"),
                 [_("subject"), _("rater group"), _("rater"), _("state"), _("invitation link")],
                 [[a.subject.name, group_name(a.group), a.rater.get_username() if a.rater else a.invitee,
                   a.get_state_display(), link(a)] for a in assignments])


def _campaign_page(request: HttpRequest, row: Campaign, assign_form: AssignForm | None = None,
                   status: int = 200) -> HttpResponse:
    assignments = list(row.assignments.select_related("subject", "rater").order_by("state", "subject__code", "group"))
    office = role_of(request.user) == Role.ADMIN
    response = exported(request, {"assignments": lambda: _assignments_table(request, row, assignments, office)},
                        f"{row.cycle.code}-campaign-{row.pk}")
    if response is not None:
        return response
    keys = {a.key: (a.rater.get_username() if a.rater else a.invitee) for a in assignments}
    page = paginate(request, assignments)
    flags = {"lenient": _("lenient"), "severe": _("severe"), "halo": _("halo"), "far": _("far from the others")}
    qual = [{**r, "who": keys.get(r["rater"], r["rater"]), "group": group_name(r["group"]),
             "flag_text": "、".join(str(flags[f]) for f in r["flags"])}
            for r in quality(row.cycle).iter_rows(named=True) if r["rater"] in keys]
    tallies = vote_tallies(row) if row.kind == CampaignKind.DEMOCRATIC else {}
    names = dict(Subject.objects.filter(cycle=row.cycle).values_list("code", "name"))
    return render(request, "ratings/campaign.html", {
        "campaign": row, "cycle": row.cycle, "office": office,
        "progress": [{**p, "name": group_name(p["group"])} for p in completion(row)],
        "assignments_table": _assignments_table(request, row, list(page), office), "page": page,
        "groups": [(g, group_name(g)) for g in groups_of(row)], "assign_form": assign_form or AssignForm(),
        "quality": sorted(qual, key=lambda r: (not r["flags"], r["who"])),
        "votes": [(code, names.get(code, code), t) for code, t in tallies.items()],
        "vote_names": [label for _v, label in Vote.choices], "states": CampaignState}, status=status)


@web_login_required
@require_POST
def campaign_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """The office's steps on a campaign: assign a rater, open, remind, close, tally the votes."""
    row = _campaign(request, pk)
    user = request.user
    if step == "assign":
        form = AssignForm(request.POST)
        if not form.is_valid():
            return _campaign_page(request, row, form, status=422)
        d = form.cleaned_data
        subject = Subject.objects.filter(cycle=row.cycle, code=d["subject"]).first()
        account = get_user_model().objects.filter(username=d["username"]).first() if d["username"] else None
        if subject is None:
            form.add_error("subject", _("No such subject in this cycle."))
        if d["username"] and account is None:
            form.add_error("username", _("No such account."))
        if form.errors:
            return _campaign_page(request, row, form, status=422)
        assert subject is not None
        if not run_service(request, lambda: do_assign_raters(
                row, [Rater(subject, d["group"], account, d["invitee"])], actor=user), _("The rater is assigned.")):
            return _campaign_page(request, row, form, status=422)
        return redirect("ratings:campaign", pk=row.pk)
    calls = {"open": (lambda: do_open_campaign(row, actor=user), _("The campaign is open; its raters are told.")),
             "remind": (lambda: do_remind_raters(row, actor=user), _("The raters who have not rated are reminded.")),
             "close": (lambda: do_close_campaign(row, actor=user), _("The campaign is closed.")),
             "tally": (lambda: do_tally_votes(row, actor=user), _("The votes are tallied into the indicator."))}
    if step not in calls:
        raise Http404
    fn, ok = calls[step]
    run_service(request, fn, ok)
    return redirect("ratings:campaign", pk=row.pk)


# --- what a rated subject sees ---------------------------------------------------------------------------------

@web_login_required
@require_GET
def results(request: HttpRequest, code: str) -> HttpResponse:
    """The subjects of a cycle whose group results the user may see (their units, their staff, themselves)."""
    cycle = get_cycle(request.user, code)
    subjects = results_subjects(request.user).filter(cycle=cycle).order_by("code")
    return render(request, "ratings/results.html", {"cycle": cycle, "subjects": subjects})


@web_login_required
@require_GET
def subject_results(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    """One subject's ratings by group, as the anonymity rule lets it be seen: a group below k is not shown (or is
    pooled, as the scheme says); comments without names, only of groups shown."""
    cycle = get_cycle(request.user, code)
    subject = results_subjects(request.user).filter(cycle=cycle, code=unit).select_related("cycle__scheme").first()
    if subject is None:
        raise Http404(_("No such unit in this cycle."))
    data = group_results(subject)
    lines = [(item, [(group_name(line.group), line) for line in item.lines]) for item in data.indicators]
    messages_ = [] if lines else [_("No ratings yet.")]
    for text in messages_:
        messages.info(request, text)
    return render(request, "ratings/subject.html", {"cycle": cycle, "subject": subject, "data": data,
                                                    "lines": lines})
