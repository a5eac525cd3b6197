"""Every service function writes exactly the audit events declared for it (a service that silently stops
auditing fails here), and every service function is declared.

Each write of the platform goes through a ``do_<verb>_<noun>(..., *, actor)`` function in an app's
``services`` module, which records its audit event in the same transaction. ``SERVICES`` below holds one
declaration per such function (after NetBox's ``utilities/testing``): its name, the audit action(s) one
call writes, and a recipe giving the arguments of one valid call on the shared test world
(``tests/platform/conftest.py``). The generic test calls the function once with the declared persona as
``actor`` and checks that exactly the declared events were written, by that actor ("system" when the
actor is None), and that the hash chain still verifies. The completeness test imports every
``jixiao.<app>.services`` module (found with pkgutil, so a new app's services are found too) and fails,
naming the function, when a public ``do_*`` function has no declaration.

To declare a new service, add one ``Audited`` line to ``SERVICES``:

    Audited("do_close_cycle", ("cycle.close", "cycle.compute"), lambda w, tmp: call(w.open)),

- the function's name only: a service may move between apps (its declaration follows it); the same name
  defined in two services modules (a move in progress) is tested in both places;
- the actions one call writes, in order (one string when it writes one event);
- the recipe, ``(world, tmp_path) -> call(*args, **kwargs)``, without ``actor``: the test passes it. Any
  setup the call needs (a draft cycle, a file) is made in the recipe; events written there are not
  counted;
- ``actor=``: the persona who calls it ("admin" unless said; None for the system) — one allowed to;
- ``per_item=(action, n)`` for a service that writes, besides its own events, one event per item it
  handles (e.g. a scheme import revising each changed indicator): the recipe handles ``n`` items.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max

import jixiao
from jixiao.accounts.choices import Role
from jixiao.audit.models import AuditEvent
from jixiao.audit.services import verify_chain
from jixiao.collection.models import Value
from jixiao.cycles.services import do_create_cycle
from jixiao.engine.schemefile import template_text
from jixiao.imports.choices import ImportKind, JobState
from jixiao.imports.services import do_start_import
from jixiao.indicators.models import Indicator
from jixiao.org.choices import Level, PostType

Call = tuple[tuple[Any, ...], dict[str, Any]]
Recipe = Callable[[Any, Path], Call]


def _submitted(w: Any) -> None:
    from jixiao.approval.services import do_submit_values

    do_submit_values(w.subject(w.open, w.unit_a), actor=None)


def _accepted(w: Any) -> None:
    from jixiao.approval.services import do_accept_values

    _submitted(w)
    do_accept_values(w.subject(w.open, w.unit_a), actor=None)


def _warning(w: Any) -> Any:
    """A red lag warning of unit A: EXEC to the end of March 19 against a plan of 25 (100 x 3 / 12)."""
    from jixiao.monitoring.models import Warning
    from jixiao.monitoring.services import do_set_period_value, run_monitoring

    do_set_period_value(w.subject(w.open, w.unit_a), "EXEC", 3, 19, actor=None)
    run_monitoring(w.open)
    return Warning.objects.get(cycle=w.open, subject__unit=w.unit_a, indicator="EXEC", period=3)


def _order(w: Any, upto: str = "proposed") -> Any:
    """The rectification order the job proposes for unit A's red March (``_warning``), taken on to ``upto``."""
    from jixiao.monitoring.models import Order
    from jixiao.monitoring.services import do_acknowledge_order, do_issue_order, do_submit_order

    _warning(w)
    order = Order.objects.get(cycle=w.open, subject__unit=w.unit_a, indicator="EXEC")
    steps = ("issued", "acknowledged", "submitted")
    if upto in steps:
        order = do_issue_order(order, actor=None, requirement="一个月内追平进度")
    if upto in steps[1:]:
        order = do_acknowledge_order(order, actor=None, plan="加快支付")
    if upto in steps[2:]:
        order = do_submit_order(order, actor=None, summary="已追平")
    return order


def _step(w: Any) -> Any:
    from jixiao.monitoring.models import EscalationStep

    _warning(w)
    return EscalationStep.objects.get(escalation__subject__unit=w.unit_a, escalation__indicator="EXEC")


def _check_item(w: Any, upto: str = "sampled") -> Any:
    """Unit A's EXEC in a three-party check round, taken on to ``upto`` (reviewed, verified)."""
    from datetime import date

    from jixiao.verification.services import do_draw_round, do_review_check_item, do_verify_check_item

    item = do_draw_round(w.open, actor=None, name="三方核查", share=1.0, seed=1).items.get(
        subject__unit=w.unit_a, indicator="EXEC")
    if upto in ("reviewed", "verified"):
        item = do_review_check_item(item, actor=None, agrees=True)
    if upto == "verified":
        item = do_verify_check_item(item, actor=None, value=71, method="on_site", on=date(2026, 3, 1))
    return item


