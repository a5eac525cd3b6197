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
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
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
from jixiao.inbox.choices import NoticeKind
from jixiao.inbox.services import notify, office_users, users_by_unit, users_of_units
from jixiao.monitoring.choices import (
    FOLLOW_UP_STATES,
    OPEN_ORDER_STATES,
    ORDER_TRANSITIONS,
    TRANSITIONS,
    Entry,
    Frequency,
    OrderLogKind,
    OrderState,
    Recheck,
    Stage,
    WarningKind,
    WarningState,
    WarningStatus,
)
from jixiao.monitoring.errors import MonitoringInputError, OrderStateError, WarningStateError
from jixiao.monitoring.models import (
    DualPair,
    Escalation,
    EscalationStep,
    MonitoringSetting,
    Order,
    OrderLog,
    PeriodPlan,
    PeriodValue,
    Reporting,
    Warning,
)
from jixiao.monitoring.querysets import may_follow_up

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

def plannable(cycle: Cycle) -> list[Any]:
    """The scheme's indicators with an annual target to plan towards (a linear, ratio or threshold rule): those
    that can be monitored through the year."""
    return [leaf for leaf in cycle.scheme.engine.measured_leaves
            if leaf.rule is not None and leaf.rule.type in PLANNED_RULES]


def _require_plannable(cycle: Cycle, code: str, field: str) -> None:
    if code not in {leaf.code for leaf in plannable(cycle)}:
        raise MonitoringInputError(field=field, problem=_(
            "%(code)s has no annual target to plan towards (a linear, ratio or threshold rule)") % {"code": code})


