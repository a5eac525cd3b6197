"""The permission matrix of the review, appeals and hearings: each role x each action, through the service
(which must refuse exactly what is not allowed, and change nothing when it refuses) and, for the pages, through
the web. "own" is unit A (the operator's and the leader's), "other" is unit B."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction

from jixiao.core.errors import JixiaoError
from jixiao.review.models import Appeal
from jixiao.review.services import (
    do_accept_appeal,
    do_confirm_review,
    do_correct_value,
    do_decide_hearing,
    do_draft_appeal,
    do_reject_appeal,
    do_schedule_hearing,
    do_sign_appeal,
    do_start_publicity,
    do_withdraw_appeal,
)

from .conftest import END, T0, client_for

ROLES = ["admin", "operator_a", "leader", "rater", "auditor", "public"]
NOW = T0 + timedelta(days=1)


def _unit(w: Any, scope: str) -> Any:
    return w.subject(w.closed, w.unit_a if scope == "own" else w.unit_b)


def _publicity(w: Any) -> None:
    w.closed.refresh_from_db()
    if w.closed.state == "closed":
        do_confirm_review(w.closed, actor=None)
        do_start_publicity(w.closed, actor=None, days=7, confirm=True, now=T0)


def _appeal(w: Any, scope: str, *, lodged: bool = True, heard: bool = False) -> Appeal:
    _publicity(w)
    appeal = do_draft_appeal(_unit(w, scope), actor=None, target="total", grounds="总分有误", now=NOW)
    if lodged or heard:
        do_sign_appeal(appeal, actor=None, now=NOW)
    if heard:
        do_schedule_hearing(appeal, actor=None, at=END, place="302会议室", participants="考核办；申诉单位")
    return appeal


#: action -> (setup and call with the actor, the roles allowed)
ACTIONS: dict[str, tuple[Callable[[Any, Any], Any], set[str]]] = {
    "correct a value": (lambda w, a: do_correct_value(_unit(w, "own"), "EXEC", "99", actor=a, reason="更正"),
                        {"admin"}),
    "confirm the review": (lambda w, a: do_confirm_review(w.closed, actor=a), {"admin"}),
    "start the publicity": (lambda w, a: (do_confirm_review(w.closed, actor=None),
                                          do_start_publicity(w.closed, actor=a, confirm=True, now=T0)), {"admin"}),
    "draft an appeal, own unit": (lambda w, a: (_publicity(w), do_draft_appeal(
        _unit(w, "own"), actor=a, target="total", grounds="有误", now=NOW)), {"admin", "operator_a"}),
    "draft an appeal, other unit": (lambda w, a: (_publicity(w), do_draft_appeal(
        _unit(w, "other"), actor=a, target="total", grounds="有误", now=NOW)), {"admin"}),
    "sign an appeal, own unit": (lambda w, a: do_sign_appeal(_appeal(w, "own", lodged=False), actor=a, now=NOW),
                                 {"leader"}),
    "sign an appeal, other unit": (lambda w, a: do_sign_appeal(_appeal(w, "other", lodged=False), actor=a,
                                                               now=NOW), set()),
    "withdraw an appeal, own unit": (lambda w, a: do_withdraw_appeal(_appeal(w, "own"), actor=a),
                                     {"operator_a", "leader"}),
    "withdraw an appeal, other unit": (lambda w, a: do_withdraw_appeal(_appeal(w, "other"), actor=a), set()),
    "accept an appeal": (lambda w, a: do_accept_appeal(_appeal(w, "own"), actor=a, reason="属实",
                                                       corrections={"EXEC": "99"}), {"admin"}),
    "reject an appeal": (lambda w, a: do_reject_appeal(_appeal(w, "own"), actor=a, reason="不成立"), {"admin"}),
    "send an appeal to a hearing": (lambda w, a: do_schedule_hearing(
        _appeal(w, "own"), actor=a, at=END, place="302会议室", participants="考核办；申诉单位"), {"admin"}),
    "record a hearing's decision": (lambda w, a: do_decide_hearing(
        _appeal(w, "own", heard=True), actor=a, decision="reject", minutes="记录", reasons="不成立"), {"admin"}),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_who_may_take_each_step(shared_world: Any, db: Any, role: str, action: str) -> None:
    w = shared_world
    step, allowed = ACTIONS[action]
    actor = w.personas[role]
    if role in allowed:
        step(w, actor)
        return
    sid = transaction.savepoint()
    try:
        with pytest.raises(JixiaoError):
            step(w, actor)
    finally:
        transaction.savepoint_rollback(sid)


#: page -> roles that see it (200); the others get a 404 (or the sign-in page for the public)
PAGES: dict[str, tuple[Callable[[Any], str], set[str]]] = {
    "review page": (lambda w: f"/app/review/{w.closed.code}/", {"admin", "auditor"}),
    "appeals page": (lambda w: f"/app/review/{w.closed.code}/appeals/", {"admin", "auditor", "operator_a", "leader"}),
    "own unit's appeal": (lambda w: f"/app/appeals/{_appeal(w, 'own').pk}/",
                          {"admin", "auditor", "operator_a", "leader"}),
    "other unit's appeal": (lambda w: f"/app/appeals/{_appeal(w, 'other').pk}/", {"admin", "auditor"}),
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_who_sees_each_page(shared_world: Any, db: Any, role: str, page: str) -> None:
    url_of, allowed = PAGES[page]
    _publicity(shared_world)
    url = url_of(shared_world)
    response = client_for(shared_world, role).get(url)
    if role in allowed:
        assert response.status_code == 200, (role, page)
    elif role == "public":
        assert response.status_code == 302
        assert "/login" in response["Location"]
    else:
        assert response.status_code == 404, (role, page, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_appeals_and_hearings_are_seen_by_the_office_auditors_and_the_unit_only(
        shared_world: Any, db: Any, role: str) -> None:
    from jixiao.core.choices import Action
    from jixiao.review.models import Hearing

    w = shared_world
    own, other = _appeal(w, "own", heard=True), _appeal(w, "other", heard=True)
    seen = set(Appeal.objects.restrict(w.personas[role], Action.VIEW).values_list("pk", flat=True))
    hearings = set(Hearing.objects.restrict(w.personas[role], Action.VIEW).values_list("appeal_id", flat=True))
    unit_a = role in {"admin", "auditor", "operator_a", "leader"}
    assert (own.pk in seen, own.pk in hearings) == (unit_a, unit_a)
    assert (other.pk in seen, other.pk in hearings) == ((role in {"admin", "auditor"},) * 2)
    for action in (Action.CHANGE, Action.DELETE):
        changeable = Appeal.objects.restrict(w.personas[role], action).filter(pk=own.pk).exists()
        assert changeable is (role == "admin")
