"""Pages made once per version of the data, not on every request.

The version is the audit trail's head: every write goes through a service that records its audit event in the
same transaction, so the head's hash changes with every committed write (a value entered, a cycle computed, a
result published, a role changed) and with nothing else. A page kept under the head it was made at is therefore
never served after a write it does not show; a write anywhere makes a new key, and the old entries simply expire.
Reading the version is one query of one row.

Two uses:

- ``cached_body``: the body of a signed-in page (the office's overview, a scorecard), kept per user, language and
  full path. The shell around it (navigation, messages, the unread count) is made on each request, and the body's
  forms get the request's own CSRF token: the body is stored with a placeholder in its place.
- ``public_page`` and ``PublicPageMiddleware``: a portal view's whole response for visitors with no session, kept
  per language and full path and answered before the rest of the stack runs, with an ``ETag`` and
  ``Cache-Control: public`` so that a proxy keeps it for a minute (a browser asks again each time; a request
  whose tag still matches gets 304). Signed-in visitors get the page made afresh and marked private.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags, quote_etag
from django.utils.safestring import SafeString, mark_safe

from jixiao import __version__
from jixiao.audit.models import AuditChainHead

#: What a kept page is stored with instead of the request's CSRF token.
CSRF_PLACEHOLDER = "csrf-placeholder-5d1c9a"
#: The shape of what is kept; a change of shape changes every key, so a cache left from before is never misread.
#: The release is in every key as well: pages kept by an earlier release (its templates) are not served by a new one.
FORMAT = 2
#: How long a kept page lives at most, seconds. A new write makes a new key at once; the limit bounds what depends
#: on the clock alone (a data-entry window closing) and the memory of keys no longer asked for.
BODY_SECONDS = 300
#: How long a shared proxy may show a public page without asking again, seconds (``s-maxage``). A browser asks
#: every time (``max-age=0, must-revalidate``) with the page's ETag: a visitor who looked a minute ago still sees a
#: publication at once, and the answer while nothing changed is a 304 that costs one query.
PUBLIC_MAX_AGE = 60


def content_version() -> str:
    """The audit trail head's hash: changes with every committed write."""
    with connection.cursor() as cursor:  # the ORM would take longer to build the query than the database to answer
        cursor.execute(f"SELECT hash FROM {AuditChainHead._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return str(row[0]) if row else "empty"


def _key(kind: str, request: HttpRequest, version: str, who: str) -> str:
    parts = (kind, version, who, translation.get_language() or "", timezone.get_current_timezone_name(),
             request.get_full_path(), "htmx" if request.headers.get("HX-Request") else "")
    return f"page:{FORMAT}:{__version__}:{kind}:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def cached_body(request: HttpRequest, name: str, template: str,
                build: Callable[[], Mapping[str, Any]]) -> SafeString:
    """The rendered ``template`` for ``request``'s user, from the cache when the data have not changed since it
    was made; else ``build()`` gives its context and the result is kept. ``name`` tells pages apart."""
    who = str(getattr(request.user, "pk", "") or "public")
    key = _key(f"body:{name}", request, content_version(), who)
    html: str | None = cache.get(key)
    if html is None:
        html = render_to_string(template, {**build(), "csrf_token": CSRF_PLACEHOLDER}, request)
        cache.set(key, html, BODY_SECONDS)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(html)


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Marks a portal view whose response is the same for every visitor who is not signed in:
    ``PublicPageMiddleware`` keeps it and answers from it. A request the middleware did not take (a signed-in
    visitor, a session or a message pending, an export) gets the view's own response marked private."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if not getattr(request, "public_key", None):
            patch_cache_control(response, private=True, no_cache=True)
        return response

    wrapped.public_page = True  # type: ignore[attr-defined]
    return wrapped


class PublicPageMiddleware:
    """Answers a public page (``public_page``) for a visitor with no session from the kept copy, before sessions,
    sign-in, CSRF and the view: one query (the data's version) and one cache read. On a miss the page is made by
    the whole stack and kept with the headers the stack gave it (the security headers, the content security
    policy, the language), which a kept answer replays; so it sits first. Every such answer carries an ``ETag``
    (a conditional request that still matches gets 304) and ``Cache-Control: public`` (a proxy keeps it a minute,
    a browser asks again each time), varying by language and cookie. Static files and other paths pass on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._takes(request):
            return self.get_response(request)
        lang = translation.get_language_from_request(request)
        with translation.override(lang):
            key = _key("public", request, content_version(), "public")
        request.public_key = key  # type: ignore[attr-defined]
        etag = quote_etag(key.rsplit(":", 1)[1][:32])
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            return self._public(HttpResponseNotModified(), etag)
        kept: tuple[bytes, list[tuple[str, str]]] | None = cache.get(key)
        if kept is not None:
            response = HttpResponse(kept[0])
            for name, value in kept[1]:
                response[name] = value
            return self._public(response, etag)
        response = self.get_response(request)
        if response.status_code != 200 or response.streaming or response.has_header("Content-Disposition"):
            return response
        self._public(response, etag)
        cache.set(key, (response.content, [(k, v) for k, v in response.items() if k not in DROPPED]),
                  BODY_SECONDS)
        return response

    @staticmethod
    def _takes(request: HttpRequest) -> bool:
        if request.method not in ("GET", "HEAD") or "export" in request.GET:
            return False
        try:
            request.get_host()  # a host not allowed is the stack's to refuse (400), as for any other page
        except DisallowedHost:
            return False
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return False  # the security middleware redirects it to HTTPS first
        if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
            return False  # perhaps signed in, or a message to show once
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return bool(getattr(match.func, "public_page", False))

    @staticmethod
    def _public(response: HttpResponse, etag: str) -> HttpResponse:
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=0, s_maxage=PUBLIC_MAX_AGE, must_revalidate=True)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


#: Headers a kept page is not stored with: set afresh on each answer, or by the outer middleware.
DROPPED = frozenset({"Set-Cookie", "Content-Length", "ETag", "Cache-Control", "Vary"})
