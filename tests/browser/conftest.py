"""Browser tests: Playwright drives Debian's chromium (never a downloaded browser) against pytest-django's
live server, on the platform's small world. They skip, saying why, only when /usr/bin/chromium is absent."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).parents[1] / "screenshots"

_spec = importlib.util.spec_from_file_location("jixiao_platform_world_browser",
                                               Path(__file__).parents[1] / "platform" / "conftest.py")
assert _spec is not None
assert _spec.loader is not None
platform_world = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = platform_world
_spec.loader.exec_module(platform_world)


@pytest.fixture
def world(transactional_db: Any, settings: Any, tmp_path: Path) -> Any:
    settings.PASSWORD_HASHERS = platform_world.FAST_HASHERS
    # Each test its own audit checkpoint file: the live server's commits append to it (tests/platform/conftest.py).
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    return platform_world.build_world()


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A chromium for one test. Playwright's sync API runs an event loop in this thread, which Django's
    async-safety check mistakes for async code calling the ORM; the check is off for this test only."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    pw = sync_playwright().start()
    chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    try:
        yield chromium
    finally:
        chromium.close()
        pw.stop()


@pytest.fixture
def shoot() -> Any:
    """Save a full-page screenshot under tests/screenshots/ (git-ignored) once the charts are drawn."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def save(page: Any, name: str) -> None:
        page.wait_for_function("() => [...document.querySelectorAll('div.chart')]"
                               ".every(el => el.getAttribute('data-drawn') === 'done')", timeout=15000)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return save


@pytest.fixture
def sign_in(live_server: Any) -> Any:
    def login(browser: Any, username: str, *, width: int = 1280, lang: str = "zh-CN") -> Any:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale=lang)
        page = context.new_page()
        if username:
            page.goto(f"{live_server.url}/app/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", platform_world.PASSWORD)
            page.click("button[type=submit].primary")
            page.wait_for_url(f"{live_server.url}/app/")
        return page

    return login
