"""Each rule of monitoring wired end to end, with hand-worked numbers: the plan and the lag's light, the lag
warning and its words, the peer check, idempotence, and the period value's own checks."""

from __future__ import annotations

from typing import Any

import pytest

from jixiao.audit.models import AuditEvent
from jixiao.collection.errors import NotYoursToEnterError, ValueRefusedError, VersionConflictError
from jixiao.cycles.errors import CycleStateError
from jixiao.monitoring.errors import MonitoringInputError
from jixiao.monitoring.models import PeriodValue, Warning
from jixiao.monitoring.services import assess, do_set_period_value, run_monitoring

from .conftest import BEFORE_DUE, lagging


def test_a_march_value_of_23_against_a_target_of_120_is_a_red_lag_warning_in_words(world: Any) -> None:
    counts = lagging(world, 23)
    row = assess(world.open).row(0, named=True)
    assert row["plan"] == 30.0  # 120 x 3 / 12
    assert row["lag"] == pytest.approx(7 / 30)  # (30 - 23) / 30 = 23.3 % > 20 %
    warning = Warning.objects.get()
    assert (warning.subject.code, warning.indicator, warning.period) == ("A", "EXEC", 3)
    assert (warning.kind, warning.status, warning.state) == ("lag", "red", "open")
    assert warning.detail == "截至本期实际 23，计划 30，滞后 23%"
    assert counts == {"assessed": 1, "green": 0, "yellow": 0, "red": 1, "lag": 1, "dual": 0, "stale": 0,
                      "anomaly": 0, "jump": 0, "year": 0, "created": 1, "updated": 0, "unchanged": 0,
                      "escalation_steps": 1, "orders_proposed": 1, "orders_overdue": 0}  # March ends a quarter
    event = AuditEvent.objects.filter(action="monitoring.run").get()
    assert event.actor_id is None
    assert event.after["created"] == 1


def test_a_lag_of_exactly_the_red_limit_is_yellow_and_no_warning(world: Any) -> None:
    counts = lagging(world, 24)  # (30 - 24) / 30 = 20 %: not above red
    assert counts["yellow"] == 1
    assert counts["red"] == 0
    assert not Warning.objects.exists()


def test_on_plan_is_green(world: Any) -> None:
    assert lagging(world, 28)["green"] == 1  # (30 - 28) / 30 = 6.7 % <= 10 %


def test_lower_is_better_lags_when_above_plan(world: Any) -> None:
    # DAYS: floor 20, target 5 (lower is better); to the end of June the plan is 5 x 6 / 12 = 2.5.
    do_set_period_value(world.subject(world.open, world.unit_b), "DAYS", 6, 3.2, actor=world.personas["admin"],
                        version=0)
    run_monitoring(world.open, now=BEFORE_DUE)
    warning = Warning.objects.get()
    assert warning.detail == "截至本期实际 3.2，计划 2.5，滞后 28%"  # (3.2 - 2.5) / 2.5


def test_running_twice_creates_nothing_new_and_a_cleared_warning_stays(world: Any) -> None:
    first = lagging(world, 23)
    again = run_monitoring(world.open, now=BEFORE_DUE)
    assert again["created"] == 0
    assert again["unchanged"] == 1
    made = ("created", "unchanged", "escalation_steps", "orders_proposed")
    assert {k: v for k, v in first.items() if k not in made} == {k: v for k, v in again.items() if k not in made}
    assert (again["escalation_steps"], again["orders_proposed"]) == (0, 0)
    assert Warning.objects.count() == 1
    s = world.subject(world.open, world.unit_a)
    do_set_period_value(s, "EXEC", 3, 29, actor=world.personas["operator_a"], version=1)
    cleared = run_monitoring(world.open, now=BEFORE_DUE)
    assert cleared["red"] == 0
    assert cleared["created"] == 0
    warning = Warning.objects.get()
    assert warning.detail == "截至本期实际 23，计划 30，滞后 23%"  # left as it was, not re-raised
    assert AuditEvent.objects.filter(action="monitoring.run").count() == 3


def test_a_changed_finding_updates_the_warning_and_keeps_its_state(world: Any) -> None:
    from jixiao.monitoring.services import do_answer_warning

    lagging(world, 23)
    do_answer_warning(Warning.objects.get(), actor=world.personas["operator_a"], answer="三月系统故障，四月补录")
    do_set_period_value(world.subject(world.open, world.unit_a), "EXEC", 3, 20, actor=world.personas["operator_a"],
                        version=1)
    counts = run_monitoring(world.open, now=BEFORE_DUE)
    assert (counts["created"], counts["updated"]) == (0, 1)
    warning = Warning.objects.get()
    assert warning.detail == "截至本期实际 20，计划 30，滞后 33%"
    assert warning.state == "answered"


