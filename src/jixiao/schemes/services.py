"""Importing and exporting schemes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from jixiao.audit.services import record_event
from jixiao.core.errors import validate
from jixiao.engine import Scheme as EngineScheme
from jixiao.engine import SchemeError, dump_scheme, read_scheme_text
from jixiao.indicators.choices import Kind
from jixiao.indicators.services import ensure_indicator_version
from jixiao.schemes.choices import ItemRole
from jixiao.schemes.errors import InvalidSchemeError
from jixiao.schemes.models import Scheme, SchemeIndicator


def parse_scheme_text(text: str) -> EngineScheme:
    """The engine's scheme from YAML, or InvalidSchemeError listing every problem."""
    try:
        return read_scheme_text(text)
    except SchemeError as exc:
        raise InvalidSchemeError(list(exc.problems)) from None


def _library_entries(scheme: EngineScheme) -> list[tuple[str, str, dict[str, str]]]:
    """(role, code, fields) for every indicator the scheme uses: tree leaves, then the adjustments."""
    out: list[tuple[str, str, dict[str, str]]] = []
    for leaf in scheme.leaves:
        out.append(
            (
                ItemRole.TREE,
                leaf.code,
                {
                    "name": leaf.name,
                    "definition": leaf.description or "",
                    "unit_of_measure": leaf.unit or "",
                    "kind": leaf.kind or "",
                    "source": leaf.source or "",
                },
            )
        )
    for role, adj, kind in (
        (ItemRole.BONUS, scheme.bonus, Kind.BONUS),
        (ItemRole.PENALTY, scheme.penalty, Kind.NEGATIVE),
        (ItemRole.VETO, scheme.veto, Kind.NEGATIVE),
    ):
        for code in adj.codes:
            out.append(
                (
                    role,
                    code,
                    {
                        "name": adj.names.get(code, code),
                        "definition": "",
                        "unit_of_measure": "",
                        "kind": kind,
                        "source": "",
                    },
                )
            )
    return out


def do_import_scheme(text: str, *, actor: Any) -> Scheme:
    """Import a scheme from YAML: validated by the engine, its indicators put into the library (a changed
    definition becomes a new indicator version). Importing the same scheme again returns the stored one;
    a changed scheme with the same id becomes its next version."""
    engine_scheme = parse_scheme_text(text)
    definition = dump_scheme(engine_scheme)
    with transaction.atomic():
        Scheme.objects.check_create(actor)
        latest = Scheme.objects.select_for_update().filter(code=engine_scheme.id).order_by("-version").first()
        if latest is not None and latest.engine == engine_scheme:
            same: Scheme = latest
            return same
        version = (Scheme.objects.filter(code=engine_scheme.id).aggregate(m=Max("version"))["m"] or 0) + 1
        scheme = Scheme(
            code=engine_scheme.id,
            version=version,
            name=engine_scheme.name,
            description=engine_scheme.description or "",
            definition=definition,
            source_text=text,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        validate(scheme)
        scheme.save()
        links = []
        for role, code, fields in _library_entries(engine_scheme):
            iv = ensure_indicator_version(code, fields, actor=actor)
            links.append(SchemeIndicator(scheme=scheme, indicator_version=iv, role=role))
        SchemeIndicator.objects.bulk_create(links)
        record_event(
            "scheme.import",
            actor=actor,
            obj=scheme,
            before=None,
            after={
                "code": scheme.code,
                "version": version,
                "name": scheme.name,
                "indicators": len(links),
                "definition": engine_scheme.to_dict(),
            },
        )
    return scheme


def export_scheme_text(scheme: Scheme) -> str:
    """The scheme as YAML that imports back to an equal scheme."""
    return dump_scheme(scheme.engine)
