"""Writing targets, values and ratings, one at a time or by file import."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.core.files.base import File
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of
from jixiao.audit.services import record_event, snapshot
from jixiao.collection.choices import ValueSource
from jixiao.collection.errors import (
    ExplanationRequiredError,
    ImportRefusedError,
    InvalidValueError,
    NotYoursToEnterError,
    UnknownIndicatorError,
    ValueRefusedError,
    VersionConflictError,
)
from jixiao.collection.models import Rating, Target, Value
from jixiao.collection.querysets import UNLOCKED, value_codes_for, writable_subjects
from jixiao.core.choices import Action
from jixiao.core.errors import ImportTooManyRowsError, PermissionDeniedError, Problems, validate
from jixiao.cycles.choices import CycleState
from jixiao.cycles.models import Cycle, Subject
from jixiao.cycles.services import lock_cycle, require_state, touch_data
from jixiao.engine import InputError, subject_points
from jixiao.engine.tables import read_table
from jixiao.engine.values import (
    Domain,
    Finding,
    NumberError,
    check_text,
    check_value,
    domain,
    empty,
    is_office_item,
    office_codes,
    usual_range,
)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _check_subject(actor: Any, subject: Subject, kind: str) -> Subject:
    """The subject, seen by ``actor`` (else NotFoundError) and open to their ``kind`` writes (else
    PermissionDeniedError)."""
    subject = Subject.objects.get_for(actor, Action.VIEW, pk=subject.pk)
    if not writable_subjects(actor, kind).filter(pk=subject.pk).exists():
        raise PermissionDeniedError(action=Action.CHANGE.label, what=_(kind))
    return subject


def _number(field: str, x: float | None) -> float:
    """``x`` as a finite float, or InvalidValueError naming ``field``."""
    if x is None or not isinstance(x, int | float) or not math.isfinite(x):
        raise InvalidValueError(field=field, reason="must be a finite number")
    return float(x)


def _finite(field: str, x: float | None, *, optional: bool = False) -> float | None:
    if x is None and optional:
        return None
    if x is None or not isinstance(x, int | float) or not math.isfinite(x):
        raise InvalidValueError(field=field, reason="must be a finite number")
    return float(x)


def lang() -> str:
    """The value check's language for the active one: ``en`` or ``zh``."""
    return "en" if (translation.get_language() or "").startswith("en") else "zh"


def previous_values(subject: Subject, codes: Iterable[str] | None = None) -> dict[str, float]:
    """Last year's values of the subject's unit (from the latest earlier cycle that assessed it), by
    indicator."""
    earlier = (Subject.objects.filter(unit_id=subject.unit_id, cycle__year__lt=subject.cycle.year)
               .order_by("-cycle__year").values_list("pk", flat=True).first())
    if earlier is None:
        return {}
    qs = Value.objects.filter(subject_id=earlier)
    if codes is not None:
        qs = qs.filter(indicator__in=list(codes))
    return dict(qs.values_list("indicator", "value"))


def usual_ranges(cycle: Cycle, codes: Iterable[str], *, exclude: int | None = None) -> dict[str, tuple[float, float]]:
    """Per indicator, the usual range of this cycle's values across units (Tukey's fences), where enough
    units have a value; ``exclude`` leaves one subject out (the one being checked)."""
    rows: dict[str, list[float]] = {}
    qs = Value.objects.filter(cycle=cycle, indicator__in=list(codes))
    if exclude is not None:
        qs = qs.exclude(subject_id=exclude)
    for code, v in qs.values_list("indicator", "value"):
        rows.setdefault(code, []).append(v)
    return {code: r for code, vs in rows.items() if (r := usual_range(vs)) is not None}


def value_domain(subject: Subject, indicator: str, *, present: Iterable[str] | None = None) -> Domain:
    """The domain of ``indicator`` for ``subject``: expert points up to what the item is worth for it (its
    category, and under ``missing: exclude`` the indicators it has data for)."""
    scheme = subject.cycle.scheme.engine
    if indicator not in scheme.value_codes:
        raise UnknownIndicatorError(indicator=indicator, what=_("a measured indicator or adjustment item"))
    node = scheme.node(indicator) if indicator in {leaf.code for leaf in scheme.measured_leaves} else None
    if node is not None and node.rule is not None and node.rule.type == "points":
        if present is None and scheme.missing == "exclude":
            present = {*Value.objects.filter(subject_id=subject.pk).values_list("indicator", flat=True),
                       *Rating.objects.filter(subject_id=subject.pk).values_list("indicator", flat=True), indicator}
        points = subject_points(scheme, subject.category, set(present) if present is not None else None)
        return domain(scheme, indicator, points=points[indicator][1])
    return domain(scheme, indicator)


