"""The result pages' bodies are made once per version of the data (``jixiao.core.pagecache``): asked for again with
no write in between, a page is not made again; any write shows at once; a kept body is never another user's, and
its forms carry the asking request's own CSRF token."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jixiao.collection.services import do_set_value
from jixiao.core.pagecache import CSRF_PLACEHOLDER, content_version

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HX_TOKEN = re.compile(r'"X-CSRFToken": "[^"]+"')


def _queries(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx), response.content.decode()


def test_a_page_asked_for_again_is_not_made_again_and_a_write_shows_at_once(world: Any, client_as: Any) -> None:
    client = client_as(world, "admin")
    url = f"/app/cycles/{world.open.code}/"
    made, first = _queries(client, url)
    kept, again = _queries(client, url)
    assert kept < made
    assert kept <= 6
    assert HX_TOKEN.sub("", TOKEN.sub("", again)) == HX_TOKEN.sub("", TOKEN.sub("", first))
    assert "已过时" not in again

    before = content_version()
    do_set_value(world.subject(world.open, world.unit_a), "RESP", 61.0, actor=None)
    assert content_version() != before
    remade, after = _queries(client, url)
    assert remade >= made  # made again (the out-of-date banner asks a little more)
    assert "已过时" in after  # the write put the results out of date, and the page says so at once


def test_a_kept_body_is_never_another_users(world: Any, client_as: Any) -> None:
    url = f"/app/cycles/{world.open.code}/units/A/"
    office = client_as(world, "admin").get(url).content.decode()
    assert 'id="total"' in office
    operator = client_as(world, "operator_a").get(url).content.decode()
    assert 'id="total"' not in operator  # an operator sees no result of an open cycle
    assert "office" not in re.sub(r"<head>.*?</head>", "", operator, flags=re.S).split('class="who"')[1][:40]


def test_a_kept_bodys_forms_carry_the_requests_own_token(world: Any) -> None:
    url = f"/app/cycles/{world.open.code}/"
    first = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    first.force_login(world.personas["admin"])
    first.get(url)
    second = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="zh-hans")  # another session, another token
    second.force_login(world.personas["admin"])
    count, html = _queries(second, url)
    assert count <= 6  # the body kept for the first session
    assert CSRF_PLACEHOLDER not in html
    tokens = set(TOKEN.findall(html))
    assert tokens
    response = second.post(f"/app/cycles/{world.open.code}/do/compute/", {"csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302  # the token is this session's: the form works
