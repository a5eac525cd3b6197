"""The review tests use the platform's small world (tests/platform/conftest.py, loaded by path because test
folders are not packages): its closed cycle "2026H1" is the one reviewed, put to publicity and appealed.
Times are given to the services (``now=``): a test controls the clock without patching it."""

from __future__ import annotations

import importlib.util
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

_spec = importlib.util.spec_from_file_location("jixiao_platform_world_review",
                                               Path(__file__).parents[1] / "platform" / "conftest.py")
assert _spec is not None
assert _spec.loader is not None
platform_world = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = platform_world
_spec.loader.exec_module(platform_world)

PASSWORD = platform_world.PASSWORD

#: The clock of these tests: the publicity starts at T0 and lasts 7 days.
T0 = timezone.make_aware(datetime(2026, 7, 6, 9, 0))
END = T0 + timedelta(days=7)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any, tmp_path: Any) -> None:
    settings.PASSWORD_HASHERS = platform_world.FAST_HASHERS
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def world(db: Any) -> Any:
    from jixiao.audit.services import verify_chain

    w = platform_world.build_world(with_closed=True)
    yield w
    report = verify_chain()
    assert report.ok, report.problems


def client_for(world: Any, persona: str) -> Client:
    client = Client()
    if persona != "public":
        assert client.login(username=world.personas[persona].username, password=PASSWORD)
    return client


def in_publicity(world: Any, start: datetime = T0) -> Any:
    """The closed cycle, reviewed and in publicity from ``start`` for 7 days."""
    from jixiao.review.services import do_confirm_review, do_start_publicity

    do_confirm_review(world.closed, actor=world.personas["admin"])
    return do_start_publicity(world.closed, actor=world.personas["admin"], days=7, confirm=True, now=start)


def lodged_appeal(world: Any, *, target: str = "indicator", indicator: str = "EXEC") -> Any:
    """Unit A's appeal in the closed cycle's publicity, drafted by its operator and signed by its leader."""
    from jixiao.review.services import do_draft_appeal, do_sign_appeal

    appeal = do_draft_appeal(world.subject(world.closed, world.unit_a), actor=world.personas["operator_a"],
                             target=target, indicator=indicator, grounds="执行率按调整后预算计算应为更高",
                             now=T0 + timedelta(days=1))
    return do_sign_appeal(appeal, actor=world.personas["leader"], now=T0 + timedelta(days=1, hours=2))


@pytest.fixture(scope="module")
def shared_world(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """One world for a module of tests, each test in its own savepoint (see tests/platform/conftest.py)."""
    from django.db import transaction
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=platform_world.FAST_HASHERS), \
            transaction.atomic():
        yield platform_world.build_world(with_closed=True)
        transaction.set_rollback(True)