def check_entered_value(subject: Subject, indicator: str, value: float | str, *, percent: bool = False
                        ) -> tuple[float | None, list[Finding]]:
    """The one value check for a value entered for ``subject`` (text as typed, or a number): the value and
    the findings, errors first, with last year's value and this year's usual range for the warnings."""
    d = value_domain(subject, indicator)
    previous = previous_values(subject, [indicator]).get(indicator)
    usual = usual_ranges(subject.cycle, [indicator], exclude=subject.pk).get(indicator)
    if isinstance(value, str):
        return check_text(d, value, previous=previous, usual=usual)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueRefusedError(text=NumberError("not_number", str(value)).finding(d.name, d.code).text(lang()))
    return float(value), check_value(d, float(value), percent=percent, previous=previous, usual=usual)


def _refuse(findings: list[Finding], explanation: str) -> str:
    """Raise for errors, or for warnings without an explanation; return the warnings' text to store."""
    errors = [f.text(lang()) for f in findings if f.is_error]
    if errors:
        raise ValueRefusedError(text="; ".join(errors))
    warnings = " ".join(f.text(lang()) for f in findings if not f.is_error)
    if warnings and not explanation.strip():
        raise ExplanationRequiredError(text=warnings)
    return warnings


def _who(value: Value) -> str:
    return value.entered_by.get_username() if value.entered_by else _("an import")


def check_writable(actor: Any, subject: Subject, indicator: str) -> None:
    """The indicator is among what ``actor`` may write for the subject now (``value_codes_for``), else a
    refusal saying why: the office's item, or the unit's data are locked."""
    if indicator in value_codes_for(_user(actor) if actor is not None else None, subject):
        return
    scheme = subject.cycle.scheme.engine
    if is_office_item(scheme, indicator) and (actor is not None and role_of(actor) != Role.ADMIN):
        why = _("only the assessment office enters this item")
    else:
        why = _("the unit's data are submitted or approved and locked; they must be returned or reopened first")
    raise NotYoursToEnterError(indicator=scheme.item_name(indicator), why=why)


def do_set_value(
    subject: Subject,
    indicator: str,
    value: float | str,
    *,
    actor: Any,
    source: str = ValueSource.MANUAL,
    note: str = "",
    evidence: File[Any] | None = None,
    version: int | None = None,
    explanation: str = "",
    percent: bool = False,
) -> Value:
    """Enter (or correct) a subject's value of an indicator, with its provenance. Only while the cycle is
    open, by who may write this kind of item (``value_codes_for``), and only what passes the one value
    check (a warning needs ``explanation``).

    ``version`` is the version the user's value is based on: 0 for "there was no value", else the version
    they read. A save based on an older version is refused with both values (``VersionConflictError``). None
    skips the comparison: only for the system and the office's own tools, never for a user's form or the API.
    """
    with transaction.atomic():
        cycle = lock_cycle(subject.cycle_id)
        require_state(cycle, [CycleState.OPEN], _("entering values"))
        subject = _check_subject(actor, subject, "value")
        subject.cycle = cycle
        if indicator not in cycle.scheme.engine.value_codes:
            raise UnknownIndicatorError(
                indicator=indicator, what=_("a measured indicator or adjustment item")
            )
        check_writable(actor, subject, indicator)
        row = Value.objects.select_for_update().filter(subject=subject, indicator=indicator).first()
        name = cycle.scheme.engine.item_name(indicator)
        number, findings = check_entered_value(subject, indicator, value, percent=percent)
        if number is None:
            findings = findings or [empty(value_domain(subject, indicator))]
            raise ValueRefusedError(text="; ".join(f.text(lang()) for f in findings))
        if version is not None and version != (row.version if row is not None else 0):
            if row is None:
                raise VersionConflictError(indicator=name, by="-", at="-", current=_("deleted"), yours=f"{number:g}")
            raise VersionConflictError(indicator=name, by=_who(row), at=timezone.localtime(row.entered_at)
                                       .strftime("%Y-%m-%d %H:%M:%S"), current=f"{row.value:g}", yours=f"{number:g}",
                                       version=row.version)
        warnings = _refuse(findings, explanation)
        before = snapshot(row) if row is not None else None
        if row is None:
            row = Value(cycle=cycle, subject=subject, indicator=indicator, version=0)
        row.value, row.source, row.note = number, ValueSource(source), note
        row.entered_by, row.entered_at = _user(actor), timezone.now()
        row.version += 1
        row.office_item = is_office_item(cycle.scheme.engine, indicator)
        row.warnings, row.explanation = warnings, explanation.strip() if warnings else ""
        validate(row, validate_unique=False, validate_constraints=False)
        row.save()
        touch_data(cycle)
        record_event("value.set", actor=actor, obj=row, before=before, after=snapshot(row))
        if evidence is not None:
            from jixiao.evidence.services import do_attach_evidence

            do_attach_evidence(row, evidence, actor=actor)
    return row


