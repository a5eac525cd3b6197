"""Who may write which kind of item: each role on each path, from the same state.

The items of unit A in the open city-annual cycle (see conftest.py), one per kind: ``own`` the unit's own
measured indicator (TASK, entered by hand), ``auto`` an item from an automatic source (RESP, from complaints),
``points`` expert points (INTEG), ``bonus`` (INNOV), ``penalty`` (SAFETY) and ``veto`` (MAJOR). The roles are
the platform's personas: ``admin`` the assessment office, ``operator_a`` the operator of A, ``operator_b``
the operator of another unit, ``leader`` A's leader, a ``rater``, an ``auditor`` and the anonymous ``public``.
The approval states of A's data: ``draft`` (no step yet), ``submitted`` by A's operator, ``accepted`` by the
office, and ``returned`` by the leader for correction.

W: writes; -: refused. The same on every path: the service (``do_set_value``), the entry form, the API and a
file import (``do_import_values`` as that user); and the back office, except that it is the office's alone (an
operator enters data in the app). This table is the one the tests read:

    state      role        own  auto  points  bonus  penalty  veto
    draft      admin        W    W     W       W      W        W
    draft      operator_a   W    -     -       -      -        -
    draft      operator_b   -    -     -       -      -        -
    draft      leader       -    -     -       -      -        -
    draft      rater        -    -     -       -      -        -
    draft      auditor      -    -     -       -      -        -
    draft      public       -    -     -       -      -        -
    submitted  admin        -    W     W       W      W        W
    submitted  operator_a   -    -     -       -      -        -
    accepted   admin        -    W     W       W      W        W
    accepted   operator_a   -    -     -       -      -        -
    returned   admin        W    W     W       W      W        W
    returned   operator_a   W    -     -       -      -        -

How each path refuses:

- service: ``NotFoundError`` where the user does not see the unit (operator_b, public),
  ``PermissionDeniedError`` where they see it but write no values (leader, rater, auditor),
  ``NotYoursToEnterError`` for the office's item or locked data (operator_a, admin);
- entry form: 404 where the user enters no data for the unit (operator_b, leader, rater, auditor), the login
  page for the public; on the page, a refused item's input is disabled or absent, and a forged POST of it
  changes nothing;
- API: 401 for the public, 404 where the unit is not seen, else 403;
- back office: the login page for everyone but the office and auditors, 403 for an auditor; the office's
  refused write comes back to the form with the reason;
- import: ``ImportRefusedError`` naming the file, the row and the column.

A refusal writes nothing: no value, no audit event, and the audit chain verifies.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from jixiao.approval.services import do_accept_values, do_return_values, do_submit_values
from jixiao.audit.models import AuditEvent
from jixiao.audit.services import verify_chain
from jixiao.collection.errors import ImportRefusedError, NotYoursToEnterError
from jixiao.collection.models import Value
from jixiao.collection.services import do_import_values, do_set_value
from jixiao.core.errors import NotFoundError, PermissionDeniedError

from .conftest import PathsWorld, client_for, entry_page, entry_url

#: Each kind of item: its code in city-annual and a value the check passes.
KINDS = {"own": ("TASK", "91"), "auto": ("RESP", "96"), "points": ("INTEG", "2"), "bonus": ("INNOV", "1"),
         "penalty": ("SAFETY", "1"), "veto": ("MAJOR", "1")}
PATHS = ("service", "web", "api", "admin", "import")


def read_matrix(doc: str) -> dict[tuple[str, str, str], bool]:
    """The table of the module's docstring: (state, role, kind) -> may write."""
    lines = [ln.split() for ln in doc.splitlines() if ln.startswith("    ")]
    header, rows = lines[0], lines[1:]
    assert header[:2] == ["state", "role"], header
    kinds = header[2:]
    assert kinds == list(KINDS), kinds
    out = {}
    for state, role, *marks in rows:
        assert set(marks) <= {"W", "-"}, (state, role, marks)
        for kind, mark in zip(kinds, marks, strict=True):
            out[(state, role, kind)] = mark == "W"
    return out


