"""URLs of the signed-in web interface (under /app/)."""

from django.urls import path

from jixiao.web import entry, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("cycles/", views.cycles, name="cycles"),
    path("entry/", entry.entry_list, name="entry_list"),
    path("cycles/<str:code>/", views.overview, name="overview"),
    path("cycles/<str:code>/do/<str:action>/", views.cycle_action, name="cycle_action"),
    path("cycles/<str:code>/results/", views.ranking, name="ranking"),
    path("cycles/<str:code>/units/<str:subject>/", views.scorecard, name="scorecard"),
    path("cycles/<str:code>/units/<str:subject>/explanation/", views.explanation, name="explanation"),
    path("cycles/<str:code>/indicators/", views.indicators, name="indicators"),
    path("cycles/<str:code>/indicators/<str:indicator>/", views.indicator, name="indicator"),
    path("cycles/<str:code>/entry/<str:subject>/", entry.entry, name="entry"),
    path("cycles/<str:code>/entry/<str:subject>/check/<str:indicator>/", entry.entry_check, name="entry_check"),
    path("cycles/<str:code>/entry/<str:subject>/received/", entry.receipt, name="receipt"),
]
