"""Refuse text the database cannot hold before any view sees it.

PostgreSQL ``text`` cannot store a NUL character (\\x00), and no database driver can encode a lone surrogate
(\\ud800–\\udfff); a view that filters or saves such a string fails deep inside the driver with a server error.
This middleware answers 400 instead, naming the part of the request (and the field) that was wrong: the URL
path and the query string (raw or percent-encoded NUL, bytes that are not UTF-8), form fields (urlencoded or
multipart text fields, and uploaded files' names) and JSON bodies (``\\u0000`` or a raw NUL in any string or
key, a lone surrogate, a body that is not UTF-8). Uploaded files' contents are never looked at: a PDF holds
NUL bytes legitimately. It runs after ``LocaleMiddleware`` so the message is in the user's language, and
before anything that reads the database with the request's text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any, ClassVar
from urllib.parse import unquote_to_bytes

from django.core.handlers.wsgi import WSGIRequest, get_bytes_from_wsgi
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError

API_PREFIX = "/api/"
BROKEN_UTF8_IN_PATH = re.compile(r"%[89A-Fa-f][0-9A-Fa-f]")

# Where in the request the bad text was.
PATH, QUERY, FORM, JSON = "path", "query", "form", "json"


class BadTextError(JixiaoError):
    """Text a database cannot hold (a NUL, a lone surrogate) or bytes that are not UTF-8, refused at the edge.
    ``details`` name the ``part`` of the request and, where there is one, the ``field``."""

    code = "bad_text"
    status = 400
    message = _("The request contains text that cannot be stored.")

    NUL: ClassVar[dict[str, Any]] = {
        PATH: _("The URL path contains a NUL character (%00), which cannot be stored as text."),
        QUERY: _("The query parameter “{field}” contains a NUL character (%00), which cannot be stored as text."),
        FORM: _("The form field “{field}” contains a NUL character, which cannot be stored as text."),
        JSON: _("The JSON field “{field}” contains a NUL character (\\u0000), which cannot be stored as text."),
    }
    NOT_UTF8: ClassVar[dict[str, Any]] = {
        PATH: _("The URL path is not valid UTF-8 text."),
        QUERY: _("The query parameter “{field}” is not valid UTF-8 text."),
        JSON: _("The JSON body is not valid UTF-8 text."),
    }
    SURROGATE: ClassVar[Any] = _(
        "The JSON field “{field}” contains a lone surrogate (\\ud800–\\udfff), which is not valid text."
    )
    RAW_NUL_IN_JSON: ClassVar[Any] = _("The JSON body contains a NUL byte, which cannot be stored as text.")
    NUL_IN_FILE_NAME: ClassVar[Any] = _("The name of the file in the form field “{field}” contains a NUL character.")


class RefuseBadTextMiddleware:
    """Answers 400 (JSON under ``/api/``, plain text elsewhere) for a request carrying text no database can
    store; every other request passes untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request(request)
        except BadTextError as exc:
            return refusal(request, exc)
        return self.get_response(request)


def refusal(request: HttpRequest, exc: JixiaoError) -> HttpResponse:
    """The error as the API answers errors (``{"code", "message", "details"}``) or as a plain message."""
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse(exc.as_dict(), status=exc.status)
    return HttpResponse(exc.text, status=exc.status, content_type="text/plain; charset=utf-8")


def check_request(request: HttpRequest) -> None:
    """Raise BadTextError for the first part of ``request`` that holds text no database can store."""
    check_path(request)
    check_pairs(_wsgi_bytes(request, "QUERY_STRING"), QUERY)
    content_type = request.content_type or ""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        check_form(request)
    elif content_type == "application/json" or content_type.endswith("+json"):
        check_json(request.body)


def check_path(request: HttpRequest) -> None:
    path = request.path_info
    if "\x00" in path:
        raise BadTextError(BadTextError.NUL[PATH], part=PATH)
    # Django re-percent-encodes the bytes of a WSGI path that are not UTF-8 (a raw \xff becomes "%FF"), so such a
    # path reaches this point as a percent-escape of a byte from 0x80 up; no URL of this site holds one.
    if BROKEN_UTF8_IN_PATH.search(path) or not _encodable(path):
        raise BadTextError(BadTextError.NOT_UTF8[PATH], part=PATH)


def check_pairs(raw: bytes, part: str) -> None:
    """``raw`` is ``name=value&...`` (a query string or an urlencoded body), percent-encoded or not."""
    for pair in raw.split(b"&"):
        name, _sep, value = pair.partition(b"=")
        name_bytes = unquote_to_bytes(name.replace(b"+", b" "))
        field = _printable(name_bytes.decode("utf-8", "replace"))
        for chunk in (name_bytes, unquote_to_bytes(value.replace(b"+", b" "))):
            if b"\x00" in chunk:
                raise BadTextError(BadTextError.NUL[part], part=part, field=field)
            try:
                chunk.decode("utf-8")
            except UnicodeDecodeError:
                raise BadTextError(BadTextError.NOT_UTF8[part], part=part, field=field) from None


def check_form(request: HttpRequest) -> None:
    """Form fields' names and values, and uploaded files' names (never their contents)."""
    for name, values in request.POST.lists():
        for text in (name, *values):
            if "\x00" in text:
                raise BadTextError(BadTextError.NUL[FORM], part=FORM, field=_printable(name))
    for name, files in request.FILES.lists():
        for upload in files:
            if "\x00" in (upload.name or "") or "\x00" in name:
                raise BadTextError(BadTextError.NUL_IN_FILE_NAME, part=FORM, field=_printable(name))


def check_json(body: bytes) -> None:
    """Every string and key of a JSON body. A body that does not parse is left to the view to refuse."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadTextError(BadTextError.NOT_UTF8[JSON], part=JSON) from None
    try:
        data = json.loads(text, strict=False)  # not strict: a raw NUL inside a string is found and named
    except ValueError:
        if "\x00" in text:
            raise BadTextError(BadTextError.RAW_NUL_IN_JSON, part=JSON) from None
        return
    for where, string in _strings(data, ()):
        field = ".".join(_printable(str(p)) for p in where) or "$"
        if "\x00" in string:
            raise BadTextError(BadTextError.NUL[JSON], part=JSON, field=field)
        if not _encodable(string):
            raise BadTextError(BadTextError.SURROGATE, part=JSON, field=field)


def _strings(data: Any, where: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every string in a parsed JSON document (keys included) with the path to it."""
    if isinstance(data, str):
        yield where, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield (*where, key), key
            yield from _strings(value, (*where, key))
    elif isinstance(data, list):
        for k, item in enumerate(data):
            yield from _strings(item, (*where, k))


def _wsgi_bytes(request: HttpRequest, key: str) -> bytes:
    """The raw bytes of a WSGI environ entry (latin-1 by PEP 3333); an ASGI server gives text already."""
    if isinstance(request, WSGIRequest):
        return get_bytes_from_wsgi(request.environ, key, "")
    return str(request.META.get(key, "")).encode("utf-8", "surrogatepass")


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable(name: str) -> str:
    """A field name fit to show back: NUL and lone surrogates written as escapes."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")
