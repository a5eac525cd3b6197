"""Hotline rates into the cycle: which indicator a rate feeds (``Feed``), the response time limits (``SlaRule``),
and the computation of each unit's counts (``Figure``, the values' provenance) and values.

The rates are the engine's (``jixiao.engine.ticketrates.indicators``): tickets received in the feed's period, by
responsible unit; response within the limit of the ticket's category and urgency (exactly at the limit is on
time); resolution = 已解决 / (已解决 + 未解决); satisfaction = (满意 + 基本满意) / answered. A recomputation with
unchanged tickets changes nothing (no new value version, no event but the computation's own).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.audit.services import record_event, snapshot
from jixiao.collection.choices import ValueSource
from jixiao.collection.models import Value
from jixiao.collection.querysets import value_codes_for
from jixiao.collection.services import do_set_value
from jixiao.core.choices import Action
from jixiao.cycles.choices import CycleState
from jixiao.cycles.models import Cycle, Subject
from jixiao.cycles.services import lock_cycle, require_state
from jixiao.engine import ticketrates as engine
from jixiao.hotline.choices import HotlineAction, Measure
from jixiao.hotline.errors import HotlineInputError
from jixiao.hotline.models import Category, Feed, Figure, SlaRule
from jixiao.hotline.services.frames import ticket_frame

#: The columns the rates need.
RATE_COLUMNS = ["unit_id", "category_id", "urgency", "resolution", "satisfaction", "response_seconds"]
COUNTS = ("received", "responded_on_time", "closed", "solved", "surveyed", "satisfied")
RATES = ("response_rate", "resolution_rate", "satisfaction_rate")


def engine_sla() -> engine.Sla:
    """The office's limits as the engine's SLA table (categories by path; the defaults 紧急 2 h, 一般 24 h)."""
    rules = [(r.category.path if r.category_id else None, r.urgency, float(r.hours))
             for r in SlaRule.objects.select_related("category")]
    return engine.Sla(rules=rules)


def rates(start: date, end: date, *, unit_ids: list[int] | None = None) -> pl.DataFrame:
    """Per responsible unit (code), the counts and rates of tickets received ``start`` .. ``end``."""
    frame = ticket_frame(start, end, RATE_COLUMNS, unit_ids=unit_ids)
    return engine.indicators(frame, engine_sla(), lang=_lang())


def do_set_sla_rule(category: Category | None, urgency: str, hours: float, *, actor: Any) -> SlaRule:
    """Set the response time limit of a category (None: every category) and an urgency."""
    urgency = urgency.strip()
    if not urgency:
        raise HotlineInputError(field=_("urgency"), problem=_("this field is required"))
    if not hours > 0:
        raise HotlineInputError(field=_("hours"), problem=_("a time limit is above 0 hours"))
    with transaction.atomic():
        SlaRule.objects.check_create(actor)
        rule = SlaRule.objects.select_for_update().filter(category=category, urgency=urgency).order_by("pk").first()
        before = snapshot(rule) if rule is not None else None
        rule = rule or SlaRule(category=category, urgency=urgency)
        rule.hours = hours
        rule.full_clean()
        rule.save()
        record_event(HotlineAction.SLA, actor=actor, obj=rule, before=before, after=snapshot(rule))
    return rule


def do_set_feed(cycle: Cycle, indicator: str, measure: str, start: date, end: date, *, actor: Any) -> Feed:
    """Feed a cycle indicator (measured, of the 12345 source or any) with a hotline rate over a period."""
    with transaction.atomic():
        Feed.objects.check_create(actor)
        cycle = lock_cycle(Cycle.objects.get_for(actor, Action.VIEW, pk=cycle.pk))
        require_state(cycle, [CycleState.DRAFT, CycleState.OPEN], _("mapping hotline indicators"))
        if indicator not in {leaf.code for leaf in cycle.scheme.engine.measured_leaves}:
            raise HotlineInputError(field=_("indicator"), problem=_("“{code}” is not a measured indicator of "
                                                                    "the scheme").format(code=indicator))
        if measure not in Measure.values:
            raise HotlineInputError(field=_("measure"), problem=_("unknown measure “{m}”").format(m=measure))
        if end < start:
            raise HotlineInputError(field=_("to"), problem=_("the period ends before it starts"))
        feed = Feed.objects.select_for_update().filter(cycle=cycle, indicator=indicator).order_by("pk").first()
        before = snapshot(feed) if feed is not None else None
        feed = feed or Feed(cycle=cycle, indicator=indicator)
        feed.measure, feed.start, feed.end = measure, start, end
        feed.full_clean()
        feed.save()
        record_event(HotlineAction.FEED, actor=actor, obj=feed, before=before, after=snapshot(feed))
    return feed


def note_for(measure: str, row: dict[str, Any], start: date, end: date) -> str:
    """The value's provenance in words: the period and the counts behind the rate."""
    period = _("12345 hotline, {start} to {end}").format(start=start.isoformat(), end=end.isoformat())
    if measure == Measure.RESPONSE:
        counts = _("{n} tickets received, {k} responded within the time limit").format(
            n=row["received"], k=row["responded_on_time"])
    elif measure == Measure.RESOLUTION:
        counts = _("{n} tickets closed, {k} solved").format(n=row["closed"], k=row["solved"])
    else:
        counts = _("{n} callbacks answered, {k} satisfied or basically satisfied").format(
            n=row["surveyed"], k=row["satisfied"])
    return f"{period}: {counts}"


