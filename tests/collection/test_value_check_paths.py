"""The same good and bad values through every path that writes one get the same verdict in the same words.

Each case is an item of unit A in the open city-annual cycle (see conftest.py) and a text as a person types
it. The expected verdict and message come from the one value check (``jixiao.engine.values.check_text``)
given the item's domain, last year's value and the usual range across units; every path must say exactly
that, as the office (an admin, who may write every item), each from the same state (each test runs in its own
savepoint):

- service: ``do_set_value`` (ok, ``ValueRefusedError`` = error, ``ExplanationRequiredError`` = warning);
- check: the entry form's check as you type (it writes nothing; it adds what the value would earn);
- web: the entry form, posted with only that item changed (versions and base texts from the page);
- api: ``POST /api/values/`` (422 ``invalid_value`` = error, ``explanation_required`` = warning);
- admin: the back office's add form (errors on the value field = error, on the explanation field = warning);
- import_csv, import_xlsx: ``do_import_values`` with a one-row file (a warning is saved and flagged);
- compute: the value written straight into the table, then ``do_compute_cycle`` (refuses errors, ignores
  warnings). Only where the stored number says all the text said: not for a percent sign or a non-number.

After an error nothing is written: no value, no audit event.
"""

from __future__ import annotations

import csv
import html
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from jixiao.audit.models import AuditEvent
from jixiao.collection.errors import ExplanationRequiredError, ImportRefusedError, ValueRefusedError
from jixiao.collection.models import Value
from jixiao.collection.services import do_import_values, do_set_value
from jixiao.engine import subject_points
from jixiao.engine.values import check_text, domain, empty, usual_range
from jixiao.results.errors import ComputeInputError
from jixiao.results.services import do_compute_cycle

from .conftest import DIGI_OTHERS, LAST_YEAR_A, PathsWorld, client_for, entry_page, entry_url, item_messages

PATHS = ("service", "check", "web", "api", "admin", "import_csv", "import_xlsx", "compute")


@dataclass(frozen=True)
class Case:
    """An item of unit A, the text as typed, and the verdict a person would expect."""

    code: str
    text: str
    verdict: str  # "ok", "warning" or "error"

    def __str__(self) -> str:
        return f"{self.code}={self.text!r}"


CASES = [
    # A share in % (TASK: linear 60..100, [0, 100]; last year 90).
    Case("TASK", "95", "ok"),
    Case("TASK", "95%", "ok"),
    Case("TASK", "９５", "ok"),
    Case("TASK", "９５．５％", "ok"),
    Case("TASK", " +88.5 ", "ok"),
    Case("TASK", "9,5", "error"),
    Case("TASK", "abc", "error"),
    Case("TASK", "-5", "error"),
    Case("TASK", "150", "error"),
    Case("TASK", "nan", "error"),
    Case("TASK", "inf", "error"),
    Case("TASK", "40", "warning"),  # 90 last year
    Case("TASK", "", "error"),  # nothing typed
    # A ratio in % (PROJ: may exceed 100, never below 0).
    Case("PROJ", "150", "ok"),
    Case("PROJ", "-1", "error"),
    # An item from an automatic source, a share in % (RESP, complaints).
    Case("RESP", "101", "error"),
    # Counts: NEG (a deduction, 起) and DIGI (项; last year 18, usual range 3.5..7.5).
    Case("NEG", "1,234", "ok"),
    Case("NEG", "1.5", "error"),
    Case("NEG", "-1", "error"),
    Case("NEG", "8%", "error"),
    Case("DIGI", "6", "ok"),
    Case("DIGI", "12", "warning"),  # unusual across units, near last year's 10
    Case("DIGI", "50", "warning"),  # unusual and far from last year
    # Expert points, worth 2.5 for a unit of category A.
    Case("INTEG", "2", "ok"),
    Case("INTEG", "99", "error"),
    Case("INTEG", "8%", "error"),  # two errors: the sign and the range
    # A measure (hours).
    Case("ONSITE", "1.5", "ok"),
    Case("ONSITE", "-0.5", "error"),
    # Bonus, penalty and veto items.
    Case("INNOV", "3", "ok"),
    Case("INNOV", "1e9", "error"),
    Case("SAFETY", "-2", "error"),
    Case("MAJOR", "1", "ok"),
    Case("MAJOR", "0.5", "error"),
    Case("MAJOR", "8%", "error"),
]

