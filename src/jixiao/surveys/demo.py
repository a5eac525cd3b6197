"""The demo city's satisfaction survey: for the open cycle SFS-2026 (``jixiao.ops.demo``), a survey of SERVQ
服务对象满意度 with six questions, invitation tokens for each category B unit (SFS-B01..B10), a few dozen answers
per unit through the survey page's service and the rest as typed-in paper questionnaires (150-400 per unit in
all, some too fast, some straight-lined, a few duplicates), and the results computed into the units' values.

Everything goes through the service functions (so its audit trail is complete), from a seeded random generator:
the same survey every time.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from jixiao.cycles.models import Cycle, Subject
from jixiao.surveys.choices import Channel, SurveyMode
from jixiao.surveys.models import Survey, SurveyToken
from jixiao.surveys.services import (
    do_compute_survey,
    do_create_survey,
    do_issue_survey_tokens,
    do_load_survey_responses,
    do_submit_survey_response,
    survey_indicators,
)

TITLE = "2026年度服务对象满意度调查"
INTRO = "为了解您对本单位服务的评价，请根据您最近一次办事的实际感受作答。问卷匿名，约需2分钟。"
QUESTIONS = [
    "您对工作人员的服务态度是否满意？",
    "您对办事流程的便捷程度是否满意？",
    "您对办理时限和效率是否满意？",
    "您对政策解答和信息公开是否满意？",
    "您对办事环境和设施是否满意？",
    "总体而言，您对该单位的服务是否满意？",
]
#: Answers given online per unit (each a call of the survey page's service); the rest are paper questionnaires.
ONLINE = 30


def _answers(rng: random.Random, skill: float) -> list[int]:
    """Six answers of a respondent of a unit of ``skill`` in [0, 1]: centred between 3 and 4.6."""
    centre = 3.0 + 1.6 * skill + rng.gauss(0, 0.6)
    return [min(5, max(1, round(centre + rng.gauss(0, 0.7)))) for _q in QUESTIONS]


def load_demo_surveys(cycle: Cycle, *, seed: int = 2026, actor: Any = None) -> Survey:
    """Create, fill and compute the demo survey of ``cycle`` (an open cycle of the ``city-annual`` scheme, or any
    with a measured survey indicator); returns it. Each unit gets 300-600 tokens, of which about half are used."""
    rng = random.Random(seed)
    indicator = next(leaf.code for leaf in survey_indicators(cycle))
    survey = do_create_survey(cycle, TITLE, [(q, indicator) for q in QUESTIONS], actor=actor,
                              mode=SurveyMode.TOKEN, intro=INTRO)
    subjects = list(Subject.objects.filter(pk__in=survey.links.values("subject_id")).order_by("code"))
    now = timezone.now()
    for subject in subjects:
        issued = rng.randint(300, 600)
        do_issue_survey_tokens(survey, issued, actor=actor, subjects=[subject])
        skill = rng.betavariate(4, 2)
        # At most 85 % of the tokens answered: a few paper questionnaires are typed in twice (duplicates).
        answered = min(int(issued * 0.85), rng.randint(150, 400))
        keys = list(SurveyToken.objects.filter(survey=survey, subject=subject).order_by("pk")
                    .values_list("key", flat=True)[:answered])
        for k, key in enumerate(keys[:ONLINE]):
            answers = _answers(rng, skill)
            if k % 10 == 3:
                answers = [answers[0]] * len(QUESTIONS)  # straight-lined
            seconds = rng.choice([8, 12, 15]) if k % 10 == 7 else rng.randint(45, 300)  # some far too fast
            ip = f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
            at = now - timedelta(days=rng.randint(1, 20), minutes=rng.randint(0, 600))
            do_submit_survey_response(key, answers, actor=actor, started_at=at - timedelta(seconds=seconds), ip=ip,
                                      user_agent="Mozilla/5.0 (iPhone) Mobile", channel=Channel.WEB, now=at)
        rows: list[tuple[int, str, list[int], None, str]] = []
        for k in range(answered - len(keys[:ONLINE])):
            answers = _answers(rng, skill)
            if rng.random() < 0.04:
                answers = [rng.choice([4, 5])] * len(QUESTIONS)
            respondent = f"{subject.code}-R{k:04}"
            rows.append((k + 2, subject.code, answers, None, respondent))
            if rng.random() < 0.015:  # the same questionnaire typed in twice
                rows.append((k + 2, subject.code, answers, None, respondent))
        # The paper questionnaires returned with the invitation letters take up the remaining tokens' share.
        do_load_survey_responses(survey, rows, actor=actor, label=f"{subject.code} 纸质问卷录入.xlsx")
    do_compute_survey(survey, actor=actor)
    return survey
