"""Multi-party evaluation in the demo city 示范市: a 360-degree campaign in this year's cycle (peers, the public's
representatives by invitation link, some not yet rated, one lenient rater), and last year's staff appraisal of the
departments' staff (工作人员年度考核) with 360 ratings of 德 and a democratic appraisal (民主测评) tallied into
勤, closed and scored, so that a person sees their own result and the director their bureau's people."""

from __future__ import annotations

import random
from datetime import datetime
from importlib import resources
from typing import Any

from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.collection.services import do_load_values
from jixiao.cycles.choices import SubjectKind
from jixiao.cycles.models import Cycle, Subject
from jixiao.cycles.services import do_close_cycle, do_create_cycle, do_open_cycle
from jixiao.org.models import Person
from jixiao.org.services import do_link_person
from jixiao.ratings.choices import CampaignKind
from jixiao.ratings.services import (
    Rater,
    do_assign_raters,
    do_close_campaign,
    do_create_campaign,
    do_open_campaign,
    do_remind_raters,
    do_submit_rating,
    do_tally_votes,
)
from jixiao.schemes.services import do_import_scheme

REPRESENTATIVES = ["市人大代表 周某", "市人大代表 吴某", "市政协委员 郑某", "市政协委员 王某", "特邀监督员 冯某"]
COMMENTS = ["窗口服务规范，办事效率明显提高", "跨部门协作积极，响应及时", "部分事项办理时限仍偏长",
            "主动对接企业需求，服务意识强", "信息公开及时，群众反映较好", "基层走访不够，建议加强调研"]


def _at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


def load_demo_campaign(cycle: Cycle, rng: random.Random, office: Any) -> None:
    """This year's 360-degree campaign on the scheme's rating indicator: each department rated by 4 peer accounts
    and 3-5 representatives by link; one peer is lenient; a few links not yet used; a reminder sent."""
    peers = [User.objects.get(username=f"peer{k}") for k in range(1, 5)]
    campaign = do_create_campaign(cycle, "2026年度综合评价（360度）", actor=office, deadline=_at("2026-12-20T18:00"),
                                  instructions="请根据本年度日常工作接触情况，按各等级的行为描述评分；意见建议不记名。")
    subjects = list(Subject.objects.filter(cycle=cycle, code__regex=r"^SFS-[AB]\d\d$").order_by("code"))
    raters: list[Rater] = []
    for s in subjects:
        raters += [Rater(s, "peer", p) for p in peers]
        raters += [Rater(s, "public", invitee=name) for name in REPRESENTATIVES[: rng.choice([2, 3, 5])]]
    tasks = do_assign_raters(campaign, raters, actor=office)
    do_open_campaign(campaign, actor=office)
    skill = {s.pk: rng.uniform(70, 92) for s in subjects}
    for k, task in enumerate(tasks):
        if task.rater is not None and task.rater.username == "peer4" and task.subject.code.endswith(("09", "10")):
            continue  # peer4 has not rated these yet (the reminder below)
        if task.rater is None and k % 7 == 3:
            continue  # a representative's link not used yet
        lenient = task.rater is not None and task.rater.username == "peer1"
        # The form offers the described levels of EVAL: the nearest to what this rater saw.
        seen = rng.gauss(skill[task.subject_id], 6)
        score = 95.0 if lenient else min((95.0, 85.0, 75.0, 60.0, 40.0), key=lambda level: abs(level - seen))
        comment = rng.choice(COMMENTS) if rng.random() < 0.5 else ""
        do_submit_rating(task, {"EVAL": score}, actor=task.rater, token="" if task.rater else task.token,
                         comment=comment, now=_at("2026-11-20T10:00"))
    do_remind_raters(campaign, actor=office, now=_at("2026-11-25T09:00"))


