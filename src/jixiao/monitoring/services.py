"""Progress through the year (过程监控): period values, the monitoring job and the answers to its warnings.

The rules are the engine's (``jixiao.engine.monitoring``: the linear plan, the lag and its light;
``jixiao.engine.outliers``: the peer check); this module only feeds them the cycle's data in bulk and keeps
what they find as warnings (预警), one per unit, indicator, period and kind, so that a second run updates and
never duplicates.

Times: ``now`` is the caller's clock (the scheduler's, or a test's); None is the current time.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.audit.services import record_event, snapshot
from jixiao.collection.errors import ValueRefusedError, VersionConflictError
from jixiao.collection.models import Target
from jixiao.collection.services import check_entered_value, check_writable, lang, value_domain
from jixiao.core.choices import Action
from jixiao.core.errors import PermissionDeniedError, clean_text, validate
from jixiao.cycles.choices import CycleState
from jixiao.cycles.models import Cycle, Subject
from jixiao.cycles.services import lock_cycle, require_state
from jixiao.engine import monitoring as rules
from jixiao.engine import outliers as peers
from jixiao.engine.values import empty
from jixiao.monitoring.choices import FOLLOW_UP_STATES, TRANSITIONS, WarningKind, WarningState, WarningStatus
from jixiao.monitoring.errors import MonitoringInputError, WarningStateError
from jixiao.monitoring.models import MonitoringSetting, PeriodValue, Warning
from jixiao.monitoring.querysets import may_follow_up

#: Longest answer or note kept (a page of text; more is refused, not cut).
#: The rules whose indicator has a target to plan towards.
PLANNED_RULES = ("linear", "ratio", "threshold")
#: The peer check's method.
METHOD = "modz"


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _text(name: str, text: str, *, required: bool = True) -> str:
    return clean_text(name, text, MonitoringInputError, required=required)


def setting(cycle: Cycle) -> MonitoringSetting:
    """The cycle's limits: its own, else the engine's defaults (unsaved)."""
    return MonitoringSetting.objects.filter(cycle=cycle).first() or MonitoringSetting(cycle=cycle)


# --- what is planned ------------------------------------------------------------------------------------------

def planned(cycle: Cycle, subject_ids: Iterable[int] | None = None) -> pl.DataFrame:
    """Every subject and indicator that has an annual target to plan towards (a linear, ratio or threshold rule,
    applying to the subject's category): ``subject_id, indicator, target, higher``. The negotiated target
    (``collection.Target``) overrides the scheme's; a linear rule is "lower is better" when its target is below
    its floor."""
    scheme = cycle.scheme.engine
    leaves = [leaf for leaf in scheme.measured_leaves
              if leaf.rule is not None and leaf.rule.type in PLANNED_RULES]
    subjects_qs = Subject.objects.filter(cycle=cycle)
    if subject_ids is not None:
        subjects_qs = subjects_qs.filter(pk__in=list(subject_ids))
    subjects = pl.DataFrame(list(subjects_qs.values_list("pk", "category")), orient="row",
                            schema={"subject_id": pl.Int64, "category": pl.Utf8})
    empty_frame = pl.DataFrame(schema={"subject_id": pl.Int64, "indicator": pl.Utf8, "target": pl.Float64,
                                       "higher": pl.Boolean})
    if not leaves or subjects.is_empty():
        return empty_frame
    categories = subjects["category"].unique().to_list()
    applies = pl.DataFrame(
        [(leaf.code, cat, leaf.rule.type, leaf.rule.direction, leaf.rule.floor, leaf.rule.target)  # type: ignore[union-attr]
         for leaf in leaves for cat in categories if leaf.only is None or cat in leaf.only],
        orient="row", schema={"indicator": pl.Utf8, "category": pl.Utf8, "rule": pl.Utf8, "direction": pl.Utf8,
                              "s_floor": pl.Float64, "s_target": pl.Float64})
    negotiated = pl.DataFrame(
        list(Target.objects.filter(cycle=cycle, indicator__in=[leaf.code for leaf in leaves])
             .values_list("subject_id", "indicator", "floor", "target")),
        orient="row", schema={"subject_id": pl.Int64, "indicator": pl.Utf8, "n_floor": pl.Float64,
                              "n_target": pl.Float64})
    frame = (subjects.join(applies, on="category")
             .join(negotiated, on=["subject_id", "indicator"], how="left")
             .with_columns(target=pl.coalesce("n_target", "s_target"), floor=pl.coalesce("n_floor", "s_floor")))
    higher = (pl.when(pl.col("rule") == "linear").then(pl.col("target") >= pl.col("floor"))
              .otherwise(pl.col("direction") == "higher"))
    return (frame.filter(pl.col("target").is_not_null()).with_columns(higher=higher.fill_null(True))
            .select(empty_frame.columns))


def _frame(qs: QuerySet[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """A ``values_list`` queryset as a frame; on PostgreSQL through ``COPY`` (a year of a province is millions
    of period values: building a tuple for each would cost more than the checks)."""
    if connection.vendor != "postgresql":
        return pl.DataFrame(list(qs), orient="row", schema=schema)
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)",
                                                           params) as copy:
        data = b"".join(bytes(block) for block in copy)
    if not data:
        return pl.DataFrame(schema=schema)
    return pl.read_csv(io.BytesIO(data), has_header=False, schema=schema)


def _period_values(cycle: Cycle, subject_ids: Iterable[int] | None, period: int | None) -> pl.DataFrame:
    qs = PeriodValue.objects.filter(cycle=cycle)
    if subject_ids is not None:
        qs = qs.filter(subject_id__in=list(subject_ids))
    if period is not None:
        qs = qs.filter(period=period)
    return _frame(qs.values_list("subject_id", "indicator", "period", "value").order_by(),
                  {"subject_id": pl.Int64, "indicator": pl.Utf8, "period": pl.Int64, "actual": pl.Float64})


def plans(frame: pl.DataFrame, periods: int) -> pl.DataFrame:
    """``frame`` (with ``target`` and ``period``) with ``plan``: the engine's linear plan from 0 to the target,
    at the end of the period (``linear_plan(1, periods)`` is each period's share of the target)."""
    shares = rules.linear_plan(1.0, periods)
    index = np.clip(frame["period"].to_numpy() - 1, 0, periods - 1)
    return frame.with_columns(plan=pl.Series(frame["target"].to_numpy() * shares[index], dtype=pl.Float64))


def assess(cycle: Cycle, *, subject_ids: Iterable[int] | None = None, period: int | None = None,
           limits: MonitoringSetting | None = None, values: pl.DataFrame | None = None) -> pl.DataFrame:
    """Each period value of a planned indicator against its plan: ``subject_id, indicator, period, target,
    higher, actual, plan, lag, status`` (the engine's lag and light; a lag of NaN is not assessed). ``values``:
    the period values already loaded (``_period_values`` of the same subjects and period)."""
    limits = limits or setting(cycle)
    ids = list(subject_ids) if subject_ids is not None else None
    if values is None:
        values = _period_values(cycle, ids, period)
    frame = values.join(planned(cycle, ids), on=["subject_id", "indicator"])
    frame = plans(frame.filter(pl.col("period") <= limits.periods), limits.periods)
    lags = rules.lag(frame["actual"].to_numpy(), frame["plan"].to_numpy(), frame["higher"].to_numpy())
    return frame.with_columns(lag=pl.Series(lags, dtype=pl.Float64),
                              status=pl.Series(rules.status(lags, yellow=limits.yellow, red=limits.red)))


# --- period values --------------------------------------------------------------------------------------------

def do_set_period_value(subject: Subject, indicator: str, period: int, value: float | str, *, actor: Any,
                        version: int | None = None, note: str = "") -> PeriodValue:
    """Enter a unit's cumulative value of an indicator to the end of month ``period`` (月度填报). Only while the
    cycle is open, by who may write the indicator's value itself (``check_writable``), and only what the one
    value check accepts (an error refuses; its warnings compare with annual values and are not asked about
    here). ``version`` as for ``do_set_value``: 0 for "there was none", else the version read; None skips the
    comparison (the system's own tools)."""
    with transaction.atomic():
        cycle = lock_cycle(subject.cycle_id)
        require_state(cycle, [CycleState.OPEN], _("entering period values"))
        subject = Subject.objects.get_for(actor, Action.VIEW, pk=subject.pk)
        subject.cycle = cycle
        limits = setting(cycle)
        if isinstance(period, bool) or not isinstance(period, int) or not 1 <= period <= limits.periods:
            raise MonitoringInputError(field=_("month"), problem=_("a month from 1 to %(n)s") % {"n": limits.periods})
        number, findings = check_entered_value(subject, indicator, value)
        check_writable(actor, subject, indicator)
        errors = [f.text(lang()) for f in findings if f.is_error]
        if number is None or errors:
            errors = errors or [(findings or [empty(value_domain(subject, indicator))])[0].text(lang())]
            raise ValueRefusedError(text="; ".join(errors))
        # The race: two users saving the same month at once; the row lock makes the later one see the version.
        row = PeriodValue.objects.select_for_update().filter(subject=subject, indicator=indicator,
                                                             period=period).first()
        name = cycle.scheme.engine.item_name(indicator)
        if version is not None and version != (row.version if row is not None else 0):
            if row is None:
                raise VersionConflictError(indicator=name, by="-", at="-", current=_("deleted"), yours=f"{number:g}")
            by = row.entered_by.get_username() if row.entered_by else _("an import")
            raise VersionConflictError(indicator=name, by=by, at=timezone.localtime(row.entered_at)
                                       .strftime("%Y-%m-%d %H:%M:%S"), current=f"{row.value:g}",
                                       yours=f"{number:g}", version=row.version)
        before = snapshot(row) if row is not None else None
        if row is None:
            row = PeriodValue(cycle=cycle, subject=subject, indicator=indicator, period=period, version=0)
        row.value, row.note = number, _text("note", note, required=False)
        row.entered_by, row.entered_at = _user(actor), timezone.now()
        row.version += 1
        validate(row, validate_unique=False, validate_constraints=False)
        row.save()
        record_event("period_value.set", actor=actor, obj=row,
                     object_repr=f"{cycle.code} {subject.code} {indicator} #{period}", before=before,
                     after=snapshot(row))
    return row


def do_load_period_values(cycle: Cycle, rows: Iterable[tuple[str, str, int, float | str]], *, actor: Any) -> int:
    """Load many units' period values at once (``unit, indicator, month, value``; the office's and the
    system's: an import, the demo): all or nothing, each value through the one value check (its errors; its
    warnings compare with annual values and are not asked about here), a value already entered for the same month
    replaced with its version counted on. One audit event ``period_value.load`` with the counts. Returns how many
    rows were written."""
    from jixiao.engine.values import check_text, check_value, domain

    with transaction.atomic():
        cycle = lock_cycle(cycle)
        require_state(cycle, [CycleState.OPEN], _("entering period values"))
        Cycle.objects.get_for(actor, Action.CHANGE, pk=cycle.pk)
        scheme = cycle.scheme.engine
        periods = setting(cycle).periods
        subjects = dict(Subject.objects.filter(cycle=cycle).values_list("code", "pk"))
        wanted: dict[tuple[int, str, int], float] = {}
        problems: list[str] = []
        for n, (unit, indicator, period, value) in enumerate(rows, start=1):
            where = _("row %(n)s") % {"n": n}
            if unit not in subjects:
                problems.append(where + "：" + _("unit %(code)s is not in this cycle") % {"code": unit})
                continue
            if indicator not in scheme.value_codes:
                problems.append(where + "：" + _("indicator %(code)s is not in the scheme") % {"code": indicator})
                continue
            if isinstance(period, bool) or not isinstance(period, int) or not 1 <= period <= periods:
                problems.append(where + "：" + _("a month from 1 to %(n)s") % {"n": periods})
                continue
            d = domain(scheme, indicator)
            if isinstance(value, str):
                number, findings = check_text(d, value)
            else:
                number, findings = float(value), check_value(d, float(value))
            errors = [f.text(lang()) for f in findings if f.is_error]
            if number is None or errors:
                problems.append(where + "：" + ("; ".join(errors) or empty(d).text(lang())))
                continue
            wanted[(subjects[unit], indicator, period)] = number
        if problems:
            raise MonitoringInputError(field=_("period values"), problem="; ".join(problems[:20]))
        existing = {(r.subject_id, r.indicator, r.period): r for r in PeriodValue.objects.select_for_update()
                    .filter(cycle=cycle, subject_id__in={k[0] for k in wanted})}
        now, user = timezone.now(), _user(actor)
        new, changed = [], []
        for key, number in wanted.items():
            row = existing.get(key)
            if row is None:
                new.append(PeriodValue(cycle=cycle, subject_id=key[0], indicator=key[1], period=key[2], value=number,
                                       version=1, entered_by=user, entered_at=now))
            elif row.value != number:
                row.value, row.version, row.entered_by, row.entered_at = number, row.version + 1, user, now
                changed.append(row)
        PeriodValue.objects.bulk_create(new, batch_size=2000)
        PeriodValue.objects.bulk_update(changed, ["value", "version", "entered_by", "entered_at"], batch_size=2000)
        record_event("period_value.load", actor=actor, obj=cycle, object_repr=f"{cycle.code} period values",
                     before=None, after={"rows": len(wanted), "created": len(new), "updated": len(changed)})
    return len(new) + len(changed)


# --- the monitoring job ---------------------------------------------------------------------------------------

def _anomalies(cycle: Cycle, values: pl.DataFrame) -> dict[tuple[int, str, int], str]:
    """The period values far from their peers' (same indicator, period and subject category), with why."""
    if values.is_empty():
        return {}
    categories = pl.DataFrame(list(Subject.objects.filter(cycle=cycle).values_list("pk", "category")),
                              orient="row", schema={"subject_id": pl.Int64, "group": pl.Utf8})
    frame = values.join(categories, on="subject_id").with_row_index("unit")
    flagged = peers.outliers(frame.select("unit", "indicator", "period", "group", value="actual"),
                             method=METHOD, keys=("indicator", "period", "group"))
    if flagged.is_empty():
        return {}
    found = flagged.join(frame.select("unit", "subject_id", "period"), on="unit")
    return {(row["subject_id"], row["indicator"], row["period"]): peers.why(row, METHOD, "zh")
            for row in found.iter_rows(named=True)}


def run_monitoring(cycle: Cycle, *, now: datetime | None = None, period: int | None = None) -> dict[str, int]:
    """The scheduled job (监控任务): every period value of a planned indicator against the linear plan (a lag
    beyond red is a ``lag`` warning), and every period value against its peers' (an outlier is an ``anomaly``
    warning); ``period`` None is every month with values. Idempotent: a warning is keyed by unit, indicator,
    month and kind, so a second run creates none; one whose finding changed is updated (its state kept), one
    whose condition cleared is left as it is. Returns the counts, which the audit event ``monitoring.run``
    records."""
    now = now or timezone.now()
    with transaction.atomic():
        # The race: two runs (beat and an office's click) creating the same warnings; the second waits here.
        cycle = lock_cycle(cycle)
        limits = setting(cycle)
        values = _period_values(cycle, None, period)
        frame = assess(cycle, period=period, limits=limits, values=values)
        status = frame["status"].to_numpy()
        wanted: dict[tuple[int, str, int, str], tuple[str, str]] = {}
        red = frame.filter(pl.col("status") == rules.RED)
        for row in red.iter_rows(named=True):
            key = (row["subject_id"], row["indicator"], row["period"], WarningKind.LAG.value)
            wanted[key] = (WarningStatus.RED.value, rules.lag_words(row["actual"], row["plan"], row["lag"], "zh"))
        anomalies = _anomalies(cycle, values)
        for (sid, code, k), why in anomalies.items():
            wanted[(sid, code, k, WarningKind.ANOMALY.value)] = (WarningStatus.YELLOW.value, why)
        existing_qs = Warning.objects.filter(cycle=cycle, kind__in=[WarningKind.LAG, WarningKind.ANOMALY])
        if period is not None:
            existing_qs = existing_qs.filter(period=period)
        existing = {(s, i, p, k): (pk, st, d) for pk, s, i, p, k, st, d in existing_qs.values_list(
            "pk", "subject_id", "indicator", "period", "kind", "status", "detail").order_by()}
        new, changed = [], []
        for key, (light, detail) in wanted.items():
            if key not in existing:
                new.append(Warning(cycle=cycle, subject_id=key[0], indicator=key[1], period=key[2], kind=key[3],
                                   status=light, detail=detail, created_at=now, updated_at=now))
            elif existing[key][1:] != (light, detail):
                changed.append(Warning(pk=existing[key][0], status=light, detail=detail, updated_at=now))
        Warning.objects.bulk_create(new, batch_size=2000)
        Warning.objects.bulk_update(changed, ["status", "detail", "updated_at"], batch_size=2000)
        counts = {
            "assessed": int((status != rules.NOT_ASSESSED).sum()),
            "green": int((status == rules.GREEN).sum()),
            "yellow": int((status == rules.YELLOW).sum()),
            "red": int((status == rules.RED).sum()),
            "lag": red.height,
            "anomaly": len(anomalies),
            "created": len(new),
            "updated": len(changed),
            "unchanged": len(wanted) - len(new) - len(changed),
        }
        record_event("monitoring.run", actor=None, obj=cycle, object_repr=f"{cycle.code} monitoring",
                     after={**counts, "period": period})
    return counts


def run_open_cycles(now: datetime | None = None) -> dict[str, dict[str, int]]:
    """The job over every open cycle (what the scheduler and Celery beat run): counts by cycle code."""
    return {cycle.code: run_monitoring(cycle, now=now)
            for cycle in Cycle.objects.filter(state=CycleState.OPEN).select_related("scheme").order_by("code")}


# --- answers and follow-up ------------------------------------------------------------------------------------

def _step(warning: Warning, step: str, label: str) -> None:
    if warning.state not in TRANSITIONS[step]:
        raise WarningStateError(unit=warning.subject.name, indicator=warning.indicator, step=label,
                                state=WarningState(warning.state).label)


def do_answer_warning(warning: Warning, *, actor: Any, answer: str) -> Warning:
    """The unit answers a warning (回复预警): its operator or leader (in scope), or the office; the answer is
    required. An answered warning may be answered again until the office follows it up."""
    with transaction.atomic():
        # The race: an answer and the office's follow-up at once; the later sees the state the first left.
        row: Warning = (Warning.objects.select_for_update().select_related("subject")
                        .get_for(actor, Action.CHANGE, pk=warning.pk))
        _step(row, "answer", _("answer"))
        text = _text(_("answer"), answer)
        before = snapshot(row)
        row.state, row.answer = WarningState.ANSWERED, text
        row.answered_by, row.answered_at = _user(actor), timezone.now()
        row.updated_at = row.answered_at
        validate(row, validate_unique=False, validate_constraints=False)
        row.save(update_fields=["state", "answer", "answered_by", "answered_at", "updated_at"])
        record_event("warning.answer", actor=actor, obj=row, before=before, after=snapshot(row))
    return row


def do_follow_up_warning(warning: Warning, *, actor: Any, state: str, note: str = "") -> Warning:
    """The office follows a warning up (跟进): explained (已说明), corrected (已更正) or confirmed (已确认),
    with a note; only the office."""
    with transaction.atomic():
        row: Warning = (Warning.objects.select_for_update().select_related("subject")
                        .get_for(actor, Action.VIEW, pk=warning.pk))
        if not may_follow_up(actor):
            raise PermissionDeniedError(action=_("follow up"), what=_("warning"))
        if state not in FOLLOW_UP_STATES:
            raise MonitoringInputError(field=_("state"), problem=_("one of %(states)s") % {
                "states": " / ".join(str(s.label) for s in FOLLOW_UP_STATES)})
        _step(row, "follow_up", _("follow up"))
        before = snapshot(row)
        row.state, row.follow_up = WarningState(state), _text(_("note"), note, required=False)
        row.updated_at = timezone.now()
        validate(row, validate_unique=False, validate_constraints=False)
        row.save(update_fields=["state", "follow_up", "updated_at"])
        record_event("warning.follow_up", actor=actor, obj=row, before=before, after=snapshot(row))
    return row
