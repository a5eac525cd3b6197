"""After the machine score: the office's review (人工复核), publicity (公示), appeals (申诉) and hearings (听证),
and the final publication (定稿).

A cycle moves closed -> publicity -> appeals -> published. Each step locks the cycle's row, checks the state
and who may take it (``querysets``), and records its audit event in the same transaction. Every recompute after
the machine score keeps its results as a new ``ResultVersion``: nothing is overwritten, so the machine result
stays beside the reviewed one and the final publication says what changed and why.

Times: ``now`` is the caller's clock (the scheduler's, or a test's); None is the current time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.audit.models import AuditEvent
from jixiao.audit.services import record_event, snapshot
from jixiao.core.choices import Action
from jixiao.core.errors import clean_text
from jixiao.cycles.choices import REVIEW_STATES, CycleState
from jixiao.cycles.models import Cycle, Subject
from jixiao.cycles.services import lock_cycle, require_state
from jixiao.results.choices import VersionKind
from jixiao.results.models import Result, ResultVersion
from jixiao.results.services import do_compute_cycle, save_version, version_rows
from jixiao.review.choices import (
    OPEN_APPEAL_STATES,
    AppealState,
    AppealStep,
    AppealTarget,
    HearingDecision,
)
from jixiao.review.errors import (
    AppealDeadlineError,
    AppealInputError,
    AppealStepNotAllowedError,
    ConfirmationRequiredError,
    NotTheUnitsOwnError,
    OpenAppealsError,
    PublicityNotOverError,
    ResultsOutOfDateError,
    ReviewNotConfirmedError,
)
from jixiao.review.models import Appeal, AppealLog, Correction, Hearing
from jixiao.review.querysets import allowed_appeal_steps, appeal_open, may_draft_appeal


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def local(at: datetime | None) -> str:
    """A time as the pages show it, in the configured zone."""
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at is not None else "—"


def _text(name: str, text: str, *, required: bool = True) -> str:
    return clean_text(name, text, AppealInputError, required=required)


def _notify(users: Any, *, kind: str, title: str, body: str = "", link: str = "", cycle: Cycle | None = None
            ) -> None:
    from jixiao.inbox.services import notify

    notify(users, kind=kind, title=title, body=body, link=link, cycle=cycle)


def _unit_users(subject_units: list[int]) -> Any:
    from jixiao.inbox.services import users_of_units

    return users_of_units(subject_units)


def _office() -> Any:
    from jixiao.inbox.services import office_users

    return office_users()


# --- the office's review -------------------------------------------------------------------------------------

@dataclass
class ReviewItem:
    """Something in the machine results that needs a human eye, with the unit and why."""

    code: str
    name: str
    kind: str
    detail: str


@dataclass
class ReviewSheet:
    """What the review page shows: items to look at, the corrections made, machine and current results."""

    items: list[ReviewItem] = field(default_factory=list)
    machine: dict[str, dict[str, Any]] = field(default_factory=dict)
    current: dict[str, dict[str, Any]] = field(default_factory=dict)


def flag_words(scheme: Any, flags: list[str]) -> str:
    """The engine's result flags (``veto:MAJOR``, ``quota:优秀``, ``missing:A,B``) with item names for codes."""
    words = {"veto": _("veto"), "quota": _("quota full for"), "missing": _("missing"), "excluded": _("not applicable")}
    out = []
    for flag in flags:
        kind, _sep, rest = flag.partition(":")
        items = rest if kind == "quota" else "、".join(scheme.item_name(c) for c in rest.split(",") if c)
        out.append(f"{words.get(kind, kind)}: {items}")
    return "; ".join(out)


