"""Rating campaigns: the group is the office's, a form is submitted once, an outside rater rates through their link
only, deadlines and scales are kept, democratic appraisal votes become an indicator value."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from jixiao.collection.models import Rating, Value
from jixiao.core.errors import NotFoundError, PermissionDeniedError
from jixiao.cycles.errors import CycleStateError
from jixiao.inbox.models import Notice
from jixiao.ratings.choices import AssignmentState, CampaignKind
from jixiao.ratings.errors import AssignmentDoneError, CampaignStateError, InvitationError, RatingInputError
from jixiao.ratings.services import (
    Rater,
    completion,
    do_assign_raters,
    do_close_campaign,
    do_create_campaign,
    do_open_campaign,
    do_remind_raters,
    do_submit_rating,
    do_tally_votes,
    group_results,
)

from .conftest import peers


def campaign_for(world: Any, **kw: Any) -> Any:
    return do_create_campaign(world.open, "2026年度领导评价", actor=world.personas["admin"], **kw)


def test_a_rater_rates_in_the_group_the_office_set_once_and_under_an_anonymous_key(world: Any) -> None:
    admin, rater = world.personas["admin"], world.personas["rater"]
    subject = world.subject(world.open, world.unit_b)
    campaign = campaign_for(world)
    [task] = do_assign_raters(campaign, [Rater(subject, "peer", rater)], actor=admin)
    do_open_campaign(campaign, actor=admin)
    assert Notice.objects.filter(recipient=rater).count() == 1
    # The rater's answers name no group: the assignment's is used.
    do_submit_rating(task, {"LEAD": 66}, actor=rater, comment="协作配合积极")
    row = Rating.objects.get(subject=subject, rater=task.key)
    assert (row.group, row.score, row.rater_user) == ("peer", 66, None)
    assert rater.username not in task.key
    with pytest.raises(AssignmentDoneError):
        do_submit_rating(task, {"LEAD": 99}, actor=rater)
    assert Rating.objects.get(subject=subject, rater=task.key).score == 66
    # Another account cannot submit it, nor rate outside an assignment.
    other = peers(1, "x")[0]
    [second] = do_assign_raters(campaign, [Rater(subject, "peer", other)], actor=admin)
    with pytest.raises(PermissionDeniedError):
        do_submit_rating(second, {"LEAD": 10}, actor=rater)
    from jixiao.collection.services import do_set_rating

    with pytest.raises(PermissionDeniedError):
        do_set_rating(subject, "LEAD", "superior", 100, actor=rater)


def test_the_office_cannot_assign_a_group_the_indicators_do_not_have_or_a_rater_twice(world: Any) -> None:
    admin, rater = world.personas["admin"], world.personas["rater"]
    subject = world.subject(world.open, world.unit_a)
    campaign = campaign_for(world)
    with pytest.raises(RatingInputError, match="不是本次评价指标的评价主体"):
        do_assign_raters(campaign, [Rater(subject, "friends", rater)], actor=admin)
    do_assign_raters(campaign, [Rater(subject, "peer", rater)], actor=admin)
    with pytest.raises(RatingInputError, match="已被分配评价"):
        do_assign_raters(campaign, [Rater(subject, "public", rater)], actor=admin)
    with pytest.raises(NotFoundError):  # a campaign being prepared is the office's alone
        do_assign_raters(campaign, [Rater(subject, "peer", world.personas["auditor"])],
                         actor=world.personas["operator_a"])
    assert campaign.assignments.count() == 1


def test_an_outside_rater_rates_through_their_link_only_once_and_before_the_deadline(world: Any) -> None:
    admin = world.personas["admin"]
    subject = world.subject(world.open, world.unit_a)
    campaign = campaign_for(world, deadline=timezone.now() + timedelta(days=3))
    a, b = do_assign_raters(campaign, [Rater(subject, "public", invitee="市人大代表 张某"),
                                       Rater(subject, "public", invitee="市政协委员 李某")], actor=admin)
    with pytest.raises(CampaignStateError):
        do_submit_rating(a, {"LEAD": 80}, actor=None, token=a.token)  # not open yet
    do_open_campaign(campaign, actor=admin)
    with pytest.raises(InvitationError):
        do_submit_rating(a, {"LEAD": 80}, actor=None, token=b.token)  # another's link
    with pytest.raises(RatingInputError, match="超出评分范围"):
        do_submit_rating(a, {"LEAD": 180}, actor=None, token=a.token)
    do_submit_rating(a, {"LEAD": 80}, actor=None, token=a.token)
    with pytest.raises(AssignmentDoneError):
        do_submit_rating(a, {"LEAD": 81}, actor=None, token=a.token)
    with pytest.raises(CampaignStateError, match="已过截止时间"):
        do_submit_rating(b, {"LEAD": 70}, actor=None, token=b.token, now=timezone.now() + timedelta(days=4))
    assert [(p["group"], p["assigned"], p["done"], p["invited_pending"]) for p in completion(campaign)] == [
        ("public", 2, 1, 1)]
    do_close_campaign(campaign, actor=admin)
    with pytest.raises(CampaignStateError):
        do_submit_rating(b, {"LEAD": 70}, actor=None, token=b.token)


def test_a_campaign_opens_only_in_an_open_cycle_with_raters(world: Any) -> None:
    admin = world.personas["admin"]
    with pytest.raises(CycleStateError):
        do_create_campaign(world.published, "x", actor=admin)
    campaign = campaign_for(world)
    with pytest.raises(RatingInputError, match="请先分配评价人"):
        do_open_campaign(campaign, actor=admin)


def test_reminders_reach_only_the_raters_who_have_not_rated(world: Any) -> None:
    admin = world.personas["admin"]
    subject = world.subject(world.open, world.unit_a)
    r1, r2 = peers(2)
    campaign = campaign_for(world)
    t1, _t2 = do_assign_raters(campaign, [Rater(subject, "peer", r1), Rater(subject, "peer", r2)], actor=admin)
    do_open_campaign(campaign, actor=admin)
    do_submit_rating(t1, {"LEAD": 70}, actor=r1)
    assert do_remind_raters(campaign, actor=admin) == 1
    assert Notice.objects.filter(recipient=r2).count() == 2
    assert Notice.objects.filter(recipient=r1).count() == 1


def test_democratic_appraisal_votes_are_tallied_into_the_indicator_value(world: Any) -> None:
    admin = world.personas["admin"]
    subject = world.subject(world.open, world.unit_b)
    voters = peers(5, "v")
    campaign = campaign_for(world, kind=CampaignKind.DEMOCRATIC, indicator="RESP")
    tasks = do_assign_raters(campaign, [Rater(subject, "peer", v) for v in voters], actor=admin)
    do_open_campaign(campaign, actor=admin)
    for task, voter, vote in zip(tasks, voters, ["excellent", "excellent", "competent", "basic", "incompetent"],
                                 strict=True):
        do_submit_rating(task, {"vote": vote}, actor=voter)
    with pytest.raises(AssignmentDoneError):
        do_submit_rating(tasks[0], {"vote": "incompetent"}, actor=voters[0])
    tallies = do_tally_votes(campaign, actor=admin)
    t = tallies[subject.code]
    assert t.counts == (2, 1, 1, 1)
    assert t.shares == (40.0, 20.0, 20.0, 20.0)
    # (100 x 2 + 80 + 60 + 0) / 5 = 68
    assert t.score == 68
    value = Value.objects.get(subject=subject, indicator="RESP")
    assert (value.value, value.source) == (68, "survey")
    assert all(task.state != AssignmentState.PENDING for task in campaign.assignments.all())


def test_group_results_show_only_groups_of_k_and_their_comments_without_names(world: Any) -> None:
    admin = world.personas["admin"]
    subject = world.subject(world.open, world.unit_a)
    raters = peers(4)
    campaign = campaign_for(world)
    tasks = do_assign_raters(campaign, [Rater(subject, "public", r) for r in raters[:3]]
                             + [Rater(subject, "peer", raters[3])], actor=admin)
    do_open_campaign(campaign, actor=admin)
    for task, r, score in zip(tasks, raters, [61, 62, 63, 17], strict=True):
        do_submit_rating(task, {"LEAD": score}, actor=r, comment=f"意见{score}")
    data = group_results(subject)
    [lead] = data.indicators
    shown = {line.group: (line.count, round(line.mean, 2)) for line in lead.lines}
    # The world's own ratings: superior 3 (open group), peer 2 + 1 = 3, public 1 + 3 = 4.
    assert shown["superior"][0] == 3
    assert shown["public"] == (4, round((88 + 61 + 62 + 63) / 4, 2))
    assert shown["peer"][0] == 3
    assert data.comments == ["意见61", "意见62", "意见63"]  # the peer group's one comment is withheld


@pytest.mark.parametrize(("name", "dimensions"), [
    ("staff-annual", ["MORAL", "ABILITY", "DILIGENCE", "WORK", "CLEAN"]),
    ("cadre-annual", ["POLITICS", "LEADERSHIP", "RESULTS", "INTEGRITY", "CONDUCT"]),
])
def test_the_staff_appraisal_schemes_read_with_four_grades_and_a_quota(name: str, dimensions: list[str]) -> None:
    from importlib import resources

    from jixiao.engine.schemefile import read_scheme_text

    scheme = read_scheme_text((resources.files("jixiao.ratings") / "schemes" / f"{name}.yaml").read_text("utf-8"))
    assert [n.code for n in scheme.tree] == dimensions
    assert [(g.name, g.quota) for g in scheme.grades] == [("优秀", 0.15), ("称职", None), ("基本称职", None),
                                                          ("不称职", None)]
    assert scheme.anonymity.k == 3


def test_the_scheduled_reminder_runs_within_three_days_of_the_deadline_once_a_day(world: Any) -> None:
    from jixiao.ratings.services import remind_due_campaigns

    admin = world.personas["admin"]
    [r1] = peers(1)
    deadline = timezone.now() + timedelta(days=10)
    campaign = campaign_for(world, deadline=deadline)
    do_assign_raters(campaign, [Rater(world.subject(world.open, world.unit_a), "peer", r1)], actor=admin)
    do_open_campaign(campaign, actor=admin)
    assert remind_due_campaigns(deadline - timedelta(days=5)) == []
    assert remind_due_campaigns(deadline - timedelta(days=2)) == [campaign.name]
    assert remind_due_campaigns(deadline - timedelta(days=2) + timedelta(hours=5)) == []  # once a day
    assert remind_due_campaigns(deadline - timedelta(hours=20)) == [campaign.name]
    assert remind_due_campaigns(deadline + timedelta(hours=1)) == []  # past the deadline
    assert Notice.objects.filter(recipient=r1).count() == 3  # opened, and two reminders
