"""URLs of the indicators' pages in a cycle (under /app/)."""

from django.urls import path

from jixiao.indicators import views

app_name = "indicators"

urlpatterns = [
    path("cycles/<str:code>/indicators/", views.indicators, name="list"),
    path("cycles/<str:code>/indicators/<str:indicator>/", views.indicator, name="detail"),
]
