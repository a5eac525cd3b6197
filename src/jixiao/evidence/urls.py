"""URLs of evidence files (under /app/)."""

from django.urls import path

from jixiao.evidence import views

app_name = "evidence"

urlpatterns = [
    path("evidence/<int:pk>/", views.download, name="download"),
]