def write_correction(subject: Subject, indicator: str, value: float | str, *, actor: Any, reason: str
                     ) -> tuple[float | None, Value]:
    """Write the office's correction of a value after the machine score (``jixiao.review``'s
    ``do_correct_value``, inside its transaction, which holds the cycle's lock and records the audit event):
    (the value before, or None, and the value row). The one value check still decides: an error refuses, a
    warning is answered by the correction's reason."""
    cycle = subject.cycle
    if indicator not in cycle.scheme.engine.value_codes:
        raise UnknownIndicatorError(indicator=indicator, what=_("a measured indicator or adjustment item"))
    number, findings = check_entered_value(subject, indicator, value)
    if number is None:
        findings = findings or [empty(value_domain(subject, indicator))]
        raise ValueRefusedError(text="; ".join(f.text(lang()) for f in findings))
    warnings = _refuse(findings, reason)
    row = Value.objects.select_for_update().filter(subject=subject, indicator=indicator).first()
    before = row.value if row is not None else None
    if row is None:
        row = Value(cycle=cycle, subject=subject, indicator=indicator, version=0)
    row.value, row.source, row.note = number, ValueSource.MANUAL, reason
    row.entered_by, row.entered_at = _user(actor), timezone.now()
    row.version += 1
    row.office_item = is_office_item(cycle.scheme.engine, indicator)
    row.warnings, row.explanation = warnings, reason.strip() if warnings else ""
    validate(row, validate_unique=False, validate_constraints=False)
    row.save()
    touch_data(cycle)
    return before, row


def do_delete_value(value: Value, *, actor: Any, version: int | None = None) -> None:
    """Remove a value (the indicator becomes missing): an explicit action, never the side effect of a field
    left empty. Only while the cycle is open; ``version`` as for ``do_set_value``."""
    with transaction.atomic():
        cycle = lock_cycle(value.cycle_id)
        require_state(cycle, [CycleState.OPEN], _("deleting values"))
        current = Value.objects.restrict(actor, Action.VIEW).filter(pk=value.pk).first()
        if current is None:
            raise VersionConflictError(indicator=value.indicator, by="-", at="-", current=_("deleted"), yours="-")
        subject = current.subject
        subject.cycle = cycle
        check_writable(actor, subject, current.indicator)
        value = Value.objects.get_for(actor, Action.CHANGE, pk=value.pk)
        if version is not None and version != value.version:
            raise VersionConflictError(indicator=cycle.scheme.engine.item_name(value.indicator), by=_who(value),
                                       at=timezone.localtime(value.entered_at).strftime("%Y-%m-%d %H:%M:%S"),
                                       current=f"{value.value:g}", yours=_("delete"), version=value.version)
        before = snapshot(value)
        record_event("value.delete", actor=actor, obj=value, before=before, after=None)
        value.delete()
        touch_data(cycle)


