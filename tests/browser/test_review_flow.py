"""The chain after the machine score in a real browser: the office closes the cycle, reviews it with one
correction and starts the publicity (the portal shows 公示中 and its end); the unit's operator drafts an appeal
and its leader signs it; the office sends it to a hearing; the publicity ends (the scheduler's job); the hearing
accepts it with a correction and the cycle is recomputed; the final publication is confirmed and the portal
shows what changed and why. The audit trail lists every step with its actor. Screenshots at desktop and phone
widths go to /tmp/shots/."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from jixiao.audit.models import AuditEvent
from jixiao.audit.services import verify_chain
from jixiao.cycles.models import Cycle
from jixiao.review.models import Appeal
from jixiao.review.services import run_deadlines

from .test_approval_flow import PHONE, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CODE = "2026"


def cycle_state() -> str:
    return Cycle.objects.get(code=CODE).state


def test_close_review_publicity_appeal_hearing_and_final_publication(
        world: Any, browser: Any, sign_in: Any, live_server: Any) -> None:
    url = live_server.url
    first = (AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    office = sign_in(browser, "office")
    office.goto(f"{url}/app/cycles/{CODE}/")
    office.check("input[name=confirm]")
    office.click("text=结束填报并评分")
    office.wait_for_selector(".msg.success")
    assert cycle_state() == "closed"

    # Review: one correction with a reason, then the confirmation.
    office.goto(f"{url}/app/review/{CODE}/")
    office.fill("#id_unit", "B")
    office.fill("#id_indicator", "EXEC")
    office.fill("#id_value", "99")
    office.fill("#id_reason", "核对财政决算报表后更正")
    office.click("#correct")
    office.wait_for_selector(".msg.success")
    assert "核对财政决算报表后更正" in office.locator("#corrections").inner_text()
    assert "复核更正" in office.locator("#versions").inner_text()
    office.click("#confirm-review")
    office.wait_for_selector("#publicity-form")
    # Starting the publicity without ticking the confirmation: refused, saying what would happen.
    office.click("#start-publicity")
    office.wait_for_selector(".msg.error")
    assert "公示" in office.locator(".msg.error").inner_text()
    assert cycle_state() == "closed"
    shoot(office, "review-office", "#next-step")
    office.check("#publicity-confirm")
    office.click("#start-publicity")
    office.wait_for_selector(".msg.success")
    assert cycle_state() == "publicity"
    end = Cycle.objects.get(code=CODE).publicity_ends_at
    assert end is not None

    public = sign_in(browser, "")
    public.goto(f"{url}/public/{CODE}/")
    banner = public.locator("#publicity-banner").inner_text()
    assert "公示中" in banner
    assert timezone.localtime(end).strftime("%Y-%m-%d") in banner
    shoot(public, "portal-publicity", "#publicity-banner")

    # The unit appeals: the operator drafts, the leader signs.
    op = sign_in(browser, "op-a")
    op.goto(f"{url}/app/review/{CODE}/appeals/")
    assert "申诉受理至" in op.locator("#appeal-deadline").inner_text()
    op.select_option("#id_target", "indicator")
    op.select_option("#id_indicator", "EXEC")
    op.fill("#id_grounds", "预算执行率应按调整后预算计算，附财政局批复")
    op.fill("#id_cited", "EXEC 预算执行率")
    shoot(op, "appeal-draft", "#appeal-form")
    op.click("#draft-appeal")
    op.wait_for_selector("#appeal-state")
    assert "待单位负责人签发" in op.locator("#appeal-state").inner_text()
    assert op.locator("#sign").count() == 0  # the leader signs, not the operator
    appeal = Appeal.objects.get()
    leader = sign_in(browser, "leader-a")
    leader.goto(f"{url}/app/appeals/{appeal.pk}/")
    leader.click("#sign")
    leader.wait_for_selector(".msg.success")
    assert "已提交" in leader.locator("#appeal-state").inner_text()

    # The office sends it to a hearing.
    office.goto(f"{url}/app/appeals/{appeal.pk}/")
    at = timezone.localtime(end + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    office.fill("#id_at", at)
    office.fill("#id_place", "市政府3号楼302会议室")
    office.fill("#id_participants", "申诉单位；考核办；财政局（数据提供单位）")
    office.fill("#id_observers", "人大代表2名")
    office.click("#schedule")
    office.wait_for_selector("#hearing")
    assert "听证中" in office.locator("#appeal-state").inner_text()

    op.goto(f"{url}/app/appeals/{appeal.pk}/")
    assert "302会议室" in op.locator("#hearing").inner_text()
    shoot(op, "appeal-unit", "#hearing")

    # The publicity ends: the scheduler's job, run at the end date.
    assert run_deadlines(now=end) == [CODE]
    assert cycle_state() == "appeals"

    office.goto(f"{url}/app/appeals/{appeal.pk}/")
    office.select_option("#id_decision", "accept")
    office.fill("#id_minutes", "申诉单位陈述；财政局确认预算已调整；考核办无异议")
    office.fill("#id_reasons", "按调整后预算重算执行率")
    office.fill("#id_hcorrections", "EXEC = 100")
    office.click("#record-decision")
    office.wait_for_selector(".msg.success")
    assert "已采纳" in office.locator("#appeal-state").inner_text()

    office.goto(f"{url}/app/review/{CODE}/")
    assert "按调整后预算重算执行率" in office.locator("#final-changes").inner_text()
    office.check("#finalize-confirm")
    office.click("#finalize")
    office.wait_for_selector(".msg.success")
    assert cycle_state() == "published"

    public.goto(f"{url}/public/{CODE}/")
    final = public.locator("#final-note").inner_text()
    assert "定稿" in final
    assert "市场监管局" in final
    assert "申诉" in final
    shoot(public, "portal-final", "#final-note")
    phone = sign_in(browser, "", width=PHONE["width"])
    phone.goto(f"{url}/public/{CODE}/")
    phone.wait_for_function("() => [...document.querySelectorAll('div.chart')]"
                            ".every(el => el.getAttribute('data-drawn') === 'done')", timeout=15000)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.goto(f"{url}/public/{CODE}/A/")
    assert "79" in phone.locator("#final-note").inner_text() or "变更" in phone.locator("#final-note").inner_text()
    shoot(phone, "portal-final-unit", "#final-note")

    steps = list(AuditEvent.objects.filter(action__in=[
        "cycle.close", "value.correct", "cycle.review", "cycle.publicity", "appeal.draft", "appeal.sign",
        "appeal.hearing", "cycle.publicity_end", "appeal.decide", "cycle.finalize"], seq__gte=first).order_by("seq")
        .values_list("action", "actor__username"))
    assert steps == [("cycle.close", "office"), ("value.correct", "office"), ("cycle.review", "office"),
                     ("cycle.publicity", "office"), ("appeal.draft", "op-a"), ("appeal.sign", "leader-a"),
                     ("appeal.hearing", "office"), ("cycle.publicity_end", None), ("value.correct", "office"),
                     ("appeal.decide", "office"),
                     ("cycle.finalize", "office")]
    assert verify_chain().ok