assert __doc__ is not None
MATRIX = read_matrix(__doc__)



def may_write(state: str, role: str, kind: str, path: str) -> bool:
    """The table's answer, on ``path``: the back office is for the office only."""
    return MATRIX[(state, role, kind)] and (path != "admin" or role == "admin")


def known_bug(state: str, role: str, kind: str, path: str) -> str | None:
    """Why a cell is expected to differ from the table while the difference stands (strict xfail): none now."""
    return None


def _params() -> list[Any]:
    """One test per state, role and path; it tries every kind of item (each a different item, so one write
    does not change what the next may do)."""
    out = []
    rows = dict.fromkeys((state, role) for state, role, _k in MATRIX)
    for state, role in rows:
        for path in PATHS:
            reasons = sorted({r for kind in KINDS if (r := known_bug(state, role, kind, path)) is not None})
            marks = [pytest.mark.xfail(strict=True, reason="; ".join(reasons))] if reasons else []
            out.append(pytest.param(state, role, path, id=f"{state}-{role}-{path}", marks=marks))
    return out


# The state of A's data ---------------------------------------------------------------------------------------


def put_in_state(world: PathsWorld, state: str) -> None:
    subject = world.subject("A")
    if state == "draft":
        return
    do_submit_values(subject, actor=world.personas["operator_a"])
    if state == "accepted":
        do_accept_values(subject, actor=world.personas["admin"])
    elif state == "returned":
        do_return_values(subject, actor=world.personas["leader"], reason="请补充佐证材料")


# The paths: each answers whether the write went through, and checks the way it was refused -------------------


@dataclass(frozen=True)
class Attempt:
    world: PathsWorld
    role: str
    state: str
    code: str
    text: str
    tmp: Path

    @property
    def user(self) -> Any:
        return self.world.personas[self.role]


SERVICE_REFUSAL = {"public": NotFoundError, "operator_b": NotFoundError, "leader": PermissionDeniedError,
                   "rater": PermissionDeniedError, "auditor": PermissionDeniedError,
                   "operator_a": NotYoursToEnterError, "admin": NotYoursToEnterError}


def via_service(a: Attempt) -> bool:
    try:
        do_set_value(a.world.subject("A"), a.code, a.text, actor=a.user, version=0)
    except (NotFoundError, PermissionDeniedError, NotYoursToEnterError) as exc:
        refusal = type(exc)
    else:
        return True
    assert refusal is SERVICE_REFUSAL[a.role]
    return False


def via_web(a: Attempt) -> bool:
    client = client_for(a.world, a.role)
    status, inputs = entry_page(a.world, client, a.role, a.state)
    forged = {f"v_{a.code}": a.text, f"ver_{a.code}": "0", f"o_{a.code}": "", "action": "save"}
    if a.role in ("operator_b", "leader", "rater", "auditor", "public"):
        # No entry page for them: a 404 as for a unit that does not exist, or the login page.
        want = 302 if a.role == "public" else 404
        assert status == want
        r = client.post(entry_url(a.world), forged)
        assert r.status_code == want
        if want == 302:
            assert "/login/" in r["Location"]
        return False
    assert status == 200
    name = f"v_{a.code}"
    if name in inputs.fields:
        r = client.post(entry_url(a.world), {**inputs.fields, name: a.text, "action": "save"})
        assert r.status_code == 302, r.content.decode()[:2000]
        return True
    # Disabled, or not on the page at all: a forged POST of it changes nothing.
    assert name in inputs.disabled or name not in inputs.seen
    r = client.post(entry_url(a.world), {**inputs.fields, **forged})
    assert r.status_code in (200, 302, 422)
    return False


def via_api(a: Attempt) -> bool:
    r = client_for(a.world, a.role).post(
        "/api/values/", {"cycle": a.world.cycle.code, "unit": "A", "indicator": a.code, "value": a.text,
                         "version": 0}, content_type="application/json")
    if r.status_code == 200:
        return True
    want = 401 if a.role == "public" else 404 if a.role == "operator_b" else 403
    assert r.status_code == want, r.content
    return False


