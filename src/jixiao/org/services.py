"""Writes to the organisation: categories, units, staff; one at a time or by file import."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jixiao.audit.services import record_event, snapshot
from jixiao.core.choices import Action
from jixiao.core.errors import ImportRefusedError, JixiaoError, Problems, validate
from jixiao.engine import InputError
from jixiao.engine.tables import read_table
from jixiao.org.choices import Level, PostType
from jixiao.org.errors import TreeError, UnitCodeTakenError, UnitLoopError
from jixiao.org.models import Category, Person, Unit


def do_create_category(code: str, name: str, *, actor: Any, description: str = "") -> Category:
    """Add a unit category."""
    with transaction.atomic():
        Category.objects.check_create(actor)
        cat = Category(code=code, name=name, description=description)
        validate(cat)
        cat.save()
        record_event("category.create", actor=actor, obj=cat, before=None, after=snapshot(cat))
    return cat


def _path(parent: Unit | None, code: str) -> str:
    return f"{parent.path if parent else '/'}{code}/"


PATH_LIMIT = Unit._meta.get_field("path").max_length or 1000
#: What ``do_update_unit`` changes; a code names the unit in files, paths and the API, and never changes.
UNIT_CHANGES = ("name", "level", "category", "parent", "active")


def _lock_tree() -> None:
    """Make changes to the tree's shape take turns. The race: a move rewrites its subtree's paths from the
    paths it reads, so a unit created below the branch, or another move, committed in the meantime would be
    left with a stale path, and two units moved under each other at once would form a cycle. Every write
    that sets a path locks the roots first (every unit lies below one of them), in one order."""
    list(Unit.objects.select_for_update().filter(parent__isnull=True).order_by("pk").values_list("pk"))


def _stored(parent: Unit | None) -> Unit | None:
    """``parent`` as stored now: a copy loaded before an earlier move carries an outdated path."""
    if parent is None:
        return None
    stored: Unit | None = Unit.objects.filter(pk=parent.pk).first()
    if stored is None:
        raise TreeError(reason=_("the parent {code} does not exist").format(code=parent.code))
    return stored


def _stored_path(unit: Unit) -> str | None:
    """``unit``'s path as stored now; None for a unit not saved yet (it has no subtree)."""
    if unit.pk is None:
        return None
    path: str | None = Unit.objects.filter(pk=unit.pk).values_list("path", flat=True).first()
    return path


def _refuse_loop(code: str, path: str | None, parent: Unit | None) -> None:
    """The tree's rule against loops, in one place: a unit's new parent is neither the unit nor inside its
    subtree, i.e. the parent's stored path does not start with the unit's."""
    if path is not None and parent is not None and parent.path.startswith(path):
        raise UnitLoopError(parent=parent.code, unit=code)


def check_move(unit: Unit, parent: Unit | None) -> None:
    """Refuse (``UnitLoopError``) putting ``unit`` under ``parent``, both as stored now. For a form that wants
    to say so beside its field; the move itself checks again, with the tree locked."""
    _refuse_loop(unit.code, _stored_path(unit), _stored(parent))


def _check_length(code: str, path: str) -> None:
    if len(path) > PATH_LIMIT:
        raise TreeError(
            reason=_("the path of {code} would be {length} characters long; at most {limit} fit").format(
                code=code, length=len(path), limit=PATH_LIMIT
            )
        )


def _place(unit: Unit, parent: Unit | None) -> None:
    """Put ``unit`` under ``parent`` (None: a root), taking its whole subtree along: the one implementation of
    a change to the tree's shape, used to create, move and import units alike. Refuses a parent inside the
    unit's own branch (``UnitLoopError``), sets the unit's parent and path (its caller saves the unit with its
    other changes) and rewrites the path of every unit below it. Paths are read as stored, not from the
    objects given: a job moving several units holds copies loaded before its earlier moves. The caller holds
    the tree lock (``_lock_tree``)."""
    parent = _stored(parent)
    old_path = _stored_path(unit)
    _refuse_loop(unit.code, old_path, parent)
    unit.parent, unit.path = parent, _path(parent, unit.code)
    _check_length(unit.code, unit.path)
    if old_path is None or unit.path == old_path:
        return
    subtree = list(Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).only("pk", "code", "path"))
    for child in subtree:
        child.path = unit.path + child.path[len(old_path) :]
        _check_length(child.code, child.path)
    Unit.objects.bulk_update(subtree, ["path"], batch_size=2000)


def _add_unit(code: str, name: str, level: str, parent: Unit | None, category: Category | None) -> Unit:
    """Save a new unit under ``parent``, its code not taken. The tree is locked by the caller."""
    if Unit.objects.filter(code=code).exists():
        raise UnitCodeTakenError(code=code)
    unit = Unit(code=code, name=name, level=level, category=category)
    _place(unit, parent)
    validate(unit)
    unit.save()
    return unit


