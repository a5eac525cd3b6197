"""Writes to the organisation: categories, units, staff; one at a time or by file import."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from jixiao.audit.services import record_event, snapshot
from jixiao.core.choices import Action
from jixiao.core.errors import ImportRefusedError, validate
from jixiao.engine import InputError
from jixiao.engine.tables import read_table
from jixiao.org.choices import Level, PostType
from jixiao.org.errors import TreeError
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
        raise TreeError(reason=f"the parent {parent.code} does not exist")
    return stored


def _under_itself(parent_code: str, code: str) -> str:
    return f"{parent_code} is inside {code}; a unit cannot move under itself"


def _ancestry(code: str, parent_of: dict[str, str | None]) -> list[str]:
    """``code`` and its ancestors, nearest first, from a map of each unit's parent (kept free of cycles)."""
    chain = [code]
    while (up := parent_of.get(chain[-1])) is not None:
        chain.append(up)
    return chain


def do_create_unit(
    code: str,
    name: str,
    level: str,
    *,
    actor: Any,
    parent: Unit | None = None,
    category: Category | None = None,
) -> Unit:
    """Add a unit under ``parent`` (None: a root)."""
    with transaction.atomic():
        Unit.objects.check_create(actor)
        _lock_tree()
        parent = _stored(parent)
        unit = Unit(
            code=code, name=name, level=level, parent=parent, category=category, path=_path(parent, code)
        )
        validate(unit)
        unit.save()
        record_event("unit.create", actor=actor, obj=unit, before=None, after=snapshot(unit))
    return unit


def do_update_unit(unit: Unit, *, actor: Any, **changes: Any) -> Unit:
    """Change a unit's name, level, category, parent or active flag; moving it moves its subtree."""
    allowed = {"name", "level", "category", "parent", "active"}
    with transaction.atomic():
        pk = Unit.objects.get_for(actor, Action.CHANGE, pk=unit.pk).pk
        _lock_tree()
        unit = Unit.objects.select_for_update().get(pk=pk)
        before = snapshot(unit)
        old_path = unit.path
        for key, value in changes.items():
            if key not in allowed:
                raise TreeError(reason=f"{key} cannot be changed")
            setattr(unit, key, value)
        unit.parent = _stored(unit.parent)
        if unit.parent is not None and unit.parent.path.startswith(old_path):
            raise TreeError(reason=_under_itself(unit.parent.code, unit.code))
        unit.path = _path(unit.parent, unit.code)
        validate(unit)
        unit.save(update_fields=[*changes, "path"])
        if unit.path != old_path:
            subtree = list(Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk))
            for child in subtree:
                child.path = unit.path + child.path[len(old_path) :]
            Unit.objects.bulk_update(subtree, ["path"], batch_size=2000)
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


def _problems_of(exc: ValidationError, label: str, row: int) -> list[tuple[str, int | None, str | None, str]]:
    return [
        (label, row, field if field != "__all__" else None, str(msg))
        for field, msgs in exc.message_dict.items()
        for msg in msgs
    ]


def do_import_units(path: str | Path, *, actor: Any) -> dict[str, int]:
    """Import units (``code, name, level, parent, category``), all or nothing. A row whose code exists
    updates that unit; parents may be defined earlier in the file or already exist."""
    path = Path(path)
    label = path.name
    frame = _read(path, UNIT_COLUMNS)
    with transaction.atomic():
        Unit.objects.check_create(actor)
        _lock_tree()
        problems: list[tuple[str, int | None, str | None, str]] = []
        cats = {c.code: c for c in Category.objects.all()}
        units = {u.code: u for u in Unit.objects.all()}
        parent_of: dict[str, str | None] = dict(Unit.objects.values_list("code", "parent__code"))
        created = updated = 0
        for row, code, name, level, parent_code, cat_code in frame.select("_row", *UNIT_COLUMNS).iter_rows():
            if level not in Level.values:
                problems.append((label, row, "level", f"{level!r} is not one of {', '.join(Level.values)}"))
                continue
            if cat_code and cat_code not in cats:
                problems.append((label, row, "category", f"unknown category {cat_code!r}"))
                continue
            parent = units.get(parent_code) if parent_code else None
            if parent_code and parent is None:
                problems.append(
                    (label, row, "parent", f"unknown parent {parent_code!r} (define it on an earlier row)")
                )
                continue
            if parent_code and code in _ancestry(parent_code, parent_of):
                problems.append((label, row, "parent", _under_itself(parent_code, code)))
                continue
            unit = units.get(code) or Unit(code=code)
            is_new = unit.pk is None
            unit.name, unit.level, unit.parent = name, level, parent
            unit.category = cats.get(cat_code) if cat_code else None
            unit.path = _path(parent, code or "")
            try:
                unit.full_clean(validate_unique=False)
            except ValidationError as exc:
                problems.extend(_problems_of(exc, label, row))
                continue
            if not problems:
                unit.save()
            units[code] = unit
            parent_of[code] = parent_code or None
            created, updated = created + is_new, updated + (not is_new)
        if problems:
            raise ImportRefusedError(problems)
        # A row may move a unit that has descendants, or move the parent of a unit an earlier row placed:
        # every path is settled from the final parents, once the whole file is in.
        moved = []
        for code, unit in units.items():
            settled = "/" + "".join(f"{c}/" for c in reversed(_ancestry(code, parent_of)))
            if unit.path != settled:
                unit.path = settled
                moved.append(unit)
        Unit.objects.bulk_update(moved, ["path"], batch_size=2000)
        counts = {"rows": frame.height, "created": created, "updated": updated}
        record_event(
            "unit.import",
            actor=actor,
            object_type="org.unit",
            object_repr=label,
            before=None,
            after={"file": label, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), **counts},
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
