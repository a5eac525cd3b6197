"""The same tree changes through every path a user takes: the service, the back office (/admin/), an import file
and the API. Each moves a unit with its whole subtree, refuses a loop and a repeated code, and leaves nothing
changed when it refuses. (The service's and the import's finer points: ``test_unit_tree.py``.)

Messages are checked in English (their msgids), whatever translation the catalogue has.
"""

from __future__ import annotations

import json
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from jixiao.audit.models import AuditEvent
from jixiao.core.choices import Source
from jixiao.core.errors import ImportRefusedError, JixiaoError
from jixiao.org.choices import Level
from jixiao.org.models import Unit
from jixiao.org.services import do_create_unit, do_import_units, do_update_unit

from .conftest import PASSWORD
from .test_unit_tree import Branch, assert_paths_follow_parents, make_branch, sees, tree, units_file


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def branch(world: Any) -> Branch:
    return make_branch(world)


@dataclass
class Outcome:
    """What a path answered: done, or refused with the words it showed."""

    done: bool
    said: str = ""


def _office(world: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username=world.personas["admin"].username, password=PASSWORD)
    return client


# Moving a unit (code) under another (parent code; None: a root) ------------------------------------------------


def _move_by_service(world: Any, tmp_path: Path, code: str, parent: str | None) -> Outcome:
    try:
        do_update_unit(
            Unit.objects.get(code=code),
            actor=world.personas["admin"],
            parent=Unit.objects.get(code=parent) if parent else None,
        )
    except JixiaoError as exc:
        return Outcome(False, f"{exc.code}: {exc.text}")
    return Outcome(True)


