"""URLs of the review, appeals and hearings (under /app/)."""

from django.urls import path

from jixiao.review import views

app_name = "review"

urlpatterns = [
    path("review/<str:code>/", views.sheet, name="sheet"),
    path("review/<str:code>/do/<str:action>/", views.cycle_action, name="action"),
    path("review/<str:code>/appeals/", views.appeals, name="appeals"),
    path("review/<str:code>/appeals/new/", views.draft, name="draft"),
    path("appeals/<int:pk>/", views.appeal, name="appeal"),
    path("appeals/<int:pk>/evidence/", views.appeal_evidence, name="evidence"),
    path("appeals/<int:pk>/<str:step>/", views.appeal_step, name="step"),
]
