"""URLs of three-party checks (under /app/)."""

from django.urls import path

from jixiao.verification import views

app_name = "verification"

urlpatterns = [
    path("verification/", views.index, name="index"),
    path("verification/round/<int:pk>/", views.round_view, name="round"),
    path("verification/round/<int:pk>/add/", views.add_item, name="add_item"),
    path("verification/item/<int:pk>/", views.item_view, name="item"),
    path("verification/item/<int:pk>/review/", views.item_review, name="item_review"),
    path("verification/item/<int:pk>/verify/", views.item_verify, name="item_verify"),
    path("verification/item/<int:pk>/apply/", views.item_apply, name="item_apply"),
    path("verification/item/<int:pk>/file/", views.item_file, name="item_file"),
]
