"""The permission matrix: each role x each action x own unit / its sub-unit / another unit x an open or a
published cycle. Reads are asked of the querysets (``restrict``); writes go through the service, which must
refuse exactly what ``restrict`` does not allow.

"own" is department A (the operator's and the leader's unit), "child" is A's street A1 (the leader sees
it, the operator does not), "other" is department B. The cycles: open (data entry, provisional results),
closed (scored, not yet published) and published.
"""

from __future__ import annotations

from typing import Any

import pytest

from jixiao.audit.models import AuditEvent
from jixiao.collection.models import Value
from jixiao.collection.services import do_set_value
from jixiao.core.choices import Action
from jixiao.core.errors import JixiaoError
from jixiao.cycles.models import Cycle, Subject
from jixiao.results.models import Result

ROLES = ["admin", "operator_a", "leader", "rater", "auditor", "public"]
SCOPES = ["own", "child", "other"]
STATES = ["open", "closed", "published"]
ACTIONS = ["view value", "change value", "view result", "view subject"]


def cells(scopes: str = "own child other", states: str = "open closed published") -> set[tuple[str, str]]:
    """The (scope, state) pairs of the given scopes and states."""
    return {(sc, st) for sc in scopes.split() for st in states.split()}


NONE: set[tuple[str, str]] = set()

#: role -> action -> the (scope, state) pairs allowed. Everyone reads published results; before that,
#: results are the office's and auditors' (open: provisional) and then, once closed, the unit's own.
MATRIX: dict[str, dict[str, set[tuple[str, str]]]] = {
    "admin": {
        "view value": cells(),
        "change value": cells(states="open"),
        "view result": cells(),
        "view subject": cells(),
    },
    "operator_a": {
        "view value": cells("own"),
        "change value": cells("own", "open"),
        "view result": cells(states="published") | cells("own", "closed"),
        "view subject": cells(states="published") | cells("own"),
    },
    "leader": {
        "view value": cells("own child"),
        "change value": NONE,
        "view result": cells(states="published") | cells("own child", "closed"),
        "view subject": cells(states="published") | cells("own child"),
    },
    "rater": {
        "view value": NONE,
        "change value": NONE,
        "view result": cells(states="published"),
        "view subject": cells(),
    },
    "auditor": {"view value": cells(), "change value": NONE, "view result": cells(), "view subject": cells()},
    "public": {
        "view value": NONE,
        "change value": NONE,
        "view result": cells(states="published"),
        "view subject": cells(states="published"),
    },
}


def _subject(world: Any, scope: str, state: str) -> Subject:
    unit = {"own": world.unit_a, "child": world.unit_a1, "other": world.unit_b}[scope]
    cycle = {"open": world.open, "closed": world.closed, "published": world.published}[state]
    return Subject.objects.get(cycle=cycle, unit=unit)


def _can(world: Any, user: Any, action: str, subject: Subject) -> bool:
    if action == "view value":
        return Value.objects.restrict(user, Action.VIEW).filter(subject=subject, indicator="EXEC").exists()
    if action == "view result":
        return Result.objects.restrict(user, Action.VIEW).filter(subject=subject).exists()
    if action == "view subject":
        return Subject.objects.restrict(user, Action.VIEW).filter(pk=subject.pk).exists()
    before = AuditEvent.objects.count()
    listed = Value.objects.restrict(user, Action.CHANGE).filter(subject=subject, indicator="EXEC").exists()
    try:
        do_set_value(subject, "EXEC", 99.5, actor=user)  # the unit's own item (RESP is the hotline's: the office's)
    except JixiaoError:
        assert AuditEvent.objects.count() == before, "a refused write left an audit event"
        assert not listed, "restrict() allows a change the service refuses"
        return False
    assert AuditEvent.objects.count() == before + 1, "a write without its audit event"
    assert listed, "the service allowed a change restrict() does not list"
    return True


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_the_permission_matrix(
    shared_world: Any, db: Any, role: str, action: str, scope: str, state: str
) -> None:
    user = shared_world.personas[role]
    expected = (scope, state) in MATRIX[role][action]
    assert _can(shared_world, user, action, _subject(shared_world, scope, state)) is expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", STATES)
def test_who_sees_which_cycle(shared_world: Any, db: Any, role: str, state: str) -> None:
    cycle = {"open": shared_world.open, "closed": shared_world.closed, "published": shared_world.published}[
        state
    ]
    seen = Cycle.objects.restrict(shared_world.personas[role], Action.VIEW).filter(pk=cycle.pk).exists()
    assert seen is (state == "published" or role != "public")


@pytest.mark.parametrize("role", ROLES)
def test_only_the_office_and_auditors_read_the_audit_trail(shared_world: Any, db: Any, role: str) -> None:
    seen = AuditEvent.objects.restrict(shared_world.personas[role], Action.VIEW).exists()
    assert seen is (role in ("admin", "auditor"))
    assert not AuditEvent.objects.restrict(shared_world.personas[role], Action.CHANGE).exists()


def test_an_unseen_subject_is_answered_like_a_missing_one(shared_world: Any, db: Any) -> None:
    from jixiao.core.errors import NotFoundError

    user = shared_world.personas["operator_a"]
    hidden = _subject(shared_world, "other", "open")
    with pytest.raises(NotFoundError) as unseen:
        Subject.objects.get_for(user, Action.VIEW, pk=hidden.pk)
    with pytest.raises(NotFoundError) as missing:
        Subject.objects.get_for(user, Action.VIEW, pk=10**9)
    assert unseen.value.as_dict() == missing.value.as_dict()
