"""A citizen answers the satisfaction survey on a 375 x 812 phone in Chromium (the page never scrolls sideways;
the radio buttons are big enough to tap), and the office then sees the response on the survey's page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots")


def test_a_citizen_answers_on_a_phone_and_the_office_sees_it(world: Any, browser: Any, sign_in: Any,
                                                              live_server: Any) -> None:
    from jixiao.cycles.services import do_create_cycle, do_open_cycle
    from jixiao.engine.schemefile import template_text
    from jixiao.schemes.services import do_import_scheme
    from jixiao.surveys.demo import INTRO, QUESTIONS
    from jixiao.surveys.models import SurveyResponse, SurveyToken
    from jixiao.surveys.services import do_create_survey, do_issue_survey_tokens

    scheme = do_import_scheme(template_text("city-annual"), actor=None)
    cycle = do_open_cycle(do_create_cycle("2026S", "2026年度城市考核", scheme, actor=None, year=2026,
                                          units=[world.unit_a, world.unit_b]), actor=None)
    survey = do_create_survey(cycle, "2026年度服务对象满意度调查", [(q, "SERVQ") for q in QUESTIONS], actor=None,
                              intro=INTRO, min_seconds=1)
    do_issue_survey_tokens(survey, 1, actor=None)
    token = SurveyToken.objects.get(survey=survey).key

    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN", is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    phone = context.new_page()
    response = phone.goto(f"{live_server.url}/survey/{token}/")
    assert response is not None
    assert response.status == 200
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    box = phone.locator("#question-1 .choices label").first.bounding_box()
    assert box is not None
    assert box["height"] >= 44  # a finger's target
    for k, choice in enumerate((0, 1, 1, 2, 0, 1), start=1):
        phone.locator(f"#question-{k} .choices label").nth(choice).tap()
    SHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(SHOTS / "survey-phone.png"), full_page=True)
    phone.locator("#survey-form button[type=submit]").tap()
    phone.wait_for_selector("#survey-thanks")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
    assert SurveyResponse.objects.get().answers == "544354"

    office = sign_in(browser, "office")
    office.goto(f"{live_server.url}/app/surveys/{survey.pk}/")
    assert office.locator("#unit-B td.num").first.inner_text() == "1"
    assert office.locator("#survey-counts .kpi b").first.inner_text() == "1"
    office.context.close()
