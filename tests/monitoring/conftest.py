"""The monitoring tests use the platform's small world (tests/platform/conftest.py, loaded by path because test
folders are not packages): its open cycle "2026" is the one monitored. Unit A's negotiated target of EXEC is 120,
so its plan to the end of March is 30 (120 x 3 / 12)."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

_spec = importlib.util.spec_from_file_location("jixiao_platform_world_monitoring",
                                               Path(__file__).parents[1] / "platform" / "conftest.py")
assert _spec is not None
assert _spec.loader is not None
platform_world = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = platform_world
_spec.loader.exec_module(platform_world)

PASSWORD = platform_world.PASSWORD
#: A clock before any month's value of 2026 is due (January's is due by 10 February): no overdue-data warnings.
BEFORE_DUE = datetime(2026, 2, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any, tmp_path: Any) -> Any:
    from django.utils import translation

    settings.PASSWORD_HASHERS = platform_world.FAST_HASHERS
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    settings.PRIVATE_ROOT = tmp_path / "private"
    # The services' messages in the site's language, whatever a page a test opened in English left active.
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def world(db: Any) -> Any:
    from jixiao.audit.services import verify_chain
    from jixiao.collection.services import do_set_target

    w = platform_world.build_world()
    do_set_target(w.subject(w.open, w.unit_a), "EXEC", actor=None, target=120)
    yield w
    report = verify_chain()
    assert report.ok, report.problems


def client_for(world: Any, persona: str) -> Client:
    client = Client()
    if persona != "public":
        assert client.login(username=world.personas[persona].username, password=PASSWORD)
    return client


def lagging(world: Any, actual: float = 23) -> Any:
    """Unit A's EXEC to the end of March entered by its operator, then the monitoring job run."""
    from jixiao.monitoring.services import do_set_period_value, run_monitoring

    do_set_period_value(world.subject(world.open, world.unit_a), "EXEC", 3, actual,
                        actor=world.personas["operator_a"], version=0)
    return run_monitoring(world.open, now=BEFORE_DUE)
