"""The survey pages and API: the phone page, refusals that keep the citizen's answers, spent and unknown tokens, the
open link's hourly limit, the office's page (counts, exclusions, QR code, token files) and who sees what."""

from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client
from django.urls import reverse

from jixiao.surveys.models import SurveyResponse, SurveyToken
from jixiao.surveys.services import do_compute_survey, do_issue_survey_tokens, do_submit_survey_response

from .conftest import client_for, make_survey

ANSWERS = {"q1": "5", "q2": "4", "q3": "4", "q4": "3", "q5": "5", "q6": "4"}
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


def _page(client: Client, key: str) -> tuple[Any, str]:
    page = client.get(reverse("surveys:answer", args=[key]), HTTP_USER_AGENT=PHONE)
    started = page.content.decode().split('name="started" value="')[1].split('"')[0]
    return page, started


def _token(world: Any, n: int = 2) -> tuple[Any, list[str]]:
    survey = make_survey(world)
    do_issue_survey_tokens(survey, n, actor=None)
    return survey, list(SurveyToken.objects.filter(survey=survey).order_by("pk").values_list("key", flat=True))


def test_the_phone_page_has_big_radio_buttons_and_a_viewport(world: Any) -> None:
    _survey, keys = _token(world)
    page, _started = _page(Client(), keys[0])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert html.count('type="radio"') == 6 * 5
    assert "min-height: 48px" in html
    assert "机关事务局" in html  # the unit being rated


def test_a_citizen_answers_once_and_the_token_is_then_spent(world: Any) -> None:
    _survey, keys = _token(world)
    client = Client()
    _unused, started = _page(client, keys[0])
    done = client.post(reverse("surveys:answer", args=[keys[0]]), {**ANSWERS, "started": started},
                       HTTP_USER_AGENT=PHONE)
    assert done.status_code == 302
    assert done["Location"] == reverse("surveys:thanks", args=[keys[0]])
    assert client.get(done["Location"]).status_code == 200
    assert SurveyResponse.objects.get().answers == "544354"
    again = client.post(reverse("surveys:answer", args=[keys[0]]), {**ANSWERS, "started": started})
    assert again.status_code == 404
    assert "已使用过" in again.content.decode()  # already been used
    assert SurveyResponse.objects.count() == 1
    unknown = client.get(reverse("surveys:answer", args=["no-such-token"]))
    assert unknown.status_code == 404
    assert "不存在" in unknown.content.decode()  # not known


def test_a_missing_answer_shows_the_page_again_with_the_others_kept(world: Any) -> None:
    _survey, keys = _token(world)
    client = Client()
    _unused, started = _page(client, keys[0])
    partial = {k: v for k, v in ANSWERS.items() if k != "q3"}
    page = client.post(reverse("surveys:answer", args=[keys[0]]), {**partial, "started": started})
    html = page.content.decode()
    assert page.status_code == 422
    assert 'id="question-3" class="missing"' in html
    assert re.search(r'name="q1" value="5"[^>]* checked', html)
    assert re.search(r'name="q4" value="3"[^>]* checked', html)
    assert len(re.findall(r"<input[^>]* checked", html)) == 5
    assert not SurveyResponse.objects.exists()
    assert SurveyToken.objects.get(key=keys[0]).used_at is None


def test_a_tampered_page_time_is_refused_and_keeps_the_answers(world: Any) -> None:
    _survey, keys = _token(world)
    page = Client().post(reverse("surveys:answer", args=[keys[0]]), {**ANSWERS, "started": "1.forged"})
    assert page.status_code == 422
    assert "checked" in page.content.decode()
    assert not SurveyResponse.objects.exists()


def test_an_open_link_past_its_hourly_limit_answers_429_and_keeps_the_answers(world: Any) -> None:
    survey = make_survey(world, mode="open", hourly_limit=2)
    key = survey.links.get().key
    client = Client()
    for _k in range(2):
        _unused, started = _page(client, key)
        assert client.post(reverse("surveys:answer", args=[key]), {**ANSWERS, "started": started}).status_code == 302
    _unused, started = _page(client, key)
    page = client.post(reverse("surveys:answer", args=[key]), {**ANSWERS, "started": started})
    assert page.status_code == 429
    assert "每小时最多提交2份" in page.content.decode()  # at most 2 an hour
    assert "checked" in page.content.decode()
    assert SurveyResponse.objects.count() == 2
    assert list(SurveyResponse.objects.values_list("flagged", flat=True)) == [False, True]


def test_a_token_surveys_link_asks_for_the_token(world: Any) -> None:
    survey, keys = _token(world)
    link = survey.links.get().key
    client = Client()
    assert "邀请码" in client.get(reverse("surveys:answer", args=[link])).content.decode()  # asks for the token
    go = client.get(reverse("surveys:answer", args=[link]), {"token": keys[1]})
    assert go["Location"] == reverse("surveys:answer", args=[keys[1]])


