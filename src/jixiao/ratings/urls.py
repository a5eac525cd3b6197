"""URLs of multi-party evaluation: the signed-in pages under /app/ratings/, and the invitation link /rate/<token>/
that outside raters open without an account."""

from django.urls import path

from jixiao.ratings import views

app_name = "ratings"

urlpatterns = [
    path("app/ratings/", views.mine, name="mine"),
    path("app/ratings/task/<int:pk>/", views.rate, name="rate"),
    path("app/ratings/campaign/<int:pk>/", views.campaign, name="campaign"),
    path("app/ratings/campaign/<int:pk>/<str:step>/", views.campaign_step, name="campaign_step"),
    path("app/ratings/<str:code>/campaigns/", views.campaigns, name="campaigns"),
    path("app/ratings/<str:code>/results/", views.results, name="results"),
    path("app/ratings/<str:code>/results/<str:unit>/", views.subject_results, name="subject"),
    path("rate/<str:token>/", views.invited, name="invited"),
]