def load_demo_appraisal(rng: random.Random, office: Any) -> Cycle:
    """SFS-2025-STAFF: the staff of five departments (the market regulator, ecology, urban management, transport,
    emergency management) appraised with ``staff-annual``: 360 ratings of 德 (the director as superior, colleagues
    as peers, by link), a democratic appraisal tallied into 勤, the other values loaded; closed and scored."""
    # The staff appraisal schemes (staff-annual, cadre-annual) ship with this app until the template examples
    # (examples/generate.py) make people as well as units.
    text = (resources.files("jixiao.ratings") / "schemes" / "staff-annual.yaml").read_text(encoding="utf-8")
    scheme = do_import_scheme(text, actor=None)
    people = list(Person.objects.filter(unit__code__in=[f"SFS-A{k:02}" for k in range(1, 6)]).order_by("code"))
    cycle = do_create_cycle("SFS-2025-STAFF", "示范市2025年度工作人员考核（部分市直部门）", scheme, actor=office,
                            year=2025, subject_kind=SubjectKind.PERSON, people=people)
    do_open_cycle(cycle, actor=office)
    do_link_person(people[0], User.objects.get(username="operator"), actor=office)
    director = User.objects.get(username="director")
    subjects = list(Subject.objects.filter(cycle=cycle).select_related("person", "unit").order_by("code"))
    by_unit: dict[int, list[Subject]] = {}
    for s in subjects:
        by_unit.setdefault(s.unit_id, []).append(s)
    merit = {s.pk: rng.betavariate(5, 2) for s in subjects}

    rating = do_create_campaign(cycle, "2025年度工作人员360度评价（德）", actor=office, indicators=["MORAL"])
    raters: list[Rater] = []
    for s in subjects:
        if s.unit.code == "SFS-A01":
            raters.append(Rater(s, "superior", director))
        colleagues = [c for c in by_unit[s.unit_id] if c.pk != s.pk]
        raters += [Rater(s, "peer", invitee=f"同事 {c.name}") for c in colleagues[:4]]
    tasks = do_assign_raters(rating, raters, actor=office)
    do_open_campaign(rating, actor=office)
    levels = [95.0, 80.0, 65.0, 40.0]
    for task in tasks:
        m = merit[task.subject_id]
        level = levels[0] if m > 0.8 else levels[1] if m > 0.45 else levels[2] if m > 0.2 else levels[3]
        if rng.random() < 0.25:
            level = levels[min(3, max(0, levels.index(level) + rng.choice([-1, 1])))]
        do_submit_rating(task, {"MORAL": level}, actor=task.rater, token="" if task.rater else task.token,
                         comment=rng.choice(COMMENTS[:2]) if rng.random() < 0.2 else "",
                         now=_at("2025-12-18T15:00"))
    do_close_campaign(rating, actor=office)

    vote = do_create_campaign(cycle, "2025年度民主测评", actor=office, kind=CampaignKind.DEMOCRATIC,
                              indicator="DEMOCRATIC")
    voters = [Rater(s, "peer", invitee=f"测评票{k + 1:02}") for s in subjects
              for k in range(len(by_unit[s.unit_id]) + 3)]
    ballots = do_assign_raters(vote, voters, actor=office)
    do_open_campaign(vote, actor=office)
    for task in ballots:
        m = merit[task.subject_id] + rng.gauss(0, 0.15)
        choice = "excellent" if m > 0.75 else "competent" if m > 0.3 else "basic" if m > 0.1 else "incompetent"
        do_submit_rating(task, {"vote": choice}, actor=None, token=task.token, now=_at("2025-12-19T10:00"))
    do_tally_votes(vote, actor=office)
    do_close_campaign(vote, actor=office)

    rows: list[tuple[int, str, str, float]] = []
    for s in subjects:
        m = merit[s.pk]
        post = s.category
        values = {"ABILITY": round(8 + 7 * m, 1), "ATTEND": round(min(100, 90 + 10 * m + rng.uniform(-3, 2)), 1),
                  "CLEAN": 0.0}
        if post in ("enforcement", "service"):
            values |= {"TASK_SVC": round(80 + 22 * m, 1), "CLIENT_SAT": round(70 + 28 * m, 1)}
        elif post == "technical":
            values |= {"TASK_TECH": round(78 + 24 * m, 1), "INNOVATE": round(6 + 14 * m, 1)}
        else:
            values |= {"TASK_ADM": round(82 + 20 * m, 1), "COST_CTRL": round(112 - 18 * m, 1)}
        rows += [(len(rows) + 2, s.code, code, v) for code, v in values.items()]
    do_load_values(cycle, rows, actor=office, label="2025年度工作人员考核数据")
    do_close_cycle(cycle, actor=office, confirm=True)
    return cycle
