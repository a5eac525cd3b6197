"""The three-party check tests use the platform's small world (tests/platform/conftest.py, loaded by path because
test folders are not packages). Its open cycle "2026" has, as the units' own items, EXEC (higher is better),
ONSITE (hours, lower is better; category A only) and NEG (a deduction: lower is better): unit A reported
EXEC 97, ONSITE 1.5, NEG 0; A1 EXEC 96; B EXEC 95, NEG 2."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

_spec = importlib.util.spec_from_file_location("jixiao_platform_world_verification",
                                               Path(__file__).parents[1] / "platform" / "conftest.py")
assert _spec is not None
assert _spec.loader is not None
platform_world = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = platform_world
_spec.loader.exec_module(platform_world)

PASSWORD = platform_world.PASSWORD
DAY = date(2026, 3, 12)
#: The verifications of the hand-worked example: (unit, indicator) -> verified value.
VERIFIED = {("A", "EXEC"): 71.0, ("A", "ONSITE"): 2.0, ("A1", "EXEC"): 88.0, ("B", "EXEC"): 96.0, ("B", "NEG"): 2.0}


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any, tmp_path: Any) -> Any:
    from django.utils import translation

    settings.PASSWORD_HASHERS = platform_world.FAST_HASHERS
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    settings.PRIVATE_ROOT = tmp_path / "private"
    with translation.override(settings.LANGUAGE_CODE):
        yield


def _checked(world: Any) -> Any:
    yield world
    from jixiao.audit.services import verify_chain

    report = verify_chain()
    assert report.ok, report.problems


@pytest.fixture
def world(db: Any) -> Any:
    yield from _checked(platform_world.build_world())


@pytest.fixture
def closed_world(db: Any) -> Any:
    yield from _checked(platform_world.build_world(with_closed=True))


def client_for(world: Any, persona: str) -> Client:
    client = Client()
    if persona != "public":
        client.force_login(world.personas[persona])
    return client


def full_round(world: Any, cycle: Any = None, *, verify: bool = True) -> Any:
    """A round sampling every unit's own value (share 100 %), all reviewed by the auditor (agreeing, but for
    B's EXEC: 95.5), and the hand-worked ones verified by the office."""
    from jixiao.verification.models import CheckItem
    from jixiao.verification.services import do_draw_round, do_review_check_item, do_verify_check_item

    rnd = do_draw_round(cycle or world.open, actor=world.personas["admin"], name="2026年第一批三方核查", share=1.0,
                        seed=2026)
    for item in CheckItem.objects.filter(round=rnd).select_related("subject"):
        if (item.subject.code, item.indicator) == ("B", "EXEC"):
            do_review_check_item(item, actor=world.personas["auditor"], agrees=False, value=95.5,
                                 note="支出凭证核减0.5个百分点")
        else:
            do_review_check_item(item, actor=world.personas["auditor"], agrees=True)
    if verify:
        for item in CheckItem.objects.filter(round=rnd).select_related("subject"):
            verified = VERIFIED.get((item.subject.code, item.indicator))
            if verified is not None:
                do_verify_check_item(item, actor=world.personas["admin"], value=verified, method="on_site", on=DAY,
                                     note="抽查凭证")
    return rnd


def item(rnd: Any, unit: str, indicator: str) -> Any:
    from jixiao.verification.models import CheckItem

    return CheckItem.objects.select_related("subject", "round__cycle").get(round=rnd, subject__code=unit,
                                                                           indicator=indicator)