def _change_unit(unit: Unit, changes: dict[str, Any]) -> None:
    """Apply ``changes`` (of ``UNIT_CHANGES``) to ``unit``, as stored and locked; a new parent moves its
    subtree. The tree is locked by the caller."""
    for key in changes:
        if key not in UNIT_CHANGES:
            raise TreeError(reason=_("{field} cannot be changed").format(field=key))
    for key, value in changes.items():
        if key != "parent":
            setattr(unit, key, value)
    if "parent" in changes:
        _place(unit, changes["parent"])
    validate(unit)
    unit.save(update_fields=[*changes, *(["path"] if "parent" in changes else [])])


def do_create_unit(
    code: str,
    name: str,
    level: str,
    *,
    actor: Any,
    parent: Unit | None = None,
    category: Category | None = None,
) -> Unit:
    """Add a unit under ``parent`` (None: a root). A code already used is refused (``UnitCodeTakenError``)."""
    with transaction.atomic():
        Unit.objects.check_create(actor)
        _lock_tree()
        unit = _add_unit(code, name, level, parent, category)
        record_event("unit.create", actor=actor, obj=unit, before=None, after=snapshot(unit))
    return unit


def do_update_unit(unit: Unit, *, actor: Any, **changes: Any) -> Unit:
    """Change a unit's name, level, category, parent or active flag. A new parent is a move (调整隶属关系): the
    unit takes its whole subtree along, and a parent inside that subtree is refused (``UnitLoopError``)."""
    with transaction.atomic():
        pk = Unit.objects.get_for(actor, Action.CHANGE, pk=unit.pk).pk
        _lock_tree()
        unit = Unit.objects.select_for_update().get(pk=pk)
        before = snapshot(unit)
        _change_unit(unit, changes)
        record_event("unit.update", actor=actor, obj=unit, before=before, after=snapshot(unit))
    return unit


def do_create_person(code: str, name: str, post_type: str, unit: Unit, *, actor: Any) -> Person:
    """Add a staff member to a unit."""
    with transaction.atomic():
        Person.objects.check_create(actor)
        person = Person(code=code, name=name, post_type=post_type, unit=unit)
        validate(person)
        person.save()
        record_event("person.create", actor=actor, obj=person, before=None, after=snapshot(person))
    return person


UNIT_COLUMNS = ("code", "name", "level", "parent", "category")
STAFF_COLUMNS = ("code", "name", "post_type", "unit")


def _read(path: Path, columns: tuple[str, ...]) -> Any:
    try:
        return read_table(path, columns)
    except InputError as exc:
        raise ImportRefusedError.from_input_error(exc) from None


Problem = tuple[str, int | None, str | None, str]


def _problems_of(exc: ValidationError, label: str, row: int) -> list[Problem]:
    return [
        (label, row, field if field != "__all__" else None, str(msg))
        for field, msgs in exc.message_dict.items()
        for msg in msgs
    ]


@dataclass(frozen=True)
class _UnitRow:
    """One row of a units file, its cells trimmed (an empty parent or category: None)."""

    row: int
    code: str
    name: str
    level: str
    parent: str | None
    category: str | None

    @classmethod
    def of(cls, row: int, *cells: Any) -> _UnitRow:
        code, name, level, parent, category = ("" if c is None else str(c).strip() for c in cells)
        return cls(row, code, name, level, parent or None, category or None)


#: An import's audit event lists its changes one by one up to this many, and then only counts them.
LISTED_CHANGES = 10000


def _check_unit_row(r: _UnitRow, label: str, known: set[str], cats: dict[str, Category]) -> list[Problem]:
    """What is wrong with one row on its own (the file's duplicates and loops are checked across rows)."""
    if r.level not in Level.values:
        return [(label, r.row, "level", f"{r.level!r} is not one of {', '.join(Level.values)}")]
    if r.category and r.category not in cats:
        return [(label, r.row, "category", f"unknown category {r.category!r}")]
    if r.parent == r.code:
        return [(label, r.row, "parent", _("{code} cannot be its own parent").format(code=r.code))]
    if r.parent and r.parent not in known:
        return [(label, r.row, "parent", _("unknown parent {code}").format(code=r.parent))]
    try:
        Unit(code=r.code, name=r.name, level=r.level).full_clean(
            exclude=["parent", "category", "path"], validate_unique=False
        )
    except ValidationError as exc:
        return _problems_of(exc, label, r.row)
    return []