def test_the_office_sees_counts_exclusions_qr_codes_and_token_files(world: Any) -> None:
    survey, keys = _token(world, 3)
    do_submit_survey_response(keys[0], [3] * 6, actor=None)
    do_submit_survey_response(keys[1], [5, 4, 4, 3, 5, 4], actor=None)
    do_compute_survey(survey, actor=None)
    office = client_for(world, "admin")
    page = office.get(reverse("surveys:detail", args=[survey.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="excluded-straight"><b>1</b>' in html
    assert 'id="result-B-SERVQ"' in html
    assert reverse("surveys:qr", args=[survey.pk, "B"]) in html
    svg = office.get(reverse("surveys:qr", args=[survey.pk, "B"]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<?xml") or b"<svg" in svg.content[:200]
    tokens = office.get(reverse("surveys:token_file", args=[survey.pk])).content.decode("utf-8-sig").splitlines()
    assert len(tokens) == 2  # the header and the one unused token
    assert keys[2] in tokens[1]
    xlsx = office.get(reverse("surveys:token_file", args=[survey.pk]), {"format": "xlsx"})
    assert xlsx.status_code == 200
    assert office.get(reverse("surveys:list")).status_code == 200


def test_the_office_creates_a_survey_and_loads_a_gbk_csv_of_paper_questionnaires(world: Any) -> None:
    office = client_for(world, "admin")
    created = office.post(reverse("surveys:new"), {
        "cycle": "2026S", "title": "纸质问卷调查", "intro": "", "mode": "open", "min_seconds": 30,
        "hourly_limit": 5, "questions": "SERVQ 服务态度\nSERVQ 办事效率\nSERVQ 总体评价"})
    assert created.status_code == 302
    survey_pk = int(created["Location"].rstrip("/").split("/")[-1])
    csv_text = "单位代码,Q1,Q2,Q3,受访者\nB,5,4,4,张三\nB,3,3,4,李四\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("问卷.csv", csv_text.encode("gbk"), "text/csv")
    office.post(reverse("surveys:paper", args=[survey_pk]), {"file": upload})
    answers = SurveyResponse.objects.filter(survey_id=survey_pk).values_list("answers", flat=True)
    assert sorted(answers) == ["334", "544"]
    bad = office.post(reverse("surveys:new"), {
        "cycle": "2026S", "title": "x", "mode": "open", "min_seconds": 30, "hourly_limit": 5,
        "questions": "COST 成本"})
    assert bad.status_code == 422


def test_operators_see_their_own_units_results_only_and_never_responses(world: Any) -> None:
    survey, keys = _token(world)
    do_submit_survey_response(keys[0], [5, 4, 4, 3, 5, 4], actor=None)
    do_compute_survey(survey, actor=None)
    own = client_for(world, "operator_b").get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert 'id="result-B-SERVQ"' in own
    assert 'id="units"' not in own
    assert client_for(world, "operator_b").get(reverse("surveys:qr", args=[survey.pk, "B"])).status_code == 404
    assert client_for(world, "operator_b").get(reverse("surveys:token_file", args=[survey.pk])).status_code == 404
    other = client_for(world, "operator_a")
    assert other.get(reverse("surveys:detail", args=[survey.pk])).status_code == 404
    assert other.get(reverse("surveys:list")).content.decode().count('id="survey-') == 0
    assert other.get(f"/api/surveys/{survey.pk}/results").status_code == 404
    results = json.loads(client_for(world, "operator_b").get(f"/api/surveys/{survey.pk}/results").content)
    assert [(r["unit"], r["valid"]) for r in results] == [("B", 1)]
    assert client_for(world, "auditor").get(reverse("surveys:detail", args=[survey.pk])).status_code == 200
    assert client_for(world, "auditor").post(reverse("surveys:compute", args=[survey.pk])).status_code == 404


def test_the_public_answers_by_link_and_sees_no_results(world: Any) -> None:
    survey, keys = _token(world)
    public = Client()
    assert public.get(reverse("surveys:detail", args=[survey.pk])).status_code == 302  # to sign in
    assert public.get(f"/api/surveys/{survey.pk}/results").status_code == 401
    assert public.get("/api/surveys/").status_code == 401
    answered = public.post(f"/api/surveys/respond/{keys[0]}", {"answers": [5, 4, 4, 3, 5, 4]},
                           content_type="application/json")
    assert answered.status_code == 200
    assert answered.json()["unit"] == "B"
    spent = public.post(f"/api/surveys/respond/{keys[0]}", {"answers": [5, 4, 4, 3, 5, 4]},
                        content_type="application/json")
    assert (spent.status_code, spent.json()["code"]) == (404, "survey_link")
    short = public.post(f"/api/surveys/respond/{keys[1]}", {"answers": [5, 4]}, content_type="application/json")
    assert (short.status_code, short.json()["code"]) == (422, "survey_input")


def test_the_office_pages_take_a_fixed_number_of_queries(world: Any, django_assert_max_num_queries: Any) -> None:
    survey, keys = _token(world, 3)
    make_survey(world, mode="open")
    for key in keys:
        do_submit_survey_response(key, [5, 4, 4, 3, 5, 4], actor=None)
    do_compute_survey(survey, actor=None)
    office = client_for(world, "admin")
    with django_assert_max_num_queries(12):
        assert office.get(reverse("surveys:list")).status_code == 200
    with django_assert_max_num_queries(16):
        assert office.get(reverse("surveys:detail", args=[survey.pk])).status_code == 200
