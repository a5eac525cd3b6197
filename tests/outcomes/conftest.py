"""Using the results is tested on the platform's small world (tests/platform/conftest.py, loaded by path because
test folders are not packages): its cycle "2025" is published, "2026" open with provisional results. Units: A
(市场监管局, category A), A1 (市场监管局东城所, A) and B (机关事务局, B)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

_spec = importlib.util.spec_from_file_location("jixiao_platform_world_outcomes",
                                               Path(__file__).parents[1] / "platform" / "conftest.py")
assert _spec is not None
assert _spec.loader is not None
platform_world = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = platform_world
_spec.loader.exec_module(platform_world)


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Any) -> Any:
    from django.utils import translation

    settings.PASSWORD_HASHERS = platform_world.FAST_HASHERS
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    settings.PRIVATE_ROOT = tmp_path / "private"
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def world(db: Any) -> Any:
    from jixiao.audit.services import verify_chain

    yield platform_world.build_world()
    report = verify_chain()
    assert report.ok, report.problems


@pytest.fixture
def english() -> Any:
    """Messages in English, for tests that read a refusal's words."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def closed_world(db: Any) -> Any:
    return platform_world.build_world(with_closed=True)


def client_for(world: Any, persona: str) -> Client:
    client = Client()
    if persona != "public":
        client.force_login(world.personas[persona])
    return client


def write_csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8-sig") -> Path:
    import csv

    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path
