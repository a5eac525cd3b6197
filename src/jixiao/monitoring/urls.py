"""URLs of progress monitoring (under /app/)."""

from django.urls import path

from jixiao.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("monitoring/<str:code>/", views.overview, name="overview"),
    path("monitoring/<str:code>/warnings/", views.warnings, name="warnings"),
    path("monitoring/warning/<int:pk>/answer/", views.answer, name="answer"),
    path("monitoring/warning/<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("monitoring/<str:code>/<str:unit>/", views.unit, name="unit"),
]