def _unsampled(w: Any) -> tuple[Any, Any, str]:
    """A round of one value per unit, unit B and the one of its own values (EXEC, NEG) left out of it."""
    from jixiao.verification.services import do_draw_round

    rnd = do_draw_round(w.open, actor=None, name="三方核查", per_unit=1, seed=1)
    b = w.subject(w.open, w.unit_b)
    return rnd, b, ({"EXEC", "NEG"} - set(rnd.items.filter(subject=b).values_list("indicator", flat=True))).pop()
def _survey(w: Any, mode: str = "token", answered: bool = False) -> Any:
    """A survey of SERVQ (city-annual's survey indicator, category B) on a new open cycle of A and B; unit B has
    two tokens, one of them answered when ``answered``."""
    from jixiao.cycles.services import do_open_cycle
    from jixiao.schemes.services import do_import_scheme
    from jixiao.surveys.services import do_create_survey, do_issue_survey_tokens, do_submit_survey_response

    cycle = do_create_cycle("2026S", "2026年度城市考核", do_import_scheme(template_text("city-annual"), actor=None),
                            actor=None, year=2026, units=[w.unit_a, w.unit_b])
    survey = do_create_survey(do_open_cycle(cycle, actor=None), "满意度调查", [("满意吗", "SERVQ")] * 5, actor=None,
                              mode=mode)
    if mode == "token":
        do_issue_survey_tokens(survey, 2, actor=None)
    if answered:
        do_submit_survey_response(survey.tokens.first().key, [4, 5, 4, 5, 3], actor=None)
    return survey


def call(*args: Any, **kwargs: Any) -> Call:
    """The arguments of one call, ``actor`` aside."""
    return args, kwargs


@dataclass(frozen=True)
class Audited:
    """One service function and the audit trail one call of it must leave (see the module docstring)."""

    service: str
    writes: str | tuple[str, ...]
    recipe: Recipe
    actor: str | None = "admin"
    per_item: tuple[str, int] | None = None

    @property
    def actions(self) -> tuple[str, ...]:
        return (self.writes,) if isinstance(self.writes, str) else self.writes

    def expected(self) -> Counter[str]:
        counts = Counter(self.actions)
        if self.per_item is not None:
            counts[self.per_item[0]] += self.per_item[1]
        return counts


def _file(tmp: Path, name: str, *lines: str) -> Path:
    path = tmp / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _publicity(w: Any, days_ago: int = 0) -> Any:
    """The closed cycle, reviewed and in publicity since ``days_ago`` days (7 days long)."""
    from datetime import timedelta

    from django.utils import timezone

    from jixiao.review.services import do_confirm_review, do_start_publicity

    do_confirm_review(w.closed, actor=None)
    return do_start_publicity(w.closed, actor=None, days=7, confirm=True,
                              now=timezone.now() - timedelta(days=days_ago))


def _appeal(w: Any, *, lodged: bool = False, heard: bool = False) -> Any:
    """An appeal of unit A against its total in the closed cycle's publicity: drafted, or signed (lodged), or
    sent to a hearing."""
    from django.utils import timezone

    from jixiao.review.services import do_draft_appeal, do_schedule_hearing, do_sign_appeal

    _publicity(w)
    appeal = do_draft_appeal(w.subject(w.closed, w.unit_a), actor=None, target="total", grounds="数据有误")
    if lodged or heard:
        do_sign_appeal(appeal, actor=None)
    if heard:
        do_schedule_hearing(appeal, actor=None, at=timezone.now(), place="302会议室", participants="考核办；申诉单位")
    return appeal


def _publicity_ready(w: Any) -> None:
    from jixiao.review.services import do_confirm_review

    do_confirm_review(w.closed, actor=None)


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()


def _ended(w: Any) -> Any:
    from jixiao.review.services import do_end_publicity

    cycle = _publicity(w, days_ago=8)
    do_end_publicity(cycle, actor=None)
    return cycle


def _notice(w: Any) -> Any:
    """A new notice to the operator of A (notify is a helper of other services: it writes no event)."""
    from jixiao.inbox.models import Notice
    from jixiao.inbox.services import notify

    notify([w.personas["operator_a"]], kind="appeal", title="申诉待签发")
    return Notice.objects.filter(recipient=w.personas["operator_a"]).latest("pk")


