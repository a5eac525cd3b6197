"""Who sees warnings and period values, who answers and who follows up: each persona against unit A's warning."""

from __future__ import annotations

from typing import Any

import pytest

from jixiao.core.choices import Action
from jixiao.core.errors import NotFoundError, PermissionDeniedError
from jixiao.monitoring.errors import MonitoringInputError, WarningStateError
from jixiao.monitoring.models import PeriodValue, Warning
from jixiao.monitoring.services import do_answer_warning, do_follow_up_warning

from .conftest import lagging

#: persona -> (sees A's warning, may answer it, may follow it up)
MATRIX = {
    "admin": (True, True, True),
    "auditor": (True, False, False),
    "operator_a": (True, True, False),
    "leader": (True, True, False),
    "operator_b": (False, False, False),
    "rater": (False, False, False),
    "public": (False, False, False),
}


@pytest.mark.parametrize("persona", MATRIX)
def test_each_role_sees_answers_and_follows_up_as_the_matrix_says(world: Any, persona: str) -> None:
    sees, answers, follows = MATRIX[persona]
    lagging(world, 23)
    user = world.personas[persona]
    warning = Warning.objects.get()
    assert Warning.objects.restrict(user, Action.VIEW).filter(pk=warning.pk).exists() == sees
    assert PeriodValue.objects.restrict(user, Action.VIEW).exists() == sees
    if answers:
        assert do_answer_warning(warning, actor=user, answer="已核实").state == "answered"
    else:
        with pytest.raises(PermissionDeniedError if sees else NotFoundError):
            do_answer_warning(warning, actor=user, answer="已核实")
    if follows:
        assert do_follow_up_warning(warning, actor=user, state="confirmed", note="属实").state == "confirmed"
    else:
        with pytest.raises(PermissionDeniedError if sees else NotFoundError):
            do_follow_up_warning(warning, actor=user, state="confirmed")


def test_an_answer_is_required_and_a_followed_up_warning_is_not_answered_again(world: Any) -> None:
    lagging(world, 23)
    warning = Warning.objects.get()
    with pytest.raises(MonitoringInputError):
        do_answer_warning(warning, actor=world.personas["operator_a"], answer="  ")
    do_follow_up_warning(warning, actor=world.personas["admin"], state="explained", note="疫情影响")
    with pytest.raises(WarningStateError) as refused:
        do_answer_warning(warning, actor=world.personas["operator_a"], answer="补充说明")
    assert "已说明" in refused.value.text
    with pytest.raises(MonitoringInputError):
        do_follow_up_warning(warning, actor=world.personas["admin"], state="answered")