def review_sheet(cycle: Cycle, user: Any, *, moved: int = 5) -> ReviewSheet:
    """Everything in the machine results that needs a human eye: values flagged when they were entered (with
    the unit's explanation), vetoes and grades moved by a quota or rule (the engine's flags), and the ``moved``
    units whose total moved most since the last cycle."""
    from jixiao.collection.models import Value
    from jixiao.results import reports

    sheet = ReviewSheet()
    first = ResultVersion.objects.filter(cycle=cycle).order_by("number").first()
    sheet.machine = first.rows if first is not None else {}
    sheet.current = version_rows(cycle)
    names = dict(Subject.objects.filter(cycle=cycle).values_list("code", "name"))
    scheme = cycle.scheme.engine
    for code, indicator, value, warnings, explanation in (
            Value.objects.filter(cycle=cycle).exclude(warnings="").order_by("subject__code", "indicator")
            .values_list("subject__code", "indicator", "value", "warnings", "explanation")):
        detail = f"{scheme.item_name(indicator)} = {value:g}: {warnings}"
        if explanation:
            detail += _("; explanation: %(text)s") % {"text": explanation}
        sheet.items.append(ReviewItem(code, names.get(code, code), _("value flagged when entered"), detail))
    for code, row in sorted(sheet.current.items()):
        parts = [p.strip() for p in (row.get("flags") or "").split(";") if p.strip()]
        adjusted = [p for p in parts if p.startswith(("veto:", "quota:"))]
        missing = [p for p in parts if p.startswith(("missing:", "excluded:"))]
        if adjusted:
            sheet.items.append(ReviewItem(code, names.get(code, code), _("veto or grade adjusted"),
                                          f"{row['grade']}: {flag_words(scheme, adjusted)}"))
        if missing:
            sheet.items.append(ReviewItem(code, names.get(code, code), _("values missing"),
                                          flag_words(scheme, missing)))
    previous = reports.previous_cycle(user, cycle)
    if previous is not None:
        last = {u: (t, rk) for u, t, rk in Result.objects.filter(cycle=previous)
                .values_list("subject__unit_id", "total", "rank")}
        moves = []
        for code, unit_id, total, rank in (Result.objects.filter(cycle=cycle)
                                           .values_list("subject__code", "subject__unit_id", "total", "rank")):
            if unit_id in last:
                moves.append((abs(total - last[unit_id][0]), code, total, rank, *last[unit_id]))
        for delta, code, total, rank, t0, rk0 in sorted(moves, reverse=True)[:moved]:
            if delta > 0:
                sheet.items.append(ReviewItem(
                    code, names.get(code, code), _("moved most since the last cycle"),
                    _("total %(before).2f -> %(after).2f, rank %(rb)s -> %(ra)s") % {
                        "before": t0, "after": total, "rb": rk0, "ra": rank}))
    return sheet


def _correct(cycle: Cycle, subject: Subject, indicator: str, value: float | str, *, actor: Any, reason: str,
             appeal: Appeal | None) -> Correction:
    from jixiao.collection.services import write_correction

    subject.cycle = cycle
    before, row = write_correction(subject, indicator, value, actor=actor, reason=reason)
    correction = Correction.objects.create(cycle=cycle, subject=subject, indicator=indicator, before=before,
                                           after=row.value, reason=reason, appeal=appeal, actor=_user(actor),
                                           at=timezone.now())
    record_event("value.correct", actor=actor, obj=correction, object_repr=f"{cycle.code} {subject.code} {indicator}",
                 before={"value": before}, after={"value": row.value, "version": row.version, "reason": reason,
                                                  "appeal": appeal.pk if appeal is not None else None})
    return correction


def _recompute(cycle: Cycle, corrections: list[Correction], *, actor: Any, kind: str, reason: str) -> None:
    do_compute_cycle(cycle, actor=actor, kind=kind, reason=reason)
    number = ResultVersion.objects.filter(cycle=cycle).order_by("-number").values_list("number", flat=True).first()
    Correction.objects.filter(pk__in=[c.pk for c in corrections]).update(version=number)


def do_correct_value(subject: Subject, indicator: str, value: float | str, *, actor: Any, reason: str
                     ) -> Correction:
    """The office corrects a value after the machine score (复核更正), with a reason, and the cycle is
    recomputed into a new results version; the machine result is kept. While the cycle is under review, in
    publicity or its appeals are decided. A correction in review needs the review confirmed again."""
    reason = _text(_("reason"), reason)
    with transaction.atomic():
        cycle = lock_cycle(subject.cycle_id)
        require_state(cycle, REVIEW_STATES, _("correcting a value"))
        Cycle.objects.get_for(actor, Action.CHANGE, pk=cycle.pk)
        subject = Subject.objects.get_for(actor, Action.VIEW, pk=subject.pk, cycle=cycle)
        correction = _correct(cycle, subject, indicator, value, actor=actor, reason=reason, appeal=None)
        if cycle.reviewed_at is not None and cycle.state == CycleState.CLOSED:
            cycle.reviewed_at = None
            cycle.save(update_fields=["reviewed_at"])
        _recompute(cycle, [correction], actor=actor, kind=VersionKind.REVIEW, reason=reason)
    return correction


