"""The API against its own OpenAPI schema: the docs page works offline, every endpoint documents the errors it
gives (``{"code", "message", "details"?}``), and schemathesis, as the public and as each role, finds no server
error and no answer that breaks the schema.

``JIXIAO_API_FUZZ_EXAMPLES`` sets the examples per operation (a few here, for CI; ``bench/api_fuzz.py`` runs
more) and ``JIXIAO_API_FUZZ_REPORT`` names a file that receives each role's figures as a JSON line.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import string
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.management import call_command
from django.test import Client
from django.test.client import ClientHandler
from schemathesis.core.failures import FailureGroup

ROLES = ("public", "admin", "operator_a", "leader", "rater", "auditor")
EXAMPLES = int(os.environ.get("JIXIAO_API_FUZZ_EXAMPLES", "6"))
REPORT = os.environ.get("JIXIAO_API_FUZZ_REPORT")
# The same examples on every run unless a longer run (the bench) asks for fresh ones.
DERANDOMIZE = os.environ.get("JIXIAO_API_FUZZ_RANDOM", "") != "1"

# Statuses each operation must document beside 200: 400 is every operation's (text that cannot be stored), 422
# every one's that takes parameters or a body.
EXPECTED_ERRORS = {
    ("get", "/api/accounts/me"): {401},
    ("get", "/api/units/"): set(),
    ("get", "/api/indicators/"): set(),
    ("get", "/api/schemes/{code}/{version}.yaml"): {404, 422},
    ("get", "/api/cycles/"): set(),
    ("get", "/api/cycles/{code}"): {404},
    ("get", "/api/cycles/{code}/results"): {404},
    ("get", "/api/cycles/{code}/results/{unit}"): {404, 422},
    ("post", "/api/values/"): {401, 403, 404, 409, 422, 428},
    ("get", "/api/values/{cycle}/{unit}/"): {401, 404},
    ("get", "/api/values/{cycle}/{unit}/{indicator}"): {401, 404},
    ("delete", "/api/values/{cycle}/{unit}/{indicator}"): {204, 401, 403, 404, 409, 422, 428},
    ("get", "/api/approval/{cycle}/"): {401},
    ("post", "/api/approval/{cycle}/{unit}/{step}"): {401, 403, 404, 409, 422},
    ("get", "/api/appeals/{cycle}/"): {401},
    ("get", "/api/appeals/appeal/{pk}"): {401, 404, 422},
    ("post", "/api/appeals/{cycle}/draft"): {401, 403, 404, 409, 422},
    ("post", "/api/appeals/appeal/{pk}/{step}"): {401, 403, 404, 409, 422},
    ("post", "/api/units/"): {401, 403, 404, 409, 422},
    ("patch", "/api/units/{code}"): {401, 403, 404, 409, 422},
    ("get", "/api/audit/events"): {422},
    ("get", "/api/audit/verify"): {404},
    ("get", "/api/imports/"): {422},
    ("get", "/api/evidence/"): {422},
    ("get", "/api/evidence/{pk}/file"): {404, 422},
    ("get", "/api/inbox/"): {401, 422},
    ("post", "/api/inbox/read-all"): {401},
    ("post", "/api/inbox/{notice_id}/read"): {401, 404, 422},
    ("get", "/api/monitoring/{cycle}/warnings"): {401, 422},
    ("post", "/api/monitoring/{cycle}/values"): {401, 403, 404, 409, 422},
    ("post", "/api/monitoring/warnings/{id}/answer"): {401, 403, 404, 409, 422},
    ("get", "/api/monitoring/{cycle}/orders"): {401, 422},
    ("post", "/api/monitoring/orders/{id}/acknowledge"): {401, 403, 404, 409, 422},
    ("post", "/api/monitoring/orders/{id}/submit"): {401, 403, 404, 409, 422},
    ("get", "/api/monitoring/{cycle}/escalations"): {401},
    ("get", "/api/ratings/tasks"): {401},
    ("post", "/api/ratings/tasks/{id}"): {401, 403, 404, 409, 422},
    ("get", "/api/ratings/{cycle}/results/{unit}"): {401, 404},
    ("get", "/api/verification/rounds"): {401, 422},
    ("get", "/api/verification/rounds/{id}/units"): {401, 404, 422},
    ("get", "/api/verification/rounds/{id}/items"): {401, 404, 422},
    ("get", "/api/surveys/"): {401},
    ("get", "/api/surveys/{id}/results"): {401, 404, 422},
    ("post", "/api/surveys/respond/{key}"): {404, 422, 429},
    ("post", "/api/hotline/tickets"): {401, 422},
    ("get", "/api/hotline/tickets"): {401, 422},
    ("get", "/api/outcomes/plans"): {401, 422},
    ("get", "/api/outcomes/plans/{id}"): {401, 404, 422},
}


def _client(world: Any, persona: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if persona != "public":
        client.force_login(world.personas[persona])
    return client


# The docs page -------------------------------------------------------------------------------------------------


def test_the_docs_page_references_nothing_outside_the_site_and_its_files_are_served(
    shared_world: Any, db: Any, settings: Any, tmp_path: Any
) -> None:
    page = Client().get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert not re.findall(r"https?://", html), "the docs page must not load anything from another site"
    referenced = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(u.endswith("swagger-ui-bundle.js") for u in referenced), referenced
    # Served as `jixiao serve` serves them: collected, then by whitenoise (which reads STATIC_ROOT when the
    # handler starts, hence a new client).
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()
    for url in referenced:
        r = client.get(url)
        assert r.status_code == 200, url
        assert b"".join(r.streaming_content) if r.streaming else r.content, url
    assert "/api/openapi.json" in html


# The schema ----------------------------------------------------------------------------------------------------


def _schema_document(client: Client | None = None) -> dict[str, Any]:
    return (client or Client()).get("/api/openapi.json").json()  # type: ignore[no-any-return]


def test_every_endpoint_documents_the_errors_it_gives_with_the_error_body(db: Any) -> None:
    doc = _schema_document()
    error = doc["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"code", "message"}
    assert error["properties"]["details"]["type"] == "object"
    operations = {(m, p): op for p, item in doc["paths"].items() for m, op in item.items()}
    assert set(operations) == set(EXPECTED_ERRORS)
    for key, op in operations.items():
        documented = {int(s) for s in op["responses"]} - {200}
        assert documented == {400, *EXPECTED_ERRORS[key]}, key
        for status in documented - {204}:  # 204: no content
            content = op["responses"][str(status)]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/ErrorOut"}, (key, status)
    yaml_ok = operations[("get", "/api/schemes/{code}/{version}.yaml")]["responses"]["200"]
    assert list(yaml_ok["content"]) == ["application/yaml"]


@pytest.mark.parametrize(
    ("persona", "method", "path", "body", "status", "code"),
    [
        ("public", "get", "/api/accounts/me", None, 401, "not_signed_in"),
        ("public", "post", "/api/values/", "{}", 401, "not_signed_in"),
        ("public", "get", "/api/cycles/2026", None, 404, "not_found"),
        ("public", "get", "/api/schemes/X/one.yaml", None, 422, "invalid_input"),
        ("public", "get", "/api/no/such/endpoint", None, 404, "not_found"),
        ("admin", "post", "/api/hotline/tickets", '{"tickets": []}', 401, "hotline_key"),
        ("public", "get", "/api/hotline/tickets", None, 401, "not_signed_in"),
        ("admin", "get", "/api/hotline/tickets?limit=0", None, 422, "invalid_input"),
        ("auditor", "get", "/api/audit/events?limit=many", None, 422, "invalid_input"),
        ("operator_a", "get", "/api/audit/verify", None, 404, "not_found"),
        ("operator_a", "post", "/api/values/", "{not json", 400, "bad_request"),
        ("operator_a", "post", "/api/values/", '{"cycle": "2026"}', 422, "invalid_input"),
        ("operator_a", "post", "/api/values/", '{"cycle": "2025", "unit": "A", "indicator": "RESP", "value": 1}',
         409, "cycle_state"),
        ("leader", "post", "/api/values/", '{"cycle": "2026", "unit": "A", "indicator": "RESP", "value": 1}',
         403, "permission_denied"),
        ("operator_a", "post", "/api/values/", '{"cycle": "2026", "unit": "B", "indicator": "RESP", "value": 1}',
         404, "not_found"),
    ],
)
def test_each_error_comes_back_as_the_error_body(
    shared_world: Any, db: Any, persona: str, method: str, path: str, body: str | None, status: int, code: str
) -> None:
    client = _client(shared_world, persona)
    r = client.post(path, body, content_type="application/json") if method == "post" else client.get(path)
    assert r.status_code == status, r.content
    answer = r.json()
    assert answer["code"] == code
    assert isinstance(answer["message"], str)
    assert answer["message"]
    assert set(answer) <= {"code", "message", "details"}


def test_the_csrf_refusal_is_an_error_body_too(shared_world: Any, db: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(shared_world.personas["operator_a"])
    r = client.post("/api/values/", "{}", content_type="application/json")
    assert r.status_code == 403
    assert r.json()["code"] == "csrf_failed"


def test_an_endpoint_path_without_its_slash_still_redirects(db: Any) -> None:
    r = Client().get("/api/units")
    assert r.status_code == 301
    assert r["Location"] == "/api/units/"


# The fuzzing ---------------------------------------------------------------------------------------------------


def django_wsgi(handler: ClientHandler) -> Callable[..., Iterable[bytes]]:
    """Django's test handler as a WSGI application: each request runs in the test's database transaction (the
    production handler would close the connection at the end of each request)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        response = handler(environ)
        cookies = [("Set-Cookie", morsel.OutputString()) for morsel in response.cookies.values()]
        start_response(f"{response.status_code} {response.reason_phrase}", [*response.items(), *cookies])
        return response.streaming_content if response.streaming else [response.content]  # type: ignore[attr-defined]

    return app


