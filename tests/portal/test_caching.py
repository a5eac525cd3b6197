"""The portal's pages are the same for every visitor who is not signed in, so a proxy may keep them: an ETag and
``Cache-Control: public``, 304 while nothing changed, a new tag after any write, no CSRF token or cookie in them,
each language kept apart; a signed-in visitor's page is private."""

from __future__ import annotations

from typing import Any

from django.test import Client

from jixiao.accounts.choices import Role
from jixiao.accounts.services import do_create_user
from jixiao.core.pagecache import PUBLIC_MAX_AGE


def pages(world: Any) -> list[str]:
    code = world.cycle.code
    return ["/", f"/public/{code}/", f"/public/{code}/{world.veto}/", f"/public/{code}/?category=A&q=局"]


def test_public_pages_carry_a_tag_and_may_be_kept_by_a_proxy(portal_world: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    for url in pages(portal_world):
        response = client.get(url)
        assert response.status_code == 200, url
        control = set(response["Cache-Control"].split(", "))
        assert control == {"public", "max-age=0", f"s-maxage={PUBLIC_MAX_AGE}", "must-revalidate"}, url
        assert "Accept-Language" in response["Vary"]
        assert "Cookie" in response["Vary"]
        assert response["ETag"].startswith('"')
        html = response.content.decode()
        assert "csrfmiddlewaretoken" not in html, url
        assert "X-CSRFToken" not in html, url
        assert "csrftoken" not in response.cookies, url
        again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == response["ETag"]


def test_any_write_gives_a_new_tag_and_a_fresh_page(portal_world: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    url = "/"
    tag = client.get(url)["ETag"]
    do_create_user("someone", Role.AUDITOR, actor=None, password="a-password-1")  # any audited write
    response = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200
    assert response["ETag"] != tag


def test_each_language_is_kept_apart(portal_world: Any) -> None:
    url = f"/public/{portal_world.cycle.code}/"
    zh = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(url)
    en = Client(HTTP_ACCEPT_LANGUAGE="en").get(url)
    assert zh["ETag"] != en["ETag"]
    assert "排名" in zh.content.decode()
    assert "Ranking" in en.content.decode()
    assert "排名" not in en.content.decode()


def test_the_language_switch_needs_no_token(portal_world: Any) -> None:
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    assert "Published" in client.get("/").content.decode()


def test_a_signed_in_visitors_page_is_private_and_not_shared(portal_world: Any) -> None:
    url = f"/public/{portal_world.cycle.code}/"
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(url)
    user = do_create_user("viewer", Role.AUDITOR, actor=None, password="a-password-1")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    response = client.get(url)
    assert "private" in response["Cache-Control"]
    assert "ETag" not in response
    assert "viewer" in response.content.decode()
    assert "viewer" not in Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(url).content.decode()
    assert anonymous.status_code == 200


def test_a_kept_answer_has_every_header_the_made_one_had(portal_world: Any) -> None:
    url = f"/public/{portal_world.cycle.code}/"
    made = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(url)
    kept = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(url)
    assert kept.content == made.content
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Content-Language",
                   "Content-Type", "ETag", "Cache-Control"):
        assert kept[header] == made[header], header


def test_what_is_not_a_published_page_is_never_kept(portal_world: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    for _ in range(2):
        missing = client.get("/public/NO-SUCH-CYCLE/")
        assert missing.status_code == 404
        assert "ETag" not in missing
    export = client.get(f"/public/{portal_world.cycle.code}/?export=results")
    assert export.status_code == 200
    assert "ETag" not in export
    assert "private" in export["Cache-Control"]
    # A visitor with a message waiting (kept in a cookie) gets the page made for them, not the shared copy.
    client.cookies["messages"] = "x"
    with_message = client.get(f"/public/{portal_world.cycle.code}/")
    assert "ETag" not in with_message


def test_the_kept_answer_does_not_bypass_the_hosts_or_the_https_redirect(portal_world: Any, settings: Any) -> None:
    url = f"/public/{portal_world.cycle.code}/"
    assert Client().get(url).status_code == 200  # made and kept
    assert Client().get(url, HTTP_HOST="evil.example").status_code == 400
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get(url)
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
