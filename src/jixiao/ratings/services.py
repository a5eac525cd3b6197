"""Multi-party evaluation: campaigns, assignments of raters, the rating form and the invitation link, reminders,
democratic appraisal votes and their tally, and what a rated subject may see of its ratings.

Every write is a ``do_<verb>_<noun>(..., *, actor)`` with its audit event in the same transaction. A rater's
scores go into ``jixiao.collection.Rating`` under the assignment's group and its anonymous key: the group is the
office's choice, never the rater's, and a form is submitted once."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import polars as pl
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.accounts.models import User
from jixiao.audit.services import record_event, snapshot
from jixiao.collection.models import Rating
from jixiao.collection.services import do_load_values
from jixiao.core.choices import Action
from jixiao.core.errors import PermissionDeniedError, clean_text
from jixiao.cycles.choices import CycleState
from jixiao.cycles.models import Cycle, Subject
from jixiao.cycles.services import lock_cycle, require_state, touch_data
from jixiao.engine.anonymity import group_view, pooled_mean
from jixiao.engine.appraisal import Tally, tally
from jixiao.engine.raters import rater_quality
from jixiao.engine.scheme import Node
from jixiao.inbox.choices import NoticeKind
from jixiao.inbox.services import notify
from jixiao.indicators.choices import DataSource
from jixiao.ratings.choices import (
    CAMPAIGN_TRANSITIONS,
    AssignmentState,
    CampaignKind,
    CampaignState,
    RatingsAction,
    Vote,
)
from jixiao.ratings.errors import (
    AssignmentDoneError,
    CampaignStateError,
    InvitationError,
    RatingInputError,
)
from jixiao.ratings.models import Assignment, Ballot, Campaign

#: A comment's longest length (a rating form's free text).
COMMENT_MAX = 2000


def _require(campaign: Campaign, step: str) -> None:
    """Refuse a step the campaign's state does not allow (``CAMPAIGN_TRANSITIONS``), naming the state."""
    if campaign.state not in CAMPAIGN_TRANSITIONS[step]:
        raise CampaignStateError(name=campaign.name, step=_(step), state=campaign.get_state_display())


def _lock(campaign: Campaign) -> Campaign:
    # The campaign row is locked so that opening, closing and a submission do not cross.
    row: Campaign = (Campaign.objects.select_for_update(of=("self",)).select_related("cycle__scheme")
                     .get(pk=campaign.pk))
    return row


def covered(campaign: Campaign) -> list[Node]:
    """The rating indicators a rating campaign's forms ask about (all the scheme's, unless it names some)."""
    leaves = campaign.cycle.scheme.engine.rating_leaves
    wanted = set(campaign.indicators or ())
    return [n for n in leaves if not wanted or n.code in wanted]


def groups_of(campaign: Campaign) -> list[str]:
    """The rater groups a campaign can assign: those of its indicators (a democratic appraisal: any)."""
    seen: dict[str, None] = {}
    for node in covered(campaign):
        assert node.rule is not None
        seen.update(dict.fromkeys(node.rule.group_names))
    return list(seen)


def form_indicators(assignment: Assignment) -> list[Node]:
    """The indicators an assignment's form asks about: the campaign's whose rule has the assignment's group."""
    return [n for n in covered(assignment.campaign) if n.rule is not None and assignment.group in n.rule.group_names]


