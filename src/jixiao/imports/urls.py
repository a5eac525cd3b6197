"""URLs of import jobs (under /app/)."""

from django.urls import path

from jixiao.imports import views

app_name = "imports"

urlpatterns = [
    path("imports/", views.jobs, name="list"),
    path("imports/new/", views.start, name="start"),
    path("imports/<int:pk>/", views.job, name="detail"),
    path("imports/<int:pk>/progress/", views.job_progress, name="progress"),
]