#: Cases also run in English, on every path.
ENGLISH = ("TASK='150'", "TASK='40'", "NEG='8%'")

def known_bug(path: str, case: Case) -> str | None:
    """Why a path is expected to differ from the check for a case, while the difference stands (strict xfail):
    none now."""
    return None


# The expected verdict -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    verdict: str
    #: The check's words: the errors joined by "; ", or the warnings joined by " ".
    text: str
    #: The message of a path that refuses a warning without an explanation (the check's words and the request).
    message: str
    number: float | None
    #: Each finding's words, errors first.
    findings: tuple[str, ...] = ()


def expected(world: PathsWorld, case: Case) -> Expected:
    """What the one value check says of the case, in the active language, from the engine alone."""
    scheme = world.cycle.scheme.engine
    node = scheme.node(case.code) if case.code in {n.code for n in scheme.measured_leaves} else None
    points = None
    if node is not None and node.rule is not None and node.rule.type == "points":
        points = subject_points(scheme, "A")[case.code][1]
    d = domain(scheme, case.code, points=points)
    usual = usual_range(list(DIGI_OTHERS.values())) if case.code == "DIGI" else None
    number, findings = check_text(d, case.text, previous=LAST_YEAR_A.get(case.code), usual=usual)
    lang = "en" if translation.get_language() == "en" else "zh"
    errors = [f.text(lang) for f in findings if f.is_error]
    warnings = [f.text(lang) for f in findings if not f.is_error]
    if number is None and not findings:  # nothing typed where a value is needed: the check's "empty"
        words = empty(d).text(lang)
        return Expected("error", words, words, None, (words,))
    verdict = "error" if errors else "warning" if warnings else "ok"
    assert verdict == case.verdict, f"the case table disagrees with the check: {case} is {verdict}"
    if errors:
        return Expected("error", "; ".join(errors), "; ".join(errors), number, tuple(errors))
    text = " ".join(warnings)
    message = ExplanationRequiredError(text=text).text if warnings else ""
    return Expected(verdict, text, message, number, tuple(warnings))


# The paths -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    verdict: str  # "ok", "warning", "error", or what else happened
    message: str = ""


def via_service(world: PathsWorld, case: Case, tmp: Path) -> Outcome:
    try:
        do_set_value(world.subject("A"), case.code, case.text, actor=world.personas["admin"], version=0)
    except ValueRefusedError as exc:
        return Outcome("error", exc.text)
    except ExplanationRequiredError as exc:
        return Outcome("warning", exc.text)
    return Outcome("ok")


def via_web(world: PathsWorld, case: Case, tmp: Path) -> Outcome:
    client = client_for(world, "admin", _http_lang())
    status, inputs = entry_page(world, client, "admin")
    assert status == 200
    assert f"v_{case.code}" in inputs.fields, f"the office cannot write {case.code} on the page"
    data = {**inputs.fields, f"v_{case.code}": case.text, "action": "save"}
    r = client.post(entry_url(world), data)
    if r.status_code == 302:
        return Outcome("ok")
    messages = item_messages(r.content.decode(), case.code)
    if r.status_code == 422 and len(messages) == 1:
        level, text = messages[0]
        return Outcome({"error": "error", "warn": "warning"}.get(level, level), text)
    return Outcome(f"http {r.status_code}", repr(messages))