def do_create_campaign(cycle: Cycle, name: str, *, actor: Any, kind: str = CampaignKind.RATING,
                       indicators: Iterable[str] = (), indicator: str = "", deadline: datetime | None = None,
                       instructions: str = "") -> Campaign:
    """Create a rating campaign (评价活动) of a draft or open cycle: 360-degree ratings of the scheme's rating
    indicators (all, or those named), or a democratic appraisal (民主测评) whose tally feeds ``indicator``."""
    name = clean_text(_("name"), name, RatingInputError)
    with transaction.atomic():
        cycle = lock_cycle(cycle.pk)
        Campaign.objects.check_create(actor)
        require_state(cycle, [CycleState.DRAFT, CycleState.OPEN], _("a rating campaign"))
        scheme = cycle.scheme.engine
        codes = list(dict.fromkeys(indicators))
        if kind == CampaignKind.RATING:
            rating = {n.code for n in scheme.rating_leaves}
            if not rating:
                raise RatingInputError(field=_("indicators"), problem=_("the scheme has no rating indicator"))
            unknown = [c for c in codes if c not in rating]
            if unknown:
                raise RatingInputError(field=_("indicators"), problem=_("not rating indicators of the scheme: %(c)s")
                                       % {"c": ", ".join(unknown)})
            indicator = ""
        elif kind == CampaignKind.DEMOCRATIC:
            if indicator and indicator not in {n.code for n in scheme.measured_leaves}:
                raise RatingInputError(field=_("indicator fed"),
                                       problem=_("%(c)s is not a measured indicator of the scheme") % {"c": indicator})
            codes = []
        else:
            raise RatingInputError(field=_("campaign kind"), problem=_("unknown kind %(k)s") % {"k": kind})
        row = Campaign(cycle=cycle, name=name, kind=kind, indicators=codes, indicator=indicator, deadline=deadline,
                       instructions=clean_text(_("instructions"), instructions, RatingInputError, required=False))
        row.full_clean()
        row.save()
        record_event(RatingsAction.CAMPAIGN_CREATED, actor=actor, obj=row, after=snapshot(row))
    return row


@dataclass(frozen=True)
class Rater:
    """Who is assigned: an account, or an outside rater by name (invited by link)."""

    subject: Subject
    group: str
    account: Any = None
    invitee: str = ""


def do_assign_raters(campaign: Campaign, raters: Iterable[Rater], *, actor: Any) -> list[Assignment]:
    """Assign raters to subjects in fixed groups (all or nothing; one audit event). An account is assigned to a
    subject once per campaign; an outside rater gets an invitation link of their own. Each assignment carries a
    random key, the name its ratings have in the engine's input."""
    with transaction.atomic():
        campaign = _lock(campaign)
        Campaign.objects.get_for(actor, Action.CHANGE, pk=campaign.pk)
        _require(campaign, "assign")
        allowed = set(groups_of(campaign)) if campaign.kind == CampaignKind.RATING else None
        subjects = set(Subject.objects.filter(cycle_id=campaign.cycle_id).values_list("pk", flat=True))
        # One key per rater of the campaign (an account, or an outside rater by name): rater quality follows it.
        key_of: dict[Any, str] = {}
        for rater_id, invitee, key in campaign.assignments.values_list("rater_id", "invitee", "key"):
            key_of[rater_id if rater_id is not None else invitee] = key
        keys = set(key_of.values())
        taken = set(campaign.assignments.values_list("subject_id", "key"))
        rows: list[Assignment] = []
        for n, r in enumerate(raters, start=1):
            where = _("assignment %(n)s") % {"n": n}
            if r.subject.pk not in subjects:
                raise RatingInputError(field=where,
                                       problem=_("%(s)s is not a subject of this cycle") % {"s": r.subject})
            if allowed is not None and r.group not in allowed:
                raise RatingInputError(field=where, problem=_("%(g)s is not a rater group of the campaign's "
                                                              "indicators (%(all)s)")
                                       % {"g": r.group, "all": ", ".join(sorted(allowed))})
            if not r.group:
                raise RatingInputError(field=where, problem=_("the rater group is empty"))
            if r.account is None and not r.invitee.strip():
                raise RatingInputError(field=where, problem=_("give a rater account or an invited rater's name"))
            who = r.account.pk if r.account is not None else r.invitee.strip()[:200]
            key = key_of.get(who) or key_of.setdefault(who, _new_key(keys))
            if (r.subject.pk, key) in taken:
                name = r.account.get_username() if r.account is not None else r.invitee.strip()
                raise RatingInputError(field=where, problem=_("%(u)s is already assigned to %(s)s")
                                       % {"u": name, "s": r.subject.name})
            taken.add((r.subject.pk, key))
            rows.append(Assignment(campaign=campaign, subject=r.subject, group=r.group, rater=r.account,
                                   invitee=r.invitee.strip()[:200], key=key))
        if not rows:
            raise RatingInputError(field=_("raters"), problem=_("nobody to assign"))
        Assignment.objects.bulk_create(rows)
        record_event(RatingsAction.ASSIGNED, actor=actor, obj=campaign,
                     after={"assigned": len(rows), "invited": sum(1 for r in rows if r.rater is None)})
        if campaign.state == CampaignState.OPEN:
            _tell_raters(campaign, [r.rater for r in rows if r.rater is not None])
    return rows


