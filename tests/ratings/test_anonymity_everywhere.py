"""No page, export or API answer shows a rater group below k, a single rater's score, a rater's name or a comment
of a group below k: every answer that shows ratings is fetched by every persona and searched.

Unit A's LEAD in the open cycle: superior 90, 85, 80 (an open group: shown); peer 70, 75 (2 < k = 3: withheld,
mean 72.5); public 88 from the world and 31.4 from an invited deputy (2 < k: withheld, mean 59.7), with the
deputy's comment. A second subject (unit B) has 3 public ratings and its public mean is shown."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from jixiao.ratings.services import Rater, do_assign_raters, do_create_campaign, do_open_campaign, do_submit_rating
from jixiao.results.services import do_compute_cycle

from .conftest import client_for, peers

SECRETS = ("72.5", "59.7", "31.4", "暗访发现窗口人员脱岗", "市人大代表 张某")
PERSONAS = ("admin", "auditor", "operator_a", "operator_b", "leader", "rater", "public")


def text_of(response: Any) -> str:
    """A response's text; an Excel file's cells joined."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row)
    return content.decode("utf-8", errors="replace")


@pytest.fixture
def rated(world: Any) -> Any:
    admin = world.personas["admin"]
    a, b = world.subject(world.open, world.unit_a), world.subject(world.open, world.unit_b)
    campaign = do_create_campaign(world.open, "年度评价", actor=admin)
    raters = peers(2, "pub")
    deputy, *b_tasks = do_assign_raters(
        campaign, [Rater(a, "public", invitee="市人大代表 张某"), *(Rater(b, "public", r) for r in raters)],
        actor=admin)
    do_open_campaign(campaign, actor=admin)
    do_submit_rating(deputy, {"LEAD": 31.4}, actor=None, token=deputy.token, comment="暗访发现窗口人员脱岗")
    for task, r, score in zip(b_tasks, raters, [64, 66], strict=True):
        do_submit_rating(task, {"LEAD": score}, actor=r, comment="办事效率高")
    do_compute_cycle(world.open, actor=None)
    return world


ANSWERS = (
    "/app/ratings/2026/results/A/",
    "/api/ratings/2026/results/A",
    "/app/cycles/2026/units/A/explanation/",
    "/api/cycles/2026/results/A",
    "/api/cycles/2026/results/A?lang=en",
    "/app/cycles/2026/units/A/",
    "/app/cycles/2026/units/A/?export=nodes",
    "/public/2026/A/",
    "/app/ratings/",
    "/api/ratings/tasks",
)


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_answer_shows_a_group_below_k_to_anyone(rated: Any, persona: str) -> None:
    client = client_for(rated, persona)
    for url in ANSWERS:
        body = text_of(client.get(url))
        for secret in SECRETS:
            assert secret not in body, f"{persona} sees {secret!r} at {url}"


def test_the_groups_that_reach_k_are_shown_to_the_unit_and_the_office(rated: Any) -> None:
    for persona in ("operator_a", "leader", "admin"):
        answer = client_for(rated, persona).get("/api/ratings/2026/results/A").json()
        [lead] = answer["indicators"]
        assert [(g["group"], g["count"], g["mean"]) for g in lead["groups"]] == [("superior", 3, 85.0)]
        assert lead["withheld"] is True
        assert answer["comments"] == []
    b = client_for(rated, "admin").get("/api/ratings/2026/results/B").json()
    groups = {g["group"]: (g["count"], g["mean"]) for g in b["indicators"][0]["groups"]}
    assert groups["public"] == (3, round((88 + 64 + 66) / 3, 4))
    assert b["comments"] == []  # two comments: fewer than k, withheld
    page = client_for(rated, "operator_a").get("/app/ratings/2026/results/A/").content.decode()
    assert "85.0" in page


def test_a_unit_sees_no_other_units_results_and_a_rater_none(rated: Any) -> None:
    assert client_for(rated, "operator_b").get("/api/ratings/2026/results/A").status_code == 404
    assert client_for(rated, "rater").get("/api/ratings/2026/results/A").status_code == 404
    assert client_for(rated, "public").get("/api/ratings/2026/results/A").status_code in (401, 404)
    explanation = client_for(rated, "admin").get("/api/cycles/2026/results/A").json()["text"]
    assert "上级 85 分" in explanation
    assert "评价人数不足 3 人" in explanation


@pytest.mark.parametrize("persona", ["operator_a", "operator_b", "leader", "rater", "public"])
def test_the_campaign_page_and_its_export_are_the_offices(rated: Any, persona: str) -> None:
    from jixiao.ratings.models import Campaign

    pk = Campaign.objects.get().pk
    client = client_for(rated, persona)
    for url in (f"/app/ratings/campaign/{pk}/", f"/app/ratings/campaign/{pk}/?export=assignments",
                "/app/ratings/2026/campaigns/"):
        body = text_of(client.get(url))
        for secret in SECRETS:
            assert secret not in body, f"{persona} sees {secret!r} at {url}"


def test_the_office_exports_the_invitation_links_to_send(rated: Any) -> None:
    from jixiao.ratings.models import Campaign

    campaign = Campaign.objects.get()
    response = client_for(rated, "admin").get(f"/app/ratings/campaign/{campaign.pk}/?export=assignments")
    text = text_of(response)
    assert "市人大代表 张某" in text  # the office knows whom it invited
    # The deputy has rated: their link is spent and not exported again; the pending accounts have no link.
    assert "/rate/" not in text
