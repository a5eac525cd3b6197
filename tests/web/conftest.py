"""The web tests use the platform's personas and small world (tests/platform/conftest.py), loaded by path
because test folders are not packages, plus a city of any size for the query-count tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

_spec = importlib.util.spec_from_file_location("jixiao_platform_world",
                                               Path(__file__).parents[1] / "platform" / "conftest.py")
assert _spec is not None
assert _spec.loader is not None
platform_world = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = platform_world  # dataclasses look their module up there
_spec.loader.exec_module(platform_world)

PASSWORD = platform_world.PASSWORD
build_world = platform_world.build_world


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = platform_world.FAST_HASHERS


@pytest.fixture(autouse=True)
def _audit_checkpoints(settings: Any, tmp_path: Any) -> None:
    """Each test its own audit checkpoint file (see tests/platform/conftest.py)."""
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    settings.PRIVATE_ROOT = tmp_path / "private"  # uploaded import files, likewise out of DATA_DIR


@pytest.fixture
def world(db: Any) -> Any:
    return build_world()


@pytest.fixture
def client_as() -> Any:
    return client_for


@pytest.fixture
def city() -> Any:
    return build_city


def client_for(world: Any, persona: str) -> Client:
    """A client signed in as a persona ("public" stays anonymous); Chinese unless a test switches."""
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    user = world.personas[persona]
    if persona != "public":
        client.force_login(user)
    return client


def build_city(prefix: str, n: int, *, year: int = 2026) -> Any:
    """A published last-year cycle and an open, computed this-year cycle over ``n`` units (all through the
    services), for checking that a page's query count does not grow with the number of units."""
    from jixiao.collection.services import do_load_ratings, do_load_values
    from jixiao.cycles.services import do_close_cycle, do_create_cycle, do_open_cycle
    from jixiao.engine.schemefile import template_text
    from jixiao.org.choices import Level
    from jixiao.org.models import Category
    from jixiao.org.services import do_create_category, do_create_unit
    from jixiao.results.services import do_compute_cycle
    from jixiao.schemes.models import Scheme
    from jixiao.schemes.services import do_import_scheme

    cats = [Category.objects.filter(code=c).first() or do_create_category(c, f"类别{c}", actor=None) for c in "AB"]
    scheme = Scheme.objects.filter(code="core-leader-negative").first() or do_import_scheme(
        template_text("core-leader-negative"), actor=None)
    root = do_create_unit(f"{prefix}", f"{prefix}市", Level.CITY, actor=None)
    units = [do_create_unit(f"{prefix}-{k:03}", f"{prefix}单位{k}", Level.DEPARTMENT, actor=None, parent=root,
                            category=cats[k % 2]) for k in range(n)]
    cycles = []
    for y in (year - 1, year):
        cycle = do_create_cycle(f"{prefix}-{y}", f"{prefix} {y}", scheme, actor=None, year=y, units=units)
        do_open_cycle(cycle, actor=None)
        rows = []
        for k, u in enumerate(units):
            for code, v in (("RESP", 85 + k % 15), ("DAYS", 5 + k % 10), ("EXEC", 90 + k % 10), ("ONSITE", 1.5),
                            ("NEG", k % 3)):
                rows.append((len(rows) + 2, u.code, code, float(v)))
        do_load_values(cycle, rows, actor=None)
        do_load_ratings(cycle, [(u.code, "LEAD", g, f"{g}-1", 70.0 + k % 30)
                                for k, u in enumerate(units) for g in ("superior", "peer", "public")], actor=None)
        if y < year:
            do_close_cycle(cycle, actor=None, confirm=True)
            platform_world.publish_final(cycle)
        else:
            do_compute_cycle(cycle, actor=None)
        cycles.append(cycle)
    return cycles[-1]


def entry_post(cycle: str, unit: str, values: dict[str, str], action: str = "save", **extra: Any) -> dict[str, Any]:
    """The entry form's POST as a page would send it: for each item changed, its value with the version and the
    text the page showed (read from what is stored now)."""
    from jixiao.collection.models import Value

    stored = {v.indicator: v for v in Value.objects.filter(subject__cycle__code=cycle, subject__code=unit)}
    data: dict[str, Any] = {"action": action, **extra}
    for code, text in values.items():
        v = stored.get(code)
        data.update({f"v_{code}": text, f"ver_{code}": v.version if v else 0,
                     f"o_{code}": f"{v.value:g}" if v else ""})
    return data
