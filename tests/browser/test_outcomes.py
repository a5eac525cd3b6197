"""Using the results in a browser: the office proposes a bonus pool on the published cycle through the form (with
a headcount file), reads the proposal and confirms it; the fairness page and a unit operator's view of the
confirmed allocation on a 390 px phone, which never scrolls sideways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_bonus_pool_proposed_confirmed_and_seen_by_a_unit(world: Any, browser: Any, sign_in: Any, live_server: Any,
                                                           shoot: Any, tmp_path: Path) -> None:
    heads = tmp_path / "人数.csv"
    heads.write_text("单位,人数\nA,10\nA1,5\nB,3\n", encoding="gb18030")
    page = sign_in(browser, "office")
    assert page.goto(f"{live_server.url}/app/outcomes/cycle/2025/").status == 200
    page.locator("#kind-bonus summary").click()
    page.fill("#id_bonus-pool", "1000")
    page.fill("#id_bonus-coefficients", "优秀=1.2,良好=1,合格=0.8,不合格=0")
    page.set_input_files("#id_bonus-headcount", str(heads))
    page.locator("#form-bonus button.primary").click()
    page.wait_for_url("**/app/outcomes/plan/*/")
    cells = page.locator("#plan-table tbody tr td:last-child").all_text_contents()
    assert cells[:3] == ["555", "278", "167"]
    assert page.locator("#plan-table tr.total").inner_text().split()[-1] == "1,000"
    shoot(page, "outcomes-proposal")
    page.locator("#decide-form button.primary").click()
    page.wait_for_load_state()
    assert page.locator("h1 .state.confirmed").count() == 1
    response = page.goto(f"{live_server.url}/app/outcomes/cycle/2025/fairness/")
    assert response is not None
    assert response.status == 200
    assert page.locator(".check").count() == 6
    shoot(page, "outcomes-fairness")
    page.context.close()

    phone = sign_in(browser, "op-b", width=390)
    assert phone.goto(f"{live_server.url}/app/outcomes/").status == 200
    assert phone.get_by_text("机关事务局：167 元").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391
    shoot(phone, "outcomes-unit-phone")
    phone.context.close()
