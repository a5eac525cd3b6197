"""Dual monitoring, overdue data, escalation (四阶警示) and rectification orders (整改通知单) wired end to end,
with hand-worked numbers.

Unit B's EXEC (预算执行率, ratio to 100) plans 25, 50, 75 and 100 at the ends of the quarters (March, June,
September, December); unit B's RESP (诉求响应率, linear 80 -> 100) plans its target 100 the same way."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from jixiao.audit.models import AuditEvent
from jixiao.core.errors import NotFoundError, PermissionDeniedError
from jixiao.inbox.models import Notice
from jixiao.monitoring.errors import MonitoringInputError, OrderStateError
from jixiao.monitoring.models import Escalation, EscalationStep, Order, OrderLog, Warning
from jixiao.monitoring.services import (
    do_acknowledge_order,
    do_issue_order,
    do_override_escalation,
    do_recheck_order,
    do_set_dual_pair,
    do_submit_order,
    run_monitoring,
)

from .conftest import BEFORE_DUE

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _enter(world: Any, unit: Any, indicator: str, values: dict[int, float]) -> None:
    from jixiao.monitoring.services import do_set_period_value

    subject = world.subject(world.open, unit)
    for month, value in values.items():
        do_set_period_value(subject, indicator, month, value, actor=None)


def _steps(world: Any, unit: Any, indicator: str) -> list[tuple[int, int, bool]]:
    return list(EscalationStep.objects.filter(escalation__subject__unit=unit, escalation__indicator=indicator)
                .order_by("pk").values_list("stage", "period", "automatic"))


# --- dual monitoring --------------------------------------------------------------------------------------------

def test_money_spent_without_results_is_a_red_dual_warning(world: Any) -> None:
    do_set_dual_pair(world.open, "EXEC", "RESP", actor=world.personas["admin"])
    # June: spent 60 of 100 (60 %), output 30 of 100 (30 %): 30 points apart, beyond the 20-point gap.
    _enter(world, world.unit_b, "EXEC", {6: 60})
    _enter(world, world.unit_b, "RESP", {6: 30})
    counts = run_monitoring(world.open, now=BEFORE_DUE)
    assert counts["dual"] == 1
    warning = Warning.objects.get(kind="dual")
    assert (warning.subject.unit, warning.indicator, warning.period, warning.status) == (world.unit_b, "EXEC", 6,
                                                                                        "red")
    assert warning.detail == "预算支出进度 60%，产出进度 30%：资金支出快于产出进度（花钱无效果）"


def test_results_without_spending_is_a_yellow_dual_warning_and_a_gap_of_20_points_is_none(world: Any) -> None:
    do_set_dual_pair(world.open, "EXEC", "RESP", actor=world.personas["admin"])
    _enter(world, world.unit_b, "EXEC", {3: 20, 6: 30})  # March 20 %, June 30 %
    _enter(world, world.unit_b, "RESP", {3: 40, 6: 60})  # March 40 % (-20 points: in step), June 60 % (-30)
    run_monitoring(world.open, now=BEFORE_DUE)
    warning = Warning.objects.get(kind="dual")
    assert (warning.period, warning.status) == (6, "yellow")
    assert warning.detail == "预算支出进度 30%，产出进度 60%：产出进度快于资金支出（需核实）"


# --- negotiated plans ------------------------------------------------------------------------------------------

def test_a_negotiated_plan_replaces_the_linear_one_for_its_months(world: Any) -> None:
    from jixiao.monitoring.services import assess, do_set_period_plan

    subject = world.subject(world.open, world.unit_b)
    office = world.personas["admin"]
    with pytest.raises(PermissionDeniedError):
        do_set_period_plan(subject, "EXEC", {3: 10.0}, actor=world.personas["operator_b"])
    with pytest.raises(MonitoringInputError):
        do_set_period_plan(subject, "EXEC", {13: 10.0}, actor=office)
    # The project pays out in the autumn: 10 by March (linear: 25); June stays linear (50).
    do_set_period_plan(subject, "EXEC", {3: 10.0}, actor=office)
    _enter(world, world.unit_b, "EXEC", {3: 15, 6: 30})
    frame = assess(world.open).sort("period")
    assert frame["plan"].to_list() == [10.0, 50.0]
    assert frame["status"].to_list() == [0, 2]  # 15 of 10: ahead, green; 30 of 50: 40 % behind, red
    do_set_period_plan(subject, "EXEC", {3: None}, actor=office)  # back to linear
    assert assess(world.open).sort("period")["plan"].to_list() == [25.0, 50.0]
    assert AuditEvent.objects.filter(action="period_plan.set").count() == 2


def test_an_indicator_entered_month_by_month_is_added_up_to_date(world: Any) -> None:
    from jixiao.monitoring.services import assess, do_set_reporting

    do_set_reporting(world.open, "EXEC", "monthly", entry="period", actor=world.personas["admin"])
    # The months' own figures 9, 7, 4: to date 9, 16, 20; the plan to March is 25: 20 % behind, yellow.
    _enter(world, world.unit_b, "EXEC", {1: 9, 2: 7, 3: 4})
    frame = assess(world.open).sort("period")
    assert frame["actual"].to_list() == [9.0, 16.0, 20.0]
    assert frame["status"].to_list() == [0, 0, 1]
    assert assess(world.open, period=3)["actual"].to_list() == [20.0]  # one month asked: still to date


# --- the unit's own history -----------------------------------------------------------------------------------

def test_a_month_adding_far_more_than_usual_is_a_sudden_jump(world: Any) -> None:
    # Increments of months 2 to 6: 8, 8, 8, 38, 8; usual (median) 8; 38 > 3 x 8.
    _enter(world, world.unit_b, "EXEC", {1: 8, 2: 16, 3: 24, 4: 32, 5: 70, 6: 78})
    counts = run_monitoring(world.open, now=BEFORE_DUE)
    assert counts["jump"] == 1
    warning = Warning.objects.get(kind="jump")
    assert (warning.period, warning.status) == (5, "yellow")
    assert warning.detail == "本月新增 38，是该单位月均增量 8 的 4.8 倍（突变）"


def test_a_value_far_from_the_same_month_last_year_is_flagged(world: Any) -> None:
    from django.utils import timezone

    from jixiao.monitoring.models import PeriodValue

    last_year = world.subject(world.published, world.unit_b)
    PeriodValue.objects.bulk_create([  # last year's months, as they were entered then
        PeriodValue(cycle=world.published, subject=last_year, indicator="EXEC", period=k, value=v,
                    entered_at=timezone.now()) for k, v in ((3, 20.0), (6, 45.0))])
    _enter(world, world.unit_b, "EXEC", {3: 32, 6: 60})  # +60 % (flagged), +33 % (not)
    assert run_monitoring(world.open, now=BEFORE_DUE)["year"] == 1
    warning = Warning.objects.get(kind="year")
    assert warning.period == 3
    assert warning.detail == "本期 32，上年同期 20，同比 +60%"


# --- data overdue -------------------------------------------------------------------------------------------

def test_a_value_not_entered_by_the_tenth_of_the_next_month_is_overdue(world: Any) -> None:
    _enter(world, world.unit_a, "EXEC", {1: 8, 2: 18})
    # March's value is due by 10 April (Shanghai time): not yet overdue during that day.
    last_day = datetime(2026, 4, 10, 23, 0, tzinfo=SHANGHAI)
    run_monitoring(world.open, now=last_day)
    assert not Warning.objects.filter(kind="stale", subject__unit=world.unit_a, indicator="EXEC").exists()
    run_monitoring(world.open, now=last_day + timedelta(hours=2))
    warning = Warning.objects.get(kind="stale", subject__unit=world.unit_a, indicator="EXEC")
    assert (warning.period, warning.status) == (3, "yellow")
    assert warning.detail == "第 3 期数据应于 2026年4月10日前填报，至今未报"
    # Every planned unit and indicator without its January to March values is overdue too, once.
    planned_pairs = 3 * 3  # units A, A1 and B x RESP, DAYS and EXEC
    assert Warning.objects.filter(kind="stale").count() == planned_pairs * 3 - 2
    assert run_monitoring(world.open, now=last_day + timedelta(days=1))["created"] == 0


def test_only_the_monitored_indicators_are_owed_and_a_quarterly_one_only_at_quarter_ends(world: Any) -> None:
    from jixiao.monitoring.services import do_set_reporting

    office = world.personas["admin"]
    do_set_reporting(world.open, "EXEC", "monthly", actor=office)
    do_set_reporting(world.open, "DAYS", "quarterly", actor=office)
    with pytest.raises(MonitoringInputError, match="ONSITE"):
        do_set_reporting(world.open, "ONSITE", "monthly", actor=office)  # bands: no target to plan towards
    with pytest.raises(PermissionDeniedError):
        do_set_reporting(world.open, "RESP", "monthly", actor=world.personas["operator_a"])
    # 11 April: January to March are due. EXEC owes 3 months, DAYS only March, RESP nothing (not monitored).
    run_monitoring(world.open, now=datetime(2026, 4, 11, 8, 0, tzinfo=SHANGHAI))
    owed = set(Warning.objects.filter(kind="stale", subject__unit=world.unit_b)
               .values_list("indicator", "period"))
    assert owed == {("EXEC", 1), ("EXEC", 2), ("EXEC", 3), ("DAYS", 3)}
    do_set_reporting(world.open, "DAYS", "", actor=office)
    assert AuditEvent.objects.filter(action="reporting.set").count() == 3


# --- escalation -------------------------------------------------------------------------------------------------

def test_red_quarters_climb_one_stage_each_and_a_green_quarter_ends_the_escalation(world: Any) -> None:
    # March 15 (plan 25: 40 % behind, red), April 20 (not a quarter's end), June 30 (plan 50: red again).
    _enter(world, world.unit_b, "EXEC", {3: 15, 4: 20, 6: 30})
    run_monitoring(world.open, now=BEFORE_DUE)
    escalation = Escalation.objects.get(subject__unit=world.unit_b, indicator="EXEC")
    assert escalation.stage == 2  # talk with the leader (约谈)
    assert _steps(world, world.unit_b, "EXEC") == [(1, 3, True), (2, 6, True)]
    assert EscalationStep.objects.get(stage=1).reason == "3月季度末亮红灯，升至第 1 阶：书面预警"
    assert EscalationStep.objects.get(stage=2).reason == "6月季度末再次亮红灯，升至第 2 阶：约谈"
    assert run_monitoring(world.open, now=BEFORE_DUE)["escalation_steps"] == 0  # idempotent
    # September 70 against a plan of 75: 6.7 % behind, green: the escalation ends.
    _enter(world, world.unit_b, "EXEC", {9: 70})
    run_monitoring(world.open, now=BEFORE_DUE)
    escalation.refresh_from_db()
    assert escalation.stage == 0
    assert _steps(world, world.unit_b, "EXEC")[-1] == (0, 9, True)
    assert EscalationStep.objects.get(stage=0).reason == "9月季度末恢复绿灯，警示解除"


def test_a_yellow_quarter_holds_the_stage(world: Any) -> None:
    _enter(world, world.unit_b, "EXEC", {3: 15, 6: 44})  # June 44 of 50: 12 % behind, yellow
    run_monitoring(world.open, now=BEFORE_DUE)
    assert Escalation.objects.get(subject__unit=world.unit_b).stage == 1
    assert _steps(world, world.unit_b, "EXEC") == [(1, 3, True)]


def test_the_office_overrides_with_a_reason_and_the_job_goes_on_from_there(world: Any) -> None:
    _enter(world, world.unit_b, "EXEC", {3: 15, 6: 30})
    run_monitoring(world.open, now=BEFORE_DUE)  # stage 2 after June
    subject = world.subject(world.open, world.unit_b)
    office = world.personas["admin"]
    with pytest.raises(MonitoringInputError, match="理由"):
        do_override_escalation(subject, "EXEC", 3, actor=office, reason="  ")
    with pytest.raises(PermissionDeniedError):
        do_override_escalation(subject, "EXEC", 3, actor=world.personas["operator_b"], reason="越级")
    do_override_escalation(subject, "EXEC", 3, actor=office, reason="约谈后仍未提交整改方案，直接提出扣减预算建议")
    escalation = Escalation.objects.get(subject__unit=world.unit_b)
    assert (escalation.stage, escalation.override_stage, escalation.override_period) == (3, 3, 6)
    assert run_monitoring(world.open, now=BEFORE_DUE)["escalation_steps"] == 0  # June is not counted again
    _enter(world, world.unit_b, "EXEC", {9: 40})  # September 40 of 75: red: accountability (问责)
    run_monitoring(world.open, now=BEFORE_DUE)
    escalation.refresh_from_db()
    assert escalation.stage == 4
    assert _steps(world, world.unit_b, "EXEC") == [(1, 3, True), (2, 6, True), (3, 6, False), (4, 9, True)]
    assert AuditEvent.objects.filter(action="escalation.override").count() == 1


# --- rectification orders -----------------------------------------------------------------------------------------

def _proposed(world: Any) -> Order:
    """Unit A's EXEC in March 23 against a plan of 30 (its negotiated target 120): red at a quarter's end."""
    _enter(world, world.unit_a, "EXEC", {3: 23})
    counts = run_monitoring(world.open, now=BEFORE_DUE)
    assert counts["orders_proposed"] == 1
    order: Order = Order.objects.get()
    return order


def test_a_red_quarter_proposes_one_order_and_a_red_month_inside_a_quarter_none(world: Any) -> None:
    _enter(world, world.unit_b, "EXEC", {2: 5})  # February: red, but not a quarter's end
    run_monitoring(world.open, now=BEFORE_DUE)
    assert not Order.objects.exists()
    order = _proposed(world)
    assert (order.number, order.state, order.period) == ("2026-ZG-0001", "proposed", 3)
    assert order.finding == "预算执行率：3月季度末考核亮红灯，截至本期实际 23，计划 30，滞后 23%"
    _enter(world, world.unit_a, "EXEC", {6: 40})  # June red again while the order is open: no second order
    assert run_monitoring(world.open, now=BEFORE_DUE)["orders_proposed"] == 0


def test_an_order_is_issued_acknowledged_failed_then_closed_after_re_check(world: Any) -> None:
    order = _proposed(world)
    office, operator = world.personas["admin"], world.personas["operator_a"]
    t0 = datetime(2026, 4, 15, 9, 0, tzinfo=SHANGHAI)
    with pytest.raises(PermissionDeniedError):
        do_issue_order(order, actor=operator, requirement="追平进度")
    with pytest.raises(OrderStateError, match="2026-ZG-0001"):
        do_acknowledge_order(order, actor=operator, plan="加快支付", now=t0)
    order = do_issue_order(order, actor=office, requirement="30日内追平预算执行进度", now=t0)
    assert order.ack_due == t0 + timedelta(hours=72)
    assert order.due == t0 + timedelta(days=30)
    assert Notice.objects.filter(recipient=operator, kind="order").count() == 1
    with pytest.raises(NotFoundError):
        do_acknowledge_order(order, actor=world.personas["operator_b"], plan="不是我的", now=t0)
    order = do_acknowledge_order(order, actor=operator, plan="4月底前完成两笔专项资金支付", now=t0 + timedelta(hours=5))
    order = do_submit_order(order, actor=operator, summary="已完成支付，执行率达到计划")
    assert Notice.objects.filter(recipient=office, kind="order").exists()
    with pytest.raises(MonitoringInputError, match="备注"):
        do_recheck_order(order, actor=office, result="fail", note="")
    order = do_recheck_order(order, actor=office, result="fail", note="支付凭证未上传")
    assert (order.state, order.fails) == ("acknowledged", 1)
    order = do_submit_order(order, actor=operator, summary="已补传凭证")
    order = do_recheck_order(order, actor=office, result="pass", note="")
    assert order.state == "closed"
    assert order.closed_at is not None
    assert list(OrderLog.objects.filter(order=order).values_list("kind", flat=True)) == [
        "issued", "acknowledged", "submitted", "failed", "submitted", "passed"]
    with pytest.raises(OrderStateError):
        do_recheck_order(order, actor=office, result="pass", note="")


def test_a_past_deadline_is_refused_and_changes_nothing(world: Any) -> None:
    order = _proposed(world)
    with pytest.raises(MonitoringInputError, match="今天"):
        do_issue_order(order, actor=world.personas["admin"], requirement="追平", due=datetime(2026, 1, 1).date(),
                       now=datetime(2026, 4, 15, 9, 0, tzinfo=SHANGHAI))
    order.refresh_from_db()
    assert order.state == "proposed"
    assert not AuditEvent.objects.filter(action="order.issue").exists()


def test_an_order_not_acknowledged_in_72_hours_is_overdue_once(world: Any) -> None:
    order = _proposed(world)
    t0 = datetime(2026, 4, 15, 9, 0, tzinfo=SHANGHAI)
    do_issue_order(order, actor=world.personas["admin"], requirement="追平", now=t0)
    assert run_monitoring(world.open, now=t0 + timedelta(hours=71))["orders_overdue"] == 0
    assert run_monitoring(world.open, now=t0 + timedelta(hours=73))["orders_overdue"] == 1
    assert run_monitoring(world.open, now=t0 + timedelta(hours=74))["orders_overdue"] == 0
    order.refresh_from_db()
    assert order.overdue(t0 + timedelta(hours=74)) == "未按时签收"
    assert OrderLog.objects.filter(order=order, kind="overdue").count() == 1


def test_the_unit_is_told_of_new_warnings_once_per_run(world: Any) -> None:
    _enter(world, world.unit_a, "EXEC", {2: 5, 3: 23})  # two red months: two warnings, one notice
    run_monitoring(world.open, now=BEFORE_DUE)
    notices = Notice.objects.filter(recipient=world.personas["operator_a"], kind="warning")
    assert notices.count() == 1
    assert "2" in notices.get().title
    run_monitoring(world.open, now=BEFORE_DUE)
    assert notices.count() == 1
    assert not Notice.objects.filter(recipient=world.personas["operator_b"], kind="warning").exists()
