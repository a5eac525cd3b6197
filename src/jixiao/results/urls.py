"""URLs of the results' pages (under /app/)."""

from django.urls import path

from jixiao.results import views

app_name = "results"

urlpatterns = [
    path("cycles/<str:code>/", views.overview, name="overview"),
    path("cycles/<str:code>/results/", views.ranking, name="ranking"),
    path("cycles/<str:code>/units/<str:subject>/", views.scorecard, name="scorecard"),
    path("cycles/<str:code>/units/<str:subject>/explanation/", views.explanation, name="explanation"),
]
