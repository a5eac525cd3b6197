"""Bytes that text cannot hold: a NUL (PostgreSQL text cannot store it), a lone surrogate or invalid UTF-8, in a
URL path, a query string, a form field or a JSON field. Each is refused with 400 before any view runs, on
SQLite and PostgreSQL alike, for the public and for signed-in users: never a server error."""

from __future__ import annotations

import json
from typing import Any, NamedTuple
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jixiao.collection.models import Value


class Bad(NamedTuple):
    """One bad input: who sends it, how, where to, and what the refusal must name."""

    persona: str
    method: str
    path: str
    part: str  # "path", "query", "form" or "json": the part of the request the refusal names
    data: Any = None
    query: str = ""


# The cycles of the shared world: 2025 (published), 2026 (open), 2026H1 (closed, scored).
JSON_VALUE = {"cycle": "2026", "unit": "A", "indicator": "EXEC", "value": 95, "note": ""}

BAD_INPUTS = [
    # The public.
    Bad("public", "get", "/api/cycles/%00", "path"),
    Bad("public", "get", "/api/cycles/\x00", "path"),
    Bad("public", "get", "/api/cycles/2025/results/A%00", "path"),
    Bad("public", "get", "/api/schemes/%00/1.yaml", "path"),
    Bad("public", "get", "/public/%00/", "path"),
    Bad("public", "get", "/public/2025/%00/", "path"),
    Bad("public", "get", "/public/2025/", "query", query="q=%00"),
    Bad("public", "get", "/public/2025/", "query", query="category=A%00"),
    Bad("public", "get", "/api/cycles/2025/results/A", "query", query="lang=%00"),
    Bad("public", "get", "/api/units/", "query", query="%00=1"),
    Bad("public", "post", "/app/login/", "form", data={"username": "office\x00", "password": "x"}),
    Bad("public", "post", "/api/values/", "json", data={**JSON_VALUE, "note": "\x00"}),
    # Signed in.
    Bad("admin", "get", "/app/cycles/%00/", "path"),
    Bad("admin", "post", "/app/cycles/2026/do/%00/", "path"),
    Bad("admin", "get", "/app/cycles/2026/indicators/%00/", "path"),
    Bad("admin", "get", "/app/cycles/", "query", query="q=%00"),
    Bad("leader", "get", "/app/cycles/2026/units/A%00/", "path"),
    Bad("leader", "get", "/app/cycles/2026/results/", "query", query="category=%00"),
    Bad("auditor", "get", "/api/audit/events", "query", query="limit=%00"),
    Bad("operator_a", "get", "/app/cycles/2026/entry/A/check/EXEC/", "query", query="v_EXEC=9%005"),
    Bad("operator_a", "post", "/app/cycles/2026/entry/A/", "form", data={"v_EXEC": "95", "action": "\x00"}),
    Bad("operator_a", "post", "/api/values/", "json", data={**JSON_VALUE, "unit": "A\x00"}),
    Bad("operator_a", "post", "/api/values/", "json", data={**JSON_VALUE, "note": "备注\x00"}),
    Bad("operator_a", "post", "/api/values/", "json", data={**JSON_VALUE, "cycle": "\x00"}),
    Bad("rater", "get", "/app/cycles/", "query", query="page=%00"),
]

# Not NUL but just as unstorable: a lone surrogate or bytes that are not UTF-8.
BROKEN_TEXT = [
    Bad("public", "get", "/api/cycles/%ED%A0%80", "path"),
    Bad("public", "get", "/api/cycles/%FF", "path"),
    Bad("public", "get", "/public/2025/", "query", query="q=%ED%A0%80"),
    Bad("admin", "get", "/app/cycles/", "query", query="q=%C3"),
    Bad("operator_a", "post", "/api/values/", "json", data={**JSON_VALUE, "note": "\ud800"}),
]


