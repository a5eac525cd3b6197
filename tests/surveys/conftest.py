"""The survey tests use the platform's small world (tests/platform/conftest.py, loaded by path because test folders
are not packages), plus a cycle on the ``city-annual`` scheme (whose SERVQ 服务对象满意度 comes from a survey and
applies to category B units only): unit B is surveyed, units A and A1 are not."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

_spec = importlib.util.spec_from_file_location("jixiao_platform_world_surveys",
                                               Path(__file__).parents[1] / "platform" / "conftest.py")
assert _spec is not None
assert _spec.loader is not None
platform_world = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = platform_world
_spec.loader.exec_module(platform_world)

PASSWORD = platform_world.PASSWORD
QUESTIONS = [(f"问题{k}", "SERVQ") for k in range(1, 7)]


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any, tmp_path: Any) -> Any:
    from django.utils import translation

    settings.PASSWORD_HASHERS = platform_world.FAST_HASHERS
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    settings.PRIVATE_ROOT = tmp_path / "private"
    with translation.override("en"):
        yield


def survey_cycle(world: Any) -> Any:
    """An open cycle "2026S" on the city-annual scheme for units A, A1 and B."""
    from jixiao.cycles.services import do_create_cycle, do_open_cycle
    from jixiao.engine.schemefile import template_text
    from jixiao.schemes.services import do_import_scheme

    scheme = do_import_scheme(template_text("city-annual"), actor=None)
    cycle = do_create_cycle("2026S", "2026年度城市考核", scheme, actor=None, year=2026,
                            units=[world.unit_a, world.unit_a1, world.unit_b])
    return do_open_cycle(cycle, actor=None)


@pytest.fixture
def world(db: Any) -> Any:
    from jixiao.audit.services import verify_chain

    w = platform_world.build_world()
    w.surveyed = survey_cycle(w)
    yield w
    report = verify_chain()
    assert report.ok, report.problems


def make_survey(world: Any, mode: str = "token", **kwargs: Any) -> Any:
    from jixiao.surveys.services import do_create_survey

    return do_create_survey(world.surveyed, "满意度调查", QUESTIONS, actor=None, mode=mode, **kwargs)


def client_for(world: Any, persona: str) -> Client:
    client = Client()
    if persona != "public":
        assert client.login(username=world.personas[persona].username, password=PASSWORD)
    return client
