"""The demo's three-party checks run on any cycle with values (here the platform world's open cycle): a round
with every unit, the finance review and the verification done, an over-reporting unit flagged and one verified
value applied."""

from __future__ import annotations

from typing import Any

from jixiao.audit.models import AuditEvent
from jixiao.collection.models import Value
from jixiao.verification.choices import ItemState
from jixiao.verification.demo import load_demo_checks
from jixiao.verification.models import CheckItem
from jixiao.verification.services import unit_rows


def test_the_demo_checks_run_on_the_platform_world(world: Any) -> None:
    rnd = load_demo_checks(world.open)
    items = list(CheckItem.objects.filter(round=rnd).select_related("subject"))
    assert {i.subject.code for i in items} == {"A", "A1", "B"}
    assert all(i.state in (ItemState.VERIFIED, ItemState.APPLIED) for i in items)
    assert all(i.finance for i in items)
    rows = unit_rows(rnd, items)
    assert [r.subject.code for r in rows if r.flagged] == ["A1"]
    applied = [i for i in items if i.state == ItemState.APPLIED]
    assert len(applied) == 1
    value = Value.objects.get(subject=applied[0].subject, indicator=applied[0].indicator)
    assert (value.value, value.version) == (applied[0].verified_value, applied[0].applied_version)
    assert AuditEvent.objects.filter(action="check_item.apply").count() == 1
