"""URLs of data entry (填报) and its receipt (under /app/)."""

from django.urls import path

from jixiao.collection import views

app_name = "collection"

urlpatterns = [
    path("entry/", views.entry_list, name="entry_list"),
    path("cycles/<str:code>/entry/<str:subject>/", views.entry, name="entry"),
    path("cycles/<str:code>/entry/<str:subject>/check/<str:indicator>/", views.entry_check, name="entry_check"),
    path("cycles/<str:code>/entry/<str:subject>/received/", views.receipt, name="receipt"),
]