def do_set_target(
    subject: Subject,
    indicator: str,
    *,
    actor: Any,
    floor: float | None = None,
    target: float | None = None,
    note: str = "",
) -> Target:
    """Set a negotiated floor and/or target for a subject's indicator (before or during data entry)."""
    with transaction.atomic():
        cycle = lock_cycle(subject.cycle_id)
        require_state(cycle, [CycleState.DRAFT, CycleState.OPEN], _("setting targets"))
        subject = _check_subject(actor, subject, "target")
        allowed = {
            leaf.code
            for leaf in cycle.scheme.engine.measured_leaves
            if leaf.rule is not None and leaf.rule.type in ("linear", "ratio", "threshold")
        }
        if indicator not in allowed:
            raise UnknownIndicatorError(indicator=indicator, what=_("an indicator with a floor or target"))
        row = Target.objects.select_for_update().filter(subject=subject, indicator=indicator).first()
        before = snapshot(row) if row is not None else None
        if row is None:
            row = Target(cycle=cycle, subject=subject, indicator=indicator)
        row.floor = _finite("floor", floor, optional=True)
        row.target = _finite("target", target, optional=True)
        row.note = note
        if row.floor is None and row.target is None:
            raise InvalidValueError(field="target", reason="give a floor, a target or both")
        row.save()
        touch_data(cycle)
        record_event("target.set", actor=actor, obj=row, before=before, after=snapshot(row))
    return row


def do_set_rating(
    subject: Subject, indicator: str, group: str, score: float, *, actor: Any, rater: str | None = None
) -> Rating:
    """Record a rating. A rater rates in their own name; the office may record a panel member's
    (``rater``)."""
    with transaction.atomic():
        cycle = lock_cycle(subject.cycle_id)
        require_state(cycle, [CycleState.OPEN], _("rating"))
        subject = _check_subject(actor, subject, "rating")
        leaf = next((n for n in cycle.scheme.engine.rating_leaves if n.code == indicator), None)
        rule = leaf.rule if leaf is not None else None
        if rule is None or rule.scale is None:
            raise UnknownIndicatorError(indicator=indicator, what=_("a rating indicator"))
        if group not in rule.group_names:
            groups = ", ".join(rule.group_names)
            raise InvalidValueError(field="group", reason=f"{group!r} is not one of {groups}")
        number = _number("score", score)
        lo, hi = rule.scale
        if not lo <= number <= hi:
            raise InvalidValueError(field="score", reason=f"{number:g} is outside [{lo:g}, {hi:g}]")
        # A rater rates in their own name (whatever ``rater`` says); the office and the system record a panel
        # member's rating under the name given.
        user = _user(actor)
        own = user is not None and (rater is None or role_of(user) != Role.ADMIN)
        name = user.get_username() if own else rater
        if not name:
            raise InvalidValueError(field="rater", reason="the rater is empty")
        row = (
            Rating.objects.select_for_update()
            .filter(subject=subject, indicator=indicator, group=group, rater=name)
            .first()
        )
        before = snapshot(row) if row is not None else None
        if row is None:
            row = Rating(
                cycle=cycle,
                subject=subject,
                indicator=indicator,
                group=group,
                rater=name,
                rater_user=user if own else None,
            )
        row.score, row.rated_at = number, timezone.now()
        row.save()
        touch_data(cycle)
        record_event("rating.set", actor=actor, obj=row, before=before, after=snapshot(row))
    return row


VALUE_COLUMNS = ("unit", "indicator", "value")
#: How often (in rows) a long import reports its progress.
PROGRESS_EVERY = 20_000
#: A progress report: the phase ("read", "checking", "writing") and how many rows so far (or in all, for "read").
Progress = Callable[[str, int], None]


def do_import_values(
    cycle: Cycle,
    path: str | Path,
    *,
    actor: Any,
    source: str = ValueSource.IMPORT,
    max_rows: int | None = None,
    progress: Progress | None = None,
    label: str | None = None,
) -> dict[str, int]:
    """Import a values file (``unit, indicator, value``; .csv or .xlsx) into an open cycle, all or nothing:
    every problem is named by file, row and column and nothing changes. Existing values are replaced. Each
    value goes through the one value check, as typed in the file."""
    path = Path(path)
    try:
        frame = read_table(path, VALUE_COLUMNS)
    except InputError as exc:
        raise ImportRefusedError.from_input_error(exc) from None
    if max_rows is not None and frame.height > max_rows:
        raise ImportTooManyRowsError(rows=f"{frame.height:,}", limit=f"{max_rows:,}")
    if progress is not None:
        progress("read", frame.height)
    rows = frame.select("_row", "unit", "indicator", "value").iter_rows()
    return do_load_values(
        cycle,
        rows,
        actor=actor,
        source=source,
        label=label or path.name,
        digest=hashlib.sha256(path.read_bytes()).hexdigest(),
        progress=progress,
    )


