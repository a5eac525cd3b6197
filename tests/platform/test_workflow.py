"""Schemes, indicator versions and the cycle's states."""

from __future__ import annotations

from typing import Any

import pytest

from jixiao.audit.models import AuditEvent
from jixiao.collection.services import do_set_value
from jixiao.cycles.errors import CycleStateError
from jixiao.cycles.services import do_close_cycle, do_open_cycle
from jixiao.engine import read_scheme_text
from jixiao.engine.schemefile import template_text
from jixiao.indicators.models import Indicator
from jixiao.indicators.services import do_revise_indicator
from jixiao.org.models import Person
from jixiao.review.services import do_start_publicity
from jixiao.schemes.errors import InvalidSchemeError
from jixiao.schemes.services import do_import_scheme, export_scheme_text

from .conftest import publish_final


@pytest.mark.parametrize("template", ["core-leader-negative", "city-annual", "balanced-scorecard"])
def test_a_scheme_exports_to_yaml_equal_in_meaning(db: Any, template: str) -> None:
    text = template_text(template)
    scheme = do_import_scheme(text, actor=None)
    assert read_scheme_text(export_scheme_text(scheme)) == read_scheme_text(text)
    assert (
        do_import_scheme(export_scheme_text(scheme), actor=None).pk == scheme.pk
    )  # the same: not a new version


def test_an_invalid_scheme_is_refused_with_every_problem(db: Any) -> None:
    with pytest.raises(InvalidSchemeError) as exc:
        do_import_scheme(
            "id: x\nname: X\ntree:\n  - {code: A, name: a, weight: 0, rule: {type: linear}}\n", actor=None
        )
    assert exc.value.code == "invalid_scheme"
    assert len(exc.value.problems) >= 3


def test_an_edit_makes_a_new_indicator_version_and_old_schemes_keep_theirs(world: Any) -> None:
    resp = Indicator.objects.get(code="RESP")
    old = resp.current
    new = do_revise_indicator(resp, actor=None, name="12345 诉求响应率")
    assert (old.version, new.version) == (1, 2)
    scheme = world.published.scheme
    assert scheme.indicator_versions.get(indicator=resp) == old
    assert do_revise_indicator(resp, actor=None, name="12345 诉求响应率") == new  # no change, no version
    changed = template_text("core-leader-negative").replace("name: 诉求响应率", "name: 12345 诉求响应率", 1)
    changed = changed.replace("id: core-leader-negative", "id: core-leader-negative", 1)
    v2 = do_import_scheme(
        changed.replace("{code: RESP, name: 诉求响应率", "{code: RESP, name: 12345 诉求响应率"), actor=None
    )
    assert v2.version == 2
    assert v2.indicator_versions.get(indicator=resp) == new


def test_each_state_refuses_what_does_not_fit(world: Any) -> None:
    open_cycle, published = world.open, world.published
    with pytest.raises(CycleStateError, match="填报中"):
        do_open_cycle(open_cycle, actor=None)
    with pytest.raises(CycleStateError):
        do_start_publicity(open_cycle, actor=None, confirm=True)
    with pytest.raises(CycleStateError):
        do_close_cycle(published, actor=None, confirm=True)
    subject = world.subject(published, world.unit_a)
    with pytest.raises(CycleStateError) as exc:
        do_set_value(subject, "RESP", 90, actor=world.personas["admin"])
    assert exc.value.status == 409


def test_closing_scores_and_publishing_is_audited(world: Any) -> None:
    cycle = do_close_cycle(world.open, actor=world.personas["admin"], confirm=True)
    assert cycle.state == "closed"
    assert cycle.results.count() == 3
    publish_final(cycle, actor=world.personas["admin"])
    actions = list(AuditEvent.objects.order_by("-seq").values_list("action", flat=True)[:6])
    assert actions == ["cycle.finalize", "cycle.publicity_end", "cycle.publicity", "cycle.review", "cycle.compute",
                       "cycle.close"]


def test_only_the_office_moves_a_cycle(world: Any) -> None:
    from jixiao.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        do_close_cycle(world.open, actor=world.personas["leader"], confirm=True)