def _new_key(keys: set[str]) -> str:
    while True:
        key = "r-" + secrets.token_hex(5)
        if key not in keys:
            keys.add(key)
            return key


def _tell_raters(campaign: Campaign, users: Iterable[Any]) -> int:
    return notify(users, kind=NoticeKind.DEADLINE, cycle=campaign.cycle,
                  title=_("Please rate: %(name)s") % {"name": campaign.name},
                  body=(_("Deadline: %(d)s") % {"d": timezone.localtime(campaign.deadline).strftime("%Y-%m-%d %H:%M")}
                        if campaign.deadline else ""),
                  link=reverse("ratings:mine"))


def do_open_campaign(campaign: Campaign, *, actor: Any) -> Campaign:
    """Open a prepared campaign for rating (the cycle must be open, and raters assigned); its raters with an
    account are told in their inbox."""
    with transaction.atomic():
        campaign = _lock(campaign)
        Campaign.objects.get_for(actor, Action.CHANGE, pk=campaign.pk)
        _require(campaign, "open")
        require_state(campaign.cycle, [CycleState.OPEN], _("opening a rating campaign"))
        if not campaign.assignments.exists():
            raise RatingInputError(field=_("raters"), problem=_("assign raters before opening the campaign"))
        before = snapshot(campaign)
        campaign.state, campaign.opened_at = CampaignState.OPEN, timezone.now()
        campaign.save(update_fields=["state", "opened_at"])
        told = _tell_raters(campaign, User.objects.filter(assignments__campaign=campaign).distinct())
        record_event(RatingsAction.OPENED, actor=actor, obj=campaign, before=before,
                     after={**snapshot(campaign), "told": told})
    return campaign


def do_remind_raters(campaign: Campaign, *, actor: Any, now: datetime | None = None) -> int:
    """Remind the raters who have not yet rated (催办): one inbox notice per account; invited raters' pending links
    are listed for the office to send again. Returns how many accounts were reminded."""
    now = now or timezone.now()
    with transaction.atomic():
        campaign = _lock(campaign)
        Campaign.objects.get_for(actor, Action.CHANGE, pk=campaign.pk)
        _require(campaign, "remind")
        pending = campaign.assignments.filter(state=AssignmentState.PENDING)
        count = _tell_raters(campaign, User.objects.filter(pk__in=pending.exclude(rater=None).values("rater_id")))
        marked = pending.update(reminded_at=now)
        campaign.reminded_at = now
        campaign.save(update_fields=["reminded_at"])
        record_event(RatingsAction.REMINDED, actor=actor, obj=campaign,
                     after={"accounts": count, "pending": marked})
    return count


#: Raters are reminded automatically from this long before a campaign's deadline, at most once a day.
REMIND_BEFORE = timedelta(days=3)
REMIND_EVERY = timedelta(days=1)


def remind_due_campaigns(now: datetime | None = None) -> list[str]:
    """The scheduled reminder (催办): every open campaign whose deadline is within ``REMIND_BEFORE`` and that has
    raters still to rate is reminded, at most once per ``REMIND_EVERY``. Returns the campaigns reminded."""
    now = now or timezone.now()
    due = (Campaign.objects.filter(state=CampaignState.OPEN, deadline__gt=now, deadline__lte=now + REMIND_BEFORE,
                                   assignments__state=AssignmentState.PENDING)
           .exclude(reminded_at__gt=now - REMIND_EVERY).distinct())
    done = []
    for campaign in due:
        do_remind_raters(campaign, actor=None, now=now)
        done.append(campaign.name)
    return done