@dataclass
class Credentials:
    """What a browser signed in as a persona sends: its cookies and the CSRF header (the public: the CSRF pair
    only)."""

    cookies: dict[str, str]
    headers: dict[str, str]


def sign_in(world: Any, persona: str) -> Credentials:
    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    cookies = {"csrftoken": csrf}
    if persona != "public":
        client = Client()
        client.force_login(world.personas[persona])
        cookies["sessionid"] = client.cookies["sessionid"].value
    return Credentials(cookies, {"X-CSRFToken": csrf})


@dataclass
class Tally:
    """What one role's run did."""

    role: str
    operations: int = 0
    cases: int = 0
    server_errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        statuses = " ".join(f"{s}:{n}" for s, n in sorted(self.statuses.items()))
        return (
            f"{self.role:<10} operations {self.operations:>2}  cases {self.cases:>5}  server errors "
            f"{self.server_errors}  schema failures {len(self.failures)}  ({statuses})  {self.seconds:.1f} s"
        )


def known_requests(world: Any) -> dict[str, list[dict[str, Any]]]:
    """Requests that reach the endpoints' answers beyond 404 (generated path values nearly always miss), by the
    operation's path: its own cycles, units, scheme and values, seen or not, open or published."""
    scheme = world.published.scheme
    cycles = [c.code for c in (world.published, world.open, world.closed)]
    value = {"indicator": "EXEC", "value": 95.5, "note": "财政一体化系统", "version": 0}
    return {
        "/api/schemes/{code}/{version}.yaml": [{"path_parameters": {"code": scheme.code, "version": scheme.version}}],
        "/api/cycles/{code}": [{"path_parameters": {"code": c}} for c in cycles],
        "/api/cycles/{code}/results": [{"path_parameters": {"code": c}} for c in cycles],
        "/api/cycles/{code}/results/{unit}": [
            {"path_parameters": {"code": c, "unit": u}, "query": {"lang": lang}}
            for c in cycles
            for u, lang in (("A", "zh"), ("B", "en"))
        ],
        "/api/values/": [
            {"body": {"cycle": c, "unit": u, **value}} for c in ("2026", "2025") for u in ("A", "A1", "B")
        ]
        + [{"body": {"cycle": "2026", "unit": "A", "indicator": "LEAD", "value": 1e300}}],
        "/api/audit/events": [{"query": {"limit": 3}}],
        "/api/imports/": [{"query": {"limit": 3}}],
        "/api/evidence/": [{"query": {"cycle": c, "unit": "A", "limit": 3}} for c in cycles],
        "/api/evidence/{pk}/file": [{"path_parameters": {"pk": 1}}],
        "/api/inbox/": [{"query": {"unread": u, "limit": 3}} for u in (True, False)],
        "/api/inbox/{notice_id}/read": [{"path_parameters": {"notice_id": 1}}],
        "/api/units/{code}": [{"path_parameters": {"code": u}, "body": b} for u in ("A", "A1", "NOPE")
                              for b in ({"name": "市场监管局（新）"}, {"parent": "A1"}, {"parent": None})],
        "/api/values/{cycle}/{unit}/": [{"path_parameters": {"cycle": c, "unit": u}} for c in cycles
                                        for u in ("A", "B")],
        "/api/values/{cycle}/{unit}/{indicator}": [{"path_parameters": {"cycle": c, "unit": u, "indicator": i},
                                                    "query": {"version": 1}}
                                                   for c in cycles for u in ("A", "B") for i in ("EXEC", "NEG")],
        "/api/approval/{cycle}/": [{"path_parameters": {"cycle": c}} for c in cycles],
        "/api/approval/{cycle}/{unit}/{step}": [{"path_parameters": {"cycle": "2026", "unit": u, "step": st},
                                                 "body": {"reason": "核对"}}
                                                for u in ("A", "B") for st in ("submit", "return", "accept")],
        "/api/appeals/{cycle}/": [{"path_parameters": {"cycle": c}} for c in cycles],
        "/api/appeals/{cycle}/draft": [{"path_parameters": {"cycle": c}, "body": {"unit": "A", "target": "total",
                                                                                  "grounds": "总分有误"}}
                                       for c in cycles],
        "/api/appeals/appeal/{pk}": [{"path_parameters": {"pk": 1}}],
        "/api/monitoring/{cycle}/warnings": [{"path_parameters": {"cycle": c}, "query": {"state": "open"}}
                                             for c in cycles],
        "/api/monitoring/{cycle}/values": [{"path_parameters": {"cycle": c},
                                            "body": {"unit": u, "indicator": "EXEC", "period": 3, "value": 23,
                                                     "version": 0}}
                                           for c in ("2026", "2025") for u in ("A", "B")],
        "/api/monitoring/warnings/{id}/answer": [{"path_parameters": {"id": 1}, "body": {"answer": "已核实"}}],
        "/api/monitoring/{cycle}/orders": [{"path_parameters": {"cycle": c}, "query": {"state": "issued"}}
                                           for c in cycles],
        "/api/monitoring/orders/{id}/acknowledge": [{"path_parameters": {"id": 1}, "body": {"plan": "加快支付"}}],
        "/api/monitoring/orders/{id}/submit": [{"path_parameters": {"id": 1}, "body": {"summary": "已追平"}}],
        "/api/monitoring/{cycle}/escalations": [{"path_parameters": {"cycle": c}} for c in cycles],
        "/api/ratings/tasks/{id}": [{"path_parameters": {"id": 1}, "body": {"answers": {"LEAD": 80}}}],
        "/api/ratings/{cycle}/results/{unit}": [{"path_parameters": {"cycle": c, "unit": u}} for c in cycles
                                                for u in ("A", "B")],
        "/api/verification/rounds/{id}/units": [{"path_parameters": {"id": 1}}],
        "/api/verification/rounds/{id}/items": [{"path_parameters": {"id": 1}, "query": {"state": "verified"}}],
        "/api/surveys/{id}/results": [{"path_parameters": {"id": 1}}],
        "/api/outcomes/plans/{id}": [{"path_parameters": {"id": 1}}],
        # The push (same path) is the key's alone: every persona's request is 401 whatever its body.
        "/api/hotline/tickets": [{"query": {"unit": "A", "since": "2025-03-01T00:00:00", "limit": 5}}],
        "/api/surveys/respond/{key}": [{"path_parameters": {"key": "no-such-token"}, "body": {"answers": [5, 4, 4]}}],
        "/api/appeals/appeal/{pk}/{step}": [{"path_parameters": {"pk": 1, "step": st}, "body": {"reason": "核对"}}
                                            for st in ("sign", "reject")],
    }