def test_a_bad_period_is_refused_with_a_stable_code(world: Any) -> None:
    from jixiao.core.errors import InvalidInputError
    from jixiao.cycles.services import do_create_cycle

    with pytest.raises(InvalidInputError) as exc:
        do_create_cycle(
            "Q5",
            "第五季度",
            world.open.scheme,
            actor=None,
            year=2026,
            period_kind="quarter",
            period_number=5,
            units=[world.unit_a],
        )
    assert exc.value.code == "invalid_input"
    assert "1-4" in exc.value.text


def test_a_staff_appraisal_cycle_scores_people(world: Any) -> None:
    from jixiao.collection.services import do_load_values
    from jixiao.cycles.services import do_create_cycle
    from jixiao.org.services import do_load_staff
    from jixiao.results.models import Result
    from jixiao.results.services import do_compute_cycle

    do_load_staff(
        [
            (2, "P1", "张伟", "enforcement", "A"),
            (3, "P2", "李娜", "service", "A1"),
            (4, "P3", "王芳", "enforcement", "B"),
        ],
        actor=None,
    )
    scheme = do_import_scheme(
        "id: staff\nname: 个人考核\ntree:\n"
        "  - {code: WORK, name: 工作实绩, weight: 70, rule: {type: linear, floor: 60, target: 100}}\n"
        "  - {code: LAW, name: 执法规范, weight: 30, only: [enforcement], rule: {type: ratio, target: 100}}\n"
        "grades:\n  - {name: 优秀, min: 90, quota: 0.15}\n  - {name: 称职, min: 60}\n  - {name: 不称职, min: 0}\n",
        actor=None,
    )
    cycle = do_create_cycle(
        "STAFF-2026Q1",
        "2026年一季度个人考核",
        scheme,
        actor=None,
        year=2026,
        period_kind="quarter",
        period_number=1,
        subject_kind="person",
        people=Person.objects.all(),
    )
    do_open_cycle(cycle, actor=None)
    do_load_values(
        cycle, [(2, "P1", "WORK", 95.0), (3, "P1", "LAW", 100.0), (4, "P2", "WORK", 80.0)], actor=None
    )
    assert do_compute_cycle(cycle, actor=None) == 3
    totals = dict(Result.objects.filter(cycle=cycle).values_list("subject__code", "total"))
    assert totals["P1"] == pytest.approx(70 * 35 / 40 + 30)
    assert totals["P2"] == pytest.approx(50.0)  # no LAW for a service post: WORK holds all 100 points
    from jixiao.core.choices import Action

    seen = Result.objects.restrict(world.personas["leader"], Action.VIEW).filter(cycle=cycle)
    assert not seen.exists()  # provisional results of an open cycle


def test_closing_with_units_not_accepted_lists_them_and_needs_a_confirmation(world: Any) -> None:
    from jixiao.approval.services import do_accept_values, do_submit_values
    from jixiao.cycles.errors import UnacceptedDataError

    admin = world.personas["admin"]
    subjects = list(world.open.subjects.order_by("code"))
    do_submit_values(subjects[0], actor=admin)
    do_accept_values(subjects[0], actor=admin)
    with pytest.raises(UnacceptedDataError) as exc:
        do_close_cycle(world.open, actor=admin)
    listed = exc.value.params["units"].split("、")
    assert listed == [s.code for s in subjects[1:]]
    world.open.refresh_from_db()
    assert world.open.state == "open"  # nothing changed
    assert do_close_cycle(world.open, actor=admin, confirm=True).state == "closed"


def test_an_import_that_replaces_a_value_keeps_its_row_evidence_and_counts_its_version(
        world: Any, tmp_path: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jixiao.collection.models import Value
    from jixiao.collection.services import do_import_values, do_set_value
    from jixiao.evidence.models import Evidence

    admin = world.personas["admin"]
    subject = world.subject(world.open, world.unit_a)
    value = do_set_value(subject, "EXEC", 96.0, actor=admin,
                         evidence=SimpleUploadedFile("台账.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"))
    file = tmp_path / "values.csv"
    file.write_text("unit,indicator,value\nA,EXEC,97\n", encoding="utf-8")
    assert do_import_values(world.open, file, actor=admin)["replaced"] == 1
    again = Value.objects.get(subject=subject, indicator="EXEC")
    assert (again.pk, again.value, again.version) == (value.pk, 97.0, value.version + 1)
    assert Evidence.objects.get(value=again).name == "台账.pdf"
