"""Any value an event may hold hashes the same when the database gives it back: PostgreSQL's jsonb returns
the float 1e16 as the integer 10000000000000000, SQLite returns it as written. These run on both databases
(the suite runs on SQLite and on PostgreSQL)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from django.db import transaction

from jixiao.audit.canonical import canonical
from jixiao.audit.models import AuditEvent
from jixiao.audit.services import record_event, verify_chain

VALUES = {
    "1e16": 1e16,
    "1e300": 1e300,
    "1.5e-7": 1.5e-7,
    "0.1": 0.1,
    "minus zero": -0.0,
    "2**63-1": 2**63 - 1,
    "10**30": 10**30,
    "the largest float": 1.7976931348623157e308,
    "the smallest float": 5e-324,
    "true": True,
    "false": False,
    "null": None,
    "nested": {"b": [1e16, {"c": [1.5e-7, -2.5, 10**30]}, []], "a": {}, "数值": 97.5},
    "Chinese text": "市场监管局「双随机」抽查：98.5%",
}


def _record(after: Any) -> AuditEvent:
    with transaction.atomic():
        return record_event("value.set", actor=None, object_type="collection.value", object_id=1, after=after)


@pytest.mark.parametrize(
    ("written", "read_back"),
    [
        (1e16, json.loads("10000000000000000")),  # PostgreSQL prints jsonb numbers in full
        (1e300, json.loads("1" + "0" * 300)),
        (1.5e-7, json.loads("0.00000015")),
        (0.1, json.loads("0.1")),
        (-0.0, json.loads("0.0")),
        (5.0, json.loads("5")),
        (2**63 - 1, json.loads("9223372036854775807")),
        ({"b": 1e16, "a": [1e300]}, json.loads('{"a": [1' + "0" * 300 + '], "b": 10000000000000000}')),
    ],
)
def test_a_value_hashes_the_same_whichever_form_the_database_returns(written: Any, read_back: Any) -> None:
    assert canonical(written) == canonical(read_back)


def test_different_numbers_and_types_never_share_a_canonical_form() -> None:
    forms = [canonical(v) for v in (1, 1.5, 10**16 + 1, 1e16, "1", True, None, [1], {"1": 1}, 0.1, 0.10000000000000002)]
    assert len(set(forms)) == len(forms)


@pytest.mark.parametrize("value", list(VALUES.values()), ids=list(VALUES))
def test_an_event_holding_the_value_verifies_after_the_round_trip(db: Any, value: Any) -> None:
    event = _record({"v": value, "list": [value]})
    stored = AuditEvent.objects.get(pk=event.pk).after
    assert canonical(stored["v"]) == canonical(value)
    report = verify_chain()
    assert report.ok, report.problems


def test_an_untouched_chain_with_1e16_verifies(db: Any) -> None:
    """The finding: on PostgreSQL a stored 1e16 came back as an integer and the chain never verified."""
    _record({"value": 1e16, "note": "大数"})
    _record({"value": 1e16 + 2**31, "before": 1e16})
    report = verify_chain()
    assert report.ok, report.problems
    assert report.checked == 2


def test_non_finite_numbers_are_stored_as_strings_and_verify(db: Any) -> None:
    """jsonb has no NaN or infinity: they are kept as strings rather than breaking the write on PostgreSQL."""
    event = _record({"nan": math.nan, "up": math.inf, "down": [-math.inf]})
    assert AuditEvent.objects.get(pk=event.pk).after == {"nan": "NaN", "up": "Infinity", "down": ["-Infinity"]}
    assert verify_chain().ok


def test_the_canonical_form_refuses_what_json_cannot_hold() -> None:
    with pytest.raises(ValueError, match="no JSON form"):
        canonical({"x": math.inf})
    with pytest.raises(TypeError, match="keys are strings"):
        canonical({1: "a"})