def do_close_campaign(campaign: Campaign, *, actor: Any) -> Campaign:
    """Close a campaign: no more forms are taken (what was rated stays; pending assignments stay pending)."""
    with transaction.atomic():
        campaign = _lock(campaign)
        Campaign.objects.get_for(actor, Action.CHANGE, pk=campaign.pk)
        _require(campaign, "close")
        before = snapshot(campaign)
        campaign.state, campaign.closed_at = CampaignState.CLOSED, timezone.now()
        campaign.save(update_fields=["state", "closed_at"])
        record_event(RatingsAction.CLOSED, actor=actor, obj=campaign, before=before, after=snapshot(campaign))
    return campaign


def invitation(token: str) -> Assignment:
    """The assignment of an invitation link, or ``InvitationError`` (unknown link, or not for an outside rater)."""
    row: Assignment | None = (Assignment.objects.select_related("campaign__cycle__scheme", "subject")
                              .filter(token=token or "-", rater=None).first())
    if row is None:
        raise InvitationError(reason=_("no such invitation"))
    return row


def _score(node: Node, raw: Any) -> float:
    rule = node.rule
    assert rule is not None and rule.scale is not None
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise RatingInputError(field=node.name, problem=_("required"))
    try:
        number = float(raw)
    except (TypeError, ValueError):
        raise RatingInputError(field=node.name, problem=_("%(v)s is not a number") % {"v": str(raw)[:40]}) from None
    lo, hi = rule.scale
    if not lo <= number <= hi or number != number:
        raise RatingInputError(field=node.name, problem=_("%(v)s is outside the scale %(lo)s–%(hi)s")
                               % {"v": f"{number:g}", "lo": f"{lo:g}", "hi": f"{hi:g}"})
    if rule.anchors and number not in {a.score for a in rule.anchors}:
        raise RatingInputError(field=node.name, problem=_("choose one of the described levels"))
    return number


def do_submit_rating(assignment: Assignment, answers: Mapping[str, Any], *, actor: Any, token: str = "",
                     comment: str = "", now: datetime | None = None) -> Assignment:
    """Submit a rating form (评价表), once: a score for each of the form's indicators (on the scale; on a described
    level where the indicator has them) or, for a democratic appraisal, the vote (``answers["vote"]``), and an
    optional comment. The rater is ``actor`` (their own assignment) or, without an account, the holder of the
    invitation ``token``. The scores become ratings in the assignment's group under its anonymous key."""
    now = now or timezone.now()
    comment = clean_text(_("comment"), comment, RatingInputError, required=False)
    if len(comment) > COMMENT_MAX:
        raise RatingInputError(field=_("comment"), problem=_("longer than %(n)s characters") % {"n": COMMENT_MAX})
    with transaction.atomic():
        # Locked: two tabs of the same form (or a double click) must not both count.
        row: Assignment | None = (Assignment.objects.select_for_update(of=("self",))
                                  .select_related("campaign__cycle__scheme", "subject")
                                  .filter(pk=assignment.pk).first())
        if row is None:
            raise InvitationError(reason=_("no such invitation"))
        if token:
            if row.rater_id is not None or not secrets.compare_digest(row.token, token):
                raise InvitationError(reason=_("no such invitation"))
        elif actor is None or not Assignment.objects.restrict(actor, Action.CHANGE).filter(pk=row.pk).exists():
            raise PermissionDeniedError(action=_("submit"), what=_("rating assignment"))
        campaign = row.campaign
        _require(campaign, "submit")
        if campaign.deadline is not None and now > campaign.deadline:
            raise CampaignStateError(name=campaign.name, step=_("submit"), state=_("past its deadline"))
        if row.state == AssignmentState.DONE:
            assert row.submitted_at is not None
            raise AssignmentDoneError(when=timezone.localtime(row.submitted_at).strftime("%Y-%m-%d %H:%M"))
        cycle = lock_cycle(campaign.cycle_id)
        require_state(cycle, [CycleState.OPEN], _("rating"))
        if campaign.kind == CampaignKind.DEMOCRATIC:
            vote = str(answers.get("vote") or "")
            if vote not in Vote.values:
                raise RatingInputError(field=_("vote"), problem=_("choose one of the four votes"))
            Ballot.objects.create(assignment=row, vote=vote)
            written: dict[str, Any] = {"vote": vote}
        else:
            nodes = form_indicators(row)
            scores = {n.code: _score(n, answers.get(n.code)) for n in nodes}
            # Replaces nothing: the key is the assignment's own, so a rater can never overwrite another's rating.
            Rating.objects.bulk_create([
                Rating(cycle=cycle, subject=row.subject, indicator=code, group=row.group, rater=row.key,
                       score=score, rated_at=now) for code, score in scores.items()])
            touch_data(cycle)
            written = {"scores": scores}
        row.state, row.submitted_at, row.comment = AssignmentState.DONE, now, comment
        row.save(update_fields=["state", "submitted_at", "comment"])
        record_event(RatingsAction.SUBMITTED, actor=actor, obj=row,
                     after={"campaign": campaign.pk, "subject": row.subject.code, "group": row.group,
                            "key": row.key, "by": "invitation" if token else "account", **written,
                            "comment": bool(comment)})
    return row


