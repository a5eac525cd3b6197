"""Multi-party evaluation in a browser: a peer rater signs in and fills the anchored rating form of their
assignment; an outside rater (a deputy, no account) rates through the invitation link on a phone-sized page and the
link is spent after; the unit then sees its results by rater group only where a group has k = 3 ratings, and no
comment of a smaller group. The form and the unit's view are shot."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_peer_and_an_invited_deputy_rate_and_the_unit_sees_only_groups_of_k(
        world: Any, browser: Any, sign_in: Any, live_server: Any, shoot: Any) -> None:
    from jixiao.accounts.choices import Role
    from jixiao.accounts.services import do_create_user
    from jixiao.collection.models import Rating
    from jixiao.cycles.models import Subject
    from jixiao.cycles.services import do_create_cycle, do_open_cycle
    from jixiao.engine.schemefile import template_text
    from jixiao.ratings.services import Rater, do_assign_raters, do_create_campaign, do_open_campaign
    from jixiao.schemes.services import do_import_scheme

    from .conftest import platform_world

    office = world.personas["admin"]
    scheme = do_import_scheme(template_text("city-annual"), actor=None)
    cycle = do_create_cycle("2026E", "2026年度综合考核", scheme, actor=office, year=2026,
                            units=[world.unit_a, world.unit_b])
    do_open_cycle(cycle, actor=office)
    unit_a = Subject.objects.get(cycle=cycle, unit=world.unit_a)
    peers = [do_create_user(f"peer{k}", Role.RATER, actor=None, password=platform_world.PASSWORD)
             for k in range(3)]
    campaign = do_create_campaign(cycle, "2026年度综合评价", actor=office,
                                  instructions="请按各等级的行为描述评分；意见建议不记名。")
    tasks = do_assign_raters(campaign, [Rater(unit_a, "peer", p) for p in peers]
                             + [Rater(unit_a, "public", invitee="市人大代表 周某")], actor=office)
    do_open_campaign(campaign, actor=office)
    deputy = tasks[-1]

    # A peer signs in, finds the task and rates on the described levels, with a comment.
    page = sign_in(browser, "peer0")
    page.goto(live_server.url + "/app/ratings/")
    page.click("#tasks a:has-text('市场监管局')")
    assert "诉求当日响应，协作事项按时办结" in page.inner_text("#rating-form")
    assert "同级" in page.inner_text("#rating-form")  # the group the office set, not a choice
    page.click("button#submit-rating")
    # Nothing chosen: the browser refuses to send the form (each level is required), nothing is written.
    assert page.locator("#q-EVAL input[required]").count() == 5
    assert Rating.objects.filter(subject=unit_a).count() == 0
    page.check("#q-EVAL input[value='85']")
    page.fill("textarea[name=comment]", "跨部门协作积极")
    shoot(page, "rating-form-desktop")
    page.click("button#submit-rating")
    assert "评分已记录" in page.inner_text("#thanks")
    assert list(Rating.objects.filter(subject=unit_a).values_list("group", "score")) == [("peer", 85)]

    # The deputy opens the invitation link on a phone, without signing in.
    phone = sign_in(browser, "", width=375)
    phone.goto(f"{live_server.url}/rate/{deputy.token}/")
    assert "市场监管局" in phone.inner_text("h1")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.check("#q-EVAL input[value='60']")
    phone.fill("textarea[name=comment]", "窗口排队时间长")
    shoot(phone, "rating-invitation-phone")
    phone.click("button#submit-rating")
    assert "评分已记录" in phone.inner_text("#thanks")
    phone.goto(f"{live_server.url}/rate/{deputy.token}/")
    assert "已于" in phone.inner_text("#already")  # the link is spent

    # Two more peers rate: the peer group reaches k = 3; the public group has one rating.
    from jixiao.ratings.services import do_submit_rating

    for task, peer, score in zip(tasks[1:3], peers[1:], [75, 95], strict=True):
        do_submit_rating(task, {"EVAL": score}, actor=peer, comment="服务意识强")

    unit = sign_in(browser, "op-a")
    unit.goto(f"{live_server.url}/app/ratings/2026E/results/A/")
    view = unit.inner_text("#ind-EVAL")
    assert "同级" in view
    assert "85.0" in view  # (85 + 75 + 95) / 3
    assert "公众" not in view
    assert "评价人数不足 3 人" in view
    comments = unit.inner_text("#comments")
    assert "跨部门协作积极" in comments
    assert "窗口排队时间长" not in unit.content()
    shoot(unit, "rating-unit-results")
