"""Accounts hardening: a weak password is refused on every path that sets one (the service, the back
office's add form, the create_user command), and sign-in is throttled per username and address
(django-axes) on the web login and the back-office login, with the API offering no way around it."""

from __future__ import annotations

import base64
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.test import Client
from django.utils import translation

from jixiao.accounts.choices import Role
from jixiao.accounts.errors import SignInLockedError, WeakPasswordError
from jixiao.accounts.models import User
from jixiao.accounts.services import check_new_password, do_create_user
from jixiao.ops.demo import ACCOUNTS
from jixiao.ops.demo import PASSWORD as DEMO_PASSWORD

from .conftest import PASSWORD

WEB_LOGIN = "/app/login/"
ADMIN_LOGIN = "/admin/login/"


# ------------------------------------------------------------------------------------------------ passwords
@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("1", "too short"),
        ("a", "too short"),
        ("clerk-wang", "too similar to the username"),
        ("password", "too common"),
        ("20260315", "entirely numeric"),
    ],
)
def test_the_service_refuses_a_weak_password_naming_the_reason(world: Any, password: str, reason: str) -> None:
    with translation.override("en"), pytest.raises(WeakPasswordError) as refused:
        do_create_user("clerk-wang", Role.OPERATOR, actor=world.personas["admin"], password=password)
    assert refused.value.code == "weak_password"
    assert reason in refused.value.text
    assert not User.objects.filter(username="clerk-wang").exists()


def test_the_refusal_is_translated(db: Any) -> None:
    with translation.override("zh-hans"), pytest.raises(WeakPasswordError) as refused:
        check_new_password("password", User(username="clerk-wang"))
    assert "太常见" in refused.value.text  # Django's own translation of "too common"


def test_the_test_world_and_demo_passwords_are_accepted(db: Any) -> None:
    for username in ("office", "op-a", "op-b", "leader-a", "rater", "auditor"):
        check_new_password(PASSWORD, User(username=username))
    for account in ACCOUNTS:
        check_new_password(DEMO_PASSWORD, User(username=account.username, first_name=account.note.split("：")[0]))


def test_the_back_office_add_form_shows_the_reason_on_the_password_field(world: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.personas["admin"])
    form = {"username": "clerk-wang", "first_name": "", "password": "clerk-wang", "role": Role.OPERATOR}
    response = client.post("/admin/accounts/user/add/", form)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["password"]
    assert "too similar to the username" in errors["password"][0]
    assert not User.objects.filter(username="clerk-wang").exists()

    form["password"] = "a-much-better-passphrase"
    assert client.post("/admin/accounts/user/add/", form).status_code == 302
    assert User.objects.get(username="clerk-wang").check_password("a-much-better-passphrase")