def via_check(world: PathsWorld, case: Case, tmp: Path) -> Outcome:
    client = client_for(world, "admin", _http_lang())
    r = client.get(f"{entry_url(world)}check/{case.code}/", {f"v_{case.code}": case.text})
    assert r.status_code == 200
    m = re.fullmatch(r'\s*(?:<span class="check ([^"]*)">(.*)</span>)?\s*', r.content.decode(), re.S)
    assert m is not None, r.content
    if m.group(1) is None:  # nothing to say: nothing typed, or a good value of an item that earns no points
        return Outcome("ok" if case.text.strip() else "empty")
    verdict = {"error": "error", "warn": "warning", "ok": "ok", "low": "ok"}.get(m.group(1), m.group(1))
    return Outcome(verdict, html.unescape(m.group(2)))


def via_api(world: PathsWorld, case: Case, tmp: Path) -> Outcome:
    client = client_for(world, "admin", _http_lang())
    r = client.post("/api/values/", {"cycle": world.cycle.code, "unit": "A", "indicator": case.code,
                                     "value": case.text, "version": 0, "explanation": ""},
                    content_type="application/json")
    if r.status_code == 200:
        return Outcome("ok")
    body = r.json()
    verdict = {"invalid_value": "error", "explanation_required": "warning"}.get(body.get("code"))
    if r.status_code == 422 and verdict is not None:
        return Outcome(verdict, body["message"])
    return Outcome(f"http {r.status_code} {body.get('code')}", body.get("message", ""))


def via_admin(world: PathsWorld, case: Case, tmp: Path) -> Outcome:
    client = client_for(world, "admin", _http_lang())
    r = client.post("/admin/collection/value/add/", {
        "subject": world.subject("A").pk, "indicator": case.code, "value": case.text, "note": "",
        "explanation": "", "base_version": 0, "_save": "1"})
    if r.status_code == 302 and "/add/" not in r["Location"]:
        return Outcome("ok")
    if r.status_code != 200:
        return Outcome(f"http {r.status_code}", r.get("Location", ""))
    errors = r.context["adminform"].form.errors
    for field, verdict in (("value", "error"), ("explanation", "warning")):
        if field in errors:
            text = " ".join(errors[field])
            assert html.escape(text) in r.content.decode(), "the message is on the page"
            return Outcome(verdict, text)
    return Outcome("form errors", repr(dict(errors)))


def _import(world: PathsWorld, case: Case, path: Path) -> Outcome:
    try:
        do_import_values(world.cycle, path, actor=world.personas["admin"])
    except ImportRefusedError as exc:
        # The refusal names the file, the row (2: after the header) and the column.
        if len(exc.problems) == 1 and exc.problems[0][:3] == (path.name, 2, "value"):
            return Outcome("error", exc.problems[0][3])
        return Outcome("refused elsewhere", repr(exc.problems))
    stored = Value.objects.get(subject__cycle=world.cycle, subject__code="A", indicator=case.code)
    if stored.warnings:
        assert stored.explanation, "a flagged import says where it came from"
        return Outcome("warning", stored.warnings)
    return Outcome("ok")


def via_import_csv(world: PathsWorld, case: Case, tmp: Path) -> Outcome:
    path = tmp / "values.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["unit", "indicator", "value"])
        writer.writerow(["A", case.code, case.text])
    return _import(world, case, path)


def via_import_xlsx(world: PathsWorld, case: Case, tmp: Path) -> Outcome:
    from openpyxl import Workbook

    path = tmp / "values.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["unit", "indicator", "value"])
    sheet.append(["A", case.code, case.text])  # the text as typed, a text cell
    book.save(path)
    return _import(world, case, path)


def stored_number(case: Case) -> float | None:
    """The number the database would hold for the case, where it holds all the text said."""
    if case.text.strip() in ("inf", "-inf"):
        return float(case.text)
    if "%" in case.text or "％" in case.text:
        return None  # the sign is not stored: the compute path cannot see it
    try:
        from jixiao.engine.values import parse_number

        return parse_number(case.text).value
    except ValueError:
        return None


def via_compute(world: PathsWorld, case: Case, tmp: Path) -> Outcome:
    number = stored_number(case)
    assert number is not None
    # Straight into the table, past every service: what a restore or a hand-edited database could hold.
    Value.objects.create(cycle=world.cycle, subject=world.subject("A"), indicator=case.code, value=number,
                         entered_at=timezone.now())
    try:
        do_compute_cycle(world.cycle, actor=world.personas["admin"])
    except ComputeInputError as exc:
        return Outcome("error", "\n".join(exc.problems))
    return Outcome("ok")


