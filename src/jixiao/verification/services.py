"""Three-party checks (三方制衡): drawing a round's sample, the finance review (财政复核), the third party's
verification (第三方核查), applying a verified value, and the gaps per unit.

The maths (the sample, the relative gap, over-reporting by direction, the flag) is the engine's
(``jixiao.engine.verification``); this module feeds it the cycle's values and keeps what the people enter.
Applying a verified value goes through the value's own audited path: ``do_set_value`` while the cycle is open,
``do_correct_value`` while its results are under review.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.audit.services import record_event, snapshot
from jixiao.collection.choices import ValueSource
from jixiao.collection.errors import ValueRefusedError
from jixiao.collection.models import Value
from jixiao.collection.services import check_entered_value, lang
from jixiao.core.choices import Action
from jixiao.core.errors import PermissionDeniedError, clean_text, validate
from jixiao.cycles.choices import REVIEW_STATES, CycleState
from jixiao.cycles.models import Cycle, Subject
from jixiao.cycles.services import lock_cycle, require_state
from jixiao.engine.values import is_office_item
from jixiao.engine.verification import DEFAULT_THRESHOLD, draw_sample, higher_is_better, relative_gaps, unit_gaps
from jixiao.verification.choices import TRANSITIONS, Finance, ItemState, Method
from jixiao.verification.errors import CheckInputError, CheckStateError, StaleValueError
from jixiao.verification.models import CheckItem, CheckRound
from jixiao.verification.querysets import may_review, may_verify

#: The cycle states in which values can be sampled and verified: data entry and the review after the score.
CHECK_STATES = (CycleState.OPEN, *REVIEW_STATES)
#: The item fields an audit event records.
ITEM_FIELDS = ["state", "self_value", "self_version", "finance", "finance_value", "finance_note", "verified_value",
               "method", "verified_on", "verify_note", "file", "applied_version"]


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _text(name: str, text: str, *, required: bool = True) -> str:
    return clean_text(name, text, CheckInputError, required=required)


def _require(allowed: bool, action: str) -> None:
    if not allowed:
        raise PermissionDeniedError(action=action, what=_("check item"))


def _step(item: CheckItem, step: str, label: str) -> None:
    if item.state not in TRANSITIONS[step]:
        raise CheckStateError(unit=item.subject.code, indicator=item.indicator, step=label,
                              state=ItemState(item.state).label)


def _checked_number(subject: Subject, indicator: str, value: float | str | None, field: str) -> float:
    """``value`` through the one value check (an impossible value is refused; a warning is not: the third party
    verifies what it finds)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CheckInputError(field=field, problem=_("required"))
    if isinstance(value, float) and not math.isfinite(value):
        raise CheckInputError(field=field, problem=_("must be a finite number"))
    try:
        number, findings = check_entered_value(subject, indicator, value)
    except ValueRefusedError as exc:
        raise CheckInputError(field=field, problem=exc.text) from None
    errors = [f.text(lang()) for f in findings if f.is_error]
    if number is None or errors:
        raise CheckInputError(field=field, problem="; ".join(errors) or _("not a number"))
    return number


def sample_frame(cycle: Cycle) -> dict[str, list[str]]:
    """The values that can be sampled, by unit code: the units' own measured indicators with a value, where
    the indicator applies to the unit's category (the office's items, bonuses, penalties and vetoes are not
    self-reported)."""
    scheme = cycle.scheme.engine
    only = {leaf.code: leaf.only for leaf in scheme.measured_leaves}
    keys: dict[str, list[str]] = {}
    for code, category, indicator in (Value.objects.filter(cycle=cycle, indicator__in=list(only), office_item=False)
                                      .values_list("subject__code", "subject__category", "indicator")):
        applies = only[indicator]
        if applies is None or category in applies:
            keys.setdefault(code, []).append(indicator)
    return keys


def _new_item(rnd: CheckRound, subject: Subject, value: Value, *, by_hand: bool) -> CheckItem:
    return CheckItem(round=rnd, subject=subject, indicator=value.indicator, self_value=value.value,
                     self_version=value.version, by_hand=by_hand)


