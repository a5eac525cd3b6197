"""The inbox tests use the platform's personas and small world (tests/platform/conftest.py, loaded by path
because test folders are not packages): one world per module, each test in its own savepoint. Mail goes to
Django's in-memory outbox (``mail.outbox``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

_spec = importlib.util.spec_from_file_location("jixiao_platform_world_inbox",
                                               Path(__file__).parents[1] / "platform" / "conftest.py")
assert _spec is not None
assert _spec.loader is not None
platform_world = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = platform_world  # dataclasses look their module up there
_spec.loader.exec_module(platform_world)


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Any) -> None:
    settings.PASSWORD_HASHERS = platform_world.FAST_HASHERS
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "kaohe@example.gov.cn"


@pytest.fixture(scope="module")
def shared_world(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """One world for a module of tests, each test in its own savepoint (see tests/platform/conftest.py)."""
    from django.db import transaction
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=platform_world.FAST_HASHERS), \
            transaction.atomic():
        yield platform_world.build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(shared_world: Any, db: Any) -> Any:
    """The shared world, in this test's savepoint; afterwards the audit chain must still verify."""
    from jixiao.audit.services import verify_chain

    yield shared_world
    report = verify_chain()
    assert report.ok, report.problems


def client_for(world: Any, persona: str, lang: str = "zh-hans") -> Client:
    """A client signed in as a persona ("public" stays anonymous)."""
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    if persona != "public":
        client.force_login(world.personas[persona])
    return client


def send(world: Any, *personas: str, **fields: Any) -> list[Any]:
    """Send one notice to each persona (as a service would, in a transaction); the notices, in that order."""
    from django.db import transaction

    from jixiao.inbox.models import Notice
    from jixiao.inbox.services import notify

    users = [world.personas[p] for p in personas]
    fields = {"kind": "other", "title": "测试通知", **fields}
    with transaction.atomic():
        notify(users, **fields)
    return [Notice.objects.filter(recipient=u).latest("pk") for u in users]


@pytest.fixture
def client_as() -> Any:
    return client_for


@pytest.fixture
def send_notice() -> Any:
    return send
