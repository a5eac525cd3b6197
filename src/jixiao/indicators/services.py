"""Writes to the indicator library."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from jixiao.audit.services import record_event, snapshot
from jixiao.core.choices import Action
from jixiao.core.errors import validate
from jixiao.indicators.errors import IndicatorExistsError
from jixiao.indicators.models import Indicator, IndicatorVersion


def do_create_indicator(
    code: str,
    *,
    actor: Any,
    name: str,
    definition: str = "",
    unit_of_measure: str = "",
    kind: str = "",
    source: str = "",
) -> IndicatorVersion:
    """Add an indicator to the library with its first version."""
    with transaction.atomic():
        Indicator.objects.check_create(actor)
        if Indicator.objects.filter(code=code).exists():
            raise IndicatorExistsError(code=code)
        indicator = Indicator(code=code, latest_version=1)
        validate(indicator)
        indicator.save()
        version = IndicatorVersion(
            indicator=indicator,
            version=1,
            name=name,
            definition=definition,
            unit_of_measure=unit_of_measure,
            kind=kind,
            source=source,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        validate(version)
        version.save()
        record_event(
            "indicator.create",
            actor=actor,
            obj=indicator,
            before=None,
            after={"code": code, **version.definition_fields(), "version": 1},
        )
    return version


def do_revise_indicator(indicator: Indicator, *, actor: Any, **changes: str) -> IndicatorVersion:
    """Change an indicator's definition by adding a version (unchanged fields are carried over). Schemes
    and cycles that use an older version keep it. No change, no new version."""
    with transaction.atomic():
        # The race: two editors revising at once would both write version n+1; the lock makes them take turns.
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        Indicator.objects.get_for(actor, Action.CHANGE, pk=indicator.pk)
        current = indicator.current
        fields = current.definition_fields()
        wanted = {**fields, **{k: v for k, v in changes.items() if k in IndicatorVersion.FIELDS}}
        if wanted == fields:
            return current
        version = IndicatorVersion(
            indicator=indicator,
            version=indicator.latest_version + 1,
            **wanted,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        validate(version)
        version.save()
        before = snapshot(indicator)
        indicator.latest_version = version.version
        indicator.save(update_fields=["latest_version"])
        record_event(
            "indicator.revise",
            actor=actor,
            obj=indicator,
            before={**before, **fields},
            after={**snapshot(indicator), **wanted},
        )
    return version


def ensure_indicator_version(code: str, fields: dict[str, str], *, actor: Any) -> IndicatorVersion:
    """The library's version of ``code`` with these fields: the latest when it matches, else a new one
    (and a new indicator when the code is new). Used when a scheme is imported."""
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None:
        return do_create_indicator(code, actor=actor, **fields)
    return do_revise_indicator(indicator, actor=actor, **fields)