def fuzz(
    schema: Any,
    role: str,
    credentials: Credentials,
    examples: int,
    *,
    known: dict[str, list[dict[str, Any]]] | None = None,
    derandomize: bool = True,
) -> Tally:
    """Every operation of ``schema``: its ``known`` requests (or one without parameters), then ``examples``
    generated cases, sent with ``credentials``; every answer checked: no server error, a documented status,
    content type and schema."""
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    tally = Tally(role)
    started = time.perf_counter()
    def send(operation: Any, case: Any) -> None:
        response = case.call(headers=credentials.headers, cookies=credentials.cookies)
        tally.cases += 1
        tally.statuses[response.status_code] = tally.statuses.get(response.status_code, 0) + 1
        tally.server_errors += response.status_code >= 500
        try:
            case.validate_response(response, checks=checks, headers=credentials.headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                tally.failures.append(f"{operation.label}: {failure.title}: {failure.message}"[:600])

    for result in schema.get_all_operations():
        operation = result.ok()
        tally.operations += 1
        for request in (known or {}).get(operation.path, [{}]):
            send(operation, operation.Case(**request))

        @hypothesis.settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=derandomize,
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        @hypothesis.given(case=operation.as_strategy())
        def run(case: Any) -> None:
            send(operation, case)  # noqa: B023 - run() is called at once, within this iteration

        run()
    tally.seconds = time.perf_counter() - started
    return tally


@pytest.mark.parametrize("role", ROLES)
def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_schema(
    shared_world: Any, db: Any, role: str, record_property: Any
) -> None:
    handler = ClientHandler(enforce_csrf_checks=True)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", django_wsgi(handler))
    credentials = sign_in(shared_world, role)
    tally = fuzz(schema, role, credentials, EXAMPLES, known=known_requests(shared_world), derandomize=DERANDOMIZE)
    print(tally.line())
    record_property("api_fuzz", asdict(tally))
    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(tally)) + "\n")
    assert tally.operations == len(EXPECTED_ERRORS)
    assert tally.cases >= tally.operations
    assert tally.server_errors == 0, tally.failures
    assert not tally.failures, "\n".join(tally.failures[:10])