def do_draw_round(cycle: Cycle, *, actor: Any, name: str, per_unit: int | None = None, share: float | None = None,
                  seed: int | None = None, threshold: float = DEFAULT_THRESHOLD, note: str = "",
                  units: Iterable[str] | None = None) -> CheckRound:
    """The office draws a round of three-party checks (三方核查批次) for the cycle: per unit ``per_unit`` of its
    self-reported values, or a ``share`` of them, at least one for every unit with values (of ``units``, codes,
    when the round covers only some), at random from ``seed`` (drawn and recorded when None: the same seed on
    the same values gives the same sample). Each item keeps the value and its version as they stand now."""
    name = _text(_("name"), name)
    note = _text(_("note"), note, required=False)
    only = sorted(set(units)) if units is not None else None
    if (per_unit is None) == (share is None):
        raise CheckInputError(field=_("sample size"), problem=_("give the values per unit or the share, not both"))
    if per_unit is not None and not 1 <= per_unit <= 100:
        raise CheckInputError(field=_("values per unit"), problem=_("between 1 and 100"))
    if share is not None and not (math.isfinite(share) and 0 < share <= 1):
        raise CheckInputError(field=_("share"), problem=_("above 0 and at most 100%"))
    if not (math.isfinite(threshold) and 0 <= threshold <= 10):
        raise CheckInputError(field=_("threshold"), problem=_("between 0 and 1000%"))
    if seed is not None and not 0 <= seed < 2**62:
        raise CheckInputError(field=_("random seed"), problem=_("a whole number from 0"))
    with transaction.atomic():
        # The cycle's lock: values are not written while the sample reads them and their versions.
        cycle = lock_cycle(cycle)
        require_state(cycle, CHECK_STATES, _("drawing a check round"))
        _require(may_verify(actor) and Cycle.objects.restrict(actor, Action.VIEW).filter(pk=cycle.pk).exists(),
                 _("draw"))
        seed = secrets.randbits(32) if seed is None else seed
        rnd = CheckRound(cycle=cycle, name=name, seed=seed, per_unit=per_unit, share=share, threshold=threshold,
                         note=note, created_by=_user(actor), created_at=timezone.now())
        validate(rnd)
        rnd.save()
        frame = sample_frame(cycle)
        if only is not None:
            frame = {code: keys for code, keys in frame.items() if code in only}
        picked = draw_sample(frame, seed=seed, per_unit=per_unit, share=share)
        subjects = {s.code: s for s in Subject.objects.filter(cycle=cycle, code__in=list(picked))}
        values = {(v.subject.code, v.indicator): v for v in Value.objects.filter(
            cycle=cycle, subject__code__in=list(picked)).select_related("subject")}
        items = [_new_item(rnd, subjects[code], values[(code, ind)], by_hand=False)
                 for code, indicators in picked.items() for ind in indicators]
        CheckItem.objects.bulk_create(items)
        record_event("check_round.draw", actor=actor, obj=rnd, after={
            **snapshot(rnd, ["cycle", "name", "seed", "per_unit", "share", "threshold"]),
            "units": len(picked), "items": len(items), "only": only})
    return rnd


def do_add_check_item(rnd: CheckRound, subject: Subject, indicator: str, *, actor: Any) -> CheckItem:
    """The office adds a value to a round by hand (a tip-off, a suspicious jump): the value as it stands now."""
    with transaction.atomic():
        cycle = lock_cycle(rnd.cycle_id)
        require_state(cycle, CHECK_STATES, _("adding a value to a check round"))
        rnd = CheckRound.objects.get_for(actor, Action.CHANGE, pk=rnd.pk)
        _require(may_verify(actor), _("add"))
        if subject.cycle_id != cycle.pk:
            raise CheckInputError(field=_("unit"), problem=_("not assessed in this cycle"))
        scheme = cycle.scheme.engine
        leaf = next((leaf for leaf in scheme.measured_leaves if leaf.code == indicator), None)
        if (leaf is None or is_office_item(scheme, indicator)
                or (leaf.only is not None and subject.category not in leaf.only)):
            raise CheckInputError(field=_("indicator"), problem=_("not an indicator the unit reports"))
        value = Value.objects.filter(subject=subject, indicator=indicator).first()
        if value is None:
            raise CheckInputError(field=_("indicator"), problem=_("the unit has no value for it"))
        if CheckItem.objects.filter(round=rnd, subject=subject, indicator=indicator).exists():
            raise CheckInputError(field=_("indicator"), problem=_("already in the round"))
        item = _new_item(rnd, subject, value, by_hand=True)
        validate(item)
        item.save()
        record_event("check_item.add", actor=actor, obj=item, after=snapshot(item, ITEM_FIELDS))
    return item