def _check_unit_rows(
    rows: list[_UnitRow], label: str, units: dict[str, Unit], cats: dict[str, Category], problems: Problems
) -> dict[str, _UnitRow]:
    """The rows that may be imported, by code; the others' problems go to ``problems``. A parent may be an
    existing unit or one the file defines, on any row."""
    known = set(units) | {r.code for r in rows}
    first: dict[str, int] = {}
    wanted: dict[str, _UnitRow] = {}
    for r in rows:
        if not r.code:
            problems.add((label, r.row, "code", _("the code is empty")))
            continue
        if r.code in first:
            why = _("duplicate unit code {code} (first at row {row})").format(code=r.code, row=first[r.code])
            problems.add((label, r.row, "code", why))
            continue
        first[r.code] = r.row
        found = _check_unit_row(r, label, known, cats)
        for problem in found:
            problems.add(problem)
        if not found:
            wanted[r.code] = r
    return wanted


def _loops(wanted: dict[str, _UnitRow], parent_of: dict[str, str | None], label: str) -> list[Problem]:
    """The loops in the tree the file asks for (each unit's parent as the file leaves it): each named once,
    on the last of its rows, with every link and the row that set it. The stored tree has no loop, so every
    loop runs through a row of the file, and whatever order the rows come in, only the final parents count."""
    problems: list[Problem] = []
    done: set[str] = set()
    for start in wanted:
        chain: list[str] = []
        code: str | None = start
        while code is not None and code not in done and code not in chain:
            chain.append(code)
            code = parent_of.get(code)
        done.update(chain)
        if code is None or code not in chain:
            continue
        loop = chain[chain.index(code) :]
        closing = max((c for c in loop if c in wanted), key=lambda c: wanted[c].row)
        at = loop.index(closing)
        links = [
            _("{code} under {parent} (row {row})").format(code=c, parent=parent_of[c], row=wanted[c].row)
            if c in wanted
            else _("{code} under {parent}").format(code=c, parent=parent_of[c])
            for c in loop[at:] + loop[:at]
        ]
        why = _("the parents would form a loop: {links}; a unit cannot move under itself")
        problems.append((label, wanted[closing].row, "parent", why.format(links=", ".join(links))))
    return problems


def _depths(codes: Iterable[str], parent_of: dict[str, str | None]) -> dict[str, int]:
    """Each unit's depth in a tree free of loops (a root: 1)."""
    depth: dict[str, int] = {}
    for start in codes:
        chain: list[str] = []
        code: str | None = start
        while code is not None and code not in depth:
            chain.append(code)
            code = parent_of.get(code)
        d = depth[code] if code is not None else 0
        for c in reversed(chain):
            d += 1
            depth[c] = d
    return depth


def _code(obj: Unit | Category | None) -> str | None:
    return obj.code if obj is not None else None


def _unit_diff(unit: Unit, r: _UnitRow) -> dict[str, list[Any]]:
    """What the row changes in ``unit``: field -> [before, after], parent and category by code."""
    now = {"name": unit.name, "level": unit.level, "parent": _code(unit.parent), "category": _code(unit.category)}
    then = {"name": r.name, "level": r.level, "parent": r.parent, "category": r.category}
    return {k: [now[k], then[k]] for k in now if now[k] != then[k]}