def do_load_values(
    cycle: Cycle,
    rows: Iterable[tuple[int, str, str, float | str | None]],
    *,
    actor: Any,
    source: str = ValueSource.IMPORT,
    label: str = "values",
    digest: str = "",
    progress: Progress | None = None,
) -> dict[str, int]:
    """Load many values (row number, subject code, indicator, value as text or number) into an open cycle,
    all or nothing, by the same rules as one value: who may write which item, and the one value check (its
    errors refuse the file; its warnings are kept on the value for review, the file being the explanation).
    One audit event records the batch (its label and SHA-256 when from a file, the counts, every change)."""
    with transaction.atomic():
        cycle = lock_cycle(cycle)
        require_state(cycle, [CycleState.OPEN], _("importing values"))
        scheme = cycle.scheme.engine
        user = _user(actor)
        # The rules are the actor's (None: the system); an anonymous caller may write nothing.
        allowed = writable_subjects(actor, "value").filter(cycle=cycle)
        subjects = {code: (pk, cat, unit) for code, pk, cat, unit in
                    allowed.values_list("code", "pk", "category", "unit_id")}
        unlocked = set(allowed.filter(UNLOCKED).values_list("pk", flat=True))
        codes = set(scheme.value_codes)
        office = office_codes(scheme)
        is_office = actor is None or role_of(actor) == Role.ADMIN
        doms = {code: domain(scheme, code) for code in codes}
        problems = Problems()
        seen: dict[tuple[str, str], int] = {}
        good: list[tuple[int, int, str, float, list[Finding]]] = []
        points_codes = {leaf.code for leaf in scheme.measured_leaves
                        if leaf.rule is not None and leaf.rule.type == "points"}
        points_rows: list[tuple[int, int, str, str]] = []
        for k, (row, unit, ind, raw) in enumerate(rows, start=1):
            if progress is not None and k % PROGRESS_EVERY == 0:
                progress("checking", k)
            if unit not in subjects:  # absent and not the user's to enter alike (restrict's rule)
                problems.add((label, row, "unit",
                              _("“{unit}” is not a subject of {cycle} that you may enter values for")
                              .format(unit=unit, cycle=cycle.code)))
                continue
            if ind not in codes:
                problems.add((label, row, "indicator",
                              _("“{indicator}” is not an indicator of {scheme} that takes values")
                              .format(indicator=ind, scheme=cycle.scheme.code)))
                continue
            pk = subjects[unit][0]
            if ind in office and not is_office:
                problems.add((label, row, "indicator", str(NotYoursToEnterError(
                    indicator=scheme.item_name(ind), why=_("only the assessment office enters this item")))))
                continue
            if ind not in office and pk not in unlocked:
                problems.add((label, row, "indicator", str(NotYoursToEnterError(
                    indicator=scheme.item_name(ind), why=_("the unit's data are submitted or approved and "
                                                          "locked; they must be returned or reopened first")))))
                continue
            text = raw if isinstance(raw, str) else ("" if raw is None else repr(float(raw)))
            if ind in points_codes:  # checked with what it is worth, once the file's presence is known
                points_rows.append((row, subjects[unit][0], ind, text))
                continue
            number, findings = check_text(doms[ind], text)
            if number is None and not findings:
                findings = [empty(doms[ind])]
            errors = [f for f in findings if f.is_error]
            if errors:
                problems.add((label, row, "value", "; ".join(f.text(lang()) for f in errors)))
                continue
            if (unit, ind) in seen:
                problems.add((label, row, None,
                              _("duplicate row: {unit} {indicator} already given at row {row}")
                              .format(unit=unit, indicator=ind, row=seen[(unit, ind)])))
                continue
            seen[(unit, ind)] = row
            assert number is not None
            good.append((row, pk, ind, number, findings))
        good += _check_imported_points(cycle, good, points_rows, {pk: cat for pk, cat, _u in subjects.values()},
                                       label, problems)
        if problems:
            raise problems.refusal()
        if progress is not None:
            progress("writing", len(good))
        existing = {
            (s, i): (pk, v, ver)
            for pk, s, i, v, ver in Value.objects.filter(cycle=cycle).values_list(
                "pk", "subject_id", "indicator", "value", "version"
            )
        }
        warned = _import_warnings(cycle, good, {pk: unit for pk, _c, unit in subjects.values()})
        now = timezone.now()
        changes = [[s, i, existing.get((s, i), (None, None, 0))[1], v] for _r, s, i, v, _f in good]

        def fill(row: Value, s: int, i: str, v: float) -> Value:
            row.value, row.source, row.entered_by, row.entered_at = v, source, user, now
            row.note, row.office_item = f"import {label}", i in office
            row.warnings = warned.get((s, i), "")
            row.explanation = _("imported from %(file)s") % {"file": label} if (s, i) in warned else ""
            return row

        # A replaced value keeps its row (and so its evidence and history), with its version counted on.
        replaced = [fill(Value(pk=existing[(s, i)][0], cycle=cycle, subject_id=s, indicator=i,
                               version=existing[(s, i)][2] + 1), s, i, v)
                    for _r, s, i, v, _f in good if (s, i) in existing]
        _update_values(replaced)
        Value.objects.bulk_create(
            [fill(Value(cycle=cycle, subject_id=s, indicator=i, version=1), s, i, v)
             for _r, s, i, v, _f in good if (s, i) not in existing],
            batch_size=5000,
        )
        touch_data(cycle)
        counts = {"rows": len(good), "created": len(good) - len(replaced), "replaced": len(replaced),
                  "flagged": len(warned)}
        record_event(
            "value.import",
            actor=actor,
            obj=cycle,
            object_repr=f"{cycle.code} <- {label}",
            before=None,
            after={
                "file": label,
                "sha256": digest,
                **counts,
                "changes": changes if len(changes) <= 10000 else "too many to list",
            },
        )
    return counts


