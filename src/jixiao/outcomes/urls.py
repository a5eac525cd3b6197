"""URLs of using the results (under /app/outcomes/)."""

from django.urls import path

from jixiao.outcomes.views import fairness, history, plans, report, weights

app_name = "outcomes"

urlpatterns = [
    path("", plans.index, name="index"),
    path("history/", history.history, name="history"),
    path("plan/<int:pk>/", plans.plan_view, name="plan"),
    path("plan/<int:pk>/export/", plans.plan_export, name="plan_export"),
    path("plan/<int:pk>/<str:step>/", plans.plan_decide, name="plan_decide"),
    path("improvement/<int:pk>/", plans.improvement, name="improvement"),
    path("weights/<int:pk>/<str:step>/", weights.decide, name="weights_decide"),
    path("cycle/<str:code>/", plans.cycle_view, name="cycle"),
    path("cycle/<str:code>/propose/<str:kind>/", plans.propose, name="propose"),
    path("cycle/<str:code>/budgets/", plans.import_budgets, name="budgets"),
    path("cycle/<str:code>/improvement/<str:subject>/", plans.submit_plan, name="submit_plan"),
    path("cycle/<str:code>/weights/", weights.weights_view, name="weights"),
    path("cycle/<str:code>/weights/propose/", weights.suggest, name="weights_propose"),
    path("cycle/<str:code>/fairness/", fairness.fairness_view, name="fairness"),
    path("cycle/<str:code>/report.<str:fmt>", report.report_view, name="report"),
]