def planned(cycle: Cycle, subject_ids: Iterable[int] | None = None) -> pl.DataFrame:
    """Every subject and indicator that has an annual target to plan towards (a linear, ratio or threshold rule,
    applying to the subject's category; only the cycle's monitored indicators, ``Reporting``, where it names
    any): ``subject_id, indicator, target, higher``. The negotiated target (``collection.Target``) overrides the
    scheme's; a linear rule is "lower is better" when its target is below its floor."""
    monitored = set(Reporting.objects.filter(cycle=cycle).values_list("indicator", flat=True))
    leaves = [leaf for leaf in plannable(cycle) if not monitored or leaf.code in monitored]
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
        [(leaf.code, cat, leaf.rule.type, leaf.rule.direction, leaf.rule.floor, leaf.rule.target)
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


#: Blocks the server groups a large read into (a few megabytes of CSV each).
BLOCKS = 16


def _frame(qs: QuerySet[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """A ``values_list`` queryset (its first column an integer id) as a frame. On PostgreSQL the server writes
    the rows as CSV text in a few blocks (``string_agg``): a year of a province is millions of period values,
    and reading them a row at a time (a tuple, or a ``COPY`` message, each) costs more than the checks. Text
    columns are quoted; numbers are PostgreSQL's shortest exact text."""
    if connection.vendor != "postgresql":
        return pl.DataFrame(list(qs), orient="row", schema=schema)
    sql, params = qs.query.sql_with_params()
    names = [f"c{i}" for i in range(len(schema))]
    cells = [f"""coalesce('"' || replace({n}, '"', '""') || '"', '')""" if dtype == pl.Utf8
             else f"coalesce({n}::text, '')" for n, dtype in zip(names, schema.values(), strict=True)]
    line = " || ',' || ".join(cells)
    # Grouped by the first column (an integer id) into blocks; ``%%``: the query has parameters.
    query = (f"SELECT string_agg({line}, E'\\n') FROM ({sql}) AS q({', '.join(names)}) "
             f"GROUP BY c0 %% {BLOCKS}")
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        blocks = [row[0] for row in cursor.fetchall()]
    if not blocks:
        return pl.DataFrame(schema=schema)
    return pl.read_csv(io.StringIO("\n".join(blocks)), has_header=False, schema=schema)


def _insert(model: Any, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert many new rows of ``model`` (``columns`` by attribute name, every column without a default): on
    PostgreSQL with ``COPY`` (building a model instance per row costs more than the job's checks), elsewhere
    with ``bulk_create``."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2000)
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
    frame = pl.DataFrame(rows, orient="row", schema=columns, infer_schema_length=None)
    # CSV as PostgreSQL reads it: text quoted (an empty text is "", not NULL), times with their offset.
    frame = frame.with_columns(pl.col(pl.Datetime).dt.to_string("%Y-%m-%dT%H:%M:%S%.f%:z"))
    data = frame.write_csv(include_header=False, quote_style="non_numeric")
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
        copy.write(data.encode())


def _period_values(cycle: Cycle, subject_ids: Iterable[int] | None, period: int | None) -> pl.DataFrame:
    """The period values as values to date (``actual``): as entered, or, for an indicator whose periods are
    entered on their own (``Entry.PERIOD``), summed over the periods so far (a missing period adds nothing)."""
    own = sorted(Reporting.objects.filter(cycle=cycle, entry=Entry.PERIOD).values_list("indicator", flat=True))
    qs = PeriodValue.objects.filter(cycle=cycle)
    if subject_ids is not None:
        qs = qs.filter(subject_id__in=list(subject_ids))
    if period is not None:
        qs = qs.filter(period__lte=period) if own else qs.filter(period=period)
    frame = _frame(qs.values_list("subject_id", "indicator", "period", "value").order_by(),
                   {"subject_id": pl.Int64, "indicator": pl.Utf8, "period": pl.Int64, "actual": pl.Float64})
    if own:
        keys = ["subject_id", "indicator"]
        frame = frame.sort(*keys, "period").with_columns(
            actual=pl.when(pl.col("indicator").is_in(own)).then(pl.col("actual").cum_sum().over(keys))
            .otherwise(pl.col("actual")))
        if period is not None:
            frame = frame.filter(pl.col("period") == period)
    return frame


def plans(frame: pl.DataFrame, periods: int, negotiated: pl.DataFrame | None = None) -> pl.DataFrame:
    """``frame`` (with ``subject_id``, ``indicator``, ``target`` and ``period``) with ``plan``: the negotiated
    plan of the period where there is one (``negotiated``: ``subject_id, indicator, period, agreed``), else the
    engine's linear plan from 0 to the target at the end of the period (``linear_plan(1, periods)`` is each
    period's share of the target)."""
    shares = rules.linear_plan(1.0, periods)
    index = np.clip(frame["period"].to_numpy() - 1, 0, periods - 1)
    frame = frame.with_columns(plan=pl.Series(frame["target"].to_numpy() * shares[index], dtype=pl.Float64))
    if negotiated is None or negotiated.is_empty():
        return frame
    keys = ["subject_id", "indicator", "period"]
    return (frame.join(negotiated, on=keys, how="left")
            .with_columns(plan=pl.coalesce("agreed", "plan")).drop("agreed"))


def negotiated_plans(cycle: Cycle, subject_ids: Iterable[int] | None = None) -> pl.DataFrame:
    """The cycle's negotiated period plans (``subject_id, indicator, period, agreed``)."""
    qs = PeriodPlan.objects.filter(cycle=cycle)
    if subject_ids is not None:
        qs = qs.filter(subject_id__in=list(subject_ids))
    return pl.DataFrame(list(qs.values_list("subject_id", "indicator", "period", "plan")), orient="row",
                        schema={"subject_id": pl.Int64, "indicator": pl.Utf8, "period": pl.Int64,
                                "agreed": pl.Float64})


def assess(cycle: Cycle, *, subject_ids: Iterable[int] | None = None, period: int | None = None,
           limits: MonitoringSetting | None = None, values: pl.DataFrame | None = None,
           targets: pl.DataFrame | None = None) -> pl.DataFrame:
    """Each period value of a planned indicator against its plan: ``subject_id, indicator, period, target,
    higher, actual, plan, lag, status`` (the engine's lag and light; a lag of NaN is not assessed). ``values``:
    the period values already loaded (``_period_values`` of the same subjects and period); ``targets``: ``planned``
    of the same subjects, already made."""
    limits = limits or setting(cycle)
    ids = list(subject_ids) if subject_ids is not None else None
    if values is None:
        values = _period_values(cycle, ids, period)
    frame = values.join(planned(cycle, ids) if targets is None else targets, on=["subject_id", "indicator"])
    frame = plans(frame.filter(pl.col("period") <= limits.periods), limits.periods, negotiated_plans(cycle, ids))
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


def _due_periods(cycle: Cycle, limits: MonitoringSetting, now: datetime) -> list[int]:
    """The periods whose values were due before ``now`` (by the end of day ``due_day`` of the next month)."""
    out = []
    for k in range(1, limits.periods + 1):
        y, m, d = rules.due_date(cycle.year, k, limits.periods, limits.due_day)
        if rules.stale(None, timezone.make_aware(datetime(y, m, d)) + timedelta(days=1), now):
            out.append(k)
    return out


def _history(cycle: Cycle, values: pl.DataFrame) -> tuple[dict[tuple[int, str, int], str],
                                                         dict[tuple[int, str, int], str]]:
    """The period values unusual against the unit's own history, with why: sudden jumps (a month's increment
    against the unit's usual one, ``rules.jumps``) and changes from the same period last year
    (``rules.year_change``; the cycle of the year before of the same kind, matched by unit)."""
    if values.is_empty():
        return {}, {}
    keys = ["subject_id", "indicator"]
    # Sorted, each row's increment over the row before, kept where that row is the same unit and indicator's
    # month before (plain differences: windows over 100,000s of groups cost twice as much).
    steps = (values.sort(*keys, "period")
             .with_columns(increment=pl.col("actual").diff(), gap=pl.col("period").diff(),
                           same=(pl.col("subject_id").diff() == 0) & (pl.col("indicator") == pl.col("indicator")
                                                                      .shift(1)))
             .filter(pl.col("same") & (pl.col("gap") == 1)))
    steps = steps.join(steps.group_by(keys).agg(usual=pl.col("increment").median(), months=pl.len()), on=keys)
    hit = rules.jumps(steps["increment"].to_numpy(), steps["usual"].to_numpy(), steps["months"].to_numpy())
    jumped = steps.filter(pl.Series(hit))
    jumps = {(r[0], r[1], r[2]): rules.jump_words(r[3], r[4])
             for r in jumped.select(*keys, "period", "increment", "usual").iter_rows()}
    before = Cycle.objects.filter(year=cycle.year - 1, period_kind=cycle.period_kind,
                                  period_number=cycle.period_number)
    last = _frame(PeriodValue.objects.filter(cycle__in=before).values_list("subject__unit_id", "indicator",
                                                                         "period", "value").order_by(),
                  {"unit_id": pl.Int64, "indicator": pl.Utf8, "period": pl.Int64, "last": pl.Float64})
    years: dict[tuple[int, str, int], str] = {}
    if not last.is_empty():
        units = pl.DataFrame(list(Subject.objects.filter(cycle=cycle).values_list("pk", "unit_id")), orient="row",
                             schema={"subject_id": pl.Int64, "unit_id": pl.Int64})
        both = values.join(units, on="subject_id").join(last, on=["unit_id", "indicator", "period"])
        far = both.filter(pl.Series(rules.year_change(both["actual"].to_numpy(), both["last"].to_numpy())))
        years = {(r[0], r[1], r[2]): rules.year_words(r[3], r[4])
                 for r in far.select(*keys, "period", "actual", "last").iter_rows()}
    return jumps, years


def _stale(cycle: Cycle, limits: MonitoringSetting, targets: pl.DataFrame, values: pl.DataFrame,
           now: datetime) -> dict[tuple[int, str, int], str]:
    """Every planned unit and indicator's period whose value was due and is not there (数据逾期), with why."""
    due = _due_periods(cycle, limits, now)
    if not due or targets.is_empty():
        return {}
    keys = ["subject_id", "indicator"]
    # Each indicator's due periods: every month, or the quarters' ends for one reported quarterly.
    quarterly = set(Reporting.objects.filter(cycle=cycle, frequency=Frequency.QUARTERLY)
                    .values_list("indicator", flat=True))
    ends = set(rules.quarter_ends(limits.periods))
    dues = pl.DataFrame([(code, k) for code in targets["indicator"].unique().to_list() for k in due
                         if code not in quarterly or k in ends], orient="row",
                        schema={"indicator": pl.Utf8, "period": pl.Int64})
    entered = values.select(*keys, "period").join(dues, on=["indicator", "period"], how="semi")
    # Only the units and indicators short of a value are looked at period by period.
    owed = dues.group_by("indicator").len("owed")
    short = (targets.select(keys).join(owed, on="indicator")
             .join(entered.group_by(keys).len(), on=keys, how="left")
             .filter(pl.col("len").fill_null(0) < pl.col("owed")))
    if short.is_empty():
        return {}
    expected = short.select(keys).join(dues, on="indicator")
    missing = expected.join(entered, on=[*keys, "period"], how="anti")
    words = {k: rules.stale_words(k, rules.due_date(cycle.year, k, limits.periods, limits.due_day))
             for k in due}
    return {(sid, code, k): words[k] for sid, code, k in missing.iter_rows()}


def _dual(cycle: Cycle, limits: MonitoringSetting, frame: pl.DataFrame) -> dict[tuple[int, str, int], tuple[str, str]]:
    """Dual monitoring of the cycle's budget items: each unit's spending progress against its output progress in
    each period, both against their annual targets; (light, why) of each finding, keyed by the spending
    indicator."""
    found: dict[tuple[int, str, int], tuple[str, str]] = {}
    for spending, output in DualPair.objects.filter(cycle=cycle).values_list("spending", "output"):
        a = frame.filter(pl.col("indicator") == spending).select("subject_id", "period", s=pl.col("actual"),
                                                                 s_target=pl.col("target"))
        b = frame.filter(pl.col("indicator") == output).select("subject_id", "period", o=pl.col("actual"),
                                                               o_target=pl.col("target"))
        both = a.join(b, on=["subject_id", "period"])
        if both.is_empty():
            continue
        _gap, finding = rules.dual(both["s"].to_numpy(), both["s_target"].to_numpy(), both["o"].to_numpy(),
                                   both["o_target"].to_numpy(), gap=limits.dual_gap)
        hits = both.with_columns(finding=pl.Series(finding)).filter(pl.col("finding") != 0)
        for row in hits.iter_rows(named=True):
            light = WarningStatus.RED if row["finding"] == 1 else WarningStatus.YELLOW
            found[(row["subject_id"], spending, row["period"])] = (
                light.value, rules.dual_words(row["s"] / row["s_target"], row["o"] / row["o_target"],
                                              row["finding"]))
    return found


def _escalate(cycle: Cycle, limits: MonitoringSetting, quarters: pl.DataFrame,
              now: datetime) -> list[tuple[int, int]]:
    """Each unit and indicator's escalation stage from its quarters' lights (the engine's ``escalate_all``,
    from the office's override where there is one), and the steps of every change not yet recorded. Writes
    the escalations whose stage changed and their steps; returns (subject id, stage reached) of each step."""
    ends = rules.quarter_ends(limits.periods)
    existing = pl.DataFrame(
        list(Escalation.objects.filter(cycle=cycle).values_list("pk", "subject_id", "indicator", "stage",
                                                                "override_stage", "override_period")),
        orient="row", schema={"pk": pl.Int64, "subject_id": pl.Int64, "indicator": pl.Utf8, "stage": pl.Int64,
                              "o_stage": pl.Int64, "o_period": pl.Int64})
    if quarters.is_empty() and existing.is_empty():
        return []
    wide = quarters.pivot(on="period", index=["subject_id", "indicator"], values="status")
    wide = wide.join(existing, on=["subject_id", "indicator"], how="full", coalesce=True)
    stage = wide["o_stage"].fill_null(0).to_numpy().astype(np.int8)
    start = stage.copy()
    after = wide["o_period"].fill_null(0).to_numpy()
    path = []
    for k in ends:
        column = wide[str(k)].fill_null(rules.NOT_ASSESSED).to_numpy() if str(k) in wide.columns else \
            np.full(wide.height, rules.NOT_ASSESSED)
        stage = np.where(k > after, rules.escalate_all(stage, column), stage).astype(np.int8)
        path.append(stage)
    before = wide["stage"].fill_null(0).to_numpy()
    changed = np.flatnonzero(stage != before)
    if changed.size == 0:
        return []
    keys = wide.select("pk", "subject_id", "indicator")
    pks = [keys["pk"][int(i)] for i in changed]
    known = set(EscalationStep.objects.filter(escalation_id__in=[p for p in pks if p is not None])
                .values_list("escalation_id", "stage", "period"))
    rows = []
    for i in changed:
        pk, sid, code = keys.row(int(i))
        rows.append(Escalation(pk=pk, cycle=cycle, subject_id=sid, indicator=code, stage=int(stage[i]),
                               updated_at=now))
    _insert(Escalation, ["cycle_id", "subject_id", "indicator", "stage", "updated_at"],
            [(cycle.pk, r.subject_id, r.indicator, r.stage, now) for r in rows if r.pk is None])
    if any(r.pk is None for r in rows):
        ids = {(sid, code): pk for pk, sid, code in Escalation.objects.filter(cycle=cycle)
               .values_list("pk", "subject_id", "indicator").order_by()}
        for r in rows:
            r.pk = r.pk or ids[(r.subject_id, r.indicator)]
    steps, made = [], []
    for row, i in zip(rows, changed, strict=True):
        previous = int(start[i])
        for q, k in enumerate(ends):
            reached = int(path[q][i])
            if k > after[i] and reached != previous and (row.pk, reached, k) not in known:
                why = rules.stage_words(previous, reached, rules.end_month(k, limits.periods))
                steps.append((row.pk, reached, k, why, True, "", "", "", now))
                made.append((row.subject_id, reached))
            previous = reached
    Escalation.objects.bulk_update([r for r, i in zip(rows, changed, strict=True) if keys["pk"][int(i)] is not None],
                                   ["stage", "updated_at"], batch_size=2000)
    _insert(EscalationStep, ["escalation_id", "stage", "period", "reason", "automatic", "record", "file", "file_name",
                             "at"], steps)
    return made


def _propose_orders(cycle: Cycle, quarters: pl.DataFrame, periods: int, now: datetime) -> list[tuple[Any, ...]]:
    """A rectification order proposed (待下达) for each red quarter of a unit and indicator, unless one was
    already made for that quarter or one for the same unit and indicator is still open."""
    red = quarters.filter(pl.col("status") == rules.RED).sort("period", "subject_id", "indicator")
    if red.is_empty():
        return []
    made = set(Order.objects.filter(cycle=cycle).values_list("subject_id", "indicator", "period"))
    open_pairs = set(Order.objects.filter(cycle=cycle, state__in=OPEN_ORDER_STATES)
                     .values_list("subject_id", "indicator"))
    count = Order.objects.filter(cycle=cycle).count()
    scheme = cycle.scheme.engine
    new = []
    for row in red.iter_rows(named=True):
        key = (row["subject_id"], row["indicator"], row["period"])
        if key in made or key[:2] in open_pairs:
            continue
        open_pairs.add(key[:2])
        count += 1
        month = rules.end_month(row["period"], periods)
        finding = (f"{scheme.item_name(row['indicator'])}：{month}月季度末考核亮红灯，"
                   + rules.lag_words(row["actual"], row["plan"], row["lag"], "zh"))
        new.append((cycle.pk, *key, f"{cycle.code}-ZG-{count:04}", finding, "", OrderState.PROPOSED.value, True, "",
                    0, now, now))
    _insert(Order, ["cycle_id", "subject_id", "indicator", "period", "number", "finding", "requirement", "state",
                    "public", "plan", "fails", "created_at", "updated_at"], new)
    return new


def _overdue_orders(cycle: Cycle, now: datetime) -> list[Order]:
    """The issued orders found overdue for the first time (not acknowledged or not rectified in time): each
    marked, logged, and told to the unit and the office once."""
    qs = (Order.objects.filter(cycle=cycle, overdue_at__isnull=True)
          .filter(Q(state=OrderState.ISSUED, ack_due__lt=now)
                  | Q(state__in=(OrderState.ISSUED, OrderState.ACKNOWLEDGED), due__lt=now))
          .select_related("subject", "cycle"))
    found = list(qs)
    for order in found:
        what = order.overdue(now)
        order.overdue_at = now
        OrderLog.objects.create(order=order, kind=OrderLogKind.OVERDUE, text=what, at=now)
        _tell_unit(order, _("Order %(number)s is overdue: %(what)s") % {"number": order.number, "what": what})
    Order.objects.bulk_update(found, ["overdue_at"])
    if found:
        notify(office_users(), kind=NoticeKind.ORDER, cycle=cycle, link=reverse("monitoring:orders",
                                                                                args=[cycle.code]),
               title=_("%(cycle)s: %(n)s rectification orders overdue") % {"cycle": cycle.name, "n": len(found)},
               body="\n".join(f"{o.number} {o.subject.name}：{o.overdue(now)}" for o in found[:20]))
    return found


def _tell_units(cycle: Cycle, subject_ids: list[int], kind: str, title: str, page: str) -> None:
    """One notice per unit concerned (its operators and leaders), not one per finding; ``page`` the name of the
    cycle's page the notice links to."""
    if not subject_ids:
        return
    unit_of = dict(Subject.objects.filter(pk__in=set(subject_ids)).values_list("pk", "unit_id"))
    people = users_by_unit(set(unit_of.values()))
    if not people:
        return
    link = reverse(page, args=[cycle.code])
    per_unit: dict[int, int] = {}
    for sid in subject_ids:
        per_unit[unit_of[sid]] = per_unit.get(unit_of[sid], 0) + 1
    for unit_id, n in per_unit.items():
        if people.get(unit_id):
            notify(people[unit_id], kind=kind, cycle=cycle, link=link, title=title % {"cycle": cycle.name, "n": n})


def run_monitoring(cycle: Cycle, *, now: datetime | None = None, period: int | None = None) -> dict[str, int]:
    """The scheduled job (监控任务). Every value to date of a monitored indicator against its plan (linear, or
    negotiated by month; a lag beyond red is a ``lag`` warning), each budget item's spending against its output
    (``dual``), each value due and not entered (``stale``), every value against its peers' (``anomaly``) and
    against the unit's own history (``jump``, ``year``); then, from the lights at the ends of quarters, the
    escalation stages (四阶警示) and the rectification orders proposed for red quarters; then the issued orders
    found overdue. ``period`` None is every month.

    Idempotent: a warning is keyed by unit, indicator, month and kind, an order by unit, indicator and quarter,
    a step by escalation, stage and quarter, so a second run creates none; a warning whose finding changed is
    updated (its state kept), one whose condition cleared is left as it is. The units concerned and the office
    are told (one notice each). Returns the counts, which the audit event ``monitoring.run`` records."""
    now = now or timezone.now()
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        # The race: two runs (beat and an office's click) creating the same warnings; the second waits here.
        cycle = lock_cycle(cycle)
        limits = setting(cycle)
        values = _period_values(cycle, None, period)
        targets = planned(cycle)
        frame = assess(cycle, period=period, limits=limits, values=values, targets=targets)
        status = frame["status"].to_numpy()
        wanted: dict[tuple[int, str, int, str], tuple[str, str]] = {}
        red = frame.filter(pl.col("status") == rules.RED)
        for row in red.select("subject_id", "indicator", "period", "actual", "plan", "lag").iter_rows():
            wanted[(row[0], row[1], row[2], WarningKind.LAG.value)] = (
                WarningStatus.RED.value, rules.lag_words(row[3], row[4], row[5], "zh"))
        dual = _dual(cycle, limits, frame)
        for (sid, code, k), found in dual.items():
            wanted[(sid, code, k, WarningKind.DUAL.value)] = found
        stale = _stale(cycle, limits, targets, values, now) if period is None else {}
        for (sid, code, k), why in stale.items():
            wanted[(sid, code, k, WarningKind.STALE.value)] = (WarningStatus.YELLOW.value, why)
        anomalies = _anomalies(cycle, values)
        for (sid, code, k), why in anomalies.items():
            wanted[(sid, code, k, WarningKind.ANOMALY.value)] = (WarningStatus.YELLOW.value, why)
        jumps, years = _history(cycle, values) if period is None else ({}, {})
        for kind, flagged in ((WarningKind.JUMP, jumps), (WarningKind.YEAR, years)):
            for (sid, code, k), why in flagged.items():
                wanted[(sid, code, k, kind.value)] = (WarningStatus.YELLOW.value, why)
        existing_qs = Warning.objects.filter(cycle=cycle)
        if period is not None:
            existing_qs = existing_qs.filter(period=period)
        existing = {(s, i, p, k): (pk, st, d) for pk, s, i, p, k, st, d in existing_qs.values_list(
            "pk", "subject_id", "indicator", "period", "kind", "status", "detail").order_by()}
        new, changed = [], []
        for key, (light, detail) in wanted.items():
            if key not in existing:
                new.append((cycle.pk, *key, light, detail, WarningState.OPEN.value, "", "", now, now))
            elif existing[key][1:] != (light, detail):
                changed.append(Warning(pk=existing[key][0], status=light, detail=detail, updated_at=now))
        _insert(Warning, ["cycle_id", "subject_id", "indicator", "period", "kind", "status", "detail", "state",
                          "answer", "follow_up", "created_at", "updated_at"], new)
        Warning.objects.bulk_update(changed, ["status", "detail", "updated_at"], batch_size=2000)
        steps: list[tuple[int, int]] = []
        orders: list[tuple[Any, ...]] = []
        if period is None:
            ends = rules.quarter_ends(limits.periods)
            quarters = frame.filter(pl.col("period").is_in(ends))
            steps = _escalate(cycle, limits, quarters.select("subject_id", "indicator", "period", "status"), now)
            orders = _propose_orders(cycle, quarters, limits.periods, now)
        overdue = _overdue_orders(cycle, now)
        _tell_units(cycle, [w[1] for w in new], NoticeKind.WARNING,
                    _("%(cycle)s: %(n)s new warnings"), "monitoring:warnings")
        _tell_units(cycle, [sid for sid, stage in steps if stage > 0], NoticeKind.ESCALATION,
                    _("%(cycle)s: escalation raised for %(n)s indicators"),
                    "monitoring:escalation")
        counts = {
            "assessed": int((status != rules.NOT_ASSESSED).sum()),
            "green": int((status == rules.GREEN).sum()),
            "yellow": int((status == rules.YELLOW).sum()),
            "red": int((status == rules.RED).sum()),
            "lag": red.height,
            "dual": len(dual),
            "stale": len(stale),
            "anomaly": len(anomalies),
            "jump": len(jumps),
            "year": len(years),
            "created": len(new),
            "updated": len(changed),
            "unchanged": len(wanted) - len(new) - len(changed),
            "escalation_steps": len(steps),
            "orders_proposed": len(orders),
            "orders_overdue": len(overdue),
        }
        if (new or steps or orders) and office_users().exists():
            notify(office_users(), kind=NoticeKind.WARNING, cycle=cycle,
                   link=reverse("monitoring:overview", args=[cycle.code]),
                   title=_("%(cycle)s monitoring: %(w)s new warnings, %(o)s orders proposed, %(s)s escalation "
                           "changes") % {"cycle": cycle.name, "w": len(new), "o": len(orders), "s": len(steps)})
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


# --- rectification orders (整改通知单) ---------------------------------------------------------------------------

def _order_step(order: Order, step: str, label: str) -> None:
    if order.state not in ORDER_TRANSITIONS[step]:
        raise OrderStateError(number=order.number, step=label, state=OrderState(order.state).label)


def _office(actor: Any, action: str) -> None:
    if not may_follow_up(actor):
        raise PermissionDeniedError(action=action, what=_("rectification order"))


def _locked_order(order: Order, actor: Any, action: Action) -> Order:
    # Locked alone (the access rules' joins include outer ones, which PostgreSQL does not lock), then read
    # through them.
    Order.objects.select_for_update().filter(pk=order.pk).first()
    row: Order = Order.objects.select_related("cycle", "subject").get_for(actor, action, pk=order.pk)
    return row


def _save_with_file(row: OrderLog | EscalationStep, upload: File[Any] | None) -> None:
    """Save an order's history entry or an escalation step with its evidence file, if any: the file checked
    first (the evidence app's check: size and content), stored under its own name, and removed again if the row
    is not written."""
    if upload is not None:
        from jixiao.evidence.services import check_evidence_file

        name = Path(upload.name or "").name
        check_evidence_file(upload, name)
        row.file_name = name[:255]
        row.file.save(row.file_name, upload, save=False)
    try:
        row.save()
    except BaseException:
        if row.file:
            row.file.delete(save=False)
        raise


def _log(order: Order, kind: str, *, actor: Any, text: str = "", upload: File[Any] | None = None,
         at: datetime | None = None) -> OrderLog:
    entry = OrderLog(order=order, kind=kind, text=text, by=_user(actor), at=at or timezone.now())
    _save_with_file(entry, upload)
    return entry


def _order_link(order: Order) -> str:
    return reverse("monitoring:order", args=[order.pk])


def _tell_unit(order: Order, title: str, body: str = "") -> None:
    notify(users_of_units([order.subject.unit_id]), kind=NoticeKind.ORDER, title=title, body=body,
           link=_order_link(order), cycle=order.cycle)


def _save_order(row: Order, before: dict[str, Any], event: str, actor: Any, fields: list[str]) -> None:
    validate(row, validate_unique=False, validate_constraints=False)
    row.save(update_fields=[*fields, "updated_at"])
    record_event(event, actor=actor, obj=row, object_repr=row.number, before=before, after=snapshot(row))


def do_issue_order(order: Order, *, actor: Any, requirement: str, due: date | None = None, public: bool = True,
                   now: datetime | None = None) -> Order:
    """The office issues a proposed order (下达): what the unit must do, a deadline to rectify (``due``, the
    end of that day; the cycle's ``fix_days`` from now by default) and whether the portal shows it; the unit has
    the cycle's ``ack_hours`` (72 by default) to acknowledge it. The unit's people are told."""
    now = now or timezone.now()
    with transaction.atomic():
        row = _locked_order(order, actor, Action.VIEW)
        _office(actor, _("issue"))
        _order_step(row, "issue", _("issue"))
        limits = setting(row.cycle)
        text = _text(_("requirement"), requirement)
        if due is None:
            deadline = now + timedelta(days=limits.fix_days)
        else:
            deadline = timezone.make_aware(datetime.combine(due, time(23, 59, 59)))
            if deadline <= now:
                raise MonitoringInputError(field=_("rectify by"), problem=_("today or a later date"))
        before = snapshot(row)
        row.state, row.requirement, row.public = OrderState.ISSUED, text, bool(public)
        row.ack_due, row.due = now + timedelta(hours=limits.ack_hours), deadline
        row.issued_by, row.issued_at, row.updated_at = _user(actor), now, now
        _save_order(row, before, "order.issue", actor,
                    ["state", "requirement", "public", "ack_due", "due", "issued_by", "issued_at"])
        _log(row, OrderLogKind.ISSUED, actor=actor, text=text, at=now)
        _tell_unit(row, _("Rectification order %(number)s: %(unit)s, %(indicator)s") % {
            "number": row.number, "unit": row.subject.name,
            "indicator": row.cycle.scheme.engine.item_name(row.indicator)},
            _("Acknowledge it with a plan by %(ack)s; rectify by %(due)s.") % {
                "ack": timezone.localtime(row.ack_due).strftime("%Y-%m-%d %H:%M"),
                "due": timezone.localtime(row.due).strftime("%Y-%m-%d")})
    return row


def do_dismiss_order(order: Order, *, actor: Any, reason: str, now: datetime | None = None) -> Order:
    """The office decides not to issue a proposed order (不予下达), with the reason."""
    with transaction.atomic():
        row = _locked_order(order, actor, Action.VIEW)
        _office(actor, _("dismiss"))
        _order_step(row, "dismiss", _("dismiss"))
        text = _text(_("reason"), reason)
        before = snapshot(row)
        row.state, row.updated_at = OrderState.DISMISSED, now or timezone.now()
        _save_order(row, before, "order.dismiss", actor, ["state"])
        _log(row, OrderLogKind.DISMISSED, actor=actor, text=text, at=row.updated_at)
    return row


def do_acknowledge_order(order: Order, *, actor: Any, plan: str, now: datetime | None = None) -> Order:
    """The unit acknowledges an issued order with its rectification plan (签收并报送整改方案)."""
    now = now or timezone.now()
    with transaction.atomic():
        row = _locked_order(order, actor, Action.CHANGE)
        _order_step(row, "acknowledge", _("acknowledge"))
        text = _text(_("rectification plan"), plan)
        before = snapshot(row)
        row.state, row.plan, row.acknowledged_at, row.updated_at = OrderState.ACKNOWLEDGED, text, now, now
        _save_order(row, before, "order.acknowledge", actor, ["state", "plan", "acknowledged_at"])
        _log(row, OrderLogKind.ACKNOWLEDGED, actor=actor, text=text, at=now)
    return row


def do_report_order(order: Order, *, actor: Any, progress: str, evidence: File[Any] | None = None,
                    now: datetime | None = None) -> OrderLog:
    """The unit reports progress on an order it is rectifying (整改进展), with an optional evidence file."""
    with transaction.atomic():
        row = _locked_order(order, actor, Action.CHANGE)
        _order_step(row, "report", _("report progress on"))
        text = _text(_("progress"), progress)
        before = snapshot(row)
        row.updated_at = now or timezone.now()
        entry = _log(row, OrderLogKind.PROGRESS, actor=actor, text=text, upload=evidence, at=row.updated_at)
        _save_order(row, before, "order.report", actor, [])
    return entry


def do_submit_order(order: Order, *, actor: Any, summary: str, evidence: File[Any] | None = None,
                    now: datetime | None = None) -> Order:
    """The unit reports the rectification done and asks for the office's re-check (申请复核销号)."""
    with transaction.atomic():
        row = _locked_order(order, actor, Action.CHANGE)
        _order_step(row, "submit", _("submit"))
        text = _text(_("summary"), summary)
        before = snapshot(row)
        row.state, row.updated_at = OrderState.SUBMITTED, now or timezone.now()
        _save_order(row, before, "order.submit", actor, ["state"])
        _log(row, OrderLogKind.SUBMITTED, actor=actor, text=text, upload=evidence, at=row.updated_at)
        notify(office_users(), kind=NoticeKind.ORDER, link=_order_link(row), cycle=row.cycle,
               title=_("Order %(number)s awaits re-check: %(unit)s") % {"number": row.number,
                                                                          "unit": row.subject.name})
    return row


def do_recheck_order(order: Order, *, actor: Any, result: str, note: str, now: datetime | None = None) -> Order:
    """The office re-checks a submitted rectification (复核): passed closes the order (销号); failed sends it
    back to the unit, counted, with what is still wrong."""
    with transaction.atomic():
        row = _locked_order(order, actor, Action.VIEW)
        _office(actor, _("re-check"))
        _order_step(row, "recheck", _("re-check"))
        if result not in Recheck.values:
            raise MonitoringInputError(field=_("re-check"), problem=_("one of %(states)s") % {
                "states": " / ".join(str(r.label) for r in Recheck)})
        text = _text(_("note"), note, required=result == Recheck.FAIL)
        before = snapshot(row)
        row.updated_at = now or timezone.now()
        if result == Recheck.PASS:
            row.state, row.closed_at = OrderState.CLOSED, row.updated_at
            _save_order(row, before, "order.recheck", actor, ["state", "closed_at"])
            _log(row, OrderLogKind.PASSED, actor=actor, text=text, at=row.updated_at)
            _tell_unit(row, _("Order %(number)s closed after re-check") % {"number": row.number}, text)
        else:
            row.state, row.fails = OrderState.ACKNOWLEDGED, row.fails + 1
            _save_order(row, before, "order.recheck", actor, ["state", "fails"])
            _log(row, OrderLogKind.FAILED, actor=actor, text=text, at=row.updated_at)
            _tell_unit(row, _("Order %(number)s failed its re-check") % {"number": row.number}, text)
    return row


# --- escalation (四阶警示) ----------------------------------------------------------------------------------------

def do_set_period_plan(subject: Subject, indicator: str, agreed: dict[int, float | None], *,
                       actor: Any) -> list[PeriodPlan]:
    """The office records a unit's negotiated plan of an indicator (协商分期计划): the cumulative value planned
    by the end of each period named in ``agreed``; None for a period returns it to the linear plan. Only for
    an indicator with an annual target, while the cycle is in draft or open; one audit event with the plan
    before and after. Returns the negotiated periods now."""
    with transaction.atomic():
        cycle = lock_cycle(subject.cycle_id)
        require_state(cycle, [CycleState.DRAFT, CycleState.OPEN], _("setting targets"))
        subject = Subject.objects.get_for(actor, Action.VIEW, pk=subject.pk)
        if not may_follow_up(actor):
            raise PermissionDeniedError(action=_("plan"), what=_("negotiated period plan"))
        _require_plannable(cycle, indicator, _("indicator"))
        periods = setting(cycle).periods
        for k, v in agreed.items():
            if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= periods:
                raise MonitoringInputError(field=_("month"), problem=_("a month from 1 to %(n)s") % {"n": periods})
            if v is not None and (isinstance(v, bool) or not np.isfinite(v) or v < 0):
                raise MonitoringInputError(field=_("month %(n)s") % {"n": k},
                                           problem=_("a number of 0 or more"))
        rows = {r.period: r for r in PeriodPlan.objects.select_for_update().filter(subject=subject,
                                                                                   indicator=indicator)}
        before = {str(k): r.plan for k, r in sorted(rows.items())}
        for k, v in agreed.items():
            if v is None:
                if k in rows:
                    rows.pop(k).delete()
            elif k in rows:
                rows[k].plan = float(v)
                rows[k].save(update_fields=["plan"])
            else:
                rows[k] = PeriodPlan.objects.create(cycle=cycle, subject=subject, indicator=indicator, period=k,
                                                    plan=float(v))
        after = {str(k): r.plan for k, r in sorted(rows.items())}
        record_event("period_plan.set", actor=actor, obj=subject,
                     object_repr=f"{cycle.code} {subject.code} {indicator}", before={"plan": before},
                     after={"plan": after})
    return [rows[k] for k in sorted(rows)]


def do_set_reporting(cycle: Cycle, indicator: str, frequency: str, *, actor: Any,
                     entry: str = Entry.CUMULATIVE) -> Reporting | None:
    """The office names an indicator monitored through the year, how often its figure is due (monthly or
    quarterly) and what the figure is (``entry``: the value to date, or the period's own); ``frequency`` ""
    stops monitoring it. Once a cycle names any, only those are planned, warned about and owed."""
    with transaction.atomic():
        cycle = lock_cycle(cycle)
        Cycle.objects.get_for(actor, Action.CHANGE, pk=cycle.pk)
        _require_plannable(cycle, indicator, _("indicator"))
        if frequency not in ("", *Frequency.values):
            raise MonitoringInputError(field=_("reported"), problem=_("one of %(states)s") % {
                "states": " / ".join(str(f.label) for f in Frequency)})
        row = Reporting.objects.select_for_update().filter(cycle=cycle, indicator=indicator).first()
        before = snapshot(row) if row is not None else None
        if not frequency:
            if row is None:
                return None
            row.delete()
            record_event("reporting.set", actor=actor, obj=cycle, object_repr=f"{cycle.code} {indicator}",
                         before=before, after=None)
            return None
        if entry not in Entry.values:
            raise MonitoringInputError(field=_("figure entered"), problem=_("one of %(states)s") % {
                "states": " / ".join(str(e.label) for e in Entry)})
        row = row or Reporting(cycle=cycle, indicator=indicator)
        row.frequency, row.entry = frequency, entry
        validate(row, validate_unique=False, validate_constraints=False)
        row.save()
        record_event("reporting.set", actor=actor, obj=row, object_repr=f"{cycle.code} {indicator}", before=before,
                     after=snapshot(row))
    return row


def do_set_dual_pair(cycle: Cycle, spending: str, output: str, *, actor: Any,
                     monitored: bool = True) -> DualPair | None:
    """The office pairs a budget item's spending indicator with its output indicator for dual monitoring
    (双监控), or, with ``monitored`` False, ends the pair. Both must have an annual target."""
    with transaction.atomic():
        cycle = lock_cycle(cycle)
        Cycle.objects.get_for(actor, Action.CHANGE, pk=cycle.pk)
        _require_plannable(cycle, spending, _("spending indicator"))
        _require_plannable(cycle, output, _("output indicator"))
        if spending == output:
            raise MonitoringInputError(field=_("output indicator"), problem=_("not the spending indicator itself"))
        row = DualPair.objects.select_for_update().filter(cycle=cycle, spending=spending, output=output).first()
        if not monitored:
            if row is not None:
                before = snapshot(row)
                row.delete()
                record_event("dual_pair.set", actor=actor, obj=cycle, object_repr=f"{cycle.code} {spending}/{output}",
                             before=before, after=None)
            return None
        if row is None:
            row = DualPair.objects.create(cycle=cycle, spending=spending, output=output)
            record_event("dual_pair.set", actor=actor, obj=row, object_repr=f"{cycle.code} {spending}/{output}",
                         before=None, after=snapshot(row))
    return row


def do_override_escalation(subject: Subject, indicator: str, stage: int, *, actor: Any, reason: str,
                           now: datetime | None = None) -> Escalation:
    """The office sets a unit's escalation stage for an indicator other than the job would (越级或降级), with a
    reason; the job goes on from this stage after the latest quarter with values."""
    now = now or timezone.now()
    with transaction.atomic():
        cycle = lock_cycle(subject.cycle_id)
        subject = Subject.objects.get_for(actor, Action.VIEW, pk=subject.pk)
        if not may_follow_up(actor):
            raise PermissionDeniedError(action=_("override"), what=_("escalation"))
        if indicator not in cycle.scheme.engine.value_codes:
            raise MonitoringInputError(field=_("indicator"), problem=_("indicator %(code)s is not in the scheme")
                                       % {"code": indicator})
        if isinstance(stage, bool) or stage not in Stage.values:
            raise MonitoringInputError(field=_("stage"), problem=_("a stage from 0 to 4"))
        text = _text(_("reason"), reason)
        row = Escalation.objects.select_for_update().filter(subject=subject, indicator=indicator).first()
        before = snapshot(row) if row is not None else None
        if row is None:
            row = Escalation(cycle=cycle, subject=subject, indicator=indicator)
        elif row.stage == stage:
            raise MonitoringInputError(field=_("stage"), problem=_("the escalation is already at this stage"))
        latest = PeriodValue.objects.filter(subject=subject, indicator=indicator).aggregate(p=Max("period"))["p"]
        period = max([k for k in rules.quarter_ends(setting(cycle).periods) if k <= (latest or 0)], default=0)
        row.stage, row.override_stage, row.override_period, row.updated_at = stage, stage, period, now
        validate(row, validate_unique=False, validate_constraints=False)
        row.save()
        EscalationStep.objects.create(escalation=row, stage=stage, period=period, reason=text, automatic=False,
                                      by=_user(actor), at=now)
        record_event("escalation.override", actor=actor, obj=row,
                     object_repr=f"{cycle.code} {subject.code} {indicator}", before=before, after=snapshot(row))
        notify(users_of_units([subject.unit_id]), kind=NoticeKind.ESCALATION, cycle=cycle,
               link=reverse("monitoring:escalation", args=[cycle.code]),
               title=_("Escalation of %(indicator)s set to: %(stage)s") % {
                   "indicator": cycle.scheme.engine.item_name(indicator), "stage": Stage(stage).label}, body=text)
    return row


def do_record_escalation_step(step: EscalationStep, *, actor: Any, record: str,
                              evidence: File[Any] | None = None, now: datetime | None = None) -> EscalationStep:
    """The office records what was done at a stage (the written warning sent, the talk's minutes, the
    deduction proposed, the accountability decided) with an evidence file; recorded once, never rewritten."""
    with transaction.atomic():
        EscalationStep.objects.select_for_update().filter(pk=step.pk).first()
        escalation = Escalation.objects.get_for(actor, Action.VIEW, pk=step.escalation_id)
        row = EscalationStep.objects.get(pk=step.pk)
        if not may_follow_up(actor):
            raise PermissionDeniedError(action=_("record"), what=_("escalation"))
        if row.record:
            raise MonitoringInputError(field=_("what was done"), problem=_("already recorded on %(at)s") % {
                "at": timezone.localtime(row.at).strftime("%Y-%m-%d")})
        text = _text(_("what was done"), record)
        before = snapshot(row)
        row.record, row.by, row.recorded_at = text, _user(actor), now or timezone.now()
        _save_with_file(row, evidence)
        record_event("escalation.record", actor=actor, obj=row, object_repr=f"{escalation} #{row.stage}",
                     before=before, after=snapshot(row))
    return row
