"""The django-ninja API at ``/api/`` (OpenAPI docs at ``/api/docs``). Every endpoint starts from
``restrict(request.user, action)``; refusals come back as ``{"code", "message"}`` with the error's status."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from jixiao.core.errors import JixiaoError

api = NinjaAPI(title="Jixiao 绩效 API", version="1", urls_namespace="api")


@api.exception_handler(JixiaoError)
def jixiao_error(request: HttpRequest, exc: JixiaoError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _mount() -> None:
    from jixiao.accounts.api import router as accounts_router
    from jixiao.audit.api import router as audit_router
    from jixiao.collection.api import router as collection_router
    from jixiao.cycles.api import router as cycles_router
    from jixiao.indicators.api import router as indicators_router
    from jixiao.org.api import router as org_router
    from jixiao.results.api import router as results_router
    from jixiao.schemes.api import router as schemes_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/units", org_router)
    api.add_router("/indicators", indicators_router)
    api.add_router("/schemes", schemes_router)
    api.add_router("/cycles", cycles_router)
    api.add_router("/cycles", results_router)
    api.add_router("/values", collection_router)
    api.add_router("/audit", audit_router)


_mount()
