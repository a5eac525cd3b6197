"""Pages show what the engine worked out and what was stored, in the configured clock, and their exports keep
text as text: regressions of the review's findings 5, 10 and 11."""

from __future__ import annotations

import io
from datetime import UTC
from typing import Any

import numpy as np
import pytest
from django.utils import timezone
from openpyxl import load_workbook

from jixiao.audit.models import AuditEvent
from jixiao.collection.models import Value
from jixiao.cycles.models import Subject
from jixiao.engine import rule_text
from jixiao.results.services import score_cycle

from .conftest import entry_post

EXPORTS = ["/app/cycles/?export=cycles", "/app/cycles/{o}/?export=progress", "/app/cycles/{o}/?export=grades",
           "/app/cycles/{o}/?export=heatmap", "/app/cycles/{o}/?export=changes", "/app/cycles/{o}/?export=ranking",
           "/app/cycles/{o}/results/?export=results", "/app/cycles/{o}/units/A/?export=nodes",
           "/app/cycles/{o}/units/A/?export=history", "/app/cycles/{o}/indicators/?export=indicators",
           "/app/cycles/{o}/indicators/RESP/?export=values", "/app/entry/?export=entry",
           "/app/cycles/{o}/entry/A/received/?export=received", "/?export=cycles",
           "/public/{p}/?export=results", "/public/{p}/?export=grades", "/public/{p}/A/?export=key",
           "/public/{p}/A/?export=history"]
FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "@SUM(A1)", "+1+1", "-1+2"]


@pytest.mark.parametrize("url", EXPORTS)
def test_a_name_that_looks_like_a_formula_stays_text_in_every_export(world: Any, url: str, client_as: Any) -> None:
    # Names as an import could have brought them in (the review renamed a unit "=..." and got a live formula).
    for subject, name in zip(Subject.objects.filter(unit=world.unit_a), FORMULAS, strict=False):
        Subject.objects.filter(pk=subject.pk).update(name=name)
    client = client_as(world, "admin")
    r = client.get(url.format(o=world.open.code, p=world.published.code))
    assert r.status_code == 200, url
    sheet = load_workbook(io.BytesIO(r.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert cells
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if c.data_type == "s"}
    if any(f in texts for f in FORMULAS):  # tables that list unit names show them unchanged, as text
        assert {c.value for c in cells if c.data_type == "s" and c.value in FORMULAS} <= set(FORMULAS)


def test_the_receipt_shows_times_in_the_configured_zone(world: Any, client_as: Any, settings: Any) -> None:
    assert settings.TIME_ZONE == "Asia/Shanghai"
    client = client_as(world, "operator_a")
    o = world.open.code
    data = entry_post(o, "A", {"EXEC": "97", "ONSITE": "1.5", "NEG": "0"}, action="submit")
    r = client.post(f"/app/cycles/{o}/entry/A/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    page = client.get(r["Location"]).content.decode()
    event = AuditEvent.objects.get(action="submission.submit")
    local, utc = timezone.localtime(event.at), event.at.astimezone(UTC)
    assert local.strftime("%Y-%m-%d %H:%M:%S") in page
    assert utc.strftime("%Y-%m-%d %H:%M:%S") not in page
    value = Value.objects.get(subject__cycle=world.open, subject__code="A", indicator="EXEC")
    assert timezone.localtime(value.entered_at).strftime("%Y-%m-%d %H:%M") in page
    assert value.entered_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M") not in page


def test_the_portal_dates_a_publication_in_the_configured_zone(world: Any, client_as: Any) -> None:
    page = client_as(world, "public").get("/").content.decode()
    assert timezone.localtime(world.published.published_at).strftime("%Y-%m-%d") in page


@pytest.mark.parametrize("cycle", ["open", "published"])
def test_the_scorecard_shows_the_engines_points_and_rule_text(world: Any, client_as: Any, cycle: str) -> None:
    c = getattr(world, cycle)
    _subjects, engine = score_cycle(c)
    i = engine.index_of("A1")
    nodes = [n.code for n in engine.scheme.nodes]
    response = client_as(world, "admin").get(f"/app/cycles/{c.code}/units/A1/")
    lines = {ln.node.code: ln for ln in response.context["card"].lines}
    for j, code in enumerate(nodes):
        assert np.isclose(lines[code].available, engine.available[i, j] if engine.applicable[i, j] else 0.0)
        if engine.applicable[i, j]:
            assert np.isclose(lines[code].earned, engine.earned[i, j])
        node = engine.scheme.node(code) if hasattr(engine.scheme, "node") else next(
            n for n in engine.scheme.nodes if n.code == code)
        assert lines[code].rule == rule_text(node.rule, node.unit, lines[code].floor, lines[code].target, lang="zh")