def do_confirm_review(cycle: Cycle, *, actor: Any) -> Cycle:
    """The office confirms it has reviewed the current results (复核确认); publicity needs it."""
    with transaction.atomic():
        cycle = lock_cycle(cycle)
        require_state(cycle, [CycleState.CLOSED], _("confirming the review"))
        Cycle.objects.get_for(actor, Action.CHANGE, pk=cycle.pk)
        if cycle.results_stale:
            raise ResultsOutOfDateError(cycle=cycle.code)
        before = snapshot(cycle, ["reviewed_at"])
        cycle.reviewed_at = timezone.now()
        cycle.save(update_fields=["reviewed_at"])
        version = ResultVersion.objects.filter(cycle=cycle).order_by("-number").values_list("number", flat=True)
        record_event("cycle.review", actor=actor, obj=cycle, before=before,
                     after={**snapshot(cycle, ["reviewed_at"]), "version": version.first(),
                            "corrections": Correction.objects.filter(cycle=cycle).count()})
    return cycle


# --- publicity ------------------------------------------------------------------------------------------------

def publicity_summary(cycle: Cycle, days: int | None = None, now: datetime | None = None) -> str:
    """What starting the publicity does, in words, for the confirmation."""
    days = days or cycle.publicity_days
    ends = (now or timezone.now()) + timedelta(days=days)
    return _("the results of %(n)s units go on the public portal marked 公示中 for %(days)s days, until "
             "%(end)s; every assessed unit is notified and may appeal until then.") % {
        "n": Result.objects.filter(cycle=cycle).count(), "days": days, "end": local(ends)}


def do_start_publicity(cycle: Cycle, *, actor: Any, days: int | None = None, confirm: bool = False,
                       now: datetime | None = None) -> Cycle:
    """closed -> publicity (公示): the reviewed results go on the portal marked 公示中 until the end of the
    publicity (``days``, else the cycle's), each assessed unit is notified, and appeals open. Needs the review
    confirmed, results that fit the data, and ``confirm``."""
    with transaction.atomic():
        cycle = lock_cycle(cycle)
        require_state(cycle, [CycleState.CLOSED], _("starting the publicity"))
        Cycle.objects.get_for(actor, Action.CHANGE, pk=cycle.pk)
        if cycle.results_stale:
            raise ResultsOutOfDateError(cycle=cycle.code)
        if cycle.reviewed_at is None:
            raise ReviewNotConfirmedError(cycle=cycle.code)
        if days is not None and not 1 <= days <= 60:
            raise AppealInputError(field=_("publicity days"), problem=_("between 1 and 60"))
        if not confirm:
            raise ConfirmationRequiredError(what=publicity_summary(cycle, days, now))
        now = now or timezone.now()
        before = snapshot(cycle, ["state", "publicity_days", "publicity_at", "publicity_ends_at"])
        cycle.state = CycleState.PUBLICITY
        cycle.publicity_days = days or cycle.publicity_days
        cycle.publicity_at, cycle.publicity_ends_at = now, now + timedelta(days=cycle.publicity_days)
        cycle.save(update_fields=["state", "publicity_days", "publicity_at", "publicity_ends_at"])
        version = save_version(cycle, VersionKind.PUBLICITY, actor=actor, reason=_("put to publicity"))
        record_event("cycle.publicity", actor=actor, obj=cycle, before=before,
                     after={**snapshot(cycle, ["state", "publicity_days", "publicity_at", "publicity_ends_at"]),
                            "version": version.number, "results": len(version.rows)})
        units = list(Subject.objects.filter(cycle=cycle).values_list("unit_id", flat=True))
        _notify(_unit_users(units), kind="publicity", cycle=cycle,
                title=_("%(cycle)s: results in publicity until %(end)s") % {
                    "cycle": cycle.name, "end": local(cycle.publicity_ends_at)},
                body=_("Your unit's result is on the public portal. If it is wrong, your operator drafts an "
                       "appeal and your leader signs it before %(end)s.") % {"end": local(cycle.publicity_ends_at)},
                link=reverse("review:appeals", args=[cycle.code]))
    return cycle


