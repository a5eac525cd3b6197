"""Moving a unit (changing its parent with ``do_update_unit``) moves its whole subtree.

A unit's ``path`` (the codes from the root, ``/CITY/A/A1/``) is what access follows: a leader sees the
data of the units whose path starts with their own unit's. So after a move every unit below the moved one
must carry the new prefix, a leader of the new parent must see the branch and a leader of the old one must
not; a move that would put a unit under itself must be refused and change nothing.

The branch used here hangs below the world's street A1 (under department A): A1 > A1-1 > A1-1-1, with a
staff member in the deepest unit, so a stale path two levels down shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from jixiao.accounts.choices import Role
from jixiao.accounts.services import do_create_user
from jixiao.audit.models import AuditEvent
from jixiao.collection.models import Value
from jixiao.core.errors import ImportRefusedError
from jixiao.cycles.models import Subject
from jixiao.org.choices import Level, PostType
from jixiao.org.errors import TreeError
from jixiao.org.models import Person, Unit
from jixiao.org.services import do_create_person, do_create_unit, do_import_units, do_update_unit


@dataclass
class Branch:
    """The branch below A1, the staff member at its bottom, and a leader of department B."""

    deep: list[Unit]  # A1-1, A1-1-1
    person: Person
    leader_b: Any


@pytest.fixture
def branch(world: Any) -> Branch:
    a11 = do_create_unit("A1-1", "东城所一中队", Level.STREET, actor=None, parent=world.unit_a1)
    a111 = do_create_unit("A1-1-1", "东城所一中队一组", Level.STREET, actor=None, parent=a11)
    person = do_create_person("P-A111", "张三", PostType.ENFORCEMENT, a111, actor=None)
    leader_b = do_create_user("leader-b", Role.LEADER, actor=None, units=[world.unit_b])
    return Branch([a11, a111], person, leader_b)


def _tree() -> dict[str, tuple[str | None, str, str]]:
    """Every unit by code: (parent code, path, level)."""
    return {
        u.code: (u.parent.code if u.parent else None, u.path, u.level)
        for u in Unit.objects.select_related("parent")
    }


def _assert_paths_follow_parents() -> None:
    """The tree's invariant: a root's path is ``/code/``, any other unit's is its parent's plus ``code/``,
    so its depth is its parent's plus one."""
    units = {u.pk: u for u in Unit.objects.all()}
    for u in units.values():
        parent = units.get(u.parent_id) if u.parent_id else None
        assert u.path == f"{parent.path if parent else '/'}{u.code}/", u.code
        depth = u.path.count("/") - 1
        assert depth == (parent.path.count("/") if parent else 1), u.code
    codes = [u.code for u in units.values()]
    assert len(codes) == len(set(codes))


def _subtree_codes(unit: Unit) -> set[str]:
    unit.refresh_from_db()
    return set(Unit.objects.subtree(unit).values_list("code", flat=True))


@pytest.mark.parametrize("new_parent", ["B", None], ids=["under-B", "to-the-root"])
def test_moving_a_unit_moves_its_whole_subtree(world: Any, branch: Branch, new_parent: str | None) -> None:
    admin = world.personas["admin"]
    before = _tree()
    events = AuditEvent.objects.count()
    parent = Unit.objects.get(code=new_parent) if new_parent else None
    do_update_unit(world.unit_a1, actor=admin, parent=parent)
    prefix = "/CITY/B/A1/" if new_parent else "/A1/"
    after = _tree()
    assert after["A1"] == (new_parent, prefix, Level.STREET)
    assert after["A1-1"] == ("A1", f"{prefix}A1-1/", Level.STREET)
    assert after["A1-1-1"] == ("A1-1", f"{prefix}A1-1/A1-1-1/", Level.STREET)
    # Nothing outside the branch moved, and the branch kept its levels (a level is a kind of unit).
    assert {k: v for k, v in after.items() if not k.startswith("A1")} == {
        k: v for k, v in before.items() if not k.startswith("A1")
    }
    _assert_paths_follow_parents()
    assert _subtree_codes(world.unit_a) == {"A"}
    if new_parent:
        assert _subtree_codes(world.unit_b) == {"B", "A1", "A1-1", "A1-1-1"}
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == events + 1
    assert (event.action, event.actor_label, event.object_id) == ("unit.update", "office", str(world.unit_a1.pk))
    assert (event.before["parent"], event.after["parent"]) == (world.unit_a.pk, parent.pk if parent else None)
    assert (event.before["path"], event.after["path"]) == ("/CITY/A/A1/", prefix)