def via_admin(a: Attempt) -> bool:
    url = "/admin/collection/value/add/"
    r = client_for(a.world, a.role).post(url, {
        "subject": a.world.subject("A").pk, "indicator": a.code, "value": a.text, "note": "", "explanation": "",
        "base_version": 0, "_save": "1"})
    if a.role not in ("admin", "auditor"):
        assert r.status_code == 302
        assert "/login/" in r["Location"]
        return False
    if a.role == "auditor":
        assert r.status_code == 403
        return False
    if r.status_code == 302 and not r["Location"].endswith(url):
        return True
    # The office's refused write: back to the form, with the reason.
    assert r.status_code in (200, 302)
    return False


def via_import(a: Attempt) -> bool:
    path = a.tmp / "values.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["unit", "indicator", "value"], ["A", a.code, a.text]])
    try:
        do_import_values(a.world.cycle, path, actor=a.user)
    except ImportRefusedError as exc:
        problems = exc.problems
    else:
        return True
    assert [p[:2] for p in problems] == [("values.csv", 2)]
    assert problems[0][2] in ("unit", "indicator")
    return False


VIA = {"service": via_service, "web": via_web, "api": via_api, "admin": via_admin, "import": via_import}


@pytest.mark.parametrize(("state", "role", "path"), _params())
def test_who_may_write_which_item(
    paths_world: PathsWorld, db: Any, tmp_path: Path, state: str, role: str, path: str
) -> None:
    world = paths_world
    row = {}
    with translation.override("zh-hans"):
        put_in_state(world, state)
        for kind, (code, text) in KINDS.items():
            events = AuditEvent.objects.count()
            wrote = VIA[path](Attempt(world, role, state, code, text, tmp_path))
            stored = Value.objects.filter(subject__cycle=world.cycle, subject__code="A", indicator=code).first()
            if wrote:
                assert stored is not None
                assert stored.value == float(text)
                assert stored.entered_by == world.personas[role]
                assert AuditEvent.objects.count() == events + 1, "one write, one audit event"
            else:
                assert stored is None, f"{kind}: nothing is written on a refusal"
                assert AuditEvent.objects.count() == events, f"{kind}: nothing is written on a refusal"
            row[kind] = "W" if wrote else "-"
    assert row == {kind: "W" if may_write(state, role, kind, path) else "-" for kind in KINDS}
    report = verify_chain()
    assert report.ok, report.problems


def test_the_matrix_covers_every_role_kind_and_state() -> None:
    roles = {role for _s, role, _k in MATRIX}
    assert roles == {"admin", "operator_a", "operator_b", "leader", "rater", "auditor", "public"}
    assert {s for s, _r, _k in MATRIX} == {"draft", "submitted", "accepted", "returned"}
    # The rules in one sentence each: the office writes its items always and the unit's while they are open;
    # the unit's operator writes only the unit's own items, while they are open; nobody else writes.
    for (state, role, kind), may in MATRIX.items():
        open_ = state in ("draft", "returned")
        if role == "admin":
            assert may == (kind != "own" or open_)
        elif role == "operator_a":
            assert may == (kind == "own" and open_)
        else:
            assert not may


def test_an_import_names_a_unit_the_user_does_not_see_like_one_that_does_not_exist(
    paths_world: PathsWorld, db: Any, tmp_path: Path
) -> None:
    world = paths_world
    path = tmp_path / "values.csv"
    path.write_text("unit,indicator,value\nA,TASK,91\nNOPE,TASK,91\n", encoding="utf-8")
    with pytest.raises(ImportRefusedError) as refused:
        do_import_values(world.cycle, path, actor=world.personas["operator_b"])
    (_f, _r, col_a, why_a), (_f2, _r2, col_nope, why_nope) = refused.value.problems
    assert (col_a, why_a.replace("“A”", "“NOPE”")) == (col_nope, why_nope)
