"""The hotline's small world, shared by its tests.

Units (made through the org services): the city 示范市 (CITY) with 市场监管局 (A, and its street office
市场监管局东城所, A1), 城市管理局 (B) and 住房和城乡建设局 (C). A small category tree (TREE, imported through the
taxonomy service): 01 市容环境 > 0101 市容秩序 > 010101 占道经营 and 010102 乱贴广告; 02 交通出行 > 0201 道路设施 >
020101 路灯损坏. Personas:
the office admin, the operators of A and of B, the leader of A (who sees A1 too), a rater, an auditor and the
public. ``frame(...)`` builds a canonical ticket frame (the columns of ``jixiao.engine.tickets.read_tickets``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from jixiao.accounts.choices import Role
from jixiao.accounts.services import do_create_user
from jixiao.org.choices import Level
from jixiao.org.models import Unit
from jixiao.org.services import do_create_unit

PASSWORD = "test-password-1"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TREE = """code,name,parent,keywords
01,市容环境,,
0101,市容秩序,01,
010101,占道经营,0101,占道|摆摊|流动摊贩
010102,乱贴广告,0101,小广告|牛皮癣
02,交通出行,,
0201,道路设施,02,
020101,路灯损坏,0201,路灯|不亮
"""
#: The canonical columns of a ticket frame, in order.
COLUMNS = ("id", "received_at", "text", "category", "unit", "urgency", "responded_at", "closed_at", "resolution",
           "satisfaction", "channel", "district", "street", "address", "co_units", "transfers", "repeat_of")


@dataclass
class HotlineWorld:
    city: Unit
    unit_a: Unit
    unit_a1: Unit
    unit_b: Unit
    unit_c: Unit
    personas: dict[str, Any]

    def client(self, persona: str) -> Client:
        client = Client()
        if persona != "public":
            client.force_login(self.personas[persona])
        return client


@pytest.fixture(autouse=True)
def _hotline_settings(settings: Any, tmp_path: Any) -> Any:
    from django.utils import translation

    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    settings.PRIVATE_ROOT = tmp_path / "private"
    with translation.override(settings.LANGUAGE_CODE):
        yield


def build_hotline_world() -> HotlineWorld:
    """The units, the personas and the small category tree, through the services (as the system)."""
    from jixiao.hotline.services.taxonomy import do_import_taxonomy

    city = do_create_unit("CITY", "示范市", Level.CITY, actor=None)
    unit_a = do_create_unit("A", "市场监管局", Level.DEPARTMENT, actor=None, parent=city)
    unit_a1 = do_create_unit("A1", "市场监管局东城所", Level.STREET, actor=None, parent=unit_a)
    unit_b = do_create_unit("B", "城市管理局", Level.DEPARTMENT, actor=None, parent=city)
    unit_c = do_create_unit("C", "住房和城乡建设局", Level.DEPARTMENT, actor=None, parent=city)
    personas: dict[str, Any] = {
        "admin": do_create_user("office", Role.ADMIN, actor=None, password=PASSWORD),
        "operator_a": do_create_user("op-a", Role.OPERATOR, actor=None, password=PASSWORD, units=[unit_a]),
        "operator_b": do_create_user("op-b", Role.OPERATOR, actor=None, password=PASSWORD, units=[unit_b]),
        "leader": do_create_user("leader-a", Role.LEADER, actor=None, password=PASSWORD, units=[unit_a]),
        "rater": do_create_user("rater", Role.RATER, actor=None, password=PASSWORD),
        "auditor": do_create_user("auditor", Role.AUDITOR, actor=None, password=PASSWORD),
        "public": AnonymousUser(),
    }
    do_import_taxonomy(TREE, actor=None)
    return HotlineWorld(city, unit_a, unit_a1, unit_b, unit_c, personas)


@pytest.fixture
def hotline_world(db: Any) -> Any:
    """The world; afterwards the audit chain must still verify."""
    from jixiao.audit.services import verify_chain

    yield build_hotline_world()
    report = verify_chain()
    assert report.ok, report.problems


def ticket(number: str, received: str, **fields: Any) -> dict[str, Any]:
    """One ticket's canonical row: ``received`` as ``YYYY-mm-dd HH:MM`` local; unnamed fields empty."""
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(id=number, received_at=datetime.strptime(received, "%Y-%m-%d %H:%M"), **fields)
    for c in ("responded_at", "closed_at"):
        if isinstance(row[c], str):
            row[c] = datetime.strptime(row[c], "%Y-%m-%d %H:%M")
    return row


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    """A canonical ticket frame of ``rows`` (``ticket(...)``), rows numbered from 2 as a file's."""
    schema: dict[str, Any] = dict.fromkeys(COLUMNS, pl.String)
    schema.update(received_at=pl.Datetime("us"), responded_at=pl.Datetime("us"), closed_at=pl.Datetime("us"),
                  transfers=pl.Int32)
    out = pl.DataFrame([{c: r.get(c) for c in COLUMNS} for r in rows], schema=schema)
    return out.with_row_index("_row", offset=2).with_columns(pl.col("_row").cast(pl.Int64))


#: Three tickets of two months, asymmetric on purpose: a unit by code, by name and unknown; a category by code,
#: by a path with "-" and by an unknown path.
SAMPLE = (
    ticket("T0001", "2025-01-31 23:30", text="人行道上有流动摊贩占道", category="010101", unit="A", urgency="一般",
           responded_at="2025-02-01 08:10", channel="电话", district="东城区", street="东华门街道", transfers=1),
    ticket("T0002", "2025-02-01 00:15", text="路灯不亮", category="交通出行-道路设施-路灯损坏", unit="城市管理局",
           urgency="紧急", channel="网站", district="西城区"),
    ticket("T0003", "2025-02-03 09:00", text="小区噪音", category="生态环境/噪声污染", unit="区环保所",
           channel="电话"),
)
