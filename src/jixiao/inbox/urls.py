"""URLs of the inbox (under /app/)."""

from django.urls import path

from jixiao.inbox import views

app_name = "inbox"

urlpatterns = [
    path("inbox/", views.notice_list, name="list"),
    path("inbox/<int:pk>/read/", views.read, name="read"),
    path("inbox/read-all/", views.read_all, name="read_all"),
]
