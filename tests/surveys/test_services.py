"""The survey services on the platform's world: tokens, the open link's hourly limit, the quality checks and the
values written with their provenance and audit events.

Hand-worked result (unit B, token mode, 4 tokens issued): answers 555444 (mean 4.5 -> 87.5), 444433 (3.667 ->
66.667), 123451 after 10 s (too fast), 333333 (straight-lined, 6 questions). Valid: 2; value (87.5 + 66.667) / 2
= 77.08; sd = 20.833 / sqrt(2) = 14.731; margin 1.96 * 14.731 / sqrt(2) * sqrt((4 - 2) / (4 - 1)) = 16.67; rate
4 / 4 = 100 %.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from jixiao.audit.models import AuditEvent
from jixiao.collection.models import Value
from jixiao.core.errors import ImportRefusedError
from jixiao.surveys.errors import SurveyInputError, SurveyLinkError, SurveyRateLimitedError
from jixiao.surveys.models import SurveyResponse, SurveyResult, SurveyToken
from jixiao.surveys.services import (
    do_close_survey,
    do_compute_survey,
    do_issue_survey_tokens,
    do_load_survey_responses,
    do_submit_survey_response,
)

from .conftest import make_survey


def _keys(survey: Any) -> list[str]:
    return list(SurveyToken.objects.filter(survey=survey).order_by("pk").values_list("key", flat=True))


def test_a_survey_links_only_the_units_its_indicator_applies_to(world: Any) -> None:
    survey = make_survey(world)
    assert list(survey.links.values_list("subject__code", flat=True)) == ["B"]


def test_it_refuses_a_question_mapped_to_an_indicator_not_from_a_survey(world: Any) -> None:
    from jixiao.surveys.services import do_create_survey

    with pytest.raises(SurveyInputError, match="Q1"):
        do_create_survey(world.surveyed, "t", [("q", "COST")], actor=None)


def test_a_token_is_spent_after_one_response_and_a_second_changes_nothing(world: Any) -> None:
    survey = make_survey(world)
    do_issue_survey_tokens(survey, 2, actor=world.personas["admin"])
    key = _keys(survey)[0]
    do_submit_survey_response(key, [5, 4, 4, 3, 5, 4], actor=None, ip="1.2.3.4")
    assert SurveyToken.objects.get(key=key).used_at is not None
    with pytest.raises(SurveyLinkError, match="already been used"):
        do_submit_survey_response(key, [1, 1, 1, 1, 1, 2], actor=None, ip="1.2.3.4")
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_an_unknown_key_and_a_closed_survey_are_refused(world: Any) -> None:
    survey = make_survey(world, mode="open")
    with pytest.raises(SurveyLinkError, match="not known"):
        do_submit_survey_response("no-such-key", [5] * 6, actor=None)
    do_close_survey(survey, actor=None)
    with pytest.raises(SurveyLinkError, match="closed"):
        do_submit_survey_response(survey.links.get().key, [5] * 6, actor=None)
    assert not SurveyResponse.objects.exists()


def test_a_missing_answer_names_its_question(world: Any) -> None:
    survey = make_survey(world, mode="open")
    with pytest.raises(SurveyInputError, match="Q3"):
        do_submit_survey_response(survey.links.get().key, [5, 4, None, 3, 5, 4], actor=None)


def test_an_open_link_refuses_a_network_past_its_hourly_limit_and_flags_duplicates(world: Any) -> None:
    survey = make_survey(world, mode="open", hourly_limit=3)
    key = survey.links.get().key
    # Duplicates are looked for within the local day: the answers below span an hour, so they start at local noon
    # (run at 23:58 the three would fall on two days and the third would not be flagged).
    now = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    for k in range(3):
        do_submit_survey_response(key, [5, 4, 4, 3, 5, 4], actor=None, ip="9.9.9.9", user_agent="ua",
                                  now=now + timedelta(minutes=k))
    with pytest.raises(SurveyRateLimitedError) as refused:
        do_submit_survey_response(key, [5, 4, 4, 3, 5, 4], actor=None, ip="9.9.9.9", now=now + timedelta(minutes=5))
    assert refused.value.status == 429
    do_submit_survey_response(key, [5, 4, 4, 3, 5, 4], actor=None, ip="8.8.8.8", now=now + timedelta(minutes=5))
    do_submit_survey_response(key, [5, 4, 4, 3, 5, 4], actor=None, ip="9.9.9.9", now=now + timedelta(minutes=61))
    flagged = list(SurveyResponse.objects.order_by("pk").values_list("flagged", flat=True))
    assert flagged == [False, True, True, False, False]


def test_computing_excludes_with_reasons_and_writes_values_with_provenance(world: Any) -> None:
    survey = make_survey(world)
    do_issue_survey_tokens(survey, 4, actor=None)
    now = timezone.now()
    for key, answers, seconds in zip(_keys(survey), ("555444", "444433", "123451", "333333"), (90, 60, 10, 80),
                                     strict=True):
        do_submit_survey_response(key, list(answers), actor=None, ip="1.1.1.1", now=now,
                                  started_at=now - timedelta(seconds=seconds))
    last = AuditEvent.objects.order_by("-seq").first().seq
    (result,) = do_compute_survey(survey, actor=world.personas["admin"])
    assert (result.responses, result.valid, result.excluded) == (4, 2, {"fast": 1, "straight": 1})
    assert result.value == pytest.approx(77.08, abs=0.005)
    assert result.sd == pytest.approx(14.731, abs=0.001)
    assert result.margin == pytest.approx(16.67, abs=0.01)
    assert result.rate == 1.0
    assert result.note == "Survey: 2 valid responses, response rate 100.0%, 95% confidence interval ±16.7"
    value = Value.objects.get(subject__cycle=world.surveyed, subject__unit=world.unit_b, indicator="SERVQ")
    assert (value.value, value.source, value.note, value.version) == (77.08, "survey", result.note, 1)
    assert sorted(SurveyResponse.objects.values_list("answers", "exclusion")) == [
        ("123451", "fast"), ("333333", "straight"), ("444433", ""), ("555444", "")]
    actions = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq").values_list("action", flat=True))
    assert actions == ["value.set", "survey.compute"]
    # Computing again gives the same result and a new version of the value; nothing is deleted.
    do_compute_survey(survey, actor=None)
    assert SurveyResult.objects.get().value == result.value
    assert Value.objects.get(pk=value.pk).version == 2
    assert SurveyResponse.objects.count() == 4


def test_loading_paper_questionnaires_is_all_or_nothing_and_names_row_and_column(world: Any) -> None:
    survey = make_survey(world)
    rows = [(2, "B", [5, 5, 4, 4, 3, 5], None, "R1"), (3, "B", [5, 6, 4, 4, 3, 5], 50, ""),
            (4, "A", [5, 5, 4, 4, 3, 5], None, ""), (5, "B", [5, 5, 4, 4, 3, 5], -1, "")]
    with pytest.raises(ImportRefusedError) as refused:
        do_load_survey_responses(survey, rows, actor=None, label="纸质.xlsx")
    assert [(p[1], p[2]) for p in refused.value.problems] == [(3, "Q2"), (4, "unit"), (5, "seconds")]
    assert not SurveyResponse.objects.exists()
    counts = do_load_survey_responses(survey, [rows[0], rows[0], (3, "B", "123454", 40)], actor=None, label="ok")
    assert counts == {"rows": 3, "B": 3}
    (result,) = do_compute_survey(survey, actor=None)
    assert (result.valid, result.excluded) == (2, {"duplicate": 1})


def test_a_unit_without_valid_answers_gets_a_result_and_no_value(world: Any) -> None:
    survey = make_survey(world)
    (result,) = do_compute_survey(survey, actor=None)
    assert (result.valid, result.value, result.margin) == (0, None, None)
    assert not Value.objects.filter(subject__cycle=world.surveyed, indicator="SERVQ").exists()


def test_the_demo_survey_loads_and_computes_on_a_small_cycle(world: Any) -> None:
    from jixiao.surveys.demo import load_demo_surveys

    survey = load_demo_surveys(world.surveyed)
    (result,) = survey.results.all()
    assert 150 <= result.responses <= 400
    assert set(result.excluded) == {"fast", "straight", "duplicate"}
    assert 0 < result.value < 100
    assert Value.objects.get(subject__cycle=world.surveyed, indicator="SERVQ").note.startswith("Survey:")