def do_tally_votes(campaign: Campaign, *, actor: Any) -> dict[str, Tally]:
    """Tally a democratic appraisal: each subject's votes into percentages and a score, written as the value of
    the campaign's indicator through the one value path (audited, versioned, source 问卷/测评)."""
    with transaction.atomic():
        campaign = _lock(campaign)
        Campaign.objects.get_for(actor, Action.CHANGE, pk=campaign.pk)
        if campaign.kind != CampaignKind.DEMOCRATIC:
            raise RatingInputError(field=_("campaign kind"), problem=_("only a democratic appraisal is tallied"))
        tallies = vote_tallies(campaign)
        if campaign.indicator:
            rows = [(k, code, campaign.indicator, t.score)
                    for k, (code, t) in enumerate(tallies.items(), start=2) if t.score is not None]
            if rows:
                do_load_values(campaign.cycle, rows, actor=actor, source=DataSource.SURVEY,
                               label=_("democratic appraisal %(name)s") % {"name": campaign.name})
        record_event(RatingsAction.TALLIED, actor=actor, obj=campaign,
                     after={code: {"votes": t.votes, "score": t.score} for code, t in tallies.items()})
    return tallies


def vote_tallies(campaign: Campaign) -> dict[str, Tally]:
    """Each subject's votes of a democratic appraisal (subject code -> tally), by subject code."""
    votes: dict[str, list[str]] = defaultdict(list)
    for code, vote in (Ballot.objects.filter(assignment__campaign=campaign)
                       .values_list("assignment__subject__code", "vote")):
        votes[code].append(vote)
    return {code: tally(votes[code]) for code in sorted(votes)}


# --- what a rated subject may see ------------------------------------------------------------------------------

@dataclass
class GroupLine:
    """One line of a subject's group results: a rater group (or "other raters" pooled), its mean and count."""

    group: str
    mean: float
    count: int


@dataclass
class IndicatorResult:
    """What a subject may see of one rating indicator: the lines shown, whether some groups were withheld."""

    code: str
    name: str
    lines: list[GroupLine] = field(default_factory=list)
    withheld: bool = False


@dataclass
class GroupResults:
    """A subject's ratings as it may see them: per indicator the groups that reach k (or pooled), and the
    comments of shown groups without names, in a fixed order that says nothing of who wrote them."""

    k: int
    indicators: list[IndicatorResult]
    comments: list[str]


POOLED = "*"