def do_compute_hotline_figures(cycle: Cycle, *, actor: Any) -> dict[str, int]:
    """Compute each unit's hotline counts for every period the cycle's feeds name, keep them as the units'
    ``Figure`` (recomputed whole), and write each fed indicator's value where it changed (through
    ``do_set_value``, source 12345, the counts as its note). A unit whose rate has no denominator (no ticket
    received, closed or answered) gets no value. The cycle must be open. Returns the counts of figures and of
    values written and left as they were, and of values not written because the unit's data are submitted or
    approved (locked until returned or reopened; the figures are kept all the same)."""
    with transaction.atomic():
        Feed.objects.check_create(actor)
        cycle = lock_cycle(Cycle.objects.get_for(actor, Action.VIEW, pk=cycle.pk))
        require_state(cycle, [CycleState.OPEN], _("computing hotline figures"))
        feeds = list(Feed.objects.filter(cycle=cycle))
        subjects = {s.unit_id: s for s in Subject.objects.filter(cycle=cycle).exclude(unit_id=None)}
        stored = {(v.subject_id, v.indicator): v for v in Value.objects.filter(cycle=cycle,
                                                                               indicator__in=[f.indicator
                                                                                              for f in feeds])}
        now = timezone.now()
        figures: list[Figure] = []
        written = kept = 0
        locked: list[str] = []
        for start, end in sorted({(f.start, f.end) for f in feeds}):
            table = {row["unit"]: row for row in rates(start, end, unit_ids=list(subjects)).iter_rows(named=True)}
            for subject in subjects.values():
                row = table.get(subject.code)
                if row is None:
                    continue
                figures.append(Figure(cycle=cycle, subject=subject, start=start, end=end, computed_at=now,
                                      **{k: row[k] for k in (*COUNTS, *RATES)}))
                for feed in (f for f in feeds if (f.start, f.end) == (start, end)):
                    value = row[feed.measure]
                    if value is None or (feed.indicator in _only(cycle) and
                                         subject.category not in _only(cycle)[feed.indicator]):
                        continue
                    note = note_for(feed.measure, row, start, end)
                    old = stored.get((subject.pk, feed.indicator))
                    if old is not None and old.value == value and old.note == note:
                        kept += 1
                        continue
                    if feed.indicator not in value_codes_for(actor, subject):
                        # Submitted or approved data stay as they are until returned or reopened; said, not failed.
                        locked.append(f"{subject.code} {feed.indicator}")
                        continue
                    do_set_value(subject, feed.indicator, value, actor=actor, source=ValueSource.COMPLAINTS,
                                 note=note, explanation=note)
                    written += 1
        Figure.objects.filter(cycle=cycle).delete()
        Figure.objects.bulk_create(figures)
        counts = {"figures": len(figures), "written": written, "unchanged": kept, "locked": len(locked)}
        record_event(HotlineAction.FIGURES, actor=actor, obj=cycle, after={
            **counts, "locked_items": locked,
            "feeds": {f.indicator: [f.measure, f.start.isoformat(), f.end.isoformat()] for f in feeds}})
    return counts


def _only(cycle: Cycle) -> dict[str, set[str]]:
    """Indicators that apply to some unit categories only (``only:`` in the scheme)."""
    return {leaf.code: set(leaf.only) for leaf in cycle.scheme.engine.measured_leaves if leaf.only is not None}


def _lang() -> str:
    from jixiao.collection.services import lang

    return lang()
