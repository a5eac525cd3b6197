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
- ``public_page``: a portal view's whole response for visitors who are not signed in, kept per language and full
  path, with an ``ETag`` and ``Cache-Control: public`` so that a proxy or the browser keeps it too (a conditional
  request whose tag still matches gets 304 before the view runs). Signed-in visitors get the page made afresh and
  marked private: it carries their name and forms.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags, quote_etag
from django.utils.safestring import SafeString, mark_safe

from jixiao.audit.models import AuditChainHead

#: What a kept page is stored with instead of the request's CSRF token.
CSRF_PLACEHOLDER = "csrf-placeholder-5d1c9a"
#: How long a kept page lives at most, seconds. A new write makes a new key at once; the limit bounds what depends
#: on the clock alone (a data-entry window closing) and the memory of keys no longer asked for.
BODY_SECONDS = 300
#: How long a proxy or browser may show a public page without asking again, seconds; after that it revalidates
#: with its ETag (a 304 costs one query).
PUBLIC_MAX_AGE = 60


def content_version() -> str:
    """The audit trail head's hash: changes with every committed write."""
    head = AuditChainHead.objects.filter(pk=1).values_list("hash", flat=True).first()
    return head or "empty"


def _key(kind: str, request: HttpRequest, version: str, who: str) -> str:
    parts = (kind, version, who, translation.get_language() or "", timezone.get_current_timezone_name(),
             request.get_full_path(), "htmx" if request.headers.get("HX-Request") else "")
    return f"page:{kind}:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


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


def _shareable(request: HttpRequest) -> bool:
    return (request.method in ("GET", "HEAD") and not request.user.is_authenticated and "export" not in request.GET
            and not len(messages.get_messages(request)))


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A portal view whose response is the same for every visitor who is not signed in: kept per version of the
    data, language and path, with ``ETag`` and ``Cache-Control: public``. Only a 200 is kept."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _shareable(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        key = _key("public", request, content_version(), "public")
        etag = quote_etag(key.rsplit(":", 1)[1][:32])
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            response = HttpResponseNotModified()
        else:
            kept: tuple[bytes, str] | None = cache.get(key)
            if kept is None:
                response = view(request, *args, **kwargs)
                if response.status_code != 200 or response.streaming or response.has_header("Content-Disposition"):
                    return response
                kept = (response.content, response["Content-Type"])
                cache.set(key, kept, BODY_SECONDS)
            response = HttpResponse(kept[0], content_type=kept[1])
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    return wrapped
