"""URLs of the public portal (the site's root)."""

from django.urls import path

from jixiao.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("public/<str:code>/", views.cycle, name="cycle"),
    # Before the unit's page, which would take "rectification" for a unit's code.
    path("public/<str:code>/rectification/", views.rectification, name="rectification"),
    path("public/<str:code>/<str:subject>/", views.unit, name="unit"),
]