def _draft_cycle(w: Any, tmp: Path) -> Call:
    draft = do_create_cycle("2027", "2027年度考核", w.open.scheme, actor=None, year=2027, units=[w.unit_a])
    return call(draft)


def _upload(name: str, *lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), content_type="text/csv")


def _finished_job(w: Any, tmp: Path) -> Call:
    staff = _upload("人员.csv", "code,name,post_type,unit", "P-1,李四,service,B")
    job = do_start_import(ImportKind.STAFF, staff, actor=None)
    return call(job, JobState.DONE, counts={"rows": 1, "created": 1, "updated": 0})


def _changed_scheme(w: Any, tmp: Path) -> Call:
    """The world's scheme with two indicators renamed: a new scheme version and two indicator revisions."""
    text = template_text("core-leader-negative")
    for old, new in (("诉求响应率", "群众诉求响应率"), ("预算执行率", "部门预算执行率")):
        assert text.count(f"name: {old}") == 1
        text = text.replace(f"name: {old}", f"name: {new}")
    return call(text)


SERVICES: list[Audited] = [
    # accounts
    Audited("do_create_user", "user.create", lambda w, tmp: call("op-b2", Role.OPERATOR, units=[w.unit_b])),
    Audited(
        "do_update_user",
        "user.update",
        lambda w, tmp: call(w.personas["operator_b"], units=[w.unit_a, w.unit_b]),
    ),
    # collection
    Audited(
        "do_set_value",
        "value.set",
        lambda w, tmp: call(w.subject(w.open, w.unit_a), "EXEC", 96.5),
        actor="operator_a",
    ),
    Audited(
        "do_delete_value",
        "value.delete",
        lambda w, tmp: call(Value.objects.get(subject=w.subject(w.open, w.unit_a), indicator="DAYS")),
    ),
    Audited(
        "do_set_target",
        "target.set",
        lambda w, tmp: call(w.subject(w.open, w.unit_a), "RESP", floor=70, target=95),
    ),
    Audited(
        "do_set_rating",
        "rating.set",
        lambda w, tmp: call(w.subject(w.open, w.unit_b), "LEAD", "public", 91, rater="专家组-1"),
    ),
    Audited(
        "do_import_values",
        "value.import",
        lambda w, tmp: call(w.open, _file(tmp, "月报.csv", "unit,indicator,value", "A,RESP,96", "B,EXEC,99")),
    ),
    Audited(
        "do_load_values",
        "value.import",
        lambda w, tmp: call(w.open, [(2, "A", "NEG", 1.0), (3, "A", "EXEC", 98.0)]),
        actor="operator_a",
    ),
    Audited(
        "do_load_ratings",
        "rating.import",
        lambda w, tmp: call(w.open, [("A", "LEAD", "peer", "peer-9", 80.0), ("B", "LEAD", "peer", "peer-9", 70.0)]),
    ),
    Audited(
        "do_submit_values",
        "submission.submit",
        lambda w, tmp: call(w.subject(w.open, w.unit_a)),
        actor="operator_a",
    ),
    Audited(
        "do_withdraw_values",
        "submission.withdraw",
        lambda w, tmp: (_submitted(w), call(w.subject(w.open, w.unit_a), reason="漏填一项"))[1],
        actor="operator_a",
    ),
    Audited(
        "do_approve_values",
        "submission.approve",
        lambda w, tmp: (_submitted(w), call(w.subject(w.open, w.unit_a)))[1],
        actor="leader",
    ),
    Audited(
        "do_return_values",
        "submission.return",
        lambda w, tmp: (_submitted(w), call(w.subject(w.open, w.unit_a), reason="缺少佐证材料"))[1],
        actor="leader",
    ),
    Audited(
        "do_accept_values",
        "submission.accept",
        lambda w, tmp: (_submitted(w), call(w.subject(w.open, w.unit_a)))[1],
    ),
    Audited(
        "do_reopen_values",
        "submission.reopen",
        lambda w, tmp: (_accepted(w), call(w.subject(w.open, w.unit_a), reason="审计发现数据有误"))[1],
    ),
    # cycles
    Audited(
        "do_create_cycle",
        "cycle.create",
        lambda w, tmp: call("2027", "2027年度考核", w.open.scheme, year=2027, units=[w.unit_a, w.unit_b]),
    ),
    Audited("do_open_cycle", "cycle.open", _draft_cycle),
    Audited("do_close_cycle", ("cycle.close", "cycle.compute"), lambda w, tmp: call(w.open, confirm=True)),
    # review, publicity, appeals and hearings
    Audited("do_correct_value", ("value.correct", "cycle.compute"),
            lambda w, tmp: call(w.subject(w.closed, w.unit_a), "EXEC", "95", reason="复核更正")),
    Audited("do_confirm_review", "cycle.review", lambda w, tmp: call(w.closed)),
    Audited("do_start_publicity", "cycle.publicity",
            lambda w, tmp: (_publicity_ready(w), call(w.closed, confirm=True))[1]),
    Audited("do_end_publicity", "cycle.publicity_end", lambda w, tmp: call(_publicity(w, days_ago=8))),
    Audited("do_finalize_cycle", "cycle.finalize", lambda w, tmp: call(_ended(w), confirm=True)),
    Audited("do_draft_appeal", "appeal.draft",
            lambda w, tmp: (_publicity(w), call(w.subject(w.closed, w.unit_a), target="indicator",
                                                indicator="EXEC", grounds="执行率计算有误"))[1],
            actor="operator_a"),
    Audited("do_sign_appeal", "appeal.sign", lambda w, tmp: call(_appeal(w)), actor="leader"),
    Audited("do_withdraw_appeal", "appeal.withdraw", lambda w, tmp: call(_appeal(w, lodged=True)),
            actor="operator_a"),
    Audited("do_accept_appeal", ("value.correct", "appeal.accept", "cycle.compute"),
            lambda w, tmp: call(_appeal(w, lodged=True), reason="核实有误", corrections={"EXEC": "96"})),
    Audited("do_reject_appeal", "appeal.reject", lambda w, tmp: call(_appeal(w, lodged=True), reason="理由不成立")),
    Audited("do_schedule_hearing", "appeal.hearing",
            lambda w, tmp: call(_appeal(w, lodged=True), at=_now(), place="302会议室",
                                participants="考核办；申诉单位")),
    Audited("do_decide_hearing", "appeal.decide",
            lambda w, tmp: call(_appeal(w, heard=True), decision="reject", minutes="听证记录", reasons="理由不成立")),
    # evidence
    Audited(
        "do_attach_evidence",
        "evidence.attach",
        lambda w, tmp: call(Value.objects.get(subject=w.subject(w.open, w.unit_a), indicator="EXEC"),
                            SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n%%EOF\n")),
        actor="operator_a",
    ),
    # imports (the job is queued, not run: IMPORT_JOBS_INLINE is off)
    Audited(
        "do_start_import",
        "import.start",
        lambda w, tmp: call(
            ImportKind.UNITS, _upload("单位.csv", "code,name,level,parent,category", "A2,西城所,street,A,A")
        ),
    ),
    Audited("do_finish_import", "import.finish", _finished_job),
    # inbox
    Audited("do_read_notice", "notice.read", lambda w, tmp: call(_notice(w)), actor="operator_a"),
    Audited("do_read_all_notices", "notice.read_all", lambda w, tmp: (_notice(w), call())[1], actor="operator_a"),
    # indicators
    Audited("do_create_indicator", "indicator.create", lambda w, tmp: call("SATIS", name="群众满意度")),
    Audited(
        "do_revise_indicator",
        "indicator.revise",
        lambda w, tmp: call(Indicator.objects.get(code="RESP"), name="群众诉求响应率"),
    ),
    # org
    Audited("do_create_category", "category.create", lambda w, tmp: call("C", "综合管理型"), actor=None),
    Audited(
        "do_create_unit",
        "unit.create",
        lambda w, tmp: call("A2", "市场监管局西城所", Level.STREET, parent=w.unit_a),
    ),
    Audited("do_update_unit", "unit.update", lambda w, tmp: call(w.unit_b, name="机关事务管理局")),
    Audited(
        "do_create_person",
        "person.create",
        lambda w, tmp: call("P-1", "李四", PostType.SERVICE, w.unit_b),
    ),
    Audited(
        "do_import_units",
        "unit.import",
        lambda w, tmp: call(
            _file(tmp, "单位.csv", "code,name,level,parent,category", "A2,市场监管局西城所,street,A,A")
        ),
    ),
    Audited(
        "do_import_staff",
        "person.import",
        lambda w, tmp: call(_file(tmp, "人员.csv", "code,name,post_type,unit", "P-1,李四,service,B")),
    ),
    Audited("do_link_person", "person.link",
            lambda w, tmp: call(_person(w), w.personas["rater"])),
    Audited(
        "do_load_staff",
        "person.import",
        lambda w, tmp: call([(2, "P-1", "李四", "service", "B"), (3, "P-2", "王五", "enforcement", "A")]),
    ),
    # monitoring
    Audited("do_load_period_values", "period_value.load",
            lambda w, tmp: call(w.open, [("A", "EXEC", 1, 8.0), ("B", "EXEC", 1, "7.5")])),
    Audited("do_set_period_value", "period_value.set",
            lambda w, tmp: call(w.subject(w.open, w.unit_a), "EXEC", 3, 23, version=0), actor="operator_a"),
    Audited("do_answer_warning", "warning.answer", lambda w, tmp: call(_warning(w), answer="三月系统故障"),
            actor="operator_a"),
    Audited("do_follow_up_warning", "warning.follow_up",
            lambda w, tmp: call(_warning(w), state="explained", note="属实")),
    Audited("do_issue_order", "order.issue", lambda w, tmp: call(_order(w), requirement="一个月内追平进度")),
    Audited("do_dismiss_order", "order.dismiss", lambda w, tmp: call(_order(w), reason="已在年中调整计划")),
    Audited("do_acknowledge_order", "order.acknowledge",
            lambda w, tmp: call(_order(w, "issued"), plan="加快支付"), actor="operator_a"),
    Audited("do_report_order", "order.report",
            lambda w, tmp: call(_order(w, "acknowledged"), progress="已支付一半",
                                evidence=SimpleUploadedFile("进展.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")),
            actor="operator_a"),
    Audited("do_submit_order", "order.submit",
            lambda w, tmp: call(_order(w, "acknowledged"), summary="已追平"), actor="operator_a"),
    Audited("do_recheck_order", "order.recheck",
            lambda w, tmp: call(_order(w, "submitted"), result="pass", note="")),
    Audited("do_set_dual_pair", "dual_pair.set", lambda w, tmp: call(w.open, "EXEC", "RESP")),
    Audited("do_set_period_plan", "period_plan.set",
            lambda w, tmp: call(w.subject(w.open, w.unit_a), "EXEC", {3: 10.0, 6: 40.0})),
    Audited("do_set_reporting", "reporting.set", lambda w, tmp: call(w.open, "EXEC", "quarterly")),
    Audited("do_override_escalation", "escalation.override",
            lambda w, tmp: call(w.subject(w.open, w.unit_a), "EXEC", 2, reason="连续两季度未整改")),
    Audited("do_record_escalation_step", "escalation.record",
            lambda w, tmp: call(_step(w), record="已发书面预警函")),
    # ratings
    Audited("do_create_campaign", "campaign.created", lambda w, tmp: call(w.open, "2026年度领导评价")),
    Audited("do_assign_raters", "campaign.assigned",
            lambda w, tmp: call(_campaign(w), [_rater(w, "public", invitee="市人大代表 张某")])),
    Audited("do_open_campaign", "campaign.opened", lambda w, tmp: call(_campaign(w, assigned=True))),
    Audited("do_remind_raters", "campaign.reminded", lambda w, tmp: call(_campaign(w, opened=True))),
    Audited("do_close_campaign", "campaign.closed", lambda w, tmp: call(_campaign(w, opened=True))),
    Audited("do_submit_rating", "assignment.submitted",
            lambda w, tmp: call(_campaign(w, opened=True).assignments.get(), {"LEAD": 77}), actor="rater"),
    Audited("do_tally_votes", ("value.import", "campaign.tallied"), lambda w, tmp: call(_voted(w))),
    # verification
    Audited("do_draw_round", "check_round.draw", lambda w, tmp: call(w.open, name="第一批", per_unit=1, seed=7)),
    Audited("do_add_check_item", "check_item.add", lambda w, tmp: call(*_unsampled(w))),
    Audited("do_review_check_item", "check_item.review",
            lambda w, tmp: call(_check_item(w), agrees=False, value=95, note="核减"), actor="auditor"),
    Audited("do_verify_check_item", "check_item.verify",
            lambda w, tmp: call(_check_item(w, "reviewed"), value=71, method="unannounced", on=date(2026, 3, 1))),
    Audited("do_apply_check_item", ("value.set", "check_item.apply"), lambda w, tmp: call(_check_item(w, "verified"))),
    # surveys
    Audited("do_create_survey", "survey.create",
            lambda w, tmp: call(_survey(w).cycle, "第二次调查", [("满意吗", "SERVQ")])),
    Audited("do_close_survey", "survey.close", lambda w, tmp: call(_survey(w))),
    Audited("do_issue_survey_tokens", "survey.tokens", lambda w, tmp: call(_survey(w), 3)),
    Audited("do_submit_survey_response", "survey.respond",
            lambda w, tmp: call(_survey(w).tokens.first().key, [4, 5, 4, 5, 3]), actor=None),
    Audited("do_load_survey_responses", "survey.load",
            lambda w, tmp: call(_survey(w), [(2, "B", [4, 5, 4, 5, 3])], label="纸质问卷.xlsx")),
    Audited("do_compute_survey", "survey.compute", lambda w, tmp: call(_survey(w, answered=True)),
            per_item=("value.set", 1)),
    # results
    Audited("do_compute_cycle", "cycle.compute", lambda w, tmp: call(w.open), actor=None),
    # schemes
    Audited("do_import_scheme", "scheme.import", _changed_scheme, per_item=("indicator.revise", 2)),
    # hotline
    Audited("do_import_tickets", "hotline.import", lambda w, tmp: call(_ticket_file(tmp))),
    Audited("do_push_tickets", "hotline.push",
            lambda w, tmp: call(_ticket_frame(tmp), system=_hotline_system(), batch="B1")),
    Audited("do_register_system", "hotline.system", lambda w, tmp: call("区12345平台")),
    Audited("do_replace_system_key", "hotline.system_key", lambda w, tmp: call(_hotline_system())),
    Audited("do_withdraw_system", "hotline.system", lambda w, tmp: call(_hotline_system())),
    Audited("do_import_taxonomy", "hotline.taxonomy",
            lambda w, tmp: call("code,name,parent,keywords\n01,市容环境,,\n0101,市容秩序,01,\n")),
    Audited("do_set_sla_rule", "hotline.sla", lambda w, tmp: call(None, "紧急", 3)),
    Audited("do_set_routing_rule", "hotline.routing", lambda w, tmp: call(None, "东城区", "", w.unit_a)),
    Audited("do_route_tickets", "hotline.route", lambda w, tmp: call(_unrouted(w, tmp))),
    Audited("do_set_feed", "hotline.feed",
            lambda w, tmp: call(w.open, "RESP", "response_rate", date(2025, 1, 1), date(2025, 12, 31))),
    Audited("do_compute_hotline_figures", "hotline.figures", lambda w, tmp: call(_fed(w, tmp)),
            per_item=("value.set", 1)),
    Audited("do_set_ticket_category", "hotline.category", lambda w, tmp: call(*_ticket_and_category(tmp))),
    Audited("do_train_classifier", "hotline.train", lambda w, tmp: call(folds=2) if _labelled(tmp) else None),
    Audited("do_classify_tickets", "hotline.classify", lambda w, tmp: call()),
    Audited("do_propose_weights", "hotline.propose", lambda w, tmp: call(_two_years(w, tmp), 2026)),
    Audited("do_accept_proposal", ("scheme.import", "hotline.decide"), lambda w, tmp: call(_proposal(w, tmp))),
    Audited("do_decline_proposal", "hotline.decide", lambda w, tmp: call(_proposal(w, tmp))),
    # using the results
    Audited("do_propose_plan", "outcomes.propose",
            lambda w, tmp: call(w.published, "bonus", {"pool": 1000, "coefficients": "合格=1"})),
    Audited("do_confirm_plan", "outcomes.confirm", lambda w, tmp: call(_plan(w))),
    Audited("do_withdraw_plan", "outcomes.withdraw", lambda w, tmp: call(_plan(w))),
    Audited("do_submit_improvement_plan", "outcomes.plan",
            lambda w, tmp: call(w.subject(w.published, w.unit_b), "压减一般性支出，按季度报告整改进展。"),
            actor="operator_b"),
    Audited("do_decide_improvement_plan", "outcomes.plan_decide",
            lambda w, tmp: call(_improvement(w), accept=True)),
    Audited("do_import_budgets", "outcomes.budget", lambda w, tmp: call(w.published, _budget_file(tmp))),
    Audited("do_import_history", "outcomes.history", lambda w, tmp: call(_history_file(tmp))),
    Audited("do_suggest_weights", "outcomes.weights", lambda w, tmp: call(w.published, "critic")),
    Audited("do_suggest_ahp", "outcomes.weights", lambda w, tmp: call(w.published, "CORE", _ahp_file(tmp))),
    Audited("do_accept_weight_suggestion", ("scheme.import", "outcomes.weights_decide"),
            lambda w, tmp: call(_suggestion(w))),
    Audited("do_decline_weight_suggestion", "outcomes.weights_decide", lambda w, tmp: call(_suggestion(w))),
]

DECLARED = {d.service: d for d in SERVICES}


def _ticket_file(tmp: Path) -> Path:
    path = tmp / "工单.csv"
    path.write_text("工单编号,受理时间,承办单位,诉求内容\nT1,2025-03-01 08:00,A,占道经营\n", encoding="utf-8")
    return path


def _ticket_frame(tmp: Path) -> Any:
    from jixiao.engine.tickets import read_tickets

    return read_tickets(_ticket_file(tmp))


_TICKETS = "工单编号,受理时间,承办单位,问题分类,诉求内容,办理结果,响应时间\n"


def _tickets(tmp: Path, rows: list[str], name: str = "tickets.csv") -> Any:
    from jixiao.hotline.services.taxonomy import do_import_taxonomy
    from jixiao.hotline.services.tickets import do_import_tickets

    do_import_taxonomy("code,name,parent,keywords\n01,市容环境,,\n0101,市容秩序,01,\n010101,占道经营,0101,占道\n"
                       "010102,乱贴广告,0101,广告\n", actor=None)
    path = tmp / name
    path.write_text(_TICKETS + "\n".join(rows) + "\n", encoding="utf-8")
    return do_import_tickets(path, actor=None)


def _unrouted(w: Any, tmp: Path) -> list[int]:
    from jixiao.hotline.models import Ticket
    from jixiao.hotline.services.routing import do_set_routing_rule

    _tickets(tmp, ["U1,2025-03-01 08:00,市供水集团,,停水,,"])
    do_set_routing_rule(None, "", "", w.unit_a, actor=None)
    return list(Ticket.objects.filter(unit=None).values_list("pk", flat=True))


def _fed(w: Any, tmp: Path) -> Any:
    from jixiao.hotline.services.figures import do_set_feed

    _tickets(tmp, ["F1,2025-03-01 08:00,A,市容环境/市容秩序/占道经营,占道,已解决,2025-03-01 09:00"])
    do_set_feed(w.open, "RESP", "response_rate", date(2025, 1, 1), date(2025, 12, 31), actor=None)
    return w.open


def _ticket_and_category(tmp: Path) -> tuple[Any, Any]:
    from jixiao.hotline.models import Category, Ticket

    _tickets(tmp, ["C1,2025-03-01 08:00,A,,门口有人摆摊,,"])
    return Ticket.objects.get(number="C1"), Category.objects.get(code="010101")


def _labelled(tmp: Path) -> bool:
    rows = [f"L{k},2025-03-0{k % 9 + 1} 08:00,A,市容环境/市容秩序/{'占道经营' if k % 2 else '乱贴广告'},"
            f"{'路边占道摆摊' if k % 2 else '墙上乱贴小广告'}{k},已解决," for k in range(8)]
    _tickets(tmp, rows)
    return True


def _two_years(w: Any, tmp: Path) -> Any:
    from jixiao.hotline.services.figures import do_set_feed

    rows = [f"Y{y}{k},{y}-03-01 08:00,A,,事项{k},{'已解决' if k < (9 if y == 2025 else 7) else '未解决'},"
            f"{y}-03-01 09:00" for y in (2025, 2026) for k in range(10)]
    _tickets(tmp, rows)
    do_set_feed(w.open, "RESP", "response_rate", date(2026, 1, 1), date(2026, 12, 31), actor=None)
    do_set_feed(w.open, "EXEC", "resolution_rate", date(2026, 1, 1), date(2026, 12, 31), actor=None)
    return w.open


def _proposal(w: Any, tmp: Path) -> Any:
    from jixiao.hotline.services.proposals import do_propose_weights

    return do_propose_weights(_two_years(w, tmp), 2026, actor=None, until=date(2026, 12, 31))


def _plan(w: Any) -> Any:
    from jixiao.outcomes.services.plans import do_propose_plan

    return do_propose_plan(w.published, "bonus", {"pool": 1000, "coefficients": "合格=1"}, actor=None)


def _improvement(w: Any) -> Any:
    from jixiao.outcomes.services.improvement import do_submit_improvement_plan

    return do_submit_improvement_plan(w.subject(w.published, w.unit_b), "压减一般性支出，按季度报告整改进展。",
                                      actor=None)


def _budget_file(tmp: Path) -> Path:
    path = tmp / "预算.csv"
    path.write_text("unit,project,name,amount,score\nA,A-P1,信息化,1000000,88\nB,B-P1,后勤,500000,\n",
                    encoding="utf-8")
    return path


def _history_file(tmp: Path) -> Path:
    path = tmp / "往年.csv"
    path.write_text("year,kind,code,name,grade\n2024,单位,A,市场监管局,良好\n2024,单位,B,机关事务局,合格\n",
                    encoding="utf-8")
    return path


def _ahp_file(tmp: Path) -> Path:
    path = tmp / "ahp.csv"
    path.write_text(",RESP,DAYS,EXEC,ONSITE\nRESP,1,2,3,2\nDAYS,1/2,1,2,1\nEXEC,1/3,1/2,1,1/2\nONSITE,1/2,1,2,1\n",
                    encoding="utf-8")
    return path


def _suggestion(w: Any) -> Any:
    from jixiao.outcomes.services.weights import do_suggest_weights

    return do_suggest_weights(w.published, "critic", actor=None)


def _hotline_system() -> Any:
    from jixiao.hotline.services.systems import do_register_system

    return do_register_system("市12345平台", actor=None)[0]


def _person(w: Any) -> Any:
    from jixiao.org.services import do_create_person

    return do_create_person("P-9", "赵六", "service", w.unit_a, actor=None)


def _rater(w: Any, group: str, account: Any = None, invitee: str = "") -> Any:
    from jixiao.ratings.services import Rater

    return Rater(w.subject(w.open, w.unit_a), group, account, invitee)


def _campaign(w: Any, *, assigned: bool = False, opened: bool = False, kind: str = "rating",
              indicator: str = "") -> Any:
    from jixiao.ratings.services import do_assign_raters, do_create_campaign, do_open_campaign

    campaign = do_create_campaign(w.open, "年度评价", actor=None, kind=kind, indicator=indicator)
    if assigned or opened:
        do_assign_raters(campaign, [_rater(w, "peer", w.personas["rater"])], actor=None)
    if opened:
        do_open_campaign(campaign, actor=None)
    return campaign


def _voted(w: Any) -> Any:
    from jixiao.ratings.services import do_submit_rating

    campaign = _campaign(w, opened=True, kind="democratic", indicator="RESP")
    do_submit_rating(campaign.assignments.get(), {"vote": "competent"}, actor=w.personas["rater"])
    return campaign


@pytest.fixture(autouse=True)
def _uploads_in_tmp(tmp_path: Path, settings: Any) -> None:
    """Uploaded files (import jobs) go to the test's own directory, not into DATA_DIR (their storage follows
    the PRIVATE_ROOT setting)."""
    settings.PRIVATE_ROOT = tmp_path / "private"


def _service_modules() -> Iterator[ModuleType]:
    """Every ``jixiao.<app>.services`` module (and, should one become a package, its modules)."""
    for app in pkgutil.iter_modules(jixiao.__path__):
        name = f"jixiao.{app.name}.services"
        if not app.ispkg or importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        yield module
        for sub in pkgutil.walk_packages(getattr(module, "__path__", []), f"{name}."):
            yield importlib.import_module(sub.name)


def _services() -> list[tuple[str, Callable[..., Any]]]:
    """(where, function) for every public ``do_*`` function defined (not merely imported) in a services
    module; ``where`` is the app and the name, e.g. ``org.do_update_unit``."""
    found = []
    for module in _service_modules():
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("do_") and fn.__module__ == module.__name__:
                found.append((f"{module.__name__.removeprefix('jixiao.').removesuffix('.services')}.{name}", fn))
    return found


FOUND = _services()


def test_every_service_function_is_declared_with_its_audit_actions() -> None:
    missing = [where for where, fn in FOUND if fn.__name__ not in DECLARED]
    assert not missing, f"declare these services in SERVICES (tests/platform/test_service_audit.py): {missing}"
    stale = sorted(set(DECLARED) - {fn.__name__ for _where, fn in FOUND})
    assert not stale, f"these declarations name no service any more; remove or rename them: {stale}"


@pytest.mark.parametrize(
    ("fn", "declared"),
    [(fn, DECLARED[fn.__name__]) for _where, fn in FOUND if fn.__name__ in DECLARED],
    ids=[where for where, fn in FOUND if fn.__name__ in DECLARED],
)
def test_each_service_writes_exactly_its_declared_audit_events_as_its_actor(
    shared_world: Any, db: Any, tmp_path: Path, fn: Callable[..., Any], declared: Audited
) -> None:
    args, kwargs = declared.recipe(shared_world, tmp_path)
    actor = shared_world.personas[declared.actor] if declared.actor is not None else None
    last = AuditEvent.objects.aggregate(last=Max("seq"))["last"] or 0
    fn(*args, actor=actor, **kwargs)
    events = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq"))
    actions = [e.action for e in events]
    assert Counter(actions) == declared.expected(), actions
    per_item = declared.per_item[0] if declared.per_item else None
    assert [a for a in actions if a != per_item] == list(declared.actions), actions
    who = (actor.pk, actor.get_username()) if actor is not None else (None, "system")
    assert {(e.actor_id, e.actor_label) for e in events} == {who}
    report = verify_chain()
    assert report.ok, report.problems