def do_end_publicity(cycle: Cycle, *, actor: Any = None, now: datetime | None = None) -> bool:
    """publicity -> appeals once the publicity has ended (the scheduler's job; the office may run it too):
    appeals can no longer be lodged, unsigned drafts lapse, and the office is told what waits for a decision.
    Returns whether it moved the cycle (False when it is not due or was moved already: running it twice is the
    same as once)."""
    now = now or timezone.now()
    with transaction.atomic():
        cycle = lock_cycle(cycle)
        if cycle.state != CycleState.PUBLICITY or cycle.publicity_ends_at is None or now < cycle.publicity_ends_at:
            return False
        if actor is not None:
            Cycle.objects.get_for(actor, Action.CHANGE, pk=cycle.pk)
        cycle.state = CycleState.APPEALS
        cycle.save(update_fields=["state"])
        lapsed = list(Appeal.objects.filter(cycle=cycle, state=AppealState.DRAFT).select_for_update())
        for appeal in lapsed:
            _log(appeal, AppealStep.WITHDRAW, AppealState.WITHDRAWN, actor=None,
                 note=_("not signed before the publicity ended"), now=now)
        pending = Appeal.objects.filter(cycle=cycle, state__in=OPEN_APPEAL_STATES).count()
        record_event("cycle.publicity_end", actor=actor, obj=cycle, before={"state": CycleState.PUBLICITY},
                     after={"state": CycleState.APPEALS, "at": now, "pending_appeals": pending,
                            "lapsed_drafts": len(lapsed)})
        _notify(_office(), kind="deadline", cycle=cycle,
                title=_("%(cycle)s: publicity ended") % {"cycle": cycle.name},
                body=_("%(n)s appeals wait for a decision; the results can be finalised once all are decided.")
                % {"n": pending}, link=reverse("review:appeals", args=[cycle.code]))
    return True


def run_deadlines(now: datetime | None = None) -> list[str]:
    """The scheduled job: end every publicity whose time has come. Idempotent (a second run finds nothing to
    do). Returns the codes of the cycles it moved."""
    now = now or timezone.now()
    moved = []
    due = Cycle.objects.filter(state=CycleState.PUBLICITY, publicity_ends_at__lte=now).values_list("pk", "code")
    for pk, code in list(due):
        if do_end_publicity(Cycle(pk=pk), now=now):
            moved.append(code)
    return moved


# --- appeals --------------------------------------------------------------------------------------------------

def _log(appeal: Appeal, step: AppealStep, to: str, *, actor: Any, note: str = "",
         extra: Mapping[str, Any] | None = None, now: datetime | None = None) -> AuditEvent:
    before = appeal.state
    appeal.state = to
    appeal.save()
    AppealLog.objects.create(appeal=appeal, step=step, before=before, after=to, note=note, actor=_user(actor),
                             at=now or timezone.now())
    return record_event(f"appeal.{step}", actor=actor, obj=appeal,
                        object_repr=f"{appeal.cycle.code} {appeal.subject.code} {appeal.get_target_display()}",
                        before={"state": before}, after={"state": to, "note": note, **(extra or {})})


def _lock_appeal(appeal: Appeal, actor: Any) -> tuple[Cycle, Appeal]:
    cycle = lock_cycle(appeal.cycle_id)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if actor is not None:
        Appeal.objects.get_for(actor, Action.VIEW, pk=appeal.pk)
    appeal.cycle = cycle
    return cycle, appeal


def _allow(appeal: Appeal, step: AppealStep, actor: Any, now: datetime | None) -> None:
    if step in allowed_appeal_steps(actor, appeal, now):
        return
    cycle = appeal.cycle
    if step in (AppealStep.SIGN,) and not appeal_open(cycle, now) and cycle.publicity_ends_at is not None:
        raise AppealDeadlineError(cycle=cycle.name, deadline=local(cycle.publicity_ends_at))
    raise AppealStepNotAllowedError(unit=appeal.subject.name, step=AppealStep(step).label,
                                    state=AppealState(appeal.state).label)


