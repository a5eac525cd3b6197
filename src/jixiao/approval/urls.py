"""URLs of data approval (under /app/)."""

from django.urls import path

from jixiao.approval import views

app_name = "approval"

urlpatterns = [
    path("approval/", views.latest, name="latest"),
    path("cycles/<str:code>/approval/", views.overview, name="overview"),
    path("cycles/<str:code>/approval/<str:subject>/", views.subject, name="subject"),
    path("cycles/<str:code>/approval/<str:subject>/step/", views.step, name="step"),
]