def _apply_unit_rows(
    wanted: dict[str, _UnitRow],
    units: dict[str, Unit],
    cats: dict[str, Category],
    parent_of: dict[str, str | None],
    label: str,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """Create and change the units the rows ask for, through the same steps as ``do_create_unit`` and
    ``do_update_unit``; return (created, updated, unchanged). Rows are applied parents first (by depth in the
    final tree): each unit is then placed under a parent already where the file wants it, so no step passes
    through a loop, and a unit moved with an ancestor that moves later follows it."""
    depth = _depths(wanted, parent_of)
    created: list[dict[str, Any]] = []
    updated: list[dict[str, Any]] = []
    unchanged = 0
    for r in sorted(wanted.values(), key=lambda r: (depth[r.code], r.row)):
        parent = units[r.parent] if r.parent else None
        category = cats[r.category] if r.category else None
        unit = units.get(r.code)
        try:
            if unit is None:
                units[r.code] = _add_unit(r.code, r.name, r.level, parent, category)
                created.append({"row": r.row, **{k: v for k, v in asdict(r).items() if k != "row"}})
                continue
            diff = _unit_diff(unit, r)
            if not diff:
                unchanged += 1
                continue
            values = {"name": r.name, "level": r.level, "parent": parent, "category": category}
            _change_unit(unit, {k: values[k] for k in diff})
            updated.append({"row": r.row, "code": r.code, "changes": diff})
        except JixiaoError as exc:  # checked beforehand; a tree too deep for its paths remains
            raise ImportRefusedError([(label, r.row, None, exc.text)]) from None
    return created, updated, unchanged


def do_link_person(person: Person, user: Any, *, actor: Any) -> Person:
    """Link a staff member to their own account (or unlink with ``user`` None): through it they see their own
    appraisal result, and nobody else's."""
    with transaction.atomic():
        person = Person.objects.get_for(actor, Action.CHANGE, pk=person.pk)
        before = snapshot(person)
        person.user = user
        validate(person)
        person.save(update_fields=["user"])
        record_event("person.link", actor=actor, obj=person, before=before, after=snapshot(person))
    return person


def do_import_units(path: str | Path, *, actor: Any) -> dict[str, int]:
    """Import units (``code, name, level, parent, category``), all or nothing. A row whose code exists
    updates that unit, and a new parent moves it with its whole subtree (the same steps as
    ``do_update_unit``); a parent may be an existing unit or one defined on any row. Refused, naming file,
    row and column: an empty or repeated code, a unit its own parent, a loop of parents. The audit event
    lists the units created and, for each unit changed, every field before and after."""
    path = Path(path)
    label = path.name
    frame = _read(path, UNIT_COLUMNS)
    rows = [_UnitRow.of(*cells) for cells in frame.select("_row", *UNIT_COLUMNS).iter_rows()]
    with transaction.atomic():
        Unit.objects.check_create(actor)
        _lock_tree()
        cats = {c.code: c for c in Category.objects.all()}
        units = {u.code: u for u in Unit.objects.select_related("parent", "category")}
        problems = Problems()
        wanted = _check_unit_rows(rows, label, units, cats, problems)
        parent_of = {code: _code(u.parent) for code, u in units.items()} | {
            code: r.parent for code, r in wanted.items()
        }
        for problem in _loops(wanted, parent_of, label):
            problems.add(problem)
        if problems:
            raise problems.refusal()
        created, updated, unchanged = _apply_unit_rows(wanted, units, cats, parent_of, label)
        counts = {
            "rows": len(rows),
            "created": len(created),
            "updated": len(updated),
            "unchanged": unchanged,
            "moved": sum("parent" in u["changes"] for u in updated),
        }
        listed = len(created) + len(updated) <= LISTED_CHANGES
        record_event(
            "unit.import",
            actor=actor,
            object_type="org.unit",
            object_repr=label,
            before=None,
            after={
                "file": label,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                **counts,
                "changes": {"created": created, "updated": updated} if listed else "too many to list",
            },
        )
    return counts


def do_import_staff(path: str | Path, *, actor: Any) -> dict[str, int]:
    """Import staff (``code, name, post_type, unit``), all or nothing; an existing code is updated."""
    path = Path(path)
    frame = _read(path, STAFF_COLUMNS)
    return do_load_staff(
        frame.select("_row", *STAFF_COLUMNS).iter_rows(),
        actor=actor,
        label=path.name,
        digest=hashlib.sha256(path.read_bytes()).hexdigest(),
    )


def do_load_staff(
    rows: Iterable[tuple[int, str, str, str, str]], *, actor: Any, label: str = "staff", digest: str = ""
) -> dict[str, int]:
    """Load staff rows (row number, code, name, post type, unit code), all or nothing, in bulk; one audit
    event records the batch."""
    rows = list(rows)
    with transaction.atomic():
        Person.objects.check_create(actor)
        problems: list[tuple[str, int | None, str | None, str]] = []
        units = dict(Unit.objects.values_list("code", "pk"))
        people = {p.code: p for p in Person.objects.all()}
        seen: dict[str, int] = {}
        save: list[Person] = []
        for row, code, name, post, unit_code in rows:
            if code in seen:
                problems.append((label, row, "code", f"duplicate staff number (first at row {seen[code]})"))
                continue
            seen[code] = row
            if post not in PostType.values:
                problems.append(
                    (label, row, "post_type", f"{post!r} is not one of {', '.join(PostType.values)}")
                )
                continue
            if unit_code not in units:
                problems.append((label, row, "unit", f"unknown unit {unit_code!r}"))
                continue
            person = people.get(code) or Person(code=code)
            person.name, person.post_type, person.unit_id = name, post, units[unit_code]
            try:
                person.full_clean(validate_unique=False, exclude=["unit"])
            except ValidationError as exc:
                problems.extend(_problems_of(exc, label, row))
                continue
            save.append(person)
        if problems:
            raise ImportRefusedError(problems)
        new = [p for p in save if p.pk is None]
        old = [p for p in save if p.pk is not None]
        Person.objects.bulk_create(new, batch_size=5000)
        Person.objects.bulk_update(old, ["name", "post_type", "unit"], batch_size=5000)
        counts = {"rows": len(rows), "created": len(new), "updated": len(old)}
        record_event(
            "person.import",
            actor=actor,
            object_type="org.person",
            object_repr=label,
            before=None,
            after={"file": label, "sha256": digest, **counts},
        )
    return counts
