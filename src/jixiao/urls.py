"""URLs: the public portal, the signed-in app (the shell and each app's pages), the health check, the API and the
back office."""

from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from jixiao.api import api
from jixiao.core.views import healthz

urlpatterns = [
    path("", include("jixiao.portal.urls")),
    path("", include("jixiao.ratings.urls")),
    path("app/", include("jixiao.web.urls")),
    path("app/", include("jixiao.cycles.urls")),
    path("app/", include("jixiao.results.urls")),
    path("app/", include("jixiao.indicators.urls")),
    path("app/", include("jixiao.collection.urls")),
    path("app/", include("jixiao.approval.urls")),
    path("app/", include("jixiao.evidence.urls")),
    path("app/", include("jixiao.review.urls")),
    path("app/", include("jixiao.monitoring.urls")),
    path("app/", include("jixiao.verification.urls")),
    path("", include("jixiao.surveys.urls")),
    path("app/", include("jixiao.imports.urls")),
    path("app/", include("jixiao.inbox.urls")),
    path("app/hotline/", include("jixiao.hotline.urls")),
    path("app/outcomes/", include("jixiao.outcomes.urls")),
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    # The language switch carries no CSRF token, so that a public page is the same for every visitor and a proxy
    # may keep it (``core.pagecache``); choosing the language of one's own pages gives a forged request nothing.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
]