def test_an_extreme_value_among_six_peers_is_an_anomaly(db: Any) -> None:
    from jixiao.cycles.services import do_create_cycle, do_open_cycle
    from jixiao.engine.schemefile import template_text
    from jixiao.org.choices import Level
    from jixiao.org.services import do_create_category, do_create_unit
    from jixiao.schemes.services import do_import_scheme

    cat = do_create_category("A", "执法服务型", actor=None)
    units = [do_create_unit(f"U{k}", f"单位{k}", Level.DEPARTMENT, actor=None, category=cat) for k in range(6)]
    scheme = do_import_scheme(template_text("core-leader-negative"), actor=None)
    cycle = do_create_cycle("M", "监控", scheme, actor=None, year=2026, units=units)
    do_open_cycle(cycle, actor=None)
    # EXEC (budget execution, %) to the end of May: 40, 41, 42, 43, 44 and 95. Median 42.5, MAD 1.5:
    # 0.6745 x (95 - 42.5) / 1.5 = 23.61 > 3.5.
    for unit, value in zip(units, (40, 41, 42, 43, 44, 95), strict=True):
        do_set_period_value(cycle.subjects.get(unit=unit), "EXEC", 5, value, actor=None)
    counts = run_monitoring(cycle, now=BEFORE_DUE)
    assert counts["anomaly"] == 1
    warning = Warning.objects.get(kind="anomaly")
    assert (warning.subject.code, warning.period, warning.status) == ("U5", 5, "yellow")
    assert warning.detail.startswith("95 明显高于同组 6 个单位的中位数 42.5")
    assert "23.61" in warning.detail
    assert run_monitoring(cycle, now=BEFORE_DUE)["created"] == 0


def test_fewer_than_five_peers_are_not_assessed(world: Any) -> None:
    for unit, op in ((world.unit_a, "operator_a"), (world.unit_b, "operator_b")):
        do_set_period_value(world.subject(world.open, unit), "EXEC", 5, 95 if unit == world.unit_b else 40,
                            actor=world.personas[op], version=0)
    assert run_monitoring(world.open, now=BEFORE_DUE)["anomaly"] == 0


def test_a_period_value_refused_by_the_value_check_says_why(world: Any) -> None:
    with pytest.raises(ValueRefusedError) as refused:
        do_set_period_value(world.subject(world.open, world.unit_a), "EXEC", 3, -5,
                            actor=world.personas["operator_a"], version=0)
    assert refused.value.text == "预算执行率（EXEC）：不能小于 0，收到 -5"
    assert not PeriodValue.objects.exists()


def test_a_stale_version_is_a_conflict_naming_the_value_saved(world: Any) -> None:
    s = world.subject(world.open, world.unit_a)
    do_set_period_value(s, "EXEC", 3, 23, actor=world.personas["operator_a"], version=0)
    with pytest.raises(VersionConflictError) as conflict:
        do_set_period_value(s, "EXEC", 3, 25, actor=world.personas["admin"], version=0)
    assert "23" in conflict.value.text
    assert PeriodValue.objects.get().value == 23
    row = do_set_period_value(s, "EXEC", 3, 25, actor=world.personas["admin"], version=1)
    assert (row.value, row.version) == (25, 2)


def test_a_month_outside_the_year_and_a_closed_cycle_are_refused(world: Any) -> None:
    s = world.subject(world.open, world.unit_a)
    with pytest.raises(MonitoringInputError):
        do_set_period_value(s, "EXEC", 13, 23, actor=world.personas["operator_a"], version=0)
    with pytest.raises(CycleStateError):
        do_set_period_value(world.subject(world.published, world.unit_a), "EXEC", 3, 23,
                            actor=world.personas["admin"], version=0)


def test_only_who_may_write_the_value_writes_its_months(world: Any) -> None:
    from jixiao.core.errors import NotFoundError

    s = world.subject(world.open, world.unit_a)
    with pytest.raises(NotYoursToEnterError):
        do_set_period_value(s, "EXEC", 3, 23, actor=world.personas["leader"], version=0)
    with pytest.raises(NotFoundError):
        do_set_period_value(s, "EXEC", 3, 23, actor=world.personas["operator_b"], version=0)
    with pytest.raises(NotYoursToEnterError):  # the office's item (from the 12345 hotline)
        do_set_period_value(s, "RESP", 3, 90, actor=world.personas["operator_a"], version=0)


def test_many_period_values_load_at_once_all_or_nothing(world: Any) -> None:
    from jixiao.core.errors import JixiaoError
    from jixiao.monitoring.services import do_load_period_values

    cycle, office = world.open, world.personas["admin"]
    with pytest.raises(MonitoringInputError) as refused:
        do_load_period_values(cycle, [("A", "EXEC", 1, 8.0), ("NOPE", "EXEC", 1, 5.0), ("A", "EXEC", 13, 5.0),
                                      ("B", "EXEC", 2, "-5")], actor=office)
    text = refused.value.text
    assert "NOPE" in text
    assert "1 至 12" in text
    assert "不能小于 0" in text
    assert not PeriodValue.objects.exists()
    assert do_load_period_values(cycle, [("A", "EXEC", 1, 8.0), ("A", "EXEC", 2, "16.5")], actor=office) == 2
    assert do_load_period_values(cycle, [("A", "EXEC", 1, 8.0), ("A", "EXEC", 2, 17.0)], actor=office) == 1
    row = PeriodValue.objects.get(subject__code="A", indicator="EXEC", period=2)
    assert (row.value, row.version) == (17.0, 2)
    assert AuditEvent.objects.filter(action="period_value.load").count() == 2
    with pytest.raises(JixiaoError):
        do_load_period_values(cycle, [("A", "EXEC", 3, 20.0)], actor=world.personas["operator_a"])
