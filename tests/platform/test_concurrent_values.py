"""Twenty editors of one unit at once, half through the entry form and half through the API: every save the
server acknowledged is kept (the stored value is the last acknowledged one, no version is given twice or
skipped), the losers of a race get a conflict, never a server error, and the audit trail has one ``value.set``
per acknowledged save and still verifies. PostgreSQL only: SQLite's test database is one connection."""

from __future__ import annotations

import json
import logging
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from jixiao.accounts.choices import Role
from jixiao.accounts.services import do_create_user
from jixiao.audit.models import AuditEvent
from jixiao.audit.services import verify_chain
from jixiao.collection.models import Value

from .conftest import PASSWORD

ROUNDS = 12
ENTRY = "/app/cycles/2026/entry/A/"
LIST = "/api/values/2026/A/"


@dataclass(frozen=True)
class Editor:
    """One editor: who (an operator of A, or the office), through what ("web" or "api"), which item, and the
    value of round ``r``: inside the item's domain and within 50% of last year's, so the check never warns."""

    user: str
    path: str
    indicator: str
    base: float
    step: float = 0.1
    whole: bool = False

    def value(self, k: int, r: int) -> str:
        """The value an editor (``k``-th on its item) saves in round ``r``: distinct for each (editor, round)
        on a shared item, so the stored value names the save that won; whole items alternate."""
        if self.whole:
            return str(int(self.base) + 1 + r % 2)
        return f"{self.base + k * self.step + r * 0.001:.3f}"


# Operator items of unit A: EXEC (6 editors), ONSITE (4), NEG (1). The office's: DAYS (4), and one each for
# RESP, INNOV, REFORM, ACCIDENT and MAJOR. Ten through the form, ten through the API.
EDITORS = [
    *(Editor(f"op-r{k}", "web" if k < 3 else "api", "EXEC", 95.0) for k in range(6)),
    *(Editor(f"op-r{6 + k}", "web" if k < 2 else "api", "ONSITE", 1.3) for k in range(4)),
    Editor("op-r0", "web", "NEG", 0, whole=True),
    *(Editor("office", "web" if k < 2 else "api", "DAYS", 7.8) for k in range(4)),
    Editor("office", "web", "RESP", 90.0),
    Editor("office", "api", "INNOV", 1.0),
    Editor("office", "web", "REFORM", 2.0),
    Editor("office", "api", "ACCIDENT", 1.0),
    Editor("office", "api", "MAJOR", -1, whole=True),
]