def do_draft_appeal(subject: Subject, *, actor: Any, target: str, grounds: str, indicator: str = "",
                    cited: str = "", evidence: File[Any] | None = None, now: datetime | None = None) -> Appeal:
    """A unit's operator drafts an appeal (申诉) against the unit's result in publicity: an indicator's score,
    the total or the grade, with grounds, the explanation line it disputes and optional evidence (checked like
    a value's evidence). Refused after the publicity's end, with the date. The leader signs it to lodge it."""
    grounds, cited = _text(_("grounds"), grounds), _text(_("explanation line disputed"), cited, required=False)
    if target not in AppealTarget.values:
        raise AppealInputError(field=_("contests"), problem=_("choose an indicator, the total or the grade"))
    with transaction.atomic():
        cycle = lock_cycle(subject.cycle_id)
        subject = Subject.objects.get_for(actor, Action.VIEW, pk=subject.pk, cycle=cycle)
        subject.cycle = cycle
        if cycle.state == CycleState.APPEALS or (cycle.state == CycleState.PUBLICITY and not appeal_open(cycle, now)):
            raise AppealDeadlineError(cycle=cycle.name, deadline=local(cycle.publicity_ends_at))
        require_state(cycle, [CycleState.PUBLICITY], _("appealing"))
        if not may_draft_appeal(actor, subject, now):
            raise NotTheUnitsOwnError(unit=subject.name)
        if target == AppealTarget.INDICATOR:
            if indicator not in cycle.scheme.engine.value_codes and indicator not in {
                    n.code for n in cycle.scheme.engine.nodes}:
                raise AppealInputError(field=_("indicator"), problem=_("not an indicator of this scheme"))
        else:
            indicator = ""
        appeal = Appeal(cycle=cycle, subject=subject, target=target, indicator=indicator, grounds=grounds,
                        cited=cited, drafted_by=_user(actor), drafted_at=now or timezone.now())
        if evidence is not None:
            from jixiao.evidence.services import check_evidence_file

            check_evidence_file(evidence)
            appeal.evidence_name = (evidence.name or "").rsplit("/", 1)[-1][:255]
            appeal.evidence.save(appeal.evidence_name, evidence, save=False)
        try:
            appeal.state = AppealState.DRAFT
            appeal.save()
            AppealLog.objects.create(appeal=appeal, step=AppealStep.DRAFT, before="", after=AppealState.DRAFT,
                                     actor=_user(actor), at=appeal.drafted_at)
            record_event("appeal.draft", actor=actor, obj=appeal, before=None, after=snapshot(appeal))
        except BaseException:
            if appeal.evidence:
                appeal.evidence.delete(save=False)
            raise
        leaders = _unit_leaders([subject.unit_id])
        _notify(leaders, kind="appeal", cycle=cycle,
                title=_("An appeal of %(unit)s waits for your signature") % {"unit": subject.name},
                body=_("Sign it before %(end)s to lodge it with the office.") % {"end": local(cycle.publicity_ends_at)},
                link=reverse("review:appeal", args=[appeal.pk]))
    return appeal


def _unit_leaders(units: list[int]) -> Any:
    from jixiao.accounts.choices import Role
    from jixiao.inbox.services import users_of_units

    return users_of_units(units, roles=[Role.LEADER])


def do_sign_appeal(appeal: Appeal, *, actor: Any, now: datetime | None = None) -> Appeal:
    """The unit's leader signs the drafted appeal (签发): it is lodged with the office. Only before the
    publicity's end; later it is refused with the date."""
    with transaction.atomic():
        cycle, appeal = _lock_appeal(appeal, actor)
        _allow(appeal, AppealStep.SIGN, actor, now)
        appeal.signed_by, appeal.signed_at = _user(actor), now or timezone.now()
        _log(appeal, AppealStep.SIGN, AppealState.LODGED, actor=actor, now=appeal.signed_at)
        _notify(_office(), kind="appeal", cycle=cycle,
                title=_("New appeal: %(unit)s") % {"unit": appeal.subject.name},
                body=appeal.grounds[:500], link=reverse("review:appeal", args=[appeal.pk]))
    return appeal


