"""The site: the public home page, health check, the API's read endpoints and its OpenAPI docs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from .conftest import PASSWORD


def test_the_health_check_answers(db: Any) -> None:
    r = Client().get("/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


def test_the_home_page_lists_published_cycles_only(world: Any) -> None:
    page = Client().get("/").content.decode()
    assert "2025年度考核" in page
    assert "2026年度考核" not in page


def test_the_public_api_shows_published_cycles_and_results(world: Any) -> None:
    client = Client()
    assert [c["code"] for c in client.get("/api/cycles/").json()] == ["2025"]
    assert client.get("/api/cycles/2026").status_code == 404
    assert client.get("/api/cycles/2026/results").status_code == 404
    results = client.get("/api/cycles/2025/results").json()
    assert {r["unit"] for r in results} == {"A", "A1", "B"}
    assert set(results[0]["points"]) >= {"CORE", "RESP", "LEAD"}
    text = client.get("/api/cycles/2025/results/A").json()["text"]
    assert "市场监管局" in text


def test_an_operator_sees_the_open_cycle_but_not_its_provisional_results(world: Any) -> None:
    client = Client()
    client.login(username="op-a", password=PASSWORD)
    assert {c["code"] for c in client.get("/api/cycles/").json()} == {"2025", "2026"}
    assert client.get("/api/cycles/2026/results").json() == []
    office = Client()
    office.login(username="office", password=PASSWORD)
    assert len(office.get("/api/cycles/2026/results").json()) == 3


def test_the_openapi_docs_are_served(db: Any) -> None:
    client = Client()
    assert client.get("/api/docs").status_code == 200
    assert "/api/cycles/" in client.get("/api/openapi.json").json()["paths"]


def test_the_back_office_pages_open_for_the_office(world: Any) -> None:
    client = Client()
    client.login(username="office", password=PASSWORD)
    for url in [
        "/admin/",
        "/admin/cycles/cycle/",
        "/admin/results/result/",
        "/admin/audit/auditevent/",
        "/admin/schemes/scheme/add/",
        "/admin/indicators/indicator/",
        "/admin/org/unit/",
        "/admin/accounts/user/",
        "/admin/collection/value/add/",
    ]:
        assert client.get(url).status_code == 200, url
    result_pk = world.published.results.first().pk
    assert "得分说明" in client.get(f"/admin/results/result/{result_pk}/change/").content.decode()


@pytest.mark.parametrize("url", ["/admin/collection/value/", "/admin/results/result/", "/admin/cycles/cycle/",
                                 "/admin/audit/auditevent/"])
def test_back_office_lists_take_a_bounded_number_of_queries(world: Any, url: str,
                                                            django_assert_max_num_queries: Any) -> None:
    client = Client()
    client.login(username="office", password=PASSWORD)
    # One permission check per model of the sidebar (a fixed cost that grows with the apps), then one page.
    with django_assert_max_num_queries(32):
        assert client.get(url).status_code == 200


def test_refusals_speak_chinese_by_default_and_english_on_request(world: Any) -> None:
    client = Client()
    zh = client.get("/api/cycles/2026/results").json()
    en = client.get("/api/cycles/2026/results", HTTP_ACCEPT_LANGUAGE="en").json()
    assert zh["code"] == en["code"] == "not_found"
    assert en["message"] == "No such cycle."
    assert zh["message"] == "没有这个考核周期。"