def _sees(user: Any, world: Any, branch: Branch) -> dict[str, bool]:
    """What ``user`` sees of the branch through ``restrict``: A1's subject and values in the open cycle,
    and the staff member two levels below A1."""
    return {
        "subject": Subject.objects.restrict(user).filter(cycle=world.open, unit=world.unit_a1).exists(),
        "values": Value.objects.restrict(user).filter(cycle=world.open, subject__unit=world.unit_a1).exists(),
        "staff": Person.objects.restrict(user).filter(pk=branch.person.pk).exists(),
    }


def test_a_leader_of_the_new_parent_sees_the_moved_branch_and_the_old_parents_leader_no_longer_does(
    world: Any, branch: Branch
) -> None:
    leader_a, leader_b = world.personas["leader"], branch.leader_b
    everything, nothing = dict.fromkeys(("subject", "values", "staff"), True), dict.fromkeys(
        ("subject", "values", "staff"), False
    )
    assert (_sees(leader_a, world, branch), _sees(leader_b, world, branch)) == (everything, nothing)
    do_update_unit(world.unit_a1, actor=world.personas["admin"], parent=world.unit_b)
    assert (_sees(leader_a, world, branch), _sees(leader_b, world, branch)) == (nothing, everything)


@pytest.mark.parametrize(
    ("moved", "under"),
    [("A", "A1-1-1"), ("A", "A1"), ("A1", "A1"), ("CITY", "A1-1")],
    ids=["under-a-grandchilds-child", "under-its-child", "under-itself", "the-root-under-a-descendant"],
)
def test_a_unit_cannot_move_under_itself_or_its_descendants_and_nothing_changes(
    world: Any, branch: Branch, moved: str, under: str
) -> None:
    before, events = _tree(), AuditEvent.objects.count()
    with pytest.raises(TreeError) as refused:
        do_update_unit(
            Unit.objects.get(code=moved),
            actor=world.personas["admin"],
            parent=Unit.objects.get(code=under),
            name="改名不应生效",
        )
    assert refused.value.code == "invalid_tree"
    assert str(refused.value) == f"{under} is inside {moved}; a unit cannot move under itself"
    assert _tree() == before
    assert not Unit.objects.filter(name="改名不应生效").exists()
    assert AuditEvent.objects.count() == events


def test_a_code_cannot_be_changed_so_codes_stay_unique(world: Any, branch: Branch) -> None:
    before, events = _tree(), AuditEvent.objects.count()
    with pytest.raises(TreeError, match="code cannot be changed"):
        do_update_unit(world.unit_a1, actor=world.personas["admin"], code="B")
    assert (_tree(), AuditEvent.objects.count()) == (before, events)


def test_moving_a_branch_away_and_back_restores_every_path(world: Any, branch: Branch) -> None:
    admin, before = world.personas["admin"], _tree()
    do_update_unit(world.unit_a1, actor=admin, parent=world.unit_b)
    do_update_unit(world.unit_a, actor=admin, parent=world.unit_b)  # A alone, its old child is gone
    assert _tree()["A"][1] == "/CITY/B/A/"
    do_update_unit(world.unit_a, actor=admin, parent=world.city)
    do_update_unit(world.unit_a1, actor=admin, parent=world.unit_a)
    assert _tree() == before
    _assert_paths_follow_parents()


def test_a_move_follows_the_parent_as_stored_not_an_outdated_copy_of_it(world: Any, branch: Branch) -> None:
    """A job that moves several units in turn holds unit objects loaded before its earlier moves; the
    paths must come from the database, not from those copies."""
    admin = world.personas["admin"]
    unit_b = world.unit_b  # loaded when the world was built: path /CITY/B/
    do_update_unit(world.unit_b, actor=admin, parent=world.unit_a)  # B is now /CITY/A/B/
    assert unit_b.path == "/CITY/B/"
    do_update_unit(world.unit_a1, actor=admin, parent=unit_b)
    assert _tree()["A1-1"][1] == "/CITY/A/B/A1/A1-1/"
    _assert_paths_follow_parents()


def test_an_outdated_copy_of_a_descendant_does_not_let_a_unit_move_under_it(world: Any, branch: Branch) -> None:
    admin = world.personas["admin"]
    x = do_create_unit("X", "机关事务局服务中心", Level.DEPARTMENT, actor=None, parent=world.unit_b)
    do_update_unit(world.unit_b, actor=admin, parent=world.unit_a)  # X is now inside A: /CITY/A/B/X/
    assert x.path == "/CITY/B/X/"  # the copy still says otherwise
    before, events = _tree(), AuditEvent.objects.count()
    with pytest.raises(TreeError, match="X is inside A"):
        do_update_unit(world.unit_a, actor=admin, parent=x)
    assert (_tree(), AuditEvent.objects.count()) == (before, events)
    _assert_paths_follow_parents()