def _locked_item(item: CheckItem, actor: Any) -> CheckItem:
    """The item, locked (the race: two people entering the same item's review or applying it twice), and seen by
    ``actor`` with the right to change it."""
    locked: CheckItem = (CheckItem.objects.select_for_update(of=("self",)).select_related("subject", "round__cycle")
                         .get_for(actor, Action.CHANGE, pk=item.pk))
    return locked


def do_review_check_item(item: CheckItem, *, actor: Any, agrees: bool, value: float | str | None = None,
                         note: str = "") -> CheckItem:
    """The finance review (财政复核) of a sampled value, by an auditor or the office: agrees with the unit, or
    gives its reviewed value with a note. Given again until the third party verified."""
    _require(may_review(actor), _("review"))
    note = _text(_("finance note"), note, required=not agrees)
    with transaction.atomic():
        item = _locked_item(item, actor)
        _step(item, "review", _("review"))
        before = snapshot(item, ITEM_FIELDS)
        item.finance = Finance.AGREES if agrees else Finance.ADJUSTED
        item.finance_value = None if agrees else _checked_number(item.subject, item.indicator, value,
                                                                 _("reviewed value"))
        item.finance_note, item.finance_by, item.finance_at = note, _user(actor), timezone.now()
        item.state = ItemState.REVIEWED
        validate(item)
        item.save(update_fields=["finance", "finance_value", "finance_note", "finance_by", "finance_at", "state"])
        record_event("check_item.review", actor=actor, obj=item, before=before, after=snapshot(item, ITEM_FIELDS))
    return item


def _save_file(item: CheckItem, upload: File[Any] | None, fields: list[str]) -> None:
    """Save the item with its evidence file, if any: the evidence app's check first (size and content), stored
    under its own name, and removed again if the row is not written."""
    if upload is not None:
        from jixiao.evidence.services import check_evidence_file

        name = Path(upload.name or "").name
        check_evidence_file(upload, name)
        item.file_name = name[:255]
        item.file.save(item.file_name, upload, save=False)
        fields = [*fields, "file", "file_name"]
    try:
        item.save(update_fields=fields)
    except BaseException:
        if upload is not None and item.file:
            item.file.delete(save=False)
        raise


def do_verify_check_item(item: CheckItem, *, actor: Any, value: float | str | None, method: str, on: date | None,
                         note: str = "", evidence: File[Any] | None = None) -> CheckItem:
    """The office enters what the third party verified (第三方核查): the value, how (暗访, 实地核查, 抽查台账 ...),
    the day, a note and an evidence file. After the finance review; corrected again until applied."""
    _require(may_verify(actor), _("verify"))
    note = _text(_("verification note"), note, required=False)
    if method not in Method.values:
        raise CheckInputError(field=_("method"), problem=_("choose one"))
    if on is None:
        raise CheckInputError(field=_("verified on"), problem=_("required"))
    if on > timezone.localdate():
        raise CheckInputError(field=_("verified on"), problem=_("cannot be in the future"))
    with transaction.atomic():
        item = _locked_item(item, actor)
        _step(item, "verify", _("verify"))
        before = snapshot(item, ITEM_FIELDS)
        item.verified_value = _checked_number(item.subject, item.indicator, value, _("verified value"))
        item.method, item.verified_on, item.verify_note = method, on, note
        item.verified_by, item.verified_at, item.state = _user(actor), timezone.now(), ItemState.VERIFIED
        validate(item, exclude=["file"])
        _save_file(item, evidence, ["verified_value", "method", "verified_on", "verify_note", "verified_by",
                                    "verified_at", "state"])
        record_event("check_item.verify", actor=actor, obj=item, before=before, after=snapshot(item, ITEM_FIELDS))
    return item