def _client(world: Any, persona: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if persona != "public":
        client.force_login(world.personas[persona])
    return client


def _send(client: Client, bad: Bad) -> Any:
    path = bad.path + (f"?{bad.query}" if bad.query else "")
    if bad.part == "json":
        # ensure_ascii keeps the body valid UTF-8 whatever the string holds: a NUL is sent as \u0000 and a lone
        # surrogate as \ud800, as a JSON client would.
        return client.post(path, json.dumps(bad.data), content_type="application/json")
    if bad.method == "post":  # as a browser posts a form
        return client.post(path, urlencode(bad.data or {}), content_type="application/x-www-form-urlencoded")
    return client.get(path)


def _label(bad: Bad) -> str:
    fields = "".join(f"&{k}={v}" for k, v in (bad.data or {}).items() if v not in JSON_VALUE.values())
    return f"{bad.persona}-{bad.method}-{bad.path}{'?' + bad.query if bad.query else ''}{fields}".encode(
        "unicode_escape"
    ).decode("ascii")


@pytest.mark.parametrize("bad", BAD_INPUTS + BROKEN_TEXT, ids=_label)
def test_a_bad_byte_anywhere_is_a_400_naming_the_part_not_a_server_error(
    shared_world: Any, db: Any, bad: Bad
) -> None:
    r = _send(_client(shared_world, bad.persona), bad)
    assert r.status_code == 400, r.content[:300]
    if bad.path.startswith("/api/"):
        body = r.json()
        assert body["code"] == "bad_text"
        assert body["details"]["part"] == bad.part
    else:
        assert r["Content-Type"].startswith("text/plain")
        assert {"path": "URL path", "query": "query parameter", "form": "form field", "json": "JSON"}[bad.part] in (
            r.content.decode()
        )


def test_a_raw_nul_in_a_json_body_is_refused_too(shared_world: Any, db: Any) -> None:
    body = json.dumps(JSON_VALUE).replace('"note": ""', '"note": "a\x00b"').encode()
    r = _client(shared_world, "operator_a").post("/api/values/", body, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["details"] == {"part": "json", "field": "note"}


def test_a_json_body_that_is_not_utf8_is_refused(shared_world: Any, db: Any) -> None:
    body = b'{"cycle": "2026", "unit": "A", "indicator": "EXEC", "value": 95, "note": "\xff"}'
    r = _client(shared_world, "operator_a").post("/api/values/", body, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["details"] == {"part": "json"}


def test_the_refusal_names_the_field(shared_world: Any, db: Any) -> None:
    r = Client().get("/api/cycles/", {"q": "x\x00"})
    assert r.status_code == 400
    assert r.json()["details"] == {"part": "query", "field": "q"}
    assert "“q”" in r.json()["message"]
    assert "NUL" in r.json()["message"]
    nested = {**JSON_VALUE, "extra": {"items": ["ok", "no\x00"]}}
    r = _client(shared_world, "operator_a").post("/api/values/", json.dumps(nested), content_type="application/json")
    assert r.json()["details"] == {"part": "json", "field": "extra.items.1"}


def test_ordinary_chinese_text_still_passes(shared_world: Any, db: Any) -> None:
    client = _client(shared_world, "public")
    assert client.get("/public/2025/", {"q": "市场监管"}).status_code == 200
    assert client.get("/api/cycles/%E4%B8%8D%E5%AD%98%E5%9C%A8").status_code == 404  # 不存在: simply absent
    client = _client(shared_world, "operator_a")
    version = client.get("/api/values/2026/A/EXEC").json()["version"]
    r = client.post("/api/values/", json.dumps({**JSON_VALUE, "note": "财政一体化系统截图", "version": version}),
                    content_type="application/json")
    assert r.status_code == 200, r.content


def test_an_evidence_file_may_hold_nul_bytes_but_not_the_text_fields_beside_it(
    shared_world: Any, db: Any, settings: Any, tmp_path: Any
) -> None:
    """A PDF holds NUL bytes legitimately: file contents are never checked, only the text fields beside them."""
    settings.MEDIA_ROOT = str(tmp_path)
    client = _client(shared_world, "operator_a")
    pdf = b"%PDF-1.4\n1 0 obj\x00\x00\xff\xfe stream\x00"
    old = Value.objects.filter(subject__cycle__code="2026", subject__code="A", indicator="EXEC").first()
    base = {"ver_EXEC": old.version if old else 0, "o_EXEC": f"{old.value:g}" if old else ""}
    data = {**base, "v_EXEC": "95.5", "action": "save",
            "e_EXEC": SimpleUploadedFile("proof.pdf", pdf, "application/pdf")}
    r = client.post("/app/cycles/2026/entry/A/", data)
    assert r.status_code == 302, r.content[:500]
    value = Value.objects.get(subject__cycle__code="2026", subject__code="A", indicator="EXEC")
    from jixiao.evidence.models import Evidence

    with Evidence.objects.get(value=value, replaced_at__isnull=True).file.open("rb") as stored:
        assert stored.read() == pdf
    data = {"v_EXEC": "9\x006", "action": "save", "e_EXEC": SimpleUploadedFile("proof.pdf", pdf, "application/pdf")}
    r = client.post("/app/cycles/2026/entry/A/", data)
    assert r.status_code == 400
    assert "v_EXEC" in r.content.decode()
