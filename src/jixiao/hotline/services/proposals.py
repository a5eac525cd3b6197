"""Weight proposals for next year's scheme (以诉求热点调整权重): the engine compares this year's tickets with last
year's (city-wide rates of the indicators the cycle's feeds name, and the categories whose volume or unresolved
share rose) and proposes weights; a person accepts a proposal into a new version of the scheme, or declines it.
Nothing changes a scheme without that decision."""

from __future__ import annotations

from datetime import date
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.audit.services import record_event
from jixiao.core.choices import Action
from jixiao.cycles.models import Cycle
from jixiao.engine import hotspots
from jixiao.engine.ticketrates import overall
from jixiao.hotline.choices import HotlineAction, ProposalState
from jixiao.hotline.errors import HotlineInputError, ProposalStateError
from jixiao.hotline.models import Feed, WeightProposal
from jixiao.hotline.services.figures import RATE_COLUMNS, engine_sla
from jixiao.hotline.services.frames import ticket_frame
from jixiao.schemes.services import do_import_scheme


def _year(year: int, until: date | None) -> tuple[date, date]:
    end = date(year, 12, 31)
    if until is not None and until < end:
        end = until
    return date(year, 1, 1), end


def do_propose_weights(cycle: Cycle, year: int, *, actor: Any, until: date | None = None) -> WeightProposal:
    """Propose weights for the hotline indicators of ``cycle``'s scheme from the tickets of ``year`` (up to
    ``until``, and the same days of the year before) against the year before."""
    with transaction.atomic():
        WeightProposal.objects.check_create(actor)
        cycle = Cycle.objects.get_for(actor, Action.VIEW, pk=cycle.pk)
        feeds = list(Feed.objects.filter(cycle=cycle).order_by("indicator"))
        if not feeds:
            raise HotlineInputError(field=_("hotline indicators"),
                                    problem=_("the cycle has no indicator fed by the hotline"))
        this_start, this_end = _year(year, until)
        last_start, last_end = date(year - 1, 1, 1), this_end.replace(year=year - 1)
        sla = engine_sla()
        this = ticket_frame(this_start, this_end, RATE_COLUMNS)
        last = ticket_frame(last_start, last_end, RATE_COLUMNS)
        if this.is_empty() or last.is_empty():
            raise HotlineInputError(field=_("year"), problem=_("there are no tickets of {year} or of the year "
                                                               "before to compare").format(year=year))
        scheme = cycle.scheme.engine
        current = [(f.indicator, f.measure, float(scheme.node(f.indicator).weight)) for f in feeds]
        rows = hotspots.weight_proposal(current, overall(this, sla, lang=_lang()), overall(last, sla, lang=_lang()),
                                        lang=_lang())
        changes = hotspots.category_changes(last.select("category", "resolution"),
                                            this.select("category", "resolution"), level=1)
        proposal = WeightProposal.objects.create(
            scheme=cycle.scheme, year=year, rows=_jsonable(rows.to_dicts()),
            categories=_jsonable(changes.to_dicts()), created_at=timezone.now(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None)
        record_event(HotlineAction.PROPOSE, actor=actor, obj=proposal, after={
            "scheme": f"{cycle.scheme.code} v{cycle.scheme.version}", "year": year,
            "period": [this_start.isoformat(), this_end.isoformat()],
            "weights": {r["indicator"]: [r["weight"], r["proposed"]] for r in proposal.rows}})
    return proposal


def _lang() -> str:
    from jixiao.collection.services import lang

    return lang()


def _jsonable(rows: Any) -> Any:
    return yaml.safe_load(yaml.safe_dump(rows, allow_unicode=True, default_flow_style=None)) if rows else []


def _set_weights(tree: list[dict[str, Any]], weights: dict[str, float]) -> None:
    for node in tree:
        if node.get("code") in weights:
            node["weight"] = weights[node["code"]]
        _set_weights(node.get("children", []), weights)


def do_accept_proposal(proposal: WeightProposal, *, actor: Any, comment: str = "") -> WeightProposal:
    """Accept the proposed weights into a new version of the scheme (the old version and the cycles using it are
    untouched); returns the proposal with its ``result``."""
    with transaction.atomic():
        proposal = WeightProposal.objects.select_for_update().get(
            pk=WeightProposal.objects.get_for(actor, Action.CHANGE, pk=proposal.pk).pk)
        if proposal.state != ProposalState.PROPOSED:
            raise ProposalStateError(state=ProposalState(proposal.state).label)
        definition = proposal.scheme.engine.to_dict()
        _set_weights(definition["tree"], {r["indicator"]: r["proposed"] for r in proposal.rows})
        text = yaml.safe_dump(definition, allow_unicode=True, sort_keys=False, width=110)
        proposal.result = do_import_scheme(text, actor=actor)
        proposal.state, proposal.comment = ProposalState.ACCEPTED, comment.strip()
        proposal.decided_at = timezone.now()
        proposal.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        proposal.save(update_fields=["result", "state", "comment", "decided_at", "decided_by"])
        record_event(HotlineAction.DECIDE, actor=actor, obj=proposal, after={
            "state": proposal.state, "scheme": f"{proposal.result.code} v{proposal.result.version}",
            "comment": proposal.comment})
    return proposal


def do_decline_proposal(proposal: WeightProposal, *, actor: Any, comment: str = "") -> WeightProposal:
    """Decline a proposal (the scheme stays as it is), with the reason."""
    with transaction.atomic():
        proposal = WeightProposal.objects.select_for_update().get(
            pk=WeightProposal.objects.get_for(actor, Action.CHANGE, pk=proposal.pk).pk)
        if proposal.state != ProposalState.PROPOSED:
            raise ProposalStateError(state=ProposalState(proposal.state).label)
        proposal.state, proposal.comment = ProposalState.DECLINED, comment.strip()
        proposal.decided_at = timezone.now()
        proposal.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        proposal.save(update_fields=["state", "comment", "decided_at", "decided_by"])
        record_event(HotlineAction.DECIDE, actor=actor, obj=proposal, after={"state": proposal.state,
                                                                              "comment": proposal.comment})
    return proposal
