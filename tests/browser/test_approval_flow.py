"""Data entry and its approval in a real browser: the operator submits and the form locks (a forged post
changes nothing), the leader returns it with a reason the operator sees, the corrected data are submitted
again, approved and accepted; two people saving the same item meet a conflict that shows both values; a
value the check refuses and one it warns about are shown beside their items. Screenshots at desktop and
phone widths go to /tmp/shots/ to be looked at."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from jixiao.approval.choices import SubmissionState
from jixiao.approval.models import Submission
from jixiao.collection.models import Value

# serialized_rollback: the audit chain head is a row made by a migration; a transactional test restores it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ENTRY = "/app/cycles/2026/entry/A/"
APPROVAL = "/app/cycles/2026/approval/A/"


def shoot(page: Any, name: str, focus: str) -> int:
    """Screenshots of the page as it is, at desktop then phone width (the same page laid out again, not
    reloaded: a page answering a post is shown as it was answered): ``<name>-<width>.png`` what the user sees
    with ``focus`` in the middle of the screen, ``<name>-<width>-full.png`` the whole page (where the sticky buttons
    show where the screen's bottom was). Answers the page's width on the phone (more than the phone's: it
    scrolls sideways)."""
    SHOTS.mkdir(exist_ok=True)
    width = 0
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.locator(focus).first.evaluate("el => el.scrollIntoView({block: 'center'})")
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"))
        page.screenshot(path=str(SHOTS / f"{name}-{label}-full.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(DESKTOP)
    return int(width)


def stored(indicator: str, world: Any) -> Value:
    return Value.objects.get(subject__cycle=world.open, subject__code="A", indicator=indicator)


def state(world: Any) -> str:
    sub = Submission.objects.filter(subject__cycle=world.open, subject__code="A").first()
    return sub.state if sub is not None else SubmissionState.DRAFT


def test_submitted_data_are_locked_returned_corrected_approved_and_accepted(
        world: Any, browser: Any, sign_in: Any, live_server: Any) -> None:
    # The world's leader-a is a LEADER whose units are [A]: the unit's leader.
    op = sign_in(browser, "op-a")
    op.goto(live_server.url + ENTRY)
    op.fill("input[name=v_EXEC]", "96")
    op.click("button[value=submit]")
    op.wait_for_url("**/received/")
    assert state(world) == SubmissionState.SUBMITTED
    assert stored("EXEC", world).value == 96

    op.goto(live_server.url + ENTRY)
    assert op.locator("#approval-state").inner_text() == "已报送，待单位负责人审核"
    assert op.locator("#locked").is_visible()
    assert "已锁定" in op.locator("#locked").inner_text()
    assert op.locator("input[name=v_EXEC]").is_disabled()
    assert op.locator("#entry-form button[type=submit]").count() == 0
    assert op.locator("#entry-form input:enabled:not([type=hidden])").count() == 0
    assert shoot(op, "entry-locked", "#locked") <= PHONE["width"]

    # A forged post with the page's valid CSRF token: the locked items are not read, nothing changes.
    token = op.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    version = stored("EXEC", world).version
    for action in ("save", "submit"):
        answer = op.request.post(live_server.url + ENTRY, form={
            "csrfmiddlewaretoken": token, "v_EXEC": "50", "ver_EXEC": str(version), "o_EXEC": "96",
            "x_EXEC": "伪造", "action": action})
        assert answer.status < 500
        text = answer.text()
        assert "已锁定" in text, action  # the page says why: the data are locked
        assert stored("EXEC", world).value == 96
        assert stored("EXEC", world).version == version
        assert state(world) == SubmissionState.SUBMITTED

    leader = sign_in(browser, "leader-a")
    leader.goto(live_server.url + APPROVAL)
    assert leader.locator("#approval-state").inner_text() == "已报送，待单位负责人审核"
    reason = "预算执行率请按决算口径重报"
    leader.fill("#id_reason", reason)
    leader.click("#step-return")
    leader.wait_for_selector(".msg.success")
    assert leader.locator("#approval-state").inner_text() == "已退回修改"
    assert reason in leader.locator("#steps").inner_text()
    assert state(world) == SubmissionState.RETURNED

    op.goto(live_server.url + ENTRY)
    assert reason in op.locator("#return-reason").inner_text()
    assert op.locator("#locked").count() == 0
    op.fill("input[name=v_EXEC]", "95.5")
    op.click("button[value=submit]")
    op.wait_for_url("**/received/")
    assert stored("EXEC", world).value == 95.5
    assert state(world) == SubmissionState.SUBMITTED

    leader.goto(live_server.url + APPROVAL)
    leader.click("#step-approve")
    leader.wait_for_selector(".msg.success")
    assert leader.locator("#approval-state").inner_text() == "单位已审核，待考核办受理"
    assert leader.locator("#step-accept").count() == 0  # the office's step

    office = sign_in(browser, "office")
    office.goto(live_server.url + APPROVAL)
    office.click("#step-accept")
    office.wait_for_selector(".msg.success")
    assert office.locator("#approval-state").inner_text() == "考核办已受理"
    steps = office.locator("#steps li")
    assert steps.count() == 5  # submit, return, submit, approve, accept
    shoot(office, "approval-steps", "#steps")  # its width on a phone: the test below
    office.goto(live_server.url + "/app/cycles/2026/approval/")
    row = office.locator("table[data-table=approval] tr", has_text="市场监管局").first
    assert "考核办已受理" in row.inner_text()
    assert state(world) == SubmissionState.ACCEPTED
    for page in (op, leader, office):
        page.context.close()


def test_two_people_saving_the_same_item_meet_a_conflict_that_shows_both_values(
        world: Any, browser: Any, sign_in: Any, live_server: Any) -> None:
    op = sign_in(browser, "op-a")
    office = sign_in(browser, "office")
    for page in (op, office):
        page.goto(live_server.url + ENTRY)
    before = stored("EXEC", world).version

    office.fill("input[name=v_EXEC]", "96.5")
    office.click("button[value=save]")
    office.wait_for_selector(".msg.success")
    assert stored("EXEC", world).value == 96.5

    op.fill("input[name=v_EXEC]", "95.2")
    with op.expect_navigation() as nav:
        op.click("button[value=save]")
    assert nav.value is not None
    assert nav.value.status == 409
    assert "conflict" in (op.locator("#ind-EXEC").get_attribute("class") or "")
    message = op.locator("#ind-EXEC p.msg.error[data-level=conflict]").inner_text()
    assert "96.5" in message
    assert "95.2" in message
    assert "office" in message
    assert op.locator("#conflict-note").is_visible()
    assert op.locator("input[name=v_EXEC]").input_value() == "95.2"  # the operator's value is kept to save
    assert stored("EXEC", world).value == 96.5
    assert shoot(op, "entry-conflict", "#ind-EXEC .msg") <= PHONE["width"]

    with op.expect_navigation() as nav:
        op.click("button[value=save]")
    assert nav.value is not None
    assert nav.value.status == 200  # after the redirect
    op.wait_for_selector(".msg.success")
    value = stored("EXEC", world)
    assert (value.value, value.version) == (95.2, before + 2)
    for page in (op, office):
        page.context.close()


def test_a_refused_value_and_a_warned_one_are_shown_beside_their_items(
        world: Any, browser: Any, sign_in: Any, live_server: Any) -> None:
    # Last year's EXEC of unit A is the 2025 cycle's 97 (the world's published cycle): 30 is far from it.
    assert Value.objects.get(subject__cycle=world.published, subject__code="A", indicator="EXEC").value == 97
    exec_before, neg_before = stored("EXEC", world).value, stored("NEG", world).value
    op = sign_in(browser, "op-a")
    op.goto(live_server.url + ENTRY)
    op.fill("input[name=v_NEG]", "1.5")
    op.fill("input[name=v_EXEC]", "30")
    with op.expect_navigation() as nav:
        op.click("button[value=save]")
    assert nav.value is not None
    assert nav.value.status == 422
    error = op.locator("#ind-NEG p.msg.error[data-level=error]")
    assert "整数" in error.inner_text()
    warning = op.locator("#ind-EXEC p.msg.warn[data-level=warn]")
    assert "上年" in warning.inner_text()
    assert "97" in warning.inner_text()
    assert op.locator("#ind-EXEC details.explain").get_attribute("open") is not None
    assert (stored("EXEC", world).value, stored("NEG", world).value) == (exec_before, neg_before)
    assert shoot(op, "entry-error-and-warning", "#ind-NEG .msg") <= PHONE["width"]

    # The count corrected, the warning still unexplained: the error is gone, the warning stays.
    op.fill("input[name=v_NEG]", "1")
    with op.expect_navigation() as nav:
        op.click("button[value=save]")
    assert nav.value is not None
    assert nav.value.status == 422
    assert op.locator("#ind-NEG p.msg").count() == 0
    assert op.locator("#ind-EXEC p.msg.warn[data-level=warn]").count() == 1
    assert shoot(op, "entry-warning", "#ind-EXEC .msg") <= PHONE["width"]

    op.fill("input[name=x_EXEC]", "年中追加预算未执行完毕")
    op.click("button[value=save]")
    op.wait_for_selector(".msg.success")
    value = stored("EXEC", world)
    assert value.value == 30
    assert value.explanation == "年中追加预算未执行完毕"
    assert re.search("上年", value.warnings)
    assert stored("NEG", world).value == 1
    assert "年中追加预算未执行完毕" in op.locator("#ind-EXEC").inner_html()
    op.context.close()


def test_a_value_saved_from_a_page_opened_before_the_data_were_locked_is_refused_in_words(
        world: Any, browser: Any, sign_in: Any, live_server: Any) -> None:
    from jixiao.approval.services import do_submit_values

    op = sign_in(browser, "op-a")
    op.goto(live_server.url + ENTRY)
    do_submit_values(world.subject(world.open, world.unit_a), actor=world.personas["operator_a"])
    op.fill("input[name=v_EXEC]", "95")
    op.click("button[value=save]")
    op.wait_for_load_state()
    assert stored("EXEC", world).value == 97  # nothing was saved: right
    messages = op.locator(".messages .msg").all_inner_texts()
    item = op.locator("#ind-EXEC").inner_text()
    op.context.close()
    assert not any("已保存" in m for m in messages), messages
    assert any("未保存" in m for m in messages), messages
    assert "锁定" in item, item


def test_the_approval_page_of_a_unit_fits_a_phone(world: Any, browser: Any, sign_in: Any, live_server: Any) -> None:
    office = sign_in(browser, "office", width=PHONE["width"])
    office.goto(live_server.url + APPROVAL)
    assert office.locator("#values tbody tr").count() == 5
    width = office.evaluate("document.documentElement.scrollWidth")
    office.context.close()
    assert width <= PHONE["width"] + 1