def _move_by_admin(world: Any, tmp_path: Path, code: str, parent: str | None) -> Outcome:
    unit = Unit.objects.get(code=code)
    url = f"/admin/org/unit/{unit.pk}/change/"
    client = _office(world)
    assert client.get(url).status_code == 200
    r = client.post(
        url,
        {
            "name": unit.name,
            "level": unit.level,
            "parent": str(Unit.objects.get(code=parent).pk) if parent else "",
            "category": str(unit.category_id or ""),
            "active": "on" if unit.active else "",
        },
    )
    if r.status_code == 302:
        return Outcome(True)
    assert r.status_code == 200, r.content.decode()[:2000]
    errors = r.context["adminform"].form.errors
    return Outcome(False, "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items()))


def _move_by_import(world: Any, tmp_path: Path, code: str, parent: str | None) -> Outcome:
    unit = Unit.objects.select_related("category").get(code=code)
    category = unit.category.code if unit.category else ""
    path = units_file(tmp_path, f"{code},{unit.name},{unit.level},{parent or ''},{category}")
    try:
        do_import_units(path, actor=world.personas["admin"])
    except ImportRefusedError as exc:
        return Outcome(False, "; ".join(exc.lines()))
    return Outcome(True)


def _move_by_api(world: Any, tmp_path: Path, code: str, parent: str | None) -> Outcome:
    client = _office(world)
    r = client.patch(f"/api/units/{code}", json.dumps({"parent": parent}), content_type="application/json")
    if r.status_code == 200:
        assert r.json()["parent"] == parent
        return Outcome(True)
    return Outcome(False, f"{r.status_code} {r.json()['code']}: {r.json()['message']}")


Mover = Callable[[Any, Path, str, str | None], Outcome]
MOVERS: dict[str, Mover] = {
    "service": _move_by_service,
    "admin": _move_by_admin,
    "import": _move_by_import,
    "api": _move_by_api,
}
#: How each path says a loop is refused.
LOOP_SAID = {
    "service": "unit_loop: A1-1-1 is inside A1; a unit cannot move under itself",
    "admin": "parent: A1-1-1 is inside A1; a unit cannot move under itself",
    "import": (
        "单位.csv, row 2, column parent: the parents would form a loop: A1 under A1-1-1 (row 2), A1-1-1 under A1-1, "
        "A1-1 under A1; a unit cannot move under itself"
    ),
    "api": "409 unit_loop: A1-1-1 is inside A1; a unit cannot move under itself",
}


@pytest.mark.parametrize("how", MOVERS)
@pytest.mark.parametrize("parent", ["B", None], ids=["under-B", "to-the-root"])
def test_a_move_takes_the_whole_subtree_along(
    world: Any, branch: Branch, tmp_path: Path, how: str, parent: str | None
) -> None:
    before = tree()
    assert MOVERS[how](world, tmp_path, "A1", parent) == Outcome(True)
    prefix = "/CITY/B/A1/" if parent else "/A1/"
    after = tree()
    assert (after["A1"][:2], after["A1-1"][1], after["A1-1-1"][1]) == (
        (parent, prefix),
        f"{prefix}A1-1/",
        f"{prefix}A1-1/A1-1-1/",
    )
    assert {k: v for k, v in after.items() if not k.startswith("A1")} == {
        k: v for k, v in before.items() if not k.startswith("A1")
    }
    assert_paths_follow_parents()
    leader_a, leader_b = world.personas["leader"], branch.leader_b
    assert sees(leader_a, world, branch) == dict.fromkeys(("subject", "values", "staff"), False)
    assert sees(leader_b, world, branch) == dict.fromkeys(("subject", "values", "staff"), parent == "B")


@pytest.mark.parametrize("how", MOVERS)
def test_a_move_under_the_units_own_descendant_is_refused_and_nothing_changes(
    world: Any, branch: Branch, tmp_path: Path, how: str
) -> None:
    before, events = tree(), AuditEvent.objects.count()
    assert MOVERS[how](world, tmp_path, "A1", "A1-1-1") == Outcome(False, LOOP_SAID[how])
    assert (tree(), AuditEvent.objects.count()) == (before, events)


# Adding a unit with a code already used --------------------------------------------------------------------------


def _add_by_service(world: Any, tmp_path: Path, code: str) -> Outcome:
    try:
        do_create_unit(code, "新设所", Level.STREET, actor=world.personas["admin"], parent=world.unit_b)
    except JixiaoError as exc:
        return Outcome(False, f"{exc.code}: {exc.text}")
    return Outcome(True)


def _add_by_admin(world: Any, tmp_path: Path, code: str) -> Outcome:
    data = {"code": code, "name": "新设所", "level": "street", "parent": str(world.unit_b.pk), "category": "",
            "active": "on"}
    r = _office(world).post("/admin/org/unit/add/", data)
    if r.status_code == 302:
        return Outcome(True)
    errors = r.context["adminform"].form.errors
    return Outcome(False, "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items()))


def _add_by_import(world: Any, tmp_path: Path, code: str) -> Outcome:
    """Within one file (a code already stored names the unit the row updates)."""
    path = units_file(tmp_path, f"{code},新设所,street,B,", "Y,另一所,street,B,", f"{code},新设所二,street,A,")
    try:
        do_import_units(path, actor=world.personas["admin"])
    except ImportRefusedError as exc:
        return Outcome(False, "; ".join(exc.lines()))
    return Outcome(True)


def _add_by_api(world: Any, tmp_path: Path, code: str) -> Outcome:
    body = {"code": code, "name": "新设所", "level": "street", "parent": "B"}
    r = _office(world).post("/api/units/", json.dumps(body), content_type="application/json")
    if r.status_code == 200:
        return Outcome(True)
    return Outcome(False, f"{r.status_code} {r.json()['code']}: {r.json()['message']}")


ADDERS: dict[str, Callable[[Any, Path, str], Outcome]] = {
    "service": _add_by_service,
    "admin": _add_by_admin,
    "import": _add_by_import,
    "api": _add_by_api,
}
TAKEN_SAID = {
    "service": "unit_code_taken: There is already a unit with code A1-1.",
    "admin": "code: Unit with this Code already exists.",
    "import": "单位.csv, row 4, column code: duplicate unit code Y2 (first at row 2)",
    "api": "409 unit_code_taken: There is already a unit with code A1-1.",
}


@pytest.mark.parametrize("how", ADDERS)
def test_a_code_already_used_is_refused_and_nothing_changes(
    world: Any, branch: Branch, tmp_path: Path, how: str
) -> None:
    before, events = tree(), AuditEvent.objects.count()
    code = "Y2" if how == "import" else "A1-1"
    assert ADDERS[how](world, tmp_path, code) == Outcome(False, TAKEN_SAID[how])
    assert (tree(), AuditEvent.objects.count()) == (before, events)


@pytest.mark.parametrize("how", ADDERS)
def test_a_new_unit_gets_its_parents_path(world: Any, tmp_path: Path, how: str) -> None:
    if how == "import":
        do_import_units(units_file(tmp_path, "Y2,新设所,street,B,"), actor=world.personas["admin"])
    else:
        assert ADDERS[how](world, tmp_path, "Y2") == Outcome(True)
    assert tree()["Y2"][:2] == ("B", "/CITY/B/Y2/")
    assert_paths_follow_parents()


# The back office and the API beyond moves ------------------------------------------------------------------------


def test_a_move_in_the_back_office_is_one_audited_change(world: Any, branch: Branch, tmp_path: Path) -> None:
    events = AuditEvent.objects.count()
    assert _move_by_admin(world, tmp_path, "A1", "B") == Outcome(True)
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.source, event.actor_label) == ("unit.update", Source.ADMIN, "office")
    assert (event.before["path"], event.after["path"]) == ("/CITY/A/A1/", "/CITY/B/A1/")


def _api(world: Any, persona: str | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if persona is not None:
        client.force_login(world.personas[persona])
    return client


def test_an_api_patch_changes_only_the_fields_given_in_one_audited_change(world: Any, branch: Branch) -> None:
    events = AuditEvent.objects.count()
    r = _api(world, "admin").patch(
        "/api/units/A1", json.dumps({"name": "东城市场监管所", "parent": "B"}), content_type="application/json"
    )
    assert r.status_code == 200, r.content
    assert r.json() == {
        "code": "A1",
        "name": "东城市场监管所",
        "level": "street",
        "parent": "B",
        "category": "A",
        "active": True,
    }
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.source, event.context) == ("unit.update", Source.API, "PATCH /api/units/A1")
    assert tree()["A1-1-1"][1] == "/CITY/B/A1/A1-1/A1-1-1/"
    r = _api(world, "admin").patch(
        "/api/units/A1", json.dumps({"category": None, "active": False}), content_type="application/json"
    )
    assert (r.json()["name"], r.json()["parent"], r.json()["category"], r.json()["active"]) == (
        "东城市场监管所",
        "B",
        None,
        False,
    )


def test_an_api_post_adds_a_unit_through_the_service(world: Any) -> None:
    body = {"code": "A2", "name": "市场监管局西城所", "level": "street", "parent": "A", "category": "A"}
    r = _api(world, "admin").post("/api/units/", json.dumps(body), content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json() == {**body, "active": True}
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.source, event.after["path"]) == ("unit.create", Source.API, "/CITY/A/A2/")


@pytest.mark.parametrize(
    ("persona", "method", "path", "body", "status", "code"),
    [
        (None, "patch", "/api/units/A1", {"name": "x"}, 401, "not_signed_in"),
        (None, "post", "/api/units/", {"code": "Y", "name": "x", "level": "street"}, 401, "not_signed_in"),
        ("operator_a", "patch", "/api/units/A1", {"name": "x"}, 403, "permission_denied"),
        ("leader", "post", "/api/units/", {"code": "Y", "name": "x", "level": "street"}, 403, "permission_denied"),
        ("admin", "patch", "/api/units/NOPE", {"name": "x"}, 404, "not_found"),
        ("admin", "patch", "/api/units/A1", {"parent": "NOPE"}, 404, "not_found"),
        ("admin", "post", "/api/units/", {"code": "Y", "name": "x", "level": "street", "category": "Z"}, 404,
         "not_found"),
        ("admin", "patch", "/api/units/A", {"parent": "A1"}, 409, "unit_loop"),
        ("admin", "patch", "/api/units/A", {"parent": "A"}, 409, "unit_loop"),
        ("admin", "post", "/api/units/", {"code": "B", "name": "x", "level": "street"}, 409, "unit_code_taken"),
        ("admin", "patch", "/api/units/A1", {"level": "planet"}, 422, "invalid_input"),
        ("admin", "patch", "/api/units/A1", {"name": None}, 422, "invalid_input"),
        ("admin", "patch", "/api/units/A1", {"active": None}, 422, "invalid_input"),
        ("admin", "patch", "/api/units/A1", {"code": "Z"}, 200, None),  # not a field that changes: ignored
        ("admin", "post", "/api/units/", {"code": "a/b", "name": "x", "level": "street"}, 422, "invalid_input"),
        ("admin", "post", "/api/units/", {"code": "", "name": "x", "level": "street"}, 422, "invalid_input"),
        ("admin", "post", "/api/units/", {"code": "Y"}, 422, "invalid_input"),
    ],
)
def test_the_api_refuses_with_the_error_body_and_changes_nothing(
    world: Any, persona: str | None, method: str, path: str, body: dict[str, Any], status: int, code: str | None
) -> None:
    before, events = tree(), AuditEvent.objects.count()
    client = _api(world, persona)
    send = client.patch if method == "patch" else client.post
    r = send(path, json.dumps(body), content_type="application/json")
    assert r.status_code == status, r.content
    if code is not None:
        assert r.json()["code"] == code
        assert r.json()["message"]
    assert tree() == before
    assert AuditEvent.objects.count() == events + (status == 200)


def test_the_api_writes_only_with_the_csrf_token(world: Any) -> None:
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.personas["admin"])
    body = json.dumps({"name": "机关事务管理局"})
    r = client.patch("/api/units/B", body, content_type="application/json")
    assert (r.status_code, r.json()["code"]) == (403, "csrf_failed")
    token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    client.cookies["csrftoken"] = token
    r = client.patch("/api/units/B", body, content_type="application/json", headers={"X-CSRFToken": token})
    assert r.status_code == 200, r.content
    assert Unit.objects.get(code="B").name == "机关事务管理局"
