"""Staff appraisal (a cycle of people): a person sees their own result, a leader their unit's people, the office
and auditors all; nobody else, and never the public, even once published."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest

from jixiao.core.choices import Action
from jixiao.cycles.choices import SubjectKind
from jixiao.cycles.models import Cycle
from jixiao.cycles.services import do_close_cycle, do_create_cycle, do_open_cycle
from jixiao.org.services import do_create_person, do_link_person
from jixiao.results.models import Result
from jixiao.schemes.services import do_import_scheme

from .conftest import client_for


@pytest.fixture
def appraised(world: Any) -> Any:
    text = (resources.files("jixiao.ratings") / "schemes" / "staff-annual.yaml").read_text("utf-8")
    scheme = do_import_scheme(text, actor=None)
    people = [do_create_person("A-P1", "张三", "enforcement", world.unit_a, actor=None),
              do_create_person("A-P2", "李四", "technical", world.unit_a, actor=None),
              do_create_person("B-P1", "王五", "administration", world.unit_b, actor=None)]
    do_link_person(people[0], world.personas["operator_a"], actor=None)
    cycle = do_create_cycle("2025S", "2025年度工作人员考核", scheme, actor=None, year=2025,
                            subject_kind=SubjectKind.PERSON, people=people)
    do_open_cycle(cycle, actor=None)
    do_close_cycle(cycle, actor=None, confirm=True)
    return world


def seen(world: Any, persona: str) -> set[str]:
    user = world.personas[persona]
    return set(Result.objects.restrict(user, Action.VIEW).filter(cycle__code="2025S")
               .values_list("subject__code", flat=True))


def test_a_person_sees_their_own_result_a_leader_their_units_people_nobody_else(appraised: Any) -> None:
    assert seen(appraised, "operator_a") == {"A-P1"}
    assert seen(appraised, "leader") == {"A-P1", "A-P2"}
    assert seen(appraised, "operator_b") == set()
    assert seen(appraised, "rater") == set()
    assert seen(appraised, "public") == set()
    assert seen(appraised, "admin") == seen(appraised, "auditor") == {"A-P1", "A-P2", "B-P1"}


def test_staff_appraisal_is_never_public_even_published(appraised: Any) -> None:
    Cycle.objects.filter(code="2025S").update(state="published")
    assert seen(appraised, "public") == set()
    assert seen(appraised, "operator_b") == set()
    public = client_for(appraised, "public")
    assert public.get("/api/cycles/2025S/results").status_code == 404
    assert "2025年度工作人员考核" not in public.get("/").content.decode()
    assert public.get("/public/2025S/").status_code == 404
    mine = client_for(appraised, "operator_a").get("/api/cycles/2025S/results").json()
    assert [r["unit"] for r in mine] == ["A-P1"]