def do_withdraw_appeal(appeal: Appeal, *, actor: Any, reason: str = "") -> Appeal:
    """The unit withdraws its appeal while it is not decided."""
    with transaction.atomic():
        _cycle, appeal = _lock_appeal(appeal, actor)
        _allow(appeal, AppealStep.WITHDRAW, actor, None)
        _log(appeal, AppealStep.WITHDRAW, AppealState.WITHDRAWN, actor=actor,
             note=_text(_("reason"), reason, required=False))
    return appeal


def _tell_unit(appeal: Appeal, title: str, body: str) -> None:
    _notify(_unit_users([appeal.subject.unit_id]), kind="appeal", cycle=appeal.cycle, title=title, body=body,
            link=reverse("review:appeal", args=[appeal.pk]))


def _decide(appeal: Appeal, step: AppealStep, accepted: bool, *, actor: Any, reason: str,
            corrections: Mapping[str, float | str] | None, now: datetime | None = None) -> Appeal:
    cycle = appeal.cycle
    made = []
    if accepted:
        for indicator, value in (corrections or {}).items():
            made.append(_correct(cycle, appeal.subject, indicator, value, actor=actor, reason=reason, appeal=appeal))
    appeal.decision, appeal.decided_at = reason, now or timezone.now()
    _log(appeal, step, AppealState.ACCEPTED if accepted else AppealState.REJECTED, actor=actor, note=reason,
         extra={"corrections": {c.indicator: [c.before, c.after] for c in made}}, now=appeal.decided_at)
    if made:
        _recompute(cycle, made, actor=actor, kind=VersionKind.APPEAL,
                   reason=_("appeal of %(unit)s accepted: %(reason)s") % {"unit": appeal.subject.name,
                                                                          "reason": reason})
    word = _("accepted") if accepted else _("rejected")
    _tell_unit(appeal, _("Your appeal was %(word)s") % {"word": word}, reason)
    return appeal


def do_accept_appeal(appeal: Appeal, *, actor: Any, reason: str,
                     corrections: Mapping[str, float | str] | None = None, now: datetime | None = None) -> Appeal:
    """The office accepts a lodged appeal (采纳) with its reasons, correcting the values ``corrections`` names
    (indicator -> value, each through the one value check); the cycle is recomputed into a new version."""
    reason = _text(_("reason"), reason)
    with transaction.atomic():
        _cycle, appeal = _lock_appeal(appeal, actor)
        _allow(appeal, AppealStep.ACCEPT, actor, None)
        return _decide(appeal, AppealStep.ACCEPT, True, actor=actor, reason=reason, corrections=corrections,
                       now=now)


def do_reject_appeal(appeal: Appeal, *, actor: Any, reason: str, now: datetime | None = None) -> Appeal:
    """The office rejects a lodged appeal (驳回) with its reasons, which the unit sees."""
    reason = _text(_("reason"), reason)
    with transaction.atomic():
        _cycle, appeal = _lock_appeal(appeal, actor)
        _allow(appeal, AppealStep.REJECT, actor, None)
        return _decide(appeal, AppealStep.REJECT, False, actor=actor, reason=reason, corrections=None, now=now)


def do_schedule_hearing(appeal: Appeal, *, actor: Any, at: datetime, place: str, participants: str,
                        observers: str = "", now: datetime | None = None) -> Hearing:
    """The office sends a lodged appeal to a hearing (听证): date and time, place, participants (the unit, the
    office, the indicator's data owner) and observers. Everyone concerned is notified."""
    place, participants = _text(_("place"), place), _text(_("participants"), participants)
    observers = _text(_("observers"), observers, required=False)
    if at is None:
        raise AppealInputError(field=_("date and time"), problem=_("required"))
    with transaction.atomic():
        _cycle, appeal = _lock_appeal(appeal, actor)
        _allow(appeal, AppealStep.HEARING, actor, None)
        hearing = Hearing.objects.create(appeal=appeal, scheduled_at=at, place=place, participants=participants,
                                         observers=observers)
        _log(appeal, AppealStep.HEARING, AppealState.HEARING, actor=actor,
             note=f"{local(at)} {place}", extra={"hearing": snapshot(hearing)}, now=now)
        _tell_unit(appeal, _("Hearing of your appeal: %(at)s, %(place)s") % {"at": local(at), "place": place},
                   _("Participants: %(p)s") % {"p": participants})
    return hearing