def test_the_create_user_command_exits_2_with_the_reason(world: Any, tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("1\n", encoding="utf-8")
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("create_user", "clerk-wang", "--role", "operator", "--password-file", str(secret))
    assert refused.value.returncode == 2
    assert "too short" in str(refused.value)
    assert not User.objects.filter(username="clerk-wang").exists()


def test_the_create_user_command_refuses_an_empty_password_file(world: Any, tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("create_user", "clerk-wang", "--role", "operator", "--password-file", str(secret))
    assert refused.value.returncode == 2
    assert not User.objects.filter(username="clerk-wang").exists()


# ------------------------------------------------------------------------------------------------ throttling
def _sign_in(client: Client, url: str, username: str, password: str, **extra: Any) -> Any:
    return client.post(url, {"username": username, "password": password}, **extra)


def _lockout_text() -> str:
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    with translation.override(settings.LANGUAGE_CODE):
        return SignInLockedError(minutes=minutes).text


def _fail_until_locked(client: Client, url: str, username: str, **extra: Any) -> None:
    """Wrong passwords up to the limit: each is an ordinary refusal but the last, which locks."""
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [_sign_in(client, url, username, "wrong-password", **extra).status_code for _ in range(limit)]
    assert statuses == [200] * (limit - 1) + [429]


@pytest.mark.parametrize("url", [WEB_LOGIN, ADMIN_LOGIN])
def test_the_sign_in_after_the_limit_is_refused_with_429_even_with_the_right_password(world: Any, url: str) -> None:
    client = Client()
    _fail_until_locked(client, url, "office")
    response = _sign_in(client, url, "office", PASSWORD)
    assert response.status_code == 429
    assert _lockout_text() in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lockout_on_the_web_login_holds_on_the_back_office_login_too(world: Any) -> None:
    client = Client()
    _fail_until_locked(client, WEB_LOGIN, "office")
    assert _sign_in(client, ADMIN_LOGIN, "office", PASSWORD).status_code == 429


def test_another_user_and_the_same_user_elsewhere_are_unaffected(world: Any) -> None:
    _fail_until_locked(Client(), WEB_LOGIN, "op-a")
    assert _sign_in(Client(), WEB_LOGIN, "office", PASSWORD).status_code == 302
    assert _sign_in(Client(REMOTE_ADDR="10.1.2.3"), WEB_LOGIN, "op-a", PASSWORD).status_code == 302


def test_sign_in_works_again_after_the_cool_off(world: Any) -> None:
    client = Client()
    _fail_until_locked(client, WEB_LOGIN, "op-a")
    assert _sign_in(client, WEB_LOGIN, "op-a", PASSWORD).status_code == 429
    # Let the cool-off pass: the attempts are as old as if the last one was a cool-off and a minute ago.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
    assert _sign_in(client, WEB_LOGIN, "op-a", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(world.personas["operator_a"].pk)


def test_an_attempt_during_the_lockout_starts_the_wait_again(world: Any) -> None:
    client = Client()
    _fail_until_locked(client, WEB_LOGIN, "op-a")
    almost = settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - almost)
    assert _sign_in(client, WEB_LOGIN, "op-a", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=2))
    assert _sign_in(client, WEB_LOGIN, "op-a", PASSWORD).status_code == 429


def test_a_success_before_the_limit_starts_the_count_again(world: Any) -> None:
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert _sign_in(client, WEB_LOGIN, "op-a", "wrong-password").status_code == 200
    assert _sign_in(client, WEB_LOGIN, "op-a", PASSWORD).status_code == 302
    client.logout()
    for _ in range(limit - 1):
        assert _sign_in(Client(), WEB_LOGIN, "op-a", "wrong-password").status_code == 200


def test_a_forwarded_for_header_does_not_escape_the_lockout_by_default(world: Any) -> None:
    """Without AXES_IPWARE_META_PRECEDENCE_ORDER naming a proxy's header, the address is REMOTE_ADDR: a
    client rotating X-Forwarded-For / X-Real-IP is still one address."""
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [
        _sign_in(Client(), WEB_LOGIN, "op-a", "wrong-password",
                 HTTP_X_FORWARDED_FOR=f"203.0.113.{k}", HTTP_X_REAL_IP=f"203.0.113.{k}").status_code
        for k in range(limit + 1)
    ]
    assert statuses[-2:] == [429, 429]


def test_behind_a_proxy_the_address_comes_from_the_configured_header(world: Any, settings: Any) -> None:
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_REAL_IP",)
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    _fail_until_locked(Client(**proxy), WEB_LOGIN, "op-a", HTTP_X_REAL_IP="198.51.100.7")
    assert _sign_in(Client(**proxy), WEB_LOGIN, "op-a", PASSWORD, HTTP_X_REAL_IP="198.51.100.7").status_code == 429
    assert _sign_in(Client(**proxy), WEB_LOGIN, "op-a", PASSWORD, HTTP_X_REAL_IP="198.51.100.8").status_code == 302


def test_the_api_takes_no_passwords_so_it_is_no_way_around_the_lockout(world: Any) -> None:
    _fail_until_locked(Client(), WEB_LOGIN, "op-a")
    basic = "Basic " + base64.b64encode(f"op-a:{PASSWORD}".encode()).decode()
    response = Client().get("/api/accounts/me", HTTP_AUTHORIZATION=basic)
    assert response.status_code == 401
    assert response.json()["code"] == "not_signed_in"
