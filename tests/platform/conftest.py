"""Personas and a small world shared by the platform tests (after healthchecks' ``hc/test.py``).

The world: the city 示范市 (no category) with department A (category A) and its street A1, and department B
(category B). Two cycles on the shipped ``core-leader-negative`` scheme: ``open`` (data entry) and
``published`` (last year's, scored and public). Personas: the office admin, the operator of A, the
operator of B, the leader of A (who also sees A1), a rater, an auditor and the anonymous public.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from jixiao.accounts.choices import Role
from jixiao.accounts.services import do_create_user
from jixiao.collection.services import do_set_rating, do_set_value
from jixiao.cycles.models import Cycle, Subject
from jixiao.cycles.services import do_close_cycle, do_create_cycle, do_open_cycle
from jixiao.engine import load_template
from jixiao.engine.schemefile import template_text
from jixiao.org.choices import Level
from jixiao.org.models import Unit
from jixiao.org.services import do_create_category, do_create_unit
from jixiao.results.services import do_compute_cycle
from jixiao.schemes.services import do_import_scheme

PASSWORD = "test-password-1"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    """Everything a test may need, by name."""

    city: Unit
    unit_a: Unit
    unit_a1: Unit
    unit_b: Unit
    open: Cycle
    published: Cycle
    personas: dict[str, Any]
    closed: Cycle | None = None

    def subject(self, cycle: Cycle, unit: Unit) -> Subject:
        return Subject.objects.get(cycle=cycle, unit=unit)


def _fill(cycle: Cycle, units: list[Unit], base: float) -> None:
    for k, unit in enumerate(units):
        s = Subject.objects.get(cycle=cycle, unit=unit)
        for code, value in (
            ("RESP", base + k),
            ("DAYS", 8 + k),
            ("EXEC", 97 - k),
            ("ONSITE", 1.5),
            ("NEG", k),
        ):
            do_set_value(s, code, value, actor=None)
        for group, scores in (("superior", (90, 85, 80)), ("peer", (70 + k, 75)), ("public", (88,))):
            for r, score in enumerate(scores):
                do_set_rating(s, "LEAD", group, score, actor=None, rater=f"{group}-{r}")


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Password hashing is slow by design; the tests do not need it to be."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _audit_checkpoints(settings: Any, tmp_path: Any) -> None:
    """Each test its own audit checkpoint file: tests that commit (transactional ones) write checkpoints,
    and a test database restored or flushed between tests reuses seqs (and, restored, its chain id) that an
    earlier test's checkpoints would call rewritten. Nor should tests write into DATA_DIR's real file."""
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    settings.PRIVATE_ROOT = tmp_path / "private"  # uploaded import files, likewise out of DATA_DIR


def build_world(*, with_closed: bool = False) -> World:
    """Create the world through the services (as the system); ``with_closed`` adds a third cycle, the
    first half of 2026, closed and scored but not published."""
    cat_a = do_create_category("A", "执法服务型", actor=None)
    cat_b = do_create_category("B", "支持保障型", actor=None)
    city = do_create_unit("CITY", "示范市", Level.CITY, actor=None)
    unit_a = do_create_unit("A", "市场监管局", Level.DEPARTMENT, actor=None, parent=city, category=cat_a)
    unit_a1 = do_create_unit(
        "A1", "市场监管局东城所", Level.STREET, actor=None, parent=unit_a, category=cat_a
    )
    unit_b = do_create_unit("B", "机关事务局", Level.DEPARTMENT, actor=None, parent=city, category=cat_b)
    scheme = do_import_scheme(template_text("core-leader-negative"), actor=None)
    units = [unit_a, unit_a1, unit_b]
    published = do_create_cycle("2025", "2025年度考核", scheme, actor=None, year=2025, units=units)
    do_open_cycle(published, actor=None)
    _fill(published, units, 90)
    do_close_cycle(published, actor=None, confirm=True)
    publish_final(published)
    open_cycle = do_create_cycle("2026", "2026年度考核", scheme, actor=None, year=2026, units=units)
    do_open_cycle(open_cycle, actor=None)
    _fill(open_cycle, units, 92)
    do_compute_cycle(open_cycle, actor=None)  # provisional results, seen by the office and auditors only
    personas: dict[str, Any] = {
        "admin": do_create_user("office", Role.ADMIN, actor=None, password=PASSWORD),
        "operator_a": do_create_user("op-a", Role.OPERATOR, actor=None, password=PASSWORD, units=[unit_a]),
        "operator_b": do_create_user("op-b", Role.OPERATOR, actor=None, password=PASSWORD, units=[unit_b]),
        "leader": do_create_user("leader-a", Role.LEADER, actor=None, password=PASSWORD, units=[unit_a]),
        "rater": do_create_user("rater", Role.RATER, actor=None, password=PASSWORD),
        "auditor": do_create_user("auditor", Role.AUDITOR, actor=None, password=PASSWORD),
        "public": AnonymousUser(),
    }
    closed = None
    if with_closed:
        closed = do_create_cycle(
            "2026H1",
            "2026年上半年考核",
            scheme,
            actor=None,
            year=2026,
            period_kind="half",
            period_number=1,
            units=units,
        )
        do_open_cycle(closed, actor=None)
        _fill(closed, units, 91)
        closed = do_close_cycle(closed, actor=None, confirm=True)
    open_cycle.refresh_from_db()
    published.refresh_from_db()
    return World(city, unit_a, unit_a1, unit_b, open_cycle, published, personas, closed)


@pytest.fixture
def world(request: pytest.FixtureRequest, db: Any) -> Any:
    """The world; afterwards the audit chain must still verify (unless the test tampers on purpose)."""
    from jixiao.audit.services import verify_chain

    yield build_world()
    if request.node.get_closest_marker("tampers") is None:
        report = verify_chain()
        assert report.ok, report.problems


@pytest.fixture(scope="module")
def shared_world(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """One world for a whole module of read-mostly tests: built inside a transaction that is rolled back
    at the end; each test runs in its own savepoint (pytest-django's ``db``), so its writes vanish too."""
    from django.db import transaction
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        yield build_world(with_closed=True)
        transaction.set_rollback(True)


@pytest.fixture
def scheme_text() -> str:
    return template_text("core-leader-negative")


@pytest.fixture
def engine_scheme() -> Any:
    return load_template("core-leader-negative")


def publish_final(cycle: Any, actor: Any = None) -> Any:
    """Take a closed cycle through the review, a publicity that began eight days ago and the final
    publication, with no appeal (``jixiao.review``'s steps)."""
    from datetime import timedelta

    from django.utils import timezone

    from jixiao.review.services import do_confirm_review, do_end_publicity, do_finalize_cycle, do_start_publicity

    began = timezone.now() - timedelta(days=8)
    do_confirm_review(cycle, actor=actor)
    do_start_publicity(cycle, actor=actor, days=7, confirm=True, now=began)
    do_end_publicity(cycle, actor=actor)
    return do_finalize_cycle(cycle, actor=actor, confirm=True)
