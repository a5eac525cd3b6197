"""Writing targets, values and ratings, one at a time or by file import."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of
from jixiao.audit.models import AuditEvent
from jixiao.audit.services import record_event, snapshot
from jixiao.collection.choices import ValueSource
from jixiao.collection.errors import ImportRefusedError, InvalidValueError, UnknownIndicatorError
from jixiao.collection.models import Rating, Target, Value
from jixiao.collection.querysets import writable_subjects
from jixiao.core.choices import Action
from jixiao.core.errors import ImportTooManyRowsError, PermissionDeniedError, Problems, validate
from jixiao.cycles.choices import CycleState
from jixiao.cycles.models import Cycle, Subject
from jixiao.cycles.services import lock_cycle, require_state
from jixiao.engine import InputError
from jixiao.engine.tables import read_table


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


def do_set_value(
    subject: Subject,
    indicator: str,
    value: float,
    *,
    actor: Any,
    source: str = ValueSource.MANUAL,
    note: str = "",
    evidence: File[Any] | None = None,
) -> Value:
    """Enter (or correct) a subject's value of an indicator, with its provenance. Only while the cycle is
    open."""
    with transaction.atomic():
        cycle = lock_cycle(subject.cycle_id)
        require_state(cycle, [CycleState.OPEN], _("entering values"))
        subject = _check_subject(actor, subject, "value")
        if indicator not in cycle.scheme.engine.value_codes:
            raise UnknownIndicatorError(
                indicator=indicator, what=_("a measured indicator or adjustment item")
            )
        number = _number("value", value)
        row = Value.objects.select_for_update().filter(subject=subject, indicator=indicator).first()
        before = snapshot(row) if row is not None else None
        if row is None:
            row = Value(cycle=cycle, subject=subject, indicator=indicator)
        row.value, row.source, row.note = number, ValueSource(source), note
        row.entered_by, row.entered_at = _user(actor), timezone.now()
        if evidence is not None:
            row.evidence = evidence
        validate(row, validate_unique=False, validate_constraints=False)
        row.save()
        record_event("value.set", actor=actor, obj=row, before=before, after=snapshot(row))
    return row


def do_delete_value(value: Value, *, actor: Any) -> None:
    """Remove a value (the indicator becomes missing). Only while the cycle is open."""
    with transaction.atomic():
        cycle = lock_cycle(value.cycle_id)
        require_state(cycle, [CycleState.OPEN], _("deleting values"))
        value = Value.objects.get_for(actor, Action.CHANGE, pk=value.pk)
        before = snapshot(value)
        record_event("value.delete", actor=actor, obj=value, before=before, after=None)
        value.delete()


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
    every problem is named by file, row and column and nothing changes. Existing values are replaced."""
    path = Path(path)
    try:
        frame = read_table(path, VALUE_COLUMNS, numeric=("value",))
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
    rows: Iterable[tuple[int, str, str, float | None]],
    *,
    actor: Any,
    source: str = ValueSource.IMPORT,
    label: str = "values",
    digest: str = "",
    progress: Progress | None = None,
) -> dict[str, int]:
    """Load many values (row number, subject code, indicator, value) into an open cycle, all or nothing.
    One audit event records the batch (its label and SHA-256 when from a file, the counts, every change)."""
    with transaction.atomic():
        cycle = lock_cycle(cycle)
        require_state(cycle, [CycleState.OPEN], _("importing values"))
        allowed = writable_subjects(actor, "value").filter(cycle=cycle)
        subjects = dict(allowed.values_list("code", "pk"))
        known = set(Subject.objects.filter(cycle=cycle).values_list("code", flat=True))
        codes = set(cycle.scheme.engine.value_codes)
        problems = Problems()
        seen: dict[tuple[str, str], int] = {}
        good: list[tuple[int, str, float]] = []
        for k, (row, unit, ind, val) in enumerate(rows, start=1):
            if progress is not None and k % PROGRESS_EVERY == 0:
                progress("checking", k)
            if unit not in subjects:
                why = (
                    f"{unit!r} is not a subject of {cycle.code}"
                    if unit not in known
                    else f"you may not enter values for {unit!r}"
                )
                problems.add((label, row, "unit", why))
                continue
            if ind not in codes:
                problems.add(
                    (
                        label,
                        row,
                        "indicator",
                        f"{ind!r} is not an indicator of {cycle.scheme.code} that takes values",
                    )
                )
                continue
            if val is None or not math.isfinite(val):
                problems.add((label, row, "value", "is not a number"))
                continue
            if (unit, ind) in seen:
                problems.add(
                    (
                        label,
                        row,
                        None,
                        f"duplicate row: {unit} {ind} already given at row {seen[(unit, ind)]}",
                    )
                )
                continue
            seen[(unit, ind)] = row
            good.append((subjects[unit], ind, float(val)))
        if problems:
            raise problems.refusal()
        if progress is not None:
            progress("writing", len(good))
        existing = {
            (s, i): (pk, v)
            for pk, s, i, v in Value.objects.filter(cycle=cycle).values_list(
                "pk", "subject_id", "indicator", "value"
            )
        }
        now, user = timezone.now(), _user(actor)
        replaced = [existing[(s, i)][0] for s, i, _v in good if (s, i) in existing]
        changes = [[s, i, existing.get((s, i), (None, None))[1], v] for s, i, v in good]
        Value.objects.filter(pk__in=replaced).delete()
        Value.objects.bulk_create(
            [
                Value(
                    cycle=cycle,
                    subject_id=s,
                    indicator=i,
                    value=v,
                    source=source,
                    entered_by=user,
                    entered_at=now,
                    note=f"import {label}",
                )
                for s, i, v in good
            ],
            batch_size=5000,
        )
        counts = {"rows": len(good), "created": len(good) - len(replaced), "replaced": len(replaced)}
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
        record_event(
            "rating.import",
            actor=actor,
            obj=cycle,
            object_repr=f"{cycle.code} <- {label}",
            before=None,
            after={"label": label, "rows": len(good), "replaced": replaced},
        )
    return len(good)


def do_submit_values(subject: Subject, *, actor: Any) -> AuditEvent:
    """Submit (报送) a subject's values as they stand: one audit event listing every value with its time and
    evidence file. Only while the cycle is open, and only by someone who may enter the subject's values."""
    with transaction.atomic():
        cycle = lock_cycle(subject.cycle_id)
        require_state(cycle, [CycleState.OPEN], _("submitting values"))
        subject = Subject.objects.get_for(actor, Action.VIEW, pk=subject.pk)
        if not writable_subjects(actor, "value").filter(pk=subject.pk).exists():
            raise PermissionDeniedError(action=Action.CHANGE.label, what="value")
        values = {v.indicator: {"value": v.value, "entered_at": v.entered_at, "evidence": v.evidence.name or ""}
                  for v in Value.objects.filter(subject=subject).order_by("indicator")}
        return record_event("values.submit", actor=actor, obj=subject, object_repr=f"{cycle.code} {subject.code}",
                            before=None, after={"cycle": cycle.code, "subject": subject.code, "count": len(values),
                                                "values": values})
