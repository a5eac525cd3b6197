"""Moving a unit (changing its parent with ``do_update_unit``, or by importing a file) moves its whole subtree.

A unit's ``path`` (the codes from the root, ``/CITY/A/A1/``) is what access follows: a leader sees the
data of the units whose path starts with their own unit's. So after a move every unit below the moved one
must carry the new prefix, a leader of the new parent must see the branch and a leader of the old one must
not; a move that would put a unit under itself must be refused and change nothing.

The branch used here hangs below the world's street A1 (under department A): A1 > A1-1 > A1-1-1, with a
staff member in the deepest unit, so a stale path two levels down shows. The same moves through each path a
user takes (the service, the back office, an import, the API): ``test_unit_tree_paths.py``.

Messages are checked in English (their msgids), whatever translation the catalogue has.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from jixiao.accounts.choices import Role
from jixiao.accounts.services import do_create_user
from jixiao.audit.models import AuditEvent
from jixiao.collection.models import Value
from jixiao.core.errors import ImportRefusedError
from jixiao.cycles.models import Subject
from jixiao.org import services
from jixiao.org.choices import Level, PostType
from jixiao.org.errors import TreeError, UnitCodeTakenError, UnitLoopError
from jixiao.org.models import Person, Unit
from jixiao.org.services import do_create_person, do_create_unit, do_import_units, do_update_unit


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@dataclass
class Branch:
    """The branch below A1, the staff member at its bottom, and a leader of department B."""

    deep: list[Unit]  # A1-1, A1-1-1
    person: Person
    leader_b: Any


def make_branch(world: Any) -> Branch:
    a11 = do_create_unit("A1-1", "东城所一中队", Level.STREET, actor=None, parent=world.unit_a1)
    a111 = do_create_unit("A1-1-1", "东城所一中队一组", Level.STREET, actor=None, parent=a11)
    person = do_create_person("P-A111", "张三", PostType.ENFORCEMENT, a111, actor=None)
    leader_b = do_create_user("leader-b", Role.LEADER, actor=None, units=[world.unit_b])
    return Branch([a11, a111], person, leader_b)


@pytest.fixture
def branch(world: Any) -> Branch:
    return make_branch(world)


def tree() -> dict[str, tuple[str | None, str, str]]:
    """Every unit by code: (parent code, path, level)."""
    return {
        u.code: (u.parent.code if u.parent else None, u.path, u.level)
        for u in Unit.objects.select_related("parent")
    }


def assert_paths_follow_parents() -> None:
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
    before = tree()
    events = AuditEvent.objects.count()
    parent = Unit.objects.get(code=new_parent) if new_parent else None
    do_update_unit(world.unit_a1, actor=admin, parent=parent)
    prefix = "/CITY/B/A1/" if new_parent else "/A1/"
    after = tree()
    assert after["A1"] == (new_parent, prefix, Level.STREET)
    assert after["A1-1"] == ("A1", f"{prefix}A1-1/", Level.STREET)
    assert after["A1-1-1"] == ("A1-1", f"{prefix}A1-1/A1-1-1/", Level.STREET)
    # Nothing outside the branch moved, and the branch kept its levels (a level is a kind of unit).
    assert {k: v for k, v in after.items() if not k.startswith("A1")} == {
        k: v for k, v in before.items() if not k.startswith("A1")
    }
    assert_paths_follow_parents()
    assert _subtree_codes(world.unit_a) == {"A"}
    if new_parent:
        assert _subtree_codes(world.unit_b) == {"B", "A1", "A1-1", "A1-1-1"}
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == events + 1
    assert (event.action, event.actor_label, event.object_id) == ("unit.update", "office", str(world.unit_a1.pk))
    assert (event.before["parent"], event.after["parent"]) == (world.unit_a.pk, parent.pk if parent else None)
    assert (event.before["path"], event.after["path"]) == ("/CITY/A/A1/", prefix)


def sees(user: Any, world: Any, branch: Branch) -> dict[str, bool]:
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
    assert (sees(leader_a, world, branch), sees(leader_b, world, branch)) == (everything, nothing)
    do_update_unit(world.unit_a1, actor=world.personas["admin"], parent=world.unit_b)
    assert (sees(leader_a, world, branch), sees(leader_b, world, branch)) == (nothing, everything)


@pytest.mark.parametrize(
    ("moved", "under"),
    [("A", "A1-1-1"), ("A", "A1"), ("A1", "A1"), ("CITY", "A1-1")],
    ids=["under-a-grandchilds-child", "under-its-child", "under-itself", "the-root-under-a-descendant"],
)
def test_a_unit_cannot_move_under_itself_or_its_descendants_and_nothing_changes(
    world: Any, branch: Branch, moved: str, under: str
) -> None:
    before, events = tree(), AuditEvent.objects.count()
    with pytest.raises(UnitLoopError) as refused:
        do_update_unit(
            Unit.objects.get(code=moved),
            actor=world.personas["admin"],
            parent=Unit.objects.get(code=under),
            name="改名不应生效",
        )
    assert (refused.value.code, refused.value.status) == ("unit_loop", 409)
    assert str(refused.value) == f"{under} is inside {moved}; a unit cannot move under itself"
    assert tree() == before
    assert not Unit.objects.filter(name="改名不应生效").exists()
    assert AuditEvent.objects.count() == events


def test_a_code_cannot_be_changed_so_codes_stay_unique(world: Any, branch: Branch) -> None:
    before, events = tree(), AuditEvent.objects.count()
    with pytest.raises(TreeError, match="code cannot be changed"):
        do_update_unit(world.unit_a1, actor=world.personas["admin"], code="B")
    assert (tree(), AuditEvent.objects.count()) == (before, events)


def test_moving_a_branch_away_and_back_restores_every_path(world: Any, branch: Branch) -> None:
    admin, before = world.personas["admin"], tree()
    do_update_unit(world.unit_a1, actor=admin, parent=world.unit_b)
    do_update_unit(world.unit_a, actor=admin, parent=world.unit_b)  # A alone, its old child is gone
    assert tree()["A"][1] == "/CITY/B/A/"
    do_update_unit(world.unit_a, actor=admin, parent=world.city)
    do_update_unit(world.unit_a1, actor=admin, parent=world.unit_a)
    assert tree() == before
    assert_paths_follow_parents()


def test_a_move_follows_the_parent_as_stored_not_an_outdated_copy_of_it(world: Any, branch: Branch) -> None:
    """A job that moves several units in turn holds unit objects loaded before its earlier moves; the
    paths must come from the database, not from those copies."""
    admin = world.personas["admin"]
    unit_b = world.unit_b  # loaded when the world was built: path /CITY/B/
    do_update_unit(world.unit_b, actor=admin, parent=world.unit_a)  # B is now /CITY/A/B/
    assert unit_b.path == "/CITY/B/"
    do_update_unit(world.unit_a1, actor=admin, parent=unit_b)
    assert tree()["A1-1"][1] == "/CITY/A/B/A1/A1-1/"
    assert_paths_follow_parents()


def test_an_outdated_copy_of_a_descendant_does_not_let_a_unit_move_under_it(world: Any, branch: Branch) -> None:
    admin = world.personas["admin"]
    x = do_create_unit("X", "机关事务局服务中心", Level.DEPARTMENT, actor=None, parent=world.unit_b)
    do_update_unit(world.unit_b, actor=admin, parent=world.unit_a)  # X is now inside A: /CITY/A/B/X/
    assert x.path == "/CITY/B/X/"  # the copy still says otherwise
    before, events = tree(), AuditEvent.objects.count()
    with pytest.raises(TreeError, match="X is inside A"):
        do_update_unit(world.unit_a, actor=admin, parent=x)
    assert (tree(), AuditEvent.objects.count()) == (before, events)
    assert_paths_follow_parents()


def test_a_unit_created_under_an_outdated_copy_of_its_parent_gets_the_stored_path(world: Any) -> None:
    unit_b = world.unit_b  # path /CITY/B/ when loaded
    do_update_unit(world.unit_b, actor=world.personas["admin"], parent=world.unit_a)
    y = do_create_unit("Y", "新设所", Level.STREET, actor=None, parent=unit_b)
    assert y.path == "/CITY/A/B/Y/"
    assert_paths_follow_parents()


def test_a_new_unit_with_a_code_already_used_is_refused_and_nothing_changes(world: Any, branch: Branch) -> None:
    before, events = tree(), AuditEvent.objects.count()
    with pytest.raises(UnitCodeTakenError) as refused:
        do_create_unit("A1-1", "重复的代码", Level.STREET, actor=world.personas["admin"], parent=world.unit_b)
    assert (refused.value.code, refused.value.status) == ("unit_code_taken", 409)
    assert str(refused.value) == "There is already a unit with code A1-1."
    assert (tree(), AuditEvent.objects.count()) == (before, events)


def _chain(parent: Unit, *codes: str) -> Unit:
    for code in codes:
        parent = do_create_unit(code, "深层单位", Level.STREET, actor=None, parent=parent)
    return parent


def test_a_move_that_would_make_a_descendants_path_too_long_to_store_is_refused(
    world: Any, branch: Branch
) -> None:
    """Paths hold 1,000 characters. Moving A1 under a unit 992 characters deep fits A1 (995) and A1-1 (1,000)
    but not A1-1-1 (1,007): the move is refused as a whole, before the database would cut or refuse it."""
    deep = _chain(world.city, *(f"{k:02d}".ljust(61, "x") for k in range(15)), "Z".ljust(55, "z"))
    assert len(deep.path) == 992
    before, events = tree(), AuditEvent.objects.count()
    with pytest.raises(TreeError, match="the path of A1-1-1 would be 1007 characters long; at most 1000 fit"):
        do_update_unit(world.unit_a1, actor=world.personas["admin"], parent=deep)
    assert (tree(), AuditEvent.objects.count()) == (before, events)


# Imports --------------------------------------------------------------------------------------------------------


def units_file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "单位.csv"
    path.write_text("\n".join(["code,name,level,parent,category", *rows]) + "\n", encoding="utf-8")
    return path


def test_an_import_that_gives_a_unit_a_new_parent_moves_its_whole_subtree(
    world: Any, branch: Branch, tmp_path: Path
) -> None:
    path = units_file(tmp_path, "A1,市场监管局东城所,street,B,A", "A1-2,东城所二中队,street,A1,")
    counts = do_import_units(path, actor=world.personas["admin"])
    assert counts == {"rows": 2, "created": 1, "updated": 1, "unchanged": 0, "moved": 1}
    now = tree()
    assert now["A1"][:2] == ("B", "/CITY/B/A1/")
    assert now["A1-1-1"][:2] == ("A1-1", "/CITY/B/A1/A1-1/A1-1-1/")
    assert now["A1-2"][:2] == ("A1", "/CITY/B/A1/A1-2/")
    assert_paths_follow_parents()
    assert sees(branch.leader_b, world, branch) == dict.fromkeys(("subject", "values", "staff"), True)


def test_an_import_that_moves_a_parent_after_its_new_child_still_leaves_every_path_right(
    world: Any, branch: Branch, tmp_path: Path
) -> None:
    path = units_file(tmp_path, "Y,新设所,street,B,", "B,机关事务局,department,A,B")
    do_import_units(path, actor=world.personas["admin"])
    assert tree()["Y"][:2] == ("B", "/CITY/A/B/Y/")
    assert_paths_follow_parents()


def test_an_import_takes_a_parent_defined_on_a_later_row(world: Any, tmp_path: Path) -> None:
    path = units_file(tmp_path, "Y1,新设所一组,street,Y,", "Y,新设所,street,Z,", "Z,新区,district,CITY,")
    assert do_import_units(path, actor=world.personas["admin"])["created"] == 3
    assert tree()["Y1"][:2] == ("Y", "/CITY/Z/Y/Y1/")
    assert_paths_follow_parents()


def test_an_import_is_judged_by_the_parents_it_leaves_not_by_the_order_of_its_rows(
    world: Any, branch: Branch, tmp_path: Path
) -> None:
    """A above A1 becomes A1 above A. Row 2 alone (A under its child A1) would be a loop; with row 3 (A1 out
    to the city) the tree the file asks for has none, so it is imported: parents first, whatever the rows'
    order."""
    path = units_file(tmp_path, "A,市场监管局,department,A1,A", "A1,市场监管局东城所,street,CITY,A")
    assert do_import_units(path, actor=world.personas["admin"])["moved"] == 2
    now = tree()
    assert (now["A1"][:2], now["A"][:2]) == (("CITY", "/CITY/A1/"), ("A1", "/CITY/A1/A/"))
    assert now["A1-1-1"][1] == "/CITY/A1/A1-1/A1-1-1/"
    assert_paths_follow_parents()


LOOP = "the parents would form a loop: {}; a unit cannot move under itself"


@pytest.mark.parametrize(
    ("rows", "bad_row", "reason"),
    [
        (
            ("A,市场监管局,department,A1-1-1,A",),
            2,
            LOOP.format("A under A1-1-1 (row 2), A1-1-1 under A1-1, A1-1 under A1, A1 under A"),
        ),
        (("A,市场监管局,department,A,A",), 2, "A cannot be its own parent"),
        (
            ("B,机关事务局,department,A1-1,B", "A,市场监管局,department,B,A"),
            3,
            LOOP.format("A under B (row 3), B under A1-1 (row 2), A1-1 under A1, A1 under A"),
        ),
        (
            ("A,市场监管局,department,B,A", "X,新设所,street,CITY,", "B,机关事务局,department,A,B"),
            4,
            LOOP.format("B under A (row 4), A under B (row 2)"),
        ),
    ],
    ids=["under-its-descendant", "under-itself", "two-rows-closing-a-loop-through-the-tree", "a-under-b-b-under-a"],
)
def test_an_import_that_would_put_a_unit_under_itself_is_refused_and_changes_nothing(
    world: Any, branch: Branch, tmp_path: Path, rows: tuple[str, ...], bad_row: int, reason: str
) -> None:
    before, events = tree(), AuditEvent.objects.count()
    with pytest.raises(ImportRefusedError) as refused:
        do_import_units(units_file(tmp_path, *rows), actor=world.personas["admin"])
    assert refused.value.problems == [("单位.csv", bad_row, "parent", reason)]
    assert (tree(), AuditEvent.objects.count()) == (before, events)


def test_an_import_names_every_problem_by_file_row_and_column_and_changes_nothing(
    world: Any, branch: Branch, tmp_path: Path
) -> None:
    path = units_file(
        tmp_path,
        "A2,市场监管局西城所,street,A,A",  # fine on its own: created only if the whole file is
        "A1,市场监管局东城所,street,B,A",  # fine on its own: a move
        ",无代码的所,street,A,",
        "A2,市场监管局西城所,street,B,A",
        "W,某所,planet,A,",
        "Q,某所,street,NOPE,",
        "R,某所,street,A,Z",
        "S,,street,A,",
        "T,某所,street,T,",
        "U,某所,street,V,",
        "V,某所,street,U,",
    )
    before, events = tree(), AuditEvent.objects.count()
    with pytest.raises(ImportRefusedError) as refused:
        do_import_units(path, actor=world.personas["admin"])
    problems = {(row, column): reason for _label, row, column, reason in refused.value.problems}
    assert {label for label, *_rest in refused.value.problems} == {"单位.csv"}
    assert problems == {
        (4, "code"): "the code is empty",
        (5, "code"): "duplicate unit code A2 (first at row 2)",
        (6, "level"): "'planet' is not one of province, city, district, street, department",
        (7, "parent"): "unknown parent NOPE",
        (8, "category"): "unknown category 'Z'",
        (9, "name"): "This field cannot be blank.",
        (10, "parent"): "T cannot be its own parent",
        (12, "parent"): LOOP.format("V under U (row 12), U under V (row 11)"),
    }
    assert refused.value.total == len(problems)
    assert (tree(), AuditEvent.objects.count()) == (before, events)


def test_an_imports_audit_event_lists_what_it_changed(world: Any, branch: Branch, tmp_path: Path) -> None:
    path = units_file(
        tmp_path,
        "A1,东城市场监管所,street,B,A",  # renamed and moved
        "A1-2,东城所二中队,street,A1,",  # new
        "B,机关事务局,department,CITY,B",  # as it is
        "A1-1,东城所一中队,department,A1,B",  # a new level and category, same parent
    )
    events = AuditEvent.objects.count()
    counts = do_import_units(path, actor=world.personas["admin"])
    assert counts == {"rows": 4, "created": 1, "updated": 2, "unchanged": 1, "moved": 1}
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.actor_label, event.object_repr) == ("unit.import", "office", "单位.csv")
    assert {k: event.after[k] for k in counts} == counts
    assert event.after["changes"] == {
        "created": [
            {"row": 3, "code": "A1-2", "name": "东城所二中队", "level": "street", "parent": "A1", "category": None}
        ],
        "updated": [
            {
                "row": 2,
                "code": "A1",
                "changes": {"name": ["市场监管局东城所", "东城市场监管所"], "parent": ["A", "B"]},
            },
            {
                "row": 5,
                "code": "A1-1",
                "changes": {"level": ["street", "department"], "category": [None, "B"]},
            },
        ],
    }
    assert tree()["A1-1-1"][1] == "/CITY/B/A1/A1-1/A1-1-1/"


def test_an_import_with_too_many_changes_to_list_counts_them(
    world: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "LISTED_CHANGES", 1)
    do_import_units(units_file(tmp_path, "Y,新设所,street,B,", "Z,新区,district,CITY,"), actor=None)
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.after["created"], event.after["changes"]) == (2, "too many to list")


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
    now = tree()
    assert (now["A"][0], now["B"][0]) == ("B", "CITY")
    assert_paths_follow_parents()
