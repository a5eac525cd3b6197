"""The chain after the machine score, through the services, with a controlled clock: review with corrections
and versions, publicity for its days, appeals refused one minute late, hearings, the scheduler's idempotence,
and the final publication saying what changed and why."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from jixiao.audit.models import AuditEvent
from jixiao.collection.errors import ValueRefusedError
from jixiao.collection.models import Value
from jixiao.cycles.choices import CycleState
from jixiao.cycles.models import Cycle
from jixiao.inbox.models import Notice
from jixiao.results.models import Result, ResultVersion
from jixiao.review.choices import AppealState
from jixiao.review.errors import (
    AppealDeadlineError,
    AppealInputError,
    AppealStepNotAllowedError,
    ConfirmationRequiredError,
    OpenAppealsError,
    PublicityNotOverError,
    ReviewNotConfirmedError,
)
from jixiao.review.models import Appeal, Correction
from jixiao.review.services import (
    do_accept_appeal,
    do_confirm_review,
    do_correct_value,
    do_decide_hearing,
    do_draft_appeal,
    do_end_publicity,
    do_finalize_cycle,
    do_reject_appeal,
    do_schedule_hearing,
    do_sign_appeal,
    do_start_publicity,
    final_changes,
    review_sheet,
    run_deadlines,
)

from .conftest import END, T0, in_publicity, lodged_appeal


def _total(world: Any, unit: Any) -> float:
    return Result.objects.get(subject=world.subject(world.closed, unit)).total


def test_closing_keeps_the_machine_score_and_a_correction_makes_a_new_version(world: Any) -> None:
    office = world.personas["admin"]
    cycle = world.closed
    machine = ResultVersion.objects.get(cycle=cycle)
    assert (machine.number, machine.kind) == (1, "machine")
    before = _total(world, world.unit_a)
    exec_before = Value.objects.get(subject=world.subject(cycle, world.unit_a), indicator="EXEC").value
    do_correct_value(world.subject(cycle, world.unit_a), "EXEC", "100", actor=office, reason="核对预算执行报表后更正")
    assert _total(world, world.unit_a) != before
    versions = list(ResultVersion.objects.filter(cycle=cycle).order_by("number").values_list("number", "kind"))
    assert versions == [(1, "machine"), (2, "review")]
    machine.refresh_from_db()  # the machine result is kept as it was
    assert machine.rows["A"]["total"] == pytest.approx(before, abs=1e-4)
    c = Correction.objects.get()
    assert (c.before, c.after, c.version, c.reason) == (exec_before, 100.0, 2, "核对预算执行报表后更正")
    event = AuditEvent.objects.filter(action="value.correct").get()
    assert event.actor_id == office.pk
    assert event.after["reason"] == "核对预算执行报表后更正"
    sheet = review_sheet(Cycle.objects.get(pk=cycle.pk), office)
    assert sheet.machine["A"]["total"] != sheet.current["A"]["total"]


def test_a_correction_needs_a_reason_and_passes_the_one_value_check(world: Any) -> None:
    office, subject = world.personas["admin"], world.subject(world.closed, world.unit_a)
    with pytest.raises(AppealInputError, match="理由"):
        do_correct_value(subject, "EXEC", "99", actor=office, reason="  ")
    with pytest.raises(ValueRefusedError):
        do_correct_value(subject, "NEG", "-1", actor=office, reason="更正")
    assert not Correction.objects.exists()
    assert ResultVersion.objects.filter(cycle=world.closed).count() == 1


def test_publicity_needs_the_review_confirmed_and_a_confirmation_naming_what_happens(world: Any) -> None:
    office, cycle = world.personas["admin"], world.closed
    with pytest.raises(ReviewNotConfirmedError):
        do_start_publicity(cycle, actor=office, confirm=True, now=T0)
    do_confirm_review(cycle, actor=office)
    with pytest.raises(ConfirmationRequiredError) as exc:
        do_start_publicity(cycle, actor=office, now=T0)
    assert "3" in exc.value.text
    assert "7" in exc.value.text
    cycle.refresh_from_db()
    assert cycle.state == CycleState.CLOSED
    # a correction after the confirmation takes it back: the office reviews again
    do_correct_value(world.subject(cycle, world.unit_b), "EXEC", "97", actor=office, reason="复核更正")
    cycle.refresh_from_db()
    assert cycle.reviewed_at is None
    with pytest.raises(ReviewNotConfirmedError):
        do_start_publicity(cycle, actor=office, confirm=True, now=T0)


def test_publicity_ends_after_its_days_and_the_scheduler_is_idempotent(world: Any) -> None:
    cycle = in_publicity(world)
    assert cycle.publicity_ends_at == END
    assert run_deadlines(now=END - timedelta(minutes=1)) == []
    cycle.refresh_from_db()
    assert cycle.state == CycleState.PUBLICITY
    events = AuditEvent.objects.count()
    assert run_deadlines(now=END) == [cycle.code]
    cycle.refresh_from_db()
    assert cycle.state == CycleState.APPEALS
    after_first = (AuditEvent.objects.count(), Notice.objects.count(), cycle.state)
    assert after_first[0] == events + 1
    assert run_deadlines(now=END + timedelta(hours=1)) == []  # run twice: the same state, nothing written
    cycle.refresh_from_db()
    assert (AuditEvent.objects.count(), Notice.objects.count(), cycle.state) == after_first
    assert do_end_publicity(cycle, now=END + timedelta(days=1)) is False


def test_an_appeal_one_minute_late_is_refused_with_the_date(world: Any) -> None:
    in_publicity(world)
    subject = world.subject(world.closed, world.unit_a)
    operator, leader = world.personas["operator_a"], world.personas["leader"]
    on_time = do_draft_appeal(subject, actor=operator, target="total", grounds="总分有误",
                              now=END - timedelta(minutes=1))
    with pytest.raises(AppealDeadlineError) as exc:
        do_draft_appeal(subject, actor=operator, target="total", grounds="总分有误", now=END + timedelta(minutes=1))
    assert exc.value.text.count(END.astimezone().strftime("%Y-%m-%d")) == 1
    with pytest.raises(AppealDeadlineError):  # signing one minute late: refused too
        do_sign_appeal(on_time, actor=leader, now=END + timedelta(minutes=1))
    signed = do_sign_appeal(on_time, actor=leader, now=END - timedelta(seconds=30))
    assert signed.state == AppealState.LODGED
    assert Appeal.objects.count() == 1


def test_unsigned_drafts_lapse_when_the_publicity_ends(world: Any) -> None:
    in_publicity(world)
    draft = do_draft_appeal(world.subject(world.closed, world.unit_a), actor=world.personas["operator_a"],
                            target="grade", grounds="等次有误", now=T0 + timedelta(days=2))
    run_deadlines(now=END)
    draft.refresh_from_db()
    assert draft.state == AppealState.WITHDRAWN
    assert draft.steps.last().note


def test_an_accepted_appeal_corrects_recomputes_and_the_final_publication_says_why(world: Any) -> None:
    office = world.personas["admin"]
    cycle = in_publicity(world)
    appeal = lodged_appeal(world)
    assert appeal.signed_by == world.personas["leader"]
    before = _total(world, world.unit_a)
    with pytest.raises(PublicityNotOverError):
        do_finalize_cycle(cycle, actor=office, confirm=True, now=END - timedelta(hours=1))
    do_schedule_hearing(appeal, actor=office, at=END + timedelta(days=2), place="302会议室",
                        participants="市场监管局；考核办；财政局（数据提供单位）", observers="人大代表")
    run_deadlines(now=END)
    with pytest.raises(OpenAppealsError):
        do_finalize_cycle(cycle, actor=office, confirm=True, now=END + timedelta(days=3))
    do_decide_hearing(appeal, actor=office, decision="accept", minutes="双方陈述；数据提供单位确认预算已调整",
                      reasons="按调整后预算计算", corrections={"EXEC": "100"})
    appeal.refresh_from_db()
    assert appeal.state == AppealState.ACCEPTED
    assert _total(world, world.unit_a) > before
    kinds = list(ResultVersion.objects.filter(cycle=cycle).order_by("number").values_list("kind", flat=True))
    assert kinds == ["machine", "publicity", "appeal"]
    changes = final_changes(cycle)
    assert [c.code for c in changes if c.code == "A"] == ["A"]
    assert "按调整后预算计算" in changes[[c.code for c in changes].index("A")].reasons[0]
    with pytest.raises(ConfirmationRequiredError):
        do_finalize_cycle(cycle, actor=office, now=END + timedelta(days=3))
    cycle = do_finalize_cycle(cycle, actor=office, confirm=True, now=END + timedelta(days=3))
    assert cycle.state == CycleState.PUBLISHED
    final = ResultVersion.objects.filter(cycle=cycle).order_by("-number").first()
    assert final is not None
    assert final.kind == "final"
    assert "按调整后预算计算" in final.reason
    event = AuditEvent.objects.filter(action="cycle.finalize").order_by("-seq").first()
    assert event is not None
    assert "A" in event.after["changed"]
    steps = list(AuditEvent.objects.filter(object_type="review.appeal").order_by("seq")
                 .values_list("action", "actor__username"))
    assert steps == [("appeal.draft", "op-a"), ("appeal.sign", "leader-a"), ("appeal.hearing", "office"),
                     ("appeal.decide", "office")]


def test_a_rejected_appeal_changes_nothing_and_the_unit_is_told(world: Any) -> None:
    office = world.personas["admin"]
    in_publicity(world)
    appeal = lodged_appeal(world, target="grade", indicator="")
    versions = ResultVersion.objects.count()
    do_reject_appeal(appeal, actor=office, reason="理由不成立，维持原等次")
    assert ResultVersion.objects.count() == versions
    assert Notice.objects.filter(recipient=world.personas["operator_a"], title__contains="驳回").exists() or \
        Notice.objects.filter(recipient=world.personas["operator_a"], body__contains="理由不成立").exists()
    with pytest.raises(AppealStepNotAllowedError):
        do_accept_appeal(appeal, actor=office, reason="再议")


def test_an_appeal_against_an_indicator_names_one_of_the_scheme(world: Any) -> None:
    in_publicity(world)
    with pytest.raises(AppealInputError):
        do_draft_appeal(world.subject(world.closed, world.unit_a), actor=world.personas["operator_a"],
                        target="indicator", indicator="NOPE", grounds="有误", now=T0)
    with pytest.raises(AppealInputError):
        do_draft_appeal(world.subject(world.closed, world.unit_a), actor=world.personas["operator_a"],
                        target="total", grounds=" ", now=T0)
    assert not Appeal.objects.exists()


def test_an_explanation_never_contradicts_the_total_it_stands_beside(world: Any) -> None:
    from django.utils import translation

    from jixiao.collection.services import do_set_value
    from jixiao.results.choices import Lang
    from jixiao.results.services import do_compute_cycle, result_explanation

    office, cycle = world.personas["admin"], world.open
    subject = world.subject(cycle, world.unit_a)
    do_set_value(subject, "EXEC", "91", actor=office)  # after the last compute: the results are out of date
    result = Result.objects.select_related("cycle").get(subject=subject)
    with translation.override("en"):  # whatever language the thread has active, the Chinese text is Chinese
        text = result_explanation(result)
    assert "重新计算" in text
    assert "recomputed" in result_explanation(result, Lang.EN)
    assert f"{result.total:.2f}" not in text
    do_compute_cycle(cycle, actor=office)
    result = Result.objects.select_related("cycle").get(subject=subject)
    assert f"{result.total:.2f}" in result_explanation(result)