VIA = {"service": via_service, "check": via_check, "web": via_web, "api": via_api, "admin": via_admin,
       "import_csv": via_import_csv, "import_xlsx": via_import_xlsx, "compute": via_compute}


def said_in_order(message: str, findings: tuple[str, ...]) -> str:
    """What ``message`` says besides the findings, which it must say in their order."""
    rest, pos = [], 0
    for text in findings:
        at = message.find(text, pos)
        assert at >= 0, f"{text!r} not said (in order) in {message!r}"
        rest.append(message[pos:at])
        pos = at + len(text)
    return "".join(rest) + message[pos:]


def gettext_in(lang: str, text: str) -> str:
    with translation.override(lang):
        return gettext(text)


def _http_lang() -> str:
    return "en" if translation.get_language() == "en" else "zh-hans"


# The tests -------------------------------------------------------------------------------------------------


def _params() -> list[Any]:
    out = []
    for lang in ("zh-hans", "en"):
        for case in CASES:
            if lang == "en" and str(case) not in ENGLISH:
                continue
            for path in PATHS:
                if path == "compute" and stored_number(case) is None:
                    continue
                marks = []
                reason = known_bug(path, case)
                if reason:
                    marks.append(pytest.mark.xfail(strict=True, reason=reason))
                out.append(pytest.param(lang, case, path, id=f"{lang}-{path}-{case}", marks=marks))
    return out


@pytest.mark.parametrize(("lang", "case", "path"), _params())
def test_every_path_gives_the_value_check_verdict_in_its_words(
    paths_world: PathsWorld, db: Any, tmp_path: Path, lang: str, case: Case, path: str
) -> None:
    world = paths_world
    with translation.override(lang):
        want = expected(world, case)
        events = AuditEvent.objects.count()
        got = VIA[path](world, case, tmp_path)
    stored = Value.objects.filter(subject__cycle=world.cycle, subject__code="A", indicator=case.code).first()
    if path == "compute":
        # Compute ignores warnings; it refuses an error naming the unit, in the check's words.
        assert got.verdict == ("error" if want.verdict == "error" else "ok"), got
        if want.verdict == "error":
            problem = next((p for p in got.message.splitlines() if want.text in p), None)
            assert problem is not None, f"{want.text!r} not in {got.message!r}"
            assert re.search(r"(?<![\w-])A(?![\w-])", problem.replace(want.text, "")), problem
        return
    if path == "web" and case.text == "":
        # A field left empty where there is no value is no change at all (deleting is an explicit box).
        assert got == Outcome("ok")
        assert stored is None
        assert AuditEvent.objects.count() == events
        return
    if path == "check":
        # As you type: the check's words, each a sentence, and for a value it takes what it would earn (and
        # for a warning the request for an explanation).
        if case.text == "":
            assert got == Outcome("empty", "")
            return
        assert got.verdict == want.verdict
        rest = said_in_order(got.message, want.findings)
        if want.verdict == "error":
            assert not rest.strip(" ;。."), f"more than the check said: {got.message!r}"
        assert rest.endswith(gettext_in(lang, "Give a short explanation to save it.")) == \
            (want.verdict == "warning")
        assert stored is None, "the check writes nothing"
        return
    if path.startswith("import") and want.verdict == "warning":
        # An import saves a warned value and flags it for review (the file is the explanation).
        assert got == Outcome("warning", want.text)
        assert stored is not None
        assert stored.value == want.number
        return
    assert got == Outcome(want.verdict, want.message)
    if want.verdict == "ok":
        assert stored is not None
        assert stored.value == want.number
        assert stored.warnings == ""
    else:
        assert stored is None, "nothing is written on a refusal"
        assert AuditEvent.objects.count() == events


WARNED = [c for c in CASES if c.verdict == "warning"]


