"""A demo-like published cycle for the portal tests: eight departments of one category on the shipped
``core-leader-negative`` scheme, with bonuses (one pair above the cap), penalties (one above the cap), a veto on
the second-best total and a quota of 优秀 (floor(0.15 x 8) = 1) that keeps a unit of 90+ out; taken through the
review, the publicity and the final publication like a real cycle. The platform's personas and helpers are loaded
by path, as tests/web does, because test folders are not packages."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

_spec = importlib.util.spec_from_file_location("jixiao_platform_world_portal",
                                               Path(__file__).parents[1] / "platform" / "conftest.py")
assert _spec is not None
assert _spec.loader is not None
platform_world = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = platform_world  # dataclasses look their module up there
_spec.loader.exec_module(platform_world)

#: code, name, RESP %, DAYS, EXEC %, ONSITE h, NEG count, leadership rating, bonus/penalty/veto items.
UNITS: list[tuple[str, str, float, float, float, float, float, float, dict[str, float]]] = [
    ("D01", "市场监督管理局", 99.0, 5.5, 100.0, 0.8, 0, 97, {}),
    ("D02", "应急管理局", 98.5, 6.0, 99.0, 0.7, 0, 96, {"MAJOR": 1}),               # vetoed, 2nd best total
    ("D03", "生态环境局", 97.0, 6.5, 98.0, 0.9, 0, 93, {}),                          # 90+, kept out by the quota
    ("D04", "交通运输局", 91.0, 9.0, 96.0, 1.4, 1, 84, {"INNOV": 3, "REFORM": 4}),   # bonus above the cap of 5
    ("D05", "城市管理局", 93.0, 8.0, 97.0, 1.2, 1, 88, {"ACCIDENT": 2}),             # a penalty
    ("D06", "住房和城乡建设局", 88.0, 11.0, 94.0, 1.8, 2, 80,
     {"REFORM": 1.5, "ACCIDENT": 12}),                                                # penalty above the cap of 10
    ("D07", "自然资源和规划局", 86.0, 12.5, 92.0, 2.5, 3, 76, {}),
    ("D08", "卫生健康委员会", 84.5, 14.0, 90.5, 1.1, 1, 72, {}),
]


@dataclass
class PortalWorld:
    """The published cycle and the codes of the units each test looks at."""

    cycle: Any
    veto: str = "D02"
    quota: str = "D03"
    bonus: str = "D04"
    penalty: str = "D05"
    capped_penalty: str = "D06"


def build_portal_world() -> PortalWorld:
    """Create and publish the cycle through the services (as the system)."""
    from jixiao.collection.services import do_load_ratings, do_load_values
    from jixiao.cycles.services import do_close_cycle, do_create_cycle, do_open_cycle
    from jixiao.engine.schemefile import template_text
    from jixiao.org.choices import Level
    from jixiao.org.services import do_create_category, do_create_unit
    from jixiao.schemes.services import do_import_scheme

    cat = do_create_category("A", "执法服务型", actor=None)
    city = do_create_unit("SFS", "示范市", Level.CITY, actor=None)
    units = [do_create_unit(code, f"示范市{name}", Level.DEPARTMENT, actor=None, parent=city, category=cat)
             for code, name, *_rest in UNITS]
    scheme = do_import_scheme(template_text("core-leader-negative"), actor=None)
    cycle = do_create_cycle("SFS-2025", "示范市2025年度综合绩效考核", scheme, actor=None, year=2025, units=units)
    do_open_cycle(cycle, actor=None)
    rows: list[tuple[int, str, str, float | str | None]] = []
    ratings = []
    for code, _name, resp, days, exec_, onsite, neg, lead, items in UNITS:
        for indicator, value in (("RESP", resp), ("DAYS", days), ("EXEC", exec_), ("ONSITE", onsite), ("NEG", neg),
                                 *items.items()):
            rows.append((len(rows) + 2, code, indicator, float(value)))
        for group, spread in (("superior", (0, 2, -3)), ("peer", (1, -2, 3, 0)), ("public", (-1, 4, -4, 2, 0))):
            ratings += [(code, "LEAD", group, f"{group}-{k}", float(min(100, lead + d))) for k, d in enumerate(spread)]
    do_load_values(cycle, rows, actor=None)
    do_load_ratings(cycle, ratings, actor=None)
    do_close_cycle(cycle, actor=None, confirm=True)
    platform_world.publish_final(cycle)
    cycle.refresh_from_db()
    return PortalWorld(cycle)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = platform_world.FAST_HASHERS


@pytest.fixture(autouse=True)
def _own_cache_and_files(settings: Any, tmp_path: Any) -> None:
    """A cache of this test's own (the portal keeps breakdowns there), and audit checkpoints and private files out
    of DATA_DIR (see tests/platform/conftest.py)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": str(tmp_path)}}
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    settings.PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture
def portal_world(db: Any) -> PortalWorld:
    return build_portal_world()


class Tables(HTMLParser):
    """The tables of a page by their ``data-table``: each row's cells as (text, attributes), header and footer
    rows included, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[tuple[str, dict[str, str]]]]] = {}
        self._table: str | None = None
        self._cell: tuple[list[str], dict[str, str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "table" and "data-table" in a:
            self._table = a["data-table"]
            self.tables[self._table] = []
        elif self._table is not None and tag == "tr":
            self.tables[self._table].append([])
            self.tables[self._table][-1].append(("", {f"tr-{k}": v for k, v in a.items()}))
        elif self._table is not None and tag in ("td", "th"):
            self._cell = ([], a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._table is not None and self._cell is not None:
            text = " ".join(" ".join(self._cell[0]).split())
            self.tables[self._table][-1].append((text, self._cell[1]))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[0].append(data)


def tables_of(html: str) -> dict[str, list[list[tuple[str, dict[str, str]]]]]:
    """Each table of the page as rows; a row's first entry holds the row's own attributes (as ``tr-...``)."""
    parser = Tables()
    parser.feed(html)
    return parser.tables


@pytest.fixture
def page_tables() -> Any:
    return tables_of