def apply_note(item: CheckItem) -> str:
    """The note the applied value carries: where it came from, in the site's words."""
    method = Method(item.method).label if item.method else ""
    text = f"第三方核查：{method}，{item.verified_on:%Y-%m-%d}，核实值 {item.verified_value:g}（单位自报 " \
           f"{item.self_value:g}）"
    return f"{text}；{item.verify_note}" if item.verify_note else text


def do_apply_check_item(item: CheckItem, *, actor: Any) -> CheckItem:
    """The office applies a verified value: it replaces the unit's value through the value's own audited path
    (``do_set_value`` while the cycle is open, ``do_correct_value`` while its results are under review), and the
    item records the value's new version. Refused, changing nothing, when the unit's value changed since it was
    sampled (``StaleValueError``)."""
    from jixiao.collection.services import do_set_value
    from jixiao.review.services import do_correct_value

    _require(may_verify(actor), _("apply"))
    with transaction.atomic():
        # The cycle first, as the value's services lock it: the same order, so no deadlock with a value's save.
        cycle = lock_cycle(item.round.cycle_id)
        require_state(cycle, CHECK_STATES, _("applying a verified value"))
        item = _locked_item(item, actor)
        _step(item, "apply", _("apply"))
        current = Value.objects.select_for_update().filter(subject=item.subject, indicator=item.indicator).first()
        if current is None or current.version != item.self_version:
            raise StaleValueError(unit=item.subject.code, indicator=item.indicator, sampled=f"{item.self_value:g}",
                                  sampled_version=item.self_version,
                                  current=f"{current.value:g}" if current is not None else _("deleted"),
                                  current_version=current.version if current is not None else "-")
        before = snapshot(item, ITEM_FIELDS)
        assert item.verified_value is not None  # a verified item has its value (a constraint)
        note = apply_note(item)
        subject = item.subject
        subject.cycle = cycle
        if cycle.state == CycleState.OPEN:
            row = do_set_value(subject, item.indicator, item.verified_value, actor=actor, source=ValueSource.MANUAL,
                               note=note, version=item.self_version, explanation=note)
            version = row.version
        else:
            do_correct_value(subject, item.indicator, item.verified_value, actor=actor, reason=note)
            version = Value.objects.get(subject=subject, indicator=item.indicator).version
        item.state, item.applied_version = ItemState.APPLIED, version
        item.applied_by, item.applied_at = _user(actor), timezone.now()
        item.save(update_fields=["state", "applied_version", "applied_by", "applied_at"])
        record_event("check_item.apply", actor=actor, obj=item, before=before, after=snapshot(item, ITEM_FIELDS))
    return item


# --- reading ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitRow:
    """A unit's line of the three-party view."""

    subject: Subject
    items: list[CheckItem]
    verified: int
    mean_gap: float | None
    over: int
    flagged: bool


def item_gap(item: CheckItem) -> float | None:
    """The item's relative gap (None before verification)."""
    if item.verified_value is None:
        return None
    return float(relative_gaps([item.self_value], [item.verified_value])[0])


def item_over(item: CheckItem, higher: bool) -> bool:
    """Whether the unit claimed better than verified."""
    if item.verified_value is None:
        return False
    return item.self_value > item.verified_value if higher else item.self_value < item.verified_value


def unit_rows(rnd: CheckRound, items: list[CheckItem]) -> list[UnitRow]:
    """Per unit of ``items`` (the ones the reader sees): its items, the engine's mean gap of the verified ones,
    the count over-reported and the flag; flagged units first, then by mean gap (largest first), then code."""
    scheme = rnd.cycle.scheme.engine
    verified = [i for i in items if i.verified_value is not None]
    gaps = {g.unit: g for g in unit_gaps([i.subject.code for i in verified], [i.self_value for i in verified],
                                         [float(i.verified_value or 0) for i in verified],
                                         [higher_is_better(scheme, i.indicator) for i in verified],
                                         rnd.threshold)}
    by_unit: dict[str, list[CheckItem]] = {}
    for i in items:
        by_unit.setdefault(i.subject.code, []).append(i)
    rows = []
    for code, its in by_unit.items():
        g = gaps.get(code)
        rows.append(UnitRow(its[0].subject, its, g.items if g else 0, g.mean_gap if g else None,
                            g.over if g else 0, g.flagged if g else False))
    rows.sort(key=lambda r: (not r.flagged, -(r.mean_gap or 0.0), r.subject.code))
    return rows
