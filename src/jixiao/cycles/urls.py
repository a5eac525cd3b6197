"""URLs of the cycles' pages (under /app/)."""

from django.urls import path

from jixiao.cycles import views

app_name = "cycles"

urlpatterns = [
    path("cycles/", views.cycles, name="list"),
    path("cycles/<str:code>/do/<str:action>/", views.cycle_action, name="action"),
]
