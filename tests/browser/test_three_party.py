"""The office's three-party view (三方核查) on the demo city's checks, in a desktop browser: the flagged units come
first and are highlighted, and the page is saved as a screenshot (/tmp/shots/three-party.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOT = Path("/tmp/shots/three-party.png")


@pytest.fixture
def demo_checks(transactional_db: Any, settings: Any, tmp_path: Path) -> Any:
    """The demo city (``jixiao.ops.demo``) with its round of three-party checks."""
    from jixiao.cycles.models import Cycle
    from jixiao.ops.demo import CYCLE_THIS, load_demo
    from jixiao.verification.demo import load_demo_checks

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    settings.PRIVATE_ROOT = tmp_path / "private"
    load_demo()
    return load_demo_checks(Cycle.objects.get(code=CYCLE_THIS))


def test_the_office_sees_the_flagged_units_first(demo_checks: Any, browser: Any, live_server: Any) -> None:
    from jixiao.ops.demo import PASSWORD

    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/app/login/")
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/app/")
    page.click("nav.nav a[href='/app/verification/']")
    page.click(f"a[href='/app/verification/round/{demo_checks.pk}/']")
    rows = page.locator("tr.unit-row")
    first = rows.first
    assert "flagged" in (first.get_attribute("class") or "")
    assert first.get_attribute("data-unit") in ("SFS-A07", "SFS-B03", "SFS-D03-S01")
    flagged = [rows.nth(k).get_attribute("class") or "" for k in range(rows.count())]
    assert flagged[:3] == ["unit-row flagged"] * 3
    assert all("flagged" not in c for c in flagged[3:])
    background = first.locator("td").first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    SHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOT), full_page=True)
    context.close()