_UPDATED = ("value", "source", "entered_by", "entered_at", "note", "office_item", "warnings", "explanation", "version")


def _update_values(rows: list[Value]) -> None:
    """Write the replaced values in place, one parametrised UPDATE per row sent as one batch (Django's
    ``bulk_update`` builds a CASE expression per field and row: seconds for a thousand rows)."""
    if not rows:
        return
    fields: list[Any] = [Value._meta.get_field(name) for name in _UPDATED]
    table = connection.ops.quote_name(Value._meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(str(f.column))} = %s" for f in fields)
    pk = connection.ops.quote_name(Value._meta.pk.column)
    params = [[f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", params)


def _check_imported_points(cycle: Cycle, good: list[tuple[int, int, str, float, list[Finding]]],
                           rows: list[tuple[int, int, str, str]], category: dict[int, str], label: str,
                           problems: Problems) -> list[tuple[int, int, str, float, list[Finding]]]:
    """Expert points of an import, each checked whole (as typed) against what the item is worth for its
    subject, the file's values counted as present; the good ones are returned."""
    scheme = cycle.scheme.engine
    if not rows:
        return []
    present: dict[int, set[str]] = {}
    if scheme.missing == "exclude":
        for s, i in Value.objects.filter(cycle=cycle).values_list("subject_id", "indicator"):
            present.setdefault(s, set()).add(i)
        for s, i in Rating.objects.filter(cycle=cycle).values_list("subject_id", "indicator"):
            present.setdefault(s, set()).add(i)
        for _r, s, i, _v, _f in good:
            present.setdefault(s, set()).add(i)
        for _r, s, i, _t in rows:
            present.setdefault(s, set()).add(i)
    cache: dict[tuple[str, frozenset[str] | None], dict[str, tuple[bool, float]]] = {}
    out = []
    for row, s, i, text in sorted(rows):
        key = (category[s], frozenset(present.get(s, ())) if scheme.missing == "exclude" else None)
        if key not in cache:
            cache[key] = subject_points(scheme, key[0], key[1])
        d = domain(scheme, i, points=cache[key][i][1])
        number, findings = check_text(d, text)
        errors = [f for f in findings if f.is_error] or ([] if number is not None else [empty(d)])
        if errors:
            problems.add((label, row, "value", "; ".join(f.text(lang()) for f in errors)))
        else:
            assert number is not None
            out.append((row, s, i, number, findings))
    return out


def _import_warnings(cycle: Cycle, good: list[tuple[int, int, str, float, list[Finding]]],
                     unit_of: dict[int, int]) -> dict[tuple[int, str], str]:
    """The value check's warnings on imported values, by (subject, indicator), as for one value: last year's
    value of the unit (its latest earlier subject, as ``previous_values``) and the usual range across the
    other units (those the file does not give the indicator for). Kept on the values for review."""
    if not good:
        return {}
    scheme = cycle.scheme.engine
    codes = {i for _r, _s, i, _v, _f in good}
    units = {unit_of[s] for _r, s, _i, _v, _f in good}
    latest: dict[int, int] = {}
    for unit, pk in (Subject.objects.filter(unit_id__in=units, cycle__year__lt=cycle.year)
                     .order_by("unit_id", "-cycle__year").values_list("unit_id", "pk")):
        latest.setdefault(unit, pk)
    earlier = {(unit_of_subject, i): v for unit_of_subject, i, v in
               Value.objects.filter(subject_id__in=latest.values(), indicator__in=codes)
               .values_list("subject__unit_id", "indicator", "value")}
    in_file: dict[str, set[int]] = {}
    for _r, s, i, _v, _f in good:
        in_file.setdefault(i, set()).add(s)
    values: dict[str, list[float]] = {}
    for s, i, v in Value.objects.filter(cycle=cycle, indicator__in=codes).values_list("subject_id", "indicator",
                                                                                      "value"):
        if s not in in_file[i]:
            values.setdefault(i, []).append(v)
    usual = {i: r for i, vs in values.items() if (r := usual_range(vs)) is not None}
    out: dict[tuple[int, str], str] = {}
    for _r, s, i, v, _f in good:
        found = check_value(domain(scheme, i), v, previous=earlier.get((unit_of[s], i)), usual=usual.get(i))
        warnings = [f.text(lang()) for f in found if not f.is_error]
        if warnings:
            out[(s, i)] = " ".join(warnings)
    return out


def do_load_ratings(
    cycle: Cycle, rows: Iterable[tuple[str, str, str, str, float]], *, actor: Any, label: str = "ratings"
) -> int:
    """Load many ratings (subject code, indicator, group, rater, score) into an open cycle, all or nothing,
    replacing a rater's earlier score. For the office (panels, survey exports); one audit event."""
    with transaction.atomic():
        cycle = lock_cycle(cycle)
        require_state(cycle, [CycleState.OPEN], _("loading ratings"))
        Rating.objects.check_create(actor)
        subjects = dict(writable_subjects(actor, "rating").filter(cycle=cycle).values_list("code", "pk"))
        leaves = {n.code: n.rule for n in cycle.scheme.engine.rating_leaves}
        problems: list[tuple[str, int | None, str | None, str]] = []
        good: list[Rating] = []
        now = timezone.now()
        for k, (unit, ind, group, rater, score) in enumerate(rows, start=2):
            rule = leaves.get(ind)
            if unit not in subjects:
                problems.append((label, k, "unit", f"{unit!r} is not a subject of {cycle.code}"))
            elif rule is None or rule.scale is None:
                problems.append((label, k, "indicator", f"{ind!r} is not a rating indicator"))
            elif group not in rule.group_names:
                problems.append((label, k, "group", f"{group!r} is not one of {', '.join(rule.group_names)}"))
            elif not (math.isfinite(score) and rule.scale[0] <= score <= rule.scale[1]):
                problems.append((label, k, "score", f"{score:g} is outside the scale"))
            else:
                good.append(
                    Rating(
                        cycle=cycle,
                        subject_id=subjects[unit],
                        indicator=ind,
                        group=group,
                        rater=rater,
                        score=float(score),
                        rated_at=now,
                    )
                )
        if problems:
            raise ImportRefusedError(problems)
        keys = {(r.subject_id, r.indicator, r.group, r.rater) for r in good}
        if len(keys) < len(good):
            raise ImportRefusedError(
                [(label, None, None, "a rater rates a subject once per indicator and group")]
            )
        old = Rating.objects.filter(cycle=cycle).values_list(
            "pk", "subject_id", "indicator", "group", "rater"
        )
        stale = [pk for pk, *key in old if tuple(key) in keys]
        replaced = len(stale)
        Rating.objects.filter(pk__in=stale).delete()
        Rating.objects.bulk_create(good, batch_size=5000)
        touch_data(cycle)
        record_event(
            "rating.import",
            actor=actor,
            obj=cycle,
            object_repr=f"{cycle.code} <- {label}",
            before=None,
            after={"label": label, "rows": len(good), "replaced": replaced},
        )
    return len(good)
