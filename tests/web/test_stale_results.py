"""Results computed from data that has changed since say so: every page of totals, ranks or grades shows a banner
(with the office's button to compute again) and every export of them a first line, until the cycle is computed
again. The data-writing services count their writes with ``touch_data``; these tests also count a write the way
they do (inside the write's transaction, after locking the cycle), so that they hold whether or not the service
counts it too: a second count only moves the version further, and nothing here asserts its exact value."""

from __future__ import annotations

import importlib
import io
import re
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from openpyxl import load_workbook

from jixiao.audit.models import AuditEvent
from jixiao.collection.services import do_set_value
from jixiao.cycles.models import Cycle
from jixiao.cycles.services import do_close_cycle, lock_cycle, touch_data
from jixiao.results.services import do_compute_cycle
from jixiao.results.views import first_line
from jixiao.web.exports import xlsx_bytes
from jixiao.web.helpers import local_text
from jixiao.web.tables import Table

BANNER = 'id="stale-results"'
BUTTON = 'id="stale-recompute"'


def change_a_value(world: Any, value: float = 60.0) -> None:
    """A data write as the collection services will make it: the write and its count in one transaction."""
    with transaction.atomic():
        do_set_value(world.subject(world.open, world.unit_a), "RESP", value, actor=None)
        touch_data(lock_cycle(world.open))


def shown_total(html: str) -> float:
    """The total a scorecard shows (two decimals)."""
    found = re.search(r'<b id="total">([0-9.]+)</b>', html)
    assert found is not None
    return float(found.group(1))


def result_pages(world: Any) -> list[str]:
    o = world.open.code
    return [f"/app/cycles/{o}/", f"/app/cycles/{o}/results/", f"/app/cycles/{o}/units/A/",
            f"/app/cycles/{o}/units/A/explanation/"]