def test_a_unit_created_under_an_outdated_copy_of_its_parent_gets_the_stored_path(world: Any) -> None:
    unit_b = world.unit_b  # path /CITY/B/ when loaded
    do_update_unit(world.unit_b, actor=world.personas["admin"], parent=world.unit_a)
    y = do_create_unit("Y", "新设所", Level.STREET, actor=None, parent=unit_b)
    assert y.path == "/CITY/A/B/Y/"
    _assert_paths_follow_parents()


def _units_file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "单位.csv"
    path.write_text("\n".join(["code,name,level,parent,category", *rows]) + "\n", encoding="utf-8")
    return path


def test_an_import_that_gives_a_unit_a_new_parent_moves_its_whole_subtree(
    world: Any, branch: Branch, tmp_path: Path
) -> None:
    path = _units_file(tmp_path, "A1,市场监管局东城所,street,B,A", "A1-2,东城所二中队,street,A1,")
    assert do_import_units(path, actor=world.personas["admin"]) == {"rows": 2, "created": 1, "updated": 1}
    tree = _tree()
    assert tree["A1"][:2] == ("B", "/CITY/B/A1/")
    assert tree["A1-1-1"][:2] == ("A1-1", "/CITY/B/A1/A1-1/A1-1-1/")
    assert tree["A1-2"][:2] == ("A1", "/CITY/B/A1/A1-2/")
    _assert_paths_follow_parents()
    assert _sees(branch.leader_b, world, branch) == dict.fromkeys(("subject", "values", "staff"), True)


def test_an_import_that_moves_a_parent_after_its_new_child_still_leaves_every_path_right(
    world: Any, branch: Branch, tmp_path: Path
) -> None:
    path = _units_file(tmp_path, "Y,新设所,street,B,", "B,机关事务局,department,A,B")
    do_import_units(path, actor=world.personas["admin"])
    assert _tree()["Y"][:2] == ("B", "/CITY/A/B/Y/")
    _assert_paths_follow_parents()


@pytest.mark.parametrize(
    ("rows", "bad_row"),
    [
        (("A,市场监管局,department,A1-1-1,A",), 2),
        (("A,市场监管局,department,A,A",), 2),
        (("B,机关事务局,department,A1-1,B", "A,市场监管局,department,B,A"), 3),
    ],
    ids=["under-its-descendant", "under-itself", "two-rows-closing-a-loop"],
)
def test_an_import_that_would_put_a_unit_under_itself_is_refused_and_changes_nothing(
    world: Any, branch: Branch, tmp_path: Path, rows: tuple[str, ...], bad_row: int
) -> None:
    before, events = _tree(), AuditEvent.objects.count()
    with pytest.raises(ImportRefusedError) as refused:
        do_import_units(_units_file(tmp_path, *rows), actor=world.personas["admin"])
    label, row, column, reason = refused.value.problems[0]
    assert (label, row, column) == ("单位.csv", bad_row, "parent")
    assert reason.endswith("a unit cannot move under itself")
    assert (_tree(), AuditEvent.objects.count()) == (before, events)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_units_moved_under_each_other_at_once_do_not_form_a_cycle(world: Any) -> None:
    """Two office admins at once: one moves A under B while the other moves B under A. Whoever comes
    second must see the first move and be refused, not close a loop A > B > A."""
    import threading

    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is one in-memory connection; the race needs PostgreSQL")
    admin = world.personas["admin"]
    first_done, second_started = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                do_update_unit(Unit.objects.get(code="A"), actor=admin, parent=Unit.objects.get(code="B"))
                first_done.set()
                second_started.wait(10)
                # Give the second mover time to read the tree while this move is not yet committed.
                threading.Event().wait(0.5)
        except BaseException as exc:  # reported below
            errors.append(exc)
            first_done.set()
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_done.wait(10)
            second_started.set()
            do_update_unit(Unit.objects.get(code="B"), actor=admin, parent=Unit.objects.get(code="A"))
        except TreeError:
            pass  # refused: the outcome wanted
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    tree = _tree()
    assert (tree["A"][0], tree["B"][0]) == ("B", "CITY")
    _assert_paths_follow_parents()