def group_results(subject: Subject) -> GroupResults:
    """The subject's ratings by group under the scheme's anonymity rule (``jixiao.engine.anonymity``): a group
    below k is neither shown nor counted in the comments; the raw ratings never leave this function. Means are
    of the ratings as given (the score's trimming is the engine's, in the explanation)."""
    scheme = subject.cycle.scheme.engine
    anonymity = scheme.anonymity
    frame = pl.DataFrame(list(Rating.objects.filter(subject=subject).values_list("indicator", "group", "score")),
                         schema={"indicator": pl.String, "group": pl.String, "score": pl.Float64}, orient="row")
    stats = {(r["indicator"], r["group"]): (r["mean"], r["n"]) for r in frame.group_by("indicator", "group").agg(
        pl.col("score").mean().alias("mean"), pl.len().alias("n")).iter_rows(named=True)}
    out: list[IndicatorResult] = []
    shown_groups: set[str] = set()
    for node in scheme.rating_leaves:
        rule = node.rule
        assert rule is not None
        counts = [int(stats.get((node.code, g), (0.0, 0))[1]) for g in rule.group_names]
        means = [float(stats.get((node.code, g), (0.0, 0))[0]) for g in rule.group_names]
        if not any(counts):
            continue
        view = group_view(rule.group_names, counts, anonymity)
        item = IndicatorResult(node.code, node.name, withheld=view.withheld)
        for gi in view.shown:
            item.lines.append(GroupLine(rule.group_names[gi], means[gi], counts[gi]))
            shown_groups.add(rule.group_names[gi])
        if view.pool_shown:
            item.lines.append(GroupLine(POOLED, pooled_mean([means[i] for i in view.pooled],
                                                            [counts[i] for i in view.pooled]),
                                        sum(counts[i] for i in view.pooled)))
        out.append(item)
    # Comments: only of groups shown on their own in some indicator, and only where the group's comments number
    # at least k themselves (a single comment in a shown group would still be one person's); open groups always.
    comments: list[str] = []
    by_group: dict[str, list[str]] = defaultdict(list)
    for group, text in (Assignment.objects.filter(subject=subject, state=AssignmentState.DONE)
                        .exclude(comment="").values_list("group", "comment")):
        by_group[group].append(text)
    for group in sorted(by_group):
        texts = by_group[group]
        if group in shown_groups and (not anonymity.protects(group) or len(texts) >= anonymity.k):
            comments.extend(sorted(texts))
    return GroupResults(anonymity.k, out, comments)


def completion(campaign: Campaign) -> list[dict[str, Any]]:
    """A campaign's progress by rater group: assigned, rated, the share rated, and invited raters pending."""
    rows: dict[str, dict[str, Any]] = {}
    for group, state, rater in campaign.assignments.values_list("group", "state", "rater_id"):
        r = rows.setdefault(group, {"group": group, "assigned": 0, "done": 0, "invited_pending": 0})
        r["assigned"] += 1
        r["done"] += state == AssignmentState.DONE
        r["invited_pending"] += state == AssignmentState.PENDING and rater is None
    for r in rows.values():
        r["share"] = round(100 * r["done"] / r["assigned"], 1) if r["assigned"] else 0.0
    return [rows[g] for g in sorted(rows)]


def quality(cycle: Cycle) -> pl.DataFrame:
    """Rater quality over a cycle's ratings (``jixiao.engine.raters``): the office's view; scores are put on
    their indicator's scale first."""
    scales = {n.code: n.rule.scale for n in cycle.scheme.engine.rating_leaves if n.rule and n.rule.scale}
    rows = [(rater, str(subject), ind, group, (score - scales[ind][0]) / (scales[ind][1] - scales[ind][0]))
            for rater, subject, ind, group, score in Rating.objects.filter(cycle=cycle).values_list(
                "rater", "subject_id", "indicator", "group", "score") if ind in scales]
    if not rows:
        return rater_quality([], [], [], [], [])
    return rater_quality(*zip(*rows, strict=True))