def do_decide_hearing(appeal: Appeal, *, actor: Any, decision: str, minutes: str, reasons: str,
                      corrections: Mapping[str, float | str] | None = None, now: datetime | None = None) -> Hearing:
    """The office records the hearing's minutes and decision; the decision feeds back like an accepted (with
    its corrections and a recompute) or rejected appeal."""
    minutes, reasons = _text(_("minutes"), minutes), _text(_("reasons"), reasons)
    if decision not in HearingDecision.values:
        raise AppealInputError(field=_("decision"), problem=_("accept or reject"))
    with transaction.atomic():
        _cycle, appeal = _lock_appeal(appeal, actor)
        _allow(appeal, AppealStep.DECIDE, actor, None)
        hearing = Hearing.objects.select_for_update().get(appeal=appeal)
        hearing.minutes, hearing.decision, hearing.reasons = minutes, decision, reasons
        hearing.decided_at, hearing.recorded_by = now or timezone.now(), _user(actor)
        hearing.save()
        _decide(appeal, AppealStep.DECIDE, decision == HearingDecision.ACCEPT, actor=actor,
                reason=_("after the hearing: %(reasons)s") % {"reasons": reasons}, corrections=corrections, now=now)
    decided: Hearing = hearing
    return decided


# --- the final publication ------------------------------------------------------------------------------------

@dataclass
class Change:
    """A unit whose result changed after the publicity began, and why."""

    code: str
    name: str
    before: dict[str, Any]
    after: dict[str, Any]
    reasons: list[str]


def final_changes(cycle: Cycle) -> list[Change]:
    """The units whose total, rank or grade differ between the results put to publicity and the current (or
    final) ones, each with the reasons: the corrections made since the publicity began."""
    published = ResultVersion.objects.filter(cycle=cycle, kind=VersionKind.PUBLICITY).order_by("-number").first()
    if published is None:
        return []
    now_rows = version_rows(cycle)
    names = dict(Subject.objects.filter(cycle=cycle).values_list("code", "name"))
    reasons: dict[str, list[str]] = {}
    scheme = cycle.scheme.engine
    for c in (Correction.objects.filter(cycle=cycle, version__gt=published.number).select_related("subject", "appeal")
              .order_by("at")):
        before = "—" if c.before is None else f"{c.before:g}"
        reasons.setdefault(c.subject.code, []).append(
            _("%(item)s %(before)s -> %(after)s: %(reason)s") % {
                "item": scheme.item_name(c.indicator), "before": before, "after": f"{c.after:g}",
                "reason": c.reason})
    out = []
    for code, row in sorted(now_rows.items()):
        old = published.rows.get(code)
        if old is None or any(old[k] != row[k] for k in ("total", "rank", "grade")):
            out.append(Change(code, names.get(code, code), old or {}, row, reasons.get(code, [])))
    return out


def finalize_summary(cycle: Cycle) -> str:
    changes = final_changes(cycle)
    return _("the results become final (定稿) and stay public; %(n)s units' results differ from those put to "
             "publicity, and the portal says so. This cannot be undone.") % {"n": len(changes)}


