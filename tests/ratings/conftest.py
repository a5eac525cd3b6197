"""The rating tests use the platform's small world (tests/platform/conftest.py, loaded by path because test folders
are not packages). Its scheme's LEAD is rated by superior (0.5), peer (0.2) and public (0.3) on 0-100."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

_spec = importlib.util.spec_from_file_location("jixiao_platform_world_ratings",
                                               Path(__file__).parents[1] / "platform" / "conftest.py")
assert _spec is not None
assert _spec.loader is not None
platform_world = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = platform_world
_spec.loader.exec_module(platform_world)

PASSWORD = platform_world.PASSWORD


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any, tmp_path: Any) -> Any:
    from django.utils import translation

    settings.PASSWORD_HASHERS = platform_world.FAST_HASHERS
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    settings.PRIVATE_ROOT = tmp_path / "private"
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def world(db: Any) -> Any:
    from jixiao.audit.services import verify_chain

    w = platform_world.build_world()
    yield w
    report = verify_chain()
    assert report.ok, report.problems


def client_for(world: Any, persona: str) -> Client:
    client = Client()
    if persona != "public":
        assert client.login(username=world.personas[persona].username, password=PASSWORD)
    return client


def peers(n: int, prefix: str = "peer") -> list[Any]:
    """``n`` rater accounts."""
    from jixiao.accounts.choices import Role
    from jixiao.accounts.services import do_create_user

    return [do_create_user(f"{prefix}{k}", Role.RATER, actor=None, password=PASSWORD) for k in range(n)]
