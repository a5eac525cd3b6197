"""The django-ninja API at ``/api/`` (OpenAPI docs at ``/api/docs``, served from ninja's own static files: no
CDN). Every endpoint starts from ``restrict(request.user, action)``. Every refusal, whatever raised it (a
JixiaoError, ninja's validation or authentication, a path no endpoint serves, the bad-text middleware), comes
back as ``ErrorOut``: ``{"code", "message", "details"?}`` with the error's status, and each endpoint declares
the statuses it can answer so the OpenAPI schema says what the API really does: its own (``errors(404)``), and,
added here for every endpoint, 400 (the bad-text refusal applies to any request) and, where the endpoint takes
parameters or a body, 422 (ninja's validation).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, URLPattern, URLResolver, re_path, resolve
from django.utils.translation import gettext_lazy as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema

from jixiao.accounts.errors import NotSignedInError
from jixiao.core.errors import InvalidInputError, JixiaoError, NotFoundError


class ErrorOut(Schema):
    """The body of every refusal (``JixiaoError.as_dict``): a stable code, a message in the user's language and,
    for some errors, details (the offending field, the problems found)."""

    code: str
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


def errors(*statuses: int) -> dict[frozenset[int], type[ErrorOut]]:
    """The error part of an endpoint's ``response={...}``: ``ErrorOut`` for each of ``statuses``, the errors
    the endpoint itself gives (400 and 422 from validation are added to every endpoint by ``JixiaoAPI``)."""
    return {frozenset(statuses): ErrorOut}


class JixiaoAPI(NinjaAPI):
    """Mounts the apps' routers when Django first asks for the URLs rather than at import: the apps' api
    modules import ``ErrorOut`` from here, so any of them may be imported first."""

    _mounted = False

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        if not self._mounted:
            self._mounted = True
            _mount(self)
        patterns, app_name, namespace = super().urls
        # Last: any other path under /api/ is a JSON 404 like the API's others, not the site's HTML page.
        return [*patterns, re_path(r"^.*$", unknown_path)], app_name, namespace

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The schema, with the errors every endpoint can give: 400 always, 422 when it takes input."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"].setdefault("schemas", {}).setdefault(
            "ErrorOut", ErrorOut.model_json_schema(ref_template=REF_TEMPLATE)
        )
        error_ref = REF_TEMPLATE.format(model="ErrorOut")
        for item in schema["paths"].values():
            for operation in item.values():
                responses = operation["responses"]
                for status in (400, 422) if _validates_input(operation) else (400,):
                    if status not in responses and str(status) not in responses:
                        responses[status] = {
                            "description": HTTPStatus(status).phrase,
                            "content": {"application/json": {"schema": {"$ref": error_ref}}},
                        }
        return schema


api = JixiaoAPI(
    title="Jixiao 绩效 API",
    version="1",
    urls_namespace="api",
    # No validator badge: it would ask a server on the internet to check the schema.
    docs=Swagger(settings={"validatorUrl": None}),
)


def _validates_input(operation: dict[str, Any]) -> bool:
    """Whether ninja may refuse the operation's input (422): a body, a required query parameter, or a parameter
    that is not plain text (a number, a choice). A plain text path parameter is never refused."""
    if "requestBody" in operation:
        return True
    for parameter in operation.get("parameters", ()):
        schema = parameter.get("schema", {})
        plain = schema.get("type") == "string" and not set(schema) - {"type", "title", "description", "default"}
        if not plain or (parameter.get("required") and parameter.get("in") != "path"):
            return True
    return False


def _refusal(request: HttpRequest, exc: JixiaoError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(JixiaoError)
def jixiao_error(request: HttpRequest, exc: JixiaoError) -> HttpResponse:
    return _refusal(request, exc)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Parameters or a body that do not fit the endpoint's schema: 422, every problem listed."""
    problems = [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        for e in exc.errors
    ]
    text = "; ".join(f"{'.'.join(p['loc'])}: {p['msg']}" for p in problems)
    body = InvalidInputError(problems=text).as_dict()
    return api.create_response(request, {**body, "details": {"errors": problems}}, status=422)


# ninja's own refusals, with its English texts replaced by translatable ones.
HTTP_ERROR_TEXTS: dict[str, Any] = {
    "Cannot parse request body": _("The request body could not be read (JSON expected)."),
    "CSRF check Failed": _("The CSRF check failed: reload the page and try again."),
}
HTTP_ERROR_CODES = {400: "bad_request", 403: "permission_denied", 404: "not_found", 429: "too_many_requests"}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        return _refusal(request, NotSignedInError())
    code = "csrf_failed" if exc.message == "CSRF check Failed" else HTTP_ERROR_CODES.get(exc.status_code, "error")
    body = {"code": code, "message": str(HTTP_ERROR_TEXTS.get(exc.message, exc.message))}
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _refusal(request, NotFoundError(what=_("page")))


def unknown_path(request: HttpRequest) -> HttpResponse:
    """A path under /api/ that no endpoint serves; as Django's APPEND_SLASH would, a GET of an endpoint's path
    without its final slash is sent to it."""
    path = request.path_info
    if request.method in ("GET", "HEAD") and not path.endswith("/"):
        try:
            match = resolve(path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not unknown_path:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return _refusal(request, NotFoundError(what=_("API endpoint")))


def _mount(target: NinjaAPI) -> None:
    from jixiao.accounts.api import router as accounts_router
    from jixiao.approval.api import router as approval_router
    from jixiao.audit.api import router as audit_router
    from jixiao.collection.api import router as collection_router
    from jixiao.cycles.api import router as cycles_router
    from jixiao.evidence.api import router as evidence_router
    from jixiao.hotline.api import router as hotline_router
    from jixiao.imports.api import router as imports_router
    from jixiao.inbox.api import router as inbox_router
    from jixiao.indicators.api import router as indicators_router
    from jixiao.monitoring.api import router as monitoring_router
    from jixiao.org.api import router as org_router
    from jixiao.outcomes.api import router as outcomes_router
    from jixiao.ratings.api import router as ratings_router
    from jixiao.results.api import router as results_router
    from jixiao.review.api import router as review_router
    from jixiao.schemes.api import router as schemes_router
    from jixiao.surveys.api import router as surveys_router

    target.add_router("/accounts", accounts_router)
    target.add_router("/units", org_router)
    target.add_router("/indicators", indicators_router)
    target.add_router("/schemes", schemes_router)
    target.add_router("/cycles", cycles_router)
    target.add_router("/cycles", results_router)
    target.add_router("/values", collection_router)
    target.add_router("/evidence", evidence_router)
    target.add_router("/approval", approval_router)
    target.add_router("/appeals", review_router)
    target.add_router("/audit", audit_router)
    target.add_router("/imports", imports_router)
    target.add_router("/inbox", inbox_router)
    target.add_router("/monitoring", monitoring_router)
    target.add_router("/ratings", ratings_router)
    target.add_router("/verification", "jixiao.verification.api.router")
    target.add_router("/surveys", surveys_router)
    target.add_router("/hotline", hotline_router)
    target.add_router("/outcomes", outcomes_router)
