"""The collection tests use the platform's personas and small world (tests/platform/conftest.py, loaded by path
as tests/web/conftest.py does) and add a cycle on the shipped ``city-annual`` scheme, which has every kind of
item the value check knows: a share in % (TASK), a ratio in % (PROJ), counts (DIGI, NEG), expert points
(INTEG), a measure (ONSITE), items from automatic sources (RESP, EXEC), a bonus (INNOV), a penalty (SAFETY)
and a veto (MAJOR).

The paths world, built once per module inside a transaction rolled back at the end (each test runs in its
own savepoint, as with the platform's ``shared_world``):

- units: the platform's A (category A), A1 (A), B (B), and four more departments C1..C4 (category A);
- ``CA2027`` (year 2027, closed): last year's values of A: TASK 90 and DIGI 10 (the previous-year warning);
- ``CA2028`` (year 2028, open): DIGI of A1, B and C1..C4 (4, 5, 5, 6, 6, 7: the usual range across units is
  Tukey's 3.5 to 7.5) and a few other values of C1; A has no value yet.

The years are apart from the platform world's (2025, 2026) so that "last year" of a unit is one subject.
"""

from __future__ import annotations

import html
import importlib.util
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

_NAME = "jixiao_platform_world"
if _NAME in sys.modules:  # the web or evidence tests loaded it already
    platform_world = sys.modules[_NAME]
else:
    _spec = importlib.util.spec_from_file_location(_NAME, Path(__file__).parents[1] / "platform" / "conftest.py")
    assert _spec is not None
    assert _spec.loader is not None
    platform_world = importlib.util.module_from_spec(_spec)
    sys.modules[_NAME] = platform_world  # dataclasses look their module up there
    _spec.loader.exec_module(platform_world)

#: DIGI of the other units in the open cycle: Q1 5, Q3 6, so the usual range is [3.5, 7.5].
DIGI_OTHERS = {"A1": 4.0, "B": 5.0, "C1": 5.0, "C2": 6.0, "C3": 6.0, "C4": 7.0}
#: Last year's values of unit A.
LAST_YEAR_A = {"TASK": 90.0, "DIGI": 10.0}


@dataclass
class PathsWorld:
    """The platform world plus the city-annual cycles, by name."""

    base: Any  # the platform's World
    prev: Any  # Cycle CA2027, closed
    cycle: Any  # Cycle CA2028, open
    personas: dict[str, Any]
    #: Entry pages already read, by (persona, state of A's data): the fields their form sends.
    pages: dict[tuple[str, str], Any] = field(default_factory=dict)

    def subject(self, unit: str = "A", cycle: Any = None) -> Any:
        from jixiao.cycles.models import Subject

        return Subject.objects.select_related("cycle__scheme").get(cycle=cycle or self.cycle, code=unit)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = platform_world.FAST_HASHERS


@pytest.fixture(autouse=True)
def _private_files(settings: Any, tmp_path: Path) -> None:
    """Each test its own audit checkpoint file and private store (see tests/platform/conftest.py)."""
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    settings.PRIVATE_ROOT = tmp_path / "private"


def build_paths_world() -> PathsWorld:
    """The platform world and the two city-annual cycles, all through the services (as the system)."""
    from jixiao.collection.services import do_set_value
    from jixiao.cycles.models import Subject
    from jixiao.cycles.services import do_close_cycle, do_create_cycle, do_open_cycle
    from jixiao.engine.schemefile import template_text
    from jixiao.org.choices import Level
    from jixiao.org.models import Category
    from jixiao.org.services import do_create_unit
    from jixiao.schemes.services import do_import_scheme

    base = platform_world.build_world()
    cat_a = Category.objects.get(code="A")
    more = [do_create_unit(f"C{k}", f"测试部门{k}", Level.DEPARTMENT, actor=None, parent=base.city, category=cat_a)
            for k in range(1, 5)]
    units = [base.unit_a, base.unit_a1, base.unit_b, *more]
    scheme = do_import_scheme(template_text("city-annual"), actor=None)
    prev = do_create_cycle("CA2027", "2027年度综合考核", scheme, actor=None, year=2027, units=units)
    do_open_cycle(prev, actor=None)
    a_prev = Subject.objects.get(cycle=prev, code="A")
    for code, value in LAST_YEAR_A.items():
        do_set_value(a_prev, code, value, actor=None)
    prev = do_close_cycle(prev, actor=None, confirm=True)
    cycle = do_create_cycle("CA2028", "2028年度综合考核", scheme, actor=None, year=2028, units=units)
    do_open_cycle(cycle, actor=None)
    for code, value in DIGI_OTHERS.items():
        do_set_value(Subject.objects.get(cycle=cycle, code=code), "DIGI", value, actor=None)
    c1 = Subject.objects.get(cycle=cycle, code="C1")
    for code, value in (("TASK", 88.0), ("PROJ", 103.0), ("INTEG", 2.0), ("NEG", 1.0)):
        do_set_value(c1, code, value, actor=None)
    cycle.refresh_from_db()
    return PathsWorld(base, prev, cycle, base.personas)


@pytest.fixture(scope="module")
def paths_world(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """One paths world for a whole module: built inside a transaction that is rolled back at the end; each test
    runs in its own savepoint (pytest-django's ``db``), so its writes vanish too."""
    from django.db import transaction
    from django.test import override_settings

    with (django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=platform_world.FAST_HASHERS),
          transaction.atomic()):
        yield build_paths_world()
        transaction.set_rollback(True)


def client_for(world: PathsWorld, persona: str, lang: str = "zh-hans") -> Client:
    """A client signed in as a persona ("public" stays anonymous), speaking ``lang``."""
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    if persona != "public":
        client.force_login(world.personas[persona])
    return client


#: A known bug, while it stands: tests that meet it are expected to fail (strictly).


class _Inputs(HTMLParser):
    """The form fields a browser would send: enabled inputs with their values (no files, unticked boxes)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.disabled: set[str] = set()
        self.seen: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag != "input" or not name:
            return
        self.seen.add(name)
        if "disabled" in a:
            self.disabled.add(name)
            return
        kind = a.get("type", "text")
        if kind == "file" or (kind == "checkbox" and "checked" not in a):
            return
        self.fields[name] = a.get("value") or ""


def page_inputs(content: str) -> _Inputs:
    parser = _Inputs()
    parser.feed(content)
    return parser


def item_messages(content: str, code: str) -> list[tuple[str, str]]:
    """The (level, text) messages shown with an item of the entry form."""
    m = re.search(rf'<fieldset[^>]*id="ind-{re.escape(code)}".*?</fieldset>', content, re.S)
    assert m is not None, f"{code} is not on the page"
    return [(level, html.unescape(text)) for level, text in
            re.findall(r'<p class="msg [^"]*" data-level="([^"]+)">(.*?)</p>', m.group(0), re.S)]


def entry_url(world: PathsWorld, unit: str = "A") -> str:
    return f"/app/cycles/{world.cycle.code}/entry/{unit}/"


def entry_page(world: PathsWorld, client: Client, persona: str, state: str = "draft") -> tuple[int, _Inputs]:
    """A's entry page as ``persona`` sees it with A's data in ``state``: its status and its form's fields. Read
    once per module and state (every test starts from the same state, so the page is the same); the fields
    carry the versions and base texts a browser would send back."""
    key = (persona, state)
    if key not in world.pages:
        page = client.get(entry_url(world))
        world.pages[key] = (page.status_code, page_inputs(page.content.decode()))
    return world.pages[key]  # type: ignore[no-any-return]
