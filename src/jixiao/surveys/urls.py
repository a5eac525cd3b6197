"""URLs of surveys: the office's pages under /app/surveys/, and the public survey page /survey/<key>/ (a citizen's
link or invitation token)."""

from django.urls import path

from jixiao.surveys import views

app_name = "surveys"

urlpatterns = [
    path("app/surveys/", views.survey_list, name="list"),
    path("app/surveys/new/", views.survey_new, name="new"),
    path("app/surveys/<int:pk>/", views.survey_detail, name="detail"),
    path("app/surveys/<int:pk>/tokens/", views.survey_tokens, name="tokens"),
    path("app/surveys/<int:pk>/tokens.csv", views.survey_token_file, name="token_file"),
    path("app/surveys/<int:pk>/compute/", views.survey_compute, name="compute"),
    path("app/surveys/<int:pk>/close/", views.survey_close, name="close"),
    path("app/surveys/<int:pk>/paper/", views.survey_paper, name="paper"),
    path("app/surveys/<int:pk>/qr/<str:unit>.svg", views.survey_qr, name="qr"),
    path("survey/<str:key>/", views.answer, name="answer"),
    path("survey/<str:key>/thanks/", views.thanks, name="thanks"),
]