@pytest.mark.parametrize("path", ["service", "web", "api", "admin"])
@pytest.mark.parametrize("case", WARNED, ids=str)
def test_a_warned_value_is_saved_with_an_explanation_and_flagged(
    paths_world: PathsWorld, db: Any, case: Case, path: str
) -> None:
    world = paths_world
    why = "专项整治集中办结"
    with translation.override("zh-hans"):
        want = expected(world, case)
        if path == "service":
            do_set_value(world.subject("A"), case.code, case.text, actor=world.personas["admin"], version=0,
                         explanation=why)
        elif path == "web":
            client = client_for(world, "admin")
            inputs = entry_page(world, client, "admin")[1]
            r = client.post(entry_url(world), {**inputs.fields, f"v_{case.code}": case.text,
                                               f"x_{case.code}": why, "action": "save"})
            assert r.status_code == 302
        elif path == "api":
            r = client_for(world, "admin").post(
                "/api/values/", {"cycle": world.cycle.code, "unit": "A", "indicator": case.code,
                                 "value": case.text, "version": 0, "explanation": why},
                content_type="application/json")
            assert r.status_code == 200, r.content
        else:
            r = client_for(world, "admin").post("/admin/collection/value/add/", {
                "subject": world.subject("A").pk, "indicator": case.code, "value": case.text, "note": "",
                "explanation": why, "base_version": 0, "_save": "1"})
            assert r.status_code == 302
    stored = Value.objects.get(subject__cycle=world.cycle, subject__code="A", indicator=case.code)
    assert (stored.value, stored.warnings, stored.explanation) == (want.number, want.text, why)


def test_the_cases_cover_every_kind_of_item_and_verdict(paths_world: PathsWorld, db: Any) -> None:
    scheme = paths_world.cycle.scheme.engine
    kinds = {domain(scheme, c.code).kind for c in CASES}
    assert kinds >= {"percent", "count", "points", "measure", "bonus", "penalty", "veto"}
    assert {c.verdict for c in CASES} == {"ok", "warning", "error"}
    assert len(CASES) >= 30
    assert math.isclose(subject_points(scheme, "A")["INTEG"][1], 2.5)


def test_the_checks_words_are_the_ones_people_read(paths_world: PathsWorld, db: Any) -> None:
    """A few messages written out, so that the expectation above is not only the code agreeing with itself."""
    with translation.override("zh-hans"):
        assert expected(paths_world, Case("TASK", "150", "error")).message == \
            "年度重点任务完成率（TASK）：应在 0 到 100 之间，收到 150"
        assert expected(paths_world, Case("NEG", "1.5", "error")).message == \
            "负面清单（NEG）：是计数，应为整数，收到 1.5"
        assert expected(paths_world, Case("DIGI", "12", "warning")).text == \
            "数字化改革任务完成数（DIGI）：12 超出各单位的通常范围（3.5 至 7.5）"
    with translation.override("en"):
        assert expected(paths_world, Case("TASK", "40", "warning")).text == \
            "年度重点任务完成率 (TASK): 40 is far from last year's 90 (-56%)"


def test_a_value_that_replaces_another_is_judged_against_the_other_units_on_every_path(
    paths_world: PathsWorld, db: Any, tmp_path: Path
) -> None:
    world = paths_world
    admin = world.personas["admin"]
    case = Case("DIGI", "8", "warning")
    with translation.override("zh-hans"):
        do_set_value(world.subject("A"), "DIGI", "7", actor=admin, version=0)  # usual, and near last year's 10
        want = expected(world, case)
        with pytest.raises(ExplanationRequiredError) as refused:
            do_set_value(world.subject("A"), "DIGI", case.text, actor=admin, version=1)
        assert refused.value.text == want.message
        path = tmp_path / "values.csv"
        path.write_text(f"unit,indicator,value\nA,DIGI,{case.text}\n", encoding="utf-8")
        do_import_values(world.cycle, path, actor=admin)
    stored = Value.objects.get(subject__cycle=world.cycle, subject__code="A", indicator="DIGI")
    assert stored.value == 8
    assert stored.warnings == want.text
