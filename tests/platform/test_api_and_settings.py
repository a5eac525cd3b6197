"""The rest of the API, the settings helpers and the serve command's guard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from jixiao.collection.services import do_set_rating, do_set_target
from jixiao.core.env import env_bool, env_int, env_list, env_str
from jixiao.core.errors import PermissionDeniedError
from jixiao.cycles.errors import CycleStateError
from jixiao.engine import read_scheme_text

from .conftest import PASSWORD


def _client(username: str | None) -> Client:
    client = Client()
    if username:
        assert client.login(username=username, password=PASSWORD)
    return client


def test_the_results_list_takes_a_fixed_number_of_queries(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    client = _client(None)
    with django_assert_max_num_queries(4):
        assert len(client.get("/api/cycles/2025/results").json()) == 3


def test_me_says_who_i_am_and_the_public_gets_401(world: Any) -> None:
    assert _client("leader-a").get("/api/accounts/me").json() == {
        "username": "leader-a",
        "role": "leader",
        "units": ["A"],
    }
    r = _client(None).get("/api/accounts/me")
    assert r.status_code == 401
    assert r.json()["code"] == "not_signed_in"


def test_a_published_schemes_yaml_is_public_and_imports_back(world: Any) -> None:
    scheme = world.published.scheme
    text = _client(None).get(f"/api/schemes/{scheme.code}/{scheme.version}.yaml").content.decode()
    assert read_scheme_text(text) == scheme.engine


def test_the_audit_api_is_for_the_office_and_auditors(world: Any) -> None:
    assert _client("auditor").get("/api/audit/verify").json()["ok"] is True
    assert len(_client("office").get("/api/audit/events?limit=5").json()) == 5
    assert _client("op-a").get("/api/audit/events").json() == []
    assert _client("op-a").get("/api/audit/verify").status_code == 404


def test_units_and_indicators_are_listed(world: Any) -> None:
    units = _client(None).get("/api/units/").json()
    assert [u["code"] for u in units] == ["CITY", "A", "A1", "B"]
    assert units[2]["parent"] == "A"
    assert {i["code"] for i in _client("rater").get("/api/indicators/").json()} >= {"RESP", "LEAD", "MAJOR"}


def test_the_office_enters_a_panels_rating_and_a_rater_rates_only_through_an_assignment(world: Any) -> None:
    subject = world.subject(world.open, world.unit_b)
    rating = do_set_rating(subject, "LEAD", "peer", 77, actor=world.personas["admin"], rater="专家组-1")
    assert (rating.rater, rating.rater_user) == ("专家组-1", None)
    with pytest.raises(CycleStateError):
        do_set_rating(world.subject(world.published, world.unit_b), "LEAD", "peer", 77, actor=world.personas["admin"],
                      rater="专家组-1")
    for persona in ("rater", "operator_b"):
        # A rater does not pick a group of their own: the office assigns one (jixiao.ratings).
        with pytest.raises(PermissionDeniedError):
            do_set_rating(subject, "LEAD", "peer", 77, actor=world.personas[persona])


def test_negotiated_targets_are_the_offices(world: Any) -> None:
    subject = world.subject(world.open, world.unit_a)
    target = do_set_target(subject, "RESP", actor=world.personas["admin"], target=95)
    assert (target.floor, target.target) == (None, 95)
    with pytest.raises(PermissionDeniedError):
        do_set_target(subject, "RESP", actor=world.personas["leader"], target=90)


def test_the_env_helpers_fail_loudly_and_read_secret_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret = tmp_path / "key"
    secret.write_text("s3cret\n", encoding="utf-8")
    monkeypatch.delenv("JX_TEST_KEY", raising=False)
    monkeypatch.setenv("JX_TEST_KEY_FILE", str(secret))
    assert env_str("JX_TEST_KEY") == "s3cret"
    monkeypatch.setenv("JX_TEST_INT", "eight")
    with pytest.raises(ImproperlyConfigured, match="JX_TEST_INT"):
        env_int("JX_TEST_INT", 1)
    monkeypatch.setenv("JX_TEST_BOOL", "on")
    assert env_bool("JX_TEST_BOOL", False) is True
    monkeypatch.setenv("JX_TEST_LIST", "a, b,,c")
    assert env_list("JX_TEST_LIST", []) == ["a", "b", "c"]


def test_serve_refuses_a_public_address_with_the_embedded_key(db: Any) -> None:
    with pytest.raises(CommandError, match="SECRET_KEY"):
        call_command("serve", "--host", "0.0.0.0")


def test_a_value_keeps_its_provenance_and_evidence(world: Any, settings: Any, tmp_path: Path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jixiao.audit.models import AuditEvent
    from jixiao.collection.services import do_set_value

    settings.MEDIA_ROOT = str(tmp_path)
    operator = world.personas["operator_a"]
    value = do_set_value(
        world.subject(world.open, world.unit_a),
        "EXEC",
        96.5,
        actor=operator,
        source="manual",
        note="财政一体化系统截图",
        evidence=SimpleUploadedFile("预算执行.pdf", b"%PDF-1.4 ..."),
    )
    assert (value.source, value.entered_by, value.note) == ("manual", operator, "财政一体化系统截图")
    from jixiao.evidence.models import Evidence

    evidence = Evidence.objects.get(value=value)
    assert evidence.file.name.startswith("evidence/")
    assert evidence.name == "预算执行.pdf"
    assert Path(evidence.file.path).read_bytes() == b"%PDF-1.4 ..."
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "evidence.attach"