@dataclass
class Tally:
    """What the editors saw: acknowledged saves (indicator, version, value), conflicts, server errors and
    any other answer (each a failure, with its reason)."""

    acked: list[tuple[str, int, float]] = field(default_factory=list)
    conflicts: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class FormFields(HTMLParser):
    """The entry form's fields as a browser would send them: inputs with a name, outside a disabled
    fieldset and not disabled themselves; unticked boxes and files left out."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._disabled_fieldset = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "fieldset":
            self._disabled_fieldset = "disabled" in a
        elif tag == "input" and a.get("name") and not self._disabled_fieldset and "disabled" not in a:
            kind = a.get("type", "text")
            if kind == "file" or (kind == "checkbox" and "checked" not in a):
                return
            self.data[str(a["name"])] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "fieldset":
            self._disabled_fieldset = False


def _web_save(client: Client, editor: Editor, k: int, r: int, tally: Tally) -> None:
    page = client.get(ENTRY)
    if page.status_code != 200:
        raise AssertionError(f"GET {ENTRY}: {page.status_code}")
    form = FormFields()
    form.feed(page.content.decode())
    code = editor.indicator
    assert f"v_{code}" in form.data, (editor, sorted(form.data))
    base = int(form.data[f"ver_{code}"] or 0)
    value = editor.value(k, r)
    assert value != form.data[f"o_{code}"]  # a change, or the form would save nothing
    answer = client.post(ENTRY, {**form.data, f"v_{code}": value, "action": "save"})
    with tally.lock:
        if answer.status_code == 302:
            # The service saves only on the version the page was based on, and counts one up from it.
            tally.acked.append((code, base + 1, float(value)))
        elif answer.status_code == 409:
            assert 'data-level="conflict"' in answer.content.decode()
            tally.conflicts[code] += 1
        elif answer.status_code >= 500:
            tally.errors.append(f"web {code}: {answer.status_code}")
        else:
            tally.other.append(f"web {code}: {answer.status_code} {answer.content.decode()[:2000]}")


def _api_save(client: Client, editor: Editor, k: int, r: int, tally: Tally) -> None:
    listed = client.get(LIST)
    if listed.status_code != 200:
        raise AssertionError(f"GET {LIST}: {listed.status_code}")
    code = editor.indicator
    version = next((v["version"] for v in listed.json() if v["indicator"] == code), 0)
    value = editor.value(k, r)
    answer = client.post("/api/values/", data=json.dumps(
        {"cycle": "2026", "unit": "A", "indicator": code, "value": value, "version": version}),
        content_type="application/json")
    with tally.lock:
        if answer.status_code == 200:
            body = answer.json()
            assert body["version"] == version + 1, (code, version, body)
            tally.acked.append((code, body["version"], body["value"]))
        elif answer.status_code == 409:
            tally.conflicts[code] += 1
        elif answer.status_code >= 500:
            tally.errors.append(f"api {code}: {answer.status_code}")
        else:
            tally.other.append(f"api {code}: {answer.status_code} {answer.content.decode()[:2000]}")


# serialized_rollback: as the other races (tests/platform/test_audit.py), its flush must leave post_migrate out.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_editors_of_one_unit_lose_no_acknowledged_save(world: Any) -> None:
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is one in-memory connection; the race needs PostgreSQL")
    users = {"office": world.personas["admin"]}
    for k in range(10):
        users[f"op-r{k}"] = do_create_user(f"op-r{k}", Role.OPERATOR, actor=None, password=PASSWORD,
                                           units=[world.unit_a])
    subject = world.subject(world.open, world.unit_a)
    codes = {e.indicator for e in EDITORS}
    initial = dict.fromkeys(codes, 0)
    initial.update(dict(Value.objects.filter(subject=subject, indicator__in=codes)
                        .values_list("indicator", "version")))
    first_seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    clients = []
    for editor in EDITORS:
        client = Client()
        client.force_login(users[editor.user])
        clients.append(client)
    connections.close_all()  # the main thread's connection is not needed while the editors run
    tally = Tally()
    start = threading.Barrier(len(EDITORS))
    # Each editor's place among those of its item (the same editor twice is two editors).
    place = [sum(1 for x in EDITORS[:n] if x.indicator == e.indicator) for n, e in enumerate(EDITORS)]

    def run(editor: Editor, k: int, client: Client) -> None:
        try:
            start.wait(30)
            for r in range(ROUNDS):
                save = _web_save if editor.path == "web" else _api_save
                try:
                    save(client, editor, k, r, tally)
                except AssertionError as exc:
                    with tally.lock:
                        tally.other.append(f"{editor}: {exc}")
                except Exception:  # a server error raised through the test client
                    with tally.lock:
                        tally.errors.append(f"{editor}: {traceback.format_exc()}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(e, k, c)) for e, k, c in zip(EDITORS, place, clients, strict=True)]
    # Each conflict is logged as a warning ("Conflict: ..."); server errors are still logged, and counted.
    requests_log = logging.getLogger("django.request")
    level = requests_log.level
    requests_log.setLevel(logging.ERROR)
    began = time.monotonic()
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        requests_log.setLevel(level)
    took = time.monotonic() - began
    print(f"\n{len(EDITORS)} editors x {ROUNDS} saves in {took:.1f} s: acknowledged {len(tally.acked)}, "
          f"conflicts {sum(tally.conflicts.values())} {dict(sorted(tally.conflicts.items()))}, "
          f"server errors {len(tally.errors)}, other answers {len(tally.other)}")
    assert tally.errors == []
    assert tally.other == []
    assert len(tally.acked) + sum(tally.conflicts.values()) == len(EDITORS) * ROUNDS

    stored = {v.indicator: v for v in Value.objects.filter(subject=subject, indicator__in=codes)}
    for code in sorted(codes):
        mine = sorted((ver, value) for c, ver, value in tally.acked if c == code)
        versions = [ver for ver, _value in mine]
        # Each acknowledged save its own version, none skipped: nothing acknowledged was overwritten unseen.
        assert versions == list(range(initial[code] + 1, initial[code] + 1 + len(mine))), (code, versions)
        final = stored[code]
        assert final.version - initial[code] == len(mine), code
        assert (final.version, final.value) == mine[-1], code  # the last acknowledged save is what is stored

    events = list(AuditEvent.objects.filter(seq__gt=first_seq).order_by("seq"))
    assert [e.action for e in events] == ["value.set"] * len(tally.acked)
    audited = sorted((e.after["indicator"], e.after["version"], e.after["value"]) for e in events)
    assert audited == sorted(tally.acked)
    report = verify_chain()
    assert report.ok, report.problems