def first_cell(client: Any, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, url
    sheet = load_workbook(io.BytesIO(response.content)).active
    return sheet.cell(row=1, column=1).value


def test_computing_records_the_data_version_it_scored(world: Any) -> None:
    cycle = Cycle.objects.get(pk=world.open.pk)
    assert cycle.computed_version == cycle.data_version
    assert not cycle.results_stale
    with transaction.atomic():
        touch_data(lock_cycle(cycle))
    cycle.refresh_from_db()
    assert cycle.computed_version == cycle.data_version - 1
    assert cycle.results_stale
    do_compute_cycle(cycle, actor=None)
    cycle.refresh_from_db()
    assert (cycle.computed_version, cycle.results_stale) == (cycle.data_version, False)
    event = AuditEvent.objects.filter(action="cycle.compute").latest("seq")
    assert event.after["computed_version"] == cycle.data_version
    assert event.before["computed_version"] == cycle.data_version - 1


def test_touch_data_counts_one_write_and_keeps_the_locked_copy_in_step_without_an_event(world: Any) -> None:
    events = AuditEvent.objects.count()
    before = Cycle.objects.get(pk=world.open.pk).data_version
    with transaction.atomic():
        cycle = lock_cycle(world.open)
        touch_data(cycle)
        touch_data(cycle)
        assert cycle.data_version == before + 2
    assert Cycle.objects.get(pk=world.open.pk).data_version == before + 2
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # see test_audit.py on serialized_rollback
def test_touch_data_refuses_to_run_outside_a_transaction(world: Any) -> None:
    with pytest.raises(RuntimeError, match="transaction"):
        touch_data(world.open)


def test_a_cycle_never_computed_is_not_stale(world: Any) -> None:
    assert not Cycle(code="X", name="x", scheme=world.open.scheme, year=2026).results_stale


def test_up_to_date_results_show_no_banner(world: Any, client_as: Any) -> None:
    client = client_as(world, "admin")
    for url in result_pages(world):
        page = client.get(url).content.decode()
        assert BANNER not in page, url
        assert BUTTON not in page, url


def test_a_change_after_computing_puts_a_banner_on_every_page_until_the_office_computes_again(
        world: Any, client_as: Any) -> None:
    client = client_as(world, "admin")
    o = world.open.code
    shown = client.get(f"/app/cycles/{o}/units/A/").context["card"].result.total
    change_a_value(world)
    computed = Cycle.objects.get(pk=world.open.pk).computed_at
    for url in result_pages(world):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert BANNER in page, url
        assert "out of date" in page, url
    scorecard = client.get(f"/app/cycles/{o}/units/A/", HTTP_ACCEPT_LANGUAGE="en")
    # The stored total is still the one shown, and the banner says when it was computed.
    assert shown_total(scorecard.content.decode()) == round(shown, 2)
    assert local_text(computed, "%Y-%m-%d %H:%M") in scorecard.content.decode()
    # The explanation would describe the data as they are now, not the total shown: it waits for a compute.
    explanation = client.get(f"/app/cycles/{o}/units/A/explanation/").content.decode()
    assert 'class="explain"' not in explanation
    assert BUTTON not in explanation

    # The banner's button is the office's compute action, and it comes back to the page it was pressed on.
    page = client.get(f"/app/cycles/{o}/results/").content.decode()
    assert BUTTON in page
    assert f'action="/app/cycles/{o}/do/compute/"' in page
    r = client.post(f"/app/cycles/{o}/do/compute/", {"next": f"/app/cycles/{o}/results/"})
    assert (r.status_code, r["Location"]) == (302, f"/app/cycles/{o}/results/")
    for url in result_pages(world):
        assert BANNER not in client.get(url).content.decode(), url
    # The scorecard was made for the loop above (the page cache keeps it until the next write): read the page.
    assert shown_total(client.get(f"/app/cycles/{o}/units/A/").content.decode()) < shown


def test_the_auditor_sees_the_banner_without_the_button_and_an_operator_sees_neither(
        world: Any, client_as: Any) -> None:
    change_a_value(world)
    o = world.open.code
    auditor = client_as(world, "auditor")
    for url in result_pages(world):
        page = auditor.get(url).content.decode()
        assert BANNER in page, url
        assert BUTTON not in page, url
    # An operator sees no results of an open cycle, so nothing is out of date for them.
    operator = client_as(world, "operator_a")
    page = operator.get(f"/app/cycles/{o}/results/").content.decode()
    assert BANNER not in page
    assert BANNER not in operator.get(f"/app/cycles/{o}/units/A/").content.decode()


def test_exports_of_stale_results_say_so_in_their_first_line(world: Any, client_as: Any) -> None:
    client = client_as(world, "admin")
    o = world.open.code
    exports = [f"/app/cycles/{o}/?export=ranking", f"/app/cycles/{o}/?export=grades",
               f"/app/cycles/{o}/?export=heatmap", f"/app/cycles/{o}/results/?export=results",
               f"/app/cycles/{o}/units/A/?export=nodes", f"/app/cycles/{o}/units/A/?export=history"]
    headers = {url: first_cell(client, url) for url in exports}
    change_a_value(world)
    for url in exports:
        note = first_cell(client, url)
        assert "out of date" in note or "已过时" in note, url
        sheet = load_workbook(io.BytesIO(client.get(url).content)).active
        assert sheet.cell(row=2, column=1).value == headers[url], url  # the table itself follows unchanged
    # The progress table is of the data as they are now, not of the results: no note.
    progress = first_cell(client, f"/app/cycles/{o}/?export=progress")
    do_compute_cycle(world.open, actor=None)
    assert first_cell(client, f"/app/cycles/{o}/?export=progress") == progress
    for url in exports:
        assert first_cell(client, url) == headers[url], url


def test_the_note_line_keeps_text_as_text() -> None:
    table = Table("t", "t", ["name", "total"], [["=1+1", 2.5], ["@SUM(A1)", 3]])
    sheet = load_workbook(io.BytesIO(first_line(xlsx_bytes(table), "out of date"))).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["out of date", None], ["name", "total"], ["=1+1", 2.5], ["@SUM(A1)", 3]]
    assert {sheet["A3"].data_type, sheet["A4"].data_type, sheet["A1"].data_type} == {"s"}
    assert sheet["B3"].number_format == "General"


def test_closing_scores_the_latest_data_so_a_closed_cycle_is_up_to_date(world: Any, client_as: Any) -> None:
    change_a_value(world)
    closed = do_close_cycle(world.open, actor=None, confirm=True)
    assert not closed.results_stale
    assert closed.computed_version == closed.data_version
    page = client_as(world, "operator_a").get(f"/app/cycles/{closed.code}/units/A/").content.decode()
    assert BANNER not in page


def test_a_published_cycle_is_never_stale(world: Any, client_as: Any) -> None:
    assert not Cycle.objects.get(pk=world.published.pk).results_stale
    client = client_as(world, "admin")
    p = world.published.code
    for url in (f"/app/cycles/{p}/", f"/app/cycles/{p}/results/", f"/app/cycles/{p}/units/A/", f"/public/{p}/"):
        assert BANNER not in client.get(url).content.decode(), url


def test_the_migration_trusts_frozen_results_and_doubts_an_open_cycles(world: Any) -> None:
    migration = importlib.import_module("jixiao.cycles.migrations.0002_cycle_computed_version_cycle_data_version")
    Cycle.objects.update(data_version=0, computed_version=None)  # every cycle as the new fields first find it
    migration.mark_frozen_results_current(apps, None)
    assert not Cycle.objects.get(pk=world.published.pk).results_stale
    assert Cycle.objects.get(pk=world.open.pk).results_stale
