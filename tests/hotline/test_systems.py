"""Hotline systems and their keys: the office registers, replaces and withdraws them; a key is shown once and
only its hash is kept."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from jixiao.audit.models import AuditEvent
from jixiao.core.errors import JixiaoError, PermissionDeniedError
from jixiao.hotline.choices import HotlineAction
from jixiao.hotline.errors import HotlineKeyError
from jixiao.hotline.models import SourceSystem
from jixiao.hotline.services.systems import (
    do_register_system,
    do_replace_system_key,
    do_withdraw_system,
    system_for_key,
)


def test_a_registered_systems_key_is_shown_once_and_only_its_hash_is_kept(hotline_world: Any) -> None:
    system, key = do_register_system("  市12345平台 ", actor=hotline_world.personas["admin"])
    assert system.name == "市12345平台"
    assert key.startswith("jxh_")
    assert len(key) > 40
    assert system.prefix == key[:12]
    assert system.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(list(SourceSystem.objects.values()))
    assert system_for_key(key) == system
    event = AuditEvent.objects.get(action=HotlineAction.SYSTEM)
    assert event.after == {"name": "市12345平台", "prefix": system.prefix, "active": True}
    assert key not in str(event.after)


def test_a_replaced_key_stops_working_and_a_withdrawn_system_too(hotline_world: Any) -> None:
    admin = hotline_world.personas["admin"]
    system, old = do_register_system("区平台", actor=admin)
    system, new = do_replace_system_key(system, actor=admin)
    with pytest.raises(HotlineKeyError):
        system_for_key(old)
    assert system_for_key(new) == system
    assert AuditEvent.objects.filter(action=HotlineAction.SYSTEM_KEY).count() == 1
    do_withdraw_system(system, actor=admin)
    with pytest.raises(HotlineKeyError):
        system_for_key(new)
    assert SourceSystem.objects.get().active is False


@pytest.mark.parametrize("persona", ["operator_a", "leader", "auditor", "rater"])
def test_only_the_office_registers_systems(hotline_world: Any, persona: str) -> None:
    with pytest.raises(PermissionDeniedError):
        do_register_system("平台", actor=hotline_world.personas[persona])


def test_a_name_is_required_and_unique(hotline_world: Any) -> None:
    admin = hotline_world.personas["admin"]
    do_register_system("平台", actor=admin)
    for name in ("", "平台"):
        with pytest.raises(JixiaoError):
            do_register_system(name, actor=admin)


def test_the_page_registers_shows_the_key_once_and_withdraws(hotline_world: Any) -> None:
    client = hotline_world.client("admin")
    assert client.get("/app/hotline/systems/").status_code == 200
    page = client.post("/app/hotline/systems/", {"name": "市12345平台"})
    assert page.status_code == 200
    html = page.content.decode()
    system = SourceSystem.objects.get()
    key = html.split('id="key"', 1)[0].rsplit('value="', 1)[1].split('"', 1)[0]
    assert key.startswith(system.prefix)
    assert system_for_key(key) == system
    assert "X-Api-Key: " + key in html
    assert key not in client.get("/app/hotline/systems/").content.decode()
    replaced = client.post(f"/app/hotline/systems/{system.pk}/key/").content.decode()
    assert key not in replaced
    r = client.post(f"/app/hotline/systems/{system.pk}/withdraw/")
    assert r.status_code == 302
    system.refresh_from_db()
    assert not system.active


@pytest.mark.parametrize("persona", ["operator_a", "rater"])
def test_others_do_not_see_the_page(hotline_world: Any, persona: str) -> None:
    admin = hotline_world.personas["admin"]
    system, _key = do_register_system("平台", actor=admin)
    client = hotline_world.client(persona)
    assert client.get("/app/hotline/systems/").status_code == 404
    assert client.post(f"/app/hotline/systems/{system.pk}/withdraw/").status_code == 404
    assert SourceSystem.objects.get().active


def test_an_auditor_sees_the_list_but_no_forms(hotline_world: Any) -> None:
    do_register_system("平台", actor=hotline_world.personas["admin"])
    html = hotline_world.client("auditor").get("/app/hotline/systems/").content.decode()
    assert "平台" in html
    assert 'name="name"' not in html