def do_finalize_cycle(cycle: Cycle, *, actor: Any, confirm: bool = False, now: datetime | None = None) -> Cycle:
    """appeals -> published: the final publication (定稿), once the publicity is over and every lodged appeal
    decided, with ``confirm``. The final version states what changed since the publicity and why."""
    now = now or timezone.now()
    with transaction.atomic():
        cycle = lock_cycle(cycle)
        if cycle.state == CycleState.PUBLICITY and cycle.publicity_ends_at is not None \
                and now < cycle.publicity_ends_at:
            raise PublicityNotOverError(cycle=cycle.name, deadline=local(cycle.publicity_ends_at))
        require_state(cycle, [CycleState.PUBLICITY, CycleState.APPEALS], _("the final publication"))
        Cycle.objects.get_for(actor, Action.CHANGE, pk=cycle.pk)
        if cycle.results_stale:
            raise ResultsOutOfDateError(cycle=cycle.code)
        pending = list(Appeal.objects.filter(cycle=cycle, state__in=OPEN_APPEAL_STATES)
                       .values_list("subject__name", flat=True))
        if pending:
            raise OpenAppealsError(count=len(pending), units="、".join(pending[:10]))
        if not confirm:
            raise ConfirmationRequiredError(what=finalize_summary(cycle))
        changes = final_changes(cycle)
        before = snapshot(cycle, ["state", "published_at"])
        # A publicity ended by this step rather than the scheduler: drafts nobody signed lapse the same way.
        for appeal in Appeal.objects.filter(cycle=cycle, state=AppealState.DRAFT).select_for_update():
            appeal.cycle = cycle
            _log(appeal, AppealStep.WITHDRAW, AppealState.WITHDRAWN, actor=None,
                 note=_("not signed before the publicity ended"))
        cycle.state, cycle.published_at = CycleState.PUBLISHED, now
        cycle.save(update_fields=["state", "published_at"])
        moved = _("rank moved with another unit's correction")
        summary = "; ".join(f"{c.name}: {'; '.join(c.reasons) or moved}" for c in changes)
        version = save_version(cycle, VersionKind.FINAL, actor=actor,
                               reason=_("%(n)s units changed after the publicity") % {"n": len(changes)}
                               + (f" ({summary})" if summary else ""))
        record_event("cycle.finalize", actor=actor, obj=cycle, before=before,
                     after={**snapshot(cycle, ["state", "published_at"]), "version": version.number,
                            "changed": {c.code: {"before": c.before, "after": c.after, "reasons": c.reasons}
                                        for c in changes}})
        units = list(Subject.objects.filter(cycle=cycle).values_list("unit_id", flat=True))
        _notify(_unit_users(units), kind="result", cycle=cycle,
                title=_("%(cycle)s: final results published") % {"cycle": cycle.name},
                body=_("%(n)s units' results changed after appeals.") % {"n": len(changes)},
                link=reverse("portal:cycle", args=[cycle.code]))
    return cycle


@dataclass
class PublicNote:
    """What the portal says of a cycle's publicity and final publication: counts, and for each unit whose
    result changed after the publicity, its old and new result and why in a few words (the full reasons go to
    the units concerned)."""

    changed: int = 0
    appeals_lodged: int = 0
    appeals_accepted: int = 0
    heard: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)


def public_note(cycle: Cycle) -> PublicNote:
    """The portal's note on a cycle in publicity or published: the appeals and what changed, and why."""
    note = PublicNote()
    appeals = Appeal.objects.filter(cycle=cycle).exclude(state__in=(AppealState.DRAFT, AppealState.WITHDRAWN))
    note.appeals_lodged = appeals.count()
    note.appeals_accepted = appeals.filter(state=AppealState.ACCEPTED).count()
    note.heard = appeals.filter(hearing__decided_at__isnull=False).count()
    if cycle.state != CycleState.PUBLISHED:
        return note
    scheme = cycle.scheme.engine
    published = ResultVersion.objects.filter(cycle=cycle, kind=VersionKind.PUBLICITY).order_by("-number").first()
    after = published.number if published is not None else 0
    for change in final_changes(cycle):
        why = []
        for c in Correction.objects.filter(cycle=cycle, subject__code=change.code, version__gt=after).select_related(
                "appeal", "appeal__hearing").order_by("at"):
            item = scheme.item_name(c.indicator)
            if c.appeal is None:
                why.append(_("office review corrected %(item)s") % {"item": item})
            elif getattr(c.appeal, "hearing", None) is not None:
                why.append(_("appeal accepted after a hearing: %(item)s corrected") % {"item": item})
            else:
                why.append(_("appeal accepted: %(item)s corrected") % {"item": item})
        note.rows.append({"code": change.code, "name": change.name, "before": change.before, "after": change.after,
                          "why": "；".join(dict.fromkeys(why)) or _("rank moved with another unit's correction")})
    note.changed = len(note.rows)
    return note
